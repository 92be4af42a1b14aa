import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export interface LogGroupRetentionConfig {
  /** The longest retention allowed, in days; unset means any finite retention is accepted. */
  maxRetentionDays?: number;
}

export const cloudwatchLogGroupRetention: ResourceValidationPolicy = {
  name: "cloudwatch-log-group-retention",
  description:
    "CloudWatch Logs log groups expire their events, so execution data (which may carry customer data) is not kept forever.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      maxRetentionDays: {
        type: "integer",
        minimum: 1,
        description: "The longest retention allowed, in days. Unset: any retention other than never-expire.",
      },
    },
  },
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (logGroup, args, reportViolation) => {
    // Absent and 0 both mean that events never expire.
    const retention: unknown = logGroup.retentionInDays;
    if (typeof retention !== "number" || retention <= 0) {
      reportViolation(
        `retentionInDays must be a positive number of days, but it is ${retention === undefined ? "not set" : JSON.stringify(retention)}.`,
      );
      return;
    }
    const { maxRetentionDays } = args.getConfig<LogGroupRetentionConfig>();
    if (maxRetentionDays !== undefined && retention > maxRetentionDays) {
      reportViolation(`retentionInDays must be at most ${maxRetentionDays}, but it is ${retention}.`);
    }
  }),
};

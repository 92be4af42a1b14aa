import { ResourceValidationPolicy } from "@pulumi/policy";

export interface LogGroupRetentionConfig {
  /** The longest retention allowed, in days; unset means any finite retention is accepted. */
  maxRetentionDays?: number;
}

export const AWS_LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
export const AWS_NATIVE_LOG_GROUP = "aws-native:logs:LogGroup";

/**
 * The log group class whose retention AWS fixes: "Log events in log groups in the Delivery class are kept in
 * CloudWatch Logs for only one day" (CreateLogGroup, logGroupClass); the aws provider ignores retentionInDays
 * for it.
 */
const DELIVERY = "DELIVERY";

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
  validateResource: (args, reportViolation) => {
    // Both providers name the fields alike (aws-native's CloudFormation RetentionInDays and LogGroupClass).
    if (args.type !== AWS_LOG_GROUP && args.type !== AWS_NATIVE_LOG_GROUP) {
      return args.notApplicable(
        `Policy only applies to resources of type '${AWS_LOG_GROUP}' or '${AWS_NATIVE_LOG_GROUP}'`,
      );
    }
    // Absent and 0 both mean that events never expire.
    const retention: unknown = args.props.retentionInDays;
    const { maxRetentionDays } = args.getConfig<LogGroupRetentionConfig>();
    const expires = typeof retention === "number" && retention > 0;
    if (expires && (maxRetentionDays === undefined || retention <= maxRetentionDays)) return;
    // Read only now, so that a class unknown during preview stops no log group whose retention passes.
    if (args.props.logGroupClass === DELIVERY) return;
    if (!expires) {
      reportViolation(
        `retentionInDays must be a positive number of days, but it is ${retention === undefined ? "not set" : JSON.stringify(retention)}.`,
      );
    } else {
      reportViolation(`retentionInDays must be at most ${maxRetentionDays}, but it is ${retention}.`);
    }
  },
};

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlarmSubject, alarmSpecs, dimensionNames } from "./alarms";

export interface AlarmInputs {
  /** The value of each subject's dimension: the state machine's ARN, the queue's and the rule's names. */
  readonly dimensions: Readonly<Record<AlarmSubject, pulumi.Input<string>>>;
  /** Notified when an alarm fires and when it clears; undefined: no notification. */
  readonly topicArn: string | undefined;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The alarms of components/resources/alarms.ts, children of `parent`, keyed by their suffix. */
export function createAlarms(
  name: string,
  inputs: AlarmInputs,
  parent: pulumi.Resource,
): Record<string, aws.cloudwatch.MetricAlarm> {
  const actions = inputs.topicArn === undefined ? [] : [inputs.topicArn];
  return Object.fromEntries(
    alarmSpecs.map((spec) => [
      spec.suffix,
      new aws.cloudwatch.MetricAlarm(
        `${name}-${spec.suffix}`,
        {
          alarmDescription: spec.description,
          namespace: spec.namespace,
          metricName: spec.metricName,
          dimensions: { [dimensionNames[spec.subject]]: inputs.dimensions[spec.subject] },
          statistic: spec.statistic,
          period: 60,
          evaluationPeriods: 1,
          threshold: 1,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          // No executions, no data: that is not a failure.
          treatMissingData: "notBreaching",
          alarmActions: actions,
          okActions: actions,
          tags: inputs.tags,
        },
        { parent },
      ),
    ]),
  );
}

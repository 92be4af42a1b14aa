/**
 * The alarms that tell on-call an order needs a look, as data: each names its metric, the
 * dimension that ties it to this workflow, and why it matters. Every one fires on a single
 * occurrence: one stuck order is one customer.
 */

/** What the metric is filtered by: the state machine, the dead-letter queue or the safety net's rule. */
export type AlarmSubject = "stateMachine" | "deadLetterQueue" | "safetyNetRule";

export interface AlarmSpec {
  /** Appended to the component's name: `<name>-<suffix>`. */
  readonly suffix: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: "Sum" | "Maximum";
  readonly subject: AlarmSubject;
  readonly description: string;
}

/** The CloudWatch dimension each subject is named by in its namespace. */
export const dimensionNames: Readonly<Record<AlarmSubject, string>> = {
  stateMachine: "StateMachineArn",
  deadLetterQueue: "QueueName",
  safetyNetRule: "RuleName",
};

export const alarmSpecs: readonly AlarmSpec[] = [
  {
    suffix: "executions-failed",
    namespace: "AWS/States",
    metricName: "ExecutionsFailed",
    statistic: "Sum",
    subject: "stateMachine",
    description:
      "An order execution failed. While this alarm stays in ALARM, new failures do not notify again: list the FAILED executions since it fired and read each error (docs/outcomes.md). Order.OrderCreatedUnconfirmed: if the events service has no outcome for the execution, re-send its OrderCreated with the same Idempotency-Key.",
  },
  {
    suffix: "executions-timed-out",
    namespace: "AWS/States",
    metricName: "ExecutionsTimedOut",
    statistic: "Sum",
    subject: "stateMachine",
    description:
      "An order execution outlasted every retry budget and timed out; the safety net announces OrderFailed.",
  },
  {
    suffix: "executions-aborted",
    namespace: "AWS/States",
    metricName: "ExecutionsAborted",
    statistic: "Sum",
    subject: "stateMachine",
    description: "An order execution was stopped; the safety net announces OrderFailed.",
  },
  {
    suffix: "safety-net-dead-letters",
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    statistic: "Maximum",
    subject: "deadLetterQueue",
    // A refused OrderFailed is dead-lettered too (EventBridge does not retry a 4xx other than 429):
    // the message may be an execution that already has its outcome, so it is replayed through the
    // events service, which refuses a second outcome, never announced another way.
    description:
      "The safety net could not deliver an OrderFailed. For the execution the message names, POST the safety net's OrderFailed to /events/receive (Idempotency-Key: its executionArn), then delete the message: a 409 means the execution already has its outcome, so nothing more is announced.",
  },
  {
    suffix: "safety-net-failed-invocations",
    namespace: "AWS/Events",
    metricName: "FailedInvocations",
    statistic: "Sum",
    subject: "safetyNetRule",
    description:
      "EventBridge gave up on an OrderFailed of the safety net, or the events service refused it (409: the execution already has its outcome): see the safety-net-dead-letters alarm.",
  },
];

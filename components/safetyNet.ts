/**
 * The safety net's EventBridge rule, as data: which execution status events it matches and what
 * it POSTs to the order API's events route. The component deploys exactly these values, and the
 * local run emulates the rule from the same functions. Sources and what could not be verified:
 * docs/outcomes.md.
 */
import { idempotencyHeader } from "./apiGatewayTask";
import { safetyNetSilentErrors } from "./outcomes";
import { routes } from "./routes";

/** The route the safety net calls: the one whose ARN its role may invoke, and nothing else. */
export const safetyNetRoute = routes.receiveEvent;

/** The execution statuses that end an execution without success (SUCCEEDED and RUNNING are never matched). */
export const unsuccessfulStatuses = ["FAILED", "TIMED_OUT", "ABORTED"] as const;

/**
 * The rule's event pattern: this state machine's "Step Functions Execution Status Change" events
 * (source aws.states, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-states.html)
 * that end the execution without success, except a FAILED one whose `error` says the definition
 * already dealt with it (`safetyNetSilentErrors`). A FAILED event without an `error` field does
 * not match (EventBridge matches `anything-but` only on a present field): see docs/outcomes.md.
 */
export function executionStatusEventPattern(stateMachineArn: string) {
  return {
    source: ["aws.states"],
    "detail-type": ["Step Functions Execution Status Change"],
    detail: {
      stateMachineArn: [stateMachineArn],
      $or: [
        { status: ["TIMED_OUT", "ABORTED"] },
        { status: ["FAILED"], error: [{ "anything-but": [...safetyNetSilentErrors] }] },
      ],
    },
  };
}

/** The target's request, as EventBridge's InputTransformer and HttpParameters write it. */
export interface OrderFailedTarget {
  /** Variable name to the JSON path it is read from in the event. */
  readonly inputPathsMap: Readonly<Record<string, string>>;
  /** The request body, `<name>` standing for each variable's JSON value. */
  readonly inputTemplate: string;
  readonly httpParameters: {
    /** Header name to its value; a value that is a JSON path is read from the event. */
    readonly headerParameters: Readonly<Record<string, string>>;
  };
}

/**
 * The OrderFailed event the safety net POSTs to `/events/receive`. Only fields every matched
 * event carries are read: EventBridge drops a variable whose path is missing from the event.
 * The Idempotency-Key is the execution ARN, the key the definition's own OrderFailed uses, so if
 * both were ever sent the events service would see one key twice.
 */
export function orderFailedTarget(): OrderFailedTarget {
  return {
    inputPathsMap: { executionArn: "$.detail.executionArn", status: "$.detail.status" },
    inputTemplate:
      '{"eventType":"OrderFailed","detail":{"executionArn":<executionArn>,"executionStatus":<status>,"announcedBy":"safety-net"}}',
    httpParameters: { headerParameters: { [idempotencyHeader]: "$.detail.executionArn" } },
  };
}

/**
 * How long EventBridge keeps retrying a 5xx or 429 from the events service before dead-lettering:
 * its own maximums (24 hours, 185 attempts). A late OrderFailed is better than a dead-lettered one.
 */
export const safetyNetRetryPolicy = { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 } as const;

/** Dead letters are kept for SQS's longest retention, 14 days, so on-call can replay them after a weekend. */
export const deadLetterRetentionSeconds = 1209600;

/**
 * The safety net's EventBridge rule, as data: which execution status events it matches and what
 * it POSTs to the order API's events route. The component deploys exactly these values, and the
 * local run emulates the rule from the same functions. Sources and what could not be verified:
 * docs/outcomes.md.
 */
import { idempotencyHeader } from "../definition/apiGatewayTask";
import { safetyNetSilentErrors } from "../definition/outcomes";
import { routes } from "../routes";

/** The route the safety net calls: the one whose ARN its role may invoke, and nothing else. */
export const safetyNetRoute = routes.receiveEvent;

/**
 * The rule's event pattern: this state machine's "Step Functions Execution Status Change" events
 * (source aws.states, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-states.html)
 * that end the execution without success, except a FAILED one whose `error` says the definition
 * already dealt with it (`safetyNetSilentErrors`). AWS's examples of the event show no `error`
 * (step-functions/latest/dg/cw-events.html), and `anything-but` matches only a present field, so a
 * FAILED event without one is matched too (`exists: false`): the net then announces every failed
 * execution, and the events service acknowledges, without change, an OrderFailed it already has or
 * one for an execution that created no cart (api/order-api.openapi.yaml). docs/outcomes.md.
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
        { status: ["FAILED"], error: [{ exists: false }] },
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
 * The Idempotency-Key is the execution ARN, the key the definition's own OrderFailed uses: a header
 * value is a whole JSON path of the event, never a concatenation (API_HttpParameters.html), so
 * this is the one key both can send for the execution's one failure announcement.
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

/**
 * The safety net, emulated from the same rule the component deploys (components/resources/safetyNet.ts):
 * once an execution ends, build the "Step Functions Execution Status Change" event Step Functions
 * would send, match it against the rule's pattern, render the target's input transformer and HTTP
 * parameters, and POST the result to the local API's events route, retrying as EventBridge does;
 * what cannot be delivered is dead-lettered.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  executionStatusEventPattern,
  OrderFailedTarget,
  orderFailedTarget,
  safetyNetRetryPolicy,
  safetyNetRoute,
} from "../../components/resources/safetyNet";
import { stagePath } from "../api/routeMatcher";
import { matchesEventPattern } from "./eventPattern";
import type { ExecutionResult } from "./execution";
import { realClock, TimeoutClock } from "./timeoutClock";

/** The event as EventBridge receives it from Step Functions (events-ref-states.html; fields: docs/outcomes.md). */
export interface ExecutionStatusChangeEvent {
  readonly version: "0";
  readonly id: string;
  readonly "detail-type": "Step Functions Execution Status Change";
  readonly source: "aws.states";
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: {
    readonly executionArn: string;
    readonly stateMachineArn: string;
    readonly name: string;
    readonly status: ExecutionResult["status"];
    readonly startDate: number;
    readonly stopDate: number;
    readonly input: string;
    readonly output: string | null;
    readonly error?: string;
    readonly cause?: string;
  };
}

/**
 * Whether the status change event carries the execution's `error` and `cause`. AWS's published
 * examples show neither (`documented`, the default); DescribeExecution, whose information the
 * event is said to carry, has both (`with-error`). The safety net must be right under either.
 */
export const eventShapes = ["documented", "with-error"] as const;
export type EventShape = (typeof eventShapes)[number];

/** The state machine an execution ARN belongs to: `...:execution:<machine>:<name>`. */
export const stateMachineArnOf = (executionArn: string): string =>
  executionArn.replace(/:execution:([^:]+):[^:]+$/, ":stateMachine:$1");

export function executionStatusChangeEvent(
  result: ExecutionResult,
  input: unknown,
  shape: EventShape = "documented",
): ExecutionStatusChangeEvent {
  const [, , , region, account] = result.executionArn.split(":");
  const failure =
    result.status === "SUCCEEDED" || shape === "documented"
      ? {}
      : { error: result.error, cause: result.cause };
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Step Functions Execution Status Change",
    source: "aws.states",
    account,
    time: result.stoppedAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
    region,
    resources: [result.executionArn],
    detail: {
      executionArn: result.executionArn,
      stateMachineArn: stateMachineArnOf(result.executionArn),
      name: result.executionArn.split(":").pop() ?? "",
      status: result.status,
      startDate: result.startedAt.getTime(),
      stopDate: result.stoppedAt.getTime(),
      input: JSON.stringify(input),
      output: result.status === "SUCCEEDED" ? JSON.stringify(result.output) : null,
      ...failure,
    },
  };
}

/** `$.detail.executionArn` read from the event; only plain dotted paths are used by the rule. */
function readPath(event: unknown, path: string): unknown {
  if (!/^\$(\.[A-Za-z0-9_-]+)+$/.test(path)) throw new Error(`Unsupported input path ${path}`);
  return path
    .split(".")
    .slice(1)
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], event);
}

/**
 * An InputTemplate with each `<name>` replaced as EventBridge does (API_InputTransformer.html): inside
 * a JSON string, by the value's text, escaped for that string; outside, by the value as JSON.
 */
export function renderTemplate(template: string, valueOf: (name: string) => unknown): string {
  let rendered = "";
  let inString = false;
  for (let at = 0; at < template.length; at++) {
    const char = template[at];
    const placeholder = /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(at));
    if (placeholder !== null) {
      const value = valueOf(placeholder[1]);
      rendered += inString
        ? JSON.stringify(typeof value === "string" ? value : JSON.stringify(value)).slice(1, -1)
        : JSON.stringify(value);
      at += placeholder[0].length - 1;
      continue;
    }
    if (char === "\\" && inString) {
      rendered += char + (template[at + 1] ?? "");
      at += 1;
      continue;
    }
    if (char === '"') inString = !inString;
    rendered += char;
  }
  return rendered;
}

/** The request the target sends: the input template with each `<name>` replaced, and the headers. */
export function renderTarget(
  target: OrderFailedTarget,
  event: ExecutionStatusChangeEvent,
): { readonly headers: Record<string, string>; readonly body: unknown } {
  const body = renderTemplate(target.inputTemplate, (name) => {
    const path = target.inputPathsMap[name];
    if (path === undefined) throw new Error(`The input template uses <${name}>, which inputPathsMap lacks`);
    return readPath(event, path) ?? null;
  });
  const headers = Object.fromEntries(
    Object.entries(target.httpParameters.headerParameters).map(([name, value]) => [
      name,
      value.startsWith("$.") ? String(readPath(event, value)) : value,
    ]),
  );
  return { headers, body: JSON.parse(body) as unknown };
}

/** One attempt to deliver, as the local API answered it; status null when no answer came. */
export interface DeliveryAttempt {
  readonly status: number | null;
}

export type SafetyNetOutcome =
  | {
      readonly matched: false;
      readonly event: ExecutionStatusChangeEvent;
      /** False for an Express workflow: Step Functions sends its status changes to no bus. */
      readonly sent: boolean;
    }
  | {
      readonly matched: true;
      readonly event: ExecutionStatusChangeEvent;
      readonly request: {
        readonly method: string;
        readonly path: string;
        readonly headers: Record<string, string>;
        readonly body: unknown;
      };
      readonly attempts: readonly DeliveryAttempt[];
      readonly outcome: "delivered" | "dead-lettered";
    };

export interface SafetyNetOptions {
  /** Whether the status change event carries `error` and `cause`; AWS's documented shape by default. */
  readonly eventShape?: EventShape;
  /** Only Standard workflows send status change events to EventBridge (eventbridge-integration.html). */
  readonly workflowType?: "STANDARD" | "EXPRESS";
  /** Where the local API serves the definition's endpoint. */
  readonly origin: string;
  readonly stage: string;
  /** The pause between EventBridge's retries, which back off over up to 24 hours in AWS. */
  readonly retryPauseMs?: number;
  /** Delivery attempts before dead-lettering; EventBridge's: 1 + maximumRetryAttempts. */
  readonly maxAttempts?: number;
  /** How long one attempt waits for an answer; `deliveryTimeoutSeconds` by default. */
  readonly attemptTimeoutMs?: number;
  /** What gives up on an attempt: real timers by default. */
  readonly clock?: TimeoutClock;
  /** Hears of each attempt as it ends (`ordinal` from 1): up to 186 of them, each as slow as the API. */
  readonly onAttempt?: (attempt: DeliveryAttempt, ordinal: number, maxAttempts: number) => void;
}

/** How long EventBridge waits for an API Gateway target to answer (eb-api-gateway-target.html; docs/outcomes.md). */
export const deliveryTimeoutSeconds = 5;

/** EventBridge retries a target's 429 and 5xx answers (and no answer at all); any other 4xx is final. */
const retryable = (status: number | null): boolean => status === null || status === 429 || status >= 500;

/** Runs the safety net for an execution that has ended; the event says what AWS would see. */
export async function runSafetyNet(
  result: ExecutionResult,
  input: unknown,
  options: SafetyNetOptions,
): Promise<SafetyNetOutcome> {
  const event = executionStatusChangeEvent(result, input, options.eventShape);
  if (options.workflowType === "EXPRESS") return { matched: false, event, sent: false };
  if (!matchesEventPattern(executionStatusEventPattern(event.detail.stateMachineArn), event)) {
    return { matched: false, event, sent: true };
  }
  const { headers, body } = renderTarget(orderFailedTarget(), event);
  const request = {
    method: safetyNetRoute.method,
    path: `${stagePath(options.stage)}${safetyNetRoute.path}`,
    headers: { ...headers, "Content-Type": "application/json" },
    body,
  };
  const maxAttempts = options.maxAttempts ?? 1 + safetyNetRetryPolicy.maximumRetryAttempts;
  const attempts: DeliveryAttempt[] = [];
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 1) await sleep(options.retryPauseMs ?? 1);
    let status: number | null;
    const timedOut = new AbortController();
    const cancelTimeout = (options.clock ?? realClock).start(
      { kind: "delivery", executionArn: result.executionArn },
      options.attemptTimeoutMs ?? deliveryTimeoutSeconds * 1000,
      () => timedOut.abort(),
    );
    try {
      const response = await fetch(`${options.origin}${request.path}`, {
        method: request.method,
        headers: request.headers,
        body: JSON.stringify(body),
        signal: timedOut.signal,
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      status = null;
    } finally {
      cancelTimeout();
    }
    attempts.push({ status });
    options.onAttempt?.({ status }, attempt, maxAttempts);
    if (status !== null && status >= 200 && status < 300) {
      return { matched: true, event, request, attempts, outcome: "delivered" };
    }
    if (!retryable(status)) break;
  }
  return { matched: true, event, request, attempts, outcome: "dead-lettered" };
}

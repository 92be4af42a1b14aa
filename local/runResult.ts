import { routes } from "../components/routes";
import type { WorkflowType } from "../components/config/modes";
import { Billing, billingOf, statesEntered } from "./aws/billing";
import type { ApiRecord } from "./api/server";
import type { Cart } from "./api/orderService";
import type { ExecutionResult, FinalStatus } from "./aws/execution";
import type { SafetyNetOutcome } from "./aws/safetyNet";

/** `npm start -- --json`: everything a run did, as one JSON object a script or a test can read. */
export interface RunResult {
  readonly executionArn: string;
  readonly status: FinalStatus;
  /** From the execution's start to its end, as the summary line says. */
  readonly durationMs: number;
  /** The execution's output; null unless it succeeded. */
  readonly output: unknown;
  /** null when the execution succeeded. */
  readonly error: string | null;
  readonly cause: string | null;
  /**
   * States the order's own execution entered (StateEntered events), whatever its type; the states
   * of the executions it started (the pricing child) are not counted here: they are in `billing`.
   */
  readonly transitions: number;
  /** What AWS bills for the run: a STANDARD order's transitions, and every Express execution. */
  readonly billing: Billing;
  /** Calls each route of the route table received, retries included. */
  readonly calls: Readonly<Record<string, number>>;
  readonly carts: readonly Cart[];
  /** The events the events service accepted: a replayed POST is not counted twice. */
  readonly events: readonly {
    readonly eventType: string;
    readonly eventId: string;
    readonly detail: unknown;
  }[];
  /** Every call as the local API received it; status null when the caller gave up before an answer. */
  readonly requests: readonly {
    readonly method: string;
    readonly path: string;
    readonly status: number | null;
  }[];
  readonly safetyNet: {
    readonly matched: boolean;
    /** The rule's target request, when the rule matched. */
    readonly request?: { readonly headers: Record<string, string>; readonly body: unknown };
    /** `not sent`: an Express workflow, whose status changes reach no rule. */
    readonly outcome: "not sent" | "not matched" | "delivered" | "dead-lettered";
    readonly attempts: readonly (number | null)[];
  };
}

export function runResult(
  execution: ExecutionResult,
  api: ApiRecord,
  safetyNet: SafetyNetOutcome,
  workflowType: WorkflowType,
): RunResult {
  const calls = Object.fromEntries(Object.values(routes).map((route) => [route.operation, 0]));
  for (const request of api.requests) {
    if (request.operation !== undefined) calls[request.operation] += 1;
  }
  return {
    executionArn: execution.executionArn,
    status: execution.status,
    durationMs: execution.durationMs,
    output: execution.status === "SUCCEEDED" ? execution.output : null,
    error: execution.status === "SUCCEEDED" ? null : execution.error,
    cause: execution.status === "SUCCEEDED" ? null : execution.cause,
    transitions: statesEntered(execution),
    billing: billingOf(execution, workflowType),
    calls,
    carts: api.carts,
    events: api.events.map(({ eventType, eventId, detail }) => ({ eventType, eventId, detail })),
    requests: api.requests.map(({ method, path, status }) => ({ method, path, status: status ?? null })),
    safetyNet: safetyNet.matched
      ? {
          matched: true,
          request: { headers: safetyNet.request.headers, body: safetyNet.request.body },
          outcome: safetyNet.outcome,
          attempts: safetyNet.attempts.map((attempt) => attempt.status),
        }
      : { matched: false, outcome: safetyNet.sent ? "not matched" : "not sent", attempts: [] },
  };
}

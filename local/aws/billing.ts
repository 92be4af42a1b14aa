/**
 * What a run costs as AWS bills Step Functions: a STANDARD execution per state transition, an
 * EXPRESS one per request and duration. The order's execution is of the stack's workflowType;
 * every execution it started (the pricing child, once per attempt of Price Cart) is EXPRESS.
 */
import type { WorkflowType } from "../../components/config/modes";
import type { ExecutionResult } from "./execution";

export interface Billing {
  /** States a STANDARD order's execution entered: 0 for an EXPRESS order. */
  readonly standardTransitions: number;
  /** Express executions: each child one, and the order's own when it is EXPRESS. */
  readonly expressRequests: number;
  /** Their measured durations summed, in ms (AWS bills each rounded up to 100 ms). */
  readonly expressDurationMs: number;
}

/** States an execution entered: what Step Functions counts as its state transitions. */
export const statesEntered = (execution: ExecutionResult): number =>
  execution.events.filter((event) => event.type === "StateEntered").length;

/** The execution's children, theirs, and so on. */
const descendants = (execution: ExecutionResult): ExecutionResult[] =>
  execution.children.flatMap((child) => [child, ...descendants(child)]);

export function billingOf(execution: ExecutionResult, workflowType: WorkflowType): Billing {
  const express = [...(workflowType === "EXPRESS" ? [execution] : []), ...descendants(execution)];
  return {
    standardTransitions: workflowType === "STANDARD" ? statesEntered(execution) : 0,
    expressRequests: express.length,
    expressDurationMs: express.reduce((sum, run) => sum + run.durationMs, 0),
  };
}

/**
 * What a local execution is and what it leaves: its events, its scope in a trace, its result. Below
 * the runner and everything that reads a run (StartSyncExecution's answer, state sizes, billing).
 */
import type { StateMachine } from "aws-local-stepfunctions";
import type { AslDefinition } from "../../components/definition/asl";

/** One entry of the engine's execution log (the package does not export the type). */
export type ExecutionEvent =
  ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

/**
 * Whose event it is: the execution's own (`startedBy` undefined) or a child's that a Task of it
 * started with StartSyncExecution, itself in a scope, so a trace can nest the child's states.
 */
export interface ExecutionScope {
  readonly definition: AslDefinition;
  readonly executionArn: string;
  readonly startedBy?: { readonly state: string; readonly scope: ExecutionScope };
}

/** What an execution is an execution of; the order's own by default. */
export interface ExecutionIdentity {
  readonly stateMachineArn: string;
  /** StartExecution's Name; a fresh one when absent. */
  readonly name?: string;
  /** An Express execution's ARN has its own shape (`:express:<machine>:<name>:<id>`). */
  readonly type: "STANDARD" | "EXPRESS";
}

interface ExecutionRecord {
  readonly events: ExecutionEvent[];
  readonly executionArn: string;
  readonly name: string;
  /** The executions its Tasks started (one per attempt), in the order they started. */
  readonly children: readonly ExecutionResult[];
  readonly startedAt: Date;
  readonly stoppedAt: Date;
  /** From the start of the execution to its end, the definition's validation excluded. */
  readonly durationMs: number;
}

/** The statuses DescribeExecution reports for an execution that has ended. */
export type FinalStatus = "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

export type ExecutionResult =
  | (ExecutionRecord & { readonly status: "SUCCEEDED"; readonly output: unknown })
  | (ExecutionRecord & {
      readonly status: Exclude<FinalStatus, "SUCCEEDED">;
      readonly error: string;
      readonly cause: string;
    });

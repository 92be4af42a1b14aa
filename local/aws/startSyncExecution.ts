/**
 * StartSyncExecution as the Step Functions AWS SDK integration shows it to a Task
 * (`arn:aws:states:::aws-sdk:sfn:startSyncExecution`): its parameters and errors in the SDK's
 * casing, and the response for an Express execution that ran (docs/pricing-fan-out.md).
 */
import type { ExecutionResult } from "./execution";

/** The Task's parameters once evaluated: `Input` is the execution input as a JSON string. */
export interface StartSyncExecutionParameters {
  readonly StateMachineArn: string;
  readonly Name?: string;
  readonly Input?: string;
}

/**
 * The response body: StartSyncExecution answers 200 for every execution that ran, whatever its
 * end. Output is present only for SUCCEEDED, Error and Cause only for an execution that failed.
 */
export interface StartSyncExecutionResponse {
  readonly ExecutionArn: string;
  readonly StateMachineArn: string;
  readonly Name: string;
  readonly StartDate: string;
  readonly StopDate: string;
  readonly Status: "SUCCEEDED" | "FAILED" | "TIMED_OUT";
  readonly Input: string;
  readonly Output?: string;
  readonly Error?: string;
  readonly Cause?: string;
  readonly BillingDetails: {
    readonly BilledDurationInMilliseconds: number;
    readonly BilledMemoryUsedInMB: number;
  };
}

/** Express duration is billed rounded up to the next 100 ms, memory in 64 MB steps (Step Functions pricing). */
const billedDurationStepMs = 100;
const billedMemoryStepMb = 64;

/** An error of the integration, as a Task's Catch and Retry see it: `Sfn.<exception>` and the message. */
export function sfnError(exception: string, message: string): Error {
  const error = new Error(message);
  error.name = `Sfn.${exception}`;
  return error;
}

/** The parameters as the service would check them: anything else is a ValidationException. */
export function checkedParameters(parameters: unknown): StartSyncExecutionParameters {
  const { StateMachineArn, Name, Input } = (parameters ?? {}) as Record<string, unknown>;
  if (typeof StateMachineArn !== "string") {
    throw sfnError(
      "ValidationException",
      `StateMachineArn must be a string; got ${JSON.stringify(StateMachineArn)}`,
    );
  }
  if (Name !== undefined && typeof Name !== "string") {
    throw sfnError("ValidationException", `Name must be a string; got ${JSON.stringify(Name)}`);
  }
  if (Input !== undefined && typeof Input !== "string") {
    throw sfnError(
      "InvalidExecutionInputException",
      `Input must be a JSON string; got ${JSON.stringify(Input)}`,
    );
  }
  return { StateMachineArn, Name, Input };
}

/** The execution input the parameters carry, parsed as the service does before starting it. */
export function executionInput({ Input }: StartSyncExecutionParameters): unknown {
  if (Input === undefined) return {};
  try {
    return JSON.parse(Input);
  } catch (error) {
    throw sfnError("InvalidExecutionInputException", `Input is not JSON: ${(error as Error).message}`);
  }
}

/** The answer for a child, which always ends by itself: StopExecution does not support Express executions. */
export function syncExecutionResponse(
  result: ExecutionResult,
  parameters: StartSyncExecutionParameters,
): StartSyncExecutionResponse {
  if (result.status === "ABORTED") throw new Error(`${result.executionArn} was stopped: it has no answer`);
  const status = result.status;
  const common = {
    ExecutionArn: result.executionArn,
    StateMachineArn: parameters.StateMachineArn,
    Name: result.name,
    StartDate: result.startedAt.toISOString(),
    StopDate: result.stoppedAt.toISOString(),
    Input: parameters.Input ?? "{}",
    BillingDetails: {
      BilledDurationInMilliseconds:
        Math.max(1, Math.ceil(result.durationMs / billedDurationStepMs)) * billedDurationStepMs,
      BilledMemoryUsedInMB: billedMemoryStepMb,
    },
  };
  return result.status === "SUCCEEDED"
    ? { ...common, Status: "SUCCEEDED", Output: JSON.stringify(result.output) }
    : { ...common, Status: status, Error: result.error, Cause: result.cause };
}

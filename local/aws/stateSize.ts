import type { ExecutionEvent } from "./execution";

/** Step Functions' quota for a state's input or output, and for an execution's input: 256 KiB. */
export const stateSizeLimitBytes = 256 * 1024;

/** A value's size as Step Functions measures it: bytes of its JSON in UTF-8. */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");

/**
 * The largest state input or output of an execution, in bytes of UTF-8 JSON, as Step Functions
 * measures it against `stateSizeLimitBytes` (beyond it: States.DataLimitExceeded, which no Catch sees).
 */
export function peakStateBytes(events: readonly ExecutionEvent[]): number {
  let peak = 0;
  for (const event of events) {
    const payloads =
      event.type === "StateEntered"
        ? [event.state.input]
        : event.type === "StateExited"
          ? [event.state.input, event.state.output]
          : [];
    for (const payload of payloads) peak = Math.max(peak, jsonBytes(payload));
  }
  return peak;
}

/** What of a state is measured: each is limited to `stateSizeLimitBytes`. */
export type MeasuredPayload = "input" | "effective input" | "result" | "output";

/**
 * States.DataLimitExceeded as the engine's retriers and catchers see it: terminal, like
 * States.Runtime, so neither a Retry nor a Catch (States.ALL included) matches it
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 */
export class DataLimitExceededError extends Error {
  /** Read by aws-local-stepfunctions' StateExecutor (shouldRetry, catchError). */
  readonly isRetryable = false;
  readonly isCatchable = false;

  constructor(state: string, payload: MeasuredPayload, bytes: number) {
    super(
      `The ${payload} of state "${state}" is ${bytes} bytes, over the ${stateSizeLimitBytes} bytes Step Functions allows a state's input, output, parameters or result`,
    );
    this.name = "States.DataLimitExceeded";
  }
}

/**
 * Fails the state when `value` is over the limit, as Step Functions does for a state's input, its
 * input once InputPath and Parameters are applied (a Task's parameters), a Task's result and a
 * state's output. Returns the value, so a check can wrap the expression it measures.
 */
export function checkStateSize<T>(value: T, state: string, payload: MeasuredPayload): T {
  const json = JSON.stringify(value) ?? "";
  // A UTF-16 code unit is at most 3 bytes of UTF-8: most states are far too small to measure.
  if (json.length * 3 > stateSizeLimitBytes) {
    const bytes = Buffer.byteLength(json, "utf8");
    if (bytes > stateSizeLimitBytes) throw new DataLimitExceededError(state, payload, bytes);
  }
  return value;
}

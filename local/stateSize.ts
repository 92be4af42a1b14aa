import type { ExecutionEvent } from "./runner";

/** Step Functions' quota for a state's input or output, and for an execution's input: 256 KiB. */
export const stateSizeLimitBytes = 256 * 1024;

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
    for (const payload of payloads) {
      peak = Math.max(peak, Buffer.byteLength(JSON.stringify(payload) ?? "", "utf8"));
    }
  }
  return peak;
}

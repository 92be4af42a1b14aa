import { AslDefinition, statesOf } from "../../components/definition/asl";

interface Retrier {
  readonly IntervalSeconds?: number;
}

/** The ASL default for a retrier without IntervalSeconds. */
const defaultIntervalSeconds = 1;

/**
 * Retry pauses for the local engine, per state and per retrier: each retrier's IntervalSeconds
 * times `scale`, and never below 1 ms, so a retry still waits (and stays visible) rather than
 * being skipped. The engine's override replaces backoff and jitter with this fixed pause.
 */
export function scaledRetryWaits(definition: AslDefinition, scale: number): Record<string, number[]> {
  if (!(scale > 0)) throw new Error(`The retry scale must be above 0; got ${scale}`);
  return Object.fromEntries(
    statesOf(definition)
      .filter(({ state }) => Array.isArray(state.Retry))
      .map(({ name, state }) => [
        name,
        (state.Retry as Retrier[]).map((retrier) =>
          Math.max(1, Math.round((retrier.IntervalSeconds ?? defaultIntervalSeconds) * 1000 * scale)),
        ),
      ]),
  );
}

// What a Retry entry really does, by the rules of "Handling errors in Step Functions workflows"
// (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
import { isJsonObject } from "./json";

/** Step Functions' values for a retrier's fields that are left out. */
export const RETRIER_DEFAULTS = { IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 } as const;

/**
 * Errors no retrier retries: States.Runtime ends the execution whatever its Retry and Catch say, and
 * States.DataLimitExceeded is terminal (the same page; States.ALL matches neither).
 */
export const NEVER_RETRIED: readonly string[] = ["States.DataLimitExceeded", "States.Runtime"];

/**
 * Whether a retrier can retry anything: it allows at least one attempt, and its ErrorEquals names some error
 * Step Functions retries. A retrier of the wrong shape cannot (AWS rejects it on deployment).
 */
export function canRetry(retrier: unknown): boolean {
  if (!isJsonObject(retrier) || !Array.isArray(retrier.ErrorEquals)) return false;
  const attempts = maxAttempts(retrier);
  return (
    attempts !== undefined &&
    attempts >= 1 &&
    retrier.ErrorEquals.some((error) => typeof error === "string" && !NEVER_RETRIED.includes(error))
  );
}

/** The attempts a retrier allows, or undefined when MaxAttempts is not a number (invalid ASL). */
export function maxAttempts(retrier: unknown): number | undefined {
  if (!isJsonObject(retrier)) return undefined;
  const attempts = retrier.MaxAttempts ?? RETRIER_DEFAULTS.MaxAttempts;
  return typeof attempts === "number" ? attempts : undefined;
}

/**
 * The longest a retrier can wait in total between its attempts, in seconds: IntervalSeconds, multiplied by
 * BackoffRate after each attempt and capped by MaxDelaySeconds. Full jitter only shortens each wait, so the
 * bound holds whatever JitterStrategy says. Computed in closed form, so a MaxAttempts in the millions costs
 * nothing. Undefined for a retrier whose fields are not numbers, or a BackoffRate below 1 (invalid ASL).
 */
export function totalWaitSeconds(retrier: unknown): number | undefined {
  const attempts = maxAttempts(retrier);
  if (!isJsonObject(retrier) || attempts === undefined) return undefined;
  const interval = retrier.IntervalSeconds ?? RETRIER_DEFAULTS.IntervalSeconds;
  const backoff = retrier.BackoffRate ?? RETRIER_DEFAULTS.BackoffRate;
  const cap = retrier.MaxDelaySeconds ?? Infinity;
  if (typeof interval !== "number" || typeof backoff !== "number" || typeof cap !== "number")
    return undefined;
  if (backoff < 1 || interval < 0 || attempts <= 0) return attempts <= 0 ? 0 : undefined;
  if (backoff === 1 || interval === 0 || interval >= cap) return attempts * Math.min(interval, cap);
  // The waits interval * backoff^i grow until they reach the cap; every later wait is the cap.
  const growing = Math.min(attempts, Math.ceil(Math.log(cap / interval) / Math.log(backoff)));
  const rising = (interval * (backoff ** growing - 1)) / (backoff - 1);
  // Guarded: 0 capped waits times an infinite cap would be NaN.
  return attempts > growing ? rising + (attempts - growing) * cap : rising;
}

// What a Retry entry really does, by the rules of "Handling errors in Step Functions workflows"
// (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
import { isJsonObject } from "./json";

/** Step Functions' values for a retrier's fields that are left out. */
export const RETRIER_DEFAULTS = { IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 } as const;

const CATCH_ALL = "States.ALL";
const TASK_FAILED = "States.TaskFailed";

/**
 * The errors of Step Functions' own (`States.` names) that a Task state raises when it or its call fails,
 * besides the timeouts (the same page). The other `States.` names are raised by other states
 * (States.BranchFailed by Parallel, States.NoChoiceMatched by Choice, States.ItemReaderFailed,
 * States.ResultWriterFailed and States.ExceedToleratedFailureThreshold by Map) or by none; States.Runtime and
 * States.DataLimitExceeded are never retried. Names without the prefix are the call's own errors
 * (`ApiGateway.503`, `Lambda.ServiceException`, a function's or activity's custom error): which of them a Task
 * may raise depends on its Resource (callErrors).
 */
const TASK_FAILURES: readonly string[] = [
  TASK_FAILED,
  "States.Permissions",
  "States.ResultPathMatchFailure",
  "States.ParameterPathFailure",
  "States.IntrinsicFailure",
  "States.QueryEvaluationError",
  "States.Http.Socket",
];

/**
 * The optimized API Gateway integration, request-response only: the callback pattern (`.waitForTaskToken`)
 * fails with whatever error name SendTaskFailure gives, so it is open-ended like any other resource.
 */
const API_GATEWAY_INVOKE = /^arn:aws[a-z-]*:states:::apigateway:invoke$/;

/**
 * The call's own errors the API Gateway integration raises: `ApiGateway.<HTTP status code>`, or
 * `ApiGateway.<exception>` when there is no status code ("Call API Gateway with Step Functions",
 * docs.aws.amazon.com/step-functions/latest/dg/connect-api-gateway.html). An older version of that page spelled
 * the prefix `APIGateway.`: both spellings are taken, as a false alarm costs more than a retrier that never
 * matches.
 */
const API_GATEWAY_ERROR = /^(?:ApiGateway|APIGateway)\../;

/**
 * Whether a Task of this Resource may raise a non-`States.` error of this name. Only integrations whose
 * errors AWS documents are judged; a Lambda function's, an activity's or a callback's errors are whatever
 * its code says, and so are those of a Resource the pack does not know (or a value it cannot read).
 */
function callErrors(resource: unknown): (name: string) => boolean {
  if (typeof resource === "string" && API_GATEWAY_INVOKE.test(resource)) {
    return (name) => API_GATEWAY_ERROR.test(name);
  }
  return () => true;
}

/**
 * Whether a Retry list retries some failure of a Task (of `resource`, which bounds the errors its call raises), judged the way Step Functions applies it: an error is
 * handled by the first retrier whose ErrorEquals matches it, so a retrier counts only for the failures no
 * earlier retrier matches, and only if it allows at least one attempt. `States.ALL` and `States.TaskFailed`
 * both match every failure (States.TaskFailed matches every error but States.Timeout, as AWS's page now says: the
 * strict reading, since an earlier States.TaskFailed retrier then shadows the most). Timeouts alone do not
 * count: a Task that retries only when it runs out of time never retries a failing call. A retrier of the
 * wrong shape is skipped (AWS rejects it on deployment), and one whose MaxAttempts is not a number retries
 * nothing but still matches. Linear in the names listed.
 */
export function retriesTaskFailure(retriers: readonly unknown[], resource?: unknown): boolean {
  const raisedByCall = callErrors(resource);
  const isTaskFailure = (name: string) =>
    name.startsWith("States.") ? TASK_FAILURES.includes(name) : raisedByCall(name);
  const decided = new Set<string>();
  for (const retrier of retriers) {
    if (!isJsonObject(retrier) || !Array.isArray(retrier.ErrorEquals)) continue;
    const attempts = maxAttempts(retrier);
    const retries = attempts !== undefined && attempts >= 1;
    const names = retrier.ErrorEquals.filter((name): name is string => typeof name === "string");
    // A wildcard decides every failure no earlier retrier named, and some always remain: a call can fail
    // with more error names than any list holds.
    if (names.includes(CATCH_ALL) || names.includes(TASK_FAILED)) return retries;
    for (const name of names) {
      if (!isTaskFailure(name) || decided.has(name)) continue;
      if (retries) return true;
      decided.add(name);
    }
  }
  return false;
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

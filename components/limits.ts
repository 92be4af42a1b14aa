/**
 * The AWS limits that bound a cart and an execution, and the arithmetic from them to the
 * workflow's own bounds. docs/outcomes.md walks through the same numbers.
 */
import { retryPolicy, taskTimeoutSeconds } from "./apiGatewayTask";

/**
 * API Gateway REST: 8192 characters of URL for an edge-optimized API, 10240 for a regional one
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html).
 * The smaller one holds whichever kind the stack's API is.
 */
export const apiGatewayMaxUrlLength = 8192;

/**
 * The longest `GET /taxes` URL without its lines, with every part at the contract's maximum:
 * `https://` 8 + apiId 10 + `.execute-api.` 13 + region 14 + `.amazonaws.com` 14 + `/` 1 +
 * stage 128 + `/taxes?` 7 + `cartId=` 7 + cartId 64 + `&currency=` 10 + 3 + `&region=` 8 + region 16.
 */
export const taxesUrlFixedLength = 8 + 10 + 13 + 14 + 14 + 1 + 128 + 7 + 7 + 64 + 10 + 3 + 8 + 16;

/**
 * One `&line=taxCode:lineAmount:discountAmount` at the contract's maximum: `&line=` 6 + taxCode 32
 * + `%3A` 3 + 12 digits + `%3A` 3 + 12 digits, the colons counted percent-encoded.
 */
export const taxLineMaxLength = 6 + 32 + 3 + 12 + 3 + 12;

/** The most lines `GET /taxes` can carry in one URL: 116. Step Functions' 256 KiB state limit binds later. */
export const maxCartItemsLimit = Math.floor(
  (apiGatewayMaxUrlLength - taxesUrlFixedLength) / taxLineMaxLength,
);

/** The default maximum cart: a round number under the URL bound, leaving room for a longer stage or region. */
export const defaultMaxCartItems = 100;

/**
 * The longest one API call can legitimately take: every attempt the retriers allow (each retrier
 * counts its own attempts) running into the Task timeout, plus every pause at its cap.
 */
export function callBudgetSeconds(): number {
  return retryPolicy.reduce((total, retrier) => {
    let pauses = 0;
    for (let attempt = 0; attempt < retrier.MaxAttempts; attempt++) {
      pauses += Math.min(retrier.IntervalSeconds * retrier.BackoffRate ** attempt, retrier.MaxDelaySeconds);
    }
    return total + retrier.MaxAttempts * taskTimeoutSeconds + pauses;
  }, taskTimeoutSeconds);
}

/** Express executions end after five minutes whatever the definition says. */
export const expressMaxSeconds = 300;

/** Time for the states that call nothing (Choice, Pass, Fail), generously. */
const bookkeepingSeconds = 60;

/**
 * The execution's TimeoutSeconds: the longest run that is still within its retry budgets, so the
 * timeout ends only executions that are stuck. The longest path calls four top-level routes one
 * after the other (create, tax, update, then OrderCreated or OrderFailed) and prices the cart in
 * ceil(maxCartItems / mapMaxConcurrency) rounds of parallel calls.
 */
export function executionTimeoutSeconds(options: {
  readonly maxCartItems: number;
  readonly mapMaxConcurrency: number;
  readonly workflowType: "STANDARD" | "EXPRESS";
}): number {
  const rounds = Math.ceil(options.maxCartItems / options.mapMaxConcurrency);
  const seconds = (4 + rounds) * callBudgetSeconds() + bookkeepingSeconds;
  return options.workflowType === "EXPRESS" ? Math.min(seconds, expressMaxSeconds) : seconds;
}

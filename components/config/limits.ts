/**
 * The AWS limits that bound a cart and an execution, and the arithmetic from them to the
 * workflow's own bounds. docs/outcomes.md walks through the same numbers.
 */
import { retryPolicy, taskTimeoutSeconds } from "../definition/apiGatewayTask";
import type { PricingFanOut, WorkflowType } from "./modes";

/**
 * API Gateway REST: 10240 characters of URL for a Regional API (8192 for an edge-optimized one)
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html).
 * Step Functions' API Gateway integration calls Regional APIs only: edge-optimized and private APIs
 * and custom domain names are not supported
 * (https://docs.aws.amazon.com/step-functions/latest/dg/connect-api-gateway.html), so the Regional
 * limit is the one every call of the workflow meets.
 */
export const apiGatewayMaxUrlLength = 10240;

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

/** The most lines `GET /taxes` can carry in one URL: 146. Step Functions' 256 KiB state limit binds later. */
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
  return budgetSeconds(retryPolicy, taskTimeoutSeconds);
}

/** Express executions end after five minutes whatever the definition says. */
export const expressMaxSeconds = 300;

/** Time for the states that call nothing (Choice, Pass, Fail), generously. */
const bookkeepingSeconds = 60;

/** The longest a retrier list lets one Task take: every attempt up to `timeoutSeconds`, and every pause at its cap. */
function budgetSeconds(
  retriers: readonly {
    readonly MaxAttempts: number;
    readonly IntervalSeconds: number;
    readonly BackoffRate: number;
    readonly MaxDelaySeconds: number;
  }[],
  timeoutSeconds: number,
): number {
  return retriers.reduce((total, retrier) => {
    let pauses = 0;
    for (let attempt = 0; attempt < retrier.MaxAttempts; attempt++) {
      pauses += Math.min(retrier.IntervalSeconds * retrier.BackoffRate ** attempt, retrier.MaxDelaySeconds);
    }
    return total + retrier.MaxAttempts * timeoutSeconds + pauses;
  }, timeoutSeconds);
}

export interface TimeoutOptions {
  readonly maxCartItems: number;
  readonly mapMaxConcurrency: number;
  readonly workflowType: WorkflowType;
  readonly pricingFanOut: PricingFanOut;
}

/** The Map prices the cart in this many rounds of parallel calls. */
const pricingRounds = (options: Pick<TimeoutOptions, "maxCartItems" | "mapMaxConcurrency">): number =>
  Math.ceil(options.maxCartItems / options.mapMaxConcurrency);

/**
 * The pricing child's TimeoutSeconds: its rounds of parallel calls and the tax call within their
 * retry budgets, but never past the five minutes an Express execution may last.
 */
export function pricingTimeoutSeconds(
  options: Pick<TimeoutOptions, "maxCartItems" | "mapMaxConcurrency">,
): number {
  return Math.min((1 + pricingRounds(options)) * callBudgetSeconds() + bookkeepingSeconds, expressMaxSeconds);
}

/**
 * The Price Cart Task waits for the child's answer: StartSyncExecution answers when the child ends,
 * at most five minutes later, so 30 s more only ends a call whose answer was lost.
 */
export const pricingTaskTimeoutSeconds = expressMaxSeconds + 30;

/**
 * StartSyncExecution answers 200 for every child that ran, whatever its end: an error means the
 * child did not run (throttled, a service error) or its answer was lost. The child only reads, so
 * starting it again is safe; two attempts more are enough for a throttle to pass.
 */
export const pricingRetryPolicy = [
  {
    ErrorEquals: ["States.TaskFailed", "States.Timeout"],
    IntervalSeconds: 1,
    BackoffRate: 2,
    MaxAttempts: 2,
    MaxDelaySeconds: 4,
    JitterStrategy: "FULL",
  },
] as const;

/**
 * The execution's TimeoutSeconds: the longest run that is still within its retry budgets, so the
 * timeout ends only executions that are stuck. Inline, the longest path calls four top-level
 * routes one after the other (create, tax, update, then OrderCreated or OrderFailed) and prices
 * the cart in ceil(maxCartItems / mapMaxConcurrency) rounds of parallel calls; with the Express
 * child, three routes (create, update, an event) and the Price Cart Task's own budget.
 */
export function executionTimeoutSeconds(options: TimeoutOptions): number {
  const seconds =
    options.pricingFanOut === "express"
      ? 3 * callBudgetSeconds() +
        budgetSeconds(pricingRetryPolicy, pricingTaskTimeoutSeconds) +
        bookkeepingSeconds
      : (4 + pricingRounds(options)) * callBudgetSeconds() + bookkeepingSeconds;
  return options.workflowType === "EXPRESS" ? Math.min(seconds, expressMaxSeconds) : seconds;
}

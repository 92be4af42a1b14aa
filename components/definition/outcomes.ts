/**
 * The Error names the workflow's own Fail states end an execution with. Each one says whether
 * OrderFailed was announced, so the safety net (components/resources/safetyNet.ts) and on-call can tell
 * what is left to do without reading the history. The definition, the safety net's event
 * pattern, the local run and the tests all import them from here.
 */
export const outcomeErrors = {
  /** Validate Order: no string customerId, no currency or no items list. Not an order: nothing is announced. */
  invalidInput: "Order.InvalidInput",
  /** Validate Order: the cart has no items. Nothing is announced. */
  emptyCart: "Order.EmptyCart",
  /** Validate Order: more items than the stack's maxCartItems. Nothing is announced. */
  cartTooLarge: "Order.CartTooLarge",
  /** An id that would reach a URL path could steer the call to another route; before any call, nothing is announced. */
  invalidId: "Order.InvalidId",
  /** A 2xx answer whose body breaks the contract; handled like any failed call (OrderFailed is announced). */
  malformedResponse: "Order.MalformedResponse",
  /** The definition announced OrderFailed and the events service accepted it; the Cause keeps the original error. */
  failureAnnounced: "Order.FailureAnnounced",
  /** The OrderFailed announcement itself failed after its retries: the safety net announces it. */
  failureUnannounced: "Order.FailureUnannounced",
  /**
   * The OrderCreated announcement failed after its retries, but may have been delivered (a lost
   * 504). Announcing OrderFailed could contradict it, so nothing is: on-call checks the events service.
   */
  orderCreatedUnconfirmed: "Order.OrderCreatedUnconfirmed",
} as const;

/**
 * The pricing child's only error (pricingFanOut "express"): its Cause is the JSON of a
 * PricingFailure, which the order's definition reads to announce OrderFailed as the inline
 * workflow would. No order execution ends with it.
 */
export const pricingFailedError = "Order.PricingFailed";

export type OutcomeError = (typeof outcomeErrors)[keyof typeof outcomeErrors];

/**
 * The errors after which the safety net stays silent: OrderFailed was already announced, the
 * order was never created (input rejected before any call), or OrderCreated may have been delivered.
 * Every other way an execution fails, times out or is aborted is announced by the safety net.
 */
export const safetyNetSilentErrors: readonly OutcomeError[] = [
  outcomeErrors.invalidInput,
  outcomeErrors.emptyCart,
  outcomeErrors.cartTooLarge,
  outcomeErrors.invalidId,
  outcomeErrors.failureAnnounced,
  outcomeErrors.orderCreatedUnconfirmed,
];

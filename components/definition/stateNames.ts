import { routes } from "../routes";

/** State names that are not an operation of the route table, shared by the order's and the pricing definitions. */
export const states = {
  validateOrder: "Validate Order",
  rejectInvalidOrder: "Reject Invalid Order",
  rejectEmptyCart: "Reject Empty Cart",
  rejectLargeCart: "Reject Cart Too Large",
  rejectInvalidId: "Reject Invalid Id",
  forEachProduct: "For Each Product In Cart",
  checkItem: "Check Cart Item",
  rejectItemId: "Reject Cart Item Id",
  malformedItem: "Malformed Cart Item",
  parallelProcessing: "Parallel_Processing",
  checkLine: "Check Priced Line",
  priceLine: "Price Line",
  orderCreatedEvent: `${routes.receiveEvent.operation} OrderCreatedEvent`,
  orderFailedEvent: `${routes.receiveEvent.operation} OrderFailedEvent`,
  recordOrderCreatedUnconfirmed: "Record Order Created Unconfirmed",
  orderCreatedUnconfirmed: "Order Created Unconfirmed",
  orderFailed: "Order Failed",
  orderFailureUnannounced: "Order Failure Unannounced",
  // pricingFanOut "express": the order's states around the child.
  priceCart: "Price Cart",
  checkPricing: "Check Price Cart Result",
  selectPricedCart: "Select Priced Cart",
  readPricingFailure: "Read Pricing Failure",
  recordPricingFailure: "Record Pricing Failure",
  pricingEndedUnexpectedly: "Pricing Ended Unexpectedly",
  checkCartIdKnown: "Check Cart Id Known",
  // The pricing child's own states.
  checkCart: "Check Cart",
  pricedCart: "Priced Cart",
  encodePricingFailure: "Encode Pricing Failure",
  pricingFailed: "Pricing Failed",
} as const;

export const recordFailureState = (failed: string): string => `Record ${failed} Failure`;
export const recordFailureWithoutCartState = (failed: string): string =>
  `Record ${failed} Failure Without Cart`;
export const branchFailedState = (failed: string): string => `${failed} Failed`;
export const checkResponseState = (task: string): string => `Check ${task} Response`;
export const malformedResponseState = (task: string): string => `Malformed ${task} Response`;
export const selectResultState = (task: string): string => `Select ${task} Result`;

/** State names go into intrinsic string literals, where these characters would need escaping. */
export function literal(name: string): string {
  if (/['{}\\]/.test(name)) {
    throw new Error(`State name "${name}" cannot be used in an intrinsic function literal`);
  }
  return name;
}

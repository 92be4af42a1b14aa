/**
 * The two choices that shape the state machines themselves: their Step Functions type, and where
 * the cart is priced. Below both the settings and the limits, which each depend on them.
 */

export const workflowTypes = ["STANDARD", "EXPRESS"] as const;
export type WorkflowType = (typeof workflowTypes)[number];

/**
 * Where the cart is priced: `inline` runs the per-item fan-out (and the tax call) inside the
 * order's own state machine; `express` runs it as a synchronous Express child, so the order's
 * Standard transitions stay the same whatever the cart's size (docs/pricing-fan-out.md).
 */
export const pricingFanOuts = ["inline", "express"] as const;
export type PricingFanOut = (typeof pricingFanOuts)[number];

/**
 * The name prefixes of the workflow's state machines. Each role's trust condition is
 * `stateMachine:<prefix>*`, so the prefixes must not match each other's names: the order's is
 * `<name>-`, the pricing child's `<name>_pricing-`, whose underscore `<name>-*` does not match,
 * and which the order's `<name>-<suffix>` does not start with.
 */
export const orderNamePrefix = (name: string): string => `${name}-`;
export const pricingNamePrefix = (name: string): string => `${name}_pricing-`;

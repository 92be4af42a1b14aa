/**
 * Which routes each state machine calls: the one answer the definitions are checked against
 * (test/components/routes.test.ts) and that the roles' execute-api:Invoke grants are built
 * from, so a role can neither miss a route its state machine calls nor hold one it does not.
 */
import { Route, RouteKey, routes } from "../routes";
import type { PricingFanOut } from "../config/modes";

/** The pricing child's calls: the four GETs of each cart item, then the tax of the cart. */
export const pricingRouteKeys = [
  "getProduct",
  "getPrices",
  "getPromotions",
  "getCustomer",
  "getTaxes",
] as const satisfies readonly RouteKey[];

/** The order's state machine: every route inline; with an Express child, only the writes and the events. */
export const orderRouteKeys = {
  inline: Object.keys(routes) as RouteKey[],
  express: ["createOrder", "updateOrder", "receiveEvent"],
} as const satisfies Record<PricingFanOut, readonly RouteKey[]>;

const toRoutes = (keys: readonly RouteKey[]): Route[] => keys.map((key) => routes[key]);

/** The routes the order's state machine calls under a pricingFanOut. */
export function orderRoutes(pricingFanOut: PricingFanOut): Route[] {
  return toRoutes(orderRouteKeys[pricingFanOut]);
}

/** The routes the Express pricing child calls. */
export function pricingRoutes(): Route[] {
  return toRoutes(pricingRouteKeys);
}

/**
 * The order API routes the workflow calls: the single source of truth for the definition's
 * API Gateway tasks and for the role's execute-api:Invoke grants.
 */

export type HttpMethod = "GET" | "POST" | "PATCH";

export interface Route {
  /** Operation name from the design document; Task states are named after it. */
  readonly operation: string;
  readonly method: HttpMethod;
  /** Path template relative to the stage; `{name}` marks a path parameter. */
  readonly path: string;
}

export const routes = {
  createOrder: { operation: "Order.CreateOrder", method: "POST", path: "/carts" },
  getProduct: { operation: "ProductCatalog.GetProduct", method: "GET", path: "/products/{productId}" },
  getPrices: { operation: "Pricing.GetPrices", method: "GET", path: "/prices/{priceId}" },
  getPromotions: { operation: "Promotion.GetPromotionsForCart", method: "GET", path: "/promotions/cart" },
  getCustomer: { operation: "Customer.GetCustomer", method: "GET", path: "/customers/{customerId}" },
  getTaxes: { operation: "Tax.GetTaxes", method: "GET", path: "/taxes" },
  updateOrder: { operation: "Order.UpdateOrder", method: "PATCH", path: "/carts/{cartId}" },
  receiveEvent: { operation: "Event.Receive", method: "POST", path: "/events/receive" },
} as const satisfies Record<string, Route>;

export type RouteKey = keyof typeof routes;

const pathParameter = /\{[^}/]+\}/g;

/** Names of a route's path parameters, in order: `/carts/{cartId}` gives `["cartId"]`. */
export function pathParameters(route: Route): string[] {
  return [...route.path.matchAll(pathParameter)].map((match) => match[0].slice(1, -1));
}

/**
 * The path as API Gateway's execute-api ARNs write it: no leading slash, each path parameter
 * a `*` (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html).
 */
export function arnPath(route: Route): string {
  return route.path.slice(1).replace(pathParameter, "*");
}

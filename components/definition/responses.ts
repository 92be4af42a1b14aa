import type { RouteKey } from "../routes";

/** How a field of a success body is checked before the workflow reads it. */
export type FieldKind = "string" | "number" | "nonEmptyList" | "present";

/**
 * The fields of each route's success body the workflow reads, with their JSON kind. The
 * definition checks each one before reading it, so an answer that breaks the contract becomes a
 * named, catchable error instead of a `States.Runtime` that nothing catches; the contract must
 * promise every one (test/local/contract.test.ts).
 */
export const responseFields = {
  createOrder: { cartId: "string", status: "string", items: "nonEmptyList" },
  getProduct: { productId: "string", name: "string", taxCode: "string" },
  getPrices: { currency: "string", unitAmount: "number", quantity: "number", lineAmount: "number" },
  getPromotions: { promotionCodes: "present", discountAmount: "number" },
  getCustomer: { taxRegion: "string" },
  getTaxes: {
    currency: "string",
    subtotalAmount: "number",
    discountAmount: "number",
    taxAmount: "number",
    totalAmount: "number",
  },
  updateOrder: { cartId: "string", status: "string", totalAmount: "number" },
  receiveEvent: { eventId: "string" },
} as const satisfies Record<RouteKey, Record<string, FieldKind>>;

import type { RouteKey } from "../../components/routes";
import type { Customer, Price, Product, Seed } from "./seed";

/** A request that has already passed the contract check, so its fields exist and have their types. */
export interface ServiceRequest {
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** Shape already checked against the contract, so handlers read its fields directly. */
  readonly body: any;
}

export interface ServiceResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface CartItem {
  readonly productId: string;
  readonly priceId: string;
  readonly quantity: number;
}

export interface Cart {
  readonly cartId: string;
  readonly status: "CREATED" | "PRICED";
  readonly customerId: string;
  readonly currency: string;
  readonly items: readonly CartItem[];
  readonly subtotalAmount?: number;
  readonly discountAmount?: number;
  readonly taxAmount?: number;
  readonly totalAmount?: number;
  readonly lines?: readonly unknown[];
}

export interface ReceivedEvent {
  readonly eventId: string;
  readonly eventType: "OrderCreated" | "OrderFailed";
  readonly detail: Readonly<Record<string, unknown>>;
}

// Messages avoid quotes and backslashes: they travel on as the Cause of an ApiGateway error, and
// the definition's States.Format would mangle them in the local engine.
const notFound = (what: string, id: string): ServiceResponse => ({
  status: 404,
  body: { message: `No ${what} ${id}` },
});
const ok = (body: unknown, status = 200): ServiceResponse => ({ status, body });
const single = (request: ServiceRequest, name: string): string => request.query[name][0];
const sequence = (prefix: string, n: number): string => `${prefix}-${String(n).padStart(4, "0")}`;

/**
 * What makes two requests under one Idempotency-Key the same request, so the second gets the first
 * answer back rather than a 409: the route and the whole body, except for an event, which is the
 * same announcement whatever its detail says (the contract's IdempotencyKey). The workflow and the
 * safety net both send an execution's OrderFailed under its bare ARN, with different details.
 */
export function requestIdentity(route: RouteKey, pathParameters: Record<string, string>, body: any): unknown {
  return route === "receiveEvent"
    ? { route, eventType: body.eventType, executionArn: body.detail.executionArn }
    : { route, pathParameters, body };
}

/**
 * The order API's behaviour, in memory: it does the arithmetic the workflow cannot (line amounts,
 * discounts, taxes, totals) and keeps the carts and events the workflow creates.
 */
export class OrderService {
  private readonly cartsById = new Map<string, Cart>();
  /** The cart each execution created, by its executionArn. */
  private readonly cartOfExecution = new Map<string, string>();
  private readonly received: ReceivedEvent[] = [];

  constructor(private readonly data: Seed) {}

  get carts(): readonly Cart[] {
    return [...this.cartsById.values()];
  }

  get events(): readonly ReceivedEvent[] {
    return this.received;
  }

  /** The service as it is now, and a way back to it (see OrderApi.checkpoint). */
  checkpoint(): () => void {
    const carts = new Map(this.cartsById);
    const cartOfExecution = new Map(this.cartOfExecution);
    const received = [...this.received];
    const restore = <K, V>(target: Map<K, V>, saved: Map<K, V>) => {
      target.clear();
      for (const [key, value] of saved) target.set(key, value);
    };
    return () => {
      restore(this.cartsById, carts);
      restore(this.cartOfExecution, cartOfExecution);
      this.received.splice(0, this.received.length, ...received);
    };
  }

  readonly handlers: Readonly<Record<RouteKey, (request: ServiceRequest) => ServiceResponse>> = {
    createOrder: ({ body }) => {
      const cart: Cart = {
        cartId: sequence("cart", this.cartsById.size + 1),
        status: "CREATED",
        customerId: body.customerId,
        currency: body.currency,
        items: body.items,
      };
      this.cartsById.set(cart.cartId, cart);
      this.cartOfExecution.set(body.executionArn, cart.cartId);
      return ok(cart, 201);
    },

    getProduct: ({ pathParameters }) => {
      const product = this.product(pathParameters.productId);
      return product === undefined ? notFound("product", pathParameters.productId) : ok(product);
    },

    getPrices: (request) => {
      const price = this.price(request.pathParameters.priceId);
      if (price === undefined) return notFound("price", request.pathParameters.priceId);
      const { priceId, currency, unitAmount } = price;
      // A line priced in another currency would be summed with the others as if it were the order's.
      if (currency !== single(request, "currency")) {
        return {
          status: 422,
          body: {
            message: `Price ${priceId} is in ${currency}, the order in ${single(request, "currency")}`,
          },
        };
      }
      const quantity = Number(single(request, "quantity"));
      return ok({ priceId, currency, unitAmount, quantity, lineAmount: unitAmount * quantity });
    },

    getPromotions: (request) => {
      const cartId = single(request, "cartId");
      if (!this.cartsById.has(cartId)) return notFound("cart", cartId);
      const price = this.price(single(request, "priceId"));
      if (price === undefined) return notFound("price", single(request, "priceId"));
      const productId = single(request, "productId");
      if (price.productId !== productId) {
        return {
          status: 400,
          body: { message: `Price ${price.priceId} is not a price of product ${productId}` },
        };
      }
      const quantity = Number(single(request, "quantity"));
      const applied = this.data.promotions.filter(
        (promotion) => promotion.productId === productId && quantity >= promotion.minQuantity,
      );
      const lineAmount = price.unitAmount * quantity;
      return ok({
        promotionCodes: applied.map((promotion) => promotion.code),
        // Rounded down, so a discount never exceeds its percentage.
        discountAmount: applied.reduce(
          (sum, promotion) => sum + Math.floor((lineAmount * promotion.percentOff) / 100),
          0,
        ),
      });
    },

    getCustomer: ({ pathParameters }) => {
      const customer = this.customer(pathParameters.customerId);
      return customer === undefined ? notFound("customer", pathParameters.customerId) : ok(customer);
    },

    getTaxes: (request) => {
      const cartId = single(request, "cartId");
      if (!this.cartsById.has(cartId)) return notFound("cart", cartId);
      const region = single(request, "region");
      const rates = this.data.taxRates[region];
      if (rates === undefined) return { status: 422, body: { message: `No tax rules for region ${region}` } };
      const totals = { subtotalAmount: 0, discountAmount: 0, taxAmount: 0 };
      for (const line of request.query.line) {
        const [taxCode, lineAmount, discountAmount] = line.split(":");
        const rate = rates[taxCode];
        if (rate === undefined) {
          return { status: 422, body: { message: `No tax rate for code ${taxCode} in region ${region}` } };
        }
        const taxable = Number(lineAmount) - Number(discountAmount);
        totals.subtotalAmount += Number(lineAmount);
        totals.discountAmount += Number(discountAmount);
        // Tax per line, rounded half up to the cent, as on an itemised invoice.
        totals.taxAmount += Math.round((taxable * rate) / 10000);
      }
      return ok({
        currency: single(request, "currency"),
        ...totals,
        totalAmount: totals.subtotalAmount - totals.discountAmount + totals.taxAmount,
      });
    },

    updateOrder: ({ pathParameters, body }) => {
      const cart = this.cartsById.get(pathParameters.cartId);
      if (cart === undefined) return notFound("cart", pathParameters.cartId);
      const updated: Cart = { ...cart, ...body };
      this.cartsById.set(cart.cartId, updated);
      return ok(updated);
    },

    receiveEvent: ({ body }) => {
      // One outcome per execution (the contract's Event). Only a second story is refused: OrderFailed
      // after OrderCreated, or OrderCreated after any outcome. An OrderFailed that tells nothing new
      // (the execution already failed, or never created a cart, so there is no order) is
      // acknowledged and changes nothing: the safety net may send it for any failed execution.
      const executionArn: string = body.detail.executionArn;
      const first = this.received.find((received) => received.detail.executionArn === executionArn);
      if (body.eventType === "OrderFailed" && first?.eventType === "OrderFailed") {
        return ok({ eventId: first.eventId, message: `Execution ${executionArn} already failed` });
      }
      if (first !== undefined) {
        return {
          status: 409,
          body: {
            message: `Execution ${executionArn} already has its outcome: ${first.eventType} ${first.eventId}`,
          },
        };
      }
      if (body.eventType === "OrderFailed" && !this.cartOfExecution.has(executionArn)) {
        return ok({
          eventId: null,
          message: `Execution ${executionArn} created no cart: there is no order to fail`,
        });
      }
      const event: ReceivedEvent = { eventId: sequence("evt", this.received.length + 1), ...body };
      this.received.push(event);
      return ok({ eventId: event.eventId }, 202);
    },
  };

  private product(productId: string): Product | undefined {
    return this.data.products.find((product) => product.productId === productId);
  }

  private price(priceId: string): Price | undefined {
    return this.data.prices.find((price) => price.priceId === priceId);
  }

  private customer(customerId: string): Customer | undefined {
    return this.data.customers.find((customer) => customer.customerId === customerId);
  }
}

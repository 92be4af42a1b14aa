import { apiGatewayTask, ApiCall, ApiTarget, single } from "./apiGatewayTask";
import type { AslDefinition, AslState } from "./asl";
import { routes } from "./routes";

/** What the definition depends on besides the route table. */
export interface DefinitionSettings extends ApiTarget {
  /** Cart items priced at once by the Map. */
  readonly mapMaxConcurrency: number;
}

/** State names that are not an operation of the route table. */
export const states = {
  validateOrder: "Validate Order",
  rejectInvalidOrder: "Reject Invalid Order",
  rejectEmptyCart: "Reject Empty Cart",
  forEachProduct: "For Each Product In Cart",
  parallelProcessing: "Parallel_Processing",
  orderCreatedEvent: `${routes.receiveEvent.operation} OrderCreatedEvent`,
  orderFailedEvent: `${routes.receiveEvent.operation} OrderFailedEvent`,
  orderFailed: "Order Failed",
} as const;

/** The Error names the workflow itself raises. */
export const workflowErrors = {
  invalidInput: "Order.InvalidInput",
  emptyCart: "Order.EmptyCart",
} as const;

export const recordFailureState = (failed: string): string => `Record ${failed} Failure`;
export const branchFailedState = (failed: string): string => `${failed} Failed`;

/** Identifies the event POSTs per execution, so a retried POST is recognised as the same event. */
const eventKey = (eventType: string): string => `States.Format('{}/${eventType}', $$.Execution.Id)`;

/** State names go into intrinsic string literals, where these characters would need escaping. */
function literal(name: string): string {
  if (/['{}\\]/.test(name)) {
    throw new Error(`State name "${name}" cannot be used in an intrinsic function literal`);
  }
  return name;
}

/**
 * The Pass a top-level Catch leads to: it reduces the state to what the failure path reports.
 * `cartId` is null when the cart was never created.
 */
function recordFailure(failed: string, cartCreated: boolean): AslState {
  return {
    Type: "Pass",
    Parameters: {
      "customerId.$": "$.customerId",
      ...(cartCreated ? { "cartId.$": "$.order.cartId" } : { cartId: null }),
      failedState: failed,
      "error.$": "$.caught.Error",
      "cause.$": "$.caught.Cause",
      "summary.$": `States.Format('${literal(failed)} failed with {}: {}', $.caught.Error, $.caught.Cause)`,
    },
    Next: states.orderFailedEvent,
  };
}

/**
 * A Parallel branch of one API call. A failed call ends its branch in a Fail state whose Cause
 * starts with the call's name, so the Map's Catch can still tell which call failed.
 */
function branch(target: ApiTarget, call: Omit<ApiCall, "onError" | "resultPath" | "next">): AslDefinition {
  const name = call.route.operation;
  return {
    StartAt: name,
    States: {
      [name]: apiGatewayTask(target, {
        ...call,
        onError: { next: recordFailureState(name), resultPath: "$.caught" },
      }),
      [recordFailureState(name)]: {
        Type: "Pass",
        Parameters: {
          "Error.$": "$.caught.Error",
          "Cause.$": `States.Format('${literal(name)}: {}', $.caught.Cause)`,
        },
        Next: branchFailedState(name),
      },
      [branchFailedState(name)]: { Type: "Fail", ErrorPath: "$.Error", CausePath: "$.Cause" },
    },
  };
}

const quantity = "States.Format('{}', $.quantity)";

/** One cart item: product, price, promotions and customer fetched in parallel, merged into a line. */
function priceLine(target: ApiTarget): AslState {
  return {
    Type: "Parallel",
    Branches: [
      branch(target, {
        route: routes.getProduct,
        pathValues: { productId: "$.productId" },
        resultSelector: {
          "productId.$": "$.ResponseBody.productId",
          "productName.$": "$.ResponseBody.name",
          "taxCode.$": "$.ResponseBody.taxCode",
        },
      }),
      branch(target, {
        route: routes.getPrices,
        pathValues: { priceId: "$.priceId" },
        query: { quantity: single(quantity) },
        resultSelector: {
          "currency.$": "$.ResponseBody.currency",
          "unitAmount.$": "$.ResponseBody.unitAmount",
          "quantity.$": "$.ResponseBody.quantity",
          "lineAmount.$": "$.ResponseBody.lineAmount",
        },
      }),
      branch(target, {
        route: routes.getPromotions,
        query: {
          cartId: single("$.cartId"),
          productId: single("$.productId"),
          priceId: single("$.priceId"),
          quantity: single(quantity),
        },
        resultSelector: {
          "promotionCodes.$": "$.ResponseBody.promotionCodes",
          "discountAmount.$": "$.ResponseBody.discountAmount",
        },
      }),
      branch(target, {
        route: routes.getCustomer,
        pathValues: { customerId: "$.customerId" },
        // Only what taxation needs: the customer's name and contact details stay out of the state.
        resultSelector: { "taxRegion.$": "$.ResponseBody.taxRegion" },
      }),
    ],
    ResultSelector: {
      "productId.$": "$[0].productId",
      "productName.$": "$[0].productName",
      "taxCode.$": "$[0].taxCode",
      "quantity.$": "$[1].quantity",
      "currency.$": "$[1].currency",
      "unitAmount.$": "$[1].unitAmount",
      "lineAmount.$": "$[1].lineAmount",
      "promotionCodes.$": "$[2].promotionCodes",
      "discountAmount.$": "$[2].discountAmount",
      "taxRegion.$": "$[3].taxRegion",
      // JSONPath has no arithmetic: the tax service totals the lines from these compact triples.
      "taxLine.$": "States.Format('{}:{}:{}', $[0].taxCode, $[1].lineAmount, $[2].discountAmount)",
    },
    End: true,
  };
}

/**
 * The order-processing workflow of the design document, in JSONPath: create the cart, price every
 * item (Map of a Parallel), tax the order, update the cart and announce OrderCreated. Any failed
 * call, once its retries are spent, announces OrderFailed and fails the execution with its error.
 */
export function buildDefinition(settings: DefinitionSettings): AslDefinition {
  const target: ApiTarget = { endpoint: settings.endpoint, stage: settings.stage };
  const onError = (failed: string) => ({ next: recordFailureState(failed), resultPath: "$.caught" });
  const totals = {
    "currency.$": "$.totals.currency",
    "subtotalAmount.$": "$.totals.subtotalAmount",
    "discountAmount.$": "$.totals.discountAmount",
    "taxAmount.$": "$.totals.taxAmount",
    "totalAmount.$": "$.totals.totalAmount",
  };

  return {
    Comment: "Order processing: create the cart, price each product, tax, update the order, announce it.",
    QueryLanguage: "JSONPath",
    StartAt: states.validateOrder,
    States: {
      [states.validateOrder]: {
        Type: "Choice",
        // Rules run in order, so IsString only sees a customerId that is present. Absence is written
        // Not IsPresent rather than IsPresent: false, which aws-local-stepfunctions never matches.
        Choices: [
          { Not: { Variable: "$.customerId", IsPresent: true }, Next: states.rejectInvalidOrder },
          { Variable: "$.customerId", IsString: false, Next: states.rejectInvalidOrder },
          { Not: { Variable: "$.currency", IsPresent: true }, Next: states.rejectInvalidOrder },
          { Not: { Variable: "$.items[0]", IsPresent: true }, Next: states.rejectEmptyCart },
        ],
        Default: routes.createOrder.operation,
      },
      [states.rejectInvalidOrder]: {
        Type: "Fail",
        Error: workflowErrors.invalidInput,
        Cause: "The order input must have a string customerId, a currency and an items list.",
      },
      [states.rejectEmptyCart]: {
        Type: "Fail",
        Error: workflowErrors.emptyCart,
        Cause: "The cart has no items, so there is no order to create.",
      },

      [routes.createOrder.operation]: apiGatewayTask(target, {
        route: routes.createOrder,
        idempotencyKey: "$$.Execution.Id",
        body: { "customerId.$": "$.customerId", "currency.$": "$.currency", "items.$": "$.items" },
        resultSelector: { "cartId.$": "$.ResponseBody.cartId", "status.$": "$.ResponseBody.status" },
        resultPath: "$.order",
        next: states.forEachProduct,
        onError: onError(routes.createOrder.operation),
      }),
      [recordFailureState(routes.createOrder.operation)]: recordFailure(routes.createOrder.operation, false),

      [states.forEachProduct]: {
        Type: "Map",
        ItemsPath: "$.items",
        ItemSelector: {
          "cartId.$": "$.order.cartId",
          "customerId.$": "$.customerId",
          "productId.$": "$$.Map.Item.Value.productId",
          "priceId.$": "$$.Map.Item.Value.priceId",
          "quantity.$": "$$.Map.Item.Value.quantity",
        },
        MaxConcurrency: settings.mapMaxConcurrency,
        ItemProcessor: {
          ProcessorConfig: { Mode: "INLINE" },
          StartAt: states.parallelProcessing,
          States: { [states.parallelProcessing]: priceLine(target) },
        },
        ResultPath: "$.lines",
        Catch: [
          {
            ErrorEquals: ["States.ALL"],
            ResultPath: "$.caught",
            Next: recordFailureState(states.forEachProduct),
          },
        ],
        Next: routes.getTaxes.operation,
      },
      [recordFailureState(states.forEachProduct)]: recordFailure(states.forEachProduct, true),

      [routes.getTaxes.operation]: apiGatewayTask(target, {
        route: routes.getTaxes,
        query: {
          cartId: single("$.order.cartId"),
          currency: single("$.currency"),
          region: single("$.lines[0].taxRegion"),
          line: "$.lines[*].taxLine",
        },
        resultSelector: {
          "currency.$": "$.ResponseBody.currency",
          "subtotalAmount.$": "$.ResponseBody.subtotalAmount",
          "discountAmount.$": "$.ResponseBody.discountAmount",
          "taxAmount.$": "$.ResponseBody.taxAmount",
          "totalAmount.$": "$.ResponseBody.totalAmount",
        },
        resultPath: "$.totals",
        next: routes.updateOrder.operation,
        onError: onError(routes.getTaxes.operation),
      }),
      [recordFailureState(routes.getTaxes.operation)]: recordFailure(routes.getTaxes.operation, true),

      [routes.updateOrder.operation]: apiGatewayTask(target, {
        route: routes.updateOrder,
        pathValues: { cartId: "$.order.cartId" },
        body: { status: "PRICED", ...totals, "lines.$": "$.lines" },
        resultSelector: {
          "cartId.$": "$.ResponseBody.cartId",
          "status.$": "$.ResponseBody.status",
          "totalAmount.$": "$.ResponseBody.totalAmount",
        },
        resultPath: "$.order",
        next: states.orderCreatedEvent,
        onError: onError(routes.updateOrder.operation),
      }),
      [recordFailureState(routes.updateOrder.operation)]: recordFailure(routes.updateOrder.operation, true),

      [states.orderCreatedEvent]: apiGatewayTask(target, {
        route: routes.receiveEvent,
        idempotencyKey: eventKey("OrderCreated"),
        body: {
          eventType: "OrderCreated",
          detail: { "cartId.$": "$.order.cartId", "customerId.$": "$.customerId", ...totals },
        },
        resultSelector: { "eventId.$": "$.ResponseBody.eventId" },
        resultPath: "$.orderCreatedEvent",
        onError: onError(states.orderCreatedEvent),
      }),
      [recordFailureState(states.orderCreatedEvent)]: recordFailure(states.orderCreatedEvent, true),

      [states.orderFailedEvent]: apiGatewayTask(target, {
        route: routes.receiveEvent,
        idempotencyKey: eventKey("OrderFailed"),
        body: {
          eventType: "OrderFailed",
          detail: {
            "cartId.$": "$.cartId",
            "customerId.$": "$.customerId",
            "failedState.$": "$.failedState",
            "error.$": "$.error",
            "cause.$": "$.cause",
          },
        },
        resultSelector: { "eventId.$": "$.ResponseBody.eventId" },
        resultPath: "$.orderFailedEvent",
        next: states.orderFailed,
        // Failing to announce the failure must not hide it: the execution still ends with the original error.
        onError: { next: states.orderFailed, resultPath: "$.announcementError" },
      }),
      [states.orderFailed]: { Type: "Fail", ErrorPath: "$.error", CausePath: "$.summary" },
    },
  };
}

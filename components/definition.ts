import { apiGatewayTask, ApiCall, ApiTarget, single } from "./apiGatewayTask";
import type { AslDefinition, AslState } from "./asl";
import { malformedRules, steersPath } from "./choiceRules";
import { executionTimeoutSeconds } from "./limits";
import { outcomeErrors } from "./outcomes";
import { FieldKind, responseFields } from "./responses";
import { routes } from "./routes";
import type { WorkflowType } from "./settings";

/** What the definition depends on besides the route table. */
export interface DefinitionSettings extends ApiTarget {
  /** Cart items priced at once by the Map. */
  readonly mapMaxConcurrency: number;
  /** Validate Order refuses a cart with more items, before any call. */
  readonly maxCartItems: number;
  /** Bounds the execution timeout: an Express execution lasts at most five minutes. */
  readonly workflowType: WorkflowType;
}

/** State names that are not an operation of the route table. */
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
  malformedLine: "Malformed Priced Line",
  priceLine: "Price Line",
  orderCreatedEvent: `${routes.receiveEvent.operation} OrderCreatedEvent`,
  orderFailedEvent: `${routes.receiveEvent.operation} OrderFailedEvent`,
  recordOrderCreatedUnconfirmed: "Record Order Created Unconfirmed",
  orderCreatedUnconfirmed: "Order Created Unconfirmed",
  orderFailed: "Order Failed",
  orderFailureUnannounced: "Order Failure Unannounced",
} as const;

export const recordFailureState = (failed: string): string => `Record ${failed} Failure`;
export const branchFailedState = (failed: string): string => `${failed} Failed`;
export const checkResponseState = (task: string): string => `Check ${task} Response`;
export const malformedResponseState = (task: string): string => `Malformed ${task} Response`;
export const selectResultState = (task: string): string => `Select ${task} Result`;

/**
 * Idempotency keys, each derived from the execution so every retry (and a re-run of an Express
 * execution) sends the same one. OrderFailed's is the bare execution ARN because the safety net's
 * header can only be a whole JSON path of the status event (`$.detail.executionArn`): both layers
 * then send one key, and the events service cannot record two OrderFailed for one execution.
 */
export const idempotencyKeys = {
  createOrder: "$$.Execution.Id",
  updateOrder: "States.Format('{}/UpdateOrder', $$.Execution.Id)",
  orderCreated: "States.Format('{}/OrderCreated', $$.Execution.Id)",
  orderFailed: "$$.Execution.Id",
} as const;

/** State names go into intrinsic string literals, where these characters would need escaping. */
function literal(name: string): string {
  if (/['{}\\]/.test(name)) {
    throw new Error(`State name "${name}" cannot be used in an intrinsic function literal`);
  }
  return name;
}

/**
 * The Pass a top-level Catch leads to: it reduces the state to what the failure path reports.
 * `cartId` is null when the cart was never created (or its creation was not confirmed).
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
 * The states after a top-level Task: a Choice that sends an answer breaking the contract to a
 * Pass recording `Order.MalformedResponse` as if caught, then `onMalformed`; otherwise a Pass that
 * writes the checked fields to `resultPath`.
 */
function checkedResult(options: {
  readonly task: string;
  readonly bodyPath: string;
  readonly fields: Readonly<Record<string, FieldKind>>;
  readonly extraRules?: readonly Record<string, unknown>[];
  readonly resultPath: string;
  readonly next?: string;
  readonly onMalformed: string;
}): Record<string, AslState> {
  const { task, bodyPath } = options;
  return {
    [checkResponseState(task)]: {
      Type: "Choice",
      Choices: [
        ...malformedRules(bodyPath, options.fields, malformedResponseState(task)),
        ...(options.extraRules ?? []),
      ],
      Default: selectResultState(task),
    },
    [malformedResponseState(task)]: {
      Type: "Pass",
      Parameters: {
        Error: outcomeErrors.malformedResponse,
        Cause: `${task} answered 2xx with a body that breaks the contract: it lacks one of ${Object.keys(options.fields).join(", ")} or has a wrong type`,
      },
      ResultPath: "$.caught",
      Next: options.onMalformed,
    },
    [selectResultState(task)]: {
      Type: "Pass",
      Parameters: Object.fromEntries(
        Object.keys(options.fields).map((field) => [`${field}.$`, `${bodyPath}.${field}`]),
      ),
      ResultPath: options.resultPath,
      ...(options.next === undefined ? { End: true } : { Next: options.next }),
    },
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

const quantity = "States.Format('{}', $.item.quantity)";

/** The Parallel's result, one body per branch in branch order. */
const bodies = {
  product: "$[0].body",
  price: "$[1].body",
  promotions: "$[2].body",
  customer: "$[3].body",
} as const;

/**
 * One cart item: its ids checked, then product, price, promotions and customer fetched in
 * parallel, their answers checked, and merged into a line.
 */
function priceItem(target: ApiTarget): AslDefinition {
  const itemFields = { productId: "string", priceId: "string", quantity: "number" } as const;
  return {
    ProcessorConfig: { Mode: "INLINE" },
    StartAt: states.checkItem,
    States: {
      // The cart came back from the order service, which checked it against the contract; this
      // still refuses any id that would leave its path segment before it reaches a URL.
      [states.checkItem]: {
        Type: "Choice",
        Choices: [
          ...malformedRules("$.item", itemFields, states.malformedItem),
          steersPath("$.item.productId", states.rejectItemId),
          steersPath("$.item.priceId", states.rejectItemId),
        ],
        Default: states.parallelProcessing,
      },
      [states.rejectItemId]: {
        Type: "Fail",
        Error: outcomeErrors.invalidId,
        Cause: "A productId or priceId of the cart is empty, a dot segment, or contains /, \\ or %.",
      },
      [states.malformedItem]: {
        Type: "Fail",
        Error: outcomeErrors.malformedResponse,
        Cause: `An item of the cart Order.CreateOrder returned lacks one of ${Object.keys(itemFields).join(", ")} or has a wrong type.`,
      },
      [states.parallelProcessing]: {
        Type: "Parallel",
        Branches: [
          branch(target, { route: routes.getProduct, pathValues: { productId: "$.item.productId" } }),
          branch(target, {
            route: routes.getPrices,
            pathValues: { priceId: "$.item.priceId" },
            query: { quantity: single(quantity), currency: single("$.currency") },
          }),
          branch(target, {
            route: routes.getPromotions,
            query: {
              cartId: single("$.cartId"),
              productId: single("$.item.productId"),
              priceId: single("$.item.priceId"),
              quantity: single(quantity),
            },
          }),
          branch(target, { route: routes.getCustomer, pathValues: { customerId: "$.customerId" } }),
        ],
        Next: states.checkLine,
      },
      [states.checkLine]: {
        Type: "Choice",
        Choices: [
          ...malformedRules(bodies.product, responseFields.getProduct, states.malformedLine),
          ...malformedRules(bodies.price, responseFields.getPrices, states.malformedLine),
          ...malformedRules(bodies.promotions, responseFields.getPromotions, states.malformedLine),
          ...malformedRules(bodies.customer, responseFields.getCustomer, states.malformedLine),
        ],
        Default: states.priceLine,
      },
      [states.malformedLine]: {
        Type: "Fail",
        Error: outcomeErrors.malformedResponse,
        Cause:
          "A product, price, promotions or customer answer was 2xx with a body that breaks the contract.",
      },
      [states.priceLine]: {
        Type: "Pass",
        Parameters: {
          "productId.$": `${bodies.product}.productId`,
          "productName.$": `${bodies.product}.name`,
          "taxCode.$": `${bodies.product}.taxCode`,
          "quantity.$": `${bodies.price}.quantity`,
          "currency.$": `${bodies.price}.currency`,
          "unitAmount.$": `${bodies.price}.unitAmount`,
          "lineAmount.$": `${bodies.price}.lineAmount`,
          "promotionCodes.$": `${bodies.promotions}.promotionCodes`,
          "discountAmount.$": `${bodies.promotions}.discountAmount`,
          "taxRegion.$": `${bodies.customer}.taxRegion`,
          // JSONPath has no arithmetic: the tax service totals the lines from these compact triples.
          "taxLine.$": `States.Format('{}:{}:{}', ${bodies.product}.taxCode, ${bodies.price}.lineAmount, ${bodies.promotions}.discountAmount)`,
        },
        End: true,
      },
    },
  };
}

/**
 * The order-processing workflow of the design document, in JSONPath: check the order, create the
 * cart, price every item of the cart the order service returned (Map of a Parallel), tax the
 * order, update the cart and announce OrderCreated. Any failed call, once its retries are spent,
 * and any answer that breaks the contract announces OrderFailed and fails the execution with
 * `Order.FailureAnnounced`; what the definition cannot catch is left to the safety net
 * (components/safetyNet.ts). Each way an execution ends: docs/outcomes.md.
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
  const create = routes.createOrder.operation;
  const taxes = routes.getTaxes.operation;
  const update = routes.updateOrder.operation;

  return {
    Comment:
      "Order processing: check the order, create the cart, price each product, tax, update the order, announce it.",
    QueryLanguage: "JSONPath",
    StartAt: states.validateOrder,
    TimeoutSeconds: executionTimeoutSeconds(settings),
    States: {
      [states.validateOrder]: {
        Type: "Choice",
        // Rules run in order, so each test only sees a value the rules before it let through.
        Choices: [
          { Not: { Variable: "$.customerId", IsPresent: true }, Next: states.rejectInvalidOrder },
          { Not: { Variable: "$.customerId", IsString: true }, Next: states.rejectInvalidOrder },
          { Not: { Variable: "$.currency", IsPresent: true }, Next: states.rejectInvalidOrder },
          { Not: { Variable: "$.items[0]", IsPresent: true }, Next: states.rejectEmptyCart },
          // Index maxCartItems is item maxCartItems + 1.
          { Variable: `$.items[${settings.maxCartItems}]`, IsPresent: true, Next: states.rejectLargeCart },
          steersPath("$.customerId", states.rejectInvalidId),
        ],
        Default: create,
      },
      [states.rejectInvalidOrder]: {
        Type: "Fail",
        Error: outcomeErrors.invalidInput,
        Cause: "The order input must have a string customerId, a currency and an items list.",
      },
      [states.rejectEmptyCart]: {
        Type: "Fail",
        Error: outcomeErrors.emptyCart,
        Cause: "The cart has no items, so there is no order to create.",
      },
      [states.rejectLargeCart]: {
        Type: "Fail",
        Error: outcomeErrors.cartTooLarge,
        Cause: `The cart has more than ${settings.maxCartItems} items, the most this stack prices (maxCartItems).`,
      },
      [states.rejectInvalidId]: {
        Type: "Fail",
        Error: outcomeErrors.invalidId,
        Cause:
          "The customerId is empty, a dot segment, or contains /, \\ or %: it would not stay one URL path segment.",
      },

      [create]: apiGatewayTask(target, {
        route: routes.createOrder,
        idempotencyKey: idempotencyKeys.createOrder,
        body: { "customerId.$": "$.customerId", "currency.$": "$.currency", "items.$": "$.items" },
        resultPath: "$.order",
        next: checkResponseState(create),
        onError: onError(create),
      }),
      ...checkedResult({
        task: create,
        bodyPath: "$.order.body",
        fields: responseFields.createOrder,
        // The cartId goes into the PATCH's path.
        extraRules: [steersPath("$.order.body.cartId", malformedResponseState(create))],
        resultPath: "$.order",
        next: states.forEachProduct,
        onMalformed: recordFailureState(create),
      }),
      [recordFailureState(create)]: recordFailure(create, false),

      [states.forEachProduct]: {
        Type: "Map",
        // The cart the order service created and checked, not the raw input.
        ItemsPath: "$.order.items",
        // The whole item: a path into it would raise States.Runtime on an item that lacks the field.
        ItemSelector: {
          "cartId.$": "$.order.cartId",
          "customerId.$": "$.customerId",
          // The pricing service refuses a price in another currency than the order's.
          "currency.$": "$.currency",
          "item.$": "$$.Map.Item.Value",
        },
        MaxConcurrency: settings.mapMaxConcurrency,
        ItemProcessor: priceItem(target),
        ResultPath: "$.lines",
        Catch: [
          {
            ErrorEquals: ["States.ALL"],
            ResultPath: "$.caught",
            Next: recordFailureState(states.forEachProduct),
          },
        ],
        Next: taxes,
      },
      [recordFailureState(states.forEachProduct)]: recordFailure(states.forEachProduct, true),

      [taxes]: apiGatewayTask(target, {
        route: routes.getTaxes,
        query: {
          cartId: single("$.order.cartId"),
          currency: single("$.currency"),
          region: single("$.lines[0].taxRegion"),
          line: "$.lines[*].taxLine",
        },
        resultPath: "$.totals",
        next: checkResponseState(taxes),
        onError: onError(taxes),
      }),
      ...checkedResult({
        task: taxes,
        bodyPath: "$.totals.body",
        fields: responseFields.getTaxes,
        resultPath: "$.totals",
        next: update,
        onMalformed: recordFailureState(taxes),
      }),
      [recordFailureState(taxes)]: recordFailure(taxes, true),

      [update]: apiGatewayTask(target, {
        route: routes.updateOrder,
        pathValues: { cartId: "$.order.cartId" },
        idempotencyKey: idempotencyKeys.updateOrder,
        body: { status: "PRICED", ...totals, "lines.$": "$.lines" },
        // Under the order, so that `$.order.cartId` stays readable on the failure path.
        resultPath: "$.order.updated",
        next: checkResponseState(update),
        onError: onError(update),
      }),
      ...checkedResult({
        task: update,
        bodyPath: "$.order.updated.body",
        fields: responseFields.updateOrder,
        resultPath: "$.order",
        next: states.orderCreatedEvent,
        onMalformed: recordFailureState(update),
      }),
      [recordFailureState(update)]: recordFailure(update, true),

      [states.orderCreatedEvent]: apiGatewayTask(target, {
        route: routes.receiveEvent,
        idempotencyKey: idempotencyKeys.orderCreated,
        body: {
          eventType: "OrderCreated",
          detail: {
            "executionArn.$": "$$.Execution.Id",
            "cartId.$": "$.order.cartId",
            "customerId.$": "$.customerId",
            ...totals,
          },
        },
        resultPath: "$.orderCreatedEvent",
        next: checkResponseState(states.orderCreatedEvent),
        // The event may have been delivered (a lost 504): announcing OrderFailed could contradict it.
        onError: { next: states.recordOrderCreatedUnconfirmed, resultPath: "$.caught" },
      }),
      ...checkedResult({
        task: states.orderCreatedEvent,
        bodyPath: "$.orderCreatedEvent.body",
        fields: responseFields.receiveEvent,
        resultPath: "$.orderCreatedEvent",
        onMalformed: states.recordOrderCreatedUnconfirmed,
      }),
      [states.recordOrderCreatedUnconfirmed]: {
        Type: "Pass",
        Parameters: {
          "summary.$": `States.Format('OrderCreated for cart {} may or may not have been delivered: {}: {}', $.order.cartId, $.caught.Error, $.caught.Cause)`,
        },
        Next: states.orderCreatedUnconfirmed,
      },
      [states.orderCreatedUnconfirmed]: {
        Type: "Fail",
        Error: outcomeErrors.orderCreatedUnconfirmed,
        CausePath: "$.summary",
      },

      [states.orderFailedEvent]: apiGatewayTask(target, {
        route: routes.receiveEvent,
        idempotencyKey: idempotencyKeys.orderFailed,
        body: {
          eventType: "OrderFailed",
          detail: {
            "executionArn.$": "$$.Execution.Id",
            "cartId.$": "$.cartId",
            "customerId.$": "$.customerId",
            "failedState.$": "$.failedState",
            "error.$": "$.error",
            "cause.$": "$.cause",
          },
        },
        // Accepted is what counts: the body is not read.
        resultPath: null,
        next: states.orderFailed,
        // Not announced: the execution's error tells the safety net to announce it.
        onError: { next: states.orderFailureUnannounced, resultPath: "$.announcementError" },
      }),
      [states.orderFailed]: { Type: "Fail", Error: outcomeErrors.failureAnnounced, CausePath: "$.summary" },
      [states.orderFailureUnannounced]: {
        Type: "Fail",
        Error: outcomeErrors.failureUnannounced,
        CausePath: "$.summary",
      },
    },
  };
}

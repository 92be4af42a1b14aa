import { apiGatewayTask, ApiTarget } from "./apiGatewayTask";
import type { AslDefinition, AslState } from "./asl";
import { checkedResult } from "./checkedResult";
import { malformedRules, steersPath } from "./choiceRules";
import { executionTimeoutSeconds, pricingRetryPolicy, pricingTaskTimeoutSeconds } from "../config/limits";
import { outcomeErrors, pricingFailedError } from "./outcomes";
import { createdCartPath } from "./pricingDefinition";
import { pricingStates } from "./pricingStates";
import { responseFields } from "./responses";
import { routes } from "../routes";
import type { PricingFanOut, WorkflowType } from "../config/modes";
import {
  checkResponseState,
  literal,
  malformedResponseState,
  recordFailureState,
  recordFailureWithoutCartState,
  states,
} from "./stateNames";

export {
  checkResponseState,
  malformedResponseState,
  recordFailureState,
  recordFailureWithoutCartState,
  selectResultState,
  states,
} from "./stateNames";

/** What the definition depends on besides the route table. */
export interface DefinitionSettings extends ApiTarget {
  /** Cart items priced at once by the Map. */
  readonly mapMaxConcurrency: number;
  /** Validate Order refuses a cart with more items, before any call. */
  readonly maxCartItems: number;
  /** Bounds the execution timeout: an Express execution lasts at most five minutes. */
  readonly workflowType: WorkflowType;
  /** Whether the cart is priced in this state machine or by the Express pricing child. */
  readonly pricingFanOut: PricingFanOut;
  /** pricingFanOut "express": the ARN of the pricing child this definition starts. */
  readonly pricingStateMachineArn?: string;
}

/**
 * Idempotency keys, one per intent, each derived from the execution so every retry (and a re-run
 * of an Express execution) sends the same one. The order API scopes a key to its caller, not to the
 * route (api/order-api.openapi.yaml), so two writes of one execution must never share a key: each
 * names its intent. OrderFailed's is the bare execution ARN because the safety net sends it too, and
 * an EventBridge header can only be a whole JSON path of the status event (`$.detail.executionArn`),
 * never a concatenation: both announce the one failure of an execution, under one key.
 */
export const idempotencyKeys = {
  createOrder: "States.Format('{}/CreateOrder', $$.Execution.Id)",
  updateOrder: "States.Format('{}/UpdateOrder', $$.Execution.Id)",
  orderCreated: "States.Format('{}/OrderCreated', $$.Execution.Id)",
  orderFailed: "$$.Execution.Id",
} as const;

/** The StartSyncExecution integration (docs/pricing-fan-out.md says why this one). */
export const startSyncExecution = "arn:aws:states:::aws-sdk:sfn:startSyncExecution";

/** Where a Record state finds what it reports. */
interface FailureSources {
  /** null when the cart was never created (or its creation was not confirmed). */
  readonly cartId: string | null;
  /** The caught `{Error, Cause}`. */
  readonly caught: string;
  readonly customerId: string;
}

/** The Pass a top-level Catch leads to: it reduces the state to what the failure path reports. */
function recordFailure(failed: string, cartIdPath: string | null): AslState {
  return recordFailureFrom(failed, { cartId: cartIdPath, caught: "$.caught", customerId: "$.customerId" });
}

function recordFailureFrom(failed: string, from: FailureSources): AslState {
  return {
    Type: "Pass",
    Parameters: {
      "customerId.$": from.customerId,
      ...(from.cartId === null ? { cartId: null } : { "cartId.$": from.cartId }),
      failedState: failed,
      "error.$": `${from.caught}.Error`,
      "cause.$": `${from.caught}.Cause`,
      "summary.$": `States.Format('${literal(failed)} failed with {}: {}', ${from.caught}.Error, ${from.caught}.Cause)`,
    },
    Next: states.orderFailedEvent,
  };
}

/** Where the priced cart is in the state once it is priced: it differs by pricingFanOut. */
interface PricedPaths {
  readonly lines: string;
  readonly totals: string;
}

const totalsOf = (totals: string) => ({
  "currency.$": `${totals}.currency`,
  "subtotalAmount.$": `${totals}.subtotalAmount`,
  "discountAmount.$": `${totals}.discountAmount`,
  "taxAmount.$": `${totals}.taxAmount`,
  "totalAmount.$": `${totals}.totalAmount`,
});

/** Validate Order and the four ways it refuses an order, before any call. */
function validation(settings: DefinitionSettings): Record<string, AslState> {
  return {
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
      Default: routes.createOrder.operation,
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
  };
}

/**
 * Order.CreateOrder: its answer, unread here, goes to `$.order.body`, and the state keeps nothing
 * else but the two fields of the order the workflow reads again. Fields it never reads, and the
 * items the order service now holds, cannot then take a state past Step Functions' 256 KiB
 * (States.DataLimitExceeded, which no Catch sees), in this state machine or in the pricing
 * child, whose input is this state. They come from the execution's input: Validate Order, the
 * only state before, passes it on unchanged. This costs no state transition of its own.
 */
function createOrder(target: ApiTarget, next: string): Record<string, AslState> {
  const create = routes.createOrder.operation;
  return {
    [create]: apiGatewayTask(target, {
      route: routes.createOrder,
      idempotencyKey: idempotencyKeys.createOrder,
      // The execution that creates the cart: the events service knows from it whether an execution has a cart.
      body: {
        "executionArn.$": "$$.Execution.Id",
        "customerId.$": "$.customerId",
        "currency.$": "$.currency",
        "items.$": "$.items",
      },
      resultSelector: {
        "customerId.$": "$$.Execution.Input.customerId",
        "currency.$": "$$.Execution.Input.currency",
        order: { "body.$": "$.ResponseBody" },
      },
      // No ResultPath: the result replaces the state (the ASL default, which the local engine
      // honours where it mistakes an explicit "$" for a field of that name).
      next,
      // The error replaces the state too: its Cause beside the input could pass 256 KiB.
      onError: { next: recordFailureState(create) },
    }),
    [recordFailureState(create)]: recordFailureFrom(create, {
      cartId: null,
      caught: "$",
      customerId: "$$.Execution.Input.customerId",
    }),
  };
}

/** Inline: the cart checked here (at `$.order`), then priced and taxed by this state machine. */
function inlinePricing(target: ApiTarget, settings: DefinitionSettings): Record<string, AslState> {
  const create = routes.createOrder.operation;
  const taxes = routes.getTaxes.operation;
  return {
    ...checkedResult({
      task: create,
      bodyPath: "$.order.body",
      fields: responseFields.createOrder,
      // The cartId goes into the PATCH's path.
      extraRules: [steersPath("$.order.body.cartId", malformedResponseState(create))],
      resultPath: "$.order",
      next: states.forEachProduct,
      onMalformed: recordFailureState(create),
      malformedReplacesState: true,
    }),
    ...pricingStates(target, {
      cartPath: "$.order",
      mapMaxConcurrency: settings.mapMaxConcurrency,
      next: routes.updateOrder.operation,
    }),
    [recordFailureState(states.forEachProduct)]: recordFailure(states.forEachProduct, "$.order.cartId"),
    [recordFailureState(taxes)]: recordFailure(taxes, "$.order.cartId"),
  };
}

/**
 * Express: one Task runs the pricing child (components/definition/pricingDefinition.ts) synchronously, which
 * checks the cart, prices and taxes it. Its answer is read by Status: SUCCEEDED carries the priced
 * cart, `Order.PricingFailed` the failure to announce as the inline workflow would; any other end
 * (a timeout, an error of its own, a start that failed) is announced as a failure of Price Cart.
 */
function expressPricing(settings: DefinitionSettings): Record<string, AslState> {
  if (settings.pricingStateMachineArn === undefined) {
    throw new Error('pricingFanOut "express" needs pricingStateMachineArn, the pricing child to start');
  }
  const result = "$.pricing";
  return {
    [states.priceCart]: {
      Type: "Task",
      Resource: startSyncExecution,
      Parameters: {
        StateMachineArn: settings.pricingStateMachineArn,
        // The child is named after the order's execution, so its log events are found by that name.
        "Name.$": "$$.Execution.Name",
        "Input.$": "States.JsonToString($)",
      },
      TimeoutSeconds: pricingTaskTimeoutSeconds,
      ResultPath: result,
      Retry: pricingRetryPolicy.map((retrier) => ({ ...retrier, ErrorEquals: [...retrier.ErrorEquals] })),
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.caught", Next: states.checkCartIdKnown }],
      Next: states.checkPricing,
    },
    [states.checkPricing]: {
      Type: "Choice",
      // Output, Error and Cause are each present only for some ends (StartSyncExecution's response).
      Choices: [
        { Variable: `${result}.Status`, StringEquals: "SUCCEEDED", Next: states.selectPricedCart },
        { Not: { Variable: `${result}.Error`, IsPresent: true }, Next: states.pricingEndedUnexpectedly },
        { Not: { Variable: `${result}.Cause`, IsPresent: true }, Next: states.pricingEndedUnexpectedly },
        {
          And: [
            { Variable: `${result}.Error`, StringEquals: pricingFailedError },
            // A Cause Step Functions cut short (over 32,768 characters) is no JSON: StringToJson would raise States.Runtime.
            { Variable: `${result}.Cause`, StringMatches: "{*}" },
          ],
          Next: states.readPricingFailure,
        },
      ],
      Default: states.pricingEndedUnexpectedly,
    },
    [states.selectPricedCart]: {
      Type: "Pass",
      Parameters: {
        "customerId.$": "$.customerId",
        "currency.$": "$.currency",
        "order.$": `States.StringToJson(${result}.Output)`,
      },
      Next: routes.updateOrder.operation,
    },
    [states.readPricingFailure]: {
      Type: "Pass",
      Parameters: {
        "customerId.$": "$.customerId",
        "failure.$": `States.StringToJson(${result}.Cause)`,
      },
      Next: states.recordPricingFailure,
    },
    [states.recordPricingFailure]: {
      Type: "Pass",
      Parameters: {
        "customerId.$": "$.customerId",
        "cartId.$": "$.failure.cartId",
        "failedState.$": "$.failure.failedState",
        "error.$": "$.failure.error",
        "cause.$": "$.failure.cause",
        "summary.$":
          "States.Format('{} failed with {}: {}', $.failure.failedState, $.failure.error, $.failure.cause)",
      },
      Next: states.orderFailedEvent,
    },
    [states.pricingEndedUnexpectedly]: {
      Type: "Pass",
      Parameters: {
        "Error.$": `States.Format('Pricing.{}', ${result}.Status)`,
        "Cause.$": `States.Format('The pricing execution {} ended {} without a failure of its own: see the pricing log group', ${result}.ExecutionArn, ${result}.Status)`,
      },
      ResultPath: "$.caught",
      Next: states.checkCartIdKnown,
    },
    // The child may not have checked the cart: only a cartId that is one safe string is reported.
    [states.checkCartIdKnown]: {
      Type: "Choice",
      Choices: [
        ...malformedRules(
          createdCartPath,
          { cartId: "string" },
          recordFailureWithoutCartState(states.priceCart),
        ),
        steersPath(`${createdCartPath}.cartId`, recordFailureWithoutCartState(states.priceCart)),
      ],
      Default: recordFailureState(states.priceCart),
    },
    [recordFailureState(states.priceCart)]: recordFailure(states.priceCart, `${createdCartPath}.cartId`),
    [recordFailureWithoutCartState(states.priceCart)]: recordFailure(states.priceCart, null),
  };
}

/** Order.UpdateOrder, OrderCreated and the failure path every Record state leads to. */
function updateAndAnnounce(target: ApiTarget, priced: PricedPaths): Record<string, AslState> {
  const update = routes.updateOrder.operation;
  return {
    [update]: apiGatewayTask(target, {
      route: routes.updateOrder,
      pathValues: { cartId: "$.order.cartId" },
      idempotencyKey: idempotencyKeys.updateOrder,
      body: { status: "PRICED", ...totalsOf(priced.totals), "lines.$": priced.lines },
      // A 2xx is the order service's word that the cart is priced; its body is not read.
      resultPath: null,
      next: states.orderCreatedEvent,
      onError: { next: recordFailureState(update), resultPath: "$.caught" },
    }),
    [recordFailureState(update)]: recordFailure(update, "$.order.cartId"),

    [states.orderCreatedEvent]: apiGatewayTask(target, {
      route: routes.receiveEvent,
      idempotencyKey: idempotencyKeys.orderCreated,
      body: {
        eventType: "OrderCreated",
        detail: {
          "executionArn.$": "$$.Execution.Id",
          "cartId.$": "$.order.cartId",
          "customerId.$": "$.customerId",
          ...totalsOf(priced.totals),
        },
      },
      // A 2xx says the event was accepted, which is all that counts: its body goes to the output unread.
      resultPath: "$.orderCreatedEvent",
      // The event may have been delivered (a lost 504): announcing OrderFailed could contradict it.
      onError: { next: states.recordOrderCreatedUnconfirmed, resultPath: "$.caught" },
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
  };
}

/**
 * The order-processing workflow of the design document, in JSONPath: check the order, create the
 * cart, price every item of the cart the order service returned (Map of a Parallel, here or in the
 * Express pricing child), tax the order, update the cart and announce OrderCreated. Any failed
 * call, once its retries are spent, and any answer that breaks the contract announces OrderFailed
 * and fails the execution with `Order.FailureAnnounced`; what the definition cannot catch is left
 * to the safety net (components/resources/safetyNet.ts). Each way an execution ends: docs/outcomes.md.
 */
export function buildDefinition(settings: DefinitionSettings): AslDefinition {
  const target: ApiTarget = { endpoint: settings.endpoint, stage: settings.stage };
  const express = settings.pricingFanOut === "express";
  return {
    Comment:
      "Order processing: check the order, create the cart, price each product, tax, update the order, announce it.",
    QueryLanguage: "JSONPath",
    StartAt: states.validateOrder,
    TimeoutSeconds: executionTimeoutSeconds(settings),
    States: {
      ...validation(settings),
      ...createOrder(target, express ? states.priceCart : checkResponseState(routes.createOrder.operation)),
      ...(express ? expressPricing(settings) : inlinePricing(target, settings)),
      ...updateAndAnnounce(
        target,
        express
          ? { lines: "$.order.lines", totals: "$.order.totals" }
          : { lines: "$.lines", totals: "$.totals" },
      ),
    },
  };
}

/**
 * pricingFanOut "express": the order's definition around the pricing child, and the child itself.
 * How the two behave when run end to end is in test/local/.
 */
import assert from "node:assert/strict";
import aslValidator from "asl-validator";
import { AslDefinition, statesOf } from "../../components/definition/asl";
import {
  buildDefinition,
  DefinitionSettings,
  recordFailureState,
  startSyncExecution,
  states,
} from "../../components/definition/definition";
import {
  callBudgetSeconds,
  expressMaxSeconds,
  pricingRetryPolicy,
  pricingTaskTimeoutSeconds,
} from "../../components/config/limits";
import { outcomeErrors, pricingFailedError } from "../../components/definition/outcomes";
import { buildPricingDefinition } from "../../components/definition/pricingDefinition";
import { routes } from "../../components/routes";

const childArn = "arn:aws:states:us-east-1:123456789012:stateMachine:orders-prod_pricing-abc";
const settings: DefinitionSettings = {
  endpoint: "MyApiId.execute-api.us-east-1.amazonaws.com",
  stage: "prod",
  mapMaxConcurrency: 10,
  maxCartItems: 100,
  workflowType: "STANDARD",
  pricingFanOut: "express",
  pricingStateMachineArn: childArn,
};
const parent = buildDefinition(settings);
const child = buildPricingDefinition(settings);
const inline = buildDefinition({ ...settings, pricingFanOut: "inline", pricingStateMachineArn: undefined });

/** The states an order goes through when every call answers 2xx as the contract says. */
function happyPath(definition: AslDefinition): string[] {
  const path: string[] = [];
  let name: string | undefined = definition.StartAt;
  while (name !== undefined) {
    path.push(name);
    const state: Record<string, unknown> = definition.States[name];
    if (state.Type === "Choice") {
      const succeeded = (state.Choices as any[]).find((rule) => rule.StringEquals === "SUCCEEDED");
      name = (succeeded?.Next ?? state.Default) as string;
    } else name = state.End === true ? undefined : (state.Next as string);
  }
  return path;
}

const apiRoutes = (definition: AslDefinition) =>
  statesOf(definition)
    .filter(({ state }) => state.Resource === "arn:aws:states:::apigateway:invoke")
    .map(({ state }) => (state.Parameters as Record<string, string>).Method);

describe('the order\'s definition with pricingFanOut "express"', () => {
  it("passes the Amazon States Language validator", () => {
    const { isValid, errorsText } = aslValidator(structuredClone(parent) as any);
    assert.ok(isValid, errorsText());
  });

  it("enters seven states when every call succeeds, whatever the cart's size", () => {
    const path = happyPath(parent);
    assert.deepEqual(path, [
      states.validateOrder,
      "Order.CreateOrder",
      states.priceCart,
      states.checkPricing,
      states.selectPricedCart,
      "Order.UpdateOrder",
      states.orderCreatedEvent,
    ]);
    assert.deepEqual(happyPath(buildDefinition({ ...settings, maxCartItems: 1 })), path);
  });

  it("holds no Map and calls only the routes that must run exactly once", () => {
    assert.equal(
      statesOf(parent).some(({ state }) => state.Type === "Map"),
      false,
    );
    assert.deepEqual(apiRoutes(parent).sort(), ["PATCH", "POST", "POST", "POST"]);
  });

  it("starts exactly the pricing child, synchronously, with the order's state as its input", () => {
    const task = parent.States[states.priceCart];
    assert.equal(task.Resource, startSyncExecution);
    assert.deepEqual(task.Parameters, {
      StateMachineArn: childArn,
      "Name.$": "$$.Execution.Name",
      "Input.$": "States.JsonToString($)",
    });
  });

  it("retries a start that raised an error, which means the child did not run, and catches the rest", () => {
    const task = parent.States[states.priceCart];
    assert.deepEqual(task.Retry, pricingRetryPolicy);
    assert.deepEqual(
      (task.Catch as any[]).map((catcher) => [catcher.ErrorEquals, catcher.Next]),
      [[["States.ALL"], states.checkCartIdKnown]],
    );
  });

  it("waits longer for the child than an Express execution may last", () => {
    assert.ok((parent.States[states.priceCart].TimeoutSeconds as number) > expressMaxSeconds);
    assert.ok((child.TimeoutSeconds as number) <= expressMaxSeconds);
  });

  it("reads Error and Cause only after testing they are present, so the check cannot raise States.Runtime", () => {
    const rules = parent.States[states.checkPricing].Choices as any[];
    const errorRead = rules.findIndex((rule) => rule.Next === states.readPricingFailure);
    const presence = rules
      .map((rule, index) => [rule.Not?.Variable, index] as const)
      .filter(([variable]) => variable === "$.pricing.Error" || variable === "$.pricing.Cause");
    assert.equal(presence.length, 2);
    assert.ok(presence.every(([, index]) => index < errorRead));
    assert.deepEqual(rules[errorRead].And[0], {
      Variable: "$.pricing.Error",
      StringEquals: pricingFailedError,
    });
  });

  it("announces the child's failure with the same fields as an inline failure", () => {
    const inlineRecord = inline.States[recordFailureState(states.forEachProduct)].Parameters as object;
    const record = parent.States[states.recordPricingFailure];
    const field = (key: string) => key.replace(/\.\$$/, "");
    assert.deepEqual(
      Object.keys(record.Parameters as object)
        .map(field)
        .sort(),
      Object.keys(inlineRecord).map(field).sort(),
    );
    assert.equal(record.Next, states.orderFailedEvent);
    assert.equal(
      (parent.States[states.readPricingFailure].Parameters as Record<string, string>)["failure.$"],
      "States.StringToJson($.pricing.Cause)",
    );
  });

  it("announces any other end of the child as a failure of Price Cart, with the cart only if its id is safe", () => {
    assert.equal(parent.States[states.pricingEndedUnexpectedly].Next, states.checkCartIdKnown);
    const check = parent.States[states.checkCartIdKnown];
    assert.equal(check.Default, recordFailureState(states.priceCart));
    assert.deepEqual(
      (parent.States[`Record ${states.priceCart} Failure Without Cart`].Parameters as Record<string, unknown>)
        .cartId,
      null,
    );
  });

  it("times the order out after three calls' budgets and the Price Cart Task's", () => {
    const priceCartBudget = 3 * pricingTaskTimeoutSeconds + 1 + 2;
    assert.equal(parent.TimeoutSeconds, 3 * callBudgetSeconds() + priceCartBudget + 60);
  });

  it("refuses to build without the child's ARN", () => {
    assert.throws(
      () => buildDefinition({ ...settings, pricingStateMachineArn: undefined }),
      /pricingFanOut "express" needs pricingStateMachineArn/,
    );
  });
});

describe("the pricing child", () => {
  const childStates = statesOf(child);

  it("passes the Amazon States Language validator", () => {
    const { isValid, errorsText } = aslValidator(structuredClone(child) as any);
    assert.ok(isValid, errorsText());
  });

  it("uses no integration pattern an Express workflow refuses (.sync, .waitForTaskToken)", () => {
    for (const { name, state } of childStates.filter(({ state }) => state.Type === "Task")) {
      assert.doesNotMatch(state.Resource as string, /\.sync|\.waitForTaskToken/, name);
    }
  });

  it("prices each item exactly as the inline workflow does: the same Map, Retry, Catch and causes", () => {
    const { ItemsPath, ItemSelector, ...map } = child.States[states.forEachProduct];
    const {
      ItemsPath: inlineItems,
      ItemSelector: inlineSelector,
      ...inlineMap
    } = inline.States[states.forEachProduct];
    assert.deepEqual(map, inlineMap);
    assert.equal(ItemsPath, "$.order.body.items");
    assert.equal(inlineItems, "$.order.items");
    assert.deepEqual(Object.keys(ItemSelector as object), Object.keys(inlineSelector as object));
  });

  it("taxes the cart with the inline workflow's Tax.GetTaxes, reading the checked cart", () => {
    const tax = child.States[routes.getTaxes.operation];
    const inlineTax = inline.States[routes.getTaxes.operation];
    assert.deepEqual(tax.Retry, inlineTax.Retry);
    assert.equal((tax.Parameters as any).QueryParameters["cartId.$"], "States.Array($.order.body.cartId)");
  });

  it("calls only the five GET routes", () => {
    assert.deepEqual(apiRoutes(child), ["GET", "GET", "GET", "GET", "GET"]);
  });

  it("checks the created cart before any call, and names Order.CreateOrder, with no cart, when it breaks the contract", () => {
    assert.equal(child.StartAt, states.checkCart);
    const malformed = child.States["Malformed Order.CreateOrder Response"];
    assert.deepEqual(
      {
        failedState: (malformed.Parameters as any).failedState,
        cartId: (malformed.Parameters as any).cartId,
        error: (malformed.Parameters as any).error,
      },
      { failedState: "Order.CreateOrder", cartId: null, error: outcomeErrors.malformedResponse },
    );
  });

  it("records each failure with the state the inline workflow would name, then ends with Order.PricingFailed", () => {
    for (const failed of [states.forEachProduct, routes.getTaxes.operation]) {
      const record = child.States[recordFailureState(failed)];
      assert.equal((record.Parameters as Record<string, unknown>).failedState, failed);
      assert.equal(record.Next, states.encodePricingFailure);
    }
    assert.deepEqual(child.States[states.pricingFailed], {
      Type: "Fail",
      Error: pricingFailedError,
      CausePath: "$.cause",
    });
  });

  it("outputs the cart id, the priced lines and the totals, all the order needs to update and announce", () => {
    assert.deepEqual(child.States[states.pricedCart], {
      Type: "Pass",
      Parameters: { "cartId.$": "$.order.body.cartId", "lines.$": "$.lines", "totals.$": "$.totals" },
      End: true,
    });
  });
});

import assert from "node:assert/strict";
import aslValidator from "asl-validator";
import { AslState, statesOf } from "../../components/asl";
import { retryPolicy, throttlingErrors, transientErrors } from "../../components/apiGatewayTask";
import { buildDefinition, recordFailureState, states, workflowErrors } from "../../components/definition";
import { routes } from "../../components/routes";

const settings = {
  endpoint: "MyApiId.execute-api.us-east-1.amazonaws.com",
  stage: "dev",
  mapMaxConcurrency: 7,
};
const definition = buildDefinition(settings);
const stateNamed = (name: string): AslState => {
  const found = statesOf(definition).find((located) => located.name === name);
  if (found === undefined) throw new Error(`no state named ${name}`);
  return found.state;
};
const tasks = statesOf(definition).filter(({ state }) => state.Type === "Task");
const parameters = (name: string) => stateNamed(name).Parameters as Record<string, any>;

/** The seed document's steps: state, method, and the path as the task renders it. */
const seedSteps = [
  ["Order.CreateOrder", "POST", { Path: "carts" }],
  ["ProductCatalog.GetProduct", "GET", { "Path.$": "States.Format('products/{}', $.productId)" }],
  ["Pricing.GetPrices", "GET", { "Path.$": "States.Format('prices/{}', $.priceId)" }],
  ["Promotion.GetPromotionsForCart", "GET", { Path: "promotions/cart" }],
  ["Customer.GetCustomer", "GET", { "Path.$": "States.Format('customers/{}', $.customerId)" }],
  ["Tax.GetTaxes", "GET", { Path: "taxes" }],
  ["Order.UpdateOrder", "PATCH", { "Path.$": "States.Format('carts/{}', $.order.cartId)" }],
  ["Event.Receive OrderCreatedEvent", "POST", { Path: "events/receive" }],
] as const;

describe("the order-processing definition", () => {
  it("passes the Amazon States Language validator", () => {
    const { isValid, errorsText } = aslValidator(structuredClone(definition) as any);
    assert.ok(isValid, errorsText());
  });

  it("uses JSONPath, which the local engine runs", () => {
    assert.equal(definition.QueryLanguage, "JSONPath");
  });

  for (const [name, method, path] of seedSteps) {
    it(`calls ${method} ${Object.values(path)[0]} in ${name}`, () => {
      const { Method, Path, "Path.$": pathExpression } = parameters(name);
      assert.equal(Method, method);
      assert.deepEqual(Path === undefined ? { "Path.$": pathExpression } : { Path }, path);
    });
  }

  it("sends every call to the stack's API endpoint and stage, signed with the role", () => {
    assert.equal(tasks.length, 9);
    for (const { name, state } of tasks) {
      assert.equal(state.Resource, "arn:aws:states:::apigateway:invoke", name);
      const { ApiEndpoint, Stage, AuthType } = state.Parameters as Record<string, unknown>;
      assert.deepEqual(
        { ApiEndpoint, Stage, AuthType },
        { ApiEndpoint: settings.endpoint, Stage: "dev", AuthType: "IAM_ROLE" },
      );
    }
  });

  it("runs create, for-each-product, tax, update and OrderCreated in that order, then ends", () => {
    const order: string[] = [];
    let name: string | undefined = stateNamed(states.validateOrder).Default as string;
    while (name !== undefined) {
      order.push(name);
      const state: Record<string, unknown> = definition.States[name];
      name = state.End === true ? undefined : (state.Next as string);
    }
    assert.deepEqual(order, [
      "Order.CreateOrder",
      "For Each Product In Cart",
      "Tax.GetTaxes",
      "Order.UpdateOrder",
      "Event.Receive OrderCreatedEvent",
    ]);
  });

  it("prices each product with a Parallel of product, prices, promotions and customer", () => {
    const map = definition.States[states.forEachProduct];
    assert.equal(map.Type, "Map");
    assert.equal(map.ItemsPath, "$.items");
    const processor = map.ItemProcessor as { StartAt: string; States: Record<string, any> };
    const parallel = processor.States[processor.StartAt];
    assert.equal(processor.StartAt, "Parallel_Processing");
    assert.deepEqual(
      parallel.Branches.map((branch: { StartAt: string }) => branch.StartAt),
      [
        "ProductCatalog.GetProduct",
        "Pricing.GetPrices",
        "Promotion.GetPromotionsForCart",
        "Customer.GetCustomer",
      ],
    );
  });

  it("limits how many products are priced at once to the configured concurrency", () => {
    assert.equal(definition.States[states.forEachProduct].MaxConcurrency, 7);
  });

  it("gives every Task, at any depth, a Retry and a Catch of all errors", () => {
    for (const { name, state } of tasks) {
      assert.ok(Array.isArray(state.Retry) && state.Retry.length > 0, `${name} has no Retry`);
      assert.deepEqual(
        (state.Catch as any[]).map((c) => c.ErrorEquals),
        [["States.ALL"]],
        name,
      );
    }
  });

  it("retries 5xx, throttling and timeouts with jittered exponential backoff", () => {
    for (const { name, state } of tasks) {
      assert.deepEqual(state.Retry, retryPolicy, name);
    }
    for (const retrier of retryPolicy) {
      assert.equal(retrier.JitterStrategy, "FULL");
      assert.ok(retrier.BackoffRate > 1);
    }
    assert.deepEqual(
      retryPolicy.flatMap((retrier) => retrier.ErrorEquals).sort(),
      [...transientErrors, ...throttlingErrors].sort(),
    );
  });

  it("never retries a 4xx other than 429, nor the catch-all errors", () => {
    const retried = retryPolicy.flatMap((retrier) => retrier.ErrorEquals as readonly string[]);
    assert.deepEqual(
      retried.filter((error) => /^ApiGateway\.4/.test(error)),
      ["ApiGateway.429"],
    );
    assert.ok(!retried.includes("States.ALL") && !retried.includes("States.TaskFailed"));
  });

  it("sends each top-level failure through a record of the failed state to the OrderFailed event", () => {
    for (const name of [
      "Order.CreateOrder",
      "For Each Product In Cart",
      "Tax.GetTaxes",
      "Order.UpdateOrder",
      "Event.Receive OrderCreatedEvent",
    ]) {
      const [catcher] = definition.States[name].Catch as Array<{ Next: string }>;
      const record = definition.States[catcher.Next];
      assert.equal(catcher.Next, recordFailureState(name));
      assert.equal((record.Parameters as Record<string, unknown>).failedState, name);
      assert.equal(record.Next, states.orderFailedEvent);
    }
  });

  it("announces OrderFailed with the failed state and error, then fails with that error", () => {
    const event = definition.States[states.orderFailedEvent];
    assert.deepEqual(parameters(states.orderFailedEvent).RequestBody.detail, {
      "cartId.$": "$.cartId",
      "customerId.$": "$.customerId",
      "failedState.$": "$.failedState",
      "error.$": "$.error",
      "cause.$": "$.cause",
    });
    assert.equal(event.Next, states.orderFailed);
    assert.deepEqual(definition.States[states.orderFailed], {
      Type: "Fail",
      ErrorPath: "$.error",
      CausePath: "$.summary",
    });
  });

  it("still fails with the original error when the OrderFailed event cannot be sent", () => {
    const [catcher] = definition.States[states.orderFailedEvent].Catch as Array<Record<string, unknown>>;
    assert.equal(catcher.Next, states.orderFailed);
    assert.notEqual(catcher.ResultPath, "$.error");
  });

  it("ends a failed call inside the Map in a Fail that keeps its error and names the call", () => {
    const catcher = (stateNamed("Pricing.GetPrices").Catch as Array<{ Next: string }>)[0];
    const record = stateNamed(catcher.Next);
    const fail = stateNamed(record.Next as string);
    assert.equal(
      (record.Parameters as Record<string, string>)["Cause.$"],
      "States.Format('Pricing.GetPrices: {}', $.caught.Cause)",
    );
    assert.deepEqual(fail, { Type: "Fail", ErrorPath: "$.Error", CausePath: "$.Cause" });
  });

  it("keys each POST with the execution id, so a retry cannot create a second cart or event", () => {
    assert.deepEqual(parameters("Order.CreateOrder").Headers, {
      "Idempotency-Key.$": "States.Array($$.Execution.Id)",
    });
    assert.deepEqual(parameters(states.orderCreatedEvent).Headers, {
      "Idempotency-Key.$": "States.Array(States.Format('{}/OrderCreated', $$.Execution.Id))",
    });
    assert.deepEqual(parameters(states.orderFailedEvent).Headers, {
      "Idempotency-Key.$": "States.Array(States.Format('{}/OrderFailed', $$.Execution.Id))",
    });
  });

  it("sends OrderCreated as the last step", () => {
    const body = parameters(states.orderCreatedEvent).RequestBody;
    assert.equal(body.eventType, "OrderCreated");
    assert.equal(definition.States[states.orderCreatedEvent].End, true);
  });

  it("updates the order with the total, tax and discount the tax service computed", () => {
    const body = parameters("Order.UpdateOrder").RequestBody;
    assert.equal(body["totalAmount.$"], "$.totals.totalAmount");
    assert.equal(body["taxAmount.$"], "$.totals.taxAmount");
    assert.equal(body["discountAmount.$"], "$.totals.discountAmount");
  });

  it("rejects an empty cart before calling anything", () => {
    const choice = definition.States[states.validateOrder];
    assert.equal(definition.StartAt, states.validateOrder);
    assert.deepEqual(
      (choice.Choices as any[]).find((rule) => rule.Next === states.rejectEmptyCart),
      { Not: { Variable: "$.items[0]", IsPresent: true }, Next: states.rejectEmptyCart },
    );
    assert.equal(definition.States[states.rejectEmptyCart].Error, workflowErrors.emptyCart);
  });

  it("has a Task for every route of the route table", () => {
    for (const route of Object.values(routes)) {
      const name = route === routes.receiveEvent ? states.orderCreatedEvent : route.operation;
      assert.equal(parameters(name).Method, route.method, name);
    }
  });
});

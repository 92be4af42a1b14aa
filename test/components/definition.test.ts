import assert from "node:assert/strict";
import aslValidator from "asl-validator";
import { AslState, statesOf } from "../../components/definition/asl";
import { retryPolicy, throttlingErrors, transientErrors } from "../../components/definition/apiGatewayTask";
import {
  buildDefinition,
  checkResponseState,
  idempotencyKeys,
  malformedResponseState,
  recordFailureState,
  selectResultState,
  states,
} from "../../components/definition/definition";
import { callBudgetSeconds, executionTimeoutSeconds } from "../../components/config/limits";
import { outcomeErrors } from "../../components/definition/outcomes";
import { routes } from "../../components/routes";

const settings = {
  endpoint: "MyApiId.execute-api.us-east-1.amazonaws.com",
  stage: "dev",
  mapMaxConcurrency: 7,
  maxCartItems: 100,
  workflowType: "STANDARD",
  pricingFanOut: "inline",
} as const;
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
  ["ProductCatalog.GetProduct", "GET", { "Path.$": "States.Format('products/{}', $.item.productId)" }],
  ["Pricing.GetPrices", "GET", { "Path.$": "States.Format('prices/{}', $.item.priceId)" }],
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
      const state: Record<string, unknown> = definition.States[name];
      if (state.Type === "Task" || state.Type === "Map") order.push(name);
      name =
        state.End === true ? undefined : ((state.Type === "Choice" ? state.Default : state.Next) as string);
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
    assert.equal(map.ItemsPath, "$.order.items");
    const processor = map.ItemProcessor as { StartAt: string; States: Record<string, any> };
    const parallel = processor.States[states.parallelProcessing];
    assert.equal(processor.States[processor.StartAt].Default, "Parallel_Processing");
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
    ]) {
      const [catcher] = definition.States[name].Catch as Array<{ Next: string }>;
      const record = definition.States[catcher.Next];
      assert.equal(catcher.Next, recordFailureState(name));
      assert.equal((record.Parameters as Record<string, unknown>).failedState, name);
      assert.equal(record.Next, states.orderFailedEvent);
    }
  });

  it("announces OrderFailed with the execution, failed state and error, then fails as announced", () => {
    const event = definition.States[states.orderFailedEvent];
    assert.deepEqual(parameters(states.orderFailedEvent).RequestBody.detail, {
      "executionArn.$": "$$.Execution.Id",
      "cartId.$": "$.cartId",
      "customerId.$": "$.customerId",
      "failedState.$": "$.failedState",
      "error.$": "$.error",
      "cause.$": "$.cause",
    });
    assert.equal(event.Next, states.orderFailed);
    assert.deepEqual(definition.States[states.orderFailed], {
      Type: "Fail",
      Error: outcomeErrors.failureAnnounced,
      CausePath: "$.summary",
    });
  });

  it("fails as unannounced, with the original error in the Cause, when the OrderFailed event cannot be sent", () => {
    const [catcher] = definition.States[states.orderFailedEvent].Catch as Array<Record<string, unknown>>;
    assert.equal(catcher.Next, states.orderFailureUnannounced);
    assert.notEqual(catcher.ResultPath, "$.summary");
    assert.deepEqual(definition.States[states.orderFailureUnannounced], {
      Type: "Fail",
      Error: outcomeErrors.failureUnannounced,
      CausePath: "$.summary",
    });
  });

  it("never announces OrderFailed after a failed OrderCreated announcement: it fails as unconfirmed", () => {
    const [catcher] = definition.States[states.orderCreatedEvent].Catch as Array<{ Next: string }>;
    assert.equal(catcher.Next, states.recordOrderCreatedUnconfirmed);
    assert.equal(
      definition.States[states.recordOrderCreatedUnconfirmed].Next,
      states.orderCreatedUnconfirmed,
    );
    assert.deepEqual(definition.States[states.orderCreatedUnconfirmed], {
      Type: "Fail",
      Error: outcomeErrors.orderCreatedUnconfirmed,
      CausePath: "$.summary",
    });
  });

  it("gives every failure path an end whose error tells whether OrderFailed was announced", () => {
    const failErrors = statesOf(definition)
      .filter(({ state, depth }) => state.Type === "Fail" && depth === 0)
      .map(({ state }) => state.Error);
    assert.deepEqual(
      failErrors.sort(),
      [
        outcomeErrors.cartTooLarge,
        outcomeErrors.emptyCart,
        outcomeErrors.invalidId,
        outcomeErrors.invalidInput,
        outcomeErrors.orderCreatedUnconfirmed,
        outcomeErrors.failureAnnounced,
        outcomeErrors.failureUnannounced,
      ].sort(),
    );
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

  it("keys each POST and PATCH with the execution id and its intent, so a retry cannot create a second cart or event", () => {
    assert.deepEqual(parameters("Order.CreateOrder").Headers, {
      "Idempotency-Key.$": "States.Array(States.Format('{}/CreateOrder', $$.Execution.Id))",
    });
    assert.deepEqual(parameters("Order.UpdateOrder").Headers, {
      "Idempotency-Key.$": "States.Array(States.Format('{}/UpdateOrder', $$.Execution.Id))",
    });
    assert.deepEqual(parameters(states.orderCreatedEvent).Headers, {
      "Idempotency-Key.$": "States.Array(States.Format('{}/OrderCreated', $$.Execution.Id))",
    });
  });

  it("keys OrderFailed with the bare execution ARN, the key the safety net sends", () => {
    assert.equal(idempotencyKeys.orderFailed, "$$.Execution.Id");
    assert.deepEqual(parameters(states.orderFailedEvent).Headers, {
      "Idempotency-Key.$": "States.Array($$.Execution.Id)",
    });
  });

  it("never gives two writes the same key: the order API scopes a key to its caller, not its route", () => {
    const keys = tasks
      .filter(({ state }) => (state.Parameters as Record<string, unknown>).Method !== "GET")
      .map(({ state }) => JSON.stringify((state.Parameters as Record<string, unknown>).Headers));
    assert.equal(keys.length, 4);
    assert.equal(new Set(keys).size, keys.length, keys.join(", "));
  });

  it("names the execution that creates the cart, so the events service knows which executions have one", () => {
    assert.equal(parameters("Order.CreateOrder").RequestBody["executionArn.$"], "$$.Execution.Id");
  });

  it("sends a key with every call that is not a GET", () => {
    for (const { name, state } of tasks) {
      const { Method, Headers } = state.Parameters as Record<string, unknown>;
      assert.equal(Headers !== undefined, Method !== "GET", name);
    }
  });

  it("sends OrderCreated, naming the execution, as the last call", () => {
    const body = parameters(states.orderCreatedEvent).RequestBody;
    assert.equal(body.eventType, "OrderCreated");
    assert.equal(body.detail["executionArn.$"], "$$.Execution.Id");
    assert.equal(definition.States[states.orderCreatedEvent].End, true);
  });

  it("takes a 2xx from Order.UpdateOrder as done, its body unread, and goes on to OrderCreated", () => {
    const update = definition.States["Order.UpdateOrder"];
    assert.equal(update.ResultPath, null);
    assert.equal(update.Next, states.orderCreatedEvent);
    assert.equal(definition.States[checkResponseState("Order.UpdateOrder")], undefined);
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
    assert.equal(definition.States[states.rejectEmptyCart].Error, outcomeErrors.emptyCart);
  });

  it("refuses a cart of more than maxCartItems items before calling anything", () => {
    const choice = definition.States[states.validateOrder];
    assert.deepEqual(
      (choice.Choices as any[]).find((rule) => rule.Next === states.rejectLargeCart),
      { Variable: "$.items[100]", IsPresent: true, Next: states.rejectLargeCart },
    );
    assert.equal(definition.States[states.rejectLargeCart].Error, outcomeErrors.cartTooLarge);
    assert.match(definition.States[states.rejectLargeCart].Cause as string, /more than 100 items/);
  });

  it("refuses a customerId that would leave its path segment before calling anything", () => {
    const choice = definition.States[states.validateOrder];
    const rule = (choice.Choices as any[]).find((candidate) => candidate.Next === states.rejectInvalidId);
    assert.deepEqual(
      rule.Or.map((test: Record<string, string>) => test.StringEquals ?? test.StringMatches),
      ["", ".", "..", "*/*", "*\\\\*", "*%*"],
    );
    assert.ok(rule.Or.every((test: Record<string, string>) => test.Variable === "$.customerId"));
    assert.equal(definition.States[states.rejectInvalidId].Error, outcomeErrors.invalidId);
  });

  it("prices the cart Order.CreateOrder returned, not the raw input", () => {
    assert.equal(definition.States[states.forEachProduct].ItemsPath, "$.order.items");
    assert.deepEqual(definition.States[selectResultState("Order.CreateOrder")].Parameters, {
      "cartId.$": "$.order.body.cartId",
      "status.$": "$.order.body.status",
      "items.$": "$.order.body.items",
    });
  });

  it("checks each item's ids before they reach a URL", () => {
    const check = stateNamed(states.checkItem);
    const steering = (check.Choices as any[]).filter((rule) => rule.Next === states.rejectItemId);
    assert.deepEqual(
      steering.map((rule) => rule.Or[0].Variable),
      ["$.item.productId", "$.item.priceId"],
    );
    assert.equal(stateNamed(states.rejectItemId).Error, outcomeErrors.invalidId);
  });

  for (const task of ["Order.CreateOrder", "Tax.GetTaxes"]) {
    it(`sends a 2xx from ${task} whose body breaks the contract to OrderFailed, as a catchable error`, () => {
      const check = definition.States[checkResponseState(task)];
      assert.equal(definition.States[task].Next, checkResponseState(task));
      assert.ok((check.Choices as any[]).every((rule) => rule.Next === malformedResponseState(task)));
      const malformed = definition.States[malformedResponseState(task)];
      assert.equal((malformed.Parameters as Record<string, string>).Error, outcomeErrors.malformedResponse);
      // Where the Task's own Catch puts a caught error, so one Record state reads both.
      assert.equal(malformed.ResultPath, (definition.States[task].Catch as any[])[0].ResultPath);
      assert.equal(malformed.Next, recordFailureState(task));
    });
  }

  it("tests a field's presence before its type, so the check itself cannot raise States.Runtime", () => {
    const rules = definition.States[checkResponseState("Tax.GetTaxes")].Choices as any[];
    assert.deepEqual(rules.slice(0, 2), [
      {
        Not: { Variable: "$.totals.body.currency", IsPresent: true },
        Next: malformedResponseState("Tax.GetTaxes"),
      },
      {
        Not: { Variable: "$.totals.body.currency", IsString: true },
        Next: malformedResponseState("Tax.GetTaxes"),
      },
    ]);
  });

  it("checks every priced line's four answers before merging them", () => {
    const rules = stateNamed(states.checkLine).Choices as any[];
    const variables = new Set(rules.map((rule) => rule.Variable ?? rule.Not.Variable));
    for (const path of [
      "$[0].body.taxCode",
      "$[1].body.lineAmount",
      "$[2].body.promotionCodes",
      "$[3].body.taxRegion",
    ]) {
      assert.ok(variables.has(path), path);
    }
    for (const route of [routes.getProduct, routes.getPrices, routes.getPromotions, routes.getCustomer]) {
      const malformed = stateNamed(malformedResponseState(route.operation));
      assert.deepEqual([malformed.Type, malformed.Error], ["Fail", outcomeErrors.malformedResponse]);
      assert.ok(
        String(malformed.Cause).startsWith(`${route.operation} answered 2xx`),
        String(malformed.Cause),
      );
    }
  });

  it("times the execution out after the longest run its retry budgets allow", () => {
    assert.equal(definition.TimeoutSeconds, (4 + Math.ceil(100 / 7)) * callBudgetSeconds() + 60);
  });

  it("budgets each call for every attempt its retriers allow, each up to the Task timeout, and every pause", () => {
    // 1 + 3 + 5 attempts of 30 s; pauses 1 + 2 + 4 and 2 + 4 + 8 + 16 + 20 (capped) s.
    assert.equal(callBudgetSeconds(), 9 * 30 + 7 + 50);
  });

  it("never times an Express execution out later than its five-minute limit", () => {
    assert.equal(
      executionTimeoutSeconds({
        maxCartItems: 100,
        mapMaxConcurrency: 5,
        workflowType: "EXPRESS",
        pricingFanOut: "inline",
      }),
      300,
    );
  });

  it("has a Task for every route of the route table", () => {
    for (const route of Object.values(routes)) {
      const name = route === routes.receiveEvent ? states.orderCreatedEvent : route.operation;
      assert.equal(parameters(name).Method, route.method, name);
    }
  });
});

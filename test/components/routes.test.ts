import assert from "node:assert/strict";
import { apiGatewayTask } from "../../components/definition/apiGatewayTask";
import { AslDefinition, statesOf } from "../../components/definition/asl";
import { orderRoutes, pricingRoutes } from "../../components/resources/calledRoutes";
import { buildDefinition } from "../../components/definition/definition";
import { buildPricingDefinition } from "../../components/definition/pricingDefinition";
import { arnPath, pathParameters, Route, routes } from "../../components/routes";
import { defaults } from "../../components/config/settings";
import { pricingFanOuts } from "../../components/config/modes";

const target = { endpoint: "abc1234567.execute-api.us-east-1.amazonaws.com", stage: "dev" };
const onError = { next: "Handle", resultPath: "$.caught" };

describe("the route table", () => {
  it("holds the eight calls of the design document", () => {
    assert.deepEqual(
      Object.values(routes).map(({ operation, method, path }) => `${operation} ${method} ${path}`),
      [
        "Order.CreateOrder POST /carts",
        "ProductCatalog.GetProduct GET /products/{productId}",
        "Pricing.GetPrices GET /prices/{priceId}",
        "Promotion.GetPromotionsForCart GET /promotions/cart",
        "Customer.GetCustomer GET /customers/{customerId}",
        "Tax.GetTaxes GET /taxes",
        "Order.UpdateOrder PATCH /carts/{cartId}",
        "Event.Receive POST /events/receive",
      ],
    );
  });

  it("names a route's path parameters in order", () => {
    assert.deepEqual(pathParameters({ operation: "X", method: "GET", path: "/a/{first}/b/{second}" }), [
      "first",
      "second",
    ]);
  });

  it("writes path parameters as * in execute-api ARN paths", () => {
    assert.equal(arnPath(routes.updateOrder), "carts/*");
    assert.equal(arnPath(routes.getPromotions), "promotions/cart");
  });
});

describe("an API Gateway task", () => {
  it("refuses a POST without an idempotency key", () => {
    assert.throws(
      () => apiGatewayTask(target, { route: routes.createOrder, onError }),
      /Order.CreateOrder: a POST must carry an idempotency key/,
    );
  });

  it("refuses a PATCH without an idempotency key", () => {
    assert.throws(
      () => apiGatewayTask(target, { route: routes.updateOrder, pathValues: { cartId: "$.c" }, onError }),
      /Order.UpdateOrder: a PATCH must carry an idempotency key/,
    );
  });

  it("keeps only the answer's body, with a path every 2xx result has", () => {
    const task = apiGatewayTask(target, { route: routes.getTaxes, onError });
    assert.deepEqual(task.ResultSelector, { "body.$": "$.ResponseBody" });
  });

  it("refuses a path parameter without a value", () => {
    assert.throws(
      () => apiGatewayTask(target, { route: routes.getProduct, onError }),
      /ProductCatalog.GetProduct: path parameter "productId" of \/products\/\{productId\} has no value/,
    );
  });

  it("ends the workflow when it has no next state", () => {
    const task = apiGatewayTask(target, { route: routes.getTaxes, onError });
    assert.equal(task.End, true);
    assert.equal(task.Next, undefined);
  });
});

describe("the routes each state machine calls", () => {
  const target = { endpoint: "MyApiId.execute-api.us-east-1.amazonaws.com", stage: "dev" };
  const pricingStateMachineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:orders-dev_pricing-1";
  const shape = { mapMaxConcurrency: defaults.mapMaxConcurrency, maxCartItems: defaults.maxCartItems };

  /** `METHOD path` of every API Gateway Task of a definition, at any depth, each once, sorted. */
  function calledBy(definition: AslDefinition): string[] {
    const calls = statesOf(definition)
      .map(({ state }) => state)
      .filter((state) => state.Type === "Task" && state.Resource === "arn:aws:states:::apigateway:invoke")
      .map((state) => {
        const parameters = state.Parameters as Record<string, string>;
        // `States.Format('products/{}', $.item.productId)` is the route's `products/*`.
        const format = /^States\.Format\('([^']*)'/.exec(parameters["Path.$"] ?? "");
        const path = format ? format[1].replaceAll("{}", "*") : parameters.Path;
        return `${parameters.Method} ${path}`;
      });
    return [...new Set(calls)].sort();
  }
  const declared = (called: readonly Route[]) =>
    [...new Set(called.map((route) => `${route.method} ${arnPath(route)}`))].sort();

  for (const pricingFanOut of pricingFanOuts) {
    it(`are, for the order's state machine (pricingFanOut ${pricingFanOut}), exactly those its definition calls`, () => {
      const definition = buildDefinition({
        ...target,
        ...shape,
        workflowType: "STANDARD",
        pricingFanOut,
        pricingStateMachineArn,
      });
      assert.deepEqual(declared(orderRoutes(pricingFanOut)), calledBy(definition));
    });
  }

  it("are, for the Express pricing child, exactly those its definition calls", () => {
    assert.deepEqual(declared(pricingRoutes()), calledBy(buildPricingDefinition({ ...target, ...shape })));
  });

  it("split the eight routes between the order and the child, every GET to the child", () => {
    const order = orderRoutes("express");
    const child = pricingRoutes();
    assert.deepEqual(
      order.filter((route) => child.includes(route)),
      [],
    );
    assert.equal(new Set([...order, ...child]).size, Object.keys(routes).length);
    assert.ok(child.every((route) => route.method === "GET"));
    assert.ok(order.every((route) => route.method !== "GET"));
  });
});

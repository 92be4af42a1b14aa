import assert from "node:assert/strict";
import { apiGatewayTask } from "../../components/apiGatewayTask";
import { arnPath, pathParameters, routes } from "../../components/routes";

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

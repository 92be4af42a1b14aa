import assert from "node:assert/strict";
import { routes } from "../../components/routes";
import { bodyLimitBytes, OrderApi, startOrderApi } from "../../local/api/server";

const executionArn = "arn:aws:states:us-east-1:000000000000:execution:orders:run-1";
const cart = {
  executionArn,
  customerId: "cust-1001",
  currency: "EUR",
  items: [{ productId: "prod-beans", priceId: "price-beans-eur", quantity: 3 }],
};

describe("the local order API", () => {
  let api: OrderApi;
  beforeEach(async () => (api = await startOrderApi({ stage: "dev" })));
  afterEach(() => api.close());

  const call = async (method: string, path: string, body?: unknown, key?: string) => {
    const response = await fetch(`${api.origin}${path}`, {
      method,
      headers: {
        "Content-Type": "application/json",
        ...(key === undefined ? {} : { "Idempotency-Key": key }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // Typed loosely: each test reads the fields its route answers with.
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };

  it("answers a repeated POST /carts with the first response and keeps one cart", async () => {
    const first = await call("POST", "/dev/carts", cart, "key-1");
    const again = await call("POST", "/dev/carts", cart, "key-1");
    assert.equal(first.status, 201);
    assert.deepEqual(again, first);
    assert.equal(api.carts.length, 1);
  });

  it("creates a new cart for a new Idempotency-Key", async () => {
    await call("POST", "/dev/carts", cart, "key-1");
    const second = await call("POST", "/dev/carts", cart, "key-2");
    assert.equal(second.body.cartId, "cart-0002");
  });

  it("refuses an Idempotency-Key reused for another request with a 409", async () => {
    await call("POST", "/dev/carts", cart, "key-1");
    const other = await call("POST", "/dev/carts", { ...cart, currency: "USD" }, "key-1");
    assert.equal(other.status, 409);
    assert.equal(api.carts.length, 1);
  });

  it("answers a repeated POST /events/receive with the first event id and records one event", async () => {
    await call("POST", "/dev/carts", cart, `${executionArn}/CreateOrder`);
    const event = {
      eventType: "OrderFailed",
      detail: { executionArn, cartId: null, customerId: "c", failedState: "s", error: "e", cause: "x" },
    };
    const first = await call("POST", "/dev/events/receive", event, executionArn);
    const again = await call("POST", "/dev/events/receive", event, executionArn);
    assert.deepEqual([first.status, again.body], [202, { eventId: "evt-0001" }]);
    assert.equal(api.events.length, 1);
  });

  it("scopes an Idempotency-Key to the caller, not the route: a cart's key is refused for an event", async () => {
    await call("POST", "/dev/carts", cart, executionArn);
    const event = {
      eventType: "OrderFailed",
      detail: { executionArn, cartId: null, customerId: "c", failedState: "s", error: "e", cause: "x" },
    };
    const refused = await call("POST", "/dev/events/receive", event, executionArn);
    assert.equal(refused.status, 409);
    assert.equal(api.events.length, 0);
  });

  const pricedUpdate = {
    status: "PRICED",
    currency: "EUR",
    subtotalAmount: 897,
    discountAmount: 0,
    taxAmount: 63,
    totalAmount: 960,
    lines: [
      {
        productId: "prod-beans",
        productName: "Coffee beans",
        taxCode: "FOOD",
        quantity: 3,
        currency: "EUR",
        unitAmount: 299,
        lineAmount: 897,
        promotionCodes: [],
        discountAmount: 0,
        taxRegion: "DE",
        taxLine: "FOOD:897:0",
      },
    ],
  };

  it("answers a repeated PATCH /carts/{cartId} under its key with the first response", async () => {
    await call("POST", "/dev/carts", cart, `${executionArn}/CreateOrder`);
    const first = await call("PATCH", "/dev/carts/cart-0001", pricedUpdate, `${executionArn}/UpdateOrder`);
    const again = await call("PATCH", "/dev/carts/cart-0001", pricedUpdate, `${executionArn}/UpdateOrder`);
    assert.equal(first.status, 200);
    assert.deepEqual(again, first);
    assert.equal(api.requests.at(-1)?.replayed, true);
  });

  it("refuses a PATCH under the key of another write with a 409 and leaves the cart as it was", async () => {
    await call("POST", "/dev/carts", cart, executionArn);
    const refused = await call("PATCH", "/dev/carts/cart-0001", pricedUpdate, executionArn);
    assert.equal(refused.status, 409);
    assert.equal(api.carts[0].status, "CREATED");
  });

  it("answers a request that breaks the contract with a 400 saying why, and does nothing", async () => {
    const missingKey = await call("POST", "/dev/carts", cart);
    const badItem = await call(
      "POST",
      "/dev/carts",
      { ...cart, items: [{ productId: "p", quantity: 0 }] },
      "k",
    );
    assert.equal(missingKey.status, 400);
    assert.match(missingKey.body.message, /header\.Idempotency-Key: is required/);
    assert.match(badItem.body.message, /body\.items\[0\]\.priceId: is required/);
    assert.match(badItem.body.message, /body\.items\[0\]\.quantity: must be at least 1/);
    assert.equal(api.carts.length, 0);
  });

  it("answers a path outside the stage or the route table with a 404 naming the request", async () => {
    const outside = await call("GET", "/prod/products/prod-beans");
    assert.equal(outside.status, 404);
    assert.equal(
      outside.body.message,
      "No route serves GET /prod/products/prod-beans; routes are under /dev",
    );
    assert.equal((await call("GET", "/dev/nowhere")).status, 404);
  });

  it("answers a method the path does not take with a 405 and the methods it does", async () => {
    const response = await fetch(`${api.origin}/dev/carts/cart-0001`, { method: "DELETE" });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get("allow"), "PATCH");
    assert.deepEqual(await response.json(), {
      message: "DELETE is not allowed on /dev/carts/cart-0001; allowed: PATCH",
    });
  });

  it("answers a body past 256 KiB with a 413 and a JSON message, and creates nothing", async () => {
    const response = await fetch(`${api.origin}/dev/carts`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": "k" },
      body: JSON.stringify({ ...cart, padding: "x".repeat(bodyLimitBytes) }),
    });
    assert.equal(response.status, 413);
    assert.equal(typeof ((await response.json()) as { message: unknown }).message, "string");
    assert.equal(api.carts.length, 0);
  });

  it("answers a body that is not JSON, or that names __proto__, with a 400", async () => {
    for (const body of ["{", '{"__proto__":{"x":1},"customerId":"c","currency":"EUR","items":[]}']) {
      const response = await fetch(`${api.origin}/dev/carts`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": "k" },
        body,
      });
      assert.equal(response.status, 400, body);
    }
    assert.equal(api.carts.length, 0);
    assert.deepEqual(
      api.requests.map((recorded) => [recorded.operation, recorded.status]),
      [
        [routes.createOrder.operation, 400],
        [routes.createOrder.operation, 400],
      ],
    );
  });

  it("reads constructor, __proto__ and toString as query names like any other", async () => {
    const { status, body } = await call(
      "GET",
      "/dev/prices/price-beans-eur?quantity=1&currency=EUR&constructor=1&__proto__=2&toString=3",
    );
    assert.equal(status, 200);
    assert.equal(body.priceId, "price-beans-eur");
    assert.deepEqual(api.requests[0].query.constructor, ["1"]);
  });

  it("answers a path with malformed percent-encoding with a 400", async () => {
    for (const path of ["/dev/products/%ZZ", "/dev/products/%E0%A4%A"]) {
      const { status, body } = await call("GET", path);
      assert.equal(status, 400, path);
      assert.match(body.message, /not a valid url component/);
    }
  });

  it("prices a line as unit amount × quantity, in minor units", async () => {
    const { body } = await call("GET", "/dev/prices/price-beans-eur?quantity=3&currency=EUR");
    assert.deepEqual(body, {
      priceId: "price-beans-eur",
      currency: "EUR",
      unitAmount: 2400,
      quantity: 3,
      lineAmount: 7200,
    });
  });

  it("totals taxes line by line, each rounded half up, after discounts", async () => {
    const { body: created } = await call("POST", "/dev/carts", cart, "k");
    const lines = ["standard:1000:0", "food:7200:720", "books:50:0"].map((line) => `line=${line}`).join("&");
    const { body } = await call("GET", `/dev/taxes?cartId=${created.cartId}&currency=EUR&region=DE&${lines}`);
    // 19 % of 1000 = 190; 7 % of 6480 = 453.6 → 454; 7 % of 50 = 3.5 → 4
    assert.deepEqual(body, {
      currency: "EUR",
      subtotalAmount: 8250,
      discountAmount: 720,
      taxAmount: 648,
      totalAmount: 8178,
    });
  });

  it("fails the next N calls of a route with the injected status, then recovers", async () => {
    api.faults.fail(routes.getProduct.operation, { status: 503, count: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call("GET", "/dev/products/prod-beans")).status);
    assert.deepEqual(statuses, [503, 503, 200]);
  });

  it("leaves the other routes alone when one has a fault", async () => {
    api.faults.fail(routes.getProduct.operation, { status: 500, count: Infinity });
    assert.equal((await call("GET", "/dev/customers/cust-1001")).status, 200);
  });

  it("with a lost response, creates the cart yet answers the injected status", async () => {
    api.faults.fail(routes.createOrder.operation, { status: 504, count: 1, responseLost: true });
    const lost = await call("POST", "/dev/carts", cart, "k");
    assert.equal(lost.status, 504);
    assert.equal(api.carts.length, 1);
  });

  it("delays answers by the injected latency", async () => {
    api.faults.delay(60, routes.getCustomer.operation);
    const started = performance.now();
    await call("GET", "/dev/customers/cust-1001");
    // A timer may fire up to a millisecond early by this clock's reckoning; a busy machine only adds.
    assert.ok(performance.now() - started >= 59);
  });

  it("closes at once while a call is held by a long latency", async () => {
    const held = await startOrderApi({ stage: "dev" });
    held.faults.delay(60_000);
    const pending = fetch(`${held.origin}/dev/customers/cust-1001`).catch(() => "hung up");
    while (held.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const started = Date.now();
    await held.close();
    assert.equal(await pending, "hung up");
    // Well short of the 60 s the latency holds the call, however busy the machine.
    assert.ok(Date.now() - started < 30_000, `closed in ${Date.now() - started} ms`);
  });

  it("records each request with its method, path, query, headers, body and answer", async () => {
    await call("GET", "/dev/prices/price-mug-eur?quantity=2&currency=EUR");
    const [recorded] = api.requests;
    assert.deepEqual(
      [recorded.operation, recorded.method, recorded.path, { ...recorded.query }, recorded.status],
      [
        routes.getPrices.operation,
        "GET",
        "/dev/prices/price-mug-eur",
        { quantity: ["2"], currency: ["EUR"] },
        200,
      ],
    );
    assert.equal(recorded.headers["content-type"], "application/json");
  });
});

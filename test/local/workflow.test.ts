import assert from "node:assert/strict";
import { routes } from "../../components/routes";
import { buildDefinition, states } from "../../components/definition/definition";
import { outcomeErrors } from "../../components/definition/outcomes";
import { runLocally } from "../../local/localRun";
import { orderOfSize } from "../../local/api/seed";
import { dev, eventsOfType, run, Run, sampleOrder, testRetryScale } from "./harness";
import { TestClock } from "./testClock";

/** The sample order priced by hand from local/api/seed.ts (customer in DE: standard 19 %, food 7 %). */
const expectedTotals = {
  currency: "EUR",
  // 1 × 34900 + 3 × 2400 + 2 × 1299
  subtotalAmount: 44698,
  // beans 10 % of 7200 = 720; mugs 25 % of 2598 = 649.5, rounded down
  discountAmount: 1369,
  // 19 % of 34900 = 6631; 7 % of 6480 = 453.6 → 454; 19 % of 1949 = 370.31 → 370
  taxAmount: 7455,
  totalAmount: 50784,
};

describe("the workflow, run locally", () => {
  describe("with the sample order", () => {
    it("succeeds", async () => {
      const { result } = await run(sampleOrder);
      assert.equal(result.status, "SUCCEEDED");
    });

    it("sends the tax service one taxCode:lineAmount:discountAmount per line and the customer's region", async () => {
      const { api } = await run(sampleOrder);
      const [taxes] = api.calls(routes.getTaxes.operation);
      assert.deepEqual(taxes.query.line, ["standard:34900:0", "food:7200:720", "standard:2598:649"]);
      assert.deepEqual([taxes.query.region, taxes.query.currency], [["DE"], ["EUR"]]);
    });

    it("updates the cart with the amounts the services computed", async () => {
      const { api } = await run(sampleOrder);
      const [update] = api.calls(routes.updateOrder.operation);
      const [taxes] = api.calls(routes.getTaxes.operation);
      const { lines, ...body } = update.body as Record<string, unknown>;
      assert.deepEqual(body, { status: "PRICED", ...expectedTotals });
      assert.deepEqual(body, { status: "PRICED", ...(taxes.response as object) });
      assert.equal((lines as unknown[]).length, sampleOrder.items.length);
      assert.equal(update.path, "/dev/carts/cart-0001");
    });

    it("announces exactly one OrderCreated event, with the order's totals", async () => {
      const { result, api } = await run(sampleOrder);
      const executionArn = result.executionArn;
      assert.deepEqual(
        api.events.map((event) => [event.eventType, event.detail]),
        [["OrderCreated", { executionArn, cartId: "cart-0001", customerId: "cust-1001", ...expectedTotals }]],
      );
    });

    it("ends with the input's customer and currency, the order, its lines, its totals and the event id, as docs/local-run.md says", async () => {
      const { result } = await run(sampleOrder);
      assert.equal(result.status, "SUCCEEDED");
      const output = result.output as Record<string, unknown>;
      assert.deepEqual(Object.keys(output), [
        "customerId",
        "currency",
        "order",
        "lines",
        "totals",
        "orderCreatedEvent",
      ]);
      // The cart as Order.CreateOrder answered it: Order.UpdateOrder's answer is not read.
      assert.deepEqual(output.order, { cartId: "cart-0001", status: "CREATED", items: sampleOrder.items });
      assert.deepEqual(output.totals, expectedTotals);
      // The events service's answer, unread: a 2xx is all the workflow needs of it.
      assert.deepEqual(output.orderCreatedEvent, { body: { eventId: "evt-0001" } });
      assert.deepEqual((output.lines as unknown[])[1], {
        productId: "prod-beans",
        productName: "Coffee beans 1 kg",
        taxCode: "food",
        quantity: 3,
        currency: "EUR",
        unitAmount: 2400,
        lineAmount: 7200,
        promotionCodes: ["BEANS-3-FOR-10"],
        discountAmount: 720,
        taxRegion: "DE",
        taxLine: "food:7200:720",
      });
    });

    it("keys each POST with the execution and its intent, so every retry of it carries the same key", async () => {
      const { result, api } = await run(sampleOrder);
      const key = (operation: string) => api.calls(operation).map((call) => call.headers["idempotency-key"]);
      assert.deepEqual(key(routes.createOrder.operation), [`${result.executionArn}/CreateOrder`]);
      assert.deepEqual(key(routes.receiveEvent.operation), [`${result.executionArn}/OrderCreated`]);
    });

    it("calls every route under the stack's stage", async () => {
      const { api } = await run(sampleOrder);
      assert.ok(api.requests.length > 0);
      for (const request of api.requests) assert.match(request.path, /^\/dev\//);
    });
  });

  /** Four calls per product plus four for the order, lines summed into the subtotal, one OrderCreated. */
  const assertPriced = ({ result, api }: Run, size: number) => {
    assert.equal(result.status, "SUCCEEDED");
    assert.equal(api.requests.length, 4 * size + 4);
    const [update] = api.calls(routes.updateOrder.operation);
    const body = update.body as { subtotalAmount: number; lines: { lineAmount: number }[] };
    assert.equal(body.lines.length, size);
    assert.equal(
      body.subtotalAmount,
      body.lines.reduce((sum, line) => sum + line.lineAmount, 0),
    );
    assert.equal(eventsOfType(api, "OrderCreated").length, 1);
  };

  it("prices a cart of 1 product: four calls for it plus four for the order", async () => {
    assertPriced(await run(orderOfSize(1)), 1);
  });

  describe(`with the largest cart the dev stack takes (maxCartItems ${dev.settings.maxCartItems})`, () => {
    const largest = dev.settings.maxCartItems;
    let priced: Run;
    before(async () => {
      priced = await run(orderOfSize(largest));
    });

    it(`prices all ${largest} products: four calls per product plus four for the order`, () => {
      assertPriced(priced, largest);
    });

    it("prices at most mapMaxConcurrency products at once", () => {
      let running = 0;
      let most = 0;
      for (const event of priced.result.events) {
        if (!("state" in event) || event.state.name !== states.parallelProcessing) continue;
        if (event.type === "StateEntered") most = Math.max(most, ++running);
        if (event.type === "StateExited") running -= 1;
      }
      assert.equal(most, dev.definitionSettings.mapMaxConcurrency);
    });

    it("refuses one product more before any call, with Order.CartTooLarge", async () => {
      const { result, api } = await run(orderOfSize(largest + 1));
      assert.deepEqual(api.requests, []);
      assert.equal(result.status === "FAILED" && result.error, outcomeErrors.cartTooLarge);
    });
  });

  describe("with a stack whose maxCartItems is 3", () => {
    const definitionSettings = { ...dev.definitionSettings, maxCartItems: 3 };
    const definition = buildDefinition(definitionSettings);
    const runSmall = (size: number) =>
      runLocally({
        definition,
        definitionSettings,
        input: orderOfSize(size),
        retryScale: testRetryScale,
        clock: new TestClock(),
      });

    it("prices a cart of exactly 3 products", async () => {
      const { result } = await runSmall(3);
      assert.equal(result.status, "SUCCEEDED");
      assert.equal(result.calls[routes.getPrices.operation], 3);
    });

    it("refuses 4 before any call, with Order.CartTooLarge, and nothing is announced", async () => {
      const { result } = await runSmall(4);
      assert.deepEqual(
        [result.status, result.error, result.calls[routes.createOrder.operation], result.events],
        ["FAILED", outcomeErrors.cartTooLarge, 0, []],
      );
    });
  });

  it("rejects an empty cart before any call, with Order.EmptyCart", async () => {
    const { result, api } = await run({ customerId: "cust-1001", currency: "EUR", items: [] });
    assert.deepEqual(api.requests, []);
    assert.equal(result.status, "FAILED");
    assert.equal(result.status === "FAILED" && result.error, outcomeErrors.emptyCart);
  });

  it("rejects an order without a customer before any call, with Order.InvalidInput", async () => {
    const { result, api } = await run({ currency: "EUR", items: sampleOrder.items });
    assert.deepEqual(api.requests, []);
    assert.equal(result.status === "FAILED" && result.error, outcomeErrors.invalidInput);
  });
});

describe("the local pricing service", () => {
  it("refuses a price in another currency than the order's, which fails the order with the 422", async () => {
    const order = {
      ...sampleOrder,
      items: [{ productId: "prod-mug", priceId: "price-mug-usd", quantity: 1 }],
    };
    const { result, api } = await run(order);
    const [price] = api.calls(routes.getPrices.operation);
    assert.deepEqual([price.query.currency, price.status], [["EUR"], 422]);
    assert.deepEqual(price.response, { message: "Price price-mug-usd is in USD, the order in EUR" });
    assert.equal(result.status, "FAILED");
    assert.deepEqual(
      api.events.map((event) => [event.eventType, (event.detail as { error?: string }).error]),
      [["OrderFailed", "ApiGateway.422"]],
    );
  });
});

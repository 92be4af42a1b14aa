import assert from "node:assert/strict";
import { OrderApi, startOrderApi } from "../../local/api/server";

const executionArn = "arn:aws:states:us-east-1:000000000000:execution:orders:run-1";
const created = {
  eventType: "OrderCreated",
  detail: {
    executionArn,
    cartId: "cart-0001",
    customerId: "cust-1001",
    currency: "EUR",
    subtotalAmount: 100,
    discountAmount: 0,
    taxAmount: 19,
    totalAmount: 119,
  },
};
const failedBySafetyNet = {
  eventType: "OrderFailed",
  detail: { executionArn, executionStatus: "ABORTED", announcedBy: "safety-net" },
};
const failedByWorkflow = {
  eventType: "OrderFailed",
  detail: {
    executionArn,
    cartId: "cart-0001",
    customerId: "cust-1001",
    failedState: "Tax.GetTaxes",
    error: "ApiGateway.400",
    cause: "Bad request",
  },
};
const cartOf = (execution: string) => ({
  executionArn: execution,
  customerId: "cust-1001",
  currency: "EUR",
  items: [{ productId: "prod-beans", priceId: "price-beans-eur", quantity: 1 }],
});

describe("the local events service", () => {
  let api: OrderApi;
  beforeEach(async () => {
    api = await startOrderApi({ stage: "dev" });
  });
  afterEach(() => api.close());

  const createCart = async (execution = executionArn) => {
    const response = await fetch(`${api.origin}/dev/carts`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": `${execution}/CreateOrder` },
      body: JSON.stringify(cartOf(execution)),
    });
    assert.equal(response.status, 201);
  };

  const post = async (key: string, body: unknown) => {
    const response = await fetch(`${api.origin}/dev/events/receive`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": key },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as { message?: string; eventId?: string | null },
    };
  };

  it("refuses an OrderFailed after OrderCreated was accepted: an order tells one story", async () => {
    await createCart();
    assert.equal((await post(`${executionArn}/OrderCreated`, created)).status, 202);
    const second = await post(executionArn, failedBySafetyNet);
    assert.equal(second.status, 409);
    assert.equal(
      second.body.message,
      `Execution ${executionArn} already has its outcome: OrderCreated evt-0001`,
    );
    assert.deepEqual(
      api.events.map((event) => event.eventType),
      ["OrderCreated"],
    );
  });

  it("refuses an OrderCreated after OrderFailed was accepted", async () => {
    await createCart();
    assert.equal((await post(executionArn, failedByWorkflow)).status, 202);
    assert.equal((await post(`${executionArn}/OrderCreated`, created)).status, 409);
    assert.deepEqual(
      api.events.map((event) => event.eventType),
      ["OrderFailed"],
    );
  });

  it("acknowledges with 200, changing nothing, an OrderFailed for an execution that created no cart", async () => {
    const answer = await post(executionArn, failedBySafetyNet);
    assert.deepEqual([answer.status, answer.body.eventId], [200, null]);
    assert.deepEqual([api.events.length, api.carts.length], [0, 0]);
  });

  it("acknowledges with 200, changing nothing, an OrderFailed for an execution that already failed", async () => {
    await createCart();
    const first = await post(executionArn, failedByWorkflow);
    const again = await post("replayed-by-on-call", failedBySafetyNet);
    assert.deepEqual([first.status, again.status, again.body.eventId], [202, 200, first.body.eventId]);
    assert.equal(api.events.length, 1);
  });

  it("answers the safety net's OrderFailed, sent under the workflow's key, as it answered the workflow's", async () => {
    await createCart();
    const first = await post(executionArn, failedByWorkflow);
    const second = await post(executionArn, failedBySafetyNet);
    assert.deepEqual([second.status, second.body], [first.status, first.body]);
    assert.deepEqual(
      api.events.map((event) => event.detail.failedState),
      ["Tax.GetTaxes"],
    );
  });

  it("records the OrderFailed of an execution whose cart exists, though the workflow could not confirm it", async () => {
    await createCart();
    const answer = await post(executionArn, {
      ...failedByWorkflow,
      detail: { ...failedByWorkflow.detail, cartId: null },
    });
    assert.equal(answer.status, 202);
    assert.equal(api.events.length, 1);
  });

  it("refuses a safety-net OrderFailed whose key another execution already used (a header not read from the event)", async () => {
    await createCart();
    await createCart(`${executionArn}-2`);
    const literalKey = "$.detail.executionArn";
    const other = {
      ...failedBySafetyNet,
      detail: { ...failedBySafetyNet.detail, executionArn: `${executionArn}-2` },
    };
    assert.equal((await post(literalKey, failedBySafetyNet)).status, 202);
    assert.equal((await post(literalKey, other)).status, 409);
    assert.equal(api.events.length, 1);
  });

  it("answers a replayed outcome with its first answer, not a refusal", async () => {
    await createCart();
    const first = await post(executionArn, failedBySafetyNet);
    const replay = await post(executionArn, failedBySafetyNet);
    assert.deepEqual([first.status, replay.status, replay.body], [202, 202, first.body]);
    assert.equal(api.events.length, 1);
  });
});

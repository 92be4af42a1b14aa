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

describe("the local events service", () => {
  let api: OrderApi;
  beforeEach(async () => {
    api = await startOrderApi({ stage: "dev" });
  });
  afterEach(() => api.close());

  const post = async (key: string, body: unknown) => {
    const response = await fetch(`${api.origin}/dev/events/receive`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": key },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { message?: string } };
  };

  it("refuses a second outcome for one execution, whichever comes first: an order tells one story", async () => {
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

  it("refuses a safety-net OrderFailed whose key another execution already used (a header not read from the event)", async () => {
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
    const first = await post(executionArn, failedBySafetyNet);
    const replay = await post(executionArn, failedBySafetyNet);
    assert.deepEqual([first.status, replay.status, replay.body], [202, 202, first.body]);
    assert.equal(api.events.length, 1);
  });
});

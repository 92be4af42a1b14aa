import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import {
  apiGatewayMaxUrlLength,
  defaultMaxCartItems,
  maxCartItemsLimit,
  taxesUrlFixedLength,
  taxLineMaxLength,
} from "../../components/config/limits";

const schemas = parse(readFileSync("api/order-api.openapi.yaml", "utf8")).components.schemas;
const maxLength = (pattern: string) => Number(/\{1,(\d+)\}/.exec(pattern)![1]);

/** The longest `GET /taxes` URL for `lines` lines, every value at the contract's maximum, encoded as a client does. */
function longestTaxesUrl(lines: number): string {
  const id = "a".repeat(maxLength(schemas.Id.pattern));
  const taxCode = "t".repeat(maxLength(schemas.TaxCode.pattern));
  const amount = String(schemas.Amount.maximum);
  const query = new URLSearchParams({
    cartId: id,
    currency: "EUR",
    region: "r".repeat(maxLength(schemas.TaxRegion.pattern)),
  });
  for (let i = 0; i < lines; i++) query.append("line", `${taxCode}:${amount}:${amount}`);
  // The longest region name and the longest stage API Gateway allows.
  return `https://abcdefghij.execute-api.ap-southeast-4.amazonaws.com/${"s".repeat(128)}/taxes?${query}`;
}

describe("the limits that bound a cart", () => {
  it("rest on the contract's maxima: 64-character ids, 32-character tax codes, 16-character regions, 12-digit amounts", () => {
    assert.deepEqual(
      [
        schemas.Id.pattern,
        schemas.TaxCode.pattern,
        schemas.TaxRegion.pattern,
        String(schemas.Amount.maximum).length,
      ],
      ["^[A-Za-z0-9_-]{1,64}$", "^[A-Za-z0-9_-]{1,32}$", "^[A-Za-z0-9_-]{1,16}$", 12],
    );
  });

  it("count the GET /taxes URL as a client sends it", () => {
    assert.equal(longestTaxesUrl(0).length, taxesUrlFixedLength);
    assert.equal(longestTaxesUrl(1).length - longestTaxesUrl(0).length, taxLineMaxLength);
  });

  it("meet a Regional API's URL limit, the only kind Step Functions' API Gateway integration calls", () => {
    assert.equal(apiGatewayMaxUrlLength, 10_240);
  });

  it("allow the largest cart whose GET /taxes fits API Gateway's URL limit, and no larger", () => {
    assert.equal(maxCartItemsLimit, 146);
    assert.ok(longestTaxesUrl(maxCartItemsLimit).length <= apiGatewayMaxUrlLength);
    assert.ok(longestTaxesUrl(maxCartItemsLimit + 1).length > apiGatewayMaxUrlLength);
  });

  describe("keep the largest state of the largest cart under Step Functions' 256 KiB", () => {
    const id = "a".repeat(64);
    const amount = Number(schemas.Amount.maximum);
    const item = { productId: id, priceId: id, quantity: schemas.Quantity.maximum };
    const line = {
      productId: id,
      productName: "n".repeat(schemas.Product.properties.name.maxLength),
      taxCode: "t".repeat(32),
      quantity: schemas.Quantity.maximum,
      currency: "EUR",
      unitAmount: amount,
      lineAmount: amount,
      promotionCodes: Array.from({ length: 5 }, () => "p".repeat(32)),
      discountAmount: amount,
      taxRegion: "r".repeat(16),
      taxLine: `${"t".repeat(32)}:${amount}:${amount}`,
    };
    const items = Array.from({ length: maxCartItemsLimit }, () => item);
    const lines = items.map(() => line);
    const totals = {
      currency: "EUR",
      subtotalAmount: amount,
      discountAmount: amount,
      taxAmount: amount,
      totalAmount: amount,
    };
    const bytes = (state: unknown) => Buffer.byteLength(JSON.stringify(state));
    const limit = 256 * 1024;

    it("inline: after Tax.GetTaxes, with the cart's items and the priced lines (144,027 bytes)", () => {
      const state = {
        customerId: id,
        currency: "EUR",
        order: { cartId: id, status: "CREATED", items },
        lines,
        totals,
      };
      assert.equal(bytes(state), 144_027);
      assert.ok(bytes(state) < limit);
    });

    it("express: after Price Cart, whose answer repeats the child's input (the cart) and the priced cart as strings (178,490 bytes)", () => {
      // Order.CreateOrder's answer replaced the state: the child's input is exactly this.
      const before = {
        customerId: id,
        currency: "EUR",
        order: { body: { cartId: id, status: "CREATED", items } },
      };
      const name = "e".repeat(80);
      const state = {
        ...before,
        pricing: {
          ExecutionArn: `arn:aws:states:ap-southeast-4:123456789012:express:${"m".repeat(80)}:${name}:${id}`,
          StateMachineArn: `arn:aws:states:ap-southeast-4:123456789012:stateMachine:${"m".repeat(80)}`,
          Name: name,
          StartDate: "2026-11-25T00:00:00.000Z",
          StopDate: "2026-11-25T00:00:01.000Z",
          Status: "SUCCEEDED",
          Input: JSON.stringify(before),
          InputDetails: { Included: true },
          Output: JSON.stringify({ cartId: id, lines, totals }),
          OutputDetails: { Included: true },
          BillingDetails: { BilledDurationInMilliseconds: 300000, BilledMemoryUsedInMB: 64 },
        },
      };
      assert.equal(bytes(state), 178_490);
      assert.ok(bytes(state) < limit);
    });
  });

  it("default to a round number under the bound", () => {
    assert.ok(defaultMaxCartItems <= maxCartItemsLimit);
  });
});

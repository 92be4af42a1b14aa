/**
 * Orders whose input is as large as StartExecution takes (256 KiB), mostly fields the workflow
 * never reads, on the largest cart any stack may accept, in both pricing modes: no state of the
 * order or of its pricing child may pass Step Functions' 256 KiB, which ends an execution in
 * States.DataLimitExceeded that no Catch sees (issue 16).
 */
import assert from "node:assert/strict";
import { maxCartItemsLimit } from "../../components/config/limits";
import { outcomeErrors } from "../../components/definition/outcomes";
import { routes } from "../../components/routes";
import { ExecutionResult } from "../../local/aws/execution";
import { orderOfSize } from "../../local/api/seed";
import { loadStackDefinition } from "../../local/stackDefinition";
import { jsonBytes, peakStateBytes, stateSizeLimitBytes } from "../../local/aws/stateSize";
import { eventsOfType, modeNames, Run, runOn } from "./harness";

/** Every execution of a run: the order's and its pricing children's. */
const executions = (result: ExecutionResult): ExecutionResult[] => [
  result,
  ...result.children.flatMap(executions),
];

/** `order` with one string field more at `where`, sized so that the whole input is `bytes` of JSON. */
function padded(order: ReturnType<typeof orderOfSize>, where: "top level" | "items", bytes: number) {
  const fill = (length: number) =>
    where === "top level"
      ? { ...order, notes: "x".repeat(length) }
      : { ...order, items: order.items.map((item) => ({ ...item, notes: "x".repeat(length) })) };
  const perByte = where === "top level" ? 1 : order.items.length;
  const base = jsonBytes(fill(0));
  const padding = Math.floor((bytes - base) / perByte);
  const input = fill(padding);
  // The items' share is padded evenly: the rest, under one byte per item, is left at the top level.
  const rest = bytes - jsonBytes(input) - `,"rest":""`.length;
  return rest >= 0 && where === "items" ? { ...input, rest: "x".repeat(rest) } : input;
}

describe("an order input as large as StartExecution takes, on the largest cart", () => {
  for (const mode of modeNames) {
    describe(`pricingFanOut ${mode}`, () => {
      // The most items any stack may accept, priced 40 at once so the run stays short.
      const stack = loadStackDefinition("dev", process.cwd(), {
        pricingFanOut: mode,
        maxCartItems: maxCartItemsLimit,
        mapMaxConcurrency: 40,
      });
      const largest = orderOfSize(maxCartItemsLimit);
      const inputs = {
        topLevel: padded(largest, "top level", stateSizeLimitBytes),
        inItems: padded(largest, "items", stateSizeLimitBytes - 1024),
        itemsAtTheLimit: padded(largest, "items", stateSizeLimitBytes),
      };
      let topLevel: Run;
      let inItems: Run;
      let itemsAtTheLimit: Run;
      before(async () => {
        [topLevel, inItems, itemsAtTheLimit] = await Promise.all(
          [inputs.topLevel, inputs.inItems, inputs.itemsAtTheLimit].map((input) => runOn(stack, input)),
        );
      });

      it("runs inputs of exactly 256 KiB, and 1 KiB less, of which the cart is a tenth", () => {
        assert.deepEqual(Object.values(inputs).map(jsonBytes), [
          stateSizeLimitBytes,
          stateSizeLimitBytes - 1024,
          stateSizeLimitBytes,
        ]);
        assert.ok(jsonBytes(largest) < stateSizeLimitBytes / 10);
      });

      it("prices and announces the order when the 256 KiB are fields at the top level: no state passes the limit", () => {
        assert.equal(topLevel.result.status, "SUCCEEDED");
        assert.equal(eventsOfType(topLevel.api, "OrderCreated").length, 1);
        assert.ok(
          executions(topLevel.result).every(
            (execution) => peakStateBytes(execution.events) <= stateSizeLimitBytes,
          ),
        );
      });

      it("carries none of those fields past Order.CreateOrder, nor into the pricing child", () => {
        const after = topLevel.result.events.filter(
          (event) => event.type === "StateExited" && event.state.name === routes.createOrder.operation,
        );
        assert.equal(after.length, 1);
        assert.ok(
          !JSON.stringify(after[0].type === "StateExited" ? after[0].state.output : "").includes('"notes"'),
        );
        for (const child of topLevel.result.children) {
          assert.ok(
            peakStateBytes(child.events) < stateSizeLimitBytes / 4,
            "the child's states hold the cart only",
          );
        }
      });

      it("announces OrderFailed, with no cart, when such fields are inside the items: the order service refuses them", () => {
        const { result, api } = inItems;
        assert.deepEqual(
          [result.status, result.status === "SUCCEEDED" ? undefined : result.error],
          ["FAILED", outcomeErrors.failureAnnounced],
        );
        assert.match(
          result.status === "SUCCEEDED" ? "" : result.cause,
          /^Order\.CreateOrder failed with ApiGateway\.400/,
        );
        // Sent, and acknowledged without change: the execution made no cart.
        assert.deepEqual(
          api.calls(routes.receiveEvent.operation).map(({ body, status }) => {
            const { eventType, detail } = body as { eventType: string; detail: { cartId: unknown } };
            return [eventType, detail.cartId, status];
          }),
          [["OrderFailed", null, 200]],
        );
        assert.deepEqual(api.carts, []);
        assert.ok(
          executions(result).every((execution) => peakStateBytes(execution.events) <= stateSizeLimitBytes),
        );
      });

      it("fails with States.DataLimitExceeded before any call when the items alone fill 256 KiB: no cart exists", () => {
        const { result, api } = itemsAtTheLimit;
        assert.deepEqual(
          [result.status, result.status === "SUCCEEDED" ? undefined : result.error],
          ["FAILED", "States.DataLimitExceeded"],
        );
        assert.match(
          result.status === "SUCCEEDED" ? "" : result.cause,
          /^The effective input of state "Order\.CreateOrder"/,
        );
        assert.deepEqual(api.requests, []);
      });
    });
  }
});

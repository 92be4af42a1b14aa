import assert from "node:assert/strict";
import { retryPolicy } from "../../components/definition/apiGatewayTask";
import { routes } from "../../components/routes";
import { apiGatewayTasks } from "../../local/aws/definitionStates";
import { scaledRetryWaits } from "../../local/aws/retryWaits";
import { dev } from "./harness";

describe("the local retry pauses", () => {
  it("are each retrier's IntervalSeconds times the scale, in milliseconds", () => {
    const waits = scaledRetryWaits(dev.definition, 1 / 100);
    assert.deepEqual(
      waits[routes.getPrices.operation],
      retryPolicy.map((retrier) => retrier.IntervalSeconds * 10),
    );
  });

  it("cover every API Gateway Task, those inside the Map included", () => {
    const waits = scaledRetryWaits(dev.definition, 1 / 100);
    for (const { name } of apiGatewayTasks(dev.definition)) assert.ok(waits[name], name);
  });

  it("never reach zero, however small the scale", () => {
    const waits = scaledRetryWaits(dev.definition, 1e-9);
    assert.deepEqual(waits[routes.createOrder.operation], [1, 1]);
  });

  it("refuse a scale of zero", () => {
    assert.throws(() => scaledRetryWaits(dev.definition, 0), /above 0/);
  });
});

/**
 * pricingFanOut "express", run locally: the order's Price Cart Task runs the Express pricing
 * child from its own definition, as StartSyncExecution would, and the order ends as inline.
 */
import assert from "node:assert/strict";
import { states } from "../../components/definition/definition";
import { outcomeErrors, pricingFailedError } from "../../components/definition/outcomes";
import { routes } from "../../components/routes";
import { Faults } from "../../local/api/faults";
import { billingOf } from "../../local/aws/billing";
import { colorsFor } from "../../local/cli/colors";
import { LocalRun, runOrder } from "../../local/localRun";
import type { ExecutionResult } from "../../local/aws/execution";
import { orderOfSize } from "../../local/api/seed";
import { localPricingStateMachineArn } from "../../local/stackDefinition";
import { TracePrinter } from "../../local/cli/trace";
import { dev, devExpress, eventsOfType, oneItemOrder, runOn, sampleOrder, testRetryScale } from "./harness";
import { faultCaseName, matrixRuns, stopCaseName } from "./matrix";
import { TestClock } from "./testClock";

const pricingArn = localPricingStateMachineArn("dev", "us-east-1");
const exitedOutput = (result: ExecutionResult, state: string) => {
  const exited = result.events.find((event) => event.type === "StateExited" && event.state.name === state);
  assert.ok(exited?.type === "StateExited", `${state} was not left`);
  return exited.state.output as Record<string, unknown>;
};

describe("the pricing child, run locally (pricingFanOut express)", () => {
  describe("with the sample order", () => {
    let express: Awaited<ReturnType<typeof runOn>>;
    let inline: Awaited<ReturnType<typeof runOn>>;
    before(async () => {
      [express, inline] = await Promise.all([runOn(devExpress, sampleOrder), runOn(dev, sampleOrder)]);
    });

    it("starts the stack's child once, named after the order's execution, as an Express execution", () => {
      assert.equal(express.result.status, "SUCCEEDED");
      const [child, ...more] = express.result.children;
      assert.deepEqual(more, []);
      assert.equal(child.name, express.result.name);
      assert.ok(
        child.executionArn.startsWith(
          `arn:aws:states:us-east-1:000000000000:express:orders-dev-pricing:${child.name}:`,
        ),
        child.executionArn,
      );
    });

    it("answers Price Cart as StartSyncExecution does: Status, Output as a JSON string, Input, BillingDetails", () => {
      const pricing = exitedOutput(express.result, states.priceCart).pricing as Record<string, unknown>;
      const [child] = express.result.children;
      assert.deepEqual(
        [pricing.Status, pricing.StateMachineArn, pricing.ExecutionArn, pricing.Name],
        ["SUCCEEDED", pricingArn, child.executionArn, express.result.name],
      );
      assert.deepEqual(JSON.parse(pricing.Output as string), child.status === "SUCCEEDED" && child.output);
      assert.deepEqual(Object.keys(JSON.parse(pricing.Output as string)), ["cartId", "lines", "totals"]);
      assert.equal("Error" in pricing || "Cause" in pricing, false);
      const { order } = JSON.parse(pricing.Input as string);
      assert.equal(order.body.cartId, "cart-0001");
      const billed = (pricing.BillingDetails as { BilledDurationInMilliseconds: number })
        .BilledDurationInMilliseconds;
      assert.ok(billed >= child.durationMs && billed % 100 === 0, String(billed));
    });

    it("makes the same calls and announces the same OrderCreated as the inline workflow", () => {
      const calls = (run: typeof express) =>
        run.api.requests.map((request) => `${request.method} ${request.path}`).sort();
      assert.deepEqual(calls(express), calls(inline));
      const detail = (run: typeof express) => {
        const { executionArn, ...rest } = eventsOfType(run.api, "OrderCreated")[0].detail as Record<
          string,
          unknown
        >;
        assert.equal(executionArn, run.result.executionArn);
        return rest;
      };
      assert.deepEqual(detail(express), detail(inline));
      assert.deepEqual(
        express.api.calls(routes.updateOrder.operation)[0].body,
        inline.api.calls(routes.updateOrder.operation)[0].body,
      );
    });
  });

  describe("its cost", () => {
    let runs: LocalRun[];
    before(async () => {
      runs = await Promise.all(
        [1, devExpress.settings.maxCartItems].map((size) =>
          runOrder(devExpress, orderOfSize(size), { retryScale: testRetryScale, clock: new TestClock() }),
        ),
      );
    });

    it(`bills the same Standard transitions for 1 item and for maxCartItems (${devExpress.settings.maxCartItems})`, () => {
      const [one, largest] = runs.map((run) => run.result);
      assert.deepEqual([one.status, largest.status], ["SUCCEEDED", "SUCCEEDED"]);
      assert.equal(largest.calls[routes.getPrices.operation], devExpress.settings.maxCartItems);
      assert.equal(one.billing.standardTransitions, largest.billing.standardTransitions);
      assert.equal(one.billing.standardTransitions, 7);
    });

    it("bills one Express request per order, its duration the child's", () => {
      for (const run of runs) {
        assert.deepEqual(run.result.billing, {
          standardTransitions: run.result.transitions,
          expressRequests: 1,
          expressDurationMs: run.execution.children[0].durationMs,
        });
      }
    });
  });

  describe("a failure inside the child", () => {
    let inline: ReadonlyMap<string, LocalRun>;
    let express: ReadonlyMap<string, LocalRun>;
    before(async () => {
      [inline, express] = await Promise.all([matrixRuns("inline"), matrixRuns("express")]);
    });

    for (const name of [
      faultCaseName(routes.getPrices.operation, "500x*"),
      faultCaseName(routes.getTaxes.operation, "500x*"),
      faultCaseName(routes.createOrder.operation, "malformedx*"),
    ]) {
      it(`${name}: announces exactly one OrderFailed, naming what inline names`, () => {
        const failed = (run: LocalRun) =>
          eventsOfType(run.api, "OrderFailed").map(({ detail }) => {
            const { executionArn, ...rest } = detail as Record<string, unknown>;
            assert.equal(executionArn, run.execution.executionArn);
            return rest;
          });
        const run = express.get(name)!;
        assert.equal(failed(run).length, 1);
        assert.deepEqual(failed(run), failed(inline.get(name)!));
        assert.equal(
          run.execution.children[0].status === "FAILED" && run.execution.children[0].error,
          pricingFailedError,
        );
      });
    }

    it("reports a malformed Order.CreateOrder answer with cartId null", () => {
      const run = express.get(faultCaseName(routes.createOrder.operation, "malformedx*"))!;
      assert.deepEqual(
        eventsOfType(run.api, "OrderFailed").map(({ detail }) => [
          detail.failedState,
          detail.cartId,
          detail.error,
        ]),
        [[routes.createOrder.operation, null, outcomeErrors.malformedResponse]],
      );
    });

    it("stops the order at Price Cart, the child about to start: ABORTED, and no child runs", () => {
      const run = express.get(stopCaseName(states.priceCart))!;
      assert.deepEqual(
        [run.result.status, run.result.cause],
        ["ABORTED", `Stopped when ${states.priceCart} was entered`],
      );
      assert.deepEqual(run.execution.children, []);
      assert.equal(run.result.calls[routes.getProduct.operation], 0);
    });
  });

  it("ends the order with one OrderFailed naming Price Cart when the child outlasts its TimeoutSeconds", async () => {
    // The child's time is up while it waits for a price, in the Map.
    const child = { ...devExpress.stateMachines[pricingArn], TimeoutSeconds: 10 };
    const clock = new TestClock();
    const faults = new Faults()
      .fail(routes.getPrices.operation, { kind: "timeout", count: 1 })
      .whenHeld(() =>
        clock.fire(({ kind, executionArn }) => kind === "execution" && executionArn.includes(":express:")),
      );
    const run = await runOrder({ ...devExpress, stateMachines: { [pricingArn]: child } }, oneItemOrder, {
      faults,
      retryScale: testRetryScale,
      clock,
    });
    assert.deepEqual(
      run.execution.children.map((execution) => execution.status),
      ["TIMED_OUT"],
    );
    assert.equal(run.result.error, outcomeErrors.failureAnnounced);
    assert.deepEqual(
      run.api.events.map(({ eventType, detail }) => [
        eventType,
        detail.failedState,
        detail.error,
        detail.cartId,
      ]),
      [["OrderFailed", states.priceCart, "Pricing.TIMED_OUT", "cart-0001"]],
    );
    assert.equal(run.result.calls[routes.updateOrder.operation], 0);
  });

  it("lets the child run to its end when the order times out while it runs, and discards its answer", async () => {
    // The order's time is up while the child waits for a price.
    const definition = { ...devExpress.definition, TimeoutSeconds: 10 };
    const clock = new TestClock();
    const faults = new Faults()
      .fail(routes.getPrices.operation, { kind: "timeout", count: 1 })
      .whenHeld(() => {
        clock.fire(({ kind, executionArn }) => kind === "execution" && executionArn.includes(":execution:"));
        // The child runs on: its held call times out, is retried and answered, and it ends by itself.
        clock.fire((subject) => subject.kind === "task" && subject.state === routes.getPrices.operation);
      });
    const run = await runOrder({ ...devExpress, definition }, oneItemOrder, {
      faults,
      retryScale: testRetryScale,
      clock,
    });
    assert.equal(run.result.status, "TIMED_OUT");
    // StopExecution does not support Express executions: in AWS the child runs on, as here.
    assert.deepEqual(
      run.execution.children.map((child) => child.status),
      ["SUCCEEDED"],
    );
    assert.deepEqual(
      [routes.getTaxes, routes.updateOrder].map((route) => run.result.calls[route.operation]),
      [1, 0],
    );
    assert.deepEqual(
      run.api.events.map((event) => [event.eventType, event.detail.executionStatus]),
      [["OrderFailed", "TIMED_OUT"]],
    );
  });

  it("fails Price Cart with Sfn.StateMachineDoesNotExistException for a state machine it may not start, then announces it", async () => {
    const run = await runOrder({ ...devExpress, stateMachines: {} }, oneItemOrder, {
      retryScale: testRetryScale,
      clock: new TestClock(),
    });
    assert.deepEqual(run.execution.children, []);
    const retried = run.execution.events.filter(
      (event) => event.type === "StateRetried" && event.state.name === states.priceCart,
    );
    // States.TaskFailed matches any error of the integration: the start is tried three times.
    assert.equal(retried.length, 2);
    const [failed] = eventsOfType(run.api, "OrderFailed");
    assert.deepEqual(
      [failed.detail.failedState, failed.detail.error, failed.detail.cartId],
      [states.priceCart, "Sfn.StateMachineDoesNotExistException", "cart-0001"],
    );
    assert.equal(failed.detail.cause, `State Machine Does Not Exist: '${pricingArn}'`);
  });

  it("announces a child failure whose Cause was cut short as a failure of Price Cart, not an uncaught States.Runtime", async () => {
    // A stand-in child failing as ours does, but with the Cause Step Functions would cut at 32,768 characters.
    const truncated = JSON.stringify({ failedState: states.forEachProduct, cause: "x".repeat(40_000) }).slice(
      0,
      32_768,
    );
    const child = {
      StartAt: "Fail",
      States: { Fail: { Type: "Fail", Error: pricingFailedError, Cause: truncated } },
    };
    const run = await runOrder({ ...devExpress, stateMachines: { [pricingArn]: child } }, oneItemOrder, {
      retryScale: testRetryScale,
      clock: new TestClock(),
    });
    assert.equal(run.result.error, outcomeErrors.failureAnnounced);
    const [failed] = eventsOfType(run.api, "OrderFailed");
    assert.deepEqual([failed.detail.failedState, failed.detail.error], [states.priceCart, "Pricing.FAILED"]);
  });

  it("shows the child's states in the trace one level under Price Cart, with their Map item", async () => {
    const lines: string[] = [];
    const printer = new TracePrinter(devExpress.definition, colorsFor({ isTTY: false }), (line) =>
      lines.push(line),
    );
    const run = await runOrder(devExpress, oneItemOrder, {
      onEvent: (event, scope) => printer.print(event, scope),
      clock: new TestClock(),
    });
    assert.equal(run.result.status, "SUCCEEDED");
    const shown = lines.map((line) => line.replace(/\d+ ms$/, "N ms"));
    const at = (line: string) => shown.indexOf(line);
    assert.ok(at("→ Price Cart") < at("  → Check Cart"), shown.join("\n"));
    assert.ok(at("  ✓ Tax.GetTaxes  N ms") < at("✓ Price Cart  N ms"), shown.join("\n"));
    assert.ok(shown.includes("[item 0]     → Parallel_Processing"), shown.join("\n"));
    assert.ok(shown.includes("[item 0]       ✓ Pricing.GetPrices  N ms"), shown.join("\n"));
  });
});

describe("billing", () => {
  const ended = (durationMs: number, entered: number, children: ExecutionResult[] = []) =>
    ({
      status: "SUCCEEDED",
      output: {},
      events: Array.from({ length: entered }, () => ({ type: "StateEntered" })),
      executionArn: "arn",
      name: "n",
      children,
      startedAt: new Date(0),
      stoppedAt: new Date(durationMs),
      durationMs,
    }) as unknown as ExecutionResult;

  it("counts a STANDARD order's states entered as Standard transitions, each child as one Express request", () => {
    const order = ended(500, 7, [ended(120, 30), ended(80, 30)]);
    assert.deepEqual(billingOf(order, "STANDARD"), {
      standardTransitions: 7,
      expressRequests: 2,
      expressDurationMs: 200,
    });
  });

  it("counts an EXPRESS order as one Express request, with no Standard transitions", () => {
    assert.deepEqual(billingOf(ended(300, 34), "EXPRESS"), {
      standardTransitions: 0,
      expressRequests: 1,
      expressDurationMs: 300,
    });
  });
});

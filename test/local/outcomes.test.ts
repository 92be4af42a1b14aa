/**
 * The outcome matrix: every route of the route table under every kind of fault, and operator
 * stops, each run end to end (execution, then the safety net), in both ways to price a cart
 * (pricingFanOut inline and express), each checked against the invariants of issue 8. The cases
 * come from the route table, not from a list here.
 */
import assert from "node:assert/strict";
import { states } from "../../components/definition";
import { outcomeErrors } from "../../components/outcomes";
import { routes } from "../../components/routes";
import { Faults } from "../../local/api/faults";
import { LocalRun, runOrder } from "../../local/localRun";
import { modeNames, modes, oneItemOrder, testRetryScale } from "./harness";
import { faultCaseName, faultKinds, matrixCases, matrixRuns, stopCaseName, stopStates } from "./matrix";
import { TestClock } from "./testClock";

const announced = (run: LocalRun, eventType: string) =>
  run.api.events.filter((event) => event.eventType === eventType);
/** The OrderCreated announcement reached the events service: from then on it may have been delivered. */
const sentOrderCreated = (run: LocalRun) =>
  run.api
    .calls(routes.receiveEvent.operation)
    .some((call) => (call.body as { eventType?: unknown } | undefined)?.eventType === "OrderCreated");
const stopped = (run: LocalRun) => ["ABORTED", "TIMED_OUT"].includes(run.execution.status);

for (const mode of modeNames) {
  describe(`every outcome, under every fault (the outcome matrix), pricingFanOut ${mode}`, () => {
    const cases = matrixCases(mode);
    let runs: ReadonlyMap<string, LocalRun>;
    before(async () => {
      runs = await matrixRuns(mode);
    });

    it("is generated from the route table: every route under every fault kind, plus the stops", () => {
      assert.equal(cases.length, Object.keys(routes).length * faultKinds.length + stopStates(mode).length);
    });

    it("stops an execution as OrderCreated is about to be sent: the safety net announces the one OrderFailed", () => {
      const run = runs.get(stopCaseName(states.orderCreatedEvent))!;
      assert.equal(run.execution.status, "ABORTED");
      assert.equal(sentOrderCreated(run), false);
      assert.deepEqual(
        run.api.events.map((event) => [event.eventType, event.detail.announcedBy]),
        [["OrderFailed", "safety-net"]],
      );
    });

    for (const testCase of cases) {
      describe(testCase.name, () => {
        const run = () => runs.get(testCase.name)!;

        it("succeeds only with exactly one OrderCreated, no OrderFailed and one cart", () => {
          if (run().execution.status !== "SUCCEEDED") return;
          assert.equal(announced(run(), "OrderCreated").length, 1);
          assert.equal(announced(run(), "OrderFailed").length, 0);
          assert.equal(run().api.carts.length, 1);
        });

        it("never announces both OrderCreated and OrderFailed", () => {
          assert.ok(
            announced(run(), "OrderCreated").length === 0 || announced(run(), "OrderFailed").length === 0,
            JSON.stringify(run().result.events),
          );
        });

        it("announces exactly one OrderFailed when it ends unsuccessfully before sending OrderCreated", () => {
          if (run().execution.status === "SUCCEEDED" || sentOrderCreated(run())) return;
          assert.equal(
            announced(run(), "OrderFailed").length,
            1,
            `${run().execution.status} ${JSON.stringify(run().result.safetyNet)}`,
          );
        });

        it("after a failed OrderCreated announcement, ends with the distinct error and no OrderFailed", () => {
          if (run().execution.status !== "FAILED" || !sentOrderCreated(run())) return;
          assert.equal(announced(run(), "OrderFailed").length, 0);
          assert.equal(run().result.error, outcomeErrors.orderCreatedUnconfirmed);
          assert.equal(run().safetyNet.matched, false);
        });

        it("once OrderCreated was sent, a stop or timeout announces no OrderFailed", () => {
          if (!stopped(run()) || !sentOrderCreated(run())) return;
          assert.equal(announced(run(), "OrderFailed").length, 0, JSON.stringify(run().result.safetyNet));
        });

        it("creates at most one cart and accepts no event twice", () => {
          assert.ok(run().api.carts.length <= 1);
          const types = run().api.events.map((event) => event.eventType);
          assert.equal(new Set(types).size, types.length, types.join(", "));
        });
      });
    }
  });
}

describe("the outcome matrix, express against inline", () => {
  let inline: ReadonlyMap<string, LocalRun>;
  let express: ReadonlyMap<string, LocalRun>;
  before(async () => {
    [inline, express] = await Promise.all([matrixRuns("inline"), matrixRuns("express")]);
  });

  /** What a run tells: its end and each event, without the execution's own ARN. */
  const story = (run: LocalRun) => ({
    status: run.result.status,
    error: run.result.error,
    cause: run.result.cause,
    events: run.api.events.map(({ eventType, detail }) => {
      const { executionArn, ...rest } = detail as Record<string, unknown>;
      return { eventType, executionArn: executionArn === run.execution.executionArn, ...rest };
    }),
    carts: run.api.carts.map((cart) => cart.status),
  });

  for (const route of Object.values(routes)) {
    for (const { label } of faultKinds) {
      const name = faultCaseName(route.operation, label);
      it(`${name}: ends as inline does, with the same events (same failedState, error, cause, cartId)`, () => {
        assert.deepEqual(story(express.get(name)!), story(inline.get(name)!));
      });
    }
  }

  for (const state of stopStates("inline")) {
    it(`${stopCaseName(state)}: ends as inline does, with the same events`, () => {
      assert.deepEqual(story(express.get(stopCaseName(state))!), story(inline.get(stopCaseName(state))!));
    });
  }
});

for (const mode of modeNames) {
  describe(`an OrderFailed delivered but never confirmed, pricingFanOut ${mode}`, () => {
    it("is announced once: the safety net's, under the same key, is refused", async () => {
      const faults = new Faults()
        .fail(routes.getTaxes.operation, { status: 400, count: 1 })
        // Every answer to the OrderFailed POST is lost, though the events service took the first one.
        .fail(routes.receiveEvent.operation, { status: 504, count: 4, responseLost: true });
      const run = await runOrder(modes[mode], oneItemOrder, {
        faults,
        retryScale: testRetryScale,
        safetyNetMaxAttempts: 2,
        clock: new TestClock(),
      });
      assert.equal(run.result.error, outcomeErrors.failureUnannounced);
      assert.deepEqual(
        run.api.events.map((event) => [event.eventType, event.detail.announcedBy]),
        [["OrderFailed", undefined]],
      );
      assert.deepEqual(run.result.safetyNet.attempts, [409]);
    });
  });
}

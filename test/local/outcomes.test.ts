/**
 * The outcome matrix: every route of the route table under every kind of fault, and operator
 * stops, each run end to end (execution, then the safety net), in both ways to price a cart
 * (pricingFanOut inline and express), each checked against the invariants of issue 8. The cases
 * come from the route table, not from a list here.
 */
import assert from "node:assert/strict";
import { states } from "../../components/definition/definition";
import { outcomeErrors } from "../../components/definition/outcomes";
import { routes } from "../../components/routes";
import { Faults } from "../../local/api/faults";
import { LocalRun, runOrder, runUnderEventShapes } from "../../local/localRun";
import { eventShapes } from "../../local/aws/safetyNet";
import { dev, modeNames, modes, oneItemOrder, testRetryScale } from "./harness";
import { faultCaseName, faultKinds, matrixCases, matrixRuns, stopCaseName, stopStates } from "./matrix";
import { TestClock } from "./testClock";

const announced = (run: LocalRun, eventType: string) =>
  run.api.events.filter((event) => event.eventType === eventType);
/** The OrderCreated announcement reached the events service: from then on it may have been delivered. */
const sentOrderCreated = (run: LocalRun) =>
  run.api
    .calls(routes.receiveEvent.operation)
    .some((call) => (call.body as { eventType?: unknown } | undefined)?.eventType === "OrderCreated");
const lastDelivery = (run: LocalRun) => run.result.safetyNet.attempts.at(-1);
/** A case whose events route never answers 2xx again: nothing can be delivered to it. */
const eventsRouteDown = (name: string) =>
  [
    faultCaseName(routes.receiveEvent.operation, "500x*"),
    faultCaseName(routes.receiveEvent.operation, "timeoutx*"),
  ].includes(name);

for (const mode of modeNames) {
  for (const shape of eventShapes) {
    describe(`every outcome, under every fault (the outcome matrix), pricingFanOut ${mode}, status event ${shape}`, () => {
      const cases = matrixCases(mode);
      let runs: ReadonlyMap<string, LocalRun>;
      before(async () => {
        runs = await matrixRuns(mode, shape);
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

          // What the execution did is the same under both shapes (one run): checked once.
          if (shape === "documented") {
            it("succeeds only with exactly one OrderCreated, no OrderFailed and one cart", () => {
              if (run().execution.status !== "SUCCEEDED") return;
              assert.equal(announced(run(), "OrderCreated").length, 1);
              assert.equal(announced(run(), "OrderFailed").length, 0);
              assert.equal(run().api.carts.length, 1);
            });
          }

          it("never announces both OrderCreated and OrderFailed", () => {
            assert.ok(
              announced(run(), "OrderCreated").length === 0 || announced(run(), "OrderFailed").length === 0,
              JSON.stringify(run().result.events),
            );
          });

          it("ending unsuccessfully before sending OrderCreated, announces one OrderFailed if it created a cart, none if not", () => {
            if (run().execution.status === "SUCCEEDED" || sentOrderCreated(run())) return;
            // An events route that never answers again takes no announcement: it is dead-lettered (next test).
            if (eventsRouteDown(testCase.name)) return;
            assert.equal(
              announced(run(), "OrderFailed").length,
              run().api.carts.length,
              `${run().execution.status} ${JSON.stringify(run().result.safetyNet)}`,
            );
          });

          if (shape === "documented") {
            it("after a failed OrderCreated announcement, ends with the distinct error", () => {
              if (run().execution.status !== "FAILED" || !sentOrderCreated(run())) return;
              assert.equal(run().result.error, outcomeErrors.orderCreatedUnconfirmed);
            });

            it("the safety net answers every execution that did not succeed, whatever its error", () => {
              assert.equal(run().safetyNet.matched, run().execution.status !== "SUCCEEDED");
            });
          } else {
            it("after a failed OrderCreated announcement, the safety net stays silent: no OrderFailed", () => {
              if (run().execution.status !== "FAILED" || !sentOrderCreated(run())) return;
              assert.equal(announced(run(), "OrderFailed").length, 0);
              assert.equal(run().safetyNet.matched, false);
            });
          }

          it("dead-letters the safety net's OrderFailed only when it would tell a second story, or the events route is down", () => {
            if (run().result.safetyNet.outcome !== "dead-lettered") return;
            if (eventsRouteDown(testCase.name)) return;
            assert.equal(lastDelivery(run()), 409, JSON.stringify(run().result.safetyNet));
            assert.equal(announced(run(), "OrderCreated").length, 1);
          });

          it("creates at most one cart and accepts no event twice", () => {
            assert.ok(run().api.carts.length <= 1);
            const types = run().api.events.map((event) => event.eventType);
            assert.equal(new Set(types).size, types.length, types.join(", "));
          });

          it("never sends two writes with one key unless they announce the same failure", () => {
            const intents = new Map<string, Set<string>>();
            for (const call of run().api.requests.filter((request) => request.method !== "GET")) {
              const key = String(call.headers["idempotency-key"]);
              const eventType = (call.body as { eventType?: string } | undefined)?.eventType;
              intents.set(key, (intents.get(key) ?? new Set()).add(`${call.operation} ${eventType ?? ""}`));
            }
            for (const [key, of] of intents) assert.equal(of.size, 1, `${key}: ${[...of].join(", ")}`);
          });
        });
      }
    });
  }
}

describe("the outcome matrix, the status event with and without error", () => {
  for (const mode of modeNames) {
    it(`runs each execution once, pricingFanOut ${mode}: only the safety net differs`, async () => {
      const [documented, withError] = await Promise.all([
        matrixRuns(mode, "documented"),
        matrixRuns(mode, "with-error"),
      ]);
      for (const [name, run] of documented) assert.equal(withError.get(name)!.execution, run.execution, name);
    });

    it(`tells a story under the documented shape that differs only where the event's error decided, pricingFanOut ${mode}`, async () => {
      const [documented, withError] = await Promise.all([
        matrixRuns(mode, "documented"),
        matrixRuns(mode, "with-error"),
      ]);
      for (const [name, run] of documented) {
        const other = withError.get(name)!;
        if (other.safetyNet.matched) {
          assert.deepEqual(run.result.events, other.result.events, name);
        }
      }
    });
  }
});

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

  // The stops both modes have: the child's states cannot be stopped at (an Express execution).
  for (const state of stopStates("inline").filter((state) => stopStates("express").includes(state))) {
    it(`${stopCaseName(state)}: ends as inline does, with the same events`, () => {
      assert.deepEqual(story(express.get(stopCaseName(state))!), story(inline.get(stopCaseName(state))!));
    });
  }
});

for (const mode of modeNames) {
  describe(`an OrderFailed delivered but never confirmed, pricingFanOut ${mode}`, () => {
    it("is announced once: the safety net's, under the same key, gets the first answer back", async () => {
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
      assert.deepEqual(run.result.safetyNet.attempts, [202]);
    });
  });
}

describe("an execution that never created a cart, under both shapes of the status event", () => {
  const runBoth = (input: unknown, abortAt?: string) =>
    runUnderEventShapes(
      { ...dev, input, abortAt, retryScale: testRetryScale, clock: new TestClock() },
      eventShapes,
    );

  it("refused in Validate Order: the safety net's OrderFailed, if the rule matches, is acknowledged and announces nothing", async () => {
    const runs = await runBoth({ ...oneItemOrder, items: [] });
    const documented = runs.get("documented")!;
    assert.equal(documented.result.error, outcomeErrors.emptyCart);
    assert.deepEqual(
      [documented.result.safetyNet.outcome, documented.result.safetyNet.attempts],
      ["delivered", [200]],
    );
    assert.equal(runs.get("with-error")!.result.safetyNet.outcome, "not matched");
    for (const run of runs.values()) assert.deepEqual([run.api.events, run.api.carts], [[], []]);
  });

  it("stopped before Order.CreateOrder: the safety net's OrderFailed is acknowledged and announces nothing", async () => {
    const runs = await runBoth(oneItemOrder, routes.createOrder.operation);
    for (const run of runs.values()) {
      assert.equal(run.result.status, "ABORTED");
      assert.deepEqual([run.result.safetyNet.outcome, run.result.safetyNet.attempts], ["delivered", [200]]);
      assert.deepEqual([run.api.events, run.api.carts], [[], []]);
    }
  });
});

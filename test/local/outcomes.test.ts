/**
 * The outcome matrix: every route of the route table under every kind of fault, and operator
 * stops at three points, each run end to end (execution, then the safety net), each checked
 * against the invariants of issue 8. The cases come from the route table, not from a list here.
 */
import assert from "node:assert/strict";
import { states } from "../../components/definition";
import { outcomeErrors } from "../../components/outcomes";
import { routes } from "../../components/routes";
import { Faults, FaultSpec } from "../../local/api/faults";
import { LocalRun, runLocally } from "../../local/localRun";
import { dev, oneItemOrder } from "./harness";

interface Case {
  readonly name: string;
  readonly faults: Faults;
  readonly abortAt?: string;
}

const faultKinds: readonly { readonly label: string; readonly spec: FaultSpec }[] = [
  { label: "503x2", spec: { status: 503, count: 2 } },
  { label: "429x2", spec: { status: 429, count: 2 } },
  { label: "lost 504x1", spec: { status: 504, count: 1, responseLost: true } },
  { label: "500x*", spec: { status: 500, count: Infinity } },
  { label: "400x1", spec: { status: 400, count: 1 } },
  { label: "timeoutx*", spec: { kind: "timeout", count: Infinity } },
  { label: "malformedx*", spec: { kind: "malformed", count: Infinity } },
];

const cases: Case[] = [
  ...Object.values(routes).flatMap((route) =>
    faultKinds.map(({ label, spec }) => ({
      name: `${route.operation} ${label}`,
      faults: new Faults().fail(route.operation, spec),
    })),
  ),
  ...[states.forEachProduct, routes.getTaxes.operation, routes.updateOrder.operation].map((state) => ({
    name: `aborted at ${state}`,
    faults: new Faults(),
    abortAt: state,
  })),
];

/** Task timeouts of 60 ms and retry pauses of 1-2 ms: the whole matrix runs in a few seconds. */
const timeoutScale = 1 / 500;
const retryScale = 1 / 1000;
/** Runs at once: most of a run is waiting on loopback or on a timeout, so they overlap well on two cores. */
const concurrency = 6;
/** EventBridge's 186 attempts, bounded here: a dead letter after 4 says the same. */
const safetyNetMaxAttempts = 4;

const runs = new Map<string, LocalRun>();

const announced = (run: LocalRun, eventType: string) =>
  run.api.events.filter((event) => event.eventType === eventType);
const enteredOrderCreated = (run: LocalRun) =>
  run.execution.events.some(
    (event) => event.type === "StateEntered" && event.state.name === states.orderCreatedEvent,
  );

describe("every outcome, under every fault (the outcome matrix)", () => {
  before(async function () {
    this.timeout(60_000);
    const queue = [...cases];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        runs.set(
          next.name,
          await runLocally({
            definition: dev.definition,
            definitionSettings: dev.definitionSettings,
            input: oneItemOrder,
            faults: next.faults,
            abortAt: next.abortAt,
            retryScale,
            timeoutScale,
            safetyNetMaxAttempts,
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  });

  it("is generated from the route table: every route under every fault kind, plus three stops", () => {
    assert.equal(cases.length, Object.keys(routes).length * faultKinds.length + 3);
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

      it("announces exactly one OrderFailed when it ends unsuccessfully before announcing OrderCreated", () => {
        if (run().execution.status === "SUCCEEDED" || enteredOrderCreated(run())) return;
        assert.equal(
          announced(run(), "OrderFailed").length,
          1,
          `${run().execution.status} ${JSON.stringify(run().result.safetyNet)}`,
        );
      });

      it("after a failed OrderCreated announcement, ends with the distinct error and no OrderFailed", () => {
        if (run().execution.status === "SUCCEEDED" || !enteredOrderCreated(run())) return;
        assert.equal(announced(run(), "OrderFailed").length, 0);
        assert.equal(run().result.error, outcomeErrors.orderCreatedUnconfirmed);
        assert.equal(run().safetyNet.matched, false);
      });

      it("creates at most one cart and accepts no event twice", () => {
        assert.ok(run().api.carts.length <= 1);
        const types = run().api.events.map((event) => event.eventType);
        assert.equal(new Set(types).size, types.length, types.join(", "));
      });
    });
  }
});

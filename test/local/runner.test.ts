import assert from "node:assert/strict";
import { states } from "../../components/definition/definition";
import { outcomeErrors } from "../../components/definition/outcomes";
import { routes } from "../../components/routes";
import { Faults } from "../../local/api/faults";
import { runLocally } from "../../local/localRun";
import { abortError, executionTimeoutError, runExecution } from "../../local/aws/runner";
import { dev, oneItemOrder } from "./harness";
import { TestClock } from "./testClock";

const runOnce = (more: Partial<Parameters<typeof runLocally>[0]> = {}) =>
  runLocally({
    definition: dev.definition,
    definitionSettings: dev.definitionSettings,
    input: oneItemOrder,
    retryScale: 1 / 1000,
    timeoutScale: 1 / 150,
    safetyNetMaxAttempts: 2,
    clock: new TestClock(),
    ...more,
  });

const failedStates = (run: Awaited<ReturnType<typeof runOnce>>) =>
  run.execution.events.flatMap((event) =>
    event.type === "StateFailed" ? [`${event.state.name}: ${event.Error}`] : [],
  );

describe("the local run's final status", () => {
  it("is ABORTED, with the stop's error, when the run stops at a Task: the Task makes no call", async () => {
    const run = await runOnce({ abortAt: routes.getTaxes.operation });
    assert.deepEqual(
      [run.result.status, run.result.error, run.result.cause],
      ["ABORTED", abortError, `Stopped when ${routes.getTaxes.operation} was entered`],
    );
    assert.equal(run.result.calls[routes.getTaxes.operation], 0);
    assert.equal(run.result.calls[routes.createOrder.operation], 1);
  });

  it("is ABORTED before any product is priced when the run stops at the Map", async () => {
    const run = await runOnce({ abortAt: states.forEachProduct });
    assert.equal(run.result.status, "ABORTED");
    assert.equal(run.result.calls[routes.getProduct.operation], 0);
  });

  it("is TIMED_OUT with States.Timeout when the execution outlasts its TimeoutSeconds, scaled", async () => {
    const definition = { ...dev.definition, TimeoutSeconds: 10 };
    // The execution's time is up while Tax.GetTaxes waits for its answer.
    const clock = new TestClock();
    const faults = new Faults()
      .fail(routes.getTaxes.operation, { kind: "timeout", count: 1 })
      .whenHeld(() => clock.fire((subject) => subject.kind === "execution"));
    const run = await runOnce({ definition, faults, clock });
    assert.deepEqual([run.result.status, run.result.error], ["TIMED_OUT", executionTimeoutError]);
    assert.match(run.result.cause ?? "", /TimeoutSeconds \(10 s, 67 ms locally\)/);
    assert.equal(run.result.calls[routes.updateOrder.operation], 0);
  });

  it("times nothing out on a test's clock, however slow the answers: the test decides what times out", async () => {
    // 1 ms Task timeouts on real timers; 5 ms answers: only the clock keeps them from firing.
    const run = await runOnce({ timeoutScale: 1 / 30_000, faults: new Faults().delay(5) });
    assert.equal(run.result.status, "SUCCEEDED");
    assert.deepEqual(failedStates(run), []);
  });

  it("retries a call that outlasts its Task's TimeoutSeconds as States.Timeout, then succeeds", async () => {
    const clock = new TestClock();
    const faults = new Faults().fail(routes.getTaxes.operation, { kind: "timeout", count: 1 });
    const run = await runOnce({ faults: clock.firingWhenHeld(faults, dev.definition), clock });
    assert.equal(run.result.status, "SUCCEEDED");
    assert.deepEqual(failedStates(run), [`${routes.getTaxes.operation}: States.Timeout`]);
    const taxes = run.result.requests.filter((request) => request.path === "/dev/taxes");
    assert.deepEqual(
      taxes.map((request) => request.status),
      [null, 200],
    );
  });

  it("answers a malformed fault with a 2xx the definition sees as breaking the contract", async () => {
    const run = await runOnce({
      faults: new Faults().fail(routes.getTaxes.operation, { kind: "malformed", count: 1 }),
    });
    const taxes = run.result.requests.filter((request) => request.path === "/dev/taxes");
    assert.deepEqual(
      taxes.map((request) => request.status),
      [200],
    );
    assert.deepEqual(
      run.result.events.map((event) => [event.eventType, (event.detail as { error?: string }).error]),
      [["OrderFailed", outcomeErrors.malformedResponse]],
    );
  });

  it("reports each call as the API received it, and each route's count, in its result", async () => {
    const run = await runOnce();
    assert.equal(run.result.status, "SUCCEEDED");
    assert.deepEqual(
      Object.keys(run.result.calls),
      Object.values(routes).map((route) => route.operation),
    );
    assert.equal(run.result.requests.length, run.api.requests.length);
    assert.deepEqual(run.result.requests[0], { method: "POST", path: "/dev/carts", status: 201 });
    assert.deepEqual(run.result.carts, run.api.carts);
    assert.deepEqual(run.result.safetyNet, { matched: false, outcome: "not matched", attempts: [] });
  });
});

describe("the local engine's intrinsic functions", () => {
  it("keeps the escapes States.JsonToString writes, so States.StringToJson reads back the value", async () => {
    const value = { cause: 'a "quoted" \\ back\nslash' };
    const result = await runExecution({
      definition: {
        StartAt: "Encode",
        States: {
          Encode: { Type: "Pass", Parameters: { "json.$": "States.JsonToString($.value)" }, Next: "Decode" },
          Decode: {
            Type: "Pass",
            Parameters: { "json.$": "$.json", "back.$": "States.StringToJson($.json)" },
            End: true,
          },
        },
      },
      apiOrigins: {},
      input: { value },
    });
    assert.deepEqual(result.status === "SUCCEEDED" && result.output, {
      json: JSON.stringify(value),
      back: value,
    });
  });
});

import assert from "node:assert/strict";
import { retryPolicy } from "../../components/definition/apiGatewayTask";
import { recordFailureState, states } from "../../components/definition/definition";
import { outcomeErrors } from "../../components/definition/outcomes";
import { Route, routes } from "../../components/routes";
import { Contract } from "../../local/api/contract";
import type { ApiRecord } from "../../local/api/server";
import { apiGatewayTasks } from "../../local/aws/definitionStates";
import type { ExecutionEvent, ExecutionResult } from "../../local/aws/execution";
import { dev, devExpress, eventsOfType, Mode, modeNames, modes, oneItemOrder, runOn } from "./harness";
import { faultCaseName, FaultLabel, matrixRuns } from "./matrix";

/** The Task state whose failure each route's faults exercise, and what the failure path reports for it. */
interface Case {
  readonly route: Route;
  readonly state: string;
  /** True for the calls that price a line, inside the Map. */
  readonly inMap: boolean;
  /** The state the OrderFailed event names: the Map for calls inside it. */
  readonly failedState: string;
  /** False for the OrderCreated announcement: it may have been delivered, so OrderFailed never follows it. */
  readonly announced: boolean;
}

/** The same in both modes: a state the pricing child holds is as deep in it as in the order's definition inline. */
const cases: Case[] = Object.values(routes).map((route) => {
  const state = route === routes.receiveEvent ? states.orderCreatedEvent : route.operation;
  const task = apiGatewayTasks(dev.definition).find((located) => located.name === state);
  const expressTask = apiGatewayTasks([devExpress.definition, devExpress.pricingDefinition!]).find(
    (located) => located.name === state,
  );
  assert.equal(expressTask?.depth, task?.depth, `${state} moved in the express definitions`);
  assert.ok(task, `no Task state ${state}`);
  const inMap = task.depth > 0;
  const announced = state !== states.orderCreatedEvent;
  return { route, state, inMap, failedState: inMap ? states.forEachProduct : state, announced };
});

/** The calls the case's state made: both event states call one route, told apart by the event type. */
/** The OrderFailed requests the workflow itself sent (not the safety net's), as sent. */
const workflowOrderFailed = (api: ApiRecord) =>
  api
    .calls(routes.receiveEvent.operation)
    .map((call) => call.body as { eventType: string; detail: Record<string, unknown> })
    .filter((body) => body.eventType === "OrderFailed" && body.detail.announcedBy === undefined);

const callsOf = (api: ApiRecord, { route, state }: Case) =>
  api
    .calls(route.operation)
    .filter(
      (call) =>
        state !== states.orderCreatedEvent ||
        (call.body as { eventType: string }).eventType === "OrderCreated",
    );

/** These faults are cases of the outcome matrix: its runs are shared rather than run again. */
const fromMatrix = async (mode: Mode, { route }: Case, label: FaultLabel) =>
  (await matrixRuns(mode)).get(faultCaseName(route.operation, label))!;

/** The execution's events and its children's (the pricing child's, in express mode). */
const allEvents = (result: ExecutionResult): ExecutionEvent[] => [
  ...result.events,
  ...result.children.flatMap(allEvents),
];

const [transientRetrier, throttlingRetrier] = retryPolicy;
const retriesOf = (result: ExecutionResult) =>
  allEvents(result).filter((event) => event.type === "StateRetried");
const failure = (result: ExecutionResult) => {
  assert.equal(result.status, "FAILED");
  return result as Exclude<ExecutionResult, { status: "SUCCEEDED" }>;
};

for (const mode of modeNames)
  describe(`the workflow, run locally with faults, pricingFanOut ${mode}`, () => {
    for (const testCase of cases) {
      describe(`on ${testCase.route.operation} (${testCase.route.method} ${testCase.route.path})`, () => {
        for (const status of [503, 429]) {
          it(`retries two ${status}s and completes, with one call per failure plus one`, async () => {
            const { execution: result, api } = await fromMatrix(
              mode,
              testCase,
              status === 503 ? "503x2" : "429x2",
            );
            assert.equal(result.status, "SUCCEEDED");
            assert.equal(callsOf(api, testCase).length, 3);
            const retriers = retriesOf(result).map(
              (event) => "retry" in event && event.retry.retrier.ErrorEquals,
            );
            const retrier = status === 429 ? throttlingRetrier : transientRetrier;
            assert.deepEqual(retriers, [retrier.ErrorEquals, retrier.ErrorEquals]);
          });
        }

        it("does not retry a 400 and catches it", async () => {
          const { execution: result, api } = await fromMatrix(mode, testCase, "400x1");
          assert.equal(callsOf(api, testCase).length, 1);
          assert.deepEqual(retriesOf(result), []);
          const caught = allEvents(result).find(
            (event) => event.type === "StateCaught" && event.state.name === testCase.state,
          );
          assert.equal(
            caught?.type === "StateCaught" && caught.catch.catcher.Next,
            testCase.announced ? recordFailureState(testCase.state) : states.recordOrderCreatedUnconfirmed,
          );
          assert.equal(
            failure(result).error,
            testCase.announced ? outcomeErrors.failureAnnounced : outcomeErrors.orderCreatedUnconfirmed,
          );
          assert.match(failure(result).cause, /ApiGateway\.400/);
        });

        if (!testCase.announced) {
          it("on a permanent 500, announces nothing and fails as unconfirmed: the event may have been delivered", async () => {
            const { execution: result, api } = await fromMatrix(mode, testCase, "500x*");
            assert.equal(callsOf(api, testCase).length, transientRetrier.MaxAttempts + 1);
            assert.deepEqual(api.events, []);
            assert.equal(failure(result).error, outcomeErrors.orderCreatedUnconfirmed);
            assert.match(failure(result).cause, /may or may not have been delivered: ApiGateway\.500/);
          });
          return;
        }

        it(`on a permanent 500, announces one OrderFailed naming ${testCase.failedState} and fails as announced`, async () => {
          const { execution: result, api } = await fromMatrix(mode, testCase, "500x*");
          assert.equal(callsOf(api, testCase).length, transientRetrier.MaxAttempts + 1);
          const failed = workflowOrderFailed(api);
          assert.equal(failed.length, 1);
          // Accepted where a cart exists; acknowledged without change where none does (no order).
          assert.equal(eventsOfType(api, "OrderFailed").length, api.carts.length);
          const { failedState, error, cause } = failed[0].detail as Record<string, string>;
          assert.deepEqual([failedState, error], [testCase.failedState, "ApiGateway.500"]);
          assert.ok(
            cause.startsWith(
              testCase.inMap
                ? `${testCase.route.operation}: {"message":"Injected fault`
                : `{"message":"Injected fault`,
            ),
            cause,
          );
          assert.deepEqual(eventsOfType(api, "OrderCreated"), []);
          const { error: executionError, cause: executionCause } = failure(result);
          assert.equal(executionError, outcomeErrors.failureAnnounced);
          assert.equal(executionCause, `${testCase.failedState} failed with ApiGateway.500: ${cause}`);
        });
      });
    }

    const caseOf = (route: Route) => cases.find((testCase) => testCase.route === route)!;

    it("reports a cart that was never created as cartId null, which the events service acknowledges without change", async () => {
      const { api } = await fromMatrix(mode, caseOf(routes.createOrder), "500x*");
      assert.equal(workflowOrderFailed(api)[0].detail.cartId, null);
      assert.deepEqual([api.calls(routes.receiveEvent.operation)[0].status, api.events], [200, []]);
    });

    it("fails as unannounced, keeping the original error, when the OrderFailed announcement fails too", async () => {
      const { result, api } = await runOn(modes[mode], oneItemOrder, (api) => {
        api.faults.fail(routes.getTaxes.operation, { status: 500, count: Infinity });
        api.faults.fail(routes.receiveEvent.operation, { status: 500, count: Infinity });
      });
      assert.deepEqual(api.events, []);
      assert.equal(failure(result).error, outcomeErrors.failureUnannounced);
      assert.match(
        failure(result).cause,
        new RegExp(`^${routes.getTaxes.operation} failed with ApiGateway.500`),
      );
    });

    it("creates one cart when CreateOrder is retried after the API created it but the response was lost", async () => {
      const { execution: result, api } = await fromMatrix(mode, caseOf(routes.createOrder), "lost 504x1");
      assert.equal(result.status, "SUCCEEDED");
      const creates = api.calls(routes.createOrder.operation);
      assert.deepEqual(
        creates.map((call) => call.status),
        [504, 201],
      );
      assert.equal(creates[0].headers["idempotency-key"], creates[1].headers["idempotency-key"]);
      assert.deepEqual(
        api.carts.map((cart) => [cart.cartId, cart.status]),
        [["cart-0001", "PRICED"]],
      );
    });

    it("announces OrderCreated once when its POST is retried after the response was lost", async () => {
      const { execution: result, api } = await fromMatrix(mode, caseOf(routes.receiveEvent), "lost 504x1");
      assert.equal(result.status, "SUCCEEDED");
      assert.equal(api.calls(routes.receiveEvent.operation).length, 2);
      assert.equal(eventsOfType(api, "OrderCreated").length, 1);
    });

    describe("a malformed answer", () => {
      const contract = Contract.load();
      for (const testCase of cases) {
        it(`from ${testCase.route.operation} is a 2xx whose body breaks the contract`, async () => {
          const { api } = await fromMatrix(mode, testCase, "malformedx*");
          const [first] = callsOf(api, testCase);
          assert.ok(first.status! >= 200 && first.status! < 300, String(first.status));
          const operation = contract.operation(testCase.route)!;
          assert.notDeepEqual(contract.checkResponse(operation, first.status!, first.response), []);
        });
      }
    });

    for (const testCase of cases.filter(({ inMap }) => inMap)) {
      it(`names ${testCase.route.operation} in the OrderFailed of its malformed answer inside the Map`, async () => {
        const { api } = await fromMatrix(mode, testCase, "malformedx*");
        const failed = eventsOfType(api, "OrderFailed").map(({ detail }) => detail as Record<string, string>);
        assert.deepEqual(
          failed.map(({ failedState, error }) => [failedState, error]),
          [[states.forEachProduct, outcomeErrors.malformedResponse]],
        );
        assert.ok(failed[0].cause.startsWith(`${testCase.route.operation} answered 2xx`), failed[0].cause);
      });
    }

    it("holds a call that times out until its caller gives up, so the API records no answer", async () => {
      const { api } = await fromMatrix(mode, cases[0], "timeoutx*");
      const calls = callsOf(api, cases[0]);
      assert.equal(calls.length, transientRetrier.MaxAttempts + 1);
      assert.ok(calls.every((call) => call.status === undefined));
    });
  });

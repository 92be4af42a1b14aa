/**
 * The outcome matrix's runs: every route of the route table under every kind of fault, and
 * operator stops, each run once, end to end, in both ways to price a cart (pricingFanOut inline
 * and express). Each execution runs once; the safety net then runs under each shape of the status
 * change event (with and without `error`), from the API as the execution left it. Shared by the
 * test files that read them (outcomes.test.ts checks the
 * invariants, faults.test.ts the retries and catches).
 */
import { states } from "../../components/definition/definition";
import { routes } from "../../components/routes";
import { Faults, FaultSpec } from "../../local/api/faults";
import { LocalRun, runUnderEventShapes } from "../../local/localRun";
import { EventShape, eventShapes } from "../../local/aws/safetyNet";
import { Mode, modeNames, modes, oneItemOrder } from "./harness";
import { TestClock } from "./testClock";

export interface MatrixCase {
  readonly name: string;
  readonly faults: Faults;
  readonly abortAt?: string;
}

export const faultKinds = [
  { label: "503x2", spec: { status: 503, count: 2 } },
  { label: "429x2", spec: { status: 429, count: 2 } },
  { label: "lost 504x1", spec: { status: 504, count: 1, responseLost: true } },
  { label: "500x*", spec: { status: 500, count: Infinity } },
  { label: "400x1", spec: { status: 400, count: 1 } },
  { label: "timeoutx*", spec: { kind: "timeout", count: Infinity } },
  { label: "malformedx*", spec: { kind: "malformed", count: Infinity } },
] as const satisfies readonly { readonly label: string; readonly spec: FaultSpec }[];

export type FaultLabel = (typeof faultKinds)[number]["label"];

/**
 * Where an operator stops the execution: before any event (the Map and Tax.GetTaxes inline, Price
 * Cart as the Express child is about to start, and Order.UpdateOrder), and as OrderCreated is
 * about to be sent (its Task entered: the stop comes before the call). The child's own states are
 * not among them: StopExecution does not support Express executions. OrderCreated is the last
 * state, so no stop can come after it was accepted: that the events service refuses the safety
 * net's OrderFailed then is shown where the service is tested (eventsService.test.ts) and by the
 * OrderFailed that was delivered but never confirmed (outcomes.test.ts).
 */
export const stopStates = (mode: Mode): string[] => [
  ...(mode === "express" ? [states.priceCart] : [states.forEachProduct, routes.getTaxes.operation]),
  routes.updateOrder.operation,
  states.orderCreatedEvent,
];

export const faultCaseName = (operation: string, label: FaultLabel): string => `${operation} ${label}`;
export const stopCaseName = (state: string): string => `aborted at ${state}`;

export const matrixCases = (mode: Mode): MatrixCase[] => [
  ...Object.values(routes).flatMap((route) =>
    faultKinds.map(({ label, spec }) => ({
      name: faultCaseName(route.operation, label),
      faults: new Faults().fail(route.operation, spec),
    })),
  ),
  ...stopStates(mode).map((state) => ({ name: stopCaseName(state), faults: new Faults(), abortAt: state })),
];

/**
 * Retry pauses of 1-2 ms. A time-out fires only where a call is held (a timeout fault), as soon as
 * the API holds it (test/local/testClock.ts): a machine busy with the other runs never turns a slow
 * answer into a spurious States.Timeout, which would change what the case proves.
 */
const retryScale = 1 / 1000;
/**
 * Runs at once. A run mostly waits on loopback calls and retry pauses, so more runs at once than
 * cores keep the one CPU mocha has busy; past about 24 they only queue behind each other.
 */
const concurrency = 24;
/** EventBridge's 186 attempts, bounded here: a dead letter after 4 says the same. */
const safetyNetMaxAttempts = 4;

type ShapedRuns = ReadonlyMap<EventShape, LocalRun>;
let all: Promise<ReadonlyMap<Mode, ReadonlyMap<string, ShapedRuns>>> | undefined;

/** Every case's run in every mode, started on first use and kept for the whole test run. */
function allRuns(): Promise<ReadonlyMap<Mode, ReadonlyMap<string, ShapedRuns>>> {
  all ??= (async () => {
    const runs = new Map(modeNames.map((mode) => [mode, new Map<string, ShapedRuns>()]));
    const queue = modeNames.flatMap((mode) => matrixCases(mode).map((testCase) => ({ mode, testCase })));
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const { mode, testCase } = next;
        const clock = new TestClock();
        const { definition, definitionSettings, stateMachines, stateMachineArn } = modes[mode];
        runs.get(mode)!.set(
          testCase.name,
          await runUnderEventShapes(
            {
              definition,
              definitionSettings,
              stateMachines,
              stateMachineArn,
              input: oneItemOrder,
              faults: clock.firingWhenHeld(testCase.faults, [definition, ...Object.values(stateMachines)]),
              abortAt: testCase.abortAt,
              retryScale,
              clock,
              safetyNetMaxAttempts,
            },
            eventShapes,
          ),
        );
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return runs;
  })();
  return all;
}

/**
 * The runs of one mode, by case name, with the safety net given the event in one shape (AWS's
 * documented one, without `error`, unless told).
 */
export const matrixRuns = async (
  mode: Mode,
  shape: EventShape = "documented",
): Promise<ReadonlyMap<string, LocalRun>> =>
  new Map([...(await allRuns()).get(mode)!].map(([name, shaped]) => [name, shaped.get(shape)!]));

/**
 * The outcome matrix's runs: every route of the route table under every kind of fault, and
 * operator stops at five points, each run once, end to end, and shared by the test files that
 * read them (outcomes.test.ts checks the invariants, faults.test.ts the retries and catches).
 */
import { checkResponseState, states } from "../../components/definition";
import { routes } from "../../components/routes";
import { Faults, FaultSpec } from "../../local/api/faults";
import { LocalRun, runLocally } from "../../local/localRun";
import { dev, oneItemOrder } from "./harness";

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
 * Where an operator stops the execution: before any event (the Map, Tax.GetTaxes, Order.UpdateOrder),
 * as OrderCreated is about to be sent (its Task entered: the stop comes before the call), and once it
 * was accepted (the Choice after it), when only the events service can keep the safety net's
 * OrderFailed from telling a second story.
 */
export const stopStates = [
  states.forEachProduct,
  routes.getTaxes.operation,
  routes.updateOrder.operation,
  states.orderCreatedEvent,
  checkResponseState(states.orderCreatedEvent),
];

export const faultCaseName = (operation: string, label: FaultLabel): string => `${operation} ${label}`;
export const stopCaseName = (state: string): string => `aborted at ${state}`;

export const matrixCases = (): MatrixCase[] => [
  ...Object.values(routes).flatMap((route) =>
    faultKinds.map(({ label, spec }) => ({
      name: faultCaseName(route.operation, label),
      faults: new Faults().fail(route.operation, spec),
    })),
  ),
  ...stopStates.map((state) => ({ name: stopCaseName(state), faults: new Faults(), abortAt: state })),
];

/**
 * Retry pauses of 1-2 ms; Task timeouts of 200 ms, long enough that a busy machine never turns a
 * slow answer into a spurious States.Timeout, which would change what the cases prove.
 */
const timeoutScale = 1 / 150;
const retryScale = 1 / 1000;
/** Runs at once: enough for the eight timeout cases to wait side by side; the rest is waiting on loopback. */
const concurrency = 8;
/** EventBridge's 186 attempts, bounded here: a dead letter after 4 says the same. */
const safetyNetMaxAttempts = 4;

let all: Promise<ReadonlyMap<string, LocalRun>> | undefined;

/** Every case's run, started on first use and kept for the whole test run. */
export function matrixRuns(): Promise<ReadonlyMap<string, LocalRun>> {
  all ??= (async () => {
    const runs = new Map<string, LocalRun>();
    // The timeout cases wait longest: started first, they overlap with all the others.
    const queue = matrixCases().sort(
      (a, b) => Number(b.name.includes("timeout")) - Number(a.name.includes("timeout")),
    );
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
    return runs;
  })();
  return all;
}

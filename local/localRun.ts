import { AslDefinition, statesOf } from "../components/definition/asl";
import type { DefinitionSettings } from "../components/definition/definition";
import { Faults } from "./api/faults";
import { ApiRecord, startOrderApi } from "./api/server";
import { runResult, RunResult } from "./runResult";
import type { StackDefinition } from "./stackDefinition";
import { defaultTimeoutScale, ExecutionOptions, runExecution } from "./aws/runner";
import { ExecutionResult } from "./aws/execution";
import {
  deliveryTimeoutSeconds,
  EventShape,
  runSafetyNet,
  SafetyNetOptions,
  SafetyNetOutcome,
} from "./aws/safetyNet";
import type { TimeoutClock } from "./aws/timeoutClock";

export interface LocalRunOptions {
  readonly definition: AslDefinition;
  /** Where the run says the order's state machine is (StackDefinition's); the runner's placeholder when absent. */
  readonly stateMachineArn?: string;
  readonly definitionSettings: DefinitionSettings;
  /** The state machines the definition may start, by ARN: a stack's pricing child (StackDefinition). */
  readonly stateMachines?: Readonly<Record<string, AslDefinition>>;
  readonly input: unknown;
  readonly faults?: Faults;
  readonly retryScale?: number;
  readonly timeoutScale?: number;
  /** What times out the Tasks, the executions and the safety net's deliveries: real timers by default. */
  readonly clock?: TimeoutClock;
  readonly abortAt?: string;
  /** Whether the status change event carries `error` and `cause`: AWS's documented shape (none) by default. */
  readonly eventShape?: EventShape;
  /** The safety net's delivery attempts before dead-lettering; EventBridge's 186 by default. */
  readonly safetyNetMaxAttempts?: number;
  /** How long one delivery attempt waits; EventBridge's 5 s times timeoutScale (at least 50 ms) by default. */
  readonly safetyNetAttemptTimeoutMs?: number;
  /** Called once the local API listens, with where. */
  readonly onStarted?: (origin: string) => void;
  readonly onEvent?: ExecutionOptions["onEvent"];
  /** Called as each of the safety net's delivery attempts ends. */
  readonly onDeliveryAttempt?: SafetyNetOptions["onAttempt"];
}

export interface LocalRun {
  readonly execution: ExecutionResult;
  /** The shape of the status change event the safety net was given. */
  readonly eventShape: EventShape;
  readonly safetyNet: SafetyNetOutcome;
  readonly result: RunResult;
  /** The API as it stood at the end, for tests that look deeper than the result. */
  readonly api: ApiRecord;
}

/** The state names of the definitions, each once: where a run may stop. */
export const stateNamesOf = (definitions: readonly AslDefinition[]): string[] => [
  ...new Set(definitions.flatMap((definition) => statesOf(definition).map((located) => located.name))),
];

/**
 * Refuses a state the definition does not have, naming the ones it has. A state of a state
 * machine it starts (the Express pricing child) is refused for what it is: StopExecution does not
 * support Express executions (API_StopExecution.html), so no operator can stop an order there.
 */
export function checkAbortAt(
  definition: AslDefinition,
  state: string | undefined,
  stateMachines: Readonly<Record<string, AslDefinition>> = {},
): void {
  if (state === undefined) return;
  const names = stateNamesOf([definition]);
  if (names.includes(state)) return;
  if (stateNamesOf(Object.values(stateMachines)).includes(state)) {
    throw new Error(
      `--abort-at: "${state}" is a state of the Express pricing child, and StopExecution does not support Express executions: no operator can stop it there. Stop the order at one of its own states: ${names.join(", ")}.`,
    );
  }
  throw new Error(`--abort-at: no state "${state}" in the definition. States: ${names.join(", ")}.`);
}

/** How long the local safety net waits for each delivery: EventBridge's timeout, scaled as the run's Task timeouts, never below 50 ms. */
export const safetyNetAttemptTimeoutMs = (timeoutScale: number): number =>
  // Never below 50 ms: a loaded machine must not turn a slow answer into a spurious retry.
  Math.max(50, Math.round(deliveryTimeoutSeconds * 1000 * timeoutScale));

/**
 * One order, end to end, as AWS would run it: the execution against a fresh local API, then the
 * safety net on its final status. The API is closed when this resolves.
 */
export async function runLocally(options: LocalRunOptions): Promise<LocalRun> {
  const shape = options.eventShape ?? "documented";
  return (await runUnderEventShapes(options, [shape])).get(shape)!;
}

/**
 * One execution, then the safety net once under each event shape, each from the API as the
 * execution left it: the shape matters only once the execution has ended, so the runs differ only
 * in what the safety net did. The API is closed when this resolves.
 */
export async function runUnderEventShapes(
  options: LocalRunOptions,
  shapes: readonly EventShape[],
): Promise<ReadonlyMap<EventShape, LocalRun>> {
  checkAbortAt(options.definition, options.abortAt, options.stateMachines);
  const { stage, endpoint } = options.definitionSettings;
  const api = await startOrderApi({ stage, faults: options.faults ?? new Faults() });
  try {
    options.onStarted?.(api.origin);
    const execution = await runExecution({
      definition: options.definition,
      stateMachines: options.stateMachines,
      apiOrigins: { [endpoint]: api.origin },
      input: options.input,
      retryScale: options.retryScale,
      timeoutScale: options.timeoutScale,
      clock: options.clock,
      abortAt: options.abortAt,
      onEvent: options.onEvent,
      execution:
        options.stateMachineArn === undefined
          ? undefined
          : { stateMachineArn: options.stateMachineArn, type: options.definitionSettings.workflowType },
    });
    const rewind = api.checkpoint();
    const runs = new Map<EventShape, LocalRun>();
    for (const eventShape of shapes) {
      rewind();
      const safetyNet = await runSafetyNet(execution, options.input, {
        origin: api.origin,
        stage,
        eventShape,
        workflowType: options.definitionSettings.workflowType,
        maxAttempts: options.safetyNetMaxAttempts,
        clock: options.clock,
        onAttempt: options.onDeliveryAttempt,
        attemptTimeoutMs:
          options.safetyNetAttemptTimeoutMs ??
          safetyNetAttemptTimeoutMs(options.timeoutScale ?? defaultTimeoutScale),
      });
      const record = api.snapshot();
      runs.set(eventShape, {
        execution,
        eventShape,
        safetyNet,
        result: runResult(execution, record, safetyNet, options.definitionSettings.workflowType),
        api: record,
      });
    }
    return runs;
  } finally {
    await api.close();
  }
}

/** What runOrder needs of a stack: its definitions, as loadStackDefinition builds them. */
export type LocalStack = Pick<
  StackDefinition,
  "definition" | "definitionSettings" | "stateMachines" | "stateMachineArn"
>;

/**
 * One order on a stack, either pricingFanOut: `run.result.billing` is what AWS would bill for it.
 * `loadStackDefinition("dev", undefined, { pricingFanOut: "express" })` gives the other mode.
 */
export function runOrder(
  stack: LocalStack,
  input: unknown,
  options: Omit<LocalRunOptions, keyof LocalStack | "input"> = {},
): Promise<LocalRun> {
  const { definition, definitionSettings, stateMachines, stateMachineArn } = stack;
  return runLocally({ ...options, definition, definitionSettings, stateMachines, stateMachineArn, input });
}

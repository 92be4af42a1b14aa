import { AslDefinition, statesOf } from "../components/asl";
import type { DefinitionSettings } from "../components/definition";
import { Faults } from "./api/faults";
import { OrderApi, startOrderApi } from "./api/server";
import { runResult, RunResult } from "./runResult";
import type { StackDefinition } from "./stackDefinition";
import { defaultTimeoutScale, ExecutionOptions, ExecutionResult, runExecution } from "./runner";
import { deliveryTimeoutSeconds, runSafetyNet, SafetyNetOptions, SafetyNetOutcome } from "./safetyNet";
import type { TimeoutClock } from "./timeoutClock";

export interface LocalRunOptions {
  readonly definition: AslDefinition;
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
  /** The safety net's delivery attempts before dead-lettering; EventBridge's 186 by default. */
  readonly safetyNetMaxAttempts?: number;
  /** Called once the local API listens, with where. */
  readonly onStarted?: (origin: string) => void;
  readonly onEvent?: ExecutionOptions["onEvent"];
  /** Called as each of the safety net's delivery attempts ends. */
  readonly onDeliveryAttempt?: SafetyNetOptions["onAttempt"];
}

export interface LocalRun {
  readonly execution: ExecutionResult;
  readonly safetyNet: SafetyNetOutcome;
  readonly result: RunResult;
  /** The API as it stood at the end, for tests that look deeper than the result. */
  readonly api: OrderApi;
}

/** The state names of the definitions, each once: where a run may stop. */
export const stateNamesOf = (definitions: readonly AslDefinition[]): string[] => [
  ...new Set(definitions.flatMap((definition) => statesOf(definition).map((located) => located.name))),
];

/** Refuses a state neither the definition nor a state machine it starts has, naming the ones they have. */
export function checkAbortAt(
  definition: AslDefinition,
  state: string | undefined,
  stateMachines: Readonly<Record<string, AslDefinition>> = {},
): void {
  if (state === undefined) return;
  const names = stateNamesOf([definition, ...Object.values(stateMachines)]);
  if (!names.includes(state)) {
    throw new Error(`--abort-at: no state "${state}" in the definition. States: ${names.join(", ")}.`);
  }
}

/**
 * One order, end to end, as AWS would run it: the execution against a fresh local API, then the
 * safety net on its final status. The API is closed when this resolves.
 */
export async function runLocally(options: LocalRunOptions): Promise<LocalRun> {
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
    });
    const safetyNet = await runSafetyNet(execution, options.input, {
      origin: api.origin,
      stage,
      workflowType: options.definitionSettings.workflowType,
      maxAttempts: options.safetyNetMaxAttempts,
      clock: options.clock,
      onAttempt: options.onDeliveryAttempt,
      // Never below 50 ms: a loaded machine must not turn a slow answer into a spurious retry.
      attemptTimeoutMs: Math.max(
        50,
        Math.round(deliveryTimeoutSeconds * 1000 * (options.timeoutScale ?? defaultTimeoutScale)),
      ),
    });
    return {
      execution,
      safetyNet,
      result: runResult(execution, api, safetyNet, options.definitionSettings.workflowType),
      api,
    };
  } finally {
    await api.close();
  }
}

/** What runOrder needs of a stack: its definitions, as loadStackDefinition builds them. */
export type LocalStack = Pick<StackDefinition, "definition" | "definitionSettings" | "stateMachines">;

/**
 * One order on a stack, either pricingFanOut: `run.result.billing` is what AWS would bill for it.
 * `loadStackDefinition("dev", undefined, { pricingFanOut: "express" })` gives the other mode.
 */
export function runOrder(
  stack: LocalStack,
  input: unknown,
  options: Omit<LocalRunOptions, keyof LocalStack | "input"> = {},
): Promise<LocalRun> {
  const { definition, definitionSettings, stateMachines } = stack;
  return runLocally({ ...options, definition, definitionSettings, stateMachines, input });
}

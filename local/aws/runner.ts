import { randomUUID } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import { ExecutionAbortedError, ExecutionTimeoutError, StateMachine } from "./engine";
import { AslDefinition, statesOf } from "../../components/definition/asl";
import { startSyncExecution } from "../../components/definition/definition";
import { ApiGatewayInvoker, ApiGatewayParameters } from "./apiGatewayInvoker";
import { apiGatewayTasks } from "./definitionStates";
import { scaledRetryWaits } from "./retryWaits";
import {
  checkedParameters,
  executionInput,
  sfnError,
  StartSyncExecutionResponse,
  syncExecutionResponse,
} from "./startSyncExecution";
import { pathTemplateOf } from "./taskPath";
import { realClock, TimeoutClock } from "./timeoutClock";
import type { ExecutionEvent, ExecutionIdentity, ExecutionResult, ExecutionScope } from "./execution";

export interface ExecutionOptions {
  readonly definition: AslDefinition;
  /**
   * The state machines a StartSyncExecution Task may start, by ARN; any other ARN fails the Task
   * with Sfn.StateMachineDoesNotExistException, as AWS answers.
   */
  readonly stateMachines?: Readonly<Record<string, AslDefinition>>;
  /** Each ApiEndpoint of the definition and the local origin that serves it. */
  readonly apiOrigins: Readonly<Record<string, string>>;
  readonly input: unknown;
  /** Retry pauses are the definition's IntervalSeconds times this; 1/100 by default. */
  readonly retryScale?: number;
  /** Task and execution TimeoutSeconds are scaled by this; 1/100 by default. */
  readonly timeoutScale?: number;
  /** What times the Tasks and the execution out: real timers by default. */
  readonly clock?: TimeoutClock;
  /**
   * Stop the execution when this state is first entered, as an operator's StopExecution would.
   * Only a state of this definition: StopExecution does not support Express executions, so no
   * child it starts is ever stopped (local/localRun.ts refuses a child's state).
   */
  readonly abortAt?: string;
  /** Called with each event as it happens, the child executions' included, for a live trace. */
  readonly onEvent?: (event: ExecutionEvent, scope: ExecutionScope) => void;
  readonly execution?: ExecutionIdentity;
  /** Where the events go in the trace: set for a child execution. */
  readonly startedBy?: ExecutionScope["startedBy"];
}

export const defaultRetryScale = 1 / 100;
export const defaultTimeoutScale = 1 / 100;

/** What an execution that outlasts its TimeoutSeconds reports (ExecutionTimedOut history event). */
export const executionTimeoutError = "States.Timeout";
/** What `abortAt` passes to the stop, as an operator may with StopExecution's error and cause. */
export const abortError = "Operator.Stopped";

/** The order's own state machine, locally: account and region are placeholders. */
export const localStateMachineArn =
  "arn:aws:states:us-east-1:000000000000:stateMachine:order-processing-workflow";

/**
 * A fresh execution ARN: the definition derives its idempotency keys from it, so each run needs its
 * own. Only the shape and the uniqueness matter locally.
 */
function freshExecutionArn(identity: ExecutionIdentity): { readonly arn: string; readonly name: string } {
  const name = identity.name ?? randomUUID();
  const machine = identity.stateMachineArn.replace(/^arn:aws:states:/, "").split(":stateMachine:");
  if (machine.length !== 2) throw new Error(`Not a state machine ARN: ${identity.stateMachineArn}`);
  const [regionAndAccount, machineName] = machine;
  // Express execution names need not be unique, so their ARNs end in an id of their own.
  return identity.type === "EXPRESS"
    ? { arn: `arn:aws:states:${regionAndAccount}:express:${machineName}:${name}:${randomUUID()}`, name }
    : { arn: `arn:aws:states:${regionAndAccount}:execution:${machineName}:${name}`, name };
}

/**
 * Validating a definition takes the engine about 0.1 s, so each is validated once, then run as
 * often as needed: found by the object, or else by its JSON, as every `npm start` in one process
 * (the CLI tests) builds the same definitions anew. The text is taken before the engine sees the
 * object, which it fills with defaults.
 */
const machines = new WeakMap<AslDefinition, StateMachine>();
const machinesByText = new Map<string, StateMachine>();

function machineFor(definition: AslDefinition): StateMachine {
  let machine = machines.get(definition);
  if (machine === undefined) {
    const text = JSON.stringify(definition);
    machine =
      machinesByText.get(text) ??
      // The ASL types of this project and of the engine describe the same JSON.
      new StateMachine(definition as ConstructorParameters<typeof StateMachine>[0], {
        // The engine's ARN check only knows Lambda ARNs.
        validationOptions: { checkArn: false },
      });
    machines.set(definition, machine);
    machinesByText.set(text, machine);
  }
  return machine;
}

/** The engine's own Task timeout would wait the definition's real TimeoutSeconds. */
function taskTimeoutError(state: string, seconds: number, scaledMs: number): Error {
  const error = new Error(
    `${state} did not answer within its TimeoutSeconds (${seconds} s, ${scaledMs} ms locally)`,
  );
  error.name = "States.Timeout";
  return error;
}

const scaledMs = (seconds: number, scale: number): number => Math.max(1, Math.round(seconds * 1000 * scale));

/** The Tasks of a definition that start another state machine synchronously. */
const startSyncTasks = (definition: AslDefinition) =>
  statesOf(definition).filter(({ state }) => state.Type === "Task" && state.Resource === startSyncExecution);

/**
 * Runs a definition in the local Step Functions engine with every API Gateway Task sending real
 * HTTP calls to a local API, and every StartSyncExecution Task running the child it names from
 * `stateMachines` the same way. Resolves once the execution has ended and its calls, its
 * children's included, have settled.
 */
export async function runExecution(options: ExecutionOptions): Promise<ExecutionResult> {
  const invoker = new ApiGatewayInvoker(options.apiOrigins);
  const { arn: executionArn, name } = freshExecutionArn(
    options.execution ?? { stateMachineArn: localStateMachineArn, type: "STANDARD" },
  );
  const scope: ExecutionScope = {
    definition: options.definition,
    executionArn,
    startedBy: options.startedBy,
  };
  const timeoutScale = options.timeoutScale ?? defaultTimeoutScale;
  const clock = options.clock ?? realClock;
  // Ends the calls still in flight when the execution stops: Step Functions abandons them too.
  const stopped = new AbortController();
  let stop: { status: "TIMED_OUT" | "ABORTED"; error: string; cause: string } | undefined;
  const execution = machineFor(options.definition).run(options.input as never, {
    overrides: {
      taskResourceLocalHandlers: Object.fromEntries([
        ...apiGatewayTasks(options.definition).map(({ name: state, state: task }) => [
          state,
          apiHandlerFor(state, task.Parameters as Record<string, unknown>, Number(task.TimeoutSeconds ?? 60)),
        ]),
        ...startSyncTasks(options.definition).map(({ name: state, state: task }) => [
          state,
          startSyncHandlerFor(state, Number(task.TimeoutSeconds ?? 60)),
        ]),
      ]),
      retryIntervalOverrides: scaledRetryWaits(options.definition, options.retryScale ?? defaultRetryScale),
    },
    context: { Execution: { Id: executionArn, Name: name } },
  });
  const halt = (status: "TIMED_OUT" | "ABORTED", error: string, cause: string) => {
    if (stop !== undefined) return;
    stop = { status, error, cause };
    execution.abort();
    stopped.abort();
  };

  // The engine abandons a failed Map's other iterations without awaiting their calls; tracking
  // them lets the run end only when the API is quiet, so what it recorded is final.
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    const forget = () => inFlight.delete(work);
    work.then(forget, forget);
    return work;
  };
  /** Stops the run at `abortAt`, then gives the trace one turn to show the state entered before its work starts. */
  const enter = async (state: string) => {
    if (state === options.abortAt) halt("ABORTED", abortError, `Stopped when ${state} was entered`);
    await nextTurn();
    if (stopped.signal.aborted) throw new Error("The execution was stopped");
  };

  function apiHandlerFor(state: string, parameters: Record<string, unknown>, timeoutSeconds: number) {
    const template = pathTemplateOf(parameters);
    const timeoutMs = scaledMs(timeoutSeconds, timeoutScale);
    return async (input: unknown) => {
      await enter(state);
      const timedOut = new AbortController();
      const cancelTimeout = clock.start({ kind: "task", state, executionArn }, timeoutMs, () =>
        timedOut.abort(),
      );
      const call = invoker
        .invoke(input as ApiGatewayParameters, template, AbortSignal.any([stopped.signal, timedOut.signal]))
        .catch((error: unknown) => {
          throw timedOut.signal.aborted ? taskTimeoutError(state, timeoutSeconds, timeoutMs) : error;
        })
        .finally(cancelTimeout);
      // The result is JSON; the engine's JSONValue type has no room for the `unknown` response body.
      return track(call) as Promise<never>;
    };
  }

  /**
   * A Task that runs another state machine to its end and answers with StartSyncExecution's
   * response. The child is an Express execution, which nothing can stop (StopExecution does not
   * support Express executions): when the Task gives up (its TimeoutSeconds) or this execution
   * stops, the child runs on to its own end, and its answer is discarded. The run ends only once
   * it has (`track`), so what the API recorded is final.
   */
  const children: ExecutionResult[] = [];
  function startSyncHandlerFor(state: string, timeoutSeconds: number) {
    const timeoutMs = scaledMs(timeoutSeconds, timeoutScale);
    return async (input: unknown): Promise<StartSyncExecutionResponse> => {
      await enter(state);
      const parameters = checkedParameters(input);
      const definition = options.stateMachines?.[parameters.StateMachineArn];
      if (definition === undefined) {
        throw sfnError(
          "StateMachineDoesNotExistException",
          `State Machine Does Not Exist: '${parameters.StateMachineArn}'`,
        );
      }
      const child = track(
        runExecution({
          ...options,
          definition,
          input: executionInput(parameters),
          execution: { stateMachineArn: parameters.StateMachineArn, name: parameters.Name, type: "EXPRESS" },
          startedBy: { state, scope },
          abortAt: undefined,
        }).then((result) => {
          children.push(result);
          return result;
        }),
      );
      let cancelTimeout = () => {};
      const gaveUp = new Promise<"timed out" | "stopped">((resolve) => {
        cancelTimeout = clock.start({ kind: "task", state, executionArn }, timeoutMs, () =>
          resolve("timed out"),
        );
        if (stopped.signal.aborted) resolve("stopped");
        stopped.signal.addEventListener("abort", () => resolve("stopped"), { once: true });
      });
      const ended = await Promise.race([child, gaveUp]).finally(() => cancelTimeout());
      if (ended === "timed out") throw taskTimeoutError(state, timeoutSeconds, timeoutMs);
      if (ended === "stopped") throw new Error("The execution was stopped");
      return syncExecutionResponse(ended, parameters);
    };
  }

  const startedAt = new Date();
  const events: ExecutionEvent[] = [];
  const logged = (async () => {
    for await (const event of execution.eventLogs) {
      events.push(event);
      if (event.type === "StateEntered" && event.state.name === options.abortAt)
        halt("ABORTED", abortError, `Stopped when ${event.state.name} was entered`);
      options.onEvent?.(event, scope);
    }
  })();
  const executionTimeoutSeconds = (options.definition as { TimeoutSeconds?: number }).TimeoutSeconds;
  const cancelExecutionTimeout =
    executionTimeoutSeconds === undefined
      ? () => undefined
      : clock.start(
          { kind: "execution", executionArn },
          scaledMs(executionTimeoutSeconds, timeoutScale),
          () =>
            halt(
              "TIMED_OUT",
              executionTimeoutError,
              `The execution ran longer than its TimeoutSeconds (${executionTimeoutSeconds} s, ${scaledMs(executionTimeoutSeconds, timeoutScale)} ms locally)`,
            ),
        );

  // The engine's own ending, when it ended by itself; undefined when a stop ended it.
  let ended:
    | { readonly status: "SUCCEEDED"; readonly output: unknown }
    | { readonly status: "FAILED"; readonly error: string; readonly cause: string }
    | undefined;
  try {
    ended = { status: "SUCCEEDED", output: await execution.result };
  } catch (thrown) {
    if (thrown instanceof ExecutionTimeoutError) {
      // The engine's own timer, at the definition's real TimeoutSeconds: only when the scale is 1 or more.
      halt("TIMED_OUT", executionTimeoutError, `The execution ran longer than its TimeoutSeconds`);
    } else if (!(thrown instanceof ExecutionAbortedError)) {
      // The engine wraps the state's error (name = Error, message = Cause) in an ExecutionError.
      const failure = ((thrown as { cause?: unknown }).cause ?? thrown) as Error;
      ended = { status: "FAILED", error: failure.name, cause: failure.message };
    }
  } finally {
    cancelExecutionTimeout();
  }
  const stoppedAt = new Date();
  await logged;
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);

  const record = {
    events,
    executionArn,
    name,
    children,
    startedAt,
    stoppedAt,
    durationMs: stoppedAt.getTime() - startedAt.getTime(),
  };
  // A stop that comes after the execution ended by itself changes nothing, as in Step Functions.
  const final = ended ?? stop;
  if (final === undefined) throw new Error("The execution was aborted without a reason");
  return { ...final, ...record };
}

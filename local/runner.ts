import { randomUUID } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import { ExecutionAbortedError, ExecutionTimeoutError, StateMachine } from "aws-local-stepfunctions";
import type { AslDefinition } from "../components/asl";
import { ApiGatewayInvoker, ApiGatewayParameters } from "./apiGatewayInvoker";
import { apiGatewayTasks } from "./definitionStates";
import { scaledRetryWaits } from "./retryWaits";
import { pathTemplateOf } from "./taskPath";

/** One entry of the engine's execution log (the package does not export the type). */
export type ExecutionEvent =
  ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

export interface ExecutionOptions {
  readonly definition: AslDefinition;
  /** Each ApiEndpoint of the definition and the local origin that serves it. */
  readonly apiOrigins: Readonly<Record<string, string>>;
  readonly input: unknown;
  /** Retry pauses are the definition's IntervalSeconds times this; 1/100 by default. */
  readonly retryScale?: number;
  /** Task and execution TimeoutSeconds are scaled by this; 1/100 by default. */
  readonly timeoutScale?: number;
  /** Stop the execution when this state is first entered, as an operator's StopExecution would. */
  readonly abortAt?: string;
  /** Called with each event as it happens, for a live trace. */
  readonly onEvent?: (event: ExecutionEvent) => void;
}

interface ExecutionRecord {
  readonly events: ExecutionEvent[];
  readonly executionArn: string;
  readonly startedAt: Date;
  readonly stoppedAt: Date;
  /** From the start of the execution to its end, the definition's validation excluded. */
  readonly durationMs: number;
}

/** The statuses DescribeExecution reports for an execution that has ended. */
export type FinalStatus = "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

export type ExecutionResult =
  | (ExecutionRecord & { readonly status: "SUCCEEDED"; readonly output: unknown })
  | (ExecutionRecord & {
      readonly status: Exclude<FinalStatus, "SUCCEEDED">;
      readonly error: string;
      readonly cause: string;
    });

export const defaultRetryScale = 1 / 100;
export const defaultTimeoutScale = 1 / 100;

/** What an execution that outlasts its TimeoutSeconds reports (ExecutionTimedOut history event). */
export const executionTimeoutError = "States.Timeout";
/** What `abortAt` passes to the stop, as an operator may with StopExecution's error and cause. */
export const abortError = "Operator.Stopped";

/**
 * A fresh execution ARN: the definition derives its idempotency keys from it, so each run needs its
 * own. Account and region are placeholders; only the shape and the uniqueness matter locally.
 */
const freshExecutionArn = (): string =>
  `arn:aws:states:us-east-1:000000000000:execution:order-processing-workflow:${randomUUID()}`;

/** Validating a definition takes the engine about 0.1 s, so each is validated once, then run as often as needed. */
const machines = new WeakMap<AslDefinition, StateMachine>();

function machineFor(definition: AslDefinition): StateMachine {
  let machine = machines.get(definition);
  if (machine === undefined) {
    // The ASL types of this project and of the engine describe the same JSON.
    machine = new StateMachine(definition as ConstructorParameters<typeof StateMachine>[0], {
      // The engine's ARN check only knows Lambda ARNs.
      validationOptions: { checkArn: false },
    });
    machines.set(definition, machine);
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

/**
 * Runs a definition in the local Step Functions engine with every API Gateway Task sending real
 * HTTP calls to a local API. Resolves once the execution has ended and its calls have settled.
 */
export async function runExecution(options: ExecutionOptions): Promise<ExecutionResult> {
  const invoker = new ApiGatewayInvoker(options.apiOrigins);
  const executionArn = freshExecutionArn();
  const timeoutScale = options.timeoutScale ?? defaultTimeoutScale;
  // Ends the calls still in flight when the execution stops: Step Functions abandons them too.
  const stopped = new AbortController();
  let stop: { status: "TIMED_OUT" | "ABORTED"; error: string; cause: string } | undefined;
  const execution = machineFor(options.definition).run(options.input as never, {
    overrides: {
      taskResourceLocalHandlers: Object.fromEntries(
        apiGatewayTasks(options.definition).map(({ name, state }) => [
          name,
          handlerFor(name, state.Parameters as Record<string, unknown>, Number(state.TimeoutSeconds ?? 60)),
        ]),
      ),
      retryIntervalOverrides: scaledRetryWaits(options.definition, options.retryScale ?? defaultRetryScale),
    },
    context: { Execution: { Id: executionArn, Name: executionArn.split(":").pop() } },
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
  function handlerFor(name: string, parameters: Record<string, unknown>, timeoutSeconds: number) {
    const template = pathTemplateOf(parameters);
    const timeoutMs = scaledMs(timeoutSeconds, timeoutScale);
    return async (input: unknown) => {
      if (name === options.abortAt) halt("ABORTED", abortError, `Stopped when ${name} was entered`);
      // One turn of the event loop lets the trace see a state entered (and `abortAt` stop the run) before its calls start.
      await nextTurn();
      if (stopped.signal.aborted) throw new Error("The execution was stopped");
      const timedOut = new AbortController();
      const timer = setTimeout(() => timedOut.abort(), timeoutMs);
      const call = invoker
        .invoke(input as ApiGatewayParameters, template, AbortSignal.any([stopped.signal, timedOut.signal]))
        .catch((error: unknown) => {
          throw timedOut.signal.aborted ? taskTimeoutError(name, timeoutSeconds, timeoutMs) : error;
        })
        .finally(() => clearTimeout(timer));
      inFlight.add(call);
      const forget = () => inFlight.delete(call);
      call.then(forget, forget);
      // The result is JSON; the engine's JSONValue type has no room for the `unknown` response body.
      return call as Promise<never>;
    };
  }

  const startedAt = new Date();
  const events: ExecutionEvent[] = [];
  const logged = (async () => {
    for await (const event of execution.eventLogs) {
      events.push(event);
      if (event.type === "StateEntered" && event.state.name === options.abortAt)
        halt("ABORTED", abortError, `Stopped when ${event.state.name} was entered`);
      options.onEvent?.(event);
    }
  })();
  const executionTimeoutSeconds = (options.definition as { TimeoutSeconds?: number }).TimeoutSeconds;
  const executionTimer =
    executionTimeoutSeconds === undefined
      ? undefined
      : setTimeout(
          () =>
            halt(
              "TIMED_OUT",
              executionTimeoutError,
              `The execution ran longer than its TimeoutSeconds (${executionTimeoutSeconds} s, ${scaledMs(executionTimeoutSeconds, timeoutScale)} ms locally)`,
            ),
          scaledMs(executionTimeoutSeconds, timeoutScale),
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
    clearTimeout(executionTimer);
  }
  const stoppedAt = new Date();
  await logged;
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);

  const record = {
    events,
    executionArn,
    startedAt,
    stoppedAt,
    durationMs: stoppedAt.getTime() - startedAt.getTime(),
  };
  // A stop that comes after the execution ended by itself changes nothing, as in Step Functions.
  const final = ended ?? stop;
  if (final === undefined) throw new Error("The execution was aborted without a reason");
  return { ...final, ...record };
}

import { randomUUID } from "node:crypto";
import { StateMachine } from "aws-local-stepfunctions";
import type { AslDefinition } from "../components/asl";
import { ApiGatewayInvoker, ApiGatewayParameters } from "./apiGatewayInvoker";
import { apiGatewayTasks } from "./definitionStates";
import { scaledRetryWaits } from "./retryWaits";

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
  /** Called with each event as it happens, for a live trace. */
  readonly onEvent?: (event: ExecutionEvent) => void;
}

interface ExecutionRecord {
  readonly events: ExecutionEvent[];
  readonly executionArn: string;
  /** From the start of the execution to its end, the definition's validation excluded. */
  readonly durationMs: number;
}

export type ExecutionResult =
  | (ExecutionRecord & { readonly status: "SUCCEEDED"; readonly output: unknown })
  | (ExecutionRecord & { readonly status: "FAILED"; readonly error: string; readonly cause: string });

export const defaultRetryScale = 1 / 100;

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

/**
 * Runs a definition in the local Step Functions engine with every API Gateway Task sending real
 * HTTP calls to a local API. Resolves once the execution has ended and its calls have settled.
 */
export async function runExecution(options: ExecutionOptions): Promise<ExecutionResult> {
  const invoker = new ApiGatewayInvoker(options.apiOrigins);
  const executionArn = freshExecutionArn();
  // The engine abandons a failed Map's other iterations without awaiting their calls; tracking
  // them lets the run end only when the API is quiet, so what it recorded is final.
  const inFlight = new Set<Promise<unknown>>();
  const handler = (input: unknown) => {
    const call = invoker.invoke(input as ApiGatewayParameters);
    inFlight.add(call);
    const forget = () => inFlight.delete(call);
    call.then(forget, forget);
    // The result is JSON; the engine's JSONValue type has no room for the `unknown` response body.
    return call as Promise<never>;
  };
  const taskResourceLocalHandlers = Object.fromEntries(
    apiGatewayTasks(options.definition).map(({ name }) => [name, handler]),
  );

  const machine = machineFor(options.definition);
  const started = Date.now();
  const execution = machine.run(options.input as never, {
    overrides: {
      taskResourceLocalHandlers,
      retryIntervalOverrides: scaledRetryWaits(options.definition, options.retryScale ?? defaultRetryScale),
    },
    context: { Execution: { Id: executionArn, Name: executionArn.split(":").pop() } },
  });

  const events: ExecutionEvent[] = [];
  const logged = (async () => {
    for await (const event of execution.eventLogs) {
      events.push(event);
      options.onEvent?.(event);
    }
  })();

  let outcome: { output: unknown } | { error: string; cause: string };
  try {
    outcome = { output: await execution.result };
  } catch (thrown) {
    // The engine wraps the state's error (name = Error, message = Cause) in an ExecutionError.
    const failure = ((thrown as { cause?: unknown }).cause ?? thrown) as Error;
    outcome = { error: failure.name, cause: failure.message };
  }
  const durationMs = Date.now() - started;
  await logged;
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);

  const record = { events, executionArn, durationMs };
  return "output" in outcome
    ? { status: "SUCCEEDED", output: outcome.output, ...record }
    : { status: "FAILED", ...outcome, ...record };
}

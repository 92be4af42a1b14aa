/**
 * `npm start`: runs the definition a stack deploys, in the local Step Functions engine, against the
 * local order API, and prints every state as it runs. `npm start -- --help` for the options.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { resolve } from "node:path";
import { routes } from "../../components/routes";
import { Faults } from "../api/faults";
import { defaultInputFile, forgottenDoubleDash, parseCliArgs, usage, UsageError } from "./cliArgs";
import { availableStacks, ConfigError, loadStackForCli } from "./cliStack";
import { colorsFor } from "./colors";
import { apiGatewayTasks } from "../aws/definitionStates";
import { suggestion } from "./didYouMean";
import { routeOperationFor } from "./faultTargets";
import { latencyWarnings } from "./latencyWarnings";
import { checkAbortAt, runLocally, stateNamesOf } from "../localRun";
import { safetyNetSummary } from "./safetyNetSummary";
import { stateSizeLimitBytes } from "../aws/stateSize";
import { realClock, TimeoutClock } from "../aws/timeoutClock";
import { summary, TracePrinter } from "./trace";

/** 1 is only ever a failed execution, so a script can tell it from a mistake in the command. */
export const exitCodes = { succeeded: 0, failed: 1, usage: 2, internal: 3 } as const;

/** Where the run is printed: process.stdout, or a stand-in in tests. */
export interface Output {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * A stream that stops taking writes once it fails, as stdout does with EPIPE when its reader has
 * gone (`npm start | head -1`): the run goes on quietly to its exit code instead of crashing.
 */
export function quietWhenClosed(stream: NodeJS.WritableStream & { readonly isTTY?: boolean }): Output {
  let closed = false;
  stream.on("error", () => (closed = true));
  return { isTTY: stream.isTTY, write: (text) => closed || stream.write(text) };
}

/**
 * How deep an input may nest, objects and arrays counted. Not an AWS limit (none is documented):
 * the local engine copies the input recursively before its first state, and on a stack overflow
 * there (a few thousand levels) it neither fails the execution nor ends it. An order nests 4 deep.
 */
export const maxInputDepth = 128;

/** The deepest nesting of objects and arrays in JSON text, counted without recursion. */
function nestingDepth(json: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let at = 0; at < json.length; at++) {
    const char = json[at];
    if (inString) {
      if (char === "\\") at++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{" || char === "[") deepest = Math.max(deepest, ++depth);
    else if (char === "}" || char === "]") depth--;
  }
  return deepest;
}

/**
 * The execution input, read as StartExecution would take it: at most 256 KiB of UTF-8 JSON. Read
 * with a bound, so a huge file or a device such as /dev/zero is refused instead of filling memory.
 */
export function readInput(file: string, directory = "."): unknown {
  const buffer = Buffer.alloc(stateSizeLimitBytes + 1);
  let length = 0;
  try {
    const fd = openSync(resolve(directory, file), "r");
    try {
      for (let read = -1; read !== 0 && length < buffer.length; length += read) {
        read = readSync(fd, buffer, length, buffer.length - length, null);
      }
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new UsageError(`--input ${file}: cannot read it: ${(error as Error).message}`);
  }
  if (length > stateSizeLimitBytes) {
    throw new UsageError(
      `--input ${file}: more than ${stateSizeLimitBytes} bytes, the most Step Functions takes as an execution's input (256 KiB)`,
    );
  }
  const text = buffer.toString("utf8", 0, length);
  // Some editors save one; JSON.parse names it as an invisible "Unexpected token".
  if (text.startsWith("\uFEFF")) {
    throw new UsageError(
      `--input ${file}: not JSON: it starts with a byte order mark; save it as UTF-8 without one`,
    );
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--input ${file}: not JSON: ${(error as Error).message}`);
  }
  const depth = nestingDepth(text);
  if (depth > maxInputDepth) {
    throw new UsageError(
      `--input ${file}: nests ${depth} levels deep; the local engine takes at most ${maxInputDepth}`,
    );
  }
  return input;
}

async function runCli(
  args: readonly string[],
  stdout: Output,
  stderr: Output,
  invokedFrom: string,
  projectDir: string,
  clock: TimeoutClock,
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const npmTookOptions = forgottenDoubleDash(env, args);
  if (npmTookOptions !== undefined) throw new UsageError(npmTookOptions);
  const options = parseCliArgs(args);
  if (options.help) {
    stdout.write(`${usage}\n`);
    return exitCodes.succeeded;
  }
  const { definition, definitionSettings, stateMachines, stateMachineArn } = loadStackForCli(
    options.stack,
    projectDir,
  );
  // The order's definition and the pricing child's (pricingFanOut "express"): faults and stops reach both.
  const definitions = [definition, ...Object.values(stateMachines)];
  const input = readInput(
    options.inputFile,
    options.inputFile === defaultInputFile ? projectDir : invokedFrom,
  );
  const targets = [
    ...new Set([
      ...Object.values(routes).map((route) => route.operation),
      ...apiGatewayTasks(definitions).map(({ name }) => name),
    ]),
  ];
  const operation = (target: string, option: string): string => {
    try {
      return routeOperationFor(target, definitions);
    } catch (error) {
      throw new UsageError(`${option}: ${(error as Error).message}${suggestion(target, targets)}`);
    }
  };
  const faults = new Faults();
  const failingForGood = new Set<string>();
  for (const { target, spec } of options.faults) {
    const option = "responseLost" in spec && spec.responseLost ? "--lose" : "--fail";
    const route = operation(target, option);
    if (failingForGood.has(route)) {
      throw new UsageError(
        `${option} ${target}: ${route} already fails every call (a count of *), so a fault after it would never apply`,
      );
    }
    if (spec.count === Infinity) failingForGood.add(route);
    faults.fail(route, spec);
  }
  const latencies = options.latencies.map(({ target, ms }) => ({
    operation: target === undefined ? undefined : operation(target, "--latency"),
    ms,
  }));
  for (const { operation: delayed } of latencies) {
    const same = latencies.filter((other) => other.operation === delayed);
    // One delay per route: a second would silently replace the first.
    if (same.length > 1) {
      throw new UsageError(
        `--latency: ${delayed ?? "every route"} is given ${same.length} latencies (${same.map(({ ms }) => `${ms} ms`).join(", ")}); give one`,
      );
    }
  }
  for (const { operation: delayed, ms } of latencies) faults.delay(ms, delayed);
  for (const warning of latencyWarnings(latencies, definitions, options.timeoutScale)) {
    stderr.write(`${warning}\n`);
  }
  try {
    checkAbortAt(definition, options.abortAt, stateMachines);
  } catch (error) {
    // Only the order's own states can be stopped at: the pricing child is an Express execution.
    const elsewhere = stacksWithState(options.abortAt ?? "", options.stack, projectDir);
    const stateNames = stateNamesOf([definition]);
    throw new UsageError(
      `${(error as Error).message}${elsewhere ?? suggestion(options.abortAt ?? "", stateNames)}`,
    );
  }

  const colors = colorsFor(stdout);
  // With --json, stdout carries the result alone; with --quiet, the summary alone.
  const traced = !options.json && !options.quiet;
  const trace = new TracePrinter(definition, colors, (line) => stdout.write(`${line}\n`));
  const run = await runLocally({
    definition,
    definitionSettings,
    stateMachines,
    stateMachineArn,
    input,
    faults,
    retryScale: options.retryScale,
    timeoutScale: options.timeoutScale,
    clock,
    abortAt: options.abortAt,
    eventShape: options.eventWithError ? "with-error" : "documented",
    onStarted: traced
      ? (origin) =>
          stdout.write(
            `${colors.bold(`Order processing, stack ${options.stack}`)} ${colors.dim(
              `· input ${options.inputFile} · ${definitionSettings.endpoint}/${definitionSettings.stage} served at ${origin} · retry pauses ×${options.retryScale} · timeouts ×${options.timeoutScale}`,
            )}\n\n`,
          )
      : undefined,
    onEvent: traced ? (event, scope) => trace.print(event, scope) : undefined,
    // Each attempt waits for the API (--latency): up to 186 of them would otherwise be silence.
    onDeliveryAttempt: traced
      ? ({ status }, ordinal, maxAttempts) =>
          stdout.write(
            `${colors.dim(`safety net: delivery attempt ${ordinal} of ${maxAttempts}: ${status ?? "no answer"}`)}\n`,
          )
      : undefined,
  });
  if (options.json) {
    stdout.write(`${JSON.stringify(run.result)}\n`);
  } else {
    stdout.write(`${summary(run.execution, run.result.billing, run.api.requests, colors, !options.quiet)}\n`);
    const executionError = run.execution.status === "SUCCEEDED" ? undefined : run.execution.error;
    stdout.write(`${safetyNetSummary(run.safetyNet, colors, executionError)}\n`);
  }
  return run.execution.status === "SUCCEEDED" ? exitCodes.succeeded : exitCodes.failed;
}

/**
 * A state that only the other way to price a cart has (`Price Cart` exists only with the Express
 * child; `Parallel_Processing` is in the child, not the order, then): which stacks of the project
 * have it, or that none prices that way, said after the refusal. Undefined when no mode has it.
 */
function stacksWithState(state: string, stack: string, projectDir: string): string | undefined {
  const has = (loaded: ReturnType<typeof loadStackForCli>) =>
    stateNamesOf([loaded.definition, ...Object.values(loaded.stateMachines)]).includes(state);
  const loads = (name: string, overrides = {}) => {
    try {
      return loadStackForCli(name, projectDir, overrides);
    } catch {
      return undefined; // a broken stack file is that stack's problem, told when it is run
    }
  };
  const current = loads(stack);
  if (current === undefined) return undefined;
  const other = current.settings.pricingFanOut === "inline" ? "express" : "inline";
  const otherMode = loads(stack, { pricingFanOut: other });
  if (otherMode === undefined || !has(otherMode)) return undefined;
  const stacks = availableStacks(projectDir).filter((name) => {
    const loaded = name === stack ? undefined : loads(name);
    return loaded !== undefined && has(loaded);
  });
  const where =
    stacks.length === 0
      ? "no stack of this project does"
      : `stack ${stacks.join(", ")} ${stacks.length === 1 ? "does" : "do"}: --stack ${stacks[0]}`;
  return ` "${state}" is a state of pricingFanOut ${other}, and stack ${stack} prices ${current.settings.pricingFanOut}; ${where}.`;
}

/**
 * Runs the command and returns its exit code; problems before the run go to `stderr`, one message each.
 * npm runs scripts in the project, so a relative `--input` is taken from where npm was invoked
 * (INIT_CWD), as the one typing it means: `cd samples && npm start -- --input order.json`. The
 * stacks are the `Pulumi.<stack>.yaml` files of `projectDir`; `clock` times the run out; `env` tells
 * what npm took for itself (forgottenDoubleDash).
 */
export async function main(
  args: readonly string[],
  stdout: Output,
  stderr: Output,
  invokedFrom = process.env.INIT_CWD ?? process.cwd(),
  projectDir = process.cwd(),
  clock: TimeoutClock = realClock,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  try {
    return await runCli(args, stdout, stderr, invokedFrom, projectDir, clock, env);
  } catch (error) {
    if (error instanceof UsageError) {
      stderr.write(`${error.message}\n\nSee npm start -- --help\n`);
      return exitCodes.usage;
    }
    if (error instanceof ConfigError) {
      stderr.write(`${error.message}\n`);
      return exitCodes.usage;
    }
    stderr.write(
      `npm start failed unexpectedly; this is a bug:\n${(error as Error).stack ?? String(error)}\n`,
    );
    return exitCodes.internal;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), quietWhenClosed(process.stdout), quietWhenClosed(process.stderr)).then(
    (code) => (process.exitCode = code),
  );
}

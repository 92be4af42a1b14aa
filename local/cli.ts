/**
 * `npm start`: runs the definition a stack deploys, in the local Step Functions engine, against the
 * local order API, and prints every state as it runs. `npm start -- --help` for the options.
 */
import { readFileSync } from "node:fs";
import { Faults } from "./api/faults";
import { parseCliArgs, usage, UsageError } from "./cliArgs";
import { colorsFor } from "./colors";
import { routeOperationFor } from "./faultTargets";
import { checkAbortAt, runLocally } from "./localRun";
import { safetyNetSummary } from "./safetyNetSummary";
import { loadStackDefinition } from "./stackDefinition";
import { summary, TracePrinter } from "./trace";

export const exitCodes = { succeeded: 0, failed: 1, usage: 2 } as const;

/** Where the run is printed: process.stdout, or a stand-in in tests. */
export interface Output {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

async function runCli(args: readonly string[], stdout: Output): Promise<number> {
  const options = parseCliArgs(args);
  if (options.help) {
    stdout.write(`${usage}\n`);
    return exitCodes.succeeded;
  }
  const { definition, definitionSettings } = loadStackDefinition(options.stack);
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(options.inputFile, "utf8"));
  } catch (error) {
    throw new UsageError(`Cannot read the input ${options.inputFile}: ${(error as Error).message}`);
  }
  const operation = (target: string): string => {
    try {
      return routeOperationFor(target, definition);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  };
  const faults = new Faults();
  for (const { target, spec } of options.faults) faults.fail(operation(target), spec);
  for (const { target, ms } of options.latencies)
    faults.delay(ms, target === undefined ? undefined : operation(target));

  try {
    checkAbortAt(definition, options.abortAt);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const colors = colorsFor(stdout);
  const trace = new TracePrinter(definition, colors, (line) => stdout.write(`${line}\n`));
  const run = await runLocally({
    definition,
    definitionSettings,
    input,
    faults,
    retryScale: options.retryScale,
    timeoutScale: options.timeoutScale,
    abortAt: options.abortAt,
    // With --json, stdout carries the result alone.
    onStarted: options.json
      ? undefined
      : (origin) =>
          stdout.write(
            `${colors.bold(`Order processing, stack ${options.stack}`)} ${colors.dim(
              `· input ${options.inputFile} · ${definitionSettings.endpoint}/${definitionSettings.stage} served at ${origin} · retry pauses ×${options.retryScale} · timeouts ×${options.timeoutScale}`,
            )}\n\n`,
          ),
    onEvent: options.json ? undefined : (event) => trace.print(event),
  });
  if (options.json) {
    stdout.write(`${JSON.stringify(run.result)}\n`);
  } else {
    stdout.write(`${summary(run.execution, run.api.requests, colors)}\n`);
    stdout.write(`${safetyNetSummary(run.safetyNet, colors)}\n`);
  }
  return run.execution.status === "SUCCEEDED" ? exitCodes.succeeded : exitCodes.failed;
}

/** Runs the command and returns its exit code; problems before the run go to `stderr`. */
export async function main(args: readonly string[], stdout: Output, stderr: Output): Promise<number> {
  try {
    return await runCli(args, stdout);
  } catch (error) {
    const usageError = error instanceof UsageError;
    stderr.write(`${(error as Error).message}\n${usageError ? "\nSee npm start -- --help\n" : ""}`);
    return usageError ? exitCodes.usage : exitCodes.failed;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.stdout, process.stderr).then((code) => (process.exitCode = code));
}

import { parseArgs } from "node:util";
import type { PricingFanOut } from "../components/config/modes";
import { exitCodes } from "../local/cli/cli";

/**
 * `npm run bench:policy` takes no options but `-h`/`--help`: anything else is refused rather than
 * ignored, so `-- --help` does not spend seconds measuring, and a mistyped option is not taken for
 * a run with it. Undefined: run the bench.
 */
export function benchArgs(
  command: string,
  usage: string,
  args: readonly string[],
): { readonly code: number; readonly stdout?: string; readonly stderr?: string } | undefined {
  if (args.length === 0) return undefined;
  if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) {
    return { code: exitCodes.succeeded, stdout: `${usage}\n\nUsage: npm run ${command}\n` };
  }
  return {
    code: exitCodes.usage,
    stderr: `npm run ${command} takes no arguments; got ${args.map((arg) => JSON.stringify(arg)).join(" ")}\n\nSee npm run ${command} -- --help\n`,
  };
}

/** Writes what benchArgs decided and sets the exit code; true when the bench should run. */
export function shouldRunBench(command: string, usage: string): boolean {
  const early = benchArgs(command, usage, process.argv.slice(2));
  if (early === undefined) return true;
  if (early.stdout !== undefined) process.stdout.write(early.stdout);
  if (early.stderr !== undefined) process.stderr.write(early.stderr);
  process.exitCode = early.code;
  return false;
}

/** What `npm run bench` measures: a stack, in one pricing mode or both side by side. */
export interface BenchRequest {
  readonly stack: string;
  readonly modes: readonly PricingFanOut[];
}

export const defaultBenchRequest: BenchRequest = { stack: "dev", modes: ["inline", "express"] };

const pricingChoices: Readonly<Record<string, readonly PricingFanOut[]>> = {
  inline: ["inline"],
  express: ["express"],
  both: ["inline", "express"],
};

type EarlyExit = { readonly code: number; readonly stdout?: string; readonly stderr?: string };

/**
 * `npm run bench -- [--stack <name>] [--pricing inline|express|both]`: what to measure, or the
 * help, or a usage error naming what was wrong (the stack itself is checked when it is loaded).
 */
export function benchRequest(usage: string, args: readonly string[]): BenchRequest | EarlyExit {
  const refuse = (problem: string): EarlyExit => ({
    code: exitCodes.usage,
    stderr: `npm run bench: ${problem}\n\nSee npm run bench -- --help\n`,
  });
  let values: { stack?: string; pricing?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        stack: { type: "string" },
        pricing: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    return refuse((error as Error).message.split("\n")[0]);
  }
  if (values.help === true) return { code: exitCodes.succeeded, stdout: `${usage}\n` };
  const stack = values.stack ?? defaultBenchRequest.stack;
  if (stack.trim() === "") return refuse(`--stack needs a name; got ${JSON.stringify(stack)}`);
  const choice = values.pricing ?? "both";
  if (!Object.hasOwn(pricingChoices, choice)) {
    return refuse(
      `--pricing must be one of ${Object.keys(pricingChoices).join(", ")}; got ${JSON.stringify(values.pricing)}`,
    );
  }
  return { stack, modes: pricingChoices[choice] };
}

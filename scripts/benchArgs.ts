import { exitCodes } from "../local/cli";

/**
 * The benches take no options but `-h`/`--help`: anything else is refused rather than ignored, so
 * `npm run bench -- --help` does not spend seconds measuring, and a mistyped option is not taken
 * for a run with it. Undefined: run the bench.
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

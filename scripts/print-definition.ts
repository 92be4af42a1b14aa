/** Prints the ASL definition a stack would deploy, with no cloud access: `npm run definition -- prod`. */
import { parseArgs } from "node:util";
import type { Output } from "../local/cli";
import { exitCodes, quietWhenClosed } from "../local/cli";
import { UsageError } from "../local/cliArgs";
import { ConfigError, loadStackForCli } from "../local/cliStack";

export const usage = `Print the Amazon States Language definition a stack deploys, as JSON.

Usage: npm run definition -- [<stack>]

  <stack>       A stack of this project, one Pulumi.<stack>.yaml (default dev)
  -h, --help    Show this help.

The exit code is 0 when the definition is printed, 2 for a usage error (an unknown stack or option,
more than one stack) or invalid stack config, 3 for a bug in this tool.`;

function stackOf(args: readonly string[]): string | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { help: { type: "boolean", short: "h", default: false } },
    });
  } catch (error) {
    // Node's own wording advises `-- "--stack"`, which would look for a stack named --stack.
    const unknown = /^Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
    if (unknown === undefined) throw new UsageError((error as Error).message);
    throw new UsageError(
      `Unknown option ${unknown}: the one option is --help; the stack is named alone, as in npm run definition -- prod`,
    );
  }
  if (parsed.values.help) return undefined;
  if (parsed.positionals.length > 1) {
    throw new UsageError(`Expected one stack; got ${parsed.positionals.join(" ")}`);
  }
  return parsed.positionals[0] ?? "dev";
}

/** Runs the command and returns its exit code, as `npm start` does. */
export function main(args: readonly string[], stdout: Output, stderr: Output): number {
  try {
    const stack = stackOf(args);
    if (stack === undefined) {
      stdout.write(`${usage}\n`);
      return exitCodes.succeeded;
    }
    const { definition } = loadStackForCli(stack);
    stdout.write(`${JSON.stringify(definition, null, 2)}\n`);
    return exitCodes.succeeded;
  } catch (error) {
    if (error instanceof UsageError) {
      stderr.write(`${error.message}\n\nSee npm run definition -- --help\n`);
      return exitCodes.usage;
    }
    if (error instanceof ConfigError) {
      stderr.write(`${error.message}\n`);
      return exitCodes.usage;
    }
    stderr.write(
      `npm run definition failed unexpectedly; this is a bug:\n${(error as Error).stack ?? String(error)}\n`,
    );
    return exitCodes.internal;
  }
}

if (require.main === module) {
  process.exitCode = main(
    process.argv.slice(2),
    quietWhenClosed(process.stdout),
    quietWhenClosed(process.stderr),
  );
}

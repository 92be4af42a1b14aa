/**
 * Prints the ASL definition a stack would deploy, with no cloud access: `npm run definition -- prod`;
 * with `--pricing`, its Express pricing child's (pricingFanOut "express").
 */
import { parseArgs } from "node:util";
import type { Output } from "../local/cli/cli";
import { exitCodes, quietWhenClosed } from "../local/cli/cli";
import { UsageError } from "../local/cli/cliArgs";
import { ConfigError, loadStackForCli } from "../local/cli/cliStack";

export const usage = `Print the Amazon States Language definition a stack deploys, as JSON.

Usage: npm run definition -- [<stack>] [--pricing]

  <stack>       A stack of this project, one Pulumi.<stack>.yaml (default dev)
  --pricing     Print the stack's Express pricing child instead of the order's state machine
                (a stack whose pricingFanOut is express)
  -h, --help    Show this help.

The exit code is 0 when the definition is printed, 2 for a usage error (an unknown stack or option,
more than one stack, --pricing for a stack that prices inline) or invalid stack config, 3 for a bug
in this tool.`;

interface Request {
  readonly stack: string;
  readonly pricing: boolean;
}

function requestOf(args: readonly string[]): Request | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h", default: false },
        pricing: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    // Node's own wording advises `-- "--stack"`, which would look for a stack named --stack.
    const unknown = /^Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
    if (unknown === undefined) throw new UsageError((error as Error).message);
    throw new UsageError(
      `Unknown option ${unknown}: the options are --pricing and --help; the stack is named alone, as in npm run definition -- prod`,
    );
  }
  if (parsed.values.help) return undefined;
  if (parsed.positionals.length > 1) {
    throw new UsageError(`Expected one stack; got ${parsed.positionals.join(" ")}`);
  }
  return { stack: parsed.positionals[0] ?? "dev", pricing: parsed.values.pricing };
}

/** Runs the command and returns its exit code, as `npm start` does; stacks are read from `projectDir`. */
export function main(
  args: readonly string[],
  stdout: Output,
  stderr: Output,
  projectDir = process.cwd(),
): number {
  try {
    const request = requestOf(args);
    if (request === undefined) {
      stdout.write(`${usage}\n`);
      return exitCodes.succeeded;
    }
    const { definition, pricingDefinition, settings } = loadStackForCli(request.stack, projectDir);
    if (request.pricing && pricingDefinition === undefined) {
      throw new UsageError(
        `--pricing: stack ${request.stack} has no pricing child: its pricingFanOut is ${settings.pricingFanOut}`,
      );
    }
    stdout.write(`${JSON.stringify(request.pricing ? pricingDefinition : definition, null, 2)}\n`);
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

import { parseArgs } from "node:util";
import type { FaultSpec } from "../api/faults";
import { suggestion } from "./didYouMean";
import { defaultRetryScale, defaultTimeoutScale } from "../aws/runner";

export interface FaultOption {
  /** A route operation or an API Gateway Task state name. */
  readonly target: string;
  readonly spec: FaultSpec;
}

export interface LatencyOption {
  /** undefined: every route. */
  readonly target: string | undefined;
  readonly ms: number;
}

export interface CliOptions {
  readonly help: boolean;
  readonly quiet: boolean;
  readonly inputFile: string;
  readonly stack: string;
  readonly faults: readonly FaultOption[];
  readonly latencies: readonly LatencyOption[];
  readonly retryScale: number;
  /** Task and execution TimeoutSeconds are scaled by this. */
  readonly timeoutScale: number;
  /** A state name: stop the execution when it is entered. */
  readonly abortAt: string | undefined;
  /** Give the safety net a status change event with `error` and `cause` (AWS's examples show neither). */
  readonly eventWithError: boolean;
  /** Print only the run's result, as one JSON object. */
  readonly json: boolean;
}

/**
 * Bounds of the numeric options. A latency past Node's timer limit (2^31 - 1 ms) would fire at
 * once, so the bound is well inside it: five minutes, the longest an Express execution lives.
 * Statuses are the errors API Gateway can answer; a 2xx or 3xx is no fault, and a 1xx breaks HTTP.
 */
export const limits = {
  maxLatencyMs: 300_000,
  minFaultStatus: 400,
  maxFaultStatus: 599,
  maxFaultCount: 1000,
  maxScale: 1,
} as const;

/** In the project, where npm runs its scripts. */
export const defaultInputFile = "samples/order.json";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

interface OptionSpec {
  readonly name: string;
  readonly short?: string;
  readonly type: "string" | "boolean";
  readonly multiple?: boolean;
  /** How the value is written in the help, e.g. `<file>`. */
  readonly value?: string;
  /** The help text; more lines are indented under the first. */
  readonly help: readonly string[];
}

/** Every option, once: the parser and the help are built from this table. */
export const optionTable: readonly OptionSpec[] = [
  {
    name: "input",
    type: "string",
    value: "<file>",
    help: [`Execution input (default ${defaultInputFile})`],
  },
  {
    name: "stack",
    type: "string",
    value: "<name>",
    help: ["Stack whose Pulumi.<name>.yaml builds the definition (default dev)"],
  },
  {
    name: "fail",
    type: "string",
    multiple: true,
    value: "<target>=<status>x<n>",
    help: [
      `Answer the next n calls of a route with status (${limits.minFaultStatus}-${limits.maxFaultStatus});`,
      `n is 1-${limits.maxFaultCount}, or * for every call. Repeatable: the faults`,
      "of a route (--fail and --lose alike) apply in the order given.",
      "Example: --fail Pricing.GetPrices=503x2",
      "<status> may also be timeout (never answer: the call outlasts",
      "its Task's TimeoutSeconds) or malformed (a 2xx whose body",
      "breaks the contract). Example: --fail Tax.GetTaxes=timeoutx1",
    ],
  },
  {
    name: "lose",
    type: "string",
    multiple: true,
    value: "<target>=<status>x<n>",
    help: [
      "Do the work of the next n calls, then answer status",
      "(a lost response). Example: --lose Order.CreateOrder=504x1",
    ],
  },
  {
    name: "latency",
    type: "string",
    multiple: true,
    value: "[<target>=]<ms>",
    help: [
      `Delay every call, or the calls of one route, 0-${limits.maxLatencyMs} ms.`,
      "Repeatable, once per route.",
    ],
  },
  {
    name: "retry-scale",
    type: "string",
    value: "<fraction>",
    help: ["Retry pauses are IntervalSeconds times this: above 0,", "at most 1 (default 1/100)."],
  },
  {
    name: "timeout-scale",
    type: "string",
    value: "<fraction>",
    help: ["Task and execution TimeoutSeconds times this: above 0,", "at most 1 (default 1/100)."],
  },
  {
    name: "abort-at",
    type: "string",
    value: "<state>",
    help: [
      "Stop the execution when that state is entered (status ABORTED), as StopExecution",
      "would: a state of the order's own definition, not of the Express pricing child.",
    ],
  },
  {
    name: "event-with-error",
    type: "boolean",
    help: [
      "Give the safety net a status change event carrying the execution's error",
      "and cause; by default it has neither, as AWS's published examples show it.",
    ],
  },
  {
    name: "json",
    type: "boolean",
    help: [
      "Print only the run's result, as one JSON object, with billing: Standard",
      "transitions, Express requests and duration (so --quiet changes nothing).",
    ],
  },
  { name: "quiet", short: "q", type: "boolean", help: ["Print only the summary: no state, no output."] },
  { name: "help", short: "h", type: "boolean", help: ["Show this help."] },
];

const optionColumn = 38;
const optionLines = optionTable.map(({ name, short, value, help }) => {
  const flags = `${short === undefined ? "    " : `-${short}, `}--${name}${value === undefined ? "" : ` ${value}`}`;
  const [first, ...more] = help;
  return [
    `  ${flags.padEnd(optionColumn - 3)} ${first}`,
    ...more.map((line) => `${" ".repeat(optionColumn)}${line}`),
  ];
});

export const usage = `Run the order-processing workflow locally against a local order API.

Usage: npm start -- [options]

Options:
${optionLines.flat().join("\n")}

A <target> is a route (Order.CreateOrder, Pricing.GetPrices, Event.Receive, ...) or an API Gateway
Task state of the definition, which stands for the route it calls. The exit code is 0 when the
execution succeeds, 1 when it ends otherwise (FAILED, TIMED_OUT or ABORTED), 2 for a usage or
stack config error, 3 for a bug in this tool.`;

/** The fault kinds besides an HTTP status, which only --fail takes: --lose needs an answer to lose. */
const faultKinds = ["timeout", "malformed"] as const;

function fault(option: "fail" | "lose", text: string, responseLost: boolean): FaultOption {
  const match = /^(.+)=(\d+|[a-z]+)x(\d+|\*)$/.exec(text);
  const kinds = responseLost ? "<status>" : `<status|${faultKinds.join("|")}>`;
  if (match === null) {
    throw new UsageError(
      `--${option} expects <target>=${kinds}x<count>, e.g. Pricing.GetPrices=503x2; got "${text}"`,
    );
  }
  // Checked as written: a long enough run of digits reads as Infinity, which only * may mean.
  const count = match[3] === "*" ? Infinity : Number(match[3]);
  if (match[3] !== "*" && !(count >= 1 && count <= limits.maxFaultCount)) {
    throw new UsageError(
      `--${option} ${text}: the count must be from 1 to ${limits.maxFaultCount}, or * for every call; got ${match[3]}`,
    );
  }
  const kind = faultKinds.find((known) => known === match[2]);
  if (kind !== undefined && !responseLost) return { target: match[1], spec: { kind, count } };
  if (kind !== undefined) {
    throw new UsageError(
      `--lose ${text}: a ${kind} fault sends no answer to lose, so it is for --fail only; --lose takes a status from ${limits.minFaultStatus} to ${limits.maxFaultStatus}`,
    );
  }
  const status = Number(match[2]);
  if (!(status >= limits.minFaultStatus && status <= limits.maxFaultStatus)) {
    throw new UsageError(
      `--${option} ${text}: the status must be from ${limits.minFaultStatus} to ${limits.maxFaultStatus}, an error API Gateway can answer${
        responseLost ? "" : `, or one of ${faultKinds.join(", ")}`
      }; got ${match[2]}.${suggestion(match[2], responseLost ? [] : [...faultKinds])}`,
    );
  }
  return { target: match[1], spec: { status, count, responseLost } };
}

function latency(text: string): LatencyOption {
  const match = /^(?:(.+)=)?(\d+)$/.exec(text);
  if (match === null) throw new UsageError(`--latency expects <ms> or <target>=<ms>; got "${text}"`);
  const ms = Number(match[2]);
  if (!(ms <= limits.maxLatencyMs)) {
    throw new UsageError(`--latency ${text}: at most ${limits.maxLatencyMs} ms; got ${match[2]}`);
  }
  return { target: match[1], ms };
}

/** "1/100" or "0.01". */
function fraction(text: string, option = "--retry-scale"): number {
  const match = /^(\d+(?:\.\d+)?)(?:\/(\d+(?:\.\d+)?))?$/.exec(text);
  const value = match === null ? NaN : Number(match[1]) / Number(match[2] ?? 1);
  if (!(value > 0 && value <= limits.maxScale)) {
    throw new UsageError(
      `${option} must be a fraction above 0 and at most ${limits.maxScale}, such as 1/100; got "${text}"`,
    );
  }
  return value;
}

/** Node's parser errors, reworded for this command, with a suggestion for a mistyped option. */
function usageErrorFrom(error: Error & { code?: string }, args: readonly string[]): UsageError {
  const names = optionTable.map(({ name }) => `--${name}`);
  const unknown = /^Unknown option '([^']+)'/.exec(error.message)?.[1];
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown !== undefined) {
    return new UsageError(`Unknown option ${unknown}.${suggestion(unknown.replace(/^-+/, "--"), names, "")}`);
  }
  const positional = /^Unexpected argument '([^']*)'/.exec(error.message)?.[1];
  if (error.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" && positional !== undefined) {
    return new UsageError(
      `Unexpected argument "${positional}": every value follows its option, as in --stack prod`,
    );
  }
  // `--stack` last, or followed by another option (`--stack --json`): Node words it over three lines.
  const valueless = /^Option '--([^' ]+)(?: <value>)?' argument (?:missing|is ambiguous)/.exec(
    error.message,
  )?.[1];
  const spec = optionTable.find(({ name }) => name === valueless);
  if (spec?.value !== undefined)
    return new UsageError(`--${spec.name} needs a value: --${spec.name} ${spec.value}`);
  const flag = /^Option '(?:-\w, )?--([^' ]+)' does not take an argument/.exec(error.message)?.[1];
  const given = args.find((arg) => arg.startsWith(`--${flag}=`));
  if (flag !== undefined && given !== undefined) {
    return new UsageError(`--${flag} takes no value; got "${given}"`);
  }
  return new UsageError(error.message);
}

/**
 * An option that takes one value, given twice: the parser would keep the last one without a word,
 * and a run on another stack or input than the one meant is worse than a usage error.
 */
function refuseRepeated(tokens: readonly { kind: string; name?: string; value?: string }[]): void {
  for (const { name, multiple, type } of optionTable) {
    if (multiple === true || type !== "string") continue;
    const given = tokens.filter((token) => token.kind === "option" && token.name === name);
    if (given.length > 1) {
      throw new UsageError(
        `--${name} is given ${given.length} times (${given.map((token) => JSON.stringify(token.value ?? "")).join(", ")}); give it once`,
      );
    }
  }
}

/**
 * `npm start --stack prod`, the `--` forgotten: npm takes `--stack` as a setting of its own, puts it
 * in the script's environment (`npm_config_stack`, "true" when its value was a separate word) and
 * passes only `prod` on. The options it took are found there, and the command said as meant.
 * Undefined when npm took none of this command's options.
 */
export function forgottenDoubleDash(
  env: Readonly<Record<string, string | undefined>>,
  args: readonly string[],
): string | undefined {
  if (env.npm_lifecycle_event !== "start") return undefined;
  const taken = optionTable.filter(
    ({ name }) => name !== "help" && env[`npm_config_${name.replace(/-/g, "_")}`] !== undefined,
  );
  if (taken.length === 0) return undefined;
  const words = [...args];
  const options = taken.flatMap(({ name, value }) => {
    const given = env[`npm_config_${name.replace(/-/g, "_")}`]!;
    if (value === undefined) return [`--${name}`];
    // `--stack prod`: npm read a flag and left its value among the arguments, in the order typed.
    const word = given === "true" ? (words.shift() ?? "<value>") : given;
    return [`--${name}`, /^[\w./:=*-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`];
  });
  const command = ["npm start --", ...options, ...words].join(" ");
  return `npm took ${taken.map(({ name }) => `--${name}`).join(", ")} for itself: this command's options go after --, as in\n  ${command}`;
}

export function parseCliArgs(args: readonly string[]): CliOptions {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  let tokens: readonly { kind: string; name?: string; value?: string }[];
  try {
    ({ values, tokens } = parseArgs({
      args: [...args],
      tokens: true,
      options: Object.fromEntries(
        optionTable.map(({ name, short, type, multiple }) => [
          name,
          { type, multiple: multiple ?? false, ...(short === undefined ? {} : { short }) },
        ]),
      ),
    }));
  } catch (error) {
    // Only the user's arguments make a usage error; anything else is a bug in the table.
    if (!String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS_")) throw error;
    throw usageErrorFrom(error as Error, args);
  }
  refuseRepeated(tokens);
  const text = (name: string) => values[name] as string | undefined;
  // `--stack=` or `--input ""` (an unset shell variable) names nothing: say so rather than look for it.
  const named = (name: string) => {
    const value = text(name);
    if (value !== undefined && value.trim() === "") {
      throw new UsageError(`--${name} needs a name; got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const list = (name: string) => (values[name] as string[] | undefined) ?? [];
  return {
    help: values.help === true,
    quiet: values.quiet === true,
    inputFile: named("input") ?? defaultInputFile,
    stack: named("stack") ?? "dev",
    // In the order given, --fail and --lose interleaved: faults on one route apply one after the other.
    faults: tokens.flatMap((token) =>
      token.kind === "option" && (token.name === "fail" || token.name === "lose")
        ? [fault(token.name, token.value ?? "", token.name === "lose")]
        : [],
    ),
    latencies: list("latency").map(latency),
    retryScale: text("retry-scale") === undefined ? defaultRetryScale : fraction(text("retry-scale")!),
    timeoutScale:
      text("timeout-scale") === undefined
        ? defaultTimeoutScale
        : fraction(text("timeout-scale")!, "--timeout-scale"),
    abortAt: named("abort-at"),
    eventWithError: values["event-with-error"] === true,
    json: values.json === true,
  };
}

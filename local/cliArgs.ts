import { parseArgs } from "node:util";
import type { FaultSpec } from "./api/faults";
import { defaultRetryScale, defaultTimeoutScale } from "./runner";

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
  readonly inputFile: string;
  readonly stack: string;
  readonly faults: readonly FaultOption[];
  readonly latencies: readonly LatencyOption[];
  readonly retryScale: number;
  /** Task and execution TimeoutSeconds are scaled by this. */
  readonly timeoutScale: number;
  /** A state name: stop the execution when it is entered. */
  readonly abortAt: string | undefined;
  /** Print only the run's result, as one JSON object. */
  readonly json: boolean;
}

export const usage = `Run the order-processing workflow locally against a local order API.

Usage: npm start -- [options]

Options:
  --input <file>                Execution input (default samples/order.json)
  --stack <name>                Stack whose config builds the definition (default dev)
  --fail <target>=<status>x<n>  Answer the next n calls of a route with status; n may be * (always).
                                Repeatable. Example: --fail Pricing.GetPrices=503x2
  --fail <target>=timeoutx<n>   Never answer the next n calls: each outlasts its Task's TimeoutSeconds.
  --fail <target>=malformedx<n> Answer the next n calls 2xx with a body that breaks the contract.
  --lose <target>=<status>x<n>  Do the work of the next n calls, then answer status (a lost response).
                                Example: --lose Order.CreateOrder=504x1
  --latency [<target>=]<ms>     Delay every call, or the calls of one route. Repeatable.
  --retry-scale <fraction>      Retry pauses are IntervalSeconds times this (default 1/100), never 0.
  --timeout-scale <fraction>    Task and execution TimeoutSeconds times this (default 1/100).
  --abort-at <state>            Stop the execution when that state is entered (status ABORTED).
  --json                        Print only the result, as one JSON object.
  --help                        Show this help.

A <target> is a route (Order.CreateOrder, Pricing.GetPrices, Event.Receive, ...) or an API Gateway
Task state of the definition, which stands for the route it calls. The exit code is 0 when the
execution succeeds, 1 when it fails, 2 for a usage error.`;

export class UsageError extends Error {}

function fault(text: string, responseLost: boolean): FaultOption {
  const kinds = responseLost ? "[1-5]\\d\\d" : "[1-5]\\d\\d|timeout|malformed";
  const match = new RegExp(`^(.+)=(${kinds})x(\\d+|\\*)$`).exec(text);
  if (match === null)
    throw new UsageError(
      responseLost
        ? `Expected <target>=<status>x<count>, e.g. Order.CreateOrder=504x1; got "${text}"`
        : `Expected <target>=<status|timeout|malformed>x<count>, e.g. Pricing.GetPrices=503x2; got "${text}"`,
    );
  const count = match[3] === "*" ? Infinity : Number(match[3]);
  if (count < 1) throw new UsageError(`A fault needs a count of at least 1; got "${text}"`);
  if (match[2] === "timeout" || match[2] === "malformed") {
    return { target: match[1], spec: { kind: match[2], count } };
  }
  return { target: match[1], spec: { status: Number(match[2]), count, responseLost } };
}

function latency(text: string): LatencyOption {
  const match = /^(?:(.+)=)?(\d+)$/.exec(text);
  if (match === null) throw new UsageError(`Expected --latency <ms> or <target>=<ms>; got "${text}"`);
  return { target: match[1], ms: Number(match[2]) };
}

/** "1/100" or "0.01". */
function fraction(text: string, option = "--retry-scale"): number {
  const match = /^(\d+(?:\.\d+)?)(?:\/(\d+(?:\.\d+)?))?$/.exec(text);
  const value = match === null ? NaN : Number(match[1]) / Number(match[2] ?? 1);
  if (!(value > 0)) throw new UsageError(`${option} must be a fraction above 0 such as 1/100; got "${text}"`);
  return value;
}

export function parseCliArgs(args: readonly string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        help: { type: "boolean", default: false },
        input: { type: "string", default: "samples/order.json" },
        stack: { type: "string", default: "dev" },
        fail: { type: "string", multiple: true, default: [] },
        lose: { type: "string", multiple: true, default: [] },
        latency: { type: "string", multiple: true, default: [] },
        "retry-scale": { type: "string" },
        "timeout-scale": { type: "string" },
        "abort-at": { type: "string" },
        json: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    help: values.help,
    inputFile: values.input,
    stack: values.stack,
    faults: [
      ...values.fail.map((text) => fault(text, false)),
      ...values.lose.map((text) => fault(text, true)),
    ],
    latencies: values.latency.map(latency),
    retryScale: values["retry-scale"] === undefined ? defaultRetryScale : fraction(values["retry-scale"]),
    timeoutScale:
      values["timeout-scale"] === undefined
        ? defaultTimeoutScale
        : fraction(values["timeout-scale"], "--timeout-scale"),
    abortAt: values["abort-at"],
    json: values.json,
  };
}

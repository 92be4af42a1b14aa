/**
 * `npm run bench`: what one order costs as the cart grows, in both pricing modes side by side
 * (docs/pricing-fan-out.md), measured locally with a fixed latency per API call. A benchmark to
 * read, not a test: nothing here passes or fails.
 */
import type { PricingFanOut, WorkflowType } from "../components/config/modes";
import { Faults } from "../local/api/faults";
import { startOrderApi } from "../local/api/server";
import { billingOf } from "../local/aws/billing";
import { runExecution } from "../local/aws/runner";
import { ExecutionResult } from "../local/aws/execution";
import { orderOfSize } from "../local/api/seed";
import { exitCodes } from "../local/cli/cli";
import { UsageError } from "../local/cli/cliArgs";
import { ConfigError, loadStackForCli } from "../local/cli/cliStack";
import type { StackDefinition } from "../local/stackDefinition";
import { peakStateBytes, stateSizeLimitBytes } from "../local/aws/stateSize";
import { BenchRequest, benchRequest, defaultBenchRequest } from "./benchArgs";

const latencyMs = 20;
const runsPerSize = 3;

/** The same stack in each mode asked for: only where the cart is priced differs. */
function loadModes(
  projectDir: string,
  request: BenchRequest,
): Partial<Record<PricingFanOut, StackDefinition>> {
  return Object.fromEntries(
    request.modes.map((mode) => [mode, loadStackForCli(request.stack, projectDir, { pricingFanOut: mode })]),
  );
}

/** us-east-1 list prices assumed on this date, before free tier: https://aws.amazon.com/step-functions/pricing/. */
const prices = {
  asOf: "2026-11-25",
  standardPerTransition: 0.025 / 1000,
  expressPerRequest: 1.0 / 1_000_000,
  /** The first tier (the first 1,000 hours of GB-seconds a month), the dearest. */
  expressPerGbSecond: 0.00001667,
  /** Express bills memory in 64 MB chunks; a definition this size with these payloads needs one. */
  expressMemoryGb: 64 / 1024,
  /** Express bills each execution's duration rounded up to the next 100 ms. */
  expressDurationStepMs: 100,
};

interface Measure {
  readonly standardTransitions: number;
  readonly expressRequests: number;
  /** Measured, summed over the Express executions. */
  readonly expressDurationMs: number;
  /** What AWS would bill for one order, in dollars. */
  readonly costPerOrder: number;
  /** What it would cost were the whole workflow EXPRESS (workflowType), this run's wall time its duration. */
  readonly costAsExpressWorkflow: number;
  readonly wallMs: number;
  /** The largest state input or output of any execution of the run, in bytes. */
  readonly peakStateBytes: number;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const allExecutions = (run: ExecutionResult): ExecutionResult[] => [
  run,
  ...run.children.flatMap(allExecutions),
];

/** The executions billed as Express: the order's own if it is EXPRESS, and every child it started. */
const expressExecutions = (execution: ExecutionResult, workflowType: WorkflowType): ExecutionResult[] =>
  workflowType === "EXPRESS" ? allExecutions(execution) : execution.children.flatMap(allExecutions);

/** Express executions of these durations: a request each, and each duration rounded up to the billing step. */
function expressCost(durationsMs: readonly number[]): number {
  const billedSeconds = durationsMs.reduce(
    (sum, ms) => sum + (Math.ceil(ms / prices.expressDurationStepMs) * prices.expressDurationStepMs) / 1000,
    0,
  );
  return (
    durationsMs.length * prices.expressPerRequest +
    billedSeconds * prices.expressMemoryGb * prices.expressPerGbSecond
  );
}

function costOf(execution: ExecutionResult, workflowType: WorkflowType): number {
  const { standardTransitions } = billingOf(execution, workflowType);
  return (
    standardTransitions * prices.standardPerTransition +
    expressCost(expressExecutions(execution, workflowType).map((run) => run.durationMs))
  );
}

async function measure(stackDefinition: StackDefinition, products: number): Promise<Measure> {
  const { definition, definitionSettings, stateMachines, settings } = stackDefinition;
  const samples: Measure[] = [];
  // The first run warms up the engine and the HTTP client; it is not counted.
  for (let run = 0; run <= runsPerSize; run++) {
    const api = await startOrderApi({
      stage: definitionSettings.stage,
      faults: new Faults().delay(latencyMs),
    });
    try {
      const result = await runExecution({
        definition,
        stateMachines,
        apiOrigins: { [definitionSettings.endpoint]: api.origin },
        input: orderOfSize(products),
      });
      if (result.status !== "SUCCEEDED")
        throw new Error(`${settings.pricingFanOut}, ${products} products: ${result.error}: ${result.cause}`);
      if (run > 0)
        samples.push({
          ...billingOf(result, settings.workflowType),
          costPerOrder: costOf(result, settings.workflowType),
          costAsExpressWorkflow: expressCost(allExecutions(result).map((execution) => execution.durationMs)),
          wallMs: result.durationMs,
          peakStateBytes: Math.max(
            ...allExecutions(result).map((execution) => peakStateBytes(execution.events)),
          ),
        });
    } finally {
      await api.close();
    }
  }
  const middle = median(samples.map((sample) => sample.wallMs));
  return samples.find((sample) => sample.wallMs === middle)!;
}

/** One number format for the whole table: en-US digit grouping. */
const number = (value: number, fractionDigits = 0): string =>
  value.toLocaleString("en-US", {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  });
const dollars = (amount: number): string => `$${number(amount, 2)}`;
const percentOfLimit = (bytes: number): string => `${number((100 * bytes) / stateSizeLimitBytes, 1)} %`;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padStart(widths[column])).join("  ");
  return [
    line(rows[0]),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...rows.slice(1).map(line),
  ].join("\n");
}

/** Each mode's columns: their headers, and their cells from one measure. */
const columns: Record<PricingFanOut, { header: string[]; cells: (measure: Measure) => string[] }> = {
  inline: {
    header: ["inline: transitions", "/1M orders", "wall time", "peak state", "as EXPRESS /1M"],
    cells: (inline) => [
      number(inline.standardTransitions),
      dollars(inline.costPerOrder * 1e6),
      `${number(inline.wallMs)} ms`,
      percentOfLimit(inline.peakStateBytes),
      dollars(inline.costAsExpressWorkflow * 1e6),
    ],
  },
  express: {
    header: [
      "express: transitions",
      "Express requests",
      "Express duration",
      "/1M orders",
      "wall time",
      "peak state",
    ],
    cells: (express) => [
      number(express.standardTransitions),
      number(express.expressRequests),
      `${number(express.expressDurationMs)} ms`,
      dollars(express.costPerOrder * 1e6),
      `${number(express.wallMs)} ms`,
      percentOfLimit(express.peakStateBytes),
    ],
  },
};

/**
 * Measures and prints the table; the stack's files are read first, so a broken one costs no
 * measuring. `progress` hears of each measure as it starts: the whole takes tens of seconds.
 */
export async function main(
  projectDir: string,
  write: (text: string) => void,
  request: BenchRequest = defaultBenchRequest,
  progress: (line: string) => void = () => undefined,
): Promise<void> {
  const modes = loadModes(projectDir, request);
  const { settings } = modes[request.modes[0]]!;
  /** The last row is the largest cart the stack accepts (maxCartItems). */
  const cartSizes = [1, 3, 10, 50, settings.maxCartItems];
  const rows: string[][] = [];
  let dearestExpress = 0;
  let step = 0;
  for (const size of cartSizes) {
    const row = [number(size)];
    for (const mode of request.modes) {
      step += 1;
      progress(`[${step}/${cartSizes.length * request.modes.length}] ${size} items, pricingFanOut ${mode}`);
      const measured = await measure(modes[mode]!, size);
      if (mode === "express") dearestExpress = Math.max(dearestExpress, measured.costPerOrder);
      row.push(...columns[mode].cells(measured));
    }
    rows.push(row);
  }
  const header = ["items", ...request.modes.flatMap((mode) => columns[mode].header)];
  const express = request.modes.includes("express");
  write(
    [
      `Order workflow, ${request.stack} stack (${settings.workflowType}, MaxConcurrency ${settings.mapMaxConcurrency}), pricingFanOut ${request.modes.join(" and ")}, ${latencyMs} ms per API call, median of ${runsPerSize} runs, ${new Date().toISOString().slice(0, 10)}`,
      "",
      table([header, ...rows]),
      "",
      ...(express
        ? [
            `express: the dearest order costs ${dollars(dearestExpress * 1e6)} per million orders; its Standard transitions are the same for every cart.`,
          ]
        : []),
      `transitions: states the order's STANDARD execution entered (retries would add more); the last row is the largest cart the stack accepts (maxCartItems ${settings.maxCartItems})`,
      ...(express
        ? [
            `Express requests and duration: the pricing child's executions, their measured local durations summed; a real API's latency makes them longer, at about $1.04 per million orders per second`,
          ]
        : []),
      ...(request.modes.includes("inline")
        ? [
            `as EXPRESS: the inline run billed as an EXPRESS workflow (workflowType), at-least-once and without the safety net (README: Standard or Express)`,
          ]
        : []),
      `peak state: the largest state input or output of any execution, against Step Functions' ${number(stateSizeLimitBytes)} B (256 KiB)`,
      `Prices: us-east-1 list prices assumed as of ${prices.asOf}, before free tier (https://aws.amazon.com/step-functions/pricing/): Standard $${prices.standardPerTransition * 1000} per 1,000 state transitions; Express $${(prices.expressPerRequest * 1e6).toFixed(2)} per million requests + $${prices.expressPerGbSecond} per GB-second at 64 MB, each execution rounded up to ${prices.expressDurationStepMs} ms`,
      "",
    ].join("\n"),
  );
}

const usage = `Run carts of 1, 3, 10 and 50 products and the largest cart the stack accepts against the
local order API, ${latencyMs} ms per call, with the cart priced inline and by the Express pricing child,
and print for each the Standard transitions, the Express requests and duration, the cost per million
orders, the wall time and the peak state size. Each measure is announced on stderr as it starts.

Usage: npm run bench -- [--stack <name>] [--pricing inline|express|both]

  --stack <name>     A stack of this project, one Pulumi.<name>.yaml (default dev)
  --pricing <mode>   Measure only that pricingFanOut, or both side by side (default both)
  -h, --help         Show this help.`;

const request = require.main === module ? benchRequest(usage, process.argv.slice(2)) : undefined;
if (request !== undefined && !("code" in request)) {
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  main(process.cwd(), (text) => process.stdout.write(text), request, progress).catch((error: Error) => {
    // A stack file to fix is the user's mistake, said in one message as npm start says it.
    const config = error instanceof ConfigError || error instanceof UsageError;
    process.stderr.write(`${config ? error.message : (error.stack ?? error.message)}\n`);
    process.exitCode = config ? exitCodes.usage : exitCodes.internal;
  });
} else if (request !== undefined) {
  if (request.stdout !== undefined) process.stdout.write(request.stdout);
  if (request.stderr !== undefined) process.stderr.write(request.stderr);
  process.exitCode = request.code;
}

/**
 * `npm run bench`: what one order costs as the cart grows, in both pricing modes side by side
 * (docs/pricing-fan-out.md), measured locally with a fixed latency per API call. A benchmark to
 * read, not a test: nothing here passes or fails.
 */
import type { PricingFanOut, WorkflowType } from "../components/settings";
import { Faults } from "../local/api/faults";
import { startOrderApi } from "../local/api/server";
import { billingOf } from "../local/billing";
import { ExecutionResult, runExecution } from "../local/runner";
import { orderOfSize } from "../local/seed";
import { exitCodes } from "../local/cli";
import { UsageError } from "../local/cliArgs";
import { ConfigError, loadStackForCli } from "../local/cliStack";
import type { StackDefinition } from "../local/stackDefinition";
import { peakStateBytes, stateSizeLimitBytes } from "../local/stateSize";
import { shouldRunBench } from "./benchArgs";

const stack = "dev";
const latencyMs = 20;
const runsPerSize = 3;

/** The same stack in both modes: only where the cart is priced differs. */
function loadModes(projectDir: string): Record<PricingFanOut, StackDefinition> {
  return {
    inline: loadStackForCli(stack, projectDir, { pricingFanOut: "inline" }),
    express: loadStackForCli(stack, projectDir, { pricingFanOut: "express" }),
  };
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

/** Measures and prints the table; the stack's files are read first, so a broken one costs no measuring. */
export async function main(projectDir: string, write: (text: string) => void): Promise<void> {
  const modes = loadModes(projectDir);
  const { settings } = modes.inline;
  /** The last row is the largest cart the stack accepts (maxCartItems). */
  const cartSizes = [1, 3, 10, 50, settings.maxCartItems];
  const rows: string[][] = [];
  let dearestExpress = 0;
  for (const size of cartSizes) {
    const inline = await measure(modes.inline, size);
    const express = await measure(modes.express, size);
    dearestExpress = Math.max(dearestExpress, express.costPerOrder);
    rows.push([
      number(size),
      number(inline.standardTransitions),
      dollars(inline.costPerOrder * 1e6),
      `${number(inline.wallMs)} ms`,
      percentOfLimit(inline.peakStateBytes),
      dollars(inline.costAsExpressWorkflow * 1e6),
      number(express.standardTransitions),
      number(express.expressRequests),
      `${number(express.expressDurationMs)} ms`,
      dollars(express.costPerOrder * 1e6),
      `${number(express.wallMs)} ms`,
      percentOfLimit(express.peakStateBytes),
    ]);
  }
  const header = [
    "items",
    "inline: transitions",
    "/1M orders",
    "wall time",
    "peak state",
    "as EXPRESS /1M",
    "express: transitions",
    "Express requests",
    "Express duration",
    "/1M orders",
    "wall time",
    "peak state",
  ];
  write(
    [
      `Order workflow, ${stack} stack (${settings.workflowType}, MaxConcurrency ${settings.mapMaxConcurrency}), pricingFanOut inline and express, ${latencyMs} ms per API call, median of ${runsPerSize} runs, ${new Date().toISOString().slice(0, 10)}`,
      "",
      table([header, ...rows]),
      "",
      `express: the dearest order costs ${dollars(dearestExpress * 1e6)} per million orders; its Standard transitions are the same for every cart.`,
      `transitions: states the order's STANDARD execution entered (retries would add more); the last row is the largest cart the stack accepts (maxCartItems ${settings.maxCartItems})`,
      `Express requests and duration: the pricing child's executions, their measured local durations summed; a real API's latency makes them longer, at about $1.04 per million orders per second`,
      `as EXPRESS: the inline run billed as an EXPRESS workflow (workflowType), at-least-once and without the safety net (README: Standard or Express)`,
      `peak state: the largest state input or output of any execution, against Step Functions' ${number(stateSizeLimitBytes)} B (256 KiB)`,
      `Prices: us-east-1 list prices assumed as of ${prices.asOf}, before free tier (https://aws.amazon.com/step-functions/pricing/): Standard $${prices.standardPerTransition * 1000} per 1,000 state transitions; Express $${(prices.expressPerRequest * 1e6).toFixed(2)} per million requests + $${prices.expressPerGbSecond} per GB-second at 64 MB, each execution rounded up to ${prices.expressDurationStepMs} ms`,
      "",
    ].join("\n"),
  );
}

const usage = `Run carts of 1, 3, 10 and 50 products and the largest cart the ${stack} stack accepts against the
local order API, ${latencyMs} ms per call, once with the cart priced inline and once by the Express pricing
child, and print for each the Standard transitions, the Express requests and duration, the cost per
million orders, the wall time and the peak state size.`;

if (require.main === module && shouldRunBench("bench", usage)) {
  main(process.cwd(), (text) => process.stdout.write(text)).catch((error: Error) => {
    // A stack file to fix is the user's mistake, said in one message as npm start says it.
    const config = error instanceof ConfigError || error instanceof UsageError;
    process.stderr.write(`${config ? error.message : (error.stack ?? error.message)}\n`);
    process.exitCode = config ? exitCodes.usage : exitCodes.internal;
  });
}

/**
 * `npm run bench`: what one order costs the workflow as the cart grows, measured locally with a
 * fixed latency per API call. A benchmark to read, not a test: nothing here passes or fails.
 */
import { Faults } from "../local/api/faults";
import { startOrderApi } from "../local/api/server";
import { runExecution } from "../local/runner";
import { orderOfSize } from "../local/seed";
import { loadStackDefinition } from "../local/stackDefinition";
import { peakStateBytes, stateSizeLimitBytes } from "../local/stateSize";
import { shouldRunBench } from "./benchArgs";

const { definition, definitionSettings, settings } = loadStackDefinition("dev");
/** The last row is the largest cart the stack accepts (maxCartItems). */
const cartSizes = [1, 10, 50, settings.maxCartItems];
const latencyMs = 20;
const runsPerSize = 3;

/** us-east-1 list prices assumed on this date; check https://aws.amazon.com/step-functions/pricing/. */
const prices = {
  asOf: "2026-11-25",
  standardPerTransition: 0.025 / 1000,
  expressPerRequest: 1.0 / 1_000_000,
  expressPerGbSecond: 0.00001667,
  /** Express bills memory in 64 MB chunks; a definition this size with small payloads needs one. */
  expressMemoryGb: 64 / 1024,
  /** Express bills duration rounded up to the next 100 ms. */
  expressDurationStepMs: 100,
};

interface Measure {
  readonly products: number;
  readonly apiCalls: number;
  readonly transitions: number;
  readonly wallMs: number;
  readonly criticalPathMs: number;
  /** The largest state input or output of the run, in bytes. */
  readonly peakStateBytes: number;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(products: number): Promise<Measure> {
  const samples: Omit<Measure, "criticalPathMs">[] = [];
  // The first run warms up the engine and the HTTP client; it is not counted.
  for (let run = 0; run <= runsPerSize; run++) {
    const api = await startOrderApi({
      stage: definitionSettings.stage,
      faults: new Faults().delay(latencyMs),
    });
    try {
      const result = await runExecution({
        definition,
        apiOrigins: { [definitionSettings.endpoint]: api.origin },
        input: orderOfSize(products),
      });
      if (result.status !== "SUCCEEDED")
        throw new Error(`${products} products: ${result.error}: ${result.cause}`);
      const transitions = result.events.filter((event) => event.type === "StateEntered").length;
      if (run > 0)
        samples.push({
          products,
          apiCalls: api.requests.length,
          transitions,
          wallMs: result.durationMs,
          peakStateBytes: peakStateBytes(result.events),
        });
    } finally {
      await api.close();
    }
  }
  // Sequential phases: CreateOrder, one round of parallel calls per MaxConcurrency products, Tax, Update, Event.
  const rounds = Math.ceil(products / definitionSettings.mapMaxConcurrency);
  return {
    ...samples[0],
    wallMs: median(samples.map((sample) => sample.wallMs)),
    criticalPathMs: (4 + rounds) * latencyMs,
  };
}

/** One number format for the whole table: en-US digit grouping. */
const number = (value: number, fractionDigits = 0): string =>
  value.toLocaleString("en-US", {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  });
const dollars = (amount: number): string => `$${number(amount, 2)}`;

function costs({ transitions, wallMs }: Measure) {
  const billedSeconds =
    (Math.ceil(wallMs / prices.expressDurationStepMs) * prices.expressDurationStepMs) / 1000;
  return {
    standard: transitions * prices.standardPerTransition * 1e6,
    express:
      (prices.expressPerRequest + billedSeconds * prices.expressMemoryGb * prices.expressPerGbSecond) * 1e6,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padStart(widths[column])).join("  ");
  return [
    line(rows[0]),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...rows.slice(1).map(line),
  ].join("\n");
}

async function main(): Promise<void> {
  const measures: Measure[] = [];
  for (const size of cartSizes) measures.push(await measure(size));
  const header = [
    "products",
    "API calls",
    "transitions",
    "wall time",
    "critical path",
    "overhead",
    "peak state",
    "of 256 KiB",
    "Standard /1M",
    "Express /1M",
  ];
  const rows = measures.map((m) => {
    const { standard, express } = costs(m);
    return [
      number(m.products),
      number(m.apiCalls),
      number(m.transitions),
      `${number(m.wallMs)} ms`,
      `${number(m.criticalPathMs)} ms`,
      `${number(m.wallMs - m.criticalPathMs)} ms`,
      `${number(m.peakStateBytes)} B`,
      `${number((100 * m.peakStateBytes) / stateSizeLimitBytes, 1)} %`,
      dollars(standard),
      dollars(express),
    ];
  });
  process.stdout.write(
    [
      `Order workflow, dev stack definition (MaxConcurrency ${definitionSettings.mapMaxConcurrency}), ${latencyMs} ms per API call, median of ${runsPerSize} runs, ${new Date().toISOString().slice(0, 10)}`,
      "",
      table([header, ...rows]),
      "",
      `peak state: the largest state input or output, in bytes of JSON, against Step Functions' limit of ${number(stateSizeLimitBytes)} B (256 KiB); the last row is the largest cart the stack accepts (maxCartItems ${settings.maxCartItems})`,
      "critical path: (CreateOrder + ceil(products / MaxConcurrency) parallel rounds + Tax + Update + Event) × latency",
      `Standard: $${prices.standardPerTransition * 1000} per 1,000 state transitions (StateEntered events, retries would add more)`,
      `Express:  $${(prices.expressPerRequest * 1e6).toFixed(2)} per million requests + $${prices.expressPerGbSecond} per GB-second at 64 MB, duration rounded up to ${prices.expressDurationStepMs} ms (local wall time used as the duration)`,
      `Prices: us-east-1 list prices assumed as of ${prices.asOf}, before free tier; check https://aws.amazon.com/step-functions/pricing/`,
      "",
    ].join("\n"),
  );
}

const usage = `Run carts of 1, 10 and 50 products and the largest cart the dev stack accepts against the
local order API, ${latencyMs} ms per call, and print for each the API calls, state transitions, wall
time, peak state size and the cost per million orders as a Standard and an Express workflow.`;

if (shouldRunBench("bench", usage)) {
  main().catch((error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  });
}

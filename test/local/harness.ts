import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiRecord, OrderApi, startOrderApi } from "../../local/api/server";
import { main } from "../../local/cli/cli";
import { runExecution } from "../../local/aws/runner";
import { ExecutionResult } from "../../local/aws/execution";
import { loadStackDefinition, StackDefinition } from "../../local/stackDefinition";
import { TestClock } from "./testClock";

/** The definition the dev stack deploys: the one every local test runs. */
export const dev = loadStackDefinition("dev");

/** The dev stack with pricingFanOut "express": its order's definition and the Express pricing child. */
export const devExpress = loadStackDefinition("dev", process.cwd(), { pricingFanOut: "express" });

/** Both ways to price a cart, each a stack the local tests run alike. */
export const modes = { inline: dev, express: devExpress } as const;
export type Mode = keyof typeof modes;
export const modeNames = Object.keys(modes) as Mode[];

export const sampleOrder = JSON.parse(readFileSync("samples/order.json", "utf8"));

export const oneItemOrder = { ...sampleOrder, items: sampleOrder.items.slice(1, 2) };

/** Retry pauses of 1 ms and 2 ms: visible in the trace, short enough for a fast suite. */
export const testRetryScale = 1 / 1000;

export interface Run {
  readonly result: ExecutionResult;
  readonly api: OrderApi;
}

/** Runs the dev definition against a fresh local API; `prepare` injects faults before the run. */
export const run = (input: unknown, prepare?: (api: OrderApi) => void): Promise<Run> =>
  runOn(dev, input, prepare);

/** Runs a stack's definitions (the dev stack in either mode) against a fresh local API. */
export async function runOn(
  stack: StackDefinition,
  input: unknown,
  prepare: (api: OrderApi) => void = () => undefined,
): Promise<Run> {
  const api = await startOrderApi({ stage: stack.definitionSettings.stage });
  try {
    prepare(api);
    const result = await runExecution({
      definition: stack.definition,
      stateMachines: stack.stateMachines,
      apiOrigins: { [stack.definitionSettings.endpoint]: api.origin },
      input,
      retryScale: testRetryScale,
      clock: new TestClock(),
    });
    return { result, api };
  } finally {
    await api.close();
  }
}

export const eventsOfType = (api: ApiRecord, eventType: string) =>
  api.events.filter((event) => event.eventType === eventType);

/**
 * The command in this process, its output captured; `projectDir` holds the stacks. Its time-outs
 * never fire: none of these runs studies one, and a busy machine must not fire one.
 */
export const startInProjectDir = async (projectDir: string, ...args: string[]) => {
  let stdout = "";
  let stderr = "";
  const status = await main(
    args,
    { write: (text: string) => (stdout += text) },
    { write: (text: string) => (stderr += text) },
    process.cwd(),
    projectDir,
    new TestClock(),
  );
  return { status, stdout, stderr };
};

/** The command in this process, on this project's stacks. */
export const startInProcess = (...args: string[]) => startInProjectDir(process.cwd(), ...args);

/** The stack of `expressProject()`: the dev stack's file with pricingFanOut express. */
export const expressStack = "express";

let expressProjectDir: string | undefined;

/**
 * A copy of the project's Pulumi.yaml, the dev stack and the sample order, with one stack more,
 * `express`: the dev stack with pricingFanOut express, to run `npm start -- --stack express` on.
 * Made once per test run, removed when the process exits.
 */
export function expressProject(): string {
  if (expressProjectDir !== undefined) return expressProjectDir;
  const dir = mkdtempSync(join(tmpdir(), "orders-express-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  copyFileSync("Pulumi.yaml", join(dir, "Pulumi.yaml"));
  copyFileSync("Pulumi.dev.yaml", join(dir, "Pulumi.dev.yaml"));
  writeFileSync(
    join(dir, `Pulumi.${expressStack}.yaml`),
    `${readFileSync("Pulumi.dev.yaml", "utf8")
      .replace(/^\s*order-processing-workflow:pricingFanOut:.*$/m, "")
      .trimEnd()}\n  order-processing-workflow:pricingFanOut: express\n`,
  );
  mkdirSync(join(dir, "samples"));
  copyFileSync("samples/order.json", join(dir, "samples/order.json"));
  expressProjectDir = dir;
  return dir;
}

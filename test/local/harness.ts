import { readFileSync } from "node:fs";
import { OrderApi, startOrderApi } from "../../local/api/server";
import { main } from "../../local/cli";
import { ExecutionResult, runExecution } from "../../local/runner";
import { loadStackDefinition } from "../../local/stackDefinition";

/** The definition the dev stack deploys: the one every local test runs. */
export const dev = loadStackDefinition("dev");

export const sampleOrder = JSON.parse(readFileSync("samples/order.json", "utf8"));

export const oneItemOrder = { ...sampleOrder, items: sampleOrder.items.slice(1, 2) };

/** Retry pauses of 1 ms and 2 ms: visible in the trace, short enough for a fast suite. */
export const testRetryScale = 1 / 1000;

export interface Run {
  readonly result: ExecutionResult;
  readonly api: OrderApi;
}

/** Runs the dev definition against a fresh local API; `prepare` injects faults before the run. */
export async function run(input: unknown, prepare: (api: OrderApi) => void = () => undefined): Promise<Run> {
  const api = await startOrderApi({ stage: dev.definitionSettings.stage });
  try {
    prepare(api);
    const result = await runExecution({
      definition: dev.definition,
      apiOrigins: { [dev.definitionSettings.endpoint]: api.origin },
      input,
      retryScale: testRetryScale,
    });
    return { result, api };
  } finally {
    await api.close();
  }
}

export const eventsOfType = (api: OrderApi, eventType: string) =>
  api.events.filter((event) => event.eventType === eventType);

/** The command in this process, its output captured. */
export const startInProcess = async (...args: string[]) => {
  let stdout = "";
  let stderr = "";
  const status = await main(
    args,
    { write: (text: string) => (stdout += text) },
    { write: (text: string) => (stderr += text) },
  );
  return { status, stdout, stderr };
};

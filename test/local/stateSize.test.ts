import assert from "node:assert/strict";
import type { AslDefinition } from "../../components/definition/asl";
import { startSyncExecution } from "../../components/definition/definition";
import { runExecution } from "../../local/aws/runner";
import { ExecutionResult } from "../../local/aws/execution";
import { TestClock } from "./testClock";
import { checkStateSize, DataLimitExceededError, stateSizeLimitBytes } from "../../local/aws/stateSize";

describe("checkStateSize", () => {
  /** {"pad":"…"} is 10 bytes more than the pad's characters. */
  const ofBytes = (bytes: number, character = "x") => ({
    pad: character.repeat((bytes - 10) / Buffer.byteLength(character)),
  });

  it("lets a value of exactly 256 KiB of JSON through", () => {
    assert.doesNotThrow(() => checkStateSize(ofBytes(stateSizeLimitBytes), "S", "output"));
  });

  it("refuses one byte more as States.DataLimitExceeded, which no Retry or Catch may match", () => {
    assert.throws(
      () => checkStateSize(ofBytes(stateSizeLimitBytes + 1), "S", "output"),
      (error: unknown) =>
        error instanceof DataLimitExceededError &&
        error.name === "States.DataLimitExceeded" &&
        !error.isCatchable &&
        !error.isRetryable &&
        error.message ===
          `The output of state "S" is 262145 bytes, over the 262144 bytes Step Functions allows a state's input, output, parameters or result`,
    );
  });

  it("counts bytes of UTF-8, not characters", () => {
    // 87,379 characters of 3 bytes each: a third of the limit in characters, over it in bytes.
    assert.throws(
      () => checkStateSize(ofBytes(stateSizeLimitBytes + 3, "€"), "S", "input"),
      DataLimitExceededError,
    );
  });
});

describe("the local run's state size limit, as Step Functions enforces it", () => {
  const childArn = "arn:aws:states:us-east-1:000000000000:stateMachine:child";
  /** A string of this many bytes of JSON, its quotes included. */
  const padOf = (bytes: number) => "x".repeat(bytes - 2);
  const half = stateSizeLimitBytes / 2 + 8;
  const start = (extra: Record<string, unknown>) => ({
    Type: "Task",
    Resource: startSyncExecution,
    Parameters: { StateMachineArn: childArn, "Input.$": "States.JsonToString($)" },
    ...extra,
    End: true,
  });
  /**
   * One definition for every case (each new one costs the engine a validation): a Map whose Retry
   * and Catch would take any catchable error, over one item that picks the state under test.
   */
  const probe: AslDefinition = {
    StartAt: "Wrap",
    States: {
      Wrap: {
        Type: "Map",
        ItemsPath: "$.items",
        ItemSelector: {
          "case.$": "$$.Map.Item.Value.case",
          "pad.$": "$$.Map.Item.Value.pad",
          "extra.$": "$.extra",
          // Only for the case of an iteration input larger than the Map's own input.
          "extraAgain.$": "$.extra",
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: "INLINE" },
          StartAt: "Choose",
          States: {
            Choose: {
              Type: "Choice",
              Choices: [
                { Variable: "$.case", StringEquals: "output", Next: "Copy" },
                { Variable: "$.case", StringEquals: "parameters", Next: "Double" },
                { Variable: "$.case", StringEquals: "task parameters", Next: "Start Quoted" },
                { Variable: "$.case", StringEquals: "task result", Next: "Start" },
              ],
              Default: "Fits",
            },
            Copy: { Type: "Pass", ResultPath: "$.copy", End: true },
            Double: {
              Type: "Pass",
              Parameters: { "a.$": "$.pad", "b.$": "$.pad" },
              ResultPath: null,
              End: true,
            },
            "Start Quoted": start({}),
            Start: start({ ResultSelector: { "Status.$": "$.Status" } }),
            Fits: { Type: "Pass", End: true },
          },
        },
        Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 2, IntervalSeconds: 1 }],
        Catch: [{ ErrorEquals: ["States.ALL"], Next: "Caught" }],
        End: true,
      },
      Caught: { Type: "Succeed" },
    },
  };
  const run = (item: { case: string; pad: string }, extra = "") =>
    runExecution({
      definition: probe,
      input: { items: [item], extra },
      apiOrigins: {},
      clock: new TestClock(),
      stateMachines: { [childArn]: { StartAt: "Echo", States: { Echo: { Type: "Pass", End: true } } } },
    });

  function assertDataLimitExceeded(result: ExecutionResult, cause: RegExp): void {
    assert.deepEqual(
      [result.status, result.status === "SUCCEEDED" ? undefined : result.error],
      ["FAILED", "States.DataLimitExceeded"],
    );
    if (result.status === "SUCCEEDED") return;
    assert.match(result.cause, cause);
    const types = result.events.map((event) => event.type);
    assert.ok(!types.includes("StateRetried"), "no Retry sees it");
    assert.ok(!result.events.some((event) => event.type === "StateEntered" && event.state.name === "Caught"));
  }

  it("fails the execution when a state's output is over 256 KiB, past any Retry or Catch", async () => {
    const result = await run({ case: "output", pad: padOf(half) });
    assertDataLimitExceeded(result, /^The output of state "Copy" is \d+ bytes/);
  });

  it("fails it when a state's effective input (after Parameters) is over 256 KiB", async () => {
    const result = await run({ case: "parameters", pad: padOf(half) });
    assertDataLimitExceeded(result, /^The effective input of state "Double"/);
  });

  it("fails it when a Map iteration's input (its ItemSelector's output) is over 256 KiB", async () => {
    const result = await run({ case: "fits", pad: "" }, padOf(half));
    assertDataLimitExceeded(result, /^The input of state "Choose"/);
  });

  it("fails a Task whose parameters are over 256 KiB before it starts anything", async () => {
    // Each quote is escaped in the JSON string: the Input is twice the item.
    const result = await run({ case: "task parameters", pad: '"'.repeat(half / 2) });
    assertDataLimitExceeded(result, /^The effective input of state "Start Quoted"/);
    assert.deepEqual(result.children, [], "the child never started");
  });

  it("fails a Task whose result is over 256 KiB, though its parameters were not", async () => {
    // StartSyncExecution's answer repeats the child's input, and its output: twice the item.
    const result = await run({ case: "task result", pad: padOf(half) });
    assertDataLimitExceeded(result, /^The result of state "Start"/);
    assert.equal(result.children.length, 1);
  });

  it("runs the same states to success when each stays within 256 KiB", async () => {
    const results = await Promise.all(
      ["output", "parameters", "task result"].map((name) => run({ case: name, pad: padOf(half / 3) })),
    );
    assert.deepEqual(
      results.map((result) => result.status),
      ["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"],
    );
  });
});

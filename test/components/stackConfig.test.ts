import assert from "node:assert/strict";
import { configNamespace, loadStackConfig } from "../../components/stackConfig";
import { stackFileConfig } from "../../local/stackDefinition";

const from = (values: Record<string, string>) => (key: string) => values[key];
const fromStackFile = (stack: string) => (key: string) => stackFileConfig(stack)[`${configNamespace}:${key}`];

describe("the stack config", () => {
  it("of dev calls MyApiId and logs everything with execution data", () => {
    const { settings } = loadStackConfig(fromStackFile("dev"));
    assert.equal(stackFileConfig("dev")["aws:region"], "us-east-1");
    assert.deepEqual(
      [settings.apiId, settings.stage, settings.logLevel, settings.includeExecutionData],
      ["MyApiId", "dev", "ALL", true],
    );
  });

  it("of prod logs errors only, without the customer data in state input and output", () => {
    const { settings } = loadStackConfig(fromStackFile("prod"));
    assert.deepEqual([settings.logLevel, settings.includeExecutionData], ["ERROR", false]);
  });

  it("parses integers and booleans", () => {
    const { settings } = loadStackConfig(
      from({
        apiId: "a1",
        stage: "s",
        logRetentionDays: "90",
        tracingEnabled: "true",
        mapMaxConcurrency: "12",
      }),
    );
    assert.deepEqual(
      [settings.logRetentionDays, settings.tracingEnabled, settings.mapMaxConcurrency],
      [90, true, 12],
    );
  });

  it("rejects a non-integer, naming the key and the value", () => {
    assert.throws(
      () => loadStackConfig(from({ apiId: "a1", stage: "s", mapMaxConcurrency: "many" })),
      /order-processing-workflow:mapMaxConcurrency must be an integer; got "many"/,
    );
  });

  it("rejects a non-boolean, naming the key and the value", () => {
    assert.throws(
      () => loadStackConfig(from({ apiId: "a1", stage: "s", includeExecutionData: "yes" })),
      /order-processing-workflow:includeExecutionData must be true or false; got "yes"/,
    );
  });

  it("rejects a bad value with the config key's name", () => {
    assert.throws(
      () => loadStackConfig(from({ apiId: "a1", stage: "s", logLevel: "VERBOSE" })),
      /order-processing-workflow:logLevel must be one of ALL, ERROR, FATAL, OFF; got "VERBOSE"/,
    );
  });

  it("rejects a log key that is not a KMS ARN", () => {
    assert.throws(
      () => loadStackConfig(from({ apiId: "a1", stage: "s", logKmsKeyArn: "my-key" })),
      /order-processing-workflow:logKmsKeyArn must be the ARN of a KMS key or alias; got "my-key"/,
    );
  });

  it("takes the empty default of apiRegion and logKmsKeyArn as not set", () => {
    const { settings, logKmsKeyArn } = loadStackConfig(
      from({ apiId: "a1", stage: "s", apiRegion: "", logKmsKeyArn: "" }),
    );
    assert.deepEqual([settings.apiRegion, logKmsKeyArn], [undefined, undefined]);
  });

  it("rejects an empty apiId rather than taking it as not set", () => {
    assert.throws(
      () => loadStackConfig(from({ apiId: "", stage: "s" })),
      /apiId must be an API Gateway API id/,
    );
  });

  it("requires apiId", () => {
    assert.throws(() => loadStackConfig(from({ stage: "s" })), /order-processing-workflow:apiId is required/);
  });

  it("reports type and value problems together", () => {
    assert.throws(
      () => loadStackConfig(from({ apiId: "", stage: "s", tracingEnabled: "on" })),
      /tracingEnabled must be true or false; got "on"\n.*apiId must be an API Gateway API id/,
    );
  });
});

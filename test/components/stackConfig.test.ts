import assert from "node:assert/strict";
import { InvalidSettingsError } from "../../components/config/settings";
import { configNamespace, loadStackConfig } from "../../components/config/stackConfig";
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

  it("of prod prices in an Express child, so a Standard order's transitions do not grow with its cart", () => {
    const { settings } = loadStackConfig(fromStackFile("prod"));
    assert.deepEqual([settings.workflowType, settings.pricingFanOut], ["STANDARD", "express"]);
  });

  it("of dev prices inline, the default", () => {
    assert.equal(loadStackConfig(fromStackFile("dev")).settings.pricingFanOut, "inline");
  });

  it("reads pricingFanOut", () => {
    const { settings } = loadStackConfig(from({ apiId: "a1", stage: "s", pricingFanOut: "express" }));
    assert.equal(settings.pricingFanOut, "express");
  });

  it("rejects an unknown pricingFanOut, naming the key and the value", () => {
    assert.throws(
      () => loadStackConfig(from({ apiId: "a1", stage: "s", pricingFanOut: "child" })),
      /order-processing-workflow:pricingFanOut must be one of inline, express; got "child"/,
    );
  });

  it("refuses pricingFanOut express with workflowType EXPRESS, naming both keys", () => {
    assert.throws(
      () =>
        loadStackConfig(from({ apiId: "a1", stage: "s", workflowType: "EXPRESS", pricingFanOut: "express" })),
      /order-processing-workflow:pricingFanOut "express" only saves transitions of a STANDARD workflow; order-processing-workflow:workflowType is "EXPRESS", so use "inline"/,
    );
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

  it("takes the empty default of apiRegion, logKmsKeyArn and alarmTopicArn as not set", () => {
    const { settings, logKmsKeyArn } = loadStackConfig(
      from({ apiId: "a1", stage: "s", apiRegion: "", logKmsKeyArn: "", alarmTopicArn: "" }),
    );
    assert.deepEqual(
      [settings.apiRegion, logKmsKeyArn, settings.alarmTopicArn],
      [undefined, undefined, undefined],
    );
  });

  it("reads maxCartItems and alarmTopicArn", () => {
    const topic = "arn:aws:sns:eu-west-1:123456789012:orders-on-call";
    const { settings } = loadStackConfig(
      from({ apiId: "a1", stage: "s", maxCartItems: "40", alarmTopicArn: topic }),
    );
    assert.deepEqual([settings.maxCartItems, settings.alarmTopicArn], [40, topic]);
  });

  it("of every stack prices carts of up to 100 items, the default", () => {
    for (const stack of ["dev", "prod"])
      assert.equal(loadStackConfig(fromStackFile(stack)).settings.maxCartItems, 100);
  });

  describe("under hostile values of maxCartItems and alarmTopicArn (bounded fuzz)", () => {
    // A fixed seed: the same 400 values every run, so a failure reproduces.
    let seed = 8;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = [
      "0",
      "1",
      "9",
      "-",
      "+",
      ".",
      "e",
      " ",
      "x",
      ":",
      "/",
      "arn:aws:sns:us-east-1:123456789012:",
      "\u0000",
      "é",
      "146",
      "147",
    ];
    const hostile = () =>
      Array.from(
        { length: Math.floor(random() * 6) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join("");

    for (const key of ["maxCartItems", "alarmTopicArn"] as const) {
      it(`either accepts a valid ${key} or names the key and the value, never anything else`, () => {
        for (let i = 0; i < 200; i++) {
          const raw = hostile();
          try {
            const { settings } = loadStackConfig(from({ apiId: "a1", stage: "s", [key]: raw }));
            if (key === "maxCartItems") {
              assert.ok(
                Number.isInteger(settings.maxCartItems) &&
                  settings.maxCartItems >= 1 &&
                  settings.maxCartItems <= 146,
                raw,
              );
            } else {
              assert.ok(raw === "" || /^arn:aws:sns:us-east-1:123456789012:[A-Za-z0-9_-]+$/.test(raw), raw);
            }
          } catch (error) {
            assert.ok(error instanceof InvalidSettingsError, `${JSON.stringify(raw)}: ${error}`);
            assert.ok(error.message.includes(`${configNamespace}:${key}`), error.message);
            assert.ok(
              error.message.includes(JSON.stringify(raw)) || error.message.includes(String(Number(raw))),
              error.message,
            );
          }
        }
      });
    }
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

import assert from "node:assert/strict";
import { maxCartItemsLimit } from "../../components/config/limits";
import { InvalidSettingsError, resolveSettings, WorkflowSettings } from "../../components/config/settings";

const valid = { apiId: "MyApiId", stage: "dev" };
const resolve = (given: Partial<WorkflowSettings>) =>
  resolveSettings({ ...valid, ...given }, (name) => `args.${name}`);

describe("workflow settings", () => {
  it("default to a Standard workflow pricing inline, logging errors only, 30 days, five products at once", () => {
    assert.deepEqual(resolve({}), {
      apiId: "MyApiId",
      apiRegion: undefined,
      stage: "dev",
      workflowType: "STANDARD",
      pricingFanOut: "inline",
      logLevel: "ERROR",
      includeExecutionData: false,
      logRetentionDays: 30,
      mapMaxConcurrency: 5,
      tracingEnabled: false,
      maxCartItems: 100,
      alarmTopicArn: undefined,
    });
  });

  it("accept the largest cart GET /taxes can carry, and no larger", () => {
    assert.equal(resolve({ maxCartItems: maxCartItemsLimit }).maxCartItems, 146);
    assert.throws(() => resolve({ maxCartItems: maxCartItemsLimit + 1 }), /got 147/);
  });

  it("accept an SNS topic ARN for the alarms, in any partition", () => {
    for (const arn of [
      "arn:aws:sns:us-east-1:123456789012:orders-on-call",
      "arn:aws-us-gov:sns:us-gov-west-1:123456789012:on_call-1",
    ]) {
      assert.equal(resolve({ alarmTopicArn: arn }).alarmTopicArn, arn);
    }
  });

  it("accept pricing inline or in an Express child", () => {
    assert.equal(resolve({ pricingFanOut: "inline" }).pricingFanOut, "inline");
    assert.equal(resolve({ pricingFanOut: "express" }).pricingFanOut, "express");
  });

  it("accept pricing inline in an EXPRESS workflow", () => {
    const settings = resolve({ workflowType: "EXPRESS", pricingFanOut: "inline" });
    assert.deepEqual([settings.workflowType, settings.pricingFanOut], ["EXPRESS", "inline"]);
  });

  it("refuse an Express pricing child for an EXPRESS workflow, which pays no transitions to save", () => {
    assert.throws(
      () => resolve({ workflowType: "EXPRESS", pricingFanOut: "express" }),
      (error: unknown) =>
        error instanceof InvalidSettingsError &&
        error.problems.length === 1 &&
        /^args.pricingFanOut "express" only saves transitions of a STANDARD workflow; args.workflowType is "EXPRESS", so use "inline"$/.test(
          error.problems[0],
        ),
    );
  });

  it("accept the $default stage of HTTP APIs", () => {
    assert.equal(resolve({ stage: "$default" }).stage, "$default");
  });

  const rejected: Array<[string, Partial<WorkflowSettings>, RegExp]> = [
    [
      "an empty apiId",
      { apiId: "" },
      /args.apiId must be an API Gateway API id \(letters and digits\); got ""/,
    ],
    ["a malformed apiId", { apiId: "my-api.id" }, /args.apiId must be .*; got "my-api.id"/],
    [
      "an invalid stage name",
      { stage: "dev stage" },
      /args.stage must be an API Gateway stage name .*; got "dev stage"/,
    ],
    [
      "an unknown workflow type",
      { workflowType: "SYNC" as never },
      /args.workflowType must be one of STANDARD, EXPRESS; got "SYNC"/,
    ],
    [
      "an unknown pricing fan-out",
      { pricingFanOut: "nested" as never },
      /args.pricingFanOut must be one of inline, express; got "nested"/,
    ],
    [
      "a pricing fan-out in the wrong case",
      { pricingFanOut: "EXPRESS" as never },
      /args.pricingFanOut must be one of inline, express; got "EXPRESS"/,
    ],
    [
      "an unknown log level",
      { logLevel: "DEBUG" as never },
      /args.logLevel must be one of ALL, ERROR, FATAL, OFF; got "DEBUG"/,
    ],
    [
      "a retention CloudWatch does not accept",
      { logRetentionDays: 10 },
      /args.logRetentionDays must be one of 1, 3, 5, 7, 14, 30, .*; got 10/,
    ],
    [
      "a zero concurrency",
      { mapMaxConcurrency: 0 },
      /args.mapMaxConcurrency must be an integer from 1 to 40; got 0/,
    ],
    ["a negative concurrency", { mapMaxConcurrency: -3 }, /args.mapMaxConcurrency must be .*; got -3/],
    ["a fractional concurrency", { mapMaxConcurrency: 2.5 }, /args.mapMaxConcurrency must be .*; got 2.5/],
    ["a zero cart size", { maxCartItems: 0 }, /args.maxCartItems must be an integer from 1 to 146 .*; got 0/],
    ["a fractional cart size", { maxCartItems: 10.5 }, /args.maxCartItems must be .*; got 10.5/],
    ["a cart size that is not a number", { maxCartItems: NaN }, /args.maxCartItems must be .*; got null/],
    [
      "an alarm topic that is an SQS queue",
      { alarmTopicArn: "arn:aws:sqs:us-east-1:123456789012:q" },
      /args.alarmTopicArn must be the ARN of an SNS topic .*; got "arn:aws:sqs:us-east-1:123456789012:q"/,
    ],
    [
      "an alarm topic ARN with a path after the name",
      { alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:t/../x" },
      /args.alarmTopicArn must be the ARN of an SNS topic/,
    ],
    [
      "an alarm topic ARN with a short account",
      { alarmTopicArn: "arn:aws:sns:us-east-1:1234:t" },
      /args.alarmTopicArn must be the ARN of an SNS topic/,
    ],
    [
      "a malformed region",
      { apiRegion: "Virginia" },
      /args.apiRegion must be an AWS region such as us-east-1; got "Virginia"/,
    ],
  ];
  for (const [what, given, message] of rejected) {
    it(`reject ${what}, naming the setting and the value`, () => {
      assert.throws(
        () => resolve(given),
        (error: unknown) => error instanceof InvalidSettingsError && message.test(error.message),
      );
    });
  }

  it("require apiId and stage", () => {
    assert.throws(() => resolveSettings({}, (name) => name), /apiId is required\n.*stage is required/);
  });

  it("report every problem at once", () => {
    assert.throws(
      () => resolve({ logLevel: "LOUD" as never, mapMaxConcurrency: 0 }),
      (error: unknown) => error instanceof InvalidSettingsError && error.problems.length === 2,
    );
  });
});

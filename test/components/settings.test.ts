import assert from "node:assert/strict";
import { InvalidSettingsError, resolveSettings, WorkflowSettings } from "../../components/settings";

const valid = { apiId: "MyApiId", stage: "dev" };
const resolve = (given: Partial<WorkflowSettings>) =>
  resolveSettings({ ...valid, ...given }, (name) => `args.${name}`);

describe("workflow settings", () => {
  it("default to a Standard workflow logging errors only, 30 days, five products at once", () => {
    assert.deepEqual(resolve({}), {
      apiId: "MyApiId",
      apiRegion: undefined,
      stage: "dev",
      workflowType: "STANDARD",
      logLevel: "ERROR",
      includeExecutionData: false,
      logRetentionDays: 30,
      mapMaxConcurrency: 5,
      tracingEnabled: false,
    });
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

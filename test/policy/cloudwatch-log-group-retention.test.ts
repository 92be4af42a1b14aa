import * as assert from "assert";
import { cloudwatchLogGroupRetention as policy } from "../../policy/policies/cloudwatch-log-group-retention";
import { UNKNOWN_STRING, UnknownValueError, validate } from "./harness";

async function violations(
  props: Record<string, unknown>,
  config?: Record<string, unknown>,
): Promise<string[]> {
  return (await validate(policy, { type: "aws:cloudwatch/logGroup:LogGroup", props, config })).violations;
}

describe("cloudwatch-log-group-retention", () => {
  it("is mandatory by default", () => {
    assert.strictEqual(policy.enforcementLevel, "mandatory");
  });

  it("passes a log group that expires its events", async () => {
    assert.deepStrictEqual(await violations({ retentionInDays: 30 }), []);
  });

  it("reports a log group without retention, whose events never expire", async () => {
    assert.deepStrictEqual(await violations({}), [
      "retentionInDays must be a positive number of days, but it is not set.",
    ]);
  });

  it("reports a retention of 0, which also never expires", async () => {
    assert.deepStrictEqual(await violations({ retentionInDays: 0 }), [
      "retentionInDays must be a positive number of days, but it is 0.",
    ]);
  });

  it("reports a retention that is not a number without throwing", async () => {
    assert.deepStrictEqual(await violations({ retentionInDays: "30" }), [
      'retentionInDays must be a positive number of days, but it is "30".',
    ]);
  });

  it("accepts any finite retention when maxRetentionDays is not set", async () => {
    assert.deepStrictEqual(await violations({ retentionInDays: 3653 }), []);
  });

  it("reports a retention above maxRetentionDays", async () => {
    assert.deepStrictEqual(await violations({ retentionInDays: 400 }, { maxRetentionDays: 365 }), [
      "retentionInDays must be at most 365, but it is 400.",
    ]);
  });

  it("leaves a retention unknown during preview to the SDK", async () => {
    await assert.rejects(violations({ retentionInDays: UNKNOWN_STRING }), UnknownValueError);
  });

  it("is not applicable to other resources", async () => {
    const outcome = await validate(policy, { type: "aws:s3/bucket:Bucket", props: {} });
    assert.ok(outcome.notApplicable);
  });
});

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

  describe("aws-native log groups", () => {
    const native = async (props: Record<string, unknown>, config?: Record<string, unknown>) =>
      (await validate(policy, { type: "aws-native:logs:LogGroup", props, config })).violations;

    it("reports an aws-native log group without retention, whose events never expire", async () => {
      assert.deepStrictEqual(await native({ logGroupName: "/aws/vendedlogs/states/orders" }), [
        "retentionInDays must be a positive number of days, but it is not set.",
      ]);
    });

    it("passes an aws-native log group that expires its events", async () => {
      assert.deepStrictEqual(await native({ retentionInDays: 30 }), []);
    });

    it("reports an aws-native retention above maxRetentionDays", async () => {
      assert.deepStrictEqual(await native({ retentionInDays: 400 }, { maxRetentionDays: 365 }), [
        "retentionInDays must be at most 365, but it is 400.",
      ]);
    });

    it("passes an aws-native DELIVERY log group, whose retention AWS fixes", async () => {
      assert.deepStrictEqual(await native({ logGroupClass: "DELIVERY" }), []);
    });
  });

  describe("log group classes", () => {
    it("passes a DELIVERY log group without retention, whose events AWS keeps for a day", async () => {
      assert.deepStrictEqual(await violations({ logGroupClass: "DELIVERY" }), []);
    });

    it("passes a DELIVERY log group whatever retentionInDays says, since AWS ignores it", async () => {
      assert.deepStrictEqual(
        await violations({ logGroupClass: "DELIVERY", retentionInDays: 400 }, { maxRetentionDays: 365 }),
        [],
      );
    });

    it("still reports an INFREQUENT_ACCESS log group without retention", async () => {
      assert.deepStrictEqual(await violations({ logGroupClass: "INFREQUENT_ACCESS" }), [
        "retentionInDays must be a positive number of days, but it is not set.",
      ]);
    });

    it("does not read a class unknown during preview when the retention passes", async () => {
      assert.deepStrictEqual(await violations({ logGroupClass: UNKNOWN_STRING, retentionInDays: 30 }), []);
    });
  });

  it("is not applicable to other resources", async () => {
    const outcome = await validate(policy, { type: "aws:s3/bucket:Bucket", props: {} });
    assert.ok(outcome.notApplicable);
  });
});

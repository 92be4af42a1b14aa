import * as assert from "assert";
import { stepfunctionsLoggingEnabled as policy } from "../../policy/policies/stepfunctions-logging-enabled";
import { UNKNOWN_STRING, validate } from "./harness";

const LOG_GROUP_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/orders-1a2b:*";

async function violations(loggingConfiguration: unknown): Promise<string[]> {
  const props = { roleArn: "arn:aws:iam::123456789012:role/orders", definition: "{}", loggingConfiguration };
  return (await validate(policy, { type: "aws:sfn/stateMachine:StateMachine", props })).violations;
}

describe("stepfunctions-logging-enabled", () => {
  it("is advisory by default", () => {
    assert.strictEqual(policy.enforcementLevel, "advisory");
  });

  it("passes a state machine logging errors to a log group", async () => {
    assert.deepStrictEqual(await violations({ level: "ERROR", logDestination: LOG_GROUP_ARN }), []);
  });

  it("passes a log group ARN that is unknown during preview, as it is until the log group exists", async () => {
    assert.deepStrictEqual(await violations({ level: "ALL", logDestination: UNKNOWN_STRING }), []);
  });

  it("reports a state machine without a logging configuration", async () => {
    assert.deepStrictEqual(await violations(undefined), [
      "The logging level must be one of ALL, ERROR, FATAL, but it is not set (OFF).",
      "The logging configuration must name a CloudWatch Logs log group as its destination.",
    ]);
  });

  it("reports logging turned OFF", async () => {
    assert.deepStrictEqual(await violations({ level: "OFF", logDestination: LOG_GROUP_ARN }), [
      'The logging level must be one of ALL, ERROR, FATAL, but it is "OFF".',
    ]);
  });

  it("reports a level without a destination", async () => {
    assert.deepStrictEqual(await violations({ level: "ERROR", logDestination: "" }), [
      "The logging configuration must name a CloudWatch Logs log group as its destination.",
    ]);
  });

  it("reports a logging configuration of the wrong shape without throwing", async () => {
    assert.strictEqual((await violations([{ level: "ALL" }])).length, 2);
  });

  describe("aws-native state machines", () => {
    const native = async (loggingConfiguration: unknown) =>
      (
        await validate(policy, {
          type: "aws-native:stepfunctions:StateMachine",
          props: { loggingConfiguration },
        })
      ).violations;

    it("passes a level with a CloudWatch Logs destination", async () => {
      const destinations = [{ cloudWatchLogsLogGroup: { logGroupArn: LOG_GROUP_ARN } }];
      assert.deepStrictEqual(await native({ level: "FATAL", destinations }), []);
    });

    it("reports destinations without a log group", async () => {
      assert.deepStrictEqual(await native({ level: "ALL", destinations: [{}, null] }), [
        "The logging configuration must name a CloudWatch Logs log group as its destination.",
      ]);
    });
  });

  it("is not applicable to other resources", async () => {
    const outcome = await validate(policy, { type: "aws:s3/bucket:Bucket", props: {} });
    assert.ok(outcome.notApplicable);
  });
});

// The pack's defaults must pass what this repo deploys: each stack's definition, execution role policy,
// state machine logging and log group, built by the program's own functions from its Pulumi.<stack>.yaml.
import * as assert from "assert";
import { join } from "node:path";
import { executionPolicy } from "../../components/iam";
import { cloudwatchLogGroupRetention } from "../../policy/policies/cloudwatch-log-group-retention";
import { iamExecuteApiInvokeNotWildcarded } from "../../policy/policies/iam-execute-api-invoke-not-wildcarded";
import { stepfunctionsLoggingEnabled } from "../../policy/policies/stepfunctions-logging-enabled";
import { stepfunctionsTaskRetryAndCatch } from "../../policy/policies/stepfunctions-task-retry-and-catch";
import { loadStackDefinition } from "../../local/stackDefinition";
import { UNKNOWN_STRING, validate } from "./harness";

const ROOT = join(__dirname, "..", "..");

for (const stack of ["dev", "prod"]) {
  describe(`the policy pack with its defaults on this repo's ${stack} stack`, () => {
    const { settings, definition } = loadStackDefinition(stack, ROOT);

    it("passes the state machine's definition and logging", async () => {
      const props = {
        roleArn: "arn:aws:iam::123456789012:role/orders-role",
        definition: JSON.stringify(definition),
        // As the program sets it at preview: the log group ARN is unknown until the log group exists.
        loggingConfiguration: {
          level: settings.logLevel,
          includeExecutionData: settings.includeExecutionData,
          logDestination: UNKNOWN_STRING,
        },
      };
      for (const policy of [stepfunctionsTaskRetryAndCatch, stepfunctionsLoggingEnabled]) {
        const outcome = await validate(policy, { type: "aws:sfn/stateMachine:StateMachine", props });
        assert.deepStrictEqual(outcome.violations, [], policy.name);
      }
    });

    it("passes the execution role policy", async () => {
      const document = executionPolicy(
        {
          partition: "aws",
          region: settings.apiRegion ?? "us-east-1",
          account: "123456789012",
          apiId: settings.apiId,
          stage: settings.stage,
        },
        { tracingEnabled: settings.tracingEnabled },
      );
      const props = { role: "orders-role", policy: JSON.stringify(document) };
      const outcome = await validate(iamExecuteApiInvokeNotWildcarded, {
        type: "aws:iam/rolePolicy:RolePolicy",
        props,
      });
      assert.deepStrictEqual(outcome.violations, []);
    });

    it("passes the log group", async () => {
      const props = {
        namePrefix: "/aws/vendedlogs/states/orders-",
        retentionInDays: settings.logRetentionDays,
      };
      const outcome = await validate(cloudwatchLogGroupRetention, {
        type: "aws:cloudwatch/logGroup:LogGroup",
        props,
      });
      assert.deepStrictEqual(outcome.violations, []);
    });
  });
}

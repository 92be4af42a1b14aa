import assert from "node:assert/strict";
import { Registration, valueOf } from "./support/mocks";
import { stackFileConfig } from "../local/stackDefinition";
import { ProgramFailed, ProgramRun, runProgram } from "./support/program";
import { iamExecuteApiInvokeNotWildcarded } from "../policy/policies/iam-execute-api-invoke-not-wildcarded";
import { stepfunctionsRoleMatchesApiCalls } from "../policy/policies/stepfunctions-role-matches-api-calls";
import { validate } from "./policy/harness";
import { programStack } from "./policy/program-stack";
import { validateStack } from "./policy/stack-harness";

/** Each stack's run, shared by the tests that only read what it registered and exported. */
const runs = new Map<string, Promise<ProgramRun>>();
const stackRun = (stack: string): Promise<ProgramRun> => {
  if (!runs.has(stack)) runs.set(stack, runProgram(stack, stackFileConfig(stack)));
  return runs.get(stack)!;
};
const devRun = () => stackRun("dev");

describe("the Pulumi program", () => {
  const stateMachinesOf = (registrations: Registration[]) =>
    registrations.filter((r) => r.type === "aws:sfn/stateMachine:StateMachine");

  it("deploys one workflow for the dev stack with its config, pricing inline", async () => {
    const stateMachines = stateMachinesOf((await devRun()).registrations);
    assert.deepEqual(
      stateMachines.map((r) => r.name),
      ["orders-dev"],
    );
    const definition = JSON.parse(stateMachines[0].inputs.definition);
    assert.equal(definition.States["Order.CreateOrder"].Parameters.Stage, "dev");
    assert.ok(definition.States["For Each Product In Cart"]);
  });

  it("deploys the prod workflow with its config and its Express pricing child", async () => {
    const stateMachines = stateMachinesOf((await stackRun("prod")).registrations);
    assert.deepEqual(
      stateMachines.map((r) => [r.name, r.inputs.type]),
      [
        ["orders-prod-pricing", "EXPRESS"],
        ["orders-prod", "STANDARD"],
      ],
    );
    const [child, order] = stateMachines.map((r) => JSON.parse(r.inputs.definition));
    assert.equal(order.States["Order.CreateOrder"].Parameters.Stage, "prod");
    assert.equal(child.States["Tax.GetTaxes"].Parameters.Stage, "prod");
    assert.equal(order.States["Price Cart"].Parameters.StateMachineArn, stateMachines[0].state.arn);
  });

  it("exports the state machine, its role, log group and console link, the safety net's rule and queue, and the alarms", async () => {
    const { exports, registrations } = await devRun();
    const stateMachine = registrations.find((r) => r.type === "aws:sfn/stateMachine:StateMachine")!;
    assert.deepEqual(Object.keys(exports).sort(), [
      "alarmNames",
      "consoleUrl",
      "deadLetterQueueUrl",
      "logGroupName",
      "pricingLogGroupName",
      "pricingRoleArn",
      "pricingStateMachineArn",
      "roleArn",
      "safetyNetRuleName",
      "stateMachineArn",
      "stateMachineName",
    ]);
    assert.equal(await valueOf(exports.stateMachineArn), stateMachine.state.arn);
    assert.match(
      String(await valueOf(exports.consoleUrl)),
      /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/states\//,
    );
  });

  it("exports no pricing child for a stack that prices inline", async () => {
    const { exports } = await devRun();
    assert.deepEqual(
      [exports.pricingStateMachineArn, exports.pricingRoleArn, exports.pricingLogGroupName],
      [undefined, undefined, undefined],
    );
  });

  it("exports the pricing child, its role and its log group for a stack that prices in an Express child", async () => {
    const { exports, registrations } = await stackRun("prod");
    const named = (name: string) => registrations.find((r) => r.name === name)!.state;
    assert.deepEqual(
      [
        await valueOf(exports.pricingStateMachineArn),
        await valueOf(exports.pricingRoleArn),
        await valueOf(exports.pricingLogGroupName),
      ],
      [
        named("orders-prod-pricing").arn,
        named("orders-prod-pricing-role").arn,
        named("orders-prod-pricing-logs").name,
      ],
    );
  });

  it("exports the safety net's rule and dead-letter queue, and every alarm", async () => {
    const { exports, registrations } = await devRun();
    const of = (type: string) => registrations.filter((r) => r.type === type);
    assert.equal(
      await valueOf(exports.safetyNetRuleName),
      of("aws:cloudwatch/eventRule:EventRule")[0].state.name,
    );
    assert.equal(await valueOf(exports.deadLetterQueueUrl), of("aws:sqs/queue:Queue")[0].state.url);
    assert.deepEqual(
      Object.values((await valueOf(exports.alarmNames)) as Record<string, string>).sort(),
      of("aws:cloudwatch/metricAlarm:MetricAlarm")
        .map((r) => r.state.name)
        .sort(),
    );
  });

  it("passes maxCartItems and the alarm topic from the stack config to the component", async () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:orders-on-call";
    const config = {
      ...stackFileConfig("dev"),
      "order-processing-workflow:maxCartItems": "12",
      "order-processing-workflow:alarmTopicArn": topic,
    };
    const { registrations } = await runProgram("dev", config);
    const stateMachine = registrations.find((r) => r.type === "aws:sfn/stateMachine:StateMachine")!;
    assert.equal(
      JSON.parse(stateMachine.inputs.definition).States["Validate Order"].Choices[4].Variable,
      "$.items[12]",
    );
    const alarms = registrations.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
    assert.ok(alarms.every((r) => r.inputs.alarmActions[0] === topic));
  });

  for (const [key, value, message] of [
    [
      "maxCartItems",
      "147",
      /order-processing-workflow:maxCartItems must be an integer from 1 to 146 .*; got 147/,
    ],
    ["maxCartItems", "1e2", /order-processing-workflow:maxCartItems must be an integer; got "1e2"/],
    [
      "alarmTopicArn",
      "orders-on-call",
      /order-processing-workflow:alarmTopicArn must be the ARN of an SNS topic .*; got "orders-on-call"/,
    ],
  ] as const) {
    it(`stops on ${key}=${value}, naming key and value and registering nothing`, async () => {
      const config = { ...stackFileConfig("dev"), [`order-processing-workflow:${key}`]: value };
      await assert.rejects(
        runProgram("dev", config),
        (error: unknown) =>
          error instanceof ProgramFailed && message.test(error.message) && error.registrations.length === 0,
      );
    });
  }

  it("tags its resources with the project and stack", async () => {
    const { registrations } = await stackRun("prod");
    const logGroup = registrations.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup")!;
    assert.deepEqual(logGroup.inputs.tags, { project: "order-processing-workflow", stack: "prod" });
  });

  it("stops on bad config with the key and value, registering nothing", async () => {
    const config = { ...stackFileConfig("dev"), "order-processing-workflow:logRetentionDays": "10" };
    await assert.rejects(
      runProgram("dev", config),
      (error: unknown) =>
        error instanceof ProgramFailed &&
        /order-processing-workflow:logRetentionDays must be one of 1, 3, 5, .*; got 10/.test(error.message) &&
        error.registrations.length === 0,
    );
  });

  describe("the policy pack on the safety net's grant", () => {
    const safetyNetInvoke = "orders-dev-safety-net-invoke";
    const withResource = (policy: string, rewrite: (arn: string) => string) => {
      const document = JSON.parse(policy);
      for (const statement of document.Statement)
        statement.Resource = [statement.Resource].flat().map(rewrite);
      return JSON.stringify(document);
    };

    it("refuses the safety net's execute-api:Invoke once its stage is a wildcard", async () => {
      const { registrations } = await devRun();
      const rolePolicy = registrations.find((r) => r.name === safetyNetInvoke)!;
      const policy = withResource(rolePolicy.inputs.policy, (arn) => arn.replace("/dev/POST/", "/*/POST/"));

      const { violations } = await validate(iamExecuteApiInvokeNotWildcarded, {
        type: rolePolicy.type,
        props: { ...rolePolicy.inputs, policy },
      });

      assert.equal(violations.length, 1);
    });

    it("does not count the safety net's grant as the state machine's: a role that loses POST /events/receive is named", async () => {
      const resources = await programStack("dev");
      const executionPolicy = resources.find((r) => r.name === "orders-dev-execution")!;
      const document = JSON.parse(executionPolicy.props.policy as string);
      const invoke = document.Statement.find((s: { Sid: string }) => s.Sid === "InvokeOrderApiRoutes");
      invoke.Resource = invoke.Resource.filter((arn: string) => !arn.endsWith("/POST/events/receive"));
      executionPolicy.props = { ...executionPolicy.props, policy: JSON.stringify(document) };

      const violations = await validateStack(stepfunctionsRoleMatchesApiCalls, resources);

      assert.equal(violations.length, 1);
      assert.match(violations[0].message, /must allow execute-api:Invoke on \S+\/POST\/events\/receive/);
    });
  });
});

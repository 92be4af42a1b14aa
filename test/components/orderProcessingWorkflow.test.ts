import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { pricingRoutes } from "../../components/resources/calledRoutes";
import { invokeArns, logDeliveryActions } from "../../components/resources/iam";
import { buildPricingDefinition } from "../../components/definition/pricingDefinition";
import { routes } from "../../components/routes";
import {
  executionStatusEventPattern,
  orderFailedTarget,
  safetyNetRetryPolicy,
} from "../../components/resources/safetyNet";
import {
  OrderProcessingWorkflow,
  OrderProcessingWorkflowArgs,
} from "../../components/orderProcessingWorkflow";
import { InvalidSettingsError } from "../../components/config/settings";
import { matchesEventPattern } from "../../local/aws/eventPattern";
import { conditionHolds } from "../support/iamConditions";
import { account, installMocks, region, Registration, settle, valueOf } from "../support/mocks";

interface Child {
  readonly type: string;
  readonly name: string;
  readonly parent: pulumi.Resource | undefined;
  readonly dependsOn: unknown;
  readonly deleteBeforeReplace: boolean | undefined;
}

const devArgs: OrderProcessingWorkflowArgs = {
  apiId: "a1b2c3d4e5",
  stage: "dev",
  logging: { level: "ALL", includeExecutionData: true, retentionInDays: 14 },
};

/** Creates the component, recording each child's options through a transformation. */
async function create(args: OrderProcessingWorkflowArgs = devArgs, name = "orders-dev") {
  const registrations = installMocks();
  const children: Child[] = [];
  const workflow = new OrderProcessingWorkflow(name, args, {
    transformations: [
      ({ type, name, opts }) => {
        children.push({
          type,
          name,
          parent: opts.parent,
          dependsOn: opts.dependsOn,
          deleteBeforeReplace: (opts as pulumi.CustomResourceOptions).deleteBeforeReplace,
        });
        return undefined;
      },
    ],
  });
  await valueOf(workflow.stateMachineArn);
  await settle();
  /** The one resource of a type, or of a type and logical name when the component has several. */
  const registered = (type: string, name?: string): Registration => {
    const found = registrations.filter((r) => r.type === type && (name === undefined || r.name === name));
    assert.equal(found.length, 1, `one ${type} ${name ?? ""}`);
    return found[0];
  };
  return { workflow, children, registrations, registered };
}

/** The component with the dev args, created once: most tests only read what it registered. */
let withDevArgs: ReturnType<typeof create> | undefined;
const createDefault = () => (withDevArgs ??= create());

const json = (value: string) => JSON.parse(value);

/** The warnings `pulumi.log.warn` was given while `run` ran. */
async function warningsOf(run: () => Promise<unknown>): Promise<string[]> {
  const warnings: string[] = [];
  const original = pulumi.log.warn;
  pulumi.log.warn = (message: string) => {
    warnings.push(message);
    return Promise.resolve();
  };
  try {
    await run();
  } finally {
    pulumi.log.warn = original;
  }
  return warnings;
}

describe("the OrderProcessingWorkflow component", () => {
  it("creates the workflow, its safety net and its alarms, each a child named after it", async () => {
    const { workflow, children } = await createDefault();
    assert.deepEqual(
      children
        .filter((c) => c.type !== "orders:workflow:OrderProcessingWorkflow")
        .map(({ type, name }) => [type, name]),
      [
        ["aws:cloudwatch/logGroup:LogGroup", "orders-dev-logs"],
        ["aws:iam/role:Role", "orders-dev-role"],
        ["aws:iam/rolePolicy:RolePolicy", "orders-dev-execution"],
        ["aws:sfn/stateMachine:StateMachine", "orders-dev"],
        ["aws:cloudwatch/eventRule:EventRule", "orders-dev-safety-net"],
        ["aws:iam/role:Role", "orders-dev-safety-net-role"],
        ["aws:iam/rolePolicy:RolePolicy", "orders-dev-safety-net-invoke"],
        ["aws:sqs/queue:Queue", "orders-dev-safety-net-dlq"],
        ["aws:sqs/queuePolicy:QueuePolicy", "orders-dev-safety-net-dlq-policy"],
        ["aws:cloudwatch/eventTarget:EventTarget", "orders-dev-safety-net-target"],
        ["aws:cloudwatch/metricAlarm:MetricAlarm", "orders-dev-executions-failed"],
        ["aws:cloudwatch/metricAlarm:MetricAlarm", "orders-dev-executions-timed-out"],
        ["aws:cloudwatch/metricAlarm:MetricAlarm", "orders-dev-executions-aborted"],
        ["aws:cloudwatch/metricAlarm:MetricAlarm", "orders-dev-safety-net-dead-letters"],
        ["aws:cloudwatch/metricAlarm:MetricAlarm", "orders-dev-safety-net-failed-invocations"],
      ],
    );
    for (const child of children.filter((c) => c.type.startsWith("aws:"))) {
      assert.equal(child.parent, workflow, `${child.name} is the component's child`);
    }
  });

  it("registers under the orders:workflow:OrderProcessingWorkflow type", async () => {
    const { workflow } = await createDefault();
    assert.match(await valueOf(workflow.urn), /::orders:workflow:OrderProcessingWorkflow::orders-dev$/);
  });

  it("grants execute-api:Invoke on exactly the routes' ARNs, in the provider's account", async () => {
    const { registered } = await createDefault();
    const policy = json(registered("aws:iam/rolePolicy:RolePolicy", "orders-dev-execution").inputs.policy);
    const invoke = policy.Statement.find((s: { Sid: string }) => s.Sid === "InvokeOrderApiRoutes");
    assert.deepEqual(
      invoke.Resource,
      invokeArns({ partition: "aws", region, account, apiId: "a1b2c3d4e5", stage: "dev" }),
    );
    assert.ok(
      invoke.Resource.every((arn: string) =>
        arn.startsWith(`arn:aws:execute-api:us-east-1:${account}:a1b2c3d4e5/dev/`),
      ),
    );
  });

  it("attaches the policy to the role and gives no other statement a resource wildcard than log delivery", async () => {
    const { registered } = await createDefault();
    const policy = registered("aws:iam/rolePolicy:RolePolicy", "orders-dev-execution");
    assert.equal(policy.inputs.role, "orders-dev-role-id");
    const starred = json(policy.inputs.policy).Statement.filter(
      (s: { Resource: unknown }) => s.Resource === "*",
    );
    assert.deepEqual(
      starred.map((s: { Action: string[] }) => s.Action),
      [[...logDeliveryActions]],
    );
  });

  it("lets only Step Functions assume the role, for this account's one state machine", async () => {
    const { registered } = await createDefault();
    const [statement] = json(
      registered("aws:iam/role:Role", "orders-dev-role").inputs.assumeRolePolicy,
    ).Statement;
    assert.deepEqual(statement.Principal, { Service: "states.amazonaws.com" });
    assert.deepEqual(statement.Condition, {
      StringEquals: { "aws:SourceAccount": account },
      ArnEquals: { "aws:SourceArn": registered("aws:sfn/stateMachine:StateMachine").state.arn },
    });
  });

  it("names the state machine exactly, as the trust policy does, and deletes it before a replacement", async () => {
    const { registered, children } = await createDefault();
    const { inputs } = registered("aws:sfn/stateMachine:StateMachine");
    assert.deepEqual([inputs.name, inputs.namePrefix], ["orders-dev-order", undefined]);
    const options = children.find((c) => c.type === "aws:sfn/stateMachine:StateMachine")!;
    assert.equal(options.deleteBeforeReplace, true);
  });

  for (const name of ["orders-dev.eu", `orders-${"x".repeat(67)}`]) {
    it(`refuses a name its state machines could not have, before registering anything: ${name.slice(0, 20)}…`, async () => {
      const registrations = installMocks();
      assert.throws(
        () => new OrderProcessingWorkflow(name, devArgs),
        new RegExp(`The workflow's name "${name}" must be at most 72 letters, digits, - or _`),
      );
      await settle();
      assert.deepEqual(registrations, []);
    });
  }

  it("logs executions to its log group at the configured level", async () => {
    const { registered } = await createDefault();
    const logGroup = registered("aws:cloudwatch/logGroup:LogGroup");
    assert.deepEqual(registered("aws:sfn/stateMachine:StateMachine").inputs.loggingConfiguration, {
      level: "ALL",
      includeExecutionData: true,
      logDestination: `${logGroup.state.arn}:*`,
    });
  });

  it("keeps logs for the configured retention under the vended-logs prefix", async () => {
    const { registered } = await createDefault();
    const { inputs } = registered("aws:cloudwatch/logGroup:LogGroup");
    assert.equal(inputs.retentionInDays, 14);
    assert.equal(inputs.namePrefix, "/aws/vendedlogs/states/orders-dev-");
  });

  it("encrypts the log group with the given KMS key", async () => {
    const kmsKeyArn = `arn:aws:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const { registered } = await create({ ...devArgs, logging: { ...devArgs.logging, kmsKeyArn } });
    assert.equal(registered("aws:cloudwatch/logGroup:LogGroup").inputs.kmsKeyId, kmsKeyArn);
  });

  it("creates the state machine only after its role may deliver logs", async () => {
    const { children } = await createDefault();
    const stateMachine = children.find((c) => c.type === "aws:sfn/stateMachine:StateMachine")!;
    const dependsOn = stateMachine.dependsOn as pulumi.Resource[];
    assert.equal(dependsOn.length, 1);
    assert.ok(pulumi.CustomResource.isInstance(dependsOn[0]));
    assert.match(await valueOf(dependsOn[0].urn), /aws:iam\/rolePolicy:RolePolicy::orders-dev-execution$/);
  });

  it("deploys the definition with the stack's endpoint and stage, assumed by its role", async () => {
    const { registered } = await createDefault();
    const { inputs } = registered("aws:sfn/stateMachine:StateMachine");
    const definition = json(inputs.definition);
    assert.equal(inputs.roleArn, registered("aws:iam/role:Role", "orders-dev-role").state.arn);
    assert.equal(
      definition.States["Order.CreateOrder"].Parameters.ApiEndpoint,
      "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
    );
    assert.equal(definition.States["Order.CreateOrder"].Parameters.Stage, "dev");
  });

  it("calls an API in another region when apiRegion says so", async () => {
    let created!: Awaited<ReturnType<typeof create>>;
    // The warning that the safety net cannot follow is the next test's.
    await warningsOf(async () => (created = await create({ ...devArgs, apiRegion: "eu-west-1" })));
    const { registered } = created;
    const definition = json(registered("aws:sfn/stateMachine:StateMachine").inputs.definition);
    const policy = json(registered("aws:iam/rolePolicy:RolePolicy", "orders-dev-execution").inputs.policy);
    assert.equal(
      definition.States["Tax.GetTaxes"].Parameters.ApiEndpoint,
      "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com",
    );
    assert.match(policy.Statement[0].Resource[0], /^arn:aws:execute-api:eu-west-1:/);
  });

  for (const [apiRegion, warned] of [
    ["eu-west-1", true],
    [region, false],
  ] as const) {
    it(`${warned ? "warns" : "does not warn"} that the safety net cannot reach an API in ${apiRegion} from ${region}`, async () => {
      const warnings = await warningsOf(() => create({ ...devArgs, apiRegion }));
      assert.equal(
        warnings.some((warning) => /the safety net's API Gateway target is expected to fail/.test(warning)),
        warned,
      );
    });
  }

  it("is a Standard workflow without tracing unless asked otherwise", async () => {
    const { registered } = await createDefault();
    const { inputs } = registered("aws:sfn/stateMachine:StateMachine");
    assert.equal(inputs.type, "STANDARD");
    assert.deepEqual(inputs.tracingConfiguration, { enabled: false });
  });

  it("can be an Express workflow with X-Ray tracing and its permissions", async () => {
    let created: Awaited<ReturnType<typeof create>> | undefined;
    // The Express warning has its own test; here it would only be noise in the output.
    await warningsOf(async () => {
      created = await create({ ...devArgs, workflowType: "EXPRESS", tracingEnabled: true });
    });
    const { registered } = created!;
    const { inputs } = registered("aws:sfn/stateMachine:StateMachine");
    const policy = json(registered("aws:iam/rolePolicy:RolePolicy", "orders-dev-execution").inputs.policy);
    assert.equal(inputs.type, "EXPRESS");
    assert.deepEqual(inputs.tracingConfiguration, { enabled: true });
    assert.ok(policy.Statement.some((s: { Sid: string }) => s.Sid === "SendTraces"));
  });

  it("tags every resource it creates", async () => {
    const { registrations } = await create({ ...devArgs, tags: { team: "orders" } });
    const untaggable = [
      "aws:iam/rolePolicy:RolePolicy",
      "aws:sqs/queuePolicy:QueuePolicy",
      "aws:cloudwatch/eventTarget:EventTarget",
    ];
    const tagged = registrations.filter((r) => r.type.startsWith("aws:") && !untaggable.includes(r.type));
    assert.equal(tagged.length, 11);
    for (const r of tagged) assert.deepEqual(r.inputs.tags, { team: "orders" }, r.type);
  });

  it("outputs the state machine's ARN and name, the role ARN, the log group and a console link", async () => {
    const { workflow, registered } = await createDefault();
    const stateMachine = registered("aws:sfn/stateMachine:StateMachine").state;
    assert.deepEqual(
      {
        arn: await valueOf(workflow.stateMachineArn),
        name: await valueOf(workflow.stateMachineName),
        role: await valueOf(workflow.roleArn),
        logGroup: await valueOf(workflow.logGroupName),
        console: await valueOf(workflow.consoleUrl),
      },
      {
        arn: stateMachine.arn,
        name: stateMachine.name,
        role: registered("aws:iam/role:Role", "orders-dev-role").state.arn,
        logGroup: registered("aws:cloudwatch/logGroup:LogGroup").state.name,
        console: `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/statemachines/view/${stateMachine.arn}`,
      },
    );
  });

  describe("safety net", () => {
    const ruleArn = (rule: Registration) => rule.state.arn as string;

    it("matches this state machine's unsuccessful executions with the safety net's pattern", async () => {
      const { registered } = await createDefault();
      const stateMachine = registered("aws:sfn/stateMachine:StateMachine");
      assert.deepEqual(
        json(registered("aws:cloudwatch/eventRule:EventRule").inputs.eventPattern),
        executionStatusEventPattern(stateMachine.state.arn),
      );
    });

    it("deploys a rule that matches a failed execution of this state machine whose status event carries no error", async () => {
      const { registered } = await createDefault();
      const stateMachineArn = registered("aws:sfn/stateMachine:StateMachine").state.arn as string;
      const pattern = json(registered("aws:cloudwatch/eventRule:EventRule").inputs.eventPattern);
      const event = (detail: Record<string, unknown>) => ({
        source: "aws.states",
        "detail-type": "Step Functions Execution Status Change",
        detail: { stateMachineArn, ...detail },
      });
      assert.ok(matchesEventPattern(pattern, event({ status: "FAILED" })));
      assert.ok(!matchesEventPattern(pattern, event({ status: "SUCCEEDED" })));
    });

    it("posts to exactly POST /events/receive of the stack's API, with the safety net's input and key", async () => {
      const { registered } = await createDefault();
      const { inputs } = registered("aws:cloudwatch/eventTarget:EventTarget");
      const target = orderFailedTarget();
      assert.equal(inputs.arn, `arn:aws:execute-api:${region}:${account}:a1b2c3d4e5/dev/POST/events/receive`);
      assert.equal(inputs.rule, registered("aws:cloudwatch/eventRule:EventRule").state.name);
      assert.deepEqual(inputs.inputTransformer, {
        inputPaths: target.inputPathsMap,
        inputTemplate: target.inputTemplate,
      });
      assert.deepEqual(inputs.httpTarget, {
        headerParameters: { "Idempotency-Key": "$.detail.executionArn" },
      });
    });

    it("retries for a day, then dead-letters to its own queue", async () => {
      const { registered } = await createDefault();
      const { inputs } = registered("aws:cloudwatch/eventTarget:EventTarget");
      assert.deepEqual(inputs.retryPolicy, safetyNetRetryPolicy);
      assert.deepEqual(inputs.deadLetterConfig, { arn: registered("aws:sqs/queue:Queue").state.arn });
    });

    it("calls with a role only EventBridge may assume, for this account and this rule", async () => {
      const { registered } = await createDefault();
      const role = registered("aws:iam/role:Role", "orders-dev-safety-net-role");
      const rule = registered("aws:cloudwatch/eventRule:EventRule");
      assert.equal(registered("aws:cloudwatch/eventTarget:EventTarget").inputs.roleArn, role.state.arn);
      const [statement] = json(role.inputs.assumeRolePolicy).Statement;
      assert.deepEqual(statement.Principal, { Service: "events.amazonaws.com" });
      assert.equal(statement.Action, "sts:AssumeRole");
      assert.deepEqual(statement.Condition, {
        StringEquals: { "aws:SourceAccount": account, "aws:SourceArn": ruleArn(rule) },
      });
    });

    it("may invoke exactly one route ARN, built from the route table", async () => {
      const { registered } = await createDefault();
      const policy = registered("aws:iam/rolePolicy:RolePolicy", "orders-dev-safety-net-invoke");
      assert.equal(policy.inputs.role, "orders-dev-safety-net-role-id");
      assert.deepEqual(json(policy.inputs.policy).Statement, [
        {
          Sid: "InvokeEventsRoute",
          Effect: "Allow",
          Action: "execute-api:Invoke",
          Resource: invokeArns({ partition: "aws", region, account, apiId: "a1b2c3d4e5", stage: "dev" }, [
            routes.receiveEvent,
          ]),
        },
      ]);
    });

    it("keeps dead letters encrypted for 14 days", async () => {
      const { inputs } = (await createDefault()).registered("aws:sqs/queue:Queue");
      assert.equal(inputs.sqsManagedSseEnabled, true);
      assert.equal(inputs.messageRetentionSeconds, 1209600);
      assert.equal(inputs.namePrefix, "orders-dev-safety-net-dlq-");
    });

    it("lets only its rule send to the dead-letter queue", async () => {
      const { registered } = await createDefault();
      const queue = registered("aws:sqs/queue:Queue");
      const policy = registered("aws:sqs/queuePolicy:QueuePolicy");
      assert.equal(policy.inputs.queueUrl, queue.state.url);
      assert.deepEqual(json(policy.inputs.policy).Statement, [
        {
          Sid: "SafetyNetDeadLetters",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: queue.state.arn,
          Condition: {
            ArnEquals: { "aws:SourceArn": ruleArn(registered("aws:cloudwatch/eventRule:EventRule")) },
          },
        },
      ]);
    });

    it("adds the target only once its role may invoke and its queue may receive", async () => {
      const { children } = await createDefault();
      const target = children.find((c) => c.type === "aws:cloudwatch/eventTarget:EventTarget")!;
      const urns = await Promise.all((target.dependsOn as pulumi.Resource[]).map((r) => valueOf(r.urn)));
      assert.deepEqual(
        urns.map((urn) => urn.split("::").pop()),
        ["orders-dev-safety-net-invoke", "orders-dev-safety-net-dlq-policy"],
      );
    });

    it("warns that an Express workflow sends no status events, so the safety net cannot fire", async () => {
      const warnings = await warningsOf(() => create({ ...devArgs, workflowType: "EXPRESS" }));
      assert.ok(warnings.some((warning) => /Express executions send no status change events/.test(warning)));
    });
  });

  describe("alarms", () => {
    const alarm = (registrations: Registration[], suffix: string) =>
      registrations.find((r) => r.name === `orders-dev-${suffix}`)!.inputs;

    for (const [suffix, metricName] of [
      ["executions-failed", "ExecutionsFailed"],
      ["executions-timed-out", "ExecutionsTimedOut"],
      ["executions-aborted", "ExecutionsAborted"],
    ]) {
      it(`fires on the first ${metricName} of this state machine`, async () => {
        const { registrations, registered } = await createDefault();
        const inputs = alarm(registrations, suffix);
        assert.deepEqual(
          [inputs.namespace, inputs.metricName, inputs.dimensions, inputs.statistic],
          [
            "AWS/States",
            metricName,
            { StateMachineArn: registered("aws:sfn/stateMachine:StateMachine").state.arn },
            "Sum",
          ],
        );
        assert.deepEqual(
          [inputs.threshold, inputs.comparisonOperator, inputs.evaluationPeriods, inputs.treatMissingData],
          [1, "GreaterThanOrEqualToThreshold", 1, "notBreaching"],
        );
      });
    }

    it("fires when a dead letter waits in the safety net's queue", async () => {
      const { registrations, registered } = await createDefault();
      const inputs = alarm(registrations, "safety-net-dead-letters");
      assert.deepEqual(
        [inputs.namespace, inputs.metricName, inputs.dimensions],
        [
          "AWS/SQS",
          "ApproximateNumberOfMessagesVisible",
          { QueueName: registered("aws:sqs/queue:Queue").state.name },
        ],
      );
    });

    it("has on-call read every failed execution, since a firing alarm does not notify again", async () => {
      const { registrations } = await createDefault();
      const { alarmDescription } = alarm(registrations, "executions-failed");
      assert.match(alarmDescription, /list the FAILED executions since it fired/);
      assert.match(alarmDescription, /Order\.OrderCreatedUnconfirmed: .*re-send its OrderCreated/);
    });

    it("has on-call replay a dead letter through the events service, which refuses a second outcome", async () => {
      const { registrations } = await createDefault();
      const { alarmDescription } = alarm(registrations, "safety-net-dead-letters");
      assert.match(alarmDescription, /POST the safety net's OrderFailed to \/events\/receive/);
      assert.match(alarmDescription, /a 409 means the execution already has its outcome/);
    });

    it("fires when EventBridge gives up on a safety-net delivery", async () => {
      const { registrations, registered } = await createDefault();
      const inputs = alarm(registrations, "safety-net-failed-invocations");
      assert.deepEqual(
        [inputs.namespace, inputs.metricName, inputs.dimensions],
        [
          "AWS/Events",
          "FailedInvocations",
          { RuleName: registered("aws:cloudwatch/eventRule:EventRule").state.name },
        ],
      );
    });

    it("notifies nobody without a topic", async () => {
      const { registrations } = await createDefault();
      const alarms = registrations.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
      assert.ok(alarms.every((r) => r.inputs.alarmActions.length === 0 && r.inputs.okActions.length === 0));
    });

    it("notifies the configured SNS topic when each alarm fires and clears", async () => {
      const topicArn = `arn:aws:sns:${region}:${account}:orders-on-call`;
      const { registrations } = await create({ ...devArgs, alarms: { topicArn } });
      const alarms = registrations.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
      assert.equal(alarms.length, 5);
      for (const r of alarms)
        assert.deepEqual([r.inputs.alarmActions, r.inputs.okActions], [[topicArn], [topicArn]]);
    });

    it("outputs every alarm's name by what it watches", async () => {
      const { workflow, registrations } = await createDefault();
      const names = await valueOf(workflow.alarmNames);
      assert.deepEqual(Object.keys(names).sort(), [
        "executions-aborted",
        "executions-failed",
        "executions-timed-out",
        "safety-net-dead-letters",
        "safety-net-failed-invocations",
      ]);
      assert.equal(
        names["executions-failed"],
        registrations.find((r) => r.name === "orders-dev-executions-failed")!.state.name,
      );
    });
  });

  it("creates no pricing child inline, and outputs none", async () => {
    const { workflow, registrations, registered } = await createDefault();
    assert.equal(registrations.filter((r) => r.type === "aws:sfn/stateMachine:StateMachine").length, 1);
    const policy = json(registered("aws:iam/rolePolicy:RolePolicy", "orders-dev-execution").inputs.policy);
    assert.equal(
      policy.Statement.some((s: { Action: unknown }) => JSON.stringify(s.Action).includes("states:")),
      false,
    );
    assert.deepEqual(
      [workflow.pricingStateMachineArn, workflow.pricingRoleArn, workflow.pricingLogGroupName],
      [undefined, undefined, undefined],
    );
  });

  describe('with pricingFanOut "express"', () => {
    const kmsKeyArn = `arn:aws:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const expressArgs: OrderProcessingWorkflowArgs = {
      ...devArgs,
      pricingFanOut: "express",
      tracingEnabled: true,
      logging: { ...devArgs.logging, kmsKeyArn },
      tags: { team: "orders" },
    };
    let withExpressArgs: ReturnType<typeof create> | undefined;
    const createExpress = () => (withExpressArgs ??= create(expressArgs));
    const scope = { partition: "aws", region, account, apiId: "a1b2c3d4e5", stage: "dev" };
    const policyOf = (registered: (type: string, name?: string) => Registration, name: string) =>
      json(registered("aws:iam/rolePolicy:RolePolicy", name).inputs.policy);
    const statementOf = (policy: { Statement: { Sid: string }[] }, sid: string) =>
      policy.Statement.find((s) => s.Sid === sid) as { Action: unknown; Resource: unknown } | undefined;

    it("warns that with logging OFF a failed child leaves nothing to investigate", async () => {
      const warnings = await warningsOf(() =>
        create({ ...expressArgs, logging: { ...expressArgs.logging, level: "OFF" } }),
      );
      assert.ok(warnings.some((warning) => /logLevel OFF with pricingFanOut "express"/.test(warning)));
    });

    it("does not warn of logging when the child logs its errors", async () => {
      const warnings = await warningsOf(() =>
        create({ ...expressArgs, logging: { ...expressArgs.logging, level: "ERROR" } }),
      );
      assert.ok(!warnings.some((warning) => /logLevel OFF/.test(warning)));
    });

    it("creates the pricing child, its role, policy and log group, each a child of the component", async () => {
      const { workflow, children } = await createExpress();
      const pricing = children.filter((c) => c.name.startsWith("orders-dev-pricing"));
      assert.deepEqual(
        pricing.map(({ type, name }) => [type, name]),
        [
          ["aws:cloudwatch/logGroup:LogGroup", "orders-dev-pricing-logs"],
          ["aws:iam/role:Role", "orders-dev-pricing-role"],
          ["aws:iam/rolePolicy:RolePolicy", "orders-dev-pricing-execution"],
          ["aws:sfn/stateMachine:StateMachine", "orders-dev-pricing"],
        ],
      );
      for (const child of pricing)
        assert.equal(child.parent, workflow, `${child.name} is the component's child`);
    });

    it("makes the child an EXPRESS state machine of the pricing definition, assumed by its own role", async () => {
      const { registered, children } = await createExpress();
      const { inputs } = registered("aws:sfn/stateMachine:StateMachine", "orders-dev-pricing");
      assert.equal(inputs.type, "EXPRESS");
      assert.deepEqual([inputs.name, inputs.namePrefix], ["orders-dev-pricing", undefined]);
      assert.equal(children.find((c) => c.name === "orders-dev-pricing")!.deleteBeforeReplace, true);
      assert.equal(inputs.roleArn, registered("aws:iam/role:Role", "orders-dev-pricing-role").state.arn);
      assert.deepEqual(
        json(inputs.definition),
        buildPricingDefinition({
          endpoint: "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
          stage: "dev",
          mapMaxConcurrency: 5,
          maxCartItems: 100,
        }),
      );
    });

    it("keeps the order a Standard workflow that starts the child's exact ARN", async () => {
      const { registered } = await createExpress();
      const order = registered("aws:sfn/stateMachine:StateMachine", "orders-dev").inputs;
      const child = registered("aws:sfn/stateMachine:StateMachine", "orders-dev-pricing").state;
      assert.equal(order.type, "STANDARD");
      assert.equal(json(order.definition).States["Price Cart"].Parameters.StateMachineArn, child.arn);
    });

    it("logs the child's executions, their only history, at the stack's level with execution data", async () => {
      const { registered } = await createExpress();
      const logGroup = registered("aws:cloudwatch/logGroup:LogGroup", "orders-dev-pricing-logs");
      const { inputs } = registered("aws:sfn/stateMachine:StateMachine", "orders-dev-pricing");
      assert.deepEqual(inputs.loggingConfiguration, {
        level: "ALL",
        includeExecutionData: true,
        logDestination: `${logGroup.state.arn}:*`,
      });
      assert.deepEqual(inputs.tracingConfiguration, { enabled: true });
    });

    it("keeps the child's logs as long as the order's, encrypted alike, under the vended-logs prefix", async () => {
      const { inputs } = (await createExpress()).registered(
        "aws:cloudwatch/logGroup:LogGroup",
        "orders-dev-pricing-logs",
      );
      assert.deepEqual(
        [inputs.namePrefix, inputs.retentionInDays, inputs.kmsKeyId],
        ["/aws/vendedlogs/states/orders-dev_pricing-", 14, kmsKeyArn],
      );
    });

    it("creates the child only after its role may deliver logs", async () => {
      const { children } = await createExpress();
      const child = children.find((c) => c.name === "orders-dev-pricing")!;
      const urns = await Promise.all((child.dependsOn as pulumi.Resource[]).map((r) => valueOf(r.urn)));
      assert.deepEqual(
        urns.map((urn) => urn.split("::").pop()),
        ["orders-dev-pricing-execution"],
      );
    });

    it("lets the order's role start exactly the child, synchronously, and invoke only its three routes", async () => {
      const { registered } = await createExpress();
      const policy = policyOf(registered, "orders-dev-execution");
      assert.deepEqual(statementOf(policy, "StartPricingExecution"), {
        Sid: "StartPricingExecution",
        Effect: "Allow",
        Action: "states:StartSyncExecution",
        Resource: registered("aws:sfn/stateMachine:StateMachine", "orders-dev-pricing").state.arn,
      });
      assert.deepEqual(
        statementOf(policy, "InvokeOrderApiRoutes")!.Resource,
        invokeArns(scope, [routes.createOrder, routes.updateOrder, routes.receiveEvent]),
      );
    });

    it("lets the child's role invoke only its five GET routes, log and trace", async () => {
      const { registered } = await createExpress();
      const policy = policyOf(registered, "orders-dev-pricing-execution");
      assert.equal(
        registered("aws:iam/rolePolicy:RolePolicy", "orders-dev-pricing-execution").inputs.role,
        "orders-dev-pricing-role-id",
      );
      assert.deepEqual(
        policy.Statement.map((s: { Sid: string }) => s.Sid),
        ["InvokeOrderApiRoutes", "DeliverExecutionLogs", "SendTraces"],
      );
      assert.deepEqual(
        statementOf(policy, "InvokeOrderApiRoutes")!.Resource,
        invokeArns(scope, pricingRoutes()),
      );
      assert.ok(pricingRoutes().every((route) => route.method === "GET"));
    });

    it("grants Step Functions actions on the child's exact ARN only, in every policy it writes", async () => {
      const { registrations, registered } = await createExpress();
      type Statement = { Action: string | string[]; Resource: string | string[] };
      const statements: Statement[] = registrations
        .filter((r) => typeof r.inputs.policy === "string")
        .flatMap((r) => json(r.inputs.policy).Statement);
      const onStepFunctions = statements.filter((s) =>
        [s.Action].flat().some((a) => a.startsWith("states:")),
      );
      assert.deepEqual(
        onStepFunctions.map((s) => s.Resource),
        [registered("aws:sfn/stateMachine:StateMachine", "orders-dev-pricing").state.arn],
      );
      assert.deepEqual(
        statements.flatMap((s) => [s.Resource].flat()).filter((arn) => /:states:.*[*?]/.test(arn)),
        [],
      );
    });

    it("lets each role be assumed only for its own state machine, with stack names that prefix one another", async () => {
      const stacks = [];
      for (const stack of ["prod", "prod-eu", "prod_pricing"]) {
        const { registered } = await create(expressArgs, `orders-${stack}`);
        const roleOf = (role: string) =>
          json(registered("aws:iam/role:Role", role).inputs.assumeRolePolicy).Statement[0];
        stacks.push({
          stack,
          roles: [roleOf(`orders-${stack}-role`), roleOf(`orders-${stack}-pricing-role`)],
          arns: [
            registered("aws:sfn/stateMachine:StateMachine", `orders-${stack}`).state.arn,
            registered("aws:sfn/stateMachine:StateMachine", `orders-${stack}-pricing`).state.arn,
          ],
        });
      }
      const all = stacks.flatMap(({ stack, arns }) => arns.map((arn) => ({ stack, arn })));
      assert.equal(new Set(all.map(({ arn }) => arn)).size, 6, "six distinct state machines");
      for (const { stack, roles, arns } of stacks) {
        roles.forEach((role, index) => {
          const admitted = all
            .filter(({ arn }) =>
              conditionHolds(role.Condition, { "aws:SourceAccount": account, "aws:SourceArn": arn }),
            )
            .map(({ arn }) => arn);
          assert.deepEqual(admitted, [arns[index]], `${stack}'s ${index === 0 ? "order" : "pricing"} role`);
        });
      }
    });

    it("tags the child's resources", async () => {
      const { registrations } = await createExpress();
      const tagged = registrations.filter(
        (r) => r.name.startsWith("orders-dev-pricing") && r.type !== "aws:iam/rolePolicy:RolePolicy",
      );
      assert.equal(tagged.length, 3);
      for (const r of tagged) assert.deepEqual(r.inputs.tags, { team: "orders" }, r.name);
    });

    it("outputs the child's ARN, its role's ARN and its log group", async () => {
      const { workflow, registered } = await createExpress();
      assert.deepEqual(
        [
          await valueOf(workflow.pricingStateMachineArn!),
          await valueOf(workflow.pricingRoleArn!),
          await valueOf(workflow.pricingLogGroupName!),
        ],
        [
          registered("aws:sfn/stateMachine:StateMachine", "orders-dev-pricing").state.arn,
          registered("aws:iam/role:Role", "orders-dev-pricing-role").state.arn,
          registered("aws:cloudwatch/logGroup:LogGroup", "orders-dev-pricing-logs").state.name,
        ],
      );
    });

    it("refuses it for an EXPRESS workflow, naming both args and registering nothing", async () => {
      const registrations = installMocks();
      assert.throws(
        () =>
          new OrderProcessingWorkflow("orders-dev", {
            ...devArgs,
            pricingFanOut: "express",
            workflowType: "EXPRESS",
          }),
        /args.pricingFanOut "express" only saves transitions of a STANDARD workflow; args.workflowType is "EXPRESS"/,
      );
      await settle();
      assert.deepEqual(registrations, []);
    });
  });

  it("refuses the cart size the stack asks for beyond what GET /taxes can carry", async () => {
    const registrations = installMocks();
    assert.throws(
      () => new OrderProcessingWorkflow("orders-dev", { ...devArgs, maxCartItems: 147 }),
      /args.maxCartItems must be an integer from 1 to 146 .*; got 147/,
    );
    await settle();
    assert.deepEqual(registrations, []);
  });

  it("refuses an alarm topic that is not an SNS topic ARN, registering nothing", async () => {
    const registrations = installMocks();
    assert.throws(
      () =>
        new OrderProcessingWorkflow("orders-dev", {
          ...devArgs,
          alarms: { topicArn: "arn:aws:sqs:us-east-1:123456789012:q" },
        }),
      /args.alarms.topicArn must be the ARN of an SNS topic .*; got "arn:aws:sqs:us-east-1:123456789012:q"/,
    );
    await settle();
    assert.deepEqual(registrations, []);
  });

  it("deploys Validate Order with the configured maximum cart", async () => {
    const { registered } = await create({ ...devArgs, maxCartItems: 20 });
    const definition = json(registered("aws:sfn/stateMachine:StateMachine").inputs.definition);
    assert.ok(
      definition.States["Validate Order"].Choices.some(
        (rule: { Variable?: string }) => rule.Variable === "$.items[20]",
      ),
    );
  });

  it("rejects bad args by name and value before registering anything", async () => {
    const registrations = installMocks();
    assert.throws(
      () => new OrderProcessingWorkflow("orders-dev", { ...devArgs, logging: { level: "VERBOSE" as never } }),
      (error: unknown) =>
        error instanceof InvalidSettingsError &&
        /args.logging.level must be one of .*; got "VERBOSE"/.test(error.message),
    );
    await settle();
    assert.deepEqual(registrations, []);
  });
});

import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { invokeArns, logDeliveryActions } from "../../components/iam";
import {
  OrderProcessingWorkflow,
  OrderProcessingWorkflowArgs,
} from "../../components/orderProcessingWorkflow";
import { InvalidSettingsError } from "../../components/settings";
import { account, installMocks, region, Registration, settle, valueOf } from "../support/mocks";

interface Child {
  readonly type: string;
  readonly name: string;
  readonly parent: pulumi.Resource | undefined;
  readonly dependsOn: unknown;
}

const devArgs: OrderProcessingWorkflowArgs = {
  apiId: "a1b2c3d4e5",
  stage: "dev",
  logging: { level: "ALL", includeExecutionData: true, retentionInDays: 14 },
};

/** Creates the component, recording each child's options through a transformation. */
async function create(args: OrderProcessingWorkflowArgs = devArgs) {
  const registrations = installMocks();
  const children: Child[] = [];
  const workflow = new OrderProcessingWorkflow("orders-dev", args, {
    transformations: [
      ({ type, name, opts }) => {
        children.push({ type, name, parent: opts.parent, dependsOn: opts.dependsOn });
        return undefined;
      },
    ],
  });
  await valueOf(workflow.stateMachineArn);
  await settle();
  const registered = (type: string): Registration => {
    const found = registrations.filter((r) => r.type === type);
    assert.equal(found.length, 1, `one ${type}`);
    return found[0];
  };
  return { workflow, children, registrations, registered };
}

const json = (value: string) => JSON.parse(value);

describe("the OrderProcessingWorkflow component", () => {
  it("creates a log group, a role, its policy and the state machine, each a child named after it", async () => {
    const { workflow, children } = await create();
    assert.deepEqual(
      children
        .filter((c) => c.type !== "orders:workflow:OrderProcessingWorkflow")
        .map(({ type, name }) => [type, name]),
      [
        ["aws:cloudwatch/logGroup:LogGroup", "orders-dev-logs"],
        ["aws:iam/role:Role", "orders-dev-role"],
        ["aws:iam/rolePolicy:RolePolicy", "orders-dev-execution"],
        ["aws:sfn/stateMachine:StateMachine", "orders-dev"],
      ],
    );
    for (const child of children.filter((c) => c.type.startsWith("aws:"))) {
      assert.equal(child.parent, workflow, `${child.name} is the component's child`);
    }
  });

  it("registers under the orders:workflow:OrderProcessingWorkflow type", async () => {
    const { workflow } = await create();
    assert.match(await valueOf(workflow.urn), /::orders:workflow:OrderProcessingWorkflow::orders-dev$/);
  });

  it("grants execute-api:Invoke on exactly the routes' ARNs, in the provider's account", async () => {
    const { registered } = await create();
    const policy = json(registered("aws:iam/rolePolicy:RolePolicy").inputs.policy);
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
    const { registered } = await create();
    const policy = registered("aws:iam/rolePolicy:RolePolicy");
    assert.equal(policy.inputs.role, "orders-dev-role-id");
    const starred = json(policy.inputs.policy).Statement.filter(
      (s: { Resource: unknown }) => s.Resource === "*",
    );
    assert.deepEqual(
      starred.map((s: { Action: string[] }) => s.Action),
      [[...logDeliveryActions]],
    );
  });

  it("lets only this account's Step Functions state machines of its name assume the role", async () => {
    const { registered } = await create();
    const [statement] = json(registered("aws:iam/role:Role").inputs.assumeRolePolicy).Statement;
    assert.deepEqual(statement.Principal, { Service: "states.amazonaws.com" });
    assert.deepEqual(statement.Condition, {
      StringEquals: { "aws:SourceAccount": account },
      ArnLike: { "aws:SourceArn": `arn:aws:states:${region}:${account}:stateMachine:orders-dev-*` },
    });
  });

  it("names the state machine with the prefix the trust policy expects", async () => {
    const { registered } = await create();
    assert.equal(registered("aws:sfn/stateMachine:StateMachine").inputs.namePrefix, "orders-dev-");
  });

  it("logs executions to its log group at the configured level", async () => {
    const { registered } = await create();
    const logGroup = registered("aws:cloudwatch/logGroup:LogGroup");
    assert.deepEqual(registered("aws:sfn/stateMachine:StateMachine").inputs.loggingConfiguration, {
      level: "ALL",
      includeExecutionData: true,
      logDestination: `${logGroup.state.arn}:*`,
    });
  });

  it("keeps logs for the configured retention under the vended-logs prefix", async () => {
    const { registered } = await create();
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
    const { children } = await create();
    const stateMachine = children.find((c) => c.type === "aws:sfn/stateMachine:StateMachine")!;
    const dependsOn = stateMachine.dependsOn as pulumi.Resource[];
    assert.equal(dependsOn.length, 1);
    assert.ok(pulumi.CustomResource.isInstance(dependsOn[0]));
    assert.match(await valueOf(dependsOn[0].urn), /aws:iam\/rolePolicy:RolePolicy::orders-dev-execution$/);
  });

  it("deploys the definition with the stack's endpoint and stage, assumed by its role", async () => {
    const { registered } = await create();
    const { inputs } = registered("aws:sfn/stateMachine:StateMachine");
    const definition = json(inputs.definition);
    assert.equal(inputs.roleArn, registered("aws:iam/role:Role").state.arn);
    assert.equal(
      definition.States["Order.CreateOrder"].Parameters.ApiEndpoint,
      "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
    );
    assert.equal(definition.States["Order.CreateOrder"].Parameters.Stage, "dev");
  });

  it("calls an API in another region when apiRegion says so", async () => {
    const { registered } = await create({ ...devArgs, apiRegion: "eu-west-1" });
    const definition = json(registered("aws:sfn/stateMachine:StateMachine").inputs.definition);
    const policy = json(registered("aws:iam/rolePolicy:RolePolicy").inputs.policy);
    assert.equal(
      definition.States["Tax.GetTaxes"].Parameters.ApiEndpoint,
      "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com",
    );
    assert.match(policy.Statement[0].Resource[0], /^arn:aws:execute-api:eu-west-1:/);
  });

  it("is a Standard workflow without tracing unless asked otherwise", async () => {
    const { registered } = await create();
    const { inputs } = registered("aws:sfn/stateMachine:StateMachine");
    assert.equal(inputs.type, "STANDARD");
    assert.deepEqual(inputs.tracingConfiguration, { enabled: false });
  });

  it("can be an Express workflow with X-Ray tracing and its permissions", async () => {
    const { registered } = await create({ ...devArgs, workflowType: "EXPRESS", tracingEnabled: true });
    const { inputs } = registered("aws:sfn/stateMachine:StateMachine");
    const policy = json(registered("aws:iam/rolePolicy:RolePolicy").inputs.policy);
    assert.equal(inputs.type, "EXPRESS");
    assert.deepEqual(inputs.tracingConfiguration, { enabled: true });
    assert.ok(policy.Statement.some((s: { Sid: string }) => s.Sid === "SendTraces"));
  });

  it("tags every resource it creates", async () => {
    const { registrations } = await create({ ...devArgs, tags: { team: "orders" } });
    const tagged = registrations.filter(
      (r) => r.type.startsWith("aws:") && r.type !== "aws:iam/rolePolicy:RolePolicy",
    );
    assert.equal(tagged.length, 3);
    for (const r of tagged) assert.deepEqual(r.inputs.tags, { team: "orders" }, r.type);
  });

  it("outputs the state machine's ARN and name, the role ARN, the log group and a console link", async () => {
    const { workflow, registered } = await create();
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
        role: registered("aws:iam/role:Role").state.arn,
        logGroup: registered("aws:cloudwatch/logGroup:LogGroup").state.name,
        console: `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/statemachines/view/${stateMachine.arn}`,
      },
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

// The pack's defaults against every resource the real program registers, run under Pulumi's mocks
// with each stack's own config.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { policies } from "../../policy/policies";
import { stepfunctionsTaskRetryAndCatch } from "../../policy/policies/stepfunctions-task-retry-and-catch";
import { Registration } from "../support/mocks";
import { stackFileConfig } from "../../local/stackDefinition";
import { runProgram } from "../support/program";
import { validate } from "./harness";
import { stepfunctionsRoleMatchesApiCalls } from "../../policy/policies/stepfunctions-role-matches-api-calls";
import { stepfunctionsRoleMatchesApiCallsUnverified } from "../../policy/policies/stepfunctions-role-matches-api-calls-unverified";
import { programStack } from "./program-stack";
import { StackResource, validateStack } from "./stack-harness";

async function violations(registrations: readonly Registration[]): Promise<string[]> {
  const found: string[] = [];
  for (const { type, name, inputs } of registrations) {
    for (const policy of policies) {
      const { violations } = await validate(policy, { type, props: inputs });
      found.push(...violations.map((message) => `${policy.name} on ${name}: ${message}`));
    }
  }
  return found;
}

/** The prod stack (pricing in an Express child) as the engine hands it over, run once; each caller gets its own copy. */
let prodResources: ReturnType<typeof programStack> | undefined;
const prodStack = async () => structuredClone(await (prodResources ??= programStack("prod")));

describe("the policy pack on the program's resources", () => {
  // dev prices inline; prod in an Express child, with its own state machine, role, policy and log group.
  for (const [stack, resources] of [
    ["dev", 15],
    ["prod", 19],
  ] as const) {
    it(`passes every resource of the ${stack} stack`, async () => {
      const { registrations } = await runProgram(stack, stackFileConfig(stack));
      assert.equal(registrations.filter((r) => r.type.startsWith("aws:")).length, resources);
      assert.deepEqual(await violations(registrations), []);
    });
  }

  it("fails the same state machine once a nested Task loses its Catch, naming that state", async () => {
    const { registrations } = await runProgram("dev", stackFileConfig("dev"));
    const stateMachine = registrations.find((r) => r.type === "aws:sfn/stateMachine:StateMachine")!;
    const definition = JSON.parse(stateMachine.inputs.definition);
    const map = definition.States["For Each Product In Cart"];
    delete map.ItemProcessor.States["Parallel_Processing"].Branches[1].States["Pricing.GetPrices"].Catch;

    const { violations } = await validate(stepfunctionsTaskRetryAndCatch, {
      type: stateMachine.type,
      props: { ...stateMachine.inputs, definition: JSON.stringify(definition) },
    });

    assert.equal(violations.length, 1);
    assert.match(violations[0], /For Each Product In Cart > Parallel_Processing\[1\] > Pricing\.GetPrices/);
    assert.match(violations[0], /Catch/);
  });

  describe("the stack policy on the program's stacks", () => {
    for (const stack of ["dev", "prod"]) {
      it(`finds each role of the ${stack} stack granting exactly the routes its state machine calls`, async () => {
        const resources = stack === "prod" ? await prodStack() : await programStack(stack);
        assert.deepEqual(await validateStack(stepfunctionsRoleMatchesApiCalls, resources), []);
        assert.deepEqual(await validateStack(stepfunctionsRoleMatchesApiCallsUnverified, resources), []);
      });
    }

    it("judges each of prod's roles by its own state machine: a GET moved from the child's role to the order's is named twice", async () => {
      const resources = await prodStack();
      const documentOf = (name: string) => {
        const rolePolicy = resources.find((r) => r.name === name)!;
        const document = JSON.parse(rolePolicy.props.policy as string);
        const invoke = document.Statement.find((s: { Sid: string }) => s.Sid === "InvokeOrderApiRoutes");
        return { rolePolicy, document, invoke };
      };
      const child = documentOf("orders-prod-pricing-execution");
      const order = documentOf("orders-prod-execution");
      const taxes = child.invoke.Resource.find((arn: string) => arn.endsWith("/GET/taxes"));
      child.invoke.Resource = child.invoke.Resource.filter((arn: string) => arn !== taxes);
      order.invoke.Resource = [...order.invoke.Resource, taxes];
      for (const { rolePolicy, document } of [child, order])
        rolePolicy.props = { ...rolePolicy.props, policy: JSON.stringify(document) };

      const violations = await validateStack(stepfunctionsRoleMatchesApiCalls, resources);

      assert.deepEqual(
        violations.map((v) => v.resource),
        ["orders-prod-pricing", "orders-prod-execution"],
      );
      assert.match(
        violations[0].message,
        /must allow execute-api:Invoke on \S+\/GET\/taxes, which state "Tax.GetTaxes"/,
      );
      assert.match(
        violations[1].message,
        /must not allow execute-api:Invoke on \S+\/GET\/taxes to role orders-prod-role/,
      );
    });

    it("names prod's order role once it may start any state machine instead of its pricing child", async () => {
      const resources = await prodStack();
      const rolePolicy = resources.find((r) => r.name === "orders-prod-execution")!;
      const document = JSON.parse(rolePolicy.props.policy as string);
      const start = document.Statement.find((s: { Sid: string }) => s.Sid === "StartPricingExecution");
      const child = start.Resource;
      start.Resource = child.replace(/stateMachine:.*$/, "stateMachine:*");
      rolePolicy.props = { ...rolePolicy.props, policy: JSON.stringify(document) };

      const violations = await validateStack(stepfunctionsRoleMatchesApiCalls, resources);

      assert.deepEqual(
        violations.map((v) => v.resource),
        ["orders-prod-execution"],
      );
      assert.match(
        violations[0].message,
        new RegExp(
          `must not allow states:StartSyncExecution on \\S+:stateMachine:\\* to role orders-prod-role: it names no one state machine; name exactly ${escape(child)}`,
        ),
      );
    });

    it("prints the start violations docs/policy-pack.md shows for prod, word for word", async () => {
      const markdown = readFileSync(join(__dirname, "../../docs/policy-pack.md"), "utf8");
      const startGrant = (resources: StackResource[]) => {
        const rolePolicy = resources.find((r) => r.name === "orders-prod-execution")!;
        const document = JSON.parse(rolePolicy.props.policy as string);
        const start = document.Statement.find((s: { Sid: string }) => s.Sid === "StartPricingExecution");
        return {
          start,
          save: () => (rolePolicy.props = { ...rolePolicy.props, policy: JSON.stringify(document) }),
        };
      };
      const missing = await prodStack();
      const taken = startGrant(missing);
      taken.start.Action = "states:DescribeExecution";
      taken.save();
      const widened = await prodStack();
      const wide = startGrant(widened);
      wide.start.Resource = wide.start.Resource.replace(/stateMachine:.*$/, "stateMachine:*");
      wide.save();

      const printed = [
        ...(await validateStack(stepfunctionsRoleMatchesApiCalls, missing)),
        ...(await validateStack(stepfunctionsRoleMatchesApiCalls, widened)),
      ].map((v) => v.message);

      assert.equal(printed.length, 2);
      for (const message of printed) assert.ok(markdown.includes(`\n${message}\n`), message);
    });

    it("names a grant removed from the role policy and a grant added to it", async () => {
      const resources = await programStack("dev");
      const rolePolicy = resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!;
      const document = JSON.parse(rolePolicy.props.policy as string);
      const invoke = document.Statement.find((s: { Sid: string }) => s.Sid === "InvokeOrderApiRoutes");
      const taxes = invoke.Resource.find((arn: string) => arn.endsWith("/GET/taxes"));
      const deleteCart = taxes.replace("/GET/taxes", "/DELETE/carts/*");
      invoke.Resource = [...invoke.Resource.filter((arn: string) => arn !== taxes), deleteCart];
      rolePolicy.props = { ...rolePolicy.props, policy: JSON.stringify(document) };

      const violations = await validateStack(stepfunctionsRoleMatchesApiCalls, resources);

      assert.equal(violations.length, 2);
      assert.match(
        violations[0].message,
        new RegExp(`must allow execute-api:Invoke on ${escape(taxes)}, which state "Tax.GetTaxes"`),
      );
      assert.match(
        violations[1].message,
        new RegExp(`must not allow execute-api:Invoke on ${escape(deleteCart)} `),
      );
      assert.deepEqual(
        violations.map((v) => v.resource),
        [resources.find((r) => r.type === "aws:sfn/stateMachine:StateMachine")!.name, rolePolicy.name],
      );
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// The pack's defaults against every resource the real program registers, run under Pulumi's mocks
// with each stack's own config.
import assert from "node:assert/strict";
import { policies } from "../../policy/policies";
import { stepfunctionsTaskRetryAndCatch } from "../../policy/policies/stepfunctions-task-retry-and-catch";
import { Registration } from "../support/mocks";
import { stackFileConfig } from "../../local/stackDefinition";
import { runProgram } from "../support/program";
import { validate } from "./harness";

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

describe("the policy pack on the program's resources", () => {
  for (const stack of ["dev", "prod"]) {
    it(`passes every resource of the ${stack} stack`, async () => {
      const { registrations } = await runProgram(stack, stackFileConfig(stack));
      assert.equal(registrations.filter((r) => r.type.startsWith("aws:")).length, 15);
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
});

import assert from "node:assert/strict";
import { valueOf } from "./support/mocks";
import { stackFileConfig } from "../local/stackDefinition";
import { ProgramFailed, runProgram } from "./support/program";

describe("the Pulumi program", () => {
  for (const stack of ["dev", "prod"]) {
    it(`deploys one workflow for the ${stack} stack with its config`, async () => {
      const { registrations } = await runProgram(stack, stackFileConfig(stack));
      const stateMachines = registrations.filter((r) => r.type === "aws:sfn/stateMachine:StateMachine");
      assert.equal(stateMachines.length, 1);
      assert.equal(stateMachines[0].name, `orders-${stack}`);
      assert.equal(
        JSON.parse(stateMachines[0].inputs.definition).States["Order.CreateOrder"].Parameters.Stage,
        stack,
      );
    });
  }

  it("exports the state machine ARN and name, the role ARN, the log group and a console link", async () => {
    const { exports, registrations } = await runProgram("dev", stackFileConfig("dev"));
    const stateMachine = registrations.find((r) => r.type === "aws:sfn/stateMachine:StateMachine")!;
    assert.deepEqual(Object.keys(exports).sort(), [
      "consoleUrl",
      "logGroupName",
      "roleArn",
      "stateMachineArn",
      "stateMachineName",
    ]);
    assert.equal(await valueOf(exports.stateMachineArn), stateMachine.state.arn);
    assert.match(
      String(await valueOf(exports.consoleUrl)),
      /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/states\//,
    );
  });

  it("tags its resources with the project and stack", async () => {
    const { registrations } = await runProgram("prod", stackFileConfig("prod"));
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
});

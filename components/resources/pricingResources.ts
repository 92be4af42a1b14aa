import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { apiEndpoint } from "../definition/apiGatewayTask";
import { pricingRoutes } from "./calledRoutes";
import { ApiScope, executionPolicy, trustPolicy } from "./iam";
import { buildPricingDefinition } from "../definition/pricingDefinition";
import { pricingStateMachineName } from "./stateMachineNames";
import { WorkflowSettings } from "../config/settings";

export interface PricingInputs {
  readonly settings: WorkflowSettings;
  readonly partition: pulumi.Output<string>;
  /** The stack's region: the child's ARN, and so its trust condition, is there. */
  readonly region: pulumi.Output<string>;
  readonly account: pulumi.Output<string>;
  readonly apiScope: pulumi.Output<ApiScope>;
  readonly kmsKeyArn?: pulumi.Input<string>;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * pricingFanOut "express": the EXPRESS state machine that prices the cart for the order's
 * workflow (components/definition/pricingDefinition.ts), with its own role, which may invoke only the GET
 * routes it calls, and its own log group, where alone an Express execution's history is kept.
 * Children of `parent`.
 */
export function createPricing(name: string, inputs: PricingInputs, parent: pulumi.Resource) {
  const { settings, tags } = inputs;
  const opts = { parent };
  const stateMachineName = pricingStateMachineName(name);

  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-pricing-logs`,
    {
      namePrefix: `/aws/vendedlogs/states/${name}_pricing-`,
      retentionInDays: settings.logRetentionDays,
      kmsKeyId: inputs.kmsKeyArn,
      tags,
    },
    opts,
  );

  const role = new aws.iam.Role(
    `${name}-pricing-role`,
    {
      description: `Execution role of the ${name} pricing state machine (Express)`,
      assumeRolePolicy: pulumi
        .all([inputs.partition, inputs.region, inputs.account])
        .apply(([partition, region, account]) =>
          JSON.stringify(trustPolicy({ partition, region, account, stateMachineName })),
        ),
      tags,
    },
    opts,
  );

  const rolePolicy = new aws.iam.RolePolicy(
    `${name}-pricing-execution`,
    {
      role: role.id,
      policy: inputs.apiScope.apply((scope) =>
        JSON.stringify(
          executionPolicy(scope, { called: pricingRoutes(), tracingEnabled: settings.tracingEnabled }),
        ),
      ),
    },
    opts,
  );

  const definition = inputs.apiScope.apply((scope) =>
    JSON.stringify(
      buildPricingDefinition({
        endpoint: apiEndpoint(settings.apiId, scope.region),
        stage: settings.stage,
        mapMaxConcurrency: settings.mapMaxConcurrency,
        maxCartItems: settings.maxCartItems,
      }),
    ),
  );

  const stateMachine = new aws.sfn.StateMachine(
    `${name}-pricing`,
    {
      name: stateMachineName,
      type: "EXPRESS",
      roleArn: role.arn,
      definition,
      // An Express execution has no history but its log events: the stack's level and data apply here too.
      loggingConfiguration: {
        level: settings.logLevel,
        includeExecutionData: settings.includeExecutionData,
        logDestination: pulumi.interpolate`${logGroup.arn}:*`,
      },
      tracingConfiguration: { enabled: settings.tracingEnabled },
      tags,
    },
    // Step Functions checks the role's log-delivery permissions when the state machine is created.
    // Its name is fixed (the trust policy names its ARN), so a replacement must delete it first.
    { parent, dependsOn: [rolePolicy], deleteBeforeReplace: true },
  );

  return { stateMachine, role, logGroup };
}

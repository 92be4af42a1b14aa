import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  ApiScope,
  deadLetterQueuePolicy,
  invokeArns,
  safetyNetInvokePolicy,
  safetyNetTrustPolicy,
} from "./iam";
import {
  deadLetterRetentionSeconds,
  executionStatusEventPattern,
  orderFailedTarget,
  safetyNetRetryPolicy,
  safetyNetRoute,
} from "./safetyNet";

export interface SafetyNetInputs {
  readonly stateMachineArn: pulumi.Output<string>;
  readonly account: pulumi.Output<string>;
  readonly apiScope: pulumi.Output<ApiScope>;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The safety net's resources, children of `parent`: what the definition cannot announce
 * (States.Runtime, a timeout, an abort, a failed OrderFailed), EventBridge does, from the
 * execution's status change event (components/resources/safetyNet.ts, docs/outcomes.md).
 */
export function createSafetyNet(name: string, inputs: SafetyNetInputs, parent: pulumi.Resource) {
  const opts = { parent };
  const rule = new aws.cloudwatch.EventRule(
    `${name}-safety-net`,
    {
      namePrefix: `${name}-safety-net-`,
      description: `Announces OrderFailed for ${name} executions that end without announcing their outcome`,
      eventPattern: inputs.stateMachineArn.apply((arn) => JSON.stringify(executionStatusEventPattern(arn))),
      tags: inputs.tags,
    },
    opts,
  );

  const role = new aws.iam.Role(
    `${name}-safety-net-role`,
    {
      description: `Lets the ${name} safety net rule post OrderFailed to the order API`,
      assumeRolePolicy: pulumi
        .all([inputs.account, rule.arn])
        .apply(([account, ruleArn]) => JSON.stringify(safetyNetTrustPolicy({ account, ruleArn }))),
      tags: inputs.tags,
    },
    opts,
  );

  const invokePolicy = new aws.iam.RolePolicy(
    `${name}-safety-net-invoke`,
    {
      role: role.id,
      policy: inputs.apiScope.apply((scope) => JSON.stringify(safetyNetInvokePolicy(scope))),
    },
    opts,
  );

  const deadLetterQueue = new aws.sqs.Queue(
    `${name}-safety-net-dlq`,
    {
      namePrefix: `${name}-safety-net-dlq-`,
      messageRetentionSeconds: deadLetterRetentionSeconds,
      // SSE-SQS: encrypted at rest without a KMS key policy that would have to let EventBridge in.
      sqsManagedSseEnabled: true,
      tags: inputs.tags,
    },
    opts,
  );

  const queuePolicy = new aws.sqs.QueuePolicy(
    `${name}-safety-net-dlq-policy`,
    {
      queueUrl: deadLetterQueue.url,
      policy: pulumi
        .all([deadLetterQueue.arn, rule.arn])
        .apply(([queueArn, ruleArn]) => JSON.stringify(deadLetterQueuePolicy({ queueArn, ruleArn }))),
    },
    opts,
  );

  const target = orderFailedTarget();
  new aws.cloudwatch.EventTarget(
    `${name}-safety-net-target`,
    {
      rule: rule.name,
      arn: inputs.apiScope.apply((scope) => invokeArns(scope, [safetyNetRoute])[0]),
      roleArn: role.arn,
      inputTransformer: { inputPaths: target.inputPathsMap, inputTemplate: target.inputTemplate },
      httpTarget: { headerParameters: target.httpParameters.headerParameters },
      retryPolicy: safetyNetRetryPolicy,
      deadLetterConfig: { arn: deadLetterQueue.arn },
    },
    // The role must be allowed to invoke, and the queue to receive, before the first event.
    { parent, dependsOn: [invokePolicy, queuePolicy] },
  );

  return { rule, deadLetterQueue };
}

// The pack's entry point, run by `pulumi preview --policy-pack` and `pulumi policy publish`. Constructing the
// PolicyPack starts the analyzer's gRPC server, so tests import the policies from ./policies instead.
import { PolicyPack } from "@pulumi/policy";
import { cloudwatchLogGroupRetention } from "./policies/cloudwatch-log-group-retention";
import { iamExecuteApiInvokeNotWildcarded } from "./policies/iam-execute-api-invoke-not-wildcarded";
import { stepfunctionsLoggingEnabled } from "./policies/stepfunctions-logging-enabled";
import { stepfunctionsTaskRetryAndCatch } from "./policies/stepfunctions-task-retry-and-catch";

new PolicyPack("order-workflow-policies", {
  policies: [
    stepfunctionsTaskRetryAndCatch,
    stepfunctionsLoggingEnabled,
    iamExecuteApiInvokeNotWildcarded,
    cloudwatchLogGroupRetention,
  ],
});

import { cloudwatchLogGroupRetention } from "./policies/cloudwatch-log-group-retention";
import { iamExecuteApiInvokeNotWildcarded } from "./policies/iam-execute-api-invoke-not-wildcarded";
import { stepfunctionsLoggingEnabled } from "./policies/stepfunctions-logging-enabled";
import { stepfunctionsTaskRetryAndCatch } from "./policies/stepfunctions-task-retry-and-catch";

/** Every policy of the pack, in the order the pack reports them. */
export const policies = [
  stepfunctionsTaskRetryAndCatch,
  stepfunctionsLoggingEnabled,
  iamExecuteApiInvokeNotWildcarded,
  cloudwatchLogGroupRetention,
];

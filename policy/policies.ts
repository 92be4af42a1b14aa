import { cloudwatchLogGroupRetention } from "./policies/cloudwatch-log-group-retention";
import { iamExecuteApiInvokeNotWildcarded } from "./policies/iam-execute-api-invoke-not-wildcarded";
import { stepfunctionsLoggingEnabled } from "./policies/stepfunctions-logging-enabled";
import { stepfunctionsRoleMatchesApiCalls } from "./policies/stepfunctions-role-matches-api-calls";
import { stepfunctionsRoleMatchesApiCallsUnverified } from "./policies/stepfunctions-role-matches-api-calls-unverified";
import { stepfunctionsTaskRetryAndCatch } from "./policies/stepfunctions-task-retry-and-catch";

/** Every policy of the pack, in the order the pack reports them. */
export const policies = [
  stepfunctionsTaskRetryAndCatch,
  stepfunctionsLoggingEnabled,
  iamExecuteApiInvokeNotWildcarded,
  cloudwatchLogGroupRetention,
  stepfunctionsRoleMatchesApiCalls,
  stepfunctionsRoleMatchesApiCallsUnverified,
];

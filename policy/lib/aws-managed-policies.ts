// The AWS managed policies the pack knows: those that allow execute-api:Invoke on every API, or the starts of
// every state machine (states:StartExecution, states:StartSyncExecution), and one commonly attached to a state
// machine's role that allows neither. A stack attaches them by ARN, so their documents are never among its
// resources; these are their documents as the AWS Managed Policy Reference shows them
// (docs.aws.amazon.com/aws-managed-policy/latest/reference/<name>.html, read 2026-11-25 and, for
// AWSStepFunctionsFullAccess, AWSStepFunctionsConsoleFullAccess and AWSXRayDaemonWriteAccess, 2026-12-02). Only
// the statements that can allow those actions are kept, except in a policy that allows neither, which keeps its
// own. Any other AWS managed policy is one the pack cannot read (lib/stack-roles.ts).
import { JsonObject } from "./json";

const MANAGED_POLICY_DOCUMENTS: Readonly<Record<string, JsonObject>> = {
  AmazonAPIGatewayInvokeFullAccess: {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["execute-api:Invoke", "execute-api:ManageConnections"],
        Resource: "arn:aws:execute-api:*:*:*",
      },
    ],
  },
  AWSStepFunctionsFullAccess: {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "states:*", Resource: "*" }],
  },
  AWSStepFunctionsConsoleFullAccess: {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "states:*", Resource: "*" }],
  },
  AWSXRayDaemonWriteAccess: {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AWSXRayDaemonWriteAccess",
        Effect: "Allow",
        Action: [
          "xray:PutTraceSegments",
          "xray:PutTelemetryRecords",
          "xray:GetSamplingRules",
          "xray:GetSamplingTargets",
          "xray:GetSamplingStatisticSummaries",
        ],
        Resource: ["*"],
      },
    ],
  },
  AdministratorAccess: {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
  },
  PowerUserAccess: {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" }],
  },
};

/** `arn:<partition>:iam::aws:policy/<name>`: AWS's own policies, in any partition, at the root path. */
const AWS_MANAGED_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/([A-Za-z0-9+=,.@_-]+)$/;

/**
 * The document of an AWS managed policy the pack knows, or undefined for any other ARN (other AWS managed
 * policies, whose documents the pack does not hold, and customer managed policies, which are checked as the
 * resources that define them).
 */
export function knownManagedPolicy(arn: unknown): JsonObject | undefined {
  if (typeof arn !== "string") return undefined;
  const name = AWS_MANAGED_ARN.exec(arn)?.[1];
  return name !== undefined && Object.hasOwn(MANAGED_POLICY_DOCUMENTS, name)
    ? MANAGED_POLICY_DOCUMENTS[name]
    : undefined;
}

/** Whether an ARN names an AWS managed policy (`arn:<partition>:iam::aws:policy/...`). */
export function isAwsManagedPolicyArn(arn: string): boolean {
  return /^arn:aws[a-z-]*:iam::aws:policy\//.test(arn);
}

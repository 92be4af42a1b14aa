import { arnPath, Route, routes } from "../routes";
import { safetyNetRoute } from "./safetyNet";

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Principal?: { readonly Service: string };
  readonly Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** Where the API lives, as execute-api ARNs name it. */
export interface ApiScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly apiId: string;
  readonly stage: string;
}

/**
 * One ARN per distinct route the workflow calls, path parameters as `*`:
 * `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html).
 */
export function invokeArns(scope: ApiScope, called: readonly Route[] = Object.values(routes)): string[] {
  const prefix = `arn:${scope.partition}:execute-api:${scope.region}:${scope.account}:${scope.apiId}/${scope.stage}`;
  return [...new Set(called.map((route) => `${prefix}/${route.method}/${arnPath(route)}`))].sort();
}

/**
 * Vended log delivery is configured through these account-level APIs, which AWS documents as
 * taking `Resource: "*"` (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy).
 */
export const logDeliveryActions = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
] as const;

/** X-Ray's write APIs have no resource-level permissions (https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html). */
export const tracingActions = [
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
] as const;

export interface ExecutionPolicyOptions {
  /** The routes the state machine calls (components/resources/calledRoutes.ts): exactly these are granted. */
  readonly called: readonly Route[];
  readonly tracingEnabled: boolean;
  /**
   * The state machine it runs synchronously (pricingFanOut "express"): StartSyncExecution on this
   * one ARN. An AWS SDK integration needs the permission of the API it calls and nothing else
   * (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html), and the
   * call answers with the child's result: no DescribeExecution, no events rule.
   */
  readonly startsSyncExecutionOf?: string;
}

/** A state machine role's permissions: its routes, the child it runs, log delivery, and X-Ray when tracing. */
export function executionPolicy(scope: ApiScope, options: ExecutionPolicyOptions): PolicyDocument {
  if (options.called.length === 0) {
    // An empty Resource list is refused by IAM; a state machine without calls needs no such statement.
    throw new Error(
      "executionPolicy: a state machine role is granted the routes it calls, and none was given",
    );
  }
  const child = options.startsSyncExecutionOf;
  if (child !== undefined && !/^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:stateMachine:[^*?]+$/.test(child)) {
    throw new Error(
      `executionPolicy: startsSyncExecutionOf must be one state machine's ARN, without wildcards; got ${JSON.stringify(child)}`,
    );
  }
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "InvokeOrderApiRoutes",
        Effect: "Allow",
        Action: "execute-api:Invoke",
        Resource: invokeArns(scope, options.called),
      },
      ...(child === undefined
        ? []
        : [
            {
              Sid: "StartPricingExecution",
              Effect: "Allow" as const,
              Action: "states:StartSyncExecution",
              Resource: child,
            },
          ]),
      { Sid: "DeliverExecutionLogs", Effect: "Allow", Action: [...logDeliveryActions], Resource: "*" },
      ...(options.tracingEnabled
        ? [{ Sid: "SendTraces", Effect: "Allow" as const, Action: [...tracingActions], Resource: "*" }]
        : []),
    ],
  };
}

/** A trust policy letting one AWS service assume the role, and only under `condition`. */
function assumableOnlyBy(
  sid: string,
  service: string,
  condition: PolicyStatement["Condition"],
): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: sid,
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        Condition: condition,
      },
    ],
  };
}

export interface TrustScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** The state machine's name, fixed by the program (components/resources/stateMachineNames.ts). */
  readonly stateMachineName: string;
}

/** A state machine's ARN from its name: known before it exists, so its role can trust exactly it. */
export const stateMachineArn = (scope: TrustScope): string =>
  `arn:${scope.partition}:states:${scope.region}:${scope.account}:stateMachine:${scope.stateMachineName}`;

/**
 * Only Step Functions may assume the role, and only for this account's one state machine of this
 * name, which keeps another account's service call from borrowing it (confused deputy:
 * https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html), and
 * another stack's state machine too: no wildcard, so `orders-prod-…` cannot admit `orders-prod-eu-…`.
 */
export function trustPolicy(scope: TrustScope): PolicyDocument {
  if (!/^[A-Za-z0-9_-]+$/.test(scope.stateMachineName)) {
    throw new Error(
      `trustPolicy: stateMachineName must be one state machine's name, without wildcards; got ${JSON.stringify(scope.stateMachineName)}`,
    );
  }
  return assumableOnlyBy("StepFunctionsAssumeRole", "states.amazonaws.com", {
    StringEquals: { "aws:SourceAccount": scope.account },
    ArnEquals: { "aws:SourceArn": stateMachineArn(scope) },
  });
}

/**
 * Only EventBridge may assume the safety net's role, and only for this account's rule
 * (confused deputy: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
 */
export function safetyNetTrustPolicy(scope: {
  readonly account: string;
  readonly ruleArn: string;
}): PolicyDocument {
  return assumableOnlyBy("EventBridgeAssumeRole", "events.amazonaws.com", {
    StringEquals: { "aws:SourceAccount": scope.account, "aws:SourceArn": scope.ruleArn },
  });
}

/** The safety net may invoke exactly its one route, `POST /events/receive`, and nothing else. */
export function safetyNetInvokePolicy(scope: ApiScope): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "InvokeEventsRoute",
        Effect: "Allow",
        Action: "execute-api:Invoke",
        Resource: invokeArns(scope, [safetyNetRoute]),
      },
    ],
  };
}

/**
 * Only the safety net's rule may send to its dead-letter queue
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html#eb-dlq-perms).
 */
export function deadLetterQueuePolicy(scope: {
  readonly queueArn: string;
  readonly ruleArn: string;
}): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "SafetyNetDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: scope.queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": scope.ruleArn } },
      },
    ],
  };
}

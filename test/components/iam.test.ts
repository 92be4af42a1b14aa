import assert from "node:assert/strict";
import {
  deadLetterQueuePolicy,
  executionPolicy,
  invokeArns,
  logDeliveryActions,
  safetyNetInvokePolicy,
  safetyNetTrustPolicy,
  trustPolicy,
} from "../../components/iam";
import { routes } from "../../components/routes";

const scope = {
  partition: "aws",
  region: "us-east-1",
  account: "123456789012",
  apiId: "MyApiId",
  stage: "dev",
};
const statement = (sid: string, tracingEnabled = false) =>
  executionPolicy(scope, { tracingEnabled }).Statement.find((s) => s.Sid === sid);

describe("the execution role's permissions", () => {
  it("allow execute-api:Invoke on exactly the routes the workflow calls", () => {
    assert.deepEqual(statement("InvokeOrderApiRoutes"), {
      Sid: "InvokeOrderApiRoutes",
      Effect: "Allow",
      Action: "execute-api:Invoke",
      Resource: [
        "arn:aws:execute-api:us-east-1:123456789012:MyApiId/dev/GET/customers/*",
        "arn:aws:execute-api:us-east-1:123456789012:MyApiId/dev/GET/prices/*",
        "arn:aws:execute-api:us-east-1:123456789012:MyApiId/dev/GET/products/*",
        "arn:aws:execute-api:us-east-1:123456789012:MyApiId/dev/GET/promotions/cart",
        "arn:aws:execute-api:us-east-1:123456789012:MyApiId/dev/GET/taxes",
        "arn:aws:execute-api:us-east-1:123456789012:MyApiId/dev/PATCH/carts/*",
        "arn:aws:execute-api:us-east-1:123456789012:MyApiId/dev/POST/carts",
        "arn:aws:execute-api:us-east-1:123456789012:MyApiId/dev/POST/events/receive",
      ],
    });
  });

  it("grant a route only because the route table has it", () => {
    const arns = invokeArns(scope, [routes.getTaxes, routes.getTaxes]);
    assert.deepEqual(arns, ["arn:aws:execute-api:us-east-1:123456789012:MyApiId/dev/GET/taxes"]);
  });

  it("never wildcard the API id, stage or method", () => {
    for (const arn of invokeArns(scope)) {
      const [apiId, stage, method] = arn.split(":").pop()!.split("/");
      assert.deepEqual([apiId, stage], ["MyApiId", "dev"]);
      assert.match(method, /^(GET|POST|PATCH)$/);
    }
  });

  it("allow the log-delivery actions on *, in a statement of their own", () => {
    assert.deepEqual(statement("DeliverExecutionLogs"), {
      Sid: "DeliverExecutionLogs",
      Effect: "Allow",
      Action: [...logDeliveryActions],
      Resource: "*",
    });
  });

  it("allow X-Ray only when tracing is on", () => {
    assert.equal(statement("SendTraces"), undefined);
    assert.deepEqual(statement("SendTraces", true)?.Action, [
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
    ]);
  });

  it("use * for nothing but log delivery and tracing", () => {
    const starred = executionPolicy(scope, { tracingEnabled: true })
      .Statement.filter((s) => s.Resource === "*")
      .map((s) => s.Sid);
    assert.deepEqual(starred, ["DeliverExecutionLogs", "SendTraces"]);
  });
});

describe("the execution role's trust policy", () => {
  const [trust] = trustPolicy({
    partition: "aws",
    region: "us-east-1",
    account: "123456789012",
    stateMachineNamePrefix: "orders-dev-",
  }).Statement;

  it("lets only Step Functions assume the role", () => {
    assert.deepEqual(trust.Principal, { Service: "states.amazonaws.com" });
    assert.equal(trust.Action, "sts:AssumeRole");
  });

  it("requires the calling state machine to be this account's and of this name", () => {
    assert.deepEqual(trust.Condition, {
      StringEquals: { "aws:SourceAccount": "123456789012" },
      ArnLike: { "aws:SourceArn": "arn:aws:states:us-east-1:123456789012:stateMachine:orders-dev-*" },
    });
  });
});

describe("the safety net's permissions", () => {
  const ruleArn = "arn:aws:events:us-east-1:123456789012:rule/orders-dev-safety-net-1";

  it("allow execute-api:Invoke on the one events route, without a wildcard", () => {
    assert.deepEqual(safetyNetInvokePolicy(scope).Statement, [
      {
        Sid: "InvokeEventsRoute",
        Effect: "Allow",
        Action: "execute-api:Invoke",
        Resource: ["arn:aws:execute-api:us-east-1:123456789012:MyApiId/dev/POST/events/receive"],
      },
    ]);
  });

  it("grant the same ARN the execution role has for that route: both come from the route table", () => {
    const [ownArn] = safetyNetInvokePolicy(scope).Statement[0].Resource as string[];
    assert.ok((statement("InvokeOrderApiRoutes")!.Resource as string[]).includes(ownArn));
  });

  it("let only EventBridge assume the role, for this account and this rule", () => {
    assert.deepEqual(safetyNetTrustPolicy({ account: "123456789012", ruleArn }).Statement, [
      {
        Sid: "EventBridgeAssumeRole",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012", "aws:SourceArn": ruleArn } },
      },
    ]);
  });

  it("let only the rule send to the dead-letter queue", () => {
    const queueArn = "arn:aws:sqs:us-east-1:123456789012:orders-dev-safety-net-dlq-1";
    assert.deepEqual(deadLetterQueuePolicy({ queueArn, ruleArn }).Statement, [
      {
        Sid: "SafetyNetDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
      },
    ]);
  });
});

import assert from "node:assert/strict";
import {
  deadLetterQueuePolicy,
  executionPolicy,
  invokeArns,
  logDeliveryActions,
  safetyNetInvokePolicy,
  safetyNetTrustPolicy,
  trustPolicy,
} from "../../components/resources/iam";
import { orderRoutes, pricingRoutes } from "../../components/resources/calledRoutes";
import { routes } from "../../components/routes";
import { orderStateMachineName, pricingStateMachineName } from "../../components/resources/stateMachineNames";
import { conditionHolds } from "../support/iamConditions";

const scope = {
  partition: "aws",
  region: "us-east-1",
  account: "123456789012",
  apiId: "MyApiId",
  stage: "dev",
};
const statement = (sid: string, tracingEnabled = false) =>
  executionPolicy(scope, { called: orderRoutes("inline"), tracingEnabled }).Statement.find(
    (s) => s.Sid === sid,
  );
const api = "arn:aws:execute-api:us-east-1:123456789012:MyApiId/dev";
const pricingArn = "arn:aws:states:us-east-1:123456789012:stateMachine:orders-dev_pricing-1a2b3c4";
/** The order's role policy with an Express pricing child, and the child's. */
const expressOrder = executionPolicy(scope, {
  called: orderRoutes("express"),
  tracingEnabled: false,
  startsSyncExecutionOf: pricingArn,
});
const pricing = executionPolicy(scope, { called: pricingRoutes(), tracingEnabled: false });
const sids = (document: { Statement: readonly { Sid: string }[] }) => document.Statement.map((s) => s.Sid);

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
    const starred = executionPolicy(scope, { called: orderRoutes("inline"), tracingEnabled: true })
      .Statement.filter((s) => s.Resource === "*")
      .map((s) => s.Sid);
    assert.deepEqual(starred, ["DeliverExecutionLogs", "SendTraces"]);
  });
});

describe("the execution roles with an Express pricing child", () => {
  it("let the order's role invoke only its writes and its events", () => {
    assert.deepEqual(expressOrder.Statement[0], {
      Sid: "InvokeOrderApiRoutes",
      Effect: "Allow",
      Action: "execute-api:Invoke",
      Resource: [`${api}/PATCH/carts/*`, `${api}/POST/carts`, `${api}/POST/events/receive`],
    });
  });

  it("let the order's role start exactly the pricing child, synchronously, and nothing else of Step Functions", () => {
    const states = expressOrder.Statement.filter((s) =>
      [s.Action].flat().some((a) => a.startsWith("states:")),
    );
    assert.deepEqual(states, [
      {
        Sid: "StartPricingExecution",
        Effect: "Allow",
        Action: "states:StartSyncExecution",
        Resource: pricingArn,
      },
    ]);
  });

  it("let the pricing child's role invoke only the five GET routes it calls", () => {
    assert.deepEqual(pricing.Statement[0].Resource, [
      `${api}/GET/customers/*`,
      `${api}/GET/prices/*`,
      `${api}/GET/products/*`,
      `${api}/GET/promotions/cart`,
      `${api}/GET/taxes`,
    ]);
  });

  it("give the pricing child's role no Step Functions grant, and both roles log delivery", () => {
    assert.deepEqual(sids(pricing), ["InvokeOrderApiRoutes", "DeliverExecutionLogs"]);
    assert.deepEqual(sids(expressOrder), [
      "InvokeOrderApiRoutes",
      "StartPricingExecution",
      "DeliverExecutionLogs",
    ]);
  });

  it("split the eight routes between the two roles, none granted to both", () => {
    const order = expressOrder.Statement[0].Resource as string[];
    const child = pricing.Statement[0].Resource as string[];
    assert.deepEqual(
      order.filter((arn) => child.includes(arn)),
      [],
    );
    assert.deepEqual([...order, ...child].sort(), invokeArns(scope, Object.values(routes)));
  });

  it("refuses a state machine ARN with a wildcard as the child to start", () => {
    assert.throws(
      () =>
        executionPolicy(scope, {
          called: orderRoutes("express"),
          tracingEnabled: false,
          startsSyncExecutionOf: "arn:aws:states:us-east-1:123456789012:stateMachine:orders-dev_pricing-*",
        }),
      /startsSyncExecutionOf must be one state machine's ARN, without wildcards; got "arn:aws:states:.*:orders-dev_pricing-\*"/,
    );
  });

  it("refuses a role without routes, which IAM would refuse as an empty Resource", () => {
    assert.throws(
      () => executionPolicy(scope, { called: [], tracingEnabled: false }),
      /a state machine role is granted the routes it calls, and none was given/,
    );
  });
});

describe("the execution role's trust policy", () => {
  const [trust] = trustPolicy({
    partition: "aws",
    region: "us-east-1",
    account: "123456789012",
    stateMachineName: "orders-dev-order",
  }).Statement;

  it("lets only Step Functions assume the role", () => {
    assert.deepEqual(trust.Principal, { Service: "states.amazonaws.com" });
    assert.equal(trust.Action, "sts:AssumeRole");
  });

  it("requires the calling state machine to be this account's one state machine of this exact name", () => {
    assert.deepEqual(trust.Condition, {
      StringEquals: { "aws:SourceAccount": "123456789012" },
      ArnEquals: { "aws:SourceArn": "arn:aws:states:us-east-1:123456789012:stateMachine:orders-dev-order" },
    });
  });

  for (const name of ["orders-dev-*", "orders-dev-?", "orders-dev:x", ""]) {
    it(`refuses a state machine name that is not one exact name: ${JSON.stringify(name)}`, () => {
      assert.throws(
        () =>
          trustPolicy({
            partition: "aws",
            region: "us-east-1",
            account: "123456789012",
            stateMachineName: name,
          }),
        new RegExp(
          `stateMachineName must be one state machine's name, without wildcards; got ${JSON.stringify(name).replace(/[*?]/g, "\\$&")}`,
        ),
      );
    });
  }
});

describe("the trust policies of the order's and the pricing child's roles", () => {
  const arnOf = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;
  const admits = (stateMachineName: string, arn: string) =>
    conditionHolds(
      trustPolicy({ partition: "aws", region: "us-east-1", account: "123456789012", stateMachineName })
        .Statement[0].Condition!,
      { "aws:SourceAccount": "123456789012", "aws:SourceArn": arn },
    );
  const order = orderStateMachineName("orders-dev");
  const child = pricingStateMachineName("orders-dev");

  it("let each role be assumed for its own state machine", () => {
    assert.ok(admits(order, arnOf(order)));
    assert.ok(admits(child, arnOf(child)));
  });

  it("do not let the order's role be assumed for the pricing child, nor the child's for the order", () => {
    assert.equal(admits(order, arnOf(child)), false);
    assert.equal(admits(child, arnOf(order)), false);
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

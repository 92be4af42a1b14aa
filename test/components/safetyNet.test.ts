import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { outcomeErrors, safetyNetSilentErrors } from "../../components/definition/outcomes";
import { Contract } from "../../local/api/contract";
import { routes } from "../../components/routes";
import {
  executionStatusEventPattern,
  orderFailedTarget,
  safetyNetRoute,
  safetyNetRetryPolicy,
} from "../../components/resources/safetyNet";

const stateMachineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:orders-dev-1a2b3c4";
const pattern = executionStatusEventPattern(stateMachineArn);

describe("the safety net's rule", () => {
  it("matches Step Functions execution status changes of this state machine only", () => {
    assert.deepEqual(pattern.source, ["aws.states"]);
    assert.deepEqual(pattern["detail-type"], ["Step Functions Execution Status Change"]);
    assert.deepEqual(pattern.detail.stateMachineArn, [stateMachineArn]);
  });

  it("matches every timed-out and aborted execution", () => {
    assert.deepEqual(pattern.detail.$or[0], { status: ["TIMED_OUT", "ABORTED"] });
  });

  it("matches a failed execution unless its error says the definition dealt with it", () => {
    assert.deepEqual(pattern.detail.$or[1], {
      status: ["FAILED"],
      error: [{ "anything-but": [...safetyNetSilentErrors] }],
    });
  });

  it("matches a failed execution whose event has no error, so it never depends on that field", () => {
    assert.deepEqual(pattern.detail.$or[2], { status: ["FAILED"], error: [{ exists: false }] });
  });

  it("stays silent after an announced failure, a rejected input or an unconfirmed OrderCreated", () => {
    assert.deepEqual([...safetyNetSilentErrors].sort(), [
      outcomeErrors.cartTooLarge,
      outcomeErrors.emptyCart,
      outcomeErrors.failureAnnounced,
      outcomeErrors.invalidId,
      outcomeErrors.invalidInput,
      outcomeErrors.orderCreatedUnconfirmed,
    ]);
  });

  it("announces a failed OrderFailed announcement and a contract-breaking answer the definition could not report", () => {
    assert.ok(!safetyNetSilentErrors.includes(outcomeErrors.failureUnannounced));
    assert.ok(!safetyNetSilentErrors.includes(outcomeErrors.malformedResponse));
  });
});

describe("the safety net's target", () => {
  const target = orderFailedTarget();
  /** What EventBridge does with the template: each `<name>` becomes the JSON value read from the event. */
  const render = (event: Record<string, any>) =>
    JSON.parse(
      target.inputTemplate.replace(/<(\w+)>/g, (_, name: string) => {
        const path = target.inputPathsMap[name].split(".").slice(1);
        return JSON.stringify(path.reduce((value, key) => value[key], event));
      }),
    );
  const event = {
    "detail-type": "Step Functions Execution Status Change",
    detail: {
      executionArn: "arn:aws:states:us-east-1:123456789012:execution:orders-dev-1a2b3c4:run-1",
      stateMachineArn,
      status: "TIMED_OUT",
    },
  };

  it("calls POST /events/receive, the route of the route table", () => {
    assert.equal(safetyNetRoute, routes.receiveEvent);
  });

  it("posts an OrderFailed naming the execution and its status, announced by the safety net", () => {
    assert.deepEqual(render(event), {
      eventType: "OrderFailed",
      detail: {
        executionArn: event.detail.executionArn,
        executionStatus: "TIMED_OUT",
        announcedBy: "safety-net",
      },
    });
  });

  it("posts a request the order API's contract accepts, for every status it matches", () => {
    const contract = Contract.load();
    const operation = contract.operation(routes.receiveEvent)!;
    for (const status of ["FAILED", "TIMED_OUT", "ABORTED"]) {
      const body = render({ ...event, detail: { ...event.detail, status } });
      const headers = { "idempotency-key": event.detail.executionArn };
      assert.deepEqual(
        contract.checkRequest(operation, { pathParameters: {}, query: {}, headers, body }),
        [],
        status,
      );
    }
  });

  it("reads only the execution ARN and status, which every status change event carries", () => {
    assert.deepEqual(Object.values(target.inputPathsMap).sort(), [
      "$.detail.executionArn",
      "$.detail.status",
    ]);
  });

  it("keys the request with the execution ARN, the key of the definition's own OrderFailed", () => {
    assert.deepEqual(target.httpParameters.headerParameters, { "Idempotency-Key": "$.detail.executionArn" });
  });

  it("keeps retrying for EventBridge's longest window before dead-lettering", () => {
    assert.deepEqual(safetyNetRetryPolicy, { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 });
  });
});

describe("docs/outcomes.md", () => {
  const doc = readFileSync("docs/outcomes.md", "utf8");

  it("shows the pattern the rule deploys", () => {
    const block = /```json\n([\s\S]*?)```/.exec(doc)![1];
    assert.deepEqual(
      JSON.parse(block.replace('"<this state machine>"', JSON.stringify(stateMachineArn))),
      pattern,
    );
  });

  it("names every error an execution of the workflow can end with", () => {
    for (const error of Object.values(outcomeErrors)) assert.ok(doc.includes(`\`${error}\``), error);
  });
});

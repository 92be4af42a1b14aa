import assert from "node:assert/strict";
import { createServer, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { outcomeErrors } from "../../components/definition/outcomes";
import { orderFailedTarget } from "../../components/resources/safetyNet";
import type { ExecutionResult } from "../../local/aws/execution";
import {
  executionStatusChangeEvent,
  renderTarget,
  renderTemplate,
  runSafetyNet,
  stateMachineArnOf,
} from "../../local/aws/safetyNet";
import { TestClock } from "./testClock";

const executionArn = "arn:aws:states:us-east-1:000000000000:execution:orders:run-1";
const ended = (status: "FAILED" | "TIMED_OUT" | "ABORTED" | "SUCCEEDED", error = "States.Runtime") =>
  ({
    status,
    ...(status === "SUCCEEDED" ? { output: { ok: true } } : { error, cause: "why" }),
    events: [],
    executionArn,
    name: "run-1",
    children: [],
    startedAt: new Date("2026-11-25T10:00:00.000Z"),
    stoppedAt: new Date("2026-11-25T10:00:01.500Z"),
    durationMs: 1500,
  }) as ExecutionResult;

describe("the safety net, emulated", () => {
  describe("the status change event", () => {
    it("is a Step Functions Execution Status Change from aws.states about this execution", () => {
      const event = executionStatusChangeEvent(ended("TIMED_OUT"), { customerId: "c" });
      assert.deepEqual(
        [event.source, event["detail-type"], event.account, event.region, event.resources],
        ["aws.states", "Step Functions Execution Status Change", "000000000000", "us-east-1", [executionArn]],
      );
      assert.deepEqual(event.detail, {
        executionArn,
        stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:orders",
        name: "run-1",
        status: "TIMED_OUT",
        startDate: Date.parse("2026-11-25T10:00:00.000Z"),
        stopDate: Date.parse("2026-11-25T10:00:01.500Z"),
        input: '{"customerId":"c"}',
        output: null,
      });
      assert.equal(event.time, "2026-11-25T10:00:01Z");
    });

    it("carries no error or cause by default, as AWS's published examples show the event", () => {
      const { detail } = executionStatusChangeEvent(ended("FAILED"), {});
      assert.deepEqual(["error" in detail, "cause" in detail], [false, false]);
    });

    it("carries the execution's error and cause in the other shape, as DescribeExecution has them", () => {
      const { detail } = executionStatusChangeEvent(ended("FAILED"), {}, "with-error");
      assert.deepEqual([detail.error, detail.cause], ["States.Runtime", "why"]);
    });

    it("carries the output, and no error, for a succeeded execution", () => {
      const { detail } = executionStatusChangeEvent(ended("SUCCEEDED"), {});
      assert.deepEqual([detail.output, "error" in detail], ['{"ok":true}', false]);
    });

    it("names the state machine of an execution ARN", () => {
      assert.equal(
        stateMachineArnOf(executionArn),
        "arn:aws:states:us-east-1:000000000000:stateMachine:orders",
      );
    });
  });

  it("renders the target's input template and headers from the event", () => {
    const event = executionStatusChangeEvent(ended("ABORTED"), {});
    const { headers, body } = renderTarget(orderFailedTarget(), event);
    assert.deepEqual(headers, { "Idempotency-Key": executionArn });
    assert.deepEqual(body, {
      eventType: "OrderFailed",
      detail: { executionArn, executionStatus: "ABORTED", announcedBy: "safety-net" },
    });
  });

  it("renders a template as EventBridge's API reference shows: JSON outside quotes, text inside", () => {
    const values: Record<string, unknown> = { instance: "i-1", status: 'run "x"', count: 2 };
    const rendered = renderTemplate(
      '{"myInstance": <instance>, "n": <count>, "myStatus": "<instance> is in state \\"<status>\\""}',
      (name) => values[name],
    );
    assert.deepEqual(JSON.parse(rendered), {
      myInstance: "i-1",
      n: 2,
      myStatus: 'i-1 is in state "run "x""',
    });
  });

  describe("its delivery", () => {
    let server: Server;
    let origin: string;
    let answers: number[];
    let received: { path?: string; key?: string | string[]; body: string }[];

    before(async () => {
      server = createServer(async (request, response) => {
        let body = "";
        for await (const chunk of request) body += chunk;
        received.push({ path: request.url, key: request.headers["idempotency-key"], body });
        response.writeHead(answers.shift() ?? 202, { "Content-Type": "application/json" }).end("{}");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    beforeEach(() => {
      answers = [];
      received = [];
    });
    after(() => new Promise((resolve) => server.close(resolve)));

    it("POSTs the rendered event to the stage's events route with the target's headers", async () => {
      const outcome = await runSafetyNet(
        ended("TIMED_OUT"),
        {},
        { origin, stage: "dev", clock: new TestClock() },
      );
      assert.equal(outcome.matched && outcome.outcome, "delivered");
      assert.deepEqual(
        received.map(({ path, key }) => [path, key]),
        [["/dev/events/receive", executionArn]],
      );
      assert.equal(JSON.parse(received[0].body).detail.executionStatus, "TIMED_OUT");
    });

    it("retries a 503 and a 429, as EventBridge does, then delivers", async () => {
      answers = [503, 429];
      const outcome = await runSafetyNet(
        ended("ABORTED"),
        {},
        { origin, stage: "dev", clock: new TestClock() },
      );
      assert.ok(outcome.matched);
      assert.deepEqual(
        outcome.attempts.map((attempt) => attempt.status),
        [503, 429, 202],
      );
      assert.equal(outcome.outcome, "delivered");
    });

    it("dead-letters after its attempts are spent", async () => {
      answers = [500, 500, 500];
      const outcome = await runSafetyNet(
        ended("FAILED"),
        {},
        { origin, stage: "dev", clock: new TestClock(), maxAttempts: 3 },
      );
      assert.deepEqual([outcome.matched && outcome.outcome, received.length], ["dead-lettered", 3]);
    });

    it("dead-letters a 400 at once: the request itself is refused", async () => {
      answers = [400];
      const outcome = await runSafetyNet(
        ended("FAILED"),
        {},
        { origin, stage: "dev", clock: new TestClock() },
      );
      assert.deepEqual([outcome.matched && outcome.outcome, received.length], ["dead-lettered", 1]);
    });

    it("sends nothing for an Express workflow, whose status changes reach no rule", async () => {
      const outcome = await runSafetyNet(
        ended("ABORTED"),
        {},
        { origin, stage: "dev", clock: new TestClock(), workflowType: "EXPRESS" },
      );
      assert.deepEqual(
        [outcome.matched, !outcome.matched && outcome.sent, received.length],
        [false, false, 0],
      );
    });

    it("sends nothing for an execution the rule does not match", async () => {
      const outcome = await runSafetyNet(
        ended("SUCCEEDED"),
        {},
        { origin, stage: "dev", clock: new TestClock() },
      );
      assert.deepEqual([outcome.matched, received.length], [false, 0]);
    });

    it("announces an announced failure once more when the event carries no error, and only then", async () => {
      const announced = ended("FAILED", outcomeErrors.failureAnnounced);
      const withError = await runSafetyNet(announced, {}, { origin, stage: "dev", eventShape: "with-error" });
      const documented = await runSafetyNet(announced, {}, { origin, stage: "dev" });
      assert.deepEqual([withError.matched, documented.matched, received.length], [false, true, 1]);
    });
  });
});

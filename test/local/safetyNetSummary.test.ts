import assert from "node:assert/strict";
import { outcomeErrors } from "../../components/definition/outcomes";
import { colorsFor } from "../../local/cli/colors";
import type { SafetyNetOutcome } from "../../local/aws/safetyNet";
import { safetyNetSummary } from "../../local/cli/safetyNetSummary";

const plain = colorsFor({ isTTY: false });
const executionArn = "arn:aws:states:us-east-1:000000000000:execution:orders:run-1";

/** A safety-net delivery of an aborted execution whose attempts the events service answered with `statuses`. */
const delivery = (statuses: number[], outcome: "delivered" | "dead-lettered"): SafetyNetOutcome =>
  ({
    matched: true,
    event: { detail: { executionArn, status: "ABORTED", error: "Operator.Stopped" } },
    request: {
      method: "POST",
      path: "/dev/events/receive",
      headers: { "Idempotency-Key": executionArn },
      body: { eventType: "OrderFailed" },
    },
    attempts: statuses.map((status) => ({ status })),
    outcome,
  }) as unknown as SafetyNetOutcome;

/** The same delivery for a FAILED execution whose status event carries no error (AWS's documented shape). */
const failedDelivery = (statuses: number[], outcome: "delivered" | "dead-lettered"): SafetyNetOutcome => {
  const base = delivery(statuses, outcome);
  return {
    ...base,
    event: { ...base.event, detail: { ...base.event.detail, status: "FAILED", error: undefined } },
  };
};

describe("the safety net's summary after npm start", () => {
  it("after an unconfirmed OrderCreated, tells on-call what to do from the execution's error when the event carries none", () => {
    const summary = safetyNetSummary(
      failedDelivery([503, 503], "dead-lettered"),
      plain,
      outcomeErrors.orderCreatedUnconfirmed,
    );
    assert.match(summary, /^Safety net: the rule matches FAILED; /m);
    assert.match(summary, /OrderCreated may have been delivered: on-call asks the events service/);
  });

  it("after an unconfirmed OrderCreated whose OrderFailed was refused or delivered, asks nothing more of on-call", () => {
    for (const [statuses, outcome] of [
      [[409], "dead-lettered"],
      [[202], "delivered"],
    ] as const) {
      const summary = safetyNetSummary(
        failedDelivery([...statuses], outcome),
        plain,
        outcomeErrors.orderCreatedUnconfirmed,
      );
      assert.doesNotMatch(summary, /may have been delivered/);
    }
  });

  it("says a 409 means the execution already has its outcome, so on-call announces nothing", () => {
    const summary = safetyNetSummary(delivery([409], "dead-lettered"), plain);
    assert.match(summary, /dead-lettered after 1 attempt\(s\) \(409\)/);
    assert.match(summary, /Refused with 409: the execution already has its outcome/);
  });

  it("says nothing of an outcome for a dead letter the events service never took", () => {
    const summary = safetyNetSummary(delivery([503, 503], "dead-lettered"), plain);
    assert.doesNotMatch(summary, /already has its outcome/);
  });

  it("after an unconfirmed OrderCreated, tells on-call the key to re-send it with if the events service has none", () => {
    const unmatched = {
      matched: false,
      sent: true,
      event: { detail: { executionArn, status: "FAILED", error: outcomeErrors.orderCreatedUnconfirmed } },
    } as unknown as SafetyNetOutcome;
    assert.match(
      safetyNetSummary(unmatched, plain),
      new RegExp(`re-sends that OrderCreated with Idempotency-Key ${executionArn}/OrderCreated`),
    );
  });
});

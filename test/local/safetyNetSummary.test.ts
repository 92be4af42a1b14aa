import assert from "node:assert/strict";
import { outcomeErrors } from "../../components/outcomes";
import { colorsFor } from "../../local/colors";
import type { SafetyNetOutcome } from "../../local/safetyNet";
import { safetyNetSummary } from "../../local/safetyNetSummary";

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

describe("the safety net's summary after npm start", () => {
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

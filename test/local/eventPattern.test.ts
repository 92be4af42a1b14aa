import assert from "node:assert/strict";
import { executionStatusEventPattern } from "../../components/resources/safetyNet";
import { outcomeErrors, safetyNetSilentErrors } from "../../components/definition/outcomes";
import { matchesEventPattern, UnsupportedPatternError } from "../../local/aws/eventPattern";

const machine = "arn:aws:states:us-east-1:000000000000:stateMachine:orders";
const event = (detail: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
  source: "aws.states",
  "detail-type": "Step Functions Execution Status Change",
  detail: { stateMachineArn: machine, ...detail },
  ...more,
});

describe("the local EventBridge pattern matcher", () => {
  it("matches a field equal to one of the listed values, and an array field by any element", () => {
    assert.ok(matchesEventPattern({ source: ["a", "aws.states"] }, event({})));
    assert.ok(matchesEventPattern({ resources: ["r2"] }, { resources: ["r1", "r2"] }));
    assert.ok(!matchesEventPattern({ source: ["aws.lambda"] }, event({})));
  });

  it("needs every field of the pattern, nested objects included", () => {
    assert.ok(!matchesEventPattern({ detail: { status: ["FAILED"] } }, event({ status: "SUCCEEDED" })));
    assert.ok(!matchesEventPattern({ detail: { status: ["FAILED"] } }, event({})));
  });

  it("matches anything-but only on a present field with another value", () => {
    const pattern = { detail: { error: [{ "anything-but": ["A", "B"] }] } };
    assert.ok(matchesEventPattern(pattern, event({ error: "C" })));
    assert.ok(!matchesEventPattern(pattern, event({ error: "A" })));
    assert.ok(!matchesEventPattern(pattern, event({})));
  });

  it("matches $or when one of its patterns does", () => {
    const pattern = { detail: { $or: [{ status: ["TIMED_OUT"] }, { status: ["FAILED"], error: ["X"] }] } };
    assert.ok(matchesEventPattern(pattern, event({ status: "TIMED_OUT" })));
    assert.ok(matchesEventPattern(pattern, event({ status: "FAILED", error: "X" })));
    assert.ok(!matchesEventPattern(pattern, event({ status: "FAILED", error: "Y" })));
  });

  it("supports prefix and exists", () => {
    assert.ok(
      matchesEventPattern({ detail: { status: [{ prefix: "TIMED" }] } }, event({ status: "TIMED_OUT" })),
    );
    assert.ok(matchesEventPattern({ detail: { error: [{ exists: false }] } }, event({})));
    assert.ok(!matchesEventPattern({ detail: { error: [{ exists: true }] } }, event({})));
  });

  it("refuses an operator it does not implement rather than guessing", () => {
    for (const filter of [{ numeric: [">", 1] }, { wildcard: "a*" }, { suffix: "x" }]) {
      assert.throws(() => matchesEventPattern({ source: [filter] }, event({})), UnsupportedPatternError);
    }
  });

  describe("with the safety net's pattern", () => {
    const pattern = executionStatusEventPattern(machine);

    for (const status of ["TIMED_OUT", "ABORTED"]) {
      it(`matches a ${status} execution of the state machine`, () => {
        assert.ok(matchesEventPattern(pattern, event({ status })));
      });
    }

    it("matches a FAILED execution whose error the definition could not deal with", () => {
      assert.ok(matchesEventPattern(pattern, event({ status: "FAILED", error: "States.Runtime" })));
      assert.ok(
        matchesEventPattern(pattern, event({ status: "FAILED", error: outcomeErrors.failureUnannounced })),
      );
    });

    it("matches every FAILED execution whose event carries no error, as AWS's published examples show it", () => {
      assert.ok(matchesEventPattern(pattern, event({ status: "FAILED" })));
      assert.ok(matchesEventPattern(pattern, event({ status: "FAILED", cause: "why" })));
    });

    it("stays silent for every error the definition dealt with, when the event carries it", () => {
      for (const error of safetyNetSilentErrors) {
        assert.ok(!matchesEventPattern(pattern, event({ status: "FAILED", error })), error);
      }
    });

    it("ignores a succeeded execution and another state machine's", () => {
      assert.ok(!matchesEventPattern(pattern, event({ status: "SUCCEEDED" })));
      assert.ok(!matchesEventPattern(pattern, event({ status: "ABORTED", stateMachineArn: `${machine}-2` })));
    });
  });
});

describe("the local EventBridge pattern matcher, fuzzed", () => {
  it("answers true or false, never throws, for the safety net's pattern and 2,000 odd events", () => {
    const pattern = executionStatusEventPattern(machine);
    const values: unknown[] = [
      undefined,
      null,
      "FAILED",
      "ABORTED",
      "TIMED_OUT",
      0,
      true,
      [],
      {},
      ["FAILED"],
      machine,
      { status: "FAILED" },
      "__proto__",
    ];
    let seed = 5;
    const random = (n: number) => (((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n) + n) % n;
    const pick = () => values[random(values.length)];
    for (let round = 0; round < 2000; round++) {
      const detail = random(5) === 0 ? pick() : { stateMachineArn: pick(), status: pick(), error: pick() };
      const odd = {
        source: random(2) ? "aws.states" : pick(),
        "detail-type": "Step Functions Execution Status Change",
        detail,
      };
      assert.equal(typeof matchesEventPattern(pattern, odd), "boolean");
    }
  });
});

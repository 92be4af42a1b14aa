import assert from "node:assert/strict";
import { routes } from "../../components/routes";
import { parseCliArgs, UsageError } from "../../local/cli/cliArgs";
import { colorsFor } from "../../local/cli/colors";
import type { ExecutionStatusChangeEvent } from "../../local/aws/safetyNet";
import { safetyNetSummary } from "../../local/cli/safetyNetSummary";
import { startInProcess } from "./harness";

describe("npm start, for outcomes", () => {
  it("reads timeout and malformed faults, a state to abort at and --json", () => {
    const options = parseCliArgs([
      "--fail",
      "Tax.GetTaxes=timeoutx2",
      "--fail",
      "Pricing.GetPrices=malformedx*",
      "--abort-at",
      "Order.UpdateOrder",
      "--json",
    ]);
    assert.deepEqual(options.faults, [
      { target: "Tax.GetTaxes", spec: { kind: "timeout", count: 2 } },
      { target: "Pricing.GetPrices", spec: { kind: "malformed", count: Infinity } },
    ]);
    assert.deepEqual([options.abortAt, options.json], ["Order.UpdateOrder", true]);
  });

  it("reads a timeout scale apart from the retry scale, and refuses one of 0", () => {
    const options = parseCliArgs(["--retry-scale", "1/1000", "--timeout-scale", "1/50"]);
    assert.deepEqual([options.retryScale, options.timeoutScale], [1 / 1000, 1 / 50]);
    assert.throws(() => parseCliArgs(["--timeout-scale", "0"]), /--timeout-scale must be a fraction above 0/);
  });

  it("refuses a timeout or malformed fault with --lose, and an unknown kind", () => {
    for (const args of [
      ["--lose", "Tax.GetTaxes=timeoutx1"],
      ["--fail", "Tax.GetTaxes=slowx1"],
      ["--fail", "Tax.GetTaxes=malformedx0"],
    ]) {
      assert.throws(() => parseCliArgs(args), UsageError, args.join(" "));
    }
  });

  it("exits 2 for --abort-at a state the definition does not have, listing the states", async () => {
    const { status, stderr } = await startInProcess("--abort-at", "Nope");
    assert.equal(status, 2);
    assert.match(stderr, /no state "Nope" in the definition\. States: Validate Order, /);
  });

  it("with --json, prints exactly one JSON object: executionArn, status, durationMs, output, error, cause, transitions, billing, calls, carts, events, requests, safetyNet", async () => {
    const { status, stdout } = await startInProcess("--json", "--abort-at", routes.getTaxes.operation);
    assert.equal(status, 1);
    const result = JSON.parse(stdout);
    assert.deepEqual(Object.keys(result), [
      "executionArn",
      "status",
      "durationMs",
      "output",
      "error",
      "cause",
      "transitions",
      "billing",
      "calls",
      "carts",
      "events",
      "requests",
      "safetyNet",
    ]);
    assert.equal(result.status, "ABORTED");
    assert.equal(result.calls[routes.getTaxes.operation], 0);
  });

  it("with --json, carries what the text shows of a run: its execution ARN, its duration and its output", async () => {
    const { status, stdout } = await startInProcess("--json");
    assert.equal(status, 0);
    const result = JSON.parse(stdout);
    assert.match(result.executionArn, /^arn:aws:states:us-east-1:\d{12}:execution:[^:]+:[0-9a-f-]{36}$/);
    assert.ok(Number.isInteger(result.durationMs) && result.durationMs >= 0, String(result.durationMs));
    assert.equal(result.output.totals.totalAmount, result.events[0].detail.totalAmount);
    assert.equal(result.output.order.cartId, result.carts[0].cartId);
    assert.equal(result.output.orderCreatedEvent.body.eventId, result.events[0].eventId);
  });

  it("tells on-call to check the events service when OrderCreated may have been delivered", async () => {
    const { stdout } = await startInProcess("--fail", "Event.Receive=500x*", "--retry-scale", "1/1000");
    assert.match(stdout, /^Error: Order\.OrderCreatedUnconfirmed$/m);
    assert.match(
      stdout,
      /OrderCreated may have been delivered: on-call asks the events service about arn:aws:states:/,
    );
  });

  it("gives the safety net a status event without error by default: the rule matches a refused input, acknowledged", async () => {
    const { stdout } = await startInProcess("--input", "samples/empty-cart.json", "--quiet");
    assert.match(
      stdout,
      /^Safety net: the rule matches FAILED; POST \/dev\/events\/receive delivered .*\(200\)$/m,
    );
  });

  it("with --event-with-error, gives it the execution's error: the rule leaves a refused input alone", async () => {
    const { stdout } = await startInProcess(
      "--input",
      "samples/empty-cart.json",
      "--quiet",
      "--event-with-error",
    );
    assert.match(
      stdout,
      /^Safety net: the rule does not match FAILED Order\.EmptyCart: nothing to deliver$/m,
    );
  });

  it("shows each of the safety net's delivery attempts as it ends, before the summary", async () => {
    const { stdout } = await startInProcess(
      "--abort-at",
      routes.getTaxes.operation,
      "--fail",
      "Event.Receive=503x1",
    );
    const attempts = stdout.split("\n").filter((line) => line.startsWith("safety net: delivery attempt"));
    assert.deepEqual(attempts, [
      "safety net: delivery attempt 1 of 186: 503",
      "safety net: delivery attempt 2 of 186: 202",
    ]);
    assert.ok(stdout.indexOf(attempts[1]) < stdout.indexOf("Execution ABORTED"), stdout);
  });

  it("without --json, says what the safety net would deliver", async () => {
    const { stdout } = await startInProcess("--abort-at", routes.getTaxes.operation);
    assert.match(stdout, /^Execution ABORTED in \d+ ms/m);
    assert.match(stdout, /^Safety net: the rule matches ABORTED; POST \/dev\/events\/receive /m);
  });
});

describe("npm start's safety net line", () => {
  const deadLettered = (statuses: readonly (number | null)[]) =>
    safetyNetSummary(
      {
        matched: true,
        event: {
          detail: { status: "FAILED", error: "Order.FailureUnannounced" },
        } as ExecutionStatusChangeEvent,
        request: { method: "POST", path: "/dev/events/receive", headers: {}, body: {} },
        attempts: statuses.map((status) => ({ status })),
        outcome: "dead-lettered",
      },
      colorsFor({ isTTY: false }),
    ).split("\n")[1];

  it("counts a run of one answer rather than listing each of EventBridge's 186 attempts", () => {
    assert.equal(
      deadLettered([null, null, ...Array.from({ length: 184 }, () => 500)]),
      "Safety net: the rule matches FAILED Order.FailureUnannounced; POST /dev/events/receive dead-lettered after 186 attempt(s) (no answer ×2, 500 ×184)",
    );
  });

  it("lists answers that change from one attempt to the next", () => {
    assert.match(deadLettered([500, 429, 500]), /\(500, 429, 500\)$/);
  });
});

describe("npm start's fault options, fuzzed", () => {
  it("either read a well-formed fault or refuse the text with a UsageError, for 2,000 hostile values", () => {
    const pieces = [
      "Tax.GetTaxes",
      "=",
      "x",
      "*",
      "timeout",
      "malformed",
      "503",
      "0",
      "1",
      "-",
      " ",
      "é",
      "\n",
      "=x",
      "99",
    ];
    let seed = 11;
    const random = (n: number) => (((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n) + n) % n;
    for (let round = 0; round < 2000; round++) {
      const text = Array.from({ length: random(7) }, () => pieces[random(pieces.length)]).join("");
      for (const option of ["--fail", "--lose"]) {
        let faults;
        try {
          ({ faults } = parseCliArgs([option, text]));
        } catch (error) {
          assert.ok(error instanceof UsageError, `${option} ${JSON.stringify(text)}: ${String(error)}`);
          continue;
        }
        const [{ target, spec }] = faults;
        assert.ok(target.length > 0, text);
        assert.ok(spec.count >= 1, text);
        if ("status" in spec) assert.ok(spec.status >= 100 && spec.status <= 599, text);
        else assert.ok(option === "--fail" && ["timeout", "malformed"].includes(spec.kind), text);
      }
    }
  });
});

/** `npm start -- --stack <stack>` on a stack whose pricingFanOut is express (test/local/harness.ts). */
import assert from "node:assert/strict";
import { states } from "../../components/definition/definition";
import { routes } from "../../components/routes";
import { expressProject, expressStack, startInProcess, startInProjectDir } from "./harness";

const start = (...args: string[]) =>
  startInProjectDir(expressProject(), "--stack", expressStack, "--retry-scale", "1/1000", ...args);

describe("npm start, on a stack that prices with the Express child", () => {
  it("runs the order end to end and prints the child's states nested under Price Cart", async () => {
    const { status, stdout } = await start();
    assert.equal(status, 0);
    assert.match(stdout, /^→ Price Cart\n {2}→ Check Cart$/m);
    assert.match(stdout, /^\[item 2\] {7}✓ Customer\.GetCustomer {2}\d+ ms$/m);
    assert.match(
      stdout,
      /Execution SUCCEEDED in \d+ ms · 7 Standard transitions · 1 Express request \(\d+ ms\) · 16 API calls/,
    );
  });

  it("with --json, adds billing: the order's Standard transitions, one Express request and its duration", async () => {
    const { status, stdout } = await start("--json");
    assert.equal(status, 0);
    const { billing, transitions } = JSON.parse(stdout);
    assert.deepEqual(Object.keys(billing), ["standardTransitions", "expressRequests", "expressDurationMs"]);
    assert.deepEqual([billing.standardTransitions, transitions, billing.expressRequests], [7, 7, 1]);
    assert.ok(billing.expressDurationMs > 0);
  });

  it("refuses --abort-at a state of the Express child, as StopExecution would: exit 2, before any run", async () => {
    const { status, stdout, stderr } = await start("--abort-at", states.checkLine);
    assert.equal(status, 2);
    assert.equal(stdout, "");
    assert.match(
      stderr,
      new RegExp(
        `^--abort-at: "${states.checkLine}" is a state of the Express pricing child, and StopExecution does not support Express executions: no operator can stop it there\\. Stop the order at one of its own states: Validate Order, `,
      ),
    );
  });

  it("lists only the order's own states among those --abort-at takes", async () => {
    const { status, stderr } = await start("--abort-at", "Nope");
    assert.equal(status, 2);
    assert.match(stderr, new RegExp(`States: Validate Order, .*${states.priceCart}`));
    assert.doesNotMatch(stderr, new RegExp(states.checkLine));
  });

  it("injects a fault on a route only the child calls, with --fail", async () => {
    const { status, stdout } = await start("--json", "--fail", `${routes.getTaxes.operation}=500x*`);
    assert.equal(status, 1);
    const { events, calls } = JSON.parse(stdout);
    assert.equal(calls[routes.getTaxes.operation], 4);
    assert.deepEqual(
      events.map(({ detail }: { detail: Record<string, string> }) => [detail.failedState, detail.error]),
      [[routes.getTaxes.operation, "ApiGateway.500"]],
    );
  });

  it("says which stack has a state of the other pricing mode given to --abort-at", async () => {
    const { status, stderr } = await start("--abort-at", "Select Order.CreateOrder Result");
    assert.equal(status, 2);
    assert.match(
      stderr,
      /no state "Select Order\.CreateOrder Result" in the definition\. States: .* "Select Order\.CreateOrder Result" is a state of pricingFanOut inline, and stack express prices express; stack dev does: --stack dev\.\n/,
    );
  });
});

describe("npm start, on a stack that prices inline, given a state of the Express child", () => {
  it("says which stacks price with the child, so have it", async () => {
    const { status, stderr } = await startInProcess("--abort-at", states.priceCart);
    assert.equal(status, 2);
    assert.match(
      stderr,
      /"Price Cart" is a state of pricingFanOut express, and stack dev prices inline; stack prod does: --stack prod\.\n/,
    );
  });
});

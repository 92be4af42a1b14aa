import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { routes } from "../../components/routes";
import { states } from "../../components/definition";
import { main } from "../../local/cli";
import { parseCliArgs, UsageError } from "../../local/cliArgs";
import { colorsFor } from "../../local/colors";
import { routeOperationFor } from "../../local/faultTargets";
import { TracePrinter } from "../../local/trace";
import { dev, oneItemOrder, run } from "./harness";

/** `npm start -- <args>` as a process, without npm. */
const start = (...args: string[]) =>
  spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "local/cli.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });

describe("npm start", () => {
  describe("its options", () => {
    it("default to the sample order on the dev stack, no faults, retry pauses at 1/100", () => {
      assert.deepEqual(parseCliArgs([]), {
        help: false,
        inputFile: "samples/order.json",
        stack: "dev",
        faults: [],
        latencies: [],
        retryScale: 1 / 100,
        timeoutScale: 1 / 100,
        abortAt: undefined,
        json: false,
      });
    });

    it("read repeated faults, * as every call, and lost responses", () => {
      const { faults } = parseCliArgs([
        "--fail",
        "Pricing.GetPrices=503x2",
        "--fail",
        "Tax.GetTaxes=500x*",
        "--lose",
        "Order.CreateOrder=504x1",
      ]);
      assert.deepEqual(faults, [
        { target: "Pricing.GetPrices", spec: { status: 503, count: 2, responseLost: false } },
        { target: "Tax.GetTaxes", spec: { status: 500, count: Infinity, responseLost: false } },
        { target: "Order.CreateOrder", spec: { status: 504, count: 1, responseLost: true } },
      ]);
    });

    it("read a latency for every route or for one, and a retry scale as a fraction", () => {
      const options = parseCliArgs([
        "--latency",
        "20",
        "--latency",
        "Tax.GetTaxes=100",
        "--retry-scale",
        "1/1000",
      ]);
      assert.deepEqual(options.latencies, [
        { target: undefined, ms: 20 },
        { target: "Tax.GetTaxes", ms: 100 },
      ]);
      assert.equal(options.retryScale, 1 / 1000);
    });

    it("refuse a malformed fault, latency or scale, and an unknown option", () => {
      for (const args of [
        ["--fail", "Pricing.GetPrices=503"],
        ["--fail", "X=99x1"],
        ["--latency", "fast"],
        ["--retry-scale", "0"],
        ["--nope"],
      ]) {
        assert.throws(() => parseCliArgs(args), UsageError, args.join(" "));
      }
    });

    it("name a fault's route by its operation, or by a Task state that calls it", () => {
      assert.equal(routeOperationFor(routes.getPrices.operation, dev.definition), routes.getPrices.operation);
      assert.equal(
        routeOperationFor(states.orderCreatedEvent, dev.definition),
        routes.receiveEvent.operation,
      );
      assert.throws(() => routeOperationFor("Pricing", dev.definition), /Unknown route or state "Pricing"/);
    });
  });

  describe("its trace", () => {
    it("shows each state entered and left, indented by nesting, with the Map item, retries and catches", async () => {
      const { result } = await run(oneItemOrder, (api) =>
        api.faults.fail(routes.getPrices.operation, { status: 503, count: Infinity }),
      );
      const lines: string[] = [];
      const printer = new TracePrinter(dev.definition, colorsFor({ isTTY: false }), (line) =>
        lines.push(line),
      );
      result.events.forEach((event) => printer.print(event));
      const shown = lines.map((line) => line.replace(/\d+ ms$/, "N ms"));
      assert.ok(shown.includes("→ For Each Product In Cart"));
      assert.ok(shown.includes("  → Parallel_Processing [item 0]"));
      assert.ok(shown.includes("    ↻ Pricing.GetPrices [item 0]  retry 1 of 3"));
      assert.ok(
        shown.includes(
          "    ⤷ Pricing.GetPrices [item 0]  caught, next: Record Pricing.GetPrices Failure  N ms",
        ),
      );
      assert.ok(
        !shown.includes("    ✓ Pricing.GetPrices [item 0]  N ms"),
        "a caught state is not shown as a success",
      );
      assert.ok(shown.includes("    ✓ ProductCatalog.GetProduct [item 0]  N ms"));
      assert.ok(
        shown.some((line) =>
          /^ {4}✗ Pricing\.GetPrices \[item 0\] {2}ApiGateway\.503 \{"message"/.test(line),
        ),
      );
    });

    it("is plain text when stdout is not a terminal or NO_COLOR is set", () => {
      assert.equal(colorsFor({ isTTY: false }, {}).red("x"), "x");
      assert.equal(colorsFor({ isTTY: true }, { NO_COLOR: "1" }).red("x"), "x");
      assert.equal(colorsFor({ isTTY: true }, {}).red("x"), "\u001b[31mx\u001b[39m");
    });
  });

  /** The command in this process, its output captured. */
  const startInProcess = async (...args: string[]) => {
    let stdout = "";
    let stderr = "";
    const status = await main(
      args,
      { write: (text: string) => (stdout += text) },
      { write: (text: string) => (stderr += text) },
    );
    return { status, stdout, stderr };
  };

  it("exits 0 and prints the output when the order succeeds", async () => {
    const { status, stdout } = await startInProcess();
    assert.equal(status, 0);
    assert.match(stdout, /Execution SUCCEEDED in \d+ ms · 38 state transitions · 16 API calls/);
    assert.match(stdout, /"totalAmount": 50784/);
  });

  it("exits 1 and prints the error and cause when the order fails", async () => {
    const { status, stdout } = await startInProcess("--fail", "Tax.GetTaxes=400x1");
    assert.equal(status, 1);
    assert.match(stdout, /^Error: Order\.FailureAnnounced$/m);
    assert.match(
      stdout,
      /^Cause: Tax\.GetTaxes failed with ApiGateway\.400: \{"message":"Injected fault 400/m,
    );
  });

  it("exits 2 and points to --help on a usage error", async () => {
    const { status, stderr } = await startInProcess("--fail", "Nope=500x1");
    assert.equal(status, 2);
    assert.match(stderr, /Unknown route or state "Nope"[\s\S]*npm start -- --help/);
  });

  it("sets the process's exit code from the execution", () => {
    const { status, stdout } = start("--input", "samples/empty-cart.json");
    assert.equal(status, 1, stdout);
    assert.match(stdout, /^Error: Order\.EmptyCart$/m);
  });
});

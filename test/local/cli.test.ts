import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { routes } from "../../components/routes";
import { states } from "../../components/definition/definition";
import { main, quietWhenClosed } from "../../local/cli/cli";
import { limits, optionTable, parseCliArgs, usage, UsageError } from "../../local/cli/cliArgs";
import { ConfigError, loadStackForCli } from "../../local/cli/cliStack";
import { colorsFor } from "../../local/cli/colors";
import { didYouMean } from "../../local/cli/didYouMean";
import { routeOperationFor } from "../../local/cli/faultTargets";
import { latencyWarnings } from "../../local/cli/latencyWarnings";
import { safetyNetAttemptTimeoutMs } from "../../local/localRun";
import { exitOnUnsupportedNode, nodeVersionProblem } from "../../local/cli/nodeVersion";
import { TracePrinter } from "../../local/cli/trace";
import { dev, oneItemOrder, run, startInProcess } from "./harness";
import { seededRandom } from "../support/random";

describe("npm start", () => {
  /**
   * As `npm start -- --input samples/empty-cart.json | head -c 1`: the reader leaves after the
   * first chunk. The one child process of these tests, started at once so that its second or so
   * of start-up overlaps the in-process tests rather than adding to them.
   */
  let cutShort: Promise<{ code: number | null; stderr: string }>;
  before(() => {
    const child = spawn(
      process.execPath,
      [
        "-r",
        "sucrase/register/ts",
        "-r",
        "./local/cli/nodeVersion.ts",
        "local/cli/cli.ts",
        "--input",
        "samples/empty-cart.json",
      ],
      { env: { ...process.env, NO_COLOR: "1" } },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdout.once("data", () => child.stdout.destroy());
    cutShort = new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
  });

  describe("its options", () => {
    it("default to the sample order on the dev stack, no faults, retry pauses at 1/100", () => {
      assert.deepEqual(parseCliArgs([]), {
        help: false,
        quiet: false,
        inputFile: "samples/order.json",
        stack: "dev",
        faults: [],
        latencies: [],
        retryScale: 1 / 100,
        timeoutScale: 1 / 100,
        abortAt: undefined,
        eventWithError: false,
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
        ["stray"],
      ]) {
        assert.throws(() => parseCliArgs(args), UsageError, args.join(" "));
      }
    });

    it("refuse a fault status outside 400-599, naming the option and the value", () => {
      for (const status of ["100", "200", "302", "399", "600", "9999999999"]) {
        assert.throws(
          () => parseCliArgs(["--fail", `Tax.GetTaxes=${status}x1`]),
          new RegExp(`^UsageError: --fail Tax\\.GetTaxes=${status}x1: the status must be from 400 to 599`),
        );
      }
    });

    it("refuse a fault count of 0 or above the maximum", () => {
      for (const count of ["0", String(limits.maxFaultCount + 1), "1".repeat(400)]) {
        assert.throws(
          () => parseCliArgs(["--lose", `Tax.GetTaxes=504x${count}`]),
          /the count must be from 1 to/,
        );
      }
      assert.equal(
        parseCliArgs(["--fail", `Tax.GetTaxes=504x${limits.maxFaultCount}`]).faults[0].spec.count,
        1000,
      );
    });

    it("refuse a latency past the maximum, which Node's timers would fire at once", () => {
      assert.throws(
        () => parseCliArgs(["--latency", "3000000000"]),
        /--latency 3000000000: at most 300000 ms/,
      );
      assert.throws(() => parseCliArgs(["--latency", `Tax.GetTaxes=${limits.maxLatencyMs + 1}`]), UsageError);
      assert.equal(
        parseCliArgs(["--latency", String(limits.maxLatencyMs)]).latencies[0].ms,
        limits.maxLatencyMs,
      );
    });

    it("refuse a retry scale that is not a finite fraction in (0, 1]", () => {
      for (const scale of ["1/0", "0/0", "0", "2", "1e400", "Infinity", "1/", "1/100/2", ""]) {
        assert.throws(
          () => parseCliArgs(["--retry-scale", scale]),
          /--retry-scale must be a fraction above 0/,
          scale,
        );
      }
    });

    it("suggest the option meant by a mistyped one", () => {
      assert.throws(
        () => parseCliArgs(["--fial", "x"]),
        /^UsageError: Unknown option --fial\. Did you mean --fail\?$/,
      );
      assert.throws(() => parseCliArgs(["--retryscale", "1"]), /Did you mean --retry-scale\?/);
      assert.throws(() => parseCliArgs(["--zzzzzz"]), /^UsageError: Unknown option --zzzzzz\.$/);
    });

    it("take -h and -q for --help and --quiet", () => {
      assert.deepEqual([parseCliArgs(["-h"]).help, parseCliArgs(["-q"]).quiet], [true, true]);
    });

    it("throw nothing but a UsageError, and keep every number in bounds, on 1 000 random arguments", () => {
      const random = seededRandom(0x11c1);
      const pieces = [
        "--fail",
        "--lose",
        "--latency",
        "--retry-scale",
        "--timeout-scale",
        "--abort-at",
        "--json",
        "--stack",
        "-q",
        "-h",
        "--",
        "=",
        "x",
        "*",
      ];
      const values = [
        "Tax.GetTaxes=503x2",
        "Tax.GetTaxes=timeoutx1",
        "Tax.GetTaxes=malformedx*",
        "Tax.GetTaxes=timeout",
        "1/0",
        "0.5",
        "-1",
        "NaN",
        "99999999999999999999",
        "constructor",
        "__proto__=1",
        "%ZZ",
        "",
      ];
      for (let i = 0; i < 1000; i++) {
        const args = Array.from({ length: Math.floor(random() * 5) }, () => {
          const from = random() < 0.5 ? pieces : values;
          return from[Math.floor(random() * from.length)];
        });
        try {
          const options = parseCliArgs(args);
          for (const scale of [options.retryScale, options.timeoutScale])
            assert.ok(scale > 0 && scale <= limits.maxScale, args.join(" "));
          for (const { ms } of options.latencies)
            assert.ok(ms >= 0 && ms <= limits.maxLatencyMs, args.join(" "));
          for (const { spec } of options.faults) {
            if (!("kind" in spec) || spec.kind === "status")
              assert.ok(spec.status >= 400 && spec.status <= 599, args.join(" "));
            assert.ok(spec.count >= 1 && (spec.count <= limits.maxFaultCount || spec.count === Infinity));
          }
        } catch (error) {
          assert.ok(error instanceof UsageError, `${args.join(" ")}: ${(error as Error).stack}`);
        }
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

    it("warn about a latency that outlasts the Task timeout of the route it delays, as the run scales it", () => {
      const getTaxes = routes.getTaxes.operation;
      assert.deepEqual(latencyWarnings([{ operation: getTaxes, ms: 299 }], dev.definition, 1 / 100), []);
      assert.deepEqual(latencyWarnings([{ operation: getTaxes, ms: 300 }], dev.definition, 1 / 100), [
        "Warning: a latency of 300 ms on Tax.GetTaxes is not shorter than the TimeoutSeconds (30 s, ×0.01 here) of Tax.GetTaxes: those calls will end in States.Timeout.",
      ]);
      assert.deepEqual(latencyWarnings([{ operation: getTaxes, ms: 29_999 }], dev.definition, 1), []);
      const everyRoute = latencyWarnings([{ operation: undefined, ms: 60_000 }], dev.definition, 1);
      assert.equal(everyRoute.filter((warning) => /States\.Timeout/.test(warning)).length, 1);
    });

    it("warn, as for a Task, about a latency on Event.Receive that times out every delivery of the safety net", () => {
      const receive = routes.receiveEvent.operation;
      // The Tasks wait 300 ms at ×0.01; the safety net 5 s ×0.01 = 50 ms, as the run waits for it.
      assert.deepEqual(latencyWarnings([{ operation: receive, ms: 100 }], dev.definition, 1 / 100), [
        "Warning: a latency of 100 ms on Event.Receive is not shorter than the safety net's delivery timeout (5 s, ×0.01 here, at least 50 ms: 50 ms): each of its deliveries will time out, and its OrderFailed be dead-lettered.",
      ]);
      assert.deepEqual(latencyWarnings([{ operation: receive, ms: 49 }], dev.definition, 1 / 100), []);
      // At ×0.001 the delivery still waits its 50 ms floor, not 5 ms.
      const deliveries = (ms: number) =>
        latencyWarnings([{ operation: receive, ms }], dev.definition, 1 / 1000).filter((warning) =>
          warning.includes("safety net"),
        );
      assert.deepEqual([deliveries(49).length, deliveries(50).length], [0, 1]);
      assert.match(
        latencyWarnings([{ operation: undefined, ms: 100 }], dev.definition, 1 / 100)[0],
        /every route .* safety net's delivery timeout/,
      );
      assert.deepEqual(
        latencyWarnings([{ operation: routes.getTaxes.operation, ms: 100 }], dev.definition, 1 / 100),
        [],
      );
    });

    it("use for the safety net the delivery timeout the run gives it", () => {
      assert.deepEqual([1 / 100, 1 / 1000, 1].map(safetyNetAttemptTimeoutMs), [50, 50, 5000]);
    });

    it("leave out of the warning for every route the routes that have a latency of their own", () => {
      const [warning] = latencyWarnings(
        [
          { operation: undefined, ms: 400 },
          { operation: routes.getTaxes.operation, ms: 10 },
        ],
        dev.definition,
        1 / 100,
      );
      assert.match(warning, /^Warning: a latency of 400 ms on every route /);
      assert.doesNotMatch(warning, /Tax\.GetTaxes/);
      assert.match(warning, /Order\.UpdateOrder/);
    });
  });

  describe("its help", () => {
    it("lists every option of the table, with its short form", () => {
      for (const { name, short } of optionTable) {
        assert.match(usage, new RegExp(`${short === undefined ? "" : `-${short}, `}--${name}\\b`));
      }
    });
  });

  describe("a mistyped name", () => {
    it("is matched to the one meant, by prefix or by a few edits, case aside", () => {
      const names = ["Pricing.GetPrices", "Tax.GetTaxes", "Order.CreateOrder"];
      assert.equal(didYouMean("pricing", names), "Pricing.GetPrices");
      assert.equal(didYouMean("Tax.GetTaxe", names), "Tax.GetTaxes");
      assert.equal(didYouMean("tax.gettaxes", names), "Tax.GetTaxes");
      assert.equal(didYouMean("Shipping", names), undefined);
      assert.equal(didYouMean("", names), undefined);
    });
  });

  describe("the stack it loads", () => {
    let project: string;
    beforeEach(() => {
      project = mkdtempSync(join(tmpdir(), "stack-"));
      copyFileSync("Pulumi.yaml", join(project, "Pulumi.yaml"));
      copyFileSync("Pulumi.dev.yaml", join(project, "Pulumi.dev.yaml"));
    });
    afterEach(() => rmSync(project, { recursive: true, force: true }));

    it("is a usage error when unknown, naming the stacks there are and the likely one", () => {
      assert.throws(
        () => loadStackForCli("dve", project),
        (error: Error) =>
          error instanceof UsageError &&
          error.message === 'No stack "dve": there is no Pulumi.dve.yaml. Stacks: dev. Did you mean "dev"?',
      );
    });

    it("cannot name a file outside the project", () => {
      assert.throws(() => loadStackForCli("../dev", project), UsageError);
    });

    it("is a usage error when its name is empty, naming the stacks there are", () => {
      assert.throws(
        () => loadStackForCli("", project),
        /^UsageError: The stack name is empty\. Stacks: dev\.$/,
      );
    });

    it("is a config error naming each setting Pulumi.yaml does not declare, and the one meant", () => {
      const typo = readFileSync(join(project, "Pulumi.dev.yaml"), "utf8").replace(
        "mapMaxConcurrency: 5",
        "mapMaxConcurency: 1",
      );
      writeFileSync(join(project, "Pulumi.typo.yaml"), `${typo}  order-processing-workflow:logLvl: ALL\n`);
      assert.throws(
        () => loadStackForCli("typo", project),
        (error: Error) =>
          error instanceof ConfigError &&
          error.message ===
            [
              "Pulumi.typo.yaml: unknown settings:",
              '  - order-processing-workflow:mapMaxConcurency is not a setting of Pulumi.yaml. Did you mean "mapMaxConcurrency"?',
              '  - order-processing-workflow:logLvl is not a setting of Pulumi.yaml. Did you mean "logLevel"?',
            ].join("\n"),
      );
    });

    it("is a config error when its config is not a mapping, rather than a stack of defaults", () => {
      writeFileSync(join(project, "Pulumi.scalar.yaml"), "config: 5\n");
      writeFileSync(join(project, "Pulumi.list.yaml"), "- config\n");
      assert.throws(
        () => loadStackForCli("scalar", project),
        /^ConfigError: Pulumi\.scalar\.yaml: config must be a mapping of keys to values; got 5$/,
      );
      assert.throws(
        () => loadStackForCli("list", project),
        /^ConfigError: Pulumi\.list\.yaml must be a mapping with a config: section$/,
      );
    });

    it("is a config error naming the file when its YAML does not parse", () => {
      writeFileSync(join(project, "Pulumi.broken.yaml"), "config:\n  a: [\n");
      assert.throws(
        () => loadStackForCli("broken", project),
        (error: Error) =>
          error instanceof ConfigError && /^Pulumi\.broken\.yaml is not valid YAML: /.test(error.message),
      );
    });

    it("is a config error listing every invalid setting by key and value", () => {
      writeFileSync(
        join(project, "Pulumi.bad.yaml"),
        "config:\n  order-processing-workflow:apiId: MyApiId\n  order-processing-workflow:stage: dev\n  order-processing-workflow:logRetentionDays: 10\n  order-processing-workflow:mapMaxConcurrency: 99\n  aws:region: us-east-1\n",
      );
      assert.throws(
        () => loadStackForCli("bad", project),
        (error: Error) =>
          error instanceof ConfigError &&
          error.message.startsWith("Pulumi.bad.yaml: invalid order workflow settings") &&
          /logRetentionDays[^\n]*got 10/.test(error.message) &&
          /mapMaxConcurrency[^\n]*got 99/.test(error.message),
      );
    });
  });

  describe("a stack file with a misspelt key and bad values", () => {
    let project: string;
    before(() => {
      project = mkdtempSync(join(tmpdir(), "orders-stacks-"));
      copyFileSync("Pulumi.yaml", join(project, "Pulumi.yaml"));
      writeFileSync(
        join(project, "Pulumi.both.yaml"),
        "config:\n  order-processing-workflow:apiId: MyApiId\n  order-processing-workflow:stage: dev\n  order-processing-workflow:logLvl: ALL\n  order-processing-workflow:logRetentionDays: 10\n  order-processing-workflow:mapMaxConcurrency: 99\n  aws:region: us-east-1\n",
      );
    });
    after(() => rmSync(project, { recursive: true, force: true }));

    it("is one config error naming every problem: the unknown key and each invalid value", () => {
      assert.throws(
        () => loadStackForCli("both", project),
        (error: Error) =>
          error instanceof ConfigError &&
          error.message.startsWith(
            'Pulumi.both.yaml: unknown settings:\n  - order-processing-workflow:logLvl is not a setting of Pulumi.yaml. Did you mean "logLevel"?\nPulumi.both.yaml: invalid order workflow settings',
          ) &&
          /logRetentionDays[^\n]*got 10/.test(error.message) &&
          /mapMaxConcurrency[^\n]*got 99/.test(error.message),
      );
    });
  });

  describe("a stack file it is given", () => {
    let project: string;
    // The YAML parser warns, through process.emitWarning, of keys it must stringify; those warnings
    // are expected here, and kept out of the test output.
    const emitWarning = process.emitWarning;
    before(() => {
      project = mkdtempSync(join(tmpdir(), "stack-fuzz-"));
      copyFileSync("Pulumi.yaml", join(project, "Pulumi.yaml"));
      process.emitWarning = () => undefined;
    });
    after(() => {
      process.emitWarning = emitWarning;
      rmSync(project, { recursive: true, force: true });
    });

    it("is either loaded or refused with one ConfigError, over 300 mutated stack files", () => {
      const random = seededRandom(0x57ac);
      const original = readFileSync("Pulumi.dev.yaml", "utf8");
      const inserts = [
        ": ",
        "[",
        "{",
        "!!binary ",
        "&a ",
        "*a ",
        "\t",
        "- ",
        '"',
        "\u0000",
        "99999999999999999999",
        "-1",
        "true",
        "~",
        "\n  ",
      ];
      const outcomes = { loaded: 0, refused: 0 };
      for (let i = 0; i < 300; i++) {
        let text = original;
        for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
          const at = Math.floor(random() * text.length);
          const removed = Math.floor(random() * 4);
          text =
            text.slice(0, at) + inserts[Math.floor(random() * inserts.length)] + text.slice(at + removed);
        }
        writeFileSync(join(project, "Pulumi.fuzz.yaml"), text);
        try {
          loadStackForCli("fuzz", project);
          outcomes.loaded++;
        } catch (error) {
          assert.ok(error instanceof ConfigError, `case ${i}: ${(error as Error).stack}\n${text}`);
          assert.doesNotMatch(error.message, /\n\s+at /, `case ${i}: a stack trace in the message`);
          outcomes.refused++;
        }
      }
      assert.ok(outcomes.refused > 50 && outcomes.loaded > 0, JSON.stringify(outcomes));
    });
  });

  describe("on an unsupported Node", () => {
    it("says which Node it needs and how to get it", () => {
      const problem = nodeVersionProblem("20.20.2");
      assert.match(problem ?? "", /needs Node\.js 22 or later; this is Node\.js 20\.20\.2/);
      assert.match(problem ?? "", /npm ci` without --ignore-scripts/);
    });

    it("accepts Node 22 and later", () => {
      assert.deepEqual(["22.0.0", "24.21.0", "v25.1.0"].map(nodeVersionProblem), [
        undefined,
        undefined,
        undefined,
      ]);
    });

    it("exits 2 with the advice before anything runs", () => {
      let written = "";
      const codes: number[] = [];
      exitOnUnsupportedNode({
        version: "18.19.0",
        stderr: { write: (text) => (written += text) },
        exit: (code) => codes.push(code),
      });
      assert.deepEqual(codes, [2]);
      assert.match(written, /Node\.js 18\.19\.0/);
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
      assert.ok(shown.includes("[item 0]   → Parallel_Processing"));
      assert.ok(shown.includes("[item 0]     ↻ Pricing.GetPrices  retry 1 of 3"));
      assert.ok(
        shown.includes(
          "[item 0]     ⤷ Pricing.GetPrices  caught, next: Record Pricing.GetPrices Failure  N ms",
        ),
      );
      assert.ok(
        !shown.includes("[item 0]     ✓ Pricing.GetPrices  N ms"),
        "a caught state is not shown as a success",
      );
      assert.ok(shown.includes("[item 0]     ✓ ProductCatalog.GetProduct  N ms"));
      assert.ok(
        shown.some((line) => /^\[item 0\] {5}✗ Pricing\.GetPrices {2}ApiGateway\.503 \{"message"/.test(line)),
      );
    });

    it("is plain text when stdout is not a terminal or NO_COLOR is set", () => {
      assert.equal(colorsFor({ isTTY: false }, {}).red("x"), "x");
      assert.equal(colorsFor({ isTTY: true }, { NO_COLOR: "1" }).red("x"), "x");
      assert.equal(colorsFor({ isTTY: true }, {}).red("x"), "\u001b[31mx\u001b[39m");
    });
  });

  it("exits 0 and prints the output when the order succeeds", async () => {
    const { status, stdout } = await startInProcess();
    assert.equal(status, 0);
    assert.match(
      stdout,
      /Execution SUCCEEDED in \d+ ms · 34 Standard transitions · no Express request · 16 API calls/,
    );
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
    assert.match(stderr, /^--fail: Unknown route or state "Nope"[\s\S]*npm start -- --help/);
  });

  it("suggests the route meant by a mistyped fault target", async () => {
    const { status, stderr } = await startInProcess("--fail", "Pricing.GetPrice=500x1");
    assert.equal(status, 2);
    assert.match(stderr, /Did you mean "Pricing\.GetPrices"\?/);
  });

  it("exits 2 for an unknown stack with one message listing the stacks, no stack trace", async () => {
    const { status, stdout, stderr } = await startInProcess("--stack", "nosuch");
    assert.equal(status, 2);
    assert.equal(stdout, "");
    assert.equal(
      stderr,
      'No stack "nosuch": there is no Pulumi.nosuch.yaml. Stacks: dev, prod.\n\nSee npm start -- --help\n',
    );
  });

  it("exits 3 and says it is a bug when something unforeseen fails, keeping 1 for a failed execution", async () => {
    let stderr = "";
    const failing = {
      write: () => {
        throw new Error("disk full");
      },
    };
    const status = await main(["-h"], failing, { write: (text: string) => (stderr += text) });
    assert.equal(status, 3);
    assert.match(stderr, /^npm start failed unexpectedly; this is a bug:\nError: disk full/);
  });

  it("prints the help for -h and exits 0", async () => {
    const { status, stdout } = await startInProcess("-h");
    assert.equal(status, 0);
    assert.equal(stdout, `${usage}\n`);
  });

  it("prints only the summary with --quiet: no state, no output", async () => {
    const { status, stdout } = await startInProcess("--quiet");
    assert.equal(status, 0);
    assert.doesNotMatch(stdout, /→|Order processing, stack|Output:|"cartId"/);
    assert.match(stdout, /Execution SUCCEEDED/);
    assert.ok(stdout.split("\n").length < 20, stdout);
  });

  it("says in the summary when the idempotency store answered a retried POST", async () => {
    const { status, stdout } = await startInProcess("-q", "--lose", "Order.CreateOrder=504x1");
    assert.equal(status, 0);
    assert.match(stdout, /Order\.CreateOrder ×2,/);
    assert.match(stdout, /^ {2}Order\.CreateOrder ×1 answered from the idempotency store/m);
  });

  it("stops writing, without an error, once its reader has gone", () => {
    const stream = new PassThrough();
    const output = quietWhenClosed(stream);
    stream.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    assert.equal(output.write("more"), true);
    assert.equal(stream.read(), null);
  });

  it("as a process, exits with the execution's code and no error when its output is cut short", async () => {
    const { code, stderr } = await cutShort;
    assert.equal(stderr, "");
    assert.equal(code, 1);
  });
});

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main, maxInputDepth, readInput } from "../../local/cli/cli";
import { forgottenDoubleDash, parseCliArgs, UsageError } from "../../local/cli/cliArgs";
import { stateSizeLimitBytes } from "../../local/aws/stateSize";
import { startInProcess } from "./harness";

/** A frame of a stack trace, which a user's mistake must never print. */
const stackFrame = /\n\s+at /;

describe("npm start, given what a newcomer or an attacker types", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "cli-input-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  describe("its options", () => {
    it("refuse an option that takes one value when it is given twice, naming both values", () => {
      assert.throws(
        () => parseCliArgs(["--stack", "dev", "--stack", "prod"]),
        /^UsageError: --stack is given 2 times \("dev", "prod"\); give it once$/,
      );
      assert.throws(() => parseCliArgs(["--input=a.json", "--input", "b.json"]), /--input is given 2 times/);
      assert.throws(() => parseCliArgs(["--timeout-scale", "1/10", "--timeout-scale", "1"]), UsageError);
    });

    it("refuse a value given to a flag, naming it", () => {
      assert.throws(
        () => parseCliArgs(["--json=false"]),
        /^UsageError: --json takes no value; got "--json=false"$/,
      );
    });

    it("keep --fail and --lose in the order given, as faults on one route apply in turn", () => {
      const { faults } = parseCliArgs([
        "--lose",
        "Order.CreateOrder=504x1",
        "--fail",
        "Order.CreateOrder=500x1",
      ]);
      assert.deepEqual(
        faults.map(({ spec }) => ("status" in spec ? [spec.status, spec.responseLost] : spec.kind)),
        [
          [504, true],
          [500, false],
        ],
      );
    });

    it("take a flag given twice as given once", () => {
      assert.equal(parseCliArgs(["--json", "--json", "-q", "--quiet"]).json, true);
    });

    it("refuse an empty stack, input or state, naming the option", () => {
      for (const name of ["stack", "input", "abort-at"]) {
        assert.throws(
          () => parseCliArgs([`--${name}=`]),
          new RegExp(`^UsageError: --${name} needs a name; got ""$`),
        );
      }
      assert.throws(() => parseCliArgs(["--abort-at", " "]), /--abort-at needs a name; got " "/);
    });

    it("say in one line what an option left without its value takes", () => {
      assert.throws(() => parseCliArgs(["--stack"]), /^UsageError: --stack needs a value: --stack <name>$/);
      assert.throws(
        () => parseCliArgs(["--latency", "-5"]),
        /^UsageError: --latency needs a value: --latency \[<target>=\]<ms>$/,
      );
      assert.throws(() => parseCliArgs(["--stack", "--json"]), /^UsageError: --stack needs a value/);
    });

    it("send a timeout or malformed fault given to --lose to --fail, as there is no answer to lose", () => {
      assert.throws(
        () => parseCliArgs(["--lose", "x=timeoutx1"]),
        /^UsageError: --lose x=timeoutx1: a timeout fault sends no answer to lose, so it is for --fail only/,
      );
    });

    it("end a refused status with a full stop before its suggestion", () => {
      assert.throws(
        () => parseCliArgs(["--fail", "Tax.GetTaxes=timoutx1"]),
        /; got timout\. Did you mean "timeout"\?$/,
      );
    });
  });

  it("names --fail or --lose with a fault target it does not know", async () => {
    const fail = await startInProcess("--fail", "x=timeoutx1");
    assert.equal(fail.status, 2);
    assert.match(fail.stderr, /^--fail: Unknown route or state "x"\. Routes: /);
    assert.match(
      (await startInProcess("--lose", "Nope=504x1")).stderr,
      /^--lose: Unknown route or state "Nope"/,
    );
  });

  it("exits 2 for a fault queued after one that fails every call of its route, which would never apply", async () => {
    const { status, stderr } = await startInProcess(
      "--fail",
      "Tax.GetTaxes=500x*",
      "--lose",
      "Tax.GetTaxes=504x1",
    );
    assert.equal(status, 2);
    assert.match(
      stderr,
      /^--lose Tax\.GetTaxes: Tax\.GetTaxes already fails every call \(a count of \*\), so a fault after it would never apply\n/,
    );
  });

  it("exits 2 for two latencies on one route, which would silently keep only the last", async () => {
    for (const args of [
      ["--latency", "5", "--latency", "6"],
      ["--latency", "Tax.GetTaxes=5", "--latency", "Tax.GetTaxes=6"],
    ]) {
      const { status, stderr } = await startInProcess(...args);
      assert.equal(status, 2, args.join(" "));
      assert.match(
        stderr,
        /^--latency: (every route|Tax\.GetTaxes) is given 2 latencies \(5 ms, 6 ms\); give one/,
      );
    }
  });

  it("suggests the state meant by a mistyped --abort-at", async () => {
    const { status, stderr } = await startInProcess("--abort-at", "order.updateorde");
    assert.equal(status, 2);
    assert.match(
      stderr,
      /^--abort-at: no state "order\.updateorde" in the definition\. [^\n]* Did you mean "Order\.UpdateOrder"\?\n/,
    );
  });

  describe("its --input", () => {
    it("is read whole up to 256 KiB, the most StartExecution takes", () => {
      const padding = stateSizeLimitBytes - '{"pad":""}'.length;
      assert.deepEqual(readInput(file("limit.json", `{"pad":"${"x".repeat(padding)}"}`)), {
        pad: "x".repeat(padding),
      });
    });

    it("is refused past 256 KiB, naming the option, the file and the limit", () => {
      const path = file("over.json", `{"pad":"${"x".repeat(stateSizeLimitBytes)}"}`);
      assert.throws(
        () => readInput(path),
        (error: Error) =>
          error instanceof UsageError &&
          error.message ===
            `--input ${path}: more than 262144 bytes, the most Step Functions takes as an execution's input (256 KiB)`,
      );
    });

    it("is refused, not read into memory without end, when it is a device that never ends", function () {
      if (!existsSync("/dev/zero")) this.skip();
      assert.throws(() => readInput("/dev/zero"), /^UsageError: --input \/dev\/zero: more than 262144 bytes/);
    });

    it("is taken nested as deep as the local engine copies it, brackets inside strings aside", () => {
      const deepest = `${"[".repeat(maxInputDepth)}"]]]]"${"]".repeat(maxInputDepth)}`;
      assert.deepEqual(JSON.stringify(readInput(file("deepest.json", deepest))), deepest);
    });

    it("is refused nested deeper, where the engine would overflow its stack and never end the run", () => {
      const path = file("deeper.json", `${"[".repeat(4000)}${"]".repeat(4000)}`);
      assert.throws(
        () => readInput(path),
        new RegExp(
          `^UsageError: --input ${path}: nests 4000 levels deep; the local engine takes at most 128$`,
        ),
      );
    });

    it("is found from where npm was invoked when relative, as npm runs the script in the project", async () => {
      // Refused once read, so the message shows the file was found there, without a run.
      file("relative.json", `${"[".repeat(200)}${"]".repeat(200)}`);
      let stderr = "";
      const status = await main(
        ["--input", "relative.json"],
        { write: () => true },
        { write: (text: string) => (stderr += text) },
        dir,
      );
      assert.equal(status, 2);
      assert.match(stderr, /^--input relative\.json: nests 200 levels deep/);
    });

    it("exits 2 naming the option and the file when it is missing, a directory, not JSON or too deep", async () => {
      for (const [path, why] of [
        [join(dir, "missing.json"), "cannot read it: ENOENT"],
        [dir, "cannot read it: EISDIR"],
        [file("bad.json", "{bad"), "not JSON: "],
        [file("empty.json", ""), "not JSON: "],
        [
          file("bom.json", "\uFEFF{}"),
          "not JSON: it starts with a byte order mark; save it as UTF-8 without one",
        ],
        [file("deep.json", `${"[".repeat(130_000)}${"]".repeat(130_000)}`), "nests 130000 levels deep"],
      ]) {
        const { status, stdout, stderr } = await startInProcess("--input", path);
        assert.equal(status, 2, path);
        assert.equal(stdout, "");
        assert.ok(stderr.startsWith(`--input ${path}: ${why}`), stderr);
        assert.doesNotMatch(stderr, stackFrame);
      }
    });

    it("ends in 0, 1 or 2 with no stack trace and one JSON result, for 5 odd documents", async () => {
      const order = JSON.parse(readFileSync("samples/order.json", "utf8"));
      const item = order.items[0];
      // Each document that runs costs the engine's validation of a fresh definition (about 0.1 s).
      const documents: unknown[] = [
        null,
        { ...order, items: Array.from({ length: 10_000 }, () => item) },
        { ...order, customerId: { $ne: null } },
        JSON.parse(`{"__proto__":{"customerId":"x"},"currency":"EUR","items":[]}`),
        {
          ...order,
          customerId: "çüst-😀",
          items: [{ ...item, productId: "p?constructor=1", quantity: 1e308 }],
        },
      ];
      const seen = new Set<number>();
      for (const [index, document] of documents.entries()) {
        const path = file(`odd-${index}.json`, JSON.stringify(document));
        const { status, stdout, stderr } = await startInProcess("--json", "--input", path);
        const label = `${JSON.stringify(document).slice(0, 80)}: ${stderr}`;
        assert.ok([0, 1, 2].includes(status), label);
        assert.doesNotMatch(stderr, stackFrame, label);
        if (status !== 2) assert.ok(typeof JSON.parse(stdout).status === "string", label);
        seen.add(status);
      }
      // The fuzz reaches both a refused input and an execution that ran and failed.
      assert.ok(seen.has(1) && seen.has(2), [...seen].join());
    });
  });
});

describe("npm start with the -- forgotten", () => {
  const npmStart = { npm_lifecycle_event: "start" };

  it("says that npm took --stack for itself, with the command as meant", () => {
    assert.equal(
      forgottenDoubleDash({ ...npmStart, npm_config_stack: "true" }, ["prod"]),
      "npm took --stack for itself: this command's options go after --, as in\n  npm start -- --stack prod",
    );
  });

  it("gives each option npm took its value, written with = or as the next word, and keeps the rest", () => {
    const message = forgottenDoubleDash(
      { ...npmStart, npm_config_stack: "prod", npm_config_abort_at: "true", npm_config_json: "true" },
      ["Order Failed", "extra"],
    );
    assert.match(message ?? "", /\n {2}npm start -- --stack prod --abort-at 'Order Failed' --json extra$/);
  });

  it("exits 2 with that message before reading any stack", async () => {
    let stderr = "";
    const status = await main(
      ["prod"],
      { write: () => undefined },
      { write: (text: string) => (stderr += text) },
      process.cwd(),
      "/nonexistent",
      undefined,
      { ...npmStart, npm_config_stack: "true" },
    );
    assert.deepEqual(
      [status, stderr.split("\n")[0]],
      [2, "npm took --stack for itself: this command's options go after --, as in"],
    );
  });

  it("says nothing when npm took none of its options, or ran another script", () => {
    assert.equal(forgottenDoubleDash({ ...npmStart, npm_config_loglevel: "silent" }, []), undefined);
    assert.equal(
      forgottenDoubleDash({ npm_lifecycle_event: "test", npm_config_stack: "true" }, ["prod"]),
      undefined,
    );
  });
});

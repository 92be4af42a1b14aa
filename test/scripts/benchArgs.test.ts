import assert from "node:assert/strict";
import { benchArgs, benchRequest } from "../../scripts/benchArgs";

describe("npm run bench:policy, given arguments", () => {
  it("run the bench when given none", () => {
    assert.equal(benchArgs("bench:policy", "What it measures.", []), undefined);
  });

  it("print what they measure for --help or -h, and exit 0 without measuring", () => {
    for (const flag of ["--help", "-h"]) {
      assert.deepEqual(benchArgs("bench:policy", "What it measures.", [flag]), {
        code: 0,
        stdout: "What it measures.\n\nUsage: npm run bench:policy\n",
      });
    }
  });

  it("exit 2 naming every argument they were given, rather than ignore it", () => {
    assert.deepEqual(benchArgs("bench:policy", "What it measures.", ["--runs", "5"]), {
      code: 2,
      stderr:
        'npm run bench:policy takes no arguments; got "--runs" "5"\n\nSee npm run bench:policy -- --help\n',
    });
  });
});

describe("npm run bench, given arguments", () => {
  it("measures the dev stack in both pricing modes when given none", () => {
    assert.deepEqual(benchRequest("Usage.", []), { stack: "dev", modes: ["inline", "express"] });
  });

  it("takes a stack and one pricing mode, or both", () => {
    assert.deepEqual(benchRequest("Usage.", ["--stack", "prod", "--pricing", "express"]), {
      stack: "prod",
      modes: ["express"],
    });
    assert.deepEqual(benchRequest("Usage.", ["--pricing=inline"]), { stack: "dev", modes: ["inline"] });
    assert.deepEqual(benchRequest("Usage.", ["--pricing", "both"]), {
      stack: "dev",
      modes: ["inline", "express"],
    });
  });

  it("prints its help for -h without measuring", () => {
    assert.deepEqual(benchRequest("Usage.", ["-h"]), { code: 0, stdout: "Usage.\n" });
  });

  it("exits 2 naming a pricing mode it does not know, an empty stack or an unknown option", () => {
    const stderr = (args: string[]) => {
      const request = benchRequest("Usage.", args);
      assert.ok("code" in request && request.code === 2, JSON.stringify(request));
      return request.stderr ?? "";
    };
    assert.match(
      stderr(["--pricing", "toString"]),
      /--pricing must be one of inline, express, both; got "toString"/,
    );
    assert.match(stderr(["--stack", ""]), /--stack needs a name; got ""/);
    assert.match(stderr(["--runs", "5"]), /^npm run bench: Unknown option '--runs'/);
  });
});

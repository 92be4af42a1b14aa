import assert from "node:assert/strict";
import { benchArgs } from "../../scripts/benchArgs";

describe("npm run bench and bench:policy, given arguments", () => {
  it("run the bench when given none", () => {
    assert.equal(benchArgs("bench", "What it measures.", []), undefined);
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
    assert.deepEqual(benchArgs("bench", "What it measures.", ["--runs", "5"]), {
      code: 2,
      stderr: 'npm run bench takes no arguments; got "--runs" "5"\n\nSee npm run bench -- --help\n',
    });
  });
});

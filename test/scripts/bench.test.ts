import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../local/cli/cliStack";
import { main } from "../../scripts/bench";

/** A project whose dev stack file is the real one with `change` applied. */
function projectWithDevStack(change: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "orders-bench-"));
  copyFileSync("Pulumi.yaml", join(dir, "Pulumi.yaml"));
  writeFileSync(join(dir, "Pulumi.dev.yaml"), change(readFileSync("Pulumi.dev.yaml", "utf8")));
  return dir;
}

describe("npm run bench, on a dev stack it cannot measure", () => {
  /** What main refuses the project with; nothing may have been measured or written by then. */
  const refusal = async (change: (text: string) => string): Promise<string> => {
    const dir = projectWithDevStack(change);
    const written: string[] = [];
    try {
      const error = await main(dir, (text) => written.push(text)).then(
        () => assert.fail("the bench ran"),
        (thrown: unknown) => thrown,
      );
      assert.ok(error instanceof ConfigError, String(error));
      assert.deepEqual(written, []);
      return error.message;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("refuses a broken setting with one message naming the key and the value, before measuring", async () => {
    const message = await refusal((text) => text.replace(/logRetentionDays: 14/, "logRetentionDays: 10"));
    assert.match(message, /order-processing-workflow:logRetentionDays must be one of .*; got 10/);
  });

  it("refuses an EXPRESS workflow, whose pricing child would save nothing, naming both settings", async () => {
    const message = await refusal((text) => text.replace(/workflowType: STANDARD/, "workflowType: EXPRESS"));
    assert.match(message, /pricingFanOut "express" only saves transitions of a STANDARD workflow/);
  });
});

describe("npm run bench -- --stack", () => {
  it("refuses a stack the project does not have, naming the ones it has, before measuring", async () => {
    const written: string[] = [];
    const error = await main(process.cwd(), (text) => written.push(text), {
      stack: "nope",
      modes: ["inline"],
    }).then(
      () => assert.fail("the bench ran"),
      (thrown: unknown) => thrown as Error,
    );
    assert.match(error.message, /^No stack "nope": there is no Pulumi\.nope\.yaml\. Stacks: dev, prod\./);
    assert.deepEqual(written, []);
  });
});

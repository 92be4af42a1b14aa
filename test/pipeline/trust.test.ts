import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { ownersOf, parseCodeowners } from "./codeowners";
import {
  basePackGateProblems,
  checkoutsKeepingCredentials,
  expressionsInScripts,
  permissionsNotMinimal,
  privilegedPullRequestTriggers,
  pulumiStepsWithoutOidc,
  pulumiTokenRequests,
  secretsInPullRequestJobs,
  stackCreatingSteps,
  unboundedTokenJobs,
  unpinnedActions,
  verifiedPins,
} from "./rules";
import {
  action,
  copyOf,
  root,
  workflow,
  workflowFiles,
  type Job,
  type Step,
  type Workflow,
} from "./workflows";

// Pipeline trust (docs/pipeline.md): no long-lived credential reaches pull-request code, and a pull request cannot
// weaken the gate that judges it. Every rule runs on the real workflows and on a copy broken in one place.

const teamToken = "urn:pulumi:token-type:access_token:team";
const pulumiCloudOnly = "vars.PULUMI_BACKEND_URL == '' || startsWith(vars.PULUMI_BACKEND_URL, 'https://')";

function stepOf(w: Workflow, job: string, predicate: (step: Step) => boolean): Step {
  const found = (w.jobs[job].steps ?? []).find(predicate);
  assert.ok(found, `no such step in ${job}`);
  return found;
}

const byId = (id: string) => (step: Step) => step.id === id;
const byAction = (name: string) => (step: Step) => action(step) === name;

describe("pipeline trust", () => {
  describe("no long-lived secret reaches pull-request code", () => {
    for (const { file, workflow: w } of workflowFiles) {
      it(`${file}: references no secret in a job that a pull request can run`, () => {
        assert.deepEqual(secretsInPullRequestJobs(w), []);
      });
    }

    it("catches a Pulumi access token secret handed to the preview", () => {
      const w = copyOf("preview.yml");
      stepOf(w, "preview", byId("preview")).env = {
        PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
      };
      assert.deepEqual(secretsInPullRequestJobs(w), ["preview: secrets.PULUMI_ACCESS_TOKEN"]);
    });

    it("catches an AWS key secret in policy.yml's test job, which pull requests run", () => {
      const w = copyOf("policy.yml");
      w.jobs.test.env = { AWS_SECRET_ACCESS_KEY: "${{ secrets['AWS_SECRET_ACCESS_KEY'] }}" };
      assert.deepEqual(secretsInPullRequestJobs(w), ["test: secrets['AWS_SECRET_ACCESS_KEY']"]);
    });

    it("leaves policy.yml's push-only publish job out of the pull-request rule", () => {
      const w = copyOf("policy.yml");
      w.jobs.publish.env = { TOKEN: "${{ secrets.ANYTHING }}" };
      assert.deepEqual(secretsInPullRequestJobs(w), []);
      delete w.jobs.publish.if;
      assert.deepEqual(secretsInPullRequestJobs(w), ["publish: secrets.ANYTHING"]);
    });

    it("stores no secret for any workflow: Pulumi Cloud and AWS credentials all come from OIDC", () => {
      const stored = (source: string) => source.match(/\$\{\{[^}]*\bsecrets\b[^}]*\}\}/g) ?? [];
      for (const { file, source } of workflowFiles) assert.deepEqual(stored(source), [], file);
      assert.equal(stored("PULUMI_ACCESS_TOKEN: ${{ secrets.PULUMI_ACCESS_TOKEN }}").length, 1);
    });

    for (const { file, workflow: w } of workflowFiles) {
      it(`${file}: never runs on pull_request_target or workflow_run, which hold secrets and a write token`, () => {
        assert.deepEqual(privilegedPullRequestTriggers(w), []);
      });
    }

    it("catches a preview moved to pull_request_target", () => {
      const w = copyOf("preview.yml");
      w.on = { pull_request_target: { branches: ["main"] } };
      assert.deepEqual(privilegedPullRequestTriggers(w), ["pull_request_target"]);
    });
  });

  describe("Pulumi Cloud through OIDC", () => {
    for (const { file, workflow: w } of workflowFiles) {
      it(`${file}: exchanges the OIDC token before every Pulumi step of every job`, () => {
        assert.deepEqual(pulumiStepsWithoutOidc(w), []);
      });
    }

    it("catches a deploy job without the exchange", () => {
      const w = copyOf("deploy.yml");
      w.jobs["deploy-prod"].steps = (w.jobs["deploy-prod"].steps ?? []).filter(
        (step) => action(step) !== "pulumi/auth-actions",
      );
      assert.deepEqual(pulumiStepsWithoutOidc(w), ["deploy-prod: pulumi up"]);
    });

    it("catches an exchange that comes after the preview it should authorise", () => {
      const w = copyOf("preview.yml");
      const steps = w.jobs.preview.steps ?? [];
      const exchange = steps.findIndex(byAction("pulumi/auth-actions"));
      const [moved] = steps.splice(exchange, 1);
      steps.push(moved);
      assert.deepEqual(pulumiStepsWithoutOidc(w), [
        "preview: pulumi preview",
        "preview: pulumi preview with this pull request's policy pack",
      ]);
    });

    it("catches a `pulumi` command in a script with no exchange before it", () => {
      const w = copyOf("policy.yml");
      w.jobs.publish.steps = (w.jobs.publish.steps ?? []).filter(
        (step) => action(step) !== "pulumi/auth-actions",
      );
      assert.deepEqual(pulumiStepsWithoutOidc(w), ["publish: pulumi policy publish"]);
    });

    it("asks for a team token per job: previews, each deploy and publishing each name their own team", () => {
      const org = "${{ vars.PULUMI_ORG }}";
      const request = (team: string) => `${teamToken} team:\${{ vars.${team} }} in ${org}`;
      assert.deepEqual(pulumiTokenRequests(workflow("preview.yml")), {
        preview: request("PULUMI_PREVIEW_TEAM"),
      });
      assert.deepEqual(pulumiTokenRequests(workflow("deploy.yml")), {
        "deploy-dev": request("PULUMI_DEPLOY_TEAM_DEV"),
        "deploy-prod": request("PULUMI_DEPLOY_TEAM_PROD"),
      });
      assert.deepEqual(pulumiTokenRequests(workflow("policy.yml")), {
        publish: request("PULUMI_POLICY_TEAM"),
      });
    });

    it("skips the exchange only for self-managed backends in previews and deploys, never for publishing", () => {
      for (const file of ["preview.yml", "deploy.yml"]) {
        for (const job of Object.values(workflow(file).jobs)) {
          for (const step of (job.steps ?? []).filter(byAction("pulumi/auth-actions"))) {
            assert.equal(step.if, pulumiCloudOnly, file);
          }
        }
      }
      assert.equal(stepOf(workflow("policy.yml"), "publish", byAction("pulumi/auth-actions")).if, undefined);
    });

    for (const { file, workflow: w } of workflowFiles) {
      it(`${file}: creates no stack, which would give the CI token Stack Admin on it`, () => {
        assert.deepEqual(stackCreatingSteps(w), []);
      });
    }

    it("catches a preview that would create a missing stack", () => {
      const w = copyOf("preview.yml");
      stepOf(w, "preview", byId("preview")).with!.upsert = true;
      assert.deepEqual(stackCreatingSteps(w), ["preview: pulumi preview"]);
    });
  });

  describe("the gate comes from the base branch", () => {
    const preview = (): Job => copyOf("preview.yml").jobs.preview;

    it("enforces the base branch's pack, checked out apart and installed before any pull request code runs", () => {
      assert.deepEqual(basePackGateProblems(workflow("preview.yml").jobs.preview), []);
    });

    it("catches a gate that enforces the pull request's own pack", () => {
      const job = preview();
      (job.steps ?? []).find(byId("preview"))!.with!.policyPacks = "policy";
      assert.deepEqual(basePackGateProblems(job), [
        'the first preview enforces ["policy"], not .policy-base/policy alone',
      ]);
    });

    it("catches a 'base' checkout of the pull request's head", () => {
      const job = preview();
      const base = (job.steps ?? []).find((step) => step.with?.path === ".policy-base")!;
      base.with!.ref = "${{ github.event.pull_request.head.sha }}";
      assert.deepEqual(basePackGateProblems(job), ["no checkout of github.event.pull_request.base.sha"]);
    });

    it("catches a gate that may fail without failing the check", () => {
      const job = preview();
      (job.steps ?? []).find(byId("preview"))!["continue-on-error"] = true;
      assert.deepEqual(basePackGateProblems(job), [
        "the gate preview is conditional or may fail without failing the job",
      ]);
    });

    it("catches install scripts of the pull request running before the gate", () => {
      const job = preview();
      (job.steps ?? []).find((step) => step.name === "Install the pull request's program")!.run = "npm ci";
      assert.deepEqual(basePackGateProblems(job), [
        "Install the pull request's program runs install scripts before the gate",
      ]);
    });

    it("catches the pull request's pack run in place of the gate whether or not policy/ changed", () => {
      const job = preview();
      delete (job.steps ?? []).find(byId("preview-pr-pack"))!.if;
      assert.deepEqual(basePackGateProblems(job), [
        "pulumi preview with this pull request's policy pack runs without the base pack whether or not policy/ changed",
      ]);
    });

    describe("the comparison of policy/ that decides whether the pull request's pack runs too", () => {
      let dir: string;
      const git = (cwd: string, ...args: string[]) =>
        execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
          cwd,
          stdio: "pipe",
        });
      const commit = (cwd: string, files: Record<string, string>) => {
        for (const [path, text] of Object.entries(files)) {
          mkdirSync(join(cwd, path, ".."), { recursive: true });
          writeFileSync(join(cwd, path), text);
        }
        git(cwd, "add", ...Object.keys(files));
        git(cwd, "commit", "-q", "-m", "change");
      };
      const changed = (): string => {
        const step = stepOf(workflow("preview.yml"), "preview", byId("policy"));
        const output = join(dir, "output");
        writeFileSync(output, "");
        execFileSync("bash", ["-e", "-c", step.run!], {
          cwd: dir,
          env: { ...process.env, GITHUB_OUTPUT: output },
        });
        return readFileSync(output, "utf8");
      };

      // GIVEN a pull request checkout with the base branch's checkout inside it, as the workflow lays them out
      before(() => {
        dir = mkdtempSync(join(tmpdir(), "policy-diff-"));
        const base = join(dir, ".policy-base");
        mkdirSync(base);
        git(base, "init", "-q");
        commit(base, { "policy/index.ts": "export {};\n", "README.md": "base\n" });
        git(dir, "init", "-q");
        commit(dir, { "policy/index.ts": "export {};\n", "README.md": "pull request\n" });
      });
      after(() => rmSync(dir, { recursive: true, force: true }));

      it("says unchanged when only files outside policy/ differ", () => {
        assert.equal(changed(), "changed=false\n");
      });

      it("says changed when the pull request edits a file in policy/", () => {
        commit(dir, { "policy/index.ts": "export const weaker = true;\n" });
        assert.equal(changed(), "changed=true\n");
      });
    });
  });

  describe("least privilege", () => {
    for (const { file, workflow: w } of workflowFiles) {
      it(`${file}: grants nothing by default and each job exactly the token scopes its steps need`, () => {
        assert.deepEqual(permissionsNotMinimal(w), []);
      });
    }

    it("catches a scope that no step needs", () => {
      const w = copyOf("deploy.yml");
      w.jobs.test.permissions = { contents: "write" };
      assert.deepEqual(permissionsNotMinimal(w), ["test: contents is write, its steps need read"]);
    });

    it("catches id-token: write missing from a job that exchanges OIDC tokens", () => {
      const w = copyOf("policy.yml");
      w.jobs.publish.permissions = { contents: "read" };
      assert.deepEqual(permissionsNotMinimal(w), ["publish: id-token is none, its steps need write"]);
    });

    it("catches pull-requests: write on a job that does not comment", () => {
      const w = copyOf("deploy.yml");
      w.jobs["deploy-dev"].permissions = { contents: "read", "id-token": "write", "pull-requests": "write" };
      assert.deepEqual(permissionsNotMinimal(w), ["deploy-dev: pull-requests is write, its steps need none"]);
    });

    it("catches a workflow-level grant and an action whose needs it does not know", () => {
      const w = copyOf("policy.yml");
      w.permissions = { contents: "read" };
      (w.jobs.test.steps ?? []).push({ uses: "someone/else@0000000000000000000000000000000000000000" });
      assert.deepEqual(permissionsNotMinimal(w), [
        "workflow: permissions must be {}",
        "test: no known permissions for someone/else@0000000000000000000000000000000000000000",
      ]);
    });

    for (const { file, workflow: w } of workflowFiles) {
      it(`${file}: stops every job that can mint OIDC tokens within an hour`, () => {
        assert.deepEqual(unboundedTokenJobs(w, 60), []);
      });
    }

    it("catches a preview job left to the six-hour default", () => {
      const w = copyOf("preview.yml");
      delete w.jobs.preview["timeout-minutes"];
      assert.deepEqual(unboundedTokenJobs(w, 60), ["preview: timeout-minutes unset"]);
    });

    for (const { file, workflow: w } of workflowFiles) {
      it(`${file}: keeps every checkout's token out of .git/config`, () => {
        assert.deepEqual(checkoutsKeepingCredentials(w), []);
      });
    }

    it("catches a checkout that persists its credentials", () => {
      const w = copyOf("preview.yml");
      delete stepOf(w, "preview", (step) => step.with?.path === ".policy-base").with!["persist-credentials"];
      assert.deepEqual(checkoutsKeepingCredentials(w), ["preview: Check out the base branch's policy pack"]);
    });

    for (const { file, workflow: w } of workflowFiles) {
      it(`${file}: passes values to scripts through env, never as \${{ }} inside run`, () => {
        assert.deepEqual(expressionsInScripts(w), []);
      });
    }

    it("catches a pull request title pasted into a script", () => {
      const w = copyOf("preview.yml");
      (w.jobs.test.steps ?? []).push({ name: "Echo", run: 'echo "${{ github.event.pull_request.title }}"' });
      assert.deepEqual(expressionsInScripts(w), ["test: Echo"]);
    });
  });

  describe("pinned actions", () => {
    for (const { file, source } of workflowFiles) {
      it(`${file}: pins every action to a verified 40-character commit with its tag in a comment`, () => {
        assert.deepEqual(unpinnedActions(source), []);
      });
    }

    it("catches a tag, a short SHA, a wrong tag comment and an unverified commit", () => {
      const { sha } = verifiedPins["actions/checkout"];
      const lines = [
        "      - uses: actions/checkout@v7.0.1",
        `      - uses: actions/checkout@${sha.slice(0, 7)} # v7.0.1`,
        `      - uses: actions/checkout@${sha} # v7.0.0`,
        "      - uses: actions/checkout@0123456789abcdef0123456789abcdef01234567 # v7.0.1",
        `      - uses: actions/checkout@${sha}`,
      ];
      assert.deepEqual(
        unpinnedActions(lines.join("\n")),
        lines.map((line) => line.trim()),
      );
    });
  });

  describe("CODEOWNERS", () => {
    const platformTeam = "@example-org/platform-team";
    const codeowners = readFileSync(join(root, ".github", "CODEOWNERS"), "utf8");
    const guarded = [
      "policy/index.ts",
      "policy/policies/x.ts",
      ".github/workflows/preview.yml",
      ".github/CODEOWNERS",
    ];
    const unowned = (text: string) =>
      guarded.filter(
        (path) => JSON.stringify(ownersOf(parseCodeowners(text), path)) !== JSON.stringify([platformTeam]),
      );

    it("makes the platform team the owner of policy/ and .github/, CODEOWNERS included", () => {
      assert.deepEqual(unowned(codeowners), []);
    });

    it("catches a later line that hands the pack's TypeScript to someone else, as the last match wins", () => {
      assert.deepEqual(unowned(`${codeowners}\n*.ts @example-org/app-team\n`), [
        "policy/index.ts",
        "policy/policies/x.ts",
      ]);
    });

    it("catches a CODEOWNERS without the .github/ line", () => {
      const without = codeowners
        .split("\n")
        .filter((line) => !line.startsWith("/.github/"))
        .join("\n");
      assert.deepEqual(unowned(without), [".github/workflows/preview.yml", ".github/CODEOWNERS"]);
    });

    it("does not let a pattern for a file elsewhere own a path under policy/", () => {
      assert.deepEqual(ownersOf(parseCodeowners("/docs/policy/ @x\npolicy.md @y"), "policy/index.ts"), []);
    });
  });
});

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { projectPluginProblems } from "../../.github/scripts/refuse-project-plugins";
import { ownersOf, parseCodeowners } from "./codeowners";
import {
  basePackGateProblems,
  checkoutsKeepingCredentials,
  credentialsOutlivingPullRequestJobs,
  expressionsInScripts,
  installScriptsWhereTokensCanBeMinted,
  permissionsNotMinimal,
  privilegedPullRequestTriggers,
  projectPluginRefusalProblems,
  pulumiStepsWithoutOidc,
  pulumiTokenRequests,
  secretsInPullRequestJobs,
  sharedOidcSubjects,
  stackCreatingSteps,
  unboundedTokenJobs,
  unpinnedActions,
  verifiedPins,
  writeTokensWherePullRequestCodeRuns,
} from "./rules";
import {
  action,
  copyOf,
  needsOf,
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
        'the first preview enforces ["policy"], not ../base/policy alone',
      ]);
    });

    it("catches a 'base' checkout of the pull request's head", () => {
      const job = preview();
      const base = (job.steps ?? []).find((step) => step.with?.path === "base")!;
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

    it("catches the base branch checked out inside the pull request's tree, where its workspaces reach", () => {
      const job = preview();
      const steps = job.steps ?? [];
      delete steps.find((step) => step.name === "Check out the pull request")!.with!.path;
      for (const step of steps) {
        if (step.with?.path === "base") step.with.path = ".policy-base";
        if (step["working-directory"] === "base") step["working-directory"] = ".policy-base";
        if (step["working-directory"] === "pr") delete step["working-directory"];
        if (step.with?.["work-dir"] === "pr") step.with["work-dir"] = ".";
        if (step.with?.policyPacks === "../base/policy") step.with.policyPacks = ".policy-base/policy";
      }
      assert.deepEqual(basePackGateProblems(job), [
        "the base branch is checked out inside the pull request's tree (.)",
      ]);
    });

    it("catches a base install that lets npm look for a workspace root above the base checkout", () => {
      const job = preview();
      (job.steps ?? []).find((step) => step.name === "Install the base branch's policy pack")!.run =
        "npm ci --ignore-scripts";
      assert.deepEqual(basePackGateProblems(job), [
        "the base pack's install looks for a workspace root above it (no --workspaces=false)",
      ]);
    });

    it("catches the pull request's install moved after the base pack's, where its workspaces can rewrite it", () => {
      const job = preview();
      const steps = job.steps ?? [];
      const index = steps.findIndex((step) => step.name === "Install the pull request's program");
      const [install] = steps.splice(index, 1);
      steps.splice(steps.findIndex(byId("policy")), 0, install);
      assert.deepEqual(basePackGateProblems(job), [
        "Install the pull request's program runs npm on the pull request after the base pack is installed",
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
      const job = () => workflow("preview.yml").jobs.preview;
      const checkoutPath = (predicate: (step: Step) => boolean) =>
        String(stepOf(copyOf("preview.yml"), "preview", predicate).with?.path ?? ".");
      const pullRequest = () =>
        join(
          dir,
          checkoutPath((step) => step.name === "Check out the pull request"),
        );
      const changed = (): string => {
        const step = (job().steps ?? []).find(byId("policy"))!;
        const output = join(dir, "output");
        writeFileSync(output, "");
        execFileSync("bash", ["-e", "-c", step.run!], {
          cwd: join(dir, step["working-directory"] ?? "."),
          env: { ...process.env, GITHUB_OUTPUT: output },
        });
        return readFileSync(output, "utf8");
      };

      // GIVEN the pull request's and the base branch's checkouts, where the workflow lays them out
      before(() => {
        dir = mkdtempSync(join(tmpdir(), "policy-diff-"));
        const base = join(
          dir,
          checkoutPath((step) => step.with?.path === "base"),
        );
        for (const [tree, readme] of [
          [base, "base\n"],
          [pullRequest(), "pull request\n"],
        ]) {
          mkdirSync(tree, { recursive: true });
          git(tree, "init", "-q");
          commit(tree, { "policy/index.ts": "export {};\n", "README.md": readme });
        }
      });
      after(() => rmSync(dir, { recursive: true, force: true }));

      it("says unchanged when only files outside policy/ differ", () => {
        assert.equal(changed(), "changed=false\n");
      });

      it("says changed when the pull request edits a file in policy/", () => {
        commit(pullRequest(), { "policy/index.ts": "export const weaker = true;\n" });
        assert.equal(changed(), "changed=true\n");
      });
    });
  });

  describe("a Pulumi.yaml that declares plugins is refused before the gate", () => {
    const preview = (): Job => copyOf("preview.yml").jobs.preview;
    let dir: string;
    const project = (text: string, name = "Pulumi.yaml"): string[] => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, name), text);
      return projectPluginProblems(dir);
    };
    before(() => {
      dir = join(mkdtempSync(join(tmpdir(), "project-plugins-")), "pr");
    });
    after(() => rmSync(join(dir, ".."), { recursive: true, force: true }));

    it("runs the base branch's check on the previewed folder before any Pulumi step", () => {
      assert.deepEqual(projectPluginRefusalProblems(workflow("preview.yml").jobs.preview), []);
    });

    it("passes this repository's Pulumi.yaml", () => {
      assert.deepEqual(projectPluginProblems(root), []);
    });

    it("refuses an analyzer named policy with a path, which replaces the program that runs every pack", () => {
      const text = [
        "name: x",
        "runtime: nodejs",
        "plugins:",
        "  analyzers:",
        "    - name: policy",
        "      path: ./x",
        "",
      ];
      assert.deepEqual(project(text.join("\n")), [
        'Pulumi.yaml declares "plugins": project plugins replace the policy analyzer',
      ]);
    });

    it("refuses plugins however the YAML spells them: flow style, a merge key, another case, Pulumi.yml", () => {
      assert.equal(project('{name: x, runtime: nodejs, "plugins": {providers: []}}').length, 1);
      assert.equal(project("a: &p\n  plugins: {}\nname: x\n<<: *p\n").length, 1);
      assert.equal(project("name: x\nPlugins:\n  analyzers: []\n").length, 1);
      assert.equal(project("name: x\npluginſ: {}\n").length, 1);
      assert.equal(project("name: x\nplugins: {}\n", "Pulumi.yml").length, 1);
    });

    it("refuses a project file it cannot read, or a folder without one", () => {
      assert.match(project("name: x\nname: y\n")[0], /^Pulumi\.yaml cannot be read/);
      assert.match(project("- a list\n")[0], /is not a mapping/);
      assert.match(project("name: x\n", "README.md")[0], /^no Pulumi\.yaml/);
    });

    it("catches a preview without the check, and a check run from the pull request's own copy", () => {
      const without = preview();
      without.steps = (without.steps ?? []).filter((step) => !/refuse-project-plugins/.test(step.run ?? ""));
      assert.deepEqual(projectPluginRefusalProblems(without), [
        "no step refuses a Pulumi.yaml that declares plugins before the first Pulumi step",
      ]);
      const fromPullRequest = preview();
      const check = (fromPullRequest.steps ?? []).find((step) =>
        /refuse-project-plugins/.test(step.run ?? ""),
      )!;
      check["working-directory"] = "pr";
      check.run = "node -r sucrase/register/ts .github/scripts/refuse-project-plugins.ts .";
      assert.deepEqual(projectPluginRefusalProblems(fromPullRequest), [
        "the check runs in pr, not the base checkout base",
      ]);
    });

    it("catches a base checkout that leaves the check out", () => {
      const job = preview();
      (job.steps ?? []).find((step) => step.with?.path === "base")!.with!["sparse-checkout"] = "policy";
      assert.deepEqual(projectPluginRefusalProblems(job), [
        "the base checkout leaves out .github/scripts/refuse-project-plugins.ts",
      ]);
    });
  });

  describe("no write token where pull request code runs", () => {
    for (const { file, workflow: w } of workflowFiles) {
      it(`${file}: gives no write scope to a job that checks out the pull request`, () => {
        assert.deepEqual(writeTokensWherePullRequestCodeRuns(w), []);
      });
    }

    it("catches the preview job commenting itself, as it did", () => {
      const w = copyOf("preview.yml");
      w.jobs.preview.permissions = { contents: "read", "id-token": "write", "pull-requests": "write" };
      assert.deepEqual(writeTokensWherePullRequestCodeRuns(w), [
        "preview: pull-requests: write where the pull request's code runs",
      ]);
    });

    it("catches a checkout added to the comment job, which holds the write scope", () => {
      const w = copyOf("preview.yml");
      (w.jobs.comment.steps ?? []).unshift({
        uses: `actions/checkout@${verifiedPins["actions/checkout"].sha}`,
      });
      assert.deepEqual(writeTokensWherePullRequestCodeRuns(w), [
        "comment: pull-requests: write where the pull request's code runs",
      ]);
    });

    it("comments from a job that needs the previews and whose one step is the comment", () => {
      const comment = workflow("preview.yml").jobs.comment;
      assert.deepEqual(needsOf(comment), ["preview"]);
      assert.equal(comment.steps?.length, 1);
      assert.equal(comment.steps[0].uses, undefined);
      assert.match(comment.steps[0].run ?? "", /\bgh pr comment\b/);
    });
  });

  describe("OIDC subjects and token lifetimes", () => {
    it("gives every job (and matrix leg) that can mint ID tokens a subject no other job presents", () => {
      assert.deepEqual(sharedOidcSubjects(workflowFiles), []);
    });

    it("catches the previews sharing the pull_request subject and deploy-dev sharing main's with publishing", () => {
      const preview = copyOf("preview.yml");
      delete preview.jobs.preview.environment;
      const deploy = copyOf("deploy.yml");
      delete deploy.jobs["deploy-dev"].environment;
      assert.deepEqual(
        sharedOidcSubjects([
          { file: "preview.yml", workflow: preview },
          { file: "deploy.yml", workflow: deploy },
          { file: "policy.yml", workflow: workflow("policy.yml") },
        ]),
        [
          "pull_request: preview.yml preview (dev), preview.yml preview (prod)",
          "ref:refs/heads/main: deploy.yml deploy-dev, policy.yml publish",
        ],
      );
    });

    for (const { file, workflow: w } of workflowFiles) {
      it(`${file}: asks for Pulumi tokens and AWS sessions in pull request jobs that end with the job`, () => {
        assert.deepEqual(credentialsOutlivingPullRequestJobs(w), []);
      });
    }

    it("catches a preview token and a preview AWS session left to their defaults", () => {
      const w = copyOf("preview.yml");
      delete stepOf(w, "preview", byAction("pulumi/auth-actions")).with!["token-expiration"];
      stepOf(w, "preview", byAction("aws-actions/configure-aws-credentials")).with!["role-duration-seconds"] =
        3600;
      assert.deepEqual(credentialsOutlivingPullRequestJobs(w), [
        "preview: aws-actions/configure-aws-credentials role-duration-seconds 3600, the job 1800 s",
        "preview: pulumi/auth-actions token-expiration unset, the job 1800 s",
      ]);
    });

    for (const { file, workflow: w } of workflowFiles) {
      it(`${file}: installs without lifecycle scripts wherever ID tokens can be minted`, () => {
        assert.deepEqual(installScriptsWhereTokensCanBeMinted(w), []);
      });
    }

    it("catches a deploy job that runs install scripts, as it did", () => {
      const w = copyOf("deploy.yml");
      stepOf(w, "deploy-prod", (step) => /^npm ci/.test(step.run ?? "")).run = "npm ci";
      assert.deepEqual(installScriptsWhereTokensCanBeMinted(w), ["deploy-prod: npm ci"]);
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
      delete stepOf(w, "preview", (step) => step.with?.path === "base").with!["persist-credentials"];
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

  describe("Pulumi Cloud's OIDC policies in docs/pipeline.md", () => {
    // Pulumi's claim wildcards, as docs/pipeline.md gives them: `*` any run of characters, `?` and `.` any one.
    const matches = (pattern: string, value: string) =>
      new RegExp(
        `^${pattern
          .split("")
          .map((c) =>
            c === "*" ? ".*" : c === "?" || c === "." ? "." : c.replace(/[+^${}()|[\]\\]/g, "\\$&"),
          )
          .join("")}$`,
      ).test(value);
    const repository = "acme/infra.pulumi";
    const filled = (text: string) =>
      text
        .replaceAll("OWNER/REPO", repository)
        .replaceAll("REPOSITORY_ID", "5001")
        .replaceAll("OWNER_ID", "42")
        .replaceAll("<org>", "acme");
    const pairs = (text: string) =>
      Object.fromEntries([...text.matchAll(/`(\w+)` = `([^`]+)`/g)].map((m) => [m[1], filled(m[2])]));

    /** Each team's claim rules: the ones every policy checks, then its row's `sub` and further claims. */
    const policies = (): Record<string, Record<string, string>> => {
      const docs = readFileSync(join(root, "docs", "pipeline.md"), "utf8");
      const section = docs.slice(
        docs.indexOf("**One allow policy per team**"),
        docs.indexOf("5. **Set the variables**"),
      );
      const common = pairs(section.slice(0, section.indexOf("| Team")));
      const rows = [...section.matchAll(/^\s*\| `(PULUMI_\w+)`\s*\| `([^`]+)`\s*\|(.*)\|\s*$/gm)];
      assert.equal(rows.length, 4, "the table of policies has changed shape");
      return Object.fromEntries(
        rows.map(([, team, sub, rest]) => [team, { ...common, sub: filled(sub), ...pairs(rest) }]),
      );
    };
    const admits = (rules: Record<string, string>, claims: Record<string, string>) =>
      Object.entries(rules).every(
        ([claim, pattern]) => claims[claim] !== undefined && matches(pattern, claims[claim]),
      );

    // What GitHub puts in each job's ID token (docs: "Understanding the OIDC token").
    const token = (workflowFile: string, subject: string, ref: string, extra: Record<string, string>) => ({
      aud: "urn:pulumi:org:acme",
      repository,
      repository_id: "5001",
      repository_owner_id: "42",
      sub: `repo:${repository}:${subject}`,
      ref,
      workflow_ref: `${repository}/.github/workflows/${workflowFile}@${ref}`,
      ...extra,
    });
    const tokens: Record<string, Record<string, string>> = {
      PULUMI_PREVIEW_TEAM: token("preview.yml", "environment:preview-prod", "refs/pull/7/merge", {
        event_name: "pull_request",
        environment: "preview-prod",
      }),
      PULUMI_DEPLOY_TEAM_DEV: token("deploy.yml", "environment:dev", "refs/heads/main", {
        event_name: "push",
        environment: "dev",
      }),
      PULUMI_DEPLOY_TEAM_PROD: token("deploy.yml", "environment:production", "refs/heads/main", {
        event_name: "push",
        environment: "production",
      }),
      PULUMI_POLICY_TEAM: token("policy.yml", "ref:refs/heads/main", "refs/heads/main", {
        event_name: "push",
      }),
    };

    it("admits each team's own job and no other: a pull request gets no deploy token, publishing no dev one", () => {
      const admitted = Object.fromEntries(
        Object.entries(policies()).map(([team, rules]) => [
          team,
          Object.keys(tokens).filter((job) => admits(rules, tokens[job])),
        ]),
      );
      assert.deepEqual(admitted, Object.fromEntries(Object.keys(tokens).map((team) => [team, [team]])));
    });

    it("admits no job of a look-alike repository whose name differs where the real one has a dot", () => {
      const lookAlike = (claims: Record<string, string>): Record<string, string> => ({
        ...JSON.parse(JSON.stringify(claims).replaceAll(repository, "acme/infra-pulumi")),
        repository_id: "6002",
      });
      const admitted = Object.entries(policies()).flatMap(([team, rules]) =>
        Object.values(tokens)
          .filter((claims) => admits(rules, lookAlike(claims)))
          .map((claims) => `${team} admits ${lookAlike(claims).sub}`),
      );
      assert.deepEqual(admitted, []);
    });
  });

  describe("docs/pipeline.md on what only settings can close", () => {
    const docs = () => readFileSync(join(root, "docs", "pipeline.md"), "utf8").replace(/\s+/g, " ");

    it("requires branches to be up to date and the gate's workflow from the default branch", () => {
      assert.match(docs(), /require branches to be up to date before merging/i);
      assert.match(
        docs(),
        /Require workflows to pass before merging_?\)? with `\.github\/workflows\/preview\.yml`[^.]*from the default branch/,
      );
    });

    it("skips no job of preview.yml for Dependabot, as a skipped required check counts as passed", () => {
      for (const [id, job] of Object.entries(workflow("preview.yml").jobs)) {
        assert.doesNotMatch(job.if ?? "", /dependabot/i, id);
      }
    });

    it("says Dependabot's pull requests get id-token: write and previews run for them, read-only", () => {
      assert.doesNotMatch(docs(), /Dependabot pull requests run like fork pull requests/);
      assert.match(docs(), /Dependabot[^.]*honour `permissions:`[^.]*`id-token: write`/);
      assert.match(docs(), /previews run for Dependabot, read-only/);
    });

    it("never advises dropping a stack from the preview matrix, which npm test forbids", () => {
      assert.doesNotMatch(docs(), /drop `prod` from the preview matrix/);
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

    // Every other file that decides what the gate runs: npm's inputs for the pack's dependencies (policy/ is a
    // workspace of the root, whose overrides beat the pack's pins), the compiler's, the CLI's project and stack files.
    const gateInputs = [
      "package.json",
      "package-lock.json",
      "npm-shrinkwrap.json",
      ".npmrc",
      "policy/.npmrc",
      "tsconfig.json",
      "Pulumi.yaml",
      "Pulumi.yml",
      "Pulumi.json",
      "Pulumi.dev.yaml",
      "Pulumi.prod.yaml",
      "Pulumi.staging.yml",
      "test/pipeline/rules.ts",
    ];
    const unownedInputs = (text: string) =>
      gateInputs.filter(
        (path) => JSON.stringify(ownersOf(parseCodeowners(text), path)) !== JSON.stringify([platformTeam]),
      );

    it("makes the platform team the owner of every file that decides what the gate runs", () => {
      assert.deepEqual(unownedInputs(codeowners), []);
    });

    it("catches a root package.json left to anyone, whose overrides would pick the deploy pack's @pulumi/policy", () => {
      const rootManifests = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
        workspaces?: string[];
      };
      assert.ok(rootManifests.workspaces?.includes("policy"), "policy/ is no longer a workspace of the root");
      const without = codeowners
        .split("\n")
        .filter((line) => !line.startsWith("/package.json "))
        .join("\n");
      assert.deepEqual(unownedInputs(without), ["package.json"]);
    });

    it("lists every code-owned path in docs/pipeline.md", () => {
      const docs = readFileSync(join(root, "docs", "pipeline.md"), "utf8");
      const patterns = parseCodeowners(codeowners).map((rule) => rule.pattern);
      assert.ok(patterns.length >= gateInputs.length / 2);
      assert.deepEqual(
        patterns.filter((pattern) => !docs.includes(`\`${pattern}\``)),
        [],
      );
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

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { validateWorkflow, type ValidationState } from "@action-validator/core";

import {
  action,
  needsOf,
  pulumiCommand,
  root,
  stepsUsing,
  workflow,
  workflowFiles,
  type Job,
  type Step,
} from "./workflows";

// The delivery pipeline as the spec in docs/pipeline.md describes it. The workflows are read as data: schema
// checked by the same validator the action-validator CLI uses, then the properties that matter asserted on.
// The trust rules (secrets, OIDC, the policy gate, permissions, pins, CODEOWNERS) are in trust.test.ts.

const allJobs = workflowFiles.flatMap(({ file, workflow: w }) =>
  Object.entries(w.jobs).map(([id, job]) => ({ file, id, job, steps: job.steps ?? [] })),
);

/** Jobs that check out the repository and so run its code; the comment job, for one, runs none. */
const codeJobs = allJobs.filter(({ steps }) => steps.some((step) => action(step) === "actions/checkout"));

const allSteps = allJobs.flatMap(({ file, id, steps }) => steps.map((step) => ({ file, job: id, step })));

const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Every stack with a `Pulumi.<stack>.yaml` at the repository root, sorted. */
const stackFiles = readdirSync(root)
  .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
  .filter((stack): stack is string => stack !== undefined)
  .sort();

/** Runs the validator with its "glob validation is not yet supported" notice kept out of the test output. */
function validate(source: string): ValidationState {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes("Glob validation is not yet supported")) warn(...args);
  };
  try {
    return validateWorkflow(source);
  } finally {
    console.warn = warn;
  }
}

/** The `pulumi up` jobs of deploy.yml with the stack each one deploys. */
function deployJobs(): { id: string; job: Job; stack: string; up: Step }[] {
  return Object.entries(workflow("deploy.yml").jobs).flatMap(([id, job]) => {
    const up = (job.steps ?? []).find((step) => pulumiCommand(step) === "up");
    if (!up) return [];
    const stackName = String(up.with?.["stack-name"]).replace("${{ vars.PULUMI_ORG }}/", "");
    const stack = stackName === "${{ env.STACK }}" ? job.env?.STACK : stackName;
    assert.ok(stack, `${id} deploys a stack that its env does not name`);
    return [{ id, job, stack, up }];
  });
}

describe("delivery pipeline", () => {
  describe("every workflow", () => {
    it("finds the preview, deploy and policy workflows", () => {
      assert.deepEqual(
        workflowFiles.map((w) => w.file),
        ["deploy.yml", "policy.yml", "preview.yml"],
      );
    });

    for (const { file, source } of workflowFiles) {
      it(`${file} passes the GitHub workflow schema check of @action-validator/core`, () => {
        assert.deepEqual(validate(source).errors, []);
      });
    }

    it("fails the schema check for a job with a misspelt key, so the check above can fail", () => {
      const broken = [
        "on: push",
        "jobs:",
        "  test:",
        "    runs-on: ubuntu-latest",
        "    stepz:",
        "      - run: npm test",
        "",
      ];
      const { errors } = validate(broken.join("\n"));
      assert.ok(errors.length > 0, "the validator accepted `stepz`");
      assert.match(JSON.stringify(errors), /stepz/);
    });

    it("fails the schema check for a job that needs an unknown job", () => {
      const broken = [
        "on: push",
        "jobs:",
        "  deploy:",
        "    needs: tset",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - run: true",
        "",
      ];
      assert.match(JSON.stringify(validate(broken.join("\n")).errors), /unresolved job tset/);
    });

    it("uses one version of each action across all workflows", () => {
      const refs = new Map<string, Set<string>>();
      for (const { step } of allSteps) {
        const name = action(step);
        if (name === undefined || name.startsWith("./")) continue;
        refs.set(name, (refs.get(name) ?? new Set()).add(step.uses!));
      }
      const drifting = [...refs].filter(([, uses]) => uses.size > 1).map(([name, uses]) => [name, [...uses]]);
      assert.deepEqual(drifting, []);
    });

    it("assumes AWS roles through OIDC, never with stored access keys", () => {
      const credentials = allSteps.filter(
        ({ step }) => action(step) === "aws-actions/configure-aws-credentials",
      );
      assert.ok(credentials.length > 0);
      for (const { file, job, step } of credentials) {
        assert.ok(step.with?.["role-to-assume"], `${file} ${job} assumes no role`);
        assert.equal(step.with?.["aws-access-key-id"], undefined, `${file} ${job}`);
        assert.equal(step.with?.["aws-secret-access-key"], undefined, `${file} ${job}`);
      }
      for (const { file, source } of workflowFiles) {
        assert.doesNotMatch(source, /AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)/, file);
      }
    });

    it("sets up the Node version of the `node` devDependency in every job that checks out the repository", () => {
      const expected = packageJson.devDependencies.node;
      for (const { file, id, steps } of codeJobs) {
        const setups = stepsUsing(steps, "actions/setup-node");
        assert.equal(setups.length, 1, `${file} ${id} sets up Node ${setups.length} times`);
        assert.equal(setups[0].with?.["node-version"], expected, `${file} ${id}`);
      }
    });

    it("installs with npm ci in every job that checks out the repository, after checkout and Node set-up", () => {
      assert.ok(codeJobs.length >= allJobs.length - 1, "only the comment job may run without a checkout");
      for (const { file, id, steps } of codeJobs) {
        const install = steps.findIndex((step) =>
          /^npm ci( --ignore-scripts)?( --workspaces=false)?$/.test(step.run ?? ""),
        );
        assert.ok(install >= 0, `${file} ${id} does not run npm ci`);
        assert.ok(
          install > steps.findIndex((step) => action(step) === "actions/setup-node"),
          `${file} ${id}`,
        );
        assert.equal(action(steps[0]), "actions/checkout", `${file} ${id} does not start with a checkout`);
      }
    });

    it("runs npm test in a job that every other job of its workflow waits for", () => {
      for (const { file, workflow: w } of workflowFiles) {
        const testJobs = Object.entries(w.jobs).filter(([, job]) =>
          (job.steps ?? []).some((s) => s.run === "npm test"),
        );
        assert.deepEqual(
          testJobs.map(([id]) => id),
          ["test"],
          `${file} must run npm test in exactly one job, named test`,
        );
        const waitsForTest = (id: string): boolean =>
          id === "test" || needsOf(w.jobs[id]).some((need) => waitsForTest(need));
        for (const id of Object.keys(w.jobs)) {
          assert.ok(waitsForTest(id), `${file} ${id} can run before the tests pass`);
        }
      }
    });

    it("installs the Pulumi CLI release of the @pulumi/pulumi SDK the program uses", () => {
      const pulumiSteps = allSteps.filter(({ step }) => action(step) === "pulumi/actions");
      assert.ok(pulumiSteps.length > 0);
      for (const { file, job, step } of pulumiSteps) {
        assert.equal(
          step.with?.["pulumi-version"],
          packageJson.dependencies["@pulumi/pulumi"],
          `${file} ${job}`,
        );
      }
    });

    it("passes the Pulumi backend from vars.PULUMI_BACKEND_URL to every Pulumi command and token exchange", () => {
      const steps = allSteps.filter(
        ({ step }) => pulumiCommand(step) !== undefined || action(step) === "pulumi/auth-actions",
      );
      assert.ok(steps.length > 0);
      for (const { file, job, step } of steps) {
        assert.equal(step.with?.["cloud-url"], "${{ vars.PULUMI_BACKEND_URL }}", `${file} ${job}`);
      }
    });

    it("names every stack with the organization in vars.PULUMI_ORG, which a team token needs", () => {
      for (const { file, job, step } of allSteps.filter(({ step }) => pulumiCommand(step) !== undefined)) {
        assert.match(String(step.with?.["stack-name"]), /^\$\{\{ vars\.PULUMI_ORG \}\}\//, `${file} ${job}`);
      }
    });
  });

  describe("preview.yml", () => {
    const preview = () => workflow("preview.yml");
    const previewJob = () => preview().jobs.preview;
    const previewStep = () => {
      const steps = (previewJob().steps ?? []).filter((step) => pulumiCommand(step) === "preview");
      assert.ok(steps.length > 0, "no pulumi preview step");
      return steps[0];
    };

    it("runs for pull requests to main", () => {
      assert.deepEqual(preview().on.pull_request?.branches, ["main"]);
    });

    it("previews exactly the stacks that have a Pulumi.<stack>.yaml at the repository root", () => {
      const matrix = previewJob().strategy?.matrix?.stack as string[];
      assert.ok(stackFiles.length > 0, "no Pulumi.<stack>.yaml found");
      assert.deepEqual([...matrix].sort(), stackFiles);
    });

    it("previews each matrix stack with the base branch's policy pack enforced", () => {
      assert.equal(previewStep().with?.["stack-name"], "${{ vars.PULUMI_ORG }}/${{ matrix.stack }}");
      assert.equal(previewStep().with?.policyPacks, "../base/policy");
    });

    it("keeps previewing the other stacks when one stack fails", () => {
      assert.equal((previewJob().strategy as { "fail-fast"?: boolean })["fail-fast"], false);
    });

    it("comments the previews' result on the pull request, whether they passed or failed", () => {
      const comment = preview().jobs.comment;
      assert.equal(comment.if, "${{ !cancelled() && needs.preview.result != 'skipped' }}");
      assert.match(comment.steps?.[0].run ?? "", /gh pr comment "\$PR_NUMBER"/);
      assert.equal(comment.steps?.[0].env?.RESULT, "${{ needs.preview.result }}");
    });

    it("puts each preview's changes in its job's summary", () => {
      for (const step of (previewJob().steps ?? []).filter((s) => pulumiCommand(s) === "preview")) {
        assert.equal(step.with?.["comment-on-summary"], true, step.name);
        assert.equal(step.with?.["comment-on-pr"], undefined, step.name);
      }
    });

    it("assumes the preview role of the stack it previews", () => {
      const [credentials] = stepsUsing(previewJob().steps ?? [], "aws-actions/configure-aws-credentials");
      assert.equal(
        credentials.with?.["role-to-assume"],
        "${{ vars[format('AWS_PREVIEW_ROLE_ARN_{0}', matrix.stack)] }}",
      );
    });
  });

  describe("deploy.yml", () => {
    const deploy = () => workflow("deploy.yml");
    const jobFor = (stack: string) => {
      const found = deployJobs().find((d) => d.stack === stack);
      assert.ok(found, `no job deploys ${stack}`);
      return found;
    };

    it("runs for pushes to main", () => {
      assert.deepEqual(deploy().on.push?.branches, ["main"]);
      assert.equal(deploy().on.pull_request, undefined);
    });

    it("deploys every stack with a Pulumi.<stack>.yaml exactly once", () => {
      assert.deepEqual(
        deployJobs()
          .map((d) => d.stack)
          .sort(),
        stackFiles,
      );
    });

    it("runs pulumi up with the policy pack from policy/ enforced", () => {
      for (const { id, up } of deployJobs()) {
        assert.equal(up.with?.policyPacks, "policy", id);
      }
    });

    it("assumes the deploy role named after the stack, AWS_ROLE_ARN_<STACK>", () => {
      for (const { id, job, stack } of deployJobs()) {
        const [credentials] = stepsUsing(job.steps ?? [], "aws-actions/configure-aws-credentials");
        assert.equal(
          credentials.with?.["role-to-assume"],
          `\${{ vars.AWS_ROLE_ARN_${stack.toUpperCase()} }}`,
          id,
        );
      }
    });

    it("deploys dev after the tests and prod after dev", () => {
      assert.deepEqual(needsOf(jobFor("dev").job), ["test"]);
      assert.deepEqual(needsOf(jobFor("prod").job), [jobFor("dev").id]);
    });

    it("deploys prod only through the production environment, where approval is required", () => {
      assert.equal(jobFor("prod").job.environment, "production");
    });

    it("runs at most one update per stack and never cancels one in progress", () => {
      for (const { id, job, stack } of deployJobs()) {
        assert.deepEqual(job.concurrency, { group: `pulumi-${stack}`, "cancel-in-progress": false }, id);
      }
    });
  });

  describe("policy.yml", () => {
    const policy = () => workflow("policy.yml");
    const publishStep = () => {
      const steps = (policy().jobs.publish?.steps ?? []).filter((step) =>
        /pulumi policy publish/.test(step.run ?? ""),
      );
      assert.equal(steps.length, 1);
      return steps[0];
    };

    it("runs for pushes to main and pull requests that touch policy/", () => {
      assert.deepEqual(policy().on.push?.branches, ["main"]);
      assert.ok(policy().on.push?.paths?.includes("policy/**"));
      assert.ok(policy().on.pull_request?.paths?.includes("policy/**"));
    });

    it("publishes on pushes only, after the tests pass", () => {
      const publish = policy().jobs.publish;
      assert.equal(publish.if, "github.event_name == 'push'");
      assert.deepEqual(needsOf(publish), ["test"]);
    });

    it("publishes the pack in policy/ to the organisation in vars.PULUMI_ORG", () => {
      assert.equal(publishStep()["working-directory"], "policy");
      assert.equal(publishStep().env?.PULUMI_ORG, "${{ vars.PULUMI_ORG }}");
      assert.match(publishStep().run ?? "", /pulumi policy publish "\$PULUMI_ORG"/);
    });

    it("names only policies of the pack in the example config for `pulumi policy enable`", () => {
      const config = JSON.parse(
        readFileSync(join(root, "docs", "policy-config.example.json"), "utf8"),
      ) as object;
      const policyDir = join(root, "policy", "policies");
      const packPolicies = readdirSync(policyDir).flatMap((file) =>
        [...readFileSync(join(policyDir, file), "utf8").matchAll(/^\s*name:\s*"([^"]+)"/gm)].map((m) => m[1]),
      );
      assert.ok(packPolicies.length > 0, "no policies found in policy/policies");
      assert.deepEqual(
        Object.keys(config).filter((name) => !packPolicies.includes(name)),
        [],
      );
    });

    it("installs the Pulumi CLI before publishing", () => {
      const steps = policy().jobs.publish.steps ?? [];
      const install = steps.findIndex((step) => action(step) === "pulumi/actions");
      assert.ok(install >= 0 && install < steps.indexOf(publishStep()));
    });
  });
});

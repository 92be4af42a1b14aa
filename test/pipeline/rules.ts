import {
  action,
  eventsOf,
  policyPacksOf,
  pulumiCommand,
  type Job,
  type Permissions,
  type Step,
  type Workflow,
} from "./workflows";

// The pipeline's trust rules as pure functions of a parsed workflow: each returns what breaks the rule, so a test can
// assert [] on the real workflows and something on a mutated copy, which shows the rule can fail.

/**
 * Each action's commit, read from the action's own repository (`git rev-parse <tag>^{commit}` on a fetched copy,
 * 2026-11-25) with the tag it carries. A new action or a bump means checking the SHA the same way and adding it here.
 */
export const verifiedPins: Record<string, { sha: string; tag: string }> = {
  "actions/checkout": { sha: "3d3c42e5aac5ba805825da76410c181273ba90b1", tag: "v7.0.1" },
  "actions/setup-node": { sha: "820762786026740c76f36085b0efc47a31fe5020", tag: "v7.0.0" },
  "aws-actions/configure-aws-credentials": { sha: "e6de054238d6b7531b4efff3b6587d9aade6a06c", tag: "v6.2.3" },
  "pulumi/actions": { sha: "8e5e406f4007fca908480587cb9893c07090f58d", tag: "v7.0.0" },
  "pulumi/auth-actions": { sha: "141415910c3beb54e03b48e9057c204c97b956f2", tag: "v2.1.0" },
};

const pullRequestEvents = ["pull_request", "pull_request_target"];

/** Whether a job of this workflow can run for a pull request: the workflow listens to one and no `if` excludes it. */
export function runsForPullRequests(w: Workflow, job: Job): boolean {
  const pushOnly = /^\s*github\.event_name\s*==\s*'push'\s*(&&|$)/.test(job.if ?? "");
  return eventsOf(w).some((event) => pullRequestEvents.includes(event)) && !pushOnly;
}

/** `secrets.X`, `secrets['X']`, `toJSON(secrets)` and `secrets: inherit` in jobs that a pull request can run. */
export function secretsInPullRequestJobs(w: Workflow): string[] {
  return Object.entries(w.jobs)
    .filter(([, job]) => runsForPullRequests(w, job))
    .flatMap(([id, job]) => {
      const references =
        JSON.stringify(job).match(/\bsecrets\s*(\.\s*\w+|\[[^\]]*\])|toJSON\(\s*secrets\s*\)/g) ?? [];
      const inherited = job.secrets === undefined ? [] : ["secrets: inherit"];
      return [...references, ...inherited].map((reference) => `${id}: ${reference}`);
    });
}

/** `pull_request_target` and `workflow_run` run with the base repository's secrets and write token: never here. */
export function privilegedPullRequestTriggers(w: Workflow): string[] {
  return eventsOf(w).filter((event) => event === "pull_request_target" || event === "workflow_run");
}

/** A step that talks to the Pulumi backend: a pulumi/actions command, or a `pulumi` CLI call in a script. */
export function talksToPulumi(step: Step): boolean {
  return pulumiCommand(step) !== undefined || /(^|[\s;&|(])pulumi\s+(?!version\b)\w/m.test(step.run ?? "");
}

/** Pulumi steps with no pulumi/auth-actions exchange before them in their job. */
export function pulumiStepsWithoutOidc(w: Workflow): string[] {
  return Object.entries(w.jobs).flatMap(([id, job]) => {
    const steps = job.steps ?? [];
    return steps
      .filter(
        (step, index) =>
          talksToPulumi(step) && !steps.slice(0, index).some((s) => action(s) === "pulumi/auth-actions"),
      )
      .map((step) => `${id}: ${step.name ?? step.uses ?? step.run}`);
  });
}

/** The Pulumi token each job asks for: its type and the variable that names its team. */
export function pulumiTokenRequests(w: Workflow): Record<string, string> {
  const requests: Record<string, string> = {};
  for (const [id, job] of Object.entries(w.jobs)) {
    for (const step of (job.steps ?? []).filter((s) => action(s) === "pulumi/auth-actions")) {
      requests[id] =
        `${step.with?.["requested-token-type"]} ${step.with?.scope} in ${step.with?.organization}`;
    }
  }
  return requests;
}

const levels = ["none", "read", "write"];

function grant(into: Permissions, scope: string, level: string): void {
  if (levels.indexOf(level) > levels.indexOf(into[scope] ?? "none")) into[scope] = level;
}

/**
 * The GITHUB_TOKEN scopes a step needs, from what its action does with the token. An action or command this table
 * does not know is reported rather than guessed, so adding one means deciding what it needs.
 */
export function permissionsForStep(step: Step): Permissions | string {
  const needs: Permissions = {};
  switch (action(step)) {
    case undefined:
      break;
    case "actions/checkout":
      grant(needs, "contents", "read");
      break;
    case "actions/setup-node":
      // Its npm cache goes through the Actions cache service, which does not use the token's scopes.
      break;
    case "aws-actions/configure-aws-credentials":
      if (step.with?.["role-to-assume"] !== undefined) grant(needs, "id-token", "write");
      break;
    case "pulumi/auth-actions":
      grant(needs, "id-token", "write");
      break;
    case "pulumi/actions":
      if (step.with?.["comment-on-pr"] === true) grant(needs, "pull-requests", "write");
      break;
    default:
      return `no known permissions for ${step.uses}`;
  }
  const run = step.run ?? "";
  if (/\bgh\s+pr\s+comment\b/.test(run)) grant(needs, "pull-requests", "write");
  else if (/\bgh\s/.test(run)) return `no known permissions for: ${run.trim().split("\n")[0]}`;
  return needs;
}

/** Jobs whose `permissions` are not exactly what their steps need, and workflows that grant anything by default. */
export function permissionsNotMinimal(w: Workflow): string[] {
  const problems: string[] = [];
  if (JSON.stringify(w.permissions) !== "{}") problems.push(`workflow: permissions must be {}`);
  for (const [id, job] of Object.entries(w.jobs)) {
    const needed: Permissions = {};
    for (const step of job.steps ?? []) {
      const needs = permissionsForStep(step);
      if (typeof needs === "string") problems.push(`${id}: ${needs}`);
      else for (const [scope, level] of Object.entries(needs)) grant(needed, scope, level);
    }
    const declared = typeof job.permissions === "object" ? job.permissions : {};
    const scopes = new Set([...Object.keys(needed), ...Object.keys(declared)]);
    for (const scope of [...scopes].sort()) {
      if ((declared[scope] ?? "none") !== (needed[scope] ?? "none")) {
        problems.push(
          `${id}: ${scope} is ${declared[scope] ?? "none"}, its steps need ${needed[scope] ?? "none"}`,
        );
      }
    }
    if (typeof job.permissions !== "object") problems.push(`${id}: declares no permissions`);
  }
  return problems;
}

/** `uses:` lines of a workflow's source that are not `owner/repo@<40-hex> # vX.Y.Z` with a verified pair. */
export function unpinnedActions(source: string): string[] {
  return source
    .split("\n")
    .filter((line) => /^\s*(-\s*)?uses:/.test(line))
    .filter((line) => !/uses:\s*\.\//.test(line))
    .filter((line) => {
      const pin = /uses:\s*([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)\s*$/.exec(line);
      const verified = pin ? verifiedPins[pin[1]] : undefined;
      return !pin || !verified || verified.sha !== pin[2] || verified.tag !== pin[3];
    })
    .map((line) => line.trim());
}

/** `${{ }}` inside a `run:` script: the value is pasted into the shell before it runs; pass it through `env:`. */
export function expressionsInScripts(w: Workflow): string[] {
  return Object.entries(w.jobs).flatMap(([id, job]) =>
    (job.steps ?? [])
      .filter((step) => /\$\{\{/.test(step.run ?? ""))
      .map((step) => `${id}: ${step.name ?? step.run}`),
  );
}

/**
 * Jobs that can request OIDC tokens without a `timeout-minutes` of at most `limit`: GitHub lets any step of such a job
 * mint fresh ID tokens for as long as the job runs, six hours by default.
 */
export function unboundedTokenJobs(w: Workflow, limit: number): string[] {
  return Object.entries(w.jobs)
    .filter(([, job]) => typeof job.permissions === "object" && job.permissions["id-token"] === "write")
    .filter(([, job]) => !(typeof job["timeout-minutes"] === "number" && job["timeout-minutes"] <= limit))
    .map(([id, job]) => `${id}: timeout-minutes ${job["timeout-minutes"] ?? "unset"}`);
}

/** Checkouts that leave the job's token in .git/config for every later step to read. */
export function checkoutsKeepingCredentials(w: Workflow): string[] {
  return Object.entries(w.jobs).flatMap(([id, job]) =>
    (job.steps ?? [])
      .filter((step) => action(step) === "actions/checkout" && step.with?.["persist-credentials"] !== false)
      .map((step) => `${id}: ${step.name ?? step.uses}`),
  );
}

/** Pulumi steps that create a missing stack: stacks are created once by an admin, never by CI tokens. */
export function stackCreatingSteps(w: Workflow): string[] {
  return Object.entries(w.jobs).flatMap(([id, job]) =>
    (job.steps ?? [])
      .filter((step) => step.with?.upsert === true)
      .map((step) => `${id}: ${step.name ?? step.uses}`),
  );
}

/** The preview job's gate: the base branch's pack, checked out apart and loaded before any pull request code runs. */
export function basePackGateProblems(preview: Job): string[] {
  const steps = preview.steps ?? [];
  const problems: string[] = [];
  const base = steps.find(
    (step) =>
      action(step) === "actions/checkout" && step.with?.ref === "${{ github.event.pull_request.base.sha }}",
  );
  if (!base) return ["no checkout of github.event.pull_request.base.sha"];
  const dir = String(base.with?.path ?? "");
  if (dir === "" || dir === ".") problems.push("the base branch is checked out over the pull request");
  const basePack = `${dir}/policy`;

  const previews = steps.filter((step) => pulumiCommand(step) === "preview");
  const gate = previews[0];
  if (!gate) return [...problems, "no pulumi preview"];
  if (JSON.stringify(policyPacksOf(gate)) !== JSON.stringify([basePack])) {
    problems.push(`the first preview enforces ${JSON.stringify(policyPacksOf(gate))}, not ${basePack} alone`);
  }
  if (gate.if !== undefined || gate["continue-on-error"] !== undefined) {
    problems.push("the gate preview is conditional or may fail without failing the job");
  }
  for (const other of previews.slice(1)) {
    const onlyWhenChanged = /steps\.\w[\w-]*\.outputs\.changed == 'true'/.test(other.if ?? "");
    if (!policyPacksOf(other).includes(basePack) && !onlyWhenChanged) {
      problems.push(`${other.name ?? other.id} runs without the base pack whether or not policy/ changed`);
    }
  }

  const gateIndex = steps.indexOf(gate);
  const installsBase = steps.findIndex(
    (step) => step["working-directory"] === dir && /\bnpm ci\b/.test(step.run ?? ""),
  );
  if (installsBase < 0 || installsBase > gateIndex) problems.push(`the base pack is not installed in ${dir}`);
  for (const step of steps.slice(0, gateIndex)) {
    const run = step.run ?? "";
    if (/\bnpm\s+(ci|install|i)\b/.test(run) && !/--ignore-scripts\b/.test(run)) {
      problems.push(`${step.name ?? run} runs install scripts before the gate`);
    }
    if (/\b(npx|node|ts-node)\b|\bnpm\s+(run|test|start|exec)\b/.test(run)) {
      problems.push(`${step.name ?? run} runs pull request code before the gate`);
    }
  }
  return problems;
}

import { posix } from "node:path";

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

/** Whether `dir` is `parent` or lies below it, both relative to the workspace. */
function within(dir: string, parent: string): boolean {
  return parent === "." || dir === parent || dir.startsWith(`${parent}/`);
}

function checkoutOfBase(steps: Step[]): Step | undefined {
  return steps.find(
    (step) =>
      action(step) === "actions/checkout" && step.with?.ref === "${{ github.event.pull_request.base.sha }}",
  );
}

/** Where a step runs, relative to the workspace: its working-directory, or a pulumi/actions step's work-dir. */
function folderOf(step: Step): string {
  return posix.normalize(String(step["working-directory"] ?? step.with?.["work-dir"] ?? "."));
}

/**
 * The preview job's gate: the base branch's pack, checked out beside the pull request (never inside its tree, where
 * npm's workspaces and Node's module lookup reach from the pull request's package.json and node_modules), installed
 * without workspaces and loaded before any pull request code runs.
 */
export function basePackGateProblems(preview: Job): string[] {
  const steps = preview.steps ?? [];
  const problems: string[] = [];
  const base = checkoutOfBase(steps);
  if (!base) return ["no checkout of github.event.pull_request.base.sha"];
  const dir = posix.normalize(String(base.with?.path ?? "."));
  const head = steps.find((step) => action(step) === "actions/checkout" && step !== base);
  const pullRequestDir = posix.normalize(String(head?.with?.path ?? "."));
  if (dir === "." || dir === pullRequestDir)
    problems.push("the base branch is checked out over the pull request");
  else if (within(dir, pullRequestDir)) {
    problems.push(`the base branch is checked out inside the pull request's tree (${pullRequestDir})`);
  }
  const basePack = posix.join(dir, "policy");

  const previews = steps.filter((step) => pulumiCommand(step) === "preview");
  const gate = previews[0];
  if (!gate) return [...problems, "no pulumi preview"];
  const enforced = (step: Step) => policyPacksOf(step).map((pack) => posix.join(folderOf(step), pack));
  if (JSON.stringify(enforced(gate)) !== JSON.stringify([basePack])) {
    problems.push(
      `the first preview enforces ${JSON.stringify(policyPacksOf(gate))}, not ${posix.relative(folderOf(gate), basePack)} alone`,
    );
  }
  if (gate.if !== undefined || gate["continue-on-error"] !== undefined) {
    problems.push("the gate preview is conditional or may fail without failing the job");
  }
  for (const other of previews.slice(1)) {
    const onlyWhenChanged = /steps\.\w[\w-]*\.outputs\.changed == 'true'/.test(other.if ?? "");
    if (!enforced(other).includes(basePack) && !onlyWhenChanged) {
      problems.push(`${other.name ?? other.id} runs without the base pack whether or not policy/ changed`);
    }
  }

  const gateIndex = steps.indexOf(gate);
  const installsBase = steps.findIndex(
    (step) => step["working-directory"] === dir && /\bnpm ci\b/.test(step.run ?? ""),
  );
  if (installsBase < 0 || installsBase > gateIndex) problems.push(`the base pack is not installed in ${dir}`);
  else if (!/--workspaces=false\b/.test(steps[installsBase].run ?? "")) {
    problems.push("the base pack's install looks for a workspace root above it (no --workspaces=false)");
  }
  // A workspace entry in the pull request's package.json can name the base checkout, and npm then rewrites its
  // node_modules: once the base pack is installed, npm must not run on the pull request's manifests again.
  for (const step of steps.slice(Math.max(installsBase, 0) + 1, gateIndex)) {
    const inBase = step["working-directory"] !== undefined && within(folderOf(step), dir);
    if (installsBase >= 0 && !inBase && /\bnpm\s+(ci|install|i|update)\b/.test(step.run ?? "")) {
      problems.push(`${step.name ?? step.run} runs npm on the pull request after the base pack is installed`);
    }
  }
  for (const step of steps.slice(0, gateIndex)) {
    const run = step.run ?? "";
    if (/\bnpm\s+(ci|install|i)\b/.test(run) && !/--ignore-scripts\b/.test(run)) {
      problems.push(`${step.name ?? run} runs install scripts before the gate`);
    }
    // Scripts in the base checkout run the base branch's code; anywhere else they would run the pull request's.
    const inBase = step["working-directory"] !== undefined && within(folderOf(step), dir);
    if (!inBase && /\b(npx|node|ts-node)\b|\bnpm\s+(run|test|start|exec)\b/.test(run)) {
      problems.push(`${step.name ?? run} runs pull request code before the gate`);
    }
  }
  return problems;
}

const refusalScript = ".github/scripts/refuse-project-plugins.ts";

/**
 * The preview job refuses a project that declares plugins before its first Pulumi step, with the base branch's copy
 * of the check, run on the folder the previews run in.
 */
export function projectPluginRefusalProblems(preview: Job): string[] {
  const steps = preview.steps ?? [];
  const base = checkoutOfBase(steps);
  if (!base) return ["no checkout of github.event.pull_request.base.sha to run the check from"];
  const dir = posix.normalize(String(base.with?.path ?? "."));
  const problems: string[] = [];
  const sparse = String(base.with?.["sparse-checkout"] ?? "")
    .split("\n")
    .map((line) => line.trim().replace(/\/$/, ""))
    .filter((line) => line !== "");
  if (sparse.length > 0 && !sparse.some((path) => refusalScript.startsWith(`${path}/`))) {
    problems.push(`the base checkout leaves out ${refusalScript}`);
  }
  const firstPulumi = steps.findIndex((step) => talksToPulumi(step));
  const refusal = steps.findIndex((step) => (step.run ?? "").includes(refusalScript));
  if (refusal < 0 || (firstPulumi >= 0 && refusal > firstPulumi)) {
    return [...problems, "no step refuses a Pulumi.yaml that declares plugins before the first Pulumi step"];
  }
  const step = steps[refusal];
  if (folderOf(step) !== dir)
    problems.push(`the check runs in ${folderOf(step)}, not the base checkout ${dir}`);
  if (step.if !== undefined || step["continue-on-error"] !== undefined) {
    problems.push("the check is conditional or may fail without failing the job");
  }
  const checked = posix.join(
    folderOf(step),
    (step.run ?? "").split(refusalScript)[1]?.trim().split(/\s/)[0] ?? "",
  );
  for (const preview of steps.filter((s) => pulumiCommand(s) !== undefined)) {
    if (folderOf(preview) !== checked) {
      problems.push(`the check reads ${checked}, ${preview.name ?? preview.id} runs in ${folderOf(preview)}`);
    }
  }
  return problems;
}

const writeLevels = new Set(["write", "write-all"]);

/**
 * Jobs that check out the repository for a pull request, so run its code (its program, its install, its tests), and
 * hold a write scope: that code can read the job's token (pulumi/actions passes it to the program by default).
 * `id-token: write` is left to the OIDC rules: it writes nothing on GitHub.
 */
export function writeTokensWherePullRequestCodeRuns(w: Workflow): string[] {
  return Object.entries(w.jobs)
    .filter(([, job]) => runsForPullRequests(w, job))
    .filter(([, job]) => (job.steps ?? []).some((step) => action(step) === "actions/checkout"))
    .flatMap(([id, job]) => {
      if (typeof job.permissions === "string") {
        return writeLevels.has(job.permissions) ? [`${id}: permissions ${job.permissions}`] : [];
      }
      return Object.entries(job.permissions ?? {})
        .filter(([scope, level]) => scope !== "id-token" && writeLevels.has(level))
        .map(([scope]) => `${id}: ${scope}: write where the pull request's code runs`);
    });
}

function mintsTokens(job: Job): boolean {
  return typeof job.permissions === "object" && job.permissions["id-token"] === "write";
}

/** npm installs with lifecycle scripts on in jobs that can request OIDC tokens. */
export function installScriptsWhereTokensCanBeMinted(w: Workflow): string[] {
  return Object.entries(w.jobs)
    .filter(([, job]) => mintsTokens(job))
    .flatMap(([id, job]) =>
      (job.steps ?? [])
        .filter((step) => /\bnpm\s+(ci|install|i)\b/.test(step.run ?? ""))
        .filter((step) => !/--ignore-scripts\b/.test(step.run ?? ""))
        .map((step) => `${id}: ${step.name ?? step.run}`),
    );
}

/** GitHub stops a job after six hours unless timeout-minutes says otherwise. */
const defaultJobMinutes = 360;

/**
 * Credentials a pull request's job asks for that may outlive the job: a Pulumi token without `token-expiration`, or an
 * AWS session without `role-duration-seconds`, of at most the job's own limit in seconds.
 */
export function credentialsOutlivingPullRequestJobs(w: Workflow): string[] {
  return Object.entries(w.jobs)
    .filter(([, job]) => runsForPullRequests(w, job) && mintsTokens(job))
    .flatMap(([id, job]) => {
      const limit = (job["timeout-minutes"] ?? defaultJobMinutes) * 60;
      const lifetimes: [Step, string][] = (job.steps ?? []).flatMap((step): [Step, string][] => {
        if (action(step) === "pulumi/auth-actions") return [[step, "token-expiration"]];
        if (action(step) === "aws-actions/configure-aws-credentials" && step.with?.["role-to-assume"]) {
          return [[step, "role-duration-seconds"]];
        }
        return [];
      });
      return lifetimes
        .filter(([step, input]) => !(Number(step.with?.[input]) > 0 && Number(step.with?.[input]) <= limit))
        .map(
          ([step, input]) =>
            `${id}: ${action(step)} ${input} ${step.with?.[input] ?? "unset"}, the job ${limit} s`,
        );
    });
}

/** Each combination of a job's matrix values; [{}] for a job without a matrix. */
function matrixLegs(job: Job): Record<string, string>[] {
  const matrix = job.strategy?.matrix ?? {};
  return Object.entries(matrix)
    .filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1]))
    .reduce<Record<string, string>[]>(
      (legs, [key, values]) =>
        legs.flatMap((leg) => values.map((value) => ({ ...leg, [key]: String(value) }))),
      [{}],
    );
}

/**
 * The `sub` claim of the ID tokens a job can mint, after `repo:OWNER/REPO:` (GitHub's default subject): the job's
 * environment if it names one, otherwise what the event says (`pull_request`, or `ref:` and the branch pushed).
 */
export function oidcSubjects(w: Workflow, job: Job, leg: Record<string, string>): string[] {
  const environment = typeof job.environment === "object" ? job.environment.name : job.environment;
  if (environment !== undefined) {
    return [
      `environment:${environment.replace(/\$\{\{\s*matrix\.(\w+)\s*\}\}/g, (_, key: string) => leg[key])}`,
    ];
  }
  const pushOnly = /^\s*github\.event_name\s*==\s*'push'\s*(&&|$)/.test(job.if ?? "");
  return eventsOf(w)
    .filter((event) => !pushOnly || event === "push")
    .flatMap((event) => {
      if (pullRequestEvents.includes(event)) return ["pull_request"];
      if (event === "push") return (w.on.push?.branches ?? ["*"]).map((branch) => `ref:refs/heads/${branch}`);
      return [event];
    });
}

/** Subjects that more than one job (or matrix leg) can present: a role trusting one trusts them all. */
export function sharedOidcSubjects(files: { file: string; workflow: Workflow }[]): string[] {
  const holders = new Map<string, string[]>();
  for (const { file, workflow: w } of files) {
    for (const [id, job] of Object.entries(w.jobs).filter(([, job]) => mintsTokens(job))) {
      for (const leg of matrixLegs(job)) {
        const label = `${file} ${id}${Object.keys(leg).length ? ` (${Object.values(leg).join(", ")})` : ""}`;
        for (const subject of oidcSubjects(w, job, leg))
          holders.set(subject, [...(holders.get(subject) ?? []), label]);
      }
    }
  }
  return [...holders]
    .filter(([, jobs]) => jobs.length > 1)
    .map(([subject, jobs]) => `${subject}: ${jobs.join(", ")}`);
}

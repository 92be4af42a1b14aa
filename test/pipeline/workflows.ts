import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { parse } from "yaml";

// The workflows in .github/workflows read as data, shared by the pipeline tests.

export const root = join(__dirname, "..", "..");
const workflowDir = join(root, ".github", "workflows");

export interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  "working-directory"?: string;
  "continue-on-error"?: boolean | string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

export type Permissions = Record<string, string>;

export interface Job {
  name?: string;
  if?: string;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Permissions | string;
  concurrency?: { group: string; "cancel-in-progress"?: boolean } | string;
  strategy?: { matrix?: Record<string, unknown>; "fail-fast"?: boolean };
  env?: Record<string, string>;
  secrets?: unknown;
  "timeout-minutes"?: number;
  steps?: Step[];
}

export interface Workflow {
  /** The mapping form, which these workflows use; eventsOf also reads the string and list forms. */
  on: Record<string, { branches?: string[]; paths?: string[] } | null>;
  permissions?: Permissions | string;
  jobs: Record<string, Job>;
}

export interface WorkflowFile {
  file: string;
  source: string;
  workflow: Workflow;
}

export const workflowFiles: WorkflowFile[] = readdirSync(workflowDir)
  .filter((file) => /\.ya?ml$/.test(file))
  .sort()
  .map((file) => {
    const source = readFileSync(join(workflowDir, file), "utf8");
    return { file, source, workflow: parse(source) as Workflow };
  });

export function workflow(file: string): Workflow {
  const found = workflowFiles.find((w) => w.file === file);
  if (!found) throw new Error(`.github/workflows/${file} is missing`);
  return found.workflow;
}

/** A deep copy to mutate in a test, so a rule can be shown to fail without touching the shared parse. */
export function copyOf(file: string): Workflow {
  return structuredClone(workflow(file));
}

/** The action a step uses, without its ref: `actions/checkout`. */
export function action(step: Step): string | undefined {
  return step.uses?.split("@")[0];
}

export function stepsUsing(steps: Step[], name: string): Step[] {
  return steps.filter((step) => action(step) === name);
}

/** The `command` of a pulumi/actions step; undefined for other steps and for the install-only form. */
export function pulumiCommand(step: Step): unknown {
  return action(step) === "pulumi/actions" ? step.with?.command : undefined;
}

export function needsOf(job: Job): string[] {
  return job.needs === undefined ? [] : ([] as string[]).concat(job.needs);
}

/** The events a workflow runs on, whichever of the three `on:` forms it uses. */
export function eventsOf(w: Workflow): string[] {
  const on: unknown = w.on;
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.map(String);
  return Object.keys(w.on ?? {});
}

/** The policy packs a pulumi/actions step passes, one per line or comma as the action splits them. */
export function policyPacksOf(step: Step): string[] {
  return String(step.with?.policyPacks ?? "")
    .split(/[\n,]/)
    .map((pack) => pack.trim())
    .filter((pack) => pack !== "");
}

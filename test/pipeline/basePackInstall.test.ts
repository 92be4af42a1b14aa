import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";

import { action, pulumiCommand, workflow, type Step } from "./workflows";

// preview.yml's steps up to the gate, run as written on a workspace laid out as its checkouts lay it out, against a
// pull request whose package.json lists the base checkout and its policy/ under workspaces and whose lock file (what
// `npm install` writes for it) resolves the pack's @pulumi/policy to the pull request's own. Offline and tiny: every package is a
// `file:` folder or link, so npm reads no registry and no cache.

const steps = (): Step[] => workflow("preview.yml").jobs.preview.steps ?? [];
const baseRef = "${{ github.event.pull_request.base.sha }}";
const isBaseCheckout = (step: Step) => action(step) === "actions/checkout" && step.with?.ref === baseRef;
const checkoutPath = (step: Step) => posix.normalize(String(step.with?.path ?? "."));

function write(path: string, value: unknown): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value, null, 2));
}

/** A package whose module says where it comes from. */
function fakePolicySdk(dir: string, origin: string): void {
  write(join(dir, "package.json"), { name: "@pulumi/policy", version: "1.0.0", main: "index.js" });
  write(join(dir, "index.js"), `module.exports = ${JSON.stringify(origin)};\n`);
}

/** The attacker's tree: its workspaces reach the base checkout wherever it lies, relative to the pull request. */
function pullRequestTree(dir: string, base: string): void {
  const workspaces = [base, posix.join(base, "policy")];
  write(join(dir, "package.json"), {
    name: "pull-request",
    private: true,
    workspaces,
    dependencies: { "@pulumi/policy": "file:evil" },
  });
  fakePolicySdk(join(dir, "evil"), "the pull request's");
  write(join(dir, "package-lock.json"), {
    name: "pull-request",
    lockfileVersion: 3,
    requires: true,
    packages: {
      "": { name: "pull-request", workspaces, dependencies: { "@pulumi/policy": "file:evil" } },
      [base]: { workspaces: ["policy"] },
      [workspaces[1]]: {
        name: "pack",
        version: "1.0.0",
        dependencies: { "@pulumi/policy": "file:../vendor/policy" },
      },
      evil: { name: "@pulumi/policy", version: "1.0.0" },
      "node_modules/@pulumi/policy": { resolved: "evil", link: true },
      "node_modules/base": { resolved: base, link: true },
      "node_modules/pack": { resolved: workspaces[1], link: true },
    },
  });
}

/** The base branch's tree: its pack pins its own @pulumi/policy in its own lock file. */
function baseTree(dir: string): void {
  write(join(dir, "package.json"), { name: "base", private: true, workspaces: ["policy"] });
  write(join(dir, "policy", "package.json"), {
    name: "pack",
    version: "1.0.0",
    dependencies: { "@pulumi/policy": "file:../vendor/policy" },
  });
  fakePolicySdk(join(dir, "vendor", "policy"), "the base branch's");
  write(join(dir, "package-lock.json"), {
    name: "base",
    lockfileVersion: 3,
    requires: true,
    packages: {
      "": { name: "base", workspaces: ["policy"] },
      "node_modules/@pulumi/policy": { resolved: "vendor/policy", link: true },
      "node_modules/pack": { resolved: "policy", link: true },
      policy: { name: "pack", version: "1.0.0", dependencies: { "@pulumi/policy": "file:../vendor/policy" } },
      "vendor/policy": { name: "@pulumi/policy", version: "1.0.0" },
    },
  });
}

interface Ran {
  readonly name: string;
  readonly status: number | null;
  readonly stderr: string;
}

/** Runs a step's script as the runner would, without blocking the tests that run meanwhile. */
function runStep(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-e", "-c", script], { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stderr }));
  });
}

/**
 * Lays out both checkouts and runs every install step before the gate, in order, in a fresh workspace. Started as
 * mocha loads this file, so that its npm runs overlap the tests before it; the hooks below wait for it.
 */
async function runStepsUpToTheGate(): Promise<{ basePack: string; ran: Ran[] }> {
  const workspace = mkdtempSync(join(tmpdir(), "base-pack-"));
  // Gone with mocha even when a --grep leaves this file's tests, and their after hook, out.
  process.once("exit", () => rmSync(workspace, { recursive: true, force: true }));
  const ran: Ran[] = [];
  const all = steps();
  const base = all.find(isBaseCheckout);
  const head = all.find((step) => action(step) === "actions/checkout" && !isBaseCheckout(step));
  assert.ok(base && head, "the preview job does not check out both sides");
  const pullRequestDir = checkoutPath(head);
  const basePack = join(workspace, checkoutPath(base), "policy");
  const gate = all.findIndex((step) => pulumiCommand(step) !== undefined);

  for (const step of all.slice(0, gate)) {
    if (action(step) === "actions/checkout") {
      // GIVEN each side's files where its checkout puts them, when it puts them
      const dir = join(workspace, checkoutPath(step));
      if (step === base) {
        // actions/checkout empties a folder that is not yet a repository before it checks out into it.
        rmSync(dir, { recursive: true, force: true });
        baseTree(dir);
      } else {
        pullRequestTree(dir, posix.relative(pullRequestDir, checkoutPath(base)));
      }
    } else if (/\bnpm\s+(ci|install|i)\b/.test(step.run ?? "")) {
      // WHEN each install step runs as written, in its working directory
      const result = await runStep(step.run!, join(workspace, step["working-directory"] ?? "."), {
        ...process.env,
        npm_config_offline: "true",
        npm_config_audit: "false",
        npm_config_fund: "false",
        npm_config_update_notifier: "false",
        npm_config_cache: join(workspace, ".npm"),
      });
      ran.push({ name: step.name ?? step.run!, ...result });
      if (result.status !== 0) break;
    }
  }
  return { basePack, ran };
}

const installed = runStepsUpToTheGate();
installed.catch(() => undefined);

describe("preview.yml's steps up to the gate, on a pull request that reaches for the base pack", () => {
  let basePack: string;
  let ran: Ran[];

  before(async () => {
    ({ basePack, ran } = await installed);
  });

  it("runs both installs to the end, the pull request's and the base branch's", () => {
    assert.deepEqual(
      ran.map(({ name, status }) => [name, status]),
      [
        ["Install the pull request's program", 0],
        ["Install the base branch's policy pack", 0],
      ],
      ran.map((r) => r.stderr).join("\n"),
    );
  });

  it("leaves the base pack loading @pulumi/policy from the base branch, not from the pull request", () => {
    const resolved = require.resolve("@pulumi/policy", { paths: [basePack] });
    assert.equal(readFileSync(resolved, "utf8"), 'module.exports = "the base branch\'s";\n');
  });
});

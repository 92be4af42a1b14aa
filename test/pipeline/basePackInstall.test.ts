import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";

import { action, workflow, type Step } from "./workflows";

// The base pack's install step of preview.yml, run as written on a workspace laid out as its checkouts lay it out,
// against a pull request that lists the base checkout under its npm workspaces and ships its own @pulumi/policy.
// Offline and tiny: the base pack's one dependency is a `file:` package, so npm reads no registry and no cache.

const steps = (): Step[] => workflow("preview.yml").jobs.preview.steps ?? [];
const checkout = (predicate: (step: Step) => boolean): string => {
  const step = steps().find((s) => action(s) === "actions/checkout" && predicate(s));
  assert.ok(step, "no such checkout in the preview job");
  return posix.normalize(String(step.with?.path ?? "."));
};
const baseRef = "${{ github.event.pull_request.base.sha }}";

function write(path: string, value: unknown): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value, null, 2));
}

/** A package whose module says where it comes from. */
function fakePolicySdk(dir: string, origin: string): void {
  write(join(dir, "package.json"), { name: "@pulumi/policy", version: "1.0.0", main: "index.js" });
  write(join(dir, "index.js"), `module.exports = ${JSON.stringify(origin)};\n`);
}

describe("the base branch's pack, installed by preview.yml's own command", () => {
  let workspace: string;
  let basePack: string;
  let install: SpawnSyncReturns<string>;

  // GIVEN the two checkouts where the workflow puts them: the pull request's tree lists the base checkout and its
  // policy/ under `workspaces` and holds its own @pulumi/policy in node_modules (what its lock file would install);
  // the base branch's tree pins its own @pulumi/policy in its own lock file.
  before(function () {
    workspace = mkdtempSync(join(tmpdir(), "base-pack-"));
    const base = checkout((step) => step.with?.ref === baseRef);
    const pullRequest = checkout((step) => step.with?.ref === undefined);
    const fromPullRequest = (path: string) => posix.relative(pullRequest, path) || ".";
    write(join(workspace, pullRequest, "package.json"), {
      name: "pull-request",
      private: true,
      workspaces: [fromPullRequest(base), fromPullRequest(posix.join(base, "policy"))],
    });
    fakePolicySdk(join(workspace, pullRequest, "node_modules", "@pulumi", "policy"), "the pull request's");

    const baseDir = join(workspace, base);
    write(join(baseDir, "package.json"), { name: "base", private: true, workspaces: ["policy"] });
    write(join(baseDir, "policy", "package.json"), {
      name: "pack",
      version: "1.0.0",
      dependencies: { "@pulumi/policy": "file:../vendor/policy" },
    });
    fakePolicySdk(join(baseDir, "vendor", "policy"), "the base branch's");
    write(join(baseDir, "package-lock.json"), {
      name: "base",
      lockfileVersion: 3,
      requires: true,
      packages: {
        "": { name: "base", workspaces: ["policy"] },
        "node_modules/@pulumi/policy": { resolved: "vendor/policy", link: true },
        "node_modules/pack": { resolved: "policy", link: true },
        policy: {
          name: "pack",
          version: "1.0.0",
          dependencies: { "@pulumi/policy": "file:../vendor/policy" },
        },
        "vendor/policy": { name: "@pulumi/policy", version: "1.0.0" },
      },
    });
    basePack = join(baseDir, "policy");

    // WHEN the workflow's step runs, as written, in its working directory
    const step = steps().find((s) => s.name === "Install the base branch's policy pack");
    assert.ok(step?.run, "no step installs the base branch's policy pack");
    install = spawnSync("bash", ["-e", "-c", step.run], {
      cwd: join(workspace, step["working-directory"] ?? "."),
      encoding: "utf8",
      env: {
        ...process.env,
        npm_config_offline: "true",
        npm_config_audit: "false",
        npm_config_fund: "false",
        npm_config_update_notifier: "false",
        npm_config_cache: join(workspace, ".npm"),
      },
    });
  });
  after(() => rmSync(workspace, { recursive: true, force: true }));

  it("installs the base branch's lock file into the base checkout", () => {
    assert.equal(install.status, 0, install.stderr);
    assert.ok(
      existsSync(join(basePack, "..", "node_modules", "@pulumi", "policy")),
      "no node_modules in the base",
    );
  });

  it("leaves the base pack loading @pulumi/policy from the base branch, not from the pull request", () => {
    const resolved = require.resolve("@pulumi/policy", { paths: [basePack] });
    assert.equal(readFileSync(resolved, "utf8"), 'module.exports = "the base branch\'s";\n');
  });
});

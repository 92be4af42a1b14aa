import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { maxCartItemsLimit } from "../components/config/limits";
import { defaults } from "../components/config/settings";
import { configNamespace } from "../components/config/stackConfig";

const project = parse(readFileSync("Pulumi.yaml", "utf8"));

describe("Pulumi.yaml", () => {
  it("names the project after the config namespace the program reads", () => {
    assert.equal(project.name, configNamespace);
  });

  it("runs the program with Node.js and TypeScript", () => {
    assert.equal(project.runtime.name, "nodejs");
    assert.equal(project.runtime.options.typescript, true);
  });

  it("declares every config key the program reads, each with a description", () => {
    assert.deepEqual(Object.keys(project.config).sort(), [
      "alarmTopicArn",
      "apiId",
      "apiRegion",
      "includeExecutionData",
      "logKmsKeyArn",
      "logLevel",
      "logRetentionDays",
      "mapMaxConcurrency",
      "maxCartItems",
      "pricingFanOut",
      "stage",
      "tracingEnabled",
      "workflowType",
    ]);
    for (const [key, schema] of Object.entries<{ description?: string }>(project.config)) {
      assert.ok(schema.description, `${key} has a description`);
    }
  });

  it("leaves only apiId and stage without a default, and every stack file sets both", () => {
    // Pulumi refuses to run a stack that does not set a declared key without a default.
    const required = Object.entries<{ default?: unknown }>(project.config)
      .filter(([, schema]) => schema.default === undefined)
      .map(([key]) => key);
    assert.deepEqual(required, ["apiId", "stage"]);
    for (const file of readdirSync(".").filter((name) => /^Pulumi\.[^.]+\.yaml$/.test(name))) {
      const config = parse(readFileSync(file, "utf8")).config;
      for (const key of required) assert.ok(config[`${configNamespace}:${key}`], `${file} sets ${key}`);
    }
  });

  it("declares the largest cart the binding AWS limits allow as the bound of maxCartItems", () => {
    assert.match(project.config.maxCartItems.description, new RegExp(`from 1 to ${maxCartItemsLimit}:`));
  });

  it("declares pricingFanOut's two values, inline by default", () => {
    assert.equal(project.config.pricingFanOut.default, "inline");
    assert.match(project.config.pricingFanOut.description, /\binline\b.*\bexpress\b/);
  });

  it("declares the same defaults as the program applies", () => {
    for (const [key, value] of Object.entries(defaults)) {
      assert.equal(project.config[key].default, value, key);
    }
  });
});

describe("the policy suite's own command in docs/policy-pack.md", () => {
  // mocha's own reading of its command line and config, and its own file collection.
  const load = createRequire(__filename);
  const { loadOptions } = load("mocha/lib/cli/options.cjs") as {
    loadOptions(args: string[]): Record<string, unknown> & { _: string[] };
  };
  const collectFiles = load("mocha/lib/cli/collect-files.cjs") as (options: unknown) => { files: string[] };
  const documented = /`npx mocha ([^`]+)`/.exec(readFileSync("docs/policy-pack.md", "utf8"))?.[1] ?? "";

  it("runs every policy test and nothing else, with the project's mocha config", () => {
    const options = loadOptions(documented.split(" "));
    const { files } = collectFiles({ ...options, file: options.file ?? [], spec: options._, sort: false });
    const policyTests = readdirSync("test/policy")
      .filter((file) => file.endsWith(".test.ts"))
      .map((file) => resolve(join("test/policy", file)));
    assert.deepEqual([...files].sort(), policyTests.sort());
    assert.deepEqual(options.require, ["sucrase/register/ts", "./test/setup.ts"]);
  });
});

import * as assert from "assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { policies } from "../../policy/policies";

const docs = join(__dirname, "..", "..", "docs");
const example = JSON.parse(readFileSync(join(docs, "policy-config.example.json"), "utf8"));
const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];

describe("the example policy config", () => {
  it("is the config shown in docs/policy-pack.md", () => {
    const markdown = readFileSync(join(docs, "policy-pack.md"), "utf8");
    const block = /### Config[\s\S]*?```json\n([\s\S]*?)```/.exec(markdown);
    assert.ok(block, "no json block under ### Config");
    assert.deepStrictEqual(JSON.parse(block[1]), example);
  });

  it("sets a level for every policy of the pack, and nothing else", () => {
    assert.deepStrictEqual(Object.keys(example).sort(), policies.map((p) => p.name).sort());
  });

  it("uses only settings each policy's schema declares, within its type", () => {
    for (const policy of policies) {
      const entry = example[policy.name];
      if (typeof entry === "string") {
        assert.ok(LEVELS.includes(entry), `${policy.name}: ${entry}`);
        continue;
      }
      const { enforcementLevel, ...settings } = entry;
      assert.ok(LEVELS.includes(enforcementLevel), `${policy.name}: ${enforcementLevel}`);
      const schema = (policy.configSchema?.properties ?? {}) as Record<
        string,
        { type: string; default?: unknown }
      >;
      for (const [key, value] of Object.entries(settings)) {
        assert.ok(Object.hasOwn(schema, key), `${policy.name} has no setting ${key}`);
        const type = Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
        assert.ok(
          [type, type === "integer" ? "number" : type].includes(schema[key].type),
          `${policy.name}.${key}`,
        );
      }
    }
  });
});

import * as assert from "assert";
import { DYNAMIC } from "../../policy/lib/api-calls";
import { ArnPatternIndex } from "../../policy/lib/grant-index";
import { matchesResource } from "../../policy/lib/iam";
import { seededRandom } from "../support/random";

const PREFIX = "arn:aws:execute-api:us-east-1:123456789012:";
const opensAt = (resource: string) => (index: number) => resource.startsWith(DYNAMIC, index);

describe("the index of a role's execute-api grant patterns", () => {
  it("tries a call only on the patterns whose literal prefix begins the call's resource", () => {
    const index = new ArnPatternIndex<number>();
    for (let j = 0; j < 1500; j++) index.add(`${PREFIX}api/prod/GET/items/${j}`, j);
    index.add(`${PREFIX}api/prod/GET/items/7*`, -1);
    const found = index.candidates("api/prod/GET/items/7", opensAt("api/prod/GET/items/7"), false);
    assert.deepStrictEqual(found.map((c) => c.value).sort(), [-1, 7]);
  });

  it("gives, for a call with a run-time part, the patterns below that part too when asked the reverse", () => {
    const index = new ArnPatternIndex<string>();
    for (const path of ["items/1", "items/2/x", "orders/1"]) index.add(`${PREFIX}api/prod/GET/${path}`, path);
    const resource = `api/prod/GET/items/${DYNAMIC}`;
    assert.deepStrictEqual(index.candidates(resource, opensAt(resource), false), []);
    assert.deepStrictEqual(
      index
        .candidates(resource, opensAt(resource), true)
        .map((c) => c.value)
        .sort(),
      ["items/1", "items/2/x"],
    );
  });

  it("never leaves out a pattern that matches, for 300 seeded random grants and calls", () => {
    const next = seededRandom(17);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
    const text = (alphabet: readonly string[], length: number) =>
      Array.from({ length }, () => pick(alphabet)).join("");
    const patterns = Array.from({ length: 300 }, () =>
      pick([
        () =>
          `arn:aws:execute-api:${pick(["us-east-1", "*", "us-?ast-1"])}:${pick(["123456789012", "*"])}:${text(["a", "b", "/", "*", "?"], 1 + Math.floor(next() * 6))}`,
        () => pick(["*", "arn:aws:execute-api:*", "arn:*:a/*", `${PREFIX}a:b`, `${PREFIX}*:*`]),
      ])(),
    );
    const index = new ArnPatternIndex<string>();
    for (const pattern of patterns) index.add(pattern, pattern);
    let matched = 0;
    for (let run = 0; run < 300; run++) {
      const resource = text(
        ["a", "b", "/", DYNAMIC, ...(run % 10 === 0 ? [":"] : [])],
        1 + Math.floor(next() * 6),
      );
      const forward = new Set(index.candidates(resource, opensAt(resource), false).map((c) => c.value));
      const reverse = new Set(index.candidates(resource, opensAt(resource), true).map((c) => c.value));
      const asPattern = PREFIX + resource.split(DYNAMIC).join("*");
      for (const pattern of patterns) {
        const covers = matchesResource(pattern, PREFIX + resource);
        if (covers) assert.ok(forward.has(pattern), `${pattern} covers ${resource} but was left out`);
        if (covers || matchesResource(asPattern, pattern)) {
          if (/^[ab/]/.test(pattern.split(":")[5] ?? "") && !resource.includes(":")) matched++;
          assert.ok(reverse.has(pattern), `${pattern} reaches ${resource} but was left out`);
        }
      }
    }
    // The space must hold matches of patterns the trie files by a literal prefix, or the test proves nothing.
    assert.ok(matched > 500, `only ${matched} matches`);
  });
});

// aws-native `definitionSubstitutions`, applied the way CloudFormation's AWS::StepFunctions::StateMachine handler
// applies them (aws-cloudformation-resource-providers-stepfunctions, DefinitionProcessor.processDefinition): a
// `definition` object is first serialised to JSON, then every `${key}` in the text is replaced by its value with
// commons-lang3's StringUtils.replaceEachRepeatedly, and Step Functions parses the result. A value may itself
// hold `${…}` (substituted again on the next pass) or JSON punctuation (it can add fields), so the pack must
// read the text CloudFormation produces, not the object it was given.
import { isJsonObject, JsonObject } from "./json";
import { isUnknown } from "./unknowns";

export type SubstitutedText = { ok: true; text: string } | { ok: false; problem: string };

/**
 * The longest definition Step Functions accepts, in characters (CreateStateMachine, `definition`: maximum
 * length 1048576). Substitutions that grow a definition past it (and past its own length, for one that is
 * already longer) describe a state machine AWS rejects, and stop before they can exhaust memory: values that
 * double at every pass would otherwise grow the text exponentially.
 */
export const MAX_DEFINITION_LENGTH = 1_048_576;

/**
 * The most text all passes together may scan: 8 definitions of the longest size. A chain of keys resolves one
 * link per pass, so thousands of chained keys over a long definition would otherwise take minutes; no
 * definition that people write needs more than a few passes.
 */
const MAX_SCANNED = 8 * MAX_DEFINITION_LENGTH;

/**
 * Replaces each `${key}` of the text by the key's value, left to right, in passes until a pass changes
 * nothing, as replaceEachRepeatedly does. It gives up after one pass more than there are keys, as
 * replaceEachRepeatedly does: by then a placeholder that still resolves leads back to itself (a cycle such as
 * `a: "${b}", b: "${a}"`), which CloudFormation either rejects or leaves unresolved, depending on the
 * library's version; either way the pack cannot say what runs, so that is a problem, not a text.
 *
 * Values are read only when their placeholder occurs, so an unused value unknown during preview is never
 * read; a used one read through the policy SDK's proxy throws the SDK's error, and one read raw (by a stack
 * policy) is reported as a problem.
 */
export function substitute(text: string, substitutions: JsonObject): SubstitutedText {
  const keys = Object.keys(substitutions);
  const unsupported = keys.find((key) => key.includes("}"));
  if (unsupported !== undefined) {
    // A key holding "}" can overlap another key's placeholder, where CloudFormation's choice follows the
    // order of its map, which the pack cannot see.
    return { ok: false, problem: `its definitionSubstitutions key ${JSON.stringify(unsupported)} holds "}"` };
  }
  const limit = Math.max(MAX_DEFINITION_LENGTH, text.length);
  const values = new Map<string, string | null>();
  const valueOf = (key: string): string | null | { problem: string } => {
    const known = values.get(key);
    if (known !== undefined) return known;
    const value: unknown = substitutions[key];
    if (isUnknown(value))
      return { problem: `its definitionSubstitutions value for "${key}" is unknown during preview` };
    if (value !== null && value !== undefined && typeof value === "object") {
      return { problem: `its definitionSubstitutions value for "${key}" is not a string, number or boolean` };
    }
    // replaceEachRepeatedly skips a key whose replacement is null.
    const replacement = value === null || value === undefined ? null : String(value);
    values.set(key, replacement);
    return replacement;
  };
  const keySet = new Set(keys);
  let current = text;
  let scanned = 0;
  for (let pass = 0; pass <= keys.length; pass++) {
    scanned += current.length;
    if (scanned > MAX_SCANNED) {
      return {
        ok: false,
        problem: `its definitionSubstitutions still change it after ${pass} passes over ${current.length} characters, more than the pack reads`,
      };
    }
    const result = substitutePass(current, keySet, valueOf, limit);
    if ("problem" in result) return { ok: false, problem: result.problem };
    if (!result.changed) return { ok: true, text: current };
    current = result.text;
  }
  const again = substitutePass(current, keySet, valueOf, limit);
  if ("problem" in again) return { ok: false, problem: again.problem };
  if (!again.changed) return { ok: true, text: current };
  return {
    ok: false,
    problem: `its definitionSubstitutions never settle: after ${keys.length + 1} passes a placeholder still resolves, so a value leads back to itself`,
  };
}

/**
 * One left-to-right pass: at each `${`, the text up to the next `}` names the key (keys hold no `}`), and
 * scanning resumes after the replaced placeholder. Linear in the text: the next `}` is found once per `}`.
 */
function substitutePass(
  text: string,
  keys: ReadonlySet<string>,
  valueOf: (key: string) => string | null | { problem: string },
  limit: number,
): { text: string; changed: boolean } | { problem: string } {
  const parts: string[] = [];
  let length = 0;
  let copied = 0;
  let changed = false;
  let close = -1;
  for (let open = text.indexOf("${"); open !== -1;) {
    if (close < open + 2) {
      close = text.indexOf("}", open + 2);
      // No "}" after this point: no placeholder can complete.
      if (close === -1) break;
    }
    const key = text.slice(open + 2, close);
    const value = keys.has(key) ? valueOf(key) : null;
    if (value !== null && typeof value === "object") return value;
    if (value === null) {
      open = text.indexOf("${", open + 1);
      continue;
    }
    parts.push(text.slice(copied, open), value);
    length += open - copied + value.length;
    if (length > limit) {
      return {
        problem: `its definitionSubstitutions make it longer than ${limit} characters, the most Step Functions accepts`,
      };
    }
    copied = close + 1;
    changed = true;
    open = text.indexOf("${", copied);
  }
  if (!changed) return { text, changed };
  parts.push(text.slice(copied));
  if (length + text.length - copied > limit) {
    return {
      problem: `its definitionSubstitutions make it longer than ${limit} characters, the most Step Functions accepts`,
    };
  }
  return { text: parts.join(""), changed };
}

/**
 * Serialises a `definition` object for substitution. CloudFormation serialises it with Jackson, keys sorted,
 * before substituting; keys are sorted here too, so that fields a substitution adds land in the same order
 * and a duplicate field resolves the same way. Whitespace differs, which cannot matter: a placeholder without
 * `"` or `\` matches only within one JSON string, whose content both serialisers write alike. Iterative, so
 * a deeply nested definition cannot overflow the stack. Every value is read, so one unknown during preview
 * throws the SDK's error when read through its proxy.
 */
export function serialiseSorted(value: unknown): string {
  const out: string[] = [];
  // Each entry is a value to write, or a literal piece of punctuation.
  const pending: ({ value: unknown } | { text: string })[] = [{ value }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    if ("text" in item) {
      out.push(item.text);
      continue;
    }
    const current = item.value;
    if (Array.isArray(current)) {
      const items: ({ value: unknown } | { text: string })[] = [{ text: "[" }];
      current.forEach((element: unknown, index) => {
        if (index > 0) items.push({ text: "," });
        items.push({ value: element === undefined ? null : element });
      });
      items.push({ text: "]" });
      for (let i = items.length - 1; i >= 0; i--) pending.push(items[i]);
    } else if (isJsonObject(current)) {
      const items: ({ value: unknown } | { text: string })[] = [{ text: "{" }];
      const keys = Object.keys(current).sort();
      let first = true;
      for (const key of keys) {
        const field: unknown = current[key];
        if (field === undefined) continue;
        items.push({ text: `${first ? "" : ","}${JSON.stringify(key)}:` }, { value: field });
        first = false;
      }
      items.push({ text: "}" });
      for (let i = items.length - 1; i >= 0; i--) pending.push(items[i]);
    } else {
      out.push(JSON.stringify(current) ?? "null");
    }
  }
  return out.join("");
}

/** A key whose placeholder could match across the serialised JSON's punctuation or escapes (see above). */
export function keyOutsideOneString(substitutions: JsonObject): string | undefined {
  return Object.keys(substitutions).find((key) => key.includes('"') || key.includes("\\"));
}

// Helpers for JSON written by other teams: nothing here trusts the shape of its input.

/** A JSON object whose fields are not yet known to have any particular type. */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Names the kind of a JSON value for a message: "missing", "null", "an array", "a number"... */
export function describeJsonValue(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (isJsonObject(value)) return "an object";
  return `a ${typeof value}`;
}

/**
 * Parses a JSON string, or passes on a value that is already parsed. Only JSON.parse is guarded: any other
 * error, such as the SDK's error for a value that is unknown during preview, must reach the policy SDK, which
 * reports that the policy could not run.
 */
export function parseJson(raw: unknown): { ok: true; value: unknown } | { ok: false; problem: string } {
  if (typeof raw !== "string") return { ok: true, value: raw };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch (err) {
    return { ok: false, problem: `it is not valid JSON (${(err as Error).message})` };
  }
}

/** Parses a JSON string or takes a parsed value, and requires a JSON object. */
export function parseJsonObject(
  raw: unknown,
): { ok: true; value: JsonObject } | { ok: false; problem: string } {
  const parsed = parseJson(raw);
  if (!parsed.ok) return parsed;
  if (!isJsonObject(parsed.value)) return { ok: false, problem: `it is ${describeJsonValue(parsed.value)}` };
  return { ok: true, value: parsed.value };
}

/**
 * The first key that one object of a JSON text gives twice, or undefined. JSON.parse silently keeps the last
 * of them; a reader that keeps the first, or rejects the text, sees another document. For text that is known
 * to parse: a linear scan that tracks, for each open object, the keys it has seen.
 */
export function duplicateKey(text: string): string | undefined {
  // One entry per open container: the keys of an object, or null for an array.
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = text.indexOf('"', i + 1);
      // A quote preceded by an odd number of backslashes is escaped.
      for (;;) {
        let backslashes = 0;
        while (text[end - 1 - backslashes] === "\\") backslashes++;
        if (backslashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      const keys = open[open.length - 1];
      if (expectKey && keys) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === "{") {
      open.push(new Set());
      expectKey = true;
    } else if (c === "[") {
      open.push(null);
    } else if (c === "}" || c === "]") {
      open.pop();
    } else if (c === ",") {
      expectKey = open.length > 0 && open[open.length - 1] !== null;
    }
  }
  return undefined;
}

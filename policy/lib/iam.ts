// Reading IAM policy documents written by any team: Statement, Action and Resource may each be a single value
// or an array, and nothing else about the shape is trusted.
import { describeJsonValue, isJsonObject, JsonObject, parseJsonObject } from "./json";

/** A statement with the words that name it in a message: `Statement "Sid"`, or `Statement [index]`. */
export interface NamedStatement {
  name: string;
  statement: JsonObject;
}

export type ParsedPolicyDocument =
  { ok: true; statements: NamedStatement[] } | { ok: false; problem: string };

/** Parses a policy document given as a JSON string or as an object (the aws SDK accepts both). */
export function parsePolicyDocument(raw: unknown): ParsedPolicyDocument {
  const parsed = parseJsonObject(raw);
  if (!parsed.ok) {
    return parsed;
  }
  const document = parsed.value;
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  if (!statements.some(isJsonObject)) {
    return { ok: false, problem: `its Statement is ${describeJsonValue(document.Statement)}` };
  }
  const named: NamedStatement[] = [];
  statements.forEach((statement: unknown, index) => {
    if (!isJsonObject(statement)) return;
    const name =
      typeof statement.Sid === "string" && statement.Sid !== "" ? `"${statement.Sid}"` : `[${index}]`;
    named.push({ name: `Statement ${name}`, statement });
  });
  return { ok: true, statements: named };
}

/** A single string or an array of values, as IAM allows for Action and Resource, keeping only the strings. */
export function stringList(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/**
 * Whether an Allow statement grants the action, either by listing it in Action (with IAM's `*` and `?`
 * wildcards, case-insensitively) or by leaving it out of NotAction.
 */
export function allowsAction(statement: JsonObject, action: string): boolean {
  return effectOf(statement) === "allow" && appliesToAction(statement, action);
}

/** "allow", "deny", or undefined for a statement without a readable Effect. */
export function effectOf(statement: JsonObject): "allow" | "deny" | undefined {
  const effect = typeof statement.Effect === "string" ? statement.Effect.toLowerCase() : undefined;
  return effect === "allow" || effect === "deny" ? effect : undefined;
}

/** Whether a statement, whatever its Effect, applies to the action through Action or NotAction. */
export function appliesToAction(statement: JsonObject, action: string): boolean {
  if (statement.Action !== undefined) {
    return stringList(statement.Action).some((pattern) => matchesWildcard(pattern, action));
  }
  if (statement.NotAction !== undefined) {
    return !stringList(statement.NotAction).some((pattern) => matchesWildcard(pattern, action));
  }
  return false;
}

/**
 * Whether a string matches an IAM pattern, where `*` stands for any characters and `?` for one,
 * case-insensitively, as IAM compares actions.
 */
export function matchesWildcard(pattern: string, value: string): boolean {
  return wildcardMatch(pattern.toLowerCase(), value.toLowerCase());
}

/** Whether an ARN matches an IAM Resource pattern: case-sensitively, as IAM compares resources. */
export function matchesResource(pattern: string, arn: string): boolean {
  return wildcardMatch(pattern, arn);
}

/**
 * Greedy matching that backtracks only to the last `*`: at most pattern length times value length steps,
 * where a regular expression built from a hostile pattern such as `*a*a*a*a*b` can take exponential time.
 */
function wildcardMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resume = 0;
  while (v < value.length) {
    if (p < pattern.length && (pattern[p] === "?" || pattern[p] === value[v])) {
      p++;
      v++;
    } else if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      resume = v;
    } else if (star !== -1) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === "*") p++;
  return p === pattern.length;
}

/**
 * Whether a Resource pattern can match some ARN of the service: `arn:partition:service:region:account:...`,
 * where only "arn" and the service are fixed, and a wildcard in the pattern's last part matches the whole rest
 * of such an ARN.
 */
export function mayMatchServiceArn(pattern: string, service: string): boolean {
  const parts = pattern.split(":");
  for (let i = 0; i < Math.min(parts.length, 5); i++) {
    const expected = i === 0 ? "arn" : i === 2 ? service : undefined;
    if (expected !== undefined && !matchesWildcard(parts[i], expected)) return false;
    if (i === parts.length - 1) return hasWildcard(parts[i]);
  }
  return true;
}

export function hasWildcard(value: string): boolean {
  return value.includes("*") || value.includes("?");
}

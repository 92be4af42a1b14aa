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
  if (typeof statement.Effect !== "string" || statement.Effect.toLowerCase() !== "allow") return false;
  if (statement.Action !== undefined) {
    return stringList(statement.Action).some((pattern) => matchesWildcard(pattern, action));
  }
  if (statement.NotAction !== undefined) {
    return !stringList(statement.NotAction).some((pattern) => matchesWildcard(pattern, action));
  }
  return false;
}

/** Whether a string matches an IAM pattern, where `*` stands for any characters and `?` for one. */
export function matchesWildcard(pattern: string, value: string): boolean {
  const source = pattern
    .split("")
    .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[\\^$.|+()[\]{}]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "is").test(value);
}

export function hasWildcard(value: string): boolean {
  return value.includes("*") || value.includes("?");
}

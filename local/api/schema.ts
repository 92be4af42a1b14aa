/**
 * A checker for the slice of OpenAPI 3.0 schemas that api/order-api.openapi.yaml uses. Small on
 * purpose: the contract must stay within these keywords, and an unknown keyword is reported rather
 * than silently ignored, so the contract cannot say more than the local API checks.
 */

export interface Schema {
  readonly $ref?: string;
  readonly type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  readonly nullable?: boolean;
  readonly enum?: readonly unknown[];
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: boolean;
  readonly items?: Schema;
  readonly minItems?: number;
  readonly minimum?: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly oneOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
  readonly description?: string;
}

const knownKeywords = new Set([
  "$ref",
  "type",
  "nullable",
  "enum",
  "required",
  "properties",
  "additionalProperties",
  "items",
  "minItems",
  "minimum",
  "minLength",
  "pattern",
  "oneOf",
  "allOf",
  "description",
]);

/** Resolves a `#/components/schemas/<name>` reference. */
export type ResolveRef = (ref: string) => Schema;

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** The problems of `value` against `schema`, each prefixed with where it is (`body.items[0].quantity`). */
export function check(schema: Schema, value: unknown, at: string, resolve: ResolveRef): string[] {
  const unknown = Object.keys(schema).filter((keyword) => !knownKeywords.has(keyword));
  if (unknown.length > 0) {
    return [
      `${at}: the schema uses ${unknown.join(", ")}, which the local contract checker does not support`,
    ];
  }
  if (schema.$ref !== undefined) return check(resolve(schema.$ref), value, at, resolve);
  if (schema.allOf !== undefined) {
    const problems = schema.allOf.flatMap((part) => check(part, value, at, resolve));
    if (problems.length > 0) return problems;
  }
  if (schema.oneOf !== undefined) {
    const matching = schema.oneOf.filter((option) => check(option, value, at, resolve).length === 0).length;
    if (matching !== 1)
      return [`${at}: matches ${matching} of the ${schema.oneOf.length} allowed shapes, not exactly one`];
  }
  if (value === null)
    return schema.nullable ? [] : schema.type === undefined ? [] : [`${at}: must not be null`];
  if (schema.type !== undefined) {
    const actual = typeOf(value);
    const ok = actual === schema.type || (schema.type === "number" && actual === "integer");
    if (!ok) return [`${at}: expected ${schema.type}, got ${actual}`];
  }
  const problems: string[] = [];
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    problems.push(`${at}: must be one of ${schema.enum.join(", ")}`);
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${at}: too short`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
      problems.push(`${at}: does not match ${schema.pattern}`);
    }
  }
  if (typeof value === "number" && schema.minimum !== undefined && value < schema.minimum) {
    problems.push(`${at}: must be at least ${schema.minimum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      problems.push(`${at}: needs at least ${schema.minItems} item(s)`);
    }
    if (schema.items !== undefined) {
      const items = schema.items;
      value.forEach((item, index) => problems.push(...check(items, item, `${at}[${index}]`, resolve)));
    }
  }
  if (typeOf(value) === "object") {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (!(name in object)) problems.push(`${at}.${name}: is required`);
    }
    for (const [name, property] of Object.entries(object)) {
      const propertySchema = schema.properties?.[name];
      if (propertySchema !== undefined) {
        problems.push(...check(propertySchema, property, `${at}.${name}`, resolve));
      } else if (schema.additionalProperties === false) {
        problems.push(`${at}.${name}: is not in the contract`);
      }
    }
  }
  return problems;
}

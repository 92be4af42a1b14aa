import type { FieldKind } from "./responses";

/** One Choice rule of the JSONPath Amazon States Language. */
export type ChoiceRule = Record<string, unknown>;

/**
 * Rules that send a value whose fields are missing or of the wrong kind to `next`. Each field's
 * presence is tested before its kind: Choice rules run in order, and a type test on a missing
 * path would itself raise `States.Runtime`. Every negative test is written `Not {... : true}`,
 * which means the same to Step Functions: the local engine never matches `IsPresent`, `IsString`
 * or `IsNumeric` set to false.
 */
export function malformedRules(
  prefix: string,
  fields: Readonly<Record<string, FieldKind>>,
  next: string,
): ChoiceRule[] {
  return Object.entries(fields).flatMap(([name, kind]) => {
    const variable = `${prefix}.${name}`;
    switch (kind) {
      case "present":
        return [{ Not: { Variable: variable, IsPresent: true }, Next: next }];
      case "nonEmptyList":
        return [{ Not: { Variable: `${variable}[0]`, IsPresent: true }, Next: next }];
      case "string":
      case "number":
        return [
          { Not: { Variable: variable, IsPresent: true }, Next: next },
          { Not: { Variable: variable, [kind === "string" ? "IsString" : "IsNumeric"]: true }, Next: next },
        ];
    }
  });
}

/**
 * Characters that let an id change which route a path reaches: a segment separator (`/`, and `\`
 * that some servers read as one) or an escape (`%2F`). `StringMatches` has only the `*` wildcard
 * in Step Functions, and the local engine reads `?` as a wildcard too, so `?` and `#` are not
 * tested here: they cannot leave the route, and the contract's id pattern, checked by the order
 * service when it creates the cart, refuses them.
 */
const pathSteeringCharacters = ["/", "\\", "%"] as const;

/** The `*` and `\` of a StringMatches pattern must be escaped with `\` to stand for themselves. */
const literal = (character: string): string => character.replace(/[*\\]/g, (c) => `\\${c}`);

/**
 * A rule matching a string (already known to be one) that would not stay one path segment: empty,
 * a dot segment that the URL would resolve away, or containing a separator or an escape.
 */
export function steersPath(variable: string, next: string): ChoiceRule {
  return {
    Or: [
      ...["", ".", ".."].map((value) => ({ Variable: variable, StringEquals: value })),
      ...pathSteeringCharacters.map((character) => ({
        Variable: variable,
        StringMatches: `*${literal(character)}*`,
      })),
    ],
    Next: next,
  };
}

/**
 * EventBridge event-pattern matching, for the operators the safety net's rule uses. No well-kept
 * npm package implements EventBridge's matcher (AWS's own, event-ruler, is Java), so this is a
 * small one, written from the EventBridge user guide's "Event patterns" and "Content filtering"
 * pages: a field matches when its value (or, for an array, one of its elements) equals one of the
 * listed values or meets one of the listed filters; `$or` matches when one of its patterns does.
 * Operators it does not implement are refused, never treated as a match.
 */
export type EventPattern = { readonly [field: string]: unknown };

export class UnsupportedPatternError extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

type Scalar = string | number | boolean | null;
const isScalar = (value: unknown): value is Scalar =>
  value === null || ["string", "number", "boolean"].includes(typeof value);

/** One filter of a field's list against a present scalar value, or against absence (`undefined`). */
function filterMatches(filter: unknown, value: Scalar | undefined, at: string): boolean {
  if (isScalar(filter)) return value !== undefined && value === filter;
  if (!isObject(filter) || Object.keys(filter).length !== 1) {
    throw new UnsupportedPatternError(`${at}: unsupported filter ${JSON.stringify(filter)}`);
  }
  const [operator, operand] = Object.entries(filter)[0];
  switch (operator) {
    case "exists":
      return (value !== undefined) === operand;
    case "prefix":
      return typeof value === "string" && typeof operand === "string" && value.startsWith(operand);
    case "anything-but": {
      // Like every filter but `exists: false`, it matches only a field that is present.
      if (value === undefined) return false;
      const excluded = Array.isArray(operand) ? operand : [operand];
      if (!excluded.every(isScalar)) {
        throw new UnsupportedPatternError(`${at}: unsupported anything-but ${JSON.stringify(operand)}`);
      }
      return !excluded.includes(value);
    }
    default:
      throw new UnsupportedPatternError(`${at}: unsupported operator ${operator}`);
  }
}

function fieldMatches(filters: unknown, value: unknown, at: string): boolean {
  if (isObject(filters)) return isObject(value) && objectMatches(filters, value, at);
  if (!Array.isArray(filters)) {
    throw new UnsupportedPatternError(`${at}: a pattern field must be a list or an object`);
  }
  const values: (Scalar | undefined)[] =
    value === undefined
      ? [undefined]
      : Array.isArray(value)
        ? value.filter(isScalar)
        : isScalar(value)
          ? [value]
          : [];
  return values.some((candidate) => filters.some((filter) => filterMatches(filter, candidate, at)));
}

function objectMatches(pattern: EventPattern, event: Readonly<Record<string, unknown>>, at: string): boolean {
  return Object.entries(pattern).every(([field, filters]) => {
    if (field === "$or") {
      if (!Array.isArray(filters) || !filters.every(isObject)) {
        throw new UnsupportedPatternError(`${at}.$or: must be a list of patterns`);
      }
      return filters.some((alternative) => objectMatches(alternative, event, at));
    }
    return fieldMatches(filters, event[field], `${at}.${field}`);
  });
}

/** Whether EventBridge would deliver `event` to a rule with this pattern. */
export function matchesEventPattern(pattern: EventPattern, event: object): boolean {
  return objectMatches(pattern, event as Readonly<Record<string, unknown>>, "pattern");
}

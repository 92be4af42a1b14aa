/**
 * IAM's evaluation of a statement's Condition block for the operators the project's policies use
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
 * StringEquals exactly; StringLike, ArnEquals and ArnLike with `*` (any characters) and `?` (one).
 * Every operator and every key must hold; a key the request lacks fails its operator.
 */
const glob = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  ).test(value);

const operators: Readonly<Record<string, (expected: string, actual: string) => boolean>> = {
  StringEquals: (expected, actual) => expected === actual,
  StringLike: glob,
  ArnEquals: glob,
  ArnLike: glob,
};

export function conditionHolds(
  condition: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>,
  request: Readonly<Record<string, string>>,
): boolean {
  return Object.entries(condition).every(([operator, keys]) => {
    const test = operators[operator];
    if (test === undefined) throw new Error(`conditionHolds: operator ${operator} is not modelled`);
    return Object.entries(keys).every(([key, expected]) => {
      const actual = request[key];
      return actual !== undefined && [expected].flat().some((value) => test(value, actual));
    });
  });
}

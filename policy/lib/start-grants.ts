// The start grants of a role, indexed: a start names one literal ARN, so a grant's literal ARN is looked up
// and only its patterns and NotResource statements are tried on each start.
import { matchesResource, hasWildcard } from "./iam";
import { InvokeStatement } from "./stack-roles";

export interface StartIndex {
  exact: Map<string, InvokeStatement[]>;
  patterned: { pattern: string; statement: InvokeStatement }[];
  notResource: InvokeStatement[];
}

export function indexStarts(statements: InvokeStatement[]): StartIndex {
  const index: StartIndex = { exact: new Map(), patterned: [], notResource: [] };
  for (const statement of statements) {
    if (statement.notResources !== undefined) {
      index.notResource.push(statement);
      continue;
    }
    for (const pattern of statement.resources ?? []) {
      if (hasWildcard(pattern)) {
        index.patterned.push({ pattern, statement });
      } else {
        index.exact.set(pattern, [...(index.exact.get(pattern) ?? []), statement]);
      }
    }
  }
  return index;
}

/** The statements whose Resource (or NotResource) takes in the ARN, in no particular order. */
export function startGrantsOf(index: StartIndex, arn: string): InvokeStatement[] {
  return [
    ...(index.exact.get(arn) ?? []),
    ...index.patterned.filter(({ pattern }) => matchesResource(pattern, arn)).map((p) => p.statement),
    ...index.notResource.filter((s) => !(s.notResources ?? []).some((p) => matchesResource(p, arn))),
  ];
}

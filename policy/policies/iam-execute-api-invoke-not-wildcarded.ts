import { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { knownManagedPolicy } from "../lib/aws-managed-policies";
import { allowsAction, hasWildcard, mayMatchServiceArn, parsePolicyDocument, stringList } from "../lib/iam";
import { permissionSources } from "../lib/iam-resources";
import { joinClauses } from "../lib/text";

const INVOKE = "execute-api:Invoke";

/** The segments of `arn:partition:execute-api:region:account:apiId/stage/METHOD/path` that must be named. */
const NAMED_SEGMENTS = ["API id", "stage", "method"];

export const iamExecuteApiInvokeNotWildcarded: ResourceValidationPolicy = {
  name: "iam-execute-api-invoke-not-wildcarded",
  description:
    "IAM policies allow execute-api:Invoke only on a named API id, stage and method, so a workflow cannot call any other API or route.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const sources = permissionSources(args.type, args.props);
    if (sources === undefined) {
      return args.notApplicable("Policy only applies to IAM resources that define or attach policies");
    }
    for (const { source, document, policyArn } of sources) {
      if (policyArn === undefined) {
        checkDocument(source, document, reportViolation);
        continue;
      }
      // Customer managed policies are checked as the resources that define them; AWS's own are known by ARN.
      const managed = knownManagedPolicy(policyArn);
      if (managed !== undefined) checkDocument(`AWS ${source}`, managed, reportViolation);
    }
  },
};

function checkDocument(source: string, document: unknown, reportViolation: ReportViolation): void {
  const of = source === "" ? "" : ` of ${source}`;
  const parsed = parsePolicyDocument(document);
  if (!parsed.ok) {
    const subject = source === "" ? "The policy document" : capitalise(source);
    reportViolation(`${subject} must be a JSON object with a Statement, but ${parsed.problem}.`);
    return;
  }
  for (const { name, statement } of parsed.statements) {
    if (!allowsAction(statement, INVOKE)) continue;
    if (statement.NotResource !== undefined) {
      // Allow with NotResource grants every API except the ones listed.
      reportViolation(
        `${name}${of} must list the APIs it allows ${INVOKE} on in Resource, not in NotResource.`,
      );
    }
    for (const resource of stringList(statement.Resource)) {
      const wildcarded = wildcardedSegments(resource);
      if (wildcarded.length > 0) {
        reportViolation(
          `${name}${of} must allow ${INVOKE} only on a named API id, stage and method, but "${resource}" leaves the ${joinClauses(wildcarded)} open.`,
        );
      }
    }
  }
}

/**
 * The API id, stage and method segments a Resource leaves open to any value. Resources that cannot match an
 * execute-api ARN (another service's ARN, say) leave nothing open. IAM's `*` matches across `:` and `/`, so a
 * wildcard in a segment also opens every segment after it that the pattern does not spell out.
 */
function wildcardedSegments(resource: string): string[] {
  if (!mayMatchServiceArn(resource, "execute-api")) return [];
  const parts = resource.split(":");
  // A wildcard in a pattern's part before the API's matches the whole rest of an execute-api ARN.
  if (parts.length <= 5) return hasWildcard(parts[parts.length - 1]) ? NAMED_SEGMENTS : [];
  const segments = parts.slice(5).join(":").split("/");
  const open: string[] = [];
  NAMED_SEGMENTS.forEach((label, index) => {
    const segment = segments[index];
    // A missing segment is open when a wildcard before it can stand in for it.
    if (segment === undefined ? open.length > 0 : hasWildcard(segment)) {
      open.push(label);
    }
  });
  return open;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// How an execute-api grant pattern relates to a call: the ARNs a call may have, whether a pattern covers all of
// them, reaches some of them, or allows nothing beyond them.
import { ApiCall, DYNAMIC } from "./api-calls";
import { matchesResource } from "./iam";

/** `<apiId>/<stage>/<METHOD>/<path>`, the part of the call's ARN after its fifth colon. */
function resourceOf(call: ApiCall, dynamic: string): string {
  return `${call.apiId}/${call.stage}/${call.method}/${call.path.split(DYNAMIC).join(dynamic)}`;
}

/** What ArnPatternIndex.candidates takes for the call: its resource, and where its run-time parts begin. */
export function candidateArgs(call: ApiCall): [string, (index: number) => boolean] {
  const resource = resourceOf(call, DYNAMIC);
  return [resource, isOpen(resource)];
}

/** Where a run-time part of the call's resource (see resourceOf) begins. */
function isOpen(resource: string): (index: number) => boolean {
  return (index) => resource.startsWith(DYNAMIC, index);
}

/**
 * The execute-api ARN of a call, `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>`,
 * with `dynamic` for each part of the path set at run time.
 */
export function callArn(call: ApiCall, partition: string, account: string, dynamic: string): string {
  return `arn:${partition}:execute-api:${call.region}:${account}:${resourceOf(call, dynamic)}`;
}

/**
 * The ARN to match a pattern against. The definition does not say which account the API is in (its host
 * names only the API id and region), and the API may be another account's: the pattern's own account is taken,
 * so that the grant is judged by the API it names. The partition is the role's, or while that is unknown
 * (during preview) the pattern's own.
 */
function arnFor(pattern: string, call: ApiCall, partition: string | undefined, dynamic: string): string {
  const parts = pattern.split(":");
  return callArn(call, partition ?? parts[1] ?? "aws", parts[4] ?? "*", dynamic);
}

/** Whether the pattern matches every ARN the call may have. */
export function patternCovers(pattern: string, call: ApiCall, partition?: string): boolean {
  return matchesResource(pattern, arnFor(pattern, call, partition, DYNAMIC));
}

/** Whether the pattern matches some ARN the call may have. */
export function patternReaches(pattern: string, call: ApiCall, partition?: string): boolean {
  return (
    patternCovers(pattern, call, partition) || matchesResource(arnFor(pattern, call, partition, "*"), pattern)
  );
}

/**
 * Whether the pattern allows no API, stage, method or path beyond the call's: the call's ARN, read as a
 * pattern with `*` for its run-time parts, matches the pattern's text after its fifth colon. Region and
 * account are left to iam-execute-api-invoke-not-wildcarded, which allows wildcards there.
 */
export function patternFits(pattern: string, call: ApiCall): boolean {
  const parts = pattern.split(":");
  return parts.length === 6 && matchesResource(resourceOf(call, "*"), parts[5]);
}

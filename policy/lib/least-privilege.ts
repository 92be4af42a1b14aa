// Compares what each state machine's role may invoke with what its definition calls: its API Gateway routes, and
// the state machines it starts. Shared by the mandatory stack policy (violations) and its advisory twin (what
// could not be verified), so both see the same facts.
import { PolicyResource } from "@pulumi/policy";
import { ApiCall, apiGatewayCalls, DYNAMIC, OpenCall } from "./api-calls";
import {
  ExecutionStart,
  executionStarts,
  OpenStart,
  START_EXECUTION,
  START_SYNC_EXECUTION,
} from "./execution-starts";
import { hasWildcard, matchesResource } from "./iam";
import { isUnknown, rawProps } from "./unknowns";
import { definitionOf, STATE_MACHINE_TYPES } from "./state-machine";
import { InvokeStatement, StackRoles } from "./stack-roles";
import { joinClauses } from "./text";

export interface Finding {
  /** The resource the finding is reported on. */
  urn: string;
  message: string;
}

export interface LeastPrivilegeFindings {
  /** Calls the role cannot make, and grants no call uses. */
  violations: Finding[];
  /** What the pack could not verify, and why. */
  unverified: Finding[];
}

interface StateMachineCalls {
  stateMachine: PolicyResource;
  calls: ApiCall[];
  open: OpenCall[];
  starts: ExecutionStart[];
  openStarts: OpenStart[];
}

/**
 * For every state machine of the stack: each API Gateway call its definition makes must be allowed to its role,
 * and (with `reportUnusedGrants`) each execute-api:Invoke grant its role has must be used by a call of some
 * state machine running as that role. Likewise each state machine a Task starts, whose StartExecution or
 * StartSyncExecution grant must name exactly the ARNs started: a wildcard there is reported as well. Roles no
 * state machine runs as are not judged here.
 */
export function checkStateMachineRoles(
  resources: readonly PolicyResource[],
  options: { reportUnusedGrants: boolean },
): LeastPrivilegeFindings {
  const findings: LeastPrivilegeFindings = { violations: [], unverified: [] };
  const roles = new StackRoles(resources);
  const byRole = new Map<PolicyResource, StateMachineCalls[]>();
  const unreadableDefinitions = new Set<PolicyResource>();

  for (const stateMachine of resources.filter((r) => STATE_MACHINE_TYPES.includes(r.type))) {
    const lookup = roles.roleOf(stateMachine);
    const calls = callsOf(stateMachine);
    const problem = "problem" in lookup ? lookup.problem : "problem" in calls ? calls.problem : undefined;
    if (problem !== undefined) {
      findings.unverified.push({
        urn: stateMachine.urn,
        message: `${subject(stateMachine)}: ${problem}, so the pack cannot verify that its role allows exactly the API Gateway calls it makes.`,
      });
    }
    if (!("role" in lookup)) continue;
    if ("problem" in calls) {
      // Its calls are unknown, so no grant of its role can be shown unused.
      unreadableDefinitions.add(lookup.role);
      continue;
    }
    const list = byRole.get(lookup.role) ?? [];
    list.push({ stateMachine, ...calls });
    byRole.set(lookup.role, list);
  }

  for (const [role, stateMachines] of byRole) {
    checkRole(role, stateMachines, roles, findings, {
      reportUnusedGrants: options.reportUnusedGrants && !unreadableDefinitions.has(role),
    });
  }
  return findings;
}

/**
 * The Allow and Deny statements of `action` that reach the role, and what reaches it that the pack
 * cannot read (so a missing grant may be there): the same for calls and for starts.
 */
function grantsReaching(role: PolicyResource, roles: StackRoles, action?: string) {
  const { statements, unreadable } = roles.grantsOf(role, action);
  return {
    allows: statements.filter((s) => s.effect === "allow"),
    denies: statements.filter((s) => s.effect === "deny"),
    hidden: [...unreadable, ...roles.unlinked.map((what) => `${what}, whose role is unknown during preview`)],
  };
}

function checkRole(
  role: PolicyResource,
  stateMachines: StateMachineCalls[],
  roles: StackRoles,
  findings: LeastPrivilegeFindings,
  options: { reportUnusedGrants: boolean },
): void {
  const { allows, denies, hidden } = grantsReaching(role, roles);
  const account = roleArnPart(role, 4);
  const partition = roleArnPart(role, 1);

  for (const { stateMachine, calls, open } of stateMachines) {
    const byArn = new Map<string, { call: ApiCall; states: string[] }>();
    for (const call of calls) {
      const arn = callArn(call, partition ?? "aws", account ?? "*", "*");
      const entry = byArn.get(arn) ?? { call, states: [] };
      entry.states.push(call.state);
      byArn.set(arn, entry);
    }
    for (const [arn, { call, states }] of byArn) {
      const denied = denies.find((d) => reaches(d, call, partition, account));
      if (!denied && allows.some((a) => covers(a, call, partition, account))) continue;
      const because = denied ? `: ${denied.label} denies it` : "";
      const message = `Role ${role.name} must allow execute-api:Invoke on ${arn}, which ${statesThat(states, stateMachine, "call")}${because}; without it the call fails with 403 at run time.`;
      reportMissing(findings, stateMachine, message, denied ? [] : hidden);
    }
    if (open.length > 0) {
      findings.unverified.push({
        urn: stateMachine.urn,
        message: `${subject(stateMachine)}: ${joinClauses(open.map((o) => `state "${o.state}" calls an API whose target is not in the definition (${o.reason})`))}, so the pack cannot verify that role ${role.name} allows it.`,
      });
    }
  }

  checkStarts(role, stateMachines, roles, findings, options);

  const allCalls = stateMachines.flatMap((s) => s.calls);
  if (!options.reportUnusedGrants || stateMachines.some((s) => s.open.length > 0)) return;
  const names = joinClauses(stateMachines.map((s) => subject(s.stateMachine)));
  for (const grant of allows) {
    for (const pattern of grant.resources ?? [undefined]) {
      const used = allCalls.some((call) =>
        pattern === undefined
          ? covers(grant, call, partition, account)
          : patternReaches(pattern, call, partition, account),
      );
      if (used) continue;
      const what = pattern === undefined ? `every API but ${joinClauses(grant.notResources ?? [])}` : pattern;
      findings.violations.push({
        urn: grant.holder.urn,
        message: `${grant.label} must not allow execute-api:Invoke on ${what} to role ${role.name}: no API Gateway call of ${names} uses it.`,
      });
    }
  }
}

/** The calls a state machine's definition makes, or why they cannot be read. */
function callsOf(
  stateMachine: PolicyResource,
): Omit<StateMachineCalls, "stateMachine"> | { problem: string } {
  const props = rawProps(stateMachine.props);
  for (const key of ["definition", "definitionString"]) {
    if (isUnknown(props[key])) return { problem: "its definition is unknown during preview" };
  }
  const parsed = definitionOf(stateMachine.type, props);
  if (!parsed.ok) return { problem: `its definition cannot be read (${parsed.problem})` };
  const { starts, open: openStarts } = executionStarts(parsed.definition);
  return { ...apiGatewayCalls(parsed.definition), starts, openStarts };
}

/**
 * The state machines the role's state machines start: each must be allowed, and (with `reportUnusedGrants`)
 * each grant of the start actions must name one of them exactly. The start ARNs are literal, so a pattern
 * covers one when it matches it.
 */
function checkStarts(
  role: PolicyResource,
  stateMachines: StateMachineCalls[],
  roles: StackRoles,
  findings: LeastPrivilegeFindings,
  options: { reportUnusedGrants: boolean },
): void {
  for (const action of [START_EXECUTION, START_SYNC_EXECUTION]) {
    const { allows, denies, hidden } = grantsReaching(role, roles, action);
    const started = new Set<string>();
    for (const { stateMachine, starts, openStarts } of stateMachines) {
      const byArn = new Map<string, string[]>();
      for (const start of starts.filter((s) => s.action === action)) {
        byArn.set(start.stateMachineArn, [...(byArn.get(start.stateMachineArn) ?? []), start.state]);
      }
      for (const [arn, states] of byArn) {
        started.add(arn);
        const denied = denies.find((d) => grantMatches(d, arn));
        if (!denied && allows.some((a) => grantMatches(a, arn))) continue;
        const because = denied ? `: ${denied.label} denies it` : "";
        const message = `Role ${role.name} must allow ${action} on ${arn}, which ${statesThat(states, stateMachine, "start")}${because}; without it the Task fails at run time.`;
        reportMissing(findings, stateMachine, message, denied ? [] : hidden);
      }
      const open = openStarts.filter((o) => o.action === action);
      if (open.length > 0) {
        findings.unverified.push({
          urn: stateMachine.urn,
          message: `${subject(stateMachine)}: ${joinClauses(open.map((o) => `state "${o.state}" starts a state machine that is not in the definition (${o.reason})`))}, so the pack cannot verify that role ${role.name} allows ${action} on exactly it.`,
        });
      }
    }

    if (
      !options.reportUnusedGrants ||
      stateMachines.some((s) => s.openStarts.some((o) => o.action === action))
    )
      continue;
    const names = joinClauses(stateMachines.map((s) => subject(s.stateMachine)));
    for (const grant of allows) {
      for (const pattern of grant.resources ?? [undefined]) {
        if (pattern !== undefined && started.has(pattern)) continue;
        const what =
          pattern === undefined
            ? `every state machine but ${joinClauses(grant.notResources ?? [])}`
            : pattern;
        const why =
          pattern === undefined || hasWildcard(pattern)
            ? `it names no one state machine; name ${started.size === 0 ? `none: no Task of ${names} starts one` : `exactly ${joinClauses([...started])}, which ${names} ${stateMachines.length === 1 ? "starts" : "start"}`}`
            : `no Task of ${names} starts it`;
        findings.violations.push({
          urn: grant.holder.urn,
          message: `${grant.label} must not allow ${action} on ${what} to role ${role.name}: ${why}.`,
        });
      }
    }
  }
}

/** Whether a statement's Resource (or NotResource) takes in the ARN. */
function grantMatches(statement: InvokeStatement, arn: string): boolean {
  if (statement.notResources !== undefined) {
    return !statement.notResources.some((pattern) => matchesResource(pattern, arn));
  }
  return (statement.resources ?? []).some((pattern) => matchesResource(pattern, arn));
}

/** `state "A" of state machine orders calls`, `states "A" and "B" of … start`. */
function statesThat(states: string[], stateMachine: PolicyResource, verb: "call" | "start"): string {
  const one = states.length === 1;
  return `${one ? "state" : "states"} ${joinClauses(states.map((s) => `"${s}"`))} of ${subject(stateMachine)} ${one ? `${verb}s` : verb}`;
}

/**
 * A grant the state machine needs and its role lacks: a violation, unless part of what reaches the
 * role is hidden from the pack (`hidden`), which may hold it; then only unverified.
 */
function reportMissing(
  findings: LeastPrivilegeFindings,
  stateMachine: PolicyResource,
  message: string,
  hidden: string[],
): void {
  if (hidden.length > 0) {
    findings.unverified.push({
      urn: stateMachine.urn,
      message: `${message} The pack cannot verify it, as it cannot read all that reaches the role: ${joinClauses(hidden)}.`,
    });
  } else {
    findings.violations.push({ urn: stateMachine.urn, message });
  }
}

function subject(stateMachine: PolicyResource): string {
  return `state machine ${stateMachine.name}`;
}

/** A part of the role's ARN (`arn:partition:iam::account:role/name`), when it is known. */
function roleArnPart(role: PolicyResource, index: number): string | undefined {
  const arn = rawProps(role.props).arn;
  if (typeof arn !== "string" || isUnknown(arn)) return undefined;
  const part = arn.split(":")[index];
  return part === undefined || part === "" ? undefined : part;
}

/**
 * The execute-api ARN of a call, `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>`,
 * with `dynamic` for each part of the path set at run time.
 */
function callArn(call: ApiCall, partition: string, account: string, dynamic: string): string {
  const path = call.path.split(DYNAMIC).join(dynamic);
  return `arn:${partition}:execute-api:${call.region}:${account}:${call.apiId}/${call.stage}/${call.method}/${path}`;
}

/**
 * The ARN to match a pattern against. The definition does not say which account the API is in: the role's is
 * taken, and when that is unknown (during preview) the pattern's own, so that only the rest is compared.
 */
function arnFor(
  pattern: string,
  call: ApiCall,
  partition: string | undefined,
  account: string | undefined,
  dynamic: string,
): string {
  const parts = pattern.split(":");
  return callArn(call, partition ?? parts[1] ?? "aws", account ?? parts[4] ?? "*", dynamic);
}

/** Whether the pattern matches every ARN the call may have. */
function patternCovers(pattern: string, call: ApiCall, partition?: string, account?: string): boolean {
  return matchesResource(pattern, arnFor(pattern, call, partition, account, DYNAMIC));
}

/** Whether the pattern matches some ARN the call may have. */
function patternReaches(pattern: string, call: ApiCall, partition?: string, account?: string): boolean {
  return (
    patternCovers(pattern, call, partition, account) ||
    matchesResource(arnFor(pattern, call, partition, account, "*"), pattern)
  );
}

/** Whether an Allow statement allows every ARN the call may have. */
function covers(statement: InvokeStatement, call: ApiCall, partition?: string, account?: string): boolean {
  if (statement.notResources !== undefined) {
    return !statement.notResources.some((p) => patternReaches(p, call, partition, account));
  }
  return (statement.resources ?? []).some((p) => patternCovers(p, call, partition, account));
}

/** Whether a Deny statement denies some ARN the call may have. */
function reaches(statement: InvokeStatement, call: ApiCall, partition?: string, account?: string): boolean {
  if (statement.notResources !== undefined) {
    return !statement.notResources.some((p) => patternCovers(p, call, partition, account));
  }
  return (statement.resources ?? []).some((p) => patternReaches(p, call, partition, account));
}

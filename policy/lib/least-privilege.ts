// Compares what each state machine's role may invoke with what its definition calls: its API Gateway routes, and
// the state machines it starts. Shared by the mandatory stack policy (violations) and its advisory twin (what
// could not be verified), so both see the same facts.
import { PolicyResource } from "@pulumi/policy";
import { ApiCall, apiGatewayCalls, INVOKE, MANAGE_CONNECTIONS, OpenCall } from "./api-calls";
import { callArn, candidateArgs, patternCovers, patternFits, patternReaches } from "./call-arns";
import {
  ExecutionStart,
  executionStarts,
  OpenStart,
  START_EXECUTION,
  START_SYNC_EXECUTION,
} from "./execution-starts";
import { ArnPatternIndex } from "./grant-index";
import { hasWildcard } from "./iam";
import { isUnknown, rawProps } from "./unknowns";
import { definitionOf, STATE_MACHINE_TYPES } from "./state-machine";
import { InvokeStatement, StackRoles } from "./stack-roles";
import { indexStarts, startGrantsOf } from "./start-grants";
import { DelegatedTask } from "./task-credentials";
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
  /** Calls and starts made as the role a Task's Credentials name. */
  delegated: DelegatedTask[];
}

/**
 * How many items of a list one message names before it says how many more there are: a stack of hundreds of
 * roles, each given every attachment whose role is unknown during preview, would otherwise repeat them all in
 * every advisory.
 */
const LISTED = 3;

/**
 * For every state machine of the stack: each API Gateway call its definition makes must be allowed to its role,
 * and (with `reportUnusedGrants`) each execute-api:Invoke grant its role has must be used by a call of some
 * state machine running as that role, and allow no more than the calls it serves. Likewise each state machine a
 * Task starts, whose StartExecution or StartSyncExecution grant must name exactly the ARNs started: a wildcard
 * there is reported as well. Roles no state machine runs as are not judged here.
 */
export function checkStateMachineRoles(
  resources: readonly PolicyResource[],
  options: { reportUnusedGrants: boolean },
): LeastPrivilegeFindings {
  const findings: LeastPrivilegeFindings = { violations: [], unverified: [] };
  const roles = new StackRoles(resources);
  const unlinked = roles.unlinked.map((what) => `${what}, whose role is unknown during preview`);
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
    const context: RoleContext = {
      role,
      stateMachines,
      roles,
      unlinked,
      findings,
      reportUnusedGrants: options.reportUnusedGrants && !unreadableDefinitions.has(role),
      partition: roleArnPart(role, 1),
      account: roleArnPart(role, 4),
    };
    for (const action of [INVOKE, MANAGE_CONNECTIONS] as const) checkCalls(context, action);
    for (const { stateMachine, open, delegated } of stateMachines) {
      if (open.length > 0) {
        findings.unverified.push({
          urn: stateMachine.urn,
          message: `${subject(stateMachine)}: ${listAtMost(open.map((o) => `state "${o.state}" calls an API whose target is not in the definition (${o.reason})`))}, so the pack cannot verify that role ${role.name} allows it.`,
        });
      }
      if (delegated.length > 0) {
        findings.unverified.push({
          urn: stateMachine.urn,
          message: `${subject(stateMachine)}: ${listAtMost(delegated.map((d) => `state "${d.state}" makes its call as ${d.roleArn === undefined ? "a role chosen at run time" : `role ${d.roleArn}`}`))} (its Credentials), so the pack does not verify that that role allows the call, nor that role ${role.name} may assume it (sts:AssumeRole).`,
        });
      }
    }
    checkStarts(context);
  }
  return findings;
}

interface RoleContext {
  role: PolicyResource;
  stateMachines: StateMachineCalls[];
  roles: StackRoles;
  /** Attachments whose role is unknown during preview: they may reach this role. */
  unlinked: string[];
  findings: LeastPrivilegeFindings;
  reportUnusedGrants: boolean;
  /** The role's partition and account, when its ARN is known. */
  partition?: string;
  account?: string;
}

/**
 * The Allow and Deny statements of `action` that reach the role, and what reaches it that the pack
 * cannot read (so a missing grant may be there): the same for calls and for starts.
 */
function grantsReaching(context: RoleContext, action: string) {
  const { statements, unreadable } = context.roles.grantsOf(context.role, action);
  return {
    allows: statements.filter((s) => s.effect === "allow"),
    denies: statements.filter((s) => s.effect === "deny"),
    hidden: unreadable.concat(context.unlinked),
  };
}

/** An Allow's Resource pattern (undefined for its NotResource), and what the calls of the role make of it. */
interface GrantUse {
  statement: InvokeStatement;
  pattern?: string;
  used: boolean;
  /** Whether some call it serves needs all of it: the pattern allows no ARN beyond that call's. */
  fits: boolean;
  /** The ARNs of the calls it serves, the first LISTED + 1 of them. */
  serves: string[];
  served: number;
}

/** Statements indexed by their Resource patterns, and those with NotResource, which are tried on every call. */
interface StatementIndex<T> {
  index: ArnPatternIndex<T>;
  notResource: { statement: InvokeStatement; value: T }[];
}

function indexStatements<T>(statements: InvokeStatement[], valueOf: (s: InvokeStatement, p?: string) => T) {
  const indexed: StatementIndex<T> = { index: new ArnPatternIndex<T>(), notResource: [] };
  for (const statement of statements) {
    if (statement.notResources !== undefined) {
      indexed.notResource.push({ statement, value: valueOf(statement) });
    } else {
      for (const pattern of statement.resources ?? [])
        indexed.index.add(pattern, valueOf(statement, pattern));
    }
  }
  return indexed;
}

function checkCalls(context: RoleContext, action: ApiCall["action"]): void {
  const { role, stateMachines, findings, partition, account } = context;
  const { allows, denies, hidden } = grantsReaching(context, action);
  const uses: GrantUse[] = [];
  const allowed = indexStatements(allows, (statement, pattern) => {
    const use: GrantUse = { statement, pattern, used: false, fits: false, serves: [], served: 0 };
    uses.push(use);
    return use;
  });
  const denied = indexStatements(denies, (statement) => statement);
  /** Each distinct call of the role's state machines, by its ARN with `*` for run-time parts. */
  const distinct = new Map<string, ApiCall>();

  for (const { stateMachine, calls } of stateMachines) {
    const byArn = new Map<string, { call: ApiCall; states: string[] }>();
    for (const call of calls) {
      if (call.action !== action) continue;
      const arn = callArn(call, partition ?? "aws", account ?? "*", "*");
      const entry = byArn.get(arn) ?? { call, states: [] };
      entry.states.push(call.state);
      byArn.set(arn, entry);
      distinct.set(arn, call);
    }
    for (const [arn, { call, states }] of byArn) {
      const denials = denialsOf(denied, call, partition);
      const unconditional = denials.find((d) => !d.conditional);
      const covered = !unconditional && coveredBy(allowed, call, partition);
      if (covered) {
        const conditional = denials[0];
        if (conditional !== undefined) {
          findings.unverified.push({
            urn: stateMachine.urn,
            message: `Role ${role.name} allows ${action} on ${arn}, which ${statesThat(states, stateMachine, "call")}, but ${conditional.label} denies it when its Condition holds, which the pack cannot evaluate; when it holds, the call fails with 403 at run time.`,
          });
        }
        continue;
      }
      const because = unconditional ? `: ${unconditional.label} denies it` : "";
      const message = `Role ${role.name} must allow ${action} on ${arn}, which ${statesThat(states, stateMachine, "call")}${because}; without it the call fails with 403 at run time.`;
      reportMissing(findings, stateMachine, message, unconditional ? [] : hidden);
    }
  }

  // Only Invoke grants are judged unused: ManageConnections grants are left to the account's own review.
  if (action !== INVOKE || !context.reportUnusedGrants || stateMachines.some((s) => s.open.length > 0))
    return;
  for (const [arn, call] of distinct) markUses(allowed, call, arn, partition);
  const names = joinClauses(stateMachines.map((s) => subject(s.stateMachine)));
  for (const use of uses) {
    const what =
      use.pattern === undefined
        ? `every API but ${joinClauses(use.statement.notResources ?? [])}`
        : use.pattern;
    const prefix = `${use.statement.label} must not allow ${action} on ${what} to role ${role.name}`;
    if (!use.used) {
      findings.violations.push({
        urn: use.statement.holder.urn,
        message: `${prefix}: no API Gateway call of ${names} uses it.`,
      });
    } else if (!use.fits) {
      const more = use.served - use.serves.length;
      const served = joinClauses(more > 0 ? [...use.serves, `${more} more`] : use.serves);
      findings.violations.push({
        urn: use.statement.holder.urn,
        message: `${prefix}: it allows more than the ${use.served === 1 ? "call" : "calls"} of ${names} it serves, ${served}; allow exactly ${use.served === 1 ? "that ARN" : "those ARNs"} instead.`,
      });
    }
  }
}

/** The Deny statements that reach some ARN the call may have, in the order they are written. */
function denialsOf(denied: StatementIndex<InvokeStatement>, call: ApiCall, partition?: string) {
  const found = denied.index
    .candidates(...candidateArgs(call), true)
    .filter(({ pattern }) => patternReaches(pattern, call, partition))
    .map(({ value }) => value);
  for (const { statement } of denied.notResource) {
    if (!(statement.notResources ?? []).some((p) => patternCovers(p, call, partition))) found.push(statement);
  }
  return found;
}

/** Whether some Allow statement allows every ARN the call may have. */
function coveredBy(allowed: StatementIndex<GrantUse>, call: ApiCall, partition?: string): boolean {
  return (
    allowed.index
      .candidates(...candidateArgs(call), false)
      .some(({ pattern }) => patternCovers(pattern, call, partition)) ||
    allowed.notResource.some(
      ({ statement }) => !(statement.notResources ?? []).some((p) => patternReaches(p, call, partition)),
    )
  );
}

/** Marks the grants the call uses, and those it needs in full. */
function markUses(allowed: StatementIndex<GrantUse>, call: ApiCall, arn: string, partition?: string): void {
  const serve = (use: GrantUse) => {
    use.used = true;
    if (use.serves.length < LISTED) use.serves.push(arn);
    use.served++;
  };
  for (const { pattern, value } of allowed.index.candidates(...candidateArgs(call), true)) {
    if (!patternReaches(pattern, call, partition)) continue;
    serve(value);
    if (!value.fits) value.fits = patternFits(pattern, call);
  }
  for (const { statement, value } of allowed.notResource) {
    if (!(statement.notResources ?? []).some((p) => patternReaches(p, call, partition))) serve(value);
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
  const started = executionStarts(parsed.definition);
  const { calls, open, delegated } = apiGatewayCalls(parsed.definition);
  const starts = [...started.starts];
  const openStarts = [...started.open];
  const ownArn = props.arn;
  for (const state of started.distributedMaps) {
    if (typeof ownArn === "string" && !isUnknown(ownArn)) {
      starts.push({ state, action: START_EXECUTION, stateMachineArn: ownArn });
    } else {
      openStarts.push({
        state,
        action: START_EXECUTION,
        reason:
          "it is a Distributed Map, which starts executions of its own state machine, whose ARN is not known yet",
      });
    }
  }
  return { calls, open, starts, openStarts, delegated: [...delegated, ...started.delegated] };
}

/**
 * The state machines the role's state machines start: each must be allowed, and (with `reportUnusedGrants`)
 * each grant of the start actions must name one of them exactly. The start ARNs are literal, so a pattern
 * covers one when it matches it; a StateMachineArn that is itself a pattern names no state machine.
 */
function checkStarts(context: RoleContext): void {
  const { role, stateMachines, findings } = context;
  for (const action of [START_EXECUTION, START_SYNC_EXECUTION]) {
    const { allows, denies, hidden } = grantsReaching(context, action);
    const allowed = indexStarts(allows);
    const denied = indexStarts(denies);
    const started = new Set<string>();
    for (const { stateMachine, starts, openStarts } of stateMachines) {
      const byArn = new Map<string, string[]>();
      for (const start of starts) {
        if (start.action !== action) continue;
        if (hasWildcard(start.stateMachineArn)) {
          findings.violations.push({
            urn: stateMachine.urn,
            message: `State "${start.state}" of ${subject(stateMachine)} must name the state machine it starts, but its StateMachineArn ${start.stateMachineArn} is a pattern; no state machine's name holds * or ?, so the Task fails at run time.`,
          });
          continue;
        }
        const states = byArn.get(start.stateMachineArn) ?? [];
        states.push(start.state);
        byArn.set(start.stateMachineArn, states);
      }
      for (const [arn, states] of byArn) {
        started.add(arn);
        const denials = startGrantsOf(denied, arn);
        const unconditional = denials.find((d) => !d.conditional);
        if (!unconditional && startGrantsOf(allowed, arn).length > 0) {
          const conditional = denials[0];
          if (conditional !== undefined) {
            findings.unverified.push({
              urn: stateMachine.urn,
              message: `Role ${role.name} allows ${action} on ${arn}, which ${statesThat(states, stateMachine, "start")}, but ${conditional.label} denies it when its Condition holds, which the pack cannot evaluate; when it holds, the Task fails at run time.`,
            });
          }
          continue;
        }
        const because = unconditional ? `: ${unconditional.label} denies it` : "";
        const message = `Role ${role.name} must allow ${action} on ${arn}, which ${statesThat(states, stateMachine, "start")}${because}; without it the Task fails at run time.`;
        reportMissing(findings, stateMachine, message, unconditional ? [] : hidden);
      }
      const open = openStarts.filter((o) => o.action === action);
      if (open.length > 0) {
        findings.unverified.push({
          urn: stateMachine.urn,
          message: `${subject(stateMachine)}: ${listAtMost(open.map((o) => `state "${o.state}" starts a state machine that is not in the definition (${o.reason})`))}, so the pack cannot verify that role ${role.name} allows ${action} on exactly it.`,
        });
      }
    }

    if (
      !context.reportUnusedGrants ||
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
            ? `it names no one state machine; name ${started.size === 0 ? `none: no Task of ${names} starts one` : `exactly ${listAtMost([...started])}, which ${names} ${stateMachines.length === 1 ? "starts" : "start"}`}`
            : `no Task of ${names} starts it`;
        findings.violations.push({
          urn: grant.holder.urn,
          message: `${grant.label} must not allow ${action} on ${what} to role ${role.name}: ${why}.`,
        });
      }
    }
  }
}

/** `state "A" of state machine orders calls`, `states "A" and "B" of … start`. */
function statesThat(states: string[], stateMachine: PolicyResource, verb: "call" | "start"): string {
  const one = states.length === 1;
  return `${one ? "state" : "states"} ${listAtMost(states.map((s) => `"${s}"`))} of ${subject(stateMachine)} ${one ? `${verb}s` : verb}`;
}

/** Joins at most LISTED items, and says how many more there are. */
function listAtMost(items: string[]): string {
  if (items.length <= LISTED + 1) return joinClauses(items);
  return joinClauses([...items.slice(0, LISTED), `${items.length - LISTED} more`]);
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
      message: `${message} The pack cannot verify it, as it cannot read all that reaches the role: ${listAtMost(hidden)}.`,
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

// Which statements on an action (execute-api:Invoke, a start) reach each role of a stack, from every resource that defines or attaches
// a policy (lib/iam-resources.ts). Links follow the engine's property dependencies first, as they hold during
// preview when names and ARNs are still unknown, and then the values themselves: a role's name or ARN, a
// managed policy's ARN.
import { PolicyResource } from "@pulumi/policy";
import { INVOKE } from "./api-calls";
import { isAwsManagedPolicyArn, knownManagedPolicy } from "./aws-managed-policies";
import { appliesToAction, effectOf, mayMatchServiceArn, parsePolicyDocument, stringList } from "./iam";
import { PermissionSource, permissionSources, roleLink, ROLE_TYPES } from "./iam-resources";
import { JsonObject } from "./json";
import { isUnknown, rawProps } from "./unknowns";

/** An Allow or Deny statement on an action (execute-api:Invoke unless said otherwise) that reaches a role. */
export interface InvokeStatement {
  effect: "allow" | "deny";
  /** Its Resource patterns that can match an ARN of the action's service; undefined when it uses NotResource. */
  resources?: string[];
  /** Its NotResource patterns. */
  notResources?: string[];
  /**
   * Whether it has a Condition. The pack cannot evaluate one (`aws:RequestedRegion`, `aws:SecureTransport`...),
   * so a conditional Deny may or may not apply to a call; an Allow's Condition is taken to hold.
   */
  conditional: boolean;
  /** e.g. `Statement "InvokeOrderApi" of inline policy "logs" of orders-role`. */
  label: string;
  /** The resource that defines or attaches it: its violations are reported there. */
  holder: PolicyResource;
}

export interface RoleGrants {
  statements: InvokeStatement[];
  /** What may allow or deny execute-api:Invoke to the role but cannot be read, each with the reason. */
  unreadable: string[];
}

export type RoleLookup = { role: PolicyResource } | { problem: string };

/** Customer managed policy types, with the property holding the ARN that attachments name. */
const POLICY_TYPES: ReadonlyMap<string, string> = new Map([
  ["aws:iam/policy:Policy", "arn"],
  ["aws-native:iam:ManagedPolicy", "policyArn"],
]);

/** Indexes a stack's roles, managed policies and policy attachments once, for lookups in constant time. */
export class StackRoles {
  private readonly roleIds = new Map<string, PolicyResource>();
  private readonly policyByArn = new Map<string, PolicyResource>();
  private readonly sourcesByRole = new Map<
    PolicyResource,
    { holder: PolicyResource; source: PermissionSource }[]
  >();
  private readonly added = new Set<string>();
  private readonly unreadableByRole = new Map<PolicyResource, string[]>();
  /** Attachments whose role is unknown during preview and not linked by a dependency: they may reach any role. */
  readonly unlinked: string[] = [];

  constructor(resources: readonly PolicyResource[]) {
    for (const resource of resources) {
      const props = rawProps(resource.props);
      if (ROLE_TYPES.includes(resource.type)) {
        for (const key of ["name", "roleName", "arn", "id"]) {
          if (typeof props[key] === "string" && !isUnknown(props[key]))
            this.roleIds.set(props[key], resource);
        }
      }
      const arnKey = POLICY_TYPES.get(resource.type);
      if (arnKey !== undefined && typeof props[arnKey] === "string" && !isUnknown(props[arnKey])) {
        this.policyByArn.set(props[arnKey], resource);
      }
    }
    for (const resource of resources) this.link(resource);
  }

  /** The role a state machine runs as, through its roleArn. */
  roleOf(stateMachine: PolicyResource): RoleLookup {
    const linked = this.linkedRoles(stateMachine, "roleArn");
    if (linked.roles.length === 1) return { role: linked.roles[0] };
    if (linked.roles.length > 1)
      return { problem: "its roleArn depends on more than one role of this stack" };
    const roleArn = rawProps(stateMachine.props).roleArn;
    if (linked.unknown) {
      return { problem: "its roleArn is unknown during preview and depends on no role of this stack" };
    }
    return {
      problem:
        typeof roleArn === "string"
          ? `its role ${roleArn} is not in this stack, so its grants cannot be read`
          : "it has no roleArn",
    };
  }

  /** Every statement on the action that reaches the role, and what reaches it that cannot be read. */
  grantsOf(role: PolicyResource, action: string = INVOKE): RoleGrants {
    const statements: InvokeStatement[] = [];
    const unreadable = [...(this.unreadableByRole.get(role) ?? [])];
    for (const { holder, source } of this.sourcesByRole.get(role) ?? []) {
      readStatements(holder, source, action, statements, unreadable);
    }
    return { statements, unreadable };
  }

  private link(resource: PolicyResource): void {
    const link = roleLink(resource.type);
    if (link === undefined || link.kind === "none") return;
    const props = rawProps(resource.props);
    let roles: PolicyResource[];
    if (link.kind === "self") {
      roles = [resource];
    } else if (link.property === undefined) {
      // A managed policy reaches roles through the attachments that name it, linked from their side.
      return;
    } else {
      const linked = this.linkedRoles(resource, link.property);
      if (linked.unknown) this.unlinked.push(`${resource.type} ${resource.name}`);
      roles = linked.roles;
    }
    const sources = permissionSources(resource.type, props) ?? [];
    for (const role of roles) {
      for (const source of sources) {
        if (source.policyArn === undefined) {
          this.add(role, resource, source);
        } else {
          this.attach(role, resource, source);
        }
      }
    }
  }

  /** A managed policy attached by ARN: AWS's own known ones, one defined in the stack, or one it cannot read. */
  private attach(role: PolicyResource, holder: PolicyResource, source: PermissionSource): void {
    const arn = source.policyArn;
    const known = knownManagedPolicy(arn);
    if (known !== undefined) {
      this.add(role, holder, { source: `AWS ${source.source}`, document: known });
      return;
    }
    const defined = typeof arn === "string" ? this.policyByArn.get(arn) : undefined;
    const policies = defined
      ? [defined]
      : isUnknown(arn)
        ? this.dependencies(holder, arnProperty(holder.type), [...POLICY_TYPES.keys()])
        : [];
    for (const policy of policies) {
      const document = permissionSources(policy.type, rawProps(policy.props))?.[0];
      if (document) this.add(role, policy, { ...document, source: `managed policy ${policy.name}` });
    }
    if (policies.length > 0) return;
    // An AWS managed policy the pack does not know may allow the calls and starts (AWS adds and edits them):
    // like a policy outside the stack, it turns a missing grant into an advisory, never a violation.
    const why =
      typeof arn !== "string" || isUnknown(arn)
        ? "is unknown during preview"
        : isAwsManagedPolicyArn(arn)
          ? "is an AWS managed policy whose document the pack does not hold"
          : "is not in this stack";
    this.unreadable(role, `${source.source} attached by ${holder.name}, which ${why}`);
  }

  private add(role: PolicyResource, holder: PolicyResource, source: PermissionSource): void {
    // Several unknown ARNs of one list may each resolve to the same dependencies: each is added once.
    const key = `${role.urn}\u0000${holder.urn}\u0000${source.source}`;
    if (this.added.has(key)) return;
    this.added.add(key);
    const list = this.sourcesByRole.get(role) ?? [];
    list.push({ holder, source });
    this.sourcesByRole.set(role, list);
  }

  private unreadable(role: PolicyResource, what: string): void {
    const list = this.unreadableByRole.get(role) ?? [];
    list.push(what);
    this.unreadableByRole.set(role, list);
  }

  /**
   * The roles a property names: those it depends on, else those whose name or ARN it holds. `unknown` says
   * that some value is unknown and no dependency explains it.
   */
  private linkedRoles(
    resource: PolicyResource,
    property: string,
  ): { roles: PolicyResource[]; unknown: boolean } {
    const dependencies = this.dependencies(resource, property, ROLE_TYPES);
    if (dependencies.length > 0) return { roles: dependencies, unknown: false };
    const value = rawProps(resource.props)[property];
    const references = Array.isArray(value) ? value : value === undefined ? [] : [value];
    const roles = new Set<PolicyResource>();
    let unknown = false;
    for (const reference of references) {
      if (isUnknown(reference)) unknown = true;
      const role = typeof reference === "string" ? this.findRole(reference) : undefined;
      if (role) roles.add(role);
    }
    return { roles: [...roles], unknown };
  }

  private findRole(reference: string): PolicyResource | undefined {
    const exact = this.roleIds.get(reference);
    if (exact !== undefined || !reference.startsWith("arn:")) return exact;
    // A role ARN is arn:<partition>:iam::<account>:role/<path><name>. Its name alone finds the stack's role only
    // while that role's ARN is unknown (during preview): a known ARN that differs names a role of another
    // account (or path), however alike their names.
    const byName = this.roleIds.get(reference.split("/").pop() ?? "");
    const arn = byName === undefined ? undefined : rawProps(byName.props).arn;
    return typeof arn === "string" && !isUnknown(arn) ? undefined : byName;
  }

  private dependencies(
    resource: PolicyResource,
    property: string,
    types: readonly string[],
  ): PolicyResource[] {
    const dependencies = resource.propertyDependencies?.[property];
    return Array.isArray(dependencies) ? dependencies.filter((d) => types.includes(d.type)) : [];
  }
}

/** The property holding the ARNs an attaching resource type attaches. */
function arnProperty(type: string): string {
  return type.endsWith(":Role") || type.endsWith(":User") || type.endsWith(":Group")
    ? "managedPolicyArns"
    : type.endsWith("Exclusive")
      ? "policyArns"
      : "policyArn";
}

function readStatements(
  holder: PolicyResource,
  { source, document }: PermissionSource,
  action: string,
  statements: InvokeStatement[],
  unreadable: string[],
): void {
  const of = `${source === "" ? "" : ` of ${source}`} of ${holder.name}`;
  if (isUnknown(document)) {
    unreadable.push(`the policy${of}, which is unknown during preview`);
    return;
  }
  const parsed = parsePolicyDocument(document);
  if (!parsed.ok) {
    unreadable.push(`the policy${of}, which cannot be read: ${parsed.problem}`);
    return;
  }
  for (const { name, statement } of parsed.statements) {
    const effect = effectOf(statement);
    if (effect === undefined || !appliesToAction(statement, action)) continue;
    const label = `${name}${of}`;
    const conditional = statement.Condition !== undefined;
    const patterns = (key: string) => stringList((statement as JsonObject)[key]);
    if ([...patterns("Resource"), ...patterns("NotResource")].some(isUnknown)) {
      unreadable.push(`${label}, whose resources are unknown during preview`);
    } else if (statement.NotResource !== undefined) {
      statements.push({ effect, notResources: patterns("NotResource"), conditional, label, holder });
    } else {
      const service = action.split(":")[0];
      const resources = patterns("Resource").filter((pattern) => mayMatchServiceArn(pattern, service));
      if (resources.length > 0) statements.push({ effect, resources, conditional, label, holder });
    }
  }
}

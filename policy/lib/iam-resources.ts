// Every way a stack's resources hand out IAM permissions, for both providers: documents written inline, and
// managed policies attached by ARN. One table, read by the execute-api wildcard policy (each resource alone)
// and by the stack policy that matches a state machine's role with its definition.
import { isJsonObject, JsonObject } from "./json";

/** One policy document a resource defines, or one managed policy it attaches. */
export interface PermissionSource {
  /** Words naming it in a message, e.g. `inline policy "logs"`; "" for a resource's only document. */
  source: string;
  /** The document (JSON text or object), for a document defined here. */
  document?: unknown;
  /** The managed policy's ARN, for an attachment. */
  policyArn?: unknown;
}

/** How a resource type names the roles its permissions apply to. */
export type RoleLink =
  /** The resource is the role; its own inline policies and managed policy ARNs apply to it. */
  | { kind: "self" }
  /** A property holds a role's name or ARN, or a list of them. */
  | { kind: "property"; property: string }
  /** A managed policy: it applies to whatever attaches its ARN (and to `roles`, for aws-native). */
  | { kind: "managed-policy"; arnProperty: string; property?: string }
  /** Users and groups: never a state machine's role. */
  | { kind: "none" };

interface ResourceShape {
  /** Properties holding one document each. */
  document?: string;
  /** A property holding a list of `{ <name>, <document> }` inline policies. */
  inline?: { property: string; name: string; document: string };
  /** A property holding one managed policy ARN, or a list of them. */
  arns?: string;
  roles: RoleLink;
}

const SHAPES: Readonly<Record<string, ResourceShape>> = {
  "aws:iam/role:Role": {
    inline: { property: "inlinePolicies", name: "name", document: "policy" },
    arns: "managedPolicyArns",
    roles: { kind: "self" },
  },
  "aws:iam/rolePolicy:RolePolicy": { document: "policy", roles: { kind: "property", property: "role" } },
  "aws:iam/policy:Policy": { document: "policy", roles: { kind: "managed-policy", arnProperty: "arn" } },
  "aws:iam/userPolicy:UserPolicy": { document: "policy", roles: { kind: "none" } },
  "aws:iam/groupPolicy:GroupPolicy": { document: "policy", roles: { kind: "none" } },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
    arns: "policyArn",
    roles: { kind: "property", property: "role" },
  },
  "aws:iam/policyAttachment:PolicyAttachment": {
    arns: "policyArn",
    roles: { kind: "property", property: "roles" },
  },
  "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": {
    arns: "policyArns",
    roles: { kind: "property", property: "roleName" },
  },
  "aws:iam/userPolicyAttachment:UserPolicyAttachment": { arns: "policyArn", roles: { kind: "none" } },
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": { arns: "policyArn", roles: { kind: "none" } },
  "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": {
    arns: "policyArns",
    roles: { kind: "none" },
  },
  "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": {
    arns: "policyArns",
    roles: { kind: "none" },
  },
  "aws-native:iam:Role": {
    inline: { property: "policies", name: "policyName", document: "policyDocument" },
    arns: "managedPolicyArns",
    roles: { kind: "self" },
  },
  "aws-native:iam:RolePolicy": {
    document: "policyDocument",
    roles: { kind: "property", property: "roleName" },
  },
  "aws-native:iam:ManagedPolicy": {
    document: "policyDocument",
    roles: { kind: "managed-policy", arnProperty: "policyArn", property: "roles" },
  },
  "aws-native:iam:UserPolicy": { document: "policyDocument", roles: { kind: "none" } },
  "aws-native:iam:GroupPolicy": { document: "policyDocument", roles: { kind: "none" } },
  "aws-native:iam:User": {
    inline: { property: "policies", name: "policyName", document: "policyDocument" },
    arns: "managedPolicyArns",
    roles: { kind: "none" },
  },
  "aws-native:iam:Group": {
    inline: { property: "policies", name: "policyName", document: "policyDocument" },
    arns: "managedPolicyArns",
    roles: { kind: "none" },
  },
};

/** The resource types that hand out IAM permissions. */
export const PERMISSION_RESOURCE_TYPES: readonly string[] = Object.keys(SHAPES);

export const ROLE_TYPES: readonly string[] = ["aws:iam/role:Role", "aws-native:iam:Role"];

/** How a resource type links its permissions to roles; undefined for a type that hands out none. */
export function roleLink(type: string): RoleLink | undefined {
  return Object.hasOwn(SHAPES, type) ? SHAPES[type].roles : undefined;
}

/**
 * The documents a resource defines and the managed policies it attaches, or undefined for a type that hands
 * out no permissions. Reading `props` through the policy SDK's proxy throws for a value unknown during
 * preview, which the SDK reports as a check that could not run.
 */
export function permissionSources(type: string, props: JsonObject): PermissionSource[] | undefined {
  if (!Object.hasOwn(SHAPES, type)) return undefined;
  const shape = SHAPES[type];
  const sources: PermissionSource[] = [];
  if (shape.document !== undefined) {
    sources.push({ source: "", document: props[shape.document] });
  }
  if (shape.inline !== undefined) {
    const { property, name, document } = shape.inline;
    const entries: unknown = props[property];
    if (entries !== undefined && !Array.isArray(entries)) {
      // Not a list: unknown during preview (read raw), or not what the provider accepts. Either way the
      // readers of the document say so.
      sources.push({ source: `${property}`, document: entries });
    }
    (Array.isArray(entries) ? entries : []).forEach((entry: unknown, index) => {
      const value = isJsonObject(entry) ? entry[document] : entry;
      // An entry without a document, `inlinePolicies: [{}]`, is the aws provider's documented way to say
      // "no inline policies" (it removes any the role has), not an unreadable policy.
      if (isJsonObject(entry) && (value === undefined || value === "")) return;
      const label =
        isJsonObject(entry) && typeof entry[name] === "string" ? `"${entry[name]}"` : `[${index}]`;
      sources.push({ source: `inline policy ${label}`, document: value });
    });
  }
  if (shape.arns !== undefined) {
    const arns: unknown = props[shape.arns];
    for (const arn of Array.isArray(arns) ? arns : arns === undefined ? [] : [arns]) {
      sources.push({
        source: `managed policy ${typeof arn === "string" ? arn : JSON.stringify(arn)}`,
        policyArn: arn,
      });
    }
  }
  return sources;
}

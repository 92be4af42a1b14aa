// Runs a stack policy's validateStack the way @pulumi/policy's analyzer server does (server.js,
// makeAnalyzeStackRpcFun): each resource's props behind the SDK's unknown-checking proxy, its dependencies and
// property dependencies resolved to the other resources of the stack by URN, config as Configure would set it.
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { defaultOptions, typedView, urnOf } from "./harness";

export interface StackResource {
  type: string;
  name: string;
  props: Record<string, unknown>;
  /** For each property, the names of the stack's resources it depends on, as the engine tracks them. */
  propertyDependencies?: Record<string, string[]>;
}

export interface StackViolation {
  message: string;
  /** The name of the resource the violation is reported on. */
  resource?: string;
}

export function policyResources(stack: readonly StackResource[]): PolicyResource[] {
  const byName = new Map<string, PolicyResource>();
  const resources = stack.map(({ type, name, props }) => {
    const resource: PolicyResource = {
      type,
      name,
      ...typedView(type, props),
      urn: urnOf(type, name),
      opts: defaultOptions,
      dependencies: [],
      propertyDependencies: {},
    };
    byName.set(name, resource);
    return resource;
  });
  stack.forEach(({ propertyDependencies = {} }, index) => {
    const resource = resources[index];
    for (const [property, names] of Object.entries(propertyDependencies)) {
      const found = names.map((name) => byName.get(name)).filter((r): r is PolicyResource => r !== undefined);
      resource.propertyDependencies[property] = found;
      for (const dependency of found) {
        if (!resource.dependencies.includes(dependency)) resource.dependencies.push(dependency);
      }
    }
  });
  return resources;
}

export async function validateStack(
  policy: StackValidationPolicy,
  stack: readonly StackResource[],
  config: Record<string, unknown> = {},
): Promise<StackViolation[]> {
  const resources = policyResources(stack);
  const names = new Map(resources.map((r) => [r.urn, r.name]));
  const violations: StackViolation[] = [];
  await policy.validateStack(
    {
      resources,
      stackTags: new Map(),
      getConfig: <T extends object>() => ({ ...config }) as T,
      notApplicable: (reason?: string) => {
        throw new Error(`not applicable: ${reason}`);
      },
    },
    (message, urn) => violations.push({ message, resource: urn === undefined ? undefined : names.get(urn) }),
  );
  return violations;
}

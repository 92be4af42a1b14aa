// Runs a policy's validateResource the way @pulumi/policy's analyzer server does (server.js,
// makeAnalyzeRpcFun), without starting the server: props wrapped in the SDK's unknown-checking proxy,
// isType/asType keyed on the Pulumi type token, config as Configure would set it.
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import * as policySdk from "@pulumi/policy";

// The SDK exports these at runtime but leaves them out of its type declarations.
const { unknownCheckingProxy, UnknownValueError } = policySdk as unknown as {
  unknownCheckingProxy<T extends object>(props: T): T;
  UnknownValueError: new (...args: never[]) => Error;
};
export { UnknownValueError };

/** How the engine sends a string that is unknown during preview (the SDK's `unknownStringValue`). */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the value is missing from proxy.d.ts
export const UNKNOWN_STRING: string = (require("@pulumi/policy/proxy") as { unknownStringValue: string })
  .unknownStringValue;

export interface Resource {
  type: string;
  props: Record<string, unknown>;
  /** The policy's config, as `pulumi preview --policy-pack-config` would set it; none by default. */
  config?: Record<string, unknown>;
}

export interface Outcome {
  violations: string[];
  /** The reason given when the policy marked itself not applicable. */
  notApplicable?: string;
}

class NotApplicable extends Error {}

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::order-processing-workflow::${type}::${name}`;
}

/** The resource options the engine sends for a resource declared without any. */
export const defaultOptions: ResourceValidationArgs["opts"] = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

/** A resource's props as the server hands them to a policy, with isType/asType keyed on its type token. */
export function typedView(type: string, rawProps: Record<string, unknown>) {
  const props = unknownCheckingProxy(rawProps);
  const isType = (resourceClass: unknown) =>
    (resourceClass as { __pulumiType?: string }).__pulumiType === type;
  const asType = ((resourceClass: unknown) =>
    isType(resourceClass) ? props : undefined) as ResourceValidationArgs["asType"];
  return { props, isType, asType };
}

export async function validate(policy: ResourceValidationPolicy, resource: Resource): Promise<Outcome> {
  const args: ResourceValidationArgs = {
    type: resource.type,
    ...typedView(resource.type, resource.props),
    urn: urnOf(resource.type, "subject"),
    name: "subject",
    opts: defaultOptions,
    stackTags: new Map(),
    getConfig: <T extends object>() => ({ ...resource.config }) as T,
    notApplicable: (reason?: string) => {
      throw new NotApplicable(reason);
    },
  };
  const violations: string[] = [];
  const validations = [policy.validateResource ?? []].flat();
  try {
    for (const validation of validations) {
      await validation(args, (message) => violations.push(String(message)));
    }
  } catch (err) {
    if (err instanceof NotApplicable) return { violations, notApplicable: err.message };
    throw err;
  }
  return { violations };
}

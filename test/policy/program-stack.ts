// The real program's resources as the engine hands them to a stack policy after an update: each resource's
// outputs (the mocks' state) with the property dependencies the SDK sent when registering it. The shared
// mocks (test/support) record registrations but not dependencies, so the mock monitor's registerResource is
// wrapped for the run to read them from each request.
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { stackFileConfig } from "../../local/stackDefinition";
import { runProgram } from "../support/program";
import { StackResource } from "./stack-harness";

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getPropertydependenciesMap(): {
    forEach(visit: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
}

type Monitor = {
  registerResource(request: RegisterRequest, callback: unknown): Promise<void>;
  newUrn(parent: string, type: string, name: string): string;
};

export async function programStack(stack: string): Promise<StackResource[]> {
  const prototype = MockMonitor.prototype as unknown as Monitor;
  const original = prototype.registerResource;
  const dependencies = new Map<string, { urn: string; byProperty: Record<string, string[]> }>();
  prototype.registerResource = function (this: Monitor, request, callback) {
    const byProperty: Record<string, string[]> = {};
    request.getPropertydependenciesMap().forEach((value, key) => (byProperty[key] = value.getUrnsList()));
    const urn = this.newUrn(request.getParent(), request.getType(), request.getName());
    dependencies.set(`${request.getType()}::${request.getName()}`, { urn, byProperty });
    return original.call(this, request, callback);
  };
  try {
    const { registrations } = await runProgram(stack, stackFileConfig(stack));
    const nameByUrn = new Map([...dependencies.entries()].map(([key, { urn }]) => [urn, key.split("::")[1]]));
    return registrations.map(({ type, name, state }) => {
      const byProperty = dependencies.get(`${type}::${name}`)?.byProperty ?? {};
      return {
        type,
        name,
        props: state,
        propertyDependencies: Object.fromEntries(
          Object.entries(byProperty).map(([property, urns]) => [
            property,
            urns.map((urn) => nameByUrn.get(urn)).filter((n): n is string => n !== undefined),
          ]),
        ),
      };
    });
  } finally {
    prototype.registerResource = original;
  }
}

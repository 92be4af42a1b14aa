import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { AslDefinition } from "../components/asl";
import { buildDefinition, DefinitionSettings } from "../components/definition";
import { WorkflowSettings } from "../components/settings";
import { configNamespace, loadStackConfig } from "../components/stackConfig";

export interface StackDefinition {
  readonly stack: string;
  readonly settings: WorkflowSettings;
  readonly definitionSettings: DefinitionSettings;
  readonly definition: AslDefinition;
}

/**
 * The config the Pulumi engine hands the program for a stack: Pulumi.yaml's defaults under the
 * project's namespace, overridden by `Pulumi.<stack>.yaml`, every value a string.
 */
export function stackFileConfig(stack: string, projectDir = process.cwd()): Record<string, string> {
  const read = (file: string) => parse(readFileSync(join(projectDir, file), "utf8")) ?? {};
  const project = read("Pulumi.yaml");
  const defaults = Object.entries<{ default?: unknown }>(project.config ?? {})
    .filter(([, schema]) => schema.default !== undefined)
    .map(([key, schema]) => [`${project.name}:${key}`, schema.default]);
  const config = { ...Object.fromEntries(defaults), ...read(`Pulumi.${stack}.yaml`).config };
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, String(value)]));
}

/**
 * The definition a stack deploys, from its `Pulumi.<stack>.yaml` and the same builder and config
 * checks as the program, with no Pulumi engine or cloud access.
 */
export function loadStackDefinition(stack: string, projectDir = process.cwd()): StackDefinition {
  const config = stackFileConfig(stack, projectDir);
  const { settings } = loadStackConfig((key) => config[`${configNamespace}:${key}`]);
  const apiRegion = settings.apiRegion ?? config["aws:region"];
  if (apiRegion === undefined) {
    throw new Error(`Pulumi.${stack}.yaml sets neither ${configNamespace}:apiRegion nor aws:region`);
  }
  const definitionSettings: DefinitionSettings = {
    endpoint: `${settings.apiId}.execute-api.${apiRegion}.amazonaws.com`,
    stage: settings.stage,
    mapMaxConcurrency: settings.mapMaxConcurrency,
    maxCartItems: settings.maxCartItems,
    workflowType: settings.workflowType,
    pricingFanOut: settings.pricingFanOut,
  };
  return { stack, settings, definitionSettings, definition: buildDefinition(definitionSettings) };
}

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
 * The definition a stack deploys, from its `Pulumi.<stack>.yaml` and the same builder and config
 * checks as the program, with no Pulumi engine or cloud access.
 */
export function loadStackDefinition(stack: string, projectDir = process.cwd()): StackDefinition {
  const file = join(projectDir, `Pulumi.${stack}.yaml`);
  const config: Record<string, unknown> = parse(readFileSync(file, "utf8"))?.config ?? {};
  const raw = (key: string): string | undefined =>
    config[key] === undefined ? undefined : String(config[key]);
  const { settings } = loadStackConfig((key) => raw(`${configNamespace}:${key}`));
  const apiRegion = settings.apiRegion ?? raw("aws:region");
  if (apiRegion === undefined) {
    throw new Error(`${file} sets neither ${configNamespace}:apiRegion nor aws:region`);
  }
  const definitionSettings: DefinitionSettings = {
    endpoint: `${settings.apiId}.execute-api.${apiRegion}.amazonaws.com`,
    stage: settings.stage,
    mapMaxConcurrency: settings.mapMaxConcurrency,
  };
  return { stack, settings, definitionSettings, definition: buildDefinition(definitionSettings) };
}

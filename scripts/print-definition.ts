/**
 * Prints the ASL definition a stack would deploy, from its Pulumi.<stack>.yaml, with no cloud
 * access: `npm run definition -- prod`.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { buildDefinition } from "../components/definition";
import { configNamespace, loadStackConfig } from "../components/stackConfig";

const stack = process.argv[2] ?? "dev";
const file = `Pulumi.${stack}.yaml`;
const stackConfig: Record<string, unknown> = parse(readFileSync(file, "utf8"))?.config ?? {};
const raw = (key: string): string | undefined => {
  const value = stackConfig[key];
  return value === undefined ? undefined : String(value);
};
const region = raw("aws:region");
const { settings } = loadStackConfig((key) => raw(`${configNamespace}:${key}`));
const apiRegion = settings.apiRegion ?? region;
if (apiRegion === undefined) {
  throw new Error(`${file} sets neither ${configNamespace}:apiRegion nor aws:region`);
}
const definition = buildDefinition({
  endpoint: `${settings.apiId}.execute-api.${apiRegion}.amazonaws.com`,
  stage: settings.stage,
  mapMaxConcurrency: settings.mapMaxConcurrency,
});
process.stdout.write(`${JSON.stringify(definition, null, 2)}\n`);

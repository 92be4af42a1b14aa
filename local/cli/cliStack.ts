import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, YAMLError } from "yaml";
import { InvalidSettingsError, WorkflowSettings } from "../../components/config/settings";
import { UsageError } from "./cliArgs";
import { suggestion } from "./didYouMean";
import { loadStackDefinition, StackDefinition } from "../stackDefinition";

/** A stack's files exist but do not make a valid stack: the user's to fix, like a usage error. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** The stacks of a project: one `Pulumi.<stack>.yaml` each. */
export function availableStacks(projectDir = process.cwd()): string[] {
  return readdirSync(projectDir)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

/** The first of the files that is not valid YAML, with the parser's account of where. */
function yamlProblem(files: readonly string[], projectDir: string): string | undefined {
  for (const file of files) {
    try {
      parse(readFileSync(join(projectDir, file), "utf8"));
    } catch (error) {
      if (error instanceof YAMLError) return `${file} is not valid YAML: ${error.message}`;
    }
  }
  return undefined;
}

/**
 * What is wrong with the shape of a stack file's settings, if anything: `config` must be a mapping,
 * and a key in the project's namespace must be one Pulumi.yaml declares, as `pulumi preview`
 * refuses any other ("uses configuration value … which is not defined by the project
 * configuration"; pulumi/pulumi#11127, #11192: only keys outside the project's namespace may go
 * undeclared), where the local run would silently take the default. `unknown` is the message for
 * undeclared keys alone, which leaves the declared ones worth checking too; `fatal` leaves nothing to check.
 */
function configShapeProblem(
  stack: string,
  read: (file: string) => unknown,
): { readonly fatal: string } | { readonly unknown: string } | undefined {
  const isMap = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  const file = `Pulumi.${stack}.yaml`;
  const stackFile = read(file) ?? {};
  if (!isMap(stackFile)) return { fatal: `${file} must be a mapping with a config: section` };
  const config = stackFile.config ?? {};
  if (!isMap(config))
    return { fatal: `${file}: config must be a mapping of keys to values; got ${JSON.stringify(config)}` };
  const project = read("Pulumi.yaml");
  if (!isMap(project) || typeof project.name !== "string" || !isMap(project.config ?? {})) return undefined;
  const declared = Object.keys(project.config ?? {});
  const prefix = `${project.name}:`;
  const undeclared = Object.keys(config)
    .filter((key) => key.startsWith(prefix) && !declared.includes(key.slice(prefix.length)))
    .map(
      (key) => `  - ${key} is not a setting of Pulumi.yaml.${suggestion(key.slice(prefix.length), declared)}`,
    );
  return undeclared.length === 0
    ? undefined
    : { unknown: [`${file}: unknown settings:`, ...undeclared].join("\n") };
}

/**
 * The definition a stack deploys, for the CLI and the definition printer: an unknown stack is a
 * usage error naming the stacks there are (checked against the files, so no name reaches outside
 * the project); a file that does not parse or settings that break a rule are a ConfigError
 * with one message, never a stack trace.
 */
export function loadStackForCli(
  stack: string,
  projectDir = process.cwd(),
  overrides: Partial<WorkflowSettings> = {},
): StackDefinition {
  const stacks = availableStacks(projectDir);
  if (stack.trim() === "")
    throw new UsageError(`The stack name is empty. Stacks: ${stacks.join(", ") || "none"}.`);
  if (!stacks.includes(stack)) {
    throw new UsageError(
      `No stack "${stack}": there is no Pulumi.${stack}.yaml. Stacks: ${stacks.join(", ") || "none"}.${suggestion(stack, stacks)}`,
    );
  }
  // Misspelt keys and bad values are reported together: one round of fixes, not two.
  let unknown: string | undefined;
  // Each file parsed once, for the shape check and the settings alike.
  const documents = new Map<string, unknown>();
  const read = (file: string) => {
    if (!documents.has(file)) documents.set(file, parse(readFileSync(join(projectDir, file), "utf8")));
    return documents.get(file);
  };
  try {
    const problem = configShapeProblem(stack, read);
    if (problem !== undefined && "fatal" in problem) throw new ConfigError(problem.fatal);
    unknown = problem?.unknown;
    const loaded = loadStackDefinition(stack, projectDir, overrides, read);
    if (unknown !== undefined) throw new ConfigError(unknown);
    return loaded;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const alongside = (message: string) => (unknown === undefined ? message : `${unknown}\n${message}`);
    if (error instanceof InvalidSettingsError) {
      throw new ConfigError(
        alongside(`Pulumi.${stack}.yaml: ${error.message.replace(/^Invalid/, "invalid")}`),
      );
    }
    if (error instanceof YAMLError) {
      const problem = yamlProblem(["Pulumi.yaml", `Pulumi.${stack}.yaml`], projectDir);
      throw new ConfigError(problem ?? error.message);
    }
    throw new ConfigError(alongside(`Stack ${stack}: ${(error as Error).message}`));
  }
}

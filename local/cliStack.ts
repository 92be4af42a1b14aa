import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, YAMLError } from "yaml";
import { InvalidSettingsError } from "../components/settings";
import { UsageError } from "./cliArgs";
import { suggestion } from "./didYouMean";
import { loadStackDefinition, StackDefinition } from "./stackDefinition";

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
 * The definition a stack deploys, for the CLI and the definition printer: an unknown stack is a
 * usage error naming the stacks there are (checked against the files, so no name reaches outside
 * the project); a file that does not parse or settings that break a rule are a ConfigError
 * with one message, never a stack trace.
 */
export function loadStackForCli(stack: string, projectDir = process.cwd()): StackDefinition {
  const stacks = availableStacks(projectDir);
  if (!stacks.includes(stack)) {
    throw new UsageError(
      `No stack "${stack}": there is no Pulumi.${stack}.yaml. Stacks: ${stacks.join(", ") || "none"}.${suggestion(stack, stacks)}`,
    );
  }
  try {
    return loadStackDefinition(stack, projectDir);
  } catch (error) {
    if (error instanceof YAMLError) {
      const problem = yamlProblem(["Pulumi.yaml", `Pulumi.${stack}.yaml`], projectDir);
      throw new ConfigError(problem ?? error.message);
    }
    if (error instanceof InvalidSettingsError) {
      throw new ConfigError(`Pulumi.${stack}.yaml: ${error.message.replace(/^Invalid/, "invalid")}`);
    }
    throw new ConfigError(`Stack ${stack}: ${(error as Error).message}`);
  }
}

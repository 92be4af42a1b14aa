import { InvalidSettingsError, resolveSettings, SettingName, WorkflowSettings } from "./settings";

/** The project's config namespace (the `name` in Pulumi.yaml). */
export const configNamespace = "order-processing-workflow";

export interface StackConfig {
  readonly settings: WorkflowSettings;
  readonly logKmsKeyArn: string | undefined;
}

type Kind = "string" | "integer" | "boolean";
const kinds: { readonly [K in SettingName]: Kind } = {
  apiId: "string",
  apiRegion: "string",
  stage: "string",
  workflowType: "string",
  pricingFanOut: "string",
  logLevel: "string",
  includeExecutionData: "boolean",
  logRetentionDays: "integer",
  mapMaxConcurrency: "integer",
  tracingEnabled: "boolean",
  maxCartItems: "integer",
  alarmTopicArn: "string",
};

const key = (name: string): string => `${configNamespace}:${name}`;

/**
 * Optional keys that Pulumi.yaml gives an empty default: Pulumi requires every stack to set a
 * declared key that has no default, so "" is how these say "not set".
 */
const emptyMeansUnset = new Set(["apiRegion", "logKmsKeyArn", "alarmTopicArn"]);

function parse(kind: Kind, raw: string): string | number | boolean | undefined {
  switch (kind) {
    case "string":
      return raw;
    case "integer":
      return /^-?\d+$/.test(raw.trim()) ? Number(raw) : undefined;
    case "boolean":
      return raw === "true" ? true : raw === "false" ? false : undefined;
  }
}

/**
 * Reads and checks the stack's config. `read` returns a key's raw value, as `pulumi.Config#get`
 * does, so this stays a pure function that tests call with a plain object.
 */
export function loadStackConfig(readRaw: (name: string) => string | undefined): StackConfig {
  const read = (name: string) => {
    const raw = readRaw(name);
    return raw === "" && emptyMeansUnset.has(name) ? undefined : raw;
  };
  const given: Record<string, unknown> = {};
  const typeProblems: string[] = [];
  for (const name of Object.keys(kinds) as SettingName[]) {
    const raw = read(name);
    if (raw === undefined) continue;
    const value = parse(kinds[name], raw);
    if (value === undefined) {
      typeProblems.push(
        `${key(name)} must be ${kinds[name] === "integer" ? "an integer" : "true or false"}; got ${JSON.stringify(raw)}`,
      );
    } else {
      given[name] = value;
    }
  }
  const logKmsKeyArn = read("logKmsKeyArn");
  if (
    logKmsKeyArn !== undefined &&
    !/^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/.test(logKmsKeyArn)
  ) {
    typeProblems.push(
      `${key("logKmsKeyArn")} must be the ARN of a KMS key or alias; got ${JSON.stringify(logKmsKeyArn)}`,
    );
  }
  const problems = [...typeProblems];
  let settings: WorkflowSettings | undefined;
  try {
    settings = resolveSettings(given as Partial<WorkflowSettings>, key);
  } catch (error) {
    if (!(error instanceof InvalidSettingsError)) throw error;
    problems.push(...error.problems);
  }
  if (settings === undefined || problems.length > 0) {
    throw new InvalidSettingsError(problems);
  }
  return { settings, logKmsKeyArn };
}

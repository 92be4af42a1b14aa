/**
 * The workflow's settings: their types, defaults and rules. Both the component's args and the
 * stack config go through `resolveSettings`, so a bad value is rejected with the same rule
 * wherever it comes from, before any resource is registered.
 */

import { defaultMaxCartItems, maxCartItemsLimit } from "./limits";
import { PricingFanOut, pricingFanOuts, WorkflowType, workflowTypes } from "./modes";

export const logLevels = ["ALL", "ERROR", "FATAL", "OFF"] as const;
export type LogLevel = (typeof logLevels)[number];

/** The values CloudWatch Logs accepts for a retention (PutRetentionPolicy); "never expire" is left out on purpose. */
export const retentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The settings that shape the definition, IAM and logging, all known when the program starts. */
export interface WorkflowSettings {
  readonly apiId: string;
  /** undefined: the provider's region. */
  readonly apiRegion: string | undefined;
  readonly stage: string;
  readonly workflowType: WorkflowType;
  readonly pricingFanOut: PricingFanOut;
  readonly logLevel: LogLevel;
  readonly includeExecutionData: boolean;
  readonly logRetentionDays: number;
  readonly mapMaxConcurrency: number;
  readonly tracingEnabled: boolean;
  /** Validate Order refuses a larger cart before any call. */
  readonly maxCartItems: number;
  /** SNS topic the alarms notify; undefined: alarms without actions. */
  readonly alarmTopicArn: string | undefined;
}

export type SettingName = keyof WorkflowSettings;

export const defaults = {
  workflowType: "STANDARD",
  pricingFanOut: "inline",
  logLevel: "ERROR",
  includeExecutionData: false,
  logRetentionDays: 30,
  mapMaxConcurrency: 5,
  tracingEnabled: false,
  maxCartItems: defaultMaxCartItems,
} as const satisfies Partial<WorkflowSettings>;

/** Thrown with every problem found, so one preview shows them all. */
export class InvalidSettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid order workflow settings:\n  - ${problems.join("\n  - ")}`);
    this.name = "InvalidSettingsError";
  }
}

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);
const oneOf = (allowed: readonly unknown[], value: unknown): string | undefined =>
  allowed.includes(value) ? undefined : `must be one of ${allowed.join(", ")}; got ${show(value)}`;

/** Each rule returns what is wrong with a value, or undefined. */
const rules: { readonly [K in SettingName]: (value: WorkflowSettings[K]) => string | undefined } = {
  // Real ids are 10 lowercase letters and digits; the design document's dev stack uses "MyApiId",
  // so letters of either case are accepted.
  apiId: (value) =>
    /^[A-Za-z0-9]{1,64}$/.test(value)
      ? undefined
      : `must be an API Gateway API id (letters and digits); got ${show(value)}`,
  apiRegion: (value) =>
    value === undefined || /^[a-z]{2}(-[a-z]+)+-\d+$/.test(value)
      ? undefined
      : `must be an AWS region such as us-east-1; got ${show(value)}`,
  // API Gateway stage names: letters, digits, '-' and '_', up to 128; HTTP APIs also have "$default".
  stage: (value) =>
    value === "$default" || /^[A-Za-z0-9_-]{1,128}$/.test(value)
      ? undefined
      : `must be an API Gateway stage name (letters, digits, '-', '_', at most 128) or $default; got ${show(value)}`,
  workflowType: (value) => oneOf(workflowTypes, value),
  pricingFanOut: (value) => oneOf(pricingFanOuts, value),
  logLevel: (value) => oneOf(logLevels, value),
  includeExecutionData: () => undefined,
  logRetentionDays: (value) => oneOf(retentionDays, value),
  // An inline Map runs at most 40 iterations at once whatever is asked (AWS Step Functions quotas).
  mapMaxConcurrency: (value) =>
    Number.isInteger(value) && value >= 1 && value <= 40
      ? undefined
      : `must be an integer from 1 to 40; got ${show(value)}`,
  tracingEnabled: () => undefined,
  // GET /taxes carries one query value per line, and API Gateway's URL limit caps them (components/config/limits.ts).
  maxCartItems: (value) =>
    Number.isInteger(value) && value >= 1 && value <= maxCartItemsLimit
      ? undefined
      : `must be an integer from 1 to ${maxCartItemsLimit} (the lines GET /taxes can carry); got ${show(value)}`,
  alarmTopicArn: (value) =>
    value === undefined ||
    /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(value)
      ? undefined
      : `must be the ARN of an SNS topic (arn:aws:sns:<region>:<account>:<name>); got ${show(value)}`,
};

/** Partial settings in, defaults applied and every rule checked; `nameOf` says how to name a setting in messages. */
export function resolveSettings(
  given: Partial<WorkflowSettings>,
  nameOf: (setting: SettingName) => string,
): WorkflowSettings {
  const problems: string[] = [];
  if (given.apiId === undefined) problems.push(`${nameOf("apiId")} is required`);
  if (given.stage === undefined) problems.push(`${nameOf("stage")} is required`);
  const settings: WorkflowSettings = {
    apiId: given.apiId ?? "",
    apiRegion: given.apiRegion,
    stage: given.stage ?? "",
    workflowType: given.workflowType ?? defaults.workflowType,
    pricingFanOut: given.pricingFanOut ?? defaults.pricingFanOut,
    logLevel: given.logLevel ?? defaults.logLevel,
    includeExecutionData: given.includeExecutionData ?? defaults.includeExecutionData,
    logRetentionDays: given.logRetentionDays ?? defaults.logRetentionDays,
    mapMaxConcurrency: given.mapMaxConcurrency ?? defaults.mapMaxConcurrency,
    tracingEnabled: given.tracingEnabled ?? defaults.tracingEnabled,
    maxCartItems: given.maxCartItems ?? defaults.maxCartItems,
    alarmTopicArn: given.alarmTopicArn,
  };
  for (const name of Object.keys(rules) as SettingName[]) {
    if (given[name] === undefined) continue;
    const problem = (rules[name] as (value: unknown) => string | undefined)(settings[name]);
    if (problem !== undefined) problems.push(`${nameOf(name)} ${problem}`);
  }
  if (problems.length === 0 && settings.pricingFanOut === "express" && settings.workflowType === "EXPRESS") {
    // An Express workflow already pays per request and duration, not per transition: a child saves nothing.
    problems.push(
      `${nameOf("pricingFanOut")} "express" only saves transitions of a STANDARD workflow; ` +
        `${nameOf("workflowType")} is "EXPRESS", so use "inline"`,
    );
  }
  if (problems.length > 0) {
    throw new InvalidSettingsError(problems);
  }
  return settings;
}

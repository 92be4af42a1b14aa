import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { apiEndpoint } from "../components/definition/apiGatewayTask";
import type { AslDefinition } from "../components/definition/asl";
import { buildDefinition, DefinitionSettings } from "../components/definition/definition";
import { buildPricingDefinition } from "../components/definition/pricingDefinition";
import { resolveSettings, WorkflowSettings } from "../components/config/settings";
import { configNamespace, loadStackConfig } from "../components/config/stackConfig";
import { orderStateMachineName, pricingStateMachineName } from "../components/resources/stateMachineNames";

export interface StackDefinition {
  readonly stack: string;
  readonly settings: WorkflowSettings;
  readonly definitionSettings: DefinitionSettings;
  /** The order's state machine. */
  readonly definition: AslDefinition;
  /** Where the local run says the order's state machine is: the name the program gives it, in no account. */
  readonly stateMachineArn: string;
  /** pricingFanOut "express": the Express pricing child the order starts; undefined inline. */
  readonly pricingDefinition: AslDefinition | undefined;
  /** The state machines the order's definition may start, by ARN: the pricing child, or none. */
  readonly stateMachines: Readonly<Record<string, AslDefinition>>;
}

/** The account of every local ARN: no AWS account is involved. */
export const localAccount = "000000000000";

const localArn = (region: string, name: string): string =>
  `arn:aws:states:${region}:${localAccount}:stateMachine:${name}`;

/** Where the local run says the order is: the name the program gives it, in no account. */
export const localOrderStateMachineArn = (stack: string, region: string): string =>
  localArn(region, orderStateMachineName(`orders-${stack}`));

/** Where the local run says the pricing child is: the name the program gives it, in no account. */
export const localPricingStateMachineArn = (stack: string, region: string): string =>
  localArn(region, pricingStateMachineName(`orders-${stack}`));

/**
 * Pulumi.yaml's defaults under the project's namespace, overridden by `Pulumi.<stack>.yaml`, every
 * value a string: the config the Pulumi engine hands the program for a stack.
 */
export function stackFileConfig(
  stack: string,
  projectDir = process.cwd(),
  parsed: (file: string) => unknown = (file) => parse(readFileSync(join(projectDir, file), "utf8")),
): Record<string, string> {
  // The files as YAML documents: a caller that has parsed them already (loadStackForCli) passes them.
  const read = (file: string) => (parsed(file) ?? {}) as Record<string, any>;
  const project = read("Pulumi.yaml");
  const defaults = Object.entries<{ default?: unknown }>(project.config ?? {})
    .filter(([, schema]) => schema.default !== undefined)
    .map(([key, schema]) => [`${project.name}:${key}`, schema.default]);
  const config = { ...Object.fromEntries(defaults), ...read(`Pulumi.${stack}.yaml`).config };
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, String(value)]));
}

/**
 * Both definitions of a stack from its settings, as the program builds them. `region` is where
 * the state machines run (the provider's region), which the child's ARN names.
 */
export function buildStackDefinition(
  stack: string,
  settings: WorkflowSettings,
  region: string,
): StackDefinition {
  const apiRegion = settings.apiRegion ?? region;
  const target = {
    endpoint: apiEndpoint(settings.apiId, apiRegion),
    stage: settings.stage,
  };
  const express = settings.pricingFanOut === "express";
  const pricingStateMachineArn = express ? localPricingStateMachineArn(stack, region) : undefined;
  const definitionSettings: DefinitionSettings = {
    ...target,
    mapMaxConcurrency: settings.mapMaxConcurrency,
    maxCartItems: settings.maxCartItems,
    workflowType: settings.workflowType,
    pricingFanOut: settings.pricingFanOut,
    ...(pricingStateMachineArn === undefined ? {} : { pricingStateMachineArn }),
  };
  const pricingDefinition = express
    ? buildPricingDefinition({
        ...target,
        mapMaxConcurrency: settings.mapMaxConcurrency,
        maxCartItems: settings.maxCartItems,
      })
    : undefined;
  return {
    stack,
    settings,
    definitionSettings,
    definition: buildDefinition(definitionSettings),
    stateMachineArn: localOrderStateMachineArn(stack, region),
    pricingDefinition,
    stateMachines:
      pricingStateMachineArn === undefined || pricingDefinition === undefined
        ? {}
        : { [pricingStateMachineArn]: pricingDefinition },
  };
}

/**
 * The definitions a stack deploys, from its `Pulumi.<stack>.yaml` and the same builder and config
 * checks as the program, with no Pulumi engine or cloud access. `overrides` replace settings of
 * the file (and go through the same rules), e.g. to run the dev stack with the Express child.
 */
export function loadStackDefinition(
  stack: string,
  projectDir = process.cwd(),
  overrides: Partial<WorkflowSettings> = {},
  parsed?: (file: string) => unknown,
): StackDefinition {
  const config = stackFileConfig(stack, projectDir, parsed);
  const fromFile = loadStackConfig((key) => config[`${configNamespace}:${key}`]).settings;
  const settings =
    Object.keys(overrides).length === 0
      ? fromFile
      : resolveSettings({ ...fromFile, ...overrides }, (name) => `${configNamespace}:${name}`);
  const region = config["aws:region"] ?? settings.apiRegion;
  if (region === undefined) {
    throw new Error(`Pulumi.${stack}.yaml sets neither ${configNamespace}:apiRegion nor aws:region`);
  }
  return buildStackDefinition(stack, settings, region);
}

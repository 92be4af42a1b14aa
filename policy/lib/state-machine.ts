// Reads the parts of a Step Functions state machine the policies check, from either provider: aws (classic)
// and aws-native name and shape them differently.
import { ResourceValidationArgs } from "@pulumi/policy";
import { parseDefinition, ParsedDefinition } from "./asl";
import { duplicateKey, isJsonObject, JsonObject } from "./json";
import { keyOutsideOneString, serialiseSorted, substitute, SubstitutedText } from "./substitutions";
import { isUnknown } from "./unknowns";

export const AWS_STATE_MACHINE = "aws:sfn/stateMachine:StateMachine";
export const AWS_NATIVE_STATE_MACHINE = "aws-native:stepfunctions:StateMachine";

/** Where a state machine sends its execution history. */
export interface LoggingSettings {
  /** ALL, ERROR, FATAL or OFF; Step Functions defaults to OFF when logging is not configured. */
  level: unknown;
  /** Log group ARNs; an ARN unknown during preview is returned as the SDK's placeholder string. */
  destinations: unknown[];
}

/**
 * Parses the definition of a state machine of either provider. Any other resource is marked not applicable,
 * which ends the validation.
 */
export function readDefinition(args: ResourceValidationArgs): ParsedDefinition {
  if (!STATE_MACHINE_TYPES.includes(args.type)) {
    return notAStateMachine(args);
  }
  return definitionOf(args.type, args.props);
}

export const STATE_MACHINE_TYPES: readonly string[] = [AWS_STATE_MACHINE, AWS_NATIVE_STATE_MACHINE];

/**
 * Parses the definition of a state machine of either provider from its props: read through the policy SDK's
 * proxy, a value unknown during preview throws the SDK's error; read raw, it is the SDK's placeholder string,
 * which does not parse.
 */
export function definitionOf(type: string, props: JsonObject): ParsedDefinition {
  if (type === AWS_STATE_MACHINE) {
    return parseDefinition(props.definition);
  }
  if (props.definitionString !== undefined) {
    return withSubstitutions(props.definitionString, props.definitionSubstitutions);
  }
  if (props.definition !== undefined) {
    return withSubstitutions(props.definition, props.definitionSubstitutions);
  }
  if (props.definitionS3Location !== undefined) {
    // The object in S3 is not available to a policy, so the definition cannot be shown to be compliant.
    return { ok: false, problem: "it is read from definitionS3Location, which a policy cannot inspect" };
  }
  return parseDefinition(undefined);
}

/**
 * Reads the logging settings of a state machine of either provider. Any other resource is marked not
 * applicable, which ends the validation.
 */
export function readLogging(args: ResourceValidationArgs): LoggingSettings {
  // Compared by type token, not through args.asType(aws.sfn.StateMachine): importing @pulumi/aws would make every
  // enforcing stack install it, and the CLI's ts-node type-check its thousands of declaration files, for one string.
  if (args.type === AWS_STATE_MACHINE) {
    const logging: unknown = args.props.loggingConfiguration;
    return {
      level: isJsonObject(logging) ? logging.level : undefined,
      destinations: isJsonObject(logging) ? [rawField(logging, "logDestination")] : [],
    };
  }
  if (args.type !== AWS_NATIVE_STATE_MACHINE) {
    return notAStateMachine(args);
  }
  const logging: unknown = args.props.loggingConfiguration;
  if (!isJsonObject(logging)) {
    return { level: undefined, destinations: [] };
  }
  const destinations = Array.isArray(logging.destinations) ? logging.destinations : [];
  return {
    level: logging.level,
    destinations: destinations.map((destination: unknown) =>
      isJsonObject(destination) && isJsonObject(destination.cloudWatchLogsLogGroup)
        ? rawField(destination.cloudWatchLogsLogGroup, "logGroupArn")
        : undefined,
    ),
  };
}

function notAStateMachine(args: ResourceValidationArgs): never {
  return args.notApplicable(
    `Policy only applies to resources of type '${AWS_STATE_MACHINE}' or '${AWS_NATIVE_STATE_MACHINE}'`,
  );
}

/**
 * Reads a field without the SDK's unknown check. The SDK wraps props in a proxy that throws when a value
 * unknown during preview is read, which would turn the whole check into a "can't run during preview"
 * advisory. A log group ARN is usually unknown until the log group exists, yet it is certainly set, so the
 * raw value (the SDK's placeholder string for an unknown) is read from the property descriptor instead.
 */
function rawField(object: object, key: string): unknown {
  return Object.getOwnPropertyDescriptor(object, key)?.value;
}

/**
 * Applies aws-native `definitionSubstitutions` (see lib/substitutions.ts) to a `definitionString`, or to a
 * `definition` object once serialised, and parses the result: what CloudFormation hands to Step Functions.
 * Without substitutions the definition is parsed as given.
 */
function withSubstitutions(definition: unknown, substitutions: unknown): ParsedDefinition {
  if (isUnknown(substitutions)) {
    return { ok: false, problem: "its definitionSubstitutions are unknown during preview" };
  }
  if (!isJsonObject(substitutions) || Object.keys(substitutions).length === 0) {
    return parseDefinition(definition);
  }
  if (typeof definition === "string") {
    return parseSubstituted(substitute(definition, substitutions));
  }
  if (!isJsonObject(definition)) {
    return parseDefinition(definition);
  }
  const outside = keyOutsideOneString(substitutions);
  if (outside !== undefined) {
    // Such a key could match across the quotes or escapes of CloudFormation's serialisation, which differs
    // from any other in whitespace and escapes.
    return {
      ok: false,
      problem: `its definitionSubstitutions key ${JSON.stringify(outside)} holds a quote or backslash, which cannot be matched against a definition given as an object`,
    };
  }
  return parseSubstituted(substitute(serialiseSorted(definition), substitutions));
}

/**
 * Parses substituted text. A value can add a field that is already there; JSON.parse keeps the last, but
 * what Step Functions does with a field given twice is not documented, so such a text is not read.
 */
function parseSubstituted(substituted: SubstitutedText): ParsedDefinition {
  if (!substituted.ok) return substituted;
  const parsed = parseDefinition(substituted.text);
  if (!parsed.ok) return parsed;
  const duplicate = duplicateKey(substituted.text);
  if (duplicate !== undefined) {
    return {
      ok: false,
      problem: `after its definitionSubstitutions one object gives the field ${JSON.stringify(duplicate)} twice, which Step Functions may read either way`,
    };
  }
  return parsed;
}

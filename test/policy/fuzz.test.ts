// Bounded fuzzing: every policy of the pack, over definitions and IAM documents built at random from the words
// they are made of, must report or pass but never throw (an exception fails the whole analysis). A fixed seed
// keeps any failure reproducible.
import * as assert from "assert";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../../policy/policies";
import { PERMISSION_RESOURCE_TYPES } from "../../policy/lib/iam-resources";
import { UNKNOWN_STRING, validate } from "./harness";
import { StackResource, validateStack } from "./stack-harness";
import { seededRandom } from "../support/random";

const RUNS = 150;
const STACK_RUNS = 30;

const WORDS = [
  "Type",
  "Task",
  "Parallel",
  "Map",
  "Choice",
  "Pass",
  "States",
  "StartAt",
  "Next",
  "Default",
  "End",
  "Branches",
  "ItemProcessor",
  "Iterator",
  "Retry",
  "Catch",
  "ErrorEquals",
  "MaxAttempts",
  "IntervalSeconds",
  "BackoffRate",
  "MaxDelaySeconds",
  "JitterStrategy",
  "Choices",
  "Resource",
  "Parameters",
  "Arguments",
  "ApiEndpoint",
  "Stage",
  "Method",
  "Path",
  "Path.$",
  "ApiEndpoint.$",
  "States.ALL",
  "States.Runtime",
  "__proto__",
  "constructor",
  "toString",
  "arn:aws:states:::apigateway:invoke",
  "MyApiId.execute-api.us-east-1.amazonaws.com",
  "States.Format('a/{}', $.x)",
  "{% 'a' & $x %}",
  "{% %}",
  "Statement",
  "Effect",
  "Allow",
  "Deny",
  "Action",
  "NotAction",
  "NotResource",
  "execute-api:Invoke",
  "*",
  "?",
  "arn:aws:execute-api:*",
  "arn:*",
  "",
  "arn:aws:iam::aws:policy/AdministratorAccess",
  "policy",
  "policyDocument",
  "inlinePolicies",
  "managedPolicyArns",
  "role",
  "roles",
  "roleName",
  "roleArn",
  "definition",
  "name",
  "arn",
  "policyArn",
  "policyArns",
  "policies",
  "${t}",
  "${a}",
];

function value(next: () => number, depth: number): unknown {
  const pick = next();
  if (depth > 4 || pick < 0.3) {
    const scalars = [null, true, 0, -1, 1e308, NaN, 99999999, 2.5, WORDS[Math.floor(next() * WORDS.length)]];
    return scalars[Math.floor(next() * scalars.length)];
  }
  if (pick < 0.5) return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 5); i > 0; i--) {
    object[WORDS[Math.floor(next() * WORDS.length)]] = value(next, depth + 1);
  }
  return object;
}

const STATE_FIELDS = [
  "Type",
  "Next",
  "Default",
  "End",
  "Retry",
  "Catch",
  "Choices",
  "Resource",
  "Parameters",
  "Arguments",
];

const CALL_VALUES = [
  "*",
  "GET",
  "MyApiId.execute-api.us-east-1.amazonaws.com",
  "x-vpce-1.execute-api.eu-west-1.amazonaws.com.cn",
  "dev",
  "$.x",
  "States.Format('a/{}\\'/{}', $.x)",
  "States.Format(",
  "{% 'a' & $x & (\"b\" & 'c') %}",
  "{% '",
  "/carts",
  "${a}.execute-api.us-east-1.amazonaws.com",
  "",
  5,
  null,
  [],
];

/** Something shaped like a definition: StartAt and States, states with ASL's fields, nested containers. */
function definitionLike(next: () => number, depth: number): Record<string, unknown> {
  const states: Record<string, unknown> = {};
  for (let i = 1 + Math.floor(next() * 4); i > 0; i--) {
    const state: Record<string, unknown> = {};
    for (const field of STATE_FIELDS) if (next() < 0.4) state[field] = value(next, 3);
    if (next() < 0.5) state.Type = "Task";
    if (next() < 0.5) state.Resource = "arn:aws:states:::apigateway:invoke";
    if (next() < 0.3)
      state.Retry = [
        { ErrorEquals: [value(next, 4)], MaxAttempts: value(next, 4), BackoffRate: value(next, 4) },
      ];
    if (next() < 0.5) {
      const call: Record<string, unknown> = {};
      for (const field of ["ApiEndpoint", "Stage", "Method", "Path", "Path.$", "ApiEndpoint.$"]) {
        if (next() < 0.6) call[field] = CALL_VALUES[Math.floor(next() * CALL_VALUES.length)];
      }
      state[next() < 0.7 ? "Parameters" : "Arguments"] = call;
    }
    if (depth < 3 && next() < 0.3) state.Branches = [definitionLike(next, depth + 1), value(next, 4)];
    if (depth < 3 && next() < 0.3) state.ItemProcessor = definitionLike(next, depth + 1);
    states[WORDS[Math.floor(next() * WORDS.length)]] = state;
  }
  return { StartAt: WORDS[Math.floor(next() * WORDS.length)], States: states };
}

/** A value, sometimes serialised to JSON (or to broken JSON), as a property may arrive either way. */
function document(next: () => number): unknown {
  const generated = next() < 0.5 ? definitionLike(next, 0) : value(next, 0);
  const form = next();
  if (form < 0.4) return JSON.stringify(generated) ?? "null";
  if (form < 0.5) return (JSON.stringify(generated) ?? "").slice(0, 7);
  return generated;
}

// aws-native definitionSubstitutions: keys the reader refuses ("}", quotes, backslashes), values that hold
// placeholders (chains, cycles, doubling), JSON punctuation, and values of the wrong kind.
const SUBSTITUTION_KEYS = ["t", "a", "b", "", 'q"', "x}y", "a\\b", "constructor"];
const SUBSTITUTION_VALUES = [
  "Task",
  "${a}",
  "${b}${b}",
  "${t}",
  "${",
  'x", "Type": "Task',
  '"}, "B": {"Type": "Task"',
  "MyApiId",
  3,
  true,
  null,
  {},
  [],
];

function substitutions(next: () => number): unknown {
  if (next() < 0.1) return value(next, 2);
  const generated: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 4); i > 0; i--) {
    generated[SUBSTITUTION_KEYS[Math.floor(next() * SUBSTITUTION_KEYS.length)]] =
      SUBSTITUTION_VALUES[Math.floor(next() * SUBSTITUTION_VALUES.length)];
  }
  return generated;
}

const resourcePolicies = policies.filter((p): p is ResourceValidationPolicy => "validateResource" in p);
const stackPolicies = policies.filter((p): p is StackValidationPolicy => "validateStack" in p);
const STATE_MACHINES = ["aws:sfn/stateMachine:StateMachine", "aws-native:stepfunctions:StateMachine"];
// With type tokens that are also names of Object.prototype members, which a lookup table must not resolve.
const LOG_GROUPS = ["aws:cloudwatch/logGroup:LogGroup", "aws-native:logs:LogGroup"];
const TYPES = [...STATE_MACHINES, ...PERMISSION_RESOURCE_TYPES, ...LOG_GROUPS, "constructor", "__proto__"];

function props(next: () => number): Record<string, unknown> {
  const generated: Record<string, unknown> = {};
  for (const key of [
    "definition",
    "definitionString",
    "policy",
    "policyDocument",
    "inlinePolicies",
    "policies",
  ]) {
    if (next() < 0.4) generated[key] = document(next);
  }
  for (const key of [
    "managedPolicyArns",
    "policyArn",
    "policyArns",
    "role",
    "roles",
    "roleName",
    "roleArn",
    "arn",
    "name",
    "retentionInDays",
    "logGroupClass",
  ]) {
    if (next() < 0.3) generated[key] = value(next, 3);
  }
  if (next() < 0.4) generated.definitionSubstitutions = substitutions(next);
  return generated;
}

describe("every policy of the pack on malformed input", () => {
  it(`reports or passes, never throws, on ${RUNS} random resources of every type it reads`, async () => {
    const next = seededRandom(9);
    for (let run = 0; run < RUNS; run++) {
      const resource = { type: TYPES[run % TYPES.length], props: props(next) };
      for (const policy of resourcePolicies) {
        await assert.doesNotReject(
          validate(policy, resource),
          `${policy.name} on ${JSON.stringify(resource)}`,
        );
      }
    }
  });

  it(`reads ${RUNS} aws-native definitions through random definitionSubstitutions without throwing`, async () => {
    const next = seededRandom(13);
    for (let run = 0; run < RUNS; run++) {
      const generated = definitionLike(next, 0);
      const definitionProps =
        run % 2 === 0 ? { definition: generated } : { definitionString: JSON.stringify(generated) };
      const resource = {
        type: STATE_MACHINES[1],
        props: { ...definitionProps, definitionSubstitutions: substitutions(next) },
      };
      const label = JSON.stringify(resource);
      for (const policy of resourcePolicies) {
        await assert.doesNotReject(validate(policy, resource), `${policy.name} on ${label}`);
      }
      for (const policy of stackPolicies) {
        const stack = [{ ...resource, name: "sm" }];
        await assert.doesNotReject(validateStack(policy, stack), `${policy.name} on ${label}`);
      }
    }
  });

  it(`runs the stack policies on ${STACK_RUNS} random stacks of 12 resources, values unknown during preview included, without throwing`, async () => {
    const next = seededRandom(11);
    for (let run = 0; run < STACK_RUNS; run++) {
      const stack: StackResource[] = Array.from({ length: 12 }, (_, index) => {
        const generated = props(next);
        for (const key of Object.keys(generated)) if (next() < 0.15) generated[key] = UNKNOWN_STRING;
        const { definitionSubstitutions } = generated;
        if (typeof definitionSubstitutions === "object" && definitionSubstitutions !== null && next() < 0.3) {
          generated.definitionSubstitutions = { ...definitionSubstitutions, a: UNKNOWN_STRING };
        }
        // A third of them state machines, so that roles and calls meet.
        const type = next() < 0.33 ? STATE_MACHINES[index % 2] : TYPES[Math.floor(next() * TYPES.length)];
        return { type, name: `r${index}`, props: generated };
      });
      // Link some properties to other resources, as the engine's property dependencies would.
      for (const resource of stack) {
        resource.propertyDependencies = {
          roleArn: [`r${Math.floor(next() * 12)}`],
          role: [`r${Math.floor(next() * 12)}`],
        };
      }
      for (const policy of stackPolicies) {
        await assert.doesNotReject(
          validateStack(policy, stack),
          `${policy.name} on ${JSON.stringify(stack)}`,
        );
      }
    }
  });
});

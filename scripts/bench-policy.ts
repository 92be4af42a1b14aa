// Times the definition walker and the stepfunctions-task-retry-and-catch policy on generated definitions of
// 10 000 states: one wide (Maps of Parallels of Tasks) and one a single chain nested 500 levels deep. Then
// times the stack policy stepfunctions-role-matches-api-calls on stacks of 250, 500 and 1 000 state machines,
// each with its own role and role policy, to show that it grows linearly with the stack; on one state machine
// of 10 000 calls against a role of 1 500 grant patterns, which must take under a second; and measures the
// advisories of a preview of 500 roles whose attachments' roles are all unknown.
// Run: npm run bench:policy
import { performance } from "node:perf_hooks";
import { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import { buildDefinition } from "../components/definition/definition";
import { orderRoutes } from "../components/resources/calledRoutes";
import { executionPolicy } from "../components/resources/iam";
import { defaults } from "../components/config/settings";
import { parseDefinition, walkStates } from "../policy/lib/asl";
import { stepfunctionsRoleMatchesApiCalls } from "../policy/policies/stepfunctions-role-matches-api-calls";
import { stepfunctionsRoleMatchesApiCallsUnverified } from "../policy/policies/stepfunctions-role-matches-api-calls-unverified";
import * as proxy from "@pulumi/policy/proxy";
import { stepfunctionsTaskRetryAndCatch } from "../policy/policies/stepfunctions-task-retry-and-catch";
import { shouldRunBench } from "./benchArgs";

type Json = Record<string, unknown>;

const TARGET_STATES = 10_000;
const RUNS = 7;
/** The state every Catch goes to, in each States object, as ASL requires. */
const FAILED = { Type: "Fail" };

function task(compliant: boolean): Json {
  return {
    Type: "Task",
    Resource: "arn:aws:states:::apigateway:invoke",
    Retry: [{ ErrorEquals: ["States.TaskFailed"], MaxAttempts: 3 }],
    ...(compliant ? { Catch: [{ ErrorEquals: ["States.ALL"], Next: "Failed" }] } : {}),
    End: true,
  };
}

/** Maps, each holding a Parallel of four branches of five Tasks; one Task in ten has no Catch. */
function wideDefinition(): Json {
  const states: Json = {};
  let count = 0;
  for (let m = 0; count < TARGET_STATES; m++) {
    const branches = Array.from({ length: 4 }, (_, b) => {
      const branch: Json = {};
      for (let t = 0; t < 5; t++) branch[`Task ${m}.${b}.${t}`] = task((m + b + t) % 10 !== 0);
      return { StartAt: `Task ${m}.${b}.0`, States: { ...branch, Failed: FAILED } };
    });
    const parallel = { Type: "Parallel", Branches: branches, End: true };
    states[`Map ${m}`] = {
      Type: "Map",
      ItemProcessor: { StartAt: "Fan Out", States: { "Fan Out": parallel } },
      End: true,
    };
    count += 2 + 4 * 5;
  }
  return { StartAt: "Map 0", States: states };
}

/** Levels alternating Map and Parallel, 500 deep, each with Tasks beside the nested container. */
function deepDefinition(): Json {
  const depth = 500;
  const tasksPerLevel = Math.ceil(TARGET_STATES / depth) - 1;
  let states: Json = { Innermost: task(false) };
  for (let level = 0; level < depth; level++) {
    const container =
      level % 2 === 0
        ? { Type: "Map", ItemProcessor: { StartAt: Object.keys(states)[0], States: states }, End: true }
        : { Type: "Parallel", Branches: [{ StartAt: Object.keys(states)[0], States: states }], End: true };
    states = { [`Level ${level}`]: container, Failed: FAILED };
    for (let t = 0; t < tasksPerLevel; t++) states[`Task ${level}.${t}`] = task(true);
  }
  return { StartAt: "Level 499", States: states };
}

/** Thousands separated, as `npm run bench` prints them; with a noun, singular or plural. */
function count(value: number, noun?: string): string {
  const figure = value.toLocaleString("en-US");
  return noun === undefined ? figure : `${figure} ${noun}${value === 1 ? "" : "s"}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(run: () => void): number {
  run(); // warm-up, so the figures show steady-state speed rather than compilation
  return median(
    Array.from({ length: RUNS }, () => {
      const start = performance.now();
      run();
      return performance.now() - start;
    }),
  );
}

function bench(label: string, definition: Json): void {
  const json = JSON.stringify(definition);
  let states = 0;
  const walkMs = time(() => {
    const parsed = parseDefinition(json);
    if (!parsed.ok) throw new Error(parsed.problem);
    states = 0;
    for (const _ of walkStates(parsed.definition)) states++;
  });

  let violations = 0;
  const args = {
    type: "aws:sfn/stateMachine:StateMachine",
    props: { definition: json },
    isType: () => true,
    asType: () => ({ definition: json }),
    getConfig: () => ({}),
    notApplicable: () => {
      throw new Error("not applicable");
    },
  } as unknown as ResourceValidationArgs;
  const validate = stepfunctionsTaskRetryAndCatch.validateResource;
  if (typeof validate !== "function") throw new Error("expected a single validation");
  const policyMs = time(() => {
    violations = 0;
    void validate(args, () => violations++);
  });

  const rate = (ms: number) => count(Math.round(states / ms));
  console.log(`${label}: ${count(states)} states, ${count(json.length)} bytes of JSON`);
  console.log(`  parse + walk: ${walkMs.toFixed(2)} ms (${rate(walkMs)} states/ms)`);
  console.log(
    `  policy:       ${policyMs.toFixed(2)} ms (${rate(policyMs)} states/ms), ${count(violations, "violation")}`,
  );
}

/**
 * A stack of this repo's workflow, `count` times over: a role, its role policy (linked by property
 * dependency, as during a first preview) and a state machine with this repo's definition. One role in ten
 * lacks a route and has one extra, so the policy reports two violations for each of them.
 */
function stack(count: number): PolicyResource[] {
  const resources: PolicyResource[] = [];
  for (let i = 0; i < count; i++) {
    const apiId = `api${i}`;
    const scope = { partition: "aws", region: "us-east-1", account: "123456789012", apiId, stage: "prod" };
    const document = executionPolicy(scope, { called: orderRoutes("inline"), tracingEnabled: true });
    if (i % 10 === 0) {
      const invoke = document.Statement[0];
      const routes = (invoke.Resource as string[]).slice(1);
      (document.Statement as unknown[])[0] = { ...invoke, Resource: [...routes, `${routes[0]}/extra`] };
    }
    const role = resource("aws:iam/role:Role", `role-${i}`, {
      name: `role-${i}`,
      arn: `arn:aws:iam::123456789012:role/role-${i}`,
    });
    const rolePolicy = resource("aws:iam/rolePolicy:RolePolicy", `policy-${i}`, {
      role: `role-${i}`,
      policy: JSON.stringify(document),
    });
    rolePolicy.propertyDependencies.role = [role];
    const definition = buildDefinition({
      endpoint: `${apiId}.execute-api.us-east-1.amazonaws.com`,
      stage: "prod",
      ...defaults,
    });
    const stateMachine = resource("aws:sfn/stateMachine:StateMachine", `orders-${i}`, {
      roleArn: `arn:aws:iam::123456789012:role/role-${i}`,
      definition: JSON.stringify(definition),
    });
    stateMachine.propertyDependencies.roleArn = [role];
    resources.push(role, rolePolicy, stateMachine);
  }
  return resources;
}

function resource(type: string, name: string, props: Record<string, unknown>): PolicyResource {
  return {
    type,
    name,
    urn: `urn:pulumi:bench::orders::${type}::${name}`,
    props,
    dependencies: [],
    propertyDependencies: {},
  } as unknown as PolicyResource;
}

/** Runs a stack policy over the resources as the analyzer would; what it reports goes to `report`. */
function runStackPolicy(
  policy: typeof stepfunctionsRoleMatchesApiCalls,
  resources: PolicyResource[],
  report: (message: string) => void,
): void {
  void policy.validateStack(
    {
      resources,
      stackTags: new Map(),
      getConfig: <T extends object>() => ({}) as T,
      notApplicable: () => {
        throw new Error("not applicable");
      },
    },
    report,
  );
}

function benchStack(stateMachines: number): void {
  const resources = stack(stateMachines);
  let violations = 0;
  const ms = time(() => {
    violations = 0;
    runStackPolicy(stepfunctionsRoleMatchesApiCalls, resources, () => violations++);
  });
  console.log(
    `  ${count(stateMachines).padStart(5)} state machines and roles (${count(resources.length)} resources): ${ms.toFixed(1)} ms ` +
      `(${(ms / stateMachines).toFixed(3)} ms per state machine), ${count(violations, "violation")}`,
  );
}

/** The policy SDK's placeholder for a string unknown during preview (proxy.js; not in its type declarations). */
const UNKNOWN_STRING = (proxy as unknown as { unknownStringValue: string }).unknownStringValue;

const API_HOST = "api0.execute-api.us-east-1.amazonaws.com";
const API_ARN = "arn:aws:execute-api:us-east-1:123456789012:api0/prod";

/**
 * One state machine of `calls` signed API Gateway Tasks against a role of `patterns` grant patterns: Task i
 * calls `GET /items/<i mod patterns>`, every other one with a run-time id below it; each pattern grants
 * one item and what is below it. The last item's grant is left out, so its calls are reported.
 */
function bigRole(calls: number, patterns: number): PolicyResource[] {
  const states: Json = {};
  for (let i = 0; i < calls; i++) {
    const item = i % patterns;
    states[`Call ${i}`] = {
      Type: "Task",
      Resource: "arn:aws:states:::apigateway:invoke",
      Parameters: {
        AuthType: "IAM_ROLE",
        ApiEndpoint: API_HOST,
        Stage: "prod",
        Method: "GET",
        ...(i % 2 === 0
          ? { Path: `/items/${item}` }
          : { "Path.$": `States.Format('/items/${item}/{}', $.id)` }),
      },
      ...(i + 1 < calls ? { Next: `Call ${i + 1}` } : { End: true }),
    };
  }
  const resources = Array.from({ length: patterns - 1 }, (_, j) =>
    j % 2 === 0 ? `${API_ARN}/GET/items/${j}` : `${API_ARN}/GET/items/${j}/*`,
  );
  const document = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: resources }],
  };
  const role = resource("aws:iam/role:Role", "role", {
    name: "role",
    arn: "arn:aws:iam::123456789012:role/role",
  });
  const rolePolicy = resource("aws:iam/rolePolicy:RolePolicy", "policy", {
    role: "role",
    policy: JSON.stringify(document),
  });
  const stateMachine = resource("aws:sfn/stateMachine:StateMachine", "orders", {
    roleArn: "arn:aws:iam::123456789012:role/role",
    definition: JSON.stringify({ StartAt: "Call 0", States: states }),
  });
  rolePolicy.propertyDependencies.role = [role];
  stateMachine.propertyDependencies.roleArn = [role];
  return [role, rolePolicy, stateMachine];
}

function benchBigRole(calls: number, patterns: number): void {
  const resources = bigRole(calls, patterns);
  let violations = 0;
  const ms = time(() => {
    violations = 0;
    runStackPolicy(stepfunctionsRoleMatchesApiCalls, resources, () => violations++);
  });
  console.log(
    `  ${count(calls)} calls against ${count(patterns)} grant patterns: ${ms.toFixed(1)} ms, ${count(violations, "violation")}` +
      (ms < 1000 ? "" : " (over the one second allowed)"),
  );
}

/**
 * A first preview of `roles` roles, each with a state machine of this repo's workflow and an attachment
 * whose role is unknown and linked by no dependency (so it may reach every role), and no role policy: each
 * call is an advisory that names what it cannot read.
 */
function previewAdvisories(roles: number): void {
  const resources: PolicyResource[] = [];
  const definition = JSON.stringify(buildDefinition({ endpoint: API_HOST, stage: "prod", ...defaults }));
  for (let i = 0; i < roles; i++) {
    const role = resource("aws:iam/role:Role", `role-${i}`, { name: UNKNOWN_STRING, arn: UNKNOWN_STRING });
    const stateMachine = resource("aws:sfn/stateMachine:StateMachine", `orders-${i}`, {
      roleArn: UNKNOWN_STRING,
      definition,
    });
    stateMachine.propertyDependencies.roleArn = [role];
    const attachment = resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", `attach-${i}`, {
      role: UNKNOWN_STRING,
      policyArn: `arn:aws:iam::123456789012:policy/shared-${i}`,
    });
    resources.push(role, stateMachine, attachment);
  }
  let advisories = 0;
  let bytes = 0;
  const ms = time(() => {
    advisories = 0;
    bytes = 0;
    runStackPolicy(stepfunctionsRoleMatchesApiCallsUnverified, resources, (message) => {
      advisories++;
      bytes += Buffer.byteLength(message);
    });
  });
  console.log(
    `  ${count(roles)} roles, each attachment's role unknown: ${count(advisories)} advisories of ${count(Math.round(bytes / 1024))} KiB in all, ` +
      `the longest list capped; ${ms.toFixed(1)} ms`,
  );
}

const usage = `Time the definition walker and the stepfunctions-task-retry-and-catch policy on two
definitions of about 10,000 states, then the stepfunctions-role-matches-api-calls stack policy on
stacks of 250, 500 and 1,000 state machines and on one state machine of 10,000 calls against a role
of 1,500 grant patterns, and measure the advisories of a preview of 500 roles.`;

if (shouldRunBench("bench:policy", usage)) {
  bench("wide (Map > Parallel > Tasks)", wideDefinition());
  bench("deep (500 nested levels)", deepDefinition());
  console.log("stepfunctions-role-matches-api-calls, this repo's workflow per state machine:");
  for (const count of [250, 500, 1000]) benchStack(count);
  benchBigRole(10_000, 1_500);
  console.log("stepfunctions-role-matches-api-calls-unverified, during a first preview:");
  previewAdvisories(500);
}

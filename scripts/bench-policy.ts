// Times the definition walker and the stepfunctions-task-retry-and-catch policy on generated definitions of
// 10 000 states: one wide (Maps of Parallels of Tasks) and one a single chain nested 500 levels deep. Then
// times the stack policy stepfunctions-role-matches-api-calls on stacks of 250, 500 and 1 000 state machines,
// each with its own role and role policy, to show that it grows linearly with the stack.
// Run: npm run bench:policy
import { performance } from "node:perf_hooks";
import { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import { buildDefinition } from "../components/definition";
import { orderRoutes } from "../components/calledRoutes";
import { executionPolicy } from "../components/iam";
import { defaults } from "../components/settings";
import { parseDefinition, walkStates } from "../policy/lib/asl";
import { stepfunctionsRoleMatchesApiCalls } from "../policy/policies/stepfunctions-role-matches-api-calls";
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
  const resource = (type: string, name: string, props: Record<string, unknown>): PolicyResource =>
    ({
      type,
      name,
      urn: `urn:pulumi:bench::orders::${type}::${name}`,
      props,
      dependencies: [],
      propertyDependencies: {},
    }) as unknown as PolicyResource;
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

function benchStack(stateMachines: number): void {
  const resources = stack(stateMachines);
  const validate = stepfunctionsRoleMatchesApiCalls.validateStack;
  let violations = 0;
  const ms = time(() => {
    violations = 0;
    void validate(
      {
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => ({}) as T,
        notApplicable: () => {
          throw new Error("not applicable");
        },
      },
      () => violations++,
    );
  });
  console.log(
    `  ${count(stateMachines).padStart(5)} state machines and roles (${count(resources.length)} resources): ${ms.toFixed(1)} ms ` +
      `(${(ms / stateMachines).toFixed(3)} ms per state machine), ${count(violations, "violation")}`,
  );
}

const usage = `Time the definition walker and the stepfunctions-task-retry-and-catch policy on two
definitions of about 10,000 states, then the stepfunctions-role-matches-api-calls stack policy on
stacks of 250, 500 and 1,000 state machines.`;

if (shouldRunBench("bench:policy", usage)) {
  bench("wide (Map > Parallel > Tasks)", wideDefinition());
  bench("deep (500 nested levels)", deepDefinition());
  console.log("stepfunctions-role-matches-api-calls, this repo's workflow per state machine:");
  for (const count of [250, 500, 1000]) benchStack(count);
}

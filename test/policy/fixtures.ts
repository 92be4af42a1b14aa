// State machine definitions and resources shared by the policy tests.
import { Resource } from "./harness";

type Json = Record<string, unknown>;

export const RETRY = [
  {
    ErrorEquals: ["States.Timeout", "States.TaskFailed"],
    IntervalSeconds: 2,
    MaxAttempts: 5,
    BackoffRate: 2,
  },
];
export const CATCH = [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Order Failed" }];

/** A compliant Task calling the order API through API Gateway, as this repo's workflow does. */
export function task(fields: Json = {}): Json {
  return {
    Type: "Task",
    Resource: "arn:aws:states:::apigateway:invoke",
    Parameters: { ApiEndpoint: "MyApiId.execute-api.us-east-1.amazonaws.com", Method: "GET", Stage: "dev" },
    Retry: RETRY,
    Catch: CATCH,
    End: true,
    ...fields,
  };
}

/** A Task with the given fields left out. */
export function taskWithout(...fields: string[]): Json {
  const state = task();
  for (const field of fields) delete state[field];
  return state;
}

/**
 * States with the "Order Failed" state that CATCH goes to: a Catch may only name a state of its own States
 * object, so every branch and item processor has its own.
 */
function withFailState(states: Json): Json {
  return { ...states, "Order Failed": states["Order Failed"] ?? { Type: "Fail", Error: "OrderFailed" } };
}

export function parallel(...branches: Json[]): Json {
  return {
    Type: "Parallel",
    Branches: branches.map((States) => ({ StartAt: Object.keys(States)[0], States: withFailState(States) })),
    End: true,
  };
}

export function map(states: Json, processor: "ItemProcessor" | "Iterator" = "ItemProcessor"): Json {
  return {
    Type: "Map",
    [processor]: { StartAt: Object.keys(states)[0], States: withFailState(states) },
    End: true,
  };
}

export function definition(states: Json, fields: Json = {}): Json {
  return { StartAt: Object.keys(states)[0], ...fields, States: withFailState(states) };
}

export function stateMachine(definitionValue: unknown, config?: Json): Resource {
  return {
    type: "aws:sfn/stateMachine:StateMachine",
    props: {
      roleArn: "arn:aws:iam::123456789012:role/order-workflow",
      definition: typeof definitionValue === "string" ? definitionValue : JSON.stringify(definitionValue),
    },
    config,
  };
}

/**
 * The shape of this repo's order workflow: create the order, then price each cart item in a Map whose
 * iterations fan out into a Parallel state, then announce the order. Every Task retries at most 5 times and
 * catches States.ALL.
 */
export const orderWorkflow = definition({
  "Create Order": task({ Next: "For Each Product In Cart", End: undefined }),
  "For Each Product In Cart": {
    ...map({
      Parallel_Processing: parallel(
        { "Product.GetProduct": task() },
        { "Inventory.CheckStock": task() },
        { "Promotion.GetPromotionsForCart": task() },
      ),
    }),
    ItemsPath: "$.cart.items",
    MaxConcurrency: 5,
    End: undefined,
    Next: "Announce Order",
  },
  "Announce Order": task({ Next: "Order Created", End: undefined }),
  "Order Created": { Type: "Succeed" },
  "Order Failed": { Type: "Fail", Error: "OrderFailed" },
});

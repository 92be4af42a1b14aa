import type { AslState } from "./asl";
import { pathParameters, Route } from "../routes";

/** Where the order API is served: the definition's ApiEndpoint and Stage. */
export interface ApiTarget {
  /** `<apiId>.execute-api.<region>.amazonaws.com` */
  readonly endpoint: string;
  readonly stage: string;
}

/** The host a REST API is invoked at: the definition's ApiEndpoint, and what the policy pack reads an API id from. */
export const apiEndpoint = (apiId: string, region: string): string =>
  `${apiId}.execute-api.${region}.amazonaws.com`;

export interface ApiCall {
  readonly route: Route;
  /** A JSONPath (or intrinsic) for each of the route's path parameters. */
  readonly pathValues?: Readonly<Record<string, string>>;
  /** Query parameter name to an expression yielding an array of strings (API Gateway's shape). */
  readonly query?: Readonly<Record<string, string>>;
  /** Payload template of the request body. */
  readonly body?: Readonly<Record<string, unknown>>;
  /** Expression yielding a key that stays the same across retries of this call; required for POST and PATCH. */
  readonly idempotencyKey?: string;
  /** Where the result goes; omitted, it replaces the state's input (the ASL default). */
  readonly resultPath?: string | null;
  /**
   * The result, in place of `{ body }` (`resultSelector`): it must read the answer only at
   * `$.ResponseBody`, the one path every 2xx result has; other values come from the context object.
   */
  readonly resultSelector?: Readonly<Record<string, unknown>>;
  readonly next?: string;
  /** Where the Catch goes, and where it puts `{Error, Cause}`; `resultPath` omitted, they replace the state. */
  readonly onError: { readonly next: string; readonly resultPath?: string };
}

/**
 * The error names Step Functions raises for an API Gateway call are `ApiGateway.<status>`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/connect-api-gateway.html#connect-api-gateway-errors).
 * Only server-side and timeout failures are retried: a 4xx says the request itself is wrong, so
 * a retry would fail the same way.
 */
export const transientErrors = [
  "ApiGateway.500",
  "ApiGateway.502",
  "ApiGateway.503",
  "ApiGateway.504",
  "States.Timeout",
] as const;
export const throttlingErrors = ["ApiGateway.429"] as const;

/** Full jitter spreads the retries of concurrent Map iterations instead of synchronising them. */
export const retryPolicy = [
  {
    ErrorEquals: [...transientErrors],
    IntervalSeconds: 1,
    BackoffRate: 2,
    MaxAttempts: 3,
    MaxDelaySeconds: 8,
    JitterStrategy: "FULL",
  },
  {
    ErrorEquals: [...throttlingErrors],
    IntervalSeconds: 2,
    BackoffRate: 2,
    MaxAttempts: 5,
    MaxDelaySeconds: 20,
    JitterStrategy: "FULL",
  },
] as const;

/** Above API Gateway's 29 s integration timeout, so a hung call ends as a retryable States.Timeout. */
export const taskTimeoutSeconds = 30;

/** Header that lets the order API recognise a retried POST and answer it without repeating it. */
export const idempotencyHeader = "Idempotency-Key";

/** One value as the list API Gateway expects for query parameters and headers. */
export function single(expression: string): string {
  return `States.Array(${expression})`;
}

/** `/products/{productId}` with `{productId: "$.productId"}` gives `States.Format('products/{}', $.productId)`. */
function renderPath(call: ApiCall): Record<string, string> {
  const names = pathParameters(call.route);
  const relative = call.route.path.slice(1);
  if (names.length === 0) {
    return { Path: relative };
  }
  const values = names.map((name) => {
    const value = call.pathValues?.[name];
    if (value === undefined) {
      throw new Error(`${call.route.operation}: path parameter "${name}" of ${call.route.path} has no value`);
    }
    return value;
  });
  return { "Path.$": `States.Format('${relative.replace(/\{[^}]+\}/g, "{}")}', ${values.join(", ")})` };
}

/**
 * A Task keeps only the answer's body, under `body`: a ResultSelector path to a field the body
 * lacks raises `States.Runtime`, which no Catch sees, while `$.ResponseBody` is in every 2xx
 * result. The states after the Task check the fields (components/definition/responses.ts) before reading them.
 */
export const resultSelector = { "body.$": "$.ResponseBody" } as const;

/** An `arn:aws:states:::apigateway:invoke` Task with the project's Retry and Catch. */
export function apiGatewayTask(target: ApiTarget, call: ApiCall): AslState {
  if (call.route.method !== "GET" && call.idempotencyKey === undefined) {
    throw new Error(
      `${call.route.operation}: a ${call.route.method} must carry an idempotency key so a retry cannot repeat it`,
    );
  }
  const parameters: Record<string, unknown> = {
    ApiEndpoint: target.endpoint,
    Stage: target.stage,
    Method: call.route.method,
    ...renderPath(call),
    // IAM_ROLE signs the call with the state machine's role, so its execute-api:Invoke grants apply.
    AuthType: "IAM_ROLE",
  };
  if (call.idempotencyKey !== undefined) {
    parameters.Headers = { [`${idempotencyHeader}.$`]: single(call.idempotencyKey) };
  }
  if (call.query !== undefined) {
    parameters.QueryParameters = Object.fromEntries(
      Object.entries(call.query).map(([name, expression]) => [`${name}.$`, expression]),
    );
  }
  if (call.body !== undefined) {
    parameters.RequestBody = call.body;
  }
  return {
    Type: "Task",
    Resource: "arn:aws:states:::apigateway:invoke",
    Parameters: parameters,
    TimeoutSeconds: taskTimeoutSeconds,
    ResultSelector: call.resultSelector ?? resultSelector,
    ...(call.resultPath === undefined ? {} : { ResultPath: call.resultPath }),
    Retry: retryPolicy.map((retrier) => ({ ...retrier, ErrorEquals: [...retrier.ErrorEquals] })),
    Catch: [
      {
        ErrorEquals: ["States.ALL"],
        ...(call.onError.resultPath === undefined ? {} : { ResultPath: call.onError.resultPath }),
        Next: call.onError.next,
      },
    ],
    ...(call.next === undefined ? { End: true } : { Next: call.next }),
  };
}

import { STATUS_CODES } from "node:http";
import { stagePath } from "../api/routeMatcher";
import { encodePath, PathValueError } from "./taskPath";

/** A Task's effective Parameters for `arn:aws:states:::apigateway:invoke`, after JSONPath and intrinsics. */
export interface ApiGatewayParameters {
  readonly ApiEndpoint: string;
  readonly Stage: string;
  readonly Method: string;
  /** Relative to the stage, no leading slash. */
  readonly Path?: string;
  /** Lists of strings, as API Gateway wants them; anything else is refused (see `asList`). */
  readonly QueryParameters?: Readonly<Record<string, unknown>>;
  readonly Headers?: Readonly<Record<string, unknown>>;
  readonly RequestBody?: unknown;
  readonly AuthType?: string;
}

/** What Step Functions returns for a 2xx answer. */
export interface ApiGatewayResult {
  /** Parsed when the answer is JSON, as Step Functions does. */
  readonly ResponseBody: unknown;
  readonly Headers: Record<string, string[]>;
  readonly StatusCode: number;
  readonly StatusText: string;
}

/**
 * A non-2xx answer, named as Step Functions names it (`ApiGateway.503`) so the definition's Retry
 * and Catch match it; the message, which becomes the Cause, is the response body.
 */
export class ApiGatewayError extends Error {
  constructor(statusCode: number, body: string) {
    super(body);
    this.name = `ApiGateway.${statusCode}`;
  }
}

/**
 * A `States.Runtime` error as Step Functions raises it: no Retry or Catch matches it, `States.ALL`
 * included (the local engine reads `isRetryable` and `isCatchable` to tell).
 */
export function statesRuntimeError(message: string): Error {
  const error = new Error(message);
  error.name = "States.Runtime";
  Object.defineProperties(error, { isRetryable: { value: false }, isCatchable: { value: false } });
  return error;
}

/**
 * Step Functions only accepts lists of strings for query parameters and headers, and fails the
 * execution otherwise; checking here makes a definition that breaks that rule fail locally too.
 */
function asList(field: string, name: string, values: unknown): readonly string[] {
  if (!Array.isArray(values) || !values.every((value) => typeof value === "string")) {
    throw statesRuntimeError(`${field}.${name} must be a list of strings; got ${JSON.stringify(values)}`);
  }
  return values;
}

/** The path with each value of its template encoded as one segment; a value that cannot be is a runtime error. */
function encodedPath(path: string, template: string | undefined): string {
  if (template === undefined) return encodeURI(path);
  try {
    return encodePath(template, path);
  } catch (error) {
    if (!(error instanceof PathValueError)) throw error;
    throw statesRuntimeError(error.message);
  }
}

/**
 * Turns the API Gateway Tasks' Parameters into real HTTP calls: each API endpoint of the definition
 * is served at a local origin. AuthType is not applied: the local API does not check signatures.
 */
export class ApiGatewayInvoker {
  constructor(private readonly origins: Readonly<Record<string, string>>) {}

  private url(parameters: ApiGatewayParameters, pathTemplate: string | undefined): URL {
    const origin = this.origins[parameters.ApiEndpoint];
    if (origin === undefined) {
      throw new Error(
        `No local API serves ${parameters.ApiEndpoint}; known: ${Object.keys(this.origins).join(", ")}`,
      );
    }
    const path = encodedPath(parameters.Path ?? "", pathTemplate);
    const url = new URL(`${origin}${stagePath(parameters.Stage)}/${path}`);
    for (const [name, values] of Object.entries(parameters.QueryParameters ?? {})) {
      for (const value of asList("QueryParameters", name, values)) url.searchParams.append(name, value);
    }
    return url;
  }

  /**
   * `pathTemplate` (`products/{}`, see `pathTemplateOf`) says which parts of the Path are values, to
   * be encoded per segment as an HTTP client does; without it the Path is sent as written.
   * `signal` abandons the call, as Step Functions does when the Task times out.
   */
  async invoke(
    parameters: ApiGatewayParameters,
    pathTemplate?: string,
    signal?: AbortSignal,
  ): Promise<ApiGatewayResult> {
    const headers = new Headers();
    for (const [name, values] of Object.entries(parameters.Headers ?? {})) {
      for (const value of asList("Headers", name, values)) headers.append(name, value);
    }
    const hasBody = parameters.RequestBody !== undefined;
    if (hasBody) headers.set("Content-Type", "application/json");
    const response = await fetch(this.url(parameters, pathTemplate), {
      method: parameters.Method,
      headers,
      body: hasBody ? JSON.stringify(parameters.RequestBody) : undefined,
      signal,
    });
    const text = await response.text();
    if (!response.ok) throw new ApiGatewayError(response.status, text);
    const responseHeaders: Record<string, string[]> = {};
    response.headers.forEach((value, name) => (responseHeaders[name] = [value]));
    const isJson = (response.headers.get("content-type") ?? "").includes("json") && text !== "";
    return {
      ResponseBody: isJson ? JSON.parse(text) : text,
      Headers: responseHeaders,
      StatusCode: response.status,
      StatusText: STATUS_CODES[response.status] ?? "",
    };
  }
}

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Route } from "../../components/routes";
import { check, Schema } from "./schema";

/** The order API's contract, shared by the local API, the tests and the app teams. */
export const contractFile = join(__dirname, "..", "..", "api", "order-api.openapi.yaml");

interface Parameter {
  readonly name: string;
  readonly in: "path" | "query" | "header";
  readonly required?: boolean;
  readonly schema: Schema;
}

interface JsonContent {
  readonly content?: { readonly "application/json"?: { readonly schema: Schema } };
}

export interface Operation {
  readonly operationId: string;
  readonly parameters?: readonly (Parameter | { readonly $ref: string })[];
  readonly requestBody?: JsonContent & { readonly required?: boolean };
  readonly responses: Readonly<Record<string, JsonContent | { readonly $ref: string }>>;
}

export interface OpenApiDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, Schema>>;
    readonly parameters: Readonly<Record<string, Parameter>>;
    readonly responses: Readonly<Record<string, JsonContent>>;
  };
}

/** What arrived, as the API sees it: query values are lists because a name may repeat. */
export interface RequestParts {
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** Lower-case names, as node:http gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

export class Contract {
  constructor(readonly document: OpenApiDocument) {}

  static load(): Contract {
    return new Contract(parse(readFileSync(contractFile, "utf8")) as OpenApiDocument);
  }

  /** The operation documented for a route, or undefined when the contract lacks it. */
  operation(route: Route): Operation | undefined {
    return this.document.paths[route.path]?.[route.method.toLowerCase()];
  }

  schema(ref: string): Schema {
    const name = ref.replace("#/components/schemas/", "");
    const schema = this.document.components.schemas[name];
    if (schema === undefined) throw new Error(`The contract has no schema ${ref}`);
    return schema;
  }

  parameters(operation: Operation): Parameter[] {
    return (operation.parameters ?? []).map((parameter) =>
      "$ref" in parameter
        ? this.document.components.parameters[parameter.$ref.replace("#/components/parameters/", "")]
        : parameter,
    );
  }

  /** The response body schema for a status, `5XX`-style ranges included; undefined when undocumented. */
  responseSchema(operation: Operation, status: number): Schema | undefined {
    const response = operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`];
    if (response === undefined) return undefined;
    const resolved =
      "$ref" in response
        ? this.document.components.responses[response.$ref.replace("#/components/responses/", "")]
        : response;
    return resolved.content?.["application/json"]?.schema;
  }

  /** Everything about a request that breaks the contract; empty when it conforms. */
  checkRequest(operation: Operation, request: RequestParts): string[] {
    const resolve = (ref: string) => this.schema(ref);
    const problems: string[] = [];
    for (const parameter of this.parameters(operation)) {
      const values = valuesOf(parameter, request);
      const at = `${parameter.in}.${parameter.name}`;
      if (values.length === 0) {
        if (parameter.required) problems.push(`${at}: is required`);
        continue;
      }
      const schema = parameter.schema.$ref === undefined ? parameter.schema : resolve(parameter.schema.$ref);
      if (schema.type === "array") {
        problems.push(...check(schema, values, at, resolve));
      } else if (values.length > 1) {
        problems.push(`${at}: given ${values.length} times, expected once`);
      } else {
        problems.push(...check(schema, coerce(schema, values[0]), at, resolve));
      }
    }
    const bodySchema = operation.requestBody?.content?.["application/json"]?.schema;
    if (bodySchema !== undefined && request.body !== undefined) {
      problems.push(...check(bodySchema, request.body, "body", resolve));
    } else if (operation.requestBody?.required && request.body === undefined) {
      problems.push("body: is required");
    }
    return problems;
  }

  /** Everything about a response that breaks the contract; empty when it conforms. */
  checkResponse(operation: Operation, status: number, body: unknown): string[] {
    const schema = this.responseSchema(operation, status);
    if (schema === undefined) return [`status ${status} is not documented for ${operation.operationId}`];
    return check(schema, body, "response", (ref) => this.schema(ref));
  }
}

function valuesOf(parameter: Parameter, request: RequestParts): readonly string[] {
  switch (parameter.in) {
    case "path": {
      const value = request.pathParameters[parameter.name];
      return value === undefined ? [] : [value];
    }
    case "query":
      return request.query[parameter.name] ?? [];
    case "header": {
      const value = request.headers[parameter.name.toLowerCase()];
      return value === undefined ? [] : Array.isArray(value) ? value : [value];
    }
  }
}

/** Query, path and header values arrive as text; integers are compared as numbers. */
function coerce(schema: Schema, value: string): unknown {
  return schema.type === "integer" && /^-?\d+$/.test(value) ? Number(value) : value;
}

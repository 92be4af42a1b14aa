import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import { parse } from "yaml";
import type { Route } from "../../components/routes";

/** The order API's contract, shared by the local API, the tests and the app teams. */
export const contractFile = join(__dirname, "..", "..", "api", "order-api.openapi.yaml");

/**
 * A schema of the contract (OpenAPI 3.0's dialect of JSON Schema), typed only as far as this code
 * and its tests read it; ajv checks values against all of it.
 */
export interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly required?: readonly string[];
  readonly allOf?: readonly Schema[];
}

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
  /**
   * Strict, so that a keyword ajv does not check (an OpenAPI-only one such as `example` or
   * `discriminator`, an unknown `format`, a typo) fails the contract's loading: the contract cannot
   * say more than the local API checks. `nullable` is OpenAPI 3.0's and ajv checks it. strictRequired
   * stays off: it would refuse `allOf` parts that require properties another part defines (PricedCart).
   * All errors, so that a 400 lists every reason at once.
   */
  private readonly ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true });
  private readonly validators = new Map<Schema, ValidateFunction>();

  constructor(readonly document: OpenApiDocument) {
    // Keyed by their reference, so that every `$ref: "#/components/schemas/<name>"` resolves to them.
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      this.ajv.addSchema(schema, `#/components/schemas/${name}`);
    }
    // Compile every schema now, once: a schema ajv refuses fails here rather than on some request.
    for (const schema of Object.values(document.components.schemas)) this.validator(schema);
    for (const methods of Object.values(document.paths)) {
      for (const operation of Object.values(methods)) {
        for (const parameter of this.parameters(operation)) this.validator(parameter.schema);
        const bodySchema = operation.requestBody?.content?.["application/json"]?.schema;
        if (bodySchema !== undefined) this.validator(bodySchema);
        for (const status of Object.keys(operation.responses)) {
          const schema = this.responseSchema(operation, status);
          if (schema !== undefined) this.validator(schema);
        }
      }
    }
  }

  private static loaded: Contract | undefined;

  /**
   * The contract of `api/order-api.openapi.yaml`, read and compiled once per process: compiling its
   * schemas takes ajv about 50 ms, which every local API started would otherwise pay again.
   */
  static load(): Contract {
    Contract.loaded ??= new Contract(parse(readFileSync(contractFile, "utf8")) as OpenApiDocument);
    return Contract.loaded;
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
  responseSchema(operation: Operation, status: number | string): Schema | undefined {
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
    const problems: string[] = [];
    for (const parameter of this.parameters(operation)) {
      const values = valuesOf(parameter, request);
      const at = `${parameter.in}.${parameter.name}`;
      if (values.length === 0) {
        if (parameter.required) problems.push(`${at}: is required`);
        continue;
      }
      const schema =
        parameter.schema.$ref === undefined ? parameter.schema : this.schema(parameter.schema.$ref);
      if (schema.type === "array") {
        problems.push(...this.check(parameter.schema, values, at));
      } else if (values.length > 1) {
        problems.push(`${at}: given ${values.length} times, expected once`);
      } else {
        problems.push(...this.check(parameter.schema, coerce(schema, values[0]), at));
      }
    }
    const bodySchema = operation.requestBody?.content?.["application/json"]?.schema;
    if (bodySchema !== undefined && request.body !== undefined) {
      problems.push(...this.check(bodySchema, request.body, "body"));
    } else if (operation.requestBody?.required && request.body === undefined) {
      problems.push("body: is required");
    }
    return problems;
  }

  /** Everything about a response that breaks the contract; empty when it conforms. */
  checkResponse(operation: Operation, status: number, body: unknown): string[] {
    const schema = this.responseSchema(operation, status);
    if (schema === undefined) return [`status ${status} is not documented for ${operation.operationId}`];
    return this.check(schema, body, "response");
  }

  /** The schema's validator, compiled on first use and kept. */
  private validator(schema: Schema): ValidateFunction {
    let validate = this.validators.get(schema);
    if (validate === undefined) {
      validate = this.ajv.compile(schema);
      this.validators.set(schema, validate);
    }
    return validate;
  }

  /** The problems of `value` against `schema`, each prefixed with where it is (`body.items[0].quantity`). */
  private check(schema: Schema, value: unknown, at: string): string[] {
    const validate = this.validator(schema);
    if (validate(value)) return [];
    // Each branch of a oneOf reports its own problems, which may read alike.
    return [...new Set((validate.errors ?? []).map((error) => describe(error, at)))];
  }
}

/** An ajv error as `<where>: <problem>`, where is `at` and then ajv's instancePath written as a JS path. */
function describe(error: ErrorObject, at: string): string {
  const where =
    at +
    error.instancePath
      .split("/")
      .slice(1)
      .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"))
      // Digits are array indexes: no object of the contract has numbers for keys.
      .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))
      .join("");
  // ajv reports a missing or extra property at its object, naming it in params: put it in the path.
  // `minimum` keeps the API's wording of the bound ("must be at least 1", not "must be >= 1").
  switch (error.keyword) {
    case "required":
      return `${where}.${error.params.missingProperty}: is required`;
    case "additionalProperties":
      return `${where}.${error.params.additionalProperty}: is not in the contract`;
    case "minimum":
      return `${where}: must be at least ${error.params.limit}`;
    default:
      return `${where}: ${error.message}`;
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

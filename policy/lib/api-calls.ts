// The API Gateway calls a definition makes with its execution role: each `arn:aws:states:::apigateway:invoke`
// Task's ApiEndpoint, Stage, Method and Path (https://docs.aws.amazon.com/step-functions/latest/dg/connect-api-gateway.html),
// at any depth, in JSONPath (`Parameters`, `<field>.$`) and JSONata (`Arguments`, `{% ... %}`) alike. Only
// `AuthType: IAM_ROLE` signs the request with the role; `NO_AUTH` (the default) and `RESOURCE_POLICY` need no grant.
import { StateMachineDefinition, walkStates } from "./asl";
import { isJsonObject, JsonObject } from "./json";
import { DelegatedTask, delegatedTo } from "./task-credentials";

export const INVOKE = "execute-api:Invoke";
/**
 * What a call to a WebSocket API's `@connections` management path needs instead of Invoke
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-control-access-iam.html).
 */
export const MANAGE_CONNECTIONS = "execute-api:ManageConnections";

/**
 * Stands for a value known only at run time. No literal ARN contains it, so an IAM pattern matches it only
 * where the pattern allows any value (`*`).
 */
export const DYNAMIC = "\u0000dynamic\u0000";

/** A call whose target is known: each part a literal, except Path, where DYNAMIC marks run-time segments. */
export interface ApiCall {
  /** The path of the Task state (see WalkedState.path). */
  state: string;
  action: typeof INVOKE | typeof MANAGE_CONNECTIONS;
  region: string;
  apiId: string;
  stage: string;
  method: string;
  /** The path without its leading "/", as execute-api ARNs write it. */
  path: string;
}

/** A call whose API, stage or method is only known at run time, so no grant can be matched with it. */
export interface OpenCall {
  state: string;
  /** Why, e.g. `its ApiEndpoint "orders.example.com" is not an execute-api host`. */
  reason: string;
}

const INVOKE_RESOURCE = /^arn:aws[a-z-]*:states:::apigateway:invoke(\.waitForTaskToken)?$/;
/** `<apiId>.execute-api.<region>.amazonaws.com`, optionally with a private API's `-vpce-<id>` and `.cn`. */
const EXECUTE_API_HOST =
  /^([A-Za-z0-9]+)(?:-vpce-[a-z0-9]+)?\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

export function apiGatewayCalls(definition: StateMachineDefinition): {
  calls: ApiCall[];
  open: OpenCall[];
  /** Calls made as the role a Task's Credentials name, whose grants are not the execution role's. */
  delegated: DelegatedTask[];
} {
  const calls: ApiCall[] = [];
  const open: OpenCall[] = [];
  const delegated: DelegatedTask[] = [];
  for (const { path, state } of walkStates(definition)) {
    if (
      state.Type !== "Task" ||
      typeof state.Resource !== "string" ||
      !INVOKE_RESOURCE.test(state.Resource)
    ) {
      continue;
    }
    const args = isJsonObject(state.Parameters) ? state.Parameters : state.Arguments;
    if (!isJsonObject(args)) {
      open.push({ state: path, reason: "its Parameters or Arguments are not an object" });
      continue;
    }
    const auth = authType(args);
    if (auth === "NO_AUTH" || auth === "RESOURCE_POLICY") continue;
    if (auth !== "IAM_ROLE") {
      open.push({ state: path, reason: auth.problem });
      continue;
    }
    const asRole = delegatedTo(state, path);
    if (asRole !== undefined) {
      delegated.push(asRole);
      continue;
    }
    const endpoint = literal(args, "ApiEndpoint");
    const host = endpoint === undefined ? undefined : EXECUTE_API_HOST.exec(endpoint);
    // An HTTP API's $default stage is left out of the call.
    const stage =
      args.Stage === undefined && args["Stage.$"] === undefined ? "$default" : literal(args, "Stage");
    const method = literal(args, "Method");
    if (!host || stage === undefined || method === undefined) {
      const reason = !host
        ? `its ApiEndpoint ${endpoint === undefined ? "is set at run time" : `"${endpoint}" is not an execute-api host`}`
        : `its ${stage === undefined ? "Stage" : "Method"} is set at run time`;
      open.push({ state: path, reason });
      continue;
    }
    const rendered = callPath(args);
    // `@connections` is the management API of a WebSocket stage, whatever the method (POST, GET, DELETE).
    const action =
      rendered === "@connections" || rendered.startsWith("@connections/") ? MANAGE_CONNECTIONS : INVOKE;
    calls.push({ state: path, action, apiId: host[1], region: host[2], stage, method, path: rendered });
  }
  return { calls, open, delegated };
}

/** How the call authenticates; only IAM_ROLE signs with the role. Left out, it is NO_AUTH. */
function authType(args: JsonObject): "NO_AUTH" | "IAM_ROLE" | "RESOURCE_POLICY" | { problem: string } {
  if (args.AuthType === undefined && args["AuthType.$"] === undefined) return "NO_AUTH";
  const value = literal(args, "AuthType");
  if (value === "NO_AUTH" || value === "IAM_ROLE" || value === "RESOURCE_POLICY") return value;
  return {
    problem:
      value !== undefined
        ? `its AuthType "${value}" is none of NO_AUTH, IAM_ROLE and RESOURCE_POLICY`
        : args.AuthType === undefined || typeof args.AuthType === "string"
          ? "its AuthType is set at run time"
          : "its AuthType is not a string",
  };
}

/** A field's value when it is a literal string; undefined when it is set at run time or missing. */
function literal(args: JsonObject, field: string): string | undefined {
  const value = args[field];
  return typeof value === "string" && !isJsonata(value) ? value : undefined;
}

function isJsonata(value: string): boolean {
  return value.startsWith("{%") && value.endsWith("%}");
}

/**
 * The path as execute-api ARNs write it: without its leading "/", each part set at run time DYNAMIC. The
 * literal parts of `States.Format('products/{}', $.id)` and of a JSONata concatenation `'/products/' & $id`
 * are kept; any other expression is DYNAMIC as a whole.
 */
function callPath(args: JsonObject): string {
  const path = args.Path;
  const expression = args["Path.$"];
  let rendered: string;
  if (typeof path === "string" && isJsonata(path)) {
    rendered = jsonataConcatenation(path.slice(2, -2));
  } else if (typeof path === "string") {
    rendered = path;
  } else if (typeof expression === "string") {
    rendered = formatTemplate(expression);
  } else {
    rendered = path === undefined && expression === undefined ? "" : DYNAMIC;
  }
  return rendered.startsWith("/") ? rendered.slice(1) : rendered;
}

/** `States.Format('a/{}/b', ...)` gives `a/<DYNAMIC>/b`; any other expression DYNAMIC. */
function formatTemplate(expression: string): string {
  const match = /^\s*States\.Format\(\s*'((?:[^'\\]|\\.)*)'/.exec(expression);
  if (!match) return DYNAMIC;
  let rendered = "";
  const template = match[1];
  for (let i = 0; i < template.length; i++) {
    if (template[i] === "\\" && i + 1 < template.length) {
      rendered += template[++i];
    } else if (template.startsWith("{}", i)) {
      rendered += DYNAMIC;
      i++;
    } else {
      rendered += template[i];
    }
  }
  return rendered;
}

/** `'/products/' & $states.input.id` gives `/products/<DYNAMIC>`: literals kept, anything else DYNAMIC. */
function jsonataConcatenation(body: string): string {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = "";
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (quote !== undefined) {
      current += char;
      if (char === "\\" && i + 1 < body.length) current += body[++i];
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if (char === "(" || char === "[" || char === "{") depth++;
    else if (char === ")" || char === "]" || char === "}") depth--;
    if (char === "&" && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts
    .map((part) => {
      const literalPart = /^\s*(['"])((?:(?!\1)[^\\]|\\.)*)\1\s*$/.exec(part);
      return literalPart ? literalPart[2].replace(/\\(.)/g, "$1") : DYNAMIC;
    })
    .join("");
}

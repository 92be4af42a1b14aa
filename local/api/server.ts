import type { IncomingHttpHeaders } from "node:http";
import Fastify, { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { idempotencyHeader } from "../../components/definition/apiGatewayTask";
import { Route, RouteKey, routes } from "../../components/routes";
import { seed } from "./seed";
import { Contract, Operation } from "./contract";
import { Faults } from "./faults";
import { IdempotencyStore } from "./idempotency";
import { Cart, OrderService, ReceivedEvent, requestIdentity, ServiceResponse } from "./orderService";
import { allowedMethods, stagePath } from "./routeMatcher";

/** One call as the API received and answered it, for tests and the run summary. */
export interface RecordedRequest {
  /** The route's operation name; undefined when no route matched. */
  readonly operation: string | undefined;
  readonly method: string;
  /** As received, stage included: `/dev/carts`. */
  readonly path: string;
  readonly query: Readonly<Record<string, readonly string[]>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  status?: number;
  response?: unknown;
  /** True when an Idempotency-Key made the API answer with a response it had already given. */
  replayed?: boolean;
}

export interface OrderApiOptions {
  /** The API Gateway stage the API is served under, as in `/<stage>/carts`. */
  readonly stage: string;
  readonly faults?: Faults;
}

/** What the API received and holds. */
export interface ApiRecord {
  readonly requests: readonly RecordedRequest[];
  readonly carts: readonly Cart[];
  readonly events: readonly ReceivedEvent[];
  /** The recorded calls of one route. */
  calls(operation: string): RecordedRequest[];
}

export interface OrderApi extends ApiRecord {
  /** `http://127.0.0.1:<port>`: where the API Gateway invoker sends the workflow's calls. */
  readonly origin: string;
  readonly faults: Faults;
  /**
   * Everything the API holds now (carts, events, idempotency keys, faults left, requests), and a
   * way back to it: the local run delivers the safety net under each event shape from the state
   * the execution left, without running the execution again.
   */
  checkpoint(): () => void;
  /** The record as it is now, kept as is whatever the API does next. */
  snapshot(): ApiRecord;
  close(): Promise<void>;
}

/**
 * Step Functions refuses a state's input or output above 256 KiB, so no Task can send a larger
 * body (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html); anything larger is
 * a 413, read no further.
 */
export const bodyLimitBytes = 256 * 1024;

/** `/products/{productId}` as find-my-way writes it: `/products/:productId`. */
const routerPath = (route: Route): string => route.path.replace(/\{([^}/]+)\}/g, ":$1");

/** Kept with each route, so a request Fastify refuses (a body that is not JSON) is still recorded as its call. */
interface RouteConfig {
  readonly operation: string;
}

/** The route's operation, when the request matched one (not for a URL Fastify could not route). */
const operationOf = (request: FastifyRequest): string | undefined =>
  (request.routeOptions?.config as Partial<RouteConfig> | undefined)?.operation;

/**
 * A query string's values by name, each a list since a name may repeat. The object has no
 * prototype, so names such as `constructor`, `__proto__` or `toString` are names like any other.
 * Malformed percent-encoding (`%ZZ`) is kept as text, as URLSearchParams reads it.
 */
export function queryOf(search: string): Record<string, string[]> {
  const query: Record<string, string[]> = Object.create(null);
  for (const [name, value] of new URLSearchParams(search)) (query[name] ??= []).push(value);
  return query;
}

/** Compiling the contract takes about 0.1 s and it never changes: every API in a process shares it. */
let loadedContract: Contract | undefined;

/**
 * The order API on 127.0.0.1 and an ephemeral port: the contract's routes under `/<stage>`, with
 * the contract enforced on every request, idempotent POSTs, injected faults and a record of calls.
 * Every request gets an answer with a JSON `message` when it fails: 400 for a malformed URL or body,
 * 404 for a path no route serves, 405 for a method the path does not take, 413 past the body limit.
 */
export async function startOrderApi(options: OrderApiOptions): Promise<OrderApi> {
  const service = new OrderService(seed);
  const faults = options.faults ?? new Faults();
  const contract = (loadedContract ??= Contract.load());
  const idempotency = new IdempotencyStore();
  const requests: RecordedRequest[] = [];
  const stagePrefix = stagePath(options.stage);
  // Ends every pending delay when the API closes, so a long --latency cannot hold the process.
  const closing = new AbortController();

  // Fastify's own refusals (malformed JSON or URL, a body past the limit, an unsupported media
  // type) and any bug in a handler all end here, as one JSON message: nothing escapes a request.
  function refuse(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const status =
      error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600
        ? error.statusCode
        : 500;
    return send(reply, record(request, operationOf(request)), { status, body: { message: error.message } });
  }

  const app = Fastify({
    logger: false,
    bodyLimit: bodyLimitBytes,
    // A HEAD would run the GET's service call; API Gateway serves only the methods a route declares.
    exposeHeadRoutes: false,
    // Calls held by a delay or abandoned by their caller must not hold close().
    forceCloseConnections: true,
    // Ids are looked up, never matched by length; a long one is a 404 from the service, not the router.
    routerOptions: { querystringParser: queryOf, maxParamLength: 2048 },
    frameworkErrors: refuse,
  });

  // By the raw request: a failure inside a route's handler reaches `refuse` with the same call.
  const recordedOf = new WeakMap<object, RecordedRequest>();
  const record = (request: FastifyRequest, operation: string | undefined): RecordedRequest => {
    const known = recordedOf.get(request.raw);
    if (known !== undefined) return known;
    const recorded: RecordedRequest = {
      operation,
      method: request.method,
      path: request.url.split("?")[0],
      query: (request.query as Record<string, string[]> | null) ?? queryOf(""),
      headers: request.headers,
      body: request.body,
    };
    requests.push(recorded);
    recordedOf.set(request.raw, recorded);
    return recorded;
  };
  const send = (reply: FastifyReply, recorded: RecordedRequest, answer: ServiceResponse) => {
    recorded.status = answer.status;
    recorded.response = answer.body;
    return reply.code(answer.status).type("application/json").send(answer.body);
  };

  function handle(
    route: Route,
    key: RouteKey,
    operation: Operation,
    request: FastifyRequest,
    recorded: RecordedRequest,
  ): ServiceResponse {
    const query = request.query as Record<string, string[]>;
    const pathParameters = request.params as Record<string, string>;
    const { headers, body } = request;
    const problems = contract.checkRequest(operation, { pathParameters, query, headers, body });
    if (problems.length > 0) {
      return { status: 400, body: { message: `The request breaks the contract: ${problems.join("; ")}` } };
    }
    const work = () => service.handlers[key]({ pathParameters, query, body });
    // Every write takes the key (POST and PATCH, as the contract declares it); a read has none to keep.
    const idempotencyKey = route.method === "GET" ? undefined : headers[idempotencyHeader.toLowerCase()];
    if (typeof idempotencyKey !== "string") return work();
    const identity = requestIdentity(key, pathParameters, body);
    const recall = idempotency.recall(idempotencyKey, identity);
    if (recall.kind === "conflict") {
      return { status: 409, body: { message: `${idempotencyHeader} was already used with another request` } };
    }
    if (recall.kind === "replay") {
      recorded.replayed = true;
      return recall.response;
    }
    const response = work();
    idempotency.remember(idempotencyKey, identity, response);
    return response;
  }

  for (const [key, route] of Object.entries(routes) as [RouteKey, Route][]) {
    const operation = contract.operation(route);
    if (operation === undefined) throw new Error(`The contract lacks ${route.operation}`);
    app.route({
      method: route.method,
      url: `${stagePrefix}${routerPath(route)}`,
      config: { operation: route.operation } satisfies RouteConfig,
      handler: async (request, reply) => {
        const recorded = record(request, route.operation);
        const hungUp = new AbortController();
        reply.raw.once("close", () => hungUp.abort());
        const answer = await faults.respond({
          route,
          contract,
          operation,
          signal: AbortSignal.any([hungUp.signal, closing.signal]),
          handle: () => handle(route, key, operation, request, recorded),
        });
        if (answer === undefined) return reply.hijack();
        return send(reply, recorded, answer);
      },
    });
  }

  app.setNotFoundHandler((request, reply) => {
    const recorded = record(request, undefined);
    const path = recorded.path;
    const allowed = path.startsWith(`${stagePrefix}/`) ? allowedMethods(path.slice(stagePrefix.length)) : [];
    if (allowed.length > 0) {
      reply.header("Allow", allowed.join(", "));
      return send(reply, recorded, {
        status: 405,
        body: { message: `${request.method} is not allowed on ${path}; allowed: ${allowed.join(", ")}` },
      });
    }
    return send(reply, recorded, {
      status: 404,
      body: { message: `No route serves ${request.method} ${path}; routes are under ${stagePrefix || "/"}` },
    });
  });

  app.setErrorHandler(refuse);

  app.addHook("onClose", async () => closing.abort());
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("The order API has no TCP port");

  const callsIn = (recorded: readonly RecordedRequest[]) => (operation: string) =>
    recorded.filter((request) => request.operation === operation);
  return {
    origin: `http://127.0.0.1:${address.port}`,
    faults,
    requests,
    get carts() {
      return service.carts;
    },
    get events() {
      return service.events;
    },
    calls: callsIn(requests),
    checkpoint: () => {
      const rewinds = [service.checkpoint(), idempotency.checkpoint(), faults.checkpoint()];
      const received = requests.length;
      return () => {
        for (const rewind of rewinds) rewind();
        requests.splice(received);
      };
    },
    snapshot: () => {
      const kept = requests.map((request) => ({ ...request }));
      return { requests: kept, carts: [...service.carts], events: [...service.events], calls: callsIn(kept) };
    },
    close: () => app.close(),
  };
}

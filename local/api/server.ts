import { createServer, IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { idempotencyHeader } from "../../components/apiGatewayTask";
import { seed } from "../seed";
import { Contract } from "./contract";
import { answerWithFault, Faults } from "./faults";
import { IdempotencyStore } from "./idempotency";
import { Cart, OrderService, ReceivedEvent, ServiceResponse } from "./orderService";
import { MatchedRoute, matchRoute, stagePath } from "./routeMatcher";

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
}

export interface OrderApiOptions {
  /** The API Gateway stage the API is served under, as in `/<stage>/carts`. */
  readonly stage: string;
  readonly faults?: Faults;
}

export interface OrderApi {
  /** `http://127.0.0.1:<port>`: where the API Gateway invoker sends the workflow's calls. */
  readonly origin: string;
  readonly faults: Faults;
  readonly requests: readonly RecordedRequest[];
  readonly carts: readonly Cart[];
  readonly events: readonly ReceivedEvent[];
  /** The recorded calls of one route. */
  calls(operation: string): RecordedRequest[];
  close(): Promise<void>;
}

const json = (response: ServerResponse, { status, body }: ServiceResponse): void => {
  response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
};

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Marks a body that is not JSON, which the API answers with a 400. */
const notJson = Symbol("not JSON");

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return notJson;
  }
}

interface Incoming {
  readonly matched: MatchedRoute | undefined;
  readonly query: Record<string, string[]>;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  /** Aborted when the caller hangs up. */
  readonly hungUp: AbortSignal;
}

function queryOf(url: URL): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
  return query;
}

/** Compiling the contract takes about 0.1 s and it never changes: every API in a process shares it. */
let loadedContract: Contract | undefined;

/**
 * The order API on 127.0.0.1 and an ephemeral port: the contract's routes under `/<stage>`, with
 * the contract enforced on every request, idempotent POSTs, injected faults and a record of calls.
 */
export async function startOrderApi(options: OrderApiOptions): Promise<OrderApi> {
  const service = new OrderService(seed);
  const faults = options.faults ?? new Faults();
  const contract = (loadedContract ??= Contract.load());
  const idempotency = new IdempotencyStore();
  const requests: RecordedRequest[] = [];
  const stagePrefix = stagePath(options.stage);

  /** undefined: the caller hung up before an answer. */
  async function answer(incoming: Incoming): Promise<ServiceResponse | undefined> {
    const { matched, query, headers, body } = incoming;
    if (matched === undefined) {
      // What API Gateway answers for a path or method it does not serve (or another stage).
      return { status: 403, body: { message: "Missing Authentication Token" } };
    }
    const { route, key } = matched;
    await sleep(faults.latencyMs(route.operation));
    const operation = contract.operation(route);
    if (operation === undefined)
      return { status: 500, body: { message: `The contract lacks ${route.operation}` } };

    const handle = (): ServiceResponse => {
      if (body === notJson) return { status: 400, body: { message: "The request body is not JSON" } };
      const problems = contract.checkRequest(operation, { ...matched, query, headers, body });
      if (problems.length > 0) {
        return { status: 400, body: { message: `The request breaks the contract: ${problems.join("; ")}` } };
      }
      const serve = () => service.handlers[key]({ ...matched, query, body });
      const idempotencyKey = route.method === "POST" ? headers[idempotencyHeader.toLowerCase()] : undefined;
      if (typeof idempotencyKey !== "string") return serve();
      const recall = idempotency.recall(route.operation, idempotencyKey, body);
      if (recall.kind === "conflict") {
        return {
          status: 409,
          body: { message: `${idempotencyHeader} was already used with another request` },
        };
      }
      const response = recall.kind === "replay" ? recall.response : serve();
      idempotency.remember(route.operation, idempotencyKey, body, response);
      return response;
    };
    const fault = faults.take(route.operation);
    return fault === undefined
      ? handle()
      : answerWithFault(fault, { route, contract, operation, signal: incoming.hungUp, handle });
  }

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const method = request.method ?? "";
    const hangUp = new AbortController();
    response.once("close", () => hangUp.abort());
    const inStage = url.pathname.startsWith(`${stagePrefix}/`);
    const incoming: Incoming = {
      matched: inStage ? matchRoute(method, url.pathname.slice(stagePrefix.length)) : undefined,
      query: queryOf(url),
      headers: request.headers,
      body: parseBody(await readBody(request)),
      hungUp: hangUp.signal,
    };
    const recorded: RecordedRequest = {
      operation: incoming.matched?.route.operation,
      method,
      path: url.pathname,
      query: incoming.query,
      headers: incoming.headers,
      body: incoming.body === notJson ? undefined : incoming.body,
    };
    requests.push(recorded);
    const answered = await answer(incoming);
    if (answered === undefined) return;
    recorded.status = answered.status;
    recorded.response = answered.body;
    json(response, answered);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    faults,
    requests,
    get carts() {
      return service.carts;
    },
    get events() {
      return service.events;
    },
    calls: (operation) => requests.filter((recorded) => recorded.operation === operation),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // A call held by a timeout fault, or abandoned by its caller, must not hold the close.
        server.closeAllConnections();
      }),
  };
}

import assert from "node:assert/strict";
import { connect } from "node:net";
import { OrderApi, RecordedRequest, startOrderApi } from "../../local/api/server";
import { runExecution } from "../../local/aws/runner";
import { dev, run, sampleOrder, testRetryScale } from "./harness";
import { TestClock } from "./testClock";
import { seededRandom } from "../support/random";

/** Change it to explore; a failure prints the seed and the case, which replays it exactly. */
const seed = 0x5eed_0011;
const cases = 2400;
const concurrency = 16;
/** Far past any answer on a busy machine: only an API that never answers waits it out. */
const answerWaitMs = 10_000;

/** A seeded generator (test/support/random.ts), so every run sends the same requests. */
function prng(seed: number) {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  return { next, pick };
}

const cart = JSON.stringify(sampleOrder);

const methods = [
  "GET",
  "POST",
  "PATCH",
  "PUT",
  "DELETE",
  "HEAD",
  "OPTIONS",
  "PROPFIND",
  "FOO",
  "get",
  "G T",
  "",
];
const paths = [
  "/dev/carts",
  "/dev/carts/cart-0001",
  "/dev/products/prod-beans",
  "/dev/prices/price-beans-eur?quantity=3",
  "/dev/customers/cust-1001",
  "/dev/promotions/cart?cartId=cart-0001&productId=prod-beans&priceId=price-beans-eur&quantity=2",
  "/dev/taxes?cartId=cart-0001&currency=EUR&region=DE&line=food:100:0",
  "/dev/events/receive",
  "/prod/carts",
  "/",
  "*",
  "",
];
const pathMutations: readonly ((path: string, random: ReturnType<typeof prng>) => string)[] = [
  (path) => path,
  (path) => `${path}%ZZ`,
  (path) => `${path}%E0%A4%A`,
  (path) => path.replace(/[a-z]/, "%"),
  (path) => `${path}${path.includes("?") ? "&" : "?"}constructor=1&__proto__=2&toString=3&hasOwnProperty=4`,
  (path) => `${path}?quantity=1&quantity=2`,
  (path) => `${path}/../../etc/passwd`,
  (path) => `${path}//`,
  (path) => path.replace("prod-beans", "p?constructor=1"),
  (path) => `${path}/${"x".repeat(3000)}`,
  (path) => `${path}?q=${"%".repeat(50)}`,
  (path) => path.toUpperCase(),
  (path) => `${path}#fragment`,
  (path) => `${path}\u00e9\u4e2d`,
  (path, random) => path.slice(0, Math.floor(random.next() * path.length)),
];
const contentTypes = [
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "application/json; charset=utf-16",
  undefined,
];
const bodies: readonly ((random: ReturnType<typeof prng>) => string | undefined)[] = [
  () => undefined,
  () => cart,
  () => "",
  () => "{",
  () => "null",
  () => "[]",
  () => '"text"',
  () => '{"__proto__":{"polluted":true},"customerId":"c","currency":"EUR","items":[]}',
  () => '{"constructor":{"prototype":{"polluted":true}}}',
  () => `${"[".repeat(5000)}${"]".repeat(5000)}`,
  () => `{"items":[${'{"__proto__":1},'.repeat(200)}1]}`,
  () => JSON.stringify({ eventType: "OrderCreated", detail: { n: 1e308 * 10 } }),
  (random) => cart.slice(0, Math.floor(random.next() * cart.length)),
  (random) => cart.replace(/[a-z]/g, (letter) => (random.next() < 0.05 ? "\u0000" : letter)),
  (random) => String.fromCharCode(...Array.from({ length: 64 }, () => Math.floor(random.next() * 256))),
  () => "x".repeat(300 * 1024),
];

interface Case {
  readonly index: number;
  readonly raw: string;
  /** A client that sends half of its request, then hangs up: no answer is due. */
  readonly aborted: boolean;
  readonly method: string;
}

/** A request the workflow really sent, to start a mutation from. */
interface Template {
  readonly method: string;
  readonly target: string;
  readonly idempotencyKey?: string;
  readonly body?: string;
}

function templateOf(recorded: RecordedRequest): Template {
  const query = new URLSearchParams();
  for (const [name, values] of Object.entries(recorded.query))
    for (const value of values) query.append(name, value);
  const key = recorded.headers["idempotency-key"];
  return {
    method: recorded.method,
    target: query.size === 0 ? recorded.path : `${recorded.path}?${query}`,
    idempotencyKey: typeof key === "string" ? key : undefined,
    body: recorded.body === undefined ? undefined : JSON.stringify(recorded.body),
  };
}

/**
 * Half the cases start from a request of a real run and change one or two things, so they reach
 * the contract check, the idempotency store and the services; the other half are random.
 */
function generate(index: number, random: ReturnType<typeof prng>, templates: readonly Template[]): Case {
  const template = random.pick(templates);
  const mutated = random.next() < 0.5;
  const maybe = <T>(real: T, other: () => T): T => (mutated && random.next() > 0.3 ? real : other());
  const method = maybe(template.method, () => random.pick(methods));
  const path = maybe(template.target, () =>
    random.pick(pathMutations)(
      maybe(template.target, () => random.pick(paths)),
      random,
    ),
  );
  const body = maybe(template.body, () => random.pick(bodies)(random));
  const headers = [`Host: 127.0.0.1`, "Connection: close"];
  const contentType = maybe<string | undefined>("application/json", () => random.pick(contentTypes));
  if (contentType !== undefined) headers.push(`Content-Type: ${contentType}`);
  const key = maybe(template.idempotencyKey, () =>
    random.next() < 0.5 ? random.pick(["k", "", "k".repeat(500), "ключ"]) : undefined,
  );
  if (key !== undefined) headers.push(`Idempotency-Key: ${key}`);
  if (random.next() < 0.1) headers.push("Idempotency-Key: second");
  if (random.next() < 0.05) headers.push(`X-Big: ${"h".repeat(20_000)}`);
  if (random.next() < 0.05) headers.push("Bad Header: x");
  const bytes = body === undefined ? undefined : Buffer.from(body, "utf8");
  const chunked = bytes !== undefined && random.next() < 0.1;
  if (bytes !== undefined) {
    headers.push(chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${bytes.length}`);
  }
  const payload =
    bytes === undefined
      ? ""
      : chunked && bytes.length > 0
        ? `${bytes.length.toString(16)}\r\n${bytes.toString("latin1")}\r\n0\r\n\r\n`
        : chunked
          ? "0\r\n\r\n"
          : bytes.toString("latin1");
  const raw = `${method} ${path} HTTP/1.1\r\n${headers.join("\r\n")}\r\n\r\n${payload}`;
  const aborted = random.next() < 0.05 && raw.length > 40;
  return {
    index,
    raw: aborted ? raw.slice(0, Math.floor(raw.length * random.next())) : raw,
    aborted,
    method,
  };
}

interface Answer {
  readonly status?: number;
  readonly headers: string;
  readonly body: string;
}

/** The first answer in what was received, once it is complete (a malformed request may read as two). */
function firstAnswer(received: Buffer, method: string): Answer | undefined {
  const headEnd = received.indexOf("\r\n\r\n");
  if (headEnd < 0) return undefined;
  const headers = received.subarray(0, headEnd).toString("latin1");
  const status = /^HTTP\/1\.1 (\d{3}) /.exec(headers)?.[1];
  // An answer to HEAD states the length of the body it leaves out.
  const length = method === "HEAD" ? 0 : Number(/^content-length: (\d+)$/im.exec(headers)?.[1] ?? 0);
  if (received.length < headEnd + 4 + length) return undefined;
  const body = received.subarray(headEnd + 4, headEnd + 4 + length).toString("utf8");
  return { status: status === undefined ? undefined : Number(status), headers, body };
}

/** Sends raw bytes (no client library would send most of these) and reads the answer, if any. */
function send(origin: string, request: Case): Promise<Answer> {
  const { port } = new URL(origin);
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    const socket = connect(Number(port), "127.0.0.1", () => {
      socket.write(Buffer.from(request.raw, "latin1"));
      if (request.aborted) socket.destroy();
    });
    socket.on("data", (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (firstAnswer(received, request.method) !== undefined) socket.destroy();
    });
    // An API that never answers fails the case, not the whole suite by its timeout.
    socket.setTimeout(answerWaitMs, () => socket.destroy());
    // A server that refuses an oversize body may reset the connection while the client still writes.
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(firstAnswer(received, request.method) ?? { headers: "", body: "" }));
  });
}

/** What is wrong with an answer: it must be a status the API means, with a JSON message when it fails. */
function problemWith(request: Case, answer: Answer): string | undefined {
  if (answer.status === undefined) return request.aborted ? undefined : "no answer";
  if (answer.status >= 500) return `status ${answer.status}`;
  if (!/^content-type: application\/json/im.test(answer.headers)) return "no JSON content type";
  if (request.method === "HEAD") return undefined;
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return `a body that is not JSON: ${answer.body.slice(0, 80)}`;
  }
  const message = (body as { message?: unknown } | null)?.message;
  if (answer.status >= 400 && typeof message !== "string") return `no message in ${answer.body.slice(0, 80)}`;
  return undefined;
}

describe("the local order API under fuzzing", () => {
  let api: OrderApi;
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);
  const answers: { request: Case; answer: Answer }[] = [];

  before(async () => {
    process.on("uncaughtException", onCrash).on("unhandledRejection", onCrash);
    api = await startOrderApi({ stage: dev.definitionSettings.stage });
    const { api: recorder } = await run(sampleOrder);
    const templates = recorder.requests.map(templateOf);
    const random = prng(seed);
    const all = Array.from({ length: cases }, (_, index) => generate(index, random, templates));
    for (let start = 0; start < all.length; start += concurrency) {
      const batch = all.slice(start, start + concurrency);
      const answered = await Promise.all(batch.map((request) => send(api.origin, request)));
      batch.forEach((request, index) => answers.push({ request, answer: answered[index] }));
    }
  });
  after(async () => {
    process.off("uncaughtException", onCrash).off("unhandledRejection", onCrash);
    await api.close();
  });

  it(`sends at least 2 000 random and mutated requests (seed ${seed})`, () => {
    assert.ok(answers.length >= 2000);
    assert.ok(
      answers.filter(({ answer }) => answer.status !== undefined).length >= 1800,
      "most get an answer",
    );
  });

  it("reaches the services with a good share of its requests, not only the router", () => {
    const served = answers.filter(({ answer }) => answer.status !== undefined && answer.status < 300);
    assert.ok(served.length >= cases / 10, `${served.length} answered 2xx`);
  });

  it("neither crashes nor leaves an error unhandled", () => {
    assert.deepEqual(crashes, []);
  });

  it("answers every request but the aborted ones with a status below 500 and, for a failure, a JSON message", () => {
    const wrong = answers
      .map(({ request, answer }) => ({ request, problem: problemWith(request, answer) }))
      .filter(({ problem }) => problem !== undefined)
      .slice(0, 3)
      .map(
        ({ request, problem }) =>
          `case ${request.index} (seed ${seed}): ${problem}\n${request.raw.slice(0, 300)}`,
      );
    assert.deepEqual(wrong, []);
  });

  it("still runs the sample order to the same total afterwards", async () => {
    const result = await runExecution({
      definition: dev.definition,
      apiOrigins: { [dev.definitionSettings.endpoint]: api.origin },
      input: sampleOrder,
      retryScale: testRetryScale,
      clock: new TestClock(),
    });
    assert.equal(result.status, "SUCCEEDED");
    assert.equal(
      (result as { output: { totals: { totalAmount: number } } }).output.totals.totalAmount,
      50784,
    );
  });
});

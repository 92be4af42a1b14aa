import assert from "node:assert/strict";
import { createServer, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiGatewayError, ApiGatewayInvoker, ApiGatewayParameters } from "../../local/aws/apiGatewayInvoker";

const endpoint = "abc123.execute-api.us-east-1.amazonaws.com";

describe("the API Gateway invoker", () => {
  let server: Server;
  let invoker: ApiGatewayInvoker;
  let received: { method?: string; url?: string; key?: string | string[]; body: string };
  let answer: { status: number; body: string; type: string };

  beforeEach(async () => {
    answer = { status: 200, body: '{"ok":true}', type: "application/json" };
    server = createServer(async (request, response) => {
      let body = "";
      for await (const chunk of request) body += chunk;
      received = { method: request.method, url: request.url, key: request.headers["idempotency-key"], body };
      response.writeHead(answer.status, { "Content-Type": answer.type }).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    invoker = new ApiGatewayInvoker({
      [endpoint]: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  const parameters = (more: Partial<ApiGatewayParameters> = {}): ApiGatewayParameters => ({
    ApiEndpoint: endpoint,
    Stage: "dev",
    Method: "GET",
    Path: "taxes",
    AuthType: "IAM_ROLE",
    ...more,
  });

  it("calls <stage>/<path> with each query value as a repeated parameter", async () => {
    await invoker.invoke(parameters({ QueryParameters: { line: ["a:1:0", "b:2:0"], region: ["DE"] } }));
    assert.equal(received.url, "/dev/taxes?line=a%3A1%3A0&line=b%3A2%3A0&region=DE");
  });

  it("refuses a query value or header that is not a list of strings, as Step Functions does", async () => {
    await assert.rejects(invoker.invoke(parameters({ QueryParameters: { line: "a:1:0" } })), {
      name: "States.Runtime",
      message: 'QueryParameters.line must be a list of strings; got "a:1:0"',
    });
    await assert.rejects(invoker.invoke(parameters({ Headers: { "Idempotency-Key": [1] } })), {
      name: "States.Runtime",
    });
  });

  it("sends the method, the headers and the RequestBody as JSON", async () => {
    const body = { customerId: "c" };
    await invoker.invoke(
      parameters({
        Method: "POST",
        Path: "carts",
        Headers: { "Idempotency-Key": ["k-1"] },
        RequestBody: body,
      }),
    );
    assert.deepEqual([received.method, received.key, JSON.parse(received.body)], ["POST", "k-1", body]);
  });

  it("returns a 2xx answer as Step Functions does: parsed body, headers as lists, status code and text", async () => {
    answer = { status: 201, body: '{"cartId":"cart-1"}', type: "application/json" };
    const result = await invoker.invoke(parameters({ Method: "POST", Path: "carts", RequestBody: {} }));
    assert.deepEqual(
      [result.ResponseBody, result.StatusCode, result.StatusText, result.Headers["content-type"]],
      [{ cartId: "cart-1" }, 201, "Created", ["application/json"]],
    );
  });

  it("throws a non-2xx answer as ApiGateway.<status>, with the body as the cause", async () => {
    answer = { status: 503, body: '{"message":"busy"}', type: "application/json" };
    const error = await invoker.invoke(parameters()).catch((thrown: Error) => thrown);
    assert.ok(error instanceof ApiGatewayError);
    assert.deepEqual([error.name, error.message], ["ApiGateway.503", '{"message":"busy"}']);
  });

  it("refuses an ApiEndpoint no local API stands in for", async () => {
    await assert.rejects(
      invoker.invoke(parameters({ ApiEndpoint: "other.execute-api.us-east-1.amazonaws.com" })),
      /No local API serves/,
    );
  });
});

describe("the API Gateway invoker's paths", () => {
  let server: Server;
  let invoker: ApiGatewayInvoker;
  let received: string | undefined;

  before(async () => {
    server = createServer((request, response) => {
      received = request.url;
      response.writeHead(200, { "Content-Type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    invoker = new ApiGatewayInvoker({
      [endpoint]: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  const get = (path: string, template?: string) =>
    invoker.invoke(
      { ApiEndpoint: endpoint, Stage: "dev", Method: "GET", Path: path, AuthType: "IAM_ROLE" },
      template,
    );

  for (const [value, sent] of [
    ["../customers/cust-1002", "/dev/products/..%2Fcustomers%2Fcust-1002"],
    ["p?constructor=1", "/dev/products/p%3Fconstructor%3D1"],
    ["a#b", "/dev/products/a%23b"],
    ["100%", "/dev/products/100%25"],
    ["prod-mug", "/dev/products/prod-mug"],
  ]) {
    it(`sends the path value ${JSON.stringify(value)} as one segment, as an HTTP client would`, async () => {
      await get(`products/${value}`, "products/{}");
      assert.equal(received, sent);
    });
  }

  it("refuses . and .. as a path value, which URL parsers resolve even encoded, with States.Runtime", async () => {
    for (const value of [".", ".."]) {
      await assert.rejects(get(`carts/${value}`, "carts/{}"), {
        name: "States.Runtime",
        message: `Path value "${value}" cannot be sent as a path segment`,
      });
    }
  });

  it("raises a States.Runtime no Retry or Catch matches, as Step Functions does", async () => {
    const error = await get("carts/..", "carts/{}").catch((thrown: unknown) => thrown);
    assert.deepEqual(
      [(error as { isRetryable?: boolean }).isRetryable, (error as { isCatchable?: boolean }).isCatchable],
      [false, false],
    );
  });

  it("fuzz: whatever the value, the request reaches its own route with the value intact", async () => {
    const alphabet = ["a", "/", ".", "?", "#", "%", "&", "=", " ", "é", "\\", ";", "+", ":", "@"];
    let seed = 7;
    const random = (n: number) => (((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n) + n) % n;
    for (let round = 0; round < 200; round++) {
      const value = Array.from({ length: 1 + random(8) }, () => alphabet[random(alphabet.length)]).join("");
      if (value === "." || value === "..") continue;
      await get(`customers/${value}`, "customers/{}");
      const url = new URL(received ?? "", "http://x");
      assert.equal(url.search, "", value);
      const segments = url.pathname.split("/");
      assert.deepEqual(segments.slice(0, 3), ["", "dev", "customers"], value);
      assert.equal(segments.length, 4, value);
      assert.equal(decodeURIComponent(segments[3]), value);
    }
  });
});

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import SwaggerParser from "@apidevtools/swagger-parser";
import { parse } from "yaml";
import { responseFields } from "../../components/definition/responses";
import { Route, RouteKey, routes } from "../../components/routes";
import { Contract, contractFile, OpenApiDocument, Schema } from "../../local/api/contract";
import { matchRoute } from "../../local/api/routeMatcher";
import type { RecordedRequest } from "../../local/api/server";
import { apiGatewayTasks } from "../../local/aws/definitionStates";
import { routeOperationFor } from "../../local/cli/faultTargets";
import { dev, oneItemOrder, run, sampleOrder } from "./harness";

const document = parse(readFileSync(contractFile, "utf8")) as OpenApiDocument;
const contract = new Contract(document);
const routeList: Route[] = Object.values(routes);

/** The fields a schema requires, through `$ref` and `allOf`. */
function requiredFields(schema: Schema): string[] {
  if (schema.$ref !== undefined) return requiredFields(contract.schema(schema.$ref));
  return [...(schema.required ?? []), ...(schema.allOf ?? []).flatMap(requiredFields)];
}

function checkAgainstContract(request: RecordedRequest): string[] {
  const { route } = matchRoute(request.method, request.path.replace(/^\/dev/, "")) ?? {};
  assert.ok(route, `${request.method} ${request.path} is not a route`);
  const operation = contract.operation(route);
  assert.ok(operation);
  return contract.checkResponse(operation, request.status ?? 0, request.response);
}

describe("the order API contract (api/order-api.openapi.yaml)", () => {
  it("is a valid OpenAPI 3.0 document", async () => {
    const validated = await SwaggerParser.validate(contractFile);
    assert.match((validated as { openapi?: string }).openapi ?? "", /^3\.0\./);
  });

  it("documents every route of the table with its method, named by its operation", () => {
    for (const route of routeList) {
      assert.equal(contract.operation(route)?.operationId, route.operation, `${route.method} ${route.path}`);
    }
  });

  it("documents no route the workflow does not call", () => {
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    assert.deepEqual(documented.sort(), routeList.map((route) => `${route.method} ${route.path}`).sort());
  });

  it("requires an Idempotency-Key on every POST", () => {
    for (const route of routeList.filter((candidate) => candidate.method === "POST")) {
      const headers = contract
        .parameters(contract.operation(route)!)
        .filter((parameter) => parameter.in === "header");
      assert.deepEqual(
        headers.map((parameter) => [parameter.name, parameter.required]),
        [["Idempotency-Key", true]],
      );
    }
  });

  it("promises, in each route's success response, every field the definition checks and reads", () => {
    const tasks = apiGatewayTasks(dev.definition);
    assert.equal(tasks.length, 9);
    for (const { name } of tasks) {
      const route = routeList.find(
        (candidate) => candidate.operation === routeOperationFor(name, dev.definition),
      )!;
      const operation = contract.operation(route)!;
      const success = Object.keys(operation.responses).find((status) => status.startsWith("2"))!;
      const required = requiredFields(contract.responseSchema(operation, Number(success))!);
      const key = (Object.keys(routes) as RouteKey[]).find((candidate) => routes[candidate] === route)!;
      const read = Object.keys(responseFields[key]);
      assert.ok(read.length > 0, name);
      for (const field of read) {
        assert.ok(
          required.includes(field),
          `${name} reads ${field}, which ${route.operation} does not promise`,
        );
      }
    }
  });

  it("is met by every request of a successful run and every answer of the local API", async () => {
    const { result, api } = await run(sampleOrder);
    assert.equal(result.status, "SUCCEEDED");
    assert.deepEqual(api.requests.flatMap(checkAgainstContract), []);
    assert.ok(api.requests.every((request) => request.status! < 300));
  });

  it("is met by the OrderFailed announcement and by error answers", async () => {
    const { api } = await run(oneItemOrder, (api) =>
      api.faults.fail(routes.getTaxes.operation, { status: 503, count: Infinity }),
    );
    const announcement = api.calls(routes.receiveEvent.operation);
    assert.deepEqual(
      announcement.map((request) => request.status),
      [202],
    );
    assert.deepEqual(api.requests.flatMap(checkAgainstContract), []);
  });

  it("documents the acknowledgement of an OrderFailed that changes nothing, with and without an eventId", () => {
    const operation = contract.operation(routes.receiveEvent)!;
    for (const eventId of ["evt-0001", null]) {
      assert.deepEqual(contract.checkResponse(operation, 200, { eventId, message: "nothing new" }), []);
    }
  });

  it("takes a cart's execution ARN from a Standard or an Express execution, and nothing else", () => {
    const operation = contract.operation(routes.createOrder)!;
    const problems = (executionArn: string) =>
      contract.checkRequest(operation, {
        pathParameters: {},
        query: {},
        headers: { "idempotency-key": "k" },
        body: { ...oneItemOrder, executionArn },
      });
    assert.deepEqual(problems("arn:aws:states:us-east-1:123456789012:execution:orders-dev:run-1"), []);
    assert.deepEqual(problems("arn:aws:states:us-east-1:123456789012:express:orders-dev:run-1:4f1c"), []);
    assert.notDeepEqual(problems("arn:aws:states:us-east-1:123456789012:stateMachine:orders-dev"), []);
  });
});

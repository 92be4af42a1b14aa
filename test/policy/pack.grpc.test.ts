// The pack in policy/ as `pulumi preview --policy-pack policy` runs it in this repository: from its TypeScript
// sources, compiled by run-policy-pack's ts-node with the pack's tsconfig.json (see analyzer-client.ts).
import * as assert from "assert";
import { join } from "node:path";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
  AnalyzeRequest,
  AnalyzeResponse,
  AnalyzerPropertyDependencies,
  AnalyzerResource,
  AnalyzeStackRequest,
  AnalyzerInfo,
  AnalyzerResourceOptions,
  ConfigureAnalyzerRequest,
  EnforcementLevel,
  PolicyConfig,
} from "@pulumi/pulumi/proto/analyzer_pb";
import {
  analyzeStateMachine,
  call,
  Diagnostic,
  diagnosticsOf,
  servePack,
  ServedPack,
  STATE_MACHINE,
  stopPack,
  URN,
} from "./analyzer-client";
import { definition, orderWorkflow, task, taskWithout } from "./fixtures";
import { UNKNOWN_STRING, urnOf } from "./harness";
import { StackResource } from "./stack-harness";
import { API, granted, orderStack, previewStack } from "./stack-fixtures";

const PACK_DIR = join(__dirname, "..", "..", "policy");
const NATIVE_STATE_MACHINE = "aws-native:stepfunctions:StateMachine";

/**
 * run-policy-pack type-checks the pack with ts-node before serving: seconds of CPU in its own
 * process. Started as mocha loads this file, it does that beside the tests that run first, and
 * this file's tests find it serving; a start that fails is reported by the `before` hook.
 */
const starting = servePack(PACK_DIR, { startedAtLoad: true });
starting.catch(() => undefined);

describe("the policy pack served over gRPC, as the Pulumi CLI starts it", () => {
  let served: ServedPack | undefined;
  let client: AnalyzerClient;

  function analyze(definitionValue: unknown): Promise<Diagnostic[]> {
    return analyzeStateMachine(client, definitionValue);
  }

  /** Analyzes one resource of any type; returns each diagnostic as [policy, level, message without description]. */
  async function analyzeResource(
    type: string,
    properties: Record<string, unknown>,
  ): Promise<[string, number, string][]> {
    const request = new AnalyzeRequest()
      .setUrn(`urn:pulumi:dev::order-processing-workflow::${type}::subject`)
      .setType(type)
      .setName("subject")
      .setProperties(Struct.fromJavaScript(properties as never))
      .setOptions(new AnalyzerResourceOptions());
    const response = await call<AnalyzeResponse>((done) => client.analyze(request, done));
    return diagnosticsOf(response).map((d) => [d.policyName, d.enforcementLevel, d.message.split("\n")[1]]);
  }

  before(async () => {
    served = await starting;
    client = served.client;
  });

  after(() => stopPack(served));

  it("serves the pack by name and version with its policies at their default enforcement levels", async () => {
    const info = await call<AnalyzerInfo>((done) => client.getAnalyzerInfo(new Empty(), done));
    assert.strictEqual(info.getName(), "stepfunctions-state-machines-and-roles");
    assert.strictEqual(info.getVersion(), "0.4.0");
    assert.ok(info.getSupportsconfig());
    assert.deepStrictEqual(
      Object.fromEntries(info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()])),
      {
        "stepfunctions-task-retry-and-catch": EnforcementLevel.MANDATORY,
        "stepfunctions-logging-enabled": EnforcementLevel.ADVISORY,
        "iam-execute-api-invoke-not-wildcarded": EnforcementLevel.MANDATORY,
        "cloudwatch-log-group-retention": EnforcementLevel.MANDATORY,
        "stepfunctions-role-matches-api-calls": EnforcementLevel.MANDATORY,
        "stepfunctions-role-matches-api-calls-unverified": EnforcementLevel.ADVISORY,
      },
    );
  });

  it("publishes the retry-and-catch config schema with its defaults", async () => {
    const info = await call<AnalyzerInfo>((done) => client.getAnalyzerInfo(new Empty(), done));
    const policy = info.getPoliciesList().find((p) => p.getName() === "stepfunctions-task-retry-and-catch");
    const properties = policy?.getConfigschema()?.getProperties()?.toJavaScript() ?? {};
    const defaults = Object.fromEntries(
      Object.entries(properties).map(([key, schema]) => [key, (schema as { default?: unknown }).default]),
    );
    assert.deepStrictEqual(defaults, {
      requireCatchAll: true,
      maxRetryAttempts: 10,
      maxRetryWaitSeconds: 300,
      exemptStates: [],
    });
  });

  it("reports nothing for a compliant state machine", async () => {
    assert.deepStrictEqual(await analyze(orderWorkflow), []);
  });

  it("reports a Task without Retry as a mandatory violation of the state machine", async () => {
    const diagnostics = await analyze(definition({ "Get Order": taskWithout("Retry") }));
    assert.deepStrictEqual(diagnostics, [
      {
        policyName: "stepfunctions-task-retry-and-catch",
        message:
          "Every Task state of a Step Functions state machine retries transient errors and catches the rest.\n" +
          'State "Get Order" must have a non-empty Retry.',
        enforcementLevel: EnforcementLevel.MANDATORY,
        urn: "",
      },
    ]);
  });

  it("reports a Task named __proto__, sent in a protobuf Struct, through the reference to it", async () => {
    // An aws-native state machine's `definition` is an object, so it crosses as a Struct, where the Task keyed
    // "__proto__" (no Retry, no Catch) does not survive; "Get Order"'s Next still names it.
    const definitionObject = JSON.parse(
      '{"StartAt":"Get Order","States":{' +
        `"Get Order":${JSON.stringify(task({ Next: "__proto__", End: undefined }))},` +
        '"__proto__":{"Type":"Task","Resource":"arn:aws:states:::apigateway:invoke","End":true},' +
        '"Order Failed":{"Type":"Fail"}}}',
    );
    const request = new AnalyzeRequest()
      .setUrn(URN.replace(STATE_MACHINE, NATIVE_STATE_MACHINE))
      .setType(NATIVE_STATE_MACHINE)
      .setName("orders")
      .setProperties(
        Struct.fromJavaScript({ roleArn: "arn:aws:iam::123456789012:role/r", definition: definitionObject }),
      )
      .setOptions(new AnalyzerResourceOptions());
    const diagnostics = await diagnosticsOf(
      await call<AnalyzeResponse>((done) => client.analyze(request, done)),
    );
    assert.deepStrictEqual(
      diagnostics
        .filter((d) => d.policyName === "stepfunctions-task-retry-and-catch")
        .map((d) => [d.enforcementLevel, d.message.split("\n")[1]]),
      [
        [
          EnforcementLevel.MANDATORY,
          'Next of state "Get Order" must name a state of the same States object that the pack can see, but no state "__proto__" is there: AWS rejects such a definition, and a state the pack cannot see cannot be checked.',
        ],
      ],
    );
  });

  it("reports a Task whose only retrier has MaxAttempts 0", async () => {
    const retry = [{ ErrorEquals: ["States.ALL"], MaxAttempts: 0 }];
    const diagnostics = await analyze(definition({ "Get Order": task({ Retry: retry }) }));
    assert.deepStrictEqual(
      diagnostics.map((d) => [d.policyName, d.enforcementLevel, d.message.split("\n")[1]]),
      [
        [
          "stepfunctions-task-retry-and-catch",
          EnforcementLevel.MANDATORY,
          `State "Get Order" must retry a failing call: the first retrier whose ErrorEquals matches States.TaskFailed, or another error a Task raises other than a timeout, must allow MaxAttempts of at least 1 (Step Functions uses the first retrier that matches; it never retries States.Runtime or States.DataLimitExceeded, no Task raises States.BranchFailed, States.NoChoiceMatched or other states' errors, and an apigateway:invoke Task's call raises only ApiGateway.<status code> or ApiGateway.<exception>).`,
        ],
      ],
    );
  });

  it("reports AmazonAPIGatewayInvokeFullAccess attached to a role by a RolePolicyAttachment", async () => {
    assert.deepStrictEqual(
      await analyzeResource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {
        role: "orders-role",
        policyArn: "arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess",
      }),
      [
        [
          "iam-execute-api-invoke-not-wildcarded",
          EnforcementLevel.MANDATORY,
          'Statement [0] of AWS managed policy arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess must allow execute-api:Invoke only on a named API id, stage and method, but "arn:aws:execute-api:*:*:*" leaves the API id, stage and method open.',
        ],
      ],
    );
  });

  it("reports a wildcard grant of an aws-native role policy, sent as an object", async () => {
    const policyDocument = {
      Statement: [{ Sid: "Open", Effect: "Allow", Action: "execute-api:Invoke", Resource: "*" }],
    };
    const [[policyName, , message]] = await analyzeResource("aws-native:iam:RolePolicy", {
      roleName: "orders-role",
      policyName: "invoke",
      policyDocument,
    });
    assert.strictEqual(policyName, "iam-execute-api-invoke-not-wildcarded");
    assert.match(message, /^Statement "Open" must allow execute-api:Invoke only on a named API id/);
  });

  it("passes a role with inlinePolicies: [{}]", async () => {
    assert.deepStrictEqual(
      await analyzeResource("aws:iam/role:Role", { assumeRolePolicy: "{}", inlinePolicies: [{}] }),
      [],
    );
  });

  it("reports a definition unknown during preview as an advisory that the policy could not run", async () => {
    const [diagnostic, ...others] = await analyze(UNKNOWN_STRING);
    assert.deepStrictEqual(others, []);
    assert.strictEqual(diagnostic.policyName, "stepfunctions-task-retry-and-catch");
    assert.strictEqual(diagnostic.enforcementLevel, EnforcementLevel.ADVISORY);
    assert.match(
      diagnostic.message,
      /can't run policy 'stepfunctions-task-retry-and-catch'.* during preview/,
    );
  });

  describe("AnalyzeStack, as the engine calls it once every resource is registered", () => {
    /** The stack as the engine sends it: properties in Structs, property dependencies as URNs. */
    function stackRequest(stack: StackResource[]): AnalyzeStackRequest {
      const request = new AnalyzeStackRequest();
      for (const { type, name, props, propertyDependencies = {} } of stack) {
        const resource = new AnalyzerResource()
          .setType(type)
          .setName(name)
          .setUrn(urnOf(type, name))
          .setProperties(Struct.fromJavaScript(props as never))
          .setOptions(new AnalyzerResourceOptions());
        for (const [property, names] of Object.entries(propertyDependencies)) {
          const urns = names.map((dependency) =>
            urnOf(stack.find((r) => r.name === dependency)!.type, dependency),
          );
          urns.forEach((urn) => resource.addDependencies(urn));
          resource
            .getPropertydependenciesMap()
            .set(property, new AnalyzerPropertyDependencies().setUrnsList(urns));
        }
        request.addResources(resource);
      }
      return request;
    }

    async function analyzeStack(stack: StackResource[]): Promise<Diagnostic[]> {
      return diagnosticsOf(
        await call<AnalyzeResponse>((done) => client.analyzeStack(stackRequest(stack), done)),
      );
    }

    it("passes this repo's stack during preview, linking the role through property dependencies", async () => {
      assert.deepStrictEqual(await analyzeStack(previewStack()), []);
    });

    it("names a removed grant and an added grant, each on its resource, as mandatory violations", async () => {
      const resources = [...granted.filter((arn) => !arn.endsWith("/GET/taxes")), `${API}/DELETE/carts/*`];
      const diagnostics = await analyzeStack(orderStack({ resources }));
      assert.deepStrictEqual(
        diagnostics.map((d) => [
          d.policyName,
          d.enforcementLevel,
          d.urn.split("::").pop(),
          d.message.split("\n")[1],
        ]),
        [
          [
            "stepfunctions-role-matches-api-calls",
            EnforcementLevel.MANDATORY,
            "orders",
            `Role orders-role must allow execute-api:Invoke on ${API}/GET/taxes, which state "Tax.GetTaxes" of state machine orders calls; without it the call fails with 403 at run time.`,
          ],
          [
            "stepfunctions-role-matches-api-calls",
            EnforcementLevel.MANDATORY,
            "orders-execution",
            `Statement "InvokeOrderApiRoutes" of orders-execution must not allow execute-api:Invoke on ${API}/DELETE/carts/* to role orders-role: no API Gateway call of state machine orders uses it.`,
          ],
        ],
      );
    });

    it("reports a role outside the stack as an advisory that it cannot be verified", async () => {
      const diagnostics = await analyzeStack(
        orderStack({ roleArn: "arn:aws:iam::123456789012:role/shared" }),
      );
      assert.deepStrictEqual(
        diagnostics.map((d) => [d.policyName, d.enforcementLevel]),
        [["stepfunctions-role-matches-api-calls-unverified", EnforcementLevel.ADVISORY]],
      );
      assert.match(
        diagnostics[0].message,
        /its role arn:aws:iam::123456789012:role\/shared is not in this stack/,
      );
    });
  });

  // Last, because the config stays set for the rest of the pack's life.
  it("applies the config the engine sends", async () => {
    const config = new PolicyConfig()
      .setEnforcementlevel(EnforcementLevel.MANDATORY)
      .setProperties(
        Struct.fromJavaScript({ requireCatchAll: true, maxRetryAttempts: 10, exemptStates: ["Get Order"] }),
      );
    const request = new ConfigureAnalyzerRequest();
    request.getPolicyconfigMap().set("stepfunctions-task-retry-and-catch", config);
    await call<Empty>((done) => client.configure(request, done));
    assert.deepStrictEqual(await analyze(definition({ "Get Order": taskWithout("Retry") })), []);
  });
});

import * as assert from "assert";
import { stepfunctionsRoleMatchesApiCalls as policy } from "../../policy/policies/stepfunctions-role-matches-api-calls";
import { stepfunctionsRoleMatchesApiCallsUnverified as unverifiedPolicy } from "../../policy/policies/stepfunctions-role-matches-api-calls-unverified";
import { definition, task } from "./fixtures";
import { UNKNOWN_STRING } from "./harness";
import { StackResource, validateStack } from "./stack-harness";
import {
  API,
  ATTACHMENT,
  granted,
  INVOKE_FULL_ACCESS,
  ACCOUNT,
  invokeDocument,
  orderStack,
  previewStack,
  ROLE,
  ROLE_ARN,
  ROLE_POLICY,
} from "./stack-fixtures";

const STEP_FUNCTIONS_FULL_ACCESS = "arn:aws:iam::aws:policy/AWSStepFunctionsFullAccess";

const CANNOT_VERIFY =
  "so the pack cannot verify that its role allows exactly the API Gateway calls it makes.";

const messages = async (stack: StackResource[], config?: Record<string, unknown>) =>
  (await validateStack(policy, stack, config)).map((v) => `${v.resource}: ${v.message}`);
const advisories = async (stack: StackResource[]) =>
  (await validateStack(unverifiedPolicy, stack)).map((v) => `${v.resource}: ${v.message}`);

describe("stepfunctions-role-matches-api-calls", () => {
  it("is mandatory by default, with an advisory twin for what it cannot verify", () => {
    assert.strictEqual(policy.enforcementLevel, "mandatory");
    assert.strictEqual(unverifiedPolicy.enforcementLevel, "advisory");
  });

  it("passes this repo's stack, whose role allows exactly the routes its definition calls", async () => {
    assert.deepStrictEqual(await messages(orderStack()), []);
    assert.deepStrictEqual(await advisories(orderStack()), []);
  });

  it("reports a call the role cannot make, by ARN, on the state machine", async () => {
    const resources = granted.filter((arn) => !arn.endsWith("/PATCH/carts/*"));
    assert.deepStrictEqual(await messages(orderStack({ resources })), [
      `orders: Role orders-role must allow execute-api:Invoke on ${API}/PATCH/carts/*, which state "Order.UpdateOrder" of state machine orders calls; without it the call fails with 403 at run time.`,
    ]);
  });

  it("names every state that makes the same call in one violation", async () => {
    const resources = granted.filter((arn) => !arn.endsWith("/events/receive"));
    assert.deepStrictEqual(await messages(orderStack({ resources })), [
      `orders: Role orders-role must allow execute-api:Invoke on ${API}/POST/events/receive, which states "Event.Receive OrderCreatedEvent" and "Event.Receive OrderFailedEvent" of state machine orders call; without it the call fails with 403 at run time.`,
    ]);
  });

  it("reports a grant no call uses, by ARN, on the resource that grants it", async () => {
    const resources = [...granted, `${API}/DELETE/carts/*`];
    assert.deepStrictEqual(await messages(orderStack({ resources })), [
      `orders-execution: Statement "InvokeOrderApiRoutes" of orders-execution must not allow execute-api:Invoke on ${API}/DELETE/carts/* to role orders-role: no API Gateway call of state machine orders uses it.`,
    ]);
  });

  it("leaves unused grants alone when reportUnusedGrants is false", async () => {
    const resources = [...granted, `${API}/DELETE/carts/*`];
    assert.deepStrictEqual(await messages(orderStack({ resources }), { reportUnusedGrants: false }), []);
  });

  it("requires a grant to cover every value of a path parameter", async () => {
    const resources = granted.map((arn) => arn.replace("/PATCH/carts/*", "/PATCH/carts/42"));
    const found = await messages(orderStack({ resources }));
    assert.deepStrictEqual(
      found.map((m) => m.split(" must ")[1].split(",")[0]),
      [`allow execute-api:Invoke on ${API}/PATCH/carts/*`],
    );
  });

  it("counts a wider grant as allowing every call it covers", async () => {
    const found = await messages(orderStack({ resources: [`${API}/*`] }), { reportUnusedGrants: false });
    assert.deepStrictEqual(found, []);
  });

  it("reports a grant broader than every call it serves, naming the calls it serves", async () => {
    const wide = "arn:aws:execute-api:*:*:MyApiId/dev/GET/*";
    const getTaxes = task({
      Parameters: {
        AuthType: "IAM_ROLE",
        ApiEndpoint: "MyApiId.execute-api.us-east-1.amazonaws.com",
        Stage: "dev",
        Method: "GET",
        Path: "/taxes",
      },
    });
    const stack = orderStack({ resources: [wide], definitionValue: definition({ Tax: getTaxes }) });
    assert.deepStrictEqual(await messages(stack), [
      `orders-execution: Statement "InvokeOrderApiRoutes" of orders-execution must not allow execute-api:Invoke on ${wide} to role orders-role: it allows more than the call of state machine orders it serves, ${API}/GET/taxes; allow exactly that ARN instead.`,
    ]);
  });

  it("reports a call that a Deny statement blocks, naming the statement", async () => {
    const deny = {
      Sid: "NoEvents",
      Effect: "Deny",
      Action: "execute-api:*",
      Resource: `${API}/POST/events/*`,
    };
    const [violation, ...others] = await messages(orderStack({ policy: invokeDocument(granted, [deny]) }));
    assert.deepStrictEqual(others, []);
    assert.match(
      violation,
      /on .*\/POST\/events\/receive, .*: Statement "NoEvents" of orders-execution denies it; /,
    );
  });

  describe("during preview", () => {
    it("links the role through the engine's property dependencies when names and ARNs are unknown", async () => {
      assert.deepStrictEqual(await messages(previewStack()), []);
      assert.deepStrictEqual(await advisories(previewStack()), []);
    });

    it("still reports a missing grant, with the account the role's unknown ARN would give as *", async () => {
      const resources = granted.filter((arn) => !arn.endsWith("/GET/taxes"));
      assert.deepStrictEqual(await messages(previewStack({ resources })), [
        `orders: Role orders-role must allow execute-api:Invoke on arn:aws:execute-api:us-east-1:*:MyApiId/dev/GET/taxes, which state "Tax.GetTaxes" of state machine orders calls; without it the call fails with 403 at run time.`,
      ]);
    });

    it("turns a missing grant into an advisory when a policy document is unknown", async () => {
      const stack = orderStack({ policy: UNKNOWN_STRING });
      assert.deepStrictEqual(await messages(stack), []);
      const found = await advisories(stack);
      // Eight distinct calls: both Event.Receive states call POST /events/receive.
      assert.strictEqual(found.length, 8);
      assert.match(
        found[0],
        /The pack cannot verify it, as it cannot read all that reaches the role: the policy of orders-execution, which is unknown during preview\.$/,
      );
    });

    it("turns a missing grant into an advisory when a role's inline policies are unknown", async () => {
      const stack = orderStack({ resources: [] });
      stack[0].props.inlinePolicies = UNKNOWN_STRING;
      assert.deepStrictEqual(await messages(stack), []);
      assert.match(
        (await advisories(stack))[0],
        /cannot read all that reaches the role: the policy of inlinePolicies of orders-role, which is unknown during preview\.$/,
      );
    });

    it("reports a definition unknown during preview as unverified, not as a violation", async () => {
      const stack = orderStack();
      stack[2].props.definition = UNKNOWN_STRING;
      assert.deepStrictEqual(await messages(stack), []);
      assert.deepStrictEqual(await advisories(stack), [
        `orders: state machine orders: its definition is unknown during preview, ${CANNOT_VERIFY}`,
      ]);
    });

    it("reports a roleArn that is unknown and linked to no role of the stack", async () => {
      const stack = previewStack();
      stack[2].propertyDependencies = {};
      assert.deepStrictEqual(await advisories(stack), [
        `orders: state machine orders: its roleArn is unknown during preview and depends on no role of this stack, ${CANNOT_VERIFY}`,
      ]);
    });
  });

  it("gives a role outside the stack an advisory instead of silence", async () => {
    const stack = orderStack({ roleArn: "arn:aws:iam::123456789012:role/shared-workflows" });
    assert.deepStrictEqual(await messages(stack), []);
    assert.deepStrictEqual(await advisories(stack), [
      `orders: state machine orders: its role arn:aws:iam::123456789012:role/shared-workflows is not in this stack, so its grants cannot be read, ${CANNOT_VERIFY}`,
    ]);
  });

  it("does not judge a role no state machine runs as, such as an EventBridge target's", async () => {
    const eventsRole: StackResource[] = [
      {
        type: ROLE,
        name: "events-role",
        props: { name: "events-role-9z", arn: "arn:aws:iam::1:role/events-role-9z" },
      },
      {
        type: ROLE_POLICY,
        name: "events-invoke",
        props: { role: "events-role-9z", policy: invokeDocument([`${API}/POST/events/receive`]) },
        propertyDependencies: { role: ["events-role"] },
      },
      { type: "aws:sqs/queue:Queue", name: "dead-letters", props: { name: UNKNOWN_STRING } },
      {
        type: "aws:cloudwatch/metricAlarm:MetricAlarm",
        name: "failed",
        props: { metricName: "ExecutionsFailed" },
      },
    ];
    const stack = [...orderStack(), ...eventsRole];
    assert.deepStrictEqual(await messages(stack), []);
    assert.deepStrictEqual(await advisories(stack), []);
  });

  it("checks an Express child started by the parent against its own role, and the parent's grants alone", async () => {
    const [role, , parent] = orderStack();
    const rolePolicy = orderStack({
      policy: invokeDocument(granted, [
        {
          Effect: "Allow",
          Action: "states:StartExecution",
          Resource: "arn:aws:states:us-east-1:123456789012:stateMachine:child",
        },
      ]),
    })[1];
    const startChild = {
      Type: "Task",
      Resource: "arn:aws:states:::states:startExecution.sync:2",
      Parameters: {
        StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:child",
        "Input.$": "$",
      },
      End: true,
    };
    const parentDefinition = JSON.parse(parent.props.definition as string);
    parentDefinition.States["Start Child"] = startChild;
    const childRoleArn = "arn:aws:iam::123456789012:role/child-role-1";
    const child: StackResource[] = [
      { type: ROLE, name: "child-role", props: { name: "child-role-1", arn: childRoleArn } },
      {
        type: ROLE_POLICY,
        name: "child-execution",
        props: { role: "child-role-1", policy: invokeDocument([`${API}/GET/taxes`]) },
        propertyDependencies: { role: ["child-role"] },
      },
      {
        type: "aws:sfn/stateMachine:StateMachine",
        name: "child",
        props: {
          type: "EXPRESS",
          roleArn: childRoleArn,
          definition: JSON.stringify(
            definition({
              "Tax.GetTaxes": task({
                Parameters: {
                  AuthType: "IAM_ROLE",
                  ApiEndpoint: "MyApiId.execute-api.us-east-1.amazonaws.com",
                  Stage: "dev",
                  Method: "GET",
                  Path: "taxes",
                },
              }),
            }),
          ),
        },
        propertyDependencies: { roleArn: ["child-role"] },
      },
      {
        type: "aws:cloudwatch/eventRule:EventRule",
        name: "failed-executions",
        props: { eventPattern: "{}" },
      },
      {
        type: "aws:cloudwatch/eventTarget:EventTarget",
        name: "to-api",
        props: { arn: `${API}/POST/events/receive` },
      },
    ];
    const stack = [
      role,
      rolePolicy,
      { ...parent, props: { ...parent.props, definition: JSON.stringify(parentDefinition) } },
      ...child,
    ];
    assert.deepStrictEqual(await messages(stack), []);
    assert.deepStrictEqual(await advisories(stack), []);
  });

  it("judges a role shared by two state machines by the calls of both", async () => {
    const [role, rolePolicy, stateMachine] = orderStack({ resources: [...granted, `${API}/GET/health`] });
    const health = definition({
      Health: task({
        Parameters: {
          AuthType: "IAM_ROLE",
          ApiEndpoint: "MyApiId.execute-api.us-east-1.amazonaws.com",
          Stage: "dev",
          Method: "GET",
          Path: "/health",
        },
      }),
    });
    const second = {
      ...stateMachine,
      name: "health",
      props: { ...stateMachine.props, definition: JSON.stringify(health) },
    };
    assert.deepStrictEqual(await messages([role, rolePolicy, stateMachine, second]), []);
  });

  it("judges no grant unused while another state machine of the same role has a definition it cannot read", async () => {
    const [role, rolePolicy, stateMachine] = orderStack({ resources: [...granted, `${API}/GET/health`] });
    const unknown = {
      ...stateMachine,
      name: "health",
      props: { ...stateMachine.props, definition: UNKNOWN_STRING },
    };
    assert.deepStrictEqual(await messages([role, rolePolicy, stateMachine, unknown]), []);
    assert.strictEqual((await advisories([role, rolePolicy, stateMachine, unknown])).length, 1);
  });

  describe("grants from every kind of IAM resource", () => {
    const attached = (policyArn: string, propertyDependencies?: Record<string, string[]>): StackResource => ({
      type: ATTACHMENT,
      name: "attach",
      props: { role: "orders-role-1a2b", policyArn },
      propertyDependencies,
    });

    it("counts AmazonAPIGatewayInvokeFullAccess, attached by ARN, as allowing every call, and as broader", async () => {
      const stack = [...orderStack({ resources: [] }), attached(INVOKE_FULL_ACCESS)];
      assert.deepStrictEqual(await messages(stack, { reportUnusedGrants: false }), []);
      assert.deepStrictEqual(
        (await messages(stack)).map((m) => m.split(": it ")[0]),
        [
          `attach: Statement [0] of AWS managed policy ${INVOKE_FULL_ACCESS} of attach must not allow execute-api:Invoke on arn:aws:execute-api:*:*:* to role orders-role`,
        ],
      );
    });

    it("reports AmazonAPIGatewayInvokeFullAccess on a role whose state machine calls no API", async () => {
      const stack = [
        ...orderStack({ resources: [], definitionValue: definition({ Done: { Type: "Succeed" } }) }),
        attached(INVOKE_FULL_ACCESS),
      ];
      assert.deepStrictEqual(await messages(stack), [
        `attach: Statement [0] of AWS managed policy ${INVOKE_FULL_ACCESS} of attach must not allow execute-api:Invoke on arn:aws:execute-api:*:*:* to role orders-role: no API Gateway call of state machine orders uses it.`,
      ]);
    });

    it("reads a customer managed policy of the stack attached by an ARN unknown during preview", async () => {
      const managed: StackResource = {
        type: "aws:iam/policy:Policy",
        name: "orders-invoke",
        props: { arn: UNKNOWN_STRING, policy: invokeDocument(granted) },
      };
      const stack = [
        ...orderStack({ resources: [] }),
        managed,
        attached(UNKNOWN_STRING, { policyArn: ["orders-invoke"] }),
      ];
      assert.deepStrictEqual(await messages(stack), []);
      stack[3].props.policy = invokeDocument([...granted, `${API}/GET/admin`]);
      assert.deepStrictEqual(
        (await validateStack(policy, stack)).map((v) => v.resource),
        ["orders-invoke"],
      );
    });

    it("turns missing grants into advisories when a managed policy outside the stack is attached", async () => {
      const stack = [
        ...orderStack({ resources: [] }),
        attached("arn:aws:iam::123456789012:policy/shared-invoke"),
      ];
      assert.deepStrictEqual(await messages(stack), []);
      const [first] = await advisories(stack);
      assert.match(
        first,
        /managed policy arn:aws:iam::123456789012:policy\/shared-invoke attached by attach, which is not in this stack\.$/,
      );
    });

    it("turns missing grants into advisories when an AWS managed policy the pack does not know is attached", async () => {
      const lambdaRole = "arn:aws:iam::aws:policy/service-role/AWSLambdaRole";
      const stack = [...orderStack({ resources: granted.slice(1) }), attached(lambdaRole)];
      assert.deepStrictEqual(await messages(stack), []);
      const found = await advisories(stack);
      assert.strictEqual(found.length, 1);
      assert.match(
        found[0],
        /^orders: Role orders-role must allow execute-api:Invoke on .* managed policy arn:aws:iam::aws:policy\/service-role\/AWSLambdaRole attached by attach, which is an AWS managed policy whose document the pack does not hold\.$/,
      );
    });

    it("raises nothing about an unknown AWS managed policy on a role that lacks no grant", async () => {
      const stack = [...orderStack(), attached("arn:aws:iam::aws:policy/CloudWatchLogsFullAccess")];
      assert.deepStrictEqual(await messages(stack), []);
      assert.deepStrictEqual(await advisories(stack), []);
    });

    it("reads a role's inline policies and managed policy ARNs, and a PolicyAttachment's roles", async () => {
      const [role, , stateMachine] = orderStack();
      const inline = {
        ...role,
        props: {
          ...role.props,
          inlinePolicies: [{ name: "invoke", policy: invokeDocument(granted.slice(0, 4)) }],
        },
      };
      const policyAttachment: StackResource = {
        type: "aws:iam/policyAttachment:PolicyAttachment",
        name: "shared",
        props: { roles: ["orders-role-1a2b"], policyArn: "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess" },
      };
      const rest: StackResource = {
        type: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
        name: "exclusive",
        props: { roleName: "orders-role-1a2b", policyArns: [] },
      };
      const userPolicy: StackResource = {
        type: "aws:iam/userPolicy:UserPolicy",
        name: "ci",
        props: { user: "orders-role-1a2b", policy: invokeDocument(granted.slice(4)) },
      };
      const found = await messages([inline, stateMachine, policyAttachment, rest, userPolicy]);
      // The user policy names a user, not the role, so the last routes stay missing.
      assert.strictEqual(found.length, 4);
      assert.ok(
        found.every((m) => m.startsWith("orders: Role orders-role must allow")),
        found.join("\n"),
      );
    });

    it("reads aws-native roles, role policies and managed policies, and JSONata definitions", async () => {
      const nativeRole: StackResource = {
        type: "aws-native:iam:Role",
        name: "native-role",
        props: { roleName: "native", arn: "arn:aws:iam::123456789012:role/native", policies: [{}] },
      };
      const nativeRolePolicy: StackResource = {
        type: "aws-native:iam:RolePolicy",
        name: "native-policy",
        props: {
          roleName: "native",
          policyName: "p",
          policyDocument: JSON.parse(invokeDocument([`${API}/GET/products/*`])),
        },
      };
      const nativeManaged: StackResource = {
        type: "aws-native:iam:ManagedPolicy",
        name: "native-managed",
        props: { roles: ["native"], policyDocument: JSON.parse(invokeDocument([`${API}/POST/carts`])) },
      };
      const jsonata = (method: string, path: string) => ({
        Type: "Task",
        Resource: "arn:aws:states:::apigateway:invoke",
        Arguments: {
          AuthType: "IAM_ROLE",
          ApiEndpoint: "MyApiId.execute-api.us-east-1.amazonaws.com",
          Stage: "dev",
          Method: method,
          Path: path,
        },
        Retry: [],
        End: true,
      });
      const nativeStateMachine: StackResource = {
        type: "aws-native:stepfunctions:StateMachine",
        name: "native-sm",
        props: {
          roleArn: "arn:aws:iam::123456789012:role/native",
          definition: {
            QueryLanguage: "JSONata",
            StartAt: "Get",
            States: {
              Get: {
                ...jsonata("GET", "{% '/products/' & $states.input.id %}"),
                Next: "Create",
                End: undefined,
              },
              Create: jsonata("POST", "/carts"),
              Tax: jsonata("GET", "{% '/taxes' %}"),
            },
          },
        },
      };
      assert.deepStrictEqual(
        await messages([nativeRole, nativeRolePolicy, nativeManaged, nativeStateMachine]),
        [
          `native-sm: Role native-role must allow execute-api:Invoke on ${API}/GET/taxes, which state "Tax" of state machine native-sm calls; without it the call fails with 403 at run time.`,
        ],
      );
    });
  });

  describe("calls whose target is set at run time", () => {
    const withTask = (parameters: Record<string, unknown>) =>
      definition({
        Call: task({
          Parameters: {
            AuthType: "IAM_ROLE",
            ApiEndpoint: "MyApiId.execute-api.us-east-1.amazonaws.com",
            Stage: "dev",
            Method: "GET",
            ...parameters,
          },
        }),
      });

    it("treats a Path.$ set at run time as any path, which only a wildcard grant covers", async () => {
      const stack = orderStack({
        resources: [`${API}/GET/products/*`],
        definitionValue: withTask({ "Path.$": "$.path" }),
      });
      assert.match((await messages(stack))[0], /on .*\/dev\/GET\/\*, which state "Call"/);
      const covered = orderStack({
        resources: [`${API}/GET/*`],
        definitionValue: withTask({ "Path.$": "$.path" }),
      });
      assert.deepStrictEqual(await messages(covered), []);
    });

    it("reports an ApiEndpoint set at run time as unverified, and judges no grant of that role unused", async () => {
      const stack = orderStack({
        definitionValue: withTask({ ApiEndpoint: undefined, "ApiEndpoint.$": "$.api" }),
      });
      assert.deepStrictEqual(await messages(stack), []);
      assert.deepStrictEqual(await advisories(stack), [
        'orders: state machine orders: state "Call" calls an API whose target is not in the definition (its ApiEndpoint is set at run time), so the pack cannot verify that role orders-role allows it.',
      ]);
    });
  });

  describe("the state machines a Task starts", () => {
    const CHILD = "arn:aws:states:us-east-1:123456789012:stateMachine:orders-dev_pricing-1";
    /** This repo's stack with a Task of `resource` that starts CHILD, and the grants `extra` beside the routes'. */
    function startingStack(
      extra: Record<string, unknown>[],
      options: { resource?: string; parameters?: Record<string, unknown> } = {},
    ): StackResource[] {
      const [role, rolePolicy, stateMachine] = orderStack({ policy: invokeDocument(granted, extra) });
      const parsed = JSON.parse(stateMachine.props.definition as string);
      parsed.States["Price Cart"] = {
        Type: "Task",
        Resource: options.resource ?? "arn:aws:states:::aws-sdk:sfn:startSyncExecution",
        Parameters: options.parameters ?? { StateMachineArn: CHILD, "Input.$": "States.JsonToString($)" },
        End: true,
      };
      return [
        role,
        rolePolicy,
        { ...stateMachine, props: { ...stateMachine.props, definition: JSON.stringify(parsed) } },
      ];
    }
    const grant = (action: string, resource: unknown, effect = "Allow") => ({
      Sid: "StartPricing",
      Effect: effect,
      Action: action,
      Resource: resource,
    });

    it("passes a StartSyncExecution grant on exactly the child's ARN", async () => {
      const stack = startingStack([grant("states:StartSyncExecution", CHILD)]);
      assert.deepStrictEqual(await messages(stack), []);
      assert.deepStrictEqual(await advisories(stack), []);
    });

    it("reports a child the role may not start, on the state machine", async () => {
      assert.deepStrictEqual(await messages(startingStack([])), [
        `orders: Role orders-role must allow states:StartSyncExecution on ${CHILD}, which state "Price Cart" of state machine orders starts; without it the Task fails at run time.`,
      ]);
    });

    it("reports a wildcard grant of the start, naming the one ARN it should be", async () => {
      const wildcard = "arn:aws:states:us-east-1:123456789012:stateMachine:*";
      assert.deepStrictEqual(await messages(startingStack([grant("states:StartSyncExecution", wildcard)])), [
        `orders-execution: Statement "StartPricing" of orders-execution must not allow states:StartSyncExecution on ${wildcard} to role orders-role: it names no one state machine; name exactly ${CHILD}, which state machine orders starts.`,
      ]);
    });

    it("reports a start granted through Resource * and states:*", async () => {
      const violations = await messages(startingStack([grant("states:*", "*")]));
      assert.deepStrictEqual(
        violations.map((v) => v.split(" to role ")[0]),
        [
          `orders-execution: Statement "StartPricing" of orders-execution must not allow states:StartExecution on *`,
          `orders-execution: Statement "StartPricing" of orders-execution must not allow states:StartSyncExecution on *`,
        ],
      );
    });

    it("reports a grant on another state machine as unused, and the child as not allowed", async () => {
      const other = "arn:aws:states:us-east-1:123456789012:stateMachine:orders-prod_pricing-1";
      assert.deepStrictEqual(await messages(startingStack([grant("states:StartSyncExecution", other)])), [
        `orders: Role orders-role must allow states:StartSyncExecution on ${CHILD}, which state "Price Cart" of state machine orders starts; without it the Task fails at run time.`,
        `orders-execution: Statement "StartPricing" of orders-execution must not allow states:StartSyncExecution on ${other} to role orders-role: no Task of state machine orders starts it.`,
      ]);
    });

    it("asks StartExecution, not StartSyncExecution, for the Step Functions integration's startExecution.sync:2", async () => {
      const stack = startingStack([grant("states:StartSyncExecution", CHILD)], {
        resource: "arn:aws:states:::states:startExecution.sync:2",
      });
      assert.deepStrictEqual(
        (await messages(stack)).map((v) => v.split(" on ")[0]),
        [
          "orders: Role orders-role must allow states:StartExecution",
          `orders-execution: Statement "StartPricing" of orders-execution must not allow states:StartSyncExecution`,
        ],
      );
    });

    it("reports a start a Deny statement takes back", async () => {
      const stack = startingStack([
        grant("states:StartSyncExecution", CHILD),
        { ...grant("states:Start*", "*", "Deny"), Sid: "NoStarts" },
      ]);
      assert.deepStrictEqual(await messages(stack), [
        `orders: Role orders-role must allow states:StartSyncExecution on ${CHILD}, which state "Price Cart" of state machine orders starts: Statement "NoStarts" of orders-execution denies it; without it the Task fails at run time.`,
      ]);
    });

    it("names a child chosen at run time as unverifiable, and judges no start grant then", async () => {
      const stack = startingStack([grant("states:StartSyncExecution", "*")], {
        parameters: { "StateMachineArn.$": "$.child", "Input.$": "States.JsonToString($)" },
      });
      assert.deepStrictEqual(await messages(stack), []);
      assert.deepStrictEqual(await advisories(stack), [
        `orders: state machine orders: state "Price Cart" starts a state machine that is not in the definition (its StateMachineArn is set at run time), so the pack cannot verify that role orders-role allows states:StartSyncExecution on exactly it.`,
      ]);
    });

    it("ignores a Task of any other integration", async () => {
      const stack = startingStack([], {
        resource: "arn:aws:states:::lambda:invoke",
        parameters: { FunctionName: "arn:aws:lambda:us-east-1:123456789012:function:f" },
      });
      assert.deepStrictEqual(await messages(stack), []);
      assert.deepStrictEqual(await advisories(stack), []);
    });

    it("counts aws-sdk:sfn:startExecution.waitForTaskToken as a start like the others", async () => {
      const stack = startingStack([], {
        resource: "arn:aws:states:::aws-sdk:sfn:startExecution.waitForTaskToken",
      });
      assert.deepStrictEqual(await messages(stack), [
        `orders: Role orders-role must allow states:StartExecution on ${CHILD}, which state "Price Cart" of state machine orders starts; without it the Task fails at run time.`,
      ]);
    });

    it("reports the states:* on * of AWSStepFunctionsFullAccess, attached by RolePolicyAttachment", async () => {
      const stack: StackResource[] = [
        ...startingStack([grant("states:StartSyncExecution", CHILD)]),
        {
          type: ATTACHMENT,
          name: "full-access",
          props: { role: "orders-role-1a2b", policyArn: STEP_FUNCTIONS_FULL_ACCESS },
        },
      ];
      assert.deepStrictEqual(
        (await messages(stack)).map((v) => v.split(" to role ")[0]),
        [
          `full-access: Statement [0] of AWS managed policy ${STEP_FUNCTIONS_FULL_ACCESS} of full-access must not allow states:StartExecution on *`,
          `full-access: Statement [0] of AWS managed policy ${STEP_FUNCTIONS_FULL_ACCESS} of full-access must not allow states:StartSyncExecution on *`,
        ],
      );
    });

    it("reports AWSStepFunctionsFullAccess in a role's managedPolicyArns, on the role", async () => {
      const [role, ...rest] = startingStack([grant("states:StartSyncExecution", CHILD)]);
      const withManaged = {
        ...role,
        props: { ...role.props, managedPolicyArns: [STEP_FUNCTIONS_FULL_ACCESS] },
      };
      const found = await messages([withManaged, ...rest]);
      assert.strictEqual(found.length, 2);
      assert.ok(
        found.every((m) => m.startsWith("orders-role: Statement [0] of AWS managed policy")),
        found.join("\n"),
      );
    });

    it("reports the states:* on * of AWSStepFunctionsConsoleFullAccess, attached by RolePolicyAttachment", async () => {
      const consoleFullAccess = "arn:aws:iam::aws:policy/AWSStepFunctionsConsoleFullAccess";
      const stack: StackResource[] = [
        ...startingStack([grant("states:StartSyncExecution", CHILD)]),
        {
          type: ATTACHMENT,
          name: "console",
          props: { role: "orders-role-1a2b", policyArn: consoleFullAccess },
        },
      ];
      assert.deepStrictEqual(
        (await messages(stack)).map((v) => v.split(" to role ")[0]),
        [
          `console: Statement [0] of AWS managed policy ${consoleFullAccess} of console must not allow states:StartExecution on *`,
          `console: Statement [0] of AWS managed policy ${consoleFullAccess} of console must not allow states:StartSyncExecution on *`,
        ],
      );
    });

    it("counts AWSStepFunctionsConsoleFullAccess as allowing a start the role's own policies lack", async () => {
      const [role, ...rest] = startingStack([]);
      const withConsole = {
        ...role,
        props: {
          ...role.props,
          managedPolicyArns: ["arn:aws:iam::aws:policy/AWSStepFunctionsConsoleFullAccess"],
        },
      };
      const found = await messages([withConsole, ...rest]);
      assert.ok(
        found.every((m) => !m.includes("must allow")),
        found.join("\n"),
      );
    });

    for (const pattern of ["arn:aws:states:us-east-1:123456789012:stateMachine:*", "*"]) {
      it(`reports a StateMachineArn that is itself the pattern ${pattern}, and the grant that matches it`, async () => {
        const stack = startingStack([grant("states:StartSyncExecution", pattern)], {
          parameters: { StateMachineArn: pattern, "Input.$": "States.JsonToString($)" },
        });
        assert.deepStrictEqual(
          (await messages(stack)).map((v) => v.split(":")[0] + ": " + v.split(" must ")[1].split(",")[0]),
          [
            `orders: name the state machine it starts`,
            `orders-execution: not allow states:StartSyncExecution on ${pattern} to role orders-role: it names no one state machine; name none: no Task of state machine orders starts one.`,
          ],
        );
      });
    }

    it("names a start that a Deny with a Condition may take back as unverified, not as a violation", async () => {
      const stack = startingStack([
        grant("states:StartSyncExecution", CHILD),
        {
          ...grant("states:Start*", "*", "Deny"),
          Sid: "TlsOnly",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]);
      assert.deepStrictEqual(await messages(stack), []);
      assert.deepStrictEqual(await advisories(stack), [
        `orders: Role orders-role allows states:StartSyncExecution on ${CHILD}, which state "Price Cart" of state machine orders starts, but Statement "TlsOnly" of orders-execution denies it when its Condition holds, which the pack cannot evaluate; when it holds, the Task fails at run time.`,
      ]);
    });

    describe("a Distributed Map, which starts executions of its own state machine", () => {
      const OWN = "arn:aws:states:us-east-1:123456789012:stateMachine:orders-1a2b";
      function distributedStack(extra: Record<string, unknown>[], arn: unknown = OWN): StackResource[] {
        const [role, rolePolicy, stateMachine] = orderStack({ policy: invokeDocument(granted, extra) });
        const parsed = JSON.parse(stateMachine.props.definition as string);
        parsed.States["Each Line"] = {
          Type: "Map",
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
            StartAt: "Done",
            States: { Done: { Type: "Succeed" } },
          },
          End: true,
        };
        const props = { ...stateMachine.props, definition: JSON.stringify(parsed), arn };
        return [role, rolePolicy, { ...stateMachine, props }];
      }

      it("counts states:StartExecution on the state machine's own ARN as used", async () => {
        const stack = distributedStack([grant("states:StartExecution", OWN)]);
        assert.deepStrictEqual(await messages(stack), []);
        assert.deepStrictEqual(await advisories(stack), []);
      });

      it("reports its own ARN missing from the role, on the state machine", async () => {
        assert.deepStrictEqual(await messages(distributedStack([])), [
          `orders: Role orders-role must allow states:StartExecution on ${OWN}, which state "Each Line" of state machine orders starts; without it the Task fails at run time.`,
        ]);
      });

      it("names the start as unverified while the state machine's ARN is unknown during preview", async () => {
        const stack = distributedStack([grant("states:StartExecution", OWN)], UNKNOWN_STRING);
        assert.deepStrictEqual(await messages(stack), []);
        assert.match(
          (await advisories(stack)).join("\n"),
          /state "Each Line" starts a state machine that is not in the definition \(it is a Distributed Map/,
        );
      });
    });
  });

  describe("calls that the execution role does not sign", () => {
    /** A definition of one API Gateway Task with these Parameters beside the endpoint, stage and method. */
    const calling = (parameters: Record<string, unknown>, fields: Record<string, unknown> = {}) =>
      definition({
        Call: task({
          Parameters: {
            ApiEndpoint: "MyApiId.execute-api.us-east-1.amazonaws.com",
            Stage: "dev",
            Method: "GET",
            Path: "/taxes",
            ...parameters,
          },
          ...fields,
        }),
      });

    for (const [label, auth] of [
      ["AuthType omitted (NO_AUTH)", {}],
      ["AuthType NO_AUTH", { AuthType: "NO_AUTH" }],
      ["AuthType RESOURCE_POLICY", { AuthType: "RESOURCE_POLICY" }],
    ] as const) {
      it(`asks no execute-api:Invoke grant for a call with ${label}`, async () => {
        const stack = orderStack({ resources: [], definitionValue: calling(auth) });
        assert.deepStrictEqual(await messages(stack), []);
        assert.deepStrictEqual(await advisories(stack), []);
      });
    }

    it("names a call whose AuthType is set at run time as unverified", async () => {
      const stack = orderStack({ resources: [], definitionValue: calling({ "AuthType.$": "$.auth" }) });
      assert.deepStrictEqual(await messages(stack), []);
      assert.match(
        (await advisories(stack))[0],
        /state "Call" calls an API .*\(its AuthType is set at run time\)/,
      );
    });

    it("asks nothing of the execution role for a call made as the Task's Credentials.RoleArn, and says so", async () => {
      const other = "arn:aws:iam::123456789012:role/tax-reader";
      const stack = orderStack({
        resources: [],
        definitionValue: calling({ AuthType: "IAM_ROLE" }, { Credentials: { RoleArn: other } }),
      });
      assert.deepStrictEqual(await messages(stack), []);
      assert.deepStrictEqual(await advisories(stack), [
        `orders: state machine orders: state "Call" makes its call as role ${other} (its Credentials), so the pack does not verify that that role allows the call, nor that role orders-role may assume it (sts:AssumeRole).`,
      ]);
    });

    it("asks nothing of the execution role for a start made as the Task's Credentials.RoleArn", async () => {
      const start = {
        Type: "Task",
        Resource: "arn:aws:states:::states:startExecution",
        Credentials: { "RoleArn.$": "$.role" },
        Parameters: { StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:child" },
        End: true,
      };
      const stack = orderStack({ definitionValue: definition({ Start: start }), resources: [] });
      assert.deepStrictEqual(await messages(stack), []);
      assert.match((await advisories(stack))[0], /state "Start" makes its call as a role chosen at run time/);
    });
  });

  describe("a WebSocket API's @connections", () => {
    const post = definition({
      Reply: task({
        Parameters: {
          AuthType: "IAM_ROLE",
          ApiEndpoint: "MyApiId.execute-api.us-east-1.amazonaws.com",
          Stage: "dev",
          Method: "POST",
          "Path.$": "States.Format('/@connections/{}', $.connectionId)",
          RequestBody: { "message.$": "$.message" },
        },
      }),
    });
    const manage = (resource: string) => ({
      Sid: "Reply",
      Effect: "Allow",
      Action: "execute-api:ManageConnections",
      Resource: resource,
    });

    it("passes execute-api:ManageConnections on the @connections path, with no Invoke grant", async () => {
      const stack = orderStack({
        policy: invokeDocument([], [manage(`${API}/POST/@connections/*`)]),
        definitionValue: post,
      });
      assert.deepStrictEqual(await messages(stack), []);
      assert.deepStrictEqual(await advisories(stack), []);
    });

    it("reports a missing ManageConnections grant, not a missing Invoke", async () => {
      const stack = orderStack({ resources: [`${API}/POST/@connections/*`], definitionValue: post });
      assert.deepStrictEqual(await messages(stack), [
        `orders-execution: Statement "InvokeOrderApiRoutes" of orders-execution must not allow execute-api:Invoke on ${API}/POST/@connections/* to role orders-role: no API Gateway call of state machine orders uses it.`,
        `orders: Role orders-role must allow execute-api:ManageConnections on ${API}/POST/@connections/*, which state "Reply" of state machine orders calls; without it the call fails with 403 at run time.`,
      ]);
    });
  });

  describe("a Deny with a Condition", () => {
    const regionGuard = {
      Sid: "OnlyUsEast1",
      Effect: "Deny",
      Action: "execute-api:Invoke",
      Resource: "*",
      Condition: { StringNotEquals: { "aws:RequestedRegion": "us-east-1" } },
    };

    it("is no violation: whether it applies cannot be decided, so it is an advisory", async () => {
      const stack = orderStack({ policy: invokeDocument(granted, [regionGuard]) });
      assert.deepStrictEqual(await messages(stack), []);
      const found = await advisories(stack);
      assert.strictEqual(found.length, 8);
      assert.match(
        found[0],
        /, but Statement "OnlyUsEast1" of orders-execution denies it when its Condition holds, which the pack cannot evaluate; /,
      );
    });

    it("still reports a Deny without a Condition", async () => {
      const { Condition: _, ...always } = regionGuard;
      assert.strictEqual(
        (await messages(orderStack({ policy: invokeDocument(granted, [always]) }))).length,
        8,
      );
    });
  });

  it("judges a grant naming another account by the API it names", async () => {
    const resources = granted.map((arn) => arn.replace(`:${ACCOUNT}:`, ":999999999999:"));
    assert.deepStrictEqual(await messages(orderStack({ resources })), []);
  });

  it("does not take a roleArn of another account for the stack's role of the same name", async () => {
    const stack = orderStack({ resources: [], roleArn: "arn:aws:iam::999999999999:role/orders-role-1a2b" });
    assert.deepStrictEqual(await messages(stack), []);
    assert.deepStrictEqual(await advisories(stack), [
      `orders: state machine orders: its role arn:aws:iam::999999999999:role/orders-role-1a2b is not in this stack, so its grants cannot be read, ${CANNOT_VERIFY}`,
    ]);
  });

  it("names at most three of the policies it cannot read in one advisory, and how many more", async () => {
    const unlinked: StackResource[] = Array.from({ length: 10 }, (_, i) => ({
      type: ATTACHMENT,
      name: `attach-${i}`,
      props: { role: UNKNOWN_STRING, policyArn: `arn:aws:iam::123456789012:policy/p${i}` },
    }));
    const stack = [...previewStack({ resources: granted.slice(1) }), ...unlinked];
    const [found] = await advisories(stack);
    assert.match(
      found,
      /cannot read all that reaches the role: .*attach-0, .*attach-1, .*attach-2, whose role is unknown during preview and 7 more\.$/,
    );
  });

  it("reports or passes, never throws, on 60 seeded random Tasks of the fields it reads", async () => {
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const odd = [undefined, null, 7, "", "*", UNKNOWN_STRING, {}, [], "{% $x %}"];
    const field = <T>(values: readonly T[]) => (next() < 0.3 ? pick(odd) : pick(values));
    for (let run = 0; run < 60; run++) {
      const states: Record<string, unknown> = {};
      for (let i = 0; i < 4; i++) {
        states[`S${i}`] = {
          Type: field(["Task", "Map"]),
          Resource: field([
            "arn:aws:states:::apigateway:invoke",
            "arn:aws:states:::aws-sdk:sfn:startExecution.waitForTaskToken",
            "arn:aws:states:::states:startExecution.sync:2",
          ]),
          Credentials: field([undefined, { RoleArn: "arn:aws:iam::1:role/r" }, { "RoleArn.$": "$.r" }]),
          ItemProcessor: { ProcessorConfig: { Mode: field(["DISTRIBUTED", "INLINE"]) }, States: {} },
          Parameters: {
            AuthType: field(["IAM_ROLE", "NO_AUTH", "RESOURCE_POLICY"]),
            ApiEndpoint: field(["MyApiId.execute-api.us-east-1.amazonaws.com"]),
            Stage: field(["dev"]),
            Method: field(["GET", "POST"]),
            Path: field(["/@connections/x", "@connections", "/carts", "a:b/c"]),
            StateMachineArn: field([
              "arn:aws:states:us-east-1:1:stateMachine:*",
              "*",
              "arn:aws:states:us-east-1:1:stateMachine:c",
            ]),
          },
          End: true,
        };
      }
      const statement = {
        Effect: field(["Allow", "Deny"]),
        Action: field(["execute-api:*", "states:*", "*"]),
        Resource: field(["*", `${API}/*`, "arn:aws:execute-api:*:*:MyApiId/dev/GET/*"]),
        Condition: field([undefined, { Bool: { "aws:SecureTransport": "false" } }]),
      };
      const stack = orderStack({
        policy: invokeDocument(granted, [statement]),
        definitionValue: { StartAt: "S0", States: states },
        roleArn: pick([ROLE_ARN, "arn:aws:iam::999999999999:role/orders-role-1a2b"]),
      });
      stack[2].props.arn = field(["arn:aws:states:us-east-1:123456789012:stateMachine:orders"]);
      await messages(stack);
      await advisories(stack);
    }
  });
});

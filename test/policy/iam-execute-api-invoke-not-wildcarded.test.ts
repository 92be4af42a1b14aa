import * as assert from "assert";
import { iamExecuteApiInvokeNotWildcarded as policy } from "../../policy/policies/iam-execute-api-invoke-not-wildcarded";
import { UNKNOWN_STRING, UnknownValueError, validate } from "./harness";

const API = "arn:aws:execute-api:us-east-1:123456789012:MyApiId";
const PRODUCTS = `${API}/dev/GET/products/*`;
const OPEN_ALL = "the API id, stage and method open";

type Statement = Record<string, unknown>;

function invoke(resource: unknown, fields: Statement = {}): Statement {
  return {
    Sid: "InvokeOrderApi",
    Effect: "Allow",
    Action: "execute-api:Invoke",
    Resource: resource,
    ...fields,
  };
}

/** This repo's execution policy: named routes, plus log delivery and X-Ray, which AWS only grants on "*". */
const executionPolicy = {
  Version: "2012-10-17",
  Statement: [
    invoke([PRODUCTS, `${API}/dev/POST/carts`]),
    {
      Sid: "DeliverExecutionLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogDelivery", "logs:GetLogDelivery"],
      Resource: "*",
    },
    { Sid: "SendTraces", Effect: "Allow", Action: ["xray:PutTraceSegments"], Resource: "*" },
  ],
};

async function violations(...statements: Statement[]): Promise<string[]> {
  const policyDocument = JSON.stringify({ Version: "2012-10-17", Statement: statements });
  return (
    await validate(policy, {
      type: "aws:iam/rolePolicy:RolePolicy",
      props: { role: "orders", policy: policyDocument },
    })
  ).violations;
}

describe("iam-execute-api-invoke-not-wildcarded", () => {
  it("is mandatory by default", () => {
    assert.strictEqual(policy.enforcementLevel, "mandatory");
  });

  it("passes this repo's execution policy, leaving its log delivery and X-Ray statements on * alone", async () => {
    assert.deepStrictEqual(await violations(...executionPolicy.Statement), []);
  });

  it("allows * in the path, where it stands for path parameters", async () => {
    assert.deepStrictEqual(await violations(invoke(`${API}/dev/GET/products/*/prices/*`)), []);
  });

  it('reports Resource "*"', async () => {
    assert.deepStrictEqual(await violations(invoke("*")), [
      `Statement "InvokeOrderApi" must allow execute-api:Invoke only on a named API id, stage and method, but "*" leaves ${OPEN_ALL}.`,
    ]);
  });

  it("reports a wildcard API id", async () => {
    assert.deepStrictEqual(
      await violations(invoke("arn:aws:execute-api:us-east-1:123456789012:*/dev/GET/products")),
      [
        'Statement "InvokeOrderApi" must allow execute-api:Invoke only on a named API id, stage and method, but "arn:aws:execute-api:us-east-1:123456789012:*/dev/GET/products" leaves the API id open.',
      ],
    );
  });

  it("reports a wildcard stage", async () => {
    const [violation] = await violations(invoke(`${API}/*/GET/products`));
    assert.match(violation, /leaves the stage open\.$/);
  });

  it("reports a wildcard method, and a partial wildcard", async () => {
    assert.deepStrictEqual(
      (await violations(invoke([`${API}/dev/*/products`, `${API}/dev/P?T/carts`]))).map(
        (v) => v.split(" but ")[1],
      ),
      [`"${API}/dev/*/products" leaves the method open.`, `"${API}/dev/P?T/carts" leaves the method open.`],
    );
  });

  it("counts segments a trailing wildcard swallows as open", async () => {
    assert.deepStrictEqual(
      (await violations(invoke([`${API}/*`, `${API}/dev*`, "arn:aws:execute-api:*"]))).map(
        (v) => v.split(" leaves ")[1],
      ),
      ["the stage and method open.", "the stage and method open.", "the API id, stage and method open."],
    );
  });

  it("reports one violation per offending resource, naming a statement without Sid by its index", async () => {
    const statement = {
      Effect: "Allow",
      Action: ["execute-api:Invoke"],
      Resource: [PRODUCTS, "*", `${API}/*/*`],
    };
    assert.deepStrictEqual(
      (await violations(executionPolicy.Statement[1], statement)).map((v) => v.split(" must ")[0]),
      ["Statement [1]", "Statement [1]"],
    );
  });

  it("matches the action case-insensitively and through wildcards", async () => {
    for (const action of [
      "EXECUTE-API:invoke",
      "execute-api:*",
      "*",
      "execute-api:Inv*",
      ["s3:GetObject", "execute-api:*"],
    ]) {
      assert.strictEqual(
        (await violations(invoke("*", { Action: action }))).length,
        1,
        JSON.stringify(action),
      );
    }
  });

  it("leaves other execute-api actions and other services' resources alone", async () => {
    assert.deepStrictEqual(await violations(invoke("*", { Action: "execute-api:ManageConnections" })), []);
    assert.deepStrictEqual(
      await violations(invoke(["arn:aws:s3:::orders/*", "arn:aws:logs:*:*:*"], { Action: "*" })),
      [],
    );
  });

  it("reports an Allow with NotAction that does not exclude execute-api:Invoke", async () => {
    const statement = { Sid: "AllButS3", Effect: "Allow", NotAction: "s3:*", Resource: "*" };
    assert.strictEqual((await violations(statement)).length, 1);
    assert.deepStrictEqual(await violations({ ...statement, NotAction: ["s3:*", "execute-api:*"] }), []);
  });

  it("reports an Allow on execute-api:Invoke with NotResource", async () => {
    assert.deepStrictEqual(
      await violations({
        Sid: "Except",
        Effect: "Allow",
        Action: "execute-api:Invoke",
        NotResource: PRODUCTS,
      }),
      [
        'Statement "Except" must list the APIs it allows execute-api:Invoke on in Resource, not in NotResource.',
      ],
    );
  });

  it("ignores Deny statements", async () => {
    assert.deepStrictEqual(await violations(invoke("*", { Effect: "Deny" })), []);
  });

  it("reads a single Statement object and a policy given as an object", async () => {
    const props = { role: "orders", policy: { Version: "2012-10-17", Statement: invoke("*") } };
    const outcome = await validate(policy, { type: "aws:iam/rolePolicy:RolePolicy", props });
    assert.strictEqual(outcome.violations.length, 1);
  });

  it("checks managed policies", async () => {
    const props = { policy: JSON.stringify({ Version: "2012-10-17", Statement: [invoke("*")] }) };
    const outcome = await validate(policy, { type: "aws:iam/policy:Policy", props });
    assert.strictEqual(outcome.violations.length, 1);
  });

  it("checks a role's inline policies, naming the inline policy", async () => {
    const inlinePolicies = [
      { name: "logs", policy: JSON.stringify(executionPolicy) },
      { name: "invoke", policy: JSON.stringify({ Statement: [invoke(`${API}/*/GET/x`)] }) },
      { policy: "not json" },
    ];
    const outcome = await validate(policy, {
      type: "aws:iam/role:Role",
      props: { assumeRolePolicy: "{}", inlinePolicies },
    });
    assert.deepStrictEqual(
      outcome.violations.map((v) => v.split(" must ")[0]),
      ['Statement "InvokeOrderApi" of inline policy "invoke"', "Inline policy [2]"],
    );
  });

  it("passes a role without inline policies", async () => {
    const outcome = await validate(policy, { type: "aws:iam/role:Role", props: { assumeRolePolicy: "{}" } });
    assert.deepStrictEqual(outcome.violations, []);
  });

  it("passes inlinePolicies: [{}], the aws provider's way to say the role has none", async () => {
    const outcome = await validate(policy, {
      type: "aws:iam/role:Role",
      props: { assumeRolePolicy: "{}", inlinePolicies: [{}] },
    });
    assert.deepStrictEqual(outcome.violations, []);
  });

  describe("every IAM resource that can hand out execute-api:Invoke", () => {
    const INVOKE_FULL_ACCESS = "arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess";
    const wide = JSON.stringify({ Version: "2012-10-17", Statement: [invoke("*")] });
    const check = async (type: string, props: Record<string, unknown>) =>
      (await validate(policy, { type, props })).violations.map((v) => v.split(" must ")[0]);

    for (const [type, props] of [
      ["aws:iam/userPolicy:UserPolicy", { user: "ci", policy: wide }],
      ["aws:iam/groupPolicy:GroupPolicy", { group: "ops", policy: wide }],
      ["aws-native:iam:RolePolicy", { roleName: "r", policyName: "p", policyDocument: JSON.parse(wide) }],
      ["aws-native:iam:ManagedPolicy", { policyDocument: JSON.parse(wide) }],
      ["aws-native:iam:UserPolicy", { userName: "u", policyName: "p", policyDocument: JSON.parse(wide) }],
      ["aws-native:iam:GroupPolicy", { groupName: "g", policyName: "p", policyDocument: JSON.parse(wide) }],
    ] as const) {
      it(`checks the document of ${type}`, async () => {
        assert.deepStrictEqual(await check(type, props), ['Statement "InvokeOrderApi"']);
      });
    }

    for (const [type, props] of [
      ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r", policyArn: INVOKE_FULL_ACCESS }],
      ["aws:iam/policyAttachment:PolicyAttachment", { roles: ["r"], policyArn: INVOKE_FULL_ACCESS }],
      ["aws:iam/userPolicyAttachment:UserPolicyAttachment", { user: "u", policyArn: INVOKE_FULL_ACCESS }],
      ["aws:iam/groupPolicyAttachment:GroupPolicyAttachment", { group: "g", policyArn: INVOKE_FULL_ACCESS }],
      [
        "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
        { roleName: "r", policyArns: [INVOKE_FULL_ACCESS] },
      ],
      ["aws:iam/role:Role", { assumeRolePolicy: "{}", managedPolicyArns: [INVOKE_FULL_ACCESS] }],
      ["aws-native:iam:Role", { assumeRolePolicyDocument: {}, managedPolicyArns: [INVOKE_FULL_ACCESS] }],
      ["aws-native:iam:User", { managedPolicyArns: [INVOKE_FULL_ACCESS] }],
      ["aws-native:iam:Group", { managedPolicyArns: [INVOKE_FULL_ACCESS] }],
    ] as const) {
      it(`recognises AmazonAPIGatewayInvokeFullAccess attached by ${type}`, async () => {
        assert.deepStrictEqual(await check(type, props), [
          `Statement [0] of AWS managed policy ${INVOKE_FULL_ACCESS}`,
        ]);
      });
    }

    it("names the open segments of AmazonAPIGatewayInvokeFullAccess's resource", async () => {
      const [violation] = (
        await validate(policy, {
          type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
          props: { role: "r", policyArn: INVOKE_FULL_ACCESS },
        })
      ).violations;
      assert.strictEqual(
        violation,
        `Statement [0] of AWS managed policy ${INVOKE_FULL_ACCESS} must allow execute-api:Invoke only on a named API id, stage and method, but "arn:aws:execute-api:*:*:*" leaves the API id, stage and method open.`,
      );
    });

    it("recognises AdministratorAccess and PowerUserAccess, in any partition", async () => {
      const managedPolicyArns = [
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "arn:aws-us-gov:iam::aws:policy/PowerUserAccess",
      ];
      assert.deepStrictEqual(
        await check("aws:iam/role:Role", { assumeRolePolicy: "{}", managedPolicyArns }),
        [
          "Statement [0] of AWS managed policy arn:aws:iam::aws:policy/AdministratorAccess",
          "Statement [0] of AWS managed policy arn:aws-us-gov:iam::aws:policy/PowerUserAccess",
        ],
      );
    });

    it("leaves other managed policies to the resources that define them", async () => {
      const managedPolicyArns = [
        "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
        "arn:aws:iam::123456789012:policy/AmazonAPIGatewayInvokeFullAccess",
        "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayInvokeFullAccess",
        42,
      ];
      assert.deepStrictEqual(
        await check("aws:iam/role:Role", { assumeRolePolicy: "{}", managedPolicyArns }),
        [],
      );
    });

    it("checks an aws-native role's inline policies, naming each by policyName", async () => {
      const policies = [
        { policyName: "ok", policyDocument: executionPolicy },
        { policyName: "open", policyDocument: JSON.parse(wide) },
      ];
      assert.deepStrictEqual(await check("aws-native:iam:Role", { policies }), [
        'Statement "InvokeOrderApi" of inline policy "open"',
      ]);
    });
  });

  it("reports a policy document it cannot read", async () => {
    const read = async (document: unknown) =>
      (await validate(policy, { type: "aws:iam/rolePolicy:RolePolicy", props: { policy: document } }))
        .violations;
    assert.match(
      (await read("{"))[0],
      /^The policy document must be a JSON object with a Statement, but it is not valid JSON/,
    );
    assert.deepStrictEqual(await read("[]"), [
      "The policy document must be a JSON object with a Statement, but it is an array.",
    ]);
    assert.deepStrictEqual(await read('{"Statement": 3}'), [
      "The policy document must be a JSON object with a Statement, but its Statement is a number.",
    ]);
  });

  it("leaves a policy document unknown during preview to the SDK", async () => {
    await assert.rejects(
      validate(policy, { type: "aws:iam/rolePolicy:RolePolicy", props: { policy: UNKNOWN_STRING } }),
      UnknownValueError,
    );
  });

  it("is not applicable to other resources", async () => {
    const outcome = await validate(policy, { type: "aws:s3/bucket:Bucket", props: {} });
    assert.ok(outcome.notApplicable);
  });
});

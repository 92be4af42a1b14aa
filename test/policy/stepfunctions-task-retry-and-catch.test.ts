import * as assert from "assert";
import { stepfunctionsTaskRetryAndCatch as policy } from "../../policy/policies/stepfunctions-task-retry-and-catch";
import {
  CATCH,
  definition,
  map,
  orderWorkflow,
  parallel,
  RETRY,
  stateMachine,
  task,
  taskWithout,
} from "./fixtures";
import { UNKNOWN_STRING, UnknownValueError, validate } from "./harness";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

const DEFINITION_PROBLEM = "The definition must be a JSON object with a States object, but";

async function violations(definitionValue: unknown, config?: Record<string, unknown>): Promise<string[]> {
  return (await validate(policy, stateMachine(definitionValue, config))).violations;
}

describe("stepfunctions-task-retry-and-catch", () => {
  it("is mandatory by default", () => {
    assert.strictEqual(policy.enforcementLevel, "mandatory");
  });

  it("passes this repo's order workflow with the default config", async () => {
    assert.deepStrictEqual(await violations(orderWorkflow), []);
  });

  it("reports a Task without Retry, naming the state", async () => {
    assert.deepStrictEqual(await violations(definition({ "Get Order": taskWithout("Retry") })), [
      'State "Get Order" must have a non-empty Retry.',
    ]);
  });

  it("reports a Task without Catch", async () => {
    assert.deepStrictEqual(await violations(definition({ "Get Order": taskWithout("Catch") })), [
      'State "Get Order" must have a non-empty Catch.',
    ]);
  });

  it("reports a Task missing both in one violation naming both", async () => {
    assert.deepStrictEqual(await violations(definition({ "Get Order": taskWithout("Retry", "Catch") })), [
      'State "Get Order" must have a non-empty Retry and a non-empty Catch.',
    ]);
  });

  it("treats empty Retry and Catch arrays as missing", async () => {
    assert.deepStrictEqual(await violations(definition({ "Get Order": task({ Retry: [], Catch: [] }) })), [
      'State "Get Order" must have a non-empty Retry and a non-empty Catch.',
    ]);
  });

  it("reports each offending state once, leaving compliant ones alone", async () => {
    const states = {
      First: taskWithout("Retry"),
      Second: task(),
      Third: taskWithout("Catch"),
    };
    assert.deepStrictEqual(await violations(definition(states)), [
      'State "First" must have a non-empty Retry.',
      'State "Third" must have a non-empty Catch.',
    ]);
  });

  it("ignores states other than Task", async () => {
    const states = {
      Wait: { Type: "Wait", Seconds: 1, Next: "Choose" },
      Choose: { Type: "Choice", Choices: [], Default: "Done" },
      Done: { Type: "Pass", End: true },
    };
    assert.deepStrictEqual(await violations(definition(states)), []);
  });

  it("finds an offender in a Parallel branch inside a Map, with the branch index in its path", async () => {
    const states = {
      "For Each Product In Cart": map({
        Parallel_Processing: parallel(
          { "Product.GetProduct": task() },
          { "Inventory.CheckStock": task() },
          { "Promotion.GetPromotionsForCart": taskWithout("Retry") },
        ),
      }),
    };
    assert.deepStrictEqual(await violations(definition(states)), [
      'State "For Each Product In Cart > Parallel_Processing[2] > Promotion.GetPromotionsForCart" must have a non-empty Retry.',
    ]);
  });

  it("finds an offender in a Map inside a Parallel branch", async () => {
    const states = {
      "Fan Out": parallel({ Audit: task() }, { "Each Item": map({ "Get Price": taskWithout("Catch") }) }),
    };
    assert.deepStrictEqual(await violations(definition(states)), [
      'State "Fan Out[1] > Each Item > Get Price" must have a non-empty Catch.',
    ]);
  });

  it("finds an offender in a legacy Map Iterator", async () => {
    const states = { "Each Item": map({ "Get Price": taskWithout("Retry") }, "Iterator") };
    assert.deepStrictEqual(await violations(definition(states)), [
      'State "Each Item > Get Price" must have a non-empty Retry.',
    ]);
  });

  it("finds an offender in a distributed Map's ItemProcessor", async () => {
    const distributed = map({ "Get Price": taskWithout("Catch") });
    (distributed.ItemProcessor as Record<string, unknown>).ProcessorConfig = {
      Mode: "DISTRIBUTED",
      ExecutionType: "EXPRESS",
    };
    const states = {
      "Each Object": { ...distributed, ItemReader: { Resource: "arn:aws:states:::s3:listObjectsV2" } },
    };
    assert.deepStrictEqual(await violations(definition(states)), [
      'State "Each Object > Get Price" must have a non-empty Catch.',
    ]);
  });

  it("checks JSONata definitions the same way", async () => {
    const jsonataTask = (fields: Record<string, unknown>) => ({
      Type: "Task",
      Resource: "arn:aws:states:::apigateway:invoke",
      Arguments: {
        ApiEndpoint: "{% $apiEndpoint %}",
        Method: "GET",
        Path: "{% '/products/' & $states.input.id %}",
      },
      Output: "{% $states.result.ResponseBody %}",
      End: true,
      ...fields,
    });
    const states = {
      "Get Product": jsonataTask({ Retry: RETRY, Catch: CATCH, Next: "Get Stock", End: undefined }),
      "Get Stock": jsonataTask({ Retry: RETRY }),
    };
    assert.deepStrictEqual(await violations(definition(states, { QueryLanguage: "JSONata" })), [
      'State "Get Stock" must have a non-empty Catch.',
    ]);
  });

  it("walks a few hundred levels of nesting without overflowing the stack", async () => {
    let states: Record<string, unknown> = { Innermost: taskWithout("Retry") };
    for (let depth = 0; depth < 500; depth++) {
      states = { [`Level ${depth}`]: depth % 2 === 0 ? map(states) : parallel(states) };
    }
    const [violation, ...others] = await violations(definition(states));
    assert.deepStrictEqual(others, []);
    assert.match(
      violation,
      /^State "Level 499\[0\] > Level 498 > .* > Level 0 > Innermost" must have a non-empty Retry\.$/,
    );
  });

  it("skips states, branches and processors of the wrong shape without throwing", async () => {
    const states = {
      "Not An Object": 42,
      "Null State": null,
      "Branches Not An Array": { Type: "Parallel", Branches: { States: {} }, End: true },
      "Branch Without States": { Type: "Parallel", Branches: [null, 7, { States: [] }], End: true },
      "Processor Not An Object": { Type: "Map", ItemProcessor: "inline", Iterator: [], End: true },
      "Odd Retriers": task({ Retry: [null, "x", { ErrorEquals: ["A"], MaxAttempts: "many" }, ...RETRY] }),
      "Odd Catchers": task({ Catch: [null, { ErrorEquals: "States.ALL" }] }),
      "Odd Transitions": { Type: "Choice", Choices: [null, 3, { Variable: "$.x" }] },
    };
    assert.deepStrictEqual(await violations(definition(states)), [
      'State "Odd Catchers" must have a Catch whose ErrorEquals lists States.ALL.',
    ]);
  });

  describe("references to states the walk cannot see", () => {
    const UNSEEN = "must name a state of the same States object that the pack can see, but";

    /** The definition as the pack receives an object: through a protobuf Struct, as the engine sends it. */
    function throughStruct(value: Record<string, unknown>): Record<string, unknown> {
      return Struct.fromJavaScript(value as never).toJavaScript() as Record<string, unknown>;
    }

    /** A Task named "__proto__" without Retry or Catch, after "Get Order"; JSON text keeps the key. */
    const hiddenTaskJson =
      '{"StartAt":"Get Order","States":{' +
      `"Get Order":${JSON.stringify(task({ Next: "__proto__", End: undefined }))},` +
      `"__proto__":{"Type":"Task","Resource":"arn:aws:states:::apigateway:invoke","End":true},` +
      '"Order Failed":{"Type":"Fail"}}}';

    it("checks a Task named __proto__ in a definition given as JSON text", async () => {
      assert.deepStrictEqual(await violations(hiddenTaskJson), [
        'State "__proto__" must have a non-empty Retry and a non-empty Catch.',
      ]);
    });

    it("reports the reference to a Task named __proto__ that a protobuf Struct dropped", async () => {
      const received = throughStruct(JSON.parse(hiddenTaskJson));
      assert.ok(!Object.hasOwn(received.States as object, "__proto__"), "the Struct keeps the key");
      assert.deepStrictEqual(await violations(received), [
        `Next of state "Get Order" ${UNSEEN} no state "__proto__" is there: AWS rejects such a definition, and a state the pack cannot see cannot be checked.`,
      ]);
    });

    it("reports StartAt, Default, Choice rule and Catch references to missing states, at any depth", async () => {
      const states = {
        Route: {
          Type: "Choice",
          Choices: [{ Variable: "$.x", IsPresent: true, Next: "__proto__" }],
          Default: "constructor",
        },
        "Each Item": {
          ...map({ "Get Price": task({ Catch: [{ ErrorEquals: ["States.ALL"], Next: "toString" }] }) }),
          ItemProcessor: { StartAt: "hasOwnProperty", States: { "Get Price": task() } },
        },
      };
      const found = (await violations(definition(states))).map((v) => v.split(` ${UNSEEN} `)[0]);
      assert.deepStrictEqual(found, [
        'Default of state "Route"',
        'Choices[0].Next of state "Route"',
        'StartAt of "Each Item"',
        'Catch[0].Next of state "Each Item > Get Price"',
      ]);
    });

    it("reports a StartAt that is missing or not a string", async () => {
      assert.deepStrictEqual(await violations({ States: { A: { Type: "Succeed" } } }), [
        `StartAt ${UNSEEN} it is missing: AWS rejects such a definition, and a state the pack cannot see cannot be checked.`,
      ]);
      assert.match((await violations({ StartAt: 3, States: {} }))[0], /but it is a number:/);
    });

    it("resolves a reference only to a state of the same States object", async () => {
      const states = { Outer: task(), "Each Item": map({ Inner: task({ Next: "Outer", End: undefined }) }) };
      assert.deepStrictEqual(
        (await violations(definition(states))).map((v) => v.split(" must ")[0]),
        ['Next of state "Each Item > Inner"'],
      );
    });

    it("checks states named like Object.prototype's members", async () => {
      const states = { constructor: taskWithout("Retry"), toString: { Type: "Succeed" } };
      assert.deepStrictEqual(await violations(definition(states)), [
        'State "constructor" must have a non-empty Retry.',
      ]);
    });
  });

  describe("retriers that retry a failing call, judged in order", () => {
    const NO_RETRIER = `must ${"retry a failing call: the first retrier whose ErrorEquals matches States.TaskFailed, or another error a Task raises other than a timeout, must allow MaxAttempts of at least 1 (Step Functions uses the first retrier that matches; it never retries States.Runtime or States.DataLimitExceeded, no Task raises States.BranchFailed, States.NoChoiceMatched or other states' errors, and an apigateway:invoke Task's call raises only ApiGateway.<status code> or ApiGateway.<exception>)"}.`;
    const verdict = (retry: unknown[]) => violations(definition({ A: task({ Retry: retry }) }));

    it("reports a Retry whose only retrier has MaxAttempts 0", async () => {
      assert.deepStrictEqual(await verdict([{ ErrorEquals: ["States.ALL"], MaxAttempts: 0 }]), [
        `State "A" ${NO_RETRIER}`,
      ]);
    });

    it("reports a Retry listing only errors Step Functions never retries", async () => {
      const retry = [
        { ErrorEquals: ["States.Runtime"], MaxAttempts: 3 },
        { ErrorEquals: ["States.DataLimitExceeded"] },
      ];
      assert.deepStrictEqual(await verdict(retry), [`State "A" ${NO_RETRIER}`]);
    });

    it("passes when one retrier of several retries a failure", async () => {
      const retry = [
        { ErrorEquals: ["States.Runtime"] },
        { ErrorEquals: ["ApiGateway.503"], MaxAttempts: 1 },
      ];
      assert.deepStrictEqual(await verdict(retry), []);
    });

    it("reports States.ALL shadowed by an earlier States.TaskFailed retrier that never retries", async () => {
      // Every failure of the call is States.TaskFailed's: only States.Timeout reaches States.ALL.
      const retry = [{ ErrorEquals: ["States.TaskFailed"], MaxAttempts: 0 }, { ErrorEquals: ["States.ALL"] }];
      assert.deepStrictEqual(await verdict(retry), [`State "A" ${NO_RETRIER}`]);
    });

    it("reports a retrier shadowed by an earlier one for the same error that never retries", async () => {
      const retry = [
        { ErrorEquals: ["ApiGateway.503"], MaxAttempts: 0 },
        { ErrorEquals: ["ApiGateway.503"], MaxAttempts: 3 },
      ];
      assert.deepStrictEqual(await verdict(retry), [`State "A" ${NO_RETRIER}`]);
    });

    it("passes States.TaskFailed after a retrier that never retries one named failure", async () => {
      const retry = [
        { ErrorEquals: ["ApiGateway.404"], MaxAttempts: 0 },
        { ErrorEquals: ["States.TaskFailed"], MaxAttempts: 3 },
      ];
      assert.deepStrictEqual(await verdict(retry), []);
    });

    it("passes a named failure retried before a States.ALL retrier that never retries", async () => {
      const retry = [
        { ErrorEquals: ["ApiGateway.503"], MaxAttempts: 2 },
        { ErrorEquals: ["States.ALL"], MaxAttempts: 0 },
      ];
      assert.deepStrictEqual(await verdict(retry), []);
    });

    it("reports a Retry only for timeouts, which never retries a failing call", async () => {
      const retry = [{ ErrorEquals: ["States.Timeout", "States.HeartbeatTimeout"], MaxAttempts: 3 }];
      assert.deepStrictEqual(await verdict(retry), [`State "A" ${NO_RETRIER}`]);
    });

    for (const error of [
      "States.BranchFailed",
      "States.NoChoiceMatched",
      "States.ItemReaderFailed",
      "States.Transient",
    ]) {
      it(`reports a Retry only for ${error}, which no Task raises`, async () => {
        assert.deepStrictEqual(await verdict([{ ErrorEquals: [error], MaxAttempts: 3 }]), [
          `State "A" ${NO_RETRIER}`,
        ]);
      });
    }

    it("reports a Retry only for a made-up name on an API Gateway Task, whose call raises only ApiGateway.*", async () => {
      assert.deepStrictEqual(await verdict([{ ErrorEquals: ["OrderApi.Throttled"], MaxAttempts: 3 }]), [
        `State "A" ${NO_RETRIER}`,
      ]);
    });

    it("reports a made-up name on an API Gateway Task in any partition", async () => {
      const resource = "arn:aws-us-gov:states:::apigateway:invoke";
      const retry = [{ ErrorEquals: ["Lambda.ServiceException"], MaxAttempts: 3 }];
      assert.deepStrictEqual(
        await violations(definition({ A: task({ Resource: resource, Retry: retry }) })),
        [`State "A" ${NO_RETRIER}`],
      );
    });

    for (const error of ["ApiGateway.503", "ApiGateway.ConnectException", "APIGateway.503"]) {
      it(`passes a Retry only for ${error} on an API Gateway Task, an error its call raises`, async () => {
        assert.deepStrictEqual(await verdict([{ ErrorEquals: [error], MaxAttempts: 3 }]), []);
      });
    }

    for (const resource of [
      "arn:aws:lambda:us-east-1:123456789012:function:price",
      "arn:aws:states:::lambda:invoke",
      "arn:aws:states:us-east-1:123456789012:activity:review",
      "arn:aws:states:::apigateway:invoke.waitForTaskToken",
      "arn:aws:states:::aws-sdk:dynamodb:getItem",
    ]) {
      it(`passes a Retry for a custom error name on ${resource}, whose errors are open-ended`, async () => {
        const retry = [{ ErrorEquals: ["OrderApi.Throttled"], MaxAttempts: 3 }];
        assert.deepStrictEqual(
          await violations(definition({ A: task({ Resource: resource, Retry: retry }) })),
          [],
        );
      });
    }

    it("passes a custom error name on a Task whose Resource is not a string", async () => {
      const retry = [{ ErrorEquals: ["OrderApi.Throttled"], MaxAttempts: 3 }];
      assert.deepStrictEqual(await violations(definition({ A: task({ Resource: 42, Retry: retry }) })), []);
    });

    it("does not count a made-up name on an API Gateway Task as shadowing a later retrier", async () => {
      const retry = [
        { ErrorEquals: ["OrderApi.Throttled"], MaxAttempts: 0 },
        { ErrorEquals: ["ApiGateway.503"], MaxAttempts: 2 },
      ];
      assert.deepStrictEqual(await verdict(retry), []);
    });
  });

  describe("how long a retrier may wait", () => {
    const retrying = (retrier: Record<string, unknown>, config?: Record<string, unknown>) =>
      violations(
        definition({ A: task({ Retry: [{ ErrorEquals: ["States.TaskFailed"], ...retrier }] }) }),
        config,
      );

    it("passes this repo's retriers, which wait at most 7 s and 50 s", async () => {
      const retry = [
        {
          ErrorEquals: ["ApiGateway.503"],
          IntervalSeconds: 1,
          BackoffRate: 2,
          MaxAttempts: 3,
          MaxDelaySeconds: 8,
        },
        {
          ErrorEquals: ["ApiGateway.429"],
          IntervalSeconds: 2,
          BackoffRate: 2,
          MaxAttempts: 5,
          MaxDelaySeconds: 20,
        },
      ];
      assert.deepStrictEqual(
        await violations(definition({ A: task({ Retry: retry }) }), { maxRetryWaitSeconds: 50 }),
        [],
      );
    });

    it("reports a retrier whose backoff waits longer than 300 s by default", async () => {
      // 60 + 120 + 240 = 420 s
      assert.deepStrictEqual(await retrying({ IntervalSeconds: 60, BackoffRate: 2, MaxAttempts: 3 }), [
        'State "A" must wait at most 300 s in total between a retrier\'s attempts (Retry[0] can wait 420 s).',
      ]);
    });

    it("caps each wait at MaxDelaySeconds", async () => {
      // 60 + 100 + 100 = 260 s
      assert.deepStrictEqual(
        await retrying({ IntervalSeconds: 60, BackoffRate: 2, MaxAttempts: 3, MaxDelaySeconds: 100 }),
        [],
      );
    });

    it("counts Step Functions' defaults for the fields left out (1 s, x2, 3 attempts)", async () => {
      assert.match((await retrying({}, { maxRetryWaitSeconds: 6 }))[0], /Retry\[0\] can wait 7 s\)/);
    });

    it("reports a retrier that would retry for hours, jitter or not", async () => {
      const [violation] = await retrying({
        IntervalSeconds: 1,
        MaxAttempts: 99999999,
        MaxDelaySeconds: 3600,
        JitterStrategy: "FULL",
      });
      assert.match(violation, /\(Retry\[0\] can wait 359999957295 s\)\.$/);
    });

    it("reports a wait too large for a number without throwing", async () => {
      const [violation] = await retrying({ IntervalSeconds: 99999999, BackoffRate: 1e300, MaxAttempts: 99 });
      assert.match(violation, /Retry\[0\] can wait without bound\)\.$/);
    });
  });

  describe("a definition it cannot check", () => {
    it("reports a definition that is not JSON", async () => {
      const [violation, ...others] = await violations("{ States: ");
      assert.deepStrictEqual(others, []);
      assert.ok(violation.startsWith(`${DEFINITION_PROBLEM} it is not valid JSON (`), violation);
    });

    it("reports JSON that is not an object", async () => {
      assert.deepStrictEqual(await violations("[1, 2]"), [`${DEFINITION_PROBLEM} it is an array.`]);
      assert.deepStrictEqual(await violations("7"), [`${DEFINITION_PROBLEM} it is a number.`]);
      assert.deepStrictEqual(await violations("null"), [`${DEFINITION_PROBLEM} it is null.`]);
    });

    it("reports an object without a States object", async () => {
      assert.deepStrictEqual(await violations({ StartAt: "A" }), [
        `${DEFINITION_PROBLEM} its States is missing.`,
      ]);
      assert.deepStrictEqual(await violations({ StartAt: "A", States: [] }), [
        `${DEFINITION_PROBLEM} its States is an array.`,
      ]);
    });

    it("leaves a definition unknown during preview to the SDK, which reports it as advisory", async () => {
      await assert.rejects(validate(policy, stateMachine(UNKNOWN_STRING)), UnknownValueError);
    });
  });

  describe("config", () => {
    it("exempts states by name, at any depth", async () => {
      const states = { Outer: taskWithout("Retry"), "Each Item": map({ Legacy: taskWithout("Retry") }) };
      assert.deepStrictEqual(await violations(definition(states), { exemptStates: ["Legacy"] }), [
        'State "Outer" must have a non-empty Retry.',
      ]);
    });

    it("exempts a state by its full path", async () => {
      const states = { Legacy: taskWithout("Retry"), "Each Item": map({ Legacy: taskWithout("Retry") }) };
      assert.deepStrictEqual(await violations(definition(states), { exemptStates: ["Each Item > Legacy"] }), [
        'State "Legacy" must have a non-empty Retry.',
      ]);
    });

    it("requires a Catch listing States.ALL by default", async () => {
      const narrow = task({ Catch: [{ ErrorEquals: ["States.TaskFailed"], Next: "Order Failed" }] });
      assert.deepStrictEqual(await violations(definition({ "Get Order": narrow })), [
        'State "Get Order" must have a Catch whose ErrorEquals lists States.ALL.',
      ]);
    });

    it("accepts narrower catchers when requireCatchAll is false", async () => {
      const narrow = task({ Catch: [{ ErrorEquals: ["States.TaskFailed"], Next: "Order Failed" }] });
      assert.deepStrictEqual(
        await violations(definition({ "Get Order": narrow }), { requireCatchAll: false }),
        [],
      );
    });

    it("limits each retrier's MaxAttempts to 10 by default", async () => {
      const retry = [
        { ErrorEquals: ["ApiGateway.503"], MaxAttempts: 10, MaxDelaySeconds: 1 },
        { ErrorEquals: ["ApiGateway.504"], MaxAttempts: 11, MaxDelaySeconds: 1 },
      ];
      assert.deepStrictEqual(await violations(definition({ "Get Order": task({ Retry: retry }) })), [
        'State "Get Order" must keep MaxAttempts at or below 10 (Retry[1] allows 11).',
      ]);
    });

    it("counts a retrier without MaxAttempts as 3 attempts against maxRetryAttempts", async () => {
      const retry = [
        { ErrorEquals: ["ApiGateway.503"] },
        { ErrorEquals: ["ApiGateway.504"], MaxAttempts: 2 },
      ];
      assert.deepStrictEqual(
        await violations(definition({ "Get Order": task({ Retry: retry }) }), { maxRetryAttempts: 2 }),
        ['State "Get Order" must keep MaxAttempts at or below 2 (Retry[0] allows 3).'],
      );
    });

    it("joins every unmet requirement of a state into its one violation", async () => {
      const state = task({
        Retry: [
          { ErrorEquals: ["ApiGateway.503"], MaxAttempts: 4 },
          { ErrorEquals: ["ApiGateway.504"], MaxAttempts: 6 },
        ],
        Catch: [{ ErrorEquals: ["States.TaskFailed"], Next: "Order Failed" }],
      });
      assert.deepStrictEqual(await violations(definition({ "Get Order": state }), { maxRetryAttempts: 3 }), [
        'State "Get Order" must keep MaxAttempts at or below 3 (Retry[0] allows 4 and Retry[1] allows 6) and have a Catch whose ErrorEquals lists States.ALL.',
      ]);
    });

    it("declares its config schema with the defaults it applies", () => {
      const properties = policy.configSchema?.properties ?? {};
      assert.deepStrictEqual(
        Object.fromEntries(
          Object.entries(properties).map(([key, schema]) => [key, (schema as { default?: unknown }).default]),
        ),
        { requireCatchAll: true, maxRetryAttempts: 10, maxRetryWaitSeconds: 300, exemptStates: [] },
      );
    });
  });

  describe("aws-native state machines", () => {
    const nativeStateMachine = (props: Record<string, unknown>) => ({
      type: "aws-native:stepfunctions:StateMachine",
      props: { roleArn: "arn:aws:iam::123456789012:role/order-workflow", ...props },
    });

    it("checks definitionString", async () => {
      const resource = nativeStateMachine({
        definitionString: JSON.stringify(definition({ A: taskWithout("Retry") })),
      });
      assert.deepStrictEqual((await validate(policy, resource)).violations, [
        'State "A" must have a non-empty Retry.',
      ]);
    });

    it("applies definitionSubstitutions before parsing definitionString", async () => {
      const template = JSON.stringify(
        definition({
          A: task({ Retry: [{ ErrorEquals: ["ApiGateway.503"], MaxAttempts: 0, MaxDelaySeconds: 1 }] }),
        }),
      );
      const resource = nativeStateMachine({
        definitionString: template.replace('"MaxAttempts":0', '"MaxAttempts":${Attempts}'),
        definitionSubstitutions: { Attempts: 12 },
      });
      assert.deepStrictEqual((await validate(policy, resource)).violations, [
        'State "A" must keep MaxAttempts at or below 10 (Retry[0] allows 12).',
      ]);
    });

    it("checks a definition given as an object", async () => {
      const resource = nativeStateMachine({ definition: definition({ A: taskWithout("Catch") }) });
      assert.deepStrictEqual((await validate(policy, resource)).violations, [
        'State "A" must have a non-empty Catch.',
      ]);
    });

    it("reports a definition read from S3, which it cannot inspect", async () => {
      const resource = nativeStateMachine({ definitionS3Location: { bucket: "defs", key: "order.json" } });
      assert.deepStrictEqual((await validate(policy, resource)).violations, [
        `${DEFINITION_PROBLEM} it is read from definitionS3Location, which a policy cannot inspect.`,
      ]);
    });
  });

  it("is not applicable to other resources", async () => {
    const outcome = await validate(policy, { type: "aws:s3/bucket:Bucket", props: {} });
    assert.deepStrictEqual(outcome.violations, []);
    assert.match(outcome.notApplicable ?? "", /aws:sfn\/stateMachine:StateMachine/);
  });
});

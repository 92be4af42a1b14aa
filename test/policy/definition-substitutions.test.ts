// aws-native `definitionSubstitutions`: CloudFormation substitutes into the definition's text (a `definition`
// object once serialised), repeatedly, before Step Functions reads it. Every policy must judge that text, so a
// placeholder cannot hide a Task from the Retry/Catch check or an API from the stack policy.
import * as assert from "assert";
import { stepfunctionsRoleMatchesApiCalls as rolePolicy } from "../../policy/policies/stepfunctions-role-matches-api-calls";
import { stepfunctionsRoleMatchesApiCallsUnverified as unverifiedPolicy } from "../../policy/policies/stepfunctions-role-matches-api-calls-unverified";
import { stepfunctionsTaskRetryAndCatch as retryPolicy } from "../../policy/policies/stepfunctions-task-retry-and-catch";
import { definition, task } from "./fixtures";
import { UNKNOWN_STRING, UnknownValueError, validate } from "./harness";
import { StackResource, validateStack } from "./stack-harness";
import { ACCOUNT, orderStack, ROLE_ARN } from "./stack-fixtures";

const NATIVE = "aws-native:stepfunctions:StateMachine";
const UNREADABLE = "The definition must be a JSON object with a States object, but";

/** A Task that calls GET /carts, with neither Retry nor Catch. */
const bareTask = (fields: Record<string, unknown> = {}) =>
  task({ Retry: undefined, Catch: undefined, ...fields });

async function retryViolations(props: Record<string, unknown>): Promise<string[]> {
  return (await validate(retryPolicy, { type: NATIVE, props: { roleArn: ROLE_ARN, ...props } })).violations;
}

describe("aws-native definitionSubstitutions", () => {
  describe("stepfunctions-task-retry-and-catch", () => {
    it('checks a Task whose "Type" is a substitution in a definition object', async () => {
      assert.deepStrictEqual(
        await retryViolations({
          definition: definition({ A: bareTask({ Type: "${t}" }) }),
          definitionSubstitutions: { t: "Task" },
        }),
        ['State "A" must have a non-empty Retry and a non-empty Catch.'],
      );
    });

    it("substitutes a value that holds another placeholder again, as CloudFormation does", async () => {
      assert.deepStrictEqual(
        await retryViolations({
          definitionString: JSON.stringify(definition({ A: bareTask({ Type: "${outer}" }) })),
          definitionSubstitutions: { outer: "${inner}", inner: "Task" },
        }),
        ['State "A" must have a non-empty Retry and a non-empty Catch.'],
      );
    });

    it("reads states that a substituted value adds to a definition object", async () => {
      // The value closes state A and writes a state B: the text, not the object, is what Step Functions runs.
      const added =
        'Pass"}, "B": {"Type": "Task", "Resource": "arn:aws:states:::apigateway:invoke", "End": true, "Comment": "x';
      assert.deepStrictEqual(
        await retryViolations({
          definition: definition({ A: { Type: "${c}", End: true } }),
          definitionSubstitutions: { c: added },
        }),
        ['State "B" must have a non-empty Retry and a non-empty Catch.'],
      );
    });

    it("reports a field that a substituted value gives twice, which Step Functions may read either way", async () => {
      // JSON.parse keeps the last "Type" (Pass); a reader that keeps the first would run a bare Task.
      assert.deepStrictEqual(
        await retryViolations({
          definitionString: '{"StartAt":"A","States":{"A":{"Comment":"${c}","End":true,"Type":"Pass"}}}',
          definitionSubstitutions: {
            c: 'x", "Type": "Task", "Resource": "arn:aws:states:::apigateway:invoke',
          },
        }),
        [
          `${UNREADABLE} after its definitionSubstitutions one object gives the field "Type" twice, which Step Functions may read either way.`,
        ],
      );
    });

    it("does not take quotes and braces inside strings for a field given twice", async () => {
      const state = bareTask({ Comment: 'say {"Type": "Task", \\"Type\\": [${t}]}' });
      assert.deepStrictEqual(
        await retryViolations({
          definitionString: JSON.stringify(definition({ A: state })),
          definitionSubstitutions: { t: "Task" },
        }),
        ['State "A" must have a non-empty Retry and a non-empty Catch.'],
      );
    });

    it("reports substitutions that lead back to themselves instead of looping", async () => {
      assert.deepStrictEqual(
        await retryViolations({
          definitionString: JSON.stringify(definition({ A: bareTask({ Type: "${a}" }) })),
          definitionSubstitutions: { a: "${b}", b: "${a}" },
        }),
        [
          `${UNREADABLE} its definitionSubstitutions never settle: after 3 passes a placeholder still resolves, so a value leads back to itself.`,
        ],
      );
    });

    it("stops substitutions that grow the definition past what Step Functions accepts", async () => {
      // Each pass doubles every placeholder: 2^41 copies unless stopped.
      const doubling = Object.fromEntries(
        Array.from({ length: 40 }, (_, i) => [`k${i}`, `\${k${i + 1}}${"y".repeat(500)}\${k${i + 1}}`]),
      );
      assert.deepStrictEqual(
        await retryViolations({
          definitionString: JSON.stringify(definition({ A: task({ Comment: "${k0}" }) })),
          definitionSubstitutions: { ...doubling, k40: "x" },
        }),
        [
          `${UNREADABLE} its definitionSubstitutions make it longer than 1048576 characters, the most Step Functions accepts.`,
        ],
      );
    });

    it("stops a chain of substitutions that would rescan a long definition for every link", async () => {
      const chain = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, `\${k${i + 1}}`]));
      const long = JSON.stringify(definition({ A: task({ Comment: "${k0}" + "x".repeat(1_000_000) }) }));
      const [violation] = await retryViolations({ definitionString: long, definitionSubstitutions: chain });
      assert.match(
        violation,
        /its definitionSubstitutions still change it after \d+ passes over \d+ characters, more than the pack reads\./,
      );
    });

    it("reports a key with a quote, which could match across the serialised object's punctuation", async () => {
      assert.deepStrictEqual(
        await retryViolations({
          definition: definition({ A: task() }),
          definitionSubstitutions: { 'a"': "x" },
        }),
        [
          `${UNREADABLE} its definitionSubstitutions key "a\\"" holds a quote or backslash, which cannot be matched against a definition given as an object.`,
        ],
      );
    });

    it("leaves a placeholder without a substitution as written", async () => {
      assert.deepStrictEqual(
        await retryViolations({
          definition: definition({ A: task({ Comment: "${missing}" }) }),
          definitionSubstitutions: { t: "Task" },
        }),
        [],
      );
    });

    it("leaves a substitution used by the definition and unknown during preview to the SDK", async () => {
      await assert.rejects(
        retryViolations({
          definition: definition({ A: bareTask({ Type: "${t}" }) }),
          definitionSubstitutions: { t: UNKNOWN_STRING },
        }),
        UnknownValueError,
      );
    });

    it("checks the definition when only an unused substitution is unknown during preview", async () => {
      assert.deepStrictEqual(
        await retryViolations({
          definition: definition({ A: bareTask() }),
          definitionSubstitutions: { unused: UNKNOWN_STRING },
        }),
        ['State "A" must have a non-empty Retry and a non-empty Catch.'],
      );
    });
  });

  describe("stepfunctions-role-matches-api-calls", () => {
    const GRANTED = `arn:aws:execute-api:us-east-1:${ACCOUNT}:MyApiId/dev/GET/carts`;

    /** This repo's role and role policy, granting GET /carts, with an aws-native state machine. */
    function nativeStack(props: Record<string, unknown>): StackResource[] {
      const [role, rolePolicy] = orderStack({ resources: [GRANTED] });
      return [
        role,
        rolePolicy,
        {
          type: NATIVE,
          name: "orders",
          props: { roleArn: ROLE_ARN, ...props },
          propertyDependencies: { roleArn: ["orders-role"] },
        },
      ];
    }
    const callingEndpoint = (endpoint: string) =>
      definition({
        A: task({
          Parameters: {
            ApiEndpoint: endpoint,
            Method: "GET",
            Stage: "dev",
            Path: "carts",
            AuthType: "IAM_ROLE",
          },
        }),
      });
    const messages = async (stack: StackResource[]) =>
      (await validateStack(rolePolicy, stack)).map((v) => `${v.resource}: ${v.message}`);

    it("judges the API a substituted endpoint names, in a definition object", async () => {
      const stack = nativeStack({
        definition: callingEndpoint("${api}.execute-api.us-east-1.amazonaws.com"),
        definitionSubstitutions: { api: "OtherApi" },
      });
      // Matched on what identifies each finding, so that rewording the stack policy's messages keeps this test.
      const found = await messages(stack);
      assert.strictEqual(found.length, 2, found.join("\n"));
      assert.match(
        found[0],
        new RegExp(
          `^orders: Role orders-role must allow execute-api:Invoke on arn:aws:execute-api:us-east-1:${ACCOUNT}:OtherApi/dev/GET/carts, which state "A"`,
        ),
      );
      assert.match(
        found[1],
        new RegExp(`^orders-execution: .* must not allow execute-api:Invoke on ${GRANTED} `),
      );
    });

    it("judges the API a substituted endpoint names, in a definitionString", async () => {
      const stack = nativeStack({
        definitionString: JSON.stringify(callingEndpoint("${host}")),
        definitionSubstitutions: { host: "${api}.execute-api.us-east-1.amazonaws.com", api: "MyApiId" },
      });
      assert.deepStrictEqual(await messages(stack), []);
      assert.deepStrictEqual(await validateStack(unverifiedPolicy, stack), []);
    });

    it("reports a used substitution unknown during preview as unverified, not as a violation", async () => {
      const stack = nativeStack({
        definition: callingEndpoint("${api}.execute-api.us-east-1.amazonaws.com"),
        definitionSubstitutions: { api: UNKNOWN_STRING },
      });
      assert.deepStrictEqual(await messages(stack), []);
      const advisories = await validateStack(unverifiedPolicy, stack);
      assert.deepStrictEqual(
        advisories.map((v) => v.resource),
        ["orders"],
      );
      assert.match(
        advisories[0].message,
        /^state machine orders: its definition cannot be read \(its definitionSubstitutions value for "api" is unknown during preview\), so the pack cannot verify/,
      );
    });
  });
});

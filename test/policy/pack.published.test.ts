// The pack as other teams' stacks run it: published with `npm pack`, installed with only what it declares, started
// as the CLI starts it. One pack, one install and one server for the whole file.
import * as assert from "assert";
import { join } from "node:path";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { AnalyzerInfo, EnforcementLevel } from "@pulumi/pulumi/proto/analyzer_pb";
import { name, version } from "../../policy/package.json";
import { policies } from "../../policy/policies";
import { analyzeStateMachine, call, servePack, ServedPack, stopPack } from "./analyzer-client";
import { definition, orderWorkflow, taskWithout } from "./fixtures";
import { installPublishedPack, PublishedPack } from "./published-pack";

const LEVELS: Record<string, EnforcementLevel> = {
  advisory: EnforcementLevel.ADVISORY,
  mandatory: EnforcementLevel.MANDATORY,
  remediate: EnforcementLevel.REMEDIATE,
  disabled: EnforcementLevel.DISABLED,
};

/**
 * `npm pack` (which compiles the pack) and the installed pack's start take seconds in processes of their own.
 * Started as mocha loads this file, they run beside the tests before it; a failure is reported by the `before` hook.
 */
async function publishAndServe(): Promise<{ published: PublishedPack; served: ServedPack }> {
  const published = await installPublishedPack();
  // Gone with mocha even when a --grep leaves this file's tests out.
  process.once("exit", () => published.remove());
  return {
    published,
    served: await servePack(published.dir, { ...published.serveOptions, startedAtLoad: true }),
  };
}
const starting = publishAndServe();
starting.catch(() => undefined);

describe("the policy pack as `pulumi policy publish` ships it, installed with only its declared dependencies", () => {
  let published: PublishedPack | undefined;
  let served: ServedPack | undefined;

  before(async () => {
    ({ published, served } = await starting);
  });

  after(() => stopPack(served));

  it("ships JavaScript, package.json and PulumiPolicy.yaml, and no TypeScript or tsconfig.json to compile", () => {
    const files = published!.files;
    assert.ok(files.includes("PulumiPolicy.yaml"), files.join(", "));
    assert.ok(files.includes("bin/index.js"), files.join(", "));
    assert.deepStrictEqual(
      files.filter(
        (file) => file !== "package.json" && file !== "PulumiPolicy.yaml" && !file.endsWith(".js"),
      ),
      [],
    );
  });

  it("loads with no compiler installed: TypeScript and ts-node do not resolve where run-policy-pack looks", () => {
    const from = join(published!.dir, "node_modules", "@pulumi", "pulumi");
    for (const compiler of ["typescript", "ts-node"]) {
      assert.throws(
        () => require.resolve(compiler, { paths: [from] }),
        { code: "MODULE_NOT_FOUND" },
        compiler,
      );
    }
  });

  it("serves the sources' policies at their enforcement levels, under the name and version of policy/", async () => {
    const info = await call<AnalyzerInfo>((done) => served!.client.getAnalyzerInfo(new Empty(), done));
    assert.deepStrictEqual([info.getName(), info.getVersion()], [name, version]);
    assert.deepStrictEqual(
      info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]),
      policies.map((p) => [p.name, LEVELS[p.enforcementLevel ?? "advisory"]]),
    );
  });

  it("reports a Task without Retry as a mandatory violation", async () => {
    const diagnostics = await analyzeStateMachine(
      served!.client,
      definition({ "Get Order": taskWithout("Retry") }),
    );
    assert.deepStrictEqual(
      diagnostics.map((d) => [d.policyName, d.enforcementLevel, d.message.split("\n")[1]]),
      [
        [
          "stepfunctions-task-retry-and-catch",
          EnforcementLevel.MANDATORY,
          'State "Get Order" must have a non-empty Retry.',
        ],
      ],
    );
  });

  it("reports nothing for a compliant state machine", async () => {
    assert.deepStrictEqual(await analyzeStateMachine(served!.client, orderWorkflow), []);
  });
});

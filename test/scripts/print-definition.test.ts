import assert from "node:assert/strict";
import { main, usage } from "../../scripts/print-definition";
import { loadStackDefinition } from "../../local/stackDefinition";
import { expressProject, expressStack } from "../local/harness";

/** The command in this process, its output captured; the stacks are those of `projectDir`. */
function definitionIn(projectDir: string, ...args: string[]) {
  let stdout = "";
  let stderr = "";
  const status = main(
    args,
    { write: (text: string) => (stdout += text) },
    { write: (text: string) => (stderr += text) },
    projectDir,
  );
  return { status, stdout, stderr };
}

const definition = (...args: string[]) => definitionIn(process.cwd(), ...args);

describe("npm run definition", () => {
  it("prints the dev stack's definition as JSON by default", () => {
    const { status, stdout } = definition();
    assert.equal(status, 0);
    // A fresh one: the local engine adds defaults to a definition it runs.
    assert.deepEqual(JSON.parse(stdout), loadStackDefinition("dev").definition);
  });

  it("prints the Express pricing child's definition with --pricing, for a stack that prices with it", () => {
    const { status, stdout } = definitionIn(expressProject(), expressStack, "--pricing");
    assert.equal(status, 0);
    const stack = loadStackDefinition(expressStack, expressProject());
    assert.deepEqual(JSON.parse(stdout), stack.pricingDefinition);
    assert.deepEqual(JSON.parse(definitionIn(expressProject(), expressStack).stdout), stack.definition);
  });

  it("refuses --pricing for a stack that prices inline, saying so", () => {
    const { status, stdout, stderr } = definition("dev", "--pricing");
    assert.deepEqual([status, stdout], [2, ""]);
    assert.match(stderr, /^--pricing: stack dev has no pricing child: its pricingFanOut is inline\n/);
  });

  it("prints the help for --help and -h, rather than looking for a stack of that name", () => {
    for (const flag of ["--help", "-h"])
      assert.deepEqual(definition(flag), { status: 0, stdout: `${usage}\n`, stderr: "" });
  });

  it("exits 2 for an unknown stack with one message naming the stacks there are", () => {
    const { status, stdout, stderr } = definition("nosuchstack");
    assert.equal(status, 2);
    assert.equal(stdout, "");
    assert.equal(
      stderr,
      'No stack "nosuchstack": there is no Pulumi.nosuchstack.yaml. Stacks: dev, prod.\n\nSee npm run definition -- --help\n',
    );
  });

  it("exits 3 and says it is a bug when something unforeseen fails", () => {
    let stderr = "";
    const failing = {
      write: () => {
        throw new Error("disk full");
      },
    };
    assert.equal(main([], failing, { write: (text: string) => (stderr += text) }), 3);
    assert.match(stderr, /^npm run definition failed unexpectedly; this is a bug:\nError: disk full/);
  });

  it("exits 2 for an empty stack name, naming the stacks there are", () => {
    assert.deepEqual(definition(""), {
      status: 2,
      stdout: "",
      stderr: "The stack name is empty. Stacks: dev, prod.\n\nSee npm run definition -- --help\n",
    });
  });

  it("refuses --stack as npm start takes it, saying the stack is named alone", () => {
    const { status, stderr } = definition("--stack", "prod");
    assert.equal(status, 2);
    assert.match(
      stderr,
      /^Unknown option --stack: the options are --pricing and --help; the stack is named alone, as in npm run definition -- prod\n/,
    );
  });

  it("exits 2 for more than one stack or an unknown option", () => {
    assert.equal(definition("dev", "prod").status, 2);
    assert.equal(definition("--stack").status, 2);
  });
});

/**
 * The local Step Functions engine (aws-local-stepfunctions), mended where version 3.0.0 departs
 * from Step Functions in ways the workflow depends on:
 * - It strips every backslash from the string any intrinsic function returns (meant for the escapes
 *   of string literals), so `States.JsonToString` of a value holding a quote, a backslash or a
 *   newline returns JSON that no longer parses. The pricing child's input and its failure Cause
 *   are made that way (components/definition/definition.ts, components/definition/pricingDefinition.ts), and AWS returns
 *   valid JSON, so the local run must too. JsonToString has no string literal argument to unescape:
 *   its result is left as JSON.stringify made it.
 * - It measures no state: Step Functions fails an execution with States.DataLimitExceeded, which
 *   no Retry or Catch sees, when a state's input, its effective input (a Task's parameters), a
 *   Task's result or a state's output is over 256 KiB (local/aws/stateSize.ts). Every state, in a Map
 *   iteration or a Parallel branch too, is checked where the engine computes those values.
 * Every other behaviour is the package's.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type * as Engine from "aws-local-stepfunctions";
import { checkStateSize } from "./stateSize";

const enginePath = require.resolve("aws-local-stepfunctions");

/** The package's own lines (in BaseIntrinsicFunction.call and StateExecutor.execute), and the mended ones. */
const mends: readonly { readonly buggy: string; readonly mended: string; readonly why: string }[] = [
  {
    why: "the JsonToString bug",
    buggy: `if (typeof result === "string") {\n      result = result.replaceAll("\\\\", "");`,
    mended: `if (typeof result === "string" && this.funcDefinition.name !== "States.JsonToString") {\n      result = result.replaceAll("\\\\", "");`,
  },
  {
    why: "a state's input and effective input over the size limit",
    buggy: `const processedInput = this.processInput(input, context);`,
    mended: `checkStateSize(input, this.stateName, "input");\n      const processedInput = checkStateSize(this.processInput(input, context), this.stateName, "effective input");`,
  },
  {
    why: "a state's result and output over the size limit",
    buggy: `const processedResult = this.processResult(currResult, rawInput, context);`,
    mended: `checkStateSize(currResult, this.stateName, "result");\n      const processedResult = checkStateSize(this.processResult(currResult, rawInput, context), this.stateName, "output");`,
  },
];

function loadMendedEngine(): typeof Engine {
  let source = readFileSync(enginePath, "utf8");
  for (const { buggy, mended, why } of mends) {
    if (source.split(buggy).length !== 2) {
      throw new Error(
        `${enginePath} no longer has, once, the lines local/aws/engine.ts mends for ${why}: check whether the package now does what the mend does, then update or remove the mend`,
      );
    }
    source = source.replace(buggy, mended);
  }
  const module = { exports: {} as typeof Engine };
  // The package's CommonJS build, run as Node would run it, from its own directory.
  const load = new Function(
    "exports",
    "require",
    "module",
    "__filename",
    "__dirname",
    "checkStateSize",
    source,
  );
  load(module.exports, createRequire(enginePath), module, enginePath, dirname(enginePath), checkStateSize);
  return module.exports;
}

export const { StateMachine, ExecutionAbortedError, ExecutionTimeoutError } = loadMendedEngine();
export type StateMachine = Engine.StateMachine;

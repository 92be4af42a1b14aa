/**
 * The local Step Functions engine (aws-local-stepfunctions), with one bug of its 3.0.0 mended:
 * it strips every backslash from the string any intrinsic function returns (meant for the escapes
 * of string literals), so `States.JsonToString` of a value holding a quote, a backslash or a
 * newline returns JSON that no longer parses. The pricing child's input and its failure Cause
 * are made that way (components/definition.ts, components/pricingDefinition.ts), and AWS returns
 * valid JSON, so the local run must too. JsonToString has no string literal argument to unescape:
 * its result is left as JSON.stringify made it. Every other function behaves as the package's.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type * as Engine from "aws-local-stepfunctions";

const enginePath = require.resolve("aws-local-stepfunctions");

/** The package's own lines (BaseIntrinsicFunction.call), and the mended ones. */
const buggy = `if (typeof result === "string") {\n      result = result.replaceAll("\\\\", "");`;
const mended = `if (typeof result === "string" && this.funcDefinition.name !== "States.JsonToString") {\n      result = result.replaceAll("\\\\", "");`;

function loadMendedEngine(): typeof Engine {
  const source = readFileSync(enginePath, "utf8");
  if (!source.includes(buggy)) {
    throw new Error(
      `${enginePath} no longer strips backslashes where local/engine.ts expects: check whether the JsonToString bug is fixed, then update or remove local/engine.ts`,
    );
  }
  const module = { exports: {} as typeof Engine };
  // The package's CommonJS build, run as Node would run it, from its own directory.
  const load = new Function(
    "exports",
    "require",
    "module",
    "__filename",
    "__dirname",
    source.replace(buggy, mended),
  );
  load(module.exports, createRequire(enginePath), module, enginePath, dirname(enginePath));
  return module.exports;
}

export const { StateMachine, ExecutionAbortedError, ExecutionTimeoutError } = loadMendedEngine();
export type StateMachine = Engine.StateMachine;

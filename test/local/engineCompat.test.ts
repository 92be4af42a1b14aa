import assert from "node:assert/strict";
import type { AslDefinition } from "../../components/asl";
import { states } from "../../components/definition";
import { forLocalEngine } from "../../local/engineCompat";
import { dev } from "./harness";

describe("the definition as given to the local engine", () => {
  it("writes each IsPresent: false rule as Not IsPresent: true", () => {
    const choices = (definition: AslDefinition) =>
      definition.States[states.validateOrder].Choices as object[];
    const before = choices(dev.definition);
    const after = choices(forLocalEngine(dev.definition));
    assert.deepEqual(
      after,
      before.map((rule) => {
        const { Variable, IsPresent, ...rest } = rule as { Variable: string; IsPresent?: boolean };
        return IsPresent === false ? { ...rest, Not: { Variable, IsPresent: true } } : rule;
      }),
    );
    assert.ok(before.some((rule) => (rule as { IsPresent?: boolean }).IsPresent === false));
  });

  it("changes nothing else", () => {
    const { [states.validateOrder]: _validate, ...others } = forLocalEngine(dev.definition).States;
    const { [states.validateOrder]: _original, ...originals } = dev.definition.States;
    assert.deepEqual(others, originals);
  });

  it("rewrites rules inside And, Or and Not, and in nested Map and Parallel states", () => {
    const absent = { Variable: "$.x", IsPresent: false };
    const rewritten = { Not: { Variable: "$.x", IsPresent: true } };
    const choice = {
      Type: "Choice",
      Choices: [
        { And: [absent], Next: "End" },
        { Or: [absent], Next: "End" },
      ],
      Default: "End",
    };
    const nested: AslDefinition = {
      StartAt: "M",
      States: {
        M: { Type: "Map", ItemProcessor: { StartAt: "C", States: { C: choice } }, End: true },
        P: {
          Type: "Parallel",
          Branches: [{ StartAt: "C", States: { C: { ...choice, Choices: [{ Not: absent, Next: "End" }] } } }],
          End: true,
        },
      },
    };
    const result = forLocalEngine(nested).States;
    const processor = result.M.ItemProcessor as AslDefinition;
    const branch = (result.P.Branches as AslDefinition[])[0];
    assert.deepEqual(processor.States.C.Choices, [
      { And: [rewritten], Next: "End" },
      { Or: [rewritten], Next: "End" },
    ]);
    assert.deepEqual(branch.States.C.Choices, [{ Not: rewritten, Next: "End" }]);
  });
});

import type { AslDefinition, AslState } from "../components/asl";

type Rule = Record<string, unknown>;

/**
 * aws-local-stepfunctions 3.0.0 evaluates `IsPresent: false` as `false && present`, so such a rule
 * never matches. `Not: {IsPresent: true}` means the same in the States Language and the engine
 * gets it right.
 */
function rewriteRule(rule: Rule): Rule {
  if (typeof rule.Variable === "string" && rule.IsPresent === false) {
    const { Variable, IsPresent: _absent, ...rest } = rule;
    return { ...rest, Not: { Variable, IsPresent: true } };
  }
  const nested = (key: "And" | "Or") =>
    Array.isArray(rule[key]) ? { [key]: (rule[key] as Rule[]).map(rewriteRule) } : {};
  return {
    ...rule,
    ...nested("And"),
    ...nested("Or"),
    ...(rule.Not === undefined ? {} : { Not: rewriteRule(rule.Not as Rule) }),
  };
}

function rewriteState(state: AslState): AslState {
  const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
  return {
    ...state,
    ...(Array.isArray(state.Choices) ? { Choices: (state.Choices as Rule[]).map(rewriteRule) } : {}),
    ...(processor === undefined
      ? {}
      : { [state.ItemProcessor ? "ItemProcessor" : "Iterator"]: forLocalEngine(processor) }),
    ...(Array.isArray(state.Branches)
      ? { Branches: (state.Branches as AslDefinition[]).map(forLocalEngine) }
      : {}),
  };
}

/**
 * The definition as the local engine must be given it to behave as Step Functions does: only
 * constructs the engine evaluates wrongly are rewritten, each into an equivalent the engine handles.
 */
export function forLocalEngine(definition: AslDefinition): AslDefinition {
  return {
    ...definition,
    States: Object.fromEntries(
      Object.entries(definition.States).map(([name, state]) => [name, rewriteState(state)]),
    ),
  };
}

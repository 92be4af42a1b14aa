// Reading Amazon States Language definitions written by any team: every field is checked before use, and
// anything unexpected is skipped rather than thrown on.
import { describeJsonValue, isJsonObject, JsonObject, parseJsonObject } from "./json";

/** A definition that parsed into a JSON object with a `States` object. */
export interface StateMachineDefinition extends JsonObject {
  States: JsonObject;
}

export type ParsedDefinition =
  { ok: true; definition: StateMachineDefinition } | { ok: false; problem: string };

/** One state of a definition, at any depth. */
export interface WalkedState {
  /** The key of the state in its `States` object. */
  name: string;
  /**
   * The names of the enclosing Map and Parallel states and then the state's own name, joined with " > ". A
   * Parallel state's branch index follows its name in brackets, e.g. `Each Item > Fan Out[2] > Get Price`.
   */
  path: string;
  state: JsonObject;
}

/** A `States` object to visit, with the path of the state that contains it ("" at the top level). */
interface StatesContainer {
  states: JsonObject;
  path: string;
}

/**
 * Parses a definition given either as a JSON string (aws.sfn.StateMachine, aws-native `definitionString`) or as
 * an object (aws-native `definition`).
 */
export function parseDefinition(raw: unknown): ParsedDefinition {
  const parsed = parseJsonObject(raw);
  if (!parsed.ok) {
    return parsed;
  }
  const value = parsed.value;
  if (!isJsonObject(value.States)) {
    return { ok: false, problem: `its States is ${describeJsonValue(value.States)}` };
  }
  return { ok: true, definition: value as StateMachineDefinition };
}

/**
 * Yields every state of the definition: the top-level states, the states of each Parallel branch and of each
 * Map's `ItemProcessor` (inline or distributed) or legacy `Iterator`, nested to any depth. Containers are found
 * by their fields rather than by `Type`, so a state with a mistyped or missing `Type` still has its children
 * checked. Iterative, with an explicit stack, so that deeply nested definitions cannot overflow the call stack;
 * each state is visited once.
 */
export function* walkStates(definition: StateMachineDefinition): Generator<WalkedState> {
  const pending: StatesContainer[] = [{ states: definition.States, path: "" }];
  for (let container = pending.pop(); container; container = pending.pop()) {
    const children: StatesContainer[] = [];
    for (const [name, state] of Object.entries(container.states)) {
      if (!isJsonObject(state)) continue;
      const path = container.path === "" ? name : `${container.path} > ${name}`;
      yield { name, path, state };
      collectNestedContainers(state, path, children);
    }
    // Pushed in reverse so that nested containers are visited in the order they are written. A loop rather
    // than a spread: a spread of a very wide container could exceed the engine's argument limit.
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
  }
}

function collectNestedContainers(state: JsonObject, path: string, containers: StatesContainer[]): void {
  if (Array.isArray(state.Branches)) {
    state.Branches.forEach((branch: unknown, index) => {
      if (isJsonObject(branch) && isJsonObject(branch.States)) {
        containers.push({ states: branch.States, path: `${path}[${index}]` });
      }
    });
  }
  // AWS accepts only one of the two, but both are walked so that a definition carrying both hides nothing.
  for (const processor of [state.ItemProcessor, state.Iterator]) {
    if (isJsonObject(processor) && isJsonObject(processor.States)) {
      containers.push({ states: processor.States, path });
    }
  }
}

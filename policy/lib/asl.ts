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

/** A `States` object of the definition: the top level, a Parallel branch, or a Map's item processor. */
export interface StatesContainer {
  states: JsonObject;
  /** The path of the state that holds it ("" at the top level), as in {@link WalkedState.path}. */
  path: string;
  /** The container's StartAt, unchecked. */
  startAt: unknown;
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
 * Yields every `States` object of the definition: the top level, each Parallel branch and each Map's
 * `ItemProcessor` (inline or distributed) or legacy `Iterator`, nested to any depth. Containers are found by
 * their fields rather than by `Type`, so a state with a mistyped or missing `Type` still has its children
 * checked. Iterative, with an explicit stack, so that deeply nested definitions cannot overflow the call stack;
 * each container is visited once, before the containers nested in its states.
 */
export function* walkContainers(definition: StateMachineDefinition): Generator<StatesContainer> {
  const pending: StatesContainer[] = [{ states: definition.States, path: "", startAt: definition.StartAt }];
  for (let container = pending.pop(); container; container = pending.pop()) {
    yield container;
    const children: StatesContainer[] = [];
    for (const [name, state] of Object.entries(container.states)) {
      if (isJsonObject(state)) collectNestedContainers(state, statePath(container, name), children);
    }
    // Pushed in reverse so that nested containers are visited in the order they are written. A loop rather
    // than a spread: a spread of a very wide container could exceed the engine's argument limit.
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
  }
}

/** Yields every state of the definition, at any depth (see {@link walkContainers}), whatever its name. */
export function* walkStates(definition: StateMachineDefinition): Generator<WalkedState> {
  for (const container of walkContainers(definition)) {
    for (const [name, state] of Object.entries(container.states)) {
      if (isJsonObject(state)) yield { name, path: statePath(container, name), state };
    }
  }
}

function statePath(container: StatesContainer, name: string): string {
  return container.path === "" ? name : `${container.path} > ${name}`;
}

function collectNestedContainers(state: JsonObject, path: string, containers: StatesContainer[]): void {
  if (Array.isArray(state.Branches)) {
    state.Branches.forEach((branch: unknown, index) => {
      if (isJsonObject(branch) && isJsonObject(branch.States)) {
        containers.push({ states: branch.States, path: `${path}[${index}]`, startAt: branch.StartAt });
      }
    });
  }
  // AWS accepts only one of the two, but both are walked so that a definition carrying both hides nothing.
  for (const processor of [state.ItemProcessor, state.Iterator]) {
    if (isJsonObject(processor) && isJsonObject(processor.States)) {
      containers.push({ states: processor.States, path, startAt: processor.StartAt });
    }
  }
}

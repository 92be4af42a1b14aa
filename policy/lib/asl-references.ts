// Every transition of a definition must land on a state the pack can see. A state whose key is lost before the
// pack reads it (a Task named "__proto__" in a definition sent as an object: google-protobuf's Struct and the
// policy SDK copy fields into plain objects, where that key sets the prototype instead) leaves no trace but
// the references to it, and AWS rejects a definition whose references name a missing state anyway.
import { StateMachineDefinition, walkContainers } from "./asl";
import { isJsonObject, JsonObject } from "./json";

/** A transition field naming a state that is not in the `States` object it must be in. */
export interface DanglingReference {
  /** The path of the state holding the field, or of the container for its StartAt ("" at the top level). */
  path: string;
  /** The field, e.g. `Next`, `Default`, `Choices[1].Next`, `Catch[0].Next`, `StartAt`. */
  field: string;
  /** The value of the field. */
  target: unknown;
}

/**
 * The StartAt of every container, and the Next, Default, Choices[*].Next and Catch[*].Next of every state, at
 * any depth, that do not name a state of the same `States` object. A state is looked up as an own key, so
 * that names such as "constructor" or "__proto__" cannot resolve to something inherited.
 */
export function danglingReferences(definition: StateMachineDefinition): DanglingReference[] {
  const dangling: DanglingReference[] = [];
  for (const container of walkContainers(definition)) {
    const resolves = (target: unknown) =>
      typeof target === "string" && Object.hasOwn(container.states, target);
    if (!resolves(container.startAt)) {
      dangling.push({ path: container.path, field: "StartAt", target: container.startAt });
    }
    for (const [name, state] of Object.entries(container.states)) {
      if (!isJsonObject(state)) continue;
      for (const { field, target } of transitions(state)) {
        if (!resolves(target)) {
          dangling.push({
            path: container.path === "" ? name : `${container.path} > ${name}`,
            field,
            target,
          });
        }
      }
    }
  }
  return dangling;
}

/** The transition fields a state sets. A field left out (End, a Choice without Default) is no reference. */
function transitions(state: JsonObject): { field: string; target: unknown }[] {
  const found: { field: string; target: unknown }[] = [];
  if (state.Next !== undefined) found.push({ field: "Next", target: state.Next });
  if (state.Default !== undefined) found.push({ field: "Default", target: state.Default });
  for (const list of ["Choices", "Catch"]) {
    const entries = state[list];
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry: unknown, index) => {
      if (isJsonObject(entry) && entry.Next !== undefined) {
        found.push({ field: `${list}[${index}].Next`, target: entry.Next });
      }
    });
  }
  return found;
}

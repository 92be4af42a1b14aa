import type { AslDefinition, AslState } from "../../components/asl";

export interface Located {
  readonly name: string;
  readonly state: AslState;
  /** Container states from the top, e.g. ["For Each Product In Cart", "Parallel_Processing[1]"]. */
  readonly within: readonly string[];
}

/** Every state of a definition, nested Map and Parallel states included. */
export function allStates(definition: AslDefinition, within: readonly string[] = []): Located[] {
  return Object.entries(definition.States).flatMap(([name, state]) => {
    const nested: Located[] = [];
    const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    if (processor !== undefined) nested.push(...allStates(processor, [...within, name]));
    ((state.Branches ?? []) as AslDefinition[]).forEach((branch, index) =>
      nested.push(...allStates(branch, [...within, `${name}[${index}]`])),
    );
    return [{ name, state, within }, ...nested];
  });
}

export function stateNamed(definition: AslDefinition, name: string): AslState {
  const found = allStates(definition).find((located) => located.name === name);
  if (found === undefined) throw new Error(`no state named ${name}`);
  return found.state;
}

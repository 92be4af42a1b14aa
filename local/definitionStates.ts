import type { AslDefinition, AslState } from "../components/asl";

/** The Resource of the Task states that call API Gateway. */
export const apiGatewayInvoke = "arn:aws:states:::apigateway:invoke";

export interface LocatedState {
  readonly name: string;
  readonly state: AslState;
  /** 0 at the top level, one more inside each Map ItemProcessor or Parallel branch. */
  readonly depth: number;
}

/**
 * Every state of a definition, those inside Map and Parallel states included. The local engine
 * keys Task handlers and retry overrides by bare state name at any depth, so names are what matter.
 */
export function statesOf(definition: AslDefinition, depth = 0): LocatedState[] {
  return Object.entries(definition.States).flatMap(([name, state]) => {
    const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    const branches = (state.Branches ?? []) as AslDefinition[];
    return [
      { name, state, depth },
      ...(processor === undefined ? [] : statesOf(processor, depth + 1)),
      ...branches.flatMap((branch) => statesOf(branch, depth + 1)),
    ];
  });
}

export function apiGatewayTasks(definition: AslDefinition): LocatedState[] {
  return statesOf(definition).filter(
    ({ state }) => state.Type === "Task" && state.Resource === apiGatewayInvoke,
  );
}

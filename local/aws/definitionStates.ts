import { AslDefinition, LocatedState, statesOf } from "../../components/definition/asl";

/** The Resource of the Task states that call API Gateway. */
export const apiGatewayInvoke = "arn:aws:states:::apigateway:invoke";

/** A definition, or the order's and the state machines it starts (a stack's, for the CLI). */
export type Definitions = AslDefinition | readonly AslDefinition[];

/**
 * The local engine keys Task handlers by bare state name at any depth, so these are what it
 * needs; of several definitions, each one's in turn.
 */
export function apiGatewayTasks(definitions: Definitions): LocatedState[] {
  const all: readonly AslDefinition[] = Array.isArray(definitions)
    ? definitions
    : [definitions as AslDefinition];
  return all.flatMap((definition) =>
    statesOf(definition).filter(({ state }) => state.Type === "Task" && state.Resource === apiGatewayInvoke),
  );
}

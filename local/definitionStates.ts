import { AslDefinition, LocatedState, statesOf } from "../components/asl";

/** The Resource of the Task states that call API Gateway. */
export const apiGatewayInvoke = "arn:aws:states:::apigateway:invoke";

/** The local engine keys Task handlers by bare state name at any depth, so these are what it needs. */
export function apiGatewayTasks(definition: AslDefinition): LocatedState[] {
  return statesOf(definition).filter(
    ({ state }) => state.Type === "Task" && state.Resource === apiGatewayInvoke,
  );
}

import { routes } from "../../components/routes";
import { matchRoute } from "../api/routeMatcher";
import { apiGatewayTasks, Definitions } from "../aws/definitionStates";
import { pathTemplateOf } from "../aws/taskPath";

/** `States.Format('products/{}', $.productId)` gives `products/x`: any value selects the same route. */
const pathOf = (parameters: Record<string, unknown>): string | undefined =>
  pathTemplateOf(parameters)?.replace(/\{\}/g, "x");

/**
 * Faults are injected by the API, per route. A fault may name the route (its operation, e.g.
 * `Event.Receive`) or an API Gateway Task state of the definition (e.g. `Event.Receive
 * OrderCreatedEvent`), which stands for the route that state calls, in the order's definition or
 * a state machine it starts.
 */
export function routeOperationFor(name: string, definitions: Definitions): string {
  const operations = Object.values(routes).map((route) => route.operation);
  if (operations.includes(name as (typeof operations)[number])) return name;
  const task = apiGatewayTasks(definitions).find((located) => located.name === name);
  const parameters = task?.state.Parameters as Record<string, unknown> | undefined;
  const path = parameters === undefined ? undefined : pathOf(parameters);
  const route = path === undefined ? undefined : matchRoute(String(parameters?.Method), `/${path}`)?.route;
  if (route === undefined) {
    const states = apiGatewayTasks(definitions)
      .map((located) => located.name)
      .filter((state) => !operations.includes(state as (typeof operations)[number]));
    throw new Error(
      `Unknown route or state "${name}". Routes: ${operations.join(", ")}. Also states: ${states.join(", ")}.`,
    );
  }
  return route.operation;
}

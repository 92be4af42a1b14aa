import type { AslDefinition } from "../components/asl";
import { routes } from "../components/routes";
import { matchRoute } from "./api/routeMatcher";
import { apiGatewayTasks } from "./definitionStates";
import { pathTemplateOf } from "./taskPath";

/** `States.Format('products/{}', $.productId)` gives `products/x`: any value selects the same route. */
const pathOf = (parameters: Record<string, unknown>): string | undefined =>
  pathTemplateOf(parameters)?.replace(/\{\}/g, "x");

/**
 * Faults are injected by the API, per route. A fault may name the route (its operation, e.g.
 * `Event.Receive`) or an API Gateway Task state of the definition (e.g. `Event.Receive
 * OrderCreatedEvent`), which stands for the route that state calls.
 */
export function routeOperationFor(name: string, definition: AslDefinition): string {
  const operations = Object.values(routes).map((route) => route.operation);
  if (operations.includes(name as (typeof operations)[number])) return name;
  const task = apiGatewayTasks(definition).find((located) => located.name === name);
  const parameters = task?.state.Parameters as Record<string, unknown> | undefined;
  const path = parameters === undefined ? undefined : pathOf(parameters);
  const route = path === undefined ? undefined : matchRoute(String(parameters?.Method), `/${path}`)?.route;
  if (route === undefined) {
    const states = apiGatewayTasks(definition)
      .map((located) => located.name)
      .filter((state) => !operations.includes(state as (typeof operations)[number]));
    throw new Error(
      `Unknown route or state "${name}". Routes: ${operations.join(", ")}. Also states: ${states.join(", ")}.`,
    );
  }
  return route.operation;
}

import { pathParameters, Route, RouteKey, routes } from "../../components/routes";

export interface MatchedRoute {
  readonly key: RouteKey;
  readonly route: Route;
  readonly pathParameters: Record<string, string>;
}

/** `/products/{productId}` becomes `^/products/([^/]+)$`. */
const compiled = (Object.entries(routes) as [RouteKey, Route][]).map(([key, route]) => ({
  key,
  route,
  pattern: new RegExp(`^${route.path.replace(/\{[^}/]+\}/g, "([^/]+)")}$`),
}));

/** The route of the table that serves a method and a stage-relative path, with its path parameters. */
export function matchRoute(method: string, path: string): MatchedRoute | undefined {
  for (const { key, route, pattern } of compiled) {
    const match = route.method === method ? pattern.exec(path) : null;
    if (match !== null) {
      const names = pathParameters(route);
      return {
        key,
        route,
        pathParameters: Object.fromEntries(
          names.map((name, index) => [name, decodeURIComponent(match[index + 1])]),
        ),
      };
    }
  }
  return undefined;
}

/** Where a stage's routes start in a URL: `/dev`, or nothing for an HTTP API's `$default` stage. */
export function stagePath(stage: string): string {
  return stage === "$default" ? "" : `/${stage}`;
}

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

/** A path segment's value; one that is not valid percent-encoding stays as it came. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The route of the table that serves a method and a stage-relative path, with its path parameters. */
export function matchRoute(method: string, path: string): MatchedRoute | undefined {
  for (const { key, route, pattern } of compiled) {
    const match = route.method === method ? pattern.exec(path) : null;
    if (match !== null) {
      const names = pathParameters(route);
      return {
        key,
        route,
        pathParameters: Object.fromEntries(names.map((name, index) => [name, decoded(match[index + 1])])),
      };
    }
  }
  return undefined;
}

/** The methods the route table serves on a stage-relative path, for a 405's `Allow`; empty when none. */
export function allowedMethods(path: string): string[] {
  return compiled.filter(({ pattern }) => pattern.test(path)).map(({ route }) => route.method);
}

/** Where a stage's routes start in a URL: `/dev`, or nothing for an HTTP API's `$default` stage. */
export function stagePath(stage: string): string {
  return stage === "$default" ? "" : `/${stage}`;
}

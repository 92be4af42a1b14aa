/**
 * The path template of an API Gateway Task: `States.Format('products/{}', $.productId)` gives
 * `products/{}`, a literal `Path` gives itself. The values are filled in by the engine; the template
 * says where each one goes, which is what a client needs to encode them as path segments.
 */
export function pathTemplateOf(parameters: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof parameters.Path === "string") return parameters.Path;
  return /^States\.Format\('([^']*)'/.exec(String(parameters["Path.$"] ?? ""))?.[1];
}

/** Thrown for a value no client could put in one path segment. */
export class PathValueError extends Error {}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The path as a real HTTP client builds it from a template and values: each value is one segment,
 * percent-encoded (`/`, `?`, `#`, `%` included), so no value can add a segment, a query or a
 * fragment and reach another route. `.` and `..` are refused: URL parsers resolve them even
 * percent-encoded (WHATWG URL), so they cannot be sent as a segment at all.
 */
export function encodePath(template: string, path: string): string {
  const literals = template.split("{}");
  if (literals.length === 1) {
    if (path !== template)
      throw new PathValueError(`Path "${path}" does not follow its template "${template}"`);
    return encodeURI(path);
  }
  const pattern = (lazy: boolean) =>
    new RegExp(`^${literals.map(escapeRegExp).join(lazy ? "(.*?)" : "(.*)")}$`, "s");
  const values = pattern(true).exec(path)?.slice(1);
  // Two placeholders with a "/" between them and a "/" in a value can split either way.
  if (values === undefined || pattern(false).exec(path)?.slice(1).join("\u0000") !== values.join("\u0000")) {
    throw new PathValueError(`Path "${path}" cannot be split into the values of "${template}"`);
  }
  for (const value of values) {
    if (value === "." || value === "..") {
      throw new PathValueError(`Path value "${value}" cannot be sent as a path segment`);
    }
  }
  return literals
    .map(
      (literal, index) =>
        encodeURI(literal) + (index < values.length ? encodeURIComponent(values[index]) : ""),
    )
    .join("");
}

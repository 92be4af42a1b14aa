/**
 * Loaded first by every entry point (`node -r ./local/cli/nodeVersion.ts`, see package.json and
 * .mocharc.json): on an older Node the local engine and the Pulumi SDK fail deep inside a run
 * (`Promise.withResolvers is not a function`), so the version is checked before anything else.
 */

/** `@pulumi/pulumi` 3.270 and aws-local-stepfunctions 3 need Node 22 or later. */
export const minimumNodeMajor = 22;

/** What to tell someone on an older Node; undefined when `version` (as in process.versions.node) will do. */
export function nodeVersionProblem(version: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (major >= minimumNodeMajor) return undefined;
  return [
    `This project needs Node.js ${minimumNodeMajor} or later; this is Node.js ${version}.`,
    "`npm ci` installs the Node 24 it runs on (the `node` package) unless install scripts are skipped:",
    "run `npm ci` without --ignore-scripts (and with ignore-scripts=false in .npmrc), or install Node.js 22 or later.",
  ].join("\n");
}

export interface ProcessLike {
  readonly version: string;
  readonly stderr: { write(text: string): unknown };
  exit(code: number): void;
}

/** Exits 2, the usage-error code, with the advice, when the Node version will not do. */
export function exitOnUnsupportedNode(
  host: ProcessLike = {
    version: process.versions.node,
    stderr: process.stderr,
    exit: (code) => process.exit(code),
  },
): void {
  const problem = nodeVersionProblem(host.version);
  if (problem === undefined) return;
  host.stderr.write(`${problem}\n`);
  host.exit(2);
}

exitOnUnsupportedNode();

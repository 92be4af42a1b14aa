// The pack in policy/ as an enforcing stack gets it: `pulumi policy publish` uploads what `npm pack` makes of
// policy/ (prepack scripts included), and the CLI unpacks that tarball into a folder of its own and runs
// `npm install` there. The test cannot reach the registry, so the install is this repository's, narrowed to what
// npm would put there: the packages the pack declares and, transitively, theirs, linked into the unpacked
// folder's node_modules. Anything else, TypeScript and ts-node above all, cannot be resolved from it.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { ServeOptions } from "./analyzer-client";

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");
const PACK_SOURCE = join(ROOT, "policy");

export interface PublishedPack {
  /** The unpacked package, with a node_modules of its own. */
  dir: string;
  /** The paths `npm pack` put in the tarball. */
  files: string[];
  /** How to start it as installed: the run-policy-pack inside it, and node told not to see past its links. */
  serveOptions: ServeOptions;
  /** Removes the folder and the tarball (the links only, never what they point to). */
  remove(): void;
}

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
}

/** Where node would find `name` from a module in `fromDir` of this repository's install, or undefined. */
function installedDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === ROOT || dirname(dir) === dir) return undefined;
  }
}

/**
 * The top-level packages of the repository's node_modules that `npm install` in the folder of a package with this
 * manifest would install: its dependencies and devDependencies (the CLI installs both), their dependencies,
 * optional ones that are installed and the peers npm installs (those not marked optional), by name. A package npm
 * nested under another is reached through it.
 */
function dependencyClosure(manifest: Manifest, manifestDir: string): Map<string, string> {
  const topLevel = new Map<string, string>();
  const visited = new Set<string>();
  const queue: [Manifest, string][] = [[manifest, manifestDir]];
  for (let next = queue.shift(); next; next = queue.shift()) {
    const [current, currentDir] = next;
    const dev = current === manifest ? Object.keys(current.devDependencies ?? {}) : [];
    const optionalPeers = Object.entries(current.peerDependenciesMeta ?? {})
      .filter(([, meta]) => meta.optional)
      .map(([name]) => name);
    const required = [
      ...Object.keys(current.dependencies ?? {}),
      ...dev,
      ...Object.keys(current.peerDependencies ?? {}).filter((name) => !optionalPeers.includes(name)),
    ];
    const optional = Object.keys(current.optionalDependencies ?? {});
    for (const name of [...required, ...optional]) {
      const dir = installedDir(name, currentDir);
      if (!dir) {
        if (optional.includes(name)) continue;
        throw new Error(`${current.name} depends on ${name}, which this repository's install does not have`);
      }
      if (visited.has(dir)) continue;
      visited.add(dir);
      if (dir === join(ROOT, "node_modules", name)) topLevel.set(name, dir);
      queue.push([readManifest(dir), dir]);
    }
  }
  return topLevel;
}

/** Packs policy/ with npm as `pulumi policy publish` does, unpacks it and links its declared dependencies. */
export async function installPublishedPack(): Promise<PublishedPack> {
  const work = mkdtempSync(join(tmpdir(), "policy-pack-"));
  const remove = () => rmSync(work, { recursive: true, force: true });
  try {
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: PACK_SOURCE });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    await run("tar", ["-xzf", join(work, packed.filename), "-C", work]);
    // npm pack puts every file under package/, where the CLI installs and starts the pack.
    const dir = join(work, "package");
    for (const [name, target] of dependencyClosure(readManifest(dir), PACK_SOURCE)) {
      const link = join(dir, "node_modules", ...name.split("/"));
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(target, link, "junction");
    }
    return {
      dir,
      files: packed.files.map((file) => file.path),
      serveOptions: {
        runPolicyPack: join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack"),
        // Node resolves a linked module from the folder it points to, where this repository's TypeScript is;
        // these keep every lookup inside the unpacked folder, as if the packages had been copied there.
        nodeArgs: ["--preserve-symlinks", "--preserve-symlinks-main"],
      },
      remove,
    };
  } catch (error) {
    remove();
    throw error;
  }
}

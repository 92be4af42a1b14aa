import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { parse } from "yaml";

// Pulumi gives the plugins a project declares (`plugins:` in its project file: providers, languages, analyzers with a
// `path`) precedence over installed ones, so an analyzer named `policy` replaces the program that runs every policy
// pack: the base branch's, the deploys' and the organization's. The preview runs this file from the base branch's
// checkout, before any code of the pull request, and refuses such a project; the base pack cannot, as the program
// that would load it is the one replaced.

/** The names the CLI looks for in a project folder: `Pulumi` with any of the extensions it decodes. */
export const projectFileNames = ["Pulumi.yaml", "Pulumi.yml", "Pulumi.json"];

/**
 * Go's JSON decoding matches field names case-insensitively, folding `ſ` to `s` and the Kelvin sign to `k`: any key that
 * folds to `plugins` is taken as one, so each is refused.
 */
function foldsToPlugins(key: string): boolean {
  return key.normalize("NFKC").toLowerCase() === "plugins";
}

/** Why the project in `dir` must not be previewed; [] when no project file declares plugins. */
export function projectPluginProblems(dir: string): string[] {
  const present = projectFileNames.filter((name) => existsSync(join(dir, name)));
  // Without one the CLI would look in the folders above, which this check does not read.
  if (present.length === 0) return [`no ${projectFileNames.join(", ")} in ${dir}`];
  return present.flatMap((name) => {
    let project: unknown;
    try {
      // `<<` merge keys are honoured as Pulumi's YAML decoder honours them; a duplicate key is an error here.
      project = parse(readFileSync(join(dir, name), "utf8"), { merge: true, uniqueKeys: true });
    } catch (error) {
      return [`${name} cannot be read, so its plugins cannot be checked: ${(error as Error).message}`];
    }
    if (project === null || typeof project !== "object" || Array.isArray(project)) {
      return [`${name} is not a mapping of project settings`];
    }
    return Object.keys(project)
      .filter(foldsToPlugins)
      .map((key) => `${name} declares ${JSON.stringify(key)}: project plugins replace the policy analyzer`);
  });
}

if (require.main === module) {
  const dir = process.argv[2];
  if (dir === undefined) {
    console.error("usage: refuse-project-plugins.ts <project folder>");
    process.exit(2);
  }
  const problems = projectPluginProblems(dir);
  for (const problem of problems) console.log(`::error::${problem}`);
  process.exit(problems.length === 0 ? 0 : 1);
}

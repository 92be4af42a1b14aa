/** Prints the ASL definition a stack would deploy, with no cloud access: `npm run definition -- prod`. */
import { loadStackDefinition } from "../local/stackDefinition";

const { definition } = loadStackDefinition(process.argv[2] ?? "dev");
process.stdout.write(`${JSON.stringify(definition, null, 2)}\n`);

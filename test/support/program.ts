import * as pulumi from "@pulumi/pulumi";
import { join } from "node:path";
import { installMocks, Registration, settle } from "./mocks";

const root = join(__dirname, "..", "..");
const program = require.resolve(join(root, "index.ts"));

export interface ProgramRun {
  readonly registrations: Registration[];
  readonly exports: Record<string, pulumi.Output<unknown>>;
}

/** The program threw; `registrations` shows what it had registered by then. */
export class ProgramFailed extends Error {
  constructor(
    readonly cause: Error,
    readonly registrations: readonly Registration[],
  ) {
    super(cause.message);
  }
}

/** Runs index.ts under Pulumi's mocks with the given config, as `pulumi preview` would run it. */
export async function runProgram(stack: string, config: Record<string, string>): Promise<ProgramRun> {
  const registrations = installMocks(stack);
  pulumi.runtime.setAllConfig(config);
  delete require.cache[program];
  let exports: Record<string, pulumi.Output<unknown>>;
  try {
    // require, not import: the program must run afresh on every call, after its cache entry is dropped.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exports = require(program);
  } catch (error) {
    await settle();
    throw new ProgramFailed(error as Error, registrations);
  }
  await settle();
  return { registrations, exports };
}

import { ResourceValidationPolicy } from "@pulumi/policy";
import { walkStates } from "../lib/asl";
import { isJsonObject, JsonObject } from "../lib/json";
import { joinClauses } from "../lib/text";
import { readDefinition } from "../lib/state-machine";

export interface TaskRetryAndCatchConfig {
  /** Whether some catcher of every Task must list States.ALL, so that no error fails the execution unhandled. */
  requireCatchAll: boolean;
  /** The most MaxAttempts any retrier may allow, so that a failing dependency is not retried for hours. */
  maxRetryAttempts: number;
  /** States exempt from the check, each given by its name (at any depth) or by its full path. */
  exemptStates: string[];
}

export const taskRetryAndCatchDefaults: TaskRetryAndCatchConfig = {
  requireCatchAll: true,
  maxRetryAttempts: 10,
  exemptStates: [],
};

/** What Step Functions uses when a retrier leaves out MaxAttempts. */
const DEFAULT_MAX_ATTEMPTS = 3;

const CATCH_ALL = "States.ALL";

export const stepfunctionsTaskRetryAndCatch: ResourceValidationPolicy = {
  name: "stepfunctions-task-retry-and-catch",
  description:
    "Every Task state of a Step Functions state machine retries transient errors and catches the rest.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      requireCatchAll: {
        type: "boolean",
        default: taskRetryAndCatchDefaults.requireCatchAll,
        description: `Whether some Catch of every Task must list ${CATCH_ALL} in its ErrorEquals.`,
      },
      maxRetryAttempts: {
        type: "integer",
        minimum: 0,
        default: taskRetryAndCatchDefaults.maxRetryAttempts,
        description: `The most MaxAttempts a retrier may allow; a retrier without MaxAttempts allows ${DEFAULT_MAX_ATTEMPTS}.`,
      },
      exemptStates: {
        type: "array",
        items: { type: "string" },
        default: taskRetryAndCatchDefaults.exemptStates,
        description:
          'Task states not checked, by name or by full path such as "Each Item > Fan Out[1] > Call".',
      },
    },
  },
  validateResource: (args, reportViolation) => {
    // Read before anything else, outside any try: if the definition is unknown during preview, the SDK's
    // error must reach the SDK, which reports that the policy could not run rather than a false violation.
    const parsed = readDefinition(args);
    if (!parsed.ok) {
      reportViolation(`The definition must be a JSON object with a States object, but ${parsed.problem}.`);
      return;
    }
    // Defaults are applied here too: the engine sends no config at all when none is set.
    const config = { ...taskRetryAndCatchDefaults, ...args.getConfig<Partial<TaskRetryAndCatchConfig>>() };
    const isExempt = exemption(config.exemptStates);
    for (const { name, path, state } of walkStates(parsed.definition)) {
      if (state.Type !== "Task" || isExempt(name, path)) continue;
      const unmet = unmetRequirements(state, config);
      if (unmet.length > 0) {
        reportViolation(`State "${path}" must ${joinClauses(unmet)}.`);
      }
    }
  },
};

/**
 * Matches states against exempt entries, each a state name or a full path. A path is compared only for a
 * state whose name ends some entry: comparing it means flattening the path string, which for deeply nested
 * states would make the walk quadratic in the depth.
 */
function exemption(entries: string[]): (name: string, path: string) => boolean {
  const exempt = new Set(entries);
  const lastNames = new Set(entries.map((entry) => entry.split(" > ").pop()));
  return (name, path) => exempt.has(name) || (lastNames.has(name) && exempt.has(path));
}

/** The requirements a Task state does not meet, each as a clause that follows "must". */
function unmetRequirements(task: JsonObject, config: TaskRetryAndCatchConfig): string[] {
  const retriers = nonEmptyArray(task.Retry);
  const catchers = nonEmptyArray(task.Catch);
  const unmet: string[] = [];

  const missing: string[] = [];
  if (!retriers) missing.push("Retry");
  if (!catchers) missing.push("Catch");
  if (missing.length > 0) {
    unmet.push(`have a non-empty ${missing.join(" and a non-empty ")}`);
  }
  const excessive: string[] = [];
  retriers?.forEach((retrier, index) => {
    const attempts = maxAttempts(retrier);
    if (attempts !== undefined && attempts > config.maxRetryAttempts) {
      excessive.push(`Retry[${index}] allows ${attempts}`);
    }
  });
  if (excessive.length > 0) {
    unmet.push(`keep MaxAttempts at or below ${config.maxRetryAttempts} (${joinClauses(excessive)})`);
  }
  if (catchers && config.requireCatchAll && !catchers.some(catchesAll)) {
    unmet.push(`have a Catch whose ErrorEquals lists ${CATCH_ALL}`);
  }
  return unmet;
}

function nonEmptyArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) && value.length > 0 ? value : undefined;
}

/**
 * The attempts a retrier allows, or undefined for a retrier that is invalid ASL (not an object, or a
 * MaxAttempts that is not a number): Step Functions rejects those on deployment, so they are not reported here.
 */
function maxAttempts(retrier: unknown): number | undefined {
  if (!isJsonObject(retrier)) return undefined;
  const attempts = retrier.MaxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  return typeof attempts === "number" ? attempts : undefined;
}

function catchesAll(catcher: unknown): boolean {
  return (
    isJsonObject(catcher) && Array.isArray(catcher.ErrorEquals) && catcher.ErrorEquals.includes(CATCH_ALL)
  );
}

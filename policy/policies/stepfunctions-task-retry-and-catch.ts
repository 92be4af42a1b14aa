import { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { StateMachineDefinition, walkStates } from "../lib/asl";
import { danglingReferences } from "../lib/asl-references";
import { describeJsonValue, isJsonObject, JsonObject } from "../lib/json";
import { maxAttempts, RETRIER_DEFAULTS, retriesTaskFailure, totalWaitSeconds } from "../lib/retry";
import { joinClauses } from "../lib/text";
import { readDefinition } from "../lib/state-machine";

export interface TaskRetryAndCatchConfig {
  /** Whether some catcher of every Task must list States.ALL, so that no error fails the execution unhandled. */
  requireCatchAll: boolean;
  /** The most MaxAttempts any retrier may allow, so that a failing dependency is not retried for hours. */
  maxRetryAttempts: number;
  /** The longest any retrier may wait in total between its attempts, in seconds. */
  maxRetryWaitSeconds: number;
  /** States exempt from the check, each given by its name (at any depth) or by its full path. */
  exemptStates: string[];
}

export const taskRetryAndCatchDefaults: TaskRetryAndCatchConfig = {
  requireCatchAll: true,
  maxRetryAttempts: 10,
  // Five minutes: the longest an Express execution may run, and long enough for a dependency's brief outage.
  maxRetryWaitSeconds: 300,
  exemptStates: [],
};

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
        description: `The most MaxAttempts a retrier may allow; a retrier without MaxAttempts allows ${RETRIER_DEFAULTS.MaxAttempts}.`,
      },
      maxRetryWaitSeconds: {
        type: "number",
        minimum: 0,
        default: taskRetryAndCatchDefaults.maxRetryWaitSeconds,
        description:
          "The longest a retrier may wait in total between its attempts (IntervalSeconds, BackoffRate, MaxDelaySeconds), in seconds.",
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
    reportDanglingReferences(parsed.definition, reportViolation);
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
 * A Task the pack cannot see (see lib/asl-references.ts) is still referenced, so every reference must land on a
 * state the walk sees. Exemptions do not apply: they name states, and these are references to no state.
 */
function reportDanglingReferences(
  definition: StateMachineDefinition,
  reportViolation: ReportViolation,
): void {
  for (const { path, field, target } of danglingReferences(definition)) {
    const subject = path === "" ? field : `${field} of ${field === "StartAt" ? "" : "state "}"${path}"`;
    const found =
      typeof target === "string" ? `no state "${target}" is there` : `it is ${describeJsonValue(target)}`;
    reportViolation(
      `${subject} must name a state of the same States object that the pack can see, but ${found}: AWS rejects such a definition, and a state the pack cannot see cannot be checked.`,
    );
  }
}

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
  if (retriers && !retriesTaskFailure(retriers, task.Resource)) {
    unmet.push(
      "retry a failing call: the first retrier whose ErrorEquals matches States.TaskFailed, or another error a Task raises other than a timeout, must allow MaxAttempts of at least 1 (Step Functions uses the first retrier that matches; it never retries States.Runtime or States.DataLimitExceeded, no Task raises States.BranchFailed, States.NoChoiceMatched or other states' errors, and an apigateway:invoke Task's call raises only ApiGateway.<status code> or ApiGateway.<exception>)",
    );
  }
  const excessive: string[] = [];
  const slow: string[] = [];
  retriers?.forEach((retrier, index) => {
    const attempts = maxAttempts(retrier);
    if (attempts !== undefined && attempts > config.maxRetryAttempts) {
      excessive.push(`Retry[${index}] allows ${attempts}`);
    }
    const wait = totalWaitSeconds(retrier);
    if (wait !== undefined && wait > config.maxRetryWaitSeconds) {
      slow.push(`Retry[${index}] can wait ${formatSeconds(wait)}`);
    }
  });
  if (excessive.length > 0) {
    unmet.push(`keep MaxAttempts at or below ${config.maxRetryAttempts} (${joinClauses(excessive)})`);
  }
  if (slow.length > 0) {
    unmet.push(
      `wait at most ${config.maxRetryWaitSeconds} s in total between a retrier's attempts (${joinClauses(slow)})`,
    );
  }
  if (catchers && config.requireCatchAll && !catchers.some(catchesAll)) {
    unmet.push(`have a Catch whose ErrorEquals lists ${CATCH_ALL}`);
  }
  return unmet;
}

function nonEmptyArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) && value.length > 0 ? value : undefined;
}

/** Seconds, rounded to a tenth, or "without bound" past what a number can hold. */
function formatSeconds(seconds: number): string {
  return Number.isFinite(seconds) ? `${Math.round(seconds * 10) / 10} s` : "without bound";
}

function catchesAll(catcher: unknown): boolean {
  return (
    isJsonObject(catcher) && Array.isArray(catcher.ErrorEquals) && catcher.ErrorEquals.includes(CATCH_ALL)
  );
}

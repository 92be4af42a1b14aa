import { ResourceValidationPolicy } from "@pulumi/policy";
import { readLogging } from "../lib/state-machine";

const LEVELS = ["ALL", "ERROR", "FATAL"];

export const stepfunctionsLoggingEnabled: ResourceValidationPolicy = {
  name: "stepfunctions-logging-enabled",
  description: "Step Functions state machines send their execution history to CloudWatch Logs.",
  // Advisory: a Standard workflow without logs still keeps 90 days of execution history in the console, and
  // turning logging OFF is a legitimate cost choice for some workflows. Organisations that want every
  // workflow logged raise this to mandatory in the pack's config.
  enforcementLevel: "advisory",
  validateResource: (args, reportViolation) => {
    const { level, destinations } = readLogging(args);
    if (typeof level !== "string" || !LEVELS.includes(level)) {
      reportViolation(
        `The logging level must be one of ${LEVELS.join(", ")}, but it is ${level === undefined ? "not set (OFF)" : JSON.stringify(level)}.`,
      );
    }
    if (!destinations.some((arn) => typeof arn === "string" && arn !== "")) {
      reportViolation("The logging configuration must name a CloudWatch Logs log group as its destination.");
    }
  },
};

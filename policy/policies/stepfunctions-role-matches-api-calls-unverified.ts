import { StackValidationPolicy } from "@pulumi/policy";
import { checkStateMachineRoles } from "../lib/least-privilege";

export const stepfunctionsRoleMatchesApiCallsUnverified: StackValidationPolicy = {
  name: "stepfunctions-role-matches-api-calls-unverified",
  description:
    "State machines whose role grants cannot be compared with their API Gateway calls and state machine starts are named, with the reason.",
  // Advisory: what cannot be seen is no proof of a fault (a role shared from another stack, a value unknown
  // until the update), but it must not pass in silence either.
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    // Unused grants are left out: they are violations, reported by stepfunctions-role-matches-api-calls.
    for (const { urn, message } of checkStateMachineRoles(args.resources, { reportUnusedGrants: false })
      .unverified) {
      reportViolation(message, urn);
    }
  },
};

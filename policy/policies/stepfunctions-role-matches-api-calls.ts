import { StackValidationPolicy } from "@pulumi/policy";
import { checkStateMachineRoles } from "../lib/least-privilege";

export interface RoleMatchesApiCallsConfig {
  /**
   * Whether an execute-api:Invoke grant that no call of the role's state machines uses, or that allows more
   * than the calls it serves, is a violation, and likewise a StartExecution or StartSyncExecution grant that
   * names no state machine they start exactly.
   */
  reportUnusedGrants: boolean;
}

export const roleMatchesApiCallsDefaults: RoleMatchesApiCallsConfig = { reportUnusedGrants: true };

export const stepfunctionsRoleMatchesApiCalls: StackValidationPolicy = {
  name: "stepfunctions-role-matches-api-calls",
  description:
    "Each state machine's role allows execute-api:Invoke on exactly the API Gateway routes its definition calls, and states:StartExecution or StartSyncExecution on exactly the state machines its Tasks start.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      reportUnusedGrants: {
        type: "boolean",
        default: roleMatchesApiCallsDefaults.reportUnusedGrants,
        description:
          "Whether an execute-api:Invoke grant of a state machine's role that none of its calls uses, or that allows more than the calls it serves, is a violation, and a start grant that names no state machine it starts exactly (a wildcard included).",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const config = {
      ...roleMatchesApiCallsDefaults,
      ...args.getConfig<Partial<RoleMatchesApiCallsConfig>>(),
    };
    for (const { urn, message } of checkStateMachineRoles(args.resources, config).violations) {
      reportViolation(message, urn);
    }
  },
};

// The state machines a definition starts: each Task of the Step Functions integration
// (`arn:aws:states:::states:startExecution`, `.sync`, `.sync:2`, `.waitForTaskToken`) or of the AWS SDK
// integration (`aws-sdk:sfn:startExecution`, `aws-sdk:sfn:startSyncExecution`), with the IAM action it needs
// and the StateMachineArn it names (https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html,
// https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
import { StateMachineDefinition, walkStates } from "./asl";
import { isJsonObject } from "./json";

export const START_EXECUTION = "states:StartExecution";
export const START_SYNC_EXECUTION = "states:StartSyncExecution";

/** A Task that starts a state machine named in the definition. */
export interface ExecutionStart {
  /** The path of the Task state (see WalkedState.path). */
  state: string;
  action: typeof START_EXECUTION | typeof START_SYNC_EXECUTION;
  stateMachineArn: string;
}

/** A Task that starts a state machine chosen at run time, so no grant can be matched with it. */
export interface OpenStart {
  state: string;
  action: string;
  reason: string;
}

const RESOURCES: readonly [RegExp, ExecutionStart["action"]][] = [
  [/^arn:aws[a-z-]*:states:::states:startExecution(\.sync(:2)?|\.waitForTaskToken)?$/, START_EXECUTION],
  [/^arn:aws[a-z-]*:states:::aws-sdk:sfn:startExecution$/, START_EXECUTION],
  [/^arn:aws[a-z-]*:states:::aws-sdk:sfn:startSyncExecution$/, START_SYNC_EXECUTION],
];

export function executionStarts(definition: StateMachineDefinition): {
  starts: ExecutionStart[];
  open: OpenStart[];
} {
  const starts: ExecutionStart[] = [];
  const open: OpenStart[] = [];
  for (const { path, state } of walkStates(definition)) {
    if (state.Type !== "Task" || typeof state.Resource !== "string") continue;
    const resource = state.Resource;
    const action = RESOURCES.find(([pattern]) => pattern.test(resource))?.[1];
    if (action === undefined) continue;
    const args = isJsonObject(state.Parameters) ? state.Parameters : state.Arguments;
    const arn = isJsonObject(args) ? args.StateMachineArn : undefined;
    // JSONata writes a run-time value as `{% ... %}`; JSONPath as a `StateMachineArn.$` field instead.
    if (typeof arn === "string" && !(arn.startsWith("{%") && arn.endsWith("%}"))) {
      starts.push({ state: path, action, stateMachineArn: arn });
    } else {
      open.push({ state: path, action, reason: "its StateMachineArn is set at run time" });
    }
  }
  return { starts, open };
}

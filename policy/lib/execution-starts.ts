// The state machines a definition starts: each Task of the Step Functions integration
// (`arn:aws:states:::states:startExecution`, `.sync`, `.sync:2`, `.waitForTaskToken`) or of the AWS SDK
// integration (`aws-sdk:sfn:startExecution`, `aws-sdk:sfn:startSyncExecution`, with any integration pattern),
// with the IAM action it needs and the StateMachineArn it names
// (https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html,
// https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html). A Distributed Map starts
// child executions of its own state machine, which needs states:StartExecution on that state machine's ARN
// (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html).
import { StateMachineDefinition, walkStates } from "./asl";
import { isJsonObject } from "./json";
import { DelegatedTask, delegatedTo } from "./task-credentials";

export const START_EXECUTION = "states:StartExecution";
export const START_SYNC_EXECUTION = "states:StartSyncExecution";

/** A Task that starts a state machine named in the definition. */
export interface ExecutionStart {
  /** The path of the Task state (see WalkedState.path). */
  state: string;
  action: typeof START_EXECUTION | typeof START_SYNC_EXECUTION;
  /** As written: a wildcard here names no state machine (their names cannot hold `*` or `?`). */
  stateMachineArn: string;
}

/** A Task that starts a state machine chosen at run time, so no grant can be matched with it. */
export interface OpenStart {
  state: string;
  action: string;
  reason: string;
}

/** Any integration pattern: the request is the same start, whatever the Task then waits for. */
const PATTERN = String.raw`(\.sync(:2)?|\.waitForTaskToken)?`;
const RESOURCES: readonly [RegExp, ExecutionStart["action"]][] = [
  [new RegExp(`^arn:aws[a-z-]*:states:::states:startExecution${PATTERN}$`), START_EXECUTION],
  [new RegExp(`^arn:aws[a-z-]*:states:::aws-sdk:sfn:startExecution${PATTERN}$`), START_EXECUTION],
  [new RegExp(`^arn:aws[a-z-]*:states:::aws-sdk:sfn:startSyncExecution${PATTERN}$`), START_SYNC_EXECUTION],
];

export function executionStarts(definition: StateMachineDefinition): {
  starts: ExecutionStart[];
  open: OpenStart[];
  /** Starts made as the role a Task's Credentials name, whose grants are not the execution role's. */
  delegated: DelegatedTask[];
  /** The paths of the Distributed Map states, each starting executions of the state machine itself. */
  distributedMaps: string[];
} {
  const starts: ExecutionStart[] = [];
  const open: OpenStart[] = [];
  const delegated: DelegatedTask[] = [];
  const distributedMaps: string[] = [];
  for (const { path, state } of walkStates(definition)) {
    if (state.Type === "Map" && isDistributed(state.ItemProcessor)) distributedMaps.push(path);
    if (state.Type !== "Task" || typeof state.Resource !== "string") continue;
    const resource = state.Resource;
    const action = RESOURCES.find(([pattern]) => pattern.test(resource))?.[1];
    if (action === undefined) continue;
    const asRole = delegatedTo(state, path);
    if (asRole !== undefined) {
      delegated.push(asRole);
      continue;
    }
    const args = isJsonObject(state.Parameters) ? state.Parameters : state.Arguments;
    const arn = isJsonObject(args) ? args.StateMachineArn : undefined;
    // JSONata writes a run-time value as `{% ... %}`; JSONPath as a `StateMachineArn.$` field instead.
    if (typeof arn === "string" && !(arn.startsWith("{%") && arn.endsWith("%}"))) {
      starts.push({ state: path, action, stateMachineArn: arn });
    } else {
      open.push({ state: path, action, reason: "its StateMachineArn is set at run time" });
    }
  }
  return { starts, open, delegated, distributedMaps };
}

function isDistributed(processor: unknown): boolean {
  return (
    isJsonObject(processor) &&
    isJsonObject(processor.ProcessorConfig) &&
    processor.ProcessorConfig.Mode === "DISTRIBUTED"
  );
}

// A Task that sets `Credentials` makes its call as the role it names, not as the state machine's execution role
// (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-access-cross-acct-resources.html): the grant
// its call needs is that role's, and the execution role needs only sts:AssumeRole on it.
import { isJsonObject, JsonObject } from "./json";

/** A call or start a Task makes as the role its Credentials name. */
export interface DelegatedTask {
  /** The path of the Task state (see WalkedState.path). */
  state: string;
  /** The role's ARN, or undefined when it is chosen at run time (`RoleArn.$`, JSONata). */
  roleArn?: string;
}

/** The Task's Credentials role, or undefined when it sets no Credentials and runs as the execution role. */
export function delegatedTo(state: JsonObject, path: string): DelegatedTask | undefined {
  if (state.Credentials === undefined) return undefined;
  const roleArn = isJsonObject(state.Credentials) ? state.Credentials.RoleArn : undefined;
  const literal = typeof roleArn === "string" && !(roleArn.startsWith("{%") && roleArn.endsWith("%}"));
  return literal ? { state: path, roleArn } : { state: path };
}

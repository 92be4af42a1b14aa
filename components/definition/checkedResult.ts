import type { AslState } from "./asl";
import { malformedRules } from "./choiceRules";
import { outcomeErrors } from "./outcomes";
import type { FieldKind } from "./responses";
import { checkResponseState, malformedResponseState, selectResultState } from "./stateNames";

/** What `Order.MalformedResponse` says of a task's answer, in the inline states and the pricing child alike. */
export const malformedResponseCause = (task: string, fields: Readonly<Record<string, FieldKind>>): string =>
  `${task} answered 2xx with a body that breaks the contract: it lacks one of ${Object.keys(fields).join(", ")} or has a wrong type`;

/**
 * The states after a Task whose answer the workflow reads: a Choice that sends an answer breaking
 * the contract to a Pass recording `Order.MalformedResponse` as if caught, then `onMalformed`;
 * otherwise a Pass that writes the checked fields to `resultPath`.
 */
export function checkedResult(options: {
  readonly task: string;
  readonly bodyPath: string;
  readonly fields: Readonly<Record<string, FieldKind>>;
  readonly extraRules?: readonly Record<string, unknown>[];
  readonly resultPath: string;
  readonly next: string;
  readonly onMalformed: string;
  /** `{Error, Cause}` replace the state, as the Task's Catch does, instead of going to `$.caught`. */
  readonly malformedReplacesState?: boolean;
}): Record<string, AslState> {
  const { task, bodyPath } = options;
  return {
    [checkResponseState(task)]: {
      Type: "Choice",
      Choices: [
        ...malformedRules(bodyPath, options.fields, malformedResponseState(task)),
        ...(options.extraRules ?? []),
      ],
      Default: selectResultState(task),
    },
    [malformedResponseState(task)]: {
      Type: "Pass",
      Parameters: {
        Error: outcomeErrors.malformedResponse,
        Cause: malformedResponseCause(task, options.fields),
      },
      ...(options.malformedReplacesState === true ? {} : { ResultPath: "$.caught" }),
      Next: options.onMalformed,
    },
    [selectResultState(task)]: {
      Type: "Pass",
      Parameters: Object.fromEntries(
        Object.keys(options.fields).map((field) => [`${field}.$`, `${bodyPath}.${field}`]),
      ),
      ResultPath: options.resultPath,
      Next: options.next,
    },
  };
}

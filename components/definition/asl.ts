/** The slice of the Amazon States Language this project writes; JSON-serialisable as is. */
export type AslState = { readonly Type: string } & Record<string, unknown>;

export interface AslDefinition {
  readonly Comment?: string;
  readonly QueryLanguage?: "JSONPath";
  readonly StartAt: string;
  /** Top level only: the execution fails with States.Timeout after this long. */
  readonly TimeoutSeconds?: number;
  /** Map ItemProcessor only. */
  readonly ProcessorConfig?: { readonly Mode: "INLINE" | "DISTRIBUTED" };
  readonly States: Record<string, AslState>;
}

export interface LocatedState {
  readonly name: string;
  readonly state: AslState;
  /** 0 at the top level, one more inside each Map ItemProcessor or Parallel branch. */
  readonly depth: number;
}

/**
 * Every state of a definition this project built, those inside Map and Parallel states included.
 * (The policy pack has its own, defensive walker: it reads definitions written by anyone.)
 */
export function statesOf(definition: AslDefinition, depth = 0): LocatedState[] {
  return Object.entries(definition.States).flatMap(([name, state]) => {
    const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    const branches = (state.Branches ?? []) as AslDefinition[];
    return [
      { name, state, depth },
      ...(processor === undefined ? [] : statesOf(processor, depth + 1)),
      ...branches.flatMap((branch) => statesOf(branch, depth + 1)),
    ];
  });
}

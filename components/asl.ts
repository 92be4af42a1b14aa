/** The slice of the Amazon States Language this project writes; JSON-serialisable as is. */
export type AslState = { readonly Type: string } & Record<string, unknown>;

export interface AslDefinition {
  readonly Comment?: string;
  readonly QueryLanguage?: "JSONPath";
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
}

// asl-validator ships JavaScript only; this is the part of its API the tests use.
declare module "asl-validator" {
  interface ValidationResult {
    readonly isValid: boolean;
    readonly errors: readonly unknown[];
    errorsText(separator?: string): string;
  }
  function validator(definition: unknown, options?: Record<string, unknown>): ValidationResult;
  export = validator;
}

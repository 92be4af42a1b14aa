import type { ServiceResponse } from "./orderService";

interface Remembered {
  /** The request body the key was first used with. */
  readonly fingerprint: string;
  readonly response: ServiceResponse;
}

export type Recall =
  | { readonly kind: "new" }
  | { readonly kind: "replay"; readonly response: ServiceResponse }
  | { readonly kind: "conflict" };

/**
 * The first successful response to each Idempotency-Key, per operation: a retried POST gets that
 * response again instead of creating a second cart or event. Failed responses are not remembered,
 * so a request that failed can still succeed on its retry.
 */
export class IdempotencyStore {
  private readonly remembered = new Map<string, Remembered>();

  recall(operation: string, key: string, body: unknown): Recall {
    const found = this.remembered.get(`${operation} ${key}`);
    if (found === undefined) return { kind: "new" };
    // A key reused for a different request is a client bug; replaying would hide it.
    return found.fingerprint === JSON.stringify(body)
      ? { kind: "replay", response: found.response }
      : { kind: "conflict" };
  }

  remember(operation: string, key: string, body: unknown, response: ServiceResponse): void {
    if (response.status >= 200 && response.status < 300) {
      this.remembered.set(`${operation} ${key}`, { fingerprint: JSON.stringify(body), response });
    }
  }
}

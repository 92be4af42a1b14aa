import type { ServiceResponse } from "./orderService";

interface Remembered {
  /** What the key was first used for (see `recall`). */
  readonly fingerprint: string;
  readonly response: ServiceResponse;
}

export type Recall =
  | { readonly kind: "new" }
  | { readonly kind: "replay"; readonly response: ServiceResponse }
  | { readonly kind: "conflict" };

/**
 * The first successful response to each Idempotency-Key: a retried POST gets that response again
 * instead of creating a second cart or event. A key is scoped to the caller, not to the route (the
 * contract's IdempotencyKey, as Stripe scopes its keys): one key sent to two routes, or with two
 * requests, is one key used twice. Failed responses are not remembered, so a request that failed
 * can still succeed on its retry.
 */
export class IdempotencyStore {
  private readonly remembered = new Map<string, Remembered>();

  /**
   * `request` is what makes two requests the same (`requestIdentity` in orderService.ts): the route
   * and, but for an event, the whole body.
   */
  recall(key: string, request: unknown): Recall {
    const found = this.remembered.get(key);
    if (found === undefined) return { kind: "new" };
    // A key reused for a different request is a client bug; replaying would hide it.
    return found.fingerprint === JSON.stringify(request)
      ? { kind: "replay", response: found.response }
      : { kind: "conflict" };
  }

  remember(key: string, request: unknown, response: ServiceResponse): void {
    if (response.status >= 200 && response.status < 300) {
      this.remembered.set(key, { fingerprint: JSON.stringify(request), response });
    }
  }

  /** The store as it is now, and a way back to it (see OrderApi.checkpoint). */
  checkpoint(): () => void {
    const saved = new Map(this.remembered);
    return () => {
      this.remembered.clear();
      for (const [key, value] of saved) this.remembered.set(key, value);
    };
  }
}

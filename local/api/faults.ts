import { setTimeout as sleep } from "node:timers/promises";
import type { Contract, Operation, Schema } from "./contract";
import type { ServiceResponse } from "./orderService";
import type { FaultHook, InjectedCall } from "./faultHook";

/**
 * How one route misbehaves on its next calls:
 * - `status`: answer that HTTP status instead of the real response (or, `responseLost`, after doing
 *   the work: a gateway timeout after the cart was created, where only idempotency keeps a retry
 *   from repeating it);
 * - `timeout`: never answer, so the call outlasts the Task's TimeoutSeconds (`States.Timeout`);
 * - `malformed`: do the work, then answer 2xx with a body that breaks the contract.
 */
export type FaultSpec =
  | {
      readonly kind?: "status";
      readonly status: number;
      /** How many calls in a row fail; Infinity for a route that never recovers. */
      readonly count: number;
      readonly responseLost?: boolean;
    }
  | { readonly kind: "timeout" | "malformed"; readonly count: number };

export type FaultKind = NonNullable<FaultSpec["kind"]>;

/** The fault, if any, to apply to one call. */
export interface AppliedFault {
  readonly kind: FaultKind;
  /** For `status` faults: the status answered. */
  readonly status?: number;
  readonly responseLost: boolean;
  /** 1 for the first failed call of this fault. */
  readonly ordinal: number;
  readonly count: number;
}

interface Pending {
  readonly spec: FaultSpec;
  used: number;
}

/**
 * How long a `timeout` fault holds a call whose caller never gives up: longer than any Task's
 * TimeoutSeconds in this project (30 s), so a caller that waits sees the timeout; bounded, so a
 * forgotten client cannot hold the API open for good.
 */
export const timeoutHoldMs = 60_000;

/**
 * Faults and latency injected per route (keyed by the route's operation name), so a run can show
 * what Retry and Catch do with a failing service, before any real one exists.
 */
export class Faults implements FaultHook {
  private readonly pending = new Map<string, Pending[]>();
  private readonly latencies = new Map<string, number>();
  private defaultLatencyMs = 0;
  private readonly holdListeners: ((operation: string) => void)[] = [];

  /** Queues a fault; several faults on one route apply one after the other. */
  fail(operation: string, spec: FaultSpec): this {
    if (!(spec.count >= 1)) throw new Error(`A fault needs a count of at least 1; got ${spec.count}`);
    this.pending.set(operation, [...(this.pending.get(operation) ?? []), { spec, used: 0 }]);
    return this;
  }

  /** The faults as they are now, and a way back to them (see OrderApi.checkpoint). */
  checkpoint(): () => void {
    const saved = [...this.pending].map(([operation, queue]) => ({
      operation,
      queue: queue.map(({ spec, used }) => ({ spec, used })),
    }));
    return () => {
      this.pending.clear();
      for (const { operation, queue } of saved) {
        this.pending.set(
          operation,
          queue.map(({ spec, used }) => ({ spec, used })),
        );
      }
    };
  }

  /** Delay before every answer of one route, or of every route when `operation` is omitted. */
  delay(latencyMs: number, operation?: string): this {
    if (operation === undefined) this.defaultLatencyMs = latencyMs;
    else this.latencies.set(operation, latencyMs);
    return this;
  }

  /** Tells `listener` of each call a `timeout` fault holds, by its route, once the API holds it. */
  whenHeld(listener: (operation: string) => void): this {
    this.holdListeners.push(listener);
    return this;
  }

  latencyMs(operation: string): number {
    return this.latencies.get(operation) ?? this.defaultLatencyMs;
  }

  /** Consumes one failure of the route's current fault. */
  take(operation: string): AppliedFault | undefined {
    const queue = this.pending.get(operation);
    const current = queue?.[0];
    if (queue === undefined || current === undefined) return undefined;
    current.used += 1;
    if (current.used >= current.spec.count) queue.shift();
    const { spec } = current;
    return "status" in spec
      ? {
          kind: "status",
          status: spec.status,
          responseLost: spec.responseLost ?? false,
          ordinal: current.used,
          count: spec.count,
        }
      : { kind: spec.kind, responseLost: false, ordinal: current.used, count: spec.count };
  }

  /** The server's one question: how to answer this call of a route (see FaultHook). */
  async respond(call: InjectedCall): Promise<ServiceResponse | undefined> {
    const { operation } = call.route;
    await sleep(this.latencyMs(operation), undefined, { signal: call.signal }).catch(() => undefined);
    if (call.signal.aborted) return undefined;
    const fault = this.take(operation);
    if (fault === undefined) return call.handle();
    const answer = answerWithFault(fault, call);
    if (fault.kind === "timeout") for (const listener of this.holdListeners) listener(operation);
    return answer;
  }
}

/**
 * A `timeout` fault: no answer until the caller hangs up (`signal` aborts; undefined: there is no
 * one to answer) or, if it never does, API Gateway's own answer to a slow integration, a 504.
 */
export async function outlast(signal: AbortSignal): Promise<ServiceResponse | undefined> {
  return sleep(timeoutHoldMs, undefined, { signal }).then(
    (): ServiceResponse => ({ status: 504, body: { message: "Endpoint request timed out" } }),
    () => undefined,
  );
}

/** The fields a schema requires, through `$ref` and `allOf`. */
function requiredFields(contract: Contract, schema: Schema): string[] {
  if (schema.$ref !== undefined) return requiredFields(contract, contract.schema(schema.$ref));
  return [
    ...(schema.required ?? []),
    ...(schema.allOf ?? []).flatMap((part) => requiredFields(contract, part)),
  ];
}

/**
 * A `malformed` fault: the real 2xx answer without every field the contract requires of it, as a
 * service that changed its response shape would send. The workflow reads only required fields
 * (test/local/contract.test.ts), so its ResultSelector finds nothing where it looks.
 */
export function malformed(
  contract: Contract,
  operation: Operation,
  response: ServiceResponse,
): ServiceResponse {
  const schema = contract.responseSchema(operation, response.status);
  if (
    response.status >= 300 ||
    schema === undefined ||
    typeof response.body !== "object" ||
    response.body === null
  ) {
    return response;
  }
  const dropped = new Set(requiredFields(contract, schema));
  return {
    status: response.status,
    body: Object.fromEntries(Object.entries(response.body).filter(([field]) => !dropped.has(field))),
  };
}

/** How the API answers a call a fault applies to; undefined when no answer is owed (the caller hung up). */
export async function answerWithFault(
  fault: AppliedFault,
  call: InjectedCall,
): Promise<ServiceResponse | undefined> {
  switch (fault.kind) {
    case "timeout":
      return outlast(call.signal);
    case "malformed":
      return malformed(call.contract, call.operation, call.handle());
    case "status": {
      // A lost response: the work is done, then the answer is replaced on its way back.
      if (fault.responseLost) call.handle();
      const which =
        fault.count === Infinity
          ? `call ${fault.ordinal}, permanent`
          : `call ${fault.ordinal} of ${fault.count}`;
      const status = fault.status ?? 500;
      return { status, body: { message: `Injected fault ${status} on ${call.route.operation} (${which})` } };
    }
  }
}

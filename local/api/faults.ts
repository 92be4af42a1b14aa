import { setTimeout as sleep } from "node:timers/promises";
import type { FaultHook, InjectedCall } from "./server";
import type { ServiceResponse } from "./orderService";

/** How one route misbehaves on its next calls. */
export interface FaultSpec {
  /** The HTTP status answered instead of the real response. */
  readonly status: number;
  /** How many calls in a row fail; Infinity for a route that never recovers. */
  readonly count: number;
  /**
   * The API does the work, then the answer is lost on the way back and the caller sees `status`
   * (a gateway timeout after the cart was created): only idempotency keeps a retry from repeating it.
   */
  readonly responseLost?: boolean;
}

/** The fault, if any, to apply to one call. */
export interface AppliedFault {
  readonly status: number;
  readonly responseLost: boolean;
  /** 1 for the first failed call of this fault. */
  readonly ordinal: number;
  readonly count: number;
}

interface Pending extends FaultSpec {
  used: number;
}

/**
 * Faults and latency injected per route (keyed by the route's operation name), so a run can show
 * what Retry and Catch do with a failing service, before any real one exists.
 */
export class Faults implements FaultHook {
  private readonly pending = new Map<string, Pending[]>();
  private readonly latencies = new Map<string, number>();
  private defaultLatencyMs = 0;

  /** Queues a fault; several faults on one route apply one after the other. */
  fail(operation: string, spec: FaultSpec): this {
    if (!(spec.count >= 1)) throw new Error(`A fault needs a count of at least 1; got ${spec.count}`);
    this.pending.set(operation, [...(this.pending.get(operation) ?? []), { ...spec, used: 0 }]);
    return this;
  }

  /** Delay before every answer of one route, or of every route when `operation` is omitted. */
  delay(latencyMs: number, operation?: string): this {
    if (operation === undefined) this.defaultLatencyMs = latencyMs;
    else this.latencies.set(operation, latencyMs);
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
    if (current.used >= current.count) queue.shift();
    return {
      status: current.status,
      responseLost: current.responseLost ?? false,
      ordinal: current.used,
      count: current.count,
    };
  }

  /** The server's one question: how to answer this call of a route (see FaultHook). */
  async respond(call: InjectedCall): Promise<ServiceResponse | undefined> {
    const { operation } = call.route;
    await sleep(this.latencyMs(operation), undefined, { signal: call.signal }).catch(() => undefined);
    if (call.signal.aborted) return undefined;
    const fault = this.take(operation);
    if (fault === undefined) return call.handle();
    const which =
      fault.count === Infinity
        ? `call ${fault.ordinal}, permanent`
        : `call ${fault.ordinal} of ${fault.count}`;
    const injected = {
      status: fault.status,
      body: { message: `Injected fault ${fault.status} on ${operation} (${which})` },
    };
    if (fault.responseLost) call.handle();
    return injected;
  }
}

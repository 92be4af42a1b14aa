import type { Route } from "../../components/routes";
import type { Contract, Operation } from "./contract";
import type { ServiceResponse } from "./orderService";

/** One call of a route, as the fault injection sees it. */
export interface InjectedCall {
  readonly route: Route;
  /** The route as the contract documents it, for a fault that must know the response's shape. */
  readonly contract: Contract;
  readonly operation: Operation;
  /** Aborted when the caller hangs up or the API closes: nobody is left to answer. */
  readonly signal: AbortSignal;
  /** Does the real work (contract check, idempotency, the service) and returns its answer. */
  handle(): ServiceResponse;
}

/**
 * The server's only question to the fault injection: how to answer one call of a route. It may
 * delay the answer, replace it, do the work and answer something else, or answer nothing
 * (undefined) once the caller is gone. New fault kinds change what `respond` does, not the server.
 */
export interface FaultHook {
  respond(call: InjectedCall): Promise<ServiceResponse | undefined>;
}

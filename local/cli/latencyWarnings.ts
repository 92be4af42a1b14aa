import { routes } from "../../components/routes";
import { apiGatewayTasks, Definitions } from "../aws/definitionStates";
import { routeOperationFor } from "./faultTargets";
import { safetyNetAttemptTimeoutMs } from "../localRun";
import { deliveryTimeoutSeconds } from "../aws/safetyNet";

/** The ASL default for a Task without TimeoutSeconds. */
const defaultTimeoutSeconds = 60;

/**
 * A warning for each latency that outlasts the TimeoutSeconds of a Task calling the delayed route,
 * as the local run scales it (`timeoutScale`): those calls end in States.Timeout (retried, then
 * caught), which is seldom what the delay was for. Likewise for the safety net's deliveries to
 * Event.Receive, which wait EventBridge's timeout scaled the same way (safetyNetAttemptTimeoutMs):
 * each would time out, and the OrderFailed be dead-lettered. `operation` undefined is a delay on
 * every route.
 */
export function latencyWarnings(
  latencies: readonly { readonly operation: string | undefined; readonly ms: number }[],
  definitions: Definitions,
  timeoutScale: number,
): string[] {
  const tasks = apiGatewayTasks(definitions).map(({ name, state }) => ({
    name,
    operation: routeOperationFor(name, definitions),
    timeoutSeconds: Number(state.TimeoutSeconds ?? defaultTimeoutSeconds),
  }));
  // A route's own latency replaces the one for every route, so only that one can outlast its Tasks.
  const ownLatency = new Set(latencies.map(({ operation }) => operation));
  const outlastingTasks = latencies.flatMap(({ operation, ms }) => {
    const outlasted = tasks.filter(
      (task) =>
        (operation === undefined ? !ownLatency.has(task.operation) : task.operation === operation) &&
        ms >= task.timeoutSeconds * 1000 * timeoutScale,
    );
    if (outlasted.length === 0) return [];
    const seconds = [...new Set(outlasted.map((task) => task.timeoutSeconds))].join(" or ");
    return [
      `Warning: a latency of ${ms} ms on ${operation ?? "every route"} is not shorter than the TimeoutSeconds (${seconds} s, ×${timeoutScale} here) of ${outlasted
        .map((task) => task.name)
        .join(", ")}: those calls will end in States.Timeout.`,
    ];
  });
  const delivery = safetyNetAttemptTimeoutMs(timeoutScale);
  const receive = routes.receiveEvent.operation;
  const outlastingDeliveries = latencies.flatMap(({ operation, ms }) =>
    (operation === undefined ? !ownLatency.has(receive) : operation === receive) && ms >= delivery
      ? [
          `Warning: a latency of ${ms} ms on ${operation ?? "every route"} is not shorter than the safety net's delivery timeout (${deliveryTimeoutSeconds} s, ×${timeoutScale} here, at least 50 ms: ${delivery} ms): each of its deliveries will time out, and its OrderFailed be dead-lettered.`,
        ]
      : [],
  );
  return [...outlastingTasks, ...outlastingDeliveries];
}

/**
 * A clock for the local runs of the tests: none of its time-outs fires by itself, however busy the
 * machine is, so a slow answer is never taken for a timed-out one. A test that studies a time-out
 * fires it: when the API holds a call (a `timeout` fault), or at a point of the run it chooses.
 */
import { Faults } from "../../local/api/faults";
import { Definitions } from "../../local/aws/definitionStates";
import { routeOperationFor } from "../../local/cli/faultTargets";
import { safetyNetRoute } from "../../components/resources/safetyNet";
import { TimeoutClock, TimeoutSubject } from "../../local/aws/timeoutClock";

interface Pending {
  readonly subject: TimeoutSubject;
  readonly fire: () => void;
}

export class TestClock implements TimeoutClock {
  private readonly pending: Pending[] = [];

  start(subject: TimeoutSubject, _ms: number, fire: () => void): () => void {
    const entry = { subject, fire };
    this.pending.push(entry);
    return () => this.forget(entry);
  }

  /** The time-outs started and neither fired nor cancelled, oldest first. */
  get running(): readonly TimeoutSubject[] {
    return this.pending.map(({ subject }) => subject);
  }

  /** Fires the oldest running time-out that `matches`; a test that expects one and finds none fails. */
  fire(matches: (subject: TimeoutSubject) => boolean): void {
    const entry = this.pending.find(({ subject }) => matches(subject));
    if (entry === undefined) {
      throw new Error(`No running time-out matches; running: ${JSON.stringify(this.running)}`);
    }
    this.forget(entry);
    entry.fire();
  }

  /**
   * Each call `faults` holds outlasts the time-out that waits for it: the Task's of a state that
   * calls that route, or the safety net's delivery for the events route.
   */
  firingWhenHeld(faults: Faults, definitions: Definitions): Faults {
    const calls = (state: string, operation: string): boolean => {
      try {
        return routeOperationFor(state, definitions) === operation;
      } catch {
        return false; // a Task that calls no route (Price Cart)
      }
    };
    return faults.whenHeld((operation) =>
      this.fire(
        (subject) =>
          (subject.kind === "task" && calls(subject.state, operation)) ||
          (subject.kind === "delivery" && operation === safetyNetRoute.operation),
      ),
    );
  }

  private forget(entry: Pending): void {
    const at = this.pending.indexOf(entry);
    if (at >= 0) this.pending.splice(at, 1);
  }
}

/**
 * Where a local run's time-outs come from: a Task's and an execution's TimeoutSeconds, and the
 * safety net's wait for each delivery. The CLI and the bench use real timers; a test gives its own
 * clock, so that no time-out fires because the machine is busy, and one it studies fires when the
 * test says (test/local/testClock.ts).
 */
export type TimeoutSubject =
  | { readonly kind: "task"; readonly state: string; readonly executionArn: string }
  | { readonly kind: "execution"; readonly executionArn: string }
  | { readonly kind: "delivery"; readonly executionArn: string };

export interface TimeoutClock {
  /** Calls `fire` once, after `ms`, unless the returned function cancels it first. */
  start(subject: TimeoutSubject, ms: number, fire: () => void): () => void;
}

export const realClock: TimeoutClock = {
  start(_subject, ms, fire) {
    const timer = setTimeout(fire, ms);
    return () => clearTimeout(timer);
  },
};

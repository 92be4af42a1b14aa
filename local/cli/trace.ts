import type { RecordedRequest } from "../api/server";
import type { Colors } from "./colors";
import { AslDefinition, statesOf } from "../../components/definition/asl";
import type { Billing } from "../aws/billing";
import type { ExecutionEvent, ExecutionResult, ExecutionScope } from "../aws/execution";

const causeWidth = 140;
/** What a retrier without MaxAttempts allows (States Language). */
const defaultMaxAttempts = 3;
const clip = (text: string): string =>
  text.length > causeWidth ? `${text.slice(0, causeWidth - 1)}…` : text;
const ms = (from: number, to: number): string => `${Math.max(0, to - from)} ms`;

/**
 * Turns the engine's events into one line each, as they happen: entries, exits with durations,
 * failures, retries and catches, indented by nesting. The Map's items run at once and their lines
 * interleave, so each of their lines starts with its item, `[item 2]`, to follow one by eye or grep.
 * A child execution's states (the pricing child) are nested one level under the Task that started it.
 */
export class TracePrinter {
  private readonly depths = new WeakMap<AslDefinition, ReadonlyMap<string, number>>();
  private readonly enteredAt = new Map<string, number>();
  /** States left by a Catch: the engine still reports them exited, which is no success. */
  private readonly caught = new Set<string>();

  constructor(
    private readonly definition: AslDefinition,
    private readonly colors: Colors,
    private readonly write: (line: string) => void,
  ) {}

  private depthOf(state: string, definition: AslDefinition): number {
    let depths = this.depths.get(definition);
    if (depths === undefined) {
      depths = new Map(statesOf(definition).map(({ name, depth }) => [name, depth]));
      this.depths.set(definition, depths);
    }
    return depths.get(state) ?? 0;
  }

  /** How deep a state of the scope's execution is shown: under the Task that started it, if any. */
  private indentOf(state: string, scope: ExecutionScope): number {
    const { startedBy } = scope;
    const own = this.depthOf(state, scope.definition);
    return startedBy === undefined ? own : this.indentOf(startedBy.state, startedBy.scope) + 1 + own;
  }

  /** `scope` tells a child's event from the order's own: the order's when absent. */
  print(
    event: ExecutionEvent,
    scope: ExecutionScope = { definition: this.definition, executionArn: "" },
  ): void {
    if (!("state" in event)) return;
    const { dim, green, red, yellow, magenta } = this.colors;
    const item = event.index === undefined ? "" : `${dim(`[item ${event.index}]`)} `;
    const key = `${scope.executionArn}#${event.state.name}#${event.index ?? ""}`;
    const indent = "  ".repeat(this.indentOf(event.state.name, scope));
    const line = (mark: string, detail = "") =>
      this.write(`${item}${indent}${mark} ${event.state.name}${detail}`);
    const elapsed = () => dim(`  ${ms(this.enteredAt.get(key) ?? event.timestamp, event.timestamp)}`);
    switch (event.type) {
      case "StateEntered":
        this.enteredAt.set(key, event.timestamp);
        return line(dim("→"));
      case "StateExited":
        if (this.caught.delete(key)) return;
        return line(green("✓"), elapsed());
      case "StateFailed":
        return line(red("✗"), `  ${red(event.Error)} ${dim(clip(String(event.Cause)))}${elapsed()}`);
      case "StateRetried":
        return line(
          yellow("↻"),
          yellow(
            `  retry ${event.retry.attempt} of ${event.retry.retrier.MaxAttempts ?? defaultMaxAttempts}`,
          ),
        );
      case "StateCaught":
        this.caught.add(key);
        return line(magenta("⤷"), `${magenta(`  caught, next: ${event.catch.catcher.Next}`)}${elapsed()}`);
    }
  }
}

/**
 * The end of a run: outcome, duration, what AWS bills (Standard transitions, Express requests),
 * calls per route (and those the idempotency store answered, so a retried POST shows it did not
 * act twice), then the output (unless `withOutput` is false: --quiet) or the error.
 */
export function summary(
  result: ExecutionResult,
  billing: Billing,
  requests: readonly RecordedRequest[],
  colors: Colors,
  withOutput = true,
): string {
  const { bold, dim, green, red } = colors;
  const express =
    billing.expressRequests === 0
      ? "no Express request"
      : `${billing.expressRequests} Express request${billing.expressRequests === 1 ? "" : "s"} (${billing.expressDurationMs} ms)`;
  const perRoute = new Map<string, number>();
  for (const request of requests)
    perRoute.set(request.operation ?? "?", (perRoute.get(request.operation ?? "?") ?? 0) + 1);
  const calls =
    [...perRoute].map(([operation, count]) => `${operation} ×${count}`).join(", ") || "no API call";
  const headline =
    result.status === "SUCCEEDED"
      ? green(bold("Execution SUCCEEDED"))
      : red(bold(`Execution ${result.status}`));
  const replays = new Map<string, number>();
  for (const request of requests.filter((candidate) => candidate.replayed))
    replays.set(request.operation ?? "?", (replays.get(request.operation ?? "?") ?? 0) + 1);
  const lines = [
    "",
    `${headline} in ${result.durationMs} ms · ${billing.standardTransitions} Standard transitions · ${express} · ${requests.length} API calls`,
    dim(`  ${calls}`),
    ...[...replays].map(([operation, count]) =>
      dim(`  ${operation} ×${count} answered from the idempotency store: the retry did not act twice`),
    ),
    dim(`  ${result.executionArn}`),
    "",
  ];
  if (result.status === "SUCCEEDED") {
    if (withOutput) lines.push(bold("Output:"), JSON.stringify(result.output, null, 2));
  } else {
    lines.push(`${bold("Error:")} ${red(result.error)}`, `${bold("Cause:")} ${result.cause}`);
  }
  return lines.join("\n");
}

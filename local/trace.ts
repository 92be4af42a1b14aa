import type { RecordedRequest } from "./api/server";
import type { Colors } from "./colors";
import { AslDefinition, statesOf } from "../components/asl";
import type { ExecutionEvent, ExecutionResult } from "./runner";

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
 */
export class TracePrinter {
  private readonly depths: ReadonlyMap<string, number>;
  private readonly enteredAt = new Map<string, number>();
  /** States left by a Catch: the engine still reports them exited, which is no success. */
  private readonly caught = new Set<string>();

  constructor(
    definition: AslDefinition,
    private readonly colors: Colors,
    private readonly write: (line: string) => void,
  ) {
    this.depths = new Map(statesOf(definition).map(({ name, depth }) => [name, depth]));
  }

  print(event: ExecutionEvent): void {
    if (!("state" in event)) return;
    const { dim, green, red, yellow, magenta } = this.colors;
    const item = event.index === undefined ? "" : `${dim(`[item ${event.index}]`)} `;
    const key = `${event.state.name}#${event.index ?? ""}`;
    const line = (mark: string, detail = "") =>
      this.write(
        `${item}${"  ".repeat(this.depths.get(event.state.name) ?? 0)}${mark} ${event.state.name}${detail}`,
      );
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
 * The end of a run: outcome, duration, calls per route (and those the idempotency store answered,
 * so a retried POST shows it did not act twice), transitions, then the output or the error.
 */
export function summary(
  result: ExecutionResult,
  requests: readonly RecordedRequest[],
  colors: Colors,
): string {
  const { bold, dim, green, red } = colors;
  const transitions = result.events.filter((event) => event.type === "StateEntered").length;
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
    `${headline} in ${result.durationMs} ms · ${transitions} state transitions · ${requests.length} API calls`,
    dim(`  ${calls}`),
    ...[...replays].map(([operation, count]) =>
      dim(`  ${operation} ×${count} answered from the idempotency store: the retry did not act twice`),
    ),
    dim(`  ${result.executionArn}`),
    "",
  ];
  if (result.status === "SUCCEEDED") {
    lines.push(bold("Output:"), JSON.stringify(result.output, null, 2));
  } else {
    lines.push(`${bold("Error:")} ${red(result.error)}`, `${bold("Cause:")} ${result.cause}`);
  }
  return lines.join("\n");
}

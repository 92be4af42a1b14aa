import { outcomeErrors } from "../../components/definition/outcomes";
import type { Colors } from "./colors";
import type { SafetyNetOutcome } from "../aws/safetyNet";

/**
 * What the safety net did with the execution's status change, for the end of `npm start`.
 * `executionError` is the execution's own error, which the event may not carry (its shape).
 */
export function safetyNetSummary(outcome: SafetyNetOutcome, colors: Colors, executionError?: string): string {
  const { bold, dim, green, red } = colors;
  const { status, error } = outcome.event.detail;
  const seen = `${status}${error === undefined ? "" : ` ${error}`}`;
  const unconfirmed = [
    red(
      `  OrderCreated may have been delivered: on-call asks the events service about ${outcome.event.detail.executionArn} (the executions-failed alarm fires).`,
    ),
    red(
      `  If it has no outcome, on-call re-sends that OrderCreated with Idempotency-Key ${outcome.event.detail.executionArn}/OrderCreated.`,
    ),
  ];
  const mayHaveBeenDelivered = (executionError ?? error) === outcomeErrors.orderCreatedUnconfirmed;
  if (!outcome.matched && !outcome.sent) {
    return `\n${bold("Safety net:")} ${dim(`an Express workflow sends no status change events: nothing reaches the rule`)}`;
  }
  if (!outcome.matched && mayHaveBeenDelivered) {
    return [
      "",
      `${bold("Safety net:")} ${dim(`the rule does not match ${seen}: nothing to deliver.`)}`,
      ...unconfirmed,
    ].join("\n");
  }
  if (!outcome.matched) {
    return `\n${bold("Safety net:")} ${dim(`the rule does not match ${seen}: nothing to deliver`)}`;
  }
  // Up to 186 attempts: runs of one answer are counted, not listed, to keep the line readable.
  const runs: { answer: string; times: number }[] = [];
  for (const { status } of outcome.attempts) {
    const answer = String(status ?? "no answer");
    const last = runs.at(-1);
    if (last?.answer === answer) last.times += 1;
    else runs.push({ answer, times: 1 });
  }
  const attempts = runs.map(({ answer, times }) => (times === 1 ? answer : `${answer} ×${times}`)).join(", ");
  const verdict =
    outcome.outcome === "delivered"
      ? green(`delivered after ${outcome.attempts.length} attempt(s) (${attempts})`)
      : red(`dead-lettered after ${outcome.attempts.length} attempt(s) (${attempts})`);
  // The events service's one-outcome rule: the execution announced OrderCreated before it stopped.
  const refused = outcome.outcome === "dead-lettered" && outcome.attempts.at(-1)?.status === 409;
  return [
    "",
    `${bold("Safety net:")} the rule matches ${seen}; ${outcome.request.method} ${outcome.request.path} ${verdict}`,
    ...(refused
      ? [
          green(
            `  Refused with 409: the execution already has its outcome, so it tells one story. On-call deletes the dead letter; nothing is announced.`,
          ),
        ]
      : []),
    // Delivered, the OrderFailed is the execution's one outcome (or was acknowledged as one it had).
    ...(mayHaveBeenDelivered && outcome.outcome === "dead-lettered" && !refused ? unconfirmed : []),
    dim(`  Idempotency-Key: ${outcome.request.headers["Idempotency-Key"] ?? "(none)"}`),
    dim(`  ${JSON.stringify(outcome.request.body)}`),
  ].join("\n");
}

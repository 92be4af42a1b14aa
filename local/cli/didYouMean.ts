import { distance } from "fastest-levenshtein";

/**
 * The candidate someone probably meant by `word`: the only one it starts, or the nearest one within
 * two edits or a third of its length, and fewer edits than it has letters (case ignored, as typos
 * often are); undefined when none is close.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const typed = word.toLowerCase();
  const prefixed = candidates.filter((candidate) => candidate.toLowerCase().startsWith(typed));
  if (typed.length > 0 && prefixed.length === 1) return prefixed[0];
  let best: { candidate: string; edits: number } | undefined;
  for (const candidate of candidates) {
    const edits = distance(typed, candidate.toLowerCase());
    if (best === undefined || edits < best.edits) best = { candidate, edits };
  }
  const near = (edits: number) => edits <= Math.max(2, Math.floor(typed.length / 3)) && edits < typed.length;
  return best !== undefined && near(best.edits) ? best.candidate : undefined;
}

/** ` Did you mean "X"?`, or nothing: to end an error message with. */
export function suggestion(word: string, candidates: readonly string[], quote = '"'): string {
  const meant = didYouMean(word, candidates);
  return meant === undefined ? "" : ` Did you mean ${quote}${meant}${quote}?`;
}

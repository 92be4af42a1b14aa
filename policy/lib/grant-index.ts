// Finds the Resource patterns that may match a call's execute-api ARN without trying every pattern on every
// call, so that a role of thousands of grants and a definition of thousands of calls are compared in time
// linear in both (issue 17, section 4).
//
// An execute-api ARN is `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>`. A call's
// ARN has exactly five colons when its path has none; a pattern with exactly five colons can then only match it
// colon for colon (IAM's `*` may span a colon, but every colon of the ARN is taken by one of the pattern's), so
// its part after the fifth colon must match the call's, and so must begin with that part's literal prefix (its
// characters up to the first wildcard). The patterns are kept in a trie of those prefixes, one character per
// level: a call is tried only on the patterns whose prefix begins its own. Any other pattern (`*`,
// `arn:aws:execute-api:*`) is tried on every call, and every pattern on a call whose path holds a colon:
// candidates are never fewer than the matches.

/** One Resource pattern and what it belongs to. */
export interface Indexed<T> {
  pattern: string;
  value: T;
}

interface Node<T> {
  entries: Indexed<T>[];
  children: Map<string, Node<T>>;
  /** The entries of every node below, gathered once on first use. */
  below?: Indexed<T>[];
}

const node = <T>(): Node<T> => ({ entries: [], children: new Map() });

export class ArnPatternIndex<T> {
  private readonly root: Node<T> = node();
  /** Patterns tried on every call. */
  private readonly everywhere: Indexed<T>[] = [];
  private readonly all: Indexed<T>[] = [];

  add(pattern: string, value: T): void {
    const entry = { pattern, value };
    this.all.push(entry);
    const parts = pattern.split(":");
    if (parts.length !== 6) {
      this.everywhere.push(entry);
      return;
    }
    let at = this.root;
    for (const char of parts[5]) {
      if (char === "*" || char === "?") break;
      let child = at.children.get(char);
      if (child === undefined) {
        child = node();
        at.children.set(char, child);
      }
      at = child;
    }
    at.entries.push(entry);
  }

  /**
   * The patterns that may match some ARN of a call whose part after the fifth colon is `resource`, where the
   * run-time parts begin at the character indexes `open` says. With `reverse`, also those that the call's
   * ARN, read as a pattern with `*` for its run-time parts, may match: the patterns with literal characters
   * where the call has a run-time part (or a `*` or `?` of its own).
   */
  candidates(resource: string, opensAt: (index: number) => boolean, reverse: boolean): Indexed<T>[] {
    if (resource.includes(":")) return this.all;
    const found = this.everywhere.concat(this.root.entries);
    let at = this.root;
    for (let i = 0; i < resource.length; i++) {
      const char = resource[i];
      if (opensAt(i) || char === "*" || char === "?") {
        if (reverse) append(found, this.below(at));
        break;
      }
      const child = at.children.get(char);
      if (child === undefined) break;
      at = child;
      append(found, at.entries);
    }
    return found;
  }

  private below(at: Node<T>): Indexed<T>[] {
    if (at.below === undefined) {
      const gathered: Indexed<T>[] = [];
      const pending = [...at.children.values()];
      for (let next = pending.pop(); next; next = pending.pop()) {
        append(gathered, next.entries);
        for (const child of next.children.values()) pending.push(child);
      }
      at.below = gathered;
    }
    return at.below;
  }
}

/** A loop, not a spread: a spread of a very long list could exceed the engine's argument limit. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

// Who GitHub asks to review a path, by the CODEOWNERS rules: gitignore-style patterns, the last matching line wins.
// Only the pattern forms GitHub documents are handled: `*`, `**`, `?`, a leading `/` (anchored) and a trailing `/`
// (a directory's contents). Escapes and character ranges, which GitHub does not support either, are not.

export interface OwnerRule {
  pattern: string;
  owners: string[];
}

export function parseCodeowners(text: string): OwnerRule[] {
  return text
    .split("\n")
    .map((line) => line.replace(/(^|\s)#.*$/, "").trim())
    .filter((line) => line !== "")
    .map((line) => {
      const [pattern, ...owners] = line.split(/\s+/);
      return { pattern, owners };
    });
}

function patternToRegExp(pattern: string): RegExp {
  const directory = pattern.endsWith("/");
  const body = pattern.replace(/^\//, "").replace(/\/$/, "");
  // A slash at the start or in the middle anchors the pattern to the repository root; otherwise it matches at any depth.
  const anchored = pattern.startsWith("/") || body.includes("/");
  const source = body
    .split(/(\*\*\/|\/\*\*|\*\*|\*|\?)/)
    .map((part) => {
      if (part === "**/") return "(?:.*/)?";
      if (part === "/**") return "/.*";
      if (part === "**") return ".*";
      if (part === "*") return "[^/]*";
      if (part === "?") return "[^/]";
      return part.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  // A name matches the file itself or, as a directory, everything below it; a trailing slash keeps only the latter.
  const tail = directory ? "/.+" : "(?:/.+)?";
  return new RegExp(`^${anchored ? "" : "(?:.*/)?"}${source}${tail}$`);
}

/** The owners of a repository path (no leading slash), or [] when no line matches. */
export function ownersOf(rules: OwnerRule[], path: string): string[] {
  const match = [...rules].reverse().find((rule) => patternToRegExp(rule.pattern).test(path));
  return match?.owners ?? [];
}

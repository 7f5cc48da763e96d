// "Did you mean": the known command or option nearest to a mistyped one, by edit distance.
import { CATALOG, type CatalogEntry } from "./catalog.js";

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** Close enough to be a typo: a couple of edits, a few more for long words. */
function closeEnough(typed: string, known: string): boolean {
  return editDistance(typed, known) <= Math.max(2, Math.floor(known.length / 4));
}

/** The candidates nearest to `typed` that are close enough (ties all returned). */
function nearest(typed: string, known: readonly string[]): string[] {
  const scored = known.filter((k) => closeEnough(typed, k)).map((k) => ({ k, d: editDistance(typed, k) }));
  const best = Math.min(...scored.map((s) => s.d));
  return scored.filter((s) => s.d === best).map((s) => s.k);
}

function commandPaths(): string[][] {
  return Object.values(CATALOG as Record<string, CatalogEntry>).flatMap((e) => e.paths.map((p) => [...p]));
}

/** The words of a command line before its first option. */
export function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith("-")) break;
    words.push(a);
  }
  return words;
}

/**
 * What the user may have meant by an unknown command (`instance list` → `instances list`;
 * `list` → `instances list`, `workshop list`), or nothing when no command is close.
 */
export function suggestCommands(words: readonly string[]): string[] {
  const paths = commandPaths();
  const joined = (p: readonly string[]): string => p.join(" ");
  if (words.length === 0) return [];
  // A right group with a wrong command: compare the second word within the group.
  const inGroup = paths.filter((p) => p.length > 1 && p[0] === words[0]);
  if (inGroup.length && words.length > 1) {
    const hits = nearest(words[1]!, inGroup.map((p) => p[1]!));
    return hits.map((h) => `${words[0]} ${h}`);
  }
  // A command word on its own (`list`): the commands that end with it.
  if (words.length === 1) {
    const bySecond = paths.filter((p) => p.length > 1 && p[1] === words[0]).map(joined);
    if (bySecond.length) return bySecond;
  }
  // The whole path mistyped: compare as many words as the commands have.
  const candidates = paths.map(joined);
  const typed = words.slice(0, 2).join(" ");
  const two = nearest(typed, candidates);
  if (two.length) return two;
  return nearest(words[0]!, candidates.filter((c) => !c.includes(" ")));
}

/** The nearest known option to a mistyped one (`--stat` → `--state`). */
export function suggestOption(typed: string, known: readonly string[]): string | undefined {
  const [first] = nearest(typed, known.filter((k) => k.startsWith("--")));
  return first;
}

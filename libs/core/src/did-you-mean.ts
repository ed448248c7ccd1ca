/**
 * Edit distance with adjacent transpositions (optimal string alignment), so `dropuot` is one edit
 * from `dropout`, as a typist sees it.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate a typo most likely meant: the closest one (case ignored) within a third of the word's
 * length (at least one edit), else the shortest one the word abbreviates (`testAcc` -> `testAccuracy`),
 * or undefined when nothing is that close.
 *
 * @param word what was typed
 * @param candidates the valid names
 */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  return closestByEdits(word, candidates) ?? shortestExtension(word, candidates);
}

function shortestExtension(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  if (w.length < 3) return undefined;
  const longer = candidates.filter((c) => c !== word && c.toLowerCase().startsWith(w));
  return longer.sort((a, b) => a.length - b.length)[0];
}

function closestByEdits(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.floor(w.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    const dist = editDistance(w, c.toLowerCase());
    if (dist <= limit && dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  return best;
}

/**
 * `"; did you mean 'momentum'?"` for a close candidate, else `''`: appended to an error message.
 *
 * @param word what was typed (anything but a string gives `''`)
 * @param candidates the valid names
 */
export function didYouMean(word: unknown, candidates: readonly string[]): string {
  if (typeof word !== 'string') return '';
  const c = closestName(word, candidates);
  return c === undefined ? '' : `; did you mean '${c}'?`;
}

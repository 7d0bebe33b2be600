/** Small text helpers for error messages: safe quoting of user input and "did you mean" hints. */

const MAX_SHOWN_CHARS = 60;

/**
 * Quotes user input for a message: JSON string syntax (control characters and quotes escaped),
 * cut to 60 characters so a pasted novel cannot flood the reply.
 */
export function show(value: string): string {
  const chars = Array.from(value);
  const cut = chars.length > MAX_SHOWN_CHARS ? `${chars.slice(0, MAX_SHOWN_CHARS).join('')}…` : value;
  return JSON.stringify(cut);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? Number.POSITIVE_INFINITY;
}

/** The closest candidate within two edits (or a prefix of 3+ letters), if any. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  if (w.length === 0 || w.length > 40) return undefined;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = w.length >= 3 && candidate.startsWith(w) ? 0 : editDistance(w, candidate);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

// "Did you mean" for mistyped flags, commands and profile names.

export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The candidates closest to `wanted` (at most three), best first. */
export function closest(wanted: string, candidates: Iterable<string>): string[] {
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return [...new Set(candidates)]
    .map((c) => ({ c, d: c.toLowerCase().includes(wanted.toLowerCase()) && wanted.length >= 3 ? 1 : distance(wanted.toLowerCase(), c.toLowerCase()) }))
    .filter(({ d }) => d <= limit)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, 3)
    .map(({ c }) => c);
}

export function didYouMean(wanted: string, candidates: Iterable<string>): string {
  const found = closest(wanted, candidates);
  return found.length ? ` Did you mean ${found.map((f) => `"${f}"`).join(' or ')}?` : '';
}

/** Edit distance, for "did you mean" hints on misspelled names. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** `expected one of: a, b (did you mean "b"?)`, for an unknown name among known ones. */
export function expectedOneOf(got: string, known: readonly string[]): string {
  const sorted = [...known].sort();
  const close = sorted
    .map((k) => ({ k, d: distance(got, k) }))
    .filter(({ d }) => d > 0 && d <= Math.max(2, Math.floor(got.length / 3)))
    .sort((x, y) => x.d - y.d)[0];
  const list = sorted.length > 12 ? `${sorted.slice(0, 12).join(', ')}, ...` : sorted.join(', ');
  return `expected one of: ${list || '(none defined)'}${close ? ` (did you mean "${close.k}"?)` : ''}`;
}

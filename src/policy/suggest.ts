/**
 * "Did you mean …?" for misspelt policy keys, axis names and environment names.
 */

/**
 * Levenshtein edit distance between `a` and `b` (insertions, deletions, substitutions; each 1).
 * O(|a|·|b|) time, O(|b|) memory; callers pass short identifiers only.
 */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution)
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** `min_grade`, `min-grade`, `MinGrade` → `mingrade`: spelling-insensitive comparison key. */
function fold(text: string): string {
  return text.toLowerCase().replace(/[-_\s]/g, '')
}

/**
 * The known name closest to `given`, or null when none is close. A name matches when it is equal
 * ignoring case, `-`, `_` and spaces (`min_grade` → `minGrade`), or when `aliases` maps the given
 * name to it, or when it is the only name starting with `given` (3+ characters: `prod` →
 * `production`), or when its edit distance is at most max(1, ⌊length / 3⌋) (so `securty` →
 * `security`, but `foo` suggests nothing).
 * @param aliases other spellings users write for a known name (`credential_exposure` →
 *   `credentials`), compared folded.
 */
export function closestName(
  given: string,
  known: readonly string[],
  aliases: Readonly<Record<string, string>> = {}
): string | null {
  const folded = fold(given)
  for (const name of known) if (fold(name) === folded) return name
  for (const [alias, name] of Object.entries(aliases)) if (fold(alias) === folded) return name
  if (folded.length >= 3) {
    const extended = known.filter((name) => fold(name).startsWith(folded))
    if (extended.length === 1) return extended[0] ?? null
  }
  let best: string | null = null
  let bestDistance = Infinity
  for (const name of known) {
    const distance = editDistance(folded, fold(name))
    if (distance < bestDistance) {
      best = name
      bestDistance = distance
    }
  }
  const allowed = Math.max(1, Math.floor(folded.length / 3))
  return bestDistance <= allowed ? best : null
}

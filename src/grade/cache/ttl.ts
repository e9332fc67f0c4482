/**
 * The grade cache's time-to-live as people type it (`--cache-ttl 7`, the action's `cache-ttl`
 * input): a number of days, fractions allowed (issue 5: default 7 days, so new advisories are
 * picked up).
 */

/** Default time-to-live in days (issue 5). */
export const DEFAULT_CACHE_TTL_DAYS = 7

/** Longest time-to-live accepted, in days: one year. */
const MAX_CACHE_TTL_DAYS = 365

/** Milliseconds in a day (a `GradeCache`'s `ttlMs` is days × this). */
export const MS_PER_DAY = 24 * 60 * 60 * 1000

/**
 * A time-to-live in days (`parseCacheTtlDays`; fractions allowed) as the ms a `GradeCache`
 * takes: `days × MS_PER_DAY`, rounded to the nearest ms (`Math.round`), so `0.1` days is
 * 8 640 000 ms. Pure; never throws (a non-finite or non-positive `days` gives a value the
 * `GradeCache` constructor rejects with a RangeError).
 */
export function cacheTtlMs(days: number): number {
  return Math.round(days * MS_PER_DAY)
}

/**
 * Days as typed (`7`, `0.5`), trimmed.
 * @param label how the value is named in the error (`--cache-ttl`, `cache-ttl`); default
 *   `cache-ttl`.
 * @returns the number of days, greater than 0 and at most 365.
 * @throws RangeError otherwise (the message names `label` and the value; callers turn it into
 *   their usage error).
 */
export function parseCacheTtlDays(text: string, label = 'cache-ttl'): number {
  const trimmed = text.trim()
  const days = Number(trimmed)
  if (trimmed === '' || !Number.isFinite(days) || days <= 0 || days > MAX_CACHE_TTL_DAYS) {
    throw new RangeError(
      `${label} must be a number of days greater than 0 and at most ${MAX_CACHE_TTL_DAYS}, got "${text}"`
    )
  }
  return days
}

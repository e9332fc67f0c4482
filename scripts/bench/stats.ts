/**
 * Order statistics of benchmark samples (ms or any unit): median and nearest-rank percentiles.
 */

/** Summary of samples, in the samples' unit. */
export interface SampleSummary {
  /** Number of samples. */
  n: number
  min: number
  median: number
  /** 95th percentile, nearest-rank method (the smallest sample ≥ 95 % of them). */
  p95: number
  max: number
}

/**
 * The `p`-th percentile (0 < p ≤ 100) of `samples` by the nearest-rank method: the value at rank
 * ⌈p/100 × n⌉ of the sorted samples.
 * @throws RangeError when `samples` is empty or `p` is out of range.
 */
function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('percentile of no samples')
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} is not in (0, 100]`)
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.ceil((p / 100) * sorted.length) - 1]!
}

/**
 * The median of `samples` (the mean of the two middle values for an even count).
 * @throws RangeError when `samples` is empty.
 */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('median of no samples')
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/**
 * Min, median, p95 and max of `samples`.
 * @throws RangeError when `samples` is empty.
 */
export function summarise(samples: readonly number[]): SampleSummary {
  return {
    n: samples.length,
    min: Math.min(...samples),
    median: median(samples),
    p95: percentile(samples, 95),
    max: Math.max(...samples)
  }
}

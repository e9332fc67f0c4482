/**
 * secretlint 11 records a `performance.mark` for every rule of every lint call and feeds each
 * to a `PerformanceObserver` whose bookkeeping grows quadratically with the number of marks
 * (secretlint issues #1633 and #1653, fixed in secretlint 13, which needs Node 22). After a few
 * hundred config entries the event loop stalls for seconds. The gate never reads secretlint's
 * measurements, so marking is switched off.
 *
 * `@secretlint/profiler` is a direct dependency pinned to the version `@secretlint/core` uses, so
 * both resolve to the one singleton patched here; a test checks that no mark is recorded.
 */
import { secretLintProfiler } from '@secretlint/profiler'

/** Make secretlint's profiler a no-op (idempotent). */
export function silenceSecretlintProfiler(): void {
  Object.defineProperty(secretLintProfiler, 'mark', {
    value: () => undefined,
    configurable: true,
    writable: true
  })
}

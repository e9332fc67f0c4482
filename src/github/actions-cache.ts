/**
 * The grade cache directory carried between workflow runs with the Actions cache service
 * (`@actions/cache`, issue 5 scope 6). The directory's entries carry their own expiry (7 days by
 * default, see `src/grade/cache/`), so restoring the newest saved copy is always safe: stale
 * entries are ignored and new advisories are picked up.
 *
 * Keys: a fixed prefix (`CACHE_KEY_PREFIX`) plus the run id, attempt and job, so every save is a
 * new immutable cache entry and a restore takes the most recent one by prefix (GitHub Docs,
 * "Caching dependencies to speed up workflows" → "Matching a cache key"). A run saves only when
 * it wrote new grades.
 *
 * Never throws: the cache is an optimisation. Without the cache service (outside Actions, or on a
 * GHES without it) both calls do nothing; a read-only cache token (fork pull requests, untrusted
 * events) is logged, not warned about.
 */
import * as cache from '@actions/cache'
import type { Logger } from '../log.js'
import { errorLine } from './error-line.js'

/** The prefix of every grade cache key; bump the `v` when the directory layout changes. */
export const CACHE_KEY_PREFIX = 'mcp-grade-gate-grades-v1-'

/** The functions used from `@actions/cache` (tests pass their own). */
export interface CacheService {
  isFeatureAvailable: () => boolean
  restoreCache: (
    paths: string[],
    primaryKey: string,
    restoreKeys?: string[]
  ) => Promise<string | undefined>
  saveCache: (paths: string[], key: string) => Promise<number>
}

const actionsCache: CacheService = {
  isFeatureAvailable: () => cache.isFeatureAvailable(),
  restoreCache: (paths, key, restoreKeys) => cache.restoreCache(paths, key, restoreKeys),
  saveCache: (paths, key) => cache.saveCache(paths, key)
}

/**
 * The key a run saves under: prefix + run id, attempt, job and (when not `default`) the
 * comment id, so the jobs of one run, matrix legs with their own comment ids included, each
 * save their own entry: `mcp-grade-gate-grades-v1-<run id>-<attempt>-<job>[-<comment id>]`.
 *
 * Each part keeps only the characters `[A-Za-z0-9_.-]` (the others, commas included, are
 * dropped) and is cut to its first 100 characters; a part left empty takes its fallback
 * (`local`, `1`, `job`, `default`). So a key is at most 25 + 4 × 100 + 3 = 428 characters, within
 * the Actions cache's limits on a key: at most 512 characters and no commas (`@actions/cache`,
 * `validateKey`, which throws a ValidationError otherwise). Pure; never throws.
 */
export function cacheKeyFor(
  env: Readonly<Record<string, string | undefined>>,
  commentId = 'default'
): string {
  const clean = (value: string | undefined, fallback: string): string =>
    (value ?? '').replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 100) || fallback
  const part = (name: string, fallback: string): string => clean(env[name], fallback)
  const id = commentId === 'default' ? '' : `-${clean(commentId, 'default')}`
  return `${CACHE_KEY_PREFIX}${part('GITHUB_RUN_ID', 'local')}-${part('GITHUB_RUN_ATTEMPT', '1')}-${part('GITHUB_JOB', 'job')}${id}`
}

/**
 * Restore the newest saved grade cache into `dir`.
 * @returns the key restored, or null (none saved yet, no cache service, or a failure, logged).
 */
export async function restoreGradeCache(
  dir: string,
  key: string,
  logger: Logger,
  service: CacheService = actionsCache
): Promise<string | null> {
  try {
    if (!service.isFeatureAvailable()) {
      logger.debug('the Actions cache service is not available: grades are not carried over')
      return null
    }
    const hit = await service.restoreCache([dir], key, [CACHE_KEY_PREFIX])
    logger.info(hit ? `grade cache restored from ${hit}` : 'no saved grade cache yet')
    return hit ?? null
  } catch (error) {
    logger.warning(`could not restore the grade cache: ${errorLine(error)}`)
    return null
  }
}

/**
 * Save `dir` under `key`.
 * @returns whether it was saved (a failure is logged: a read-only cache token as information,
 *   anything else as a warning).
 */
export async function saveGradeCache(
  dir: string,
  key: string,
  logger: Logger,
  service: CacheService = actionsCache
): Promise<boolean> {
  try {
    if (!service.isFeatureAvailable()) return false
    const id = await service.saveCache([dir], key)
    if (id === -1) return false // @actions/cache has logged why
    logger.info(`grade cache saved as ${key}`)
    return true
  } catch (error) {
    if (error instanceof cache.ReserveCacheError && /cache write denied/i.test(error.message)) {
      logger.info('the cache token is read-only for this event: new grades are not saved')
      return false
    }
    logger.warning(`could not save the grade cache: ${errorLine(error)}`)
    return false
  }
}

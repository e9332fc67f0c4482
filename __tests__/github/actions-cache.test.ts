import { CacheWriteDeniedError, ReserveCacheError } from '@actions/cache'
import { describe, expect, it, jest } from '@jest/globals'
import {
  CACHE_KEY_PREFIX,
  cacheKeyFor,
  restoreGradeCache,
  saveGradeCache,
  type CacheService
} from '../../src/github/actions-cache.js'
import type { Logger } from '../../src/log.js'

/** A logger that keeps each level apart (info vs warning matters here). */
function levelLogger(): Logger & { debugs: string[]; infos: string[]; warnings: string[] } {
  const debugs: string[] = []
  const infos: string[] = []
  const warnings: string[] = []
  return {
    debugs,
    infos,
    warnings,
    debug: (m) => void debugs.push(m),
    info: (m) => void infos.push(m),
    warning: (m) => void warnings.push(m)
  }
}

/** A cache service whose calls are recorded; `over` replaces any of them. */
function service(over: Partial<CacheService> = {}) {
  const isFeatureAvailable = jest.fn<CacheService['isFeatureAvailable']>(() => true)
  const restoreCache = jest.fn<CacheService['restoreCache']>(async () => undefined)
  const saveCache = jest.fn<CacheService['saveCache']>(async () => 42)
  const s = { isFeatureAvailable, restoreCache, saveCache }
  return { ...s, ...over } as typeof s
}

const DIR = '/runner/_temp/mcp-grade-gate-cache'
const KEY = `${CACHE_KEY_PREFIX}4242-1-gate`

describe('cacheKeyFor', () => {
  it('is the prefix plus run id, attempt and job', () => {
    expect(
      cacheKeyFor({ GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '2', GITHUB_JOB: 'mcp-gate' })
    ).toBe('mcp-grade-gate-grades-v1-4242-2-mcp-gate')
  })

  it('adds the comment id unless it is default, so matrix legs save their own entries', () => {
    const env = { GITHUB_RUN_ID: '7', GITHUB_RUN_ATTEMPT: '1', GITHUB_JOB: 'gate' }
    expect(cacheKeyFor(env, 'default')).toBe('mcp-grade-gate-grades-v1-7-1-gate')
    expect(cacheKeyFor(env, 'production')).toBe('mcp-grade-gate-grades-v1-7-1-gate-production')
  })

  it('falls back to local, 1 and job when the variables are missing or empty', () => {
    expect(cacheKeyFor({})).toBe('mcp-grade-gate-grades-v1-local-1-job')
    expect(cacheKeyFor({ GITHUB_RUN_ID: '', GITHUB_RUN_ATTEMPT: '  ', GITHUB_JOB: '///' })).toBe(
      'mcp-grade-gate-grades-v1-local-1-job'
    )
  })

  it('keeps only letters, digits, _ . - (no commas, spaces or slashes) and at most 100 each', () => {
    const key = cacheKeyFor({
      GITHUB_RUN_ID: '12,34',
      GITHUB_RUN_ATTEMPT: '1 ',
      GITHUB_JOB: `build/test job,${'x'.repeat(200)}`
    })
    expect(key).toBe(`mcp-grade-gate-grades-v1-1234-1-buildtestjob${'x'.repeat(88)}`)
    expect(key).not.toMatch(/[,\s/]/)
    // @actions/cache refuses keys over 512 characters.
    const longest = cacheKeyFor({
      GITHUB_RUN_ID: '9'.repeat(300),
      GITHUB_RUN_ATTEMPT: '9'.repeat(300),
      GITHUB_JOB: 'j'.repeat(300)
    })
    expect(longest.length).toBe(CACHE_KEY_PREFIX.length + 302)
    expect(longest.length).toBeLessThanOrEqual(512)
  })
})

describe('restoreGradeCache', () => {
  it('does nothing without the cache service', async () => {
    const s = service({ isFeatureAvailable: jest.fn(() => false) })
    const logger = levelLogger()
    expect(await restoreGradeCache(DIR, KEY, logger, s)).toBeNull()
    expect(s.restoreCache).not.toHaveBeenCalled()
    expect(logger.warnings).toEqual([])
    expect(logger.debugs.join('\n')).toContain('not available')
  })

  it('restores the newest copy by prefix and returns the key it hit', async () => {
    const s = service({
      restoreCache: jest.fn<CacheService['restoreCache']>(
        async () => `${CACHE_KEY_PREFIX}4100-1-gate`
      )
    })
    const logger = levelLogger()
    expect(await restoreGradeCache(DIR, KEY, logger, s)).toBe(`${CACHE_KEY_PREFIX}4100-1-gate`)
    expect(s.restoreCache).toHaveBeenCalledTimes(1)
    expect(s.restoreCache).toHaveBeenCalledWith([DIR], KEY, [CACHE_KEY_PREFIX])
    expect(logger.infos).toEqual([`grade cache restored from ${CACHE_KEY_PREFIX}4100-1-gate`])
  })

  it('a miss returns null with an info line, no warning', async () => {
    const s = service()
    const logger = levelLogger()
    expect(await restoreGradeCache(DIR, KEY, logger, s)).toBeNull()
    expect(logger.infos).toEqual(['no saved grade cache yet'])
    expect(logger.warnings).toEqual([])
  })

  it('a failure is one warning (first line only) and null, never a throw', async () => {
    const s = service({
      restoreCache: jest.fn<CacheService['restoreCache']>(async () => {
        throw new Error('cache service unreachable\n    at stack line')
      })
    })
    const logger = levelLogger()
    expect(await restoreGradeCache(DIR, KEY, logger, s)).toBeNull()
    expect(logger.warnings).toEqual([
      'could not restore the grade cache: cache service unreachable'
    ])
  })

  it('a throwing availability check is a warning too', async () => {
    const s = service({
      isFeatureAvailable: jest.fn(() => {
        throw new Error('no ACTIONS_CACHE_URL')
      })
    })
    const logger = levelLogger()
    expect(await restoreGradeCache(DIR, KEY, logger, s)).toBeNull()
    expect(logger.warnings).toEqual(['could not restore the grade cache: no ACTIONS_CACHE_URL'])
  })
})

describe('saveGradeCache', () => {
  it('does nothing without the cache service', async () => {
    const s = service({ isFeatureAvailable: jest.fn(() => false) })
    const logger = levelLogger()
    expect(await saveGradeCache(DIR, KEY, logger, s)).toBe(false)
    expect(s.saveCache).not.toHaveBeenCalled()
    expect(logger.warnings).toEqual([])
  })

  it('saves the directory under the key', async () => {
    const s = service()
    const logger = levelLogger()
    expect(await saveGradeCache(DIR, KEY, logger, s)).toBe(true)
    expect(s.saveCache).toHaveBeenCalledWith([DIR], KEY)
    expect(logger.infos).toEqual([`grade cache saved as ${KEY}`])
  })

  it('-1 from the service (it logged why) is not saved, without a warning of ours', async () => {
    const s = service({ saveCache: jest.fn<CacheService['saveCache']>(async () => -1) })
    const logger = levelLogger()
    expect(await saveGradeCache(DIR, KEY, logger, s)).toBe(false)
    expect(logger.warnings).toEqual([])
    expect(logger.infos).toEqual([])
  })

  it('a read-only cache token ("cache write denied") is information, not a warning', async () => {
    const s = service({
      saveCache: jest.fn<CacheService['saveCache']>(async () => {
        throw new ReserveCacheError(
          `Unable to reserve cache with key ${KEY}. More details: cache write denied: read-only token`
        )
      })
    })
    const logger = levelLogger()
    expect(await saveGradeCache(DIR, KEY, logger, s)).toBe(false)
    expect(logger.warnings).toEqual([])
    expect(logger.infos).toEqual([
      'the cache token is read-only for this event: new grades are not saved'
    ])
  })

  it('@actions/cache’s own CacheWriteDeniedError (a ReserveCacheError) is information', async () => {
    const s = service({
      saveCache: jest.fn<CacheService['saveCache']>(async () => {
        throw new CacheWriteDeniedError(
          `Unable to reserve cache with key ${KEY}. More details: cache write denied: policy`
        )
      })
    })
    const logger = levelLogger()
    expect(await saveGradeCache(DIR, KEY, logger, s)).toBe(false)
    expect(logger.warnings).toEqual([])
    expect(logger.infos).toHaveLength(1)
  })

  it('another ReserveCacheError (a concurrent job) is a warning', async () => {
    const s = service({
      saveCache: jest.fn<CacheService['saveCache']>(async () => {
        throw new ReserveCacheError(
          `Unable to reserve cache with key ${KEY}, another job may be creating this cache.`
        )
      })
    })
    const logger = levelLogger()
    expect(await saveGradeCache(DIR, KEY, logger, s)).toBe(false)
    expect(logger.warnings).toEqual([
      `could not save the grade cache: Unable to reserve cache with key ${KEY}, another job may be creating this cache.`
    ])
  })

  it('a plain error that mentions "cache write denied" is still a warning', async () => {
    const s = service({
      saveCache: jest.fn<CacheService['saveCache']>(async () => {
        throw new Error('cache write denied: but not a ReserveCacheError')
      })
    })
    const logger = levelLogger()
    expect(await saveGradeCache(DIR, KEY, logger, s)).toBe(false)
    expect(logger.infos).toEqual([])
    expect(logger.warnings).toHaveLength(1)
  })

  it('a long message is cut to 300 characters', async () => {
    const s = service({
      saveCache: jest.fn<CacheService['saveCache']>(() =>
        Promise.reject(new Error('x'.repeat(400)))
      )
    })
    const logger = levelLogger()
    expect(await saveGradeCache(DIR, KEY, logger, s)).toBe(false)
    expect(logger.warnings).toEqual([`could not save the grade cache: ${'x'.repeat(299)}…`])
  })

  it('a thrown non-Error value is a warning and false', async () => {
    const s = service({
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      saveCache: jest.fn<CacheService['saveCache']>(() => Promise.reject('disk full'))
    })
    const logger = levelLogger()
    expect(await saveGradeCache(DIR, KEY, logger, s)).toBe(false)
    expect(logger.warnings).toEqual(['could not save the grade cache: disk full'])
  })
})

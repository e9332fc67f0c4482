/**
 * The grade cache's directory store: hits and misses, expiry, corrupt/foreign/wrong-key files,
 * write failures, atomic writes, file modes, size cap and symbolic links.
 */
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { z } from 'zod'
import { defaultCacheDir } from '../../../src/grade/cache/default-dir.js'
import { DEFAULT_CACHE_TTL_MS, GradeCache } from '../../../src/grade/cache/store.js'
import { cacheTtlMs, parseCacheTtlDays } from '../../../src/grade/cache/ttl.js'
import type { Logger } from '../../../src/log.js'

let root: string
let dir: string
let clock: Date

const DAY = 24 * 60 * 60 * 1000
const KEY = 'test | pkg:npm/example@1.0.0'

function fileOf(key: string): string {
  return path.join(dir, 'v1', `${createHash('sha256').update(key).digest('hex')}.json`)
}

function recordingLogger(): Logger & { warnings: string[]; debugs: string[] } {
  const warnings: string[] = []
  const debugs: string[] = []
  return {
    warnings,
    debugs,
    debug: (m) => void debugs.push(m),
    info: () => undefined,
    warning: (m) => void warnings.push(m)
  }
}

function cache(options: { ttlMs?: number; maxEntryBytes?: number; logger?: Logger } = {}) {
  return new GradeCache({ dir, now: () => clock, ...options })
}

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'grade-cache-'))
  dir = path.join(root, 'cache')
  clock = new Date('2026-11-21T10:00:00Z')
})
afterEach(() => {
  rmSync(root, { recursive: true, force: true })
})

describe('GradeCache', () => {
  it('misses, then stores and hits, counting both', async () => {
    const c = cache()
    expect(await c.get(KEY)).toBeNull()
    await c.put(KEY, { findings: [1, 2, 3] })
    expect(await c.get(KEY)).toEqual({ findings: [1, 2, 3] })
    expect(c.stats).toEqual({ hits: 1, misses: 1, writes: 1, failedWrites: 0 })
  })

  it('never answers a refused key, but still writes it fresh', async () => {
    await cache().put(KEY, 'planted')
    const next = cache()
    next.refuseReads([KEY])
    expect(await next.has(KEY)).toBe(false)
    expect(await next.get(KEY)).toBeNull()
    await next.put(KEY, 'fresh')
    expect(await next.get(KEY)).toBeNull()
    expect(await cache().get(KEY)).toBe('fresh')
  })

  it('is read by another instance on the same directory (the next run)', async () => {
    await cache().put(KEY, 'value')
    const next = cache()
    expect(await next.has(KEY)).toBe(true)
    expect(await next.get(KEY)).toBe('value')
    // has() does not count.
    expect(next.stats).toEqual({ hits: 1, misses: 0, writes: 0, failedWrites: 0 })
  })

  it('writes the entry shape with storedAt and expiresAt (default 7 days)', async () => {
    await cache().put(KEY, { a: 1 })
    const entry = JSON.parse(readFileSync(fileOf(KEY), 'utf8')) as Record<string, unknown>
    expect(entry).toEqual({
      cacheVersion: 1,
      key: KEY,
      storedAt: '2026-11-21T10:00:00.000Z',
      expiresAt: '2026-11-28T10:00:00.000Z',
      value: { a: 1 }
    })
    expect(DEFAULT_CACHE_TTL_MS).toBe(604_800_000)
  })

  it('expires an entry at expiresAt and deletes it', async () => {
    await cache().put(KEY, 'v')
    clock = new Date(clock.getTime() + 7 * DAY - 1)
    expect(await cache().get(KEY)).toBe('v')
    clock = new Date(clock.getTime() + 1)
    const c = cache()
    expect(await c.get(KEY)).toBeNull()
    expect(c.stats.misses).toBe(1)
    expect(existsSync(fileOf(KEY))).toBe(false)
  })

  it('does not serve an entry older than a shorter time-to-live of this run', async () => {
    await cache().put(KEY, 'v')
    clock = new Date(clock.getTime() + 2 * DAY)
    expect(await cache({ ttlMs: DAY }).get(KEY)).toBeNull()
    // Still there for a run with the default time-to-live.
    expect(await cache().get(KEY)).toBe('v')
  })

  it('does not serve an entry stored in the future (clock skew beyond 5 minutes)', async () => {
    await cache().put(KEY, 'v')
    clock = new Date(clock.getTime() - 10 * 60 * 1000)
    expect(await cache().get(KEY)).toBeNull()
  })

  it.each([
    ['not JSON', '{"cacheVersion": 1, "key":'],
    ['JSON of another shape', '[1, 2, 3]'],
    ['another cache version', JSON.stringify({ cacheVersion: 2, key: KEY, value: 1 })],
    [
      'a bad date',
      JSON.stringify({
        cacheVersion: 1,
        key: KEY,
        storedAt: 'yesterday',
        expiresAt: '2026-11-28T10:00:00.000Z',
        value: 1
      })
    ]
  ])('treats a corrupt or foreign file (%s) as a miss and deletes it', async (_what, text) => {
    mkdirSync(path.join(dir, 'v1'), { recursive: true })
    writeFileSync(fileOf(KEY), text)
    const logger = recordingLogger()
    const c = cache({ logger })
    expect(await c.get(KEY)).toBeNull()
    expect(c.stats.misses).toBe(1)
    expect(existsSync(fileOf(KEY))).toBe(false)
    expect(logger.warnings).toEqual([])
  })

  it('treats an entry whose key is another one as a miss', async () => {
    await cache().put('other key', 'theirs')
    mkdirSync(path.join(dir, 'v1'), { recursive: true })
    writeFileSync(fileOf(KEY), readFileSync(fileOf('other key')))
    expect(await cache().get(KEY)).toBeNull()
  })

  it('treats a value that fails the given schema as a miss', async () => {
    await cache().put(KEY, { score: 'high' })
    const c = cache()
    expect(await c.get(KEY, z.object({ score: z.number() }))).toBeNull()
    expect(await c.get(KEY, z.object({ score: z.string() }))).toEqual({ score: 'high' })
    expect(c.stats).toMatchObject({ hits: 1, misses: 1 })
  })

  it('warns once when it cannot write, and the run goes on without writing', async () => {
    // The cache "directory" is a file: nothing can be created under it (as a read-only mount).
    mkdirSync(root, { recursive: true })
    writeFileSync(dir, 'not a directory')
    const logger = recordingLogger()
    const c = cache({ logger })
    await c.put(KEY, 1)
    await c.put('second', 2)
    expect(await c.get(KEY)).toBeNull()
    expect(logger.warnings).toHaveLength(1)
    expect(logger.warnings[0]).toMatch(/grade cache .* cannot be written .*without caching/)
    expect(c.stats).toEqual({ hits: 0, misses: 1, writes: 0, failedWrites: 1 })
  })

  it('writes atomically: no temp file is left, concurrent writes leave one valid entry', async () => {
    const c = cache()
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => c.put(KEY, { writer: i, pad: 'x'.repeat(50_000) }))
    )
    expect(readdirSync(path.join(dir, 'v1'))).toEqual([path.basename(fileOf(KEY))])
    const value = (await cache().get(KEY)) as { writer: number }
    expect(value.writer).toBeGreaterThanOrEqual(0)
    expect(value.writer).toBeLessThan(20)
    expect(c.stats.writes).toBe(20)
  })

  it('ignores a half-written temp file of a crashed run, and prune removes it when stale', async () => {
    const c = cache()
    await c.put(KEY, 'v')
    const name = `.${path.basename(fileOf(KEY))}.4242.0123456789ab.tmp`
    const temp = path.join(dir, 'v1', name)
    writeFileSync(temp, '{"cacheVersion":1,"key":"test')
    // Times relative to the cache's (test) clock, never the real one.
    utimesSync(temp, clock, clock)
    expect(await c.get(KEY)).toBe('v')
    expect(await c.prune()).toBe(0) // fresh: a write may be under way
    const old = new Date(clock.getTime() - 2 * 60 * 60 * 1000)
    utimesSync(temp, old, old)
    expect(await c.prune()).toBe(1)
    expect(existsSync(temp)).toBe(false)
    expect(await c.get(KEY)).toBe('v')
  })

  it('prune deletes expired and corrupt entries and keeps fresh ones', async () => {
    await cache().put('old', 1)
    clock = new Date(clock.getTime() + 6 * DAY)
    await cache().put('new', 2)
    writeFileSync(fileOf('broken'), 'nope')
    clock = new Date(clock.getTime() + 2 * DAY)
    expect(await cache().prune()).toBe(2)
    expect(await cache().get('new')).toBe(2)
    expect(existsSync(fileOf('old'))).toBe(false)
  })

  it('creates files 0o600 and directories 0o700', async () => {
    await cache().put(KEY, 'v')
    expect(statSync(fileOf(KEY)).mode & 0o777).toBe(0o600)
    expect(statSync(path.join(dir, 'v1')).mode & 0o777).toBe(0o700)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
  })

  it('does not write an entry over the size cap, and does not read one', async () => {
    const logger = recordingLogger()
    const small = cache({ maxEntryBytes: 1024, logger })
    await small.put(KEY, 'x'.repeat(2000))
    expect(existsSync(fileOf(KEY))).toBe(false)
    expect(small.stats.writes).toBe(0)
    expect(logger.warnings).toEqual([])
    await cache().put(KEY, 'x'.repeat(2000))
    expect(await small.get(KEY)).toBeNull()
    expect(await cache().get(KEY)).toBe('x'.repeat(2000))
  })

  it('never reads through a symbolic link, and a write replaces the link, not its target', async () => {
    const outside = path.join(root, 'outside.json')
    await cache().put(KEY, 'real')
    const valid = readFileSync(fileOf(KEY), 'utf8')
    writeFileSync(outside, valid)
    rmSync(fileOf(KEY))
    symlinkSync(outside, fileOf(KEY))
    const c = cache()
    expect(await c.get(KEY)).toBeNull()
    await c.put(KEY, 'new')
    expect(readFileSync(outside, 'utf8')).toBe(valid)
    expect(statSync(fileOf(KEY)).isFile()).toBe(true)
    expect(await cache().get(KEY)).toBe('new')
  })

  it('does not use a v1 directory that is a symbolic link out of the cache', async () => {
    const elsewhere = path.join(root, 'elsewhere')
    mkdirSync(elsewhere)
    mkdirSync(dir)
    symlinkSync(elsewhere, path.join(dir, 'v1'))
    await cache().put(KEY, 'v') // would land in `elsewhere` if the link were followed
    const logger = recordingLogger()
    const c = cache({ logger })
    await c.put(KEY, 'v')
    expect(readdirSync(elsewhere)).toEqual([])
    expect(logger.warnings).toHaveLength(1)
    expect(await c.get(KEY)).toBeNull()
  })

  it('reads an entry once per run, yet checks its dates on every use and drops it on a write', async () => {
    await cache().put(KEY, 'first')
    const c = cache()
    expect(await c.has(KEY)).toBe(true)
    // Gone from disk after `has`: `get` answers from what `has` read (one read per key).
    rmSync(fileOf(KEY))
    expect(await c.get(KEY)).toBe('first')
    // A write replaces what was read.
    await c.put(KEY, 'second')
    expect(await c.get(KEY)).toBe('second')
    // The remembered entry still expires with the clock.
    clock = new Date(clock.getTime() + 7 * DAY)
    expect(await c.has(KEY)).toBe(false)
    expect(await c.get(KEY)).toBeNull()
    expect(existsSync(fileOf(KEY))).toBe(false)
    // A key refused after it was read is not answered from memory.
    clock = new Date('2026-11-21T10:00:00Z')
    await c.put(KEY, 'third')
    expect(await c.get(KEY)).toBe('third')
    c.refuseReads([KEY])
    expect(await c.get(KEY)).toBeNull()
    expect(c.stats).toEqual({ hits: 3, misses: 2, writes: 2, failedWrites: 0 })
  })

  it('rejects a time-to-live or size cap that is not positive', () => {
    expect(() => new GradeCache({ dir, ttlMs: 0 })).toThrow(RangeError)
    expect(() => new GradeCache({ dir, ttlMs: Number.NaN })).toThrow(RangeError)
    expect(() => new GradeCache({ dir, maxEntryBytes: -1 })).toThrow(RangeError)
    expect(() => new GradeCache({ dir: ' ' })).toThrow(RangeError)
  })
})

describe('defaultCacheDir', () => {
  it('takes MCP_GRADE_GATE_CACHE_DIR first', () => {
    expect(defaultCacheDir({ MCP_GRADE_GATE_CACHE_DIR: ' /srv/cache ' })).toBe('/srv/cache')
  })

  it('else the OS per-user cache directory named after the tool', () => {
    const dirFor = defaultCacheDir({ MCP_GRADE_GATE_CACHE_DIR: '  ' })
    expect(path.isAbsolute(dirFor)).toBe(true)
    expect(dirFor).toMatch(/mcp-grade-gate(?:[\\/]Cache)?$/)
  })
})

describe('cacheTtlMs', () => {
  it('turns days into ms, rounded to the ms, and gives the default', () => {
    expect(cacheTtlMs(7)).toBe(DEFAULT_CACHE_TTL_MS)
    expect(cacheTtlMs(0.5)).toBe(43_200_000)
    expect(cacheTtlMs(0.1)).toBe(8_640_000)
    expect(cacheTtlMs(1 / 3)).toBe(28_800_000)
    expect(cacheTtlMs(365)).toBe(31_536_000_000)
  })
})

describe('parseCacheTtlDays', () => {
  it('reads days, fractions too', () => {
    expect(parseCacheTtlDays('7', '--cache-ttl')).toBe(7)
    expect(parseCacheTtlDays(' 0.5 ')).toBe(0.5)
    expect(() => parseCacheTtlDays('0')).toThrow(/^cache-ttl must be/)
  })

  it.each(['0', '-1', 'abc', '', '366', 'Infinity'])('rejects "%s" naming the flag', (text) => {
    expect(() => parseCacheTtlDays(text, '--cache-ttl')).toThrow(
      /--cache-ttl must be a number of days greater than 0 and at most 365/
    )
  })
})

/**
 * The grade cache's directory store (issue 5): JSON entries under `<dir>/v1/<sha256(key)>.json`,
 * each `{cacheVersion: 1, key, storedAt, expiresAt, value}`, kept for `ttlMs` (default 7 days, so
 * advisories published since are picked up on the next assessment).
 *
 * The directory is untrusted on read (a restored `@actions/cache`, a shared runner): every entry is
 * validated with zod, and a corrupt, foreign (other `cacheVersion`), expired, oversized or
 * wrong-key file is a miss, never an error (corrupt, foreign and expired files are deleted). A
 * symbolic link is never followed: not for an entry (opened with `O_NOFOLLOW`), nor for the `v1`
 * directory, which must be a real directory. Writes are atomic (a temp file in the same
 * directory, created exclusively with mode 0o600, then renamed over the entry); directories are
 * created with mode 0o700. A failed write (read-only directory, disk full) logs one warning and
 * the run goes on without writing.
 *
 * Each key's entry file is read and validated once per `GradeCache` (the gate asks `has` while
 * resolving, then `get` while grading): the result is kept until the key is written (`put`),
 * refused (`refuseReads`) or the directory pruned, and its dates are checked on every use.
 */
import { createHash, randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { lstat, mkdir, open, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { type Logger, silentLogger } from '../../log.js'
import { cacheTtlMs, DEFAULT_CACHE_TTL_DAYS } from './ttl.js'

/** Default time an entry is served, in ms: `DEFAULT_CACHE_TTL_DAYS` (7 days, issue 5). */
export const DEFAULT_CACHE_TTL_MS = cacheTtlMs(DEFAULT_CACHE_TTL_DAYS)

/** Default largest entry read or written: 5 MiB (a graded package is a few KiB to ~1 MiB). */
const DEFAULT_MAX_ENTRY_BYTES = 5 * 1024 * 1024

/** Version of the entry layout, also the name of its sub-directory (`v1`). */
const CACHE_ENTRY_VERSION = 1

/** How far in the future `storedAt` may lie (clock skew between runners), in ms: 5 minutes. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000

/** Temp files older than this are left-overs of a crashed write (`prune` removes them): 1 h. */
const STALE_TEMP_MS = 60 * 60 * 1000

/** Longest key accepted, in characters (keys are a purl plus a few URLs). */
const MAX_KEY_CHARS = 4096

/** `O_NOFOLLOW` where the platform has it (POSIX); 0 on Windows, where `lstat` checks instead. */
const NO_FOLLOW: number = (constants as { O_NOFOLLOW?: number }).O_NOFOLLOW ?? 0

/** One stored entry, as written on disk. */
const CacheEntrySchema = z.object({
  cacheVersion: z.literal(CACHE_ENTRY_VERSION),
  key: z.string().min(1).max(MAX_KEY_CHARS),
  storedAt: z.iso.datetime({ offset: true }),
  expiresAt: z.iso.datetime({ offset: true }),
  value: z.unknown()
})
type CacheEntry = z.infer<typeof CacheEntrySchema>

/** Counters of one `GradeCache` since it was created (for logs, and the action's save step). */
export interface GradeCacheStats {
  /** `get` calls answered from a valid entry. */
  hits: number
  /** `get` calls with no usable entry (absent, expired, corrupt, wrong key, invalid value). */
  misses: number
  /** Entries written. */
  writes: number
  /** Writes that failed (after the first, writing is switched off for the rest of the run). */
  failedWrites: number
}

/** Options of a `GradeCache`: where it lives, how long entries are served, clock and limits. */
export interface GradeCacheOptions {
  /** The cache directory (created on the first write); entries go to `<dir>/v1/`. */
  dir: string
  /** How long an entry is served after it was stored, in ms (> 0); default 7 days. */
  ttlMs?: number
  /** Clock for `storedAt`/`expiresAt` and expiry; default the system clock. */
  now?: () => Date
  /** Where the one write-failure warning and debug lines go; default silent. */
  logger?: Logger
  /** Largest entry read or written, in bytes (> 0); default 5 MiB. */
  maxEntryBytes?: number
}

/** Why an entry file was not used, for debug lines. */
type MissReason =
  'absent' | 'unreadable' | 'corrupt' | 'foreign' | 'wrong-key' | 'expired' | 'refused'

/** What reading one key's entry file gave: a valid entry for the key (dates not yet checked). */
type EntryRead = { ok: true; entry: CacheEntry; file: string } | { ok: false; reason: MissReason }

/**
 * A directory store of JSON values by string key (see the module doc). Safe to share between
 * concurrent graders of one run and between concurrent runs on one directory (last write wins).
 */
export class GradeCache {
  /** The cache directory as given (absolute or relative to the process's cwd). */
  readonly dir: string
  /** Time-to-live of new entries and largest age served, in ms. */
  readonly ttlMs: number
  readonly #entries: string
  readonly #now: () => Date
  readonly #logger: Logger
  readonly #maxBytes: number
  readonly #stats: GradeCacheStats = { hits: 0, misses: 0, writes: 0, failedWrites: 0 }
  #writesOff = false
  readonly #refused = new Set<string>()
  /** Each key's entry as read once (`#read`); dropped by `put`, `refuseReads` and `prune`. */
  readonly #reads = new Map<string, Promise<EntryRead>>()
  /** `<dir>/v1` was seen as a real directory (it is then not checked again). */
  #realDirectory = false
  #ready: Promise<void> | null = null

  /**
   * @throws RangeError when `ttlMs` or `maxEntryBytes` is not a positive finite number, or `dir`
   *   is empty.
   */
  constructor(options: GradeCacheOptions) {
    if (options.dir.trim() === '') throw new RangeError('the grade cache directory is empty')
    const ttlMs = options.ttlMs ?? DEFAULT_CACHE_TTL_MS
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
      throw new RangeError(
        `the grade cache time-to-live must be a positive number of ms, got ${ttlMs}`
      )
    }
    const maxBytes = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES
    if (!Number.isFinite(maxBytes) || maxBytes <= 0) {
      throw new RangeError(`the grade cache entry size limit must be positive, got ${maxBytes}`)
    }
    this.dir = options.dir
    this.ttlMs = ttlMs
    this.#entries = path.join(options.dir, `v${CACHE_ENTRY_VERSION}`)
    this.#now = options.now ?? ((): Date => new Date())
    this.#logger = options.logger ?? silentLogger
    this.#maxBytes = maxBytes
  }

  /** A copy of the counters (see `GradeCacheStats`). */
  get stats(): GradeCacheStats {
    return { ...this.#stats }
  }

  /**
   * The value stored under `key`, or null when there is no usable entry (see the module doc);
   * with `schema`, a value that does not match it is a miss too. Counts a hit or a miss. Never
   * rejects.
   */
  async get(key: string): Promise<unknown>
  async get<T>(key: string, schema: z.ZodType<T>): Promise<T | null>
  async get<T>(key: string, schema?: z.ZodType<T>): Promise<unknown> {
    const found = await this.#read(key)
    if (found.ok && schema !== undefined) {
      const parsed = schema.safeParse(found.value)
      if (!parsed.success) {
        this.#stats.misses += 1
        this.#logger.debug(`grade cache: entry for ${key} holds an invalid value; not used`)
        return null
      }
      this.#stats.hits += 1
      return parsed.data
    }
    if (found.ok) {
      this.#stats.hits += 1
      return found.value
    }
    this.#stats.misses += 1
    if (found.reason !== 'absent') {
      this.#logger.debug(`grade cache: entry for ${key} not used (${found.reason})`)
    }
    return null
  }

  /**
   * Whether `get(key)` would find a usable entry now (the value itself is not checked against a
   * schema). Does not count a hit or a miss. Never rejects.
   */
  async has(key: string): Promise<boolean> {
    return (await this.#read(key)).ok
  }

  /**
   * Store `value` (JSON-serialisable) under `key`, served for `ttlMs` from now. An entry over
   * the size limit is not written (debug line). A failed write logs one warning for the run and
   * switches writing off; never rejects.
   */
  async put(key: string, value: unknown): Promise<void> {
    this.#reads.delete(key)
    if (this.#writesOff || !validKey(key)) return
    const storedAt = this.#now()
    let text: string
    try {
      text = JSON.stringify({
        cacheVersion: CACHE_ENTRY_VERSION,
        key,
        storedAt: storedAt.toISOString(),
        expiresAt: new Date(storedAt.getTime() + this.ttlMs).toISOString(),
        value
      })
    } catch (error) {
      this.#logger.debug(`grade cache: the value for ${key} is not JSON (${describe(error)})`)
      return
    }
    if (Buffer.byteLength(text, 'utf8') > this.#maxBytes) {
      this.#logger.debug(
        `grade cache: the entry for ${key} is over ${this.#maxBytes} bytes; not stored`
      )
      return
    }
    const name = fileNameOf(key)
    const temp = path.join(
      this.#entries,
      `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
    )
    try {
      await this.#ensureDirectory()
      // `wx`: created here or failing, so a planted file or link at the temp name is never used.
      await writeFile(temp, text, { mode: 0o600, flag: 'wx' })
      // rename replaces a link at the entry's name instead of writing through it.
      await rename(temp, path.join(this.#entries, name))
      // Also forget a read that began while this write was under way.
      this.#reads.delete(key)
      this.#stats.writes += 1
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined)
      this.#stats.failedWrites += 1
      this.#writesOff = true
      this.#logger.warning(
        `the grade cache at ${this.dir} cannot be written (${describe(error)}); this run goes on without caching grades`
      )
    }
  }

  /**
   * Delete entries that are corrupt, foreign or past their `expiresAt`, and temp files of
   * crashed writes older than an hour (e.g. before the action saves the directory).
   * @returns how many files were deleted. Never rejects: files that cannot be read or deleted
   *   are left alone.
   */
  async prune(): Promise<number> {
    this.#reads.clear()
    let names: string[]
    try {
      if (!(await this.#isRealDirectory())) return 0
      names = await readdir(this.#entries)
    } catch {
      return 0
    }
    let removed = 0
    const now = this.#now().getTime()
    for (const name of names) {
      const file = path.join(this.#entries, name)
      if (/^\.[0-9a-f]{64}\.json\.\d+\.[0-9a-f]{12}\.tmp$/.test(name)) {
        const stats = await lstat(file).catch(() => null)
        if (stats?.isFile() && now - stats.mtimeMs > STALE_TEMP_MS && (await remove(file))) {
          removed += 1
        }
        continue
      }
      if (!/^[0-9a-f]{64}\.json$/.test(name)) continue
      const text = await this.#readFile(file)
      if (typeof text !== 'string') continue
      const entry = parseEntry(text)
      const stale = entry === null || now >= Date.parse(entry.expiresAt)
      if (stale && (await remove(file))) removed += 1
    }
    return removed
  }

  /**
   * Never answer `keys` from the cache in this run (`get` misses, `has` is false); fresh values
   * are still written. The gate refuses the keys of servers a pull request adds or changes:
   * a pull request's own workflows can write caches in its scope, so a cached grade of what it
   * proposes is not evidence.
   */
  refuseReads(keys: Iterable<string>): void {
    for (const key of keys) {
      this.#refused.add(key)
      this.#reads.delete(key)
    }
  }

  /**
   * The entry of `key` if it is usable now: read once (`#readEntry`, memoised), its dates checked
   * against the clock on every call; deletes an entry past its `expiresAt`.
   */
  async #read(
    key: string
  ): Promise<{ ok: true; value: unknown } | { ok: false; reason: MissReason }> {
    if (!validKey(key)) return { ok: false, reason: 'absent' }
    if (this.#refused.has(key)) return { ok: false, reason: 'refused' }
    let pending = this.#reads.get(key)
    if (pending === undefined) {
      pending = this.#readEntry(key)
      this.#reads.set(key, pending)
    }
    const found = await pending
    if (!found.ok) return found
    const { entry, file } = found
    const now = this.#now().getTime()
    const storedAt = Date.parse(entry.storedAt)
    if (now >= Date.parse(entry.expiresAt)) {
      // Deleted: a later read finds it absent, as it would have without the memo.
      if (this.#reads.get(key) === pending) this.#reads.delete(key)
      await remove(file)
      return { ok: false, reason: 'expired' }
    }
    // Older than this run's time-to-live (a shorter --cache-ttl), or stored "in the future".
    if (now - storedAt >= this.ttlMs || storedAt - now > MAX_CLOCK_SKEW_MS) {
      return { ok: false, reason: 'expired' }
    }
    return { ok: true, value: entry.value }
  }

  /** Read and validate the entry file of `key`; deletes corrupt and foreign files. */
  async #readEntry(key: string): Promise<EntryRead> {
    try {
      if (!(await this.#isRealDirectory())) return { ok: false, reason: 'absent' }
    } catch {
      return { ok: false, reason: 'absent' }
    }
    const file = path.join(this.#entries, fileNameOf(key))
    const text = await this.#readFile(file)
    if (text === null) return { ok: false, reason: 'absent' }
    if (text === undefined) return { ok: false, reason: 'unreadable' }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      await remove(file)
      return { ok: false, reason: 'corrupt' }
    }
    const parsed = CacheEntrySchema.safeParse(json)
    if (!parsed.success) {
      await remove(file)
      const version = (json as { cacheVersion?: unknown } | null)?.cacheVersion
      return { ok: false, reason: version === CACHE_ENTRY_VERSION ? 'corrupt' : 'foreign' }
    }
    const entry = parsed.data
    if (entry.key !== key) return { ok: false, reason: 'wrong-key' }
    return { ok: true, entry, file }
  }

  /**
   * The text of an entry file, never through a link: null when absent (or a link, or not a
   * regular file), undefined when unreadable or over the size limit.
   */
  async #readFile(file: string): Promise<string | null | undefined> {
    if (NO_FOLLOW === 0) {
      const stats = await lstat(file).catch(() => null)
      if (stats === null || !stats.isFile()) return null
    }
    let handle
    try {
      handle = await open(file, constants.O_RDONLY | NO_FOLLOW)
    } catch (error) {
      const code = (error as { code?: string }).code
      return code === 'ENOENT' || code === 'ELOOP' || code === 'EMLINK' ? null : undefined
    }
    try {
      const stats = await handle.stat()
      if (!stats.isFile()) return null
      if (stats.size > this.#maxBytes) return undefined
      return await handle.readFile({ encoding: 'utf8' })
    } catch {
      return undefined
    } finally {
      await handle.close().catch(() => undefined)
    }
  }

  /**
   * Whether `<dir>/v1` exists as a real directory (not a link); once it has, it is not checked
   * again in this run. Rejects on odd fs errors.
   */
  async #isRealDirectory(): Promise<boolean> {
    if (this.#realDirectory) return true
    try {
      const stats = await lstat(this.#entries)
      this.#realDirectory = stats.isDirectory()
      return this.#realDirectory
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return false
      throw error
    }
  }

  /** Create `<dir>/v1` (mode 0o700) once. @throws when it cannot be made or is a link. */
  #ensureDirectory(): Promise<void> {
    this.#ready ??= (async () => {
      await mkdir(this.#entries, { recursive: true, mode: 0o700 })
      if (!(await this.#isRealDirectory())) {
        throw new Error(`${this.#entries} is not a directory (a symbolic link is not followed)`)
      }
    })()
    return this.#ready
  }
}

/** `<sha256 hex of key>.json`. */
function fileNameOf(key: string): string {
  return `${createHash('sha256').update(key, 'utf8').digest('hex')}.json`
}

function validKey(key: string): boolean {
  return typeof key === 'string' && key.length > 0 && key.length <= MAX_KEY_CHARS
}

function parseEntry(text: string): CacheEntry | null {
  try {
    const parsed = CacheEntrySchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** Delete a file, never through a link (unlink removes the link itself); false when it failed. */
async function remove(file: string): Promise<boolean> {
  try {
    await unlink(file)
    return true
  } catch {
    return false
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * A local OSV database as an `AdvisorySource`: a directory of OSV JSON files (read recursively)
 * or a `.zip` of them (osv.dev publishes one per ecosystem: `…/npm/all.zip`, `…/PyPI/all.zip`).
 *
 * Loaded once and indexed by ecosystem + normalised package name (`normalisePackageName`);
 * lookups then cost a map access and a `matchAffected` per candidate.
 *
 * Untrusted input: the zip is read in memory with `fflate`, bounded by a number of entries, a
 * total of uncompressed bytes, a per-entry size and a compression ratio (a zip bomb); entries
 * that are not `.json`, or whose path is absolute or holds `..`, are skipped. Directories are
 * walked without following symbolic links. A record that is not valid JSON or not a valid OSV
 * record is skipped with a warning naming the file — never fatal. A missing path is an
 * `AdvisoryDatabaseError` that says what to give instead.
 *
 * The loaded database carries a SHA-256 of the bytes it was built from (`contentDigest`), hashed
 * as they are read, so the grade cache can name the database (`advisorySourceIdentity`) without
 * reading it a second time.
 */
import { createHash } from 'node:crypto'
import { lstat, readFile, readdir } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { unzipSync, type UnzipFileInfo } from 'fflate'
import { type Logger, silentLogger } from '../../../log.js'
import { type AdvisoryEcosystem, matchAffected, normalisePackageName } from './affected.js'
import { type OsvRecord, OsvRecordError, parseOsvRecord } from './osv-record.js'
import type { AdvisorySource, PackageQuery } from './source.js'

/** Bounds on what is read from a database (directory or zip). */
export interface OsvDatabaseLimits {
  /** Files (directory) or zip entries considered, at most. Default 1 000 000. */
  maxEntries: number
  /** Total uncompressed bytes read, at most. Default 2 GiB. */
  maxTotalBytes: number
  /** Largest single record file, in bytes. Default 8 MiB. */
  maxEntryBytes: number
  /** Largest uncompressed/compressed ratio of a zip entry (a zip bomb). Default 200. */
  maxCompressionRatio: number
}

/** Default limits: far above osv.dev's npm `all.zip`, far below what would hurt a runner. */
const DEFAULT_OSV_DATABASE_LIMITS: Readonly<OsvDatabaseLimits> = Object.freeze({
  maxEntries: 1_000_000,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxEntryBytes: 8 * 1024 * 1024,
  maxCompressionRatio: 200
})

/** Uncompressed bytes decompressed per pass over a zip (keeps memory flat). */
const ZIP_PASS_BYTES = 64 * 1024 * 1024

/** The database path cannot be used (missing, not a directory or a zip, unreadable zip). */
export class AdvisoryDatabaseError extends Error {
  override readonly name = 'AdvisoryDatabaseError'
}

export interface LoadOsvDatabaseOptions {
  logger?: Logger
  limits?: Partial<OsvDatabaseLimits>
}

/** A loaded database: an `AdvisorySource`, how many records it indexed, and a digest of it. */
export interface OsvDatabase extends AdvisorySource {
  /** Valid records indexed. */
  readonly recordCount: number
  /** Files or entries skipped (invalid, not JSON, unsafe path, over a limit). */
  readonly skippedCount: number
  /**
   * SHA-256 (64 lowercase hex digits) of the content the database was loaded from: for a `.zip`,
   * the file's bytes; for a directory, every `.json` file read (not those skipped for their size
   * or past a limit), by relative `/`-separated path in code-unit order, each as its path and
   * the SHA-256 of its bytes. The same content gives the same digest wherever it lies (a copy, a
   * fresh download); any changed, added or removed record file gives another.
   */
  readonly contentDigest: string
}

/**
 * Load a directory of OSV JSON files, or a `.zip` of them, as an `AdvisorySource`. Every file is
 * read once, and hashed as it is read (`OsvDatabase.contentDigest`).
 * @param path a directory or a file ending in `.zip`.
 * @param options `logger` for skipped records and limits reached (default silent); `limits`
 *   override `DEFAULT_OSV_DATABASE_LIMITS` (entries, bytes, compression ratio).
 * @throws AdvisoryDatabaseError when the path does not exist, is neither a directory nor a
 *   `.zip`, or the zip cannot be read at all (corrupt central directory).
 */
export async function loadOsvDatabase(
  path: string,
  options: LoadOsvDatabaseOptions = {}
): Promise<OsvDatabase> {
  const logger = options.logger ?? silentLogger
  const limits = { ...DEFAULT_OSV_DATABASE_LIMITS, ...options.limits }
  let stats
  try {
    stats = await lstat(path)
  } catch (error) {
    const code = (error as { code?: string }).code
    throw new AdvisoryDatabaseError(
      `OSV database not found at ${path}${code ? ` (${code})` : ''}: give a directory of OSV JSON ` +
        'files or a .zip of them (e.g. osv.dev’s per-ecosystem all.zip)'
    )
  }
  const index = new RecordIndex(logger)
  let contentDigest: string
  if (stats.isDirectory()) {
    contentDigest = await loadDirectory(path, index, limits, logger)
  } else if (stats.isFile() && path.toLowerCase().endsWith('.zip')) {
    const data = await readFile(path)
    loadZip(data, path, index, limits, logger)
    contentDigest = createHash('sha256').update('zip\0').update(data).digest('hex')
  } else {
    throw new AdvisoryDatabaseError(
      `OSV database ${path} is neither a directory nor a .zip file: give a directory of OSV JSON ` +
        'files or a .zip of them'
    )
  }
  return {
    name: `OSV database ${path}`,
    recordCount: index.recordCount,
    skippedCount: index.skipped,
    contentDigest,
    lookup: (queries: PackageQuery[]) => Promise.resolve(queries.map((q) => index.lookup(q)))
  }
}

/** Records by `ecosystem NUL normalised-name`. */
class RecordIndex {
  readonly #byPackage = new Map<string, OsvRecord[]>()
  readonly #logger: Logger
  recordCount = 0
  skipped = 0

  constructor(logger: Logger) {
    this.#logger = logger
  }

  /** Parse and index one file's text; a bad record is skipped with a warning naming `origin`. */
  addText(text: string, origin: string): void {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (error) {
      this.skip(`${origin} is not valid JSON (${(error as Error).message}); skipped`)
      return
    }
    let record: OsvRecord
    try {
      record = parseOsvRecord(json, origin)
    } catch (error) {
      if (!(error instanceof OsvRecordError)) throw error
      this.skip(`${error.message} Skipped.`)
      return
    }
    this.recordCount += 1
    const keys = new Set<string>()
    for (const affected of record.affected ?? []) {
      const pkg = affected.package
      if (!pkg || (pkg.ecosystem !== 'npm' && pkg.ecosystem !== 'PyPI')) continue
      keys.add(key(pkg.ecosystem, pkg.name))
    }
    for (const k of keys) {
      const list = this.#byPackage.get(k)
      if (list) list.push(record)
      else this.#byPackage.set(k, [record])
    }
  }

  skip(message: string): void {
    this.skipped += 1
    this.#logger.warning(message)
  }

  lookup(query: PackageQuery): OsvRecord[] {
    const candidates = this.#byPackage.get(key(query.ecosystem, query.name)) ?? []
    return candidates.filter(
      (record) => matchAffected(record, query.ecosystem, query.name, query.version) !== null
    )
  }
}

function key(ecosystem: AdvisoryEcosystem, name: string): string {
  return `${ecosystem}\u0000${normalisePackageName(ecosystem, name)}`
}

/**
 * Walk `root` (no symbolic links followed) and index every `*.json` file within the limits.
 * @returns the directory's `contentDigest` (see `OsvDatabase`) over the files read.
 */
async function loadDirectory(
  root: string,
  index: RecordIndex,
  limits: OsvDatabaseLimits,
  logger: Logger
): Promise<string> {
  const read: FileDigest[] = []
  const digest = (): string => directoryDigest(read)
  let seen = 0
  let total = 0
  const pending = [root]
  while (pending.length > 0) {
    const dir = pending.pop() as string
    const entries = await readdir(dir, { withFileTypes: true })
    entries.sort((a, b) => a.name.localeCompare(b.name))
    for (const entry of entries) {
      const full = join(dir, entry.name)
      if (entry.isDirectory()) {
        pending.push(full)
        continue
      }
      if (!entry.isFile() || !entry.name.toLowerCase().endsWith('.json')) continue
      seen += 1
      if (seen > limits.maxEntries) {
        logger.warning(
          `OSV database ${root}: more than ${limits.maxEntries} files; the rest is not read`
        )
        return digest()
      }
      const name = relative(root, full)
      const size = (await lstat(full)).size
      if (size > limits.maxEntryBytes) {
        index.skip(`${name} is ${size} bytes, over the ${limits.maxEntryBytes}-byte limit; skipped`)
        continue
      }
      total += size
      if (total > limits.maxTotalBytes) {
        logger.warning(
          `OSV database ${root}: over ${limits.maxTotalBytes} bytes; the rest is not read`
        )
        return digest()
      }
      const bytes = await readFile(full)
      read.push({
        path: name.split(sep).join('/'),
        sha256: createHash('sha256').update(bytes).digest('base64')
      })
      index.addText(bytes.toString('utf8'), name)
    }
  }
  return digest()
}

/** One record file read from a database directory: its relative path and content digest. */
interface FileDigest {
  /** Relative to the database root, `/`-separated. */
  path: string
  /** SHA-256 of the file's bytes, base64 (44 characters: compact for a million files). */
  sha256: string
}

/**
 * A directory's `contentDigest`: SHA-256 over `directory NUL`, then per file in code-unit order
 * of its path: path, NUL, the file's SHA-256 (base64). Sorting here (not in the walk) keeps the digest
 * independent of the walk order and of the locale.
 */
function directoryDigest(files: FileDigest[]): string {
  const hash = createHash('sha256').update('directory\0')
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  for (const file of sorted) hash.update(`${file.path}\0${file.sha256}`, 'utf8')
  return hash.digest('hex')
}

/** Index the `.json` entries of a zip, in passes of at most `ZIP_PASS_BYTES` uncompressed. */
function loadZip(
  data: Uint8Array,
  path: string,
  index: RecordIndex,
  limits: OsvDatabaseLimits,
  logger: Logger
): void {
  // Pass 0: list the entries from the central directory and choose which ones to read.
  const chosen: UnzipFileInfo[] = []
  let seen = 0
  let total = 0
  let stopped = false
  try {
    unzipSync(data, {
      filter: (file) => {
        if (stopped) return false
        if (file.name.endsWith('/')) return false
        seen += 1
        if (seen > limits.maxEntries) {
          logger.warning(`${path}: more than ${limits.maxEntries} entries; the rest is not read`)
          stopped = true
          return false
        }
        const problem = entryProblem(file, limits)
        if (problem) {
          if (problem !== 'not-json') index.skip(`${path}!${clip(file.name)}: ${problem}; skipped`)
          return false
        }
        if (total + file.originalSize > limits.maxTotalBytes) {
          logger.warning(
            `${path}: over ${limits.maxTotalBytes} uncompressed bytes; the rest is not read`
          )
          stopped = true
          return false
        }
        total += file.originalSize
        chosen.push(file)
        return false
      }
    })
  } catch (error) {
    throw new AdvisoryDatabaseError(
      `OSV database ${path} is not a readable zip (${(error as Error).message}): download it again`
    )
  }
  // Passes 1…n: decompress a slice of the chosen entries at a time.
  let start = 0
  while (start < chosen.length) {
    let bytes = 0
    let end = start
    while (end < chosen.length && (end === start || bytes < ZIP_PASS_BYTES)) {
      bytes += chosen[end]?.originalSize ?? 0
      end += 1
    }
    const names = new Set(chosen.slice(start, end).map((file) => file.name))
    let files: Record<string, Uint8Array>
    try {
      files = unzipSync(data, { filter: (file) => names.has(file.name) })
    } catch (error) {
      index.skip(
        `${path}: ${names.size} entries could not be decompressed (${(error as Error).message}); skipped`
      )
      start = end
      continue
    }
    const decoder = new TextDecoder('utf-8')
    for (const name of names) {
      const content = files[name]
      if (!content) continue
      index.addText(decoder.decode(content), `${path}!${clip(name)}`)
    }
    start = end
  }
}

/** Why a zip entry is not read: not JSON, unsafe path, too large, too compressed; or null. */
function entryProblem(file: UnzipFileInfo, limits: OsvDatabaseLimits): string | null {
  if (!file.name.toLowerCase().endsWith('.json')) return 'not-json'
  const segments = file.name.split(/[/\\]/)
  if (file.name.startsWith('/') || /^[a-z]:/i.test(file.name) || segments.includes('..')) {
    return 'unsafe path (absolute or with `..`)'
  }
  if (file.compression !== 0 && file.compression !== 8) {
    return `unsupported compression method ${file.compression}`
  }
  if (file.originalSize > limits.maxEntryBytes) {
    return `${file.originalSize} bytes, over the ${limits.maxEntryBytes}-byte limit`
  }
  if (
    file.originalSize > 0 &&
    file.originalSize / Math.max(1, file.size) > limits.maxCompressionRatio
  ) {
    return `compression ratio over ${limits.maxCompressionRatio}:1 (a zip bomb?)`
  }
  return null
}

function clip(name: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = name.replace(/[\u0000-\u001f\u007f]/g, '?')
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat
}

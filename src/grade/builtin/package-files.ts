/**
 * Read an npm package tarball (gzip-compressed tar) entirely in memory, with the `tar` package's
 * streaming parser. Nothing is written to disk, so no entry can escape a directory.
 *
 * Untrusted input (SPEC §9): only regular files are kept; links, devices and FIFOs are skipped
 * and listed; absolute paths and `..` segments are refused and listed; every limit below stops or
 * skips instead of growing memory. Paths are normalised like npm does when it unpacks (first path
 * segment, usually `package/`, stripped).
 */
import { Parser, type ReadEntry } from 'tar'

/** Limits on what is read from one tarball. */
export interface PackageReadLimits {
  /** Largest file kept in memory, in bytes (larger files are listed, not kept). Default 1 MiB. */
  maxFileBytes: number
  /**
   * Total bytes of files kept in memory, in bytes. Files at the package root (package.json,
   * README, LICENSE, …) are always kept (each within `maxFileBytes`); other files past this
   * budget are listed, not kept. Default 32 MiB.
   */
  maxKeptBytes: number
  /** Total unpacked bytes before reading stops (a gzip bomb). Default 100 MiB. */
  maxUnpackedBytes: number
  /** Entries (of any type) before reading stops. Default 20 000. */
  maxEntries: number
}

/** Default limits (see `PackageReadLimits`); sized far above any real MCP server package. */
export const DEFAULT_READ_LIMITS: Readonly<PackageReadLimits> = Object.freeze({
  maxFileBytes: 1024 * 1024,
  maxKeptBytes: 32 * 1024 * 1024,
  maxUnpackedBytes: 100 * 1024 * 1024,
  maxEntries: 20_000
})

/** Why an entry was not kept. */
export type SkipReason =
  | 'symlink'
  | 'hardlink'
  | 'device'
  | 'fifo'
  | 'unsupported-type'
  | 'absolute-path'
  | 'parent-segment'
  | 'outside-package-folder'
  | 'too-large'
  | 'memory-budget'

/** An entry that was skipped or refused, with a note for people. */
export interface SkippedEntry {
  /** The path as written in the tarball (untrusted; short). */
  path: string
  reason: SkipReason
  /** Link target, for symlinks and hard links. */
  linkpath?: string
  note: string
}

/** One regular file of the package (kept in memory or not). */
export interface PackageEntry {
  /** Normalised path inside the package, posix separators, no leading `package/`. */
  path: string
  /** Size in bytes as declared by the tar header. */
  size: number
  /** True when the content is in `PackageFiles.files`. */
  kept: boolean
}

/** Why reading stopped before the end of the archive. */
export interface ReadStop {
  reason: 'unpacked-size' | 'entry-count' | 'decompression-ratio' | 'corrupt'
  message: string
}

/** What a tarball holds. */
export interface PackageFiles {
  /** Content of kept regular files, by normalised path. */
  files: Map<string, Buffer>
  /** Every regular file seen, in archive order (a later duplicate replaces an earlier one). */
  entries: PackageEntry[]
  /** Entries skipped or refused, with why. */
  skipped: SkippedEntry[]
  /** Set when reading stopped early: the package is then only partly known. */
  stopped: ReadStop | null
  /** Bytes of entry data read (decompressed). */
  unpackedBytes: number
}

/** Input bytes handed to the parser per write: bounds what one write can decompress. */
const WRITE_CHUNK_BYTES = 16 * 1024

/**
 * Read a `.tgz` (or plain `.tar`) held in `data`.
 * @param limits overrides of `DEFAULT_READ_LIMITS`.
 * @returns the package's files; never rejects for bad input — a corrupt archive, a gzip bomb or
 *   too many entries end reading and are described in `stopped`.
 */
export function readPackageFiles(
  data: Buffer,
  limits: Partial<PackageReadLimits> = {}
): Promise<PackageFiles> {
  const max: PackageReadLimits = { ...DEFAULT_READ_LIMITS, ...limits }
  const result: PackageFiles = {
    files: new Map(),
    entries: [],
    skipped: [],
    stopped: null,
    unpackedBytes: 0
  }
  return new Promise((resolve) => {
    let settled = false
    let entryCount = 0
    const state: ReadState = { kept: 0, entries: new Map() }
    const finish = (): void => {
      if (settled) return
      settled = true
      result.entries = [...state.entries.values()]
      resolve(result)
    }
    const parser = new Parser({
      strict: false,
      onReadEntry: (entry: ReadEntry) => {
        if (result.stopped) {
          entry.resume()
          return
        }
        entryCount += 1
        if (entryCount > max.maxEntries) {
          stop(parser, result, {
            reason: 'entry-count',
            message: `the tarball has more than ${max.maxEntries} entries; reading stopped`
          })
          entry.resume()
          return
        }
        onEntry(entry, parser, result, max, state)
      }
    })
    parser.on('warn', (code: string, message: string) => {
      // Corruption that ends the archive (truncated data, not a tar at all) is a stop;
      // other warnings (a bad header that is skipped) are not.
      if (code === 'TAR_BAD_ARCHIVE' && !result.stopped) {
        result.stopped = { reason: 'corrupt', message: `the tarball is damaged: ${message}` }
      }
    })
    // `abort` (then `error`) ends the parse: our own stops, tar's ratio guard, zlib failures
    const failed = (error: unknown): void => {
      if (!result.stopped) {
        const message = error instanceof Error ? error.message : String(error)
        result.stopped = /max decompression ratio exceeded/i.test(message)
          ? {
              reason: 'decompression-ratio',
              message: `the tarball decompresses more than 1000:1 (a gzip bomb?); reading stopped`
            }
          : { reason: 'corrupt', message: `the tarball cannot be read: ${message}` }
      }
      finish()
    }
    parser.on('abort', failed)
    parser.on('error', failed)
    parser.on('end', finish)
    parser.on('close', finish)
    try {
      for (let offset = 0; offset < data.length && !result.stopped; offset += WRITE_CHUNK_BYTES) {
        parser.write(data.subarray(offset, offset + WRITE_CHUNK_BYTES))
      }
      if (result.stopped) finish()
      else parser.end()
    } catch (error) {
      failed(error)
    }
  })
}

/** Running totals of one read. */
interface ReadState {
  /** Bytes of the files kept in memory. */
  kept: number
  /** Regular files by path, in archive order. */
  entries: Map<string, PackageEntry>
}

/** Handle one tar entry: keep, list or skip it. */
function onEntry(
  entry: ReadEntry,
  parser: Parser,
  result: PackageFiles,
  max: PackageReadLimits,
  state: ReadState
): void {
  const raw = shorten(entry.path)
  const skip = (reason: SkipReason, note: string, linkpath?: string): void => {
    result.skipped.push(
      linkpath === undefined ? { path: raw, reason, note } : { path: raw, reason, linkpath, note }
    )
    entry.resume()
  }
  switch (entry.type) {
    case 'File':
    case 'OldFile':
    case 'ContiguousFile':
      break
    case 'Directory':
      entry.resume()
      return
    case 'SymbolicLink':
      return skip('symlink', linkNote('symbolic link', entry), shorten(entry.linkpath ?? ''))
    case 'Link':
      return skip('hardlink', linkNote('hard link', entry), shorten(entry.linkpath ?? ''))
    case 'CharacterDevice':
    case 'BlockDevice':
      return skip('device', `device file ${raw} skipped`)
    case 'FIFO':
      return skip('fifo', `FIFO ${raw} skipped`)
    default:
      return skip('unsupported-type', `entry ${raw} of type ${entry.type} skipped`)
  }
  const normalised = normaliseEntryPath(entry.path)
  if (!normalised.ok) return skip(normalised.reason, normalised.note)
  const path = normalised.path
  const size = entry.size
  const rootFile = !path.includes('/')
  let keep = size <= max.maxFileBytes
  if (!keep) {
    result.skipped.push({
      path,
      reason: 'too-large',
      note: `${path} (${size} bytes) is over the ${max.maxFileBytes}-byte limit for files read; listed, not read`
    })
  } else if (!rootFile && state.kept + size > max.maxKeptBytes) {
    keep = false
    result.skipped.push({
      path,
      reason: 'memory-budget',
      note: `${path} not read: the ${max.maxKeptBytes}-byte budget for files kept in memory is spent`
    })
  }
  const chunks: Buffer[] = []
  let kept = 0
  entry.on('data', (chunk: Buffer) => {
    result.unpackedBytes += chunk.length
    if (result.unpackedBytes > max.maxUnpackedBytes) {
      stop(parser, result, {
        reason: 'unpacked-size',
        message: `the tarball unpacks to more than ${max.maxUnpackedBytes} bytes (a gzip bomb?); reading stopped`
      })
      return
    }
    if (keep && kept + chunk.length <= max.maxFileBytes) {
      chunks.push(chunk)
      kept += chunk.length
    }
  })
  entry.on('end', () => {
    if (result.stopped) return
    // a later duplicate replaces the earlier entry (and moves to the end, like tar's order)
    state.entries.delete(path)
    state.entries.set(path, { path, size, kept: keep })
    state.kept -= result.files.get(path)?.length ?? 0
    if (keep) {
      result.files.set(path, Buffer.concat(chunks, kept))
      state.kept += kept
    } else result.files.delete(path)
  })
}

type NormalisedPath =
  | { ok: true; path: string }
  | {
      ok: false
      reason: 'absolute-path' | 'parent-segment' | 'outside-package-folder'
      note: string
    }

/** The segments of an archive path, or why it is refused (`reason` and a short `note`). */
export type EntrySegments =
  | { ok: true; segments: string[] }
  | { ok: false; reason: 'absolute-path' | 'parent-segment'; note: string }

/**
 * The segments of an archive entry path (tar or zip): backslashes read as `/`, `.` and empty
 * segments dropped. Absolute paths (`/x`, `C:\x`, `\\host`) and `..` segments are refused, so
 * no entry can name a place outside the archive's folder. Never throws; notes clip the path.
 */
export function entrySegments(raw: string): EntrySegments {
  const shown = shorten(raw)
  const slashed = raw.replace(/\\/g, '/')
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) {
    return { ok: false, reason: 'absolute-path', note: `absolute path ${shown} refused` }
  }
  const segments = slashed.split('/').filter((s) => s !== '' && s !== '.')
  if (segments.includes('..')) {
    return {
      ok: false,
      reason: 'parent-segment',
      note: `path ${shown} with a ".." segment refused`
    }
  }
  return { ok: true, segments }
}

/**
 * Normalise a tar entry path the way npm unpacks packages: `entrySegments`, then the first
 * segment (`package/`) stripped; an entry that is not inside a folder is refused.
 */
export function normaliseEntryPath(raw: string): NormalisedPath {
  const checked = entrySegments(raw)
  if (!checked.ok) return checked
  const { segments } = checked
  if (segments.length < 2) {
    return {
      ok: false,
      reason: 'outside-package-folder',
      note: `${shorten(raw)} is not inside the package folder; npm ignores it, skipped`
    }
  }
  return { ok: true, path: segments.slice(1).join('/') }
}

function linkNote(kind: string, entry: ReadEntry): string {
  const target = entry.linkpath ?? ''
  const path = entry.path.replace(/\\/g, '/')
  const dir = path.split('/').slice(0, -1)
  const escapes =
    target.startsWith('/') || /^[A-Za-z]:/.test(target) || resolvesAbove(dir, target.split(/[\\/]/))
  return (
    `${kind} ${shorten(entry.path)} → ${shorten(target)} skipped` +
    (escapes ? ' (it points outside the package)' : '')
  )
}

/** True when following `rel` from `dir` climbs above the package folder (`dir[0]`). */
function resolvesAbove(dir: string[], rel: string[]): boolean {
  const stack = [...dir]
  for (const segment of rel) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      stack.pop()
      if (stack.length === 0) return true
    } else stack.push(segment)
  }
  return false
}

function stop(parser: Parser, result: PackageFiles, why: ReadStop): void {
  if (result.stopped) return
  result.stopped = why
  parser.abort(new Error(why.message))
}

/** Paths from a hostile archive can be huge: keep messages short (at most `max` characters + `…`). */
export function shorten(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

/**
 * Read an npm package tarball (gzip-compressed tar) entirely in memory: node:zlib inflates it
 * and the `tar` package's streaming parser reads the entries. Nothing is written to disk, so no
 * entry can escape a directory.
 *
 * Untrusted input (SPEC §9): only regular files are kept; links, devices, FIFOs and entries of
 * unknown type are skipped and listed; absolute paths and `..` segments are refused and listed;
 * every limit below stops or skips instead of growing memory or time, whatever entry the bytes
 * belong to. Paths are normalised like npm does when it unpacks (first path segment, usually
 * `package/`, stripped).
 */
import { createGunzip } from 'node:zlib'
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
  /**
   * Bytes of entry data read, decompressed (skipped entries included; tar headers and padding
   * not); for a wheel, bytes of the files inflated.
   */
  unpackedBytes: number
}

/**
 * Largest unpacked-to-packed ratio accepted while inflating: node-tar's own bound (1000:1), kept so
 * a run of zeros stops within the first megabytes. DEFLATE tops out near 1032:1 (RFC 1951).
 */
const MAX_DECOMPRESSION_RATIO = 1000

/**
 * Compressed bytes handed to the inflater per write: the first writes are this small, so a
 * gzip bomb at the start of a stream is stopped after a few MiB of output.
 */
const FIRST_WRITE_BYTES = 16 * 1024

/** Largest write to the inflater, in compressed bytes. */
const LARGEST_WRITE_BYTES = 1024 * 1024

/**
 * Later writes are at most this fraction of the bytes fed so far: counting a whole write as fed
 * when it starts loosens the ratio check by at most 1/8 (a write of `fed / 8` may inflate to
 * `MAX_DECOMPRESSION_RATIO * fed / 8` before the next check), while a 20 MiB tarball needs about
 * 60 writes rather than 1,300, each a round trip to zlib's thread.
 */
const WRITE_GROWTH_FRACTION = 1 / 8

/** Largest piece of the tar stream handed to the tar parser at once, in bytes. */
const PARSE_CHUNK_BYTES = 64 * 1024

/**
 * Tar framing allowed per entry seen (plus one), in bytes: everything in the stream that is not
 * entry data — header blocks, padding, pax and GNU long-name records, bodies of entries node-tar
 * ignores, blocks with a bad checksum. A real entry needs under 2 KiB (its header and padding,
 * and one pax header with a one-block body); past twice that, the archive is stacking headers
 * no package needs, each of which costs the parser time (a "header bomb").
 */
const FRAMING_BYTES_PER_ENTRY = 4096

/**
 * Read a `.tgz` (or plain `.tar`) held in `data`.
 *
 * The gzip layer is inflated here (node:zlib, RFC 1952), not by the tar parser, so that the read
 * sees every byte of the tar stream: entry data of every kind (skipped links, devices and refused
 * paths included) counts toward `maxUnpackedBytes`; everything else (headers, padding, pax
 * records, bodies of entries node-tar ignores) may not pass `FRAMING_BYTES_PER_ENTRY` per entry;
 * the whole stream may not inflate past `MAX_DECOMPRESSION_RATIO`; and reading ends at the
 * archive's end-of-archive blocks (two zero blocks, POSIX ustar), so what follows them is never
 * inflated (node-tar would buffer it all, copying it again on every chunk).
 * @param limits overrides of `DEFAULT_READ_LIMITS`.
 * @returns the package's files; never rejects for bad input — a corrupt archive, a gzip bomb, too
 *   many entries or headers, or a tar compressed twice end reading and are described in `stopped`.
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
    const state: ReadState = { kept: 0, entries: new Map() }
    let settled = false
    let archiveEnded = false
    let inputEnded = false
    let entryCount = 0
    let streamBytes = 0
    let stopInflating = (): void => undefined
    const finish = (): void => {
      if (settled) return
      settled = true
      stopInflating()
      result.entries = [...state.entries.values()]
      resolve(result)
    }
    const done = (): boolean => settled || inputEnded || archiveEnded || result.stopped !== null
    const stopWith = (why: ReadStop): void => stop(parser, result, why)

    const countEntry = (): boolean => {
      entryCount += 1
      if (entryCount <= max.maxEntries) return true
      stopWith({
        reason: 'entry-count',
        message: `the tarball has more than ${max.maxEntries} entries; reading stopped`
      })
      return false
    }
    const countData = (bytes: number): boolean => {
      result.unpackedBytes += bytes
      if (result.unpackedBytes <= max.maxUnpackedBytes) return true
      stopWith({
        reason: 'unpacked-size',
        message: `the tarball unpacks to more than ${max.maxUnpackedBytes} bytes (a gzip bomb?); reading stopped`
      })
      return false
    }

    const parser = new Parser({
      strict: false,
      // the stream it sees is already inflated: no second decompression of any kind
      brotli: false,
      zstd: false,
      onReadEntry: (entry: ReadEntry) => {
        if (result.stopped || !countEntry()) {
          entry.resume()
          return
        }
        onEntry(entry, result, max, state, countData)
      }
    })
    // entries node-tar drops unread: unknown type flags, pax/GNU headers over its 1 MiB limit
    parser.on('ignoredEntry', (entry: ReadEntry) => {
      if (result.stopped || !countEntry()) return
      result.skipped.push({
        path: shorten(entry.path),
        reason: 'unsupported-type',
        note: unsupportedTypeNote(entry, entry.size)
      })
    })
    parser.on('eof', () => {
      archiveEnded = true
    })
    parser.on('warn', (code: string, message: string) => {
      // Corruption that ends the archive (truncated data, not a tar at all) is a stop;
      // other warnings (a bad header that is skipped) are not.
      if (code === 'TAR_BAD_ARCHIVE' && !result.stopped) {
        result.stopped = { reason: 'corrupt', message: `the tarball is damaged: ${message}` }
      }
    })
    // `abort` (then `error`) ends the parse: our own stops, inflate failures
    const failed = (error: unknown): void => {
      if (settled) return
      if (!result.stopped) {
        const message = error instanceof Error ? error.message : String(error)
        result.stopped = { reason: 'corrupt', message: `the tarball cannot be read: ${message}` }
      }
      finish()
    }
    parser.on('abort', failed)
    parser.on('error', failed)
    parser.on('end', finish)
    parser.on('close', finish)

    /** No more input for the parser: the end of the stream, or of the archive. */
    const endInput = (): void => {
      if (inputEnded || settled) return
      inputEnded = true
      stopInflating()
      if (result.stopped) finish()
      else parser.end()
    }
    let head: Buffer | null = Buffer.alloc(0)
    /** Hand tar bytes to the parser in bounded pieces; false once no more is wanted. */
    const parse = (chunk: Buffer): boolean => {
      if (head !== null) {
        // node-tar would inflate a second gzip layer itself, past these counts: refuse it
        head = Buffer.concat([head, chunk])
        if (head.length < 2) return true
        if (head[0] === 0x1f && head[1] === 0x8b) {
          stopWith({
            reason: 'corrupt',
            message: 'the tarball is compressed twice (a gzip inside the gzip); not read'
          })
          return false
        }
        chunk = head
        head = null
      }
      for (let at = 0; at < chunk.length; at += PARSE_CHUNK_BYTES) {
        if (done()) return false
        const framing = streamBytes - result.unpackedBytes
        const allowed = (entryCount + 1) * FRAMING_BYTES_PER_ENTRY
        if (framing > allowed) {
          stopWith({
            reason: 'entry-count',
            message: `the tarball holds ${framing} bytes of tar headers and padding for ${entryCount} entries (more than ${allowed}: stacked or unreadable headers); reading stopped`
          })
          return false
        }
        const piece = chunk.subarray(at, at + PARSE_CHUNK_BYTES)
        streamBytes += piece.length
        parser.write(piece)
      }
      return !done()
    }
    const lastInput = (): void => {
      if (head !== null && head.length > 0 && !done()) parser.write(head)
      head = null
      endInput()
    }

    try {
      if (!isGzip(data)) {
        parse(data)
        lastInput()
        return
      }
      stopInflating = inflate(data, {
        chunk: (chunk, fed) => {
          if (done()) return false
          if (streamBytes + chunk.length > MAX_DECOMPRESSION_RATIO * fed) {
            stopWith({
              reason: 'decompression-ratio',
              message: `the tarball decompresses more than ${MAX_DECOMPRESSION_RATIO}:1 (a gzip bomb?); reading stopped`
            })
            return false
          }
          return parse(chunk)
        },
        stopped: endInput,
        end: lastInput,
        error: failed
      })
    } catch (error) {
      failed(error)
    }
  })
}

/** A gzip member starts with the bytes 1f 8b (RFC 1952 §2.3.1). */
function isGzip(data: Buffer): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b
}

/** What `inflate` reports to. */
interface InflateHandlers {
  /** An inflated chunk, with the compressed bytes fed so far; false: stop inflating. */
  chunk: (chunk: Buffer, fed: number) => boolean
  /** Inflating stopped because `chunk` said so. */
  stopped: () => void
  /** The gzip stream ended. */
  end: () => void
  /** Inflating failed (damaged gzip), or a handler threw. */
  error: (error: Error) => void
}

/**
 * Inflate the gzip `data` with node:zlib, writing it in slices and waiting for each, so the fed
 * count is exact: `FIRST_WRITE_BYTES` (16 KiB, which inflates to about 16 MiB at most: DEFLATE
 * tops out near 1032:1), growing to `WRITE_GROWTH_FRACTION` of what was fed, at most
 * `LARGEST_WRITE_BYTES`. The output is handed over in chunks of at most `PARSE_CHUNK_BYTES`,
 * each checked by `on.chunk` before the next.
 * @returns a function that stops inflating (idempotent).
 */
function inflate(data: Buffer, on: InflateHandlers): () => void {
  const gunzip = createGunzip({ chunkSize: PARSE_CHUNK_BYTES })
  let stopped = false
  let fed = 0
  const halt = (): void => {
    if (stopped) return
    stopped = true
    gunzip.destroy()
  }
  /** Handlers run in zlib's events: what they throw ends inflating as an error. */
  const guarded = (work: () => void): void => {
    try {
      work()
    } catch (error) {
      halt()
      on.error(error instanceof Error ? error : new Error(String(error)))
    }
  }
  gunzip.on('data', (chunk: Buffer) => {
    if (stopped) return
    guarded(() => {
      if (on.chunk(chunk, fed)) return
      halt()
      on.stopped()
    })
  })
  gunzip.on('error', (error: Error) => {
    if (!stopped) on.error(error)
  })
  gunzip.on('end', () => {
    if (!stopped) guarded(on.end)
  })
  const pump = async (): Promise<void> => {
    for (let offset = 0; offset < data.length && !stopped;) {
      const size = Math.min(
        LARGEST_WRITE_BYTES,
        Math.max(FIRST_WRITE_BYTES, Math.floor(fed * WRITE_GROWTH_FRACTION))
      )
      const slice = data.subarray(offset, offset + size)
      offset += slice.length
      fed += slice.length
      await new Promise<void>((next) => gunzip.write(slice, () => next()))
    }
    if (!stopped) gunzip.end()
  }
  pump().catch((error: unknown) => {
    if (!stopped) on.error(error instanceof Error ? error : new Error(String(error)))
  })
  return halt
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
  result: PackageFiles,
  max: PackageReadLimits,
  state: ReadState,
  countData: (bytes: number) => boolean
): void {
  const raw = shorten(entry.path)
  /** Read and drop the entry's data, counting it (a bomb can hide in a skipped entry). */
  const drain = (): void => {
    entry.on('data', (chunk: Buffer) => void countData(chunk.length))
  }
  const skip = (reason: SkipReason, note: string, linkpath?: string): void => {
    result.skipped.push(
      linkpath === undefined ? { path: raw, reason, note } : { path: raw, reason, linkpath, note }
    )
    drain()
  }
  switch (entry.type) {
    case 'File':
    case 'OldFile':
    case 'ContiguousFile':
      break
    case 'Directory':
      return drain()
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
      return skip('unsupported-type', unsupportedTypeNote(entry))
  }
  const normalised = normaliseEntryPath(entry.path)
  if (!normalised.ok) return skip(normalised.reason, normalised.note)
  const path = normalised.path
  const size = entry.size
  const rootFile = !path.includes('/')
  let keep = size <= max.maxFileBytes
  if (!keep) {
    result.skipped.push({
      path: shorten(path),
      reason: 'too-large',
      note: `${shorten(path)} (${size} bytes) is over the ${max.maxFileBytes}-byte limit for files read; listed, not read`
    })
  } else if (!rootFile && state.kept + size > max.maxKeptBytes) {
    keep = false
    result.skipped.push({
      path: shorten(path),
      reason: 'memory-budget',
      note: `${shorten(path)} not read: the ${max.maxKeptBytes}-byte budget for files kept in memory is spent`
    })
  }
  const chunks: Buffer[] = []
  let kept = 0
  entry.on('data', (chunk: Buffer) => {
    if (!countData(chunk.length)) return
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

/**
 * The note of an entry of a type that is not read (`unsupported-type`): its path (clipped) and
 * type, and `size` in bytes when given (for the entries node-tar drops unread, `ignoredEntry`).
 */
function unsupportedTypeNote(entry: ReadEntry, size?: number): string {
  const bytes = size === undefined ? '' : ` (${size} bytes)`
  return `entry ${shorten(entry.path)} of type ${entry.type}${bytes} skipped`
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

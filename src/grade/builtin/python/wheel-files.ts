/**
 * Read a wheel (a ZIP archive, PEP 427) entirely in memory (node:zlib inflates), into the same
 * `PackageFiles` shape the npm tarball reader gives (`package-files.ts`), so the analysis does not
 * care where the files came from. Nothing is written to disk.
 *
 * Untrusted input (SPEC §9), checked on the central directory before anything is inflated:
 * at most `maxEntries` entries, declared unpacked total at most `maxUnpackedBytes`, archive-wide
 * decompression ratio at most 200:1 (`MAX_DECOMPRESSION_RATIO`) — any of these stops the read;
 * absolute paths, `..` segments, symbolic links and other non-regular files (Unix mode in the
 * entry's external attributes, APPNOTE 4.4.15) are refused and listed; files over `maxFileBytes`
 * or past the `maxKeptBytes` budget are listed, not kept. Each kept file is inflated from the very
 * record these checks read (its local header found from the central directory's offset), with its
 * declared size as the output limit, so a lying header can grow neither memory nor time, and no
 * second reading of the archive (another central directory, a ZIP64 end record) can be slipped
 * past the checks.
 */
import { inflateRawSync } from 'node:zlib'
import { strFromU8 } from 'fflate'
import {
  DEFAULT_READ_LIMITS,
  entrySegments,
  shorten,
  type PackageEntry,
  type PackageFiles,
  type PackageReadLimits,
  type SkipReason
} from '../package-files.js'

/**
 * Largest unpacked-to-packed ratio accepted for a whole archive. Python source deflates about
 * 3–10:1, so 200:1 is far above any real wheel; DEFLATE itself tops out near 1032:1, so a bound
 * at tar's 1000:1 would let a plain one-entry bomb through.
 */
export const MAX_DECOMPRESSION_RATIO = 200

/** One central-directory record (APPNOTE.TXT 4.3.12), the fields used here. */
interface ZipRecord {
  name: string
  /** 0 stored, 8 deflated. */
  compression: number
  /** Compressed size in bytes, as declared. */
  compressedSize: number
  /** Uncompressed size in bytes, as declared. */
  size: number
  /** Offset of the entry's local header in the archive. */
  localOffset: number
  /** Unix file mode from the external attributes (0 when the archive was made elsewhere). */
  mode: number
}

const EOCD_SIGNATURE = 0x06054b50
const CENTRAL_SIGNATURE = 0x02014b50
const LOCAL_SIGNATURE = 0x04034b50
const S_IFMT = 0o170000
const S_IFREG = 0o100000
const S_IFLNK = 0o120000
const S_IFDIR = 0o040000

/**
 * Read the wheel held in `data`.
 * @param limits overrides of `DEFAULT_READ_LIMITS` (package-files.ts).
 * @returns the wheel's files by their path in the archive; never throws for bad input — a damaged
 *   archive or a limit reached is described in `stopped` (and nothing is kept).
 */
export function readWheelFiles(
  data: Buffer,
  limits: Partial<PackageReadLimits> = {}
): PackageFiles {
  const max: PackageReadLimits = { ...DEFAULT_READ_LIMITS, ...limits }
  const result: PackageFiles = {
    files: new Map(),
    entries: [],
    skipped: [],
    stopped: null,
    unpackedBytes: 0
  }
  let records: ZipRecord[]
  try {
    records = centralDirectory(data, max.maxEntries)
  } catch (error) {
    result.stopped = {
      reason: error instanceof TooManyEntries ? 'entry-count' : 'corrupt',
      message:
        error instanceof TooManyEntries
          ? `the wheel has more than ${max.maxEntries} entries; not read`
          : `the wheel is not a readable ZIP archive: ${message(error)}`
    }
    return result
  }
  const declared = records.reduce((sum, r) => sum + r.size, 0)
  if (declared > max.maxUnpackedBytes) {
    result.stopped = {
      reason: 'unpacked-size',
      message: `the wheel unpacks to more than ${max.maxUnpackedBytes} bytes (a zip bomb?); not read`
    }
    return result
  }
  if (declared > MAX_DECOMPRESSION_RATIO * Math.max(data.length, 1)) {
    result.stopped = {
      reason: 'decompression-ratio',
      message: `the wheel decompresses more than ${MAX_DECOMPRESSION_RATIO}:1 (a zip bomb?); not read`
    }
    return result
  }
  const wanted = new Map<string, ZipRecord>()
  const entries = new Map<string, PackageEntry>()
  let kept = 0
  for (const record of records) {
    const verdict = classify(record)
    if (verdict === 'directory') continue
    if (!verdict.ok) {
      result.skipped.push({
        path: shorten(record.name),
        reason: verdict.reason,
        note: verdict.note
      })
      continue
    }
    const { path } = verdict
    const rootFile = !path.includes('/') || /^[^/]+\.dist-info\/[^/]+$/.test(path)
    let keep =
      record.size <= max.maxFileBytes && (record.compression === 0 || record.compression === 8)
    if (record.size > max.maxFileBytes) {
      result.skipped.push({
        path,
        reason: 'too-large',
        note: `${path} (${record.size} bytes) is over the ${max.maxFileBytes}-byte limit for files read; listed, not read`
      })
    } else if (!keep) {
      result.skipped.push({
        path,
        reason: 'unsupported-type',
        note: `${path} uses ZIP compression method ${record.compression}; listed, not read`
      })
    } else if (!rootFile && kept + record.size > max.maxKeptBytes) {
      keep = false
      result.skipped.push({
        path,
        reason: 'memory-budget',
        note: `${path} not read: the ${max.maxKeptBytes}-byte budget for files kept in memory is spent`
      })
    }
    // a later record of the same path replaces an earlier one (and moves to the end)
    entries.delete(path)
    entries.set(path, { path, size: record.size, kept: keep })
    wanted.delete(path)
    if (keep) {
      kept += record.size
      wanted.set(path, record)
    }
  }
  for (const [path, record] of wanted) {
    let bytes: Uint8Array
    try {
      bytes = memberData(data, record)
    } catch (error) {
      result.files.clear()
      result.unpackedBytes = 0
      result.stopped = { reason: 'corrupt', message: `the wheel cannot be read: ${message(error)}` }
      return result
    }
    result.files.set(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    result.unpackedBytes += bytes.byteLength
  }
  result.entries = [...entries.values()]
  return result
}

class TooManyEntries extends Error {}

/**
 * The content of one member, from its local header (APPNOTE.TXT 4.3.7) at the offset the
 * central directory gives: stored bytes as they are, deflated ones inflated (RFC 1951, node:zlib)
 * with the declared size as the output limit, so a member that inflates to more stops at once.
 * @throws Error when the local header is missing, the data runs past the archive, a stored
 *   member's sizes disagree, or the DEFLATE data is damaged or longer than declared.
 */
function memberData(data: Buffer, record: ZipRecord): Uint8Array {
  const at = record.localOffset
  if (at + 30 > data.length || data.readUInt32LE(at) !== LOCAL_SIGNATURE) {
    throw new Error(`no local header for ${shorten(record.name)}`)
  }
  const start = at + 30 + data.readUInt16LE(at + 26) + data.readUInt16LE(at + 28)
  const end = start + record.compressedSize
  if (end > data.length)
    throw new Error(`the data of ${shorten(record.name)} runs past the archive`)
  const raw = data.subarray(start, end)
  if (record.compression === 0) {
    if (record.compressedSize !== record.size) {
      throw new Error(`stored member ${shorten(record.name)} declares two different sizes`)
    }
    return raw
  }
  // node:zlib stops as soon as the output would pass the declared size (a lying header)
  const inflated = inflateRawSync(raw, { maxOutputLength: Math.max(record.size, 1) })
  if (inflated.length > record.size) {
    throw new Error(`${shorten(record.name)} inflates to more than its declared size`)
  }
  return inflated
}

/**
 * The central directory's records, as the classic end record gives them (no ZIP64: a wheel over
 * 4 GiB is refused by the download limit long before, and a ZIP64 end record is not read). Names
 * are decoded as UTF-8 when flag bit 11 is set, else as Latin-1 (APPNOTE.TXT 4.4.4, appendix D).
 * @throws Error when the archive is damaged; TooManyEntries over `maxEntries`.
 */
function centralDirectory(data: Buffer, maxEntries: number): ZipRecord[] {
  let eocd = -1
  for (let at = data.length - 22; at >= 0 && data.length - at <= 22 + 0xffff; at--) {
    if (data.readUInt32LE(at) === EOCD_SIGNATURE) {
      eocd = at
      break
    }
  }
  if (eocd < 0) throw new Error('no end-of-central-directory record')
  const count = data.readUInt16LE(eocd + 10)
  let offset = data.readUInt32LE(eocd + 16)
  if (count > maxEntries) throw new TooManyEntries()
  const records: ZipRecord[] = []
  for (let i = 0; i < count; i++) {
    if (offset + 46 > data.length || data.readUInt32LE(offset) !== CENTRAL_SIGNATURE) {
      throw new Error(`central directory record ${i + 1} is damaged`)
    }
    const flags = data.readUInt16LE(offset + 8)
    const compression = data.readUInt16LE(offset + 10)
    const compressedSize = data.readUInt32LE(offset + 20)
    const size = data.readUInt32LE(offset + 24)
    const nameLength = data.readUInt16LE(offset + 28)
    const extraLength = data.readUInt16LE(offset + 30)
    const commentLength = data.readUInt16LE(offset + 32)
    const external = data.readUInt32LE(offset + 38)
    const nameBytes = data.subarray(offset + 46, offset + 46 + nameLength)
    if (nameBytes.length !== nameLength) throw new Error('a file name runs past the archive')
    records.push({
      name: strFromU8(nameBytes, (flags & 0x800) === 0),
      compression,
      compressedSize,
      size,
      mode: external >>> 16,
      localOffset: data.readUInt32LE(offset + 42)
    })
    offset += 46 + nameLength + extraLength + commentLength
  }
  return records
}

type Verdict =
  'directory' | { ok: true; path: string } | { ok: false; reason: SkipReason; note: string }

/** Keep a regular file with a safe relative path; refuse the rest with a note. */
function classify(record: ZipRecord): Verdict {
  const shown = shorten(record.name)
  const type = record.mode & S_IFMT
  if (record.name.endsWith('/') || type === S_IFDIR) return 'directory'
  if (type === S_IFLNK) {
    return { ok: false, reason: 'symlink', note: `symbolic link ${shown} skipped` }
  }
  if (type !== 0 && type !== S_IFREG) {
    return {
      ok: false,
      reason: 'unsupported-type',
      note: `entry ${shown} is not a regular file; skipped`
    }
  }
  const checked = entrySegments(record.name)
  if (!checked.ok) return checked
  if (checked.segments.length === 0) return 'directory'
  return { ok: true, path: checked.segments.join('/') }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Builders of hostile package archives for the hostile-package suite (issue 6 scope 3).
 *
 * Tar headers are written by hand (POSIX.1-1988 ustar layout, pax extended headers per POSIX.1-2001
 * `pax`), not with `tar.Header`, so a test can build what a well-behaved packer refuses: any type
 * flag (devices, FIFOs, unknown letters), `..` and absolute paths, links pointing out, sizes in
 * GNU base-256 (over the 8 GiB octal limit), bad checksums, pax records with absurd values.
 *
 * Gzip bombs are built without ever holding or compressing the unpacked bytes: each distinct
 * part is deflated once as a fresh raw DEFLATE stream ended by a full flush (RFC 1951 blocks,
 * byte-aligned, no back-reference before the part's own start), so a part can be repeated any
 * number of times and the concatenation is still a valid stream; RFC 1952 framing with the true
 * CRC-32 and ISIZE of the whole is added around it. A "10 GiB of zeros" bomb is then ~10 MB and
 * takes milliseconds to build, and is a genuinely valid `.tgz`.
 *
 * Zips (APPNOTE.TXT 6.3) are written by hand too, for `..` names, symlink modes and lying sizes.
 */
import { constants, deflateRawSync } from 'node:zlib'
import { bytesOf } from '../grade/builtin/helpers.js'

/** Tar type flags (POSIX ustar `typeflag`, plus GNU/pax ones used here). */
export const TYPE = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  charDevice: '3',
  blockDevice: '4',
  directory: '5',
  fifo: '6',
  contiguous: '7',
  paxLocal: 'x',
  paxGlobal: 'g',
  gnuLongPath: 'L'
} as const

/** One raw tar header (512 bytes). Numbers are in bytes, seconds or permission bits. */
export interface RawHeader {
  /** Written as-is in the 100-byte name field (longer paths: use a pax `path` record). */
  path: string
  /** One type-flag character; default `'0'` (regular file). */
  type?: string
  /** Declared data size in bytes; above 8 GiB − 1 it is written in GNU base-256. */
  size?: number
  linkpath?: string
  /** Permission bits; default 0o644. */
  mode?: number
  /** Seconds since the epoch; default 2026-01-01. */
  mtime?: number
  /** Device numbers, for device entries. */
  devmajor?: number
  devminor?: number
  /** Write a wrong checksum on purpose. */
  badChecksum?: boolean
}

/** Largest number the 12-byte octal size field holds (11 octal digits). */
const MAX_OCTAL_SIZE = 8 ** 11 - 1

/** Write `value` as NUL-terminated zero-padded octal into `field` bytes at `offset`. */
function writeOctal(block: Buffer, offset: number, field: number, value: number): void {
  const digits = Math.floor(value)
    .toString(8)
    .padStart(field - 1, '0')
  if (digits.length > field - 1) throw new Error(`${value} does not fit ${field - 1} octal digits`)
  block.write(`${digits}\0`, offset, field, 'ascii')
}

/** Write `value` in GNU base-256: 0x80 then big-endian bytes. */
function writeBase256(block: Buffer, offset: number, field: number, value: number): void {
  block[offset] = 0x80
  let rest = value
  for (let i = offset + field - 1; i > offset; i--) {
    block[i] = rest % 256
    rest = Math.floor(rest / 256)
  }
}

/**
 * One 512-byte ustar header for `spec`, checksum computed (or wrong when `badChecksum`).
 * @throws Error when the path or link target is over 100 bytes (use `paxHeader`).
 */
export function rawHeader(spec: RawHeader): Buffer {
  const block = Buffer.alloc(512)
  const write = (text: string, offset: number, field: number): void => {
    const bytes = Buffer.from(text, 'utf8')
    if (bytes.length > field) throw new Error(`"${text.slice(0, 40)}…" is over ${field} bytes`)
    bytes.copy(block, offset)
  }
  write(spec.path, 0, 100)
  writeOctal(block, 100, 8, spec.mode ?? 0o644)
  writeOctal(block, 108, 8, 0)
  writeOctal(block, 116, 8, 0)
  const size = spec.size ?? 0
  if (size > MAX_OCTAL_SIZE) writeBase256(block, 124, 12, size)
  else writeOctal(block, 124, 12, size)
  writeOctal(block, 136, 12, spec.mtime ?? Date.UTC(2026, 0, 1) / 1000)
  block.write(spec.type ?? TYPE.file, 156, 1, 'latin1')
  write(spec.linkpath ?? '', 157, 100)
  block.write('ustar\u000000', 257, 8, 'latin1')
  writeOctal(block, 329, 8, spec.devmajor ?? 0)
  writeOctal(block, 337, 8, spec.devminor ?? 0)
  block.fill(0x20, 148, 156) // checksum field counts as spaces
  let sum = 0
  for (const byte of block) sum += byte
  if (spec.badChecksum) sum += 1
  writeOctal(block, 148, 7, sum)
  block[155] = 0x20
  return block
}

/** `data` followed by NULs up to the next 512-byte boundary. */
export function padded(data: Buffer): Buffer {
  const pad = (512 - (data.length % 512)) % 512
  return pad === 0 ? data : Buffer.concat([data, Buffer.alloc(pad)])
}

/** A pax record body `"<len> key=value\n"` (POSIX pax: len counts the whole record, itself included). */
export function paxRecords(records: Record<string, string>): Buffer {
  const lines: Buffer[] = []
  for (const [key, value] of Object.entries(records)) {
    const rest = ` ${key}=${value}\n`
    let length = Buffer.byteLength(rest)
    while (String(length).length + Buffer.byteLength(rest) !== length) {
      length = String(length).length + Buffer.byteLength(rest)
    }
    lines.push(Buffer.from(`${length}${rest}`, 'utf8'))
  }
  return Buffer.concat(lines)
}

/** A pax extended header (type `x`, or `g` when `global`) holding `body`, padded. */
export function paxHeader(body: Buffer, options: { global?: boolean } = {}): Buffer {
  return Buffer.concat([
    rawHeader({
      path: 'PaxHeaders/entry',
      type: options.global ? TYPE.paxGlobal : TYPE.paxLocal,
      size: body.length
    }),
    padded(body)
  ])
}

/** One archive member: a header and its data (padding added by `tarOf`). */
export interface RawEntry extends RawHeader {
  /** Data; default empty. Its length is the declared size unless `size` says otherwise. */
  content?: string | Buffer
  /** Raw bytes (pax headers, …) written before this member's header. */
  before?: Buffer
}

/**
 * The tar stream for `entries` (header, data, padding each), with the two NUL end blocks. A path
 * or link target over the 100-byte ustar field goes in a pax header first, as packers do.
 */
export function tarBytes(entries: RawEntry[]): Buffer {
  const parts: Buffer[] = []
  for (const entry of entries) {
    const body = bytesOf(entry.content)
    if (entry.before) parts.push(entry.before)
    const long: Record<string, string> = {}
    if (Buffer.byteLength(entry.path) > 100) long.path = entry.path
    if (entry.linkpath && Buffer.byteLength(entry.linkpath) > 100) long.linkpath = entry.linkpath
    if (Object.keys(long).length > 0) parts.push(paxHeader(paxRecords(long)))
    const header = {
      ...entry,
      ...(long.path !== undefined && { path: 'PaxHeaders/long-path' }),
      ...(long.linkpath !== undefined && { linkpath: 'PaxHeaders/long-link' }),
      size: entry.size ?? body.length
    }
    parts.push(rawHeader(header), padded(body))
  }
  parts.push(Buffer.alloc(1024))
  return Buffer.concat(parts)
}

/**
 * The tar stream of `count` one-byte regular files `<prefix><i>.js` (content `x`): one header
 * template patched per file, so 100 000 entries take milliseconds.
 */
export function manyTinyFiles(count: number, prefix = 'package/f/'): Buffer {
  const template = rawHeader({ path: '', size: 1 }).fill(0x20, 148, 156)
  let base = 0 // the checksum of the template, its checksum field summed as spaces (ustar)
  for (const byte of template) base += byte
  const out = Buffer.alloc(count * 1024 + 1024)
  for (let i = 0; i < count; i++) {
    const at = i * 1024
    template.copy(out, at)
    const name = Buffer.from(`${prefix}${i}.js`, 'utf8')
    name.copy(out, at)
    let sum = base
    for (const byte of name) sum += byte
    out.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 8, 'latin1')
    out[at + 512] = 0x78 // "x"
  }
  return out
}

/** `tarBytes(entries)` gzip-compressed (a `.tgz`). */
export function tgzOf(entries: RawEntry[]): Buffer {
  return gzipRepeated([{ data: tarBytes(entries) }])
}

// ── gzip built from repeated parts ───────────────────────────────────────────────────────────

/** CRC-32 (ISO 3309 / RFC 1952 §8) as GF(2) operations, so long runs can be combined cheaply. */
const CRC_POLY = 0xedb88320
const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? CRC_POLY ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/** CRC-32 of `data` continuing from `crc` (0 to start). */
export function crc32(data: Buffer, crc = 0): number {
  let c = ~crc >>> 0
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8)
  return ~c >>> 0
}

function gf2Times(matrix: Uint32Array, vector: number): number {
  let sum = 0
  for (let i = 0; vector !== 0; i++, vector >>>= 1) {
    if (vector & 1) sum ^= matrix[i] as number
  }
  return sum >>> 0
}

function gf2Square(matrix: Uint32Array): Uint32Array {
  const square = new Uint32Array(32)
  for (let n = 0; n < 32; n++) square[n] = gf2Times(matrix, matrix[n] as number)
  return square
}

/**
 * CRC-32 of A followed by B from crc(A), crc(B) and B's length in bytes (zlib's
 * `crc32_combine`, O(log length)); lengths up to 2^53.
 */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA
  let odd: Uint32Array = new Uint32Array(32)
  odd[0] = CRC_POLY // operator for one zero bit
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row >>> 0
  let even: Uint32Array = gf2Square(odd) // two zero bits
  odd = gf2Square(even) // four zero bits
  let crc = crcA >>> 0
  let length = lengthB
  do {
    even = gf2Square(odd)
    if (length % 2 === 1) crc = gf2Times(even, crc)
    length = Math.floor(length / 2)
    if (length === 0) break
    odd = gf2Square(even)
    if (length % 2 === 1) crc = gf2Times(odd, crc)
    length = Math.floor(length / 2)
  } while (length !== 0)
  return (crc ^ crcB) >>> 0
}

/** One distinct part of a repeated gzip stream. */
export interface GzipPart {
  data: Buffer
  /** How many times `data` follows itself; default 1. */
  times?: number
}

/** A raw DEFLATE stream (RFC 1951) and what it inflates to. */
export interface RepeatedDeflate {
  deflated: Buffer
  /** CRC-32 of the inflated bytes. */
  crc: number
  /** Inflated length in bytes. */
  length: number
}

/**
 * A raw DEFLATE stream whose content is each part's `data` repeated `times`, in order, built from
 * one deflate of each part: memory and time depend on the compressed size only.
 */
export function deflateRepeated(parts: GzipPart[]): RepeatedDeflate {
  const body: Buffer[] = []
  let crc = 0
  let length = 0
  for (const part of parts) {
    const times = part.times ?? 1
    const deflated = deflateRawSync(part.data, { finishFlush: constants.Z_FULL_FLUSH, level: 9 })
    for (let i = 0; i < times; i++) body.push(deflated)
    crc = crc32Combine(crc, repeatedCrc(part.data, times), part.data.length * times)
    length += part.data.length * times
  }
  body.push(deflateRawSync(Buffer.alloc(0))) // the final (empty) block
  return { deflated: Buffer.concat(body), crc, length }
}

/**
 * A valid gzip file (RFC 1952) whose content is each part's `data` repeated `times`, in order
 * (`deflateRepeated` with gzip framing, true CRC-32 and ISIZE).
 * @returns the `.gz` bytes; its true unpacked length is `unpackedLength(parts)`.
 */
export function gzipRepeated(parts: GzipPart[]): Buffer {
  const { deflated, crc, length } = deflateRepeated(parts)
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])
  const trailer = Buffer.alloc(8)
  trailer.writeUInt32LE(crc, 0)
  trailer.writeUInt32LE(length % 2 ** 32, 4) // ISIZE: length modulo 2^32
  return Buffer.concat([header, deflated, trailer])
}

/** CRC-32 of `data` repeated `times` times, by doubling (O(log times) combines). */
function repeatedCrc(data: Buffer, times: number): number {
  let result = 0
  let power = crc32(data)
  let powerLength = data.length
  for (let n = times; n > 0; n = Math.floor(n / 2)) {
    if (n % 2 === 1) result = crc32Combine(result, power, powerLength)
    power = crc32Combine(power, power, powerLength)
    powerLength *= 2
  }
  return result
}

/** Total unpacked bytes of `parts` (what a complete decompression yields). */
export function unpackedLength(parts: GzipPart[]): number {
  return parts.reduce((n, p) => n + p.data.length * (p.times ?? 1), 0)
}

/** 1 MiB, the unit bombs are repeated in. */
export const MIB = 1024 * 1024

/**
 * One MiB of text that deflates a few hundred to one (a counter every line), so a bomb built of it
 * stays under tar's own 1000:1 ratio guard and only the reader's byte caps can stop it.
 */
export function compressibleMiB(): Buffer {
  const lines: string[] = []
  let length = 0
  for (let i = 0; length < MIB; i++) {
    const line = `line ${String(i).padStart(6, '0')}: ${'x'.repeat(2000)}\n`
    lines.push(line)
    length += line.length
  }
  return Buffer.from(lines.join('')).subarray(0, MIB)
}

/** How a bomb member is declared. */
export interface TarBombSpec {
  /** Header of the member holding the bomb (its `size` is computed). */
  header: Omit<RawHeader, 'size'>
  /** One MiB (or any multiple of 512 bytes) repeated `times` as the member's data. */
  unit: Buffer
  times: number
  /** Members before the bomb (a package.json, …). */
  lead?: RawEntry[]
  /** Raw bytes right before the bomb's header (pax headers). */
  before?: Buffer
}

/**
 * A `.tgz` whose member `header` holds `unit × times` bytes (e.g. 10 GiB), with correct tar
 * framing and gzip CRC: a complete decompression would really yield all of it.
 * @returns the archive and its true unpacked size in bytes.
 */
export function tarBomb(spec: TarBombSpec): { tgz: Buffer; unpacked: number } {
  if (spec.unit.length % 512 !== 0) throw new Error('a bomb unit must be a multiple of 512 bytes')
  const size = spec.unit.length * spec.times
  const head = Buffer.concat([
    spec.lead ? tarBytes(spec.lead).subarray(0, -1024) : Buffer.alloc(0),
    spec.before ?? Buffer.alloc(0),
    rawHeader({ ...spec.header, size })
  ])
  const parts: GzipPart[] = [
    { data: head },
    { data: spec.unit, times: spec.times },
    { data: Buffer.alloc(1024) }
  ]
  return { tgz: gzipRepeated(parts), unpacked: unpackedLength(parts) }
}

// ── zip ───────────────────────────────────────────────────────────────────────────────────────

/** One zip member. */
export interface ZipMember {
  name: string
  content?: string | Buffer
  /** Unix mode for the external attributes (e.g. 0o120777 for a symlink); default 0o100644. */
  mode?: number
  /** Declared uncompressed size (local and central headers), when it should lie. */
  declaredSize?: number
  /** Already-deflated data (e.g. `deflateRepeated`), used instead of deflating `content`. */
  deflated?: RepeatedDeflate
}

/**
 * A zip archive (APPNOTE.TXT 6.3: local headers, deflated data, central directory, end record),
 * members deflated (method 8), names as UTF-8 (flag bit 11), made by "Unix" (3) so modes count.
 */
export function zipOf(members: ZipMember[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const member of members) {
    const data = bytesOf(member.content)
    const deflated = member.deflated?.deflated ?? deflateRawSync(data)
    const name = Buffer.from(member.name, 'utf8')
    const crc = member.deflated?.crc ?? crc32(data)
    const size = member.declaredSize ?? member.deflated?.length ?? data.length
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0x800, 6)
    local.writeUInt16LE(8, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(deflated.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x800, 8)
    central.writeUInt16LE(8, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(deflated.length, 20)
    central.writeUInt32LE(size, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(((member.mode ?? 0o100644) << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, deflated)
    centrals.push(central, name)
    offset += local.length + name.length + deflated.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(members.length, 8)
  end.writeUInt16LE(members.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

/**
 * A zip that reads two ways: its classic end record (APPNOTE.TXT 4.3.16) names `benign`'s central
 * directory, and a ZIP64 end record with its locator (4.3.14, 4.3.15) names `hostile`'s. Readers
 * that honour ZIP64 (fflate, Info-ZIP) see `hostile`; a reader that checks one directory and
 * inflates from the other is fooled.
 */
export function zip64Differential(benign: Buffer, hostile: Buffer): Buffer {
  const end = (zip: Buffer): Buffer => zip.subarray(zip.length - 22)
  const hostileEnd = end(hostile)
  const benignEnd = end(benign)
  const hostileBody = hostile.subarray(0, hostile.length - 22)
  const shift = hostileBody.length
  const benignBody = Buffer.from(benign.subarray(0, benign.length - 22))
  const benignDirectory = benignEnd.readUInt32LE(16)
  for (let at = benignDirectory, i = 0; i < benignEnd.readUInt16LE(10); i++) {
    benignBody.writeUInt32LE(benignBody.readUInt32LE(at + 42) + shift, at + 42)
    at +=
      46 +
      benignBody.readUInt16LE(at + 28) +
      benignBody.readUInt16LE(at + 30) +
      benignBody.readUInt16LE(at + 32)
  }
  const zip64End = Buffer.alloc(56)
  zip64End.writeUInt32LE(0x06064b50, 0)
  zip64End.writeBigUInt64LE(44n, 4)
  zip64End.writeUInt16LE(45, 12)
  zip64End.writeUInt16LE(45, 14)
  zip64End.writeBigUInt64LE(BigInt(hostileEnd.readUInt16LE(10)), 24)
  zip64End.writeBigUInt64LE(BigInt(hostileEnd.readUInt16LE(10)), 32)
  zip64End.writeBigUInt64LE(BigInt(hostileEnd.readUInt32LE(12)), 40)
  zip64End.writeBigUInt64LE(BigInt(hostileEnd.readUInt32LE(16)), 48)
  const locator = Buffer.alloc(20)
  locator.writeUInt32LE(0x07064b50, 0)
  locator.writeBigUInt64LE(BigInt(shift + benignBody.length), 8)
  locator.writeUInt32LE(1, 16)
  const classicEnd = Buffer.from(benignEnd)
  classicEnd.writeUInt32LE(benignDirectory + shift, 16)
  return Buffer.concat([hostileBody, benignBody, zip64End, locator, classicEnd])
}

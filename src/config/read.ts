import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { z } from 'zod'
import type { DiscoveredConfig } from './discover.js'
import { formatFromPath } from './formats.js'
import { failed, parseConfig } from './parse.js'
import type { ParsedConfig } from './types.js'

/** Largest config file read by default: 1 MiB. Real client configs are a few KiB. */
export const DEFAULT_MAX_CONFIG_BYTES = 1024 * 1024

/** Options of {@link readConfig}. */
export interface ReadConfigOptions {
  /** Size limit in bytes (default {@link DEFAULT_MAX_CONFIG_BYTES}); larger files are an error. */
  maxBytes?: number
}

const optionsSchema = z.object({ maxBytes: z.number().int().positive().optional() })

/**
 * Reads and parses one discovered config file (see `parseConfig`).
 *
 * The file must be a regular file of at most `maxBytes`; it is opened without blocking, so a
 * FIFO or device planted in a PR cannot hang the gate. Text is decoded as UTF-8 (a UTF-8 BOM is
 * dropped; UTF-16 files with a BOM, as some Windows editors write, are decoded as UTF-16).
 *
 * @returns the parsed config; an unreadable, oversized or non-regular file, or one discovery
 *   refused (a symbolic link out of the workspace), yields `error` at
 *   line 1, column 1 with what is wrong and what to do. Never throws (invalid `options` too
 *   become a located error).
 */
export async function readConfig(
  file: DiscoveredConfig,
  options: ReadConfigOptions = {}
): Promise<ParsedConfig> {
  const format = formatFromPath(file.path) ?? 'generic'
  const fail = (message: string): ParsedConfig =>
    failed(file.path, format, { message: `${message} (line 1, column 1)`, line: 1, column: 1 })

  const parsedOptions = optionsSchema.safeParse(options)
  if (!parsedOptions.success) {
    return fail(`Invalid read options: ${z.prettifyError(parsedOptions.error)}`)
  }
  const maxBytes = parsedOptions.data.maxBytes ?? DEFAULT_MAX_CONFIG_BYTES
  if (file.refused !== undefined) return fail(`Not read: ${file.refused}`)

  let bytes: Uint8Array
  try {
    const read = await readLimited(file.absolutePath, maxBytes)
    if (read.kind === 'not-a-file') {
      return fail('Not a regular file: config paths must name files')
    }
    if (read.kind === 'too-large') {
      return fail(
        `The file is ${formatSize(read.size)}, over the ${formatSize(maxBytes)} limit for ` +
          'config files: is this really an MCP client config?'
      )
    }
    if (read.kind === 'changed') {
      return fail('The file changed while it was being read: run the gate again')
    }
    bytes = read.bytes
  } catch (error) {
    return fail(`Cannot read the file (${errorCode(error)}): check that it exists and is readable`)
  }
  return parseConfig(file.path, decode(bytes))
}

type LimitedRead =
  | { kind: 'ok'; bytes: Uint8Array }
  | { kind: 'too-large'; size: number }
  | { kind: 'not-a-file' }
  | { kind: 'changed' }

async function readLimited(absolutePath: string, maxBytes: number): Promise<LimitedRead> {
  const nonBlocking = (constants as { O_NONBLOCK?: number }).O_NONBLOCK ?? 0
  const handle = await open(absolutePath, constants.O_RDONLY | nonBlocking)
  try {
    const info = await handle.stat()
    if (!info.isFile()) return { kind: 'not-a-file' }
    if (info.size > maxBytes) return { kind: 'too-large', size: info.size }
    // One byte more than stat reported, to notice a file that grows while it is read.
    const buffer = new Uint8Array(info.size + 1)
    let length = 0
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null)
      if (bytesRead === 0) break
      length += bytesRead
    }
    if (length > info.size) return { kind: 'changed' }
    return { kind: 'ok', bytes: buffer.subarray(0, length) }
  } finally {
    await handle.close()
  }
}

/** UTF-16 (with BOM) or UTF-8; invalid UTF-8 becomes U+FFFD instead of failing. */
function decode(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes)
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes)
  // TextDecoder drops a UTF-8 BOM by default.
  return new TextDecoder('utf-8').decode(bytes)
}

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB`
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`
  return `${bytes} bytes`
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code
    if (typeof code === 'string') return code
  }
  return 'unknown error'
}

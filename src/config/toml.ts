import { parse, TomlDate, TomlError } from 'smol-toml'
import { LineIndex } from './lines.js'
import { locateTomlPaths, pathKey } from './toml-positions.js'
import type { LocatedValue } from './tree.js'
import type { ConfigError, SourceLocation } from './types.js'

/** Deepest inline array/table nesting accepted (passed to smol-toml's `maxDepth`). */
export const MAX_TOML_DEPTH = 100

/** What {@link parseToml} returns: a located tree, or the first problem (never both). */
export type TomlResult =
  { root: LocatedValue; error: null } | { root: undefined; error: ConfigError }

/**
 * Parses a TOML document (Codex `config.toml`, SPEC §3) with smol-toml into a
 * {@link LocatedValue} tree. Positions come from {@link locateTomlPaths}: a table is located at
 * its header's last key (`[mcp_servers.github]` → `github`), a key at its first character, an
 * array element at its first character; anything the scanner could not place inherits the
 * position of its parent.
 *
 * Dates and times become strings (ISO 8601). `__proto__`/`constructor` keys are kept as ordinary
 * keys (smol-toml builds null-prototype tables, and the tree holds properties in a list).
 *
 * @param text the document without a byte-order mark.
 * @returns the tree, or `error` with smol-toml's reason (without its source excerpt, which could
 *   show secrets) and its 1-based line/column. Never throws.
 */
export function parseToml(text: string): TomlResult {
  const lines = new LineIndex(text)
  let data: Record<string, unknown>
  try {
    data = parse(text, { maxDepth: MAX_TOML_DEPTH })
  } catch (error) {
    return { root: undefined, error: describeTomlError(error) }
  }
  const positions = locateTomlPaths(text, lines)
  const start: SourceLocation = { line: 1, column: 1 }
  return { root: toLocated(data, [], positions, start), error: null }
}

function describeTomlError(error: unknown): ConfigError {
  if (error instanceof TomlError) {
    const reason = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/, '')
    const line = Number.isInteger(error.line) && error.line > 0 ? error.line : 1
    const column = Number.isInteger(error.column) && error.column > 0 ? error.column : 1
    const sentence = reason.length > 0 ? reason[0]?.toUpperCase() + reason.slice(1) : 'Invalid TOML'
    return { message: `Invalid TOML: ${sentence} (line ${line}, column ${column})`, line, column }
  }
  return {
    message: 'Invalid TOML: the document could not be read (line 1, column 1)',
    line: 1,
    column: 1
  }
}

function toLocated(
  value: unknown,
  path: string[],
  positions: Map<string, SourceLocation>,
  fallback: SourceLocation
): LocatedValue {
  const location = positions.get(pathKey(path)) ?? fallback
  if (typeof value === 'string') return { kind: 'string', location, value }
  if (typeof value === 'number') return { kind: 'number', location, value }
  if (typeof value === 'bigint') return { kind: 'number', location, value: Number(value) }
  if (typeof value === 'boolean') return { kind: 'boolean', location, value }
  if (value instanceof TomlDate || value instanceof Date) {
    return { kind: 'string', location, value: isoOrText(value) }
  }
  if (Array.isArray(value)) {
    return {
      kind: 'array',
      location,
      items: value.map((item, index) =>
        toLocated(item, [...path, String(index)], positions, location)
      )
    }
  }
  if (typeof value === 'object' && value !== null) {
    const table = value as Record<string, unknown>
    return {
      kind: 'object',
      location,
      properties: Object.keys(table).map((key) => {
        const childPath = [...path, key]
        return {
          key,
          location: positions.get(pathKey(childPath)) ?? location,
          value: toLocated(table[key], childPath, positions, location)
        }
      })
    }
  }
  // Temporal values (only with useLegacyDate: false, which we do not set) or anything else.
  return { kind: 'string', location, value: String(value) }
}

function isoOrText(date: Date): string {
  try {
    return date.toISOString()
  } catch {
    return String(date)
  }
}

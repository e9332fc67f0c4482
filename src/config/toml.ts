import { parse, TomlDate, TomlError } from 'smol-toml'
import { LineIndex } from './lines.js'
import { scanTomlPaths } from './toml-positions.js'
import type { TomlPathNode } from './toml-positions.js'
import type { LocatedValue } from './tree.js'
import type { ConfigError, SourceLocation } from './types.js'

/**
 * Deepest nesting accepted: inline arrays/tables (smol-toml's `maxDepth`), and the number of
 * segments in the path of any key, table or array element (`[a.b.c]` → 3), which smol-toml does
 * not limit. Real Codex configs nest four or five levels.
 */
export const MAX_TOML_DEPTH = 100

/** What {@link parseToml} returns: a located tree, or the first problem (never both). */
export type TomlResult =
  { root: LocatedValue; error: null } | { root: undefined; error: ConfigError }

/**
 * Parses a TOML document (Codex `config.toml`, SPEC §3) with smol-toml into a
 * {@link LocatedValue} tree. Positions come from {@link scanTomlPaths}: a table is located at
 * its header's last key (`[mcp_servers.github]` → `github`), a key at its first character, an
 * array element at its first character; anything the scanner could not place inherits the
 * position of its parent.
 *
 * Dates and times become strings (ISO 8601). `__proto__`/`constructor` keys are kept as ordinary
 * keys (smol-toml builds null-prototype tables, and the tree holds properties in a list).
 *
 * @param text the document without a byte-order mark.
 * @returns the tree, or `error` with smol-toml's reason (without its source excerpt, which could
 *   show secrets) and its 1-based line/column, or, for a document nested more than
 *   {@link MAX_TOML_DEPTH} levels deep, an error at the first key past that depth. Never throws;
 *   time is bounded by the text's length whatever its depth (issue 6).
 */
export function parseToml(text: string): TomlResult {
  const lines = new LineIndex(text)
  // Dotted keys and headers (`[a.a.a…]`) nest without limit in smol-toml, which spends seconds
  // on a few hundred thousand of them: the position scan (linear, stopping at the first path
  // over the limit) runs first and refuses such a document before smol-toml reads it.
  const positions = scanTomlPaths(text, lines, MAX_TOML_DEPTH)
  if (positions.tooDeepAt !== undefined) return tooDeep(positions.tooDeepAt)
  let data: Record<string, unknown>
  try {
    data = parse(text, { maxDepth: MAX_TOML_DEPTH })
  } catch (error) {
    return { root: undefined, error: describeTomlError(error) }
  }
  // The scan stops early on text it does not understand: check the values themselves too.
  if (depthExceeds(data, MAX_TOML_DEPTH)) return tooDeep({ line: 1, column: 1 })
  const start: SourceLocation = { line: 1, column: 1 }
  return { root: toLocated(data, positions.root, start), error: null }
}

function tooDeep({ line, column }: SourceLocation): TomlResult {
  const message =
    `Invalid TOML: keys, tables and values are nested more than ${MAX_TOML_DEPTH} levels ` +
    `deep (line ${line}, column ${column})`
  return { root: undefined, error: { message, line, column } }
}

/**
 * Whether any value of a parsed document sits at a path of more than `limit` keys and array
 * indexes. Iterative (no recursion), and stops at the first value past the limit.
 */
function depthExceeds(document: Record<string, unknown>, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: document, depth: 0 }]
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, depth } = next
    if (depth > limit) return true
    if (value instanceof TomlDate || value instanceof Date) continue
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 })
    } else if (typeof value === 'object' && value !== null) {
      for (const child of Object.values(value)) stack.push({ value: child, depth: depth + 1 })
    }
  }
  return false
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

/** `value` (at most `MAX_TOML_DEPTH` deep) located by its path's `node`, else `fallback`. */
function toLocated(
  value: unknown,
  node: TomlPathNode | undefined,
  fallback: SourceLocation
): LocatedValue {
  const location = node?.location ?? fallback
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
      items: value.map((item, index) => toLocated(item, node?.items?.[index], location))
    }
  }
  if (typeof value === 'object' && value !== null) {
    const table = value as Record<string, unknown>
    return {
      kind: 'object',
      location,
      properties: Object.keys(table).map((key) => {
        const child = node?.keys?.get(key)
        return {
          key,
          location: child?.location ?? location,
          value: toLocated(table[key], child, location)
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

import { looksLikeServerEntry, readServerEntry } from './entry.js'
import { formatFromContent, formatFromPath } from './formats.js'
import { parseJsonc } from './jsonc.js'
import { quoteKey } from './notes.js'
import { findServerMaps } from './server-map.js'
import type { ServerMap } from './server-map.js'
import { parseToml } from './toml.js'
import { describeKind, getProperty, uniqueProperties } from './tree.js'
import type { LocatedObject, LocatedValue } from './tree.js'
import type { ClientFormat, ConfigError, ParsedConfig, ServerEntry } from './types.js'

/**
 * Parses one MCP client config file (SPEC §3) into its server entries.
 *
 * - `.toml` files are Codex TOML (`[mcp_servers.<name>]`); everything else is JSON with comments
 *   and trailing commas. A UTF-8 byte-order mark is ignored; `\r\n` line ends are fine.
 * - The format comes from the path (see `detectFormat`), else from the content, else `generic`.
 * - Server maps: see `findServerMaps` (`mcpServers`, VS Code `servers`/`mcp.servers` with
 *   `inputs`, Zed `context_servers`, Codex `mcp_servers`, or a bare top-level map).
 * - Members whose value is not an object (`"// note": ""`, `_comment`) are skipped with a
 *   file note; a server named twice keeps its last definition (as JSON.parse does), with a note.
 *
 * @param path the config path as given to the gate; copied to `ParsedConfig.path` and each
 *   entry's `config`, and used for format detection.
 * @param text the file's text.
 * @returns servers (maybe none), or `error` with a human message and the 1-based line/column of
 *   the first syntax problem — never both. A document with no server map has
 *   `hasServerMap: false` and no error ("no MCP servers"). Never throws, whatever the input.
 */
export function parseConfig(path: string, text: string): ParsedConfig {
  try {
    return parseUnchecked(path, text)
  } catch {
    return failed(path, formatFromPath(path) ?? 'generic', {
      message: 'The file could not be read: the config reader failed on it (line 1, column 1)',
      line: 1,
      column: 1
    })
  }
}

/** A `ParsedConfig` for a file that could not be read or parsed. */
export function failed(path: string, format: ClientFormat, error: ConfigError): ParsedConfig {
  return { path, format, hasServerMap: false, servers: [], error, notes: [] }
}

function parseUnchecked(path: string, rawText: string): ParsedConfig {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText
  const isToml = /\.toml$/i.test(path)
  const parsed = isToml ? parseToml(text) : parseJsonc(text)
  const pathFormat = formatFromPath(path)
  if (parsed.error !== null) return failed(path, pathFormat ?? 'generic', parsed.error)

  const root = parsed.root
  const format = pathFormat ?? (root === undefined ? undefined : contentFormat(root)) ?? 'generic'
  const result: ParsedConfig = {
    path,
    format,
    hasServerMap: false,
    servers: [],
    error: null,
    notes: []
  }
  if (root === undefined) {
    result.notes.push('The file is empty (no JSON value): no MCP servers')
    return result
  }
  if (root.kind !== 'object') {
    result.notes.push(
      `The top-level value is ${describeKind(root.kind)}, not an object: no MCP servers`
    )
    return result
  }

  const search = findServerMaps(root, format)
  result.hasServerMap = search.hasServerMap
  result.notes.push(...search.notes)
  for (const map of search.maps) {
    result.servers.push(...readMap(root, map, path, format, result.notes))
  }
  return result
}

function contentFormat(root: LocatedValue): ClientFormat | undefined {
  return formatFromContent((keys) => {
    let current: LocatedValue = root
    for (const key of keys) {
      if (current.kind !== 'object') return false
      const property = getProperty(current, key)
      if (property === undefined) return false
      current = property.value
    }
    return current.kind === 'object'
  })
}

function readMap(
  root: LocatedObject,
  map: ServerMap,
  config: string,
  format: ClientFormat,
  notes: string[]
): ServerEntry[] {
  const where = map.path.length === 0 ? 'the top-level object' : `"${map.path.join('.')}"`
  const { properties, duplicates } = uniqueProperties(map.object)
  for (const name of duplicates) {
    notes.push(
      `Server ${quoteKey(name)} is defined more than once in ${where}; the last definition is used`
    )
  }
  const declaredInputs = map.inferred ? undefined : inputsNextTo(root, map.path)
  const servers: ServerEntry[] = []
  for (const property of properties) {
    if (property.value.kind !== 'object') {
      notes.push(
        `Skipped ${quoteKey(property.key)} in ${where}: its value is ${describeKind(property.value.kind)}, not a server entry`
      )
      continue
    }
    if (map.inferred && !looksLikeServerEntry(property.value)) {
      notes.push(
        `Skipped ${quoteKey(property.key)} in ${where}: it does not look like a server entry`
      )
      continue
    }
    servers.push(
      readServerEntry(property.key, property.location, property.value, {
        config,
        format,
        ...(declaredInputs === undefined ? {} : { declaredInputs })
      })
    )
  }
  return servers
}

/**
 * Ids declared by a VS Code `inputs` array beside the server map (`servers` + `inputs`, or
 * `mcp.servers` + `mcp.inputs`); `undefined` when there is no such array.
 */
function inputsNextTo(root: LocatedObject, mapPath: string[]): ReadonlySet<string> | undefined {
  let parent: LocatedValue = root
  for (const key of mapPath.slice(0, -1)) {
    if (parent.kind !== 'object') return undefined
    const next = getProperty(parent, key)
    if (next === undefined) return undefined
    parent = next.value
  }
  if (parent.kind !== 'object') return undefined
  const inputs = getProperty(parent, 'inputs')
  if (inputs?.value.kind !== 'array') return undefined
  const ids = new Set<string>()
  for (const item of inputs.value.items) {
    if (item.kind !== 'object') continue
    const id = getProperty(item, 'id')
    if (id?.value.kind === 'string') ids.add(id.value.value)
  }
  return ids
}

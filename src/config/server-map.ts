import { looksLikeServerEntry } from './entry.js'
import { CLIENT_NAMES, SERVER_MAP_PATHS } from './formats.js'
import { describeKind, getProperty } from './tree.js'
import type { LocatedObject, LocatedProperty, LocatedValue } from './tree.js'
import type { ClientFormat } from './types.js'

/** Server-map locations any client uses (SPEC §3 "Shapes"), with the client family they belong to. */
const KNOWN_MAPS: ReadonlyArray<{ path: readonly string[]; owner: string }> = [
  { path: ['mcpServers'], owner: 'the key most clients read' },
  { path: ['servers'], owner: "VS Code's key" },
  { path: ['mcp', 'servers'], owner: "the key of VS Code's settings.json" },
  { path: ['context_servers'], owner: "Zed's key" },
  { path: ['mcp_servers'], owner: "Codex's key" }
]

/** Keys that hold server maps; nested elsewhere they are reported as not gated. */
const MAP_KEYS = new Set(['mcpServers', 'servers', 'context_servers', 'mcp_servers'])

/** One server map found in a document. */
export interface ServerMap {
  /** Property path of the map from the root (`["mcpServers"]`, `["mcp","servers"]`); `[]` = root. */
  path: string[]
  object: LocatedObject
  /**
   * True for a map inferred from a root object with no wrapper key (plugin-style `.mcp.json`):
   * only members that look like server entries are entries; the rest are other settings.
   */
  inferred: boolean
}

/** The maps {@link findServerMaps} found and what it has to say about the document. */
export interface ServerMapSearch {
  maps: ServerMap[]
  /** True when any map was found, even an empty one (`ParsedConfig.hasServerMap`). */
  hasServerMap: boolean
  notes: string[]
}

/**
 * Finds the server maps in a document's root object (SPEC §3).
 *
 * Reads the map(s) the client reads (`SERVER_MAP_PATHS[format]`), even when empty. Another
 * client's map key is read too when it holds server-like entries (a Cursor file that uses VS
 * Code's `servers`), with a note: the gate grades what a PR could launch. When no map key is
 * present, a root object whose members look like server entries is read as a map itself
 * (plugin style). Maps nested deeper under other keys (e.g. Kiro's `powers.mcpServers`) are not
 * read; a note says so when they hold entries.
 *
 * @returns maps in document order, plus notes naming keys but never quoting values.
 */
export function findServerMaps(root: LocatedObject, format: ClientFormat): ServerMapSearch {
  const notes: string[] = []
  const maps: ServerMap[] = []
  const expected = SERVER_MAP_PATHS[format]
  for (const known of KNOWN_MAPS) {
    const property = propertyAt(root, known.path)
    if (property === undefined) continue
    const label = known.path.join('.')
    const isExpected = expected.some((p) => p.join('.') === label)
    if (property.value.kind !== 'object') {
      if (isExpected) {
        notes.push(
          `"${label}" is ${describeKind(property.value.kind)}, not an object of servers; nothing to read there`
        )
      }
      continue
    }
    const hasEntries = property.value.properties.some((p) => looksLikeServerEntry(p.value))
    if (!isExpected && !hasEntries) continue
    if (!isExpected) {
      const wanted = expected.map((p) => `"${p.join('.')}"`).join(' or ')
      const hasOwnMap = expected.some((p) => propertyAt(root, p)?.value.kind === 'object')
      notes.push(
        `${CLIENT_NAMES[format]} reads servers from ${wanted}, but this file ` +
          `${hasOwnMap ? 'also has' : 'uses'} "${label}" (${known.owner}); its servers are gated too`
      )
    }
    maps.push({ path: [...known.path], object: property.value, inferred: false })
  }
  maps.sort((a, b) => compareLocations(a.object, b.object))

  if (maps.length === 0) {
    const entries = root.properties.filter((p) => looksLikeServerEntry(p.value))
    if (entries.length > 0) {
      maps.push({ path: [], object: root, inferred: true })
      notes.push(
        'No "mcpServers" key: the top-level object is read as the server map (plugin style)'
      )
    }
  }
  notes.push(...unreadNestedMaps(root, maps))
  return { maps, hasServerMap: maps.length > 0, notes }
}

function propertyAt(root: LocatedObject, path: readonly string[]): LocatedProperty | undefined {
  let current: LocatedValue = root
  let property: LocatedProperty | undefined
  for (const key of path) {
    if (current.kind !== 'object') return undefined
    property = getProperty(current, key)
    if (property === undefined) return undefined
    current = property.value
  }
  return property
}

function compareLocations(a: LocatedObject, b: LocatedObject): number {
  return a.location.line - b.location.line || a.location.column - b.location.column
}

/** Notes for server-map keys nested where no client reads them, when they hold entries. */
function unreadNestedMaps(root: LocatedObject, read: ServerMap[]): string[] {
  const readObjects = new Set<LocatedObject>(read.map((m) => m.object))
  const notes: string[] = []
  const visit = (object: LocatedObject, path: string[], depth: number): void => {
    if (depth > 3) return
    for (const property of object.properties) {
      if (property.value.kind !== 'object') continue
      const childPath = [...path, property.key]
      if (
        path.length > 0 &&
        MAP_KEYS.has(property.key) &&
        !readObjects.has(property.value) &&
        property.value.properties.some((p) => looksLikeServerEntry(p.value))
      ) {
        const shown = childPath.map((k) => (k.length > 40 ? `${k.slice(0, 37)}…` : k)).join('.')
        notes.push(
          `"${shown}" holds server entries outside the server map this file is read by; ` +
            'they are not gated'
        )
      }
      if (!readObjects.has(property.value)) visit(property.value, childPath, depth + 1)
    }
  }
  visit(root, [], 0)
  return notes
}

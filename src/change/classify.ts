/**
 * Base/head change classification of MCP servers (issue 5): for a config file changed by a pull
 * request, which servers were added, changed, removed or left unchanged, compared with the
 * file's version on the base branch.
 *
 * Pure and synchronous: the caller reads the base text (e.g. `readFileAtRef`) and decides what
 * the classes mean for the gate (`scope.ts`). Never throws, whatever the base text holds (it
 * comes from the base branch and may be anything): `parseConfig` and `identifyServer` never
 * throw, and an unexpected failure here classifies every head server as `added`.
 */
import { parseConfig } from '../config/parse.js'
import type { ConfigError, ParsedConfig } from '../config/types.js'
import { identifyServer } from '../resolve/identify.js'
import type { ResolvedServer } from '../resolve/types.js'
import { compareLaunches } from './aspects.js'
import { pairServers } from './pairing.js'
import { shownMessage } from './shown-launch.js'
import type { AspectChange, ConfigChange, ServerChange } from './types.js'

/** Options of `classifyConfig` and `classifyParsedConfig`. */
export interface ClassifyOptions {
  /**
   * The head servers as the gate resolved them (e.g. with unpinned npm specs resolved by the
   * registry, so a bump can read `1.2.0 → 1.3.4`). A head entry whose `ResolvedServer` is here
   * (the same `entry` object) uses it; any other is identified offline (`identifyServer`).
   */
  resolved?: readonly ResolvedServer[]
  /**
   * `classifyConfig` only: the path the base text had, when the pull request renamed the file
   * (its client format comes from this path); default the head's path.
   */
  basePath?: string
}

/**
 * Classify the servers of `head` against the file's base version `baseText`, parsed as the same
 * path (so the same client format) or as `options.basePath` for a renamed file. `baseText` null means the file is new: status `added`,
 * every server `added`. See `classifyParsedConfig` for the rules. Never throws.
 */
export function classifyConfig(
  head: ParsedConfig,
  baseText: string | null,
  options: ClassifyOptions = {}
): ConfigChange {
  const base = baseText === null ? null : parseConfig(options.basePath ?? head.path, baseText)
  return classifyParsedConfig(head, base, options)
}

/**
 * Classify the servers of `head` against `base` (null: no base version, the file is new).
 * - Servers are paired by name, then renames by identical launch (`pairServers`); each head
 *   server is `added`, `changed` (with its aspects, `compareLaunches`) or `unchanged`, and each
 *   base server no head server took is `removed`.
 * - `unchanged` means the same launch: reformatting, comments, key order and moved lines do
 *   not count; an unchanged spec that resolves to a newer version today is unchanged.
 * - A base that could not be parsed gives status `unknown` and every head server `added`, with
 *   a note saying where the base is broken: without a readable base nothing can be shown
 *   unchanged, so the gate treats everything as new (fail closed). A base with no server map
 *   is an ordinary base with no servers (status `modified` when the head has any).
 * - A head that could not be parsed gives status `unknown` with no servers and none removed
 *   (its error is reported as `CONFIG_INVALID` elsewhere), unless there is no base (`added`).
 * Never throws.
 */
export function classifyParsedConfig(
  head: ParsedConfig,
  base: ParsedConfig | null,
  options: ClassifyOptions = {}
): ConfigChange {
  try {
    return classifyUnchecked(head, base, options)
  } catch {
    return everyServerAdded(
      head.path,
      headServers(head, options),
      'the change against the base could not be worked out: every server counts as added'
    )
  }
}

function classifyUnchecked(
  head: ParsedConfig,
  base: ParsedConfig | null,
  options: ClassifyOptions
): ConfigChange {
  const headResolved = headServers(head, options)
  if (base === null) {
    return {
      path: head.path,
      status: 'added',
      servers: headResolved.map(added),
      removed: [],
      notes: []
    }
  }
  if (head.error !== null) {
    return {
      path: head.path,
      status: 'unknown',
      servers: [],
      removed: [],
      notes: [unparsedNote('head', head.error, 'its servers cannot be compared with the base')]
    }
  }
  if (base.error !== null) {
    const note = unparsedNote('base', base.error, 'every server counts as added', true)
    return everyServerAdded(head.path, headResolved, note)
  }
  const notes: string[] = []
  if (!base.hasServerMap && base.servers.length === 0 && headResolved.length > 0) {
    notes.push('the base version has no MCP servers: every server is added')
  }
  const { servers, removed } = classifyServers(headResolved, base.servers.map(identifyServer))
  const same = removed.length === 0 && servers.every((s) => s.kind === 'unchanged')
  return { path: head.path, status: same ? 'unchanged' : 'modified', servers, removed, notes }
}

/**
 * Classify resolved head servers against resolved base servers of one config file (the pairing
 * and comparison rules of `classifyParsedConfig`). `servers` is index-aligned with `head`;
 * `removed` holds the base servers no head server took, in base order. Pure, never throws for
 * well-formed `ResolvedServer`s.
 */
export function classifyServers(
  head: readonly ResolvedServer[],
  base: readonly ResolvedServer[]
): { servers: ServerChange[]; removed: ServerChange[] } {
  const pairing = pairServers(head, base)
  const servers = head.map((server, i): ServerChange => {
    const index = pairing.baseIndex[i]
    const baseServer = index === null || index === undefined ? undefined : base[index]
    if (baseServer === undefined) return added(server)
    const comparison = compareLaunches(baseServer, server)
    const aspects: AspectChange[] = []
    if (pairing.renamed[i] === true) aspects.push(renamedAspect(baseServer, server))
    aspects.push(...comparison.aspects)
    return {
      kind: aspects.length === 0 ? 'unchanged' : 'changed',
      name: server.entry.name,
      aspects,
      versionBump: comparison.versionBump,
      head: server,
      base: baseServer
    }
  })
  const removed = pairing.unpaired.map((index): ServerChange => ({
    kind: 'removed',
    name: base[index]!.entry.name,
    aspects: [],
    versionBump: null,
    head: null,
    base: base[index]!
  }))
  return { servers, removed }
}

/**
 * Classify `head` when its base version exists but could not be read (`why`: an API failure, a
 * file too large): status `unknown`, every head server `added` (fail closed, as for a base that
 * does not parse), with a note quoting `why` (masked). Never throws.
 */
export function classifyUnreadableBase(
  head: ParsedConfig,
  why: string,
  options: ClassifyOptions = {}
): ConfigChange {
  return everyServerAdded(
    head.path,
    headServers(head, options),
    shownMessage(`the base version could not be read (${why}): every server counts as added`)
  )
}

/**
 * Classify a config file deleted by the pull request: status `removed`, every base server
 * `removed`. A base that cannot be parsed lists none, with a note. Never throws.
 */
export function classifyDeletedConfig(path: string, baseText: string): ConfigChange {
  const base = parseConfig(path, baseText)
  if (base.error !== null) {
    return unlistedDeletion(path, unparsedNote('base', base.error, 'its servers cannot be listed'))
  }
  return {
    path,
    status: 'removed',
    servers: [],
    removed: classifyServers([], base.servers.map(identifyServer)).removed,
    notes: []
  }
}

/**
 * Classify a config file deleted by the pull request whose base version could not be read
 * (`why`: an API failure, a file too large): status `removed`, no server listed as removed, with
 * the note `removed; its servers on the base could not be listed (<why>)`, masked as every note
 * is (`shownMessage`). Never throws.
 */
export function classifyDeletedUnreadableBase(path: string, why: string): ConfigChange {
  return unlistedDeletion(
    path,
    shownMessage(`removed; its servers on the base could not be listed (${why})`)
  )
}

/** The head's servers: the caller's resolved ones where given, else identified offline. */
function headServers(head: ParsedConfig, options: ClassifyOptions): ResolvedServer[] {
  const resolved = new Map(options.resolved?.map((server) => [server.entry, server]))
  return head.servers.map((entry) => resolved.get(entry) ?? identifyServer(entry))
}

/**
 * A config whose change could not be worked out (a base or head that cannot be read or parsed):
 * status `unknown`, every head server `added` (fail closed), with `note`.
 */
function everyServerAdded(
  path: string,
  head: readonly ResolvedServer[],
  note: string
): ConfigChange {
  return { path, status: 'unknown', servers: head.map(added), removed: [], notes: [note] }
}

/**
 * The note for a side that could not be parsed: `the base version could not be parsed (line 3,
 * column 5): <consequence>`, with the parser's message after the column when `withMessage`.
 * Masked (`shownMessage`).
 */
function unparsedNote(
  side: 'base' | 'head',
  error: ConfigError,
  consequence: string,
  withMessage = false
): string {
  const where = `line ${error.line}, column ${error.column}${withMessage ? `: ${error.message}` : ''}`
  return shownMessage(`the ${side} version could not be parsed (${where}): ${consequence}`)
}

/** A deleted config whose base servers cannot be listed: status `removed`, none listed. */
function unlistedDeletion(path: string, note: string): ConfigChange {
  return { path, status: 'removed', servers: [], removed: [], notes: [note] }
}

function added(server: ResolvedServer): ServerChange {
  return {
    kind: 'added',
    name: server.entry.name,
    aspects: [],
    versionBump: null,
    head: server,
    base: null
  }
}

function renamedAspect(base: ResolvedServer, head: ResolvedServer): AspectChange {
  const before = shownMessage(base.entry.name)
  const after = shownMessage(head.entry.name)
  return {
    aspect: 'renamed',
    before,
    after,
    message: shownMessage(
      `renamed from ${JSON.stringify(base.entry.name)} to ${JSON.stringify(head.entry.name)}`
    )
  }
}

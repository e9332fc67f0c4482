/**
 * Identification (SPEC §4): what package, image, URL or local code a server entry runs, from the
 * entry alone — pure and offline. Remote entries (`url`/`serverUrl`/`httpUrl`) are identified by
 * URL; command entries are unwrapped (`unwrapLaunch`) and matched against the launch idioms in
 * order: npm, PyPI, OCI, local code. Anything else (a bare command such as `mcp-server-foo`) is
 * `unknown`, with a note saying so. Unpinned npm specs come out with status `offline` until
 * `resolveServers` asks the registry.
 */
import type { ServerEntry } from '../config/types.js'
import { commandName } from './command-name.js'
import { localIdiom } from './local-idiom.js'
import { npmIdiom } from './npm-idiom.js'
import { ociIdiom } from './oci-idiom.js'
import { type IdiomMatch, packageIdentity, unknownMatch } from './package-identity.js'
import { pypiIdiom } from './pypi-idiom.js'
import { urlMatch } from './remote.js'
import type { ResolvedServer } from './types.js'
import { unwrapLaunch } from './unwrap.js'

/** Transport types that mean a remote server (MCP spec transports, client spellings). */
const REMOTE_TYPES = new Set([
  'http',
  'sse',
  'streamable-http',
  'streamablehttp',
  'streamable_http',
  'ws',
  'websocket'
])

/**
 * Identify one server entry (see the module doc). Never throws: an unexpected failure gives an
 * `unknown` identity with a note.
 */
export function identifyServer(entry: ServerEntry): ResolvedServer {
  try {
    return identify(entry)
  } catch (error) {
    return {
      entry,
      package: packageIdentity({ ecosystem: 'unknown', name: null, launcher: null }),
      argv: [],
      wrappers: [],
      notes: [`could not identify the server: ${error instanceof Error ? error.name : 'error'}`]
    }
  }
}

function identify(entry: ServerEntry): ResolvedServer {
  const { launch } = entry
  const type = launch.type?.trim().toLowerCase()
  const hasCommand = launch.command !== undefined && launch.command.trim() !== ''
  const hasUrl = launch.url !== undefined && launch.url.trim() !== ''
  if (hasUrl && (type !== 'stdio' || !hasCommand)) {
    const match = urlMatch(launch.url!)
    if (hasCommand) match.notes.push('the entry also has a command; the client connects to the URL')
    return { entry, package: match.package, argv: [], wrappers: [], notes: match.notes }
  }
  if (!hasCommand && type !== undefined && REMOTE_TYPES.has(type)) {
    const match = unknownMatch(null, null, `the entry has type "${type}" but no URL`)
    return { entry, package: match.package, argv: [], wrappers: [], notes: match.notes }
  }
  const unwrapped = unwrapLaunch(launch.command, launch.args)
  // An empty argv already has its note from unwrapping.
  const match =
    unwrapped.argv.length === 0
      ? {
          package: packageIdentity({ ecosystem: 'unknown', name: null, launcher: null }),
          notes: []
        }
      : identifyArgv(unwrapped.argv)
  return {
    entry,
    package: match.package,
    argv: unwrapped.argv,
    wrappers: unwrapped.wrappers,
    notes: [...unwrapped.notes, ...match.notes]
  }
}

/**
 * Identify an unwrapped command line `[command, ...args]` against the launch idioms. An empty
 * argv is `unknown` with no name. Never throws.
 */
export function identifyArgv(argv: readonly string[]): IdiomMatch {
  const first = argv[0]
  if (first === undefined || first.trim() === '') {
    return unknownMatch(null, null, 'nothing to identify: the entry runs no command')
  }
  const match = npmIdiom(argv) ?? pypiIdiom(argv) ?? ociIdiom(argv) ?? localIdiom(argv)
  if (match) return match
  return unknownMatch(
    first,
    null,
    `\`${commandName(first)}\` is a command looked up on PATH: which package provides it is unknown`
  )
}

/**
 * Identification (SPEC §4): what package, image, URL or local code a server entry runs, from the
 * entry alone — pure and offline.
 *
 * - An entry with a `url` and no `command` is remote, identified by URL. With both, the `type`
 *   decides: a remote transport (`http`, `sse`, `streamable-http`, `ws`, …) connects to the URL
 *   and ignores the command; anything else (no type, `stdio`) is what stdio clients such as
 *   Claude Desktop run: the command, ignoring the URL. A note says which was ignored.
 * - Command entries are unwrapped (`unwrapLaunch`) and matched against the launch idioms in
 *   order: npm, PyPI, OCI, local code. Anything else (a bare command such as `mcp-server-foo`)
 *   is `unknown`, with a note saying so. A shell string that runs several commands that can run
 *   code is `unknown` too (`severalCommandsMatch`).
 * - The idioms see the environment the launcher runs with (the entry's `env` plus variables the
 *   launch sets), so a registry override there makes a package ungradeable; `NODE_OPTIONS` that
 *   preload code get a note.
 *
 * Unpinned npm specs come out with status `offline` until `resolveServers` asks the registry.
 */
import type { ServerEntry } from '../config/types.js'
import { commandName } from './command-name.js'
import { severalCommandsMatch } from './launching-command.js'
import { localIdiom } from './local-idiom.js'
import { npmIdiom } from './npm-idiom.js'
import { ociIdiom } from './oci-idiom.js'
import { type IdiomMatch, packageIdentity, unknownMatch } from './package-identity.js'
import { npmSourceOverrides, preloadNote, withSourceOverrides } from './package-source.js'
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
  const remoteType = type !== undefined && REMOTE_TYPES.has(type)
  const hasCommand = launch.command !== undefined && launch.command.trim() !== ''
  const hasUrl = launch.url !== undefined && launch.url.trim() !== ''
  if (hasUrl && (remoteType || !hasCommand)) {
    const match = urlMatch(launch.url!)
    if (hasCommand) {
      match.notes.push(
        `the entry also has a command, which a client ignores for type "${type}": identified ` +
          'from the URL'
      )
    }
    return { entry, package: match.package, argv: [], wrappers: [], notes: match.notes }
  }
  if (!hasCommand && remoteType) {
    const match = unknownMatch(null, null, `the entry has type "${type}" but no URL`)
    return { entry, package: match.package, argv: [], wrappers: [], notes: match.notes }
  }
  const unwrapped = unwrapLaunch(launch.command, launch.args)
  const env = { ...launch.env, ...unwrapped.environment }
  let match: IdiomMatch
  if (unwrapped.several !== undefined) match = severalCommandsMatch(unwrapped.several)
  else if (unwrapped.argv.length === 0) {
    // An empty argv already has its note from unwrapping.
    match = {
      package: packageIdentity({ ecosystem: 'unknown', name: null, launcher: null }),
      notes: []
    }
  } else match = identifyArgv(unwrapped.argv, env)
  const notes = [...unwrapped.notes, ...match.notes]
  if (hasUrl) {
    notes.push(
      'the entry also has a url, which stdio clients (such as Claude Desktop) ignore: ' +
        'identified from the command'
    )
  }
  const preload = preloadNote(env)
  if (preload !== null) notes.push(preload)
  return {
    entry,
    package: match.package,
    argv: unwrapped.argv,
    wrappers: unwrapped.wrappers,
    notes
  }
}

/**
 * Identify an unwrapped command line `[command, ...args]` against the launch idioms. An empty
 * argv is `unknown` with no name. Never throws.
 * @param env the environment the launcher runs with (variable name → value as written), read for
 *   package source overrides (`npm_config_registry`, `UV_INDEX_URL`, …); values are never shown.
 */
export function identifyArgv(
  argv: readonly string[],
  env: Readonly<Record<string, string>> = {}
): IdiomMatch {
  const first = argv[0]
  if (first === undefined || first.trim() === '') {
    return unknownMatch(null, null, 'nothing to identify: the entry runs no command')
  }
  const match =
    npmIdiom(argv, env) ?? pypiIdiom(argv, env) ?? ociIdiom(argv) ?? denoNpm(localIdiom(argv), env)
  if (match) return match
  return unknownMatch(
    first,
    null,
    `\`${commandName(first)}\` is a command looked up on PATH: which package provides it is unknown`
  )
}

/** `deno run npm:pkg` installs from `NPM_CONFIG_REGISTRY` too (Deno manual, "npm registries"). */
function denoNpm(
  match: IdiomMatch | null,
  env: Readonly<Record<string, string>>
): IdiomMatch | null {
  if (match === null || match.package.ecosystem !== 'npm') return match
  const { status } = match.package.resolution
  if (status !== 'exact' && status !== 'offline') return match
  return withSourceOverrides(match, npmSourceOverrides([], env))
}

/**
 * Identification (SPEC §4): what package, image, URL or local code a server entry runs, from the
 * entry alone — pure and offline. An entry is a package identity (npm/PyPI/OCI, gradeable) only
 * when we can show that the package is what runs.
 *
 * - An entry with a `url` and no `command` is remote, identified by URL. With both, the `type`
 *   decides: a remote transport (`http`, `sse`, `streamable-http`, `ws`, …) connects to the URL
 *   and ignores the command; `stdio` (or any other type) runs the command. With no `type`, which
 *   one runs depends on the client: a `claude-desktop` config (stdio only) runs the command; any
 *   other is `unknown` with a note asking for `"type"`.
 * - Command entries are unwrapped (`unwrapLaunch`) and matched against the launch idioms in
 *   order: npm, PyPI, OCI, local code. A launcher or wrapper written as a path counts only in a
 *   well-known install location (`launcher-location.ts`); `./npx`, `tools/bin/npx`,
 *   `${workspaceFolder}/npx` or `C:\evil\npx.bat` are `local` (the path), with a note.
 *   Anything else (a bare command such as `mcp-server-foo`) is `unknown`, with a note. A shell
 *   string that runs several commands that can run code, or any command substitution, is
 *   `unknown` (`severalCommandsMatch`).
 * - The idioms see the environment the launcher runs with (the entry's `env` plus variables the
 *   launch sets) and withhold a package identity (`withholding.ts`) whenever something could
 *   run other code first, instead or alongside: another registry, a changed `PATH`, code-loading
 *   variables, launcher options off the allow-list, other packages installed alongside.
 * - Every name, version spec, resolution message, note and wrapper label leaves through
 *   `maskedText`, so a secret quoted from the entry never reaches a report (SPEC §9).
 *
 * Unpinned npm specs come out with status `offline` until `resolveServers` asks the registry.
 */
import type { ServerEntry } from '../config/types.js'
import { commandName, looksLikePath } from './command-name.js'
import { severalCommandsMatch } from './launching-command.js'
import { environmentWithholdings } from './launch-environment.js'
import { launcherName } from './launcher-location.js'
import { localIdiom } from './local-idiom.js'
import { npmIdiom } from './npm-idiom.js'
import { ociIdiom } from './oci-idiom.js'
import { type IdiomMatch, localMatch, packageIdentity, unknownMatch } from './package-identity.js'
import { npmSourceOverrides } from './package-source.js'
import { pypiIdiom } from './pypi-idiom.js'
import { urlMatch } from './remote.js'
import { maskedText, shownValue } from './shown-text.js'
import type { PackageIdentity, ResolvedServer } from './types.js'
import { unwrapLaunch } from './unwrap.js'
import { withheld } from './withholding.js'

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

/** The note for an entry with a command, a url and no type outside Claude Desktop. */
export const AMBIGUOUS_TRANSPORT_NOTE =
  'has both a command and a url and no type: which one runs depends on the client; add "type"'

/**
 * Programs that the idioms and unwrapping recognise by name: written as a path outside a
 * well-known install location they are a local executable, not the program (`./npx`).
 */
const RECOGNISED_PROGRAMS = new Set([
  'npx',
  'npm',
  'pnpm',
  'pnpx',
  'yarn',
  'bunx',
  'bun',
  'deno',
  'uvx',
  'uv',
  'pipx',
  'docker',
  'podman',
  'nerdctl',
  'cmd',
  'powershell',
  'pwsh',
  'wsl',
  'mise',
  'rtx',
  'env',
  'sudo',
  'exec',
  'command',
  'nohup',
  'call',
  'bash',
  'sh',
  'zsh',
  'dash',
  'ksh',
  'ash',
  'mksh',
  'fish'
])

/** How deep `identifyArgv` follows a command run by a launcher (`npx -c "…"`, `-p pkg cmd`). */
const MAX_NESTED_COMMANDS = 4

/**
 * Identify one server entry (see the module doc). Never throws: an unexpected failure gives an
 * `unknown` identity with a note.
 */
export function identifyServer(entry: ServerEntry): ResolvedServer {
  let server: ResolvedServer
  try {
    server = identify(entry)
  } catch (error) {
    server = {
      entry,
      package: packageIdentity({ ecosystem: 'unknown', name: null, launcher: null }),
      argv: [],
      wrappers: [],
      notes: [`could not identify the server: ${error instanceof Error ? error.name : 'error'}`]
    }
  }
  return masked(server)
}

/** `server` with every shown text through `maskedText` (see the module doc). */
function masked(server: ResolvedServer): ResolvedServer {
  const p = server.package
  // `== null`: an idiom that found no package word (`npx -- -u`) may leave a field undefined.
  const mask = (text: string | null | undefined): string | null =>
    text == null ? null : maskedText(text)
  const resolution: PackageIdentity['resolution'] = { status: p.resolution.status }
  if (p.resolution.message !== undefined) resolution.message = maskedText(p.resolution.message)
  return {
    ...server,
    package: { ...p, name: mask(p.name), versionSpec: mask(p.versionSpec), resolution },
    wrappers: server.wrappers.map(maskedText),
    notes: server.notes.map(maskedText)
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
  const ambiguous =
    hasUrl && (type === undefined || type === '') && entry.format !== 'claude-desktop'
  let match: IdiomMatch
  if (ambiguous) match = unknownMatch(null, null, AMBIGUOUS_TRANSPORT_NOTE)
  else if (unwrapped.several !== undefined) match = severalCommandsMatch(unwrapped.several)
  else if (unwrapped.argv.length === 0) {
    // An empty argv already has its note from unwrapping.
    match = {
      package: packageIdentity({ ecosystem: 'unknown', name: null, launcher: null }),
      notes: []
    }
  } else match = withheld(identifyArgv(unwrapped.argv, env), unwrapped.withholdings ?? [])
  const notes = [...unwrapped.notes, ...match.notes]
  if (hasUrl && !ambiguous) {
    notes.push(
      type === undefined || type === ''
        ? 'the entry also has a url, which Claude Desktop (stdio only) ignores: identified from ' +
            'the command'
        : `the entry also has a url, which a client ignores for type "${type}": identified from ` +
            'the command'
    )
  }
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
 * argv is `unknown` with no name. A recognised launcher or wrapper written as a path outside a
 * well-known install location is a local executable (see the module doc). Never throws.
 * @param env the environment the launcher runs with (variable name → value as written), read for
 *   package source overrides, code-loading variables and `PATH`; values are never shown.
 * @param depth how many launcher-run commands deep this is (internal).
 */
export function identifyArgv(
  argv: readonly string[],
  env: Readonly<Record<string, string>> = {},
  depth = 0
): IdiomMatch {
  const first = argv[0]
  if (first === undefined || first.trim() === '') {
    return unknownMatch(null, null, 'nothing to identify: the entry runs no command')
  }
  if (looksLikePath(first) && launcherName(first) === null) {
    const name = commandName(first)
    if (RECOGNISED_PROGRAMS.has(name)) {
      return localMatch(first, 'executable', [
        `\`${shownValue(first)}\` is named like \`${shownValue(name)}\` but is not in a ` +
          'well-known install location (it may be a script next to the config): identified as ' +
          'that local executable, not as the launcher'
      ])
    }
  }
  const nested = (inner: readonly string[], innerEnv: Readonly<Record<string, string>>) =>
    depth >= MAX_NESTED_COMMANDS
      ? unknownMatch(null, null, 'commands run by launchers are nested too deeply to identify')
      : identifyCommandLine(inner, innerEnv, depth + 1)
  const match =
    npmIdiom(argv, env, nested) ??
    pypiIdiom(argv, env, nested) ??
    ociIdiom(argv, env) ??
    denoNpm(localIdiom(argv), env)
  if (match) return match
  return unknownMatch(
    first,
    null,
    `\`${shownValue(commandName(first))}\` is a command looked up on PATH: which package ` +
      'provides it is unknown'
  )
}

/**
 * A command line a launcher runs (`npx -c "…"`'s launching command, `npx -p pkg node x.js`'s
 * `node x.js`), identified like a whole entry: unwrapped, then matched.
 */
function identifyCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
  depth: number
): IdiomMatch {
  const [command, ...args] = argv
  const unwrapped = unwrapLaunch(command, args)
  if (unwrapped.several !== undefined) return severalCommandsMatch(unwrapped.several)
  const inner = identifyArgv(unwrapped.argv, { ...env, ...unwrapped.environment }, depth)
  const match = withheld(inner, unwrapped.withholdings ?? [])
  return { package: match.package, notes: [...unwrapped.notes, ...match.notes] }
}

/**
 * `deno run npm:pkg` installs from `NPM_CONFIG_REGISTRY` too (Deno manual, "npm registries"),
 * and loads code from `DENO_DIR`, `PATH` and the variables every launcher reads.
 */
function denoNpm(
  match: IdiomMatch | null,
  env: Readonly<Record<string, string>>
): IdiomMatch | null {
  if (match === null || match.package.ecosystem !== 'npm') return match
  return withheld(match, [...npmSourceOverrides([], env), ...environmentWithholdings(env, 'deno')])
}

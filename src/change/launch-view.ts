/**
 * The comparable facts of one resolved server (issue 5): what it runs and with what, normalised
 * so that reformatting, comments, key order and line moves compare equal, and nothing of its
 * position in the file is kept. Values that may be secrets (environment and header values, the
 * raw URL) are held for comparison only and never shown.
 */
import { serverKeysOf } from '../resolve/server-id.js'
import type { Ecosystem, ResolvedServer } from '../resolve/types.js'
import { unwrapLaunch } from '../resolve/unwrap.js'

/** Spellings of the streamable HTTP transport that clients accept as one (MCP spec 2025-03-26). */
const STREAMABLE_HTTP = new Set(['streamable-http', 'streamablehttp', 'streamable_http'])

/** A variable or header as written: its name as the entry spells it, and its value (never shown). */
export interface NamedValue {
  name: string
  value: string
}

/** What `launchView` gives; see its doc. */
export interface LaunchView {
  /** Normalised identity without version: the server key id, else `ecosystem:name`. */
  identity: string
  ecosystem: Ecosystem
  /** The effective command line, `ResolvedServer.argv`. */
  argv: readonly string[]
  wrappers: readonly string[]
  /**
   * Effective environment by variable name (case-sensitive, as POSIX has it): the entry's `env`
   * and variables the launch sets. Values may be secrets.
   */
  env: ReadonlyMap<string, NamedValue>
  /**
   * Headers by lower-cased name (RFC 9110 §5.1: field names are case-insensitive). Values may be
   * secrets.
   */
  headers: ReadonlyMap<string, NamedValue>
  /** The remote URL as written, trimmed; null when none. Never shown raw. */
  url: string | null
  /** Normalised transport: lower case, streamable HTTP spellings as `streamable-http`. */
  transport: string | null
  cwd: string | null
  disabled: boolean
  /** Auto-approved tool names, sorted, without duplicates. */
  autoApprove: readonly string[]
  trust: boolean
}

/**
 * The comparable facts of `server`:
 * - `identity`: `serverKeysOf` (npm names lower-cased, PyPI names PEP 503-normalised, OCI
 *   references with their registry, remote URLs in key form, local paths from the config's
 *   directory), else `ecosystem:name` for identities with no key (unknown commands, inline code);
 * - `env`: the entry's `env` plus the variables the launch itself sets (`env NAME=value npx …`,
 *   `NAME=value cmd`, `export` in a shell string), as the launched process sees them;
 * - `transport`: the written `type`, lower-cased; a command entry with no URL and no type is
 *   `stdio` (the only transport a command entry can have), any other missing type stays null;
 * - everything else as written (trimmed where white space cannot matter: URL, cwd, type).
 * Pure, never throws.
 */
export function launchView(server: ResolvedServer): LaunchView {
  const { launch, flags } = server.entry
  const p = server.package
  const key = serverKeysOf(server)[0]
  const env = new Map<string, NamedValue>()
  for (const [name, value] of Object.entries(launch.env)) env.set(name, { name, value })
  for (const [name, value] of Object.entries(launchEnvironment(server))) {
    env.set(name, { name, value })
  }
  const headers = new Map<string, NamedValue>()
  for (const [name, value] of Object.entries(launch.headers)) {
    headers.set(name.toLowerCase(), { name, value })
  }
  const url = launch.url?.trim() || null
  const hasCommand = launch.command !== undefined && launch.command.trim() !== ''
  let transport = launch.type?.trim().toLowerCase() || null
  if (transport !== null && STREAMABLE_HTTP.has(transport)) transport = 'streamable-http'
  if (transport === null && hasCommand && url === null) transport = 'stdio'
  return {
    identity: key?.id ?? `${p.ecosystem}:${p.name ?? ''}`,
    ecosystem: p.ecosystem,
    argv: server.argv,
    wrappers: server.wrappers,
    env,
    headers,
    url,
    transport,
    cwd: launch.cwd?.trim() || null,
    disabled: flags.disabled,
    autoApprove: [...new Set(flags.autoApprove)].sort(),
    trust: flags.trust
  }
}

/**
 * Variables the launch sets on its way (`unwrapLaunch`'s `environment`); empty for an entry the
 * resolver did not run as a command (a remote entry) or when unwrapping fails.
 */
function launchEnvironment(server: ResolvedServer): Record<string, string> {
  const { command, args } = server.entry.launch
  if (server.argv.length === 0 || command === undefined) return {}
  try {
    return unwrapLaunch(command, args).environment ?? {}
  } catch {
    return {}
  }
}

/**
 * The form of a URL in which two spellings of the same URL are equal: the WHATWG serialisation
 * (lower-case scheme and host, default port dropped), or the trimmed text when it does not
 * parse. Holds credentials: for comparison only, never shown.
 */
export function comparableUrl(url: string): string {
  try {
    return new URL(url).href
  } catch {
    return url
  }
}

/**
 * Remote servers (SPEC §4 "remote"): `url`/`serverUrl`/`httpUrl` entries and stdio-to-HTTP
 * bridges (`npx mcp-remote <url>`, `supergateway --sse <url>`, `uvx mcp-proxy <url>`). The
 * identity is the URL as `scheme://host[:port]/path`: user info, query string and fragment are
 * removed, because they carry credentials and tokens (SPEC §9: never leak a secret).
 */
import { looksLikeHttpUrl } from './command-name.js'
import { type IdiomMatch, packageIdentity } from './package-identity.js'

/** Bridge packages that connect a stdio client to a remote server given by URL. */
export const BRIDGE_PACKAGES = new Set(['mcp-remote', 'supergateway', 'mcp-proxy'])

/**
 * The identity of a remote endpoint: `scheme://host[:port]/path` (WHATWG URL normalisation:
 * lower-case host, default port dropped). A value that is not a URL (e.g. `${GATEWAY_URL}/mcp`)
 * is kept as written minus anything that looks like user info, query or fragment, with a note.
 * `name` is null for an empty value. Never throws.
 */
export function remoteEndpoint(url: string): { name: string | null; notes: string[] } {
  const trimmed = url.trim()
  if (trimmed === '') return { name: null, notes: ['the remote URL is empty'] }
  const notes: string[] = []
  let parsed: URL | null
  try {
    parsed = new URL(trimmed)
  } catch {
    parsed = null
  }
  // Variable references (`${HOST}`, `$(cmd)`) parse as odd host names: keep them as written.
  if (parsed === null || parsed.host === '' || /\$[({]/.test(trimmed)) {
    notes.push(
      'the remote URL is not a valid absolute URL (a variable reference?); kept as written'
    )
    return { name: stripUrlSecrets(trimmed), notes }
  }
  if (parsed.username !== '' || parsed.password !== '') {
    notes.push('removed credentials (user:password) from the remote URL')
  }
  if (parsed.search !== '') notes.push('removed the query string from the remote URL identity')
  return { name: `${parsed.protocol}//${parsed.host}${parsed.pathname}`, notes }
}

/**
 * `value` without user info after a scheme (`https://user:token@host` → `https://host`; a plain
 * `git@` user is kept) and without a query string or fragment. Used for URLs that must stay
 * as written otherwise: git and tarball package specs, unparseable remote URLs.
 */
export function stripUrlSecrets(value: string): string {
  return value
    .replace(/^([a-z][\w+.-]*:\/\/)([^/@\s]*)@/i, (_m, scheme: string, user: string) =>
      user === 'git' ? `${scheme}git@` : scheme
    )
    .replace(/[?#][\s\S]*$/, (rest) => (rest.startsWith('#') && !rest.includes('?') ? rest : ''))
}

/** An `IdiomMatch` for an entry's `url` (`launcher: url`). */
export function urlMatch(url: string): IdiomMatch {
  const { name, notes } = remoteEndpoint(url)
  return { package: packageIdentity({ ecosystem: 'remote', name, launcher: 'url' }), notes }
}

/**
 * A bridge launch (`mcp-remote https://host/mcp --header …`): the first argument (or option
 * value, as in `--sse URL`) that is an http(s)/ws(s) URL names the remote server. Null when no
 * argument is a URL (the bridge then runs as an ordinary package). `via` describes the bridge
 * package for the note (e.g. `npm package mcp-remote (unpinned)`).
 */
export function bridgeMatch(
  bridge: string,
  args: readonly string[],
  via: string
): IdiomMatch | null {
  let url: string | undefined
  for (const arg of args) {
    const value = arg.startsWith('-') && arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : arg
    if (looksLikeHttpUrl(value)) {
      url = value
      break
    }
  }
  if (url === undefined) return null
  const { name, notes } = remoteEndpoint(url)
  return {
    package: packageIdentity({ ecosystem: 'remote', name, launcher: bridge }),
    notes: [`bridged to the remote server by the ${via}`, ...notes]
  }
}

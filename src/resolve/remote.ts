/**
 * Remote servers (SPEC §4 "remote"): `url`/`serverUrl`/`httpUrl` entries and stdio-to-HTTP
 * bridges (`npx mcp-remote <url>`, `supergateway --sse <url>`, `uvx mcp-proxy <url>`). The
 * identity is the URL as `sanitizeUrl` gives it (`src/net/url-redaction.ts`, the one place that
 * decides what of a URL may be shown): `scheme://host[:port]/path` without user info, query
 * string or fragment, and with token-like path segments (`/mcp/sk-ak-…/sse`) masked as `…`,
 * because all of these carry credentials (SPEC §9: never leak a secret).
 */
import { looksLikeToken, sanitizeUrl } from '../net/url-redaction.js'
import { looksLikeHttpUrl } from './command-name.js'
import { type IdiomMatch, packageIdentity } from './package-identity.js'
import { stripUrlSecrets } from './shown-text.js'

/** Bridge packages that connect a stdio client to a remote server given by URL. */
export const BRIDGE_PACKAGES = new Set(['mcp-remote', 'supergateway', 'mcp-proxy'])

/** What replaces a token-like path segment in a remote identity. */
export const PATH_TOKEN_MASK = '…'

/**
 * The identity of a remote endpoint: `sanitizeUrl(url, { tokenMask: '…' })` (WHATWG URL
 * normalisation: lower-case host, default port dropped; user info, query and fragment removed;
 * token-like path segments masked), with a note for each kind of thing removed. A value that is
 * not a URL (e.g. `${GATEWAY_URL}/mcp`) is kept as written minus anything that looks like user
 * info, query or fragment, and with token-like path segments masked, with a note. `name` is
 * null for an empty value. Never throws.
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
  const sanitized = sanitizeUrl(trimmed, { tokenMask: PATH_TOKEN_MASK })
  // Variable references (`${HOST}`, `$(cmd)`) parse as odd host names: keep them as written.
  if (parsed === null || sanitized === null || /\$[({]/.test(trimmed)) {
    notes.push(
      'the remote URL is not a valid absolute URL (a variable reference?); kept as written'
    )
    const { text, masked } = maskPathTokens(stripUrlSecrets(trimmed))
    if (masked) notes.push(MASKED_NOTE)
    return { name: text, notes }
  }
  if (parsed.username !== '' || parsed.password !== '') {
    notes.push('removed credentials (user:password) from the remote URL')
  }
  if (parsed.search !== '') notes.push('removed the query string from the remote URL identity')
  if (parsed.pathname.split('/').some((segment) => looksLikeToken(segment))) {
    notes.push(MASKED_NOTE)
  }
  return { name: sanitized, notes }
}

const MASKED_NOTE = `masked a token-like path segment of the remote URL as ${PATH_TOKEN_MASK}`

/** `text` with every `/`-separated segment that looks like a token replaced by the mask. */
function maskPathTokens(text: string): { text: string; masked: boolean } {
  let masked = false
  const out = text
    .split('/')
    .map((segment) => {
      if (!looksLikeToken(segment)) return segment
      masked = true
      return PATH_TOKEN_MASK
    })
    .join('/')
  return { text: out, masked }
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

/**
 * Remote servers (SPEC §4 "remote"): `url`/`serverUrl`/`httpUrl` entries and stdio-to-HTTP
 * bridges (`npx mcp-remote <url>`, `supergateway --sse <url>`, `uvx mcp-proxy <url>`). The
 * identity is the URL as `sanitizeUrl` gives it (`src/net/url-redaction.ts`, the one place that
 * decides what of a URL may be shown): `scheme://host[:port]/path` without user info, query
 * string or fragment, and with token-like path segments (`/mcp/sk-ak-…/sse`) masked as `…`,
 * because all of these carry credentials (SPEC §9: never leak a secret).
 *
 * Server keys (`server-id.ts`) need more than the shown name: two servers whose URLs differ only
 * in a masked segment must not share one identity. `remoteKeyEndpoint` gives the key form, with
 * each token-like segment replaced by a short digest of it (`tokenDigest`) instead of `…`, and
 * `endpointCandidates` the URLs an entry may have been identified from.
 */
import { looksLikeToken, sanitizeUrl, tokenDigest } from '../net/url-redaction.js'
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

/**
 * The key form of a remote endpoint (`server-id.ts`; never shown as a name): as
 * `remoteEndpoint` gives it for an absolute URL (WHATWG URL normalisation; user info, query and
 * fragment removed), but each token-like path segment replaced by `tokenDigest` of it (`~` and
 * 10 hex digits of its SHA-256) rather than `…`, so URLs that differ only in such a segment keep
 * different keys and no key holds the token. Null for a value that is not an absolute
 * http(s)/ws(s) URL with a host, or that holds white space or a variable reference (`${HOST}`,
 * `$(cmd)`), which `remoteEndpoint` keeps as written. Never throws.
 */
export function remoteKeyEndpoint(url: string): string | null {
  const trimmed = url.trim()
  if (/\$[({]/.test(trimmed) || /\s/.test(trimmed)) return null
  const keyed = sanitizeUrl(trimmed, { tokenMask: tokenDigest })
  return keyed !== null && /^(?:https?|wss?):\/\//i.test(keyed) ? keyed : null
}

/** An http(s)/ws(s) URL inside a longer text (a call string such as `-c "mcp-remote URL"`). */
const URL_IN_TEXT = /\b(?:https?|wss?):\/\/[^\s"'<>`]+/gi

/**
 * The URLs, as written, that an entry may name its remote server by: `url` (the entry's `url`
 * field) first, then for each word of `argv` (the unwrapped command line) the word itself, the
 * value of an `--option=value`, and every http(s)/ws(s) URL inside it, in order, without
 * repeats. For finding which written URL an identity's shown name came from; the caller
 * checks each against that name. Never throws.
 */
export function endpointCandidates(url: string | undefined, argv: readonly string[]): string[] {
  const out = new Set<string>()
  if (url !== undefined && url.trim() !== '') out.add(url.trim())
  for (const arg of argv) {
    if (looksLikeHttpUrl(arg)) out.add(arg)
    if (arg.startsWith('-') && arg.includes('=')) out.add(arg.slice(arg.indexOf('=') + 1))
    for (const match of arg.matchAll(URL_IN_TEXT)) out.add(match[0])
  }
  return [...out]
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

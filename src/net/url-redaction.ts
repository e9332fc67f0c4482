/**
 * One place that decides what of a URL may be shown or sent (SPEC §9: never leak a secret).
 * Remote MCP endpoints, registry URLs and grader URLs can carry credentials in the user info,
 * the query string (`?api_key=`), the fragment, or a path segment (`/mcp/sk-ak-…/sse`).
 */

/** Hosts that only mean something on the machine itself (RFC 6761 `localhost`, loopback, any). */
const LOOPBACK_HOST =
  /^(?:localhost|.*\.localhost|127(?:\.\d{1,3}){3}|\[?::1?\]?|0\.0\.0\.0|\[?::ffff:127(?:\.\d{1,3}){3}\]?|\[?::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]?)$/i

/**
 * True for loopback and "this host" names: `localhost`, `*.localhost`, `127.0.0.0/8`, `::1`,
 * `::` and `0.0.0.0` (a client connecting to them reaches its own machine). Accepts a bare
 * hostname as `URL.hostname` gives it (IPv6 in brackets) or without brackets.
 */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOST.test(hostname.trim())
}

/** Well-known secret prefixes seen in URL paths (`sk-…`, `ghp_…`, Slack `xoxb-…`, …). */
const KEY_PREFIX =
  /^(?:sk|pk|rk|ak|key|api|tok|token|ghp|gho|ghs|ghu|github_pat|glpat|xox[abpr])[-_][\w.~-]{8,}$/i

/**
 * True when a URL path segment looks like a token rather than a name: 16+ hex digits (session
 * ids, UUIDs, hashes), 24+ characters of the URL-safe or base64 alphabets mixing letters and
 * digits (`=` padding allowed), a key prefix such as `sk-`, `ghp_`, `xoxb-` followed by 8+
 * characters, or a segment carrying matrix parameters (`;apikey=…`).
 */
export function looksLikeToken(segment: string): boolean {
  const s = decodeSegment(segment)
  if (s.includes(';')) return true
  if (/^[0-9a-f-]+$/i.test(s) && s.replace(/-/g, '').length >= 16) return true
  const body = s.replace(/=+$/, '')
  if (body.length >= 24 && /^[\w.~+/-]+$/.test(body) && /\d/.test(body) && /[a-z]/i.test(body)) {
    return true
  }
  return KEY_PREFIX.test(s)
}

export interface SanitizeUrlOptions {
  /** What replaces a token-like path segment (default `…`). */
  tokenMask?: string
  /** Keep a marker that a query string was removed (`?…`); default false. */
  markQuery?: boolean
}

/**
 * `scheme://host[:port]/path` of `url` with user info, query string and fragment removed and
 * every token-like path segment (see `looksLikeToken`) replaced by `tokenMask`. Host names are
 * lower-cased and default ports dropped (WHATWG URL). Returns null when `url` is not an absolute
 * URL with a host. Never throws.
 */
export function sanitizeUrl(url: string, options: SanitizeUrlOptions = {}): string | null {
  let parsed: URL
  try {
    parsed = new URL(url.trim())
  } catch {
    return null
  }
  if (parsed.host === '') return null
  const mask = options.tokenMask ?? '…'
  const path = parsed.pathname
    .split('/')
    .map((segment) => (looksLikeToken(segment) ? mask : segment))
    .join('/')
  const query = options.markQuery && parsed.search !== '' ? '?…' : ''
  return `${parsed.protocol}//${parsed.host}${path}${query}`
}

/** True when `sanitizeUrl` would drop or mask something of `url` (credentials, query, tokens). */
export function urlCarriesSecrets(url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url.trim())
  } catch {
    return false
  }
  return (
    parsed.username !== '' ||
    parsed.password !== '' ||
    parsed.search !== '' ||
    parsed.hash !== '' ||
    parsed.pathname.split('/').some((s) => looksLikeToken(s))
  )
}

/**
 * `value` without the user info of a URL-like prefix (`scheme://user:pass@host…` → `scheme://host…`),
 * cutting at the LAST `@` before the first `/` after the scheme, as URL parsers do, so a password
 * holding `@` is removed whole. For values `new URL()` cannot parse (`https://u:p@${HOST}/mcp`).
 * A plain `git@` user is kept. Everything else is returned as is.
 */
export function stripUserInfo(value: string): string {
  const match = /^([a-z][\w+.-]*:\/\/)([^/?#\s]*)/i.exec(value)
  if (!match) return value
  const [, scheme, authority] = match as unknown as [string, string, string]
  const at = authority.lastIndexOf('@')
  if (at < 0) return value
  const user = authority.slice(0, at)
  const host = authority.slice(at + 1)
  const rest = value.slice(scheme.length + authority.length)
  return `${scheme}${user === 'git' ? 'git@' : ''}${host}${rest}`
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

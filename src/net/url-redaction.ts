/**
 * One place that decides what of a URL may be shown or sent (SPEC §9: never leak a secret).
 * Remote MCP endpoints, registry URLs and grader URLs can carry credentials in the user info,
 * the query string (`?api_key=`), the fragment, or a path segment (`/mcp/sk-ak-…/sse`).
 */
import { createHash } from 'node:crypto'

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

/**
 * Prefixes only secrets carry (GitHub `ghp_`/`gho_`/`ghs_`/`ghu_`/`ghr_`/`github_pat_`, GitLab
 * `glpat-`, Slack `xoxb-`…, Zapier `sk-ak-`, Anthropic `sk-ant-`, OpenAI `sk-proj-`): a segment
 * starting so with 8+ more characters is a token whatever follows.
 */
const SECRET_PREFIX =
  /^(?:ghp|gho|ghs|ghu|ghr|github_pat|glpat|xox[abeprs]|sk-ak|sk-ant|sk-proj)[-_][\w.~:-]{8,}$/i

/**
 * Prefixes that names share with keys (`sk-learn-…`, `api-gateway-…`, `token-exchange`): a token
 * only when what follows holds a part (between `-`, `_`, `.`, `~`, `:`) of 8+ characters mixing
 * letters and digits, or a random-looking one (`randomPart`).
 */
const KEY_PREFIX = /^(?:sk|pk|rk|ak|key|api|apikey|tok|token|secret)[-_]([\w.~:-]{8,})$/i

/** Separators between the words of a name, and inside URL-safe / base64 tokens. */
const PART_SEPARATOR = /[-_.~+/:]/

/**
 * True when a URL path segment looks like a token rather than a name (SPEC §9: never leak a
 * secret). This project's own rule; a segment (percent-decoded) is a token when it
 * - carries matrix parameters (`;apikey=…`);
 * - starts with a prefix only secrets carry (`SECRET_PREFIX`: `ghp_`, `xoxb-`, `sk-ak-`, …)
 *   followed by 8+ characters, or a prefix names share (`KEY_PREFIX`: `sk-`, `api-`, `key-`,
 *   `token-`, …) followed by a part of 8+ characters mixing letters and digits;
 * - is hexadecimal (`-` allowed, as in UUIDs) with 32+ digits, or 16–31 digits holding a letter
 *   (session ids, hashes; not a date such as `2024-01-15-12-30-45`);
 * - is base64 with `=` padding and 16+ characters before it;
 * - is 24+ characters of the URL-safe / base64 alphabets (`A-Z a-z 0-9 - _ . ~ + / :`) with a
 *   part that looks random (`randomPart`: digits scattered among letters, or many one- and
 *   two-letter pieces where names have words).
 * Names made of words and short numbers are not tokens: `github-readonly-mcp-v2-2024`,
 * `McpServerGithubReadonlyV2`, `k8s-cluster-eu-west-2`. Checked on random tokens: of 24-char
 * base62 tokens about 0.3% pass as names, of 32-char ones 0.02% (the rule this replaces let
 * 1.5% of 24-char ones through and masked every long name holding a digit); tokens of one
 * letter case without digits cannot be told from words and are not masked.
 */
export function looksLikeToken(segment: string): boolean {
  const s = decodeSegment(segment)
  if (s.includes(';')) return true
  if (SECRET_PREFIX.test(s)) return true
  const keyed = KEY_PREFIX.exec(s)?.[1]
  if (keyed !== undefined && keyedRestIsRandom(keyed)) return true
  const hex = s.replace(/-/g, '')
  if (/^[0-9a-f-]+$/i.test(s) && (hex.length >= 32 || (hex.length >= 16 && /[a-f]/i.test(hex)))) {
    return true
  }
  if (/^[A-Za-z0-9+/_-]{16,}={1,2}$/.test(s)) return true
  const body = s.replace(/=+$/, '')
  return (
    body.length >= 24 &&
    /^[\w.~+/:-]+$/.test(body) &&
    body.split(PART_SEPARATOR).some((part) => randomPart(part))
  )
}

/** What follows a `KEY_PREFIX`: a part of 8+ characters mixing letters and digits, or random. */
function keyedRestIsRandom(rest: string): boolean {
  return rest
    .split(PART_SEPARATOR)
    .some(
      (part) => (part.length >= 8 && /\d/.test(part) && /[a-z]/i.test(part)) || randomPart(part)
    )
}

/**
 * True when one part of a segment (text between separators) looks random rather than like a
 * word: 8+ characters, not a number or a one-case word with an optional short number
 * (`readonly`, `mcp2024`, `HTTP2`), and either digits in 3+ places, or split into pieces as
 * camel case is (a capital and lower case letters, a run of capitals, a run of digits) it has
 * short letter pieces (1–2 letters: `Ii`, `q`) 3+ times or as more than 40% of its letter
 * pieces, or digits inside letters (`a7b`) with 2+ short pieces or 2+ digit groups. Words split
 * into long pieces (`McpServerGithubReadonlyV2`: Mcp, Server, Github, Readonly, V, 2).
 */
function randomPart(part: string): boolean {
  if (part.length < 8) return false
  if (/^\d+$/.test(part) || /^[a-z]+\d{0,4}$/.test(part) || /^[A-Z]+\d{0,4}$/.test(part)) {
    return false
  }
  const digitGroups = part.match(/\d+/g)?.length ?? 0
  if (digitGroups >= 3) return true
  const pieces = part.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+/g) ?? []
  const letterPieces = pieces.filter((piece) => !/^\d/.test(piece))
  const short = letterPieces.filter((piece) => piece.length <= 2).length
  const inner = /[A-Za-z]\d+[A-Za-z]/.test(part)
  return (
    short >= 3 || short > 0.4 * letterPieces.length || (inner && (short >= 2 || digitGroups >= 2))
  )
}

/**
 * A short stable digest of a token-like path segment, for identities that must tell two
 * servers apart without holding the token (`remoteKeyEndpoint` in `resolve/remote.ts`): `~`
 * and the first 10 hex digits (40 bits) of the SHA-256 of the percent-decoded segment, so
 * `%7E`-encoded and plain spellings give the same digest. Not reversible for a random token;
 * a token that changes (rotated) gives another digest. Pure, never throws.
 */
export function tokenDigest(segment: string): string {
  return `~${createHash('sha256').update(decodeSegment(segment), 'utf8').digest('hex').slice(0, 10)}`
}

export interface SanitizeUrlOptions {
  /**
   * What replaces a token-like path segment (default `…`): a text, or a function of the
   * segment as it appears in the parsed path (percent-encoded), such as `tokenDigest`.
   */
  tokenMask?: string | ((segment: string) => string)
  /** Keep a marker that a query string was removed (`?…`); default false. */
  markQuery?: boolean
}

/**
 * `scheme://host[:port]/path` of `url` with user info, query string and fragment removed and
 * every token-like path segment (see `looksLikeToken`) replaced by `tokenMask` (the text, or
 * what the function gives for the segment). Host names are lower-cased and default ports
 * dropped (WHATWG URL). Returns null when `url` is not an absolute
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
    .map((segment) => {
      if (!looksLikeToken(segment)) return segment
      return typeof mask === 'string' ? mask : mask(segment)
    })
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

/**
 * `text` (a URL as `sanitizeUrl` gives it, for display) with each run of percent-escapes that
 * decodes as UTF-8 shown as its visible non-ASCII characters: letters, marks, numbers,
 * punctuation and symbols above U+007F (`/caf%C3%A9/` → `/café/`, a mask's `%E2%80%A6` → `…`).
 * ASCII characters and invisible ones (controls, bidi and other format characters such as
 * U+202E, U+200B) are re-encoded with `encodeURIComponent`: reserved and unsafe ASCII stays
 * escaped (`%20`, `%2F`, `%3F`, hex upper-cased), unreserved ASCII comes out plain (`%41` → `A`,
 * the same URL by RFC 3986 §2.3), so decoding can neither change what the URL means nor hide
 * text. A run that is not valid UTF-8 (`%E2%80`) is kept as written. Only escapes are touched: a
 * mask of `sanitizeUrl` is never undone. Pure, never throws.
 */
export function readableEscapes(text: string): string {
  return text.replace(/(?:%[0-9A-F]{2})+/gi, readableEscapeRun)
}

/** One run of percent-escapes with its visible non-ASCII characters decoded (`readableEscapes`). */
function readableEscapeRun(run: string): string {
  let text: string
  try {
    text = decodeURIComponent(run)
  } catch {
    return run
  }
  return Array.from(text, (char) =>
    char.codePointAt(0)! > 0x7f && /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(char)
      ? char
      : encodeURIComponent(char)
  ).join('')
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

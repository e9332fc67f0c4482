/**
 * How parts of a launch are shown in change aspects (SPEC §9: never leak a secret). Values come
 * from untrusted config text; every shown string is masked, then capped in length.
 */
import { maskSecret } from '../config/secrets.js'
import { hasReference, isPlaceholder } from '../config/placeholders.js'
import { looksLikeToken, sanitizeUrl } from '../net/url-redaction.js'
import { remoteEndpoint } from '../resolve/remote.js'
import { maskedText, shownValue } from '../resolve/shown-text.js'

/** Longest shown string (characters); longer ones end in `…`. */
export const MAX_SHOWN_CHARS = 200

/**
 * Words that make an option or a `NAME=value` / `Name: value` argument carry a credential
 * (this project's rule, the same words the literal-secret detector reads in variable names):
 * the name is split at `-`, `_`, `.` and camel case, and any part matching counts.
 */
const CREDENTIAL_WORDS = new Set([
  'token',
  'tokens',
  'secret',
  'secrets',
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'apikey',
  'key',
  'auth',
  'authorization',
  'credential',
  'credentials',
  'bearer',
  'cookie',
  'session',
  'pat'
])

/** `--name`, `--name=value`, `-n`: an option and its inline value. */
const OPTION = /^--?([A-Za-z][\w.-]*)(?:=([\s\S]*))?$/

/** `NAME=value` (docker `-e`, `env`) or `Name: value` (an HTTP header given as an argument). */
const NAMED_VALUE = /^([A-Za-z_][\w.-]*)(=|:\s*)([\s\S]+)$/

/**
 * `text` as it may be shown: `shownValue` (user info, query and fragment of a leading URL
 * removed; every recognised secret masked), capped at `MAX_SHOWN_CHARS`. Pure, never throws.
 */
export function shownText(text: string): string {
  return capped(shownValue(text))
}

/**
 * A whole message or label (which may quote values) as it may be shown: `maskedText`, capped.
 * Pure, never throws.
 */
export function shownMessage(text: string): string {
  return capped(maskedText(text))
}

/**
 * Command-line arguments as one line: each argument masked (see `maskArgument`), quoted as a
 * JSON string when the argument as written is empty or holds white space, quotes or
 * backslashes, joined by spaces and capped. `(none)` for no arguments. Pure, never throws.
 */
export function shownArgs(args: readonly string[]): string {
  if (args.length === 0) return '(none)'
  const shown: string[] = []
  let length = 0
  let afterCredentialOption = false
  for (const arg of args) {
    // Beyond the cap nothing more is shown: stop masking (a hostile entry may hold 10⁵ args).
    if (length > MAX_SHOWN_CHARS) break
    const option = OPTION.exec(arg)
    let text: string
    if (afterCredentialOption && option === null) text = maskValue(arg)
    else text = maskArgument(arg)
    afterCredentialOption =
      option !== null && option[2] === undefined && isCredentialName(option[1]!)
    const quoted = /^$|[\s"'\\]/.test(arg) ? JSON.stringify(text) : text
    shown.push(quoted)
    length += quoted.length + 1
  }
  return capped(shown.join(' '))
}

/**
 * One argument as it may be shown: the value of a credential-named option (`--api-key=…`) or
 * `NAME=value` / `Name: value` pair (`GITHUB_TOKEN=…`, `Authorization: …`) masked, an argument
 * that looks like a token as a whole (`looksLikeToken`) masked, then `shownValue`. Variable
 * references and placeholders stay (`--token ${input:token}`, `YOUR_API_KEY`).
 */
function maskArgument(arg: string): string {
  const option = OPTION.exec(arg)
  if (option !== null && option[2] !== undefined && isCredentialName(option[1]!)) {
    return `${arg.slice(0, arg.length - option[2].length)}${maskValue(option[2])}`
  }
  const named = option === null ? NAMED_VALUE.exec(arg) : null
  if (named !== null && isCredentialName(named[1]!)) {
    return `${named[1]!}${named[2]!}${maskValue(named[3]!)}`
  }
  if (!arg.includes('://') && looksLikeToken(arg)) return maskValue(arg)
  return shownValue(arg)
}

/** A credential value: kept when it is a reference or a placeholder, else `maskSecret`. */
function maskValue(value: string): string {
  if (hasReference(value) || isPlaceholder(value)) return shownValue(value)
  return maskSecret(value)
}

function isCredentialName(name: string): boolean {
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s._-]+/)
  return parts.some((part) => CREDENTIAL_WORDS.has(part))
}

/**
 * A remote URL as shown: `sanitizeUrl` with token-like segments as `…` and a removed query
 * marked `?…`; a value that is not an absolute URL (`${GATEWAY}/mcp`) as `remoteEndpoint`
 * keeps it. Capped. Pure, never throws.
 */
export function shownUrl(url: string): string {
  const sanitized = sanitizeUrl(url, { tokenMask: '…', markQuery: true })
  if (sanitized !== null && !/\$[({]/.test(url)) return capped(maskedText(sanitized))
  return capped(maskedText(remoteEndpoint(url).name ?? ''))
}

/** `text` cut to `MAX_SHOWN_CHARS` characters (code points), ending in `…` when cut. */
function capped(text: string): string {
  if (text.length <= MAX_SHOWN_CHARS) return text
  const points = [...text]
  if (points.length <= MAX_SHOWN_CHARS) return text
  return `${points.slice(0, MAX_SHOWN_CHARS - 1).join('')}…`
}

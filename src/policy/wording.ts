/**
 * How reasons name a server, its package and untrusted text (server names from PR configs,
 * grader titles and messages): quoted, clipped, with control characters made visible.
 */
import { readableEscapes, sanitizeUrl } from '../net/url-redaction.js'
import type { PackageIdentity, ResolvedServer } from '../resolve/types.js'

/** Longest piece of untrusted text (characters) put into a reason message. */
export const MAX_TEXT = 200

/**
 * `text` on one line and at most `max` characters (an ellipsis marks a cut); control characters
 * (newlines included) become spaces, so a hostile name cannot forge extra report lines.
 */
export function clip(text: string, max: number = MAX_TEXT): string {
  // eslint-disable-next-line no-control-regex
  const oneLine = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim()
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine
}

/**
 * A package as people write it: `npm @scope/pkg@1.2.3`, `PyPI pkg==1.2.3`, `image ghcr.io/x:1`,
 * `remote https://host/mcp`, `local ./server.js`. The exact version when known, else the spec.
 */
export function packageLabel(pkg: PackageIdentity): string {
  const name = clip(pkg.name ?? 'unidentified package')
  const version = pkg.version ?? pkg.versionSpec
  switch (pkg.ecosystem) {
    case 'npm':
      return `npm ${name}${version === null ? '' : `@${clip(version)}`}`
    case 'pypi':
      // A written spec already carries its operator (`==1.2`, `>=1`); an exact version does not.
      if (version === null) return `PyPI ${name}`
      return `PyPI ${name}${/^[=<>!~@]/.test(version) ? '' : '=='}${clip(version)}`
    case 'oci':
      if (version === null) return `image ${name}`
      return `image ${name}${isImageDigest(version) ? '@' : ':'}${clip(version)}`
    case 'remote':
      return `remote ${clip(remoteUrlText(pkg.name ?? 'unidentified URL'))}`
    case 'local':
      return `local ${name}`
    default:
      return name
  }
}

/**
 * True when `text` is a content digest (`sha256:…`, `sha512:…`, any `algorithm:encoded`), as
 * opposed to a tag: the OCI image spec ("Digests") writes `algorithm ":" encoded`, with
 * `algorithm` = `[a-z0-9]+` components joined by `+ . _ -`, and a tag can never hold a `:`
 * (distribution/reference grammar). Digests go after `@`, tags after `:`.
 */
export function isImageDigest(text: string): boolean {
  return /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Za-z0-9=_-]+$/i.test(text)
}

/**
 * A remote URL without anything that may carry a secret (`sanitizeUrl`, the one place for URL
 * redaction): user info, query and fragment are dropped and token-like path segments masked;
 * a removed query or fragment shows as `?…` (`https://h/mcp?key=…` → `https://h/mcp?…`). Text
 * that is not a URL is kept as is (callers clip it). Percent-escapes of visible non-ASCII
 * characters are shown as the characters (`readableEscapes`: `/café/`, a mask's `…`); ASCII
 * escapes (`%20`, `%2F`) and invisible characters (controls, bidi and other format characters)
 * stay escaped.
 */
export function remoteUrlText(url: string): string {
  const safe = sanitizeUrl(url)
  if (safe === null) return url
  const shown = readableEscapes(safe)
  return urlCarriesQuery(url) ? `${shown}?…` : shown
}

/** True when `url` has a query string or a fragment (both are dropped by `remoteUrlText`). */
function urlCarriesQuery(url: string): boolean {
  try {
    const parsed = new URL(url.trim())
    return parsed.search !== '' || parsed.hash !== ''
  } catch {
    return false
  }
}

/** `server "fs" (npm @modelcontextprotocol/server-filesystem@2026.8.31)`: the start of messages. */
export function serverLabel(server: ResolvedServer): string {
  const name = JSON.stringify(clip(server.entry.name, 100))
  return server.package.name === null
    ? `server ${name}`
    : `server ${name} (${packageLabel(server.package)})`
}

/** `B (82)` when the number is known, else `B` (a letter-only grade: the number is not invented). */
export function scoreText(score: number | null, letter: string): string {
  return score === null ? letter : `${letter} (${formatNumber(score)})`
}

/** A 0–100 number as people read it: integers plain, others to one decimal. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1)
}

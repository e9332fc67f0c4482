/**
 * How reasons name a server, its package and untrusted text (server names from PR configs,
 * grader titles and messages): quoted, clipped, with control characters made visible.
 */
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
      return `PyPI ${name}${version === null ? '' : `==${clip(version)}`}`
    case 'oci':
      if (version === null) return `image ${name}`
      return `image ${name}${version.startsWith('sha256:') ? '@' : ':'}${clip(version)}`
    case 'remote':
      return `remote ${clip(remoteUrlText(pkg.name ?? 'unidentified URL'))}`
    case 'local':
      return `local ${name}`
    default:
      return name
  }
}

/**
 * A remote URL without anything that may carry a secret: user info, query and fragment are
 * dropped (`https://h/mcp?key=…` → `https://h/mcp?…`). Text that is not a URL is kept as is.
 */
export function remoteUrlText(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return url
  }
  const rest = parsed.search !== '' || parsed.hash !== '' ? '?…' : ''
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}${rest}`
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

/**
 * The version a config entry WRITES for its package, and how two of them compare (issue 5).
 *
 * A change of the config is a change of what is written: an unchanged spec (`latest`, `^1.2`)
 * that resolves to a newer version today is the same config and not a version change, so the
 * resolved `PackageIdentity.version` of an unpinned spec is never compared — only shown, when
 * both sides know their exact version (`versionBump`).
 */
import { clean as cleanPep440 } from '@renovatebot/pep440'
import semver from 'semver'
import type { PackageIdentity } from '../resolve/types.js'

/** Shown length of an OCI digest's hex part, as `docker images` shortens image ids. */
const SHORT_DIGEST_HEX = 12

/**
 * The written version of `p` in a canonical form, equal for two spellings that select the same
 * versions; null for identities with no version (remote, local, unknown).
 * - npm: `semver.validRange` of the spec (`^1.2` = `^1.2.0` = `1.x`, `=1.2.3` = `1.2.3`); no
 *   spec, `*` and `latest` are one (`npx pkg` runs the `latest` dist-tag: npm-pick-manifest
 *   prefers it for `*`); other tags and git/tarball specs as written.
 * - PyPI: an exact pin (`==1.0`, uv's `@1.0`) as `==` and the PEP 440 normal form
 *   (`==1.0` = `@1.0.0`); other specifiers without white space, lower case. No spec is kept apart
 *   from uv's `@latest`, which makes uv look for a newer release than the cached one.
 * - OCI: the tag (none = `latest`, Docker's default) and the digest, lower case.
 * Pure, never throws.
 */
export function writtenVersionKey(p: PackageIdentity): string | null {
  switch (p.ecosystem) {
    case 'npm':
      return npmSpecKey(p.versionSpec)
    case 'pypi':
      return pypiSpecKey(p.versionSpec)
    case 'oci':
      return `${p.versionSpec ?? 'latest'}@${(p.version ?? '').toLowerCase()}`
    default:
      return null
  }
}

function npmSpecKey(spec: string | null): string {
  const written = (spec ?? '').trim()
  if (written === '' || written === '*' || written === 'latest') return 'latest'
  try {
    const range = semver.validRange(written)
    return range === null ? written : range === '*' ? 'latest' : range
  } catch {
    return written
  }
}

function pypiSpecKey(spec: string | null): string {
  if (spec === null) return ''
  const written = spec.replace(/\s+/g, '')
  const exact = /^(?:==)?([^=<>!~,;@]+)$/.exec(written)?.[1]
  if (exact !== undefined) {
    const normal = safePep440Clean(exact)
    if (normal !== null) return `==${normal}`
  }
  return written.toLowerCase()
}

/**
 * The PEP 440 normal form of `version` (`clean`) without trailing zero release segments
 * (`1.0.0` → `1`, as `packaging.utils.canonicalize_version` does: PEP 440 pads release segments
 * with zeros when comparing, so `==1.0` and `==1.0.0` match the same releases); null when it
 * is not a PEP 440 version.
 */
function safePep440Clean(version: string): string | null {
  let normal: string | null
  try {
    normal = cleanPep440(version)
  } catch {
    return null
  }
  if (normal === null) return null
  const match = /^((?:\d+!)?)(\d+(?:\.\d+)*)(.*)$/.exec(normal)
  if (match === null) return normal
  const [, epoch, release, rest] = match as unknown as [string, string, string, string]
  return `${epoch}${release.replace(/(?:\.0+)+$/, '')}${rest}`
}

/**
 * `before → after` for two identities of the same package whose written versions differ
 * (`writtenVersionKey`): the exact versions when both are known and differ (pinned, or resolved
 * by the registry: `1.2.0 → 1.3.1`), else the written specs as `versionText` shows them
 * (`^1.2.0 → ^1.3.0`, `latest → 1.3.1`). OCI shows `tag[@sha256:<12 hex>]` on both sides.
 * Pure, never throws.
 */
export function versionBump(before: PackageIdentity, after: PackageIdentity): string {
  if (before.ecosystem === 'oci' || after.ecosystem === 'oci') {
    return `${versionText(before)} → ${versionText(after)}`
  }
  if (before.version !== null && after.version !== null && before.version !== after.version) {
    return `${before.version} → ${after.version}`
  }
  return `${versionText(before)} → ${versionText(after)}`
}

/**
 * The written version of `p` as shown: npm/PyPI the spec (`1.2.0`, `^1.2`, `==2025.4.7`); no
 * spec reads `latest` for npm (it runs the `latest` dist-tag) and `(no version)` for PyPI (uv
 * may run a cached release, unlike `@latest`); OCI `tag[@sha256:<12 hex>]` (no tag: `latest`);
 * other ecosystems `(none)`. Pure.
 */
export function versionText(p: PackageIdentity): string {
  switch (p.ecosystem) {
    case 'npm':
      return p.versionSpec ?? 'latest'
    case 'pypi':
      return p.versionSpec ?? '(no version)'
    case 'oci': {
      const tag = p.versionSpec ?? 'latest'
      return p.version === null ? tag : `${tag}@${shortDigest(p.version)}`
    }
    default:
      return '(none)'
  }
}

/** `sha256:` and the first 12 hex digits of a digest; anything else as written. */
function shortDigest(digest: string): string {
  const match = /^([a-z0-9]+):([0-9a-f]+)$/i.exec(digest)
  if (match === null) return digest
  const [, algorithm, hex] = match as unknown as [string, string, string]
  return hex.length > SHORT_DIGEST_HEX ? `${algorithm}:${hex.slice(0, SHORT_DIGEST_HEX)}` : digest
}

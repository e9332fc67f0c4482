/**
 * Policy checks on what the config entry itself does, needing no grade: literal secrets
 * (`LITERAL_SECRET`) and pinning (`UNPINNED`), SPEC §2, §6, §8.
 */
import type { LiteralSecret } from '../config/types.js'
import type { PackageIdentity, ResolvedServer } from '../resolve/types.js'
import type { Reason } from './reasons.js'
import type { EffectivePolicy } from './types.js'
import { clip, serverLabel } from './wording.js'

/**
 * One `LITERAL_SECRET` error per secret, in every environment: a committed secret is never OK
 * (it is in the Git history once pushed, so it must also be rotated). Messages hold only the
 * detector's masked value.
 */
export function literalSecretReasons(
  server: ResolvedServer,
  secrets: readonly LiteralSecret[]
): Reason[] {
  return secrets.map((secret) => {
    const reference = variableName(secret.field)
    return {
      code: 'LITERAL_SECRET',
      severity: 'error',
      message: `${serverLabel(server)}: ${clip(secret.field)} holds a literal ${clip(secret.kind)} (${clip(secret.masked)}); a committed secret is never allowed`,
      fix: `move it to an env var reference such as \${env:${reference}} / \${input:${reference.toLowerCase()}} and rotate it`
    }
  })
}

/** `env.GITHUB_TOKEN` → `GITHUB_TOKEN`; `headers.Authorization` → `AUTHORIZATION`; else `TOKEN`. */
function variableName(field: string): string {
  const last = field.split('.').pop() ?? ''
  const name = last.replace(/[^A-Za-z0-9_]/g, '_').replace(/^_+|_+$/g, '')
  if (name === '' || /^\d+$/.test(name) || field === 'url') return 'TOKEN'
  return field.startsWith('env.') ? name : name.toUpperCase()
}

/** The ecosystems where a version can be pinned (SPEC §4); remote and local servers cannot. */
const PINNABLE = new Set(['npm', 'pypi', 'oci'])

/**
 * `UNPINNED` for an npm/PyPI package without an exact version or an OCI image without a digest
 * (SPEC §4): an error where the environment has `requirePinned`, else a warning. Null when the
 * server is pinned or not subject to pinning (remote, local, unknown).
 */
export function pinningReason(server: ResolvedServer, policy: EffectivePolicy): Reason | null {
  const pkg = server.package
  if (pkg.pinned || !PINNABLE.has(pkg.ecosystem)) return null
  const required = policy.rules.requirePinned
  const consequence = required
    ? `${policy.environment} requires pinned versions`
    : `${policy.environment} allows it with a warning`
  const name = clip(pkg.name ?? 'the package')
  if (pkg.ecosystem === 'oci') {
    const tag = pkg.versionSpec === null ? name : `${name}:${clip(pkg.versionSpec)}`
    return {
      code: 'UNPINNED',
      severity: required ? 'error' : 'warning',
      message: `${serverLabel(server)}: image ${tag} is not pinned to a digest (a tag can be moved); ${consequence}`,
      fix: `pin a digest: ${tag}@sha256:<digest> (docker buildx imagetools inspect ${tag} shows it)`
    }
  }
  const separator = pkg.ecosystem === 'pypi' ? '==' : '@'
  const spec = pkg.versionSpec === null ? 'no version' : `"${clip(pkg.versionSpec)}"`
  return {
    code: 'UNPINNED',
    severity: required ? 'error' : 'warning',
    message: `${serverLabel(server)}: ${name} is unpinned (${spec}; ${resolutionText(pkg)}); ${consequence}`,
    fix:
      pkg.version === null
        ? pinSourceFix(pkg, name, separator)
        : `pin it: ${name}${separator}${clip(pkg.version)}`
  }
}

/** The fix for a package without a version: a registry release, or a commit for a git source. */
function pinSourceFix(pkg: PackageIdentity, name: string, separator: string): string {
  if (/^(git\+|git:|github:|https?:|file:)/.test(pkg.name ?? '')) {
    return pkg.ecosystem === 'pypi'
      ? `install a released version (package${separator}<version>) instead of this source, or pin the source to a commit (${name}@<commit sha>)`
      : `install a released version (package${separator}<version>) instead of this source, or pin the source to a commit (${name}#<commit sha>)`
  }
  return `pin it to an exact version: ${name}${separator}<version>`
}

function resolutionText(pkg: PackageIdentity): string {
  switch (pkg.resolution.status) {
    case 'registry':
      return pkg.version === null ? 'not resolved' : `resolves to ${clip(pkg.version)} today`
    case 'offline':
      return 'not resolved: offline run'
    case 'unresolved':
      return `version not looked up${pkg.resolution.message === undefined ? '' : `: ${clip(pkg.resolution.message)}`}`
    case 'not-found':
      return 'the registry has no matching version'
    case 'error':
      return `could not be resolved${pkg.resolution.message === undefined ? '' : `: ${clip(pkg.resolution.message)}`}`
    default:
      return pkg.version === null ? 'version unknown' : `runs ${clip(pkg.version)}`
  }
}

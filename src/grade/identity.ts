/**
 * The identity a grader is asked about (SPEC §2, §5): the Package URL of an exact package
 * version, or the URL of a remote server with everything secret-looking removed. This string
 * leaves the machine (grading service query, grader command argv/env/stdin), so it never carries
 * credentials.
 */
import { PackageURL } from 'packageurl-js'
import { isLoopbackHost, sanitizeUrl } from '../net/url-redaction.js'
import type { ResolvedServer } from '../resolve/types.js'

/**
 * The id a grader is asked about for `server`:
 * - npm / PyPI / OCI: the Package URL (`pkg:npm/%40scope/name@1.2.3`), only when it names an
 *   exact version (the resolver leaves `purl` null otherwise; a purl without a version is refused);
 * - remote: the server URL without user info, query string or fragment, with path segments that
 *   look like tokens replaced by `*` (see `remoteUrlIdentity`);
 * - `null` when there is nothing a grader can look up: local and unknown servers, packages with no
 *   exact version, remote URLs that are unparseable, not http(s)/ws(s), or loopback-only.
 * Use `identityGap` to say why it is `null`. Never throws.
 */
export function serverIdentity(server: ResolvedServer): string | null {
  const pkg = server.package
  switch (pkg.ecosystem) {
    case 'npm':
    case 'pypi':
    case 'oci':
      return pkg.purl !== null && purlHasVersion(pkg.purl) ? pkg.purl : null
    case 'remote':
      return remoteUrlIdentity(pkg.name ?? server.entry.launch.url ?? '')
    default:
      return null
  }
}

/**
 * Why `serverIdentity(server)` is `null`, as one sentence for people (used as the `ungraded`
 * reason); `null` when the server does have an identity. Never holds a secret: names only the
 * package name, the server entry name and the resolution status.
 */
export function identityGap(server: ResolvedServer): string | null {
  if (serverIdentity(server) !== null) return null
  const pkg = server.package
  switch (pkg.ecosystem) {
    case 'npm':
    case 'pypi':
    case 'oci': {
      const name = pkg.name ?? server.entry.name
      const why = pkg.resolution.message ?? resolutionWords[pkg.resolution.status]
      return `no exact version of ${name} is known (${why}), so there is nothing to grade`
    }
    case 'remote':
      return (
        `the remote server "${server.entry.name}" has no public URL a grader can look up ` +
        '(missing, unparseable, not http(s), or a loopback address)'
      )
    case 'local':
      return `"${server.entry.name}" runs local code, which has no identity a grader can look up`
    default:
      return `what "${server.entry.name}" runs could not be identified, so there is nothing to grade`
  }
}

const resolutionWords: Record<ResolvedServer['package']['resolution']['status'], string> = {
  exact: 'exact version',
  registry: 'resolved from the registry',
  offline: 'unpinned and not resolved: the run is offline',
  unresolved: 'unpinned, and versions of this ecosystem are not looked up yet',
  'not-found': 'the registry has no matching version',
  error: 'the registry could not be asked',
  'n/a': 'nothing to resolve'
}

/**
 * The identity of a remote server URL: `protocol//host[:port]/path` with user info, query string
 * and fragment removed, and every path segment that looks like a token replaced by `*` — both
 * decided by `sanitizeUrl` / `looksLikeToken` in `net/url-redaction.ts` (16+ hex digits, 24+
 * mixed letters and digits, or a key prefix such as `sk-`, `ghp_`, `glpat-`).
 * Returns `null` for an unparseable URL, a scheme other than http(s)/ws(s), or a loopback host
 * (`isLoopbackHost`: `localhost`, `*.localhost`, `127.x.x.x`, `::1`, `0.0.0.0`), which no outside
 * grader can reach. Never throws.
 */
export function remoteUrlIdentity(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url.trim())
  } catch {
    return null
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol)) return null
  if (parsed.hostname === '' || isLoopbackHost(parsed.hostname)) return null
  return sanitizeUrl(parsed.href, { tokenMask: '*' })
}

function purlHasVersion(purl: string): boolean {
  try {
    const version = PackageURL.fromString(purl).version
    return typeof version === 'string' && version !== ''
  } catch {
    return false
  }
}

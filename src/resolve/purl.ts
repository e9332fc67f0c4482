/**
 * Package URLs of exact versions (SPEC §2), built with `packageurl-js` so encoding follows the
 * purl specification (ECMA-427): `pkg:npm/%40scope/name@1.2.3`, `pkg:pypi/name@1.2.3`,
 * `pkg:docker/namespace/name@sha256:…?repository_url=ghcr.io`. The spec's current character
 * rules leave `:` unencoded in versions, so a digest reads `@sha256:…` (older examples show
 * `sha256%3A…`; both parse to the same purl).
 */
import { PackageURL } from 'packageurl-js'

/** PEP 503 normalised project name: lower case, runs of `-`, `_`, `.` become one `-`. */
export function normalizePypiName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase()
}

/**
 * `pkg:npm/…` for `name@version` (scoped names go to the purl namespace, `@` encoded as `%40`).
 * Null when packageurl-js rejects the components. Never throws.
 */
export function npmPurl(name: string, version: string): string | null {
  const slash = name.startsWith('@') ? name.indexOf('/') : -1
  const namespace = slash === -1 ? undefined : name.slice(0, slash)
  const bare = slash === -1 ? name : name.slice(slash + 1)
  return build('npm', namespace, bare, version, undefined)
}

/** `pkg:pypi/<PEP 503 name>@version`. Null when rejected. Never throws. */
export function pypiPurl(name: string, version: string): string | null {
  return build('pypi', undefined, normalizePypiName(name), version, undefined)
}

/**
 * `pkg:docker/…` for an image by digest (purl-spec docker type): Docker Hub images have no
 * `repository_url` and official images the `library` namespace (`nginx` → `library/nginx`);
 * other registries are named by `repository_url` (host[:port]). Null when rejected.
 * @param registry the registry host as written, or null for Docker Hub.
 * @param path the repository path without registry, tag or digest (`github/github-mcp-server`).
 * @param digest `sha256:<64 hex>`.
 */
export function dockerPurl(registry: string | null, path: string, digest: string): string | null {
  const hub = registry === null || DOCKER_HUB_HOSTS.has(registry.toLowerCase())
  const segments = path.split('/')
  if (hub && segments.length === 1) segments.unshift('library')
  const name = segments.pop()!
  const namespace = segments.length > 0 ? segments.join('/') : undefined
  return build('docker', namespace, name, digest, hub ? undefined : { repository_url: registry })
}

/** Host names that mean Docker Hub in an image reference. */
export const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io'])

function build(
  type: string,
  namespace: string | undefined,
  name: string,
  version: string,
  qualifiers: Record<string, string> | undefined
): string | null {
  try {
    return new PackageURL(type, namespace, name, version, qualifiers, undefined).toString()
  } catch {
    return null
  }
}

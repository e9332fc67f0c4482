/**
 * OCI image references as Docker reads them (distribution/reference grammar):
 * `[registry[:port]/]path[:tag][@algorithm:hex]`. The first path component is a registry when it
 * holds a `.` or a `:` or is `localhost`; otherwise the image is on Docker Hub.
 */

/** One image reference, split. */
export interface ImageReference {
  /** Registry host[:port] as written; null for Docker Hub (implicit). */
  registry: string | null
  /** Repository path without registry, tag and digest (`github/github-mcp-server`, `nginx`). */
  path: string
  /** The reference without tag and digest, as written (`ghcr.io/github/github-mcp-server`). */
  name: string
  tag: string | null
  /** `sha256:<64 hex>` (or another algorithm) when written. */
  digest: string | null
  /** False when the reference breaks the grammar (upper case, `${VAR}`, bad tag or digest). */
  valid: boolean
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/
const TAG = /^[\w][\w.-]{0,127}$/
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/
const PINNING_DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/

/** Split an image reference (see the module doc). Null for an empty string. Never throws. */
export function parseImageReference(reference: string): ImageReference | null {
  const ref = reference.trim()
  if (ref === '') return null
  const at = ref.indexOf('@')
  const digest = at === -1 ? null : ref.slice(at + 1)
  const withTag = at === -1 ? ref : ref.slice(0, at)
  const lastSlash = withTag.lastIndexOf('/')
  const colon = withTag.lastIndexOf(':')
  const tag = colon > lastSlash ? withTag.slice(colon + 1) : null
  const name = colon > lastSlash ? withTag.slice(0, colon) : withTag
  const components = name.split('/')
  const first = components[0] ?? ''
  const hasRegistry =
    components.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')
  const registry = hasRegistry ? first : null
  const path = hasRegistry ? components.slice(1).join('/') : name
  const valid =
    path !== '' &&
    path.split('/').every((c) => PATH_COMPONENT.test(c)) &&
    (tag === null || TAG.test(tag)) &&
    (digest === null || DIGEST.test(digest)) &&
    (registry === null || /^[A-Za-z0-9.-]+(?::\d+)?$/.test(registry))
  return { registry, path, name, tag, digest, valid }
}

/**
 * True for a well-formed content digest that fixes the image: `sha256:` + 64 or `sha512:` + 128
 * lower-case hex digits (OCI image spec, "Digests").
 */
export function isPinningDigest(digest: string | null): boolean {
  return digest !== null && PINNING_DIGEST.test(digest)
}

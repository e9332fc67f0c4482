/**
 * npm registry client: fetches packuments (validated with zod) and picks the version npm would
 * install for a spec today (`npm-pick-manifest`, the same logic the npm CLI uses: `latest` first
 * when it satisfies a range, then the highest matching non-deprecated version).
 *
 * One packument fetch per package per run (memoised promise). Registry base URL defaults to
 * https://registry.npmjs.org (override with the `npm-registry` input / `--npm-registry` flag).
 *
 * Dependencies (`pickDependencyVersion`) are picked the way npm picks them too, but from the
 * registry's one-version document (`GET /<name>/latest`, a few KB) whenever npm's first rule
 * settles the pick, and otherwise from the abbreviated packument npm itself installs from
 * (`Accept: application/vnd.npm.install-v1+json`, npm's registry API "Package metadata":
 * the fields installing needs, without readmes and per-version descriptions; a registry that
 * does not have it answers the full packument, which serves as well).
 */
import { checkEngine } from 'npm-install-checks'
import npa from 'npm-package-arg'
import pickManifest from 'npm-pick-manifest'
import semver from 'semver'
import { z } from 'zod'
import { type HttpClient, NetworkError, HttpError, redactUrl } from '../net/http.js'

export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org'

/** Largest packument we accept (some popular packages publish very large ones). */
const MAX_PACKUMENT_BYTES = 64 * 1024 * 1024

/** `Accept` of an abbreviated packument, as npm sends it (npm-registry-fetch, pacote). */
const ABBREVIATED_ACCEPT =
  'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*'

/** Largest one-version document we accept (`GET /<name>/<version or tag>`). */
const MAX_VERSION_DOCUMENT_BYTES = 8 * 1024 * 1024

const PersonSchema = z.union([
  z.string(),
  z.looseObject({ name: z.string().optional(), email: z.string().optional() })
])

/** The fields of a version manifest we use; unknown fields are kept. */
export const VersionManifestSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  description: z.string().optional().catch(undefined),
  deprecated: z.union([z.string(), z.boolean()]).optional().catch(undefined),
  license: z
    .union([z.string(), z.looseObject({ type: z.string().optional() })])
    .optional()
    .catch(undefined),
  repository: z
    .union([z.string(), z.looseObject({ type: z.string().optional(), url: z.string().optional() })])
    .optional()
    .catch(undefined),
  homepage: z.string().optional().catch(undefined),
  bugs: z.unknown().optional(),
  dependencies: z.record(z.string(), z.string()).optional().catch(undefined),
  optionalDependencies: z.record(z.string(), z.string()).optional().catch(undefined),
  peerDependencies: z.record(z.string(), z.string()).optional().catch(undefined),
  engines: z.unknown().optional(),
  scripts: z.record(z.string(), z.string()).optional().catch(undefined),
  bin: z
    .union([z.string(), z.record(z.string(), z.string())])
    .optional()
    .catch(undefined),
  main: z.string().optional().catch(undefined),
  hasInstallScript: z.boolean().optional().catch(undefined),
  /** Set by the registry at publish: whether the tarball ships an `npm-shrinkwrap.json`. */
  _hasShrinkwrap: z.boolean().optional().catch(undefined),
  gitHead: z.string().optional().catch(undefined),
  maintainers: z.array(PersonSchema).optional().catch(undefined),
  _npmUser: PersonSchema.optional().catch(undefined),
  dist: z.looseObject({
    tarball: z.string().url(),
    integrity: z.string().optional(),
    shasum: z.string().optional(),
    fileCount: z.number().optional(),
    unpackedSize: z.number().optional(),
    signatures: z.array(z.unknown()).optional(),
    attestations: z
      .looseObject({
        url: z.string().optional(),
        provenance: z.looseObject({ predicateType: z.string().optional() }).optional()
      })
      .optional()
      .catch(undefined)
  })
})
export type VersionManifest = z.infer<typeof VersionManifestSchema>

/** A packument: `versions` are validated one by one when used (old versions can be odd). */
export const PackumentSchema = z.looseObject({
  name: z.string(),
  'dist-tags': z.record(z.string(), z.string()).default({}),
  versions: z.record(z.string(), z.unknown()).default({}),
  time: z.record(z.string(), z.string()).optional().catch(undefined),
  maintainers: z.array(PersonSchema).optional().catch(undefined),
  repository: z.unknown().optional(),
  readme: z.string().optional().catch(undefined)
})
export type Packument = z.infer<typeof PackumentSchema>

/** Raised when the registry has no such package (404) or no version matching a spec. */
export class PackageNotFoundError extends Error {
  override readonly name = 'PackageNotFoundError'
}

/** Raised when the registry answered but not with a usable packument, or could not be reached. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError'
}

export interface NpmRegistryClientOptions {
  http: HttpClient
  /** Registry base URL, no trailing slash needed. */
  registry?: string
  /** Bearer token for private registries (never logged). */
  token?: string
}

/** The version npm would pick for a spec, and how. */
export interface PickedVersion {
  version: string
  manifest: VersionManifest
  /** ISO publish time of that version, when the registry says. */
  publishedAt: string | null
}

/** npm registry client (see module doc). Methods never return partial data. */
export class NpmRegistryClient {
  readonly registry: string
  readonly #http: HttpClient
  readonly #token: string | undefined
  readonly #packuments = new Map<string, Promise<Packument>>()
  readonly #abbreviated = new Map<string, Promise<Packument>>()
  readonly #versionDocuments = new Map<string, Promise<VersionManifest | null>>()
  /** False once the registry showed it has no one-version documents (see `pickDependencyVersion`). */
  #versionDocumentsServed = true

  constructor(options: NpmRegistryClientOptions) {
    this.#http = options.http
    this.registry = (options.registry ?? DEFAULT_NPM_REGISTRY).replace(/\/+$/, '')
    this.#token = options.token
  }

  /** URL of a package's packument (scoped names keep `@` and encode the `/`). */
  packumentUrl(name: string): string {
    return `${this.registry}/${name.replace('/', '%2f')}`
  }

  /**
   * The full packument of `name`, fetched once per run.
   * @throws PackageNotFoundError on 404; RegistryError on any other failure (with the reason).
   */
  getPackument(name: string): Promise<Packument> {
    let pending = this.#packuments.get(name)
    if (!pending) {
      pending = this.#fetchPackument(name, false)
      this.#packuments.set(name, pending)
    }
    return pending
  }

  /**
   * A packument with what installing needs (`dist-tags`; `versions` with their dependencies,
   * engines, deprecation and `dist`): the full one when this run asked for it already, else the
   * abbreviated one (fetched once per run; see the module doc). For picking versions and
   * listing them, not for metadata (it may lack `time`, `maintainers`, `readme`).
   * @throws PackageNotFoundError on 404; RegistryError on any other failure (with the reason).
   */
  getDependencyPackument(name: string): Promise<Packument> {
    const known = this.#packuments.get(name) ?? this.#abbreviated.get(name)
    if (known) return known
    const pending = this.#fetchPackument(name, true)
    this.#abbreviated.set(name, pending)
    return pending
  }

  /**
   * The version npm would install today for `spec` (`''`/`latest`/a tag/a range/an exact version).
   * @throws PackageNotFoundError when the package or a matching version does not exist;
   *   RegistryError when the registry cannot be asked or answers nonsense.
   */
  async pickVersion(name: string, spec: string): Promise<PickedVersion> {
    return this.#pick(await this.getPackument(name), name, spec)
  }

  /** `pickVersion` on a packument at hand (see there). */
  #pick(packument: Packument, name: string, spec: string): PickedVersion {
    let picked: { version: string }
    try {
      picked = pickManifest(packument, spec === '' ? 'latest' : spec)
    } catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'ETARGET' || code === 'ENOVERSIONS') {
        throw new PackageNotFoundError(`no version of ${name} matches "${spec || 'latest'}"`)
      }
      throw new RegistryError(`cannot pick a version of ${name} for "${spec}": ${String(error)}`)
    }
    return {
      version: picked.version,
      manifest: this.manifest(packument, picked.version),
      publishedAt: packument.time?.[picked.version] ?? null
    }
  }

  /**
   * The version npm would install today for a dependency `spec` (a range, a tag or an exact
   * version), with its manifest: the same answer as `pickVersion`, usually without the full
   * packument. npm-pick-manifest 11 takes the `latest` dist-tag whenever the range admits it
   * (or is `*`), its manifest is not deprecated and its `engines.node` admits this Node; it
   * looks at the other versions only otherwise. So a range is checked against the registry's
   * one-version document `GET /<name>/latest` first, a tag is read as `GET /<name>/<tag>` and an
   * exact version as `GET /<name>/<version>`; a packument is read only when that does not
   * settle the pick, or when the document is missing or unusable (partial mirrors, registries
   * without one-version documents: after a `latest` that is missing while the packument is not,
   * they are not asked for again in this run): the full one when it was read already, else the
   * abbreviated one. Policy restrictions and staged versions, which the public registry does
   * not publish, are not considered. `publishedAt` is null unless the full packument was read
   * and dates the version.
   * @throws PackageNotFoundError when the package or a matching version does not exist;
   *   RegistryError when the registry cannot be asked or answers nonsense.
   */
  async pickDependencyVersion(name: string, spec: string): Promise<PickedVersion> {
    const wanted = spec === '' ? 'latest' : spec
    const fromPackument = async () =>
      this.#pick(await this.getDependencyPackument(name), name, wanted)
    if (
      !this.#versionDocumentsServed ||
      this.#packuments.has(name) ||
      this.#abbreviated.has(name)
    ) {
      return fromPackument()
    }
    let parsed: ReturnType<typeof npa.resolve>
    try {
      parsed = npa.resolve(name, wanted)
    } catch {
      return fromPackument()
    }
    let document: string
    if (parsed.type === 'tag') document = wanted
    else if (parsed.type === 'version') document = semver.clean(wanted, { loose: true }) ?? wanted
    else if (parsed.type === 'range') document = 'latest'
    else return fromPackument()
    const manifest = await this.#versionDocument(name, document)
    if (manifest !== null && settlesPick(manifest, parsed.type, wanted, document)) {
      return { version: manifest.version, manifest, publishedAt: null }
    }
    const picked = await fromPackument()
    if (manifest === null && document === 'latest') this.#versionDocumentsServed = false
    return picked
  }

  /**
   * The validated manifest of one version of a packument.
   * @throws PackageNotFoundError when the version is absent (e.g. a partial mirror);
   *   RegistryError when the manifest does not match `VersionManifestSchema`.
   */
  manifest(packument: Packument, version: string): VersionManifest {
    const raw = packument.versions[version]
    if (raw === undefined) {
      throw new PackageNotFoundError(`${packument.name}@${version} is not on the registry`)
    }
    const parsed = VersionManifestSchema.safeParse(raw)
    if (!parsed.success) {
      throw new RegistryError(
        `registry manifest of ${packument.name}@${version} is malformed: ${z.prettifyError(parsed.error)}`
      )
    }
    return parsed.data
  }

  /**
   * The one-version document `GET /<name>/<version or tag>`, fetched once per run; null when the
   * registry has none (any status but 200), it cannot be read, or it is not a manifest of `name`.
   */
  #versionDocument(name: string, document: string): Promise<VersionManifest | null> {
    const key = `${name}@${document}`
    let pending = this.#versionDocuments.get(key)
    if (!pending) {
      pending = this.#fetchVersionDocument(name, document)
      this.#versionDocuments.set(key, pending)
    }
    return pending
  }

  async #fetchVersionDocument(name: string, document: string): Promise<VersionManifest | null> {
    const url = `${this.packumentUrl(name)}/${encodeURIComponent(document)}`
    try {
      const answer = await this.#http.getJson(url, {
        headers: this.#headers(),
        maxBytes: MAX_VERSION_DOCUMENT_BYTES
      })
      if (answer.status !== 200) return null
      const parsed = VersionManifestSchema.safeParse(answer.json)
      return parsed.success && parsed.data.name === name ? parsed.data : null
    } catch (error) {
      if (
        error instanceof HttpError ||
        error instanceof NetworkError ||
        error instanceof SyntaxError
      ) {
        return null
      }
      throw error
    }
  }

  #headers(accept = 'application/json'): Record<string, string> {
    const headers: Record<string, string> = { accept }
    if (this.#token) headers.authorization = `Bearer ${this.#token}`
    return headers
  }

  /** The packument of `name`, full or `abbreviated` (see the module doc); not memoised. */
  async #fetchPackument(name: string, abbreviated: boolean): Promise<Packument> {
    const url = this.packumentUrl(name)
    let answer: { status: number; json: unknown }
    try {
      answer = await this.#http.getJson(url, {
        headers: this.#headers(abbreviated ? ABBREVIATED_ACCEPT : 'application/json'),
        maxBytes: MAX_PACKUMENT_BYTES
      })
    } catch (error) {
      if (
        error instanceof HttpError ||
        error instanceof NetworkError ||
        error instanceof SyntaxError
      ) {
        throw new RegistryError(`npm registry: ${error.message}`)
      }
      throw error
    }
    if (answer.status === 404) {
      throw new PackageNotFoundError(
        `${name} is not on the npm registry (${redactUrl(this.registry).replace(/\/$/, '')})`
      )
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw new RegistryError(`npm registry answered ${answer.status} for ${name}`)
    }
    const parsed = PackumentSchema.safeParse(answer.json)
    if (!parsed.success) {
      throw new RegistryError(
        `npm registry answer for ${name} is not a packument: ${z.prettifyError(parsed.error)}`
      )
    }
    return parsed.data
  }
}

/**
 * Whether the one-version document `manifest` (fetched as `document`) is what npm-pick-manifest
 * 11 would pick for `wanted` from the full packument: for a tag or an exact version, the
 * document itself; for a range, `latest` when npm's first rule takes it (the range is `*` or
 * admits it, loosely; not deprecated; `engines.node` admits this Node, per npm-install-checks).
 */
function settlesPick(
  manifest: VersionManifest,
  type: 'tag' | 'version' | 'range',
  wanted: string,
  document: string
): boolean {
  if (type === 'tag') return true
  if (type === 'version') return manifest.version === document
  if (wanted !== '*' && !semver.satisfies(manifest.version, wanted, { loose: true })) return false
  if (manifest.deprecated) return false
  try {
    checkEngine(manifest, null, process.version)
    return true
  } catch {
    return false
  }
}

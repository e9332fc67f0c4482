/**
 * PyPI client: project and release metadata from the PyPI JSON API (https://docs.pypi.org/api/json/:
 * `GET /pypi/<project>/json` and `GET /pypi/<project>/<version>/json`), validated with zod, and the
 * version an installer would pick for a PEP 440 specifier (`@renovatebot/pep440`).
 *
 * One fetch per project (and per release) per run (memoised promises). Project names are PEP 503
 * normalised before they reach a URL or a cache key. The base URL defaults to https://pypi.org.
 */
import {
  compare as comparePep440,
  explain as explainPep440,
  filter as filterPep440,
  valid as validPep440,
  validRange as validRangePep440
} from '@renovatebot/pep440'
import { z } from 'zod'
import { type HttpClient, HttpError, NetworkError, redactUrl } from '../net/http.js'
import { normalizePypiName } from './purl.js'

export const DEFAULT_PYPI_URL = 'https://pypi.org'

/** Largest JSON answer we accept, in bytes (projects with thousands of releases are large). */
const MAX_JSON_BYTES = 32 * 1024 * 1024

/** A string field PyPI may send as `null`; anything odd becomes `null`. */
const text = z.string().nullable().optional().catch(null)

/** One uploaded file of a release (an entry of `urls` or `releases[version]`). */
export const DistributionFileSchema = z.looseObject({
  filename: z.string().min(1),
  url: z.string().min(1),
  /** `bdist_wheel`, `sdist`, or older kinds (`bdist_egg`, …). */
  packagetype: z.string(),
  python_version: text,
  requires_python: text,
  /** Size in bytes. */
  size: z.number().int().nonnegative().optional().catch(undefined),
  digests: z
    .looseObject({ sha256: text, md5: text, blake2b_256: text })
    .default({ sha256: null, md5: null, blake2b_256: null }),
  upload_time_iso_8601: text,
  upload_time: text,
  yanked: z.boolean().default(false).catch(false),
  yanked_reason: text
})
export type DistributionFile = z.infer<typeof DistributionFileSchema>

/** The `info` object: metadata of the project's latest release, or of the release asked for. */
export const ProjectInfoSchema = z.looseObject({
  name: z.string().min(1),
  version: z.string().min(1),
  summary: text,
  description: text,
  description_content_type: text,
  license: text,
  /** PEP 639 SPDX expression (Metadata 2.4), when the project declares one. */
  license_expression: text,
  classifiers: z.array(z.string()).nullable().optional().catch(null),
  requires_python: text,
  requires_dist: z.array(z.string()).nullable().optional().catch(null),
  project_urls: z.record(z.string(), z.string()).nullable().optional().catch(null),
  home_page: text,
  download_url: text,
  author: text,
  author_email: text,
  maintainer: text,
  yanked: z.boolean().default(false).catch(false),
  yanked_reason: text
})
export type ProjectInfo = z.infer<typeof ProjectInfoSchema>

/** `GET /pypi/<project>/json`: latest `info`, every release's files, the latest's files. */
export const ProjectSchema = z.looseObject({
  info: ProjectInfoSchema,
  releases: z.record(z.string(), z.array(z.unknown())).default({}),
  urls: z.array(z.unknown()).default([])
})
export type Project = z.infer<typeof ProjectSchema>

/** `GET /pypi/<project>/<version>/json`: that release's `info` and files (`urls`). */
export const ReleaseSchema = z.looseObject({
  info: ProjectInfoSchema,
  urls: z.array(DistributionFileSchema).default([])
})
export type Release = z.infer<typeof ReleaseSchema>

/** Raised when PyPI has no such project or release (404) or no version matching a specifier. */
export class PypiNotFoundError extends Error {
  override readonly name = 'PypiNotFoundError'
}

/** Raised when PyPI answered but not with usable JSON, or could not be reached. */
export class PypiRegistryError extends Error {
  override readonly name = 'PypiRegistryError'
}

export interface PypiClientOptions {
  http: HttpClient
  /** Base URL of a PyPI-compatible JSON API; default `https://pypi.org`. */
  baseUrl?: string
}

/** The version an installer would pick, and whether it is yanked (only when pinned). */
export interface PickedPypiVersion {
  version: string
  /** True when every file of the release is yanked (PEP 592: picked only by an exact pin). */
  yanked: boolean
  /** The release's files, validated (invalid entries dropped). */
  files: DistributionFile[]
}

/** PyPI JSON API client (see module doc). Methods never return partial data. */
export class PypiClient {
  readonly baseUrl: string
  readonly #http: HttpClient
  readonly #projects = new Map<string, Promise<Project>>()
  readonly #releases = new Map<string, Promise<Release>>()

  constructor(options: PypiClientOptions) {
    this.#http = options.http
    this.baseUrl = (options.baseUrl ?? DEFAULT_PYPI_URL).replace(/\/+$/, '')
  }

  /** URL of a project's JSON (`/pypi/<PEP 503 name>/json`). */
  projectUrl(name: string): string {
    return `${this.baseUrl}/pypi/${encodeURIComponent(normalizePypiName(name))}/json`
  }

  /** URL of one release's JSON (`/pypi/<PEP 503 name>/<version>/json`). */
  releaseUrl(name: string, version: string): string {
    const project = encodeURIComponent(normalizePypiName(name))
    return `${this.baseUrl}/pypi/${project}/${encodeURIComponent(version)}/json`
  }

  /**
   * The project's JSON, fetched once per run.
   * @throws PypiNotFoundError on 404; PypiRegistryError on any other failure (with the reason).
   */
  getProject(name: string): Promise<Project> {
    const key = normalizePypiName(name)
    let pending = this.#projects.get(key)
    if (!pending) {
      pending = this.#fetch(this.projectUrl(name), name, ProjectSchema)
      this.#projects.set(key, pending)
    }
    return pending
  }

  /**
   * One release's JSON (its `info` is that version's metadata; `urls` its files), fetched once.
   * @throws PypiNotFoundError on 404; PypiRegistryError on any other failure.
   */
  getRelease(name: string, version: string): Promise<Release> {
    const key = `${normalizePypiName(name)}==${version}`
    let pending = this.#releases.get(key)
    if (!pending) {
      pending = this.#fetch(this.releaseUrl(name, version), `${name}==${version}`, ReleaseSchema)
      this.#releases.set(key, pending)
    }
    return pending
  }

  /**
   * The version pip/uv would install for `spec` (a PEP 440 specifier such as `>=1.2,<2`, `==1.4.0`
   * or `~=1.4`; a bare version means `==`; `''`, `latest` and `*` mean any): the highest release
   * that has files, is not yanked and is not a pre-release; pre-releases only when nothing else
   * matches (PEP 440 "Handling of pre-releases"); a yanked release only for an exact `==`/`===`
   * pin (PEP 592).
   * @throws PypiNotFoundError when no release matches; PypiRegistryError when `spec` is not a
   *   valid PEP 440 specifier.
   */
  pickVersion(project: Project, spec: string): PickedPypiVersion {
    const wanted = normaliseSpec(spec)
    const releases = new Map<string, DistributionFile[]>()
    for (const [version, raw] of Object.entries(project.releases)) {
      if (validPep440(version) === null) continue
      const files = raw.flatMap((file) => {
        const parsed = DistributionFileSchema.safeParse(file)
        return parsed.success ? [parsed.data] : []
      })
      if (files.length > 0) releases.set(version, files)
    }
    const versions = [...releases.keys()]
    const yanked = (v: string): boolean => (releases.get(v) ?? []).every((f) => f.yanked)
    const live = versions.filter((v) => !yanked(v))
    const match = (pool: string[], prereleases: boolean): string[] => {
      if (wanted === '') {
        return prereleases ? pool : pool.filter((v) => !isPrerelease(v))
      }
      return filterPep440(pool, wanted, { prereleases })
    }
    if (wanted !== '' && !validRangePep440(wanted)) {
      throw new PypiRegistryError(`"${spec}" is not a PEP 440 version specifier`)
    }
    let found = match(live, false)
    if (found.length === 0) found = match(live, true)
    if (found.length === 0 && /^\s*===?[^,]*$/.test(wanted)) found = match(versions, true)
    const best = found.sort(comparePep440).at(-1)
    if (best === undefined) {
      throw new PypiNotFoundError(
        `no release of ${project.info.name} on PyPI matches "${spec || 'latest'}"`
      )
    }
    return { version: best, yanked: yanked(best), files: releases.get(best) ?? [] }
  }

  async #fetch<T>(url: string, what: string, schema: z.ZodType<T>): Promise<T> {
    let answer: { status: number; json: unknown }
    try {
      answer = await this.#http.getJson(url, { maxBytes: MAX_JSON_BYTES })
    } catch (error) {
      if (
        error instanceof HttpError ||
        error instanceof NetworkError ||
        error instanceof SyntaxError
      ) {
        throw new PypiRegistryError(`PyPI: ${error.message}`)
      }
      throw error
    }
    if (answer.status === 404) {
      throw new PypiNotFoundError(`${what} is not on PyPI (${redactUrl(this.baseUrl)})`)
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw new PypiRegistryError(`PyPI answered ${answer.status} for ${what}`)
    }
    const parsed = schema.safeParse(answer.json)
    if (!parsed.success) {
      throw new PypiRegistryError(
        `PyPI answer for ${what} is not the JSON API's shape: ${z.prettifyError(parsed.error)}`
      )
    }
    return parsed.data
  }
}

/** `''`/`latest`/`*` → `''`; a bare version → `==version`; otherwise the specifier, trimmed. */
function normaliseSpec(spec: string): string {
  const trimmed = spec.trim()
  if (trimmed === '' || trimmed === 'latest' || trimmed === '*') return ''
  if (validPep440(trimmed) !== null) return `==${trimmed}`
  return trimmed
}

/** PEP 440 pre-release or development release (`1.0a1`, `1.0rc2`, `1.0.dev3`). */
function isPrerelease(version: string): boolean {
  const parsed = explainPep440(version)
  return parsed === null || parsed.is_prerelease || parsed.is_devrelease
}

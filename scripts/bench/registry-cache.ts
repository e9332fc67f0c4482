/**
 * An on-disk copy of the npm registry answers a benchmark needs (packuments and tarballs), so
 * that every timed run reads them locally and the network is touched once per answer, ever.
 *
 * Each answer is stored under `dir` by the request path, decoded (`/@scope/name`,
 * `/name/-/name-1.2.3.tgz`): `<encoded path>.body` for a 200, an empty `<encoded path>.404` for a
 * 404 (the registry here is a partial mirror: a missing package or tarball is remembered, not
 * asked again). Other answers (5xx, network failures) are not stored.
 *
 * With `offline`, nothing is downloaded: an answer the cache lacks is a 404 counted in
 * `stats.misses`. Labels marked complete (`markComplete`, files under `complete/`) let a
 * benchmark skip priming work whose answers are all stored already.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { HttpClient, type FetchLike } from '../../src/net/http.js'

/** Largest answer stored, in bytes: the project's packument limit (`npm-registry.ts`). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024

/** One registry answer. */
export interface RegistryAnswer {
  /** 200 or 404. */
  status: 200 | 404
  /** The body (empty for a 404). */
  body: Buffer
  /** `application/octet-stream` for tarballs, else `application/json`. */
  contentType: string
}

/** Options of `RegistryCache`. */
export interface RegistryCacheOptions {
  /** Directory holding the answers (created when missing). */
  dir: string
  /** Registry base URL downloads come from, e.g. `https://registry.npmjs.org`. */
  upstream: string
  /** Never download: a missing answer is a 404 (`stats.misses`). */
  offline: boolean
  /** HTTP client for downloads (timeouts, retries); default one with 30 s per attempt. */
  http?: HttpClient
}

/** What the cache did so far. */
export interface RegistryCacheStats {
  /** Answers read from disk. */
  hits: number
  /** Answers downloaded (and stored). */
  downloads: number
  /** Bytes downloaded. */
  downloadedBytes: number
  /** Answers the cache lacked while offline (served as 404). */
  misses: number
}

/** The registry path of a request URL or path, decoded: `/@scope%2fname` → `/@scope/name`. */
export function registryPath(url: string): string {
  const pathname = url.startsWith('/') ? url.split('?')[0]! : new URL(url).pathname
  return decodeURIComponent(pathname)
}

/** See the module doc. Not safe for two processes writing the same directory at once. */
export class RegistryCache {
  readonly upstream: string
  readonly stats: RegistryCacheStats = { hits: 0, downloads: 0, downloadedBytes: 0, misses: 0 }
  /** Never download (see the module doc); may be switched, e.g. after priming. */
  offline: boolean
  readonly #dir: string
  readonly #http: HttpClient
  readonly #pending = new Map<string, Promise<RegistryAnswer>>()

  constructor(options: RegistryCacheOptions) {
    this.#dir = options.dir
    this.upstream = options.upstream.replace(/\/+$/, '')
    this.offline = options.offline
    this.#http = options.http ?? new HttpClient({ timeoutMs: 30_000, retries: 2 })
    mkdirSync(path.join(this.#dir, 'complete'), { recursive: true })
  }

  /**
   * Whether `label` (e.g. a Package URL) was marked complete: every answer some work on it needs
   * is stored, so that work can skip its priming pass.
   */
  isComplete(label: string): boolean {
    return statSync(this.#completeFile(label), { throwIfNoEntry: false }) !== undefined
  }

  /** Mark `label` complete (see `isComplete`). */
  markComplete(label: string): void {
    writeFileSync(this.#completeFile(label), '')
  }

  #completeFile(label: string): string {
    return path.join(this.#dir, 'complete', encodeURIComponent(label))
  }

  /**
   * The answer for a registry path (`registryPath` form or a raw request path): from disk, else
   * downloaded from `upstream` and stored (unless offline). Concurrent asks share one download.
   * @throws Error when the download fails or answers other than 200/404.
   */
  answer(requestPath: string): Promise<RegistryAnswer> {
    const key = registryPath(requestPath)
    let pending = this.#pending.get(key)
    if (pending === undefined) {
      pending = this.#answer(key)
      this.#pending.set(key, pending)
      // A failed download may be tried again by a later ask.
      pending.catch(() => this.#pending.delete(key))
    }
    return pending
  }

  /**
   * A `fetch` answering GETs of any URL from this cache by its path (the origin is ignored), for
   * the project's `HttpClient` in in-process benchmarks.
   */
  readonly fetch: FetchLike = async (input) => {
    const answer = await this.answer(String(input))
    return new Response(answer.status === 200 ? new Uint8Array(answer.body) : '{}', {
      status: answer.status,
      headers: { 'content-type': answer.contentType }
    })
  }

  async #answer(key: string): Promise<RegistryAnswer> {
    const file = path.join(this.#dir, encodeURIComponent(key))
    const contentType = key.endsWith('.tgz') ? 'application/octet-stream' : 'application/json'
    if (statSync(`${file}.404`, { throwIfNoEntry: false })) {
      this.stats.hits += 1
      return { status: 404, body: Buffer.alloc(0), contentType }
    }
    if (statSync(`${file}.body`, { throwIfNoEntry: false })) {
      this.stats.hits += 1
      return { status: 200, body: readFileSync(`${file}.body`), contentType }
    }
    if (this.offline) {
      this.stats.misses += 1
      return { status: 404, body: Buffer.alloc(0), contentType }
    }
    const url = `${this.upstream}${encodePath(key)}`
    const response = await this.#http.get(url, {
      headers: { accept: key.endsWith('.tgz') ? '*/*' : 'application/json' },
      maxBytes: MAX_ANSWER_BYTES
    })
    if (response.status !== 200 && response.status !== 404) {
      throw new Error(`GET ${url} answered ${response.status}`)
    }
    this.stats.downloads += 1
    this.stats.downloadedBytes += response.body.length
    const status = response.status
    const target = `${file}.${status === 200 ? 'body' : '404'}`
    // Written whole, then renamed: an interrupted run leaves no truncated answer behind.
    writeFileSync(`${target}.partial`, status === 200 ? response.body : '')
    renameSync(`${target}.partial`, target)
    return { status, body: status === 200 ? response.body : Buffer.alloc(0), contentType }
  }
}

/** The request path of a registry path: a scoped packument's `/` is `%2f`, as npm sends it. */
function encodePath(key: string): string {
  const scoped = /^\/(@[^/]+)\/([^/]+)$/.exec(key)
  if (scoped) return `/${scoped[1]}%2f${encodeURIComponent(scoped[2]!)}`
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/^%40/, '@'))
    .join('/')
}

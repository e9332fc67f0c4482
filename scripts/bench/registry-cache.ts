/**
 * An on-disk copy of the npm registry answers a benchmark needs (packuments and tarballs), so
 * that every timed run reads them locally and the network is touched once per answer, ever.
 *
 * An answer is stored by its request path, decoded (`/@scope/name`, `/name/-/name-1.2.3.tgz`),
 * and by its form: npm's abbreviated packument (`Accept: application/vnd.npm.install-v1+json`,
 * npm's registry API "Package metadata"; what `NpmRegistryClient` asks for dependencies) or the
 * full answer (any other `Accept`). Full answers live in `dir`, abbreviated ones in
 * `dir/abbreviated/`, as `<encoded path>.body` for a 200 and an empty `<encoded path>.404` for a
 * 404 (the registry here is a partial mirror: a missing package or tarball is remembered, not
 * asked again). Other answers (5xx, network failures) are not stored. A download asks upstream
 * for the request's raw path with the form's `Accept`, so the cache holds what the registry
 * answers each kind of request (a registry without abbreviated packuments answers the full one).
 *
 * With `offline`, nothing is downloaded: an answer the cache lacks is a 404 counted in
 * `stats.misses`. Labels marked complete (`markComplete`, files under `complete/`) let a
 * benchmark skip priming work whose answers are all stored already.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { type FetchLike, HttpClient } from '../../src/net/http.js'
import { NpmRegistryClient } from '../../src/resolve/npm-registry.js'

/**
 * Largest registry answer a benchmark downloads or forwards, in bytes: 64 MiB, the project's
 * packument limit (`MAX_PACKUMENT_BYTES` of `src/resolve/npm-registry.ts`, not exported there).
 */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024

/** The media type of npm's abbreviated packument (npm's registry API "Package metadata"). */
const ABBREVIATED_TYPE = 'application/vnd.npm.install-v1+json'

/** Which form of a registry answer a request asks for (see the module doc). */
export type AnswerForm = 'full' | 'abbreviated'

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
}

/** What the cache did so far. */
export interface RegistryCacheStats {
  /** Answers downloaded (and stored). */
  downloads: number
  /** Bytes downloaded. */
  downloadedBytes: number
  /** Answers the cache lacked while offline (served as 404). */
  misses: number
}

/**
 * The registry path of a request URL or path, decoded: `/@scope%2fname` → `/@scope/name`; a
 * path's query (`?…`) is dropped, a URL's origin, query and fragment too.
 * @throws TypeError when `url` is neither a path (`/…`) nor an absolute URL; URIError when it
 *   holds a malformed `%` escape.
 */
export function registryPath(url: string): string {
  return decodeURIComponent(rawPath(url))
}

/** The path of a request URL or path as sent (still encoded), without query or fragment. */
function rawPath(url: string): string {
  return url.startsWith('/') ? url.split('?')[0]! : new URL(url).pathname
}

/**
 * The form an `Accept` header asks for: `abbreviated` when it lists npm's abbreviated packument
 * type with a non-zero weight (RFC 9110 §12.5.1: `type; q=…`, q defaults to 1), else `full`
 * (also for no header).
 */
export function answerForm(accept: string | null | undefined): AnswerForm {
  for (const range of (accept ?? '').split(',')) {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase())
    if (type !== ABBREVIATED_TYPE) continue
    const q = parameters.find((p) => /^q\s*=/.test(p))
    if (q === undefined || Number(q.slice(q.indexOf('=') + 1).trim()) > 0) return 'abbreviated'
  }
  return 'full'
}

/** See the module doc. Not safe for two processes writing the same directory at once. */
export class RegistryCache {
  readonly upstream: string
  readonly stats: RegistryCacheStats = { downloads: 0, downloadedBytes: 0, misses: 0 }
  /** Never download (see the module doc); may be switched, e.g. after priming. */
  offline: boolean
  readonly #dir: string
  readonly #http = new HttpClient({ timeoutMs: 30_000, retries: 2 })
  readonly #pending = new Map<string, Promise<RegistryAnswer>>()

  /**
   * Open (and create) the cache directory.
   * @throws Error when `dir` cannot be created.
   */
  constructor(options: RegistryCacheOptions) {
    this.#dir = options.dir
    this.upstream = options.upstream.replace(/\/+$/, '')
    this.offline = options.offline
    mkdirSync(path.join(this.#dir, 'complete'), { recursive: true })
    mkdirSync(path.join(this.#dir, 'abbreviated'), { recursive: true })
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
   * The answer to `GET request` with `Accept: accept`: from disk, else downloaded from
   * `upstream` + the request's raw path and stored (unless offline: then a 404, counted in
   * `stats.misses`). Concurrent asks share one download.
   * @param request a request URL (its origin is ignored) or path, as sent (encoded, e.g.
   *   `/@scope%2fname`).
   * @param accept the request's `Accept` header; it picks the form (`answerForm`) and is sent
   *   upstream for an abbreviated packument.
   * @throws TypeError or URIError for a request that is not a path or URL (`registryPath`).
   * @returns a promise that rejects with `HttpError`/`NetworkError` (`src/net/http.ts`) when the
   *   download fails, or an Error when upstream answers other than 200/404.
   */
  answer(request: string, accept?: string | null): Promise<RegistryAnswer> {
    const raw = rawPath(request)
    const key = decodeURIComponent(raw)
    const form = answerForm(accept)
    const id = `${form} ${key}`
    let pending = this.#pending.get(id)
    if (pending === undefined) {
      pending = this.#answer(raw, key, form, accept ?? undefined)
      this.#pending.set(id, pending)
      // A failed download may be tried again by a later ask.
      pending.catch(() => this.#pending.delete(id))
    }
    return pending
  }

  /**
   * A `fetch` answering GETs of any URL from this cache by its path (the origin is ignored) and
   * the request's `Accept` (see `answer`), for the project's `HttpClient` in in-process
   * benchmarks.
   * @returns a promise that rejects as `answer`'s does.
   */
  readonly fetch: FetchLike = async (input, init) => {
    const answer = await this.answer(String(input), new Headers(init?.headers).get('accept'))
    return new Response(answer.status === 200 ? new Uint8Array(answer.body) : '{}', {
      status: answer.status,
      headers: { 'content-type': answer.contentType }
    })
  }

  /**
   * An `HttpClient` (no retries) whose every GET is answered by this cache (`fetch`).
   * @param onFetch called once per request, before it is answered (e.g. to count them).
   */
  httpClient(onFetch?: () => void): HttpClient {
    return new HttpClient({
      retries: 0,
      fetch:
        onFetch === undefined
          ? this.fetch
          : (input, init) => {
              onFetch()
              return this.fetch(input, init)
            }
    })
  }

  /**
   * A fresh `NpmRegistryClient` of `upstream` (its packument URLs), reading every answer from
   * this cache through `http` (default a fresh `httpClient()`).
   */
  npmClient(http: HttpClient = this.httpClient()): NpmRegistryClient {
    return new NpmRegistryClient({ http, registry: this.upstream })
  }

  async #answer(
    raw: string,
    key: string,
    form: AnswerForm,
    accept: string | undefined
  ): Promise<RegistryAnswer> {
    const dir = form === 'full' ? this.#dir : path.join(this.#dir, 'abbreviated')
    const file = path.join(dir, encodeURIComponent(key))
    const tarball = key.endsWith('.tgz')
    const contentType = tarball ? 'application/octet-stream' : 'application/json'
    if (statSync(`${file}.404`, { throwIfNoEntry: false })) {
      return { status: 404, body: Buffer.alloc(0), contentType }
    }
    if (statSync(`${file}.body`, { throwIfNoEntry: false })) {
      return { status: 200, body: readFileSync(`${file}.body`), contentType }
    }
    if (this.offline) {
      this.stats.misses += 1
      return { status: 404, body: Buffer.alloc(0), contentType }
    }
    const url = `${this.upstream}${raw}`
    const response = await this.#http.get(url, {
      headers: {
        accept:
          form === 'abbreviated' && accept !== undefined
            ? accept
            : tarball
              ? '*/*'
              : 'application/json'
      },
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

/**
 * The one HTTP client of the gate (SPEC §9 "Network"): per-attempt timeouts, bounded retries with
 * exponential backoff on 408/429/5xx and network failures, `Retry-After` honoured, a total time
 * budget shared by every request of a run, and a size limit on response bodies.
 *
 * Uses the platform `fetch` (injectable, so tests can use nock or a stub).
 */

import { sanitizeUrl } from './url-redaction.js'

/** A total time budget (ms) shared by all requests of one run. */
export class Budget {
  readonly #deadline: number
  readonly #now: () => number

  /**
   * @param totalMs total milliseconds allowed from now; `Infinity` for no limit.
   * @param now clock in ms (injectable for tests).
   */
  constructor(totalMs: number, now: () => number = Date.now) {
    this.#now = now
    this.#deadline = now() + totalMs
  }

  /** Milliseconds left (never negative; `Infinity` when unlimited). */
  remaining(): number {
    return Math.max(0, this.#deadline - this.#now())
  }

  /** True once the budget is spent. */
  expired(): boolean {
    return this.remaining() <= 0
  }
}

/** A non-2xx answer (after retries, for retryable statuses). `url` has credentials removed. */
export class HttpError extends Error {
  override readonly name = 'HttpError'
  constructor(
    readonly status: number,
    readonly url: string,
    message: string,
    /** From `Retry-After`, in ms, when the server sent one. */
    readonly retryAfterMs?: number
  ) {
    super(message)
  }
}

/** The request never got a usable answer: timeout, connection failure, budget spent, too large. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError'
  constructor(
    readonly kind: 'timeout' | 'network' | 'budget' | 'too-large',
    readonly url: string,
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>

export interface HttpClientOptions {
  /** `fetch` implementation; default the global one. */
  fetch?: FetchLike
  /** Per-attempt limit in ms (headers and body). Default 15 000. */
  timeoutMs?: number
  /** Retries after the first attempt for retryable failures. Default 3. */
  retries?: number
  /** First backoff delay in ms, doubled per retry (with jitter). Default 500. */
  backoffMs?: number
  /** Longest `Retry-After` (ms) we are willing to wait; longer ones fail at once. Default 60 000. */
  maxRetryAfterMs?: number
  /** Shared total budget; default unlimited. */
  budget?: Budget
  /** `User-Agent` header. */
  userAgent?: string
  /** Sleep function (injectable for tests). */
  sleep?: (ms: number) => Promise<void>
  /** Random in [0, 1) for jitter (injectable for tests). */
  random?: () => number
}

export interface RequestOptions {
  headers?: Record<string, string>
  /** Largest body accepted, in bytes. Default 10 MiB. */
  maxBytes?: number
}

/** A completed response with its whole body. */
export interface HttpResponse {
  status: number
  headers: Headers
  body: Buffer
  /** Final URL (after redirects), credentials removed. */
  url: string
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504])
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024

/**
 * A URL for messages and logs: no user info, query values or fragment, token-like path segments
 * masked (`sanitizeUrl`), and `?…` when a query was removed.
 */
export function redactUrl(url: string): string {
  return sanitizeUrl(url, { markQuery: true }) ?? '<invalid url>'
}

const WEEKDAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)'
const LONG_WEEKDAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)'
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)'
const CLOCK = '\\d{2}:\\d{2}:\\d{2}'
/** IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7). */
const IMF_FIXDATE = new RegExp(`^${WEEKDAY}, \\d{2} ${MONTH} \\d{4} ${CLOCK} GMT$`, 'i')
/** Obsolete RFC 850 date, e.g. `Sunday, 06-Nov-94 08:49:37 GMT` (RFC 9110 §5.6.7). */
const RFC850_DATE = new RegExp(`^${LONG_WEEKDAY}, \\d{2}-${MONTH}-\\d{2} ${CLOCK} GMT$`, 'i')
/** Obsolete asctime date, e.g. `Sun Nov  6 08:49:37 1994`, always UTC (RFC 9110 §5.6.7). */
const ASCTIME_DATE = new RegExp(`^${WEEKDAY} ${MONTH} [ \\d]\\d ${CLOCK} \\d{4}$`, 'i')

/**
 * An HTTP-date (RFC 9110 §5.6.7: IMF-fixdate, or the obsolete RFC 850 and asctime forms, all in
 * GMT) as ms since the epoch; undefined for anything else. Stricter than `Date.parse`, which
 * reads `-5` or `5.5` as dates in 2001 and an asctime date in the local time zone.
 */
function parseHttpDate(text: string): number | undefined {
  let date = Number.NaN
  if (IMF_FIXDATE.test(text) || RFC850_DATE.test(text)) date = Date.parse(text)
  else if (ASCTIME_DATE.test(text)) date = Date.parse(`${text} GMT`)
  return Number.isNaN(date) ? undefined : date
}

/**
 * Parse `Retry-After` (RFC 9110 §10.2.3: delay-seconds, or an HTTP-date per §5.6.7) into ms from
 * `now` (ms since the epoch). Returns undefined when absent or not one of those forms (`-5`,
 * `5.5`, `soon`), so the caller falls back to its own backoff; never negative.
 */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now()
): number | undefined {
  if (value == null) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = parseHttpDate(trimmed)
  if (date === undefined) return undefined
  return Math.max(0, date - now)
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** HTTP client with timeouts, retries, budget and size limits. See the module doc. */
export class HttpClient {
  readonly #fetch: FetchLike
  readonly #timeoutMs: number
  readonly #retries: number
  readonly #backoffMs: number
  readonly #maxRetryAfterMs: number
  readonly #budget: Budget
  readonly #userAgent: string
  readonly #sleep: (ms: number) => Promise<void>
  readonly #random: () => number

  constructor(options: HttpClientOptions = {}) {
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
    this.#timeoutMs = options.timeoutMs ?? 15_000
    this.#retries = options.retries ?? 3
    this.#backoffMs = options.backoffMs ?? 500
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000
    this.#budget = options.budget ?? new Budget(Infinity)
    this.#userAgent = options.userAgent ?? 'mcp-grade-gate'
    this.#sleep = options.sleep ?? defaultSleep
    this.#random = options.random ?? Math.random
  }

  /** The budget this client draws from. */
  get budget(): Budget {
    return this.#budget
  }

  /**
   * GET `url` and return the whole response, retrying retryable failures.
   * Non-retryable non-2xx statuses (e.g. 401, 404) are returned, not thrown, so callers can tell
   * them apart; retryable ones that persist throw.
   * @throws HttpError when a retryable status persists after the retries (or `Retry-After` is too
   *   long for the limit or the budget).
   * @throws NetworkError on timeout, connection failure, spent budget, or a body over `maxBytes`.
   */
  get(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.#request('GET', url, undefined, options)
  }

  /**
   * POST `body` as JSON (`content-type: application/json`) to `url` and parse the answer as JSON,
   * with the same per-attempt timeout, retries on 408/429/5xx and network failures (honouring
   * `Retry-After`), shared budget and body size limit as `get`. Meant for idempotent queries
   * (e.g. OSV `/v1/querybatch`): a retried POST is sent again as is.
   * @param body any JSON-serialisable value.
   * @returns `{status, json, headers}`; `json` is `undefined` for non-2xx answers (returned, not
   *   thrown, for non-retryable statuses such as 400 or 404).
   * @throws TypeError when `body` cannot be serialised (e.g. a BigInt or a cycle).
   * @throws SyntaxError (with the URL) when a 2xx body is not JSON; HttpError / NetworkError as
   *   for `get`.
   */
  async postJson(
    url: string,
    body: unknown,
    options: RequestOptions = {}
  ): Promise<{ status: number; json: unknown; headers: Headers }> {
    const payload = JSON.stringify(body)
    if (payload === undefined) throw new TypeError('postJson: the body is not JSON-serialisable')
    const res = await this.#request('POST', url, payload, {
      ...options,
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        ...options.headers
      }
    })
    return parseJsonAnswer('POST', res)
  }

  /** The retry loop shared by every method (see `get`). */
  async #request(
    method: 'GET' | 'POST',
    url: string,
    body: string | undefined,
    options: RequestOptions
  ): Promise<HttpResponse> {
    const safeUrl = redactUrl(url)
    let attempt = 0
    for (;;) {
      if (this.#budget.expired()) {
        throw new NetworkError('budget', safeUrl, `time budget spent before ${method} ${safeUrl}`)
      }
      let waitMs: number
      let failure: Error
      try {
        const res = await this.#attempt(method, url, body, safeUrl, options)
        if (!RETRYABLE_STATUS.has(res.status)) return res
        const retryAfter = parseRetryAfter(res.headers.get('retry-after'))
        failure = new HttpError(
          res.status,
          safeUrl,
          `${method} ${safeUrl} answered ${res.status}` +
            (retryAfter !== undefined ? ` (Retry-After ${Math.ceil(retryAfter / 1000)} s)` : ''),
          retryAfter
        )
        if (retryAfter !== undefined && retryAfter > this.#maxRetryAfterMs) throw failure
        waitMs = retryAfter ?? this.#backoff(attempt)
      } catch (error) {
        if (error instanceof HttpError) throw error
        if (
          error instanceof NetworkError &&
          (error.kind === 'too-large' || error.kind === 'budget')
        ) {
          throw error
        }
        failure =
          error instanceof NetworkError
            ? error
            : new NetworkError(
                'network',
                safeUrl,
                `${method} ${safeUrl} failed: ${describe(error)}`,
                {
                  cause: error
                }
              )
        waitMs = this.#backoff(attempt)
      }
      if (attempt >= this.#retries) throw failure
      if (waitMs >= this.#budget.remaining()) {
        if (failure instanceof HttpError) throw failure
        throw new NetworkError(
          'budget',
          safeUrl,
          `time budget spent while retrying ${method} ${safeUrl}: ${failure.message}`,
          { cause: failure }
        )
      }
      attempt += 1
      await this.#sleep(waitMs)
    }
  }

  /**
   * GET `url` and parse the body as JSON.
   * @returns `{status, json}`; `json` is `undefined` for non-2xx answers.
   * @throws SyntaxError (with the URL) when a 2xx body is not JSON; see `get` for the rest.
   */
  async getJson(
    url: string,
    options: RequestOptions = {}
  ): Promise<{ status: number; json: unknown; headers: Headers }> {
    const res = await this.get(url, {
      ...options,
      headers: { accept: 'application/json', ...options.headers }
    })
    return parseJsonAnswer('GET', res)
  }

  #backoff(attempt: number): number {
    const base = this.#backoffMs * 2 ** attempt
    return Math.round(base / 2 + (this.#random() * base) / 2)
  }

  async #attempt(
    method: 'GET' | 'POST',
    url: string,
    body: string | undefined,
    safeUrl: string,
    options: RequestOptions
  ): Promise<HttpResponse> {
    const limitMs = Math.min(this.#timeoutMs, this.#budget.remaining())
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, limitMs)
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
    try {
      const res = await this.#fetch(url, {
        method,
        headers: { 'user-agent': this.#userAgent, ...options.headers },
        ...(body !== undefined ? { body } : {}),
        redirect: 'follow',
        signal: controller.signal
      })
      const declared = Number(res.headers.get('content-length') ?? NaN)
      if (Number.isFinite(declared) && declared > maxBytes) {
        controller.abort()
        throw new NetworkError(
          'too-large',
          safeUrl,
          `${method} ${safeUrl}: body of ${declared} bytes is over the ${maxBytes}-byte limit`
        )
      }
      const answer = await readLimited(res, maxBytes, method, safeUrl, controller)
      return {
        status: res.status,
        headers: res.headers,
        body: answer,
        url: redactUrl(res.url || url)
      }
    } catch (error) {
      if (error instanceof NetworkError) throw error
      if (timedOut) {
        throw new NetworkError(
          'timeout',
          safeUrl,
          `${method} ${safeUrl} timed out after ${limitMs} ms`,
          {
            cause: error
          }
        )
      }
      throw error
    } finally {
      clearTimeout(timer)
    }
  }
}

/** `{status, json, headers}` of a response: JSON of a 2xx body, `undefined` otherwise. */
function parseJsonAnswer(
  method: string,
  res: HttpResponse
): { status: number; json: unknown; headers: Headers } {
  if (res.status < 200 || res.status >= 300) {
    return { status: res.status, json: undefined, headers: res.headers }
  }
  try {
    return { status: res.status, json: JSON.parse(res.body.toString('utf8')), headers: res.headers }
  } catch (error) {
    throw new SyntaxError(`${method} ${res.url} did not answer JSON: ${describe(error)}`, {
      cause: error
    })
  }
}

async function readLimited(
  res: Response,
  maxBytes: number,
  method: string,
  safeUrl: string,
  controller: AbortController
): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0)
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      controller.abort()
      await reader.cancel().catch(() => undefined)
      throw new NetworkError(
        'too-large',
        safeUrl,
        `${method} ${safeUrl}: body is over the ${maxBytes}-byte limit`
      )
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks, total)
}

/**
 * An error for messages: its text (plus the cause's code) with every URL in it redacted — fetch
 * implementations quote the URL they were given, credentials included.
 */
function describe(error: unknown): string {
  let text: string
  if (error instanceof Error) {
    // undici: `TypeError: fetch failed` with the system error (`ECONNRESET`) as its cause.
    const code = errorCode((error as { cause?: unknown }).cause) || errorCode(error)
    text = code && !error.message.includes(code) ? `${error.message} (${code})` : error.message
  } else if (error !== null && typeof error === 'object') {
    // Some fetch stand-ins reject with a plain `{code, message}` object, not an Error.
    const message =
      'message' in error && typeof error.message === 'string' ? error.message.trim() : ''
    const code = errorCode(error)
    text = [message, code && `(${code})`].filter(Boolean).join(' ') || 'unknown error'
  } else {
    text = String(error)
  }
  return text.replace(/\b[a-z][\w+.-]*:\/\/[^\s'"<>]+/gi, (url) => redactUrl(url))
}

/** The `code` (e.g. `ECONNRESET`) of a system error or similar object; `''` when none. */
function errorCode(value: unknown): string {
  if (value === null || typeof value !== 'object' || !('code' in value)) return ''
  const code = value.code
  return typeof code === 'string' || typeof code === 'number' ? String(code) : ''
}

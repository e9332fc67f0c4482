/**
 * The `api` grader (SPEC §5): asks a SkillAudit-style grading service
 * `GET {url}/api/grade?server=<id>` with `Authorization: Bearer <key>` and maps its answer
 * (`api-answer.ts`) to a `GradeReport`.
 *
 * Every failure is an outcome, never a throw: 404 → `ungraded`; 401/403, 429 after retries, 5xx,
 * timeouts, network failures, non-JSON and invalid answers (including an `audited_at` that
 * cannot be true: `auditDateProblem`) → `error`. The API key is sent only in
 * the `Authorization` header and is masked out of every message and log line.
 */
import type { Logger } from '../log.js'
import { silentLogger } from '../log.js'
import { HttpError, NetworkError, type HttpClient } from '../net/http.js'
import { isLoopbackHost, sanitizeUrl } from '../net/url-redaction.js'
import type { GradeScale } from '../policy/grades.js'
import type { ResolvedServer } from '../resolve/types.js'
import {
  auditDateProblem,
  maskValues,
  maskValuesInJson,
  parseApiAnswer,
  safeExcerpt
} from './api-answer.js'
import type { Grader } from './grader.js'
import { identityGap, serverIdentity } from './identity.js'
import { OncePerKey } from './once.js'
import type { GradeOutcome } from './report.js'

/** Largest answer accepted from a grading service, in bytes (a grade is a few KiB). */
const MAX_ANSWER_BYTES = 2 * 1024 * 1024

export interface ApiGraderOptions {
  /** Base URL of the grading service (`https://grader.example`); `/api/grade` is appended. */
  url: string
  /** Bearer token (`MCP_GRADER_API_KEY` / `grader-api-key`); no header is sent when absent. */
  apiKey?: string
  /** The run's HTTP client (timeouts, retries honouring `Retry-After`, budget). */
  http: HttpClient
  /**
   * Scale (0–100 lower bounds of A–D) used to letter a sub-score the service gives as a number
   * only; pass the policy's scale so letters agree with the gate. Default `DEFAULT_SCALE`
   * (SPEC §5). Letters the service gives are kept as given.
   */
  scale?: GradeScale
  logger?: Logger
  /** Clock for `auditedAt` when the answer has none. */
  now?: () => Date
}

/**
 * Create the `api` grader (`source: 'api'`). Each identity (`serverIdentity`) is asked once per
 * grader instance, i.e. once per run; servers without an identity are `ungraded` without a call.
 * Reports name the grader after the service host, version `api`.
 * @throws TypeError when `url` is not an absolute http(s) URL without credentials, query or
 *   fragment, when `url` is plain http to a host that is not loopback (`isLoopbackHost`) while
 *   an API key is set (the key would travel in clear text), or when the API key holds characters
 *   not allowed in an HTTP header. Messages never include the key.
 */
export function createApiGrader(options: ApiGraderOptions): Grader {
  const apiKey = options.apiKey?.trim() || undefined
  const endpoint = gradeEndpoint(options.url, apiKey !== undefined)
  if (apiKey !== undefined && !/^[\x21-\x7e]+$/.test(apiKey)) {
    throw new TypeError(
      'the grader API key holds spaces or characters not allowed in an HTTP header: check MCP_GRADER_API_KEY / the grader-api-key input'
    )
  }
  const graderName = new URL(endpoint).host
  const logger = options.logger ?? silentLogger
  const now = options.now ?? (() => new Date())
  const once = new OncePerKey<GradeOutcome>()
  const secrets = apiKey === undefined ? [] : [apiKey]
  const mask = (text: string): string => maskValues(text, secrets)

  async function ask(id: string): Promise<GradeOutcome> {
    const url = `${endpoint}?server=${encodeURIComponent(id)}`
    logger.debug(`asking ${graderName} for the grade of ${id}`)
    let status: number
    let body: Buffer
    try {
      const res = await options.http.get(url, {
        headers: {
          accept: 'application/json',
          ...(apiKey !== undefined && { authorization: `Bearer ${apiKey}` })
        },
        maxBytes: MAX_ANSWER_BYTES
      })
      status = res.status
      body = res.body
    } catch (error) {
      return { kind: 'error', message: mask(describeFailure(error, id)) }
    }
    if (status === 404) {
      return { kind: 'ungraded', reason: `the grading service has no grade for ${id}` }
    }
    if (status === 401 || status === 403) {
      return {
        kind: 'error',
        message:
          apiKey === undefined
            ? `the grading service requires an API key (${status}): set MCP_GRADER_API_KEY / the grader-api-key input`
            : `the grading service rejected the API key (${status}): check MCP_GRADER_API_KEY / the grader-api-key input`
      }
    }
    if (status < 200 || status >= 300) {
      return {
        kind: 'error',
        message: `the grading service answered HTTP ${status} for ${id}`
      }
    }
    let json: unknown
    const text = body.toString('utf8')
    try {
      json = JSON.parse(text)
    } catch {
      return {
        kind: 'error',
        message: mask(
          `the grading service did not answer JSON for ${id} (the answer starts with "${safeExcerpt(mask(text), 60)}")`
        )
      }
    }
    const invalid = (problem: string): GradeOutcome => ({
      kind: 'error',
      message: mask(`the grading service's answer for ${id} is invalid: ${problem}`)
    })
    // A service that echoes the key in a finding, snippet or link must not put it in reports.
    json = maskValuesInJson(json, secrets)
    const parsed = parseApiAnswer(json, { graderName, scale: options.scale, now })
    if (!parsed.ok) return invalid(parsed.problem)
    const dateProblem = auditDateProblem(parsed.report.auditedAt, now())
    if (dateProblem !== null) return invalid(dateProblem)
    logger.debug(`${graderName} graded ${id}: ${parsed.report.overall.grade}`)
    return { kind: 'graded', report: parsed.report }
  }

  return {
    source: 'api',
    grade(server: ResolvedServer): Promise<GradeOutcome> {
      const id = serverIdentity(server)
      if (id === null) {
        const reason = identityGap(server) ?? 'nothing a grading service can look up'
        return Promise.resolve({ kind: 'ungraded', reason })
      }
      return once.get(id, () => ask(id))
    }
  }
}

/**
 * `{base}/api/grade` for a validated base URL (trailing slashes dropped, so a base path such as
 * `https://x.example/v1/` works).
 * @throws TypeError for an unusable base URL (see `createApiGrader`).
 */
function gradeEndpoint(base: string, withKey: boolean): string {
  let url: URL
  try {
    url = new URL(base.trim())
  } catch {
    throw new TypeError(
      'the grading service URL is not an absolute URL: give the base URL, e.g. https://grader.example'
    )
  }
  // Shown without credentials, query values or token-like path segments (`?…` marks a query).
  const shown = sanitizeUrl(url.href, { markQuery: true }) ?? `${url.protocol}…`
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`the grading service URL ${shown} must use https`)
  }
  if (url.username !== '' || url.password !== '') {
    throw new TypeError(
      `the grading service URL ${shown} holds credentials: put the key in MCP_GRADER_API_KEY / the grader-api-key input instead`
    )
  }
  if (url.search !== '' || url.hash !== '') {
    throw new TypeError(
      `the grading service URL ${shown} must not have a query string or fragment: give the base URL only`
    )
  }
  if (withKey && url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new TypeError(
      `the grading service URL ${shown} is plain http: use https so the API key is not sent in clear text`
    )
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/api/grade`
}

/** A failed request (after the HTTP client's retries) as one sentence for people. */
function describeFailure(error: unknown, id: string): string {
  if (error instanceof HttpError) {
    const retryAfter =
      error.retryAfterMs !== undefined
        ? `; it asked to retry after ${Math.ceil(error.retryAfterMs / 1000)} s (Retry-After)`
        : ''
    if (error.status === 429) {
      return (
        `the grading service kept rate-limiting (429) the request for ${id} within the retries ` +
        `and waits the gate allows${retryAfter}: try again later, or grade fewer servers per run`
      )
    }
    return `the grading service failed with HTTP ${error.status} for ${id} after retries${retryAfter}`
  }
  if (error instanceof NetworkError) {
    switch (error.kind) {
      case 'timeout':
        return `the grading service did not answer in time for ${id}: ${error.message}`
      case 'budget':
        return `the run's network time budget was spent before the grading service answered for ${id}`
      case 'too-large':
        return `the grading service's answer for ${id} is over the ${MAX_ANSWER_BYTES / 1024 / 1024} MiB limit`
      case 'network':
        return `could not reach the grading service for ${id}: ${error.message}`
    }
  }
  const message = error instanceof Error ? error.message : String(error)
  return `asking the grading service for ${id} failed: ${safeExcerpt(message, 200)}`
}

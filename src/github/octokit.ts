/**
 * The GitHub API client of the action: `@octokit/rest` with `@octokit/plugin-retry` (retries on
 * 5xx with backoff) and `@octokit/plugin-throttling` (waits out primary and secondary rate
 * limits, GitHub REST docs "Rate limits for the REST API").
 *
 * Rate limits: a request that hits one is retried at most twice, and never when GitHub asks us to
 * wait longer than `maxRateLimitWaitSeconds` (the job would hang); then it fails with one warning
 * and the caller decides (the sticky comment is best-effort, SPEC §8).
 */
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { Octokit } from '@octokit/rest'
import { silentLogger, type Logger } from '../log.js'

/** Default REST base URL (github.com). GHES sets `GITHUB_API_URL`, e.g. `https://ghe.example/api/v3`. */
export const DEFAULT_API_URL = 'https://api.github.com'

/** Rate-limit retries per request before giving up. */
export const RATE_LIMIT_RETRIES = 2

/** Longest wait (seconds) for a rate limit to reset before giving up. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 60

/** Options of `createOctokit`. */
export interface CreateOctokitOptions {
  /** A GitHub token (`GITHUB_TOKEN` or a PAT). Never logged. */
  token: string
  /** REST base URL; default `env.GITHUB_API_URL`, else `https://api.github.com`. */
  baseUrl?: string
  /** Environment to read `GITHUB_API_URL` from; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>
  /**
   * `fetch` used for every request (tests pass a stub: Node's built-in fetch is undici, which
   * nock may not intercept in every setup).
   */
  fetch?: typeof fetch
  /** Where rate-limit warnings and Octokit's own warnings go. */
  logger?: Logger
  /** `User-Agent` prefix, e.g. `mcp-grade-gate/0.1.0`. */
  userAgent?: string
  /**
   * Milliseconds per second of server-given waits and retry backoff (default 1000). Tests
   * shrink it so retries take no real time.
   */
  retryAfterBaseMs?: number
  /**
   * Client-side pacing of writes (`plugin-throttling` spaces writes ≥ 1 s apart, process-wide).
   * Default true; false disables throttling entirely (tests that do not exercise rate limits).
   */
  throttle?: boolean
}

/** Builds an Octokit; `main.ts` takes one so tests can inject theirs. */
export type OctokitFactory = (options: CreateOctokitOptions) => Octokit

const GateOctokit = Octokit.plugin(retry, throttling)

/** What the throttling plugin passes to a limit handler (the subset we use). */
interface LimitRequest {
  method: string
  url: string
}

/**
 * A rate-limit handler for `plugin-throttling`: retry (return true) while `retryCount` is below
 * `retries` and the wait is at most `maxWaitSeconds`; otherwise log one warning and give up.
 * @param kind `primary` or `secondary` rate limit, for the message.
 */
export function rateLimitHandler(
  logger: Logger,
  kind: 'primary' | 'secondary',
  retries: number = RATE_LIMIT_RETRIES,
  maxWaitSeconds: number = MAX_RATE_LIMIT_WAIT_SECONDS
): (retryAfter: number, options: LimitRequest, octokit: unknown, retryCount: number) => boolean {
  return (retryAfter, options, _octokit, retryCount) => {
    const what = `${options.method} ${options.url}`
    if (retryCount < retries && retryAfter <= maxWaitSeconds) {
      logger.debug(`GitHub ${kind} rate limit on ${what}; retrying in ${retryAfter} s`)
      return true
    }
    const why =
      retryAfter > maxWaitSeconds
        ? `the limit resets in ${retryAfter} s, longer than the ${maxWaitSeconds} s we wait`
        : `still limited after ${retries} retries`
    logger.warning(`GitHub API ${kind} rate limit hit on ${what}: giving up (${why}).`)
    return false
  }
}

/**
 * Create the GitHub client (see the module doc). The base URL is `options.baseUrl`, else
 * `GITHUB_API_URL` (GitHub Enterprise Server), else `https://api.github.com`; GraphQL calls go
 * to the matching `/graphql` endpoint (Octokit derives it, `/api/v3` → `/api/graphql` on GHES).
 * @throws TypeError when the token is empty or the base URL is not an absolute http(s) URL.
 */
export function createOctokit(options: CreateOctokitOptions): Octokit {
  if (!options.token.trim()) throw new TypeError('createOctokit: a GitHub token is required')
  const env = options.env ?? process.env
  const baseUrl = (options.baseUrl ?? env.GITHUB_API_URL ?? DEFAULT_API_URL).replace(/\/+$/, '')
  let parsed: URL
  try {
    parsed = new URL(baseUrl)
  } catch {
    throw new TypeError(`GitHub API URL is not a URL: ${JSON.stringify(baseUrl.slice(0, 200))}`)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new TypeError(`GitHub API URL must be http(s): ${JSON.stringify(baseUrl.slice(0, 200))}`)
  }
  const logger = options.logger ?? silentLogger
  const base = options.retryAfterBaseMs ?? 1000
  const octokit = new GateOctokit({
    auth: options.token,
    baseUrl,
    userAgent: options.userAgent,
    request: options.fetch ? { fetch: options.fetch } : undefined,
    log: {
      debug: (message: string) => logger.debug(message),
      // Octokit logs each request at info level: keep those out of the job log.
      info: (message: string) => logger.debug(message),
      warn: (message: string) => logger.warning(message),
      // Failed requests are also thrown to the caller, which reports them once.
      error: (message: string) => logger.debug(message)
    },
    retry: { retryAfterBaseValue: base },
    throttle:
      options.throttle === false
        ? { enabled: false }
        : {
            retryAfterBaseValue: base,
            onRateLimit: rateLimitHandler(logger, 'primary'),
            onSecondaryRateLimit: rateLimitHandler(logger, 'secondary')
          }
  })
  return octokit
}

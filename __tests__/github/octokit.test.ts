import { describe, expect, it } from '@jest/globals'
import { createOctokit, rateLimitHandler } from '../../src/github/octokit.js'
import { recordingLogger, stubFetch } from './stub-fetch.js'

const req = { method: 'GET', url: '/repos/{owner}/{repo}/issues/{issue_number}/comments' }

describe('rateLimitHandler', () => {
  it('retries twice, then gives up with one warning', () => {
    const logger = recordingLogger()
    const handler = rateLimitHandler(logger, 'primary')
    expect(handler(5, req, null, 0)).toBe(true)
    expect(handler(5, req, null, 1)).toBe(true)
    expect(logger.warnings).toEqual([])
    expect(handler(5, req, null, 2)).toBe(false)
    expect(logger.warnings).toHaveLength(1)
    expect(logger.warnings[0]).toContain('primary rate limit')
    expect(logger.warnings[0]).toContain('still limited after 2 retries')
  })

  it('does not wait for a reset that is too far away', () => {
    const logger = recordingLogger()
    expect(rateLimitHandler(logger, 'secondary')(3600, req, null, 0)).toBe(false)
    expect(logger.warnings[0]).toContain('the limit resets in 3600 s, longer than the 60 s we wait')
  })
})

describe('createOctokit', () => {
  it('talks to api.github.com by default, with the token and user agent', async () => {
    const gh = stubFetch(() => ({ body: { login: 'me' } }))
    const octokit = createOctokit({
      token: 't0k',
      fetch: gh.fetch,
      env: {},
      userAgent: 'mcp-grade-gate/0.1.0',
      throttle: false
    })
    await octokit.rest.users.getAuthenticated()
    expect(gh.calls[0]!.url).toBe('https://api.github.com/user')
    expect(gh.calls[0]!.headers.authorization).toBe('token t0k')
    expect(gh.calls[0]!.headers['user-agent']).toMatch(/^mcp-grade-gate\/0\.1\.0/)
  })

  it('uses GITHUB_API_URL (GHES) and lets an explicit baseUrl win', async () => {
    const gh = stubFetch(() => ({ body: {} }))
    await createOctokit({
      token: 't',
      fetch: gh.fetch,
      env: { GITHUB_API_URL: 'https://ghe.corp/api/v3/' },
      throttle: false
    }).request('GET /rate_limit')
    await createOctokit({
      token: 't',
      fetch: gh.fetch,
      env: { GITHUB_API_URL: 'https://ghe.corp/api/v3' },
      baseUrl: 'https://other.test',
      throttle: false
    }).request('GET /rate_limit')
    expect(gh.calls.map((c) => c.url)).toEqual([
      'https://ghe.corp/api/v3/rate_limit',
      'https://other.test/rate_limit'
    ])
  })

  it('rejects an empty token and a non-http base URL', () => {
    expect(() => createOctokit({ token: ' ', env: {} })).toThrow(TypeError)
    expect(() => createOctokit({ token: 't', env: { GITHUB_API_URL: 'file:///etc' } })).toThrow(
      TypeError
    )
    expect(() => createOctokit({ token: 't', baseUrl: 'not a url', env: {} })).toThrow(TypeError)
  })

  it('retries a rate-limited request at most twice, then fails with a warning', async () => {
    const reset = String(Math.floor(Date.now() / 1000))
    const gh = stubFetch(() => ({
      status: 403,
      body: { message: 'API rate limit exceeded for installation' },
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }
    }))
    const logger = recordingLogger()
    const octokit = createOctokit({
      token: 't',
      fetch: gh.fetch,
      env: {},
      logger,
      retryAfterBaseMs: 1
    })
    await expect(
      octokit.rest.issues.listComments({ owner: 'o', repo: 'r', issue_number: 1 })
    ).rejects.toMatchObject({ status: 403 })
    expect(gh.calls).toHaveLength(3)
    expect(logger.warnings).toHaveLength(1)
    expect(logger.warnings[0]).toContain('GitHub API primary rate limit hit on GET')
  })

  it('retries server errors (retry plugin) and then succeeds', async () => {
    let n = 0
    const gh = stubFetch(() =>
      ++n < 3 ? { status: 502, body: { message: 'Bad gateway' } } : { body: [] }
    )
    const octokit = createOctokit({
      token: 't',
      fetch: gh.fetch,
      env: {},
      retryAfterBaseMs: 1,
      throttle: false
    })
    const res = await octokit.rest.issues.listComments({ owner: 'o', repo: 'r', issue_number: 1 })
    expect(res.data).toEqual([])
    expect(gh.calls).toHaveLength(3)
  })
})

import { describe, expect, it } from '@jest/globals'
import { StickyCommentError, upsertStickyComment } from '../../src/github/comment.js'
import { createOctokit } from '../../src/github/octokit.js'
import { recordingLogger, stubFetch, type RecordedRequest, type StubAnswer } from './stub-fetch.js'

const API = 'https://api.github.com'
const MARKER = '<!-- mcp-grade-gate:default -->'
const BODY = `${MARKER}\n### ✅ MCP grade gate: all 2 servers pass\n`

interface Comment {
  id: number
  body: string
  user: { login: string; type: string }
  html_url: string
}

const comment = (id: number, login: string, body: string): Comment => ({
  id,
  body,
  user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' },
  html_url: `https://github.com/o/r/pull/5#issuecomment-${id}`
})

/** A fake GitHub: comments on PR 5, a viewer login, and optional overrides per request. */
function fakeGitHub(options: {
  comments?: Comment[][]
  viewer?: string | null
  user?: string | null
  override?: (req: RecordedRequest) => StubAnswer | undefined
  base?: string
}) {
  const base = options.base ?? API
  const pages = options.comments ?? [[]]
  return stubFetch((req) => {
    const custom = options.override?.(req)
    if (custom) return custom
    const url = new URL(req.url)
    if (req.method === 'GET' && url.pathname.endsWith('/repos/o/r/issues/5/comments')) {
      const page = Number(url.searchParams.get('page') ?? '1')
      const next =
        page < pages.length
          ? {
              link: `<${base}/repos/o/r/issues/5/comments?per_page=100&page=${page + 1}>; rel="next"`
            }
          : undefined
      return { body: pages[page - 1] ?? [], headers: next }
    }
    if (req.method === 'POST' && url.pathname.endsWith('/graphql')) {
      return options.viewer === null || options.viewer === undefined
        ? { status: 502, body: { message: 'Bad gateway' } }
        : { body: { data: { viewer: { login: options.viewer } } } }
    }
    if (req.method === 'GET' && url.pathname.endsWith('/user')) {
      return options.user
        ? { body: { login: options.user } }
        : { status: 403, body: { message: 'Resource not accessible by integration' } }
    }
    if (req.method === 'POST' && url.pathname.endsWith('/repos/o/r/issues/5/comments')) {
      return {
        status: 201,
        body: comment(900, 'github-actions[bot]', (req.body as { body: string }).body)
      }
    }
    const patch = /\/repos\/o\/r\/issues\/comments\/(\d+)$/.exec(url.pathname)
    if (req.method === 'PATCH' && patch) {
      return {
        body: comment(Number(patch[1]), 'github-actions[bot]', (req.body as { body: string }).body)
      }
    }
    return { status: 599, body: { message: `unexpected ${req.method} ${req.url}` } }
  })
}

function client(fetch: typeof globalThis.fetch, env: Record<string, string> = {}) {
  return createOctokit({ token: 'ghs_test', fetch, env, throttle: false, retryAfterBaseMs: 1 })
}

/** The comment every test upserts: PR o/r#5, with the default marker. */
const STICKY = { owner: 'o', repo: 'r', issueNumber: 5, body: BODY, marker: MARKER }

const writes = (calls: RecordedRequest[]) =>
  calls.filter((c) => (c.method === 'POST' || c.method === 'PATCH') && !c.url.endsWith('/graphql'))

describe('upsertStickyComment', () => {
  it('creates the comment when none exists (no identity lookup needed)', async () => {
    const gh = fakeGitHub({ comments: [[comment(1, 'alice', 'LGTM')]] })
    const logger = recordingLogger()
    const res = await upsertStickyComment(client(gh.fetch), {
      ...STICKY,
      logger
    })
    expect(res).toEqual({
      action: 'created',
      url: 'https://github.com/o/r/pull/5#issuecomment-900'
    })
    expect(gh.calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual([
      'GET /repos/o/r/issues/5/comments',
      'POST /repos/o/r/issues/5/comments'
    ])
    expect(gh.calls[1]!.body).toEqual({ body: BODY })
    expect(gh.calls[0]!.headers.authorization).toBe('token ghs_test')
    expect(logger.warnings).toEqual([])
  })

  it('updates our comment in place, found by marker and the token author', async () => {
    const gh = fakeGitHub({
      comments: [
        [
          comment(1, 'alice', 'LGTM'),
          comment(2, 'github-actions[bot]', `${MARKER}\n### ❌ 1 blocked`)
        ]
      ],
      viewer: 'github-actions[bot]'
    })
    const res = await upsertStickyComment(client(gh.fetch), {
      ...STICKY,
      logger: recordingLogger()
    })
    expect(res).toEqual({ action: 'updated', url: 'https://github.com/o/r/pull/5#issuecomment-2' })
    const w = writes(gh.calls)
    expect(w).toHaveLength(1)
    expect(w[0]!.method).toBe('PATCH')
    expect(new URL(w[0]!.url).pathname).toBe('/repos/o/r/issues/comments/2')
    expect(w[0]!.body).toEqual({ body: BODY })
    const graphql = gh.calls.find((c) => c.url.endsWith('/graphql'))
    expect((graphql!.body as { query: string }).query).toContain('viewer')
  })

  it('matches a GraphQL bot login without the [bot] suffix', async () => {
    const gh = fakeGitHub({
      comments: [[comment(3, 'github-actions[bot]', `${MARKER}\nold`)]],
      viewer: 'github-actions'
    })
    const res = await upsertStickyComment(client(gh.fetch), {
      ...STICKY,
      logger: recordingLogger()
    })
    expect(res.action).toBe('updated')
  })

  it('ignores a comment by someone else that quotes our marker', async () => {
    const gh = fakeGitHub({
      comments: [
        [
          comment(4, 'mallory', `${MARKER}\nfake all-green comment`),
          comment(5, 'github-actions[bot]', `see ${MARKER}`)
        ]
      ],
      viewer: 'github-actions[bot]'
    })
    const res = await upsertStickyComment(client(gh.fetch), {
      ...STICKY,
      logger: recordingLogger()
    })
    expect(res.action).toBe('created')
    const w = writes(gh.calls)
    expect(w.map((c) => c.method)).toEqual(['POST'])
  })

  it('does not write when our comment already has this body', async () => {
    const gh = fakeGitHub({
      comments: [[comment(6, 'github-actions[bot]', BODY.replace(/\n/g, '\r\n'))]],
      viewer: 'github-actions[bot]'
    })
    const res = await upsertStickyComment(client(gh.fetch), {
      ...STICKY,
      logger: recordingLogger()
    })
    expect(res).toEqual({
      action: 'unchanged',
      url: 'https://github.com/o/r/pull/5#issuecomment-6'
    })
    expect(writes(gh.calls)).toEqual([])
  })

  it('finds our comment on a later page', async () => {
    const page1 = Array.from({ length: 3 }, (_, i) => comment(10 + i, 'alice', `c${i}`))
    const gh = fakeGitHub({
      comments: [page1, [comment(20, 'github-actions[bot]', `${MARKER}\nold`)]],
      viewer: 'github-actions[bot]'
    })
    const res = await upsertStickyComment(client(gh.fetch), {
      ...STICKY,
      logger: recordingLogger()
    })
    expect(res.action).toBe('updated')
    expect(
      gh.calls.filter((c) => c.method === 'GET' && c.url.includes('/issues/5/comments'))
    ).toHaveLength(2)
  })

  it('falls back to GET /user for a PAT when GraphQL fails', async () => {
    const gh = fakeGitHub({
      comments: [
        [
          comment(7, 'github-actions[bot]', `${MARKER}\nnot ours`),
          comment(8, 'alice', `${MARKER}\nours`)
        ]
      ],
      viewer: null,
      user: 'Alice'
    })
    const res = await upsertStickyComment(client(gh.fetch), {
      ...STICKY,
      logger: recordingLogger()
    })
    expect(res.action).toBe('updated')
    expect(new URL(writes(gh.calls)[0]!.url).pathname).toBe('/repos/o/r/issues/comments/8')
  })

  it('assumes github-actions[bot] when the identity cannot be found', async () => {
    const gh = fakeGitHub({
      comments: [
        [
          comment(7, 'alice', `${MARKER}\nnot ours`),
          comment(9, 'github-actions[bot]', `${MARKER}\nours`)
        ]
      ],
      viewer: null,
      user: null
    })
    const logger = recordingLogger()
    const res = await upsertStickyComment(client(gh.fetch), {
      ...STICKY,
      logger
    })
    expect(res.action).toBe('updated')
    expect(new URL(writes(gh.calls)[0]!.url).pathname).toBe('/repos/o/r/issues/comments/9')
    expect(logger.debugs.some((d) => d.includes('assuming github-actions[bot]'))).toBe(true)
  })

  it('skips with one warning when the token is read-only (fork PR, 403)', async () => {
    const gh = fakeGitHub({
      override: (req) =>
        req.method === 'POST' && req.url.endsWith('/issues/5/comments')
          ? { status: 403, body: { message: 'Resource not accessible by integration' } }
          : undefined
    })
    const logger = recordingLogger()
    const res = await upsertStickyComment(client(gh.fetch), {
      ...STICKY,
      logger
    })
    expect(res.action).toBe('skipped')
    expect(logger.warnings).toHaveLength(1)
    expect(res.warning).toBe(logger.warnings[0])
    expect(res.warning).toContain('HTTP 403: Resource not accessible by integration')
    expect(res.warning).toContain('forks get a read-only GITHUB_TOKEN')
    expect(res.warning).toContain('workflow_run')
    expect(res.warning).toContain('pull_request_target')
    expect(res.warning).not.toContain('ghs_test')
  })

  it('skips when the PR is not visible to the token (404)', async () => {
    const gh = fakeGitHub({ override: () => ({ status: 404, body: { message: 'Not Found' } }) })
    const res = await upsertStickyComment(client(gh.fetch), {
      ...STICKY,
      logger: recordingLogger()
    })
    expect(res.action).toBe('skipped')
    expect(res.warning).toContain('may not list the comments')
  })

  it('rethrows other failures with a clear message after retries', async () => {
    const gh = fakeGitHub({
      override: (req) =>
        req.method === 'POST' && !req.url.endsWith('/graphql')
          ? { status: 500, body: { message: 'Server Error' } }
          : undefined
    })
    const promise = upsertStickyComment(client(gh.fetch), {
      ...STICKY,
      logger: recordingLogger()
    })
    await expect(promise).rejects.toThrow(StickyCommentError)
    await expect(promise).rejects.toThrow(
      'Could not create the comment on o/r#5: HTTP 500: Server Error'
    )
    // One attempt plus the retry plugin's 3 retries.
    expect(writes(gh.calls)).toHaveLength(4)
  })

  it('uses the GHES API URL from GITHUB_API_URL for REST and GraphQL', async () => {
    const base = 'https://ghes.example.com/api/v3'
    const gh = fakeGitHub({
      base,
      comments: [[comment(2, 'github-actions[bot]', `${MARKER}\nold`)]],
      viewer: 'github-actions[bot]'
    })
    const res = await upsertStickyComment(client(gh.fetch, { GITHUB_API_URL: base }), {
      ...STICKY,
      logger: recordingLogger()
    })
    expect(res.action).toBe('updated')
    expect(gh.calls.map((c) => c.url.split('?')[0])).toEqual([
      `${base}/repos/o/r/issues/5/comments`,
      'https://ghes.example.com/api/graphql',
      `${base}/repos/o/r/issues/comments/2`
    ])
    expect(gh.calls.every((c) => !c.url.startsWith(API))).toBe(true)
  })

  it('refuses a body without the marker or over the size limit', async () => {
    const gh = fakeGitHub({})
    const base = {
      owner: 'o',
      repo: 'r',
      issueNumber: 5,
      marker: MARKER,
      logger: recordingLogger()
    }
    await expect(
      upsertStickyComment(client(gh.fetch), { ...base, body: 'no marker' })
    ).rejects.toThrow(TypeError)
    await expect(
      upsertStickyComment(client(gh.fetch), { ...base, body: `${MARKER}${'x'.repeat(70000)}` })
    ).rejects.toThrow(RangeError)
    await expect(
      upsertStickyComment(client(gh.fetch), { ...base, marker: 'x', body: 'x' })
    ).rejects.toThrow(TypeError)
    expect(gh.calls).toEqual([])
  })
})

describe('upsertStickyComment with createIfMissing: false', () => {
  it('without a comment of ours: absent, and nothing is written', async () => {
    const gh = fakeGitHub({
      comments: [[comment(1, 'alice', 'LGTM'), comment(4, 'mallory', `${MARKER}\nfake`)]],
      viewer: 'github-actions[bot]'
    })
    const res = await upsertStickyComment(client(gh.fetch), {
      ...STICKY,
      logger: recordingLogger(),
      createIfMissing: false
    })
    expect(res).toEqual({ action: 'absent' })
    expect(writes(gh.calls)).toEqual([])
  })

  it('without any comment: absent, with only the list request', async () => {
    const gh = fakeGitHub({ comments: [[]] })
    const res = await upsertStickyComment(client(gh.fetch), {
      ...STICKY,
      logger: recordingLogger(),
      createIfMissing: false
    })
    expect(res.action).toBe('absent')
    expect(gh.calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual([
      'GET /repos/o/r/issues/5/comments'
    ])
  })

  it('with a comment of ours: still updated in place', async () => {
    const gh = fakeGitHub({
      comments: [[comment(2, 'github-actions[bot]', `${MARKER}\n### ❌ 1 blocked`)]],
      viewer: 'github-actions[bot]'
    })
    const res = await upsertStickyComment(client(gh.fetch), {
      ...STICKY,
      logger: recordingLogger(),
      createIfMissing: false
    })
    expect(res).toEqual({ action: 'updated', url: 'https://github.com/o/r/pull/5#issuecomment-2' })
    const w = writes(gh.calls)
    expect(w.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual([
      'PATCH /repos/o/r/issues/comments/2'
    ])
    expect(w[0]!.body).toEqual({ body: BODY })
  })

  it('with a comment of ours that already says this: unchanged, no write', async () => {
    const gh = fakeGitHub({
      comments: [[comment(6, 'github-actions[bot]', BODY)]],
      viewer: 'github-actions[bot]'
    })
    const res = await upsertStickyComment(client(gh.fetch), {
      ...STICKY,
      logger: recordingLogger(),
      createIfMissing: false
    })
    expect(res.action).toBe('unchanged')
    expect(writes(gh.calls)).toEqual([])
  })

  it('createIfMissing: true (explicit) creates as the default does', async () => {
    const gh = fakeGitHub({ comments: [[]] })
    const res = await upsertStickyComment(client(gh.fetch), {
      ...STICKY,
      logger: recordingLogger(),
      createIfMissing: true
    })
    expect(res.action).toBe('created')
    expect(writes(gh.calls).map((c) => c.method)).toEqual(['POST'])
  })
})

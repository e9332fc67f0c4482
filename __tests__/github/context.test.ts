import { describe, expect, it } from '@jest/globals'
import { readGitHubContext } from '../../src/github/context.js'

const ENV = {
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_REPOSITORY: 'octo/app',
  GITHUB_EVENT_PATH: '/runner/event.json',
  GITHUB_BASE_REF: 'main',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_API_URL: 'https://api.github.com',
  GITHUB_RUN_ID: '123456',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_WORKSPACE: '/home/runner/work/app/app',
  GITHUB_SHA: 'abc123'
}

const files = (map: Record<string, unknown>) => (path: string) => {
  if (!(path in map)) throw new Error(`ENOENT: no such file ${path}`)
  const v = map[path]
  return typeof v === 'string' ? v : JSON.stringify(v)
}

const prPayload = (headRepo: string) => ({
  pull_request: {
    number: 42,
    base: {
      ref: 'main',
      sha: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      repo: { full_name: 'octo/app' }
    },
    head: {
      ref: 'feature',
      sha: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      repo: { full_name: headRepo }
    }
  }
})

describe('readGitHubContext', () => {
  it('reads a pull_request run', () => {
    const ctx = readGitHubContext(ENV, files({ '/runner/event.json': prPayload('octo/app') }))
    expect(ctx).toEqual({
      eventName: 'pull_request',
      repository: { owner: 'octo', repo: 'app' },
      pullRequest: {
        number: 42,
        baseRef: 'main',
        headRepository: 'octo/app',
        fromFork: false,
        baseSha: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        headSha: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
      },
      mergeGroup: null,
      baseRef: 'main',
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      runId: '123456',
      runAttempt: 2,
      runUrl: 'https://github.com/octo/app/actions/runs/123456',
      workspace: '/home/runner/work/app/app',
      sha: 'abc123',
      warnings: []
    })
  })

  it('marks a fork PR and uses the payload base ref when GITHUB_BASE_REF is missing', () => {
    const env = { ...ENV, GITHUB_BASE_REF: '', GITHUB_EVENT_NAME: 'pull_request_target' }
    const ctx = readGitHubContext(env, files({ '/runner/event.json': prPayload('mallory/app') }))
    expect(ctx.pullRequest).toEqual({
      number: 42,
      baseRef: 'main',
      headRepository: 'mallory/app',
      fromFork: true,
      baseSha: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      headSha: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
    })
    expect(ctx.baseRef).toBe('main')
  })

  it('finds the PR of an issue_comment and a workflow_run', () => {
    const comment = readGitHubContext(
      { ...ENV, GITHUB_EVENT_NAME: 'issue_comment', GITHUB_BASE_REF: '' },
      files({ '/runner/event.json': { issue: { number: 7, pull_request: { url: 'x' } } } })
    )
    expect(comment.pullRequest?.number).toBe(7)
    const plainIssue = readGitHubContext(
      { ...ENV, GITHUB_EVENT_NAME: 'issue_comment' },
      files({ '/runner/event.json': { issue: { number: 8 } } })
    )
    expect(plainIssue.pullRequest).toBeNull()
    const run = readGitHubContext(
      { ...ENV, GITHUB_EVENT_NAME: 'workflow_run', GITHUB_BASE_REF: '' },
      files({
        '/runner/event.json': {
          workflow_run: {
            pull_requests: [{ number: 9, base: { ref: 'release' }, head: { ref: 'x' } }],
            head_repository: { full_name: 'octo/app' },
            repository: { full_name: 'octo/app' }
          }
        }
      })
    )
    expect(run.pullRequest).toEqual({
      number: 9,
      baseRef: 'release',
      headRepository: 'octo/app',
      fromFork: false,
      baseSha: null,
      headSha: null
    })
    expect(run.baseRef).toBe('release')
  })

  it('reads a merge_group run and ignores malformed SHAs', () => {
    const payload = {
      merge_group: {
        base_sha: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        head_sha: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
        base_ref: 'refs/heads/main'
      }
    }
    const ctx = readGitHubContext(
      { ...ENV, GITHUB_EVENT_NAME: 'merge_group', GITHUB_BASE_REF: '' },
      files({ '/runner/event.json': payload })
    )
    expect(ctx.mergeGroup).toEqual({
      baseSha: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      headSha: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      baseRef: 'refs/heads/main'
    })
    expect(ctx.baseRef).toBe('main')
    expect(ctx.pullRequest).toBeNull()
    const bad = readGitHubContext(
      { ...ENV, GITHUB_EVENT_NAME: 'merge_group' },
      files({
        '/runner/event.json': {
          merge_group: { base_sha: 'HEAD~1', head_sha: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' }
        }
      })
    )
    expect(bad.mergeGroup).toBeNull()
    expect(bad.warnings[0]).toContain('unexpected shape')
  })

  it('uses GHES URLs for links', () => {
    const ctx = readGitHubContext(
      { ...ENV, GITHUB_SERVER_URL: 'https://ghe.corp/', GITHUB_API_URL: 'https://ghe.corp/api/v3' },
      files({ '/runner/event.json': prPayload('octo/app') })
    )
    expect(ctx.runUrl).toBe('https://ghe.corp/octo/app/actions/runs/123456')
    expect(ctx.apiUrl).toBe('https://ghe.corp/api/v3')
  })

  it('never throws: missing, unreadable or malformed inputs become nulls and warnings', () => {
    expect(readGitHubContext({}, files({}))).toMatchObject({
      eventName: null,
      repository: null,
      pullRequest: null,
      runUrl: null,
      serverUrl: 'https://github.com',
      warnings: []
    })
    const unreadable = readGitHubContext(ENV, files({}))
    expect(unreadable.pullRequest).toBeNull()
    expect(unreadable.warnings[0]).toContain(
      'Could not read the event payload at /runner/event.json'
    )
    const notJson = readGitHubContext(ENV, files({ '/runner/event.json': '{oops' }))
    expect(notJson.warnings[0]).toContain('is not JSON')
    const badShape = readGitHubContext(
      ENV,
      files({ '/runner/event.json': { pull_request: { number: 'x' } } })
    )
    expect(badShape.pullRequest).toBeNull()
    expect(badShape.warnings[0]).toContain('unexpected shape')
    const badVars = readGitHubContext(
      {
        GITHUB_REPOSITORY: 'a/b/c',
        GITHUB_SERVER_URL: 'javascript:alert(1)',
        GITHUB_RUN_ID: '1; rm'
      },
      files({})
    )
    expect(badVars.repository).toBeNull()
    expect(badVars.serverUrl).toBe('https://github.com')
    expect(badVars.runId).toBeNull()
    expect(badVars.warnings).toHaveLength(3)
  })
})

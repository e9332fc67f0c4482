import { describe, expect, it } from '@jest/globals'
import type { GitHubContext } from '../../src/github/context.js'
import { MAX_CONCURRENT_FILE_READS } from '../../src/github/base-file.js'
import { createOctokit } from '../../src/github/octokit.js'
import { planScope, selector, type ScopePlan } from '../../src/github/pr-scope.js'
import { recordingLogger, stubFetch, type RecordedRequest, type StubAnswer } from './stub-fetch.js'

const BASE_SHA = 'a'.repeat(40)
const HEAD_SHA = 'b'.repeat(40)
const GROUP_BASE = 'c'.repeat(40)
const GROUP_HEAD = 'd'.repeat(40)

/** The Actions context of PR #7 of acme/app (or of another event). */
function context(over: Partial<GitHubContext> = {}): GitHubContext {
  return {
    eventName: 'pull_request',
    repository: { owner: 'acme', repo: 'app' },
    pullRequest: {
      number: 7,
      baseRef: 'main',
      headRepository: 'acme/app',
      fromFork: false,
      baseSha: BASE_SHA,
      headSha: HEAD_SHA
    },
    mergeGroup: null,
    baseRef: 'main',
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    runId: '1',
    runAttempt: 1,
    runUrl: 'https://github.com/acme/app/actions/runs/1',
    workspace: '/tmp/ws',
    sha: HEAD_SHA,
    warnings: [],
    ...over
  }
}

type Listed = { filename: string; status: string; previous_filename?: string }

interface FakeOptions {
  /** The PR's (or compare's) changed files. */
  changed?: Listed[]
  /** Files on the base commit (GROUP_BASE for a merge group). */
  base?: Record<string, string>
  /** Files on the head commit. */
  head?: Record<string, string>
  /** An answer replacing the default for some requests. */
  override?: (req: RecordedRequest, url: URL) => StubAnswer | undefined
}

/** A fake GitHub API for acme/app: PR files, compare, contents at a ref. */
function fakeGitHub(options: FakeOptions = {}) {
  return stubFetch((req) => {
    const url = new URL(req.url)
    const custom = options.override?.(req, url)
    if (custom) return custom
    if (url.pathname === '/repos/acme/app/pulls/7/files') {
      return { body: url.searchParams.get('page') === '2' ? [] : (options.changed ?? []) }
    }
    if (url.pathname === `/repos/acme/app/compare/${GROUP_BASE}...${GROUP_HEAD}`) {
      return { body: { files: options.changed ?? [] } }
    }
    const content = /^\/repos\/acme\/app\/contents\/(.+)$/.exec(url.pathname)
    if (content) {
      const ref = url.searchParams.get('ref')
      const files =
        ref === BASE_SHA || ref === GROUP_BASE
          ? options.base
          : ref === HEAD_SHA || ref === GROUP_HEAD
            ? options.head
            : undefined
      const text = files?.[decodeURIComponent(content[1]!)]
      if (text === undefined) return { status: 404, body: { message: 'Not Found' } }
      return {
        body: {
          type: 'file',
          size: Buffer.byteLength(text),
          encoding: 'base64',
          content: Buffer.from(text).toString('base64')
        }
      }
    }
    return { status: 599, body: { message: `unexpected ${req.method} ${req.url}` } }
  })
}

const client = (fetch: typeof globalThis.fetch) =>
  createOctokit({ token: 'ghs_test', fetch, env: {}, throttle: false, retryAfterBaseMs: 1 })

/** The `contents` reads made: `path@ref`. */
const contentReads = (calls: RecordedRequest[]): string[] =>
  calls.flatMap((c) => {
    const url = new URL(c.url)
    const m = /^\/repos\/acme\/app\/contents\/(.+)$/.exec(url.pathname)
    return m ? [`${decodeURIComponent(m[1]!)}@${url.searchParams.get('ref')}`] : []
  })

function changedPlan(plan: ScopePlan): Extract<ScopePlan, { kind: 'changed' }> {
  if (plan.kind !== 'changed') throw new Error(`expected a changed plan, got ${plan.why}`)
  return plan
}

const ALL = { paths: [] }

describe('planScope: which events gate their changes', () => {
  it.each([['push'], ['workflow_dispatch'], ['schedule']])(
    'a %s run gates the whole workspace without asking GitHub or warning',
    async (eventName) => {
      const gh = fakeGitHub({ changed: [{ filename: '.mcp.json', status: 'modified' }] })
      const logger = recordingLogger()
      const plan = await planScope(context({ eventName }), client(gh.fetch), ALL, logger)
      expect(plan).toEqual({ kind: 'workspace', why: `${eventName} event: every config is gated` })
      expect(gh.calls).toEqual([])
      expect(logger.warnings).toEqual([])
    }
  )

  it('a run without an event name gates the whole workspace', async () => {
    const plan = await planScope(context({ eventName: null }), null, ALL, recordingLogger())
    expect(plan).toEqual({ kind: 'workspace', why: 'this event: every config is gated' })
  })

  it('a merge_group run lists its files with the compare API, base and head of the group', async () => {
    const gh = fakeGitHub({
      changed: [
        { filename: '.mcp.json', status: 'modified' },
        { filename: 'src/app.ts', status: 'modified' }
      ],
      base: { '.mcp.json': '{"mcpServers": {}}' }
    })
    const plan = changedPlan(
      await planScope(
        context({
          eventName: 'merge_group',
          pullRequest: null,
          mergeGroup: { baseSha: GROUP_BASE, headSha: GROUP_HEAD, baseRef: 'refs/heads/main' }
        }),
        client(gh.fetch),
        ALL,
        recordingLogger()
      )
    )
    expect(plan.event).toBe('merge_group')
    expect(plan.baseSha).toBe(GROUP_BASE)
    expect(plan.otherFiles).toBe(1)
    expect(plan.configs).toEqual([
      {
        path: '.mcp.json',
        status: 'modified',
        base: { kind: 'text', path: '.mcp.json', text: '{"mcpServers": {}}' },
        head: { kind: 'workspace' }
      }
    ])
    expect(gh.calls.some((c) => c.url.includes('/pulls/'))).toBe(false)
    expect(contentReads(gh.calls)).toEqual([`.mcp.json@${GROUP_BASE}`])
  })

  it('a pull request that changes no config gates nothing and counts the other files', async () => {
    const gh = fakeGitHub({
      changed: [
        { filename: 'src/app.ts', status: 'modified' },
        { filename: 'node_modules/pkg/.mcp.json', status: 'added' }
      ]
    })
    const plan = changedPlan(await planScope(context(), client(gh.fetch), ALL, recordingLogger()))
    expect(plan).toEqual({
      kind: 'changed',
      event: 'pull_request',
      baseSha: BASE_SHA,
      configs: [],
      otherFiles: 2
    })
  })
})

describe('planScope: fail-safe fallbacks to the whole workspace', () => {
  /** Plan with `logger`, and check the fallback: workspace, exactly one warning saying so. */
  async function expectFallback(
    plan: Promise<ScopePlan>,
    logger: ReturnType<typeof recordingLogger>,
    why: RegExp
  ): Promise<void> {
    const result = await plan
    expect(result.kind).toBe('workspace')
    expect(result.kind === 'workspace' && result.why).toMatch(why)
    expect(logger.warnings).toHaveLength(1)
    expect(logger.warnings[0]).toMatch(why)
    expect(logger.warnings[0]).toContain(
      'gating every MCP config in the workspace instead of the changed ones'
    )
  }

  it('a pull request payload without base and head commits', async () => {
    const gh = fakeGitHub()
    const logger = recordingLogger()
    const pr = { ...context().pullRequest!, baseSha: null }
    await expectFallback(
      planScope(context({ pullRequest: pr }), client(gh.fetch), ALL, logger),
      logger,
      /the pull_request payload has no base and head commits/
    )
    expect(gh.calls).toEqual([])
  })

  it('a run without a repository', async () => {
    const logger = recordingLogger()
    await expectFallback(
      planScope(context({ repository: null }), client(fakeGitHub().fetch), ALL, logger),
      logger,
      /has no base and head commits/
    )
  })

  it('no token', async () => {
    const logger = recordingLogger()
    await expectFallback(
      planScope(context(), null, ALL, logger),
      logger,
      /no token to list the changed files/
    )
  })

  it('the file list API fails', async () => {
    const gh = fakeGitHub({
      override: (_req, url) =>
        url.pathname.endsWith('/files')
          ? { status: 403, body: { message: 'Resource not accessible by integration' } }
          : undefined
    })
    const logger = recordingLogger()
    await expectFallback(
      planScope(context(), client(gh.fetch), ALL, logger),
      logger,
      /could not list the changed files: Resource not accessible by integration/
    )
    expect(logger.warnings[0]).not.toContain('ghs_test')
  })

  it('the file list is malformed', async () => {
    const gh = fakeGitHub({ changed: [{ filename: '.mcp.json', status: 'teleported' }] })
    const logger = recordingLogger()
    await expectFallback(
      planScope(context(), client(gh.fetch), ALL, logger),
      logger,
      /could not list the changed files: pull request file #1 is malformed/
    )
  })

  it('GitHub’s 3,000-file cap is reached', async () => {
    const files = Array.from({ length: 3000 }, (_, i) => ({
      filename: `f${i}.txt`,
      status: 'added'
    }))
    const gh = stubFetch((req) => {
      const page = Number(new URL(req.url).searchParams.get('page') ?? '1')
      const next = `<https://api.github.com/repos/acme/app/pulls/7/files?per_page=100&page=${page + 1}>; rel="next"`
      return {
        body: files.slice((page - 1) * 100, page * 100),
        headers: page < 30 ? { link: next } : undefined
      }
    })
    const logger = recordingLogger()
    await expectFallback(
      planScope(context(), client(gh.fetch), ALL, logger),
      logger,
      /GitHub lists at most 3000 changed files/
    )
  })
})

describe('selector', () => {
  it('matches a config whose path holds a line break or another control character', () => {
    const isConfig = selector({ paths: [] })
    expect(isConfig('x\ny/.mcp.json')).toBe(true)
    expect(isConfig('a\tb/.vscode/mcp.json')).toBe(true)
    expect(isConfig('x\ny/readme.md')).toBe(false)
  })

  it('with no paths, matches the default config names anywhere but node_modules', () => {
    const isConfig = selector({ paths: [] })
    expect(
      [
        '.mcp.json',
        'mcp.json',
        'apps/web/.vscode/mcp.json',
        '.cursor/mcp.json',
        'claude_desktop_config.json',
        '.codex/config.toml',
        'prod.mcp.json'
      ].map(isConfig)
    ).toEqual([true, true, true, true, true, true, true])
    expect(
      [
        'README.md',
        'package.json',
        'config.toml',
        'settings.json',
        'node_modules/pkg/.mcp.json',
        'apps/node_modules/x/mcp.json',
        '.git/mcp.json'
      ].map(isConfig)
    ).toEqual([false, false, false, false, false, false, false])
  })

  it('config-paths directories: only configs under them, ./ and trailing / normalised', () => {
    const isConfig = selector({ paths: ['./configs/', 'tools//'] })
    expect(isConfig('configs/.mcp.json')).toBe(true)
    expect(isConfig('configs/team/.vscode/mcp.json')).toBe(true)
    expect(isConfig('tools/mcp.json')).toBe(true)
    expect(isConfig('.mcp.json')).toBe(false)
    expect(isConfig('configs-old/.mcp.json')).toBe(false)
    expect(isConfig('configs/README.md')).toBe(false)
    expect(isConfig('configs/node_modules/x/mcp.json')).toBe(false)
  })

  it('`.` and `./` mean the whole repository; backslashes read as /', () => {
    for (const root of ['.', './', '.\\']) {
      expect(selector({ paths: [root] })('deep/dir/.mcp.json')).toBe(true)
    }
    expect(selector({ paths: ['configs\\prod'] })('configs/prod/mcp.json')).toBe(true)
  })

  it('a config-paths file is a config whatever its name', () => {
    const isConfig = selector({ paths: ['deploy/agents.json', './ops/servers.yaml'] })
    expect(isConfig('deploy/agents.json')).toBe(true)
    expect(isConfig('ops/servers.yaml')).toBe(true)
    expect(isConfig('deploy/other.json')).toBe(false)
    expect(isConfig('.mcp.json')).toBe(false)
  })

  it('custom patterns replace the default names, relative to each path', () => {
    const isConfig = selector({ paths: ['.'], patterns: ['**/*.mcp.yaml'] })
    expect(isConfig('agents/prod.mcp.yaml')).toBe(true)
    expect(isConfig('.mcp.json')).toBe(false)
    expect(isConfig('node_modules/x/a.mcp.yaml')).toBe(false)
    const under = selector({ paths: ['agents'], patterns: ['*.json'] })
    expect(under('agents/x.json')).toBe(true)
    expect(under('agents/deep/x.json')).toBe(false)
    expect(under('x.json')).toBe(false)
  })
})

describe('planScope: change statuses', () => {
  const BASE_TEXT = '{"mcpServers": {"a": {"command": "npx", "args": ["a@1.0.0"]}}}'

  async function plan(options: FakeOptions, event = 'pull_request') {
    const gh = fakeGitHub(options)
    const logger = recordingLogger()
    const result = changedPlan(
      await planScope(context({ eventName: event }), client(gh.fetch), ALL, logger)
    )
    return { plan: result, gh, logger }
  }

  it('added: no base read, head from the workspace', async () => {
    const { plan: p, gh } = await plan({ changed: [{ filename: '.mcp.json', status: 'added' }] })
    expect(p.configs).toEqual([
      { path: '.mcp.json', status: 'added', base: { kind: 'absent' }, head: { kind: 'workspace' } }
    ])
    expect(contentReads(gh.calls)).toEqual([])
  })

  it('modified: the base text is read at the base commit', async () => {
    const { plan: p, gh } = await plan({
      changed: [{ filename: 'apps/.mcp.json', status: 'modified' }],
      base: { 'apps/.mcp.json': BASE_TEXT }
    })
    expect(p.configs).toEqual([
      {
        path: 'apps/.mcp.json',
        status: 'modified',
        base: { kind: 'text', path: 'apps/.mcp.json', text: BASE_TEXT },
        head: { kind: 'workspace' }
      }
    ])
    expect(contentReads(gh.calls)).toEqual([`apps/.mcp.json@${BASE_SHA}`])
  })

  it('removed: the base text is read, there is no head', async () => {
    const { plan: p } = await plan({
      changed: [{ filename: '.mcp.json', status: 'removed' }],
      base: { '.mcp.json': BASE_TEXT }
    })
    expect(p.configs).toEqual([
      {
        path: '.mcp.json',
        status: 'removed',
        base: { kind: 'text', path: '.mcp.json', text: BASE_TEXT },
        head: { kind: 'none' }
      }
    ])
  })

  it('copied: an added file; its source is not read', async () => {
    const { plan: p, gh } = await plan({
      changed: [{ filename: 'b/.mcp.json', status: 'copied', previous_filename: 'a/.mcp.json' }],
      base: { 'a/.mcp.json': BASE_TEXT }
    })
    expect(p.configs).toEqual([
      {
        path: 'b/.mcp.json',
        status: 'added',
        base: { kind: 'absent' },
        head: { kind: 'workspace' }
      }
    ])
    expect(contentReads(gh.calls)).toEqual([])
  })

  it('renamed config → config: modified, the base read at the previous path', async () => {
    const { plan: p, gh } = await plan({
      changed: [{ filename: 'new/mcp.json', status: 'renamed', previous_filename: 'old/mcp.json' }],
      base: { 'old/mcp.json': BASE_TEXT }
    })
    expect(p.configs).toEqual([
      {
        path: 'new/mcp.json',
        status: 'modified',
        base: { kind: 'text', path: 'old/mcp.json', text: BASE_TEXT },
        head: { kind: 'workspace' }
      }
    ])
    expect(contentReads(gh.calls)).toEqual([`old/mcp.json@${BASE_SHA}`])
  })

  it('renamed config → another name: removed at the old path', async () => {
    const { plan: p } = await plan({
      changed: [
        { filename: 'docs/example.txt', status: 'renamed', previous_filename: '.mcp.json' }
      ],
      base: { '.mcp.json': BASE_TEXT }
    })
    expect(p.configs).toEqual([
      {
        path: '.mcp.json',
        status: 'removed',
        base: { kind: 'text', path: '.mcp.json', text: BASE_TEXT },
        head: { kind: 'none' }
      }
    ])
    expect(p.otherFiles).toBe(0)
  })

  it('renamed another name → config: added, no base read', async () => {
    const { plan: p, gh } = await plan({
      changed: [{ filename: '.mcp.json', status: 'renamed', previous_filename: 'draft.json' }],
      base: { 'draft.json': BASE_TEXT }
    })
    expect(p.configs).toEqual([
      { path: '.mcp.json', status: 'added', base: { kind: 'absent' }, head: { kind: 'workspace' } }
    ])
    expect(contentReads(gh.calls)).toEqual([])
  })

  it('a base file missing on the base commit (404) is absent, without a warning', async () => {
    const { plan: p, logger } = await plan({
      changed: [{ filename: '.mcp.json', status: 'modified' }],
      base: {}
    })
    expect(p.configs[0]!.base).toEqual({ kind: 'absent' })
    expect(logger.warnings).toEqual([])
  })

  it('a base read that fails is unknown (never absent), with one warning', async () => {
    const { plan: p, logger } = await plan({
      changed: [
        { filename: '.mcp.json', status: 'modified' },
        { filename: 'b/mcp.json', status: 'removed' }
      ],
      base: { '.mcp.json': BASE_TEXT, 'b/mcp.json': BASE_TEXT },
      override: (_req, url) =>
        url.pathname.includes('/contents/')
          ? { status: 403, body: { message: 'Resource not accessible by integration' } }
          : undefined
    })
    expect(p.configs.map((c) => [c.path, c.status, c.base.kind])).toEqual([
      ['.mcp.json', 'modified', 'unknown'],
      ['b/mcp.json', 'removed', 'unknown']
    ])
    const base = p.configs[0]!.base
    expect(base.kind === 'unknown' && base.why).toMatch(
      /could not read \.mcp\.json at aaaaaaaaaaaa \(HTTP 403\): Resource not accessible/
    )
    expect(logger.warnings).toHaveLength(2)
    expect(logger.warnings[0]).toMatch(/^could not read \.mcp\.json on the base commit: /)
  })

  it('a base path that is a directory is unknown, not absent', async () => {
    const { plan: p } = await plan({
      changed: [{ filename: '.mcp.json', status: 'modified' }],
      override: (_req, url) =>
        url.pathname.includes('/contents/') ? { body: [{ type: 'file', name: 'x' }] } : undefined
    })
    expect(p.configs[0]!.base).toEqual({
      kind: 'unknown',
      why: `.mcp.json at ${BASE_SHA.slice(0, 12)} is not a file`
    })
  })
})

describe('planScope: reading the base and head files', () => {
  /**
   * `inner` with every contents read (`path@ref`) answered after `ms(read)` milliseconds: records
   * the reads in the order they start and the most in flight at once.
   */
  function slowContents(inner: typeof fetch, ms: (read: string) => number) {
    const started: string[] = []
    let inFlight = 0
    let most = 0
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input))
      const m = /^\/repos\/acme\/app\/contents\/(.+)$/.exec(url.pathname)
      if (!m) return inner(input, init)
      const read = `${decodeURIComponent(m[1]!)}@${url.searchParams.get('ref')}`
      started.push(read)
      inFlight += 1
      most = Math.max(most, inFlight)
      try {
        await new Promise((resolve) => setTimeout(resolve, ms(read)))
        return await inner(input, init)
      } finally {
        inFlight -= 1
      }
    }
    return { fetch, started, most: () => most }
  }

  const names = Array.from({ length: 10 }, (_, i) => `d${i}/mcp.json`)

  it('reads several at once, at most MAX_CONCURRENT_FILE_READS, started and listed in file order', async () => {
    const gh = fakeGitHub({
      changed: names.map((filename) => ({ filename, status: 'modified' })),
      base: Object.fromEntries(names.map((n) => [n, `{"mcpServers": {"${n}": {"url": "x"}}}`]))
    })
    const slow = slowContents(gh.fetch, () => 20)
    const plan = changedPlan(await planScope(context(), client(slow.fetch), ALL, recordingLogger()))
    expect(MAX_CONCURRENT_FILE_READS).toBeGreaterThan(1)
    expect(slow.most()).toBe(MAX_CONCURRENT_FILE_READS)
    expect(slow.started).toEqual(names.map((n) => `${n}@${BASE_SHA}`))
    expect(plan.configs.map((c) => [c.path, c.base])).toEqual(
      names.map((n) => [
        n,
        { kind: 'text', path: n, text: `{"mcpServers": {"${n}": {"url": "x"}}}` }
      ])
    )
  })

  it('on pull_request_target reads a file base first, then head, and logs failures in file order', async () => {
    const gh = fakeGitHub({
      changed: names.slice(0, 3).map((filename) => ({ filename, status: 'modified' })),
      head: Object.fromEntries(names.slice(0, 3).map((n) => [n, '{}'])),
      // Every base read fails (403: not retried); the first file's answers last.
      override: (_req, url) =>
        url.searchParams.get('ref') === BASE_SHA
          ? { status: 403, body: { message: 'Forbidden' } }
          : undefined
    })
    const slow = slowContents(gh.fetch, (read) => (read === `${names[0]}@${BASE_SHA}` ? 60 : 5))
    const logger = recordingLogger()
    const plan = changedPlan(
      await planScope(
        context({ eventName: 'pull_request_target' }),
        client(slow.fetch),
        ALL,
        logger
      )
    )
    expect(slow.started.slice(0, 4)).toEqual([
      `${names[0]}@${BASE_SHA}`,
      `${names[0]}@${HEAD_SHA}`,
      `${names[1]}@${BASE_SHA}`,
      `${names[1]}@${HEAD_SHA}`
    ])
    expect(plan.configs.map((c) => [c.base.kind, c.head.kind])).toEqual([
      ['unknown', 'text'],
      ['unknown', 'text'],
      ['unknown', 'text']
    ])
    expect(logger.warnings.map((w) => w.split(' on the base commit')[0])).toEqual(
      names.slice(0, 3).map((n) => `could not read ${n}`)
    )
  })
})

describe('planScope on pull_request_target: the head comes from the API', () => {
  const HEAD_TEXT = '{"mcpServers": {"b": {"command": "npx", "args": ["b@2.0.0"]}}}'

  async function targetPlan(options: FakeOptions) {
    const gh = fakeGitHub(options)
    const plan = changedPlan(
      await planScope(
        context({ eventName: 'pull_request_target' }),
        client(gh.fetch),
        ALL,
        recordingLogger()
      )
    )
    return { plan, gh }
  }

  it('reads each added or modified config at the head commit', async () => {
    const { plan, gh } = await targetPlan({
      changed: [
        { filename: '.mcp.json', status: 'modified' },
        { filename: 'new/mcp.json', status: 'added' },
        { filename: 'gone/mcp.json', status: 'removed' }
      ],
      base: { '.mcp.json': '{}', 'gone/mcp.json': '{}' },
      head: { '.mcp.json': HEAD_TEXT, 'new/mcp.json': HEAD_TEXT }
    })
    expect(plan.configs.map((c) => [c.path, c.status, c.head])).toEqual([
      ['.mcp.json', 'modified', { kind: 'text', text: HEAD_TEXT }],
      ['new/mcp.json', 'added', { kind: 'text', text: HEAD_TEXT }],
      ['gone/mcp.json', 'removed', { kind: 'none' }]
    ])
    expect(contentReads(gh.calls).filter((r) => r.endsWith(HEAD_SHA))).toEqual([
      `.mcp.json@${HEAD_SHA}`,
      `new/mcp.json@${HEAD_SHA}`
    ])
  })

  it('a head file missing at the head commit (404) is unreadable, never absent', async () => {
    const { plan } = await targetPlan({
      changed: [{ filename: '.mcp.json', status: 'added' }],
      head: {}
    })
    expect(plan.configs[0]!.head).toEqual({
      kind: 'unreadable',
      why: 'the file is not on the head commit'
    })
  })

  it('a head read that fails is unreadable with the reason', async () => {
    const { plan } = await targetPlan({
      changed: [{ filename: '.mcp.json', status: 'added' }],
      override: (_req, url) =>
        url.searchParams.get('ref') === HEAD_SHA
          ? { status: 403, body: { message: 'Forbidden' } }
          : undefined
    })
    const head = plan.configs[0]!.head
    expect(head.kind).toBe('unreadable')
    expect(head.kind === 'unreadable' && head.why).toMatch(/\(HTTP 403\): Forbidden/)
  })

  it('on pull_request the head is never read through the API', async () => {
    const gh = fakeGitHub({
      changed: [{ filename: '.mcp.json', status: 'added' }],
      head: { '.mcp.json': HEAD_TEXT }
    })
    const plan = changedPlan(await planScope(context(), client(gh.fetch), ALL, recordingLogger()))
    expect(plan.configs[0]!.head).toEqual({ kind: 'workspace' })
    expect(contentReads(gh.calls)).toEqual([])
  })
})

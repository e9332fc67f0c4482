/**
 * Issue 5 acceptance: drives the action's `run()` on pull request events against a fake GitHub
 * API (changed files, base-commit contents, comments) and a nock'd npm registry / grading
 * service: change classes and bumps in the table, `scope: changed`, a fork PR with a read-only
 * token, the comment turning "resolved", a 300-server config within GitHub's limits, a GHES API
 * URL, and a warm grade cache that makes no registry call.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest
} from '@jest/globals'
import nock from 'nock'
import type { CacheService } from '../src/github/actions-cache.js'
import type { CreateOctokitOptions } from '../src/github/octokit.js'
import { stubFetch, type RecordedRequest, type StubAnswer } from './github/stub-fetch.js'

const actual = await import('@actions/core')
const error = jest.fn<typeof actual.error>()
const warning = jest.fn<typeof actual.warning>()
const notice = jest.fn<typeof actual.notice>()
const setFailed = jest.fn<typeof actual.setFailed>()
const setOutput = jest.fn<typeof actual.setOutput>()
jest.unstable_mockModule('@actions/core', () => ({
  ...actual,
  error,
  warning,
  notice,
  setFailed,
  setOutput,
  info: jest.fn(),
  debug: jest.fn()
}))
const { run } = await import('../src/main.js')
const { createOctokit } = await import('../src/github/octokit.js')

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
const fixture = (p: string): Buffer => readFileSync(path.join(fixtures, p))
const REGISTRY = 'https://registry.npmjs.org'
const GRADER = 'https://grader.example'
const BASE_SHA = 'a'.repeat(40)
const HEAD_SHA = 'b'.repeat(40)
const FS = '@modelcontextprotocol/server-filesystem'

/** A Claude Code config with the given servers (name → launch). */
function config(servers: Record<string, { command: string; args: string[] }>): string {
  return `${JSON.stringify({ mcpServers: servers }, null, 2)}\n`
}
const npx = (spec: string) => ({ command: 'npx', args: ['-y', spec] })

let workspace: string
let savedEnv: NodeJS.ProcessEnv

interface FakeGitHubOptions {
  /** Files on the base commit. */
  base?: Record<string, string>
  /** Files on the head commit (read on pull_request_target). */
  head?: Record<string, string>
  /** The PR's changed files as GitHub lists them. */
  changed?: { filename: string; status: string; previous_filename?: string }[]
  /** Status for comment writes (403: a fork PR's read-only token). */
  commentWriteStatus?: number
  /** API path prefix (`/api/v3` on GHES). */
  prefix?: string
  /** The PR's current head SHA (GET pulls/7); 404 when not given. */
  currentHead?: string
}

/** A fake GitHub REST/GraphQL API for one PR (#7 of acme/app). */
function fakeGitHub(options: FakeGitHubOptions = {}) {
  const prefix = options.prefix ?? ''
  const comments: { id: number; body: string; user: { login: string; type: string } }[] = []
  let nextId = 100
  const stub = stubFetch((req: RecordedRequest): StubAnswer => {
    const url = new URL(req.url)
    if (!url.pathname.startsWith(prefix)) return { status: 404, body: { message: 'wrong host' } }
    const route = url.pathname.slice(prefix.length)
    if (route === '/graphql') return { body: { data: { viewer: { login: 'github-actions' } } } }
    if (route === '/repos/acme/app/pulls/7' && req.method === 'GET' && options.currentHead) {
      return { body: { number: 7, head: { sha: options.currentHead } } }
    }
    if (route === '/repos/acme/app/pulls/7/files' && req.method === 'GET') {
      return { body: url.searchParams.get('page') === '2' ? [] : (options.changed ?? []) }
    }
    const content = /^\/repos\/acme\/app\/contents\/(.+)$/.exec(route)
    if (content && req.method === 'GET') {
      const file = decodeURIComponent(content[1]!)
      const ref = url.searchParams.get('ref')
      const files =
        ref === BASE_SHA || ref === 'main' ? options.base : ref === HEAD_SHA ? options.head : {}
      const text = files?.[file]
      if (text === undefined) return { status: 404, body: { message: 'Not Found' } }
      return {
        body: {
          type: 'file',
          path: file,
          size: Buffer.byteLength(text),
          encoding: 'base64',
          content: Buffer.from(text).toString('base64')
        }
      }
    }
    if (route === '/repos/acme/app/issues/7/comments' && req.method === 'GET') {
      return { body: comments }
    }
    if (options.commentWriteStatus && (req.method === 'POST' || req.method === 'PATCH')) {
      return {
        status: options.commentWriteStatus,
        body: { message: 'Resource not accessible by integration' }
      }
    }
    if (route === '/repos/acme/app/issues/7/comments' && req.method === 'POST') {
      const body = (req.body as { body: string }).body
      const created = { id: nextId++, body, user: { login: 'github-actions[bot]', type: 'Bot' } }
      comments.push(created)
      return { status: 201, body: { ...created, html_url: `https://gh/c${created.id}` } }
    }
    const match = /^\/repos\/acme\/app\/issues\/comments\/(\d+)$/.exec(route)
    if (match && req.method === 'PATCH') {
      const target = comments.find((c) => c.id === Number(match[1]))
      if (target) target.body = (req.body as { body: string }).body
      return { body: { ...target, html_url: `https://gh/c${match[1]}` } }
    }
    return { status: 404, body: { message: 'Not Found' } }
  })
  const factory = (o: CreateOctokitOptions) =>
    createOctokit({ ...o, fetch: stub.fetch, throttle: false })
  return { ...stub, comments, factory }
}

/** The PR event payload; `fork` makes the head another repository. */
function writeEvent(fork = false): void {
  const event = path.join(workspace, 'event.json')
  writeFileSync(
    event,
    JSON.stringify({
      pull_request: {
        number: 7,
        base: { ref: 'main', sha: BASE_SHA, repo: { full_name: 'acme/app' } },
        head: {
          ref: 'change',
          sha: HEAD_SHA,
          repo: { full_name: fork ? 'mallory/app' : 'acme/app' }
        }
      }
    })
  )
  process.env.GITHUB_EVENT_PATH = event
}

/** The grading service answers `grades[purl]` (overall letter) and 404 for anything else. */
function serveGrades(grades: Record<string, string>): void {
  const scope = nock(GRADER).persist()
  for (const [purl, letter] of Object.entries(grades)) {
    const score = { A: 95, B: 82, C: 65, D: 45, F: 20 }[letter] ?? 50
    scope
      .get('/api/grade')
      .query({ server: purl })
      .reply(200, {
        overall_grade: letter,
        overall_score: score,
        sub_scores: { security: { grade: letter, score } }
      })
  }
}

function servePackuments(): void {
  nock(REGISTRY)
    .persist()
    .get('/@modelcontextprotocol%2fserver-filesystem')
    .reply(200, fixture('packuments/server-filesystem.json'))
    .get('/tavily-mcp')
    .reply(200, fixture('packuments/tavily-mcp.json'))
}

const summaryText = (): string => readFileSync(path.join(workspace, 'summary.md'), 'utf8')
const rowOf = (md: string, name: string): string =>
  md.split('\n').find((l) => l.startsWith('|') && l.includes(`\`${name}\``)) ?? ''
const output = (name: string): string =>
  String(setOutput.mock.calls.find((c) => c[0] === name)?.[1] ?? '')

beforeAll(() => {
  nock.disableNetConnect()
})
afterAll(() => {
  nock.enableNetConnect()
})

beforeEach(() => {
  jest.clearAllMocks()
  savedEnv = { ...process.env }
  workspace = mkdtempSync(path.join(os.tmpdir(), 'gate-pr-'))
  writeFileSync(path.join(workspace, 'summary.md'), '')
  ;(actual.summary as unknown as { _filePath?: string })._filePath = undefined
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('INPUT_')) delete process.env[key]
  }
  Object.assign(process.env, {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_WORKSPACE: workspace,
    GITHUB_BASE_REF: 'main',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_STEP_SUMMARY: path.join(workspace, 'summary.md'),
    RUNNER_TEMP: path.join(workspace, 'tmp'),
    INPUT_ENVIRONMENT: 'production',
    'INPUT_GITHUB-TOKEN': 'ghs_test_token_not_real',
    INPUT_RETRIES: '0',
    'INPUT_ADVISORY-URL': 'off',
    INPUT_CACHE: 'false'
  })
  mkdirSync(path.join(workspace, 'tmp'))
  writeEvent()
})

afterEach(() => {
  process.env = savedEnv
  nock.cleanAll()
  rmSync(workspace, { recursive: true, force: true })
})

describe('run() on a pull request: what the change did', () => {
  it('gates only the changed config, shows added/changed/unchanged/removed, the bump and a grade that went down', async () => {
    const base = config({
      files: npx(`${FS}@2025.8.21`),
      search: npx('tavily-mcp@0.2.22'),
      old: npx('tavily-mcp@0.2.22')
    })
    const head = config({
      files: npx(`${FS}@2026.8.31`),
      search: npx('tavily-mcp@0.2.22'),
      added: { command: 'npx', args: ['-y', 'tavily-mcp@0.2.22', '--verbose'] }
    })
    writeFileSync(path.join(workspace, '.mcp.json'), head)
    // Another config in the workspace that the PR does not touch: not gated.
    mkdirSync(path.join(workspace, 'other'))
    writeFileSync(path.join(workspace, 'other', '.mcp.json'), config({ x: npx('tavily-mcp') }))
    const github = fakeGitHub({
      base: { '.mcp.json': base },
      changed: [
        { filename: '.mcp.json', status: 'modified' },
        { filename: 'README.md', status: 'modified' }
      ]
    })
    servePackuments()
    serveGrades({
      [`pkg:npm/%40modelcontextprotocol/server-filesystem@2025.8.21`]: 'A',
      [`pkg:npm/%40modelcontextprotocol/server-filesystem@2026.8.31`]: 'C',
      'pkg:npm/tavily-mcp@0.2.22': 'A'
    })
    Object.assign(process.env, { INPUT_GRADER: 'api', 'INPUT_GRADER-URL': GRADER })

    await run({ octokitFactory: github.factory })

    const md = summaryText()
    expect(md).toMatch(/\|\s*Server\s*\|\s*Change\s*\|/)
    expect(rowOf(md, 'files')).toContain('changed: 2025.8.21 → 2026.8.31')
    expect(rowOf(md, 'files')).toContain('grade down')
    expect(rowOf(md, 'search')).toContain('| unchanged |')
    expect(rowOf(md, 'added')).toContain('| added |')
    expect(md).toContain('1 added, 1 changed, 1 unchanged, 1 removed')
    expect(md).toMatch(/Removed servers[\s\S]*`old`/)
    expect(md).toContain('grade went down against the base: A (95) → C (65)')
    expect(md).not.toContain('other/.mcp.json')

    const report = JSON.parse(readFileSync(output('report-path'), 'utf8')) as {
      servers: { name: string; change: { kind: string; versionBump: string | null } }[]
      change: { removed: { name: string }[] }
    }
    expect(report.servers.map((s) => [s.name, s.change.kind, s.change.versionBump])).toEqual([
      ['files', 'changed', '2025.8.21 → 2026.8.31'],
      ['search', 'unchanged', null],
      ['added', 'added', null]
    ])
    expect(report.change.removed.map((r) => r.name)).toEqual(['old'])
    // Grade C is below production's B: the changed server blocks.
    expect(setFailed).toHaveBeenCalledTimes(1)
    const comment = github.comments[0]?.body ?? ''
    expect(comment).toContain('changed: 2025.8.21 → 2026.8.31')
    expect(comment).toContain('**This pull request:**')
  })

  it('scope: changed reports a blocked unchanged server without failing the check', async () => {
    const base = config({ search: npx('tavily-mcp') })
    const head = config({ search: npx('tavily-mcp'), files: npx(`${FS}@2026.8.31`) })
    writeFileSync(path.join(workspace, '.mcp.json'), head)
    const github = fakeGitHub({
      base: { '.mcp.json': base },
      changed: [{ filename: '.mcp.json', status: 'modified' }]
    })
    servePackuments()
    serveGrades({
      'pkg:npm/%40modelcontextprotocol/server-filesystem@2026.8.31': 'A',
      'pkg:npm/tavily-mcp@0.2.22': 'A'
    })
    Object.assign(process.env, {
      INPUT_GRADER: 'api',
      'INPUT_GRADER-URL': GRADER,
      INPUT_SCOPE: 'changed'
    })

    await run({ octokitFactory: github.factory })

    expect(setFailed).not.toHaveBeenCalled()
    expect(output('verdict')).toBe('warn')
    const md = summaryText()
    expect(rowOf(md, 'search')).toContain('unchanged, not blocking')
    expect(md).toContain('UNPINNED')
    // Warned, not blocked: a warning annotation, no error annotation.
    expect(error).not.toHaveBeenCalled()
    expect(warning.mock.calls.some((c) => String(c[0]).includes('not blocking'))).toBe(true)
    // comment: on-failure and the run passed: no comment was created.
    expect(github.comments).toHaveLength(0)

    // The same config with scope: all blocks on the unchanged unpinned server.
    jest.clearAllMocks()
    ;(actual.summary as unknown as { _filePath?: string })._filePath = undefined
    process.env.INPUT_SCOPE = 'all'
    await run({ octokitFactory: github.factory })
    expect(setFailed).toHaveBeenCalledTimes(1)
  })

  it('a PR that changes no config gates nothing and passes', async () => {
    writeFileSync(path.join(workspace, '.mcp.json'), config({ search: npx('tavily-mcp') }))
    const github = fakeGitHub({ changed: [{ filename: 'src/app.ts', status: 'modified' }] })
    await run({ octokitFactory: github.factory })
    expect(setFailed).not.toHaveBeenCalled()
    expect(output('verdict')).toBe('pass')
    expect(summaryText()).toContain('This change touches no MCP client config file.')
  })
})

describe('run() on a pull request: what cannot slip through', () => {
  it('a config moved into a stricter environment is changed, so scope: changed still blocks it', async () => {
    const policy = "rules:\n  - environment: development\n    paths: ['deploy/dev/**']\n"
    const text = config({ search: npx('tavily-mcp') })
    mkdirSync(path.join(workspace, 'deploy', 'prod'), { recursive: true })
    writeFileSync(path.join(workspace, 'deploy', 'prod', '.mcp.json'), text)
    const github = fakeGitHub({
      base: { 'deploy/dev/.mcp.json': text, '.github/mcp-policy.yml': policy },
      changed: [
        {
          filename: 'deploy/prod/.mcp.json',
          status: 'renamed',
          previous_filename: 'deploy/dev/.mcp.json'
        }
      ]
    })
    servePackuments()
    serveGrades({ 'pkg:npm/tavily-mcp@0.2.22': 'A' })
    Object.assign(process.env, {
      INPUT_GRADER: 'api',
      'INPUT_GRADER-URL': GRADER,
      INPUT_SCOPE: 'changed',
      INPUT_ENVIRONMENT: ''
    })
    await run({ octokitFactory: github.factory })
    expect(rowOf(summaryText(), 'search')).toContain('changed: moved to another file')
    expect(setFailed).toHaveBeenCalledTimes(1)
    expect(String(setFailed.mock.calls[0]![0])).toContain('UNPINNED')
  })

  it('gates a config that is a symbolic link to a changed file, as new', async () => {
    writeFileSync(path.join(workspace, 'servers.json'), config({ linked: npx('tavily-mcp') }))
    symlinkSync('servers.json', path.join(workspace, '.mcp.json'))
    const github = fakeGitHub({ changed: [{ filename: 'servers.json', status: 'modified' }] })
    servePackuments()
    serveGrades({ 'pkg:npm/tavily-mcp@0.2.22': 'A' })
    Object.assign(process.env, { INPUT_GRADER: 'api', 'INPUT_GRADER-URL': GRADER })
    await run({ octokitFactory: github.factory })
    expect(rowOf(summaryText(), 'linked')).toContain('| added |')
    expect(setFailed).toHaveBeenCalledTimes(1)
  })

  it('pull_request_target fails rather than gate the base checkout when the files cannot be listed', async () => {
    process.env.GITHUB_EVENT_NAME = 'pull_request_target'
    writeEvent(true)
    writeFileSync(path.join(workspace, '.mcp.json'), config({}))
    const many = Array.from({ length: 3000 }, (_, i) => ({
      filename: `junk/${i}.txt`,
      status: 'added'
    }))
    const github = fakeGitHub({ changed: many })
    await run({ octokitFactory: github.factory })
    expect(setFailed).toHaveBeenCalledTimes(1)
    expect(String(setFailed.mock.calls[0]![0])).toContain('workspace is the base branch')

    jest.clearAllMocks()
    process.env.INPUT_FILES = 'all'
    await run({ octokitFactory: github.factory })
    expect(String(setFailed.mock.calls[0]![0])).toContain('files: all cannot be used')
  })
})

describe('run() comment lifecycle', () => {
  it('on-failure: comments on the failing run, then updates the same comment to resolved', async () => {
    writeFileSync(path.join(workspace, '.mcp.json'), config({ search: npx('tavily-mcp') }))
    const github = fakeGitHub({ changed: [{ filename: '.mcp.json', status: 'added' }] })
    servePackuments()
    serveGrades({ 'pkg:npm/tavily-mcp@0.2.22': 'A' })
    Object.assign(process.env, { INPUT_GRADER: 'api', 'INPUT_GRADER-URL': GRADER })

    await run({ octokitFactory: github.factory })
    expect(setFailed).toHaveBeenCalledTimes(1)
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]!.body).toContain('❌')
    expect(github.comments[0]!.body).toContain(
      '[Job summary](https://github.com/acme/app/actions/runs/4242)'
    )

    // The author pins the version and pushes again.
    jest.clearAllMocks()
    ;(actual.summary as unknown as { _filePath?: string })._filePath = undefined
    writeFileSync(path.join(workspace, '.mcp.json'), config({ search: npx('tavily-mcp@0.2.22') }))
    await run({ octokitFactory: github.factory })
    expect(setFailed).not.toHaveBeenCalled()
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]!.body).toContain(
      '### ✅ MCP grade gate: resolved, the 1 server passes'
    )
    expect(github.calls.filter((c) => c.method === 'PATCH')).toHaveLength(1)
  })

  it('an outdated run (the PR has a newer commit) leaves the comment to the newer run', async () => {
    writeFileSync(
      path.join(workspace, '.mcp.json'),
      config({ local: { command: 'node', args: ['s.js'] } })
    )
    const github = fakeGitHub({
      changed: [{ filename: '.mcp.json', status: 'added' }],
      currentHead: 'c'.repeat(40)
    })
    await run({ octokitFactory: github.factory })
    expect(setFailed).toHaveBeenCalledTimes(1)
    expect(github.comments).toHaveLength(0)
    expect(github.calls.some((c) => c.url.includes('/comments'))).toBe(false)
  })

  it('keeps separate comments per comment-id, and never comments with comment: never', async () => {
    writeFileSync(
      path.join(workspace, '.mcp.json'),
      config({ local: { command: 'node', args: ['s.js'] } })
    )
    const github = fakeGitHub({ changed: [{ filename: '.mcp.json', status: 'added' }] })
    process.env['INPUT_COMMENT-ID'] = 'production'
    await run({ octokitFactory: github.factory })
    process.env['INPUT_COMMENT-ID'] = 'staging'
    await run({ octokitFactory: github.factory })
    expect(github.comments.map((c) => c.body.split('\n')[0])).toEqual([
      '<!-- mcp-grade-gate:production -->',
      '<!-- mcp-grade-gate:staging -->'
    ])
    process.env['INPUT_COMMENT-ID'] = 'never'
    process.env.INPUT_COMMENT = 'never'
    await run({ octokitFactory: github.factory })
    expect(github.comments).toHaveLength(2)
  })
})

describe('run() on workflow_run', () => {
  it('does not comment: the checkout is not the pull request', async () => {
    process.env.GITHUB_EVENT_NAME = 'workflow_run'
    const event = path.join(workspace, 'event.json')
    writeFileSync(
      event,
      JSON.stringify({
        workflow_run: {
          pull_requests: [{ number: 7, base: { ref: 'main' }, head: { ref: 'x' } }],
          head_repository: { full_name: 'acme/app' },
          repository: { full_name: 'acme/app' }
        }
      })
    )
    writeFileSync(
      path.join(workspace, '.mcp.json'),
      config({ local: { command: 'node', args: ['s.js'] } })
    )
    const github = fakeGitHub()
    await run({ octokitFactory: github.factory })
    expect(setFailed).toHaveBeenCalledTimes(1)
    expect(github.calls.filter((c) => c.url.includes('/comments'))).toEqual([])
  })
})

describe('run() on a fork pull request', () => {
  it('skips the comment with one warning; summary, annotations and SARIF still produced', async () => {
    writeEvent(true)
    writeFileSync(
      path.join(workspace, '.mcp.json'),
      config({ local: { command: 'node', args: ['s.js'] } })
    )
    const github = fakeGitHub({
      changed: [{ filename: '.mcp.json', status: 'added' }],
      commentWriteStatus: 403
    })
    await run({ octokitFactory: github.factory })

    const skipped = warning.mock.calls.filter((c) =>
      String(c[0]).includes('Skipped the PR comment')
    )
    expect(skipped).toHaveLength(1)
    expect(String(skipped[0]![0])).toContain('workflow_run')
    expect(String(skipped[0]![0])).toContain('pull_request_target')
    // The job result comes from the policy alone: the local server is ungraded, so blocked.
    expect(setFailed).toHaveBeenCalledTimes(1)
    expect(String(setFailed.mock.calls[0]![0])).toContain('UNGRADED')
    expect(summaryText()).toContain('`local`')
    expect(error.mock.calls.some((c) => String(c[1]?.file) === '.mcp.json')).toBe(true)
    const sarif = JSON.parse(readFileSync(output('sarif-path'), 'utf8')) as {
      version: string
      runs: { results: { ruleId: string }[] }[]
    }
    expect(sarif.version).toBe('2.1.0')
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toContain('UNGRADED')
  })

  it('pull_request_target reads the head config through the API, never from the checkout', async () => {
    process.env.GITHUB_EVENT_NAME = 'pull_request_target'
    writeEvent(true)
    // The checkout is the base branch: its config is not what the PR proposes.
    writeFileSync(path.join(workspace, '.mcp.json'), config({}))
    const github = fakeGitHub({
      head: { '.mcp.json': config({ proposed: { command: 'node', args: ['evil.js'] } }) },
      changed: [{ filename: '.mcp.json', status: 'added' }]
    })
    await run({ octokitFactory: github.factory })
    expect(rowOf(summaryText(), 'proposed')).toContain('added')
    const headReads = github.calls.filter((c) => c.url.includes(`ref=${HEAD_SHA}`))
    expect(headReads).toHaveLength(1)
    expect(existsSync(path.join(workspace, 'evil.js'))).toBe(false)

    // A grader command inside the workspace is refused on pull_request_target.
    jest.clearAllMocks()
    Object.assign(process.env, {
      INPUT_GRADER: 'command',
      'INPUT_GRADER-COMMAND': JSON.stringify([process.execPath, 'grade.mjs'])
    })
    await run({ octokitFactory: github.factory })
    expect(String(setFailed.mock.calls[0]![0])).toContain('pull_request_target')
  })
})

describe('run() limits and GHES', () => {
  it('keeps a 300-server report within the comment, summary and annotation limits', async () => {
    const servers: Record<string, { command: string; args: string[] }> = {}
    for (let i = 0; i < 300; i++) {
      servers[`local-server-with-a-rather-long-descriptive-name-${i}`] = {
        command: 'node',
        args: [`./servers/very/deep/path/to/the/server/number/${i}/index.js`, '--flag', 'value']
      }
    }
    writeFileSync(path.join(workspace, '.mcp.json'), config(servers))
    const github = fakeGitHub({ changed: [{ filename: '.mcp.json', status: 'added' }] })
    process.env['INPUT_UPLOAD-REPORT'] = 'true'
    const uploads: string[] = []
    await run({
      octokitFactory: github.factory,
      uploadArtifact: async (name) => {
        uploads.push(name)
        return { id: 77 }
      }
    })

    expect(setFailed).toHaveBeenCalledTimes(1)
    const md = summaryText()
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(1024 * 1024)
    expect(md).toContain('local-server-with-a-rather-long-descriptive-name-299')
    const body = github.comments[0]!.body
    expect(body.length).toBeLessThanOrEqual(65536)
    expect(body).toContain('Left out to stay within')
    expect(body).toContain('https://github.com/acme/app/actions/runs/4242/artifacts/77')
    expect(uploads).toEqual(['mcp-grade-gate-report'])
    // At most 10 error annotations, the last one summarising the rest.
    expect(error.mock.calls.length).toBeLessThanOrEqual(10)
    expect(String(error.mock.calls.at(-1)![0])).toContain('291 more')
    const report = JSON.parse(readFileSync(output('report-path'), 'utf8')) as {
      servers: unknown[]
    }
    expect(report.servers).toHaveLength(300)
  })

  it('talks to the GHES API at GITHUB_API_URL', async () => {
    Object.assign(process.env, {
      GITHUB_API_URL: 'https://ghe.corp.example/api/v3',
      GITHUB_SERVER_URL: 'https://ghe.corp.example'
    })
    writeFileSync(
      path.join(workspace, '.mcp.json'),
      config({ local: { command: 'node', args: ['s.js'] } })
    )
    const github = fakeGitHub({
      changed: [{ filename: '.mcp.json', status: 'added' }],
      prefix: '/api/v3'
    })
    await run({ octokitFactory: github.factory })
    expect(github.calls.length).toBeGreaterThan(0)
    expect(github.calls.every((c) => c.url.startsWith('https://ghe.corp.example/api/v3/'))).toBe(
      true
    )
    expect(github.comments[0]!.body).toContain(
      '(https://ghe.corp.example/acme/app/actions/runs/4242)'
    )
  })
})

describe('run() grade cache', () => {
  it('a re-run of a pinned config reuses the cached grades: no registry call at all', async () => {
    // A push: the whole workspace is gated (on a pull request, see the next test).
    process.env.GITHUB_EVENT_NAME = 'push'
    writeFileSync(
      path.join(workspace, '.mcp.json'),
      config({ files: npx(`${FS}@2026.8.31`), search: npx('tavily-mcp@0.2.22') })
    )
    const github = fakeGitHub()
    process.env.INPUT_CACHE = 'true'
    // A cache service that keeps what is saved and restores the newest copy, like @actions/cache.
    const saved: string[] = []
    const stash = path.join(workspace, 'stash')
    const cacheService: CacheService = {
      isFeatureAvailable: () => true,
      restoreCache: async (paths, key) => {
        if (!existsSync(stash)) return undefined
        cpSync(stash, paths[0]!, { recursive: true })
        return `${key}-restored`
      },
      saveCache: async (paths, key) => {
        saved.push(key)
        rmSync(stash, { recursive: true, force: true })
        cpSync(paths[0]!, stash, { recursive: true })
        return 1
      }
    }
    nock(REGISTRY)
      .get('/@modelcontextprotocol%2fserver-filesystem')
      .reply(200, fixture('packuments/server-filesystem.json'))
      .get('/tavily-mcp')
      .reply(200, fixture('packuments/tavily-mcp.json'))
      .get('/@modelcontextprotocol/server-filesystem/-/server-filesystem-2026.8.31.tgz')
      .reply(200, fixture('tarballs/server-filesystem-2026.8.31.tgz'))
      .get('/tavily-mcp/-/tavily-mcp-0.2.22.tgz')
      .reply(200, fixture('tarballs/tavily-mcp-0.2.22.tgz'))
      .get(/.*/)
      .times(100)
      .reply(404, {})
    await run({ octokitFactory: github.factory, cacheService })
    const first = JSON.parse(readFileSync(output('report-path'), 'utf8')) as {
      servers: { name: string; grade: { overall: unknown } | null }[]
    }
    expect(first.servers.every((s) => s.grade !== null)).toBe(true)
    expect(saved).toEqual(['mcp-grade-gate-grades-v1-4242-1-job'])

    // Second run: nothing is served; any request to the registry would be unmatched.
    nock.cleanAll()
    const unmatched: string[] = []
    const onNoMatch = (req: { path?: string }) => void unmatched.push(String(req.path))
    nock.emitter.on('no match', onNoMatch)
    jest.clearAllMocks()
    ;(actual.summary as unknown as { _filePath?: string })._filePath = undefined
    await run({ octokitFactory: github.factory, cacheService })
    nock.emitter.removeListener('no match', onNoMatch)
    expect(unmatched).toEqual([])
    const second = JSON.parse(readFileSync(output('report-path'), 'utf8')) as typeof first
    expect(second.servers.map((s) => s.grade?.overall)).toEqual(
      first.servers.map((s) => s.grade?.overall)
    )
    // Nothing new was graded, so nothing is saved again.
    expect(saved).toHaveLength(1)

    // A pull request adding the same pinned servers: what it proposes is graded afresh (a
    // pull request's own workflows can write caches in its scope), so the packages are fetched.
    process.env.GITHUB_EVENT_NAME = 'pull_request'
    const pr = fakeGitHub({ changed: [{ filename: '.mcp.json', status: 'added' }] })
    const fetched = nock(REGISTRY)
      .get('/@modelcontextprotocol%2fserver-filesystem')
      .reply(200, fixture('packuments/server-filesystem.json'))
      .get('/tavily-mcp')
      .reply(200, fixture('packuments/tavily-mcp.json'))
      .get('/@modelcontextprotocol/server-filesystem/-/server-filesystem-2026.8.31.tgz')
      .reply(200, fixture('tarballs/server-filesystem-2026.8.31.tgz'))
      .get('/tavily-mcp/-/tavily-mcp-0.2.22.tgz')
      .reply(200, fixture('tarballs/tavily-mcp-0.2.22.tgz'))
      .get(/.*/)
      .times(100)
      .reply(404, {})
    jest.clearAllMocks()
    ;(actual.summary as unknown as { _filePath?: string })._filePath = undefined
    await run({ octokitFactory: pr.factory, cacheService })
    expect(fetched.pendingMocks().filter((m) => m.includes('.tgz'))).toEqual([])
    const third = JSON.parse(readFileSync(output('report-path'), 'utf8')) as typeof first
    expect(third.servers.map((s) => s.grade?.overall)).toEqual(
      first.servers.map((s) => s.grade?.overall)
    )
  })
})

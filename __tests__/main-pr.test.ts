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
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import type { CacheService } from '../src/github/actions-cache.js'
import {
  enterActionEnvironment,
  pullRequestEvent,
  useNoNetwork,
  writeEvent
} from './support/action-environment.js'
import { loadAction } from './support/action-harness.js'
import { PR } from './support/fake-github.js'
import { answerFromRecordings, PINNED_PACKAGES, REGISTRY } from './support/npm-fixtures.js'

const action = await loadAction()
const { core, run } = action
const { error, warning, setFailed } = core

const GRADER = 'https://grader.example'
const FS = '@modelcontextprotocol/server-filesystem'

/** A Claude Code config with the given servers (name → launch). */
function config(servers: Record<string, { command: string; args: string[] }>): string {
  return `${JSON.stringify({ mcpServers: servers }, null, 2)}\n`
}
const npx = (spec: string) => ({ command: 'npx', args: ['-y', spec] })

let workspace: string
let restoreEnv: () => void

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

/** The packuments of server-filesystem and tavily-mcp, for every request. */
function servePackuments(): void {
  answerFromRecordings(nock(REGISTRY).persist(), [
    '/@modelcontextprotocol%2fserver-filesystem',
    '/tavily-mcp'
  ])
}

/**
 * The two pinned packages' packuments and tarballs, each answered once, then 404 for up to 100
 * other requests (dependencies, advisories).
 */
function servePinnedPackages(): nock.Scope {
  return answerFromRecordings(nock(REGISTRY), PINNED_PACKAGES).get(/.*/).times(100).reply(404, {})
}

const summaryText = (): string => readFileSync(path.join(workspace, 'summary.md'), 'utf8')
const rowOf = (md: string, name: string): string =>
  md.split('\n').find((l) => l.startsWith('|') && l.includes(`\`${name}\``)) ?? ''
const output = core.output

useNoNetwork()

beforeEach(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'gate-pr-'))
  restoreEnv = enterActionEnvironment(workspace)
})

afterEach(() => {
  restoreEnv()
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
    const github = action.github({
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
    const github = action.github({
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
    core.reset()
    process.env.INPUT_SCOPE = 'all'
    await run({ octokitFactory: github.factory })
    expect(setFailed).toHaveBeenCalledTimes(1)
  })

  it('a PR that changes no config gates nothing and passes', async () => {
    writeFileSync(path.join(workspace, '.mcp.json'), config({ search: npx('tavily-mcp') }))
    const github = action.github({ changed: [{ filename: 'src/app.ts', status: 'modified' }] })
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
    const github = action.github({
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
    const github = action.github({ changed: [{ filename: 'servers.json', status: 'modified' }] })
    servePackuments()
    serveGrades({ 'pkg:npm/tavily-mcp@0.2.22': 'A' })
    Object.assign(process.env, { INPUT_GRADER: 'api', 'INPUT_GRADER-URL': GRADER })
    await run({ octokitFactory: github.factory })
    expect(rowOf(summaryText(), 'linked')).toContain('| added |')
    expect(setFailed).toHaveBeenCalledTimes(1)
  })

  it('pull_request_target fails rather than gate the base checkout when the files cannot be listed', async () => {
    process.env.GITHUB_EVENT_NAME = 'pull_request_target'
    writeEvent(workspace, pullRequestEvent({ fork: true }))
    writeFileSync(path.join(workspace, '.mcp.json'), config({}))
    const many = Array.from({ length: 3000 }, (_, i) => ({
      filename: `junk/${i}.txt`,
      status: 'added'
    }))
    const github = action.github({ changed: many })
    await run({ octokitFactory: github.factory })
    expect(setFailed).toHaveBeenCalledTimes(1)
    expect(String(setFailed.mock.calls[0]![0])).toContain('workspace is the base branch')

    core.reset()
    process.env.INPUT_FILES = 'all'
    await run({ octokitFactory: github.factory })
    expect(String(setFailed.mock.calls[0]![0])).toContain('files: all cannot be used')
  })
})

describe('run() comment lifecycle', () => {
  it('on-failure: comments on the failing run, then updates the same comment to resolved', async () => {
    writeFileSync(path.join(workspace, '.mcp.json'), config({ search: npx('tavily-mcp') }))
    const github = action.github({ changed: [{ filename: '.mcp.json', status: 'added' }] })
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
    core.reset()
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
    const github = action.github({
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
    const github = action.github({ changed: [{ filename: '.mcp.json', status: 'added' }] })
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
    writeEvent(workspace, {
      workflow_run: {
        pull_requests: [{ number: 7, base: { ref: 'main' }, head: { ref: 'x' } }],
        head_repository: { full_name: 'acme/app' },
        repository: { full_name: 'acme/app' }
      }
    })
    writeFileSync(
      path.join(workspace, '.mcp.json'),
      config({ local: { command: 'node', args: ['s.js'] } })
    )
    const github = action.github()
    await run({ octokitFactory: github.factory })
    expect(setFailed).toHaveBeenCalledTimes(1)
    expect(github.calls.filter((c) => c.url.includes('/comments'))).toEqual([])
  })
})

describe('run() on a fork pull request', () => {
  it('skips the comment with one warning; summary, annotations and SARIF still produced', async () => {
    writeEvent(workspace, pullRequestEvent({ fork: true }))
    writeFileSync(
      path.join(workspace, '.mcp.json'),
      config({ local: { command: 'node', args: ['s.js'] } })
    )
    const github = action.github({
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
    writeEvent(workspace, pullRequestEvent({ fork: true }))
    // The checkout is the base branch: its config is not what the PR proposes.
    writeFileSync(path.join(workspace, '.mcp.json'), config({}))
    const github = action.github({
      head: { '.mcp.json': config({ proposed: { command: 'node', args: ['evil.js'] } }) },
      changed: [{ filename: '.mcp.json', status: 'added' }]
    })
    await run({ octokitFactory: github.factory })
    expect(rowOf(summaryText(), 'proposed')).toContain('added')
    const headReads = github.calls.filter((c) => c.url.includes(`ref=${PR.headSha}`))
    expect(headReads).toHaveLength(1)
    expect(existsSync(path.join(workspace, 'evil.js'))).toBe(false)

    // A grader command inside the workspace is refused on pull_request_target.
    core.reset()
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
    const github = action.github({ changed: [{ filename: '.mcp.json', status: 'added' }] })
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
    const github = action.github({
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
    const github = action.github()
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
    servePinnedPackages()
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
    core.reset()
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
    const pr = action.github({ changed: [{ filename: '.mcp.json', status: 'added' }] })
    const fetched = servePinnedPackages()
    core.reset()
    await run({ octokitFactory: pr.factory, cacheService })
    expect(fetched.pendingMocks().filter((m) => m.includes('.tgz'))).toEqual([])
    const third = JSON.parse(readFileSync(output('report-path'), 'utf8')) as typeof first
    expect(third.servers.map((s) => s.grade?.overall)).toEqual(
      first.servers.map((s) => s.grade?.overall)
    )
  })
})

/**
 * Drives the action's `run()` for a `pull_request` event end to end: inputs via `INPUT_*`, the
 * GitHub context from `GITHUB_*` and an event payload, the npm registry via nock (recorded real
 * packuments and tarballs), Octokit through the injectable factory with a recording fetch stub.
 * `@actions/core` is the real module except for the calls we assert on.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import {
  enterActionEnvironment,
  pullRequestEvent,
  useNoNetwork
} from './support/action-environment.js'
import { loadAction, type ActionGitHub } from './support/action-harness.js'
import type { FakeGitHubOptions } from './support/fake-github.js'
import {
  answerFromRecordings,
  FIXTURES,
  fixture,
  PINNED_PACKAGES,
  REGISTRY
} from './support/npm-fixtures.js'

const action = await loadAction()
const { core, run } = action
const { warning, error, setFailed, setOutput } = core

const CONFIG = `{
  // pinned: graded and passes
  "mcpServers": {
    "files": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem@2026.8.31", "/workspace/docs"]
    },
    "search": {
      "command": "npx",
      "args": ["-y", "tavily-mcp"],
      "env": { "TAVILY_API_KEY": "\${TAVILY_API_KEY}" }
    }
  }
}
`

let workspace: string
let restoreEnv: () => void

function serveRegistry(): void {
  answerFromRecordings(nock(REGISTRY).persist(), [
    ...PINNED_PACKAGES,
    '/@modelcontextprotocol%2fsdk'
  ])
}

/**
 * A fake GitHub API holding the base branch's files and the PR's comments: one by a person
 * already, and ours from id 99 on.
 */
function fakeGitHub(
  baseFiles: Record<string, string> = {},
  options: Pick<FakeGitHubOptions, 'contentsStatus' | 'commentWriteStatus'> = {}
): ActionGitHub {
  return action.github({
    base: baseFiles,
    comments: [{ id: 1, body: 'LGTM', user: { login: 'octocat', type: 'User' } }],
    firstCommentId: 99,
    ...options
  })
}

useNoNetwork()

beforeEach(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'gate-action-'))
  writeFileSync(path.join(workspace, '.mcp.json'), CONFIG)
  // The event carries no commit SHAs: the base branch is read by name (`main`).
  restoreEnv = enterActionEnvironment(workspace, {
    event: pullRequestEvent({ shas: false }),
    inputs: {
      comment: 'true',
      grader: 'builtin',
      'advisory-url': undefined,
      cache: undefined
    }
  })
  serveRegistry()
})

afterEach(() => {
  restoreEnv()
  rmSync(workspace, { recursive: true, force: true })
})

describe('run() on a pull_request', () => {
  it('writes the summary table, annotates the blocked line, comments, and fails the check', async () => {
    const github = fakeGitHub()
    const octokitFactory = github.factory

    await run({ octokitFactory })

    // Job summary: one table with both servers, their file:line, package and grades.
    const summary = readFileSync(path.join(workspace, 'summary.md'), 'utf8')
    expect(summary).toMatch(/\|\s*Server\s*\|/)
    const searchRow = summary.split('\n').find((l) => l.includes('search') && l.startsWith('|'))
    expect(searchRow).toBeDefined()
    expect(searchRow).toContain('.mcp.json:8')
    expect(searchRow).toContain('tavily-mcp')
    expect(searchRow).toContain('0.2.22')
    const filesRow = summary.split('\n').find((l) => l.includes('files') && l.startsWith('|'))
    expect(filesRow).toContain('.mcp.json:4')
    expect(filesRow).toContain('2026.8.31')
    expect(filesRow).toMatch(/\b[A-F] \(\d+\)/)
    expect(summary).toContain('UNPINNED')

    // Annotation: an error on the unpinned server's line in the config file.
    const annotated = error.mock.calls.find((c) => String(c[0]).includes('UNPINNED'))
    expect(annotated).toBeDefined()
    expect(annotated?.[1]).toMatchObject({ file: '.mcp.json', startLine: 8, startColumn: 5 })

    // The sticky comment was created once.
    const posts = github.calls.filter(
      (c) => c.method === 'POST' && c.url.endsWith('/issues/7/comments')
    )
    expect(posts).toHaveLength(1)
    const body = (posts[0]!.body as { body: string }).body
    expect(body.startsWith('<!-- mcp-grade-gate:default -->')).toBe(true)
    expect(body).toContain('search')

    // Outputs and the failed check with a one-line reason.
    expect(setOutput).toHaveBeenCalledWith('verdict', 'fail')
    expect(setOutput).toHaveBeenCalledWith('failed-count', '1')
    const reportPath = setOutput.mock.calls.find((c) => c[0] === 'report-path')?.[1] as string
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as {
      servers: { name: string; verdict: string; package: { pinned: boolean; version: string } }[]
    }
    expect(report.servers.map((s) => [s.name, s.verdict, s.package.pinned])).toEqual([
      ['files', 'pass', true],
      ['search', 'fail', false]
    ])
    expect(setFailed).toHaveBeenCalledTimes(1)
    const reason = String(setFailed.mock.calls[0]![0])
    expect(reason).not.toContain('\n')
    expect(reason).toContain('1 of 2 MCP servers blocked under production')
    expect(reason).toContain('search (UNPINNED)')

    // A second run (e.g. a new push) updates the same comment instead of adding one.
    setFailed.mockClear()
    await run({ octokitFactory })
    const secondPosts = github.calls.filter(
      (c) => c.method === 'POST' && c.url.endsWith('/issues/7/comments')
    )
    const patches = github.calls.filter((c) => c.method === 'PATCH')
    expect(secondPosts).toHaveLength(1)
    // Same result, same body: the comment is left as it is (no write).
    expect(patches).toHaveLength(0)
    expect(setFailed).toHaveBeenCalledTimes(1)
  })

  it('updates the existing comment in place when the result changes', async () => {
    const github = fakeGitHub()
    const octokitFactory = github.factory
    await run({ octokitFactory })
    // The author pins the version: the gate passes and the comment must say so.
    writeFileSync(
      path.join(workspace, '.mcp.json'),
      CONFIG.replace('"tavily-mcp"', '"tavily-mcp@0.2.22"')
    )
    setFailed.mockClear()
    await run({ octokitFactory })

    const posts = github.calls.filter(
      (c) => c.method === 'POST' && c.url.endsWith('/issues/7/comments')
    )
    const patches = github.calls.filter((c) => c.method === 'PATCH')
    expect(posts).toHaveLength(1)
    expect(patches).toHaveLength(1)
    expect(patches[0]!.url).toMatch(/\/issues\/comments\/99$/)
    const updated = (patches[0]!.body as { body: string }).body
    expect(updated).not.toContain('UNPINNED')
    expect(setFailed).not.toHaveBeenCalled()
    expect(setOutput).toHaveBeenCalledWith('verdict', 'pass')
  })

  it('fails with a located message for a bad policy file and grades nothing', async () => {
    writeFileSync(
      path.join(workspace, 'policy.yml'),
      'environments:\n  production:\n    minGrade: Z\n'
    )
    process.env['INPUT_POLICY'] = path.join(workspace, 'policy.yml')
    process.env['INPUT_POLICY-SOURCE'] = 'workspace'
    await run({ octokitFactory: fakeGitHub().factory })
    expect(setFailed).toHaveBeenCalledTimes(1)
    const reason = String(setFailed.mock.calls[0]![0])
    expect(reason).toMatch(/policy\.yml:3:\d+/)
    expect(reason).toContain('minGrade')
  })

  it('judges the PR by the base branch policy, not by a policy the PR adds', async () => {
    mkdirSync(path.join(workspace, '.github'))
    writeFileSync(
      path.join(workspace, '.github', 'mcp-policy.json'),
      JSON.stringify({ environments: { production: { requirePinned: false } } })
    )
    const github = fakeGitHub()
    await run({
      octokitFactory: github.factory
    })
    expect(setFailed).toHaveBeenCalledTimes(1)
    expect(String(setFailed.mock.calls[0]![0])).toContain('search (UNPINNED)')
    expect(warning.mock.calls.map((c) => String(c[0]))).toContainEqual(
      expect.stringMatching(
        /adds \.github\/mcp-policy\.json; the gate applies the policy file of the base branch main/
      )
    )
    const asked = github.calls.filter((c) => c.url.includes('/contents/'))
    expect(asked.map((c) => decodeURIComponent(new URL(c.url).pathname))).toContain(
      '/repos/acme/app/contents/.github/mcp-policy.json'
    )
    expect(asked.every((c) => new URL(c.url).searchParams.get('ref') === 'main')).toBe(true)
  })

  it('refuses two policy files on the base branch, as it does in the workspace', async () => {
    const github = fakeGitHub({
      '.github/mcp-policy.json': '{}',
      '.github/mcp-policy.yml': 'defaultEnvironment: development\n'
    })
    await run({
      octokitFactory: github.factory
    })
    expect(String(setFailed.mock.calls[0]![0])).toMatch(
      /the base branch main has 2 policy files \(\.github\/mcp-policy\.json, \.github\/mcp-policy\.yml\)/
    )
  })

  it('applies the policy file of the base branch', async () => {
    const github = fakeGitHub({
      '.github/mcp-policy.yml': 'environments:\n  production:\n    requirePinned: false\n'
    })
    await run({
      octokitFactory: github.factory
    })
    expect(setFailed.mock.calls).toEqual([])
    expect(setOutput).toHaveBeenCalledWith('verdict', 'warn')
  })

  it('replaces the sticky comment with an error when the gate cannot run', async () => {
    const github = fakeGitHub()
    const octokitFactory = github.factory
    await run({ octokitFactory })
    process.env['INPUT_MIN-GRADE'] = 'Q'
    setFailed.mockClear()
    await run({ octokitFactory })
    expect(setFailed).toHaveBeenCalledTimes(1)
    expect(String(setFailed.mock.calls[0]![0])).toMatch(/min-grade|grade/i)
    const patch = github.calls.filter((c) => c.method === 'PATCH').at(-1)
    expect((patch?.body as { body: string }).body).toMatch(
      /^<!-- mcp-grade-gate:default -->\n### ❌ MCP grade gate could not run/
    )
  })

  it('posts a failure comment with the default marker when the inputs themselves are bad', async () => {
    const github = fakeGitHub()
    process.env['INPUT_GRADER-TIMEOUT'] = 'soon'
    await run({
      octokitFactory: github.factory
    })
    expect(String(setFailed.mock.calls[0]![0])).toContain('grader-timeout')
    const post = github.calls.find((c) => c.method === 'POST')
    expect((post?.body as { body: string }).body).toMatch(
      /^<!-- mcp-grade-gate:default -->\n### ❌ MCP grade gate could not run/
    )
  })

  it('keeps the failure comment within a readable size', async () => {
    const github = fakeGitHub()
    const keys = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`unknownKey${i}`, 1]))
    writeFileSync(path.join(workspace, 'policy.json'), JSON.stringify(keys))
    process.env['INPUT_POLICY'] = 'policy.json'
    process.env['INPUT_POLICY-SOURCE'] = 'workspace'
    await run({
      octokitFactory: github.factory
    })
    expect(setFailed).toHaveBeenCalledTimes(1)
    const body = (github.calls.find((c) => c.method === 'POST')?.body as { body: string }).body
    expect(body.length).toBeLessThan(10_000)
    expect(body).toContain('job log')
  })

  it('fails closed when the base branch policy cannot be read', async () => {
    const github = fakeGitHub({}, { contentsStatus: 500 })
    await run({
      octokitFactory: github.factory
    })
    expect(setFailed).toHaveBeenCalledTimes(1)
    expect(String(setFailed.mock.calls[0]![0])).toMatch(
      /could not read the policy file from the base branch main/
    )
    expect(setOutput).toHaveBeenCalledWith('verdict', 'fail')
  })

  it('on a fork (read-only token) warns about the comment and decides from the policy alone', async () => {
    const github = fakeGitHub({}, { commentWriteStatus: 403 })
    await run({
      octokitFactory: github.factory
    })
    // The gate still fails for the unpinned server, exactly as with a writable token…
    expect(setFailed).toHaveBeenCalledTimes(1)
    expect(String(setFailed.mock.calls[0]![0])).toContain('search (UNPINNED)')
    // …and says once, as a warning, why there is no comment.
    const forkWarnings = warning.mock.calls.filter((c) =>
      /pull_request_target|workflow_run/.test(String(c[0]))
    )
    expect(forkWarnings).toHaveLength(1)
    expect(readFileSync(path.join(workspace, 'summary.md'), 'utf8')).toContain('search')
  })

  it('warns when the grader command runs a file from the pull request checkout', async () => {
    writeFileSync(
      path.join(workspace, 'grade.mjs'),
      "process.stdout.write(JSON.stringify({ ungraded: 'not today' }))\n"
    )
    process.env['INPUT_GRADER'] = 'command'
    process.env['INPUT_GRADER-COMMAND'] = JSON.stringify([process.execPath, 'grade.mjs'])
    const github = fakeGitHub()
    await run({
      octokitFactory: github.factory
    })
    expect(warning.mock.calls.map((c) => String(c[0]))).toContainEqual(
      expect.stringMatching(/runs a file from the checked-out pull request/)
    )
  })
  it('warns once about a missing github-token, whether the run fails before or after reading it', async () => {
    const noToken = () =>
      warning.mock.calls.filter((c) => String(c[0]).startsWith('no github-token:'))
    process.env['INPUT_GITHUB-TOKEN'] = ''
    // Fails inside the gate, after the client was attempted: the failure path must not retry it.
    process.env['INPUT_MIN-GRADE'] = 'Q'
    await run()
    expect(setFailed).toHaveBeenCalledTimes(1)
    expect(String(setFailed.mock.calls[0]![0])).toMatch(/min-grade|grade/i)
    expect(noToken()).toHaveLength(1)

    // Fails reading the inputs, before the client was attempted: the failure path makes it once.
    core.reset()
    process.env['INPUT_GRADER-TIMEOUT'] = 'soon'
    await run()
    expect(String(setFailed.mock.calls[0]![0])).toContain('grader-timeout')
    expect(noToken()).toHaveLength(1)
  })

  it('names the scope input, what it accepts and what was given', async () => {
    process.env['INPUT_SCOPE'] = 'Everything'
    await run({ octokitFactory: fakeGitHub().factory })
    expect(setFailed).toHaveBeenCalledTimes(1)
    expect(String(setFailed.mock.calls[0]![0])).toContain(
      'input scope: scope must be "all" or "changed", got "Everything": set the input "scope" to one of them'
    )
  })

  it('reads a blank policy-source as base and refuses any other word', async () => {
    process.env['INPUT_POLICY-SOURCE'] = '   '
    const github = fakeGitHub({
      '.github/mcp-policy.yml': 'environments:\n  production:\n    requirePinned: false\n'
    })
    await run({ octokitFactory: github.factory })
    // The base branch's policy was applied: the unpinned server only warns.
    expect(setFailed.mock.calls).toEqual([])
    expect(setOutput).toHaveBeenCalledWith('verdict', 'warn')

    core.reset()
    process.env['INPUT_POLICY-SOURCE'] = 'Elsewhere'
    await run({ octokitFactory: github.factory })
    expect(String(setFailed.mock.calls[0]![0])).toContain(
      'input policy-source must be base or workspace, got "elsewhere"'
    )
  })
})

describe('run() with a registry and exceptions from the base branch (issue 3)', () => {
  const orgRepo = path.join(FIXTURES, 'org-repo')
  const baseFiles = Object.fromEntries(
    ['mcp-policy.yml', 'mcp-registry.csv', 'mcp-exceptions.yml'].map((name) => [
      `.github/${name}`,
      readFileSync(path.join(orgRepo, '.github', name), 'utf8')
    ])
  )

  beforeEach(() => {
    writeFileSync(path.join(workspace, '.mcp.json'), readFileSync(path.join(orgRepo, '.mcp.json')))
    nock(REGISTRY)
      .persist()
      .get('/figma-developer-mcp')
      .reply(200, fixture('packuments/figma-developer-mcp.json'))
      .get('/figma-developer-mcp/-/figma-developer-mcp-0.13.2.tgz')
      .reply(200, fixture('tarballs/figma-developer-mcp-0.13.2.tgz'))
  })

  it('shows registry, exception and compliance in the summary and fails on the blocked servers', async () => {
    const github = fakeGitHub(baseFiles)
    await run({
      now: () => new Date('2026-11-21T09:00:00Z'),
      octokitFactory: github.factory
    })
    const summary = readFileSync(path.join(workspace, 'summary.md'), 'utf8')
    const row = (name: string) =>
      summary.split('\n').find((l) => l.startsWith(`| \`${name}\``)) ?? ''
    expect(summary).toMatch(/\| Registry \| Exception \| Verdict \|/)
    expect(row('files')).toContain('approved · internal')
    expect(row('files')).toContain('EXC-7 applied, 3 d left')
    expect(row('files')).toContain('excepted')
    expect(row('search')).toContain('audit 112 d')
    expect(row('figma')).toContain('not in registry')
    expect(row('figma')).toContain('EXC-8 expired 2026-11-20')
    expect(summary).toContain('### Compliance controls touched')
    expect(summary).toMatch(/\| SOC 2 \| CC7\.1 Monitoring \| maintenance \|/)

    expect(setFailed).toHaveBeenCalledTimes(1)
    const reason = String(setFailed.mock.calls[0]![0])
    expect(reason).toContain('2 of 3 MCP servers blocked under production')
    expect(reason).toContain('NOT_IN_REGISTRY')
    // The three rule files were read from the base branch, not from the checkout.
    const read = github.calls
      .filter((c) => c.url.includes('/contents/'))
      .map((c) => decodeURIComponent(new URL(c.url).pathname))
    expect(read).toEqual(
      expect.arrayContaining([
        '/repos/acme/app/contents/.github/mcp-registry.csv',
        '/repos/acme/app/contents/.github/mcp-exceptions.yml'
      ])
    )
  })

  it('does not let the pull request approve its own server', async () => {
    // The PR adds figma to the registry in its checkout; the base branch's registry still rules.
    cpSync(path.join(orgRepo, '.github'), path.join(workspace, '.github'), { recursive: true })
    const registry = path.join(workspace, '.github', 'mcp-registry.csv')
    writeFileSync(
      registry,
      `${readFileSync(registry, 'utf8')}npm:figma-developer-mcp@0.13.2,Figma,A,,2026-11-20,production,Design files,internal,,design\n`
    )
    const github = fakeGitHub(baseFiles)
    await run({
      now: () => new Date('2026-11-21T09:00:00Z'),
      octokitFactory: github.factory
    })
    expect(String(setFailed.mock.calls[0]![0])).toContain('NOT_IN_REGISTRY')
    expect(warning.mock.calls.map((c) => String(c[0]))).toContainEqual(
      expect.stringMatching(
        /changes \.github\/mcp-registry\.csv; the gate applies the registry file of the base branch main/
      )
    )
  })
})

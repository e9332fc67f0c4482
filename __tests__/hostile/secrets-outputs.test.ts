/**
 * Issue 6 scope 4a: a literal secret written into an MCP config never reaches any output of the
 * gate (SPEC §9 "never leaks a secret into logs, summaries or comments"): not the CLI's stdout or
 * stderr in any format, not the action's job summary, PR comment, annotations, SARIF file, JSON
 * report or log, and not a file the gate leaves behind (grade cache). Masked forms such as
 * `ghp_…(40 chars)` are what the reports show instead. The grader API key is registered with
 * `core.setSecret` and never shown, even when the grading service echoes it back.
 *
 * Every credential is a same-shape fake assembled at run time from a seeded generator, so no
 * realistic token is written into the repository. Nothing here touches the network: the npm
 * registry and the grading service are nock'd, the GitHub API is a recording stub.
 */
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import type { CacheService } from '../../src/github/actions-cache.js'
import { useNoNetwork } from '../support/action-environment.js'
import { loadAction } from '../support/action-harness.js'
import { answerFromRecordings, PINNED_PACKAGES, REGISTRY } from '../support/npm-fixtures.js'

// ── the action, its @actions/core calls recorded ───────────────────────────────────────────────

const action = await loadAction()
const { core } = action
const { main } = await import('../../src/cli.js')

// ── fake credentials of the real shapes ─────────────────────────────────────────────────────────

const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789'
const UPPER_DIGITS = 'ABCDEFGHJKLMNPQRSTUVWXYZ234567'
const B64 = `${ALNUM}+/`
const DIGITS = '0123456789'

/** `length` characters of `alphabet` from a seeded linear congruential generator. */
function fake(seed: number, length: number, alphabet = ALNUM): string {
  let state = seed >>> 0 || 1
  let out = ''
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    out += alphabet[(state >>> 8) % alphabet.length]
  }
  return out
}
const b64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')

/** The secrets written into a config, by what they are; `seed` picks another set. */
function secretsOf(seed: number) {
  const f = (n: number, length: number, alphabet?: string) => fake(seed + n, length, alphabet)
  return {
    githubClassic: `ghp_${f(11, 36)}`,
    githubFineGrained: `github_pat_${f(12, 22)}_${f(13, 59)}`,
    awsAccessKeyId: `AKIA${f(14, 16, UPPER_DIGITS)}`,
    awsSecretAccessKey: f(15, 40, B64),
    slackBot: `xoxb-${f(16, 12, DIGITS)}-${f(17, 13, DIGITS)}-${f(18, 24)}`,
    openAi: `sk-proj-${f(19, 48)}`,
    jwt: `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: `svc-${f(27, 6)}`, role: 'service_role', iat: 1763700000 })}.${f(20, 43)}`,
    bearer: f(21, 40),
    urlPassword: `Pw${f(22, 18)}`,
    queryToken: f(23, 32),
    pathToken: `sk-ak-${f(24, 28)}`,
    gemfury: f(25, 26),
    bridgeHeaderToken: f(26, 36)
  }
}
type Secrets = ReturnType<typeof secretsOf>

/** The secrets of the config under test (the pull request's head). */
const SECRET = secretsOf(0)
/** Other secrets, written in the base branch's version of the config. */
const BASE_SECRET = secretsOf(1000)

/** The config: each secret where people really write it (env, args, headers, URLs). */
function secretConfig(SECRET: Secrets = secretsOf(0)): string {
  return `${JSON.stringify(
    {
      mcpServers: {
        files: {
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-filesystem@2026.8.31', '/srv/docs'],
          env: {
            GITHUB_PERSONAL_ACCESS_TOKEN: SECRET.githubClassic,
            AWS_ACCESS_KEY_ID: SECRET.awsAccessKeyId,
            AWS_SECRET_ACCESS_KEY: SECRET.awsSecretAccessKey
          }
        },
        search: {
          command: 'npx',
          args: ['-y', 'tavily-mcp@0.2.22', `--github-token=${SECRET.githubFineGrained}`],
          env: { SLACK_BOT_TOKEN: SECRET.slackBot, OPENAI_API_KEY: SECRET.openAi }
        },
        jwt: {
          command: 'node',
          args: ['./servers/jwt/index.js', '--token', SECRET.jwt]
        },
        'remote-header': {
          type: 'http',
          url: 'https://mcp.example.com/mcp',
          headers: { Authorization: `Bearer ${SECRET.bearer}` }
        },
        'remote-userinfo': {
          type: 'http',
          url: `https://deploy:${SECRET.urlPassword}@mcp.corp.example/mcp`
        },
        'remote-query': {
          type: 'sse',
          url: `https://mcp.example.org/sse?api_key=${SECRET.queryToken}`
        },
        'remote-path': {
          type: 'sse',
          url: `https://actions.zapier.com/mcp/${SECRET.pathToken}/sse`
        },
        gemfury: {
          command: 'npx',
          args: [
            '--registry',
            `https://npm-proxy.fury.io/${SECRET.gemfury}/acme/`,
            '-y',
            '@acme/mcp-server@1.0.0'
          ]
        },
        bridged: {
          command: 'npx',
          args: [
            '-y',
            'mcp-remote@0.1.29',
            'https://bridge.example.com/mcp',
            '--header',
            `Authorization: Bearer ${SECRET.bridgeHeaderToken}`
          ]
        }
      }
    },
    null,
    2
  )}\n`
}

/**
 * What must never appear: each raw secret of the head and the base config and, so that no
 * recognisable part leaks either, its last 10 characters.
 */
/** The servers of the config that hold a secret (sorted). */
const SERVERS_WITH_SECRETS = [
  'bridged',
  'files',
  'gemfury',
  'jwt',
  'remote-header',
  'remote-path',
  'remote-query',
  'remote-userinfo',
  'search'
].sort()

const FORBIDDEN: { what: string; text: string }[] = [
  ...Object.entries(SECRET),
  ...Object.entries(BASE_SECRET).map(([what, value]) => [`base ${what}`, value] as const)
].flatMap(([what, value]) => [
  { what, text: value },
  { what: `${what} (tail)`, text: value.slice(-10) }
])

/** The names of the secrets found in `text` (empty: no leak). */
function leaksIn(text: string, forbidden = FORBIDDEN): string[] {
  return forbidden.filter((f) => text.includes(f.text)).map((f) => f.what)
}

// ── fixtures and fakes ──────────────────────────────────────────────────────────────────────────

const GRADER = 'https://grader.example'

/** The npm registry from recorded packuments and tarballs; 404 for anything else. */
function serveRegistry(): void {
  answerFromRecordings(nock(REGISTRY).persist(), [
    ...PINNED_PACKAGES,
    '/@modelcontextprotocol%2fsdk'
  ])
    .get(/.*/)
    .reply(404, { error: 'Not found' })
}

/** Every file under `dir` with its text (for "nothing written to disk holds a secret"). */
function filesUnder(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = []
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else out.push({ file: path.relative(dir, p), text: readFileSync(p, 'latin1') })
    }
  }
  walk(dir)
  return out
}

let workspace: string

useNoNetwork()
beforeEach(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'gate-secrets-'))
})
afterEach(() => {
  rmSync(workspace, { recursive: true, force: true })
})

// ── CLI ─────────────────────────────────────────────────────────────────────────────────────────

interface CliRun {
  code: number
  out: string
  err: string
}

/** `mcp-grade-gate <args>` in the workspace, verbose and with debug logging, captured. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let out = ''
  let err = ''
  const code = await main(args, {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    env: {
      MCP_HTTP_RETRIES: '0',
      MCP_GRADE_GATE_DEBUG: '1',
      MCP_GRADE_GATE_CACHE_DIR: path.join(workspace, '.grade-cache'),
      ...env
    },
    cwd: workspace
  })
  return { code, out, err }
}

describe('CLI: a literal secret in a config reaches no output', () => {
  it.each(['table', 'json', 'markdown', 'sarif'] as const)(
    'check --format %s: stdout and stderr hold masked forms only',
    async (format) => {
      writeFileSync(path.join(workspace, '.mcp.json'), secretConfig())
      serveRegistry()
      const r = await cli(['check', '-v', '--advisory-url', 'off', '--format', format, '.mcp.json'])
      expect(r.code).toBe(1)
      expect(leaksIn(r.out)).toEqual([])
      expect(leaksIn(r.err)).toEqual([])
      // What the cache wrote to disk holds no secret either.
      for (const f of filesUnder(workspace).filter((x) => x.file !== '.mcp.json')) {
        expect({ file: f.file, leaks: leaksIn(f.text) }).toEqual({ file: f.file, leaks: [] })
      }
      // The secrets were found (so the test could have failed): masked forms are shown.
      if (format !== 'sarif') expect(r.out).toContain('LITERAL_SECRET')
      if (format === 'json' || format === 'markdown') {
        expect(r.out).toContain('ghp_…(40 chars)')
        expect(r.out).toContain('github_pat_…(93 chars)')
      }
    }
  )

  it('check --format json: every server with a secret has a LITERAL_SECRET reason, masked', async () => {
    writeFileSync(path.join(workspace, '.mcp.json'), secretConfig())
    serveRegistry()
    const r = await cli(['check', '--advisory-url', 'off', '--format', 'json', '.mcp.json'])
    const report = JSON.parse(r.out) as {
      servers: { name: string; reasons: { code: string; message: string }[] }[]
    }
    const withSecret = report.servers
      .filter((s) => s.reasons.some((x) => x.code === 'LITERAL_SECRET'))
      .map((s) => s.name)
      .sort()
    expect(withSecret).toEqual(SERVERS_WITH_SECRETS)
    const messages = report.servers.flatMap((s) => s.reasons.map((x) => x.message)).join('\n')
    expect(messages).toMatch(/AKIA…\(20 chars\)|…\(20 chars\)/)
    expect(messages).toContain('xoxb-…(')
    expect(messages).toContain('sk-proj-…(56 chars)')
  })

  it('check --output writes the report file without a secret and says where on stderr', async () => {
    writeFileSync(path.join(workspace, '.mcp.json'), secretConfig())
    serveRegistry()
    const r = await cli([
      'check',
      '--advisory-url',
      'off',
      '--no-cache',
      '--format',
      'sarif',
      '--output',
      'out/gate.sarif',
      '.mcp.json'
    ])
    expect(r.code).toBe(1)
    const sarif = readFileSync(path.join(workspace, 'out', 'gate.sarif'), 'utf8')
    expect(sarif).toContain('LITERAL_SECRET')
    expect(leaksIn(sarif)).toEqual([])
    expect(leaksIn(r.out + r.err)).toEqual([])
  })

  it('other config formats and invalid configs: no error message quotes a secret', async () => {
    const codex = path.join(workspace, '.codex')
    mkdirSync(codex)
    writeFileSync(
      path.join(codex, 'config.toml'),
      [
        '[mcp_servers.github]',
        'command = "npx"',
        'args = ["-y", "tavily-mcp@0.2.22"]',
        `env = { GITHUB_TOKEN = "${SECRET.githubClassic}", OPENAI_API_KEY = "${SECRET.openAi}" }`,
        ''
      ].join('\n')
    )
    const broken = (dir: string, file: string, text: string) => {
      mkdirSync(path.join(workspace, dir), { recursive: true })
      writeFileSync(path.join(workspace, dir, file), text)
    }
    // Each file breaks right at (or just after) the secret, where a parser error points.
    broken(
      'unquoted',
      '.mcp.json',
      `{"mcpServers": {"x": {"env": {"T": ${SECRET.githubClassic}}}}}`
    )
    broken(
      'comma',
      '.mcp.json',
      `{"mcpServers": {"x": {"env": {"T": "${SECRET.slackBot}" "U": 1}}}}`
    )
    broken(
      'jsonc/.vscode',
      'mcp.json',
      `// ${SECRET.openAi}\n{"servers": {"x": {"command": "npx", "env": {"K": "${SECRET.jwt}"}, }`
    )
    broken(
      'toml/.codex',
      'config.toml',
      `[mcp_servers.x]\nenv = { K = ${SECRET.awsSecretAccessKey} }\n`
    )
    broken(
      'toml2/.codex',
      'config.toml',
      `[mcp_servers.x]\nargs = ["--token", "${SECRET.bearer}"\nenv = 1\n`
    )
    serveRegistry()
    for (const format of ['table', 'json', 'markdown', 'sarif']) {
      const r = await cli([
        'check',
        '-v',
        '--no-cache',
        '--advisory-url',
        'off',
        '--format',
        format
      ])
      expect(r.code).toBe(1)
      expect({ format, leaks: leaksIn(r.out + r.err) }).toEqual({ format, leaks: [] })
      if (format === 'json') {
        const report = JSON.parse(r.out) as {
          configs: { path: string; error: { message: string } | null }[]
          servers: { name: string; reasons: { code: string; message: string }[] }[]
        }
        expect(report.configs.filter((c) => c.error !== null)).toHaveLength(5)
        const github = report.servers.find((x) => x.name === 'github')
        expect(github?.reasons.map((x) => x.message).join(' ')).toContain('ghp_…(40 chars)')
      }
    }
  })

  it('inventory (table, json, csv) shows the masked value only', async () => {
    writeFileSync(path.join(workspace, '.mcp.json'), secretConfig())
    for (const format of ['table', 'json', 'csv']) {
      const r = await cli(['inventory', '--offline', '--format', format, '.mcp.json'])
      expect(r.code).toBe(0)
      expect({ format, leaks: leaksIn(r.out + r.err) }).toEqual({ format, leaks: [] })
    }
    const json = await cli(['inventory', '--offline', '--format', 'json', '.mcp.json'])
    expect(json.out).toContain('ghp_…(40 chars)')
  })
})

// ── the action ──────────────────────────────────────────────────────────────────────────────────

const GITHUB_TOKEN = `ghs_${fake(31, 36)}`

/**
 * An Actions cache that keeps nothing but records what would be uploaded (a copy of every file
 * of the grade cache directory when it is saved), since the Actions cache is an output too.
 */
const cacheUploads: { file: string; text: string }[] = []
const savedCaches: CacheService = {
  isFeatureAvailable: () => true,
  restoreCache: () => Promise.resolve(undefined),
  saveCache: (paths) => {
    for (const dir of paths) cacheUploads.push(...filesUnder(dir))
    return Promise.resolve(1)
  }
}

/** Everything the action produced: log calls, summary, comments, written files, raw stdio. */
interface ActionOutputs {
  log: string
  summary: string
  comments: string[]
  requests: string
  report: string
  sarif: string
  stdio: string
  files: { file: string; text: string }[]
}

/**
 * Run the action on PR #7 changing `.mcp.json`, with `inputs` (without the `INPUT_` prefix);
 * `base` holds the base branch's files (none: the config is added).
 */
async function runAction(
  inputs: Record<string, string>,
  base: Record<string, string> = {}
): Promise<ActionOutputs> {
  const o = await action.runOnPullRequest({
    workspace,
    changed: ['.mcp.json'],
    base,
    inputs: { 'github-token': GITHUB_TOKEN, ...inputs },
    cacheService: savedCaches
  })
  return {
    // Everything logged; `setSecret` is where the key is handed to the runner, not an output.
    log: o.calls
      .filter((c) => c.fn !== 'setSecret')
      .map((c) => `${c.fn}: ${JSON.stringify(c.args)}`)
      .join('\n'),
    summary: o.summary,
    comments: o.comments,
    requests: JSON.stringify(o.requests.map((c) => ({ url: c.url, body: c.body }))),
    report: o.report,
    sarif: o.sarif,
    stdio: o.stdio,
    files: filesUnder(path.join(workspace, 'tmp'))
  }
}

/** Each output by name with the secrets it holds; every list must be empty. */
function leaksByOutput(o: ActionOutputs, forbidden = FORBIDDEN): Record<string, string[]> {
  const byOutput: Record<string, string[]> = {
    log: leaksIn(o.log, forbidden),
    summary: leaksIn(o.summary, forbidden),
    comments: leaksIn(o.comments.join('\n'), forbidden),
    githubRequests: leaksIn(o.requests, forbidden),
    report: leaksIn(o.report, forbidden),
    sarif: leaksIn(o.sarif, forbidden),
    stdio: leaksIn(o.stdio, forbidden)
  }
  for (const f of o.files) byOutput[`file ${f.file}`] = leaksIn(f.text, forbidden)
  return byOutput
}

const noLeaks = (o: ActionOutputs, forbidden = FORBIDDEN): Record<string, string[]> =>
  Object.fromEntries(Object.keys(leaksByOutput(o, forbidden)).map((k) => [k, []]))

describe('action: a literal secret in a config reaches no output', () => {
  it('summary, comment, annotations, SARIF, JSON report, log and files hold masked forms only', async () => {
    writeFileSync(path.join(workspace, '.mcp.json'), secretConfig())
    serveRegistry()
    cacheUploads.length = 0
    const o = await runAction({ cache: 'true' })
    // The GitHub token of the job is no output either (it only goes into request headers).
    const forbidden = [...FORBIDDEN, { what: 'github-token', text: GITHUB_TOKEN }]
    expect(leaksByOutput(o, forbidden)).toEqual(noLeaks(o, forbidden))
    // The grade cache was saved (grades of the two packages) and holds no secret either.
    expect(cacheUploads.length).toBeGreaterThan(0)
    expect(cacheUploads.flatMap((f) => leaksIn(f.text, forbidden))).toEqual([])

    // The run did see the secrets: each output shows what was found, masked.
    expect(o.summary).toContain('LITERAL_SECRET')
    expect(o.summary).toContain('ghp_…(40 chars)')
    // A token in a URL path is shown as `…`, not as its percent-encoded form.
    expect(o.summary).toContain('`https://actions.zapier.com/mcp/…/sse`')
    expect(o.comments).toHaveLength(1)
    expect(o.comments[0]).toContain('LITERAL_SECRET')
    const annotations = core.calls().filter((c) => c.fn === 'error')
    expect(annotations.some((c) => String(c.args[0]).includes('LITERAL_SECRET'))).toBe(true)
    expect(o.sarif).toContain('LITERAL_SECRET')
    expect(o.report).toContain('github_pat_…(93 chars)')
    expect(core.calls().some((c) => c.fn === 'setFailed')).toBe(true)
  })
})

describe('action: a changed config never shows the old or the new secret', () => {
  it('change aspects (arguments, URLs, headers, env) are masked on both sides', async () => {
    writeFileSync(path.join(workspace, '.mcp.json'), secretConfig(SECRET))
    serveRegistry()
    const base = { '.mcp.json': secretConfig(BASE_SECRET) }
    const o = await runAction({}, base)
    expect(leaksByOutput(o)).toEqual(noLeaks(o))
    // The change was seen and described: servers changed, in masked or hidden parts.
    const report = JSON.parse(o.report) as {
      servers: { name: string; change: { kind: string; aspects: { aspect: string }[] } | null }[]
    }
    const changed = report.servers.filter((s) => s.change?.kind === 'changed')
    expect(changed.map((s) => s.name).sort()).toEqual(SERVERS_WITH_SECRETS)
    expect(o.summary).toContain('Changes in this pull request')
  })
})

// ── the grader API key ──────────────────────────────────────────────────────────────────────────

const API_KEY = `mgg_live_${fake(41, 40)}`
const KEY_FORBIDDEN = [
  { what: 'API key', text: API_KEY },
  { what: 'API key (tail)', text: API_KEY.slice(-10) }
]

/** A config of pinned packages, one per way the grading service answers. */
function apiConfig(): string {
  const npx = (spec: string) => ({ command: 'npx', args: ['-y', spec] })
  return `${JSON.stringify(
    {
      mcpServers: {
        'server-error': npx('echo-500@1.0.0'),
        'not-json': npx('echo-html@1.0.0'),
        'wrong-shape': npx('echo-shape@1.0.0'),
        unauthorized: npx('echo-401@1.0.0'),
        'rate-limited': npx('echo-429@1.0.0')
      }
    },
    null,
    2
  )}\n`
}

/** The grading service, echoing the key it was sent back in every kind of answer. */
function serveEchoingGrader(): nock.Scope {
  const echo = (id: string) => `invalid request for ${id}: bad key ${API_KEY}`
  return nock(GRADER)
    .persist()
    .get('/api/grade')
    .query({ server: 'pkg:npm/echo-500@1.0.0' })
    .reply(500, { error: echo('echo-500'), key: API_KEY })
    .get('/api/grade')
    .query({ server: 'pkg:npm/echo-html@1.0.0' })
    .reply(200, `<html><body>${echo('echo-html')}</body></html>`, {
      'content-type': 'text/html'
    })
    .get('/api/grade')
    .query({ server: 'pkg:npm/echo-shape@1.0.0' })
    .reply(200, { overall_grade: API_KEY, sub_scores: { [API_KEY]: 'A' } })
    .get('/api/grade')
    .query({ server: 'pkg:npm/echo-401@1.0.0' })
    .reply(401, { message: `key ${API_KEY} is not valid` })
    .get('/api/grade')
    .query({ server: 'pkg:npm/echo-429@1.0.0' })
    .reply(429, { message: `slow down, ${API_KEY}` }, { 'retry-after': '1' })
}

/** npm packuments for the echo packages, so each resolves to its exact version. */
function serveEchoPackuments(): void {
  const scope = nock(REGISTRY).persist()
  for (const name of ['echo-500', 'echo-html', 'echo-shape', 'echo-401', 'echo-429']) {
    scope.get(`/${name}`).reply(200, {
      name,
      'dist-tags': { latest: '1.0.0' },
      versions: {
        '1.0.0': {
          name,
          version: '1.0.0',
          dist: { tarball: `${REGISTRY}/${name}/-/${name}-1.0.0.tgz`, shasum: '0'.repeat(40) }
        }
      },
      time: { '1.0.0': '2026-01-01T00:00:00.000Z' }
    })
  }
  scope.get(/.*/).reply(404, { error: 'Not found' })
}

describe('the grader API key', () => {
  it('is registered with core.setSecret and never shown, though the service echoes it back', async () => {
    writeFileSync(path.join(workspace, '.mcp.json'), apiConfig())
    serveEchoPackuments()
    const grader = serveEchoingGrader()
    const o = await runAction({ grader: 'api', 'grader-url': GRADER, 'grader-api-key': API_KEY })
    // Registered before anything is logged, so the runner masks it in the log too.
    expect(core.setSecret).toHaveBeenCalledWith(API_KEY)
    expect(core.calls()[0]).toEqual({ fn: 'setSecret', args: [API_KEY] })
    // The service was asked (with the key) for every server.
    expect(grader.isDone()).toBe(true)
    expect(leaksByOutput(o, KEY_FORBIDDEN)).toEqual(noLeaks(o, KEY_FORBIDDEN))
    const report = JSON.parse(o.report) as {
      servers: { name: string; verdict: string; gradeProblem: { message: string } | null }[]
    }
    const verdicts = Object.fromEntries(report.servers.map((s) => [s.name, s.verdict]))
    const problems = Object.fromEntries(
      report.servers.map((s) => [s.name, s.gradeProblem?.message ?? ''])
    )
    // Each answer reached the report, the echoed key replaced by `***` where it was quoted.
    expect(problems['not-json']).toContain('bad key ***')
    expect(problems['server-error']).toContain('HTTP 500')
    expect(problems['wrong-shape']).toContain('is invalid')
    expect(problems.unauthorized).toContain('rejected the API key (401)')
    expect(problems['rate-limited']).toContain('(429)')
    // No answer without a valid grade passes (fail-closed, SPEC §5).
    for (const name of [
      'server-error',
      'not-json',
      'wrong-shape',
      'unauthorized',
      'rate-limited'
    ]) {
      expect(verdicts[name]).toBe('error')
    }
  })

  it('the CLI never prints MCP_GRADER_API_KEY, whatever the service answers', async () => {
    writeFileSync(path.join(workspace, '.mcp.json'), apiConfig())
    serveEchoPackuments()
    serveEchoingGrader()
    for (const format of ['table', 'json', 'markdown', 'sarif']) {
      const r = await cli(
        [
          'check',
          '-v',
          '--no-cache',
          '--grader',
          'api',
          '--grader-url',
          GRADER,
          '--format',
          format
        ],
        { MCP_GRADER_API_KEY: API_KEY }
      )
      expect(r.code).toBe(1)
      expect({ format, leaks: leaksIn(r.out + r.err, KEY_FORBIDDEN) }).toEqual({
        format,
        leaks: []
      })
    }
  })
})

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { createApiGrader, type ApiGraderOptions } from '../../src/grade/api.js'
import { GradeReportSchema, type GradeOutcome } from '../../src/grade/report.js'
import type { Logger } from '../../src/log.js'
import { HttpClient } from '../../src/net/http.js'
import {
  localServer,
  npmServer,
  remoteServer,
  unresolvedNpmServer
} from '../fixtures/graders/servers.js'

const base = 'https://grader.example'
const KEY = 'sk-test-9f8e7d6c5b4a3210SECRET'
const FS = '@modelcontextprotocol/server-filesystem'
const FS_PURL = 'pkg:npm/%40modelcontextprotocol/server-filesystem@2025.8.21'
const NOW = new Date('2026-03-04T05:06:07.000Z')

interface Setup {
  waits: number[]
  logged: string[]
  grader: ReturnType<typeof createApiGrader>
}

function setup(overrides: Partial<ApiGraderOptions> = {}, timeoutMs = 5_000): Setup {
  const waits: number[] = []
  const logged: string[] = []
  const logger: Logger = {
    debug: (m) => void logged.push(m),
    info: (m) => void logged.push(m),
    warning: (m) => void logged.push(m)
  }
  const http = new HttpClient({
    sleep: async (ms) => void waits.push(ms),
    random: () => 0.5,
    retries: 2,
    timeoutMs
  })
  const grader = createApiGrader({
    url: base,
    apiKey: KEY,
    http,
    logger,
    now: () => NOW,
    ...overrides
  })
  return { waits, logged, grader }
}

/** The nock scope for one grade request about `id`, with the bearer key. */
function gradeRequest(id = FS_PURL, key: string | null = KEY) {
  const scope =
    key === null
      ? nock(base, { badheaders: ['authorization'] })
      : nock(base, { reqheaders: { authorization: `Bearer ${key}` } })
  return scope.get('/api/grade').query({ server: id })
}

function expectError(outcome: GradeOutcome): string {
  expect(outcome.kind).toBe('error')
  if (outcome.kind !== 'error') throw new Error('unreachable')
  expect(outcome.message).not.toContain(KEY)
  return outcome.message
}

beforeAll(() => {
  nock.disableNetConnect()
})
afterEach(() => {
  nock.cleanAll()
})
afterAll(() => {
  nock.enableNetConnect()
})

describe('api grader: successful answers', () => {
  it('maps a letters-only answer: letters kept, scores null, missing axes not assessed', async () => {
    const scope = gradeRequest().reply(200, {
      overall_grade: 'b',
      sub_scores: { security: 'A', permissions: 'c', credentials: 'B' },
      report_url: 'https://grader.example/r/123',
      audited_at: '2026-02-01T10:00:00Z'
    })
    const { grader } = setup()
    const outcome = await grader.grade(npmServer(FS, '2025.8.21'))
    expect(scope.isDone()).toBe(true)
    expect(outcome).toEqual({
      kind: 'graded',
      report: {
        source: 'api',
        grader: { name: 'grader.example', version: 'api' },
        rubricVersion: 'unknown',
        overall: { score: null, grade: 'B' },
        subScores: {
          security: { score: null, grade: 'A' },
          permissions: { score: null, grade: 'C' },
          credentials: { score: null, grade: 'B' },
          maintenance: null,
          compatibility: null,
          documentation: null
        },
        findings: [],
        auditedAt: '2026-02-01T10:00:00Z',
        reportUrl: 'https://grader.example/r/123'
      }
    })
    expect(grader.source).toBe('api')
  })

  it('maps a numbers answer with letters from the default scale and the given rubric version', async () => {
    gradeRequest().reply(200, {
      overall_grade: 'C',
      overall_score: 64,
      rubric_version: '2.1',
      sub_scores: {
        security: 95,
        permissions: 75,
        credentials: 74.5,
        maintenance: 60,
        compatibility: 39,
        documentation: 0
      }
    })
    const { grader } = setup()
    const outcome = await grader.grade(npmServer(FS, '2025.8.21'))
    if (outcome.kind !== 'graded') throw new Error(JSON.stringify(outcome))
    expect(outcome.report.rubricVersion).toBe('2.1')
    expect(outcome.report.overall).toEqual({ score: 64, grade: 'C' })
    expect(outcome.report.subScores).toEqual({
      security: { score: 95, grade: 'A' },
      permissions: { score: 75, grade: 'B' },
      credentials: { score: 74.5, grade: 'C' },
      maintenance: { score: 60, grade: 'C' },
      compatibility: { score: 39, grade: 'F' },
      documentation: { score: 0, grade: 'F' }
    })
    // No audited_at in the answer: the grader's clock.
    expect(outcome.report.auditedAt).toBe(NOW.toISOString())
    expect(GradeReportSchema.safeParse(outcome.report).success).toBe(true)
  })

  it('uses the given scale for number-only sub-scores, and keeps letters given', async () => {
    const answer = {
      overall_grade: 'A',
      sub_scores: { security: 85, credentials: 55, maintenance: { score: 85, grade: 'C' } }
    }
    gradeRequest().times(2).reply(200, answer)
    const custom = await setup({ scale: { A: 80, B: 70, C: 50, D: 30 } }).grader.grade(
      npmServer(FS, '2025.8.21')
    )
    const standard = await setup().grader.grade(npmServer(FS, '2025.8.21'))
    if (custom.kind !== 'graded') throw new Error(JSON.stringify(custom))
    if (standard.kind !== 'graded') throw new Error(JSON.stringify(standard))
    expect(custom.report.subScores.security).toEqual({ score: 85, grade: 'A' })
    expect(custom.report.subScores.credentials).toEqual({ score: 55, grade: 'C' })
    expect(custom.report.subScores.maintenance).toEqual({ score: 85, grade: 'C' })
    // The same numbers under the default scale (A 90, B 75, C 60, D 40).
    expect(standard.report.subScores.security).toEqual({ score: 85, grade: 'B' })
    expect(standard.report.subScores.credentials).toEqual({ score: 55, grade: 'D' })
    expect(standard.report.subScores.maintenance).toEqual({ score: 85, grade: 'C' })
  })

  it('accepts every axis spelling, mixed value forms, and ignores unknown top-level fields', async () => {
    gradeRequest().reply(200, {
      overall_grade: 'B',
      overall_score: 80,
      sub_scores: {
        security: { score: 91, grade: 'A' },
        permission_hygiene: 'd',
        'Credential Exposure': { score: 50 },
        maintenance: { grade: 'c', comment: 'ignored' },
        clientCompatibility: 77,
        documentation_completeness: null
      },
      server: FS_PURL,
      cached: true
    })
    const { grader } = setup()
    const outcome = await grader.grade(npmServer(FS, '2025.8.21'))
    if (outcome.kind !== 'graded') throw new Error(JSON.stringify(outcome))
    expect(outcome.report.subScores).toEqual({
      security: { score: 91, grade: 'A' },
      permissions: { score: null, grade: 'D' },
      credentials: { score: 50, grade: 'D' },
      maintenance: { score: null, grade: 'C' },
      compatibility: { score: 77, grade: 'B' },
      documentation: null
    })
  })

  it.each([
    ['permissions', 'permissions'],
    ['permissions_hygiene', 'permissions'],
    ['permissionsHygiene', 'permissions'],
    ['credentials', 'credentials'],
    ['credential_exposure', 'credentials'],
    ['compatibility', 'compatibility'],
    ['client_compatibility', 'compatibility'],
    ['documentation', 'documentation'],
    ['documentationCompleteness', 'documentation']
  ])('reads the sub-score key %s as the %s axis', async (key, axis) => {
    gradeRequest().reply(200, { overall_grade: 'B', sub_scores: { [key]: 'A' } })
    const { grader } = setup()
    const outcome = await grader.grade(npmServer(FS, '2025.8.21'))
    if (outcome.kind !== 'graded') throw new Error(JSON.stringify(outcome))
    const assessed = Object.entries(outcome.report.subScores).filter(([, v]) => v !== null)
    expect(assessed).toEqual([[axis, { score: null, grade: 'A' }]])
  })

  it.each([
    ['Security Score', 'sub_scores["Security Score"]: "Security Score" is not an axis'],
    ['vibes', 'sub_scores.vibes: "vibes" is not an axis'],
    ['overall', 'sub_scores.overall: "overall" is not an axis']
  ])('fails closed on the unknown sub-score key %j', async (key, expected) => {
    gradeRequest().reply(200, { overall_grade: 'A', sub_scores: { [key]: 'F', permissions: 'A' } })
    const { grader } = setup()
    const message = expectError(await grader.grade(npmServer(FS, '2025.8.21')))
    expect(message).toBe(
      `the grading service's answer for ${FS_PURL} is invalid: ${expected}: use one of ` +
        'security, permissions, credentials, maintenance, compatibility, documentation (or ' +
        'permissions_hygiene, permission_hygiene, credential_exposure, client_compatibility, ' +
        'documentation_completeness)'
    )
  })

  it('refuses an answer whose letter contradicts its number (F with 95): no evidence, an error', async () => {
    gradeRequest().reply(200, { overall_grade: 'F', overall_score: 95 })
    const outcome = await setup().grader.grade(npmServer(FS, '2025.8.21'))
    expect(expectError(outcome)).toContain('overall: grade F contradicts its score 95')
    gradeRequest().reply(200, {
      overall_grade: 'B',
      overall_score: 80,
      sub_scores: { security: { score: 99, grade: 'F' } }
    })
    expect(expectError(await setup().grader.grade(npmServer(FS, '2025.8.21')))).toContain(
      'sub_scores.security: grade F contradicts its score 99'
    )
  })

  it('never keeps the API key a valid answer echoes (titles, snippets, links)', async () => {
    gradeRequest().reply(200, {
      overall_grade: 'B',
      report_url: `https://grader.example/r/1?key=${KEY}`,
      findings: [
        {
          id: 'SA-1',
          axis: 'security',
          severity: 'low',
          title: `Request made with key ${KEY}`,
          snippet: `Authorization: Bearer ${KEY}`
        }
      ]
    })
    const { grader } = setup()
    const outcome = await grader.grade(npmServer(FS, '2025.8.21'))
    expect(outcome.kind).toBe('graded')
    expect(JSON.stringify(outcome)).not.toContain(KEY)
    expect(JSON.stringify(outcome)).toContain('Request made with key ***')
  })

  it('maps findings leniently (id/message/cwe number/flat evidence/advisory id)', async () => {
    gradeRequest().reply(200, {
      overall_grade: 'D',
      sub_scores: { security: 30 },
      findings: [
        {
          id: 'SA-101',
          axis: 'security',
          severity: 'CRITICAL',
          message: 'Command injection in tool handler',
          cwe: 78,
          file: 'dist/index.js',
          line: 120,
          snippet: 'exec(`git ${args}`)',
          advisory_id: 'GHSA-xxxx-yyyy-zzzz',
          advisory_url: 'https://github.com/advisories/GHSA-xxxx-yyyy-zzzz',
          fixed_in: '2025.9.0',
          confidence: 0.9
        },
        {
          rule_id: 'docs.readme',
          axis: 'documentation_completeness',
          severity: 'moderate',
          title: 'No README',
          cwe: null
        }
      ]
    })
    const { grader } = setup()
    const outcome = await grader.grade(npmServer(FS, '2025.8.21'))
    if (outcome.kind !== 'graded') throw new Error(JSON.stringify(outcome))
    expect(outcome.report.findings).toEqual([
      {
        ruleId: 'SA-101',
        axis: 'security',
        severity: 'critical',
        title: 'Command injection in tool handler',
        cwe: 'CWE-78',
        evidence: { file: 'dist/index.js', line: 120, snippet: 'exec(`git ${args}`)' },
        advisory: {
          id: 'GHSA-xxxx-yyyy-zzzz',
          url: 'https://github.com/advisories/GHSA-xxxx-yyyy-zzzz',
          fixedIn: '2025.9.0'
        }
      },
      { ruleId: 'docs.readme', axis: 'documentation', severity: 'medium', title: 'No README' }
    ])
  })

  it('asks about a remote server by its URL without credentials, query or token-like path', async () => {
    const id = 'https://mcp.example.com/*/sse'
    const scope = gradeRequest(id).reply(200, { overall_grade: 'A' })
    const { grader } = setup()
    const outcome = await grader.grade(
      remoteServer('https://user:pw@mcp.example.com/sk-live-abcdef123456/sse?api_key=zzz')
    )
    expect(scope.isDone()).toBe(true)
    expect(outcome.kind).toBe('graded')
  })

  it('sends no Authorization header when there is no key', async () => {
    const scope = gradeRequest(FS_PURL, null).reply(200, { overall_grade: 'A' })
    const { grader } = setup({ apiKey: undefined })
    expect((await grader.grade(npmServer(FS, '2025.8.21'))).kind).toBe('graded')
    expect(scope.isDone()).toBe(true)
  })

  it('keeps a base path and drops trailing slashes of the service URL', async () => {
    const scope = nock(base)
      .get('/v1/api/grade')
      .query({ server: FS_PURL })
      .reply(200, { overall_grade: 'A' })
    const { grader } = setup({ url: `${base}/v1/` })
    expect((await grader.grade(npmServer(FS, '2025.8.21'))).kind).toBe('graded')
    expect(scope.isDone()).toBe(true)
  })
})

describe('api grader: once per identity', () => {
  it('asks once for two servers with the same purl (concurrently and later)', async () => {
    const scope = gradeRequest().once().reply(200, { overall_grade: 'A' })
    const { grader } = setup()
    const [a, b] = await Promise.all([
      grader.grade(npmServer(FS, '2025.8.21', 'fs-one')),
      grader.grade(npmServer(FS, '2025.8.21', 'fs-two'))
    ])
    const c = await grader.grade(npmServer(FS, '2025.8.21', 'fs-three'))
    expect(scope.isDone()).toBe(true)
    expect([a, b, c].map((o) => o.kind)).toEqual(['graded', 'graded', 'graded'])
    expect(b).toEqual(a)
    expect(c).toEqual(a)
  })

  it('asks separately for different versions', async () => {
    const one = gradeRequest().reply(200, { overall_grade: 'A' })
    const two = gradeRequest(FS_PURL.replace('2025.8.21', '2025.9.1')).reply(200, {
      overall_grade: 'C'
    })
    const { grader } = setup()
    const a = await grader.grade(npmServer(FS, '2025.8.21'))
    const b = await grader.grade(npmServer(FS, '2025.9.1'))
    expect(one.isDone() && two.isDone()).toBe(true)
    expect(a.kind === 'graded' && a.report.overall.grade).toBe('A')
    expect(b.kind === 'graded' && b.report.overall.grade).toBe('C')
  })
})

describe('api grader: no identity', () => {
  it.each([
    ['a local server', localServer(), /local code/],
    ['an npm server with no exact version', unresolvedNpmServer('some-mcp'), /no exact version/],
    ['a loopback remote', remoteServer('http://localhost:3000/mcp'), /no public URL/]
  ])('answers ungraded for %s without a request', async (_label, server, reason) => {
    const { grader } = setup()
    const outcome = await grader.grade(server)
    expect(outcome.kind).toBe('ungraded')
    if (outcome.kind === 'ungraded') expect(outcome.reason).toMatch(reason)
    expect(nock.pendingMocks()).toEqual([])
  })
})

describe('api grader: failures', () => {
  it('404 → ungraded', async () => {
    gradeRequest().reply(404, { error: 'not found' })
    const { grader } = setup()
    expect(await grader.grade(npmServer(FS, '2025.8.21'))).toEqual({
      kind: 'ungraded',
      reason: `the grading service has no grade for ${FS_PURL}`
    })
  })

  it.each([401, 403])('%d → error about the API key, never showing it', async (status) => {
    gradeRequest().reply(status, { error: `bad key ${KEY}` })
    const { grader, logged } = setup()
    const message = expectError(await grader.grade(npmServer(FS, '2025.8.21')))
    expect(message).toBe(
      `the grading service rejected the API key (${status}): check MCP_GRADER_API_KEY / the grader-api-key input`
    )
    expect(logged.join('\n')).not.toContain(KEY)
  })

  it('401 without a key says a key is needed', async () => {
    gradeRequest(FS_PURL, null).reply(401)
    const { grader } = setup({ apiKey: '' })
    expect(expectError(await grader.grade(npmServer(FS, '2025.8.21')))).toMatch(
      /requires an API key \(401\)/
    )
  })

  it('429 with Retry-After is retried after that delay, then succeeds', async () => {
    gradeRequest()
      .reply(429, '', { 'Retry-After': '7' })
      .get('/api/grade')
      .query({ server: FS_PURL })
      .reply(200, { overall_grade: 'B' })
    const { grader, waits } = setup()
    const outcome = await grader.grade(npmServer(FS, '2025.8.21'))
    expect(outcome.kind).toBe('graded')
    expect(waits).toEqual([7000])
  })

  it('429 that persists → error naming the rate limit and the Retry-After', async () => {
    const scope = gradeRequest().times(3).reply(429, 'slow down', { 'Retry-After': '3' })
    const { grader, waits } = setup()
    const message = expectError(await grader.grade(npmServer(FS, '2025.8.21')))
    expect(scope.isDone()).toBe(true)
    expect(waits).toEqual([3000, 3000])
    expect(message).toMatch(/rate-limiting \(429\)/)
    expect(message).toMatch(/retry after 3 s \(Retry-After\)/)
    expect(message).toContain(FS_PURL)
  })

  it('500 after retries → error with the status', async () => {
    gradeRequest().times(3).reply(500, 'boom')
    const { grader } = setup()
    expect(expectError(await grader.grade(npmServer(FS, '2025.8.21')))).toMatch(
      /failed with HTTP 500 .* after retries/
    )
  })

  it('another client error (400) → error with the status', async () => {
    gradeRequest().reply(400, 'bad request')
    const { grader } = setup()
    expect(expectError(await grader.grade(npmServer(FS, '2025.8.21')))).toBe(
      `the grading service answered HTTP 400 for ${FS_PURL}`
    )
  })

  it('timeout → error', async () => {
    gradeRequest().times(3).delay(300).reply(200, { overall_grade: 'A' })
    const { grader } = setup({}, 30)
    const message = expectError(await grader.grade(npmServer(FS, '2025.8.21')))
    expect(message).toMatch(/did not answer in time/)
    expect(message).toMatch(/timed out after 30 ms/)
  })

  it('connection failure → error', async () => {
    gradeRequest().times(3).replyWithError({ code: 'ECONNREFUSED', message: 'refused' })
    const { grader } = setup()
    expect(expectError(await grader.grade(npmServer(FS, '2025.8.21')))).toMatch(
      /could not reach the grading service/
    )
  })

  it('malformed JSON → error with a short, sanitised excerpt that masks the key', async () => {
    const body = `<html>\u001b[2J Oops ${KEY} ${'x'.repeat(500)}</html>`
    gradeRequest().reply(200, body, { 'content-type': 'text/html' })
    const { grader } = setup()
    const message = expectError(await grader.grade(npmServer(FS, '2025.8.21')))
    expect(message).toMatch(/did not answer JSON/)
    expect(message).toContain('starts with "<html> [2J Oops ***')
    expect(message).not.toContain('\u001b')
    expect(message).not.toContain('x'.repeat(100))
    expect(message.length).toBeLessThan(250)
  })

  it.each([
    [{ overall_grade: 'Z' }, 'overall_grade: expected a grade letter A, B, C, D or F'],
    [
      { overall_grade: 'A', sub_scores: { security: 250 } },
      'sub_scores.security: expected a score'
    ],
    [{ overall_grade: 'A', sub_scores: { credentials: -5 } }, 'sub_scores.credentials: expected'],
    [{ overall_grade: 'A', overall_score: 101 }, 'overall_score: expected a score'],
    [{ overall_grade: 'A', findings: 'none' }, 'findings: expected an array'],
    [
      { overall_grade: 'A', findings: [{ id: 'x', severity: 'low', title: 't' }] },
      'findings[0].axis: is required'
    ],
    [
      { overall_grade: 'A', report_url: 'javascript:alert(1)' },
      'report_url: expected an http(s) URL'
    ],
    [
      { overall_grade: 'A', report_url: 'data:text/html,<script>alert(1)</script>' },
      'report_url: expected an http(s) URL'
    ],
    [
      {
        overall_grade: 'A',
        findings: [
          {
            id: 'x',
            axis: 'security',
            severity: 'high',
            title: 't',
            advisory: { id: 'GHSA-1', url: 'javascript:alert(1)' }
          }
        ]
      },
      'findings[0].advisory.url: expected an http(s) URL'
    ],
    [
      {
        overall_grade: 'A',
        findings: [
          {
            id: 'x',
            axis: 'security',
            severity: 'high',
            title: 't',
            advisory_id: 'GHSA-1',
            advisory_url: 'file:///etc/passwd'
          }
        ]
      },
      'findings[0].advisory_url: expected an http(s) URL'
    ],
    [{ sub_scores: { security: 'A' } }, 'overall_grade: is required'],
    [[{ overall_grade: 'A' }], 'expected a JSON object']
  ])('schema-violating body %j → error naming the field', async (body, expected) => {
    gradeRequest().reply(200, body as nock.Body)
    const { grader } = setup()
    const message = expectError(await grader.grade(npmServer(FS, '2025.8.21')))
    expect(message).toContain(`the grading service's answer for ${FS_PURL} is invalid: `)
    expect(message).toContain(expected)
  })

  it('an answer over the size limit → error', async () => {
    gradeRequest().reply(200, { overall_grade: 'A', padding: 'x'.repeat(3 * 1024 * 1024) })
    const { grader } = setup()
    expect(expectError(await grader.grade(npmServer(FS, '2025.8.21')))).toMatch(
      /over the 2 MiB limit/
    )
  })

  it('never logs the key', async () => {
    gradeRequest().reply(200, { overall_grade: 'A' })
    const { grader, logged } = setup()
    await grader.grade(npmServer(FS, '2025.8.21'))
    expect(logged.length).toBeGreaterThan(0)
    expect(logged.join('\n')).not.toContain(KEY)
  })
})

describe('createApiGrader: options', () => {
  const http = new HttpClient()
  it.each([
    ['not a URL', 'grader.example', /not an absolute URL/],
    ['credentials in the URL', 'https://me:pw@grader.example', /holds credentials/],
    ['a query string', 'https://grader.example/?key=abc', /query string/],
    ['another scheme', 'ftp://grader.example', /must use https/],
    ['plain http with a key', 'http://grader.example', /plain http/]
  ])('rejects %s', (_label, url, message) => {
    expect(() => createApiGrader({ url, apiKey: KEY, http })).toThrow(message)
  })

  it.each([
    'http://localhost:8080',
    'http://grader.localhost:8080',
    'http://127.0.0.2:8080',
    'http://[::1]:8080'
  ])('allows plain http to the loopback host of %s (a local test service)', (url) => {
    expect(() => createApiGrader({ url, apiKey: KEY, http })).not.toThrow()
  })

  it('shows a rejected URL without its query values', () => {
    expect(() =>
      createApiGrader({ url: 'https://grader.example/v1?key=s3cret-value', apiKey: KEY, http })
    ).toThrow('the grading service URL https://grader.example/v1?… must not have a query string')
  })

  it('rejects a key with a newline without showing it', () => {
    let thrown: unknown
    try {
      createApiGrader({ url: base, apiKey: 'abc\ndef-SECRET', http })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(TypeError)
    expect(String(thrown)).not.toContain('SECRET')
  })
})

/**
 * Issue 6 scope 2, end to end: `gate()` while the npm registry (packument and tarball), PyPI, OSV
 * and the grading API time out, reset, rate-limit, fail, trickle, truncate, flood or lie (nock,
 * recorded fixtures; no network). Whatever the fault, no server ends as `pass` without a valid
 * grade: it is `GRADER_ERROR` (verdict `error`) or `UNGRADED` (`fail`), blocked — and only
 * `warn` (never `pass`) where the policy says `onGraderError: warn`. Requests to a failing
 * service are bounded, and a small `budgetMs` bounds the wall time of the whole run.
 *
 * Each table has a healthy control row, so the harness can tell a pass from a block.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import nock from 'nock'
import { gate, type GateOptions } from '../../src/gate.js'
import type { FetchLike } from '../../src/net/http.js'
import type { ServerResult } from '../../src/policy/result.js'
import type { GateRun } from '../../src/report/run.js'
import { trickle } from '../support/slow-body.js'

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url))
const fixture = (p: string): Buffer => readFileSync(path.join(fixtures, p))

const NPM = 'https://registry.npmjs.org'
const OSV = 'https://osv.gate-faults.test'
const GRADER = 'https://grader.gate-faults.test'
const PYPI = 'https://pypi.gate-faults.test'
const API_KEY = 'sk-gate-faults-0123456789abcdefSECRET'
const RETRIES = 1
const NOW = new Date('2026-11-21T10:00:00Z')
const TARBALL_PATH = '/tavily-mcp/-/tavily-mcp-0.2.22.tgz'
const HEALTHY_GRADE = { overall_grade: 'A', overall_score: 95, audited_at: '2026-11-20T00:00:00Z' }

let work: string
let requests: string[] = []
const countingFetch: FetchLike = (input, init) => {
  requests.push(`${init?.method ?? 'GET'} ${String(input)}`)
  return fetch(input, init)
}

/** The services of a run, each a nock interceptor factory (persisted: every attempt). */
const ENDPOINTS = {
  packument: { url: `GET ${NPM}/tavily-mcp`, at: () => nock(NPM).persist().get('/tavily-mcp') },
  tarball: { url: `GET ${NPM}${TARBALL_PATH}`, at: () => nock(NPM).persist().get(TARBALL_PATH) },
  osv: { url: `POST ${OSV}/v1/querybatch`, at: () => nock(OSV).persist().post('/v1/querybatch') },
  grader: {
    url: `GET ${GRADER}/api/grade`,
    at: () => nock(GRADER).persist().get('/api/grade').query(true)
  },
  pypi: {
    url: `GET ${PYPI}/pypi/demo-mcp/json`,
    at: () => nock(PYPI).persist().get('/pypi/demo-mcp/json')
  }
} as const
type Endpoint = keyof typeof ENDPOINTS

/** Healthy answers of every service (registered after a fault, so the fault wins). */
function serveHealthy(): void {
  ENDPOINTS.packument.at().reply(200, fixture('packuments/tavily-mcp.json'))
  ENDPOINTS.tarball.at().reply(200, fixture('tarballs/tavily-mcp-0.2.22.tgz'))
  nock(NPM)
    .persist()
    .get('/@modelcontextprotocol%2fsdk')
    .reply(200, fixture('packuments/modelcontextprotocol-sdk.json'))
    // Dependencies not recorded: not on this registry (the grade notes them, nothing is retried).
    .get(/.*/)
    .reply(404, { error: 'Not found' })
  ENDPOINTS.osv.at().reply(200, (_uri, body) => ({
    results: (body as { queries: unknown[] }).queries.map(() => ({}))
  }))
  ENDPOINTS.grader.at().reply(200, HEALTHY_GRADE)
  ENDPOINTS.pypi.at().reply(200, fixture('pypi/demo-mcp.json'))
}

/** Requests made to one service. */
function requestsTo(endpoint: Endpoint): number {
  const url = ENDPOINTS[endpoint].url
  return requests.filter((r) => r === url || r.startsWith(`${url}?`)).length
}

/** One fault of a service: how it is served and whether the client retries it. */
interface Fault {
  name: string
  serve: (interceptor: nock.Interceptor) => void
  retried: boolean
}

const reply =
  (status: number, body: nock.Body = '', headers: Record<string, string> = {}) =>
  (i: nock.Interceptor) =>
    void i.reply(status, body, headers)

/** Transport faults every service can show. */
const TRANSPORT: Fault[] = [
  { name: 'timeout', serve: (i) => void i.delay(2_000).reply(200, {}), retried: true },
  { name: 'slow body', serve: (i) => void i.reply(200, trickle(400, 25)), retried: true },
  {
    name: 'connection reset',
    serve: (i) => void i.replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }),
    retried: true
  },
  { name: '429 without Retry-After', serve: reply(429, 'Too Many Requests'), retried: true },
  { name: '429 with Retry-After: 0', serve: reply(429, '', { 'Retry-After': '0' }), retried: true },
  {
    name: '429 with an HTTP-date Retry-After in the past',
    serve: reply(429, '', { 'Retry-After': 'Thu, 01 Jan 1970 00:00:00 GMT' }),
    retried: true
  },
  {
    name: '429 asking for an hour (over the cap: no wait)',
    serve: reply(429, '', { 'Retry-After': '3600' }),
    retried: false
  },
  { name: '503 with Retry-After: 0', serve: reply(503, '', { 'Retry-After': '0' }), retried: true },
  {
    name: '500 with Retry-After: 0',
    serve: reply(500, '<html/>', { 'Retry-After': '0' }),
    retried: true
  }
]

/**
 * The transport faults replayed through the gate for the registries and OSV (the whole list is
 * replayed against each client, with no real sleeps, in faults-services.test.ts; here the point
 * is the wiring from each service's failure to a blocked server).
 */
const SOME_TRANSPORT: Fault[] = TRANSPORT.filter((f) =>
  [
    'timeout',
    'connection reset',
    '429 with Retry-After: 0',
    '429 asking for an hour (over the cap: no wait)',
    '503 with Retry-After: 0'
  ].includes(f.name)
)

/** Faults of a JSON service's answer. */
const JSON_ANSWERS: Fault[] = [
  {
    name: 'truncated JSON',
    serve: reply(200, '{"name": "tavily-mcp", "versions": {"0.2'),
    retried: false
  },
  {
    name: 'an HTML page',
    serve: reply(200, '<!doctype html><title>Portal</title>'),
    retried: false
  },
  {
    name: 'valid JSON of the wrong shape',
    serve: reply(200, [{ name: 'tavily-mcp' }]),
    retried: false
  },
  {
    name: '10 MB of junk',
    serve: (i) => void i.reply(200, () => Readable.from([Buffer.alloc(10_000_000, 0x41)])),
    retried: false
  }
]

/** Absurd or lying grading-service answers. */
const GRADER_ANSWERS: Fault[] = [
  {
    name: 'score 250',
    serve: reply(200, { overall_grade: 'A', overall_score: 250 }),
    retried: false
  },
  {
    name: 'grade "Z"',
    serve: reply(200, { overall_grade: 'Z', overall_score: 95 }),
    retried: false
  },
  {
    name: 'a negative sub-score',
    serve: reply(200, { overall_grade: 'A', sub_scores: { security: -1 } }),
    retried: false
  },
  {
    name: 'audited in 1970',
    serve: reply(200, { ...HEALTHY_GRADE, audited_at: '1970-01-01T00:00:00Z' }),
    retried: false
  },
  {
    name: 'audited in 2999',
    serve: reply(200, { ...HEALTHY_GRADE, audited_at: '2999-12-31T00:00:00Z' }),
    retried: false
  },
  {
    name: '10 MB of valid JSON (over the answer limit)',
    serve: reply(200, { ...HEALTHY_GRADE, padding: 'x'.repeat(10_000_000) }),
    retried: false
  },
  { name: '401 (key rejected)', serve: reply(401, { error: 'bad key' }), retried: false }
]

/** Faults of a tarball download. */
const TARBALL_ANSWERS: Fault[] = [
  {
    name: 'a truncated tarball',
    serve: (i) => void i.reply(200, fixture('tarballs/tavily-mcp-0.2.22.tgz').subarray(0, 200)),
    retried: false
  },
  {
    name: 'bytes that are not the package (integrity)',
    serve: reply(200, 'not a tarball'),
    retried: false
  },
  {
    name: '10 MB of junk',
    serve: (i) => void i.reply(200, () => Readable.from([Buffer.alloc(10_000_000, 0x1f)])),
    retried: false
  }
]

const policies = {
  fail: undefined,
  warn: { path: '.github/mcp-policy.yml', text: 'onGraderError: warn\n' }
} as const

function writeConfig(servers: Record<string, unknown>): void {
  writeFileSync(path.join(work, '.mcp.json'), JSON.stringify({ mcpServers: servers }))
}

const PINNED = { search: { command: 'npx', args: ['-y', 'tavily-mcp@0.2.22'] } }
const UNPINNED = { search: { command: 'npx', args: ['-y', 'tavily-mcp'] } }
const PYPI_SERVER = { py: { command: 'uvx', args: ['demo-mcp'] } }

function run(options: Partial<GateOptions> = {}): Promise<GateRun> {
  return gate({
    paths: [],
    cwd: work,
    today: '2026-11-21',
    now: () => NOW,
    environment: 'development',
    httpRetries: RETRIES,
    httpTimeoutMs: 150,
    advisoryUrl: OSV,
    pypiUrl: PYPI,
    fetch: countingFetch,
    ...options
  })
}

const apiGrader = { grader: 'api' as const, graderUrl: GRADER, graderApiKey: API_KEY }

/** Nothing a user sees may hold the API key. */
function expectNoKey(r: GateRun): void {
  expect(JSON.stringify(r)).not.toContain(API_KEY)
}

/** The one server of a run, checked never to pass without a valid grade. */
function onlyServer(r: GateRun): ServerResult {
  expect(r.servers).toHaveLength(1)
  const s = r.servers[0]!
  if (s.grade === null) expect(s.verdict).not.toBe('pass')
  return s
}

function codes(s: ServerResult, severity: 'error' | 'warning'): string[] {
  return s.reasons.filter((r) => r.severity === severity).map((r) => r.code)
}

beforeAll(() => {
  nock.disableNetConnect()
})
beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'faults-gate-'))
  requests = []
})
afterEach(() => {
  nock.abortPendingRequests()
  nock.cleanAll()
  rmSync(work, { recursive: true, force: true })
})
afterAll(() => {
  nock.enableNetConnect()
})

describe('api grader: the grading service fails or lies', () => {
  it('control: a healthy answer passes', async () => {
    writeConfig(PINNED)
    serveHealthy()
    const s = onlyServer(await run(apiGrader))
    expect(s.verdict).toBe('pass')
    expect(s.grade?.overall).toEqual({ score: 95, grade: 'A' })
    expect(requestsTo('grader')).toBe(1)
  })

  const faults = [...TRANSPORT, ...JSON_ANSWERS, ...GRADER_ANSWERS]
  it.each(faults)('$name → GRADER_ERROR, blocked', async (fault) => {
    writeConfig(PINNED)
    fault.serve(ENDPOINTS.grader.at())
    serveHealthy()
    const r = await run(apiGrader)
    const s = onlyServer(r)
    expect(s.grade).toBeNull()
    expect(s.gradeProblem?.kind).toBe('error')
    expect(s.verdict).toBe('error')
    expect(codes(s, 'error')).toContain('GRADER_ERROR')
    expect(r.verdict).toBe('fail')
    expect(requestsTo('grader')).toBe(fault.retried ? RETRIES + 1 : 1)
    expectNoKey(r)
  })

  const sample = faults.filter((f) =>
    [
      'timeout',
      'connection reset',
      '429 without Retry-After',
      'truncated JSON',
      'score 250',
      'audited in 1970'
    ].includes(f.name)
  )
  it.each(sample)('onGraderError: warn — $name → warn, never pass', async (fault) => {
    writeConfig(PINNED)
    fault.serve(ENDPOINTS.grader.at())
    serveHealthy()
    const r = await run({ ...apiGrader, policyDocument: policies.warn })
    const s = onlyServer(r)
    expect(s.verdict).toBe('warn')
    expect(codes(s, 'warning')).toContain('GRADER_ERROR')
    expect(codes(s, 'error')).toEqual([])
    expect(r.verdict).toBe('warn')
  })

  it.each([
    ['fail', policies.fail],
    ['warn', policies.warn]
  ] as const)('404 (no grade) → UNGRADED, blocked even with onGraderError: %s', async (_, doc) => {
    writeConfig(PINNED)
    ENDPOINTS.grader.at().reply(404, { error: 'unknown server' })
    serveHealthy()
    const s = onlyServer(await run({ ...apiGrader, policyDocument: doc }))
    expect(s.gradeProblem?.kind).toBe('ungraded')
    expect(s.verdict).toBe('fail')
    expect(codes(s, 'error')).toContain('UNGRADED')
  })
})

describe('built-in grader: the npm registry fails', () => {
  it('control: healthy registry, tarball and OSV grade and pass the server', async () => {
    writeConfig(PINNED)
    serveHealthy()
    const s = onlyServer(await run())
    expect(s.verdict).toBe('pass')
    expect(s.grade?.source).toBe('builtin')
    expect(s.grade?.findings.map((f) => f.ruleId)).not.toContain('advisory.not-checked')
    expect(requestsTo('packument')).toBe(1)
  })

  const rows = [
    ...[...SOME_TRANSPORT, ...JSON_ANSWERS].map((fault) => ({ endpoint: 'packument', fault })),
    ...[...TRANSPORT, ...TARBALL_ANSWERS].map((fault) => ({ endpoint: 'tarball', fault }))
  ].map(({ endpoint, fault }) => ({ endpoint: endpoint as Endpoint, name: fault.name, fault }))
  it.each(rows)('$endpoint: $name → GRADER_ERROR, blocked', async ({ endpoint, fault }) => {
    writeConfig(PINNED)
    fault.serve(ENDPOINTS[endpoint].at())
    serveHealthy()
    const r = await run()
    const s = onlyServer(r)
    expect(s.grade).toBeNull()
    expect(s.verdict).toBe('error')
    expect(codes(s, 'error')).toContain('GRADER_ERROR')
    // The packument is fetched once per run (resolver and grader share it), retries included.
    expect(requestsTo(endpoint)).toBe(fault.retried ? RETRIES + 1 : 1)
  })

  it('onGraderError: warn — a registry outage warns, never passes', async () => {
    writeConfig(PINNED)
    reply(503, '', { 'Retry-After': '0' })(ENDPOINTS.packument.at())
    serveHealthy()
    const s = onlyServer(await run({ policyDocument: policies.warn }))
    expect(s.verdict).toBe('warn')
    expect(codes(s, 'warning')).toContain('GRADER_ERROR')
  })
})

describe('an unpinned server whose version the registry cannot tell', () => {
  it('control: npm healthy → resolved and graded (a warning for the missing pin only)', async () => {
    writeConfig(UNPINNED)
    serveHealthy()
    const s = onlyServer(await run(apiGrader))
    expect(s.grade).not.toBeNull()
    expect(s.verdict).toBe('warn')
    expect(codes(s, 'warning')).toEqual(['UNPINNED'])
  })

  const faults = [
    SOME_TRANSPORT[0]!,
    SOME_TRANSPORT[1]!,
    SOME_TRANSPORT[2]!,
    JSON_ANSWERS[0]!,
    JSON_ANSWERS[2]!
  ]
  it.each(faults)(
    'npm $name + api grader → UNGRADED, blocked under either policy',
    async (fault) => {
      for (const doc of [policies.fail, policies.warn]) {
        nock.abortPendingRequests()
        nock.cleanAll()
        requests = []
        writeConfig(UNPINNED)
        fault.serve(ENDPOINTS.packument.at())
        serveHealthy()
        const s = onlyServer(await run({ ...apiGrader, policyDocument: doc }))
        expect(s.server.package.version).toBeNull()
        expect(s.verdict).toBe('fail')
        expect(codes(s, 'error')).toContain('UNGRADED')
        // Nothing to ask the grading service about.
        expect(requestsTo('grader')).toBe(0)
      }
    }
  )

  it.each(faults)('npm $name + built-in grader → GRADER_ERROR', async (fault) => {
    writeConfig(UNPINNED)
    fault.serve(ENDPOINTS.packument.at())
    serveHealthy()
    const s = onlyServer(await run())
    expect(s.verdict).toBe('error')
    expect(codes(s, 'error')).toContain('GRADER_ERROR')
  })

  it('control: PyPI healthy → resolved and graded by the api grader', async () => {
    writeConfig(PYPI_SERVER)
    serveHealthy()
    const s = onlyServer(await run(apiGrader))
    expect(s.server.package.version).toBe('1.3.0')
    expect(s.grade).not.toBeNull()
    expect(requestsTo('pypi')).toBe(1)
  })

  it.each([...SOME_TRANSPORT, ...JSON_ANSWERS])(
    'PyPI $name + api grader → UNGRADED, blocked',
    async (fault) => {
      writeConfig(PYPI_SERVER)
      fault.serve(ENDPOINTS.pypi.at())
      serveHealthy()
      const s = onlyServer(await run(apiGrader))
      expect(s.server.package.version).toBeNull()
      expect(s.verdict).toBe('fail')
      expect(codes(s, 'error')).toContain('UNGRADED')
      expect(requestsTo('pypi')).toBe(fault.retried ? RETRIES + 1 : 1)
      expect(requestsTo('grader')).toBe(0)
    }
  )

  it.each([SOME_TRANSPORT[1]!, JSON_ANSWERS[0]!])(
    'PyPI $name + built-in grader → GRADER_ERROR',
    async (fault) => {
      writeConfig(PYPI_SERVER)
      fault.serve(ENDPOINTS.pypi.at())
      serveHealthy()
      const s = onlyServer(await run())
      expect(s.verdict).toBe('error')
      expect(codes(s, 'error')).toContain('GRADER_ERROR')
    }
  )
})

describe('built-in grader: OSV fails', () => {
  // By the rubric (docs/grading.md, `advisory.not-checked`), an advisory lookup that failed is a
  // finding on the graded package, with the failure as its evidence: "not checked is not
  // assumed safe". The grade is still made from the rest of the evidence.
  let healthySecurity = Number.NaN
  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'faults-gate-'))
    writeConfig(PINNED)
    serveHealthy()
    const healthy = onlyServer(await run())
    expect(healthy.grade?.findings.map((f) => f.ruleId)).not.toContain('advisory.not-checked')
    healthySecurity = healthy.grade!.subScores.security!.score!
    nock.cleanAll()
    rmSync(work, { recursive: true, force: true })
  })

  it.each([...SOME_TRANSPORT, ...JSON_ANSWERS])(
    '$name → the grade says advisories were not checked, and why',
    async (fault) => {
      writeConfig(PINNED)
      fault.serve(ENDPOINTS.osv.at())
      serveHealthy()
      const s = onlyServer(await run())
      const notChecked = s.grade?.findings.filter((f) => f.ruleId === 'advisory.not-checked') ?? []
      expect(notChecked).toHaveLength(1)
      expect(notChecked[0]!.evidence?.snippet).toMatch(/osv\.dev/)
      expect(s.grade!.subScores.security!.score!).toBeLessThan(healthySecurity)
      expect(requestsTo('osv')).toBe(fault.retried ? RETRIES + 1 : 1)
    }
  )
})

describe('the total time budget (budgetMs), on the real clock', () => {
  it('every service hanging: the run ends soon after the budget, nothing passes', async () => {
    writeConfig({ ...PINNED, ...PYPI_SERVER, remote: { url: 'https://mcp.example.com/mcp' } })
    for (const endpoint of Object.keys(ENDPOINTS) as Endpoint[]) {
      ENDPOINTS[endpoint].at().delay(20_000).reply(200, {})
    }
    serveHealthy()
    const started = Date.now()
    const r = await run({ ...apiGrader, httpTimeoutMs: 15_000, httpRetries: 3, budgetMs: 600 })
    const elapsed = Date.now() - started
    expect(elapsed).toBeLessThan(600 + 2_000)
    expect(r.servers).toHaveLength(3)
    for (const s of r.servers) {
      expect(s.grade).toBeNull()
      expect(['error', 'fail']).toContain(s.verdict)
    }
    expect(r.verdict).toBe('fail')
  })

  it('built-in grader: a hanging registry costs the budget, not timeout × retries', async () => {
    writeConfig(PINNED)
    ENDPOINTS.packument.at().delay(20_000).reply(200, {})
    serveHealthy()
    const started = Date.now()
    const r = await run({ httpTimeoutMs: 15_000, httpRetries: 3, budgetMs: 500 })
    expect(Date.now() - started).toBeLessThan(500 + 2_000)
    const s = onlyServer(r)
    expect(s.verdict).toBe('error')
    expect(s.gradeProblem?.message).toMatch(/budget|timed out/)
  })
})

/** What a grading service may answer for one server in the property below. */
const ANSWERS = {
  'healthy A': { status: 200, body: HEALTHY_GRADE },
  'healthy F': { status: 200, body: { ...HEALTHY_GRADE, overall_grade: 'F', overall_score: 20 } },
  '500': { status: 500, body: '' },
  'score 250': { status: 200, body: { overall_grade: 'A', overall_score: 250 } },
  'grade Z': { status: 200, body: { overall_grade: 'Z' } },
  'negative axis': { status: 200, body: { overall_grade: 'A', sub_scores: { security: -3 } } },
  'audited 1970': { status: 200, body: { ...HEALTHY_GRADE, audited_at: '1970-01-01' } },
  'audited 2999': { status: 200, body: { ...HEALTHY_GRADE, audited_at: '2999-01-01' } },
  truncated: { status: 200, body: '{"overall_grade": "A", "overall' },
  'wrong shape': { status: 200, body: ['A'] },
  '401': { status: 401, body: '' },
  '404': { status: 404, body: '' }
} as const
type AnswerName = keyof typeof ANSWERS
/** Fixed so a failure reproduces; fast-check prints it (with the path) when the property fails. */
const SEED = 0x6_0002

describe('property: ten remote servers, each answered at random (seeded)', () => {
  it('a server passes only with a valid passing grade; the run passes only if all do', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...(Object.keys(ANSWERS) as AnswerName[])), {
          minLength: 10,
          maxLength: 10
        }),
        async (answers) => {
          nock.cleanAll()
          requests = []
          const servers = Object.fromEntries(
            answers.map((_, i) => [`remote-${i}`, { url: `https://mcp${i}.example.com/mcp` }])
          )
          writeConfig(servers)
          answers.forEach((name, i) => {
            const { status, body } = ANSWERS[name]
            nock(GRADER)
              .persist()
              .get('/api/grade')
              .query({ server: `https://mcp${i}.example.com/mcp` })
              .reply(status, body, { 'Retry-After': '0' })
          })
          const r = await run({ ...apiGrader, httpRetries: 1 })
          const byName = new Map(r.servers.map((s) => [s.server.entry.name, s]))
          answers.forEach((name, i) => {
            const s = byName.get(`remote-${i}`)!
            const expected =
              name === 'healthy A'
                ? 'pass'
                : name === 'healthy F' || name === '404'
                  ? 'fail'
                  : 'error'
            expect({ server: i, answer: name, verdict: s.verdict }).toEqual({
              server: i,
              answer: name,
              verdict: expected
            })
          })
          const passing = answers.filter((a) => a === 'healthy A').length
          expect(r.counts.pass).toBe(passing)
          expect(r.verdict).toBe(passing === answers.length ? 'pass' : 'fail')
          // Retries bounded: at most two requests per server (only the 500 is retried).
          expect(requestsTo('grader')).toBe(
            answers.length + answers.filter((a) => a === '500').length
          )
        }
      ),
      { seed: SEED, numRuns: 12 }
    )
  })
})

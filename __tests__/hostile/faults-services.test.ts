/**
 * Issue 6 scope 2, the service clients: the npm registry (`NpmRegistryClient`), PyPI
 * (`PypiClient`), OSV (`createOsvApiSource`: `querybatch` and `vulns/{id}`) and the grading API
 * (`createApiGrader`), each driven through one table of faults (nock; no network): timeouts,
 * resets, 429 with and without `Retry-After`, 5xx, slow bodies, truncated JSON, HTML, 10 MB of
 * junk, valid JSON of the wrong shape, and absurd values. For every service × fault: the client
 * fails in its own documented way (never a stray exception, never a partial answer), the message
 * says what happened and holds no credential, and the number of requests is bounded.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { createApiGrader } from '../../src/grade/api.js'
import { createOsvApiSource } from '../../src/grade/builtin/advisories/osv-api.js'
import { AdvisoryLookupError } from '../../src/grade/builtin/advisories/source.js'
import type { GradeOutcome } from '../../src/grade/report.js'
import { HttpClient, type FetchLike } from '../../src/net/http.js'
import {
  NpmRegistryClient,
  PackageNotFoundError,
  RegistryError
} from '../../src/resolve/npm-registry.js'
import {
  PypiClient,
  PypiNotFoundError,
  PypiRegistryError
} from '../../src/resolve/pypi-registry.js'
import type { ResolvedServer } from '../../src/resolve/types.js'
import { trickle } from '../support/slow-body.js'

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url))
const json = (p: string): unknown => JSON.parse(readFileSync(path.join(fixtures, p), 'utf8'))

const NPM_TOKEN = 'npm_FAULTSxTOKENx0123456789abcdefABCDEF'
const API_KEY = 'sk-faults-0123456789abcdefSECRETKEY'
const RETRIES = 1
const NOW = new Date('2026-11-21T10:00:00Z')

let requests: string[] = []
const countingFetch: FetchLike = (input, init) => {
  requests.push(`${init?.method ?? 'GET'} ${String(input)}`)
  return fetch(input, init)
}

/** The client under test; `timeoutMs` per attempt (short, so hangs and trickles end fast). */
function http(timeoutMs = 120): HttpClient {
  return new HttpClient({
    fetch: countingFetch,
    retries: RETRIES,
    timeoutMs,
    sleep: async () => undefined,
    random: () => 0.5
  })
}

/** How one call ended, as the table compares it. */
interface Ended {
  failed: boolean
  /** The error's class name, or `outcome:<kind>` for the api grader. */
  as: string
  message: string
}

const ended = (error: unknown): Ended => ({
  failed: true,
  as: error instanceof Error ? error.constructor.name : typeof error,
  message: error instanceof Error ? error.message : String(error)
})

/** A pinned npm server, as the resolver makes it, for the api grader. */
function pinnedServer(): ResolvedServer {
  return {
    entry: {
      config: '.mcp.json',
      format: 'claude-code',
      name: 'search',
      location: { line: 1, column: 1 },
      launch: { command: 'npx', args: ['-y', 'tavily-mcp@0.2.22'], env: {}, headers: {} },
      flags: { disabled: false, autoApprove: [], trust: false },
      fieldLocations: {},
      notes: []
    },
    package: {
      ecosystem: 'npm',
      name: 'tavily-mcp',
      versionSpec: '0.2.22',
      version: '0.2.22',
      pinned: true,
      purl: 'pkg:npm/tavily-mcp@0.2.22',
      launcher: 'npx',
      resolution: { status: 'exact' }
    },
    argv: ['npx', '-y', 'tavily-mcp@0.2.22'],
    wrappers: [],
    notes: []
  }
}

/** One service: where it is asked, a healthy answer, and how its client fails. */
interface Service {
  name: string
  origin: string
  method: 'GET' | 'POST'
  /** The path the fault is served on (query included for the api grader). */
  path: string
  /** Answers the service gives besides the faulty one (e.g. OSV's batch before a record). */
  others?: () => void
  healthy: unknown
  /** Run the client once; resolves with how it ended (never rejects). */
  call: (client: HttpClient) => Promise<Ended>
  /** The error class (or outcome) every failure must be. */
  failsAs: string
  /** Valid JSON that is not what the service answers, and absurd values. */
  badAnswers: { name: string; body: unknown }[]
}

const npmService: Service = {
  name: 'npm registry (packument)',
  origin: 'https://npm.faults.test',
  method: 'GET',
  path: '/tavily-mcp',
  healthy: json('packuments/tavily-mcp.json'),
  call: async (client) => {
    const npm = new NpmRegistryClient({
      http: client,
      registry: 'https://npm.faults.test',
      token: NPM_TOKEN
    })
    try {
      const picked = await npm.pickVersion('tavily-mcp', '0.2.22')
      return { failed: false, as: 'ok', message: picked.version }
    } catch (error) {
      return ended(error)
    }
  },
  failsAs: RegistryError.name,
  badAnswers: [
    { name: 'an array', body: [] },
    { name: 'a string', body: 'tavily-mcp' },
    { name: 'name is a number', body: { name: 5, versions: {} } },
    { name: 'versions is a string', body: { name: 'tavily-mcp', versions: 'all' } },
    {
      name: 'a dist-tag that is a number',
      body: { name: 'tavily-mcp', 'dist-tags': { latest: 7 } }
    },
    {
      name: 'a manifest whose tarball is not a URL',
      body: {
        name: 'tavily-mcp',
        'dist-tags': { latest: '0.2.22' },
        versions: {
          '0.2.22': { name: 'tavily-mcp', version: '0.2.22', dist: { tarball: '../../etc/passwd' } }
        }
      }
    }
  ]
}

const pypiService: Service = {
  name: 'PyPI (project JSON)',
  origin: 'https://pypi.faults.test',
  method: 'GET',
  path: '/pypi/demo-mcp/json',
  healthy: json('pypi/demo-mcp.json'),
  call: async (client) => {
    const pypi = new PypiClient({ http: client, baseUrl: 'https://pypi.faults.test' })
    try {
      const picked = pypi.pickVersion(await pypi.getProject('demo-mcp'), '')
      return { failed: false, as: 'ok', message: picked.version }
    } catch (error) {
      return ended(error)
    }
  },
  failsAs: PypiRegistryError.name,
  badAnswers: [
    { name: 'an array', body: [] },
    { name: 'info missing', body: { releases: {} } },
    { name: 'an empty project name', body: { info: { name: '', version: '1.0.0' } } },
    {
      name: 'releases is a list',
      body: { info: { name: 'demo-mcp', version: '1.0.0' }, releases: ['1.0.0'] }
    }
  ]
}

const OSV_ORIGIN = 'https://osv.faults.test'
const OSV_ID = 'GHSA-6xpm-ggf7-wc3p'
const OSV_QUERY = [{ ecosystem: 'npm' as const, name: 'mcp-remote', version: '0.1.15' }]

async function osvLookup(client: HttpClient): Promise<Ended> {
  const source = createOsvApiSource({ http: client, baseUrl: OSV_ORIGIN })
  try {
    const found = await source.lookup(OSV_QUERY)
    return {
      failed: false,
      as: 'ok',
      message: found
        .flat()
        .map((r) => r.id)
        .join(',')
    }
  } catch (error) {
    return ended(error)
  }
}

const osvBatchService: Service = {
  name: 'OSV querybatch',
  origin: OSV_ORIGIN,
  method: 'POST',
  path: '/v1/querybatch',
  others: () => void nock(OSV_ORIGIN).persist().get(`/v1/vulns/${OSV_ID}`).reply(200, osvRecord()),
  healthy: { results: [{ vulns: [{ id: OSV_ID }] }] },
  call: osvLookup,
  failsAs: AdvisoryLookupError.name,
  badAnswers: [
    { name: 'results missing', body: {} },
    { name: 'two results for one query', body: { results: [{}, {}] } },
    { name: 'no results for one query', body: { results: [] } },
    { name: 'an empty advisory id', body: { results: [{ vulns: [{ id: '' }] }] } },
    {
      name: 'a 10 000-character advisory id',
      body: { results: [{ vulns: [{ id: 'G'.repeat(1e4) }] }] }
    },
    {
      name: 'a page token that never ends (runaway pager)',
      body: { results: [{ vulns: [], next_page_token: 'again' }] }
    }
  ]
}

function osvRecord(): Record<string, unknown> {
  return json(`osv/${OSV_ID}.json`) as Record<string, unknown>
}

const osvRecordService: Service = {
  name: 'OSV vulns/{id}',
  origin: OSV_ORIGIN,
  method: 'GET',
  path: `/v1/vulns/${OSV_ID}`,
  others: () =>
    void nock(OSV_ORIGIN)
      .persist()
      .post('/v1/querybatch')
      .reply(200, { results: [{ vulns: [{ id: OSV_ID }] }] }),
  healthy: osvRecord(),
  call: osvLookup,
  failsAs: AdvisoryLookupError.name,
  badAnswers: [
    {
      name: 'another advisory than the one asked for',
      body: { ...osvRecord(), id: 'GHSA-aaaa-bbbb-cccc' }
    },
    { name: 'affected is a string', body: { ...osvRecord(), affected: 'everything' } },
    { name: 'an id that is a number', body: { ...osvRecord(), id: 42 } },
    { name: 'a record without an id', body: { summary: 'nothing' } }
  ]
}

const GRADER_ORIGIN = 'https://grader.faults.test'

const apiService: Service = {
  name: 'grading API',
  origin: GRADER_ORIGIN,
  method: 'GET',
  path: `/api/grade?server=${encodeURIComponent('pkg:npm/tavily-mcp@0.2.22')}`,
  healthy: { overall_grade: 'A', overall_score: 95, audited_at: '2026-11-20T00:00:00Z' },
  call: async (client) => {
    const grader = createApiGrader({
      url: GRADER_ORIGIN,
      apiKey: API_KEY,
      http: client,
      now: () => NOW
    })
    const outcome: GradeOutcome = await grader.grade(pinnedServer())
    if (outcome.kind === 'graded')
      return { failed: false, as: 'ok', message: outcome.report.overall.grade }
    return {
      failed: true,
      as: `outcome:${outcome.kind}`,
      message: outcome.kind === 'error' ? outcome.message : outcome.reason
    }
  },
  failsAs: 'outcome:error',
  badAnswers: [
    { name: 'an array', body: [] },
    { name: 'no overall grade', body: { overall_score: 90 } },
    { name: 'score 250', body: { overall_grade: 'A', overall_score: 250 } },
    { name: 'grade "Z"', body: { overall_grade: 'Z' } },
    { name: 'a negative sub-score', body: { overall_grade: 'A', sub_scores: { security: -5 } } },
    { name: 'a sub-score of 1e308', body: { overall_grade: 'A', sub_scores: { security: 1e308 } } },
    { name: 'a grade as a number', body: { overall_grade: 1 } },
    {
      name: 'audited in 1970 (the epoch)',
      body: { overall_grade: 'A', audited_at: '1970-01-01T00:00:00Z' }
    },
    { name: 'audited in 2999', body: { overall_grade: 'A', audited_at: '2999-01-01T00:00:00Z' } },
    {
      name: 'audited tomorrow and a week (beyond clock skew)',
      body: { overall_grade: 'A', audited_at: '2026-11-29' }
    },
    {
      name: 'an axis under a misspelt key',
      body: { overall_grade: 'A', sub_scores: { securty: 'F' } }
    }
  ]
}

const SERVICES: Service[] = [npmService, pypiService, osvBatchService, osvRecordService, apiService]

/** One transport fault: how to serve it, whether it is retried, and what the message says. */
interface Fault {
  name: string
  serve: (interceptor: nock.Interceptor, healthy: unknown) => void
  retried: boolean
  says: RegExp
  /**
   * Per-attempt timeout for this fault, ms (default 120). The 10 MB answers are about size, not
   * time: under load, reading them can take longer than 120 ms, which would turn them into
   * (retried) timeouts.
   */
  timeoutMs?: number
}

const TEN_MB = 10 * 1000 * 1000

const FAULTS: Fault[] = [
  {
    name: 'timeout (answer delayed)',
    serve: (i, ok) =>
      void i
        .times(5)
        .delay(1_000)
        .reply(200, ok as nock.Body),
    retried: true,
    says: /timed out|in time/
  },
  {
    name: 'timeout (connection hangs)',
    serve: (i, ok) =>
      void i
        .times(5)
        .delayConnection(1_000)
        .reply(200, ok as nock.Body),
    retried: true,
    says: /timed out|in time/
  },
  {
    name: 'slow body',
    serve: (i) => void i.times(5).reply(200, trickle(500, 20)),
    retried: true,
    says: /timed out|in time/
  },
  {
    name: 'connection reset',
    serve: (i) => void i.times(5).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }),
    retried: true,
    says: /ECONNRESET/
  },
  {
    name: '429 without Retry-After',
    serve: (i) => void i.times(5).reply(429, 'Too Many Requests'),
    retried: true,
    says: /429/
  },
  {
    name: '429 with Retry-After: 1',
    serve: (i) => void i.times(5).reply(429, '', { 'Retry-After': '1' }),
    retried: true,
    says: /429/
  },
  {
    name: '429 with an HTTP-date Retry-After',
    serve: (i) =>
      void i
        .times(5)
        .reply(429, '', { 'Retry-After': () => new Date(Date.now() + 2_000).toUTCString() }),
    retried: true,
    says: /429/
  },
  {
    name: '429 asking for an hour',
    serve: (i) => void i.times(5).reply(429, '', { 'Retry-After': '3600' }),
    retried: false,
    says: /429/
  },
  {
    name: '500',
    serve: (i) => void i.times(5).reply(500, '<html><body>Internal error</body></html>'),
    retried: true,
    says: /500/
  },
  {
    name: '503',
    serve: (i) => void i.times(5).reply(503, ''),
    retried: true,
    says: /503/
  },
  {
    name: 'truncated JSON',
    serve: (i, ok) => void i.reply(200, JSON.stringify(ok).slice(0, 40)),
    retried: false,
    says: /JSON/
  },
  {
    name: 'an HTML page with 200',
    serve: (i) => void i.reply(200, '<!doctype html><title>Captive portal</title>'),
    retried: false,
    says: /JSON/
  },
  {
    name: 'an empty 200',
    serve: (i) => void i.reply(200, ''),
    retried: false,
    says: /JSON/
  },
  {
    name: '10 MB of junk',
    serve: (i) => void i.reply(200, () => Readable.from([Buffer.alloc(TEN_MB, 0x41)])),
    retried: false,
    says: /JSON|limit/,
    timeoutMs: 5_000
  },
  {
    name: '10 MB of valid JSON of the wrong shape',
    serve: (i) => void i.reply(200, { padding: 'x'.repeat(TEN_MB) }),
    retried: false,
    says: /./,
    timeoutMs: 5_000
  }
]

function interceptor(service: Service): nock.Interceptor {
  const scope = nock(service.origin)
  return service.method === 'POST' ? scope.post(service.path) : scope.get(service.path)
}

/** The requests made to the faulty endpoint. */
function requestsTo(service: Service): number {
  const url = `${service.method} ${service.origin}${service.path}`
  return requests.filter((r) => r === url).length
}

function expectNoCredential(message: string): void {
  expect(message).not.toContain(NPM_TOKEN)
  expect(message).not.toContain(API_KEY)
}

beforeAll(() => {
  nock.disableNetConnect()
})
afterEach(() => {
  nock.abortPendingRequests()
  nock.cleanAll()
  requests = []
})
afterAll(() => {
  nock.enableNetConnect()
})

describe.each(SERVICES)('$name under faults', (service) => {
  it('answers when healthy (the control: the harness can tell a pass)', async () => {
    service.others?.()
    interceptor(service).reply(200, service.healthy as nock.Body)
    const result = await service.call(http())
    expect(result).toMatchObject({ failed: false })
    expect(requestsTo(service)).toBe(1)
  })

  it.each(FAULTS)('$name', async (fault) => {
    service.others?.()
    fault.serve(interceptor(service), service.healthy)
    const result = await service.call(http(fault.timeoutMs))
    expect(result.failed).toBe(true)
    expect(result.as).toBe(service.failsAs)
    expect(result.message).toMatch(fault.says)
    expectNoCredential(result.message)
    expect(requestsTo(service)).toBe(fault.retried ? RETRIES + 1 : 1)
  })

  it.each(service.badAnswers)('valid JSON, wrong shape or absurd: $name', async ({ body }) => {
    service.others?.()
    interceptor(service)
      .times(30)
      .reply(200, body as nock.Body)
    const result = await service.call(http())
    expect(result.failed).toBe(true)
    expect(result.as).toBe(service.failsAs)
    expect(result.message.length).toBeGreaterThan(0)
    expect(result.message.length).toBeLessThan(2_000)
    expectNoCredential(result.message)
    // An answer is not a transport failure: asked once (the pager: at most its 20 rounds).
    expect(requestsTo(service)).toBeLessThanOrEqual(20)
  })
})

describe('not found is its own outcome, not a failure to retry', () => {
  it.each([
    [npmService, PackageNotFoundError.name],
    [pypiService, PypiNotFoundError.name],
    [apiService, 'outcome:ungraded']
  ] as const)('%s: 404 → %s, asked once', async (service, as) => {
    interceptor(service).reply(404, { error: 'not found' })
    const result = await service.call(http())
    expect(result).toMatchObject({ failed: true, as })
    expect(requestsTo(service)).toBe(1)
  })
})

describe('one run asks a failing service once per package', () => {
  it('npm: a failed packument is not fetched again for the next server of the run', async () => {
    interceptor(npmService).times(10).reply(503)
    const npm = new NpmRegistryClient({ http: http(), registry: npmService.origin })
    await expect(npm.getPackument('tavily-mcp')).rejects.toBeInstanceOf(RegistryError)
    await expect(npm.pickVersion('tavily-mcp', 'latest')).rejects.toBeInstanceOf(RegistryError)
    expect(requestsTo(npmService)).toBe(RETRIES + 1)
  })

  it('grading API: two servers with the same identity make one request (and one failure)', async () => {
    interceptor(apiService).times(10).reply(500)
    const grader = createApiGrader({
      url: GRADER_ORIGIN,
      apiKey: API_KEY,
      http: http(),
      now: () => NOW
    })
    const [a, b] = await Promise.all([grader.grade(pinnedServer()), grader.grade(pinnedServer())])
    expect(a).toMatchObject({ kind: 'error' })
    expect(b).toEqual(a)
    expect(requestsTo(apiService)).toBe(RETRIES + 1)
  })
})

/**
 * `gate()` with a grade cache, end to end on the pinned config of `fixtures/org-repo` (three real
 * npm servers recorded from the registry, with a registry file and exceptions) served by nock:
 * the second run on the same cache directory makes no HTTP request at all and gives the same
 * verdicts, reasons and grades; unpinned specs are still resolved; settings that change a grade
 * (advisory source, grader) do not share entries.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { gate, type GateOptions } from '../src/gate.js'
import { GradeCache } from '../src/grade/cache/store.js'
import type { FetchLike } from '../src/net/http.js'
import type { GateRun } from '../src/report/run.js'
import { KNOWN_FROM_CACHE_MESSAGE } from '../src/resolve/resolve.js'
import { REGISTRY, serveOrgRepo } from './support/npm-fixtures.js'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
const OSV = path.join(fixtures, 'osv')

let work: string
let cacheDir: string
let requests: string[]

/** The global fetch (intercepted by nock), recording every request the gate makes. */
const countingFetch: FetchLike = (input, init) => {
  requests.push(String(input))
  return fetch(input, init)
}

function run(options: Partial<GateOptions> = {}, clock = new Date('2026-11-21T10:00:00Z')) {
  return gate({
    paths: [],
    cwd: work,
    today: '2026-11-21',
    httpRetries: 0,
    advisoryDb: OSV,
    fetch: countingFetch,
    now: () => clock,
    cache: new GradeCache({ dir: cacheDir, now: () => clock }),
    ...options
  })
}

/** What a user sees of each server: verdict, reasons and grade. */
function outcomes(r: GateRun) {
  return r.servers.map((s) => ({
    name: s.server.entry.name,
    verdict: s.verdict,
    reasons: s.reasons,
    grade: s.grade,
    gradeProblem: s.gradeProblem
  }))
}

beforeAll(() => {
  nock.disableNetConnect()
})
afterAll(() => {
  nock.enableNetConnect()
})
beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'gate-cache-'))
  cpSync(path.join(fixtures, 'org-repo'), work, { recursive: true })
  cacheDir = path.join(work, '..', `${path.basename(work)}-cache`)
  requests = []
})
afterEach(() => {
  nock.cleanAll()
  rmSync(work, { recursive: true, force: true })
  rmSync(cacheDir, { recursive: true, force: true })
})

describe('gate() with a grade cache', () => {
  it('re-runs a pinned config with no HTTP request and the same verdicts and grades', async () => {
    serveOrgRepo()
    const first = await run()
    expect(requests.filter((u) => u.endsWith('.tgz'))).toHaveLength(3)
    expect(first.servers.every((s) => s.grade !== null)).toBe(true)

    nock.cleanAll()
    requests = []
    const cache = new GradeCache({ dir: cacheDir })
    const second = await run({ cache }, new Date('2026-11-22T09:00:00Z'))
    expect(requests).toEqual([])
    expect(cache.stats).toMatchObject({ hits: 3, misses: 0, writes: 0 })
    expect(outcomes(second)).toEqual(outcomes(first))
    expect(second.verdict).toBe(first.verdict)
    expect(second.counts).toEqual(first.counts)
    for (const s of second.servers) {
      expect(s.server.package.resolution).toEqual({
        status: 'exact',
        message: KNOWN_FROM_CACHE_MESSAGE
      })
    }
  })

  it('still resolves an unpinned spec on every run, and reuses only the exact version', async () => {
    writeFileSync(
      path.join(work, '.mcp.json'),
      JSON.stringify({ mcpServers: { search: { command: 'npx', args: ['-y', 'tavily-mcp'] } } })
    )
    serveOrgRepo()
    const first = await run({ environment: 'development' })
    expect(first.servers[0]!.server.package.version).toBe('0.2.22')
    requests = []
    const second = await run({ environment: 'development' })
    // The packument is asked for (what would run today?), the tarball is not downloaded again.
    expect(requests).toEqual([`${REGISTRY}/tavily-mcp`])
    expect(second.servers[0]!.server.package.resolution).toEqual({
      status: 'registry',
      message: 'unpinned (resolves to 0.2.22)'
    })
    expect(outcomes(second)).toEqual(outcomes(first))
  })

  it('does not answer a run with advisories on from a run with them off', async () => {
    serveOrgRepo()
    await run({ advisoryDb: undefined, advisoryUrl: 'off' })
    requests = []
    const cache = new GradeCache({ dir: cacheDir })
    await run({ cache })
    expect(requests.filter((u) => u.endsWith('.tgz'))).toHaveLength(3)
    expect(cache.stats).toMatchObject({ hits: 0, misses: 3, writes: 3 })
  })

  it('grades afresh without a cache', async () => {
    serveOrgRepo()
    await run({ cache: null })
    requests = []
    await run({ cache: null })
    expect(requests.filter((u) => u.endsWith('.tgz'))).toHaveLength(3)
  })

  it('api grader: the second run asks neither the registry nor the grading service', async () => {
    serveOrgRepo()
    const service = nock('https://grader.example')
      .persist()
      .get('/api/grade')
      .query(true)
      .reply(200, { overall_grade: 'A', overall_score: 95, audited_at: '2026-11-20T00:00:00Z' })
    const options = { grader: 'api' as const, graderUrl: 'https://grader.example' }
    const first = await run(options)
    expect(requests.filter((u) => u.startsWith('https://grader.example'))).toHaveLength(3)
    service.persist(false)
    nock.cleanAll()
    requests = []
    const second = await run(options)
    expect(requests).toEqual([])
    expect(outcomes(second)).toEqual(outcomes(first))
  })

  it('registry grader: the cache is not used and resolution is unchanged', async () => {
    serveOrgRepo()
    const cache = new GradeCache({ dir: cacheDir })
    await run({ grader: 'registry', cache })
    await run({ grader: 'registry', cache })
    expect(cache.stats).toEqual({ hits: 0, misses: 0, writes: 0, failedWrites: 0 })
    expect(requests.filter((u) => u.endsWith('/tavily-mcp'))).toHaveLength(2)
  })
})

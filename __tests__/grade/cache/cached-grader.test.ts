/**
 * The grade cache around the `api` and `command` graders: graded reports of exact versions are
 * answered from the cache by the next run (no request, no process), re-validated on read; other
 * outcomes and servers without an exact version always go to the grader.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { createApiGrader } from '../../../src/grade/api.js'
import { cachedGrader } from '../../../src/grade/cache/cached-grader.js'
import { apiGradeKey, commandGradeKey } from '../../../src/grade/cache/keys.js'
import { GradeCache } from '../../../src/grade/cache/store.js'
import { createCommandGrader } from '../../../src/grade/command.js'
import type { Grader } from '../../../src/grade/grader.js'
import type { GradeOutcome, GradeReport } from '../../../src/grade/report.js'
import { HttpClient } from '../../../src/net/http.js'
import { DEFAULT_SCALE } from '../../../src/policy/grades.js'
import type { ResolvedServer } from '../../../src/resolve/types.js'
import { npmServer, remoteServer, unresolvedNpmServer } from '../../fixtures/graders/servers.js'

const base = 'https://grader.example'
const FS = '@modelcontextprotocol/server-filesystem'
const FS_PURL = 'pkg:npm/%40modelcontextprotocol/server-filesystem@2025.8.21'
const graders = fileURLToPath(new URL('../../fixtures/graders/', import.meta.url))

let dir: string

const REPORT: GradeReport = {
  source: 'api',
  grader: { name: 'grader.example', version: 'api' },
  rubricVersion: 'service-7',
  overall: { score: 82, grade: 'B' },
  subScores: {
    security: { score: 90, grade: 'A' },
    permissions: null,
    credentials: null,
    maintenance: null,
    compatibility: null,
    documentation: null
  },
  findings: [],
  auditedAt: '2026-11-20T08:00:00.000Z'
}

/** A grader that answers `outcome` and counts its calls. */
function counting(outcome: GradeOutcome, source: Grader['source'] = 'api') {
  const calls: string[] = []
  const grader: Grader = {
    source,
    grade: async (server: ResolvedServer) => {
      calls.push(server.entry.name)
      return outcome
    }
  }
  return { grader, calls }
}

const apiKeyOf = (purl: string) => apiGradeKey(base, DEFAULT_SCALE, purl)

beforeAll(() => {
  nock.disableNetConnect()
})
afterAll(() => {
  nock.enableNetConnect()
})
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cached-grader-'))
})
afterEach(() => {
  nock.cleanAll()
  rmSync(dir, { recursive: true, force: true })
})

describe('cachedGrader', () => {
  it('stores a graded report and answers the next run from the cache', async () => {
    const first = counting({ kind: 'graded', report: REPORT })
    const firstCache = new GradeCache({ dir })
    const a = cachedGrader(first.grader, firstCache, apiKeyOf)
    expect(a.source).toBe('api')
    expect(await a.grade(npmServer(FS, '2025.8.21'))).toEqual({ kind: 'graded', report: REPORT })
    expect(first.calls).toHaveLength(1)
    expect(firstCache.stats).toMatchObject({ misses: 1, writes: 1 })

    const next = counting({ kind: 'error', message: 'must not be asked' })
    const nextCache = new GradeCache({ dir })
    const b = cachedGrader(next.grader, nextCache, apiKeyOf)
    expect(await b.grade(npmServer(FS, '2025.8.21'))).toEqual({ kind: 'graded', report: REPORT })
    expect(next.calls).toEqual([])
    expect(nextCache.stats).toMatchObject({ hits: 1, writes: 0 })
  })

  it('asks once for servers sharing an exact version graded at the same time', async () => {
    const inner = counting({ kind: 'graded', report: REPORT })
    const cache = new GradeCache({ dir })
    const grader = cachedGrader(inner.grader, cache, apiKeyOf)
    await Promise.all([
      grader.grade(npmServer(FS, '2025.8.21', 'a')),
      grader.grade(npmServer(FS, '2025.8.21', 'b'))
    ])
    expect(inner.calls).toHaveLength(1)
    expect(cache.stats.writes).toBe(1)
  })

  it.each<[string, GradeOutcome]>([
    ['ungraded', { kind: 'ungraded', reason: 'no grade for it' }],
    ['error', { kind: 'error', message: 'HTTP 503' }]
  ])('never stores an %s outcome', async (_kind, outcome) => {
    const inner = counting(outcome)
    const cache = new GradeCache({ dir })
    await cachedGrader(inner.grader, cache, apiKeyOf).grade(npmServer(FS, '2025.8.21'))
    const again = counting(outcome)
    await cachedGrader(again.grader, new GradeCache({ dir }), apiKeyOf).grade(
      npmServer(FS, '2025.8.21')
    )
    expect(again.calls).toHaveLength(1)
    expect(cache.stats.writes).toBe(0)
  })

  it('goes straight to the grader for servers without a confirmed exact version', async () => {
    const inner = counting({ kind: 'graded', report: REPORT })
    const cache = new GradeCache({ dir })
    const grader = cachedGrader(inner.grader, cache, apiKeyOf)
    const notFound = npmServer(FS, '9.9.9', 'missing')
    notFound.package.resolution = { status: 'not-found', message: 'not on the registry' }
    await grader.grade(unresolvedNpmServer(FS))
    await grader.grade(remoteServer('https://mcp.example.com/sse'))
    await grader.grade(notFound)
    expect(inner.calls).toHaveLength(3)
    expect(cache.stats).toEqual({ hits: 0, misses: 0, writes: 0, failedWrites: 0 })
  })

  it('does not answer from an entry of another grading service', async () => {
    await cachedGrader(
      counting({ kind: 'graded', report: REPORT }).grader,
      new GradeCache({ dir }),
      apiKeyOf
    ).grade(npmServer(FS, '2025.8.21'))
    const other = counting({ kind: 'graded', report: REPORT })
    await cachedGrader(other.grader, new GradeCache({ dir }), (purl) =>
      apiGradeKey('https://other.example', DEFAULT_SCALE, purl)
    ).grade(npmServer(FS, '2025.8.21'))
    expect(other.calls).toHaveLength(1)
  })

  it('re-validates a stored report and asks again when it is not a valid GradeReport', async () => {
    const cache = new GradeCache({ dir })
    await cache.put(apiKeyOf(FS_PURL)!, {
      rubricVersion: 'x',
      report: { ...REPORT, overall: { score: 140, grade: 'A' } }
    })
    const inner = counting({ kind: 'graded', report: REPORT })
    const outcome = await cachedGrader(inner.grader, new GradeCache({ dir }), apiKeyOf).grade(
      npmServer(FS, '2025.8.21')
    )
    expect(inner.calls).toHaveLength(1)
    expect(outcome).toEqual({ kind: 'graded', report: REPORT })
  })

  it('keeps the rubric version the grader answered with the report', async () => {
    const cache = new GradeCache({ dir })
    await cachedGrader(counting({ kind: 'graded', report: REPORT }).grader, cache, apiKeyOf).grade(
      npmServer(FS, '2025.8.21')
    )
    expect(await cache.get(apiKeyOf(FS_PURL)!)).toEqual({
      rubricVersion: 'service-7',
      report: REPORT
    })
  })
})

describe('cachedGrader around the real graders', () => {
  it('api: the next run makes no request to the grading service', async () => {
    const scope = nock(base)
      .get('/api/grade')
      .query({ server: FS_PURL })
      .once()
      .reply(200, { overall_grade: 'B', overall_score: 80, sub_scores: { security: 'A' } })
    const grade = () =>
      cachedGrader(
        createApiGrader({ url: base, http: new HttpClient({ retries: 0 }) }),
        new GradeCache({ dir }),
        apiKeyOf
      ).grade(npmServer(FS, '2025.8.21'))
    const first = await grade()
    expect(first.kind).toBe('graded')
    expect(scope.isDone()).toBe(true)
    // No interceptor left: a request would fail with nock's "Disallowed net connect".
    const second = await grade()
    expect(second).toEqual(first)
  })

  it('command: the next run does not start the program', async () => {
    const argv = [process.execPath, path.join(graders, 'report.mjs')]
    const keyOf = (purl: string) => commandGradeKey(argv, purl)
    const first = await cachedGrader(
      createCommandGrader({ command: argv }),
      new GradeCache({ dir }),
      keyOf
    ).grade(npmServer(FS, '2025.8.21'))
    expect(first.kind).toBe('graded')
    // A program that always fails stands in for the grader: it must not run.
    const failing = createCommandGrader({
      command: [process.execPath, path.join(graders, 'exit-nonzero.mjs')]
    })
    const cache = new GradeCache({ dir })
    const second = await cachedGrader(failing, cache, keyOf).grade(npmServer(FS, '2025.8.21'))
    expect(second).toEqual(first)
    expect(cache.stats.hits).toBe(1)
  })
})

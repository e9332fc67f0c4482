/**
 * The built-in grader with a grade cache, on a real package recorded from the npm registry
 * (`__tests__/fixtures/packuments`, `tarballs`) served with nock: the second grade of the same
 * exact version — a fresh grader, HTTP client and cache object on the same directory, as the next
 * run — makes no HTTP request and gives the same grade, dated when the package was assessed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { loadOsvDatabase } from '../../../src/grade/builtin/advisories/osv-db.js'
import {
  AdvisoryLookupError,
  type AdvisorySource
} from '../../../src/grade/builtin/advisories/source.js'
import { createBuiltinGraderWith } from '../../../src/grade/builtin/builtin-grader.js'
import { RUBRIC_VERSION } from '../../../src/grade/builtin/scoring.js'
import { builtinAssessmentKey } from '../../../src/grade/cache/keys.js'
import { GradeCache } from '../../../src/grade/cache/store.js'
import type { Finding, GradeOutcome, GradeReport } from '../../../src/grade/report.js'
import { HttpClient } from '../../../src/net/http.js'
import { NpmRegistryClient } from '../../../src/resolve/npm-registry.js'
import { serverOf } from '../builtin/helpers.js'

const npmjs = 'https://registry.npmjs.org'
const fixtures = new URL('../../fixtures/', import.meta.url)
const FS = '@modelcontextprotocol/server-filesystem'
const FS_PURL = 'pkg:npm/%40modelcontextprotocol/server-filesystem@2026.8.31'
const FIRST_RUN = new Date('2026-11-21T10:00:00Z')
const NEXT_DAY = new Date('2026-11-22T09:00:00Z')

const read = (p: string): Buffer => readFileSync(new URL(p, fixtures))

let dir: string
let unmatched: string[]
const onNoMatch = (req: { method?: string; path?: string }): void =>
  void unmatched.push(`${req.method ?? ''} ${req.path ?? ''}`)

/** The recorded registry for server-filesystem 2026.8.31, each answer given once. */
function serveFilesystemOnce(): nock.Scope {
  return nock(npmjs)
    .get('/@modelcontextprotocol%2fserver-filesystem')
    .reply(200, read('packuments/server-filesystem.json'))
    .get('/@modelcontextprotocol%2fsdk')
    .reply(200, read('packuments/modelcontextprotocol-sdk.json'))
    .get('/@modelcontextprotocol/server-filesystem/-/server-filesystem-2026.8.31.tgz')
    .reply(200, read('tarballs/server-filesystem-2026.8.31.tgz'))
}

const configFinding: Finding = {
  ruleId: 'config.literal-secret',
  axis: 'credentials',
  severity: 'critical',
  title: 'Literal secret in the config entry',
  deduction: 40
}

interface RunOptions {
  now: Date
  advisories: AdvisorySource | null
  advisoryId: string
  configFindings?: Finding[]
}

/** One "run": a fresh HTTP client, registry client, cache object and grader. */
function run(options: RunOptions): { grade: () => Promise<GradeOutcome>; cache: GradeCache } {
  const http = new HttpClient({ retries: 0 })
  const npm = new NpmRegistryClient({ http })
  const cache = new GradeCache({ dir, now: () => options.now })
  const sources = {
    npmRegistry: npm.registry,
    pypiUrl: 'https://pypi.org',
    advisories: options.advisoryId
  }
  const grader = createBuiltinGraderWith(async () => options.configFindings ?? [], {
    npm,
    http,
    now: () => options.now,
    advisories: options.advisories,
    assessmentCache: { store: cache, keyOf: (purl) => builtinAssessmentKey(purl, sources) }
  })
  return {
    grade: () => grader.grade(serverOf({ name: FS, version: '2026.8.31' })),
    cache
  }
}

function graded(outcome: GradeOutcome): GradeReport {
  if (outcome.kind !== 'graded') throw new Error(JSON.stringify(outcome))
  return outcome.report
}

let osv: AdvisorySource

beforeAll(async () => {
  nock.disableNetConnect()
  nock.emitter.on('no match', onNoMatch)
  osv = await loadOsvDatabase(fileURLToPath(new URL('osv/', fixtures)))
})
afterAll(() => {
  nock.emitter.removeListener('no match', onNoMatch)
  nock.enableNetConnect()
})
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'builtin-cache-'))
  unmatched = []
})
afterEach(() => {
  nock.cleanAll()
  rmSync(dir, { recursive: true, force: true })
})

describe('the built-in grader with a grade cache', () => {
  it('grades the same exact version again without any HTTP request, dated when assessed', async () => {
    const scope = serveFilesystemOnce()
    const first = run({ now: FIRST_RUN, advisories: osv, advisoryId: 'osv-db fixtures' })
    const report = graded(await first.grade())
    expect(scope.isDone()).toBe(true)
    expect(first.cache.stats).toMatchObject({ hits: 0, misses: 1, writes: 1 })
    expect(report.auditedAt).toBe(FIRST_RUN.toISOString())

    // The next run: nothing is served, and every request would be recorded as unmatched.
    nock.cleanAll()
    unmatched = []
    const second = run({ now: NEXT_DAY, advisories: osv, advisoryId: 'osv-db fixtures' })
    const again = graded(await second.grade())
    expect(unmatched).toEqual([])
    expect(nock.pendingMocks()).toEqual([])
    expect(second.cache.stats).toMatchObject({ hits: 1, misses: 0, writes: 0 })
    // The same grade, and its date is the assessment's, not the next day's.
    expect(again).toEqual(report)
    expect(again.auditedAt).toBe(FIRST_RUN.toISOString())
    expect(again.tools).toHaveLength(14)
  })

  it('redoes the config-entry half on a cache hit (it depends on the entry)', async () => {
    serveFilesystemOnce()
    const clean = graded(await run({ now: FIRST_RUN, advisories: null, advisoryId: 'off' }).grade())
    nock.cleanAll()
    unmatched = []
    const withSecret = graded(
      await run({
        now: NEXT_DAY,
        advisories: null,
        advisoryId: 'off',
        configFindings: [configFinding]
      }).grade()
    )
    expect(unmatched).toEqual([])
    expect(withSecret.findings.map((f) => f.ruleId)).toContain('config.literal-secret')
    expect(clean.findings.map((f) => f.ruleId)).not.toContain('config.literal-secret')
    expect(withSecret.subScores.credentials!.score).toBeLessThan(
      clean.subScores.credentials!.score!
    )
  })

  it('does not answer a run with advisories on from an assessment made with them off', async () => {
    serveFilesystemOnce()
    const off = graded(await run({ now: FIRST_RUN, advisories: null, advisoryId: 'off' }).grade())
    expect(off.findings.map((f) => f.ruleId)).toContain('advisory.not-checked')
    const scope = serveFilesystemOnce()
    const on = run({ now: FIRST_RUN, advisories: osv, advisoryId: 'osv-db fixtures' })
    const checked = graded(await on.grade())
    expect(scope.isDone()).toBe(true) // downloaded again
    expect(on.cache.stats).toMatchObject({ hits: 0, misses: 1, writes: 1 })
    expect(checked.findings.map((f) => f.ruleId)).not.toContain('advisory.not-checked')
  })

  it('does not reuse an assessment stored under another rubric version', async () => {
    serveFilesystemOnce()
    const first = run({ now: FIRST_RUN, advisories: null, advisoryId: 'off' })
    graded(await first.grade())
    // Move the stored assessment to the key an older rubric would have used.
    const sources = { npmRegistry: npmjs, pypiUrl: 'https://pypi.org', advisories: 'off' }
    const key = builtinAssessmentKey(FS_PURL, sources)!
    expect(key).toContain(`| rubric ${RUBRIC_VERSION} |`)
    const value = await first.cache.get(key)
    const older = key.replace(`| rubric ${RUBRIC_VERSION} |`, '| rubric 1 |')
    rmSync(dir, { recursive: true, force: true })
    const store = new GradeCache({ dir, now: () => FIRST_RUN })
    await store.put(older, value)
    expect(await store.has(older)).toBe(true)
    expect(await store.has(key)).toBe(false)

    const scope = serveFilesystemOnce()
    const second = run({ now: NEXT_DAY, advisories: null, advisoryId: 'off' })
    const report = graded(await second.grade())
    expect(scope.isDone()).toBe(true)
    expect(report.auditedAt).toBe(NEXT_DAY.toISOString())
  })

  it('reassesses after the entry expired (7 days), picking up what changed', async () => {
    serveFilesystemOnce()
    graded(await run({ now: FIRST_RUN, advisories: null, advisoryId: 'off' }).grade())
    const scope = serveFilesystemOnce()
    const later = new Date(FIRST_RUN.getTime() + 7 * 24 * 60 * 60 * 1000)
    const report = graded(await run({ now: later, advisories: null, advisoryId: 'off' }).grade())
    expect(scope.isDone()).toBe(true)
    expect(report.auditedAt).toBe(later.toISOString())
  })

  it('never stores a failed assessment: the next run asks again', async () => {
    nock(npmjs)
      .get('/@modelcontextprotocol%2fserver-filesystem')
      .reply(200, read('packuments/server-filesystem.json'))
      .get('/@modelcontextprotocol/server-filesystem/-/server-filesystem-2026.8.31.tgz')
      .reply(503, 'down')
    const failing = run({ now: FIRST_RUN, advisories: null, advisoryId: 'off' })
    expect((await failing.grade()).kind).toBe('error')
    expect(failing.cache.stats.writes).toBe(0)
    const scope = serveFilesystemOnce()
    expect((await run({ now: FIRST_RUN, advisories: null, advisoryId: 'off' }).grade()).kind).toBe(
      'graded'
    )
    expect(scope.isDone()).toBe(true)
  })

  it('does not keep an assessment whose advisory lookup failed (the next run looks again)', async () => {
    const down: AdvisorySource = {
      name: 'osv.dev API (https://api.osv.dev)',
      lookup: () => Promise.reject(new AdvisoryLookupError('HTTP 503 after retries'))
    }
    serveFilesystemOnce()
    const failing = run({ now: FIRST_RUN, advisories: down, advisoryId: 'osv-api x' })
    const report = graded(await failing.grade())
    expect(report.findings.map((f) => f.ruleId)).toContain('advisory.not-checked')
    expect(failing.cache.stats.writes).toBe(0)
    const scope = serveFilesystemOnce()
    const next = run({ now: NEXT_DAY, advisories: osv, advisoryId: 'osv-api x' })
    const checked = graded(await next.grade())
    expect(scope.isDone()).toBe(true)
    expect(checked.findings.map((f) => f.ruleId)).not.toContain('advisory.not-checked')
    expect(next.cache.stats.writes).toBe(1)
  })

  it('reassesses when the stored assessment is not valid', async () => {
    serveFilesystemOnce()
    const first = run({ now: FIRST_RUN, advisories: null, advisoryId: 'off' })
    graded(await first.grade())
    const sources = { npmRegistry: npmjs, pypiUrl: 'https://pypi.org', advisories: 'off' }
    const key = builtinAssessmentKey(FS_PURL, sources)!
    await first.cache.put(key, {
      kind: 'assessed',
      assessedAt: FIRST_RUN.toISOString(),
      findings: [{ ruleId: 'made.up', axis: 'speed', severity: 'low', title: 'x' }],
      tools: null
    })
    const scope = serveFilesystemOnce()
    const second = run({ now: NEXT_DAY, advisories: null, advisoryId: 'off' })
    const report = graded(await second.grade())
    expect(scope.isDone()).toBe(true)
    expect(report.findings.map((f) => f.ruleId)).not.toContain('made.up')
  })

  it('does not cache a server without an exact version (nothing to key)', async () => {
    const http = new HttpClient({ retries: 0 })
    const npm = new NpmRegistryClient({ http })
    const cache = new GradeCache({ dir })
    const grader = createBuiltinGraderWith(async () => [], {
      npm,
      http,
      advisories: null,
      assessmentCache: {
        store: cache,
        keyOf: (purl) =>
          builtinAssessmentKey(purl, { npmRegistry: npmjs, pypiUrl: '', advisories: 'off' })
      }
    })
    const outcome = await grader.grade(
      serverOf({ name: FS, version: null, versionSpec: '^2026.0.0', pinned: false })
    )
    expect(outcome.kind).toBe('ungraded')
    expect(cache.stats).toEqual({ hits: 0, misses: 0, writes: 0, failedWrites: 0 })
  })
})

import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import nock from 'nock'
import type { Finding } from '../../../src/grade/report.js'
import type { ResolvedServer } from '../../../src/resolve/types.js'
import { serverOf, tarOf } from './helpers.js'

const secretFinding: Finding = {
  ruleId: 'config.literal-secret',
  axis: 'credentials',
  severity: 'critical',
  title: 'Literal secret',
  deduction: 50
}
const checkConfigEntry = jest.fn(async (_server: ResolvedServer): Promise<Finding[]> => [
  secretFinding
])
jest.unstable_mockModule('../../../src/grade/builtin/config-rules.js', () => ({
  checkConfigEntry
}))

const { createBuiltinGrader, PACKAGE_RULES, NON_PACKAGE_REASON } =
  await import('../../../src/grade/builtin/index.js')
const { HttpClient } = await import('../../../src/net/http.js')
const { NpmRegistryClient } = await import('../../../src/resolve/npm-registry.js')

const registry = 'https://registry.test'

function grader() {
  const http = new HttpClient({ retries: 0 })
  const npm = new NpmRegistryClient({ http, registry })
  return createBuiltinGrader({
    npm,
    http,
    now: () => new Date('2026-11-21T00:00:00Z'),
    advisories: null
  })
}

beforeAll(() => {
  nock.disableNetConnect()
})
afterAll(() => {
  nock.enableNetConnect()
})
afterEach(() => {
  nock.cleanAll()
})

describe('createBuiltinGrader', () => {
  it('is the builtin source and exports the package rule catalog', () => {
    expect(grader().source).toBe('builtin')
    expect(PACKAGE_RULES.length).toBeGreaterThan(30)
    expect(new Set(PACKAGE_RULES.map((r) => r.id)).size).toBe(PACKAGE_RULES.length)
  })

  it('adds the findings of config-rules.ts checkConfigEntry', async () => {
    const tgz = tarOf([
      { path: 'package/package.json', content: '{"name":"tiny-mcp","version":"1.0.0"}' }
    ])
    nock(registry)
      .get('/tiny-mcp')
      .reply(200, {
        name: 'tiny-mcp',
        'dist-tags': { latest: '1.0.0' },
        versions: {
          '1.0.0': {
            name: 'tiny-mcp',
            version: '1.0.0',
            dist: {
              tarball: `${registry}/tiny-mcp/-/tiny-mcp-1.0.0.tgz`,
              integrity: `sha512-${createHash('sha512').update(tgz).digest('base64')}`
            }
          }
        }
      })
      .get('/tiny-mcp/-/tiny-mcp-1.0.0.tgz')
      .reply(200, tgz)
    const server = serverOf({ name: 'tiny-mcp', version: '1.0.0' })
    const outcome = await grader().grade(server)
    expect(checkConfigEntry).toHaveBeenCalledWith(server)
    expect(outcome.kind).toBe('graded')
    if (outcome.kind !== 'graded') return
    expect(outcome.report.findings).toContainEqual(secretFinding)
    expect(outcome.report.subScores.credentials).toEqual({ score: 50, grade: 'D' })
  })

  it('keeps the config findings of a server it cannot grade', async () => {
    const server = serverOf({ name: 'https://mcp.example.com/sse' })
    server.package = { ...server.package, ecosystem: 'remote', version: null, purl: null }
    expect(await grader().grade(server)).toEqual({
      kind: 'ungraded',
      reason: NON_PACKAGE_REASON,
      findings: [secretFinding]
    })
  })
})

/**
 * The built-in grader on real packages recorded from the npm registry (2026-11-21) into
 * __tests__/fixtures/packuments and __tests__/fixtures/tarballs (see the README there), served
 * with nock. Every expected finding below was checked by hand against the files.
 */
import { readFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { fileURLToPath } from 'node:url'
import { loadOsvDatabase } from '../../../src/grade/builtin/advisories/osv-db.js'
import { createBuiltinGraderWith } from '../../../src/grade/builtin/builtin-grader.js'
import { fetchPackageFiles } from '../../../src/grade/builtin/tarball.js'
import type { GradeReport } from '../../../src/grade/report.js'
import { HttpClient } from '../../../src/net/http.js'
import { NpmRegistryClient } from '../../../src/resolve/npm-registry.js'
import { ids, serverOf } from './helpers.js'

const npmjs = 'https://registry.npmjs.org'
const fixtures = new URL('../../fixtures/', import.meta.url)
const now = new Date('2026-11-21T00:00:00Z')

function packument(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`packuments/${file}`, fixtures), 'utf8')) as Record<
    string,
    unknown
  >
}
function tarball(file: string): Buffer {
  return readFileSync(new URL(`tarballs/${file}`, fixtures))
}

function serveRealRegistry(): void {
  nock(npmjs)
    .persist()
    .get('/@modelcontextprotocol%2fserver-filesystem')
    .reply(200, packument('server-filesystem.json'))
    .get('/@modelcontextprotocol/server-filesystem/-/server-filesystem-2026.8.31.tgz')
    .reply(200, tarball('server-filesystem-2026.8.31.tgz'))
    .get('/tavily-mcp')
    .reply(200, packument('tavily-mcp.json'))
    .get('/tavily-mcp/-/tavily-mcp-0.2.22.tgz')
    .reply(200, tarball('tavily-mcp-0.2.22.tgz'))
    .get('/figma-developer-mcp')
    .reply(200, packument('figma-developer-mcp.json'))
    .get('/figma-developer-mcp/-/figma-developer-mcp-0.13.2.tgz')
    .reply(200, tarball('figma-developer-mcp-0.13.2.tgz'))
    .get('/@modelcontextprotocol%2fsdk')
    .reply(200, packument('modelcontextprotocol-sdk.json'))
}

async function gradeReal(name: string, version: string): Promise<GradeReport> {
  const http = new HttpClient({ retries: 0 })
  const npm = new NpmRegistryClient({ http })
  // The real OSV records of fixtures/osv, as an air-gapped runner would use them.
  const advisories = await loadOsvDatabase(fileURLToPath(new URL('osv/', fixtures)))
  const grader = createBuiltinGraderWith(async () => [], { npm, http, now: () => now, advisories })
  const outcome = await grader.grade(serverOf({ name, version }))
  if (outcome.kind !== 'graded') throw new Error(JSON.stringify(outcome))
  return outcome.report
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

describe('real packages', () => {
  it('@modelcontextprotocol/server-filesystem 2026.8.31: SEE LICENSE IN LICENSE, no LICENSE', async () => {
    serveRealRegistry()
    const report = await gradeReal('@modelcontextprotocol/server-filesystem', '2026.8.31')
    expect(ids(report.findings)).toEqual([
      'npm.maintainers-unknown', // this registry mirror strips `maintainers`
      'npm.no-provenance',
      'license.see-file-missing', // the manifest says SEE LICENSE IN LICENSE; the tarball has none
      'docs.security-policy-missing',
      'docs.changelog-missing',
      'npm.engines-missing',
      // Every file tool takes a free `path` (the server checks it in code, not in the schema):
      // three deduct, the last names the other nine.
      'tools.unconstrained-input',
      'tools.unconstrained-input',
      'tools.unconstrained-input'
    ])
    // 14 tools read from the bundle; no source rule fires (paths go through validatePath)
    // and no advisory covers 2026.8.31 (GHSA-hc55/q66q were fixed in 2025.7.1).
    expect(report.tools?.map((t) => t.name)).toHaveLength(14)
    const license = report.findings.find((f) => f.ruleId === 'license.see-file-missing')
    expect(license?.evidence?.snippet).toBe(
      'license: "SEE LICENSE IN LICENSE", but LICENSE is not in the package'
    )
    // ^1.30.0 reaches the SDK's latest 1.32.2; the README lists tools and Claude Desktop setup
    expect(report.subScores).toEqual({
      security: { score: 97, grade: 'A' }, // no provenance
      permissions: { score: 85, grade: 'B' }, // free path parameters
      credentials: { score: 100, grade: 'A' },
      maintenance: { score: 90, grade: 'A' },
      compatibility: { score: 85, grade: 'B' },
      documentation: { score: 100, grade: 'A' }
    })
    expect(report.overall).toEqual({ score: 94, grade: 'A' })
  })

  it('tavily-mcp 0.2.22: LICENCE (MIT) recognised, SDK pinned at 1.26.0', async () => {
    serveRealRegistry()
    const report = await gradeReal('tavily-mcp', '0.2.22')
    expect(ids(report.findings)).toEqual([
      'npm.maintainers-unknown',
      'npm.no-provenance',
      'docs.security-policy-missing',
      'docs.changelog-missing',
      'mcp.sdk-behind-minor',
      'npm.engines-missing',
      'tools.unconstrained-input', // tavily_extract urls
      'tools.unconstrained-input', // tavily_crawl url, select_paths
      'tools.unconstrained-input', // tavily_map url, select_paths
      'tools.annotations-missing'
    ])
    expect(report.tools?.map((t) => t.name)).toEqual([
      'tavily_search',
      'tavily_extract',
      'tavily_crawl',
      'tavily_map',
      'tavily_research'
    ])
    expect(report.findings.find((f) => f.ruleId === 'mcp.sdk-behind-minor')?.evidence).toEqual({
      file: 'package.json',
      snippet:
        '@modelcontextprotocol/sdk "1.26.0" allows at most 1.26.0; @modelcontextprotocol/sdk latest is 1.32.2'
    })
  })

  it('figma-developer-mcp 0.13.2: engines declared, SDK pinned at 1.29.0', async () => {
    serveRealRegistry()
    const report = await gradeReal('figma-developer-mcp', '0.13.2')
    expect(ids(report.findings)).toEqual([
      'npm.maintainers-unknown',
      'npm.no-provenance',
      'docs.security-policy-missing',
      'docs.changelog-missing',
      'mcp.sdk-behind-minor',
      'tools.unconstrained-input' // download_figma_images localPath
    ])
    expect(report.subScores.compatibility).toEqual({ score: 95, grade: 'A' })
    expect(report.tools?.map((t) => t.name)).toEqual(['get_figma_data', 'download_figma_images'])
  })

  it('reads the recorded tarballs completely, with their real file lists', async () => {
    serveRealRegistry()
    const http = new HttpClient({ retries: 0 })
    const npm = new NpmRegistryClient({ http })
    const pack = await npm.getPackument('@modelcontextprotocol/server-filesystem')
    const manifest = npm.manifest(pack, '2026.8.31')
    const files = await fetchPackageFiles(http, manifest.dist)
    expect(files.stopped).toBeNull()
    expect(files.skipped).toEqual([])
    expect(files.entries.map((e) => e.path).sort()).toEqual([
      'README.md',
      'dist/index.js',
      'dist/lib.js',
      'dist/path-utils.js',
      'dist/path-validation.js',
      'dist/roots-utils.js',
      'package.json'
    ])
  })
})

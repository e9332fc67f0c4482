import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import nock from 'nock'
import {
  BUILTIN_GRADER_NAME,
  type ConfigEntryCheck,
  createBuiltinGraderWith,
  NON_PACKAGE_REASON
} from '../../../src/grade/builtin/builtin-grader.js'
import type { AdvisorySource } from '../../../src/grade/builtin/advisories/source.js'
import { type Finding, type GradeOutcome, GradeReportSchema } from '../../../src/grade/report.js'
import { HttpClient } from '../../../src/net/http.js'
import { NpmRegistryClient } from '../../../src/resolve/npm-registry.js'
import type { ResolvedServer } from '../../../src/resolve/types.js'
import { ids, serverOf, tarOf } from './helpers.js'

const registry = 'https://registry.test'
const now = new Date('2026-11-21T10:00:00Z')

const README = `# Good MCP

${'This server answers questions about the weather for any city in the world. '.repeat(8)}

## Installation

Add it to your client's mcpServers with npx.

## Tools

- get_forecast
`

function packageJson(name: string, version: string): Record<string, unknown> {
  return {
    name,
    version,
    license: 'MIT',
    repository: { type: 'git', url: `git+https://github.com/example/${name}.git` },
    engines: { node: '>=20' },
    bin: { [name]: 'dist/index.js' },
    dependencies: { '@modelcontextprotocol/sdk': '^1.30.0' }
  }
}

const MIT = `MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy
of this software... The above copyright notice and this permission notice shall be included in all copies.`

/** Serve `name@version` (packument + tarball) on the fake registry; returns the scope. */
function publish(
  name: string,
  version: string,
  tgz: Buffer,
  options: { integrity?: string; manifest?: Record<string, unknown> } = {}
): nock.Scope {
  const tarball = `${registry}/${name}/-/${name}-${version}.tgz`
  const manifest = {
    ...packageJson(name, version),
    ...options.manifest,
    dist: {
      tarball,
      integrity: options.integrity ?? `sha512-${createHash('sha512').update(tgz).digest('base64')}`
    }
  }
  return nock(registry)
    .get(`/${name}`)
    .reply(200, {
      name,
      'dist-tags': { latest: version },
      versions: { [version]: manifest },
      time: { [version]: '2026-10-01T00:00:00Z' },
      maintainers: [{ name: 'a' }, { name: 'b' }]
    })
    .get(`/${name}/-/${name}-${version}.tgz`)
    .reply(200, tgz)
}

function goodTarball(name: string, version: string): Buffer {
  return tarOf([
    { path: 'package/package.json', content: JSON.stringify(packageJson(name, version)) },
    { path: 'package/README.md', content: README },
    { path: 'package/LICENSE', content: MIT },
    { path: 'package/SECURITY.md', content: 'Report to security@example.com' },
    { path: 'package/CHANGELOG.md', content: `## ${version}\n- first` },
    { path: 'package/dist/index.js', content: '#!/usr/bin/env node\n' }
  ])
}

function serveSdk(): void {
  nock(registry)
    .get('/@modelcontextprotocol%2fsdk')
    .reply(200, {
      name: '@modelcontextprotocol/sdk',
      'dist-tags': { latest: '1.32.2' },
      versions: { '1.30.0': {}, '1.32.2': {} }
    })
}

function graderWith(check: ConfigEntryCheck = async () => [], maxTarballBytes?: number) {
  const http = new HttpClient({ retries: 0, sleep: async () => undefined })
  const npm = new NpmRegistryClient({ http, registry })
  return createBuiltinGraderWith(check, {
    npm,
    http,
    now: () => now,
    maxTarballBytes,
    advisories: NO_ADVISORIES
  })
}

/** An advisory source that knows no advisory: every package is checked and clean. */
const NO_ADVISORIES: AdvisorySource = {
  name: 'test (empty)',
  lookup: async (queries) => queries.map(() => [])
}

function report(outcome: GradeOutcome) {
  if (outcome.kind !== 'graded') throw new Error(`expected graded, got ${JSON.stringify(outcome)}`)
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

describe('built-in grader', () => {
  it('grades a good npm package from evidence, security included', async () => {
    publish('good-mcp', '1.2.3', goodTarball('good-mcp', '1.2.3'))
    serveSdk()
    const outcome = await graderWith().grade(serverOf({ name: 'good-mcp', version: '1.2.3' }))
    const graded = report(outcome)
    expect(GradeReportSchema.safeParse(graded).success).toBe(true)
    expect(graded).toMatchObject({
      source: 'builtin',
      grader: { name: BUILTIN_GRADER_NAME, version: '2' },
      rubricVersion: '2',
      auditedAt: '2026-11-21T10:00:00.000Z'
    })
    // Only the missing provenance (3 points) is held against it: security 97.
    expect(graded.subScores.security).toEqual({ score: 97, grade: 'A' })
    expect(graded.subScores.documentation).toEqual({ score: 100, grade: 'A' })
    expect(ids(graded.findings)).toEqual(['npm.no-provenance'])
  })

  it('adds the config-entry findings and scores them on every axis', async () => {
    publish('good-mcp', '1.2.3', goodTarball('good-mcp', '1.2.3'))
    serveSdk()
    const configFindings: Finding[] = [
      {
        ruleId: 'config.literal-secret',
        axis: 'credentials',
        severity: 'critical',
        title: 'Literal secret in the config',
        cwe: 'CWE-798',
        deduction: 50,
        evidence: { file: '.mcp.json', line: 7, snippet: 'env.API_KEY = sk-…(40 chars)' }
      },
      {
        ruleId: 'config.plain-http',
        axis: 'security',
        severity: 'medium',
        title: 'Plain-http remote',
        deduction: 20
      }
    ]
    const check = jest.fn<ConfigEntryCheck>(async () => configFindings)
    const server = serverOf({ name: 'good-mcp', version: '1.2.3' })
    const graded = report(await graderWith(check).grade(server))
    expect(check).toHaveBeenCalledWith(server)
    expect(graded.subScores.credentials).toEqual({ score: 50, grade: 'D' })
    // 100 − 3 (no provenance) − 20 (plain http)
    expect(graded.subScores.security).toEqual({ score: 77, grade: 'B' })
    expect(graded.overall).toEqual({ score: 59, grade: 'D' }) // critical cap
    const http = graded.findings.find((f) => f.ruleId === 'config.plain-http')
    expect(http).toEqual({
      ruleId: 'config.plain-http',
      axis: 'security',
      severity: 'medium',
      title: 'Plain-http remote',
      deduction: 20
    })
    expect(graded.findings.find((f) => f.ruleId === 'config.literal-secret')?.deduction).toBe(50)
  })

  it('does the package work once per package version', async () => {
    const scope = publish('good-mcp', '1.2.3', goodTarball('good-mcp', '1.2.3'))
    serveSdk()
    const grader = graderWith()
    const outcomes = await Promise.all([
      grader.grade(serverOf({ name: 'good-mcp', version: '1.2.3' }, 'a')),
      grader.grade(serverOf({ name: 'good-mcp', version: '1.2.3' }, 'b'))
    ])
    expect(outcomes.map((o) => o.kind)).toEqual(['graded', 'graded'])
    expect(scope.isDone()).toBe(true) // each interceptor answers once: a second fetch would fail
  })

  it('answers ungraded for non-npm servers, with the config findings and no request', async () => {
    const finding: Finding = {
      ruleId: 'config.privileged-container',
      axis: 'permissions',
      severity: 'high',
      title: 'Privileged container'
    }
    const server: ResolvedServer = {
      ...serverOf({ name: 'ghcr.io/x/y' }),
      package: {
        ecosystem: 'oci',
        name: 'ghcr.io/x/y',
        versionSpec: 'latest',
        version: null,
        pinned: false,
        purl: null,
        launcher: 'docker',
        resolution: { status: 'n/a' }
      }
    }
    expect(await graderWith(async () => [finding]).grade(server)).toEqual({
      kind: 'ungraded',
      reason: NON_PACKAGE_REASON,
      findings: [finding]
    })
  })

  it('answers ungraded for an npm server without an exact version', async () => {
    const grader = graderWith()
    const offline = await grader.grade(
      serverOf({
        name: 'x-mcp',
        versionSpec: 'latest',
        version: null,
        resolution: { status: 'offline' }
      })
    )
    expect(offline).toEqual({
      kind: 'ungraded',
      reason:
        'x-mcp@latest is not pinned and the run is offline, so the version that would run is unknown',
      findings: []
    })
    const missing = await grader.grade(
      serverOf({
        name: 'x-mcp',
        versionSpec: '^9',
        version: null,
        resolution: { status: 'not-found', message: 'no version of x-mcp matches "^9"' }
      })
    )
    expect(missing).toMatchObject({ kind: 'ungraded', reason: 'no version of x-mcp matches "^9"' })
    const failed = await grader.grade(
      serverOf({
        name: 'x-mcp',
        version: null,
        resolution: { status: 'error', message: 'npm registry answered 503' }
      })
    )
    expect(failed).toEqual({
      kind: 'error',
      message: 'the version of x-mcp could not be resolved: npm registry answered 503'
    })
  })

  it('answers ungraded when the registry does not have the package', async () => {
    nock(registry).get('/gone-mcp').reply(404, {})
    const outcome = await graderWith().grade(serverOf({ name: 'gone-mcp', version: '1.0.0' }))
    expect(outcome).toMatchObject({
      kind: 'ungraded',
      reason: expect.stringMatching(/gone-mcp is not on the npm registry/)
    })
  })

  it('answers error on an integrity mismatch (the tarball is never graded)', async () => {
    const wrong = `sha512-${createHash('sha512').update('something else').digest('base64')}`
    publish('good-mcp', '1.2.3', goodTarball('good-mcp', '1.2.3'), { integrity: wrong })
    const outcome = await graderWith().grade(serverOf({ name: 'good-mcp', version: '1.2.3' }))
    expect(outcome).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/^good-mcp@1\.2\.3: integrity check failed/)
    })
  })

  it('answers error for a tarball it could only partly read (gzip bomb)', async () => {
    const bomb = tarOf([{ path: 'package/zeros', content: Buffer.alloc(8 * 1024 * 1024) }])
    publish('bomb-mcp', '1.0.0', bomb)
    const outcome = await graderWith().grade(serverOf({ name: 'bomb-mcp', version: '1.0.0' }))
    expect(outcome).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/gzip bomb.*not graded from a partial read/)
    })
  })

  it('answers error for a tarball over the download limit', async () => {
    publish('good-mcp', '1.2.3', goodTarball('good-mcp', '1.2.3'))
    const outcome = await graderWith(async () => [], 100).grade(
      serverOf({ name: 'good-mcp', version: '1.2.3' })
    )
    expect(outcome).toEqual({
      kind: 'error',
      message: 'good-mcp@1.2.3: the package tarball is over the 100-byte download limit'
    })
  })

  it('answers error when the tarball download fails', async () => {
    const tgz = goodTarball('good-mcp', '1.2.3')
    nock(registry)
      .get('/good-mcp')
      .reply(200, {
        name: 'good-mcp',
        'dist-tags': { latest: '1.2.3' },
        versions: {
          '1.2.3': {
            ...packageJson('good-mcp', '1.2.3'),
            dist: {
              tarball: `${registry}/good-mcp/-/good-mcp-1.2.3.tgz`,
              integrity: `sha512-${createHash('sha512').update(tgz).digest('base64')}`
            }
          }
        }
      })
      .get('/good-mcp/-/good-mcp-1.2.3.tgz')
      .reply(500)
    const outcome = await graderWith().grade(serverOf({ name: 'good-mcp', version: '1.2.3' }))
    expect(outcome).toMatchObject({ kind: 'error', message: expect.stringMatching(/500/) })
  })

  it('grades a poor package with a broken package.json instead of crashing', async () => {
    const tgz = tarOf([
      { path: 'package/package.json', content: '{"name": "poor-mcp", ' },
      { path: 'package/README.md', content: '# poor-mcp\n' },
      { path: 'package/link', type: 'SymbolicLink', linkpath: '../../../etc/passwd' }
    ])
    publish('poor-mcp', '0.0.1', tgz, {
      manifest: {
        license: undefined,
        repository: undefined,
        engines: undefined,
        bin: undefined,
        dependencies: undefined
      }
    })
    const graded = report(
      await graderWith().grade(serverOf({ name: 'poor-mcp', version: '0.0.1' }))
    )
    expect(ids(graded.findings)).toEqual([
      'npm.repository-missing',
      'npm.no-provenance',
      'tarball.unsafe-entry',
      'tarball.package-json-invalid',
      'license.missing',
      'license.file-missing',
      'docs.readme-thin',
      'docs.readme-no-usage',
      'docs.readme-no-mcp-setup',
      'docs.security-policy-missing',
      'docs.changelog-missing',
      'mcp.sdk-not-declared',
      'npm.engines-missing',
      'npm.bin-missing',
      'source.not-analysed' // no readable package.json: no entry point to start from
    ])
    expect(graded.subScores).toMatchObject({
      maintenance: { score: 75, grade: 'B' }, // repository 15, SECURITY.md 5, CHANGELOG 5
      documentation: { score: 55, grade: 'D' }, // thin 25, no usage 10, no tools/setup 10
      compatibility: { score: 25, grade: 'F' } // pkg.json 25, license 15+5, sdk 10, engines 5, bin 15
    })
    // weighted mean 74 (C); the compatibility F would cap it at 74 anyway
    expect(graded.overall).toEqual({ score: 74, grade: 'C' })
  })

  it('answers error when the config-entry check fails', async () => {
    const outcome = await graderWith(async () => {
      throw new Error('boom')
    }).grade(serverOf({ name: 'x', version: '1.0.0' }))
    expect(outcome).toEqual({
      kind: 'error',
      message: 'the config-entry rules failed on server "srv": boom'
    })
  })
})

describe('built-in grader: the dependencies whose advisories are checked', () => {
  /** A grader whose advisory source records the package versions it is asked about. */
  function recordingGrader() {
    const asked: string[] = []
    const http = new HttpClient({ retries: 0, sleep: async () => undefined })
    const grader = createBuiltinGraderWith(async () => [], {
      npm: new NpmRegistryClient({ http, registry }),
      http,
      now: () => now,
      advisories: {
        name: 'test (recording)',
        lookup: async (queries) => {
          asked.push(...queries.map((q) => `${q.name}@${q.version}`))
          return queries.map(() => [])
        }
      }
    })
    return { grader, asked }
  }

  const manifest = { dependencies: { dep: '^1.0.0' } }
  const depPackument = {
    name: 'dep',
    'dist-tags': { latest: '1.2.0' },
    versions: {
      '1.0.1': { name: 'dep', version: '1.0.1', dist: { tarball: `${registry}/dep-1.0.1.tgz` } },
      '1.2.0': { name: 'dep', version: '1.2.0', dist: { tarball: `${registry}/dep-1.2.0.tgz` } }
    }
  }

  it('resolves them from the registry while the tarball downloads, latest from its document', async () => {
    const tgz = goodTarball('walk-mcp', '1.0.0')
    publish('walk-mcp', '1.0.0', tgz, { manifest })
    const dep = nock(registry).get('/dep/latest').reply(200, depPackument.versions['1.2.0'])
    const { grader, asked } = recordingGrader()
    report(await grader.grade(serverOf({ name: 'walk-mcp', version: '1.0.0' })))
    expect(asked).toEqual(['walk-mcp@1.0.0', 'dep@1.2.0'])
    // The dependency's full packument was never needed.
    expect(dep.isDone()).toBe(true)
    expect(nock.pendingMocks()).toEqual([])
  })

  it('takes them from a shipped npm-shrinkwrap.json, stopping the registry walk', async () => {
    const shrinkwrap = {
      name: 'locked-mcp',
      version: '1.0.0',
      lockfileVersion: 3,
      packages: {
        '': { name: 'locked-mcp', version: '1.0.0', dependencies: manifest.dependencies },
        'node_modules/dep': { version: '1.0.1' }
      }
    }
    const tgz = tarOf([
      {
        path: 'package/package.json',
        content: JSON.stringify({ ...packageJson('locked-mcp', '1.0.0'), ...manifest })
      },
      { path: 'package/npm-shrinkwrap.json', content: JSON.stringify(shrinkwrap) },
      { path: 'package/README.md', content: README },
      { path: 'package/LICENSE', content: MIT }
    ])
    publish('locked-mcp', '1.0.0', tgz, { manifest })
    // The registry walk may or may not have asked for `dep` before the tarball was read.
    nock(registry).get('/dep/latest').optionally().reply(200, depPackument.versions['1.2.0'])
    const { grader, asked } = recordingGrader()
    report(await grader.grade(serverOf({ name: 'locked-mcp', version: '1.0.0' })))
    expect(asked).toEqual(['locked-mcp@1.0.0', 'dep@1.0.1'])
  })

  it('trusts the registry when it says a shrinkwrap is shipped, and waits for it', async () => {
    const tgz = tarOf([
      { path: 'package/package.json', content: JSON.stringify(packageJson('flag-mcp', '1.0.0')) },
      { path: 'package/README.md', content: README }
    ])
    // `_hasShrinkwrap` is wrong here (no npm-shrinkwrap.json): the walk starts after the read.
    publish('flag-mcp', '1.0.0', tgz, { manifest: { ...manifest, _hasShrinkwrap: true } })
    nock(registry).get('/dep/latest').reply(200, depPackument.versions['1.2.0'])
    const { grader, asked } = recordingGrader()
    report(await grader.grade(serverOf({ name: 'flag-mcp', version: '1.0.0' })))
    expect(asked).toEqual(['flag-mcp@1.0.0', 'dep@1.2.0'])
  })
})

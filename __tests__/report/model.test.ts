import { describe, expect, it } from '@jest/globals'
import { displayUrl, packageDisplay, shortDigest } from '../../src/report/display.js'
import { buildReportModel, outcomeOf } from '../../src/report/model.js'
import {
  UNPINNED,
  blockedServer,
  config,
  finding,
  gateRun,
  grade,
  npmPackage,
  result
} from '../fixtures/report/runs.js'

describe('packageDisplay', () => {
  it('shows a pinned npm package as name@version', () => {
    expect(packageDisplay(npmPackage())).toBe('@modelcontextprotocol/server-filesystem@2025.1.14')
  })

  it('shows an unpinned package with the version it resolves to', () => {
    expect(
      packageDisplay(
        npmPackage({ name: 'pkg', versionSpec: null, version: '1.4.2', pinned: false })
      )
    ).toBe('pkg (unpinned → 1.4.2)')
    expect(
      packageDisplay(
        npmPackage({ name: 'pkg', versionSpec: '^1.2', version: '1.4.2', pinned: false })
      )
    ).toBe('pkg@^1.2 (unpinned → 1.4.2)')
  })

  it('says a withheld package is not graded, not that it is unpinned', () => {
    const p = npmPackage({
      name: 'pkg',
      versionSpec: '1.2.3',
      version: null,
      purl: null,
      pinned: true,
      resolution: { status: 'n/a', message: 'not graded: --registry installs from elsewhere' }
    })
    expect(packageDisplay(p)).toBe('pkg@1.2.3 (not graded: see the notes)')
  })

  it('says why an unpinned version is unknown', () => {
    const p = npmPackage({ name: 'pkg', versionSpec: 'latest', version: null, pinned: false })
    expect(packageDisplay({ ...p, resolution: { status: 'offline' } })).toBe(
      'pkg@latest (unpinned, not resolved: offline)'
    )
    expect(packageDisplay({ ...p, resolution: { status: 'not-found' } })).toBe(
      'pkg@latest (not found in the registry)'
    )
  })

  it('writes PyPI specs with their operator', () => {
    expect(
      packageDisplay(
        npmPackage({
          ecosystem: 'pypi',
          name: 'mcp-server-git',
          versionSpec: '>=1.0',
          version: '1.2.0',
          pinned: false
        })
      )
    ).toBe('mcp-server-git>=1.0 (unpinned → 1.2.0)')
  })

  it('shortens OCI digests', () => {
    const digest = `sha256:${'abcdef0123456789'.repeat(4)}`
    expect(
      packageDisplay(
        npmPackage({
          ecosystem: 'oci',
          name: 'ghcr.io/x/y',
          versionSpec: null,
          version: digest,
          pinned: true
        })
      )
    ).toBe('ghcr.io/x/y@sha256:abcdef012345…')
    expect(
      packageDisplay(
        npmPackage({
          ecosystem: 'oci',
          name: 'ghcr.io/x/y',
          versionSpec: '1.0',
          version: digest,
          pinned: true
        })
      )
    ).toBe('ghcr.io/x/y:1.0@sha256:abcdef012345…')
    expect(shortDigest('sha256:abc')).toBe('sha256:abc')
  })

  it('shortens digests of any algorithm and treats them as digests, not tags', () => {
    const digest = `sha512:${'0123456789abcdef'.repeat(8)}`
    expect(shortDigest(digest)).toBe('sha512:0123456789ab…')
    expect(shortDigest('blake3:0123456789abcdef0123')).toBe('blake3:0123456789ab…')
    expect(shortDigest('v1.2.3')).toBe('v1.2.3')
    expect(
      packageDisplay(
        npmPackage({
          ecosystem: 'oci',
          name: 'ghcr.io/x/y',
          versionSpec: '2.0',
          version: 'blake3:0123456789abcdef0123',
          pinned: true
        })
      )
    ).toBe('ghcr.io/x/y:2.0@blake3:0123456789ab…')
  })

  it('masks token-like path segments of remote URLs', () => {
    expect(displayUrl('https://mcp.example.com/mcp/sk-ak-0123456789abcdef/sse?key=1')).toBe(
      'https://mcp.example.com/mcp/…/sse?key=…'
    )
  })

  it('masks credentials and query values of remote URLs', () => {
    expect(displayUrl('https://user:pw@mcp.example.com/sse?api_key=sk-123&x=1#frag')).toBe(
      'https://mcp.example.com/sse?api_key=…&x=…'
    )
    expect(
      packageDisplay(
        npmPackage({
          ecosystem: 'remote',
          name: 'https://mcp.example.com/mcp?token=abc',
          pinned: false
        })
      )
    ).toBe('https://mcp.example.com/mcp?token=…')
  })
})

describe('buildReportModel', () => {
  it('sorts blocked, then warned, then passed, stable within each', () => {
    const run = gateRun([
      result({ name: 'p1' }),
      result({ name: 'w1', verdict: 'warn', reasons: [{ ...UNPINNED, severity: 'warning' }] }),
      blockedServer('b1', 10),
      result({ name: 'p2' }),
      blockedServer('b2', 20),
      result({ name: 'x1', verdict: 'excepted' })
    ])
    const model = buildReportModel(run)
    expect(model.servers.map((s) => s.name)).toEqual(['b1', 'b2', 'w1', 'x1', 'p1', 'p2'])
    expect(model.counts).toMatchObject({ blocked: 2, warned: 2, passed: 2, servers: 6 })
    expect(model.symbol).toBe('❌')
  })

  it('computes display strings for a blocked server', () => {
    const model = buildReportModel(gateRun([blockedServer()]))
    const s = model.servers[0]!
    expect(s.location).toBe('.mcp.json:3')
    expect(s.package).toBe('@modelcontextprotocol/server-filesystem@latest (unpinned → 2026.8.31)')
    expect(s.pinned).toBe('no')
    expect(s.grade.text).toBe('C (62)')
    expect(s.subScores.security.text).toBe('D (55)')
    expect(s.subScores.compatibility.text).toBe('—')
    expect(s.subScores.compatibility.assessed).toBe(false)
    expect(s.subScores.documentation.text).toBe('B')
    expect(s.registry).toBe('—')
    expect(s.exception).toBe('—')
    expect(s.verdict).toBe('fail')
    expect(s.symbol).toBe('❌')
    expect(s.fixes).toEqual([
      'pick a version graded B or better, or request an exception',
      'pin it: @modelcontextprotocol/server-filesystem@2026.8.31'
    ])
    // Findings worst first.
    expect(s.findings.map((f) => f.severity)).toEqual(['high', 'medium'])
    expect(s.findings[0]).toMatchObject({ cwe: 'CWE-78', location: 'dist/index.js:42' })
    expect(model.compliance).toEqual([])
  })

  it('never invents a grade: ungraded and grader errors are words, axes are dashes', () => {
    const model = buildReportModel(
      gateRun([
        result({
          name: 'u',
          grade: null,
          gradeProblem: { kind: 'ungraded', message: 'not npm' },
          verdict: 'fail'
        }),
        result({
          name: 'e',
          grade: null,
          gradeProblem: { kind: 'error', message: 'timeout' },
          verdict: 'error',
          reasons: [{ code: 'GRADER_ERROR', severity: 'error', message: 'timeout' }]
        })
      ])
    )
    const [u, e] = model.servers
    expect(u!.grade).toEqual({ text: 'ungraded', letter: null, score: null, assessed: false })
    expect(e!.grade.text).toBe('grader error')
    expect(Object.values(u!.subScores).map((c) => c.text)).toEqual(['—', '—', '—', '—', '—', '—'])
    expect(e!.gradeProblem).toBe('timeout')
  })

  it('puts reasons worst first and shows findings from an ungraded outcome', () => {
    const model = buildReportModel(
      gateRun([
        result({
          grade: null,
          gradeProblem: { kind: 'ungraded', message: 'remote server' },
          ungradedFindings: [finding({ ruleId: 'config/plain-http', severity: 'medium' })],
          verdict: 'warn',
          reasons: [
            { code: 'EXCEPTION_APPLIED', severity: 'notice', message: 'n' },
            { code: 'UNGRADED', severity: 'warning', message: 'w' }
          ]
        })
      ])
    )
    const s = model.servers[0]!
    expect(s.reasons.map((r) => r.code)).toEqual(['UNGRADED', 'EXCEPTION_APPLIED'])
    expect(s.findings.map((f) => f.ruleId)).toEqual(['config/plain-http'])
  })

  it('shows grade, config and ungraded findings, each once', () => {
    const privileged = finding({
      ruleId: 'config.docker-privileged',
      axis: 'permissions',
      severity: 'critical',
      title: 'Container runs with --privileged',
      evidence: { file: '.mcp.json', line: 5, snippet: 'args.2: --privileged' }
    })
    const http = finding({
      ruleId: 'config.plain-http-remote',
      severity: 'high',
      evidence: { file: '.mcp.json', line: 2, snippet: 'url: http://x/mcp' }
    })
    const model = buildReportModel(
      gateRun([
        result({
          // The built-in grade repeats the config finding it scored.
          grade: grade({ findings: [finding(), privileged] }),
          configFindings: [privileged, http, { ...http, evidence: { ...http.evidence, line: 9 } }],
          ungradedFindings: [http]
        })
      ])
    )
    const f = model.servers[0]!.findings
    expect(f.map((x) => `${x.ruleId}@${x.location}`)).toEqual([
      'config.docker-privileged@.mcp.json:5',
      'source/child-process@dist/index.js:42',
      'config.plain-http-remote@.mcp.json:2',
      'config.plain-http-remote@.mcp.json:9'
    ])
  })

  it('keeps the raw config path for machines and notes (entry, then resolution) once', () => {
    const path = `${'x/'.repeat(150)}mcp.json`
    const model = buildReportModel(
      gateRun([
        result({
          config: path,
          notes: {
            entry: ['url ignored by stdio clients'],
            server: ['runs several commands:\nnpm i && node x', 'url ignored by stdio clients']
          }
        })
      ])
    )
    const s = model.servers[0]!
    expect(s.file).toBe(path)
    expect(s.config).toHaveLength(200)
    expect(model.configs[0]!.file).toBe(path)
    expect(s.notes).toEqual([
      'url ignored by stdio clients',
      'runs several commands: npm i && node x'
    ])
  })

  it('classifies an error verdict without blocking reasons as warned', () => {
    expect(
      outcomeOf({
        verdict: 'error',
        reasons: [{ code: 'GRADER_ERROR', severity: 'warning', message: 'x' }]
      })
    ).toBe('warned')
    expect(
      outcomeOf({
        verdict: 'error',
        reasons: [{ code: 'GRADER_ERROR', severity: 'error', message: 'x' }]
      })
    ).toBe('blocked')
  })

  it('describes config errors as path:line:column: message and counts them', () => {
    const model = buildReportModel(
      gateRun([result()], {
        configs: [
          config({
            path: 'a/mcp.json',
            error: { message: 'Expected comma', line: 3, column: 7 },
            hasServerMap: false
          }),
          config({ path: 'b/settings.json', hasServerMap: false }),
          config()
        ]
      })
    )
    expect(model.configs[0]!.errorText).toBe('a/mcp.json:3:7: Expected comma')
    expect(model.counts).toMatchObject({ configs: 3, invalidConfigs: 1, noServerConfigs: 1 })
  })

  it('clips very long untrusted strings', () => {
    const model = buildReportModel(gateRun([result({ name: 'x'.repeat(5000) })]))
    expect(model.servers[0]!.name.length).toBeLessThanOrEqual(200)
    expect(model.servers[0]!.name.endsWith('…')).toBe(true)
  })

  it('lists distinct environments and policy sources', () => {
    const run = gateRun([
      result({ environment: 'production' }),
      result({ environment: 'development' })
    ])
    const model = buildReportModel(run)
    expect(model.environments).toEqual(['production', 'development'])
    expect(model.policySources).toEqual(['built-in defaults'])
    expect(grade().overall.grade).toBe('B')
  })
})

import { describe, expect, it } from '@jest/globals'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { COMPLIANCE_SOURCE } from '../../src/policy/compliance.js'
import { JsonReportSchema, jsonReportSchema, toJsonReport } from '../../src/report/json.js'
import {
  UNPINNED,
  config,
  entry,
  finding,
  gateRun,
  grade,
  policy,
  result
} from '../fixtures/report/runs.js'

/** The SPEC §8 example run: one failing unpinned server and one passing one. */
function sampleRun() {
  const fs = result({
    name: 'fs',
    line: 3,
    column: 5,
    pkg: {
      versionSpec: 'latest',
      version: '2026.8.31',
      pinned: false,
      purl: 'pkg:npm/%40modelcontextprotocol/server-filesystem@2026.8.31',
      resolution: { status: 'registry' }
    },
    grade: grade({
      overall: { score: 81, grade: 'B' },
      subScores: {
        security: { score: 88, grade: 'B' },
        permissions: null,
        credentials: { score: 95, grade: 'A' },
        maintenance: { score: 80, grade: 'B' },
        compatibility: { score: 90, grade: 'A' },
        documentation: { score: 76, grade: 'B' }
      }
    }),
    verdict: 'fail',
    reasons: [{ code: 'UNPINNED', severity: 'error', message: 'not pinned' }]
  })
  const git = result({
    name: 'git',
    line: 10,
    column: 5,
    pkg: {
      ecosystem: 'pypi',
      name: 'mcp-server-git',
      versionSpec: '==0.6.2',
      version: '0.6.2',
      pinned: true,
      purl: 'pkg:pypi/mcp-server-git@0.6.2',
      launcher: 'uvx'
    },
    verdict: 'pass'
  })
  return gateRun([fs, git], {
    configs: [
      config({ path: '.mcp.json', servers: [entry({ name: 'fs' }), entry({ name: 'git' })] }),
      config({
        path: 'broken/mcp.json',
        format: 'generic',
        hasServerMap: false,
        error: { message: 'Expected comma', line: 3, column: 7 }
      })
    ],
    policies: [policy('production', '.github/mcp-policy.yml')]
  })
}

describe('toJsonReport', () => {
  it('produces exactly the SPEC §8 shape (plus documented additive fields)', () => {
    const run = sampleRun()
    const report = toJsonReport(run)
    expect(report).toEqual({
      reportVersion: 1,
      tool: { name: 'mcp-grade-gate', version: '0.1.0' },
      environment: 'production',
      environments: ['production'],
      verdict: 'fail',
      counts: { servers: 2, pass: 1, warn: 0, fail: 1, excepted: 0, error: 0 },
      configs: [
        {
          path: '.mcp.json',
          format: 'claude-code',
          servers: 2,
          error: null,
          hasServerMap: true,
          notes: []
        },
        {
          path: 'broken/mcp.json',
          format: 'generic',
          servers: 0,
          error: { code: 'CONFIG_INVALID', message: 'Expected comma', line: 3, column: 7 },
          hasServerMap: false,
          notes: []
        }
      ],
      servers: [
        {
          name: 'fs',
          config: '.mcp.json',
          line: 3,
          column: 5,
          package: {
            ecosystem: 'npm',
            name: '@modelcontextprotocol/server-filesystem',
            versionSpec: 'latest',
            version: '2026.8.31',
            pinned: false,
            purl: 'pkg:npm/%40modelcontextprotocol/server-filesystem@2026.8.31',
            launcher: 'npx',
            resolution: { status: 'registry' }
          },
          grade: {
            source: 'builtin',
            grader: { name: 'mcp-grade-gate-builtin', version: '0.1.0' },
            rubricVersion: '1',
            overall: { score: 81, grade: 'B' },
            subScores: {
              security: { score: 88, grade: 'B' },
              permissions: null,
              credentials: { score: 95, grade: 'A' },
              maintenance: { score: 80, grade: 'B' },
              compatibility: { score: 90, grade: 'A' },
              documentation: { score: 76, grade: 'B' }
            },
            findings: [],
            auditedAt: '2026-11-21T10:00:00Z'
          },
          registry: null,
          exception: null,
          verdict: 'fail',
          reasons: [{ code: 'UNPINNED', severity: 'error', message: 'not pinned' }],
          environment: 'production',
          gradeProblem: null,
          ungradedFindings: [],
          configFindings: [],
          notes: [],
          compliance: [],
          change: null
        },
        {
          name: 'git',
          config: '.mcp.json',
          line: 10,
          column: 5,
          package: {
            ecosystem: 'pypi',
            name: 'mcp-server-git',
            versionSpec: '==0.6.2',
            version: '0.6.2',
            pinned: true,
            purl: 'pkg:pypi/mcp-server-git@0.6.2',
            launcher: 'uvx',
            resolution: { status: 'exact' }
          },
          grade: run.servers[1]!.grade,
          registry: null,
          exception: null,
          verdict: 'pass',
          reasons: [],
          environment: 'production',
          gradeProblem: null,
          ungradedFindings: [],
          configFindings: [],
          notes: [],
          compliance: [],
          change: null
        }
      ],
      today: '2026-11-21',
      startedAt: '2026-11-21T10:00:00.000Z',
      grader: 'builtin',
      change: null,
      policies: [
        {
          environment: 'production',
          source: 'default',
          reason: 'policy default',
          file: '.github/mcp-policy.yml'
        }
      ],
      compliance: { source: COMPLIANCE_SOURCE, controls: [] }
    })
  })

  it('keeps a fix when a reason has one, and grade problems', () => {
    const report = toJsonReport(
      gateRun([
        result({
          grade: null,
          gradeProblem: { kind: 'error', message: 'grader timed out' },
          verdict: 'error',
          reasons: [UNPINNED]
        })
      ])
    )
    expect(report.servers[0]!.reasons[0]).toEqual({
      code: 'UNPINNED',
      severity: 'error',
      message: UNPINNED.message,
      fix: UNPINNED.fix
    })
    expect(report.servers[0]!.grade).toBeNull()
    expect(report.servers[0]!.gradeProblem).toEqual({ kind: 'error', message: 'grader timed out' })
  })

  it('adds configFindings and deduplicated entry + resolution notes per server', () => {
    const risk = finding({
      ruleId: 'config.docker-privileged',
      axis: 'permissions',
      severity: 'critical',
      title: 'Container runs with --privileged',
      cwe: 'CWE-250',
      evidence: { file: '.mcp.json', line: 5, snippet: 'args.2: --privileged' }
    })
    const report = toJsonReport(
      gateRun([
        result({
          configFindings: [risk],
          notes: {
            entry: ['url ignored by stdio clients'],
            server: ['runs several commands', 'url ignored by stdio clients']
          }
        })
      ])
    )
    const server = report.servers[0]!
    expect(server.configFindings).toEqual([risk])
    expect(server.notes).toEqual(['url ignored by stdio clients', 'runs several commands'])
    expect(JsonReportSchema.safeParse(JSON.parse(JSON.stringify(report))).success).toBe(true)
  })

  it('says the environment is the first policy’s, and null only without policies', () => {
    expect(toJsonReport(gateRun([])).environment).toBe('production')
    expect(toJsonReport(gateRun([], { policies: [] })).environment).toBeNull()
  })

  it('round-trips through JSON and validates against its zod schema and JSON Schema', () => {
    const report = JSON.parse(JSON.stringify(toJsonReport(sampleRun()))) as unknown
    expect(JsonReportSchema.safeParse(report).success).toBe(true)
    const ajv = new Ajv2020({ allErrors: true, strict: false })
    addFormats.default(ajv)
    const validate = ajv.compile(jsonReportSchema())
    expect(validate(report)).toBe(true)
    // The schema is not a rubber stamp: a wrong field type fails.
    const broken = { ...(report as Record<string, unknown>), reportVersion: 2 }
    expect(validate(broken)).toBe(false)
    // configs[].error carries the CONFIG_INVALID code; another code is refused.
    const configs = (report as { configs: { error: { code: string } | null }[] }).configs
    const badCode = {
      ...(report as Record<string, unknown>),
      configs: configs.map((c) => (c.error ? { ...c, error: { ...c.error, code: 'OOPS' } } : c))
    }
    expect(validate(badCode)).toBe(false)
  })
})

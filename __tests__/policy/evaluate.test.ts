import { describe, expect, it } from '@jest/globals'
import type { LiteralSecret } from '../../src/config/types.js'
import {
  CONFIG_RULE,
  CONFIG_RULES,
  checkConfigEntry
} from '../../src/grade/builtin/config-rules.js'
import { findingOf } from '../../src/grade/builtin/finding.js'
import type { RuleDefinition } from '../../src/grade/builtin/rule.js'
import {
  RUBRIC_VERSION,
  scoreFindings,
  BUILTIN_ASSESSED_AXES
} from '../../src/grade/builtin/scoring.js'
import { GradeReportSchema, type Finding, type GradeOutcome } from '../../src/grade/report.js'
import { configRiskFix } from '../../src/policy/config-risk.js'
import { evaluateServer, runVerdict, verdictOf } from '../../src/policy/evaluate.js'
import { parsePolicyText } from '../../src/policy/load.js'
import type { Reason } from '../../src/policy/reasons.js'
import type { ServerResult } from '../../src/policy/result.js'
import { createPolicyResolver } from '../../src/policy/resolve.js'
import type { EffectivePolicy } from '../../src/policy/types.js'
import type { ResolvedServer } from '../../src/resolve/types.js'
import { makeReport, makeServer, policyFor } from './make.js'

const production = policyFor('production')
const development = policyFor('development')

function graded(report = makeReport()): GradeOutcome {
  return { kind: 'graded', report }
}

function evaluate(
  options: {
    server?: ResolvedServer
    outcome?: GradeOutcome
    secrets?: LiteralSecret[]
    configFindings?: Finding[]
  } = {},
  policy: EffectivePolicy = production
): ServerResult {
  return evaluateServer(
    {
      server: options.server ?? makeServer(),
      outcome: options.outcome ?? graded(),
      literalSecrets: options.secrets ?? [],
      configFindings: options.configFindings ?? [],
      registry: null,
      exceptions: null,
      today: '2026-11-21'
    },
    policy
  )
}

const codes = (result: ServerResult) => result.reasons.map((r) => `${r.code}:${r.severity}`)

/** A policy from YAML text, for `environment`. */
function policyFrom(yaml: string, environment: string): EffectivePolicy {
  const file = parsePolicyText(yaml, 'p.yml')
  return createPolicyResolver({ file, policyPath: 'p.yml', environment })('.mcp.json')
}

describe('evaluateServer: a clean server', () => {
  it.each(['production', 'staging', 'development', 'ci'])('passes in %s', (environment) => {
    const policy = policyFor(environment)
    const result = evaluate({}, policy)
    expect(result.policy).toBe(policy)
    expect(result.verdict).toBe('pass')
    expect(result.reasons).toEqual([])
    expect(result.grade).not.toBeNull()
    expect(result.gradeProblem).toBeNull()
    expect(result.ungradedFindings).toEqual([])
    expect(result.registry).toBeNull()
    expect(result.exception).toBeNull()
    expect(result.compliance).toEqual([])
  })
})

describe('LITERAL_SECRET', () => {
  const secret: LiteralSecret = {
    field: 'env.GITHUB_TOKEN',
    kind: 'GitHub token',
    masked: 'ghp_…(40 chars)',
    rule: '@secretlint/secretlint-rule-github'
  }

  it.each([
    ['production', production],
    ['development', development]
  ])('blocks in %s, naming the field and the masked value', (_name, policy) => {
    const result = evaluate({ secrets: [secret] }, policy)
    expect(result.verdict).toBe('fail')
    expect(result.reasons).toEqual([
      {
        code: 'LITERAL_SECRET',
        severity: 'error',
        message:
          'server "fs" (npm @example/server-fs@1.4.2): env.GITHUB_TOKEN holds a literal GitHub token (ghp_…(40 chars)); a committed secret is never allowed',
        fix: 'move it to an env var reference such as ${env:GITHUB_TOKEN} / ${input:github_token} and rotate it'
      }
    ])
  })

  it('gives one reason per secret', () => {
    const second = { ...secret, field: 'headers.Authorization', kind: 'bearer token' }
    const result = evaluate({ secrets: [secret, second] })
    expect(codes(result)).toEqual(['LITERAL_SECRET:error', 'LITERAL_SECRET:error'])
    expect(result.reasons[1]?.fix).toContain('${env:AUTHORIZATION}')
  })
})

describe('UNPINNED', () => {
  const unpinned = makeServer({
    versionSpec: 'latest',
    version: '1.4.2',
    pinned: false,
    resolution: { status: 'registry' }
  })

  it('blocks in production, saying what it resolves to today and how to pin it', () => {
    const result = evaluate({ server: unpinned })
    expect(result.verdict).toBe('fail')
    expect(result.reasons).toEqual([
      {
        code: 'UNPINNED',
        severity: 'error',
        message:
          'server "fs" (npm @example/server-fs@1.4.2): @example/server-fs is unpinned ("latest"; resolves to 1.4.2 today); production requires pinned versions',
        fix: 'pin it: @example/server-fs@1.4.2'
      }
    ])
  })

  it.each(['development', 'ci'])('only warns in %s', (environment) => {
    const result = evaluate({ server: unpinned }, policyFor(environment))
    expect(result.verdict).toBe('warn')
    expect(codes(result)).toEqual(['UNPINNED:warning'])
  })

  it('pins PyPI packages with ==', () => {
    const server = makeServer({
      ecosystem: 'pypi',
      name: 'mcp-server-git',
      versionSpec: null,
      version: '0.6.2',
      pinned: false,
      resolution: { status: 'registry' }
    })
    expect(evaluate({ server }).reasons[0]?.fix).toBe('pin it: mcp-server-git==0.6.2')
  })

  it('asks for a digest for OCI images', () => {
    const server = makeServer({
      ecosystem: 'oci',
      name: 'ghcr.io/github/github-mcp-server',
      versionSpec: 'v1.0.0',
      version: null,
      pinned: false,
      resolution: { status: 'n/a' }
    })
    const reason = evaluate({ server }).reasons[0]
    expect(reason?.message).toContain(
      'image ghcr.io/github/github-mcp-server:v1.0.0 is not pinned to a digest'
    )
    expect(reason?.fix).toContain(
      'pin a digest: ghcr.io/github/github-mcp-server:v1.0.0@sha256:<digest>'
    )
  })

  it('says when an unpinned version could not be resolved', () => {
    const server = makeServer({
      versionSpec: '^1.0.0',
      version: null,
      pinned: false,
      resolution: { status: 'offline' }
    })
    const reason = evaluate({ server }, development).reasons[0]
    expect(reason?.message).toContain('("^1.0.0"; not resolved: offline run)')
    expect(reason?.fix).toBe('pin it to an exact version: @example/server-fs@<version>')
  })

  it('asks for a release or a commit for a git source, not name==version', () => {
    const server = makeServer({
      ecosystem: 'pypi',
      name: 'git+https://github.com/oraios/serena',
      versionSpec: null,
      version: null,
      pinned: false,
      resolution: { status: 'n/a' }
    })
    const fix = evaluate({ server }).reasons.find((r) => r.code === 'UNPINNED')?.fix
    expect(fix).toBe(
      'install a released version (package==<version>) instead of this source, or pin the source to a commit (git+https://github.com/oraios/serena@<commit sha>)'
    )
  })

  it.each(['remote', 'local', 'unknown'] as const)('does not apply to %s servers', (ecosystem) => {
    const server = makeServer({
      ecosystem,
      name: ecosystem === 'remote' ? 'https://mcp.example.com/sse' : './server.js',
      versionSpec: null,
      version: null,
      pinned: false,
      purl: null,
      resolution: { status: 'n/a' }
    })
    expect(codes(evaluate({ server }))).toEqual([])
  })
})

describe('GRADER_ERROR', () => {
  const outcome: GradeOutcome = { kind: 'error', message: 'grading service answered 503' }

  it('makes the verdict error by default (onGraderError: fail)', () => {
    const result = evaluate({ outcome })
    expect(result.verdict).toBe('error')
    expect(result.grade).toBeNull()
    expect(result.gradeProblem).toEqual({ kind: 'error', message: 'grading service answered 503' })
    expect(result.reasons).toHaveLength(1)
    expect(result.reasons[0]).toMatchObject({ code: 'GRADER_ERROR', severity: 'error' })
    expect(result.reasons[0]?.message).toContain('the grader failed: grading service answered 503')
    expect(result.reasons[0]?.message).toContain('production blocks servers without a grade')
  })

  it('only warns where onGraderError: warn', () => {
    const policy = policyFrom('environments:\n  ci: { onGraderError: warn }\n', 'ci')
    const result = evaluate({ outcome }, policy)
    expect(result.verdict).toBe('warn')
    expect(codes(result)).toEqual(['GRADER_ERROR:warning'])
  })

  it('still fails for other errors when the grader error only warns', () => {
    const policy = policyFrom('onGraderError: warn\n', 'production')
    const server = makeServer({ pinned: false, versionSpec: 'latest' })
    expect(evaluate({ outcome, server }, policy).verdict).toBe('fail')
  })
})

describe('UNGRADED', () => {
  const outcome: GradeOutcome = {
    kind: 'ungraded',
    reason: 'the builtin grader grades npm packages only',
    findings: [
      {
        ruleId: 'config/plain-http',
        axis: 'security',
        severity: 'medium',
        title: 'remote server over plain http'
      }
    ]
  }

  it.each(['production', 'development'])('blocks in %s (a grade is required)', (environment) => {
    const result = evaluate({ outcome }, policyFor(environment))
    expect(result.verdict).toBe('fail')
    expect(codes(result)).toEqual(['UNGRADED:error'])
    expect(result.reasons[0]?.message).toContain(
      'no grade: the builtin grader grades npm packages only'
    )
    expect(result.gradeProblem).toEqual({
      kind: 'ungraded',
      message: 'the builtin grader grades npm packages only'
    })
    expect(result.ungradedFindings).toHaveLength(1)
  })

  it('warns where requireGrade is false', () => {
    const policy = policyFrom('environments:\n  ci: { requireGrade: false }\n', 'ci')
    const result = evaluate({ outcome }, policy)
    expect(result.verdict).toBe('warn')
    expect(codes(result)).toEqual(['UNGRADED:warning'])
  })

  it('still reports advisories found without a grade', () => {
    const result = evaluate({
      outcome: {
        kind: 'ungraded',
        reason: 'no tarball',
        findings: [
          {
            ruleId: 'advisory/osv',
            axis: 'security',
            severity: 'critical',
            title: 'RCE',
            advisory: { id: 'GHSA-aaaa-bbbb-cccc' }
          }
        ]
      }
    })
    expect(codes(result)).toEqual(['KNOWN_VULNERABILITY:error', 'UNGRADED:error'])
  })
})

describe('GRADE_BELOW_MIN', () => {
  it('names the grade, the score, the minimum and the environment', () => {
    const result = evaluate({ outcome: graded(makeReport({ overall: 63 })) })
    expect(result.verdict).toBe('fail')
    expect(result.reasons).toEqual([
      expect.objectContaining({ code: 'GRADE_BELOW_MIN', severity: 'error' })
    ])
    expect(result.reasons[0]?.message).toBe(
      'server "fs" (npm @example/server-fs@1.4.2): overall grade C (63) is below the minimum B for production'
    )
  })

  it('passes at the minimum’s lower bound', () => {
    expect(evaluate({ outcome: graded(makeReport({ overall: 75 })) }).verdict).toBe('pass')
  })

  it('passes C in development, fails D', () => {
    expect(evaluate({ outcome: graded(makeReport({ overall: 60 })) }, development).verdict).toBe(
      'pass'
    )
    expect(codes(evaluate({ outcome: graded(makeReport({ overall: 59 })) }, development))).toEqual([
      'GRADE_BELOW_MIN:error'
    ])
  })

  it('judges a letter-only overall grade by its letter', () => {
    expect(evaluate({ outcome: graded(makeReport({ overall: 'B' })) }).verdict).toBe('pass')
    const result = evaluate({ outcome: graded(makeReport({ overall: 'C' })) })
    expect(result.reasons[0]?.message).toContain('overall grade C is below the minimum B')
  })

  it('reads scores under the policy’s scale', () => {
    const policy = policyFrom('scale: { A: 92, B: 80, C: 65, D: 45 }\n', 'production')
    // 78 is a B under the default scale but a C under this one; the axes are 95 (A either way)
    const result = evaluate({ outcome: graded(makeReport({ overall: [78, 'B'] })) }, policy)
    expect(result.reasons[0]?.message).toContain('overall grade C (78) is below the minimum B')
  })

  it('follows the min-grade input', () => {
    const policy = policyFor('development', { minGrade: 'A' })
    expect(
      codes(evaluate({ outcome: graded(makeReport({ overall: 89, axes: {} })) }, policy))
    ).toEqual(['GRADE_BELOW_MIN:error'])
  })
})

describe('SUBSCORE_F', () => {
  const policy = policyFrom(
    'environments:\n  lab:\n    extends: ci\n    noFInAnyAxis: false\n    floors: { documentation: null }\n',
    'lab'
  )

  it('blocks an F in any assessed axis where noFInAnyAxis', () => {
    const result = evaluate(
      { outcome: graded(makeReport({ axes: { documentation: 30 } })) },
      development
    )
    expect(codes(result)).toEqual(['SUBSCORE_F:error', 'SUBSCORE_BELOW_FLOOR:error'])
    expect(result.reasons[0]?.message).toContain(
      'documentation F (30) is an F; development allows no F in any axis'
    )
  })

  it('counts a letter-only F', () => {
    const result = evaluate({ outcome: graded(makeReport({ axes: { maintenance: 'F' } })) })
    expect(codes(result)).toContain('SUBSCORE_F:error')
  })

  it('does not apply where noFInAnyAxis is false', () => {
    const result = evaluate(
      { outcome: graded(makeReport({ axes: { documentation: 30 } })) },
      policy
    )
    expect(result.verdict).toBe('pass')
  })

  it('passes a D (40) in an environment with floors lowered to D', () => {
    const lowered = policyFor('development', { minGrade: 'D' })
    expect(
      evaluate({ outcome: graded(makeReport({ overall: 70, axes: { maintenance: 40 } })) }, lowered)
        .verdict
    ).toBe('pass')
  })
})

describe('SUBSCORE_BELOW_FLOOR', () => {
  it('blocks an axis below its floor, naming axis, score, floor and environment', () => {
    const result = evaluate({ outcome: graded(makeReport({ axes: { permissions: 74 } })) })
    expect(result.verdict).toBe('fail')
    expect(codes(result)).toEqual(['SUBSCORE_BELOW_FLOOR:error'])
    expect(result.reasons[0]?.message).toBe(
      'server "fs" (npm @example/server-fs@1.4.2): permissions C (74) is below the production floor of 75'
    )
  })

  it('passes an axis at its floor', () => {
    expect(evaluate({ outcome: graded(makeReport({ axes: { permissions: 75 } })) }).verdict).toBe(
      'pass'
    )
  })

  it('counts a letter-only B as 75 (its lower bound)', () => {
    expect(evaluate({ outcome: graded(makeReport({ axes: { permissions: 'B' } })) }).verdict).toBe(
      'pass'
    )
    const stricter = policyFor('production', { subScoreFloors: { permissions: 85 } })
    const result = evaluate(
      { outcome: graded(makeReport({ axes: { permissions: 'B' } })) },
      stricter
    )
    expect(codes(result)).toEqual(['SUBSCORE_BELOW_FLOOR:error'])
    expect(result.reasons[0]?.message).toContain(
      'permissions B (≥ 75) is below the production floor of 85'
    )
  })

  it('lists every axis below its floor (all reasons, not the first)', () => {
    const result = evaluate({
      outcome: graded(makeReport({ axes: { security: 70, documentation: 62, maintenance: 50 } }))
    })
    expect(codes(result)).toEqual([
      'SUBSCORE_BELOW_FLOOR:error',
      'SUBSCORE_BELOW_FLOOR:error',
      'SUBSCORE_BELOW_FLOOR:error'
    ])
    expect(result.reasons.map((r) => r.message.split(': ')[1])).toEqual([
      'security C (70) is below the production floor of 75',
      'maintenance D (50) is below the production floor of 75',
      'documentation C (62) is below the production floor of 75'
    ])
  })

  it('says nothing about not-assessed axes: a pass carries no floor code', () => {
    const report = makeReport({
      source: 'registry',
      axes: { permissions: null, documentation: null }
    })
    const lenient = evaluate({ outcome: graded(report) })
    expect(lenient.verdict).toBe('pass')
    expect(lenient.reasons).toEqual([])
  })

  it('blocks each not-assessed axis with a floor where requireAssessedAxes', () => {
    const report = makeReport({
      source: 'registry',
      axes: { permissions: null, documentation: null }
    })
    const strict = policyFrom('requireAssessedAxes: true\n', 'production')
    const blocked = evaluate({ outcome: graded(report) }, strict)
    expect(blocked.verdict).toBe('fail')
    expect(codes(blocked)).toEqual(['SUBSCORE_BELOW_FLOOR:error', 'SUBSCORE_BELOW_FLOOR:error'])
    expect(blocked.reasons.map((r) => r.message)).toEqual([
      'server "fs" (npm @example/server-fs@1.4.2): permissions was not assessed by the registry grader, so its production floor of 75 could not be verified; production requires assessed axes',
      'server "fs" (npm @example/server-fs@1.4.2): documentation was not assessed by the registry grader, so its production floor of 75 could not be verified; production requires assessed axes'
    ])
    expect(blocked.reasons[0]?.fix).toBe(
      'use a grader that assesses permissions (e.g. the builtin grader), or request an exception'
    )
  })

  it('names the rules that cost the axis the most in the fix', () => {
    const report = makeReport({
      axes: { permissions: 60 },
      findings: [
        {
          ruleId: 'config.auto-approve-all',
          axis: 'permissions',
          severity: 'high',
          title: 'a',
          deduction: 35
        },
        { ruleId: 'tools.shell', axis: 'permissions', severity: 'medium', title: 'b', deduction: 5 }
      ]
    })
    expect(evaluate({ outcome: graded(report) }).reasons[0]?.fix).toBe(
      'it needs at least 75 on permissions: fix the config entry (config.auto-approve-all −35 on permissions) and use a version or server without these findings (tools.shell −5), or request an exception'
    )
  })

  it('says nothing about a not-assessed axis without a floor', () => {
    const policy = policyFrom(
      'requireAssessedAxes: true\nenvironments:\n  ci: { floors: { documentation: null } }\n',
      'ci'
    )
    const report = makeReport({ axes: { documentation: null } })
    expect(evaluate({ outcome: graded(report) }, policy).reasons).toEqual([])
  })
})

describe('QUARANTINE', () => {
  it('blocks security or credentials below 60 in every environment', () => {
    const result = evaluate(
      { outcome: graded(makeReport({ overall: 70, axes: { credentials: 55 } })) },
      development
    )
    expect(result.verdict).toBe('fail')
    expect(codes(result)).toEqual(['QUARANTINE:error', 'SUBSCORE_BELOW_FLOOR:error'])
    expect(result.reasons[0]?.message).toContain(
      'credentials D (55) is below the quarantine threshold 60; quarantined in every environment'
    )
    expect(result.reasons[0]?.fix).toContain('no exception can waive quarantine')
  })

  it('does not quarantine at 60', () => {
    const result = evaluate(
      { outcome: graded(makeReport({ overall: 70, axes: { security: 60 } })) },
      development
    )
    expect(result.verdict).toBe('pass')
  })

  it('judges letter-only scores by their lower bound (D is 40, C is 60)', () => {
    const d = evaluate({ outcome: graded(makeReport({ axes: { security: 'D' } })) }, development)
    expect(codes(d)).toContain('QUARANTINE:error')
    const c = evaluate({ outcome: graded(makeReport({ axes: { security: 'C' } })) }, development)
    expect(codes(c)).not.toContain('QUARANTINE:error')
  })

  it('does not quarantine an axis that was not assessed', () => {
    const result = evaluate({ outcome: graded(makeReport({ axes: { security: null } })) })
    expect(codes(result)).toEqual([])
  })

  it('asks for a better version when the grader gave no deductions', () => {
    const result = evaluate(
      { outcome: graded(makeReport({ overall: 70, axes: { security: 50 } })) },
      development
    )
    expect(result.reasons[0]?.fix).toBe(
      'no exception can waive quarantine: remove the server, or use a version that scores at least 60 on security'
    )
  })

  it('says to fix the config when config findings took the axis down, naming the rules', () => {
    const secret: Finding = {
      ruleId: 'config.literal-secret',
      axis: 'credentials',
      severity: 'critical',
      title: 'Literal secret written into the config',
      deduction: 50
    }
    const report = makeReport({
      overall: 80,
      axes: { credentials: 50 },
      findings: [
        secret,
        { ...secret, evidence: { line: 9 } },
        {
          ruleId: 'npm.token-in-readme',
          axis: 'credentials',
          severity: 'low',
          title: 'x',
          deduction: 5
        },
        { ruleId: 'npm.other-axis', axis: 'security', severity: 'high', title: 'y', deduction: 40 }
      ]
    })
    const result = evaluate({ outcome: graded(report) }, development)
    const quarantine = result.reasons.find((r) => r.code === 'QUARANTINE')
    expect(quarantine?.fix).toBe(
      'no exception can waive quarantine: fix the config entry (config.literal-secret −100 on credentials) and use a version or server without these findings (npm.token-in-readme −5), so credentials reaches at least 60; or remove the server'
    )
    expect(quarantine?.fix).not.toContain('use a version that scores')
  })

  it('names only config rules when only they cost points', () => {
    const report = makeReport({
      overall: 80,
      axes: { credentials: 50 },
      findings: [
        {
          ruleId: 'config.literal-secret',
          axis: 'credentials',
          severity: 'critical',
          title: 'Literal secret',
          deduction: 50
        },
        { ruleId: 'npm.info', axis: 'credentials', severity: 'info', title: 'z' }
      ]
    })
    const fix = evaluate({ outcome: graded(report) }, development).reasons[0]?.fix
    expect(fix).toBe(
      'no exception can waive quarantine: fix the config entry (config.literal-secret −50 on credentials), so credentials reaches at least 60; or remove the server'
    )
  })

  it('uses the policy’s thresholds', () => {
    const policy = policyFrom('environments:\n  ci: { quarantine: { maintenance: 50 } }\n', 'ci')
    const result = evaluate({ outcome: graded(makeReport({ axes: { maintenance: 45 } })) }, policy)
    expect(codes(result)).toContain('QUARANTINE:error')
  })
})

describe('KNOWN_VULNERABILITY and MALWARE', () => {
  const finding = (id: string, severity: Finding['severity'], fixedIn?: string): Finding => ({
    ruleId: 'advisory/osv',
    axis: 'security',
    severity,
    title: `advisory ${id}`,
    advisory: { id, ...(fixedIn === undefined ? {} : { fixedIn }) }
  })

  it('blocks critical and high advisories, with the fixed version in the fix', () => {
    const result = evaluate({
      outcome: graded(makeReport({ findings: [finding('GHSA-1111-2222-3333', 'high', '1.4.3')] }))
    })
    expect(result.verdict).toBe('fail')
    expect(result.reasons).toEqual([
      {
        code: 'KNOWN_VULNERABILITY',
        severity: 'error',
        message:
          'server "fs" (npm @example/server-fs@1.4.2): GHSA-1111-2222-3333 (high): advisory GHSA-1111-2222-3333',
        fix: 'upgrade to 1.4.3 or later and pin it'
      }
    ])
  })

  it('warns for medium and low advisories', () => {
    const result = evaluate({
      outcome: graded(
        makeReport({ findings: [finding('GHSA-a', 'medium'), finding('CVE-2025-1', 'low')] })
      )
    })
    expect(result.verdict).toBe('warn')
    expect(codes(result)).toEqual(['KNOWN_VULNERABILITY:warning', 'KNOWN_VULNERABILITY:warning'])
    expect(result.reasons[0]?.fix).toContain('no fixed version is known')
  })

  it('reports an advisory once, at its worst severity', () => {
    const result = evaluate({
      outcome: graded(
        makeReport({ findings: [finding('GHSA-a', 'low', '2.0.0'), finding('GHSA-a', 'critical')] })
      )
    })
    expect(codes(result)).toEqual(['KNOWN_VULNERABILITY:error'])
    expect(result.reasons[0]?.message).toContain('(critical)')
    expect(result.reasons[0]?.fix).toBe('upgrade to 2.0.0 or later and pin it')
  })

  it('blocks and quarantines MAL- advisories', () => {
    const result = evaluate(
      { outcome: graded(makeReport({ findings: [finding('MAL-2025-1234', 'critical')] })) },
      development
    )
    expect(result.verdict).toBe('fail')
    expect(codes(result)).toEqual(['QUARANTINE:error', 'MALWARE:error'])
    expect(result.reasons[0]?.message).toContain('known malware (MAL-2025-1234)')
    expect(result.reasons[1]?.message).toContain('MAL-2025-1234 reports it as malicious')
  })

  it('for a dependency: names it, blocks only when critical, and says what to upgrade', () => {
    const dependency = (id: string, severity: Finding['severity']): Finding => ({
      ...finding(id, severity, '1.24.0'),
      advisory: { id, fixedIn: '1.24.0', package: '@modelcontextprotocol/sdk@1.23.1' }
    })
    const high = evaluate({
      outcome: graded(makeReport({ findings: [dependency('GHSA-w48q-cv73-mx4w', 'high')] }))
    })
    expect(codes(high)).toEqual(['KNOWN_VULNERABILITY:warning'])
    expect(high.reasons[0]?.message).toContain(
      'GHSA-w48q-cv73-mx4w (high) in its dependency @modelcontextprotocol/sdk@1.23.1'
    )
    expect(high.reasons[0]?.fix).toBe(
      'use a version of the server that depends on 1.24.0 or later of @modelcontextprotocol/sdk'
    )
    const critical = evaluate({
      outcome: graded(makeReport({ findings: [dependency('GHSA-c', 'critical')] }))
    })
    expect(codes(critical)).toEqual(['KNOWN_VULNERABILITY:error'])
  })

  it('keeps one advisory in the package and in a dependency apart', () => {
    const result = evaluate({
      outcome: graded(
        makeReport({
          findings: [
            finding('GHSA-a', 'high'),
            { ...finding('GHSA-a', 'high'), advisory: { id: 'GHSA-a', package: 'dep@1.0.0' } }
          ]
        })
      )
    })
    expect(codes(result)).toEqual(['KNOWN_VULNERABILITY:error', 'KNOWN_VULNERABILITY:warning'])
  })

  it('ignores findings without an advisory', () => {
    const result = evaluate({
      outcome: graded(
        makeReport({
          findings: [{ ruleId: 'x', axis: 'documentation', severity: 'high', title: 'no README' }]
        })
      )
    })
    expect(result.reasons).toEqual([])
  })
})

describe('evaluateServer: all reasons together', () => {
  it('collects every reason, errors first, then warnings', () => {
    const server = makeServer({
      versionSpec: 'latest',
      pinned: false,
      resolution: { status: 'registry' }
    })
    const report = makeReport({
      overall: 50,
      axes: { security: 30, permissions: null },
      findings: [
        {
          ruleId: 'advisory/osv',
          axis: 'security',
          severity: 'medium',
          title: 'ReDoS',
          advisory: { id: 'GHSA-m' }
        }
      ]
    })
    const secret: LiteralSecret = {
      field: 'env.API_KEY',
      kind: 'API key',
      masked: 'sk-…(51 chars)',
      rule: 'r'
    }
    const result = evaluate({ server, outcome: graded(report), secrets: [secret] }, development)
    expect(result.verdict).toBe('fail')
    expect(codes(result)).toEqual([
      'LITERAL_SECRET:error',
      'QUARANTINE:error',
      'GRADE_BELOW_MIN:error',
      'SUBSCORE_F:error',
      'SUBSCORE_BELOW_FLOOR:error',
      'KNOWN_VULNERABILITY:warning',
      'UNPINNED:warning'
    ])
  })

  it('keeps hostile names and grader text on one line, clipped', () => {
    const server = makeServer({}, 'evil\n::error::forged')
    const result = evaluate({
      server,
      outcome: { kind: 'error', message: `boom\r\n${'x'.repeat(500)}` }
    })
    const message = result.reasons[0]?.message ?? ''
    expect(message).not.toMatch(/[\r\n]/)
    expect(message).toContain('server "evil ::error::forged"')
    expect(message.length).toBeLessThan(400)
  })
})

describe('verdictOf', () => {
  const reason = (code: Reason['code'], severity: Reason['severity']): Reason => ({
    code,
    severity,
    message: 'm'
  })

  it('orders error > fail > warn > pass; notices do not count', () => {
    expect(verdictOf([reason('GRADER_ERROR', 'error'), reason('LITERAL_SECRET', 'error')])).toBe(
      'error'
    )
    expect(verdictOf([reason('GRADER_ERROR', 'warning'), reason('UNPINNED', 'error')])).toBe('fail')
    expect(
      verdictOf([reason('UNPINNED', 'warning'), reason('SUBSCORE_BELOW_FLOOR', 'notice')])
    ).toBe('warn')
    expect(verdictOf([reason('SUBSCORE_BELOW_FLOOR', 'notice')])).toBe('pass')
    expect(verdictOf([])).toBe('pass')
  })
})

describe('runVerdict', () => {
  const withVerdict = (verdict: ServerResult['verdict']): ServerResult => ({
    ...evaluate(),
    verdict
  })

  it('counts servers by verdict', () => {
    const results = ['pass', 'pass', 'warn', 'fail', 'excepted', 'error'].map((v) =>
      withVerdict(v as ServerResult['verdict'])
    )
    expect(runVerdict(results, 0)).toEqual({
      verdict: 'fail',
      counts: { servers: 6, pass: 2, warn: 1, fail: 1, excepted: 1, error: 1 }
    })
  })

  it('passes when everything passes, also with no servers', () => {
    expect(runVerdict([withVerdict('pass')], 0).verdict).toBe('pass')
    expect(runVerdict([], 0)).toEqual({
      verdict: 'pass',
      counts: { servers: 0, pass: 0, warn: 0, fail: 0, excepted: 0, error: 0 }
    })
  })

  it('warns for warn and excepted servers', () => {
    expect(runVerdict([withVerdict('pass'), withVerdict('warn')], 0).verdict).toBe('warn')
    expect(runVerdict([withVerdict('excepted')], 0).verdict).toBe('warn')
  })

  it('fails for a failed or errored server or an invalid config', () => {
    expect(runVerdict([withVerdict('error')], 0).verdict).toBe('fail')
    expect(runVerdict([withVerdict('fail')], 0).verdict).toBe('fail')
    expect(runVerdict([withVerdict('pass')], 1).verdict).toBe('fail')
    expect(runVerdict([], 2).verdict).toBe('fail')
  })

  it('rejects a negative or fractional config error count', () => {
    expect(() => runVerdict([], -1)).toThrow(RangeError)
    expect(() => runVerdict([], 0.5)).toThrow(RangeError)
  })
})

describe('CONFIG_RISK', () => {
  const risk = (rule: RuleDefinition, line: number, snippet: string): Finding =>
    findingOf(rule, { file: '.mcp.json', line, snippet })
  const dockerServer = makeServer({
    ecosystem: 'oci',
    name: 'mcp/filesystem',
    versionSpec: null,
    version: `sha256:${'a'.repeat(64)}`,
    pinned: true,
    purl: null,
    resolution: { status: 'exact' }
  })

  it('blocks a critical config rule in every environment, whatever the grade', () => {
    const configFindings = [risk(CONFIG_RULE.dockerPrivileged, 5, 'args.2: --privileged')]
    for (const policy of [production, development, policyFor('ci')]) {
      const result = evaluate({ server: dockerServer, configFindings }, policy)
      expect(result.verdict).toBe('fail')
      expect(result.configFindings).toEqual(configFindings)
      expect(result.reasons).toEqual([
        {
          code: 'CONFIG_RISK',
          severity: 'error',
          message: `server "fs" (image mcp/filesystem@sha256:${'a'.repeat(64)}): Container runs with --privileged [config.docker-privileged] (line 5: args.2: --privileged); blocked in every environment, whatever the grade`,
          fix: 'drop --privileged; if the server needs one capability, add only that one with --cap-add'
        }
      ])
    }
  })

  it('warns for a high rule in development and says nothing for medium, low or info rules', () => {
    const result = evaluate(
      {
        configFindings: [
          risk(CONFIG_RULE.autoApproveAll, 7, 'autoApprove: *'),
          risk(CONFIG_RULE.autoApproveDestructive, 7, 'autoApprove: delete_file'),
          risk(CONFIG_RULE.autoApproveTools, 7, 'autoApprove: read_file')
        ]
      },
      development
    )
    expect(result.verdict).toBe('warn')
    expect(codes(result)).toEqual(['CONFIG_RISK:warning'])
    expect(result.reasons[0]?.message).toContain(
      'Every tool of the server runs without confirmation [config.auto-approve-all] (line 7: autoApprove: *); allowed with a warning in development (blockConfigRisk: critical)'
    )
    expect(result.reasons[0]?.fix).toContain('instead of *')
    expect(result.configFindings).toHaveLength(3)
  })

  it('blocks a high rule in production and staging (blockConfigRisk: high), naming the setting', () => {
    for (const policy of [production, policyFor('staging')]) {
      const result = evaluate(
        {
          configFindings: [
            risk(CONFIG_RULE.autoApproveAll, 7, 'autoApprove: *'),
            risk(CONFIG_RULE.autoApproveDestructive, 7, 'autoApprove: delete_file')
          ]
        },
        policy
      )
      expect(result.verdict).toBe('fail')
      expect(codes(result)).toEqual(['CONFIG_RISK:error'])
      expect(result.reasons[0]?.message).toBe(
        `server "fs" (npm @example/server-fs@1.4.2): Every tool of the server runs without confirmation [config.auto-approve-all] (line 7: autoApprove: *); blocked in ${policy.environment} (blockConfigRisk: high), whatever the grade`
      )
    }
  })

  it('blocks critical and warns for high in development and ci (blockConfigRisk: critical)', () => {
    for (const policy of [development, policyFor('ci')]) {
      const result = evaluate(
        {
          server: dockerServer,
          configFindings: [
            risk(CONFIG_RULE.dockerHostNamespace, 4, 'args.3: --network host'),
            risk(
              CONFIG_RULE.dockerSocket,
              5,
              'args.5: -v /var/run/docker.sock:/var/run/docker.sock'
            )
          ]
        },
        policy
      )
      expect(result.verdict).toBe('fail')
      expect(codes(result)).toEqual(['CONFIG_RISK:error', 'CONFIG_RISK:warning'])
      expect(result.reasons[0]?.message).toContain('[config.docker-socket-mount]')
      expect(result.reasons[0]?.message).toContain('blocked in every environment')
      expect(result.reasons[1]?.message).toContain('[config.docker-host-namespace]')
      expect(result.reasons[1]?.message).toContain(
        `allowed with a warning in ${policy.environment} (blockConfigRisk: critical)`
      )
    }
  })

  it('follows blockConfigRisk from the policy file, per environment and at the top level', () => {
    const configFindings = [risk(CONFIG_RULE.trustAll, 6, 'trust: true')]
    const lenientProduction = policyFrom(
      'environments:\n  production: { blockConfigRisk: critical }\n',
      'production'
    )
    expect(codes(evaluate({ configFindings }, lenientProduction))).toEqual(['CONFIG_RISK:warning'])
    const strictDevelopment = policyFrom('blockConfigRisk: high\n', 'development')
    const blocked = evaluate({ configFindings }, strictDevelopment)
    expect(blocked.verdict).toBe('fail')
    expect(blocked.reasons[0]?.message).toContain(
      'blocked in development (blockConfigRisk: high), whatever the grade'
    )
    // critical still blocks with the lenient setting: no threshold lets it through
    const critical = [risk(CONFIG_RULE.filesystemSystemRoot, 8, 'allowed directory /')]
    expect(codes(evaluate({ configFindings: critical }, lenientProduction))).toEqual([
      'CONFIG_RISK:error'
    ])
  })

  it('gives one reason per rule, quoting each piece of evidence once', () => {
    const result = evaluate({
      configFindings: [
        risk(CONFIG_RULE.dockerCapability, 4, 'args.3: --cap-add SYS_ADMIN'),
        risk(CONFIG_RULE.dockerCapability, 4, 'args.5: --cap-add NET_ADMIN'),
        risk(CONFIG_RULE.dockerCapability, 4, 'args.5: --cap-add NET_ADMIN'),
        risk(CONFIG_RULE.dockerCapability, 6, 'args.7: --cap-add=BPF'),
        risk(CONFIG_RULE.dockerCapability, 6, 'args.9: --cap-add=SYS_PTRACE')
      ]
    })
    expect(codes(result)).toEqual(['CONFIG_RISK:error'])
    expect(result.reasons[0]?.message).toContain(
      '(line 4: args.3: --cap-add SYS_ADMIN; line 4: args.5: --cap-add NET_ADMIN; line 6: args.7: --cap-add=BPF; and 1 more)'
    )
  })

  it('leaves literal secrets to LITERAL_SECRET', () => {
    const result = evaluate({
      configFindings: [
        risk(CONFIG_RULE.literalSecret, 3, 'env.TOKEN: GitHub token = ghp_…(40 chars)')
      ]
    })
    expect(result.reasons).toEqual([])
    expect(result.configFindings).toHaveLength(1)
  })

  it('counts for api-graded servers, whose grade knows nothing of the config', () => {
    const apiGrade = graded(makeReport({ source: 'api', overall: 95 }))
    const result = evaluate(
      {
        outcome: apiGrade,
        configFindings: [
          risk(CONFIG_RULE.filesystemSystemRoot, 8, 'allowed directory /'),
          risk(CONFIG_RULE.plainHttpRemote, 2, 'url: http://mcp.example.com/mcp')
        ]
      },
      development
    )
    expect(result.verdict).toBe('fail')
    expect(codes(result)).toEqual(['CONFIG_RISK:error', 'CONFIG_RISK:warning'])
    expect(result.reasons[0]?.fix).toContain(
      'narrow the allowed directory to the project directory'
    )
    expect(result.reasons[1]?.fix).toBe('use https:// (or wss://) for the remote server URL')
  })

  it('counts for ungraded servers and next to a grader error', () => {
    const configFindings = [risk(CONFIG_RULE.dockerSocket, 5, 'args.3: -v /var/run/docker.sock')]
    const ungraded = evaluate(
      { outcome: { kind: 'ungraded', reason: 'not npm' }, configFindings },
      policyFrom('environments:\n  ci: { requireGrade: false }\n', 'ci')
    )
    expect(ungraded.verdict).toBe('fail')
    expect(codes(ungraded)).toEqual(['CONFIG_RISK:error', 'UNGRADED:warning'])
    const failed = evaluate({ outcome: { kind: 'error', message: 'boom' }, configFindings })
    expect(codes(failed)).toEqual(['CONFIG_RISK:error', 'GRADER_ERROR:error'])
    expect(failed.verdict).toBe('error')
  })

  it('uses a generic fix for a rule without its own wording', () => {
    const result = evaluate(
      {
        configFindings: [
          {
            ruleId: 'config.future-rule',
            axis: 'permissions',
            severity: 'high',
            title: 'Something new'
          }
        ]
      },
      development
    )
    expect(result.reasons[0]?.message).toContain('Something new [config.future-rule]; allowed')
    expect(result.reasons[0]?.fix).toContain('docs/grading-config.md')
  })

  it('has a fix of its own for every critical and high config rule', () => {
    for (const rule of CONFIG_RULES) {
      if (rule.severity !== 'critical' && rule.severity !== 'high') continue
      if (rule.id === CONFIG_RULE.literalSecret.id) continue
      expect([rule.id, configRiskFix(rule.id)]).not.toEqual([rule.id, configRiskFix('config.none')])
    }
  })

  it('reads the findings of the real config rules: a privileged container blocks', async () => {
    const server: ResolvedServer = {
      ...dockerServer,
      entry: {
        ...dockerServer.entry,
        launch: {
          command: 'docker',
          args: ['run', '-i', '--rm', '--privileged', 'mcp/filesystem'],
          env: {},
          headers: {}
        }
      },
      argv: ['docker', 'run', '-i', '--rm', '--privileged', 'mcp/filesystem']
    }
    const configFindings = await checkConfigEntry(server)
    const result = evaluate({ server, configFindings })
    expect(result.verdict).toBe('fail')
    expect(result.reasons.map((r) => r.message.split('[')[1]?.split(']')[0])).toEqual([
      'config.docker-privileged',
      'config.container-escape'
    ])
  })
})

describe('CONFIG_RISK: the same decision whatever the grader (review item 8)', () => {
  /** A Gemini CLI entry that approves everything: autoApprove *, trust, permission checks off. */
  function riskyServer(
    flags: { autoApprove: string[]; trust: boolean },
    extraArgs: string[]
  ): ResolvedServer {
    const base = makeServer({}, 'agent')
    const args = ['-y', '@example/server-fs@1.4.2', ...extraArgs]
    return {
      ...base,
      entry: {
        ...base.entry,
        config: '.gemini/settings.json',
        format: 'gemini',
        launch: { command: 'npx', args, env: {}, headers: {} },
        flags: { disabled: false, ...flags }
      },
      argv: ['npx', ...args]
    }
  }
  const allRisks = () =>
    riskyServer({ autoApprove: ['*'], trust: true }, ['--dangerously-skip-permissions'])

  /** What the built-in grader makes of these findings (its real scoring, package rules clean). */
  function builtinStyle(findings: Finding[]): GradeOutcome {
    return graded(
      GradeReportSchema.parse({
        source: 'builtin',
        grader: { name: 'mcp-grade-gate/builtin', version: '1.0.0' },
        rubricVersion: RUBRIC_VERSION,
        ...scoreFindings(findings, BUILTIN_ASSESSED_AXES),
        findings,
        auditedAt: '2026-01-15T10:00:00Z'
      })
    )
  }
  /** An api grade: every axis A, no findings (it knows nothing of the config). */
  const apiStyle = (): GradeOutcome => graded(makeReport({ source: 'api', overall: 95 }))

  const configRisks = (result: ServerResult) =>
    result.reasons.filter((r) => r.code === 'CONFIG_RISK')

  it('finds three high risks in the entry, and the built-in grade puts permissions at F', async () => {
    const configFindings = await checkConfigEntry(allRisks())
    expect(configFindings.map((f) => `${f.ruleId}:${f.severity}`)).toEqual([
      'config.auto-approve-all:high',
      'config.trust-all:high',
      'config.skip-permissions-flag:high'
    ])
    const outcome = builtinStyle(configFindings)
    expect(outcome.kind === 'graded' && outcome.report.subScores.permissions?.grade).toBe('F')
  })

  it.each(['production', 'staging'])(
    'blocks it in %s with a built-in-style grade and with an all-A api grade alike',
    async (environment) => {
      const policy = policyFor(environment)
      const server = allRisks()
      const configFindings = await checkConfigEntry(server)
      const builtin = evaluate(
        { server, outcome: builtinStyle(configFindings), configFindings },
        policy
      )
      const api = evaluate({ server, outcome: apiStyle(), configFindings }, policy)
      expect(api.verdict).toBe('fail')
      expect(builtin.verdict).toBe('fail')
      // the api grade passes every grade check: CONFIG_RISK alone blocks it
      expect(codes(api)).toEqual(['CONFIG_RISK:error', 'CONFIG_RISK:error', 'CONFIG_RISK:error'])
      expect(configRisks(builtin)).toEqual(configRisks(api))
    }
  )

  it('judges the config the same in development: high risks warn under both graders', async () => {
    const server = riskyServer({ autoApprove: ['*'], trust: false }, [])
    const configFindings = await checkConfigEntry(server)
    const builtin = evaluate(
      { server, outcome: builtinStyle(configFindings), configFindings },
      development
    )
    const api = evaluate({ server, outcome: apiStyle(), configFindings }, development)
    // one high permissions rule costs 35: permissions 65 (C), above development's C floor
    expect(builtin.grade?.subScores.permissions?.score).toBe(65)
    expect(codes(builtin)).toEqual(['CONFIG_RISK:warning'])
    expect(codes(api)).toEqual(['CONFIG_RISK:warning'])
    expect(builtin.verdict).toBe('warn')
    expect(api.verdict).toBe('warn')
    // and the three-risk entry gets the same CONFIG_RISK reasons from both graders there too
    const risky = allRisks()
    const findings = await checkConfigEntry(risky)
    const builtinAll = evaluate(
      { server: risky, outcome: builtinStyle(findings), configFindings: findings },
      development
    )
    const apiAll = evaluate(
      { server: risky, outcome: apiStyle(), configFindings: findings },
      development
    )
    expect(configRisks(apiAll).map((r) => r.severity)).toEqual(['warning', 'warning', 'warning'])
    expect(configRisks(builtinAll)).toEqual(configRisks(apiAll))
  })

  it('blocks a critical risk in development under both graders', async () => {
    const base = makeServer({}, 'box')
    const args = ['run', '-i', '--rm', '--privileged', 'mcp/filesystem']
    const server: ResolvedServer = {
      ...base,
      entry: { ...base.entry, launch: { command: 'docker', args, env: {}, headers: {} } },
      argv: ['docker', ...args]
    }
    const configFindings = await checkConfigEntry(server)
    for (const outcome of [builtinStyle(configFindings), apiStyle()]) {
      const result = evaluate({ server, outcome, configFindings }, development)
      expect(result.verdict).toBe('fail')
      expect(configRisks(result).map((r) => r.severity)).toEqual(['error', 'error'])
    }
  })

  it('gives the built-in grade’s permissions reasons a fix that names the config rules, not a new version', async () => {
    const server = allRisks()
    const configFindings = await checkConfigEntry(server)
    const result = evaluate(
      { server, outcome: builtinStyle(configFindings), configFindings },
      production
    )
    const permissions = result.reasons.filter(
      (r) =>
        (r.code === 'SUBSCORE_F' || r.code === 'SUBSCORE_BELOW_FLOOR') &&
        r.message.includes('permissions')
    )
    expect(permissions.map((r) => r.code)).toEqual(['SUBSCORE_F', 'SUBSCORE_BELOW_FLOOR'])
    for (const reason of permissions) {
      expect(reason.fix).toContain(
        'fix the config entry (config.auto-approve-all −35, config.trust-all −35, config.skip-permissions-flag −35 on permissions)'
      )
      expect(reason.fix).not.toContain('use a version or server')
    }
  })
})

describe('UNGRADED fixes say what would give a grade', () => {
  const ungraded: GradeOutcome = { kind: 'ungraded', reason: 'no identity' }
  it.each([
    [
      'a withheld package',
      makeServer({
        versionSpec: '1.2.3',
        version: null,
        purl: null,
        pinned: true,
        resolution: { status: 'n/a', message: 'not graded: --registry installs from elsewhere' }
      }),
      /launch the package plainly/
    ],
    [
      'an unidentified launch',
      makeServer({ ecosystem: 'unknown', name: 'source', version: null, purl: null }),
      /one package or program plainly/
    ],
    [
      'local code',
      makeServer({ ecosystem: 'local', name: './server.js', version: null, purl: null }),
      /publish it as a package/
    ],
    [
      'a remote server',
      makeServer({
        ecosystem: 'remote',
        name: 'https://mcp.example.com/mcp',
        version: null,
        purl: null
      }),
      /grader: api or command/
    ]
  ])('%s', (_label, server, fix) => {
    const reason = evaluate({ server, outcome: ungraded }).reasons.find(
      (r) => r.code === 'UNGRADED'
    )
    expect(reason?.fix).toMatch(fix)
  })
})

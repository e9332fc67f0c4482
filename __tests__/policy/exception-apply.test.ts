import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LiteralSecret } from '../../src/config/types.js'
import type { Finding } from '../../src/grade/report.js'
import { WAIVABLE_CODES } from '../../src/policy/exception-apply.js'
import { parseExceptionsText } from '../../src/policy/exceptions-file.js'
import { parsePolicyText } from '../../src/policy/load.js'
import type { ExceptionsFile } from '../../src/policy/records.js'
import { parseRegistryText } from '../../src/policy/registry-file.js'
import { createPolicyResolver } from '../../src/policy/resolve.js'
import type { EffectivePolicy } from '../../src/policy/types.js'
import { makeReport } from './make.js'
import {
  codes,
  judge,
  maintenanceGap,
  ORG_DIR,
  ORG_SERVERS,
  orgExceptions,
  reasonsOf
} from './org.js'

const EXCEPTIONS_PATH = join(ORG_DIR, 'mcp-exceptions.yml')
/** Overall B (85), every axis A: below the A that personal data and PHI require. */
const gradeB = makeReport({ overall: 85 })

/**
 * The organisation's exceptions with the CTO's sign-off of EXC-2026-031 (the CRM exception,
 * approved_on 2026-10-15) dated `ctoDate`: on 2026-10-15 the exception is complete; the day after
 * approved_on it is not (a required approval must be dated in the 30 days up to approved_on).
 */
function crmExceptions(ctoDate: string, format: 'yml' | 'json' = 'yml'): ExceptionsFile {
  const path = join(ORG_DIR, `mcp-exceptions.${format}`)
  const text = readFileSync(path, 'utf8')
  const cto =
    format === 'yml'
      ? /(role: CTO, name: Lea Fischer, date: )\d{4}-\d{2}-\d{2}/
      : /("role": "CTO",\s*"name": "Lea Fischer",\s*"date": ")\d{4}-\d{2}-\d{2}/
  if (!cto.test(text)) throw new Error(`${path}: the CTO approval of EXC-2026-031 was not found`)
  return parseExceptionsText(text.replace(cto, `$1${ctoDate}`), path)
}

function policyFrom(yaml: string, environment: string): EffectivePolicy {
  return createPolicyResolver({
    file: parsePolicyText(yaml, 'p.yml'),
    policyPath: 'p.yml',
    environment
  })('.mcp.json')
}

describe('a valid exception waives grade and floor failures (EXCEPTION_APPLIED)', () => {
  it('personal data in production: the exception with manager, security and cto approvals applies', () => {
    const exceptions = crmExceptions('2026-10-15')
    const result = judge(ORG_SERVERS.crm(), { grade: gradeB, exceptions })
    expect(result.verdict).toBe('excepted')
    expect(codes(result)).toEqual(['GRADE_BELOW_MIN:warning', 'EXCEPTION_APPLIED:notice'])
    const [waived, applied] = result.reasons
    expect(waived?.message).toContain('overall grade B (85) is below the minimum A for production')
    expect(waived?.message).toContain(
      '(personal data: A overall, security ≥ 85, assessed axes required)'
    )
    expect(waived?.message).toMatch(/\(waived by exception "EXC-2026-031"\)$/)
    expect(applied?.message).toContain(
      `exception "EXC-2026-031" (${EXCEPTIONS_PATH}:2, expires 2026-12-10) waives GRADE_BELOW_MIN`
    )
    expect(result.exception).toEqual({
      id: 'EXC-2026-031',
      state: 'applied',
      expiresOn: '2026-12-10',
      daysLeft: 19,
      problems: [],
      waived: ['GRADE_BELOW_MIN'],
      artifactUrl: 'https://tickets.example.com/browse/SEC-431',
      source: { file: EXCEPTIONS_PATH, line: 2 }
    })
  })

  it('waives every waivable code at once: a floor, an F and the overall grade', () => {
    const grade = makeReport({ overall: 62, axes: { maintenance: 55, documentation: 20 } })
    const result = judge(ORG_SERVERS.slack(), { grade, today: '2026-11-01' })
    expect(result.verdict).toBe('excepted')
    expect(result.exception?.waived).toEqual([
      'GRADE_BELOW_MIN',
      'SUBSCORE_F',
      'SUBSCORE_BELOW_FLOOR'
    ])
    expect(result.reasons.filter((r) => r.severity === 'error')).toEqual([])
    expect(
      result.reasons
        .filter((r) => WAIVABLE_CODES.includes(r.code))
        .every(
          (r) =>
            r.severity === 'warning' && r.message.endsWith('(waived by exception "EXC-2026-035")')
        )
    ).toBe(true)
  })

  it('…but not when the cto signed after approved_on', () => {
    const result = judge(ORG_SERVERS.crm(), {
      grade: gradeB,
      exceptions: crmExceptions('2026-10-16')
    })
    expect(result.verdict).toBe('fail')
    expect(codes(result)).toEqual(['GRADE_BELOW_MIN:error', 'EXCEPTION_INVALID:error'])
    expect(reasonsOf(result, 'EXCEPTION_INVALID')[0]?.message).toContain(
      'approval by cto (Lea Fischer, 2026-10-16) is not dated in the 30 days up to approved_on 2026-10-15'
    )
    expect(result.exception?.state).toBe('invalid')
  })

  it('a valid exception with nothing to waive is reported as valid, without a reason', () => {
    const result = judge(ORG_SERVERS.crm(), { exceptions: crmExceptions('2026-10-15') })
    expect(result.verdict).toBe('pass')
    expect(result.reasons).toEqual([])
    expect(result.exception?.state).toBe('valid')
    expect(result.exception?.waived).toEqual([])
  })

  it('reads the same from the JSON exceptions file', () => {
    const result = judge(ORG_SERVERS.crm(), {
      grade: gradeB,
      exceptions: crmExceptions('2026-10-15', 'json')
    })
    expect(result.verdict).toBe('excepted')
    expect(result.exception?.source?.file).toBe(join(ORG_DIR, 'mcp-exceptions.json'))
  })

  it.each(['yml', 'json'] as const)(
    'gives the same verdicts for every server with the %s file',
    (format) => {
      const exceptions = orgExceptions(format)
      for (const make of Object.values(ORG_SERVERS)) {
        const server = make()
        const yml = judge(server, { grade: maintenanceGap() })
        const other = judge(server, { grade: maintenanceGap(), exceptions })
        expect([server.entry.name, other.verdict, codes(other), other.exception?.state]).toEqual([
          server.entry.name,
          yml.verdict,
          codes(yml),
          yml.exception?.state
        ])
      }
    }
  )
})

describe('EXCEPTION_EXPIRING', () => {
  it('one expiring in 3 days still applies, with a warning', () => {
    const result = judge(ORG_SERVERS.slack(), { grade: maintenanceGap() })
    expect(result.verdict).toBe('excepted')
    expect(codes(result)).toEqual([
      'SUBSCORE_BELOW_FLOOR:warning',
      'EXCEPTION_EXPIRING:warning',
      'EXCEPTION_APPLIED:notice'
    ])
    const [expiring] = reasonsOf(result, 'EXCEPTION_EXPIRING')
    expect(expiring?.message).toContain('exception "EXC-2026-035"')
    expect(expiring?.message).toContain('expires on 2026-11-24 (3 days left)')
    expect(expiring?.fix).toContain('at most 60 days')
    expect(result.exception).toMatchObject({ state: 'applied', daysLeft: 3 })
  })

  it('on its last day it is still valid', () => {
    const result = judge(ORG_SERVERS.slack(), { grade: maintenanceGap(), today: '2026-11-24' })
    expect(result.verdict).toBe('excepted')
    expect(reasonsOf(result, 'EXCEPTION_EXPIRING')[0]?.message).toContain('today is its last day')
  })

  it('is a warning even when nothing needs the exception now (SPEC §7)', () => {
    const result = judge(ORG_SERVERS.slack())
    expect(codes(result)).toEqual(['EXCEPTION_EXPIRING:warning'])
    expect(result.verdict).toBe('warn')
    expect(result.exception?.state).toBe('expiring')
  })
})

describe('EXCEPTION_EXPIRED', () => {
  it('one that expired yesterday blocks a server that needs it', () => {
    const result = judge(ORG_SERVERS.jira(), { grade: maintenanceGap() })
    expect(result.verdict).toBe('fail')
    expect(codes(result)).toEqual(['SUBSCORE_BELOW_FLOOR:error', 'EXCEPTION_EXPIRED:error'])
    const [expired] = reasonsOf(result, 'EXCEPTION_EXPIRED')
    expect(expired?.message).toContain(
      `exception "EXC-2026-027" (${EXCEPTIONS_PATH}:40) expired on 2026-11-20 (1 day ago); the failures it would waive block`
    )
    expect(expired?.fix).toContain('renew it with a new approval')
    expect(result.exception).toMatchObject({
      id: 'EXC-2026-027',
      state: 'expired',
      daysLeft: -1,
      waived: []
    })
    expect(reasonsOf(result, 'SUBSCORE_BELOW_FLOOR')[0]?.message).not.toContain('waived')
  })

  it('only warns when nothing needs it any more', () => {
    const result = judge(ORG_SERVERS.jira())
    expect(codes(result)).toEqual(['EXCEPTION_EXPIRED:warning'])
    expect(result.reasons[0]?.message).toContain('nothing needs it now')
    expect(result.verdict).toBe('warn')
  })

  it('the day before, it still applied', () => {
    const result = judge(ORG_SERVERS.jira(), { grade: maintenanceGap(), today: '2026-11-20' })
    expect(result.verdict).toBe('excepted')
  })
})

describe('EXCEPTION_INVALID says which rule is broken', () => {
  it('one approved for 61 days', () => {
    const result = judge(ORG_SERVERS.notion(), { grade: maintenanceGap() })
    expect(result.verdict).toBe('fail')
    expect(codes(result)).toEqual(['SUBSCORE_BELOW_FLOOR:error', 'EXCEPTION_INVALID:error'])
    const [invalid] = reasonsOf(result, 'EXCEPTION_INVALID')
    expect(invalid?.message).toContain('exception "EXC-2026-036"')
    expect(invalid?.message).toContain('approved for 61 days, more than 60')
    expect(result.exception?.state).toBe('invalid')
    expect(result.exception?.problems.join(' ')).toContain('61 days')
  })

  it('…is valid where the policy allows 90 days', () => {
    const policy = policyFrom(
      'environments:\n  production:\n    exceptions: { maxDays: 90 }\n',
      'production'
    )
    expect(judge(ORG_SERVERS.notion(), { grade: maintenanceGap(), policy }).verdict).toBe(
      'excepted'
    )
  })

  it('one missing the security approval', () => {
    const result = judge(ORG_SERVERS.drive(), { grade: maintenanceGap() })
    expect(result.verdict).toBe('fail')
    const [invalid] = reasonsOf(result, 'EXCEPTION_INVALID')
    expect(invalid?.severity).toBe('error')
    expect(invalid?.message).toContain('missing approval by security')
  })

  it('…is valid where the policy requires only a manager', () => {
    const policy = policyFrom(
      'environments:\n  production:\n    exceptions: { requiredRoles: [Manager] }\n',
      'production'
    )
    expect(judge(ORG_SERVERS.drive(), { grade: maintenanceGap(), policy }).verdict).toBe('excepted')
  })

  it('personal data needs the cto in production, not in staging', () => {
    const production = judge(ORG_SERVERS.hr(), { grade: gradeB })
    expect(production.verdict).toBe('fail')
    expect(reasonsOf(production, 'EXCEPTION_INVALID')[0]?.message).toContain(
      'missing approval by cto'
    )
    const staging = judge(ORG_SERVERS.hr(), { grade: gradeB, environment: 'staging' })
    expect(staging.verdict).toBe('excepted')
    expect(staging.exception?.state).toBe('applied')
  })

  it('a custom environment extending production needs the cto too', () => {
    const policy = policyFrom('environments:\n  prod-eu:\n    extends: production\n', 'prod-eu')
    expect(policy.dataClasses.personal.extraApprovers).toEqual(['cto'])
  })

  it('invalid but not needed: a warning', () => {
    const result = judge(ORG_SERVERS.notion())
    expect(codes(result)).toEqual(['EXCEPTION_INVALID:warning'])
    expect(result.reasons[0]?.fix).toContain('or remove it')
  })

  it('a registry exception_id the exceptions file lacks: state missing', () => {
    const result = judge(ORG_SERVERS.mail(), { grade: maintenanceGap() })
    expect(result.verdict).toBe('fail')
    expect(codes(result)).toEqual(['SUBSCORE_BELOW_FLOOR:error', 'EXCEPTION_INVALID:error'])
    expect(result.reasons[1]?.message).toContain('the registry names exception "EXC-2026-999"')
    expect(result.reasons[1]?.message).toContain('has no exception with that id')
    expect(result.exception).toMatchObject({
      id: 'EXC-2026-999',
      state: 'missing',
      expiresOn: null,
      waived: [],
      source: null
    })
  })

  it('…or no exceptions file at all; a warning when nothing needs it', () => {
    const result = judge(ORG_SERVERS.mail(), { exceptions: null })
    expect(codes(result)).toEqual(['EXCEPTION_INVALID:warning'])
    expect(result.reasons[0]?.message).toContain('there is no exceptions file')
    expect(result.exception?.state).toBe('missing')
  })
})

describe('what no exception can waive', () => {
  it('quarantine: the floor is waived, QUARANTINE still blocks', () => {
    const grade = makeReport({ overall: 80, axes: { security: 50 } })
    const result = judge(ORG_SERVERS.sqlite(), { grade })
    expect(result.verdict).toBe('fail')
    expect(codes(result)).toEqual([
      'QUARANTINE:error',
      'SUBSCORE_BELOW_FLOOR:warning',
      'EXCEPTION_APPLIED:notice'
    ])
    expect(reasonsOf(result, 'EXCEPTION_APPLIED')[0]?.message).toContain(
      'waives SUBSCORE_BELOW_FLOOR; it cannot waive QUARANTINE, which still blocks'
    )
    expect(result.exception?.waived).toEqual(['SUBSCORE_BELOW_FLOOR'])
  })

  it('LITERAL_SECRET is not waivable', () => {
    const secret: LiteralSecret = {
      field: 'env.VAULT_TOKEN',
      kind: 'HashiCorp Vault token',
      masked: 'hvs.…(95 chars)',
      rule: '@secretlint/secretlint-rule-preset-recommend'
    }
    const result = judge(ORG_SERVERS.vault(), { grade: maintenanceGap(), secrets: [secret] })
    expect(result.verdict).toBe('fail')
    expect(codes(result)).toEqual([
      'LITERAL_SECRET:error',
      'SUBSCORE_BELOW_FLOOR:warning',
      'EXCEPTION_APPLIED:notice'
    ])
    expect(JSON.stringify(result)).not.toContain('hvs.CAES')
  })

  it('MALWARE (and its QUARANTINE) and a high KNOWN_VULNERABILITY are not waivable', () => {
    const finding = (id: string, severity: Finding['severity']): Finding => ({
      ruleId: 'osv.advisory',
      axis: 'security',
      severity,
      title: `advisory ${id}`,
      evidence: {},
      advisory: { id }
    })
    const report = makeReport({
      overall: 80,
      axes: { maintenance: 55 },
      findings: [finding('MAL-2026-1234', 'critical'), finding('GHSA-abcd-efgh-ijkl', 'high')]
    })
    const result = judge(ORG_SERVERS.vault(), { grade: report })
    expect(result.verdict).toBe('fail')
    expect(codes(result)).toEqual([
      'QUARANTINE:error',
      'MALWARE:error',
      'KNOWN_VULNERABILITY:error',
      'SUBSCORE_BELOW_FLOOR:warning',
      'EXCEPTION_APPLIED:notice'
    ])
  })

  it('phi allows none: the exception is invalid and the fix does not offer one', () => {
    const result = judge(ORG_SERVERS.patientRecords(), { grade: gradeB })
    expect(result.verdict).toBe('fail')
    expect(codes(result)).toEqual(['GRADE_BELOW_MIN:error', 'EXCEPTION_INVALID:error'])
    const [grade, invalid] = result.reasons
    expect(grade?.message).toContain(
      '(PHI: A overall, security ≥ 90, credentials ≥ 85, assessed axes required)'
    )
    expect(grade?.fix).not.toContain('request an exception')
    expect(grade?.fix).toContain('(PHI in production allows no exceptions)')
    expect(invalid?.message).toContain('exception "EXC-2026-040"')
    expect(invalid?.message).toContain('allows no exceptions')
    expect(result.exception).toMatchObject({ state: 'invalid', waived: [] })
  })

  it('an environment that allows none', () => {
    const policy = policyFrom(
      'environments:\n  production:\n    exceptions: { allowed: false }\n',
      'production'
    )
    const result = judge(ORG_SERVERS.slack(), { grade: maintenanceGap(), policy })
    expect(result.verdict).toBe('fail')
    expect(codes(result)).toEqual(['SUBSCORE_BELOW_FLOOR:error', 'EXCEPTION_INVALID:error'])
    expect(result.reasons[0]?.fix).toMatch(/\(production allows no exceptions\)$/)
    expect(result.reasons[1]?.message).toContain('allows no exceptions (policy)')
  })

  it('a policy can allow exceptions for phi again (with the cto in production)', () => {
    const policy = policyFrom('dataClasses:\n  phi: { allowExceptions: true }\n', 'production')
    const result = judge(ORG_SERVERS.patientRecords(), { grade: gradeB, policy })
    expect(result.verdict).toBe('excepted')
  })
})

describe('which exception covers a server', () => {
  const file = (text: string) => parseExceptionsText(text, '.github/mcp-exceptions.yml')
  const base = (id: string, serverId: string, extra = '') =>
    `- id: ${id}
  server_id: ${serverId}
  environments: [production]
  justification: j
  risk_analysis: r
  compensating_controls: c
  approvers:
    - { role: manager, name: A, date: 2026-11-01 }
    - { role: security, name: B, date: 2026-11-01 }
  artifact_url: https://tickets.example.com/X
  approved_on: 2026-11-01
${extra}`

  it('prefers a usable exception over an expired one, and ignores other environments', () => {
    const exceptions = file(
      [
        base('OLD', 'npm:@acme/slack-mcp@0.9.1', '  expires_on: 2026-11-10\n'),
        base('NEW', 'npm:@acme/slack-mcp', '  expires_on: 2026-12-20\n'),
        base('DEV', 'npm:@acme/slack-mcp', '  expires_on: 2026-12-25\n').replace(
          '[production]',
          '[dev]'
        )
      ].join('')
    )
    const result = judge(ORG_SERVERS.slack(), { grade: maintenanceGap(), exceptions })
    expect(result.verdict).toBe('excepted')
    expect(result.exception?.id).toBe('NEW')
  })

  it('an exception for another version does not cover the server', () => {
    const exceptions = file(base('V1', 'npm:@acme/slack-mcp@0.8.0', '  expires_on: 2026-12-20\n'))
    const result = judge(ORG_SERVERS.slack(), { grade: maintenanceGap(), exceptions })
    expect(result.exception).toBeNull()
    expect(codes(result)).toEqual(['SUBSCORE_BELOW_FLOOR:error'])
  })

  it('an exception only for development does not apply in production, and says so', () => {
    const exceptions = file(
      base('DEV', 'npm:@acme/slack-mcp', '  expires_on: 2026-12-20\n').replace(
        '[production]',
        '[dev, ci]'
      )
    )
    const result = judge(ORG_SERVERS.slack(), { grade: maintenanceGap(), exceptions })
    expect(result.exception).toBeNull()
    expect(result.verdict).toBe('fail')
    expect(codes(result)).toEqual(['SUBSCORE_BELOW_FLOOR:error', 'EXCEPTION_INVALID:warning'])
    const [elsewhere] = reasonsOf(result, 'EXCEPTION_INVALID')
    expect(elsewhere?.message).toBe(
      'server "slack" (npm @acme/slack-mcp@0.9.1): exception "DEV" (.github/mcp-exceptions.yml:1, for development, ci) covers this server in other environments, not in production; it does not apply here'
    )
    expect(elsewhere?.fix).toContain('have an exception approved for production')
    // Nothing to waive: only a notice, the server passes.
    const passing = judge(ORG_SERVERS.slack(), { exceptions })
    expect(codes(passing)).toEqual(['EXCEPTION_INVALID:notice'])
    expect(passing.verdict).toBe('pass')
  })

  it('a misspelt environment is not silently unused', () => {
    const exceptions = file(
      base('TYPO', 'npm:@acme/slack-mcp', '  expires_on: 2026-12-20\n').replace(
        '[production]',
        '[prodution]'
      )
    )
    const result = judge(ORG_SERVERS.slack(), { grade: maintenanceGap(), exceptions })
    expect(reasonsOf(result, 'EXCEPTION_INVALID')[0]?.message).toContain(
      'for prodution) covers this server in other environments, not in production'
    )
  })

  it('reads "production, staging" in one item as two environments', () => {
    const exceptions = file(
      base('BOTH', 'npm:@acme/slack-mcp', '  expires_on: 2026-12-20\n').replace(
        '[production]',
        '["production, staging"]'
      )
    )
    expect(exceptions.exceptions[0]?.environments).toEqual(['production', 'staging'])
    for (const environment of ['production', 'staging']) {
      const result = judge(ORG_SERVERS.slack(), {
        grade: maintenanceGap(),
        exceptions,
        environment
      })
      expect([environment, result.verdict, result.exception?.id]).toEqual([
        environment,
        'excepted',
        'BOTH'
      ])
    }
  })

  describe("a registry row's exception_id never waives for another server", () => {
    const registry = (exceptionId: string) =>
      parseRegistryText(
        'server_id,current_grade,audit_date,environments_approved,data_access_summary,owner_team,exception_id\n' +
          `npm:@acme/slack-mcp@0.9.1,C,2026-10-20,production,Posts messages,sre,${exceptionId}\n`,
        '.github/mcp-registry.csv'
      )

    it('an exception naming a server of another kind (a GitHub repository) is invalid here', () => {
      const exceptions = file(
        base('EXC-GH', 'https://github.com/acme/other-tool', '  expires_on: 2026-12-20\n')
      )
      const result = judge(ORG_SERVERS.slack(), {
        grade: maintenanceGap(),
        registry: registry('EXC-GH'),
        exceptions
      })
      expect(result.verdict).toBe('fail')
      expect(codes(result)).toEqual(['SUBSCORE_BELOW_FLOOR:error', 'EXCEPTION_INVALID:error'])
      expect(result.reasons[1]?.message).toContain(
        'the registry names exception "EXC-GH", but it is for another server (github:acme/other-tool)'
      )
      expect(result.exception).toMatchObject({ id: 'EXC-GH', state: 'invalid', waived: [] })
    })

    it('an exception naming another version of the server is invalid here', () => {
      const exceptions = file(
        base('EXC-OLD', 'npm:@acme/slack-mcp@0.8.0', '  expires_on: 2026-12-20\n')
      )
      const result = judge(ORG_SERVERS.slack(), {
        grade: maintenanceGap(),
        registry: registry('EXC-OLD'),
        exceptions
      })
      expect(result.verdict).toBe('fail')
      expect(result.reasons[1]?.message).toContain('it covers only version 0.8.0 of this server')
      expect(result.exception).toMatchObject({ id: 'EXC-OLD', state: 'invalid' })
    })

    it('an exception naming the server itself applies', () => {
      const exceptions = file(base('EXC-OK', 'npm:@acme/slack-mcp', '  expires_on: 2026-12-20\n'))
      const result = judge(ORG_SERVERS.slack(), {
        grade: maintenanceGap(),
        registry: registry('EXC-OK'),
        exceptions
      })
      expect(result.verdict).toBe('excepted')
      expect(result.exception).toMatchObject({ id: 'EXC-OK', state: 'applied' })
    })
  })
})

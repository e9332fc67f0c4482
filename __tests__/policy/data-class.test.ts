import { describe, expect, it } from '@jest/globals'
import { classifiedRules, dataClassLabel, tighteningNote } from '../../src/policy/data-class.js'
import { parsePolicyText } from '../../src/policy/load.js'
import { parseRegistryText } from '../../src/policy/registry-file.js'
import { createPolicyResolver } from '../../src/policy/resolve.js'
import type { EffectivePolicy } from '../../src/policy/types.js'
import { makeReport, policyFor } from './make.js'
import { codes, judge, npmServer, ORG_SERVERS } from './org.js'

function policyFrom(yaml: string, environment: string): EffectivePolicy {
  return createPolicyResolver({
    file: parsePolicyText(yaml, 'p.yml'),
    policyPath: 'p.yml',
    environment
  })('.mcp.json')
}

describe('classifiedRules (SPEC §6 data classification)', () => {
  const production = policyFor('production')

  it('phi: A overall, security ≥ 90, credentials ≥ 85, no exceptions', () => {
    const phi = classifiedRules(production, 'phi')
    expect(phi.rules.minGrade).toBe('A')
    expect(phi.rules.floors).toMatchObject({ security: 90, credentials: 85, maintenance: 75 })
    expect(phi.exceptions.allowed).toBe(false)
    expect(phi.rules.requireAssessedAxes).toBe(true)
    expect(phi.tightened).toEqual([
      'A overall',
      'security ≥ 90',
      'credentials ≥ 85',
      'assessed axes',
      'no exceptions'
    ])
    expect(tighteningNote(phi)).toBe(
      'PHI: A overall, security ≥ 90, credentials ≥ 85, assessed axes required'
    )
  })

  it('personal: A overall, security ≥ 85, cto approval in production only', () => {
    const personal = classifiedRules(production, 'personal')
    expect(personal.rules.minGrade).toBe('A')
    expect(personal.rules.floors.security).toBe(85)
    expect(personal.rules.floors.credentials).toBe(75)
    expect(personal.exceptions).toEqual({
      allowed: true,
      maxDays: 60,
      requiredRoles: ['manager', 'security', 'cto']
    })
    expect(personal.rules.requireAssessedAxes).toBe(true)
    expect(personal.tightened).toEqual([
      'A overall',
      'security ≥ 85',
      'assessed axes',
      'cto approval'
    ])
    expect(classifiedRules(policyFor('staging'), 'personal').exceptions.requiredRoles).toEqual([
      'manager',
      'security'
    ])
  })

  it('internal raises development to B; public and no class change nothing', () => {
    const development = policyFor('development')
    expect(classifiedRules(development, 'internal').rules.minGrade).toBe('B')
    expect(classifiedRules(development, 'internal').rules.floors.security).toBe(60)
    const production = policyFor('production')
    expect(classifiedRules(production, 'internal').rules).toBe(production.rules)
    for (const dataClass of ['public', null] as const) {
      const classified = classifiedRules(development, dataClass)
      expect(classified.rules).toBe(development.rules)
      expect(classified.tightened).toEqual([])
      expect(tighteningNote(classified)).toBeNull()
    }
  })

  it('never loosens: a class grade or floor below the environment’s is ignored', () => {
    const strict = policyFrom(
      'environments:\n  production:\n    minGrade: A\n    floors: { security: 95 }\n',
      'production'
    )
    const internal = classifiedRules(strict, 'internal')
    expect(internal.rules.minGrade).toBe('A')
    expect(internal.tightened).toEqual([])
    const personal = classifiedRules(strict, 'personal')
    expect(personal.rules.floors.security).toBe(95)
    expect(personal.tightened).toEqual(['assessed axes', 'cto approval'])
    const loose = policyFrom(
      'dataClasses:\n  phi: { minGrade: D, floors: { security: 10 } }\n',
      'production'
    )
    expect(classifiedRules(loose, 'phi').rules.minGrade).toBe('B')
    expect(classifiedRules(loose, 'phi').rules.floors.security).toBe(75)
  })

  it('tightens above the min-grade input too', () => {
    const lowered = policyFor('production', { minGrade: 'D' })
    expect(lowered.rules.minGrade).toBe('D')
    expect(classifiedRules(lowered, 'personal').rules.minGrade).toBe('A')
  })

  it('adds approvers only once and never re-allows exceptions the environment forbids', () => {
    const policy = policyFrom(
      'environments:\n  production:\n    exceptions: { allowed: false, requiredRoles: [manager, cto] }\n',
      'production'
    )
    const personal = classifiedRules(policy, 'personal')
    expect(personal.exceptions.allowed).toBe(false)
    expect(personal.exceptions.requiredRoles).toEqual(['manager', 'cto'])
    expect(personal.tightened).toEqual(['A overall', 'security ≥ 85', 'assessed axes'])
  })

  it('names classes for people', () => {
    expect(dataClassLabel('phi')).toBe('PHI')
    expect(dataClassLabel('personal')).toBe('personal data')
  })
})

describe('evaluateServer with the registry’s data_classification', () => {
  it('personal data: a B server fails production, and the message says A is required', () => {
    const result = judge(ORG_SERVERS.hr(), { grade: makeReport({ overall: 85 }), exceptions: null })
    expect(codes(result)).toEqual(['GRADE_BELOW_MIN:error'])
    expect(result.reasons[0]?.message).toContain(
      'below the minimum A for production (personal data: A overall, security ≥ 85, assessed axes required)'
    )
    expect(result.verdict).toBe('fail')
  })

  it('personal data: security 80 passes the environment floor (75) but not the class’s 85', () => {
    const result = judge(ORG_SERVERS.hr(), {
      grade: makeReport({ overall: 92, axes: { security: 80 } }),
      exceptions: null
    })
    expect(codes(result)).toEqual(['SUBSCORE_BELOW_FLOOR:error'])
    expect(result.reasons[0]?.message).toContain(
      'security B (80) is below the production floor of 85'
    )
    expect(result.reasons[0]?.message).toContain('(personal data:')
  })

  it('phi: credentials 80 fails, and no exception is offered', () => {
    const result = judge(ORG_SERVERS.patientRecords(), {
      grade: makeReport({ overall: 93, axes: { credentials: 80 } }),
      exceptions: null
    })
    // The registry row names EXC-2026-040, and there is no exceptions file.
    expect(codes(result)).toEqual(['SUBSCORE_BELOW_FLOOR:error', 'EXCEPTION_INVALID:error'])
    expect(result.reasons[0]?.message).toContain(
      'credentials B (80) is below the production floor of 85'
    )
    expect(result.reasons[0]?.fix).toContain('(PHI in production allows no exceptions)')
    expect(result.reasons[0]?.fix).not.toContain('request an exception')
  })

  it('a reason the environment gives on its own is not marked as the class’s', () => {
    const result = judge(ORG_SERVERS.hr(), {
      grade: makeReport({ overall: 92, axes: { maintenance: 50 } }),
      exceptions: null
    })
    const [reason] = result.reasons
    expect(reason?.message).toMatch(/maintenance D \(50\) is below the production floor of 75$/)
  })

  it('internal data: a C server fails development, where the environment alone allows C', () => {
    const grade = makeReport({ overall: 70, axes: { maintenance: 65 } })
    const internal = judge(ORG_SERVERS.filesystem(), { environment: 'development', grade })
    expect(codes(internal)).toEqual(['GRADE_BELOW_MIN:error', 'REGISTRY_GRADE_DRIFT:warning'])
    expect(internal.reasons[0]?.message).toContain(
      'below the minimum B for development (internal data: B overall required)'
    )
    const publicData = judge(ORG_SERVERS.fetch(), {
      environment: 'development',
      grade,
      today: '2026-09-01'
    })
    expect(codes(publicData)).toEqual([
      'NOT_APPROVED_FOR_ENVIRONMENT:warning',
      'REGISTRY_GRADE_DRIFT:warning'
    ])
  })

  it('a row without data_classification uses the environment’s rules', () => {
    const registry = parseRegistryText(
      'server_id,current_grade,audit_date,environments_approved,data_access_summary,owner_team\n' +
        'npm:@acme/plain-mcp@1.0.0,B,2026-11-01,prod,Reads.,team\n',
      'r.csv'
    )
    const result = judge(npmServer('@acme/plain-mcp', '1.0.0', 'plain'), {
      registry,
      grade: makeReport({ overall: 80 })
    })
    expect(result.verdict).toBe('pass')
  })

  it('the policy file can change a class rule', () => {
    const policy = policyFrom(
      'dataClasses:\n  personal: { minGrade: B, floors: { security: null } }\n',
      'production'
    )
    const result = judge(ORG_SERVERS.hr(), {
      policy,
      grade: makeReport({ overall: 85, axes: { security: 80 } }),
      exceptions: null
    })
    expect(result.verdict).toBe('pass')
  })
})

describe('phi and personal floors need assessed axes (requireAssessedAxes per data class)', () => {
  /** What the `registry` grader gives: an overall grade, no axis assessed. */
  const overallOnly = makeReport({
    source: 'registry',
    overall: 'A',
    axes: Object.fromEntries(
      [
        'security',
        'permissions',
        'credentials',
        'maintenance',
        'compatibility',
        'documentation'
      ].map((axis) => [axis, null])
    )
  })

  it('a phi server graded overall only is blocked: its floors could not be verified', () => {
    const result = judge(ORG_SERVERS.patientRecords(), { grade: overallOnly, exceptions: null })
    expect(result.verdict).toBe('fail')
    const unverified = result.reasons.filter(
      (r) => r.code === 'SUBSCORE_BELOW_FLOOR' && r.severity === 'error'
    )
    expect(unverified.map((r) => r.message.split(': ')[1]?.split(' ')[0])).toEqual([
      'security',
      'permissions',
      'credentials',
      'maintenance',
      'compatibility',
      'documentation'
    ])
    expect(unverified[0]?.message).toContain(
      'security was not assessed by the registry grader, so its production floor of 90 could not be verified'
    )
    expect(unverified[0]?.message).toContain(
      '(PHI: A overall, security ≥ 90, credentials ≥ 85, assessed axes required)'
    )
    expect(unverified[2]?.message).toContain(
      'credentials was not assessed by the registry grader, so its production floor of 85'
    )
  })

  it('a personal-data server whose grader did not assess security is blocked on security only', () => {
    const result = judge(ORG_SERVERS.hr(), {
      grade: makeReport({ overall: 95, axes: { security: null } }),
      exceptions: null
    })
    expect(codes(result)).toEqual(['SUBSCORE_BELOW_FLOOR:error'])
    expect(result.reasons[0]?.message).toContain(
      'security was not assessed by the builtin grader, so its production floor of 85 could not be verified'
    )
    expect(result.compliance.map((c) => c.axis)).toContain('security')
  })

  it('internal and public data, and no class, keep the environment’s rule: not assessed passes', () => {
    const grade = makeReport({ overall: 95, axes: { security: null } })
    expect(judge(ORG_SERVERS.metrics(), { grade }).verdict).toBe('pass') // internal
    const production = policyFor('production')
    expect(classifiedRules(production, 'internal').rules.requireAssessedAxes).toBe(false)
    expect(classifiedRules(production, 'public').rules).toBe(production.rules)
    expect(classifiedRules(production, null).rules.requireAssessedAxes).toBe(false)
  })

  it('does not list "assessed axes" where the environment already requires them', () => {
    const strict = policyFrom('requireAssessedAxes: true\n', 'production')
    expect(classifiedRules(strict, 'phi').tightened).not.toContain('assessed axes')
    expect(classifiedRules(strict, 'phi').rules.requireAssessedAxes).toBe(true)
  })

  it('comes from the class rule, which a policy file can set', () => {
    const production = policyFor('production')
    expect(production.dataClasses.phi).toMatchObject({ requireAssessedAxes: true })
    expect(production.dataClasses.personal).toMatchObject({ requireAssessedAxes: true })
    expect(production.dataClasses.internal).toMatchObject({ requireAssessedAxes: false })
    const relaxed = policyFrom(
      'dataClasses:\n  personal: { requireAssessedAxes: false }\n  internal: { requireAssessedAxes: true }\n',
      'production'
    )
    expect(classifiedRules(relaxed, 'personal').rules.requireAssessedAxes).toBe(false)
    expect(classifiedRules(relaxed, 'internal').rules.requireAssessedAxes).toBe(true)
    expect(classifiedRules(relaxed, 'internal').tightened).toContain('assessed axes')
  })
})

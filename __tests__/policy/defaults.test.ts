import { describe, expect, it } from '@jest/globals'
import { AXES } from '../../src/grade/report.js'
import {
  BUILTIN_ENVIRONMENTS,
  DEFAULT_ENVIRONMENT,
  builtinEnvironmentPolicy,
  finalizeDraft,
  builtinDataClasses,
  builtinDraft
} from '../../src/policy/defaults.js'

const every = (score: number) => Object.fromEntries(AXES.map((axis) => [axis, score]))

const STRICT_CHECKS = {
  notInRegistry: 'error',
  notApproved: 'error',
  auditStale: 'error',
  versionMismatch: 'error',
  gradeDrift: 'warning',
  missingOwner: 'warning',
  missingDataAccess: 'warning'
}
const LOOSE_CHECKS = {
  notInRegistry: 'error',
  notApproved: 'warning',
  auditStale: 'warning',
  versionMismatch: 'warning',
  gradeDrift: 'warning',
  missingOwner: 'off',
  missingDataAccess: 'off'
}

describe('built-in environments (SPEC §6)', () => {
  it('has the four environments, production first and as the default', () => {
    expect(BUILTIN_ENVIRONMENTS).toEqual(['production', 'staging', 'development', 'ci'])
    expect(DEFAULT_ENVIRONMENT).toBe('production')
  })

  it.each(['production', 'staging'] as const)(
    '%s: min B, every axis ≥ 75, no F, pinned and grade required, high config risks block',
    (name) => {
      expect(builtinEnvironmentPolicy(name)).toEqual({
        minGrade: 'B',
        floors: every(75),
        noFInAnyAxis: true,
        requirePinned: true,
        requireGrade: true,
        requireAssessedAxes: false,
        onGraderError: 'fail',
        blockConfigRisk: 'high',
        quarantine: { security: 60, credentials: 60 },
        requireRegistry: true,
        maxAuditAgeDays: 90,
        auditWarningDays: 85,
        registryChecks: STRICT_CHECKS,
        exceptions: { allowed: true, maxDays: 60, requiredRoles: ['manager', 'security'] }
      })
    }
  )

  it.each([
    ['development', ['manager']],
    ['ci', ['manager', 'security']]
  ] as const)(
    '%s: min C, every axis ≥ 60 (no D or F), pinning only warned, grade required, critical config risks block, registry optional',
    (name, roles) => {
      expect(builtinEnvironmentPolicy(name)).toEqual({
        minGrade: 'C',
        floors: every(60),
        noFInAnyAxis: true,
        requirePinned: false,
        requireGrade: true,
        requireAssessedAxes: false,
        onGraderError: 'fail',
        blockConfigRisk: 'critical',
        quarantine: { security: 60, credentials: 60 },
        requireRegistry: false,
        maxAuditAgeDays: 90,
        auditWarningDays: 85,
        registryChecks: LOOSE_CHECKS,
        exceptions: { allowed: true, maxDays: 60, requiredRoles: roles }
      })
    }
  )

  it('derives floors from the scale: production floors are the scale’s B bound', () => {
    expect(builtinEnvironmentPolicy('production', { A: 92, B: 80, C: 65, D: 45 }).floors).toEqual(
      every(80)
    )
  })

  it('floors follow the minimum grade unless set, and a null floor removes the axis', () => {
    const draft = builtinDraft('production')
    draft.minGrade = 'A'
    draft.floors = { security: 85, documentation: null, credentials: 'C' }
    const policy = finalizeDraft(draft, { A: 90, B: 75, C: 60, D: 40 })
    expect(policy.floors).toEqual({
      security: 85,
      permissions: 90,
      credentials: 60,
      maintenance: 90,
      compatibility: 90
    })
  })

  it('puts the audit warning 5 days before a changed limit, never after it, never below 0', () => {
    const draft = builtinDraft('production')
    draft.maxAuditAgeDays = 30
    expect(finalizeDraft(draft, { A: 90, B: 75, C: 60, D: 40 }).auditWarningDays).toBe(25)
    draft.maxAuditAgeDays = 3
    expect(finalizeDraft(draft, { A: 90, B: 75, C: 60, D: 40 }).auditWarningDays).toBe(0)
    draft.auditWarningDays = 10
    expect(finalizeDraft(draft, { A: 90, B: 75, C: 60, D: 40 }).auditWarningDays).toBe(3)
  })

  it('lower-cases and de-duplicates required roles', () => {
    const draft = builtinDraft('staging')
    draft.exceptions.requiredRoles = ['Manager', ' security', 'MANAGER', 'CTO']
    expect(finalizeDraft(draft, { A: 90, B: 75, C: 60, D: 40 }).exceptions.requiredRoles).toEqual([
      'manager',
      'security',
      'cto'
    ])
  })

  it('gives fresh drafts (mutating one does not change the defaults)', () => {
    const draft = builtinDraft('ci')
    draft.quarantine.security = 10
    draft.registryChecks.notApproved = 'off'
    draft.exceptions.requiredRoles.push('cto')
    expect(builtinDraft('ci').quarantine.security).toBe(60)
    expect(builtinDraft('ci').registryChecks.notApproved).toBe('warning')
    expect(builtinDraft('ci').exceptions.requiredRoles).toEqual(['manager', 'security'])
  })
})

describe('built-in data classifications (SPEC §6)', () => {
  it('phi: A overall, security ≥ 90, credentials ≥ 85, no exceptions, assessed axes; cto in production', () => {
    const phi = builtinDataClasses().phi
    expect(phi).toEqual({
      minGrade: 'A',
      floors: { security: 90, credentials: 85 },
      allowExceptions: false,
      extraApprovers: [],
      requireAssessedAxes: true,
      environments: { production: { extraApprovers: ['cto'] } }
    })
  })

  it('personal: A overall, security ≥ 85, assessed axes, exceptions need cto in production', () => {
    expect(builtinDataClasses().personal).toEqual({
      minGrade: 'A',
      floors: { security: 85 },
      allowExceptions: true,
      extraApprovers: [],
      requireAssessedAxes: true,
      environments: { production: { extraApprovers: ['cto'] } }
    })
  })

  it('internal: B overall; public: the environment default', () => {
    const classes = builtinDataClasses()
    expect(classes.internal.minGrade).toBe('B')
    expect(classes.internal.floors).toEqual({})
    expect(classes.internal.requireAssessedAxes).toBe(false)
    expect(classes.public).toEqual({
      minGrade: null,
      floors: {},
      allowExceptions: true,
      extraApprovers: [],
      requireAssessedAxes: false,
      environments: {}
    })
  })
})

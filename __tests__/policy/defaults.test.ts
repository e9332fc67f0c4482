import { describe, expect, it } from '@jest/globals'
import { AXES } from '../../src/grade/report.js'
import {
  BUILTIN_ENVIRONMENTS,
  DEFAULT_ENVIRONMENT,
  builtinEnvironmentPolicy,
  finalizeDraft,
  builtinDraft
} from '../../src/policy/defaults.js'

const every = (score: number) => Object.fromEntries(AXES.map((axis) => [axis, score]))

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
        quarantine: { security: 60, credentials: 60 }
      })
    }
  )

  it.each(['development', 'ci'] as const)(
    '%s: min C, every axis ≥ 60 (no D or F), pinning only warned, grade required, critical config risks block',
    (name) => {
      expect(builtinEnvironmentPolicy(name)).toEqual({
        minGrade: 'C',
        floors: every(60),
        noFInAnyAxis: true,
        requirePinned: false,
        requireGrade: true,
        requireAssessedAxes: false,
        onGraderError: 'fail',
        blockConfigRisk: 'critical',
        quarantine: { security: 60, credentials: 60 }
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

  it('gives fresh drafts (mutating one does not change the defaults)', () => {
    const draft = builtinDraft('ci')
    draft.quarantine.security = 10
    expect(builtinDraft('ci').quarantine.security).toBe(60)
  })
})

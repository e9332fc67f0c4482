import { describe, expect, it } from '@jest/globals'
import {
  appliedDeductions,
  AXIS_WEIGHTS,
  criticalCap,
  failedAxisCap,
  scoreFindings
} from '../../../src/grade/builtin/scoring.js'
import type { Axis, Finding } from '../../../src/grade/report.js'

function finding(axis: Axis, deduction: number, severity: Finding['severity'] = 'low'): Finding {
  return { ruleId: `test.${axis}`, axis, severity, title: 't', deduction }
}

/** Five axes assessed, security not: how a grader that cannot score security is scored. */
const FIVE_AXES: ReadonlySet<Axis> = new Set<Axis>([
  'permissions',
  'credentials',
  'maintenance',
  'compatibility',
  'documentation'
])

const ALL: ReadonlySet<Axis> = new Set<Axis>([
  'security',
  'permissions',
  'credentials',
  'maintenance',
  'compatibility',
  'documentation'
])

describe('scoreFindings', () => {
  it('starts every assessed axis at 100 and leaves the others null', () => {
    const { overall, subScores } = scoreFindings([], FIVE_AXES)
    expect(overall).toEqual({ score: 100, grade: 'A' })
    expect(subScores.security).toBeNull()
    expect(subScores.maintenance).toEqual({ score: 100, grade: 'A' })
    expect(subScores.permissions).toEqual({ score: 100, grade: 'A' })
  })

  it('subtracts deductions per axis and floors at 0', () => {
    const { subScores } = scoreFindings(
      [
        finding('maintenance', 15),
        finding('maintenance', 10),
        finding('documentation', 60),
        finding('documentation', 25),
        finding('documentation', 25)
      ],
      FIVE_AXES
    )
    expect(subScores.maintenance).toEqual({ score: 75, grade: 'B' })
    expect(subScores.documentation).toEqual({ score: 0, grade: 'F' })
    expect(subScores.compatibility).toEqual({ score: 100, grade: 'A' })
  })

  it('ignores deductions on axes that are not assessed', () => {
    const { overall, subScores } = scoreFindings([finding('security', 80)], FIVE_AXES)
    expect(subScores.security).toBeNull()
    expect(overall.score).toBe(100)
  })

  it('takes the weighted mean over the assessed axes only', () => {
    // v1 weights: permissions 15, credentials 15, maintenance 20, compatibility 10, docs 15 (75)
    const { overall } = scoreFindings([finding('documentation', 60)], FIVE_AXES)
    expect(overall.score).toBe(Math.round((75 * 100 - 15 * 60) / 75)) // 88
    const only = scoreFindings([finding('maintenance', 30)], new Set<Axis>(['maintenance']))
    expect(only.overall).toEqual({ score: 70, grade: 'C' })
    const all = scoreFindings([finding('security', 40)], ALL)
    expect(all.overall.score).toBe(Math.round(100 - (AXIS_WEIGHTS.security * 40) / 100)) // 90
  })

  it('caps the overall at the top of C when an assessed axis is F', () => {
    const { overall, subScores } = scoreFindings([finding('compatibility', 70)], FIVE_AXES)
    expect(subScores.compatibility).toEqual({ score: 30, grade: 'F' })
    // the weighted mean alone would be round((7500 - 10 * 70) / 75) = 91
    expect(overall).toEqual({ score: 74, grade: 'C' })
    expect(failedAxisCap()).toBe(74)
  })

  it('caps the overall at the top of D for a critical finding', () => {
    const { overall, subScores } = scoreFindings(
      [finding('credentials', 30, 'critical')],
      FIVE_AXES
    )
    expect(subScores.credentials).toEqual({ score: 70, grade: 'C' })
    expect(overall).toEqual({ score: 59, grade: 'D' })
    // even when the critical finding is on an axis v1 does not score
    expect(scoreFindings([finding('security', 0, 'critical')], FIVE_AXES).overall.grade).toBe('D')
  })

  it('letters with the scale passed in', () => {
    const strict = { A: 97, B: 90, C: 80, D: 70 }
    const { overall, subScores } = scoreFindings(
      [finding('maintenance', 5)],
      new Set<Axis>(['maintenance']),
      strict
    )
    expect(subScores.maintenance).toEqual({ score: 95, grade: 'B' })
    expect(overall.grade).toBe('B')
    expect(criticalCap(strict)).toBe(79)
  })

  it('refuses to score nothing', () => {
    expect(() => scoreFindings([], new Set())).toThrow(RangeError)
  })
})

describe('appliedDeductions', () => {
  it('drops deductions that were not applied and keeps the rest', () => {
    const input = [finding('security', 20, 'high'), finding('maintenance', 5)]
    const out = appliedDeductions(input, FIVE_AXES)
    expect(out[0]).toEqual({
      ruleId: 'test.security',
      axis: 'security',
      severity: 'high',
      title: 't'
    })
    expect(out[1]).toBe(input[1])
    expect(input[0]?.deduction).toBe(20)
  })
})

import { describe, expect, it } from '@jest/globals'
import { gradeDrop } from '../../src/change/grade-drop.js'
import type { GradeReport, Score, SubScores } from '../../src/grade/report.js'

const score = (value: number | null, grade: Score['grade']): Score => ({ score: value, grade })

function report(overall: Score, subScores: Partial<SubScores> = {}): GradeReport {
  return {
    source: 'builtin',
    grader: { name: 'builtin', version: '2.0.0' },
    rubricVersion: '2',
    overall,
    subScores: {
      security: null,
      permissions: null,
      credentials: null,
      maintenance: null,
      compatibility: null,
      documentation: null,
      ...subScores
    },
    findings: [],
    auditedAt: '2026-11-21T10:00:00Z'
  }
}

describe('gradeDrop', () => {
  it('calls out a lower overall letter and lower axis letters', () => {
    const drop = gradeDrop(
      report(score(81, 'B'), { security: score(80, 'B'), maintenance: score(70, 'C') }),
      report(score(65, 'C'), { security: score(45, 'D'), maintenance: score(90, 'A') })
    )
    expect(drop).toEqual({
      overall: { before: score(81, 'B'), after: score(65, 'C') },
      axes: [{ axis: 'security', before: score(80, 'B'), after: score(45, 'D') }],
      message: 'grade went down against the base: B (81) → C (65); security B (80) → D (45)'
    })
  })

  it('a lower score with the same letter, a better grade, or an axis not assessed is no drop', () => {
    expect(gradeDrop(report(score(89, 'B')), report(score(76, 'B')))).toBeNull()
    expect(gradeDrop(report(score(60, 'C')), report(score(95, 'A')))).toBeNull()
    expect(
      gradeDrop(report(score(80, 'B'), { security: score(95, 'A') }), report(score(80, 'B')))
    ).toBeNull()
  })

  it('names sub-scores alone when only they went down; letter-only grades read as letters', () => {
    const drop = gradeDrop(
      report(score(null, 'B'), { credentials: score(null, 'A') }),
      report(score(null, 'B'), { credentials: score(null, 'C') })
    )
    expect(drop?.overall).toBeNull()
    expect(drop?.message).toBe('sub-scores went down against the base: credentials A → C')
  })
})

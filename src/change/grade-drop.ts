/**
 * "A grade that went down against the base is called out" (issue 5): compare the grade of a
 * server's base launch with its head launch.
 */
import { AXES, type Axis, type GradeReport, type Score } from '../grade/report.js'
import { rank } from '../policy/grades.js'
import { scoreCell } from '../report/display.js'

/** A score that went down: the base's and the head's. */
export interface ScoreDrop {
  before: Score
  after: Score
}

/** What went down between the base and the head grade. */
export interface GradeDrop {
  /** The overall grade, when its letter went down; else null. */
  overall: ScoreDrop | null
  /** Axes assessed on both sides whose letter went down, in `AXES` order. */
  axes: (ScoreDrop & { axis: Axis })[]
  /**
   * One line for people: `grade went down against the base: B (81) → C (65); security B (80) →
   * D (45)`.
   */
  message: string
}

/**
 * What went down from `base` to `head`, or null when nothing did. A grade goes down when its
 * letter does (SPEC §5 scale; A > B > C > D > F): a lower score with the same letter is not
 * called out, and an axis not assessed on either side is not compared (a grade is evidence:
 * "not assessed" is neither up nor down). Pure.
 */
export function gradeDrop(base: GradeReport, head: GradeReport): GradeDrop | null {
  const overall = dropped(base.overall, head.overall)
  const axes: GradeDrop['axes'] = []
  for (const axis of AXES) {
    const before = base.subScores[axis]
    const after = head.subScores[axis]
    if (before === null || after === null) continue
    const drop = dropped(before, after)
    if (drop !== null) axes.push({ axis, ...drop })
  }
  if (overall === null && axes.length === 0) return null
  const parts: string[] = []
  if (overall !== null) parts.push(`${scoreText(overall.before)} → ${scoreText(overall.after)}`)
  for (const drop of axes) {
    parts.push(`${drop.axis} ${scoreText(drop.before)} → ${scoreText(drop.after)}`)
  }
  const what = overall === null ? 'sub-scores went down' : 'grade went down'
  return { overall, axes, message: `${what} against the base: ${parts.join('; ')}` }
}

function dropped(before: Score, after: Score): ScoreDrop | null {
  return rank(after.grade) < rank(before.grade) ? { before, after } : null
}

/** `B (81)`, or `B` when only the letter is known (the report's score cell). */
function scoreText(score: Score): string {
  return scoreCell(score).text
}

/**
 * Policy checks on a grade (SPEC §5–§6): quarantine, minimum overall grade, "no F in any axis",
 * per-axis floors, and axes the grader could not assess.
 */
import { AXES, type Axis, type GradeLetter, type GradeReport, type Score } from '../grade/report.js'
import { comparableScore, letterFor, lowerBound, meetsLetter, type GradeScale } from './grades.js'
import type { Reason } from './reasons.js'
import type { EffectivePolicy } from './types.js'
import { formatNumber, scoreText, serverLabel } from './wording.js'
import type { ResolvedServer } from '../resolve/types.js'

/**
 * The letter of a score under the policy's scale: computed from the number when there is one
 * (the policy's scale decides letters, SPEC §5/§6), else the letter the grader gave.
 */
export function policyLetter(score: Score, scale: GradeScale): GradeLetter {
  return score.score === null ? score.grade : letterFor(score.score, scale)
}

/** `security C (70)`, or for a letter-only score `security C (≥ 60)` (its known lower bound). */
function axisText(axis: Axis, score: Score, scale: GradeScale): string {
  const letter = policyLetter(score, scale)
  return score.score === null
    ? `${axis} ${letter} (≥ ${formatNumber(lowerBound(letter, scale))})`
    : `${axis} ${scoreText(score.score, letter)}`
}

/**
 * `QUARANTINE` errors (SPEC §6): an assessed axis whose comparable score (the number, or a
 * letter's lower bound) is below its quarantine threshold blocks in every environment, and no
 * exception can waive it. Not-assessed axes are not quarantined (there is no evidence).
 */
export function quarantineReasons(
  server: ResolvedServer,
  report: GradeReport,
  policy: EffectivePolicy
): Reason[] {
  const reasons: Reason[] = []
  for (const axis of AXES) {
    const threshold = policy.rules.quarantine[axis]
    const score = report.subScores[axis]
    if (threshold === undefined || score === null) continue
    if (comparableScore(score, policy.scale) >= threshold) continue
    reasons.push({
      code: 'QUARANTINE',
      severity: 'error',
      message: `${serverLabel(server)}: ${axisText(axis, score, policy.scale)} is below the quarantine threshold ${formatNumber(threshold)}; quarantined in every environment`,
      fix: `no exception can waive quarantine: remove the server, or use a version that scores at least ${formatNumber(threshold)} on ${axis}`
    })
  }
  return reasons
}

/**
 * `GRADE_BELOW_MIN` (overall letter below `minGrade`), `SUBSCORE_F` (an assessed axis graded F
 * where `noFInAnyAxis`), `SUBSCORE_BELOW_FLOOR` (an assessed axis whose comparable score is below
 * its floor; a letter-only B counts as its lower bound, 75 by default) and, for axes with a floor
 * that were not assessed, one `SUBSCORE_BELOW_FLOOR` reason: a notice, or an error where
 * `requireAssessedAxes` (SPEC §6: "not assessed" blocks only where the policy says so).
 */
export function gradeReasons(
  server: ResolvedServer,
  report: GradeReport,
  policy: EffectivePolicy
): Reason[] {
  const { rules, scale, environment } = policy
  const label = serverLabel(server)
  const reasons: Reason[] = []

  const overall = policyLetter(report.overall, scale)
  if (!meetsLetter(overall, rules.minGrade)) {
    reasons.push({
      code: 'GRADE_BELOW_MIN',
      severity: 'error',
      message: `${label}: overall grade ${scoreText(report.overall.score, overall)} is below the minimum ${rules.minGrade} for ${environment}`,
      fix: `use a version or server graded ${rules.minGrade} or better, or request an exception`
    })
  }

  for (const axis of AXES) {
    const score = report.subScores[axis]
    if (score === null || !rules.noFInAnyAxis || policyLetter(score, scale) !== 'F') continue
    reasons.push({
      code: 'SUBSCORE_F',
      severity: 'error',
      message: `${label}: ${axisText(axis, score, scale)} is an F; ${environment} allows no F in any axis`,
      fix: `address the ${axis} findings or use another version or server, or request an exception`
    })
  }

  const notAssessed: string[] = []
  for (const axis of AXES) {
    const floor = rules.floors[axis]
    if (floor === undefined) continue
    const score = report.subScores[axis]
    if (score === null) {
      notAssessed.push(`${axis} (floor ${formatNumber(floor)})`)
      continue
    }
    if (comparableScore(score, scale) >= floor) continue
    reasons.push({
      code: 'SUBSCORE_BELOW_FLOOR',
      severity: 'error',
      message: `${label}: ${axisText(axis, score, scale)} is below the ${environment} floor of ${formatNumber(floor)}`,
      fix: `it needs at least ${formatNumber(floor)} on ${axis}: address the ${axis} findings or use another version or server, or request an exception`
    })
  }
  if (notAssessed.length > 0) {
    const blocking = rules.requireAssessedAxes
    reasons.push({
      code: 'SUBSCORE_BELOW_FLOOR',
      severity: blocking ? 'error' : 'notice',
      message: `${label}: not assessed by the ${report.source} grader, so these ${environment} floors could not be checked: ${notAssessed.join(', ')}${blocking ? `; ${environment} requires assessed axes` : ''}`,
      ...(blocking
        ? {
            fix: 'use a grader that assesses these axes (e.g. the builtin grader), or request an exception'
          }
        : {})
    })
  }
  return reasons
}

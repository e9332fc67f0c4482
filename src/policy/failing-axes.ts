/**
 * The axes of a grade that fail a server's rules (SPEC §8 compliance evidence: "for every failing
 * or floored axis"): the same judgements as `grade-checks.ts` makes, per axis instead of per
 * reason, so compliance controls can be looked up by axis.
 */
import { AXES, type Axis, type GradeReport } from '../grade/report.js'
import { policyLetter } from './grade-checks.js'
import { comparableScore, type GradeScale } from './grades.js'
import type { EnvironmentPolicy } from './types.js'

/**
 * The axes (in `AXES` order) for which `rules` give a `QUARANTINE`, `SUBSCORE_F` or
 * `SUBSCORE_BELOW_FLOOR` reason: an assessed axis below its quarantine threshold, graded F where
 * `noFInAnyAxis`, or below its floor (comparable score: the number, else the letter's lower
 * bound); and an axis the grader did not assess where `requireAssessedAxes` and it has a floor
 * (its control is then not evidenced). Whether an exception waives the reason does not matter:
 * the axis still fails, and the exception is the recorded risk acceptance.
 */
export function failingAxes(
  report: GradeReport,
  rules: EnvironmentPolicy,
  scale: GradeScale
): Axis[] {
  return AXES.filter((axis) => {
    const score = report.subScores[axis]
    const floor = rules.floors[axis]
    if (score === null) return rules.requireAssessedAxes && floor !== undefined
    const comparable = comparableScore(score, scale)
    const threshold = rules.quarantine[axis]
    if (threshold !== undefined && comparable < threshold) return true
    if (rules.noFInAnyAxis && policyLetter(score, scale) === 'F') return true
    return floor !== undefined && comparable < floor
  })
}

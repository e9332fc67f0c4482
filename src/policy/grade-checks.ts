/**
 * Policy checks on a grade (SPEC §5–§6): quarantine, minimum overall grade, "no F in any axis",
 * per-axis floors, and axes the grader could not assess (where the policy requires them).
 */
import {
  AXES,
  type Axis,
  type Finding,
  type GradeLetter,
  type GradeReport,
  type Score
} from '../grade/report.js'
import { comparableScore, letterFor, lowerBound, meetsLetter, type GradeScale } from './grades.js'
import type { Reason } from './reasons.js'
import type { EffectivePolicy } from './types.js'
import { clip, formatNumber, scoreText, serverLabel } from './wording.js'
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

/** How many rules a fix names as the largest deductions on an axis. */
const NAMED_CAUSES = 3

/** Points a rule took off one axis (summed over its findings). */
export interface AxisDeduction {
  ruleId: string
  /** Points (0–100 scale) deducted from the axis by all findings of the rule. */
  points: number
}

/**
 * The rules that cost `axis` the most points in `findings` (deductions summed per rule id, largest
 * first, ties in first-seen order), at most `limit` of them. Findings without a deduction are
 * left out, so a grader that reports no deductions gives `[]`.
 */
export function largestDeductions(
  findings: readonly Finding[],
  axis: Axis,
  limit: number = NAMED_CAUSES
): AxisDeduction[] {
  const points = new Map<string, number>()
  for (const finding of findings) {
    if (finding.axis !== axis || finding.deduction === undefined || finding.deduction <= 0) continue
    points.set(finding.ruleId, (points.get(finding.ruleId) ?? 0) + finding.deduction)
  }
  return [...points]
    .map(([ruleId, total]) => ({ ruleId, points: total }))
    .sort((a, b) => b.points - a.points)
    .slice(0, limit)
}

/** True for the built-in grader's config rules (`config.*`): fixed in the config, not the package. */
function isConfigRule(ruleId: string): boolean {
  return ruleId.startsWith('config.')
}

/** `config.literal-secret −50, npm.no-repository −10` (ids clipped, one line). */
function deductionList(causes: readonly AxisDeduction[]): string {
  return causes.map((c) => `${clip(c.ruleId, 100)} −${formatNumber(c.points)}`).join(', ')
}

/**
 * What would raise `axis`, from the rules that cost it the most: fix the config entry for config
 * rules (naming them), use another version or server for package findings (naming them); null
 * when no finding carries a deduction (the grader did not say why).
 */
function raiseAxisAdvice(findings: readonly Finding[], axis: Axis): string | null {
  const causes = largestDeductions(findings, axis)
  if (causes.length === 0) return null
  const config = causes.filter((c) => isConfigRule(c.ruleId))
  const other = causes.filter((c) => !isConfigRule(c.ruleId))
  const steps: string[] = []
  if (config.length > 0) steps.push(`fix the config entry (${deductionList(config)} on ${axis})`)
  if (other.length > 0) {
    steps.push(`use a version or server without these findings (${deductionList(other)})`)
  }
  return steps.join(' and ')
}

/**
 * `QUARANTINE` errors (SPEC §6): an assessed axis whose comparable score (the number, or a
 * letter's lower bound) is below its quarantine threshold blocks in every environment, and no
 * exception can waive it. Not-assessed axes are not quarantined (there is no evidence).
 *
 * The fix names the rules with the largest deductions on that axis (`largestDeductions`): when
 * config rules (`config.*`, e.g. a literal secret that took credentials to 50) cost the points,
 * it says to fix the config entry, not to pick another version; without deductions it asks for
 * a version that scores at least the threshold.
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
    const advice = raiseAxisAdvice(report.findings, axis)
    const needed = formatNumber(threshold)
    reasons.push({
      code: 'QUARANTINE',
      severity: 'error',
      message: `${serverLabel(server)}: ${axisText(axis, score, policy.scale)} is below the quarantine threshold ${needed}; quarantined in every environment`,
      fix:
        advice === null
          ? `no exception can waive quarantine: remove the server, or use a version that scores at least ${needed} on ${axis}`
          : `no exception can waive quarantine: ${advice}, so ${axis} reaches at least ${needed}; or remove the server`
    })
  }
  return reasons
}

/**
 * `GRADE_BELOW_MIN` (overall letter below `minGrade`), `SUBSCORE_F` (an assessed axis graded F
 * where `noFInAnyAxis`) and `SUBSCORE_BELOW_FLOOR` (an assessed axis whose comparable score is
 * below its floor; a letter-only B counts as its lower bound, 75 by default). Fixes name the rules
 * with the largest deductions on the axis when the grader gave them.
 *
 * An axis the grader could not assess gives no reason (SPEC §6: "not assessed" is shown as such
 * and blocks only where the policy says so), except where `requireAssessedAxes` is set and the
 * axis has a floor: then one `SUBSCORE_BELOW_FLOOR` error per such axis, saying its floor could
 * not be verified.
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
    const advice =
      raiseAxisAdvice(report.findings, axis) ??
      `address the ${axis} findings or use another version or server`
    reasons.push({
      code: 'SUBSCORE_F',
      severity: 'error',
      message: `${label}: ${axisText(axis, score, scale)} is an F; ${environment} allows no F in any axis`,
      fix: `${advice}, or request an exception`
    })
  }

  for (const axis of AXES) {
    const floor = rules.floors[axis]
    if (floor === undefined) continue
    const score = report.subScores[axis]
    if (score === null) {
      if (!rules.requireAssessedAxes) continue
      reasons.push({
        code: 'SUBSCORE_BELOW_FLOOR',
        severity: 'error',
        message: `${label}: ${axis} was not assessed by the ${report.source} grader, so its ${environment} floor of ${formatNumber(floor)} could not be verified; ${environment} requires assessed axes`,
        fix: `use a grader that assesses ${axis} (e.g. the builtin grader), or request an exception`
      })
      continue
    }
    if (comparableScore(score, scale) >= floor) continue
    const advice =
      raiseAxisAdvice(report.findings, axis) ??
      `address the ${axis} findings or use another version or server`
    reasons.push({
      code: 'SUBSCORE_BELOW_FLOOR',
      severity: 'error',
      message: `${label}: ${axisText(axis, score, scale)} is below the ${environment} floor of ${formatNumber(floor)}`,
      fix: `it needs at least ${formatNumber(floor)} on ${axis}: ${advice}, or request an exception`
    })
  }
  return reasons
}

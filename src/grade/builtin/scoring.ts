/**
 * Scoring of the built-in grader, rubric version 2 (docs/grading.md "Scoring"):
 *
 * - each assessed axis starts at 100 and loses every finding's `deduction` on that axis, floored
 *   at 0; an axis that is not assessed is `null` — never a made-up number (SPEC §2);
 * - the overall score is the weighted mean of the assessed axes only, with `AXIS_WEIGHTS`
 *   renormalised over them;
 * - caps: an assessed axis graded F caps the overall score at the top of C; any critical finding
 *   (on any axis) caps it at the top of D;
 * - scores are rounded to integers and lettered with the grade scale (SPEC §5, default
 *   `DEFAULT_SCALE`).
 */
import { DEFAULT_SCALE, type GradeScale, scoreOf } from '../../policy/grades.js'
import { AXES, type Axis, type Finding, type Score, type SubScores } from '../report.js'

/** Rubric version of the built-in grader (written into `GradeReport.rubricVersion`). */
export const RUBRIC_VERSION = '2'

/**
 * Weight of each axis in the overall score (sum 100; renormalised over the assessed axes).
 * Security weighs most because it is what the gate exists for; maintenance next (an unmaintained
 * server does not get fixed); permissions, credentials and documentation share the middle;
 * compatibility weighs least.
 */
export const AXIS_WEIGHTS: Readonly<Record<Axis, number>> = Object.freeze({
  security: 25,
  permissions: 15,
  credentials: 15,
  maintenance: 20,
  compatibility: 10,
  documentation: 15
})

/**
 * Axes the built-in grader (rubric 2) assesses for a package it graded: all six. Security is
 * scored from known advisories (OSV) and the analysis of the package's code and declared tools;
 * a part that could not be done (advisories off or unreachable, code that does not parse) is a
 * finding with a deduction (`advisory.not-checked`, `source.not-analysed`), so what was not
 * checked is never scored as safe.
 */
export const BUILTIN_ASSESSED_AXES: ReadonlySet<Axis> = new Set<Axis>(AXES)

/**
 * Scores for a set of findings.
 * @param findings every finding; only `deduction`s on assessed axes count.
 * @param assessed the axes that were assessed (others come out `null`).
 * @param scale letter bounds (SPEC §5), default `DEFAULT_SCALE`.
 * @returns `overall` (0–100 integer and letter) and the six `subScores`.
 * @throws RangeError when `assessed` is empty: an overall score needs at least one assessed axis.
 */
export function scoreFindings(
  findings: Finding[],
  assessed: ReadonlySet<Axis>,
  scale: GradeScale = DEFAULT_SCALE
): { overall: Score; subScores: SubScores } {
  const raw = new Map<Axis, number>()
  for (const axis of AXES) if (assessed.has(axis)) raw.set(axis, 100)
  if (raw.size === 0) {
    throw new RangeError('cannot score: no axis was assessed')
  }
  for (const finding of findings) {
    const current = raw.get(finding.axis)
    if (current === undefined) continue
    const deduction = finding.deduction ?? 0
    if (Number.isFinite(deduction) && deduction > 0) {
      raw.set(finding.axis, Math.max(0, current - deduction))
    }
  }
  const subScores: SubScores = {
    security: null,
    permissions: null,
    credentials: null,
    maintenance: null,
    compatibility: null,
    documentation: null
  }
  let weighted = 0
  let weights = 0
  for (const [axis, score] of raw) {
    subScores[axis] = scoreOf(score, scale)
    weighted += score * AXIS_WEIGHTS[axis]
    weights += AXIS_WEIGHTS[axis]
  }
  let overall = weights > 0 ? weighted / weights : 0
  if (Object.values(subScores).some((s) => s?.grade === 'F')) {
    overall = Math.min(overall, failedAxisCap(scale))
  }
  if (findings.some((f) => f.severity === 'critical')) {
    overall = Math.min(overall, criticalCap(scale))
  }
  return { overall: scoreOf(overall, scale), subScores }
}

/** Highest overall score when an assessed axis is F: just below B, i.e. the top of C. */
export function failedAxisCap(scale: GradeScale = DEFAULT_SCALE): number {
  return Math.max(0, Math.ceil(scale.B) - 1)
}

/** Highest overall score with a critical finding: just below C, i.e. the top of D. */
export function criticalCap(scale: GradeScale = DEFAULT_SCALE): number {
  return Math.max(0, Math.ceil(scale.C) - 1)
}

/**
 * The findings as reported: a `deduction` on an axis that was not assessed was not applied, so
 * it is removed (the finding keeps its severity). Returns new objects; the input is unchanged.
 */
export function appliedDeductions(findings: Finding[], assessed: ReadonlySet<Axis>): Finding[] {
  return findings.map((finding) => {
    if (assessed.has(finding.axis) || finding.deduction === undefined) return finding
    const { deduction: _unapplied, ...rest } = finding
    return rest
  })
}

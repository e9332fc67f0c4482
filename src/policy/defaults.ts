/**
 * Built-in policy defaults (SPEC §6 table, from the reference policy template in
 * `reference/seeds/mcp-server-security-policy.txt`).
 *
 * | environment | min grade | floors                      | pinned   | grade    | config risk blocks |
 * |-------------|-----------|-----------------------------|----------|----------|--------------------|
 * | production  | B         | every axis ≥ B (75); no F   | required | required | high and critical  |
 * | staging     | B         | every axis ≥ B (75); no F   | required | required | high and critical  |
 * | development | C         | every axis ≥ C (60): no D/F | warning  | required | critical only      |
 * | ci          | C         | every axis ≥ C (60): no D/F | warning  | required | critical only      |
 *
 * In every environment: quarantine when security < 60 or credentials < 60 (SPEC §6),
 * `requireAssessedAxes: false` (SPEC §6: a not-assessed axis blocks only when a policy asks),
 * `onGraderError: fail` (SPEC §5: a grader failure never passes a server).
 *
 * Floors follow the minimum grade: in the reference policy every axis must reach the same grade
 * the environment requires overall, so raising `minGrade` to A raises every default floor to 90.
 * Development's and CI's "no D or F" is the same rule at C.
 *
 * `blockConfigRisk` (this project's judgement, not in the reference policy) is the lowest severity
 * of a config finding that blocks (`CONFIG_RISK`), judged from the config entry whatever the
 * grader, so an `api` or `command` grade blocks the same entries the built-in one does:
 * - production and staging: `high`. They require every axis ≥ B (75), and the high config rules on
 *   the permissions axis cost the built-in grade 25–35 points each (docs/grading-config.md): one
 *   auto-approve-all, `trust`, skip-permissions flag, home-directory root or dangerous capability
 *   alone takes permissions to C (65–70), below the floor, so most high config risks already
 *   blocked there under the built-in grade; the others (a host network, −25, lands on the floor;
 *   the security-axis rules cost no points in rubric v1) now block as well, under every grader.
 * - development and ci: `critical`. Their floor is C (60), which one high permissions rule keeps
 *   (65–75), so a high config risk only warns there, as with the built-in grade; critical risks
 *   (a privileged container, the engine socket, the host root) block everywhere.
 */
import { AXES, type Axis, type GradeLetter } from '../grade/report.js'
import { DEFAULT_SCALE, lowerBound, type GradeScale } from './grades.js'
import type { ConfigRiskThreshold, EnvironmentPolicy } from './types.js'

/** The environments every policy knows (SPEC §6), strictest first. */
export const BUILTIN_ENVIRONMENTS = ['production', 'staging', 'development', 'ci'] as const
export type BuiltinEnvironment = (typeof BUILTIN_ENVIRONMENTS)[number]

/**
 * The environment used when neither the `environment` input nor a policy rule chooses one.
 * Production, because it is the strictest: a repository that says nothing gets the rules that
 * block the most, and has to opt down (an input or a policy rule) rather than opt up.
 */
export const DEFAULT_ENVIRONMENT: BuiltinEnvironment = 'production'

/** SPEC §6 quarantine thresholds (0–100): below these a server is blocked in every environment. */
export const DEFAULT_QUARANTINE: Readonly<Partial<Record<Axis, number>>> = Object.freeze({
  security: 60,
  credentials: 60
})

/** True when `name` is one of the built-in environments. */
export function isBuiltinEnvironment(name: string): name is BuiltinEnvironment {
  return (BUILTIN_ENVIRONMENTS as readonly string[]).includes(name)
}

/**
 * An environment's rules before the grade scale is applied: floors may still be letters, and
 * `floorsFollowMinGrade` says every axis without an explicit floor gets the lower bound of
 * `minGrade` (every axis must reach the grade required overall, as in the reference policy).
 */
export interface EnvironmentDraft {
  minGrade: GradeLetter
  /** When true, each axis not in `floors` gets the lower bound of `minGrade` as its floor. */
  floorsFollowMinGrade: boolean
  /** Explicit per-axis floors: a 0–100 number, a letter (its lower bound), or null for "no floor". */
  floors: Partial<Record<Axis, number | GradeLetter | null>>
  noFInAnyAxis: boolean
  requirePinned: boolean
  requireGrade: boolean
  requireAssessedAxes: boolean
  onGraderError: 'fail' | 'warn'
  /** Lowest config-finding severity that blocks (`CONFIG_RISK` error). */
  blockConfigRisk: ConfigRiskThreshold
  /** Per-axis quarantine thresholds: a 0–100 number or a letter (its lower bound). */
  quarantine: Partial<Record<Axis, number | GradeLetter>>
}

/** The SPEC §6 defaults of a built-in environment, as a fresh (mutable) draft. */
export function builtinDraft(name: BuiltinEnvironment): EnvironmentDraft {
  const strict = name === 'production' || name === 'staging'
  return {
    minGrade: strict ? 'B' : 'C',
    floorsFollowMinGrade: true,
    floors: {},
    noFInAnyAxis: true,
    requirePinned: strict,
    requireGrade: true,
    requireAssessedAxes: false,
    onGraderError: 'fail',
    blockConfigRisk: strict ? 'high' : 'critical',
    quarantine: { ...DEFAULT_QUARANTINE }
  }
}

/** A floor or threshold as a 0–100 number: a letter means its lower bound under `scale`. */
export function floorScore(value: number | GradeLetter, scale: GradeScale): number {
  return typeof value === 'number' ? value : lowerBound(value, scale)
}

/**
 * The `EnvironmentPolicy` of a draft under `scale`: letters become lower bounds, `null` floors
 * are dropped, and axes without an explicit floor get the lower bound of `minGrade` when
 * `floorsFollowMinGrade`. Axes are listed in `AXES` order.
 */
export function finalizeDraft(draft: EnvironmentDraft, scale: GradeScale): EnvironmentPolicy {
  const floors: Partial<Record<Axis, number>> = {}
  const quarantine: Partial<Record<Axis, number>> = {}
  for (const axis of AXES) {
    const explicit = draft.floors[axis]
    if (explicit !== undefined) {
      if (explicit !== null) floors[axis] = floorScore(explicit, scale)
    } else if (draft.floorsFollowMinGrade) {
      floors[axis] = lowerBound(draft.minGrade, scale)
    }
    const threshold = draft.quarantine[axis]
    if (threshold !== undefined) quarantine[axis] = floorScore(threshold, scale)
  }
  return {
    minGrade: draft.minGrade,
    floors,
    noFInAnyAxis: draft.noFInAnyAxis,
    requirePinned: draft.requirePinned,
    requireGrade: draft.requireGrade,
    requireAssessedAxes: draft.requireAssessedAxes,
    onGraderError: draft.onGraderError,
    blockConfigRisk: draft.blockConfigRisk,
    quarantine
  }
}

/** The SPEC §6 rules of a built-in environment under `scale` (default SPEC §5 scale). */
export function builtinEnvironmentPolicy(
  name: BuiltinEnvironment,
  scale: GradeScale = DEFAULT_SCALE
): EnvironmentPolicy {
  return finalizeDraft(builtinDraft(name), scale)
}

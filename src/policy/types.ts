/**
 * Policy data model (SPEC §5–§6). The policy file and the action inputs are turned into one
 * `EffectivePolicy` per run; `evaluate` applies it to each server.
 */
import type { Axis, GradeLetter } from '../grade/report.js'
import type { GradeScale } from './grades.js'

/**
 * The lowest config-finding severity that blocks (`CONFIG_RISK` as an error): `critical` blocks
 * critical findings only, `high` blocks critical and high ones. Findings below the threshold, down
 * to `high`, warn; `medium` and lower never give a reason (they only cost built-in grade points).
 */
export type ConfigRiskThreshold = 'critical' | 'high'

/** The rules of one environment (SPEC §6 table). Scores are 0–100. */
export interface EnvironmentPolicy {
  /** Lowest overall grade that passes. */
  minGrade: GradeLetter
  /** Lowest 0–100 score per axis; an axis without a floor is not listed. */
  floors: Partial<Record<Axis, number>>
  /** Any assessed axis graded F blocks (`SUBSCORE_F`). */
  noFInAnyAxis: boolean
  /** An unpinned version blocks (`UNPINNED` as error; otherwise a warning). */
  requirePinned: boolean
  /** A server without a grade blocks (`UNGRADED` as error; otherwise a warning). */
  requireGrade: boolean
  /** An axis the grader could not assess blocks where a floor applies to it. */
  requireAssessedAxes: boolean
  /** What a grader failure does: `fail` blocks (`GRADER_ERROR`), `warn` only warns. */
  onGraderError: 'fail' | 'warn'
  /**
   * The lowest config-finding severity that blocks (`CONFIG_RISK` error), whatever the grader:
   * `high` in production and staging, `critical` in development and ci (see `defaults.ts`).
   */
  blockConfigRisk: ConfigRiskThreshold
  /**
   * Quarantine thresholds (SPEC §6): a score below these blocks regardless of anything else
   * (`QUARANTINE`), default security < 60 or credentials < 60.
   */
  quarantine: Partial<Record<Axis, number>>
}

/** How the run's environment was chosen, for the report ("input", "rule: deploy/prod/**", …). */
export type EnvironmentSource = 'input' | 'rule' | 'default'

/** Everything `evaluate` needs, resolved once per run. */
export interface EffectivePolicy {
  environment: string
  environmentSource: EnvironmentSource
  /** The rule or input that chose it, for people. */
  environmentReason: string
  scale: GradeScale
  rules: EnvironmentPolicy
  /** Where the policy came from: a file path, or null for the built-in defaults. */
  policyFile: string | null
}

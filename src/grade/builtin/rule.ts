/**
 * A rule of the built-in grader's rubric (documented in docs/grading.md). Every deduction the
 * built-in grader makes is a `Finding` produced by one of these rules.
 */
import type { Axis, Severity } from '../report.js'

export interface RuleDefinition {
  /** Stable id, e.g. `npm.deprecated`, `config.literal-secret`. */
  id: string
  axis: Axis
  severity: Severity
  /** Points deducted from the axis score (0–100) each time the rule fires (0 = informational). */
  deduction: number
  /** One-line title shown in reports. */
  title: string
  /** CWE id when the rule maps to one (`CWE-798`). */
  cwe?: string
  /** What the rule looks at and why, for docs/grading.md. */
  rationale: string
}

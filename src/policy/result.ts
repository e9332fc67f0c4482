/**
 * The result of evaluating one server (SPEC §2 `ServerResult`).
 */
import type { Finding, GradeReport } from '../grade/report.js'
import type { ResolvedServer } from '../resolve/types.js'
import type { Reason, Verdict } from './reasons.js'
import type { EffectivePolicy } from './types.js'

export interface ServerResult {
  server: ResolvedServer
  /** The policy applied to this server (environments can differ per config path, SPEC §6). */
  policy: EffectivePolicy
  /** The grade, when a grader produced a valid one. */
  grade: GradeReport | null
  /** Why there is no grade: `ungraded` (no grade exists) or `error` (the grader failed). */
  gradeProblem: { kind: 'ungraded' | 'error'; message: string } | null
  /** Findings shown even without a grade (from an `ungraded` outcome), else empty. */
  ungradedFindings: Finding[]
  /**
   * What the config entry itself does (SPEC §5 config rules: literal secrets, privileged
   * containers, broad filesystem roots, auto-approved tools, plain-http remotes), found for every
   * server whatever the grader. The built-in grader's report holds the same findings (they score
   * its credentials and permissions axes); renderers show each finding once.
   */
  configFindings: Finding[]
  /** Registry status: filled by the registry checks (a later issue); null for now. */
  registry: null
  /** Exception status: filled by the exception checks (a later issue); null for now. */
  exception: null
  verdict: Verdict
  reasons: Reason[]
}

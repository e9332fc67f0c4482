/**
 * The result of evaluating one server (SPEC §2 `ServerResult`).
 */
import type { GradeReport } from '../grade/report.js'
import type { ResolvedServer } from '../resolve/types.js'
import type { Reason, Verdict } from './reasons.js'

export interface ServerResult {
  server: ResolvedServer
  /** The grade, when a grader produced a valid one. */
  grade: GradeReport | null
  /** Why there is no grade: `ungraded` (no grade exists) or `error` (the grader failed). */
  gradeProblem: { kind: 'ungraded' | 'error'; message: string } | null
  /** Registry status: filled by the registry checks (a later issue); null for now. */
  registry: null
  /** Exception status: filled by the exception checks (a later issue); null for now. */
  exception: null
  verdict: Verdict
  reasons: Reason[]
}

/**
 * The grader interface (SPEC §5): given a resolved server, obtain a `GradeOutcome`.
 *
 * A grader never throws for a problem with one server: it answers `{kind: 'error'}` (which the
 * policy turns into `GRADER_ERROR`) or `{kind: 'ungraded'}` (`UNGRADED`). Each grader grades an
 * identity (purl, or URL for remote servers) at most once per run.
 */
import type { ResolvedServer } from '../resolve/types.js'
import type { GradeOutcome, GradeSource } from './report.js'

export interface Grader {
  /** Which kind of grader this is; also written into `GradeReport.source`. */
  readonly source: GradeSource
  /** Grade one server. Never rejects (see the interface doc). */
  grade(server: ResolvedServer): Promise<GradeOutcome>
}

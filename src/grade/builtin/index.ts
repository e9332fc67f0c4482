/**
 * The built-in grader (SPEC §5 `builtin`, rubric version 1 in docs/grading.md): needs nothing but
 * the npm registry. This module wires the package grading (`builtin-grader.ts`) to the
 * config-entry rules (`config-rules.ts`) and exports the rubric.
 */
import type { Grader } from '../grader.js'
import { type BuiltinGraderOptions, createBuiltinGraderWith } from './builtin-grader.js'
import { checkConfigEntry } from './config-rules.js'

export {
  BUILTIN_GRADER_NAME,
  type BuiltinGraderOptions,
  NON_PACKAGE_REASON,
  NO_PYPI_REASON
} from './builtin-grader.js'
export { PACKAGE_RULES } from './package-rules.js'
export { AXIS_WEIGHTS, RUBRIC_VERSION, scoreFindings, BUILTIN_ASSESSED_AXES } from './scoring.js'

/**
 * Create the built-in grader (`source: 'builtin'`, grader `mcp-grade-gate/builtin`, rubric
 * `RUBRIC_VERSION`): npm packages graded from registry metadata and the verified tarball (once
 * per package version per grader, or from `options.assessmentCache` across runs), plus the
 * config-entry findings of `checkConfigEntry`, scored by `scoreFindings`. Non-npm or unresolved
 * servers are `ungraded`; registry and tarball failures are `error`. `grade` never rejects.
 */
export function createBuiltinGrader(options: BuiltinGraderOptions): Grader {
  return createBuiltinGraderWith(checkConfigEntry, options)
}

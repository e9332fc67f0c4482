/**
 * The policy's action inputs / CLI flags (SPEC §6, §8): `min-grade` and `sub-score-floors`.
 * They override the environment for the run ("inputs win"), so
 * `min-grade: ${{ vars.MCP_MIN_GRADE || 'B' }}` works.
 */
import { AXIS_ALIASES, axisFromName } from '../grade/axis-names.js'
import { AXES, type Axis, type GradeLetter } from '../grade/report.js'
import { PolicyInputError } from './errors.js'
import { DEFAULT_SCALE, lowerBound, parseLetter, type GradeScale } from './grades.js'
import { closestName } from './suggest.js'

export { PolicyInputError } from './errors.js'

/**
 * Parse the `min-grade` input: one letter A–F, case-insensitive, surrounding spaces ignored.
 * @returns the letter, or undefined for a blank input (not set).
 * @throws PolicyInputError for anything else, naming what was given and what is allowed.
 */
export function parseMinGrade(text: string): GradeLetter | undefined {
  if (text.trim() === '') return undefined
  const letter = parseLetter(text)
  if (letter === null) {
    throw new PolicyInputError(
      'min-grade',
      `min-grade ${JSON.stringify(text.trim())} is not a grade: use one of A, B, C, D, F`
    )
  }
  return letter
}

const AXES_HELP = `${AXES.join(', ')} (or ${Object.keys(AXIS_ALIASES).join(', ')})`

/**
 * Parse the `sub-score-floors` input: `axis=value` items separated by commas, semicolons,
 * newlines or spaces (`security=85,credentials=B`; `security: 85` also works). An axis is named
 * as `axisFromName` reads it: the axis, or a long name such as `credential_exposure` /
 * `Credential-Exposure` (src/grade/axis-names.ts). A value is a score
 * 0–100 or a grade letter A–F meaning its lower bound under `scale` (SPEC §5; `B` → 75 by
 * default).
 * @returns floors (0–100) per axis; `{}` for a blank input.
 * @throws PolicyInputError for an item that is not `axis=value`, an unknown axis, a value that is
 *   neither 0–100 nor A–F, or an axis given twice.
 */
export function parseSubScoreFloors(
  text: string,
  scale: GradeScale = DEFAULT_SCALE
): Partial<Record<Axis, number>> {
  const floors: Partial<Record<Axis, number>> = {}
  const items = text
    .replace(/\s*[=:]\s*/g, '=')
    .split(/[\s,;]+/)
    .filter((item) => item !== '')
  for (const item of items) {
    const match = /^([^=]+)=([^=]+)$/.exec(item)
    if (match === null) {
      throw new PolicyInputError(
        'sub-score-floors',
        `sub-score-floors: ${JSON.stringify(item)} is not axis=value. Write items such as security=85,credentials=B`
      )
    }
    const [, axisText = '', valueText = ''] = match
    const axis = axisFromName(axisText)
    if (axis === null) {
      const suggestion = closestName(axisText, AXES, AXIS_ALIASES)
      const hint = suggestion === null ? '' : ` (did you mean ${JSON.stringify(suggestion)}?)`
      throw new PolicyInputError(
        'sub-score-floors',
        `sub-score-floors: unknown axis ${JSON.stringify(axisText)} in ${JSON.stringify(item)}${hint}. Axes: ${AXES_HELP}`
      )
    }
    if (floors[axis] !== undefined) {
      throw new PolicyInputError(
        'sub-score-floors',
        `sub-score-floors: ${axis} is given more than once. Give each axis one floor`
      )
    }
    floors[axis] = floorValue(valueText, item, scale)
  }
  return floors
}

function floorValue(text: string, item: string, scale: GradeScale): number {
  const letter = parseLetter(text)
  if (letter !== null) return lowerBound(letter, scale)
  if (/^\d+(\.\d+)?$/.test(text)) {
    const value = Number(text)
    if (value <= 100) return value
  }
  throw new PolicyInputError(
    'sub-score-floors',
    `sub-score-floors: ${JSON.stringify(text)} in ${JSON.stringify(item)} is not a floor. Use a score from 0 to 100 or a grade letter A–F`
  )
}

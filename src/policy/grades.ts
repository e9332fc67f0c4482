/**
 * Grade scale: letters ↔ 0–100 scores (SPEC §5).
 *
 * Default lower bounds: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, F < 40 (SPEC §5, from the reference
 * policy). The policy file may change the bounds.
 */
import { GRADE_LETTERS, type GradeLetter, type Score } from '../grade/report.js'

/** Lower bound (inclusive, 0–100) of each passing letter; F is everything below D. */
export interface GradeScale {
  A: number
  B: number
  C: number
  D: number
}

/** SPEC §5 default scale. */
export const DEFAULT_SCALE: Readonly<GradeScale> = Object.freeze({ A: 90, B: 75, C: 60, D: 40 })

/**
 * Letter for a 0–100 score under `scale`.
 * @throws RangeError when `score` is not a finite number in 0–100.
 */
export function letterFor(score: number, scale: GradeScale = DEFAULT_SCALE): GradeLetter {
  if (!Number.isFinite(score) || score < 0 || score > 100) {
    throw new RangeError(`score must be a number from 0 to 100, got ${String(score)}`)
  }
  if (score >= scale.A) return 'A'
  if (score >= scale.B) return 'B'
  if (score >= scale.C) return 'C'
  if (score >= scale.D) return 'D'
  return 'F'
}

/** Lowest score (0–100) that still earns `letter` under `scale` (F → 0). */
export function lowerBound(letter: GradeLetter, scale: GradeScale = DEFAULT_SCALE): number {
  return letter === 'F' ? 0 : scale[letter]
}

/** Rank of a letter: A = 4 … F = 0, so `rank(a) >= rank(b)` means "a is at least as good as b". */
export function rank(letter: GradeLetter): number {
  return GRADE_LETTERS.length - 1 - GRADE_LETTERS.indexOf(letter)
}

/** True when `letter` is at least `min` (A ≥ B ≥ C ≥ D ≥ F). */
export function meetsLetter(letter: GradeLetter, min: GradeLetter): boolean {
  return rank(letter) >= rank(min)
}

/** A `Score` for a 0–100 number under `scale` (the number is rounded to an integer). */
export function scoreOf(score: number, scale: GradeScale = DEFAULT_SCALE): Score {
  const rounded = Math.round(score)
  return { score: rounded, grade: letterFor(rounded, scale) }
}

/**
 * The score to compare against a numeric floor: the number when known, else the lower bound of
 * the letter (a letter-only "B" is only known to be ≥ 75 under the default scale).
 */
export function comparableScore(s: Score, scale: GradeScale = DEFAULT_SCALE): number {
  return s.score ?? lowerBound(s.grade, scale)
}

/** Parse a grade letter, case-insensitive (`"b"` → `"B"`); null when it is not one of A–F. */
export function parseLetter(text: string): GradeLetter | null {
  const up = text.trim().toUpperCase()
  return (GRADE_LETTERS as readonly string[]).includes(up) ? (up as GradeLetter) : null
}

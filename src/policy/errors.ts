/**
 * Errors of the policy layer: a policy file that cannot be used (`PolicyFileError`, located) and
 * an action input or CLI flag that cannot be used (`PolicyInputError`). Both are "unusable input"
 * (CLI exit 2, SPEC §8); their messages say what is wrong, where, and what to do.
 */

import type { SourceLocation } from '../config/types.js'

/** A 1-based line and column (UTF-16 code units), as in config files (SPEC §8). */
export type Position = SourceLocation

/**
 * A problem found while parsing a policy file (syntax error, duplicate key, nesting too deep),
 * where it is, and what to do.
 */
export interface SyntaxProblem extends Position {
  message: string
}

/** One problem in a policy file, at a 1-based line and column. */
export interface PolicyFileProblem {
  /** 1-based line of the offending key, value or character. */
  line: number
  /** 1-based column (UTF-16 code units, as editors and GitHub annotations count). */
  column: number
  /** Where in the document: a dotted path such as `environments.production.floors.security`. */
  at: string
  /** What is wrong and what to do, for people. */
  message: string
}

/** How many problems a `PolicyFileError` message lists before "… and N more". */
const LISTED_PROBLEMS = 10

/**
 * A file of the organisation's rules (policy, registry, exceptions) that cannot be read,
 * parsed or validated. `line`/`column` (1-based) are those of the first problem; `problems` holds
 * every problem found. The message starts with `Invalid <kind> file` and lists up to 10 problems
 * as `path:line:column: at: message`.
 */
export class LocatedFileError extends Error {
  override readonly name: string = 'LocatedFileError'
  readonly path: string
  readonly line: number
  readonly column: number
  readonly problems: readonly PolicyFileProblem[]

  /**
   * @param kind what the file is, for the message (`policy`, `registry`, `exceptions`).
   * @param path the file path, as given by the caller.
   * @param problems at least one problem; the first sets `line` and `column`.
   * @throws TypeError when `problems` is empty (a programming error).
   */
  constructor(kind: string, path: string, problems: readonly PolicyFileProblem[]) {
    const first = problems[0]
    if (first === undefined) throw new TypeError(`a ${kind} file error needs at least one problem`)
    super(formatProblems(kind, path, problems))
    this.path = path
    this.line = first.line
    this.column = first.column
    this.problems = problems
  }
}

/** A policy file that cannot be used (see `LocatedFileError`). */
export class PolicyFileError extends LocatedFileError {
  override readonly name = 'PolicyFileError'

  /** @throws TypeError when `problems` is empty (a programming error). */
  constructor(path: string, problems: readonly PolicyFileProblem[]) {
    super('policy', path, problems)
  }
}

function formatProblems(
  kind: string,
  path: string,
  problems: readonly PolicyFileProblem[]
): string {
  const lines = problems.slice(0, LISTED_PROBLEMS).map((p) => {
    const where = p.at === '' ? '' : `${p.at}: `
    return `${path}:${p.line}:${p.column}: ${where}${p.message}`
  })
  const more = problems.length - LISTED_PROBLEMS
  if (more > 0) lines.push(`… and ${more} more problem${more === 1 ? '' : 's'}`)
  const head =
    problems.length === 1
      ? `Invalid ${kind} file`
      : `Invalid ${kind} file (${problems.length} problems)`
  return `${head}: ${lines.join('\n')}`
}

/**
 * An action input / CLI flag the policy layer cannot use (`environment`, `min-grade`,
 * `sub-score-floors`). `input` names it; the message says what was given and what is allowed.
 */
export class PolicyInputError extends Error {
  override readonly name = 'PolicyInputError'
  /** The input's name as users write it (`min-grade`, `sub-score-floors`, `environment`). */
  readonly input: string

  constructor(input: string, message: string) {
    super(message)
    this.input = input
  }
}

/**
 * One line of an error for a warning or message: the first line of its message (Octokit and
 * `@actions/*` errors can carry whole response bodies), at most 300 characters.
 */

/** Longest error line kept, in characters. */
export const MAX_ERROR_LINE_CHARS = 300

/**
 * The first line of `error`'s message (or of `String(error)`), clipped to
 * `MAX_ERROR_LINE_CHARS` with `…`. Never throws.
 */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const line = message.split('\n')[0] ?? ''
  return line.length > MAX_ERROR_LINE_CHARS ? `${line.slice(0, MAX_ERROR_LINE_CHARS - 1)}…` : line
}

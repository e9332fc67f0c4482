/**
 * Nesting limits checked before parsing untrusted policy text (and the other rule files: registry,
 * exceptions): the JSON and YAML parsers recurse per level, so text nested thousands deep would
 * overflow the stack (SPEC §9: hostile input yields a clear error, never a crash).
 */
import { createScanner } from 'jsonc-parser'
import type { LineIndex } from '../config/lines.js'
import type { SyntaxProblem } from './errors.js'

/**
 * Deepest nesting of objects/lists accepted (a policy needs about 5). Hostile input nested
 * thousands deep would otherwise overflow the stack of the recursive parsers.
 */
export const MAX_NESTING = 64

/**
 * Widest indentation accepted in YAML (characters of spaces, tabs and `-`/`?`/`:` indicators
 * before a line's content): bounds block nesting the way `MAX_NESTING` bounds flow nesting.
 */
export const MAX_YAML_INDENT = 256

// jsonc-parser's SyntaxKind is a const enum (not usable with isolatedModules): its values.
const SCAN_OPEN_BRACE = 1
const SCAN_CLOSE_BRACE = 2
const SCAN_OPEN_BRACKET = 3
const SCAN_CLOSE_BRACKET = 4
const SCAN_EOF = 17

function tooDeepMessage(fileKind: string): string {
  return `nested deeper than ${MAX_NESTING} levels. A ${fileKind} file needs only a few; check the file`
}

/**
 * A problem when JSON text nests deeper than `MAX_NESTING` (jsonc-parser's own scanner).
 * @param fileKind what the file is, for the message (`policy`, `registry`, `exceptions`).
 */
export function jsonNestingProblem(
  text: string,
  lines: LineIndex,
  fileKind: string = 'policy'
): SyntaxProblem | null {
  const scanner = createScanner(text, true)
  let depth = 0
  for (let token: number = scanner.scan(); token !== SCAN_EOF; token = scanner.scan()) {
    if (token === SCAN_OPEN_BRACE || token === SCAN_OPEN_BRACKET) depth++
    else if (token === SCAN_CLOSE_BRACE || token === SCAN_CLOSE_BRACKET) depth--
    if (depth > MAX_NESTING) {
      return { ...lines.locate(scanner.getTokenOffset()), message: tooDeepMessage(fileKind) }
    }
  }
  return null
}

/**
 * A problem when YAML text nests deeper than the limits: flow brackets deeper than
 * `MAX_NESTING` (counted outside quotes and comments; approximate, and on the safe side), or a
 * line indented wider than `MAX_YAML_INDENT`.
 * @param fileKind what the file is, for the message (`policy`, `registry`, `exceptions`).
 */
export function yamlNestingProblem(
  text: string,
  lines: LineIndex,
  fileKind: string = 'policy'
): SyntaxProblem | null {
  let depth = 0
  let quote: string | null = null
  let lineStart = true
  let indent = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === '\n') {
      lineStart = true
      indent = 0
      continue
    }
    if (lineStart) {
      if (ch === ' ' || ch === '\t' || ch === '-' || ch === '?' || ch === ':') {
        if (++indent > MAX_YAML_INDENT) {
          return {
            ...lines.locate(i),
            message: `indented wider than ${MAX_YAML_INDENT} characters. A ${fileKind} file needs only a few levels; check the file`
          }
        }
        continue
      }
      lineStart = false
    }
    if (quote !== null) {
      if (ch === quote) quote = null
      else if (ch === '\\' && quote === '"') i++
      continue
    }
    if (ch === '"' || ch === "'") {
      quote = ch
    } else if (ch === '#') {
      const end = text.indexOf('\n', i)
      i = (end === -1 ? text.length : end) - 1
    } else if (ch === '[' || ch === '{') {
      if (++depth > MAX_NESTING) return { ...lines.locate(i), message: tooDeepMessage(fileKind) }
    } else if (ch === ']' || ch === '}') {
      depth = Math.max(0, depth - 1)
    }
  }
  return null
}

import { createScanner, parseTree, printParseErrorCode, visit } from 'jsonc-parser'
import type { Node, ParseError } from 'jsonc-parser'
import { LineIndex } from './lines.js'
import type { LocatedProperty, LocatedValue } from './tree.js'
import type { ConfigError } from './types.js'

/**
 * Deepest nesting the reader converts. Real MCP configs nest four or five levels; a document
 * nested deeper than this is rejected with a located error instead of risking the call stack.
 */
export const MAX_JSON_DEPTH = 200

/** What {@link parseJsonc} returns: a located tree, or the first problem (never both). */
export type JsoncResult =
  { root: LocatedValue | undefined; error: null } | { root: undefined; error: ConfigError }

/**
 * Parses JSON with comments and trailing commas (the dialect VS Code, Cursor, Zed and friends
 * accept) into a {@link LocatedValue} tree, using jsonc-parser's `parseTree` for positions.
 *
 * @param text the document without a byte-order mark (offsets are counted in this string).
 * @returns `root: undefined` for a document with no value at all (empty or only comments);
 *   otherwise the tree, or `error` with a human message and the 1-based line/column of the
 *   first problem. Never throws: a stack overflow on absurd nesting becomes an error too.
 */
export function parseJsonc(text: string): JsoncResult {
  const lines = new LineIndex(text)
  const errors: ParseError[] = []
  let tree: Node | undefined
  try {
    tree = parseTree(text, errors, { allowTrailingComma: true, allowEmptyContent: true })
  } catch {
    // jsonc-parser recurses per level: absurd nesting (thousands of levels) overflows the stack.
    return {
      root: undefined,
      error: located(
        `Values are nested more than ${MAX_JSON_DEPTH} levels deep`,
        tooDeepOffset(text),
        lines
      )
    }
  }
  const first = errors[0]
  if (first !== undefined) {
    return { root: undefined, error: describeSyntaxError(text, first, lines) }
  }
  if (tree === undefined) return { root: undefined, error: null }
  const converted = toLocated(tree, lines, 0)
  if ('error' in converted) return { root: undefined, error: converted.error }
  return { root: converted.value, error: null }
}

function located(message: string, offset: number, lines: LineIndex): ConfigError {
  const { line, column } = lines.locate(offset)
  return { message: `${message} (line ${line}, column ${column})`, line, column }
}

type Converted = { value: LocatedValue } | { error: ConfigError }

function toLocated(node: Node, lines: LineIndex, depth: number): Converted {
  const location = lines.locate(node.offset)
  if (depth > MAX_JSON_DEPTH) {
    return {
      error: located(
        `Values are nested more than ${MAX_JSON_DEPTH} levels deep`,
        node.offset,
        lines
      )
    }
  }
  switch (node.type) {
    case 'object': {
      const properties: LocatedProperty[] = []
      for (const member of node.children ?? []) {
        const [keyNode, valueNode] = member.children ?? []
        if (keyNode === undefined || valueNode === undefined) continue
        const value = toLocated(valueNode, lines, depth + 1)
        if ('error' in value) return value
        properties.push({
          key: String(keyNode.value),
          location: lines.locate(keyNode.offset),
          value: value.value
        })
      }
      return { value: { kind: 'object', location, properties } }
    }
    case 'array': {
      const items: LocatedValue[] = []
      for (const child of node.children ?? []) {
        const item = toLocated(child, lines, depth + 1)
        if ('error' in item) return item
        items.push(item.value)
      }
      return { value: { kind: 'array', location, items } }
    }
    case 'string':
      return { value: { kind: 'string', location, value: String(node.value) } }
    case 'number':
      return { value: { kind: 'number', location, value: Number(node.value) } }
    case 'boolean':
      return { value: { kind: 'boolean', location, value: node.value === true } }
    default:
      return { value: { kind: 'null', location } }
  }
}

/**
 * Offset of the first `[` or `{` opened more than {@link MAX_JSON_DEPTH} levels deep, found with
 * jsonc-parser's scanner (iterative, so any depth is fine; strings and comments are whole
 * tokens, so a bracket inside them does not count); 0 when there is none.
 */
function tooDeepOffset(text: string): number {
  const scanner = createScanner(text, true)
  let depth = 0
  // The end of the text is the only token of length 0.
  for (scanner.scan(); scanner.getTokenLength() > 0; scanner.scan()) {
    if (scanner.getTokenLength() !== 1) continue
    const ch = text[scanner.getTokenOffset()]
    if (ch === '[' || ch === '{') {
      depth++
      if (depth > MAX_JSON_DEPTH) return scanner.getTokenOffset()
    } else if (ch === ']' || ch === '}') {
      depth--
    }
  }
  return 0
}

/** The container the parser was inside when it hit the first error. */
interface OpenContainer {
  kind: 'object' | 'array'
  offset: number
}

/**
 * Turns jsonc-parser's first error code into a sentence a person can act on. Messages never
 * quote the document's text beyond one punctuation character (the text may hold secrets).
 */
function describeSyntaxError(text: string, error: ParseError, lines: LineIndex): ConfigError {
  const container = containerAt(text)
  const where = (c: OpenContainer): string => {
    const { line, column } = lines.locate(c.offset)
    return `line ${line}, column ${column}`
  }
  let message: string
  switch (printParseErrorCode(error.error)) {
    case 'InvalidSymbol':
      message = describeInvalidSymbol(text.slice(error.offset, error.offset + error.length))
      break
    case 'InvalidNumberFormat':
      message = 'Invalid number'
      break
    case 'PropertyNameExpected':
      message = 'Expected a property name in double quotes'
      break
    case 'ValueExpected':
      message = 'Expected a value'
      break
    case 'ColonExpected':
      message = "Expected ':' after the property name"
      break
    case 'CommaExpected':
      message =
        container?.kind === 'array'
          ? "Expected ',' or ']' after an array element"
          : "Expected ',' or '}' after a property"
      break
    case 'CloseBraceExpected':
      message =
        container?.kind === 'object'
          ? `Expected '}' to close the object opened at ${where(container)}`
          : "Expected '}'"
      break
    case 'CloseBracketExpected':
      message =
        container?.kind === 'array'
          ? `Expected ']' to close the array opened at ${where(container)}`
          : "Expected ']'"
      break
    case 'EndOfFileExpected':
      message = startsLikeFragment(text)
        ? "The file starts with a property name instead of '{': it looks like a fragment of a " +
          'larger JSON file. Wrap it in { … } or copy the whole object'
        : 'Unexpected content after the end of the top-level value'
      break
    case 'InvalidCommentToken':
      message = 'Invalid comment'
      break
    case 'UnexpectedEndOfComment':
      message = "Unterminated block comment (missing '*/')"
      break
    case 'UnexpectedEndOfString':
      message = "Unterminated string (missing closing '\"')"
      break
    case 'UnexpectedEndOfNumber':
      message = 'Incomplete number'
      break
    case 'InvalidUnicode':
      message = 'Invalid \\u escape in a string (expected four hex digits)'
      break
    case 'InvalidEscapeCharacter':
      message =
        'Invalid escape sequence in a string (write a literal backslash as \\\\, e.g. in Windows paths)'
      break
    case 'InvalidCharacter':
      message =
        'Invalid character in a string (tabs, line breaks and other control characters must be escaped)'
      break
    default:
      message = 'Invalid JSON'
  }
  return located(message, pointInString(text, error), lines)
}

/**
 * jsonc-parser reports escape and control-character errors at the start of the string; this
 * moves the offset to the offending character itself (the backslash or the raw character).
 */
function pointInString(text: string, error: ParseError): number {
  const name = printParseErrorCode(error.error)
  const escapes = name === 'InvalidEscapeCharacter' || name === 'InvalidUnicode'
  if (!escapes && name !== 'InvalidCharacter') return error.offset
  if (text[error.offset] !== '"') return error.offset
  for (let i = error.offset + 1; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (ch === 0x22) break
    if (ch === 0x5c) {
      const next = text[i + 1] ?? ''
      if (escapes && next === 'u' && !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return i
      if (escapes && !'"\\/bfnrtu'.includes(next)) return i
      i++
    } else if (ch < 0x20 && !escapes) {
      return i
    }
  }
  return error.offset
}

function describeInvalidSymbol(token: string): string {
  if (token.startsWith("'"))
    return 'Unexpected character "\'": JSON strings and keys use double quotes'
  if (token.length === 1 && !/[\p{L}\p{N}_$]/u.test(token)) {
    // Only visible punctuation is quoted: a control, format (bidi, zero-width), separator or
    // unpaired surrogate character is named by code point, so it can neither hide in the
    // message nor reorder or break it (U+202E, U+2028).
    if (/^[\p{P}\p{S}]$/u.test(token)) return `Unexpected character '${token}'`
    const code = token.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')
    return `Unexpected character U+${code}: remove it (it may be invisible in an editor)`
  }
  return 'Unexpected text: keys and strings must be in double quotes, and values must be JSON'
}

/**
 * The object/array the parser was in when it reported its first error, found by replaying the
 * parse with jsonc-parser's visitor. jsonc-parser closes a container before reporting its
 * missing `}`/`]`, so for those two errors this is the container that was just closed.
 */
function containerAt(text: string): OpenContainer | undefined {
  const stack: OpenContainer[] = []
  let justClosed: OpenContainer | undefined
  let found: OpenContainer | undefined
  let stopped = false
  const open = (kind: OpenContainer['kind']) => (at: number) => {
    if (stopped) return false
    stack.push({ kind, offset: at })
    justClosed = undefined
    return true
  }
  const close = (): void => {
    if (!stopped) justClosed = stack.pop()
  }
  try {
    visit(
      text,
      {
        onObjectBegin: open('object'),
        onObjectEnd: close,
        onArrayBegin: open('array'),
        onArrayEnd: close,
        onLiteralValue: () => {
          if (!stopped) justClosed = undefined
        },
        onError: (code) => {
          if (stopped) return
          stopped = true
          const name = printParseErrorCode(code)
          const closing = name === 'CloseBraceExpected' || name === 'CloseBracketExpected'
          found = closing ? justClosed : stack[stack.length - 1]
        }
      },
      { allowTrailingComma: true, allowEmptyContent: true }
    )
  } catch {
    return undefined
  }
  return found
}

/** True when the document opens with `"name":` (a copied fragment), comments aside. */
function startsLikeFragment(text: string): boolean {
  const withoutComments = text.replace(/^(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/, '')
  return /^"(?:[^"\\\r\n]|\\.)*"\s*:/.test(withoutComments)
}

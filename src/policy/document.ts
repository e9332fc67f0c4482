/**
 * A policy file's text as a value plus positions: JSON/JSONC through `jsonc-parser` (`parseTree`)
 * and YAML through `yaml` (`parseDocument` + `LineCounter`), so that a problem found in the value
 * (a zod issue path) can be pointed at in the file (1-based line and column).
 */
import {
  parseTree,
  printParseErrorCode,
  stripComments,
  type Node,
  type ParseError
} from 'jsonc-parser'
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml'
import { LineIndex } from '../config/lines.js'
import { setOwn } from '../config/record.js'
import type { Position, SyntaxProblem } from './errors.js'
import { jsonNestingProblem, yamlNestingProblem } from './nesting.js'

export type { Position, SyntaxProblem } from './errors.js'

/** A step in a path into the document: an object key or an array index. */
export type PathSegment = string | number

/** A parsed policy document. */
export interface PolicyDocument {
  /** The value (an empty document is `{}`); meaningless when `problems` is not empty. */
  value: unknown
  /** Syntax problems, in file order; empty when the text parsed. */
  problems: SyntaxProblem[]
  /**
   * Where the node at `path` is: its key (`part: 'key'`, for unknown or misnamed keys) or its
   * value. When the path does not exist (a missing key), the key of its deepest existing
   * ancestor (or that ancestor's value when it has no key, e.g. the top-level object).
   */
  locate(path: readonly PathSegment[], part: 'key' | 'value'): Position
}

/** jsonc-parser error codes as people read them. */
const JSON_ERRORS: Readonly<Record<string, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":" after the property name',
  CommaExpected: 'expected "," between entries',
  CloseBraceExpected: 'expected "}" to close the object',
  CloseBracketExpected: 'expected "]" to close the array',
  EndOfFileExpected: 'expected the end of the file (a policy file holds one object)',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string'
}

/**
 * Parse JSON with comments and trailing commas (`.json`, `.jsonc`). A text holding only
 * whitespace and comments is an empty policy (`{}`). Duplicate keys are problems (which one
 * would win is not obvious to people).
 */
export function parseJsonDocument(text: string): PolicyDocument {
  const lines = new LineIndex(text)
  if (stripComments(text).trim() === '') {
    return { value: {}, problems: [], locate: () => ({ line: 1, column: 1 }) }
  }
  const tooDeep = jsonNestingProblem(text, lines)
  if (tooDeep !== null) return { value: undefined, problems: [tooDeep], locate: () => tooDeep }
  const errors: ParseError[] = []
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false })
  const problems: SyntaxProblem[] = []
  const seenOffsets = new Set<number>()
  for (const e of errors) {
    // The parser may report several errors at one offset while it recovers; the first says most.
    if (seenOffsets.has(e.offset)) continue
    seenOffsets.add(e.offset)
    const code = printParseErrorCode(e.error)
    problems.push({
      ...lines.locate(e.offset),
      message: `JSON syntax error: ${JSON_ERRORS[code] ?? code}. Fix the syntax at this position`
    })
  }
  const value = root === undefined ? undefined : jsonValue(root, lines, problems)
  problems.sort((a, b) => a.line - b.line || a.column - b.column)
  return {
    value,
    problems,
    locate: (path, part) => locateJson(root, path, part, lines)
  }
}

/** The value of a jsonc-parser node; records duplicate keys in `problems`. */
function jsonValue(node: Node, lines: LineIndex, problems: SyntaxProblem[]): unknown {
  switch (node.type) {
    case 'object': {
      const result: Record<string, unknown> = {}
      const firstSeen = new Map<string, Node>()
      for (const property of node.children ?? []) {
        const [keyNode, valueNode] = property.children ?? []
        if (keyNode === undefined || typeof keyNode.value !== 'string') continue
        const key = keyNode.value
        const previous = firstSeen.get(key)
        if (previous !== undefined) {
          const first = lines.locate(previous.offset)
          problems.push({
            ...lines.locate(keyNode.offset),
            message: `duplicate key ${JSON.stringify(key)} (first at line ${first.line}). Keep one of them`
          })
        } else {
          firstSeen.set(key, keyNode)
        }
        setOwn(
          result,
          key,
          valueNode === undefined ? undefined : jsonValue(valueNode, lines, problems)
        )
      }
      return result
    }
    case 'array':
      return (node.children ?? []).map((child) => jsonValue(child, lines, problems))
    default:
      return node.value as unknown
  }
}

function locateJson(
  root: Node | undefined,
  path: readonly PathSegment[],
  part: 'key' | 'value',
  lines: LineIndex
): Position {
  if (root === undefined) return { line: 1, column: 1 }
  let node: Node = root
  let keyNode: Node | undefined
  for (const segment of path) {
    let next: Node | undefined
    let nextKey: Node | undefined
    if (node.type === 'object' && typeof segment === 'string') {
      // The last occurrence is the one whose value counts (as in JSON.parse).
      for (const property of node.children ?? []) {
        const [k, v] = property.children ?? []
        if (k?.value === segment) {
          nextKey = k
          next = v
        }
      }
    } else if (node.type === 'array' && typeof segment === 'number') {
      next = node.children?.[segment]
    }
    if (next === undefined) {
      // Missing: point at the key that holds the nearest existing node when there is one.
      return lines.locate((keyNode ?? node).offset)
    }
    node = next
    keyNode = nextKey
  }
  return lines.locate(part === 'key' && keyNode !== undefined ? keyNode.offset : node.offset)
}

/**
 * Parse YAML (`.yml`, `.yaml`), one document. An empty document (or only comments) is an empty
 * policy (`{}`). Duplicate keys and more than one document are problems (the `yaml` defaults).
 */
export function parseYamlDocument(text: string): PolicyDocument {
  const tooDeep = yamlNestingProblem(text, new LineIndex(text))
  if (tooDeep !== null) return { value: undefined, problems: [tooDeep], locate: () => tooDeep }
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false })
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset)
    return { line, column: col }
  }
  const problems: SyntaxProblem[] = doc.errors.map((e) => ({
    ...position(e.pos[0]),
    message: `YAML syntax error: ${firstLine(e.message)}. Fix the syntax at this position`
  }))
  if (problems.length > 0)
    return { value: undefined, problems, locate: () => ({ line: 1, column: 1 }) }
  let value: unknown
  try {
    value = doc.contents === null ? {} : (doc.toJS({ maxAliasCount: 100 }) as unknown)
  } catch (error) {
    // e.g. too many aliases (a "billion laughs" document)
    const message = error instanceof Error ? error.message : String(error)
    return {
      value: undefined,
      problems: [{ line: 1, column: 1, message: `YAML error: ${firstLine(message)}` }],
      locate: () => ({ line: 1, column: 1 })
    }
  }
  return {
    value: value ?? {},
    problems,
    locate: (path, part) => locateYaml(doc, path, part, position)
  }
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/[.:]\s*$/, '')
}

function locateYaml(
  doc: Document,
  path: readonly PathSegment[],
  part: 'key' | 'value',
  position: (offset: number) => Position
): Position {
  const start = (n: unknown): number | undefined =>
    typeof n === 'object' && n !== null && 'range' in n && Array.isArray(n.range)
      ? (n.range[0] as number)
      : undefined
  let node: unknown = doc.contents
  let keyNode: unknown
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc)
    let next: unknown
    let nextKey: unknown
    if (isMap(node)) {
      for (const pair of node.items) {
        const key: unknown = pair.key
        const keyValue: unknown = isScalar(key) ? key.value : key
        if (String(keyValue) === String(segment)) {
          nextKey = key
          next = pair.value ?? key
        }
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment]
    }
    if (next === undefined) {
      const offset = start(keyNode) ?? start(node)
      return offset === undefined ? { line: 1, column: 1 } : position(offset)
    }
    node = next
    keyNode = nextKey
  }
  const offset = (part === 'key' ? start(keyNode) : undefined) ?? start(node) ?? start(keyNode)
  return offset === undefined ? { line: 1, column: 1 } : position(offset)
}

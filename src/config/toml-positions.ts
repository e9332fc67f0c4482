import type { LineIndex } from './lines.js'
import type { SourceLocation } from './types.js'

/**
 * The positions of a TOML document's keys and array elements as a tree of paths: the root is
 * the document, each child is reached by a key or by an array index
 * (`["mcp_servers","github","args","1"]`). Looking a path up costs one step per segment, and
 * the tree holds each path once, so reading positions stays linear in the document's size
 * whatever its depth.
 */
export interface TomlPathNode {
  /** Where this path is first written; undefined for the root and for paths not found. */
  location: SourceLocation | undefined
  /** Child paths by key; undefined while there are none. */
  keys: Map<string, TomlPathNode> | undefined
  /** Child paths by array index (arrays and arrays of tables); undefined while there are none. */
  items: TomlPathNode[] | undefined
  /** Number of segments in the path (the root: 0). */
  depth: number
}

/** What {@link scanTomlPaths} found. */
export interface TomlPathScan {
  /** The positions, as a tree of paths. */
  root: TomlPathNode
  /**
   * Where the first key or array element whose path has more than `maxDepth` segments is written
   * (`[a.b.c]` is 3 deep, its `x = [1]` element 5); the scan stopped there. Undefined when the
   * scan found none.
   */
  tooDeepAt: SourceLocation | undefined
}

/**
 * Where each key and array element of a TOML document is written, as a {@link TomlPathNode}
 * tree (the form `parseToml` reads).
 *
 * smol-toml gives values but no positions, so this scanner walks the text for them. It follows
 * the TOML 1.0 grammar for what matters to positions — table headers (`[a."b c"]`, `[[a]]`),
 * dotted keys, basic/literal/multi-line strings, arrays and inline tables, comments — and skips
 * other scalars. It is meant for text smol-toml accepts; on anything it does not understand it
 * stops and returns the positions found so far (callers fall back to the enclosing table's
 * position). Time is linear in the text, whatever its depth. Never throws.
 *
 * A table's position is that of its last key segment in the first header or dotted key that
 * names it; a key's position is the key's first character; an array element's position is the
 * element's first character.
 *
 * @param maxDepth the scan stops at the first path longer than this (see
 *   {@link TomlPathScan.tooDeepAt}); default: no limit.
 */
export function scanTomlPaths(
  text: string,
  lines: LineIndex,
  maxDepth = Number.POSITIVE_INFINITY
): TomlPathScan {
  const scanner = new TomlPositionScanner(text, lines, maxDepth)
  try {
    scanner.document()
  } catch {
    // Positions found before the confusion (or the too-deep path) are still right; the rest
    // fall back to parents.
  }
  return { root: scanner.root, tooDeepAt: scanner.tooDeepAt }
}

class ScanStop extends Error {}

function newNode(depth: number): TomlPathNode {
  return { location: undefined, keys: undefined, items: undefined, depth }
}

const BARE_KEY = /[A-Za-z0-9_-]/

class TomlPositionScanner {
  readonly root = newNode(0)
  /** Where the first path longer than `maxDepth` is written, once the scan reached one. */
  tooDeepAt: SourceLocation | undefined
  private i = 0
  private table: TomlPathNode = this.root
  private readonly arrayTableCounts = new Map<TomlPathNode, number>()

  constructor(
    private readonly text: string,
    private readonly lines: LineIndex,
    /** Paths longer than this stop the scan (see `TomlPathScan.tooDeepAt`). */
    private readonly maxDepth = Number.POSITIVE_INFINITY
  ) {}

  document(): void {
    while (this.i < this.text.length) {
      this.skipBlankAndComments()
      if (this.i >= this.text.length) break
      if (this.peek() === '[') this.header()
      else this.keyValue(this.table)
    }
  }

  private header(): void {
    const isArrayTable = this.text.startsWith('[[', this.i)
    this.i += isArrayTable ? 2 : 1
    const keys = this.dottedKey()
    this.skipInlineSpace()
    this.expect(isArrayTable ? ']]' : ']')
    const table = this.recordPrefixes(this.root, keys)
    if (isArrayTable) {
      const index = this.arrayTableCounts.get(table) ?? 0
      this.arrayTableCounts.set(table, index + 1)
      const last = keys[keys.length - 1]
      const element = this.item(table, index)
      if (last !== undefined) this.record(element, last.location)
      this.table = element
    } else {
      this.table = table
    }
  }

  private keyValue(base: TomlPathNode): void {
    const keys = this.dottedKey()
    const node = this.recordPrefixes(base, keys)
    this.skipInlineSpace()
    this.expect('=')
    this.skipInlineSpace()
    this.value(node)
  }

  /** Records each prefix of `base` + `keys`; returns the node of the whole path. */
  private recordPrefixes(
    base: TomlPathNode,
    keys: Array<{ key: string; location: SourceLocation }>
  ): TomlPathNode {
    let node = base
    for (const { key, location } of keys) {
      node = this.child(node, key)
      this.record(node, location)
    }
    return node
  }

  private child(node: TomlPathNode, key: string): TomlPathNode {
    node.keys ??= new Map()
    let child = node.keys.get(key)
    if (child === undefined) {
      child = newNode(node.depth + 1)
      node.keys.set(key, child)
    }
    return child
  }

  private item(node: TomlPathNode, index: number): TomlPathNode {
    node.items ??= []
    let item = node.items[index]
    if (item === undefined) {
      item = newNode(node.depth + 1)
      node.items[index] = item
    }
    return item
  }

  private record(node: TomlPathNode, location: SourceLocation): void {
    if (node.depth > this.maxDepth) {
      this.tooDeepAt = location
      throw new ScanStop()
    }
    node.location ??= location
  }

  private value(node: TomlPathNode): void {
    const ch = this.peek()
    if (ch === '"' || ch === "'") {
      this.string()
    } else if (ch === '[') {
      this.array(node)
    } else if (ch === '{') {
      this.inlineTable(node)
    } else {
      // number, boolean, date/time: runs up to a separator
      const start = this.i
      while (this.i < this.text.length && !/[,\]}#\r\n]/.test(this.peek())) this.i++
      if (this.i === start) throw new ScanStop()
    }
  }

  private array(node: TomlPathNode): void {
    this.expect('[')
    let index = 0
    for (;;) {
      this.skipBlankAndComments()
      if (this.peek() === ']') {
        this.i++
        return
      }
      const element = this.item(node, index)
      this.record(element, this.here())
      this.value(element)
      index++
      this.skipBlankAndComments()
      if (this.peek() === ',') this.i++
      else if (this.peek() !== ']') throw new ScanStop()
    }
  }

  private inlineTable(node: TomlPathNode): void {
    this.expect('{')
    for (;;) {
      this.skipBlankAndComments()
      if (this.peek() === '}') {
        this.i++
        return
      }
      this.keyValue(node)
      this.skipBlankAndComments()
      if (this.peek() === ',') this.i++
      else if (this.peek() !== '}') throw new ScanStop()
    }
  }

  private dottedKey(): Array<{ key: string; location: SourceLocation }> {
    const keys: Array<{ key: string; location: SourceLocation }> = []
    for (;;) {
      this.skipInlineSpace()
      const location = this.here()
      const ch = this.peek()
      let key: string
      if (ch === '"' || ch === "'") {
        key = this.string()
      } else {
        const start = this.i
        while (this.i < this.text.length && BARE_KEY.test(this.peek())) this.i++
        if (this.i === start) throw new ScanStop()
        key = this.text.slice(start, this.i)
      }
      keys.push({ key, location })
      if (keys.length > this.maxDepth) {
        // Deeper than allowed whatever the table it is in: stop before reading the rest.
        this.tooDeepAt = location
        throw new ScanStop()
      }
      this.skipInlineSpace()
      if (this.peek() !== '.') return keys
      this.i++
    }
  }

  /** Reads any TOML string form and returns its (approximately) decoded content. */
  private string(): string {
    const quote = this.peek()
    const triple = quote.repeat(3)
    if (this.text.startsWith(triple, this.i)) {
      const end = this.text.indexOf(triple, this.i + 3)
      if (end < 0) throw new ScanStop()
      let close = end + 3
      // up to two extra quotes may end a multi-line string ("""a"""" is `a"`)
      while (close < this.text.length && this.text[close] === quote && close - end < 5) close++
      const content = this.text.slice(this.i + 3, close - 3)
      this.i = close
      return content
    }
    this.i++
    let content = ''
    while (this.i < this.text.length) {
      const c = this.peek()
      if (c === quote) {
        this.i++
        return content
      }
      if (c === '\n' || c === '\r') throw new ScanStop()
      if (c === '\\' && quote === '"') {
        content += this.escape()
        continue
      }
      content += c
      this.i++
    }
    throw new ScanStop()
  }

  private escape(): string {
    const next = this.text[this.i + 1] ?? ''
    const simple: Record<string, string> = {
      b: '\b',
      t: '\t',
      n: '\n',
      f: '\f',
      r: '\r',
      e: '\x1b',
      '"': '"',
      '\\': '\\'
    }
    const mapped = Object.hasOwn(simple, next) ? simple[next] : undefined
    if (mapped !== undefined) {
      this.i += 2
      return mapped
    }
    const width = next === 'u' ? 4 : next === 'U' ? 8 : next === 'x' ? 2 : 0
    if (width === 0) throw new ScanStop()
    const hex = this.text.slice(this.i + 2, this.i + 2 + width)
    this.i += 2 + width
    const code = Number.parseInt(hex, 16)
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : ''
  }

  private skipInlineSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.i++
  }

  private skipBlankAndComments(): void {
    for (;;) {
      const c = this.peek()
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        this.i++
      } else if (c === '#') {
        while (this.i < this.text.length && this.peek() !== '\n' && this.peek() !== '\r') this.i++
      } else {
        return
      }
    }
  }

  private expect(token: string): void {
    if (!this.text.startsWith(token, this.i)) throw new ScanStop()
    this.i += token.length
  }

  private peek(): string {
    return this.text[this.i] ?? ''
  }

  private here(): SourceLocation {
    return this.lines.locate(this.i)
  }
}

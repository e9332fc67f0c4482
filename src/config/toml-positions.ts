import type { LineIndex } from './lines.js'
import type { SourceLocation } from './types.js'

/**
 * Where each key and array element of a TOML document is written, keyed by {@link pathKey} of its
 * path (`["mcp_servers","github","args","1"]`).
 *
 * smol-toml gives values but no positions, so this scanner walks the text once more for them. It
 * follows the TOML 1.0 grammar for what matters to positions — table headers (`[a."b c"]`,
 * `[[a]]`), dotted keys, basic/literal/multi-line strings, arrays and inline tables, comments —
 * and skips other scalars. It runs only on text smol-toml already accepted; on anything it does
 * not understand it stops and returns the positions found so far (callers fall back to the
 * enclosing table's position). Never throws.
 *
 * A table's position is that of its last key segment in the first header or dotted key that
 * names it; a key's position is the key's first character; an array element's position is the
 * element's first character.
 */
export function locateTomlPaths(text: string, lines: LineIndex): Map<string, SourceLocation> {
  const scanner = new TomlPositionScanner(text, lines)
  try {
    scanner.document()
  } catch {
    // Positions found before the confusion are still right; the rest fall back to parents.
  }
  return scanner.positions
}

/** The map key for a path of table keys and array indexes. */
export function pathKey(path: readonly string[]): string {
  return JSON.stringify(path)
}

class ScanStop extends Error {}

const BARE_KEY = /[A-Za-z0-9_-]/

class TomlPositionScanner {
  readonly positions = new Map<string, SourceLocation>()
  private i = 0
  private table: string[] = []
  private readonly arrayTableCounts = new Map<string, number>()

  constructor(
    private readonly text: string,
    private readonly lines: LineIndex
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
    const path = keys.map((k) => k.key)
    this.recordPrefixes([], keys)
    if (isArrayTable) {
      const id = pathKey(path)
      const index = this.arrayTableCounts.get(id) ?? 0
      this.arrayTableCounts.set(id, index + 1)
      const last = keys[keys.length - 1]
      const element = [...path, String(index)]
      if (last !== undefined) this.record(element, last.location)
      this.table = element
    } else {
      this.table = path
    }
  }

  private keyValue(base: string[]): void {
    const keys = this.dottedKey()
    this.recordPrefixes(base, keys)
    this.skipInlineSpace()
    this.expect('=')
    this.skipInlineSpace()
    this.value([...base, ...keys.map((k) => k.key)])
  }

  private recordPrefixes(base: string[], keys: Array<{ key: string; location: SourceLocation }>) {
    const path = [...base]
    for (const { key, location } of keys) {
      path.push(key)
      this.record(path, location)
    }
  }

  private record(path: string[], location: SourceLocation): void {
    const id = pathKey(path)
    if (!this.positions.has(id)) this.positions.set(id, location)
  }

  private value(path: string[]): void {
    const ch = this.peek()
    if (ch === '"' || ch === "'") {
      this.string()
    } else if (ch === '[') {
      this.array(path)
    } else if (ch === '{') {
      this.inlineTable(path)
    } else {
      // number, boolean, date/time: runs up to a separator
      const start = this.i
      while (this.i < this.text.length && !/[,\]}#\r\n]/.test(this.peek())) this.i++
      if (this.i === start) throw new ScanStop()
    }
  }

  private array(path: string[]): void {
    this.expect('[')
    let index = 0
    for (;;) {
      this.skipBlankAndComments()
      if (this.peek() === ']') {
        this.i++
        return
      }
      const elementPath = [...path, String(index)]
      this.record(elementPath, this.here())
      this.value(elementPath)
      index++
      this.skipBlankAndComments()
      if (this.peek() === ',') this.i++
      else if (this.peek() !== ']') throw new ScanStop()
    }
  }

  private inlineTable(path: string[]): void {
    this.expect('{')
    for (;;) {
      this.skipBlankAndComments()
      if (this.peek() === '}') {
        this.i++
        return
      }
      this.keyValue(path)
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

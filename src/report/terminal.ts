/**
 * Plain-text column layout for the CLI (SPEC §8 `--format table`): terminal-safe cells, aligned
 * columns, optional ANSI colour (SGR codes, ECMA-48).
 *
 * Untrusted strings are made safe first: escape sequences, other controls and bidi overrides
 * could rewrite the user's terminal or disguise a name, so they become U+FFFD.
 */
import { clip, toOneLine } from './markdown.js'

/** ANSI colours we use (SGR foreground codes). */
export type Colour = 'red' | 'yellow' | 'green' | 'dim' | 'bold'

const SGR: Record<Colour, string> = {
  red: '31',
  yellow: '33',
  green: '32',
  dim: '2',
  bold: '1'
}

/** One cell: its text (untrusted is fine; it is made terminal-safe) and an optional colour. */
export interface Cell {
  text: string
  colour?: Colour
}

/** A column: header, alignment, and whether it may be shortened with `…` to fit a width. */
export interface Column {
  header: string
  /** `right` pads cells (and the header) on the left, for figures; default left-aligned. */
  align?: 'right'
  /** Columns that may shrink (long names, packages); others keep their width. */
  shrink?: boolean
  /** Narrowest width a shrinking column keeps (characters); default 8. */
  minWidth?: number
}

/** A string made safe to print: one line, controls and bidi overrides replaced by U+FFFD. */
export function terminalSafe(text: string): string {
  return toOneLine(text)
}

/** Wrap `text` in the SGR codes of `colour` when `enabled`. */
export function paint(text: string, colour: Colour | undefined, enabled: boolean): string {
  if (!enabled || colour === undefined) return text
  return `\u001b[${SGR[colour]}m${text}\u001b[0m`
}

/** Display width in code points (East Asian wide characters count as one; good enough here). */
function width(text: string): number {
  return Array.from(text).length
}

function clipTo(text: string, max: number): string {
  const chars = Array.from(text)
  if (chars.length <= max) return text
  return `${chars.slice(0, Math.max(1, max - 1)).join('')}…`
}

/**
 * Lay out `rows` under `columns`: columns separated by two spaces, left-aligned unless a column
 * says `align: 'right'`, trailing spaces trimmed. When `maxWidth` is given and the table is wider, shrinking columns are cut
 * (widest first, down to their `minWidth`) and their cells end with `…`.
 * @returns the lines, header first, then a rule of `─`, then the rows.
 */
export function layoutColumns(
  columns: readonly Column[],
  rows: readonly (readonly Cell[])[],
  options: { colour?: boolean; maxWidth?: number } = {}
): string[] {
  const colour = options.colour === true
  const safe = rows.map((r) => r.map((c) => ({ ...c, text: terminalSafe(c.text) })))
  const widths = columns.map((col, i) =>
    Math.max(width(col.header), ...safe.map((r) => width(r[i]?.text ?? '')))
  )
  const gap = 2
  if (options.maxWidth !== undefined) {
    let total = widths.reduce((a, b) => a + b, 0) + gap * (columns.length - 1)
    while (total > options.maxWidth) {
      let widest = -1
      for (let i = 0; i < columns.length; i++) {
        const col = columns[i]!
        if (!col.shrink || widths[i]! <= (col.minWidth ?? 8)) continue
        if (widest === -1 || widths[i]! > widths[widest]!) widest = i
      }
      if (widest === -1) break
      widths[widest]! -= 1
      total -= 1
    }
  }
  const line = (cells: readonly Cell[]): string =>
    columns
      .map((_, i) => {
        const cell = cells[i] ?? { text: '' }
        const text = clipTo(cell.text, widths[i]!)
        const padding = ' '.repeat(Math.max(0, widths[i]! - width(text)))
        const padded = columns[i]!.align === 'right' ? padding + text : text + padding
        return paint(padded, cell.colour, colour)
      })
      .join(' '.repeat(gap))
      .trimEnd()
  const header = line(columns.map((c) => ({ text: c.header, colour: 'bold' as const })))
  const rule = '─'.repeat(
    Math.min(
      widths.reduce((a, b) => a + b, 0) + gap * (columns.length - 1),
      options.maxWidth ?? Infinity
    )
  )
  return [header, rule, ...safe.map(line)]
}

/** Shorten untrusted text for a terminal line: terminal-safe and at most `max` characters. */
export function terminalText(text: string, max: number): string {
  return clip(terminalSafe(text), max)
}

import type { SourceLocation } from './types.js'

/**
 * Maps character offsets in a config text to 1-based line/column positions (SPEC §8: lines and
 * columns are 1-based).
 *
 * Line breaks are `\n`, `\r\n` and a lone `\r`, the same set jsonc-parser's scanner counts, so
 * positions agree with its error offsets. Columns count UTF-16 code units from the start of the
 * line, as editors and GitHub annotations do.
 */
export class LineIndex {
  /** Offset of the first character of each line; `lineStarts[0]` is always 0. */
  private readonly lineStarts: number[]

  /** @param text the exact text the offsets refer to (after any BOM was removed). */
  constructor(private readonly text: string) {
    const starts = [0]
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i)
      if (ch === 0x0d) {
        if (text.charCodeAt(i + 1) === 0x0a) i++
        starts.push(i + 1)
      } else if (ch === 0x0a) {
        starts.push(i + 1)
      }
    }
    this.lineStarts = starts
  }

  /** Number of lines in the text (an empty text has one, empty, line). */
  get lineCount(): number {
    return this.lineStarts.length
  }

  /**
   * The 1-based position of a 0-based character offset. Offsets outside the text are clamped to
   * its start or end, so a parser's "unexpected end of input" offset still maps to a real place.
   */
  locate(offset: number): SourceLocation {
    const clamped = Math.max(0, Math.min(offset, this.text.length))
    let low = 0
    let high = this.lineStarts.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if ((this.lineStarts[mid] ?? 0) <= clamped) low = mid
      else high = mid - 1
    }
    return { line: low + 1, column: clamped - (this.lineStarts[low] ?? 0) + 1 }
  }
}

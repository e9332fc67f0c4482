/**
 * Offsets in a text → 1-based line and column (SPEC §8: lines and columns are 1-based).
 */

/** A 1-based position. */
export interface Position {
  line: number
  column: number
}

/** A problem found while parsing (syntax error, duplicate key), with where it is. */
export interface SyntaxProblem extends Position {
  message: string
}

/** Offsets → 1-based line/column, from the positions of line starts. */
export class LineIndex {
  private readonly starts: number[] = [0]

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1)
  }

  /** The 1-based line and column (UTF-16 code units) of a 0-based `offset`. */
  position(offset: number): Position {
    let low = 0
    let high = this.starts.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if ((this.starts[mid] ?? 0) <= offset) low = mid
      else high = mid - 1
    }
    return { line: low + 1, column: offset - (this.starts[low] ?? 0) + 1 }
  }
}

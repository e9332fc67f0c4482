/**
 * Fitting rendered text under GitHub's size limits (SPEC §8): the job summary is capped at
 * 1 MiB of UTF-8 per step and a comment body at 65,536 characters (GitHub REST API docs,
 * "Adding a job summary" and "Create an issue comment").
 */

/** How a limit counts text. */
export type Measure = (text: string) => number

/** UTF-8 bytes: the unit of the 1 MiB job-summary limit. */
export const utf8Bytes: Measure = (text) => Buffer.byteLength(text, 'utf8')

/**
 * UTF-16 code units (`string.length`): at least the number of characters, so a body within this
 * measure is within GitHub's 65,536-character comment limit.
 */
export const utf16Units: Measure = (text) => text.length

/** A running size budget: items are taken in order while each fits. */
export class SizeBudget {
  #left: number

  /**
   * @param limit units available (as counted by `measure`).
   * @param measure how text is counted.
   */
  constructor(
    limit: number,
    readonly measure: Measure
  ) {
    this.#left = limit
  }

  /** Units left (may be negative after `reserve`). */
  get left(): number {
    return this.#left
  }

  /** Spend `text` plus a line break unconditionally (headings, notes that must be there). */
  reserve(text: string): void {
    this.#left -= this.measure(text) + 1
  }

  /** Spend `text` plus a line break when it fits; return whether it did. */
  take(text: string): boolean {
    const size = this.measure(text) + 1
    if (size > this.#left) return false
    this.#left -= size
    return true
  }

  /** Take leading items while they fit (stops at the first that does not); returns those taken. */
  takeWhile(items: readonly string[]): string[] {
    const taken: string[] = []
    for (const item of items) {
      if (!this.take(item)) break
      taken.push(item)
    }
    return taken
  }
}

/**
 * Tool names and descriptions as text to inspect: which characters are invisible (Unicode
 * format characters and their kin, used to hide instructions from the person approving a tool),
 * how to show them safely (`\u{…}` escapes, never raw), and a normalised copy of a text for
 * matching (invisible characters dropped, NFKC compatibility forms folded, whitespace collapsed)
 * that maps every match back to the original text for evidence.
 */

/**
 * True for a code point that renders as nothing (or reorders text) in a tool list:
 * - general category Cf (Unicode 15): soft hyphen, zero-width space/joiners, LRM/RLM, bidi
 *   embeddings and overrides U+202A–202E, isolates U+2066–2069, word joiner and invisible
 *   operators U+2060–2064, BOM U+FEFF, tag characters U+E0001 and U+E0020–E007F, …;
 * - the rest of the tag block U+E0000–E007F and variation selectors supplement U+E0100–E01EF
 *   (both carry hidden payloads: "ASCII smuggling");
 * - Hangul fillers U+115F, U+1160, U+3164, U+FFA0 (letters that draw nothing);
 * - variation selectors U+FE00–FE0F, except one right after a visible character (emoji
 *   presentation, `✔️`), and a zero-width joiner between two pictographs (emoji sequences).
 * `previous` and `next` are the neighbouring code points (for the emoji exceptions).
 */
export function isInvisibleCodePoint(cp: number, previous?: number, next?: number): boolean {
  if (cp === 0x200d) return !(isPictographic(previous) && isPictographic(next))
  if (cp >= 0xfe00 && cp <= 0xfe0f) {
    return previous === undefined || isInvisibleCodePoint(previous) || /\s/u.test(char(previous))
  }
  if (cp >= 0xe0000 && cp <= 0xe007f) return true
  if (cp >= 0xe0100 && cp <= 0xe01ef) return true
  if (cp === 0x115f || cp === 0x1160 || cp === 0x3164 || cp === 0xffa0) return true
  return /\p{Cf}/u.test(char(cp))
}

function isPictographic(cp: number | undefined): boolean {
  return cp !== undefined && /\p{Extended_Pictographic}/u.test(char(cp))
}

function char(cp: number): string {
  return String.fromCodePoint(cp)
}

/** One invisible character found in a text. */
export interface InvisibleCharacter {
  /** UTF-16 index in the text. */
  index: number
  codePoint: number
}

/** The invisible characters of `text` (see `isInvisibleCodePoint`), in order. */
export function invisibleCharacters(text: string): InvisibleCharacter[] {
  const found: InvisibleCharacter[] = []
  const points = codePoints(text)
  for (const [i, { cp, index }] of points.entries()) {
    if (isInvisibleCodePoint(cp, points[i - 1]?.cp, points[i + 1]?.cp)) {
      found.push({ index, codePoint: cp })
    }
  }
  return found
}

/** `\u{200B}`-style escape of one code point (upper-case hex, at least 4 digits). */
export function escapeCodePoint(cp: number): string {
  return `\\u{${cp.toString(16).toUpperCase().padStart(4, '0')}}`
}

/**
 * `text` safe to show as evidence: invisible characters (`isInvisibleCodePoint`), control
 * characters other than whitespace, lone surrogates and private-use characters as `\u{…}`
 * escapes; runs of whitespace as one space.
 */
export function escapeInvisible(text: string): string {
  const points = codePoints(text)
  let out = ''
  for (const [i, { cp }] of points.entries()) {
    const c = char(cp)
    if (isInvisibleCodePoint(cp, points[i - 1]?.cp, points[i + 1]?.cp)) out += escapeCodePoint(cp)
    else if (/\s/u.test(c)) out += ' '
    else if (/[\p{Cc}\p{Cs}\p{Co}\p{Cn}]/u.test(c)) out += escapeCodePoint(cp)
    else out += c
  }
  return out.replace(/ {2,}/g, ' ')
}

/** A normalised copy of a text with the map back to the original. */
export interface NormalisedText {
  /** Invisible characters dropped, each character NFKC-folded, whitespace runs as one space. */
  text: string
  /** For each UTF-16 index of `text`, the UTF-16 index in the original of where it came from. */
  origin: number[]
}

/** The normalised copy of `original` (see `NormalisedText`). */
export function normaliseText(original: string): NormalisedText {
  const points = codePoints(original)
  let text = ''
  const origin: number[] = []
  for (const [i, { cp, index }] of points.entries()) {
    if (isInvisibleCodePoint(cp, points[i - 1]?.cp, points[i + 1]?.cp)) continue
    let folded = char(cp).normalize('NFKC')
    if (/^\s+$/u.test(folded)) {
      if (text.endsWith(' ')) continue
      folded = ' '
    }
    for (let k = 0; k < folded.length; k += 1) origin.push(index)
    text += folded
  }
  return { text, origin }
}

/**
 * The part of `original` that a match at `[start, end)` of its normalised copy covers, with up
 * to `context` characters either side, escaped (`escapeInvisible`), `…` marking a cut.
 */
export function excerpt(
  original: string,
  normalised: NormalisedText,
  start: number,
  end: number,
  context = 40
): string {
  const from = normalised.origin[start] ?? 0
  const lastOrigin = normalised.origin[Math.max(start, end - 1)] ?? from
  const to =
    lastOrigin +
    (original.codePointAt(lastOrigin) !== undefined ? charLength(original, lastOrigin) : 0)
  return excerptOf(original, from, to, context)
}

/** `original[from, to)` with `context` characters either side, escaped, `…` marking a cut. */
export function excerptOf(original: string, from: number, to: number, context = 40): string {
  const start = safeIndex(original, Math.max(0, from - context))
  const stop = safeIndex(original, Math.min(original.length, to + context))
  const body = escapeInvisible(original.slice(start, stop)).trim()
  return `${start > 0 ? '…' : ''}${body}${stop < original.length ? '…' : ''}`
}

/** `index` moved off the second half of a surrogate pair. */
function safeIndex(text: string, index: number): number {
  const code = text.charCodeAt(index)
  return code >= 0xdc00 && code <= 0xdfff && index > 0 ? index - 1 : index
}

function charLength(text: string, index: number): number {
  const cp = text.codePointAt(index) ?? 0
  return cp > 0xffff ? 2 : 1
}

function codePoints(text: string): Array<{ cp: number; index: number }> {
  const points: Array<{ cp: number; index: number }> = []
  for (let index = 0; index < text.length;) {
    const cp = text.codePointAt(index) ?? 0
    points.push({ cp, index })
    index += cp > 0xffff ? 2 : 1
  }
  return points
}

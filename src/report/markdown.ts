/**
 * Escaping of untrusted strings for GitHub-flavoured Markdown (GFM) and the HTML it allows
 * (SPEC §9 "Names and descriptions are escaped in Markdown/HTML").
 *
 * Everything a PR author or a package author controls — server names, package names, URLs,
 * messages, finding titles, snippets, file paths — goes through one of these helpers before it
 * reaches a job summary or a PR comment. The threats handled:
 * - table breaking (`|`), emphasis/links/images/strikethrough (`*`, `_`, `[`, `]`, `~`),
 *   GitHub math (`$`), code spans (backticks), line structure (newlines, leading `=`/`-`/`+`/`#`/`>`);
 * - raw HTML (`<script>`, `<img onerror>`, `<details>`) and HTML comments, so nobody can forge the
 *   sticky-comment marker (`<!-- mcp-grade-gate:… -->`);
 * - pings and cross-references: `@user`/`@org/team` mentions and `#123`/`GH-123` issue references,
 *   broken with a zero-width space (U+200B, written as `&#8203;`, the Renovate convention);
 * - invisible and direction-changing characters (C0/C1 controls, bidi overrides, "Trojan Source")
 *   replaced by U+FFFD so what reviewers see is what the file says.
 *
 * Escaping uses numeric character references: CommonMark treats them as literal text, never as
 * markup (CommonMark 0.31 §2.5), and GFM splits table rows on raw `|` only.
 */

/** Zero-width space as a character reference: breaks `@mention` and `#123` auto-linking. */
const ZWSP = '&#8203;'

/**
 * C0/C1 controls and DEL (`\p{Cc}`; line breaks are handled first) and the bidi controls of
 * Unicode TR9 (marks, embeddings, overrides, isolates).
 */
const INVISIBLE = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu
const LINE_BREAKS = /[\t\r\n\u2028\u2029]+/g

const ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '\\': '&#92;',
  '~': '&#126;',
  $: '&#36;'
}
/**
 * One pass, so entities we insert are never re-escaped: a mention (`@` not preceded by an ASCII
 * letter, digit or `_`, so `pkg@1.2.3` and e-mail addresses stay intact), an issue reference `#1`
 * or `GH-1` (each kept and followed by a zero-width space), or a special character (group 1).
 * The test before `@` is ASCII on purpose: GitHub's mention filter (html-pipeline
 * `MentionFilter`, `(?:^|\W)@name` in Ruby, where `\W` is `[^a-zA-Z0-9_]`) links the `@octocat`
 * in `café@octocat`, since `é` is not an ASCII word character.
 */
const UNSAFE =
  /(?<![A-Za-z0-9_])@(?=[\p{L}\p{N}])|#(?=\p{N})|\bGH-(?=\p{N})|([&<>"'|`*_[\]\\~$])/giu

/** A word that GitHub would turn into a ping or a cross-reference (see `UNSAFE`). */
const PINGS = /(?<![A-Za-z0-9_])@[\p{L}\p{N}]|#\p{N}|\bGH-\p{N}/iu

/** Characters that start a block construct when they open a line (heading, list, quote, setext). */
const LEADING: Record<string, string> = { '=': '&#61;', '-': '&#45;', '+': '&#43;', '#': '&#35;' }

/**
 * Replace control, bidi and line-break characters so a string is one visible line:
 * line breaks and tabs become one space; invisible/bidi controls become U+FFFD.
 */
export function toOneLine(text: string): string {
  return text.replace(LINE_BREAKS, ' ').replace(INVISIBLE, '\uFFFD')
}

/**
 * Shorten `text` to at most `max` characters (UTF-16 code units), ending with `…` when cut.
 * Never splits a surrogate pair.
 * @throws RangeError when `max` < 1.
 */
export function clip(text: string, max: number): string {
  if (max < 1) throw new RangeError(`clip: max must be at least 1, got ${max}`)
  if (text.length <= max) return text
  let end = max - 1
  const code = text.charCodeAt(end - 1)
  if (code >= 0xd800 && code <= 0xdbff) end -= 1
  return `${text.slice(0, end)}…`
}

/**
 * Escape an untrusted string for inline Markdown: table cells, list items, headings and the
 * inside of HTML elements such as `<summary>` (the result is also HTML-safe, including in quoted
 * attribute values). The output is a single line.
 */
export function escapeMarkdown(text: string): string {
  return escapeInline(toOneLine(text), true)
}

function escapeInline(line: string, atLineStart: boolean): string {
  let out = line.replace(UNSAFE, (match: string, special?: string) => {
    if (special !== undefined) return ENTITY[special] ?? special
    return `${match}${ZWSP}`
  })
  const lead = atLineStart ? LEADING[out.charAt(0)] : undefined
  if (lead !== undefined) out = lead + out.slice(1)
  return out
}

/**
 * Escape an untrusted sentence (a reason message, a fix, a finding title) for Markdown outside
 * HTML elements. Like `escapeMarkdown`, except that a word GitHub would turn into a ping or a
 * cross-reference (`@scope/pkg@1.2.3`, `@octocat`, `#123`) becomes a code span: it cannot ping,
 * and, unlike a zero-width space, it copies cleanly (users paste "pin it: @scope/pkg@1.2.3").
 * Trailing `.,;:!?)` stay outside the span. `inTable: true` when the result goes into a table cell.
 */
export function escapeProse(text: string, options: { inTable?: boolean } = {}): string {
  const parts = toOneLine(text).split(/(\s+)/)
  return parts
    .map((part, i) => {
      if (part === '' || /^\s+$/.test(part)) return part
      if (!PINGS.test(part)) return escapeInline(part, i === 0)
      const m = /^(.*?)([.,;:!?)]*)$/su.exec(part)
      const core = m?.[1] || part
      const tail = core === part ? '' : (m?.[2] ?? '')
      return `${codeSpan(core, options)}${escapeInline(tail, false)}`
    })
    .join('')
}

/**
 * A Markdown code span holding `text` verbatim (as one line): the fence is one backtick longer
 * than the longest backtick run inside, padded with spaces when needed (CommonMark 0.31 §6.1).
 * Mentions and issue references are not linked inside code spans, and HTML is not interpreted.
 *
 * `inTable: true` escapes `|` as `\|`, which GFM requires even inside code spans in table cells
 * (GFM 0.29 §4.10); outside tables that backslash would show, so it is the caller's choice.
 * The opening of an HTML comment (`<!--`) is broken with a zero-width space so a marker can never
 * appear verbatim in our output. Returns the empty string for empty input.
 */
export function codeSpan(text: string, options: { inTable?: boolean } = {}): string {
  let body = toOneLine(text).replace(/<!--/g, '<!\u200b--')
  if (body === '') return ''
  if (options.inTable) body = body.replace(/\|/g, '\\|')
  const longest = Math.max(0, ...Array.from(body.matchAll(/`+/g), (m) => m[0].length))
  const fence = '`'.repeat(longest + 1)
  const pad = /^[` ]|[` ]$/.test(body) ? ' ' : ''
  return `${fence}${pad}${body}${pad}${fence}`
}

/**
 * A Markdown link to `url` with escaped `text`, or just the escaped text when `url` is not an
 * absolute `http:`/`https:` URL (no `javascript:`, no relative links from untrusted input).
 * Parentheses, spaces and angle brackets in the URL are percent-encoded so it cannot break out.
 */
export function markdownLink(text: string, url: string | null | undefined): string {
  const label = escapeMarkdown(text)
  const href = safeHref(url)
  return href === null ? label : `[${label}](${href})`
}

/**
 * `url` re-serialised by the WHATWG URL parser with `(`, `)`, `|`, `<`, `>` and whitespace
 * percent-encoded, or null when it is not an absolute http(s) URL.
 */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null
  return parsed.href.replace(
    /[()|<>\s"'`\\]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  )
}

/** A GFM table header + delimiter row for `headers` (trusted, our own column names). */
export function tableHeader(headers: readonly string[]): string {
  return `| ${headers.join(' | ')} |\n|${headers.map(() => '---').join('|')}|`
}

/** A GFM table row from cells that are already escaped (via `escapeMarkdown`/`codeSpan`). */
export function tableRow(cells: readonly string[]): string {
  return `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`
}

/**
 * A collapsed block: `<details><summary>{summary}</summary>`, a blank line, `body`, a blank line,
 * `</details>` (GitHub renders Markdown inside it after the blank line). Both are inserted as
 * given: `summary` must already be escaped prose, `body` rendered Markdown. With `body` `''`,
 * the frame alone, for reserving its length in a size budget.
 */
export function collapsedBlock(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`
}

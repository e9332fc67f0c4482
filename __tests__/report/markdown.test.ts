import { describe, expect, it } from '@jest/globals'
import {
  clip,
  codeSpan,
  collapsedBlock,
  escapeMarkdown,
  escapeProse,
  markdownLink,
  safeHref,
  tableRow,
  toOneLine
} from '../../src/report/markdown.js'

/** Cells of a GFM table row, split on unescaped pipes (how GFM splits rows). */
function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '')
  return inner.split(/(?<!\\)\|/).map((c) => c.trim())
}

describe('escapeMarkdown', () => {
  it('keeps a table row at its cell count when a value holds a pipe', () => {
    const row = tableRow([escapeMarkdown('a|b'), escapeMarkdown('c')])
    expect(cells(row)).toEqual(['a&#124;b', 'c'])
  })

  it('turns HTML into inert text', () => {
    const out = escapeMarkdown('<script>alert(1)</script><img src=x onerror=alert(1)>')
    expect(out).not.toMatch(/[<>]/)
    expect(out).toContain('&lt;script&gt;')
  })

  it('cannot forge the sticky-comment marker', () => {
    const out = escapeMarkdown('<!-- mcp-grade-gate:default -->')
    expect(out).not.toContain('<!--')
    expect(out).toBe('&lt;!-- mcp-grade-gate:default --&gt;')
  })

  it('breaks @mentions, team mentions and issue references', () => {
    expect(escapeMarkdown('ping @octocat and @github/security')).toBe(
      'ping @&#8203;octocat and @&#8203;github/security'
    )
    // GitHub only mentions after a non-word character: versions and e-mails stay intact.
    expect(escapeMarkdown('pkg@1.2.3 a@b.example')).toBe('pkg@1.2.3 a@b.example')
    expect(escapeMarkdown('fixes #123 and GH-45')).toBe('fixes #&#8203;123 and GH-&#8203;45')
    // A leading "#" is also a heading marker: it is escaped as an entity.
    expect(escapeMarkdown('#1')).toBe('&#35;&#8203;1')
  })

  it('escapes emphasis, links, code, strikethrough and math characters', () => {
    expect(escapeMarkdown('*a* _b_ [c](d) `e` ~f~ $g$ \\h')).toBe(
      '&#42;a&#42; &#95;b&#95; &#91;c&#93;(d) &#96;e&#96; &#126;f&#126; &#36;g&#36; &#92;h'
    )
  })

  it('does not re-escape the entities it inserts', () => {
    expect(escapeMarkdown('|@x')).toBe('&#124;@&#8203;x')
    expect(escapeMarkdown('@x|')).toBe('@&#8203;x&#124;')
    // A literal entity in the input is shown as text, not decoded.
    expect(escapeMarkdown('&#124;')).toBe('&amp;#&#8203;124;')
  })

  it('neutralises leading block markers and joins lines', () => {
    expect(escapeMarkdown('=SUM(A1)')).toBe('&#61;SUM(A1)')
    expect(escapeMarkdown('- item')).toBe('&#45; item')
    // Joined into one line, a "#" after a line break can no longer start a heading.
    expect(escapeMarkdown('a\n# b\r\nc')).toBe('a # b c')
  })

  it('replaces control and bidi characters', () => {
    expect(escapeMarkdown('a\u001b[31mb\u202ec')).toBe('a\uFFFD&#91;31mb\uFFFDc')
  })
})

describe('escapeProse', () => {
  it('turns would-be pings into code spans that copy cleanly', () => {
    expect(escapeProse('pin it: @scope/pkg@1.2.3')).toBe('pin it: `@scope/pkg@1.2.3`')
    expect(escapeProse('ask @octocat, see #12.')).toBe('ask `@octocat`, see `#12`.')
  })

  it('leaves versions and e-mail addresses alone and escapes the rest', () => {
    expect(escapeProse('pin pkg@1.2.3 or mail a@b.example')).toBe(
      'pin pkg@1.2.3 or mail a@b.example'
    )
    expect(escapeProse('- <b>x</b> *y*')).toBe('&#45; &lt;b&gt;x&lt;/b&gt; &#42;y&#42;')
  })

  it('escapes pipes inside code spans in tables', () => {
    expect(escapeProse('@a|b', { inTable: true })).toBe('`@a\\|b`')
  })
})

describe('codeSpan', () => {
  it('wraps plain text in single backticks', () => {
    expect(codeSpan('@octocat/pkg@1.2.3')).toBe('`@octocat/pkg@1.2.3`')
  })

  it('uses a longer fence than any backtick run inside, padded', () => {
    expect(codeSpan('a`b``c')).toBe('```a`b``c```')
    expect(codeSpan('`x`')).toBe('`` `x` ``')
  })

  it('escapes pipes only inside tables', () => {
    expect(codeSpan('a|b', { inTable: true })).toBe('`a\\|b`')
    expect(codeSpan('a|b')).toBe('`a|b`')
    const row = tableRow([codeSpan('a|b|c', { inTable: true }), 'x'])
    expect(cells(row)).toHaveLength(2)
  })

  it('breaks an HTML comment opening so no marker appears verbatim', () => {
    const out = codeSpan('<!-- mcp-grade-gate:default -->')
    expect(out).not.toContain('<!--')
  })

  it('is one line and empty for empty input', () => {
    expect(codeSpan('a\nb')).toBe('`a b`')
    expect(codeSpan('')).toBe('')
  })
})

describe('links', () => {
  it('links only absolute http(s) URLs', () => {
    expect(markdownLink('x', 'javascript:alert(1)')).toBe('x')
    expect(markdownLink('x', '/relative')).toBe('x')
    expect(markdownLink('GHSA-1', 'https://osv.dev/GHSA-1')).toBe(
      '[GHSA-1](https://osv.dev/GHSA-1)'
    )
  })

  it('percent-encodes characters that could end the link', () => {
    expect(safeHref('https://e.test/a)(b c')).toBe('https://e.test/a%29%28b%20c')
  })
})

describe('clip and toOneLine', () => {
  it('cuts with an ellipsis without splitting a surrogate pair', () => {
    expect(clip('abcdef', 4)).toBe('abc…')
    expect(clip('ab😀cd', 4)).toBe('ab…')
    expect(clip('abc', 3)).toBe('abc')
    expect(() => clip('a', 0)).toThrow(RangeError)
  })

  it('turns line breaks into spaces', () => {
    expect(toOneLine('a\r\n\tb\u2028c')).toBe('a b c')
  })
})

describe('collapsedBlock', () => {
  it('puts the body in as given, even text that String.replace would read as a pattern', () => {
    const row = tableRow([codeSpan("a$'b$`c$&d", { inTable: true })])
    expect(collapsedBlock('1 other server', row)).toBe(
      `<details><summary>1 other server</summary>\n\n${row}\n\n</details>`
    )
    expect(collapsedBlock('x', '')).toBe('<details><summary>x</summary>\n\n\n\n</details>')
  })
})

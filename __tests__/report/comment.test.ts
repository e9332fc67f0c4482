import { describe, expect, it } from '@jest/globals'
import {
  COMMENT_MAX_CHARS,
  isStickyMarker,
  renderComment,
  stickyMarker
} from '../../src/report/comment.js'
import { buildReportModel } from '../../src/report/model.js'
import { UNPINNED, blockedServer, config, gateRun, result } from '../fixtures/report/runs.js'

const marker = stickyMarker('default')

function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim())
}

function tableRows(md: string): string[] {
  return md.split('\n').filter((l) => l.startsWith('| '))
}

describe('stickyMarker', () => {
  it('builds the hidden marker from a safe id', () => {
    expect(stickyMarker()).toBe('<!-- mcp-grade-gate:default -->')
    expect(stickyMarker('prod.gate_2')).toBe('<!-- mcp-grade-gate:prod.gate_2 -->')
    expect(isStickyMarker(stickyMarker('x'))).toBe(true)
  })

  it('rejects ids that could end the comment or inject text', () => {
    expect(() => stickyMarker('a --> <b>')).toThrow(RangeError)
    expect(() => stickyMarker('')).toThrow(RangeError)
    expect(() => stickyMarker('x'.repeat(101))).toThrow(RangeError)
  })
})

describe('renderComment', () => {
  it('starts with the marker and lists blocked servers with their fixes', () => {
    const body = renderComment(
      buildReportModel(gateRun([blockedServer(), result({ name: 'ok' })])),
      {
        marker,
        jobUrl: 'https://github.com/o/r/actions/runs/7'
      }
    )
    expect(body.startsWith(`${marker}\n`)).toBe(true)
    expect(body).toContain('### ❌ MCP grade gate: 1 of 2 servers blocked')
    const rows = tableRows(body)
    // Few servers: all are listed, blocked first.
    expect(rows).toHaveLength(3)
    expect(cells(rows[1]!)).toEqual([
      '❌ fail',
      '`fs`',
      '`.mcp.json:3`',
      '`@modelcontextprotocol/server-filesystem@latest (unpinned → 2026.8.31)`',
      'C (62)',
      '—',
      '—',
      'GRADE_BELOW_MIN, UNPINNED'
    ])
    expect(cells(rows[2]!)[0]).toBe('✅ pass')
    expect(body).toContain(
      '- ❌ `fs` (`.mcp.json:3`): pick a version graded B or better, or request an exception; pin it: `@modelcontextprotocol/server-filesystem@2026.8.31`'
    )
    expect(body).toContain('[Job summary](https://github.com/o/r/actions/runs/7)')
    // The marker appears exactly once.
    expect(body.split('<!--')).toHaveLength(2)
  })

  it('says "all N servers pass" when everything passes, so a red comment is replaced', () => {
    const body = renderComment(
      buildReportModel(gateRun([result({ name: 'a' }), result({ name: 'b' })])),
      {
        marker
      }
    )
    expect(body.startsWith(marker)).toBe(true)
    expect(body).toContain('### ✅ MCP grade gate: all 2 servers pass')
    expect(tableRows(body)).toHaveLength(0)
    expect(body.length).toBeLessThan(400)
  })

  it('reports warnings without calling them blocked', () => {
    const body = renderComment(
      buildReportModel(
        gateRun([
          result({ name: 'w', verdict: 'warn', reasons: [{ ...UNPINNED, severity: 'warning' }] })
        ])
      ),
      { marker }
    )
    expect(body).toContain('### ⚠️ MCP grade gate: passed with warnings on 1 of 1 servers')
  })

  it('lists only blocked and warned servers when there are many', () => {
    const servers = [
      blockedServer('bad'),
      ...Array.from({ length: 15 }, (_, i) => result({ name: `ok${i}` }))
    ]
    const body = renderComment(buildReportModel(gateRun(servers)), { marker })
    const rows = tableRows(body)
    expect(rows).toHaveLength(2)
    expect(cells(rows[1]!)[1]).toBe('`bad`')
  })

  it('mentions invalid config files', () => {
    const run = gateRun([result()], {
      configs: [
        config(),
        config({ path: 'bad.json', error: { message: 'Unexpected end', line: 2, column: 1 } })
      ]
    })
    const body = renderComment(buildReportModel(run), { marker })
    expect(body).toContain('### ❌ MCP grade gate: 1 invalid config file')
    expect(body).toContain('- ❌ `bad.json:2:1: Unexpected end`')
  })

  it('escapes hostile names and cannot carry a second marker', () => {
    const names = [
      'a|b',
      'x`y',
      '<script>x</script>',
      '@octocat',
      '#123',
      '<!-- mcp-grade-gate:default -->'
    ]
    const body = renderComment(
      buildReportModel(gateRun(names.map((n, i) => blockedServer(n, i + 1)))),
      {
        marker
      }
    )
    expect(body.indexOf('<!--')).toBe(0)
    expect(body.lastIndexOf('<!--')).toBe(0)
    const rows = tableRows(body).slice(1)
    expect(rows).toHaveLength(names.length)
    for (const r of rows) expect(cells(r)).toHaveLength(8)
    const live = body.replace(/(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '')
    expect(live).not.toMatch(/<script|@octocat|#123/)
  })

  it('stays within 65,536 characters for 400 blocked servers and says what was left out', () => {
    const servers = Array.from({ length: 400 }, (_, i) =>
      blockedServer(`server-${i}-${'n'.repeat(120)}`, i + 1)
    )
    const body = renderComment(buildReportModel(gateRun(servers)), { marker })
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS)
    expect(body.startsWith(marker)).toBe(true)
    const shown = tableRows(body).length - 1
    expect(shown).toBeGreaterThan(50)
    expect(shown).toBeLessThan(400)
    expect(body).toContain(
      `Left out to stay within GitHub's comment size limit: ${400 - shown} server row(s)`
    )
    expect(
      body.trimEnd().endsWith('The job summary has the grades, sub-scores, findings and evidence.')
    ).toBe(true)
  })

  it('rejects a marker that did not come from stickyMarker', () => {
    expect(() => renderComment(buildReportModel(gateRun([])), { marker: 'hello' })).toThrow(
      RangeError
    )
  })

  it('says no servers were found for an empty run', () => {
    expect(renderComment(buildReportModel(gateRun([])), { marker })).toContain(
      '### ✅ MCP grade gate: no MCP servers to gate'
    )
  })
})

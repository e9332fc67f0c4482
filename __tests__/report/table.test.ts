import { describe, expect, it } from '@jest/globals'
import { buildReportModel } from '../../src/report/model.js'
import { renderTable } from '../../src/report/table.js'
import { layoutColumns, terminalSafe } from '../../src/report/terminal.js'
import { blockedServer, config, gateRun, result } from '../fixtures/report/runs.js'

describe('renderTable', () => {
  it('aligns columns and lists blocked servers first', () => {
    const out = renderTable(
      buildReportModel(gateRun([result({ name: 'ok' }), blockedServer('fs', 3)]))
    )
    const lines = out.split('\n')
    expect(lines[0]).toMatch(/^Verdict {2}Server {2}File:line {4}Package/)
    expect(lines[1]).toMatch(/^─+$/)
    expect(lines[2]).toMatch(/^fail {5}fs {6}\.mcp\.json:3 {2}@modelcontextprotocol/)
    expect(lines[3]).toMatch(/^pass {5}ok /)
    // Columns line up: the Grade column starts at the same offset in the header and rows.
    const at = lines[0]!.indexOf('Grade')
    expect(lines[2]!.slice(at, at + 6)).toBe('C (62)')
    expect(lines[3]!.slice(at, at + 6)).toBe('B (81)')
    expect(out).not.toContain('\u001b[')
  })

  it('prints reasons and fixes per blocked server, then the verdict line', () => {
    const out = renderTable(buildReportModel(gateRun([blockedServer()])))
    expect(out).toContain('\nFAIL fs (.mcp.json:3)\n')
    expect(out).toContain(
      '  ✖ GRADE_BELOW_MIN: grade C (62) is below the minimum B for production\n'
    )
    expect(out).toContain('    fix: pin it: @modelcontextprotocol/server-filesystem@2026.8.31\n')
    expect(out.trimEnd().split('\n').at(-1)).toBe(
      'FAIL: 1 servers, 1 blocked, 0 warned, 0 passed (environment: production)'
    )
  })

  it('colours only when asked', () => {
    const out = renderTable(buildReportModel(gateRun([blockedServer()])), { color: true })
    expect(out).toContain('\u001b[31mfail')
    expect(out).toContain('\u001b[33mC (62)')
  })

  it('cuts long names to fit a width', () => {
    const out = renderTable(buildReportModel(gateRun([blockedServer('n'.repeat(120))])), {
      width: 140
    })
    const lines = out.split('\n')
    expect(Math.max(...lines.slice(0, 3).map((l) => Array.from(l).length))).toBeLessThanOrEqual(140)
    expect(lines[2]).toContain('n…')
  })

  it('never lets escape sequences through', () => {
    const out = renderTable(
      buildReportModel(gateRun([blockedServer('evil\u001b]0;pwned\u0007\u001b[2J')]))
    )
    expect(out).not.toContain('\u001b')
    expect(out).not.toContain('\u0007')
    expect(terminalSafe('a\u202eb\nc')).toBe('a\uFFFDb c')
  })

  it('lists invalid config files and handles an empty run', () => {
    const out = renderTable(
      buildReportModel(
        gateRun([], {
          configs: [config({ path: 'x.json', error: { message: 'bad', line: 1, column: 2 } })]
        })
      )
    )
    expect(out).toContain('No MCP servers found.')
    expect(out).toContain('  ✖ x.json:1:2: bad')
  })
})

describe('layoutColumns', () => {
  it('stops shrinking at a column minimum', () => {
    const lines = layoutColumns(
      [{ header: 'A', shrink: true, minWidth: 5 }, { header: 'B' }],
      [[{ text: 'abcdefghij' }, { text: 'fixed-width' }]],
      { maxWidth: 4 }
    )
    expect(lines[2]).toBe('abcd…  fixed-width')
  })
})

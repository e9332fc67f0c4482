import { describe, expect, it } from '@jest/globals'
import { buildReportModel } from '../../src/report/model.js'
import { SUMMARY_MAX_BYTES, renderSummary } from '../../src/report/summary.js'
import { blockedServer, config, finding, gateRun, grade, result } from '../fixtures/report/runs.js'

/** Cells of a GFM table row, split on unescaped pipes. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim())
}

/** `md` without its code spans (whose content GitHub shows as literal text). */
function outsideCode(md: string): string {
  return md.replace(/(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '')
}

function tableRows(md: string): string[] {
  return md.split('\n').filter((l) => l.startsWith('| '))
}

const HOSTILE_NAMES = [
  'a|b',
  'tick`s',
  '<script>alert(1)</script>',
  '@octocat',
  '#123',
  '<!-- mcp-grade-gate:default -->'
]

/** A run of `n` servers; every other one blocked, each with `findingsEach` long findings. */
function bigRun(n: number, findingsEach: number) {
  const servers = Array.from({ length: n }, (_, i) => {
    const findings = Array.from({ length: findingsEach }, (_, j) =>
      finding({
        ruleId: `rule/${j}`,
        title: `Finding ${j} `.repeat(20),
        evidence: { file: `src/f${j}.ts`, line: j + 1, snippet: 's'.repeat(290) }
      })
    )
    return i % 2 === 0
      ? {
          ...blockedServer(`server-${i}`, i + 2),
          grade: grade({ overall: { score: 62, grade: 'C' }, findings })
        }
      : result({ name: `server-${i}`, line: i + 2, grade: grade({ findings }) })
  })
  return gateRun(servers)
}

describe('renderSummary', () => {
  it('has a heading with verdict and environment, counts and a footer', () => {
    const md = renderSummary(buildReportModel(gateRun([blockedServer(), result({ name: 'ok' })])), {
      jobUrl: 'https://github.com/o/r/actions/runs/1'
    })
    expect(md.split('\n')[0]).toBe('## ❌ MCP grade gate: fail (production)')
    expect(md).toContain(
      '**2** servers in 1 config file · ❌ 1 blocked · ⚠️ 0 warned · ✅ 1 passed'
    )
    expect(md).toContain(
      '<sub>mcp-grade-gate 0.1.0 · grader: builtin · policy: built-in defaults · 2026-11-21 · [job run](https://github.com/o/r/actions/runs/1)</sub>'
    )
  })

  it('puts a blocked server in one table row with file:line, package@version, grade and sub-scores', () => {
    const md = renderSummary(buildReportModel(gateRun([result({ name: 'ok' }), blockedServer()])))
    const rows = tableRows(md)
    const header = cells(rows[0]!)
    expect(header).toEqual([
      'Server',
      'File:line',
      'Package',
      'Pinned',
      'Grade',
      'Security',
      'Permissions',
      'Credentials',
      'Maintenance',
      'Compatibility',
      'Documentation',
      'Registry',
      'Exception',
      'Verdict'
    ])
    // Blocked first: the first row after the header.
    const row = cells(rows[1]!)
    expect(row).toEqual([
      '`fs`',
      '`.mcp.json:3`',
      '`@modelcontextprotocol/server-filesystem@latest (unpinned → 2026.8.31)`',
      'no',
      'C (62)',
      'D (55)',
      'C (70)',
      'A (90)',
      'B (80)',
      '—',
      'B',
      '—',
      '—',
      '❌ fail'
    ])
    expect(cells(rows[2]!)[0]).toBe('`ok`')
    expect(cells(rows[2]!).at(-1)).toBe('✅ pass')
  })

  it('lists the reasons and fixes of a blocked server, then findings in <details>', () => {
    const md = renderSummary(buildReportModel(gateRun([blockedServer()])))
    expect(md).toContain('#### ❌ `fs` · `.mcp.json:3` · fail')
    expect(md).toContain(
      '- ❌ **GRADE_BELOW_MIN**: grade C (62) is below the minimum B for production'
    )
    expect(md).toContain('  - Fix: pin it: `@modelcontextprotocol/server-filesystem@2026.8.31`')
    const details = md.slice(md.indexOf('<details>'), md.indexOf('</details>'))
    expect(details).toContain(
      '<summary>❌ <code>fs</code>: 2 findings (1 high, 1 medium)</summary>'
    )
    expect(details).toContain('[CWE-78](https://cwe.mitre.org/data/definitions/78.html)')
    expect(details).toContain('`dist/index.js:42`')
    expect(details).toContain('``exec(`ls ${args.path}`)``')
    // The findings table keeps its 7 columns even with a backtick snippet.
    const findingRows = tableRows(details)
    expect(findingRows.every((r) => cells(r).length === 7)).toBe(true)
  })

  it('shows each server’s notes (escaped) in its details, also for a passing server', () => {
    const md = renderSummary(
      buildReportModel(
        gateRun([
          result({
            name: 'ok',
            grade: grade({ findings: [] }),
            notes: {
              server: ['installs from another registry: <img src=x onerror=alert(1)> @octocat']
            }
          })
        ])
      )
    )
    expect(md).toContain('### Findings and notes')
    const details = md.slice(md.indexOf('<details>'), md.indexOf('</details>'))
    expect(details).toContain('<summary>✅ <code>ok</code>: 1 note</summary>')
    expect(details).toContain(
      '- installs from another registry: &lt;img src=x onerror=alert(1)&gt; `@octocat`'
    )
    expect(outsideCode(md)).not.toContain('<img')
    expect(tableRows(details)).toEqual([])
  })

  it('counts findings and notes together in the details summary', () => {
    const s = blockedServer()
    s.server.notes.push('runs several commands')
    const md = renderSummary(buildReportModel(gateRun([s])))
    expect(md).toContain(
      '<summary>❌ <code>fs</code>: 2 findings (1 high, 1 medium) · 1 note</summary>'
    )
  })

  it('shows invalid configs with path:line:column', () => {
    const md = renderSummary(
      buildReportModel(
        gateRun([result()], {
          configs: [
            config(),
            config({
              path: 'x/mcp.json',
              error: { message: 'Unexpected token', line: 4, column: 9 }
            })
          ]
        })
      )
    )
    expect(md).toContain('### Invalid config files')
    expect(md).toContain('- ❌ `x/mcp.json:4:9: Unexpected token`')
  })

  it('escapes hostile server names everywhere', () => {
    const servers = HOSTILE_NAMES.map((name, i) => ({ ...blockedServer(name, i + 1) }))
    const md = renderSummary(buildReportModel(gateRun(servers)))
    // Outside code spans nothing is live HTML, a comment, a mention or an issue reference.
    const live = outsideCode(md)
    expect(live).not.toMatch(/<script/i)
    expect(live).not.toContain('<!--')
    expect(live).not.toContain('@octocat')
    expect(live).not.toContain('#123')
    // Inside code spans (inert text) the marker still cannot appear verbatim.
    expect(md).not.toContain('<!--')
    // Every server row keeps 14 cells.
    const rows = tableRows(md).filter((r) => r.includes('❌ fail'))
    expect(rows).toHaveLength(HOSTILE_NAMES.length)
    for (const r of rows) expect(cells(r)).toHaveLength(14)
    expect(rows[0]).toContain('`a\\|b`')
    expect(rows[1]).toContain('``tick`s``')
    expect(md).toContain('<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>')
    expect(md).toContain('<code>@&#8203;octocat</code>')
    expect(md).toContain('<code>&#35;&#8203;123</code>')
  })

  it('stays within 1 MiB for 400 servers and keeps every blocked row', () => {
    const model = buildReportModel(bigRun(400, 12))
    const md = renderSummary(model)
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(SUMMARY_MAX_BYTES)
    expect(md).toContain("This summary was cut to stay within GitHub's 1 MiB job-summary limit")
    expect(md).toContain('JSON report')
    const failRows = tableRows(md).filter((r) => r.endsWith('❌ fail |'))
    expect(failRows).toHaveLength(200)
    expect(md).toContain('#### ❌ `server-0`')
  })

  it('truncates to a small limit and still says where the rest is', () => {
    const md = renderSummary(buildReportModel(bigRun(60, 2)), { maxBytes: 8192 })
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(8192)
    const shown = tableRows(md).filter((r) => r.endsWith('❌ fail |')).length
    expect(shown).toBeGreaterThan(0)
    expect(shown).toBeLessThan(30)
    expect(md).toMatch(new RegExp(`Shown: ${shown} of 30 blocked servers in the table`))
    expect(md).toContain('none of the 30 other servers')
    expect(md).toContain('`report-path` output')
    expect(md.trimEnd().endsWith('</sub>')).toBe(true)
  })

  it('keeps every blocked row and collapses the others into <details> when those fit', () => {
    const md = renderSummary(buildReportModel(bigRun(60, 2)), {
      maxBytes: 40_000,
      fullReport: { artifact: { name: 'mcp-grade-gate-report', url: 'https://gh.test/a/1' } }
    })
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(40_000)
    const blockedPart = md.slice(md.indexOf('### Blocked servers'), md.indexOf('<details>'))
    expect(tableRows(blockedPart).filter((r) => r.endsWith('❌ fail |'))).toHaveLength(30)
    const details = md.slice(md.indexOf('<details>'), md.indexOf('</details>'))
    expect(details).toMatch(/<summary>(?:\d+ of )?30 other servers/)
    expect(tableRows(details).every((r) => !r.endsWith('❌ fail |'))).toBe(true)
    expect(md).toContain('[mcp-grade-gate-report artifact](https://gh.test/a/1)')
  })

  it('is small and complete when it fits', () => {
    const md = renderSummary(buildReportModel(bigRun(10, 2)))
    expect(md).not.toContain('was cut')
    expect(tableRows(md).filter((r) => r.includes('`server-')).length).toBe(10)
  })

  it('says so when no config files were found', () => {
    const md = renderSummary(buildReportModel(gateRun([], { configs: [] })))
    expect(md).toContain('## ✅ MCP grade gate: pass')
    expect(md).toContain('No MCP client config files were found.')
    expect(tableRows(md)).toHaveLength(0)
  })

  it('rejects a limit too small to be useful', () => {
    expect(() => renderSummary(buildReportModel(gateRun([])), { maxBytes: 100 })).toThrow(
      RangeError
    )
  })
})

import { describe, expect, it } from '@jest/globals'
import { ANNOTATIONS_PER_LEVEL, renderAnnotations } from '../../src/report/annotations.js'
import { buildReportModel } from '../../src/report/model.js'
import { UNPINNED, blockedServer, config, gateRun, result } from '../fixtures/report/runs.js'

const blockedArgs = { verdict: 'fail' as const, reasons: [UNPINNED] }

const warned = (name: string, line: number) =>
  result({ name, line, verdict: 'warn', reasons: [{ ...UNPINNED, severity: 'warning' }] })

describe('renderAnnotations', () => {
  it('puts one error on a blocked server entry line with reasons and fixes', () => {
    const [a, ...rest] = renderAnnotations(
      buildReportModel(gateRun([blockedServer('fs', 7), result()]))
    )
    expect(rest).toHaveLength(0)
    expect(a).toEqual({
      level: 'error',
      title: 'MCP server fs blocked: GRADE_BELOW_MIN, UNPINNED',
      message: [
        '@modelcontextprotocol/server-filesystem@latest (unpinned → 2026.8.31) · grade C (62) · environment production',
        'GRADE_BELOW_MIN (error): grade C (62) is below the minimum B for production',
        '  Fix: pick a version graded B or better, or request an exception',
        'UNPINNED (error): @modelcontextprotocol/server-filesystem is not pinned to an exact version',
        '  Fix: pin it: @modelcontextprotocol/server-filesystem@2026.8.31'
      ].join('\n'),
      file: '.mcp.json',
      startLine: 7,
      startColumn: 5
    })
  })

  it('warns on warned servers, notes excepted ones and errors on invalid configs', () => {
    const run = gateRun([warned('w', 4), result({ name: 'x', line: 9, verdict: 'excepted' })], {
      configs: [
        config(),
        config({ path: 'bad/mcp.json', error: { message: 'Expected comma', line: 3, column: 7 } })
      ]
    })
    const annotations = renderAnnotations(buildReportModel(run))
    expect(annotations.map((a) => [a.level, a.file, a.startLine, a.startColumn])).toEqual([
      ['error', 'bad/mcp.json', 3, 7],
      ['warning', '.mcp.json', 4, 5],
      ['notice', '.mcp.json', 9, 5]
    ])
    expect(annotations[0]!.title).toBe('CONFIG_INVALID: bad/mcp.json')
    expect(annotations[0]!.message).toContain('Expected comma')
  })

  it('caps 25 blocked servers at GitHub’s 10 shown errors, the last summarising the rest', () => {
    const servers = Array.from({ length: 25 }, (_, i) => blockedServer(`s${i}`, i + 1))
    const annotations = renderAnnotations(buildReportModel(gateRun(servers)))
    const errors = annotations.filter((a) => a.level === 'error')
    expect(errors).toHaveLength(ANNOTATIONS_PER_LEVEL)
    expect(errors.slice(0, 9).map((a) => a.startLine)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    const summary = errors[9]!
    expect(summary.title).toBe('…and 16 more blocked servers')
    expect(summary.message).toBe(
      'and 16 more blocked servers: s9, s10, s11, s12, s13… — see the job summary for all of them.'
    )
    expect(summary.startLine).toBe(10)
  })

  it('caps each level separately', () => {
    const servers = [
      ...Array.from({ length: 12 }, (_, i) => blockedServer(`b${i}`, i + 1)),
      ...Array.from({ length: 11 }, (_, i) => warned(`w${i}`, 100 + i))
    ]
    const annotations = renderAnnotations(buildReportModel(gateRun(servers)))
    expect(annotations.filter((a) => a.level === 'error')).toHaveLength(10)
    const warnings = annotations.filter((a) => a.level === 'warning')
    expect(warnings).toHaveLength(10)
    expect(warnings[9]!.message).toBe(
      'and 2 more warned servers: w9, w10 — see the job summary for all of them.'
    )
  })

  it('does not summarise when exactly at the cap, and supports another cap', () => {
    const ten = Array.from({ length: 10 }, (_, i) => blockedServer(`s${i}`, i + 1))
    expect(
      renderAnnotations(buildReportModel(gateRun(ten))).every((a) =>
        a.title.startsWith('MCP server')
      )
    ).toBe(true)
    const three = renderAnnotations(buildReportModel(gateRun(ten)), { perLevel: 3 })
    expect(three.map((a) => a.title.slice(0, 12))).toEqual([
      'MCP server s',
      'MCP server s',
      '…and 8 more '
    ])
    expect(() => renderAnnotations(buildReportModel(gateRun(ten)), { perLevel: 1 })).toThrow(
      RangeError
    )
  })

  it('keeps control characters out of titles and messages', () => {
    const [a] = renderAnnotations(buildReportModel(gateRun([blockedServer('evil\u001b[2J\nname')])))
    expect(a!.title).toBe('MCP server evil\uFFFD[2J name blocked: GRADE_BELOW_MIN, UNPINNED')
    expect(a!.message).not.toContain('\u001b')
  })

  it('annotates the raw config path, not the display-clipped one', () => {
    const longPath = `${'deep/'.repeat(60)}.mcp.json`
    const broken = `${'bad/'.repeat(60)}mcp.json`
    const run = gateRun([result({ ...blockedArgs, config: longPath })], {
      configs: [
        config({ path: longPath }),
        config({ path: broken, error: { message: 'Expected comma', line: 2, column: 4 } })
      ]
    })
    const model = buildReportModel(run)
    expect(model.servers[0]!.config.endsWith('…')).toBe(true)
    const annotations = renderAnnotations(model)
    expect(annotations.map((a) => a.file)).toEqual([broken, longPath])
  })

  it('emits nothing when all servers pass', () => {
    expect(renderAnnotations(buildReportModel(gateRun([result()])))).toEqual([])
  })
})

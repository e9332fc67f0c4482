import { describe, expect, it } from '@jest/globals'
import { gradeDrop } from '../../src/change/grade-drop.js'
import type { RunChange } from '../../src/change/run-change.js'
import type { ServerChangeFacts } from '../../src/policy/result.js'
import type { ServerResult } from '../../src/policy/result.js'
import { renderAnnotations } from '../../src/report/annotations.js'
import { renderComment, stickyMarker } from '../../src/report/comment.js'
import { buildReportModel } from '../../src/report/model.js'
import { renderSummary } from '../../src/report/summary.js'
import {
  BELOW_MIN,
  blockedServer,
  gateRun,
  grade,
  result,
  type ResultInput
} from '../fixtures/report/runs.js'

const MARKER = stickyMarker('default')
const JOB = 'https://github.com/acme/app/actions/runs/4242'

const A = grade({ overall: { score: 95, grade: 'A' } })
const C = grade({ overall: { score: 65, grade: 'C' } })

function facts(over: Partial<ServerChangeFacts> = {}): ServerChangeFacts {
  return {
    kind: 'unchanged',
    aspects: [],
    versionBump: null,
    base: null,
    gradeDrop: null,
    blocking: true,
    ...over
  }
}

/** A server result with change facts. */
function withChange(input: ResultInput, change: ServerChangeFacts): ServerResult {
  return { ...result(input), change }
}

const BUMPED = facts({
  kind: 'changed',
  aspects: [
    {
      aspect: 'version',
      before: '2025.8.21',
      after: '2026.8.31',
      message: 'version 2025.8.21 → 2026.8.31'
    }
  ],
  versionBump: '2025.8.21 → 2026.8.31',
  base: { name: 'files', line: 3 },
  gradeDrop: gradeDrop(A, C)
})

/** The change record of a PR that added one server, changed one, kept one and removed one. */
function runChange(over: Partial<RunChange> = {}): RunChange {
  return {
    scope: 'all',
    configs: [{ path: '.mcp.json', status: 'modified', notes: [] }],
    removed: [
      {
        name: 'old',
        config: '.mcp.json',
        line: 12,
        column: 5,
        package: 'tavily-mcp@0.2.22',
        purl: 'pkg:npm/tavily-mcp@0.2.22'
      }
    ],
    summary: {
      servers: { added: 1, changed: 1, removed: 1, unchanged: 1 },
      configs: { added: 0, removed: 0, modified: 1, unchanged: 0, unknown: 0 }
    },
    ...over
  }
}

/** files: changed with a drop, blocked; search: unchanged; added: added. */
function changeRun(change: RunChange = runChange(), filesVerdict: 'fail' | 'pass' = 'fail') {
  return gateRun(
    [
      withChange(
        {
          name: 'files',
          line: 3,
          grade: C,
          verdict: filesVerdict,
          reasons: filesVerdict === 'fail' ? [BELOW_MIN] : []
        },
        BUMPED
      ),
      withChange({ name: 'search', line: 7 }, facts({ base: { name: 'search', line: 7 } })),
      withChange({ name: 'added', line: 9 }, facts({ kind: 'added' }))
    ],
    { change }
  )
}

/** Cells of a GFM table row. */
const cells = (row: string): string[] =>
  row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim())

const rowOf = (md: string, name: string): string[] =>
  cells(md.split('\n').find((l) => l.startsWith('|') && l.includes(`\`${name}\``)) ?? '')

const headerRow = (md: string): string[] =>
  cells(md.split('\n').find((l) => l.startsWith('|') && l.includes('Server')) ?? '')

describe('renderComment: a comment that replaces a failing one (resolved)', () => {
  const passing = () => buildReportModel(gateRun([result({ name: 'fs' })]))

  it('the heading says resolved when everything passes', () => {
    const body = renderComment(passing(), { marker: MARKER, resolved: true, jobUrl: JOB })
    expect(body.split('\n')[0]).toBe(MARKER)
    expect(body).toContain('### ✅ MCP grade gate: resolved, the 1 server passes')
    expect(renderComment(passing(), { marker: MARKER })).toContain(
      '### ✅ MCP grade gate: the 1 server passes'
    )
    expect(renderComment(passing(), { marker: MARKER })).not.toContain('resolved')
  })

  it('says resolved for passed-with-warnings, and for a run with no servers', () => {
    const warned = buildReportModel(
      gateRun([result({ verdict: 'warn', reasons: [{ ...BELOW_MIN, severity: 'warning' }] })])
    )
    expect(renderComment(warned, { marker: MARKER, resolved: true })).toContain(
      '### ⚠️ MCP grade gate: resolved, passed with warnings on 1 of 1 servers'
    )
    const empty = buildReportModel(gateRun([], { configs: [] }))
    expect(renderComment(empty, { marker: MARKER, resolved: true })).toContain(
      '### ✅ MCP grade gate: resolved, no MCP servers to gate'
    )
  })

  it('a blocked run is never called resolved', () => {
    const body = renderComment(buildReportModel(gateRun([blockedServer()])), {
      marker: MARKER,
      resolved: true
    })
    expect(body).toContain('### ❌ MCP grade gate: 1 of 1 servers blocked')
    expect(body).not.toContain('resolved')
  })
})

describe('renderComment with the change under review', () => {
  it('adds a Change column and says what this pull request did', () => {
    const body = renderComment(buildReportModel(changeRun()), { marker: MARKER, jobUrl: JOB })
    expect(headerRow(body)).toEqual([
      '',
      'Server',
      'Change',
      'File:line',
      'Package',
      'Grade',
      'Registry',
      'Exception',
      'Reasons'
    ])
    expect(rowOf(body, 'files')[2]).toBe('changed: 2025.8.21 → 2026.8.31 ⬇️ grade down')
    expect(rowOf(body, 'search')[2]).toBe('unchanged')
    expect(rowOf(body, 'added')[2]).toBe('added')
    expect(body).toContain('**This pull request:** 1 added, 1 changed, 1 unchanged, 1 removed')
    expect(body).toContain('- ⬇️ `files`: grade went down against the base: A (95) → C (65)')
    expect(body).toContain('- Removed: `old`')
    expect(body).not.toContain('scope changed')
  })

  it('says unchanged servers do not block under scope: changed', () => {
    const body = renderComment(buildReportModel(changeRun(runChange({ scope: 'changed' }))), {
      marker: MARKER
    })
    expect(body).toContain(
      '**This pull request:** 1 added, 1 changed, 1 unchanged, 1 removed (unchanged servers do not block: scope changed)'
    )
  })

  it('a passing change still says what the pull request did, without a table', () => {
    const body = renderComment(buildReportModel(changeRun(runChange(), 'pass')), {
      marker: MARKER,
      resolved: true
    })
    expect(body).toContain('### ✅ MCP grade gate: resolved, all 3 servers pass')
    expect(body).toContain('**This pull request:** 1 added, 1 changed, 1 unchanged, 1 removed')
    expect(body).toContain('- ⬇️ `files`: grade went down')
    expect(headerRow(body)).toEqual([''])
  })

  it('caps the removed list at 10 names', () => {
    const removed = Array.from({ length: 13 }, (_, i) => ({
      ...runChange().removed[0]!,
      name: `gone-${i}`
    }))
    const body = renderComment(buildReportModel(changeRun(runChange({ removed }))), {
      marker: MARKER
    })
    const line = body.split('\n').find((l) => l.startsWith('- Removed: ')) ?? ''
    expect(line).toContain('`gone-9`')
    expect(line).not.toContain('`gone-10`')
    expect(line.endsWith(' and 3 more')).toBe(true)
  })

  it('without a change there is no Change column and no pull request line', () => {
    const body = renderComment(buildReportModel(gateRun([blockedServer()])), { marker: MARKER })
    expect(headerRow(body)).not.toContain('Change')
    expect(body).not.toContain('This pull request')
  })

  it('a comment cut to its limit points at the uploaded report artifact', () => {
    const servers = Array.from({ length: 120 }, (_, i) => blockedServer(`server-${i}`, i + 1))
    const model = buildReportModel(gateRun(servers))
    const body = renderComment(model, {
      marker: MARKER,
      maxChars: 6000,
      fullReport: {
        artifact: { name: 'mcp-grade-gate-report', url: `${JOB}/artifacts/77` }
      }
    })
    expect(body.length).toBeLessThanOrEqual(6000)
    expect(body).toContain('Left out to stay within')
    expect(body).toContain(
      `The full JSON report is the [mcp-grade-gate-report artifact](${JOB}/artifacts/77) of this run.`
    )
    const noUrl = renderComment(model, {
      marker: MARKER,
      maxChars: 6000,
      fullReport: { artifact: { name: 'mcp-grade-gate-report', url: null } }
    })
    expect(noUrl).toContain(
      'The full JSON report is the `mcp-grade-gate-report` artifact of this run.'
    )
  })
})

describe('renderSummary with the change under review', () => {
  it('adds a Change column after Server and a "Changes in this pull request" section', () => {
    const md = renderSummary(buildReportModel(changeRun()), { jobUrl: JOB })
    const header = headerRow(md)
    expect(header.slice(0, 3)).toEqual(['Server', 'Change', 'File:line'])
    expect(rowOf(md, 'files')[1]).toBe('changed: 2025.8.21 → 2026.8.31 ⬇️ grade down')
    expect(rowOf(md, 'search')[1]).toBe('unchanged')
    expect(rowOf(md, 'added')[1]).toBe('added')
    const section = md.slice(md.indexOf('### Changes in this pull request'))
    expect(md).toContain('### Changes in this pull request')
    expect(section).toContain('1 added, 1 changed, 1 unchanged, 1 removed')
    expect(section).toContain('**Grades that went down against the base:**')
    expect(section).toContain(
      '- ⬇️ `files` (`.mcp.json:3`): grade went down against the base: A (95) → C (65)'
    )
    expect(section).toContain('**Removed servers** (no longer launched; not graded):')
    expect(section).toContain('- `old` (`.mcp.json:12` on the base): `tavily-mcp@0.2.22`')
  })

  it('names scope: changed and lists per-file notes', () => {
    const change = runChange({
      scope: 'changed',
      configs: [
        {
          path: '.mcp.json',
          status: 'unknown',
          notes: ['the base version could not be read (HTTP 502): every server counts as added']
        }
      ]
    })
    const md = renderSummary(buildReportModel(changeRun(change)))
    expect(md).toContain(
      '1 added, 1 changed, 1 unchanged, 1 removed · scope: changed (servers the change leaves as they were do not block)'
    )
    expect(md).toContain(
      '- .mcp.json: the base version could not be read (HTTP 502): every server counts as added'
    )
  })

  it('an unchanged server kept from blocking says so in its cell', () => {
    const run = gateRun(
      [
        withChange(
          { name: 'search', verdict: 'warn', reasons: [{ ...BELOW_MIN, severity: 'warning' }] },
          facts({ blocking: false })
        )
      ],
      { change: runChange({ scope: 'changed' }) }
    )
    expect(rowOf(renderSummary(buildReportModel(run)), 'search')[1]).toBe('unchanged, not blocking')
  })

  it('a change that touches no config says so', () => {
    const run = gateRun([], {
      configs: [],
      change: runChange({
        configs: [],
        removed: [],
        summary: {
          servers: { added: 0, changed: 0, removed: 0, unchanged: 0 },
          configs: { added: 0, removed: 0, modified: 0, unchanged: 0, unknown: 0 }
        }
      })
    })
    const md = renderSummary(buildReportModel(run))
    expect(md).toContain('This change touches no MCP client config file.')
    expect(md).toContain('no MCP servers changed')
  })

  it('without a change there is no Change column and no change section', () => {
    const md = renderSummary(buildReportModel(gateRun([blockedServer()])))
    expect(headerRow(md)).not.toContain('Change')
    expect(md).not.toContain('Changes in this pull request')
  })

  it('a cut summary keeps the change section after the blocked rows and points at the artifact', () => {
    const servers = Array.from({ length: 25 }, (_, i) =>
      withChange(blockedInput(`server-${i}`, i + 1), facts({ kind: 'added' }))
    )
    const model = buildReportModel(gateRun(servers, { change: runChange() }))
    const md = renderSummary(model, {
      maxBytes: 12_000,
      fullReport: { artifact: { name: 'mcp-grade-gate-report', url: `${JOB}/artifacts/77` } }
    })
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(12_000)
    expect(md).toContain('This summary was cut')
    expect(md).toContain('Shown: 25 of 25 blocked servers in the table')
    expect(md.indexOf('### Changes in this pull request')).toBeGreaterThan(
      md.indexOf('### Blocked servers')
    )
    expect(md).toContain('- `old` (`.mcp.json:12` on the base): `tavily-mcp@0.2.22`')
    expect(md).toContain(`[mcp-grade-gate-report artifact](${JOB}/artifacts/77)`)
    expect(headerRow(md).slice(0, 2)).toEqual(['Server', 'Change'])
    expect(rowOf(md, 'server-0')[1]).toBe('added')
  })
})

/** The input of a blocked server (as `blockedServer`, by name and line). */
function blockedInput(name: string, line: number): ResultInput {
  const blocked = blockedServer(name, line)
  return {
    name,
    line,
    pkg: blocked.server.package,
    grade: blocked.grade,
    verdict: 'fail',
    reasons: blocked.reasons
  }
}

describe('renderAnnotations with the change under review', () => {
  it('a passing server whose grade went down gets a notice on its line', () => {
    const annotations = renderAnnotations(buildReportModel(changeRun(runChange(), 'pass')))
    expect(annotations).toEqual([
      {
        level: 'notice',
        title: 'MCP server files: grade went down',
        message:
          '@modelcontextprotocol/server-filesystem@2025.1.14 · grade C (65)\n' +
          'Change: changed: 2025.8.21 → 2026.8.31; grade went down against the base: A (95) → C (65)',
        file: '.mcp.json',
        startLine: 3,
        startColumn: 5
      }
    ])
  })

  it('a passing server without a drop gets none; a blocked one carries its change line', () => {
    const annotations = renderAnnotations(buildReportModel(changeRun()))
    expect(annotations).toHaveLength(1)
    expect(annotations[0]!.level).toBe('error')
    expect(annotations[0]!.message.split('\n')).toContain(
      'Change: changed: 2025.8.21 → 2026.8.31; grade went down against the base: A (95) → C (65)'
    )
  })

  it('drop notices count against the notice cap like the rest', () => {
    const servers = Array.from({ length: 12 }, (_, i) =>
      withChange({ name: `s${i}`, line: i + 1, grade: C }, BUMPED)
    )
    const notices = renderAnnotations(buildReportModel(gateRun(servers, { change: runChange() })))
    expect(notices.every((a) => a.level === 'notice')).toBe(true)
    expect(notices).toHaveLength(10)
    expect(notices[9]!.title).toBe('…and 3 more grades that went down')
  })
})

/**
 * The CLI's terminal report (SPEC §8 `check --format table`): one aligned table of every server
 * (blocked first, with its registry and exception status), then config errors, the reasons and
 * fixes of each blocked or warned server, the compliance controls touched by failing axes, and a
 * one-line verdict.
 */
import type { GradeLetter } from '../grade/report.js'
import type { Verdict } from '../policy/reasons.js'
import { DASH, type ScoreCell } from './display.js'
import type { ReportModel } from './model.js'
import {
  layoutColumns,
  paint,
  terminalText,
  type Cell,
  type Colour,
  type Column
} from './terminal.js'

/** Options of `renderTable`. */
export interface TableOptions {
  /** ANSI colours (only when printing to a terminal that wants them). Default false. */
  color?: boolean
  /** Terminal width in characters: long server names and packages are cut with `…` to fit. */
  width?: number
}

const COLUMNS: Column[] = [
  { header: 'Verdict' },
  { header: 'Server', shrink: true, minWidth: 10 },
  { header: 'File:line', shrink: true, minWidth: 12 },
  { header: 'Package', shrink: true, minWidth: 16 },
  { header: 'Pinned' },
  { header: 'Grade' },
  { header: 'Sec' },
  { header: 'Perm' },
  { header: 'Cred' },
  { header: 'Maint' },
  { header: 'Compat' },
  { header: 'Docs' },
  { header: 'Registry', shrink: true, minWidth: 10 },
  { header: 'Exception', shrink: true, minWidth: 10 }
]

/** At most this many servers are named per compliance control (the JSON report has all). */
const MAX_SERVERS_PER_CONTROL = 10

const VERDICT_COLOUR: Record<Verdict, Colour> = {
  pass: 'green',
  warn: 'yellow',
  excepted: 'yellow',
  fail: 'red',
  error: 'red'
}

const GRADE_COLOUR: Record<GradeLetter, Colour> = {
  A: 'green',
  B: 'green',
  C: 'yellow',
  D: 'red',
  F: 'red'
}

/** Longest message line printed under the table (characters). */
const MAX_LINE = 1000

/**
 * Render the terminal report: plain text with aligned columns (optionally coloured), ending
 * with a newline. Untrusted strings are made terminal-safe (no escape sequences get through).
 */
export function renderTable(model: ReportModel, options: TableOptions = {}): string {
  const colour = options.color === true
  const out: string[] = []
  if (model.servers.length > 0) {
    const rows = model.servers.map((s): Cell[] => [
      { text: s.verdict, colour: VERDICT_COLOUR[s.verdict] },
      { text: s.name },
      { text: s.location },
      { text: s.package },
      { text: s.pinned, colour: s.pinned === 'no' ? 'yellow' : undefined },
      gradeCell(s.grade),
      gradeCell(s.subScores.security),
      gradeCell(s.subScores.permissions),
      gradeCell(s.subScores.credentials),
      gradeCell(s.subScores.maintenance),
      gradeCell(s.subScores.compatibility),
      gradeCell(s.subScores.documentation),
      { text: s.registry, colour: s.registry === DASH ? 'dim' : undefined },
      { text: s.exception, colour: s.exception === DASH ? 'dim' : undefined }
    ])
    out.push(...layoutColumns(COLUMNS, rows, { colour, maxWidth: options.width }))
  } else {
    out.push('No MCP servers found.')
  }

  const invalid = model.configs.filter((c) => c.errorText !== null)
  if (invalid.length > 0) {
    out.push('', paint('Invalid config files:', 'bold', colour))
    for (const c of invalid)
      out.push(`  ${paint('✖', 'red', colour)} ${terminalText(c.errorText ?? '', MAX_LINE)}`)
  }

  for (const s of model.servers) {
    if (s.outcome === 'passed') continue
    out.push(
      '',
      `${paint(s.verdict.toUpperCase(), VERDICT_COLOUR[s.verdict], colour)} ${terminalText(s.name, MAX_LINE)} ` +
        paint(`(${terminalText(s.location, MAX_LINE)})`, 'dim', colour)
    )
    for (const r of s.reasons) {
      const mark =
        r.severity === 'error'
          ? paint('✖', 'red', colour)
          : r.severity === 'warning'
            ? paint('!', 'yellow', colour)
            : 'i'
      out.push(`  ${mark} ${r.code}: ${terminalText(r.message, MAX_LINE)}`)
      if (r.fix) out.push(`    fix: ${terminalText(r.fix, MAX_LINE)}`)
    }
    if (s.gradeProblem) out.push(`  grader: ${terminalText(s.gradeProblem, MAX_LINE)}`)
  }

  if (model.compliance.length > 0) {
    out.push('', paint('Compliance controls touched by failing axes:', 'bold', colour))
    for (const c of model.compliance) {
      const names = c.servers.slice(0, MAX_SERVERS_PER_CONTROL).map((x) => x.name)
      const more = c.servers.length - names.length
      const servers = `${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}`
      out.push(
        `  ${c.framework} ${c.control} ${c.title} (${c.axes.join(', ')}): ${terminalText(servers, MAX_LINE)}`
      )
    }
    out.push(`  ${paint(`mapping: ${model.complianceSource}`, 'dim', colour)}`)
  }

  const c = model.counts
  const envs = model.environments.map((e) => terminalText(e, 100)).join(', ')
  out.push(
    '',
    `${paint(model.verdict.toUpperCase(), model.verdict === 'pass' ? 'green' : model.verdict === 'warn' ? 'yellow' : 'red', colour)}` +
      `: ${c.servers} servers, ${c.blocked} blocked, ${c.warned} warned, ${c.passed} passed` +
      (c.invalidConfigs > 0 ? `, ${c.invalidConfigs} invalid config files` : '') +
      (envs ? ` (environment: ${envs})` : '')
  )
  return `${out.join('\n')}\n`
}

function gradeCell(cell: ScoreCell): Cell {
  return { text: cell.text, colour: cell.letter ? GRADE_COLOUR[cell.letter] : 'dim' }
}

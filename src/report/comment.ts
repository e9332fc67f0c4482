/**
 * The sticky PR comment (SPEC §8): the hidden marker first, a short verdict line, the blocked,
 * warned and excepted servers (all servers when there are few) with their registry and exception
 * status, the fix for each, the compliance controls their failing axes touch (one short line per
 * framework), and a link to the job summary. When everything passes the body says so in a few
 * lines, so a comment that was red on an earlier push is updated, never left stale.
 *
 * At most 65,536 characters (GitHub's comment limit); a longer body keeps as many rows and fixes
 * as fit and says how many were left out.
 */
import { COMPLIANCE_FRAMEWORKS } from '../policy/compliance.js'
import { SizeBudget, utf16Units } from './fit.js'
import {
  codeSpan,
  collapsedBlock,
  escapeMarkdown,
  escapeProse,
  markdownLink,
  tableHeader,
  tableRow
} from './markdown.js'
import type { ReportModel, ServerView } from './model.js'
import { fullReportSentence, type FullReportPointer } from './full-report.js'
import { changeCell } from './summary.js'

/** GitHub's limit for an issue/PR comment body, in characters. */
export const COMMENT_MAX_CHARS = 65536

/** Runs with at most this many servers list every server in the comment, passing ones included. */
export const COMMENT_ALL_SERVERS_UP_TO = 10

/** Characters kept free for the "left out" note. */
const NOTE_RESERVE_CHARS = 600

const MARKER = /^<!-- mcp-grade-gate:[A-Za-z0-9._-]{1,100} -->$/

/**
 * The hidden marker that identifies our sticky comment: `<!-- mcp-grade-gate:<id> -->`.
 * `id` separates several gate jobs commenting on the same PR (default `default`).
 * @throws RangeError when `id` is not 1–100 characters of `A–Z a–z 0–9 . _ -`.
 */
export function stickyMarker(id: string = 'default'): string {
  const marker = `<!-- mcp-grade-gate:${id} -->`
  if (!MARKER.test(marker)) {
    throw new RangeError(
      `comment id must be 1-100 characters of letters, digits, '.', '_' or '-', got ${JSON.stringify(id.slice(0, 120))}`
    )
  }
  return marker
}

/** True when `marker` is a well-formed sticky-comment marker (see `stickyMarker`). */
export function isStickyMarker(marker: string): boolean {
  return MARKER.test(marker)
}

/** Options of `renderComment`. */
export interface CommentOptions {
  /** The hidden marker from `stickyMarker(id)`; it becomes the body's first line. */
  marker: string
  /** Link to the job summary (the run page). */
  jobUrl?: string
  /** Size limit in characters; default `COMMENT_MAX_CHARS`. */
  maxChars?: number
  /**
   * The comment replaces a failing one (`comment: on-failure` after a pass): the heading says
   * the problem is resolved.
   */
  resolved?: boolean
  /** Where the full JSON report is, for the note of a comment cut to the limit. */
  fullReport?: FullReportPointer
}

/**
 * Render the sticky PR comment body (GitHub-flavoured Markdown), first line `options.marker`,
 * at most `maxChars` characters. Untrusted strings are escaped (see markdown.ts), so the body
 * never contains a second marker.
 * @throws RangeError when the marker is malformed or `maxChars` < 2000.
 */
export function renderComment(model: ReportModel, options: CommentOptions): string {
  if (!isStickyMarker(options.marker)) {
    throw new RangeError('renderComment: marker must come from stickyMarker(id)')
  }
  const limit = options.maxChars ?? COMMENT_MAX_CHARS
  if (limit < 2000) throw new RangeError(`comment size limit must be at least 2000, got ${limit}`)
  const link = jobLink(options.jobUrl)
  const c = model.counts
  const clean = c.blocked === 0 && c.warned === 0 && c.invalidConfigs === 0
  if (clean) {
    const heading = passHeading(model, options.resolved === true)
    return `${[options.marker, heading, context(model), link].join('\n\n')}\n`
  }

  const budget = new SizeBudget(limit - NOTE_RESERVE_CHARS, utf16Units)
  const head = [options.marker, failHeading(model, options.resolved === true), context(model)].join(
    '\n\n'
  )
  budget.reserve(head)
  budget.reserve(link)
  const withChange = model.change !== null
  const row = (s: ServerView): string => serverRow(s, withChange)
  const header = tableHeader([
    '',
    'Server',
    ...(withChange ? ['Change'] : []),
    'File:line',
    'Package',
    'Grade',
    'Registry',
    'Exception',
    'Reasons'
  ])
  budget.reserve(header)
  const all = model.servers.length <= COMMENT_ALL_SERVERS_UP_TO
  const blocked = model.servers.filter((s) => s.outcome === 'blocked')
  // Up to 10 servers: one table of all. More: the blocked table, then the warned and excepted
  // ones collapsed into <details> (passing servers are in the job summary).
  const main = all ? model.servers : blocked
  const collapsed = all ? [] : model.servers.filter((s) => s.outcome === 'warned')
  const errors = model.configs.flatMap((x) =>
    x.errorText ? [`- ❌ ${codeSpan(x.errorText)}`] : []
  )
  const rows = budget.takeWhile(main.map(row))
  const errorLines = budget.takeWhile(errors)
  const needFix = model.servers.filter((s) => s.outcome !== 'passed')
  const blockedFixes = budget.takeWhile(blocked.map(fixLine))
  let collapsedRows: string[] = []
  if (blockedFixes.length === blocked.length && collapsed.length > 0) {
    budget.reserve(header)
    budget.reserve(collapsedBlock(collapsedSummary(collapsed.length), ''))
    collapsedRows = budget.takeWhile(collapsed.map(row))
  }
  const fixes = [
    ...blockedFixes,
    ...(blockedFixes.length === blocked.length
      ? budget.takeWhile(needFix.filter((s) => s.outcome !== 'blocked').map(fixLine))
      : [])
  ]
  const fullCompliance = complianceList(model)
  const compliance = fullCompliance !== '' && budget.take(fullCompliance) ? fullCompliance : ''

  const blocks = [head]
  if (rows.length > 0 || main.length > 0) blocks.push([header, ...rows].join('\n'))
  if (collapsedRows.length > 0) {
    blocks.push(
      collapsedBlock(collapsedSummary(collapsed.length), [header, ...collapsedRows].join('\n'))
    )
  }
  if (errorLines.length > 0) {
    blocks.push(
      ['**Invalid config files** (fix the syntax at the position shown):', ...errorLines].join('\n')
    )
  }
  if (fixes.length > 0) blocks.push(['**How to fix**', '', ...fixes].join('\n'))
  if (compliance !== '') blocks.push(compliance)
  const left = {
    rows: main.length - rows.length + collapsed.length - collapsedRows.length,
    errors: errors.length - errorLines.length,
    fixes: needFix.length - fixes.length,
    compliance: fullCompliance !== '' && compliance === ''
  }
  if (left.rows + left.errors + left.fixes > 0 || left.compliance) {
    blocks.push(
      `_Left out to stay within GitHub's comment size limit: ${left.rows} server row(s), ` +
        `${left.fixes} fix(es), ${left.errors} config error(s)` +
        `${left.compliance ? ', the compliance controls' : ''}. The job summary has more; ` +
        `${fullReportSentence(options.fullReport)}_`
    )
  }
  blocks.push(link)
  return `${blocks.join('\n\n')}\n`
}

function environments(model: ReportModel): string {
  return model.environments.map(escapeMarkdown).join(', ')
}

function passHeading(model: ReportModel, resolved: boolean): string {
  const n = model.counts.servers
  const lead = resolved ? 'resolved, ' : ''
  if (n === 0) return `### ✅ MCP grade gate: ${lead}no MCP servers to gate`
  return `### ✅ MCP grade gate: ${lead}${n === 1 ? 'the 1 server passes' : `all ${n} servers pass`}`
}

/** The summary line of the collapsed table of the warned and excepted servers. */
function collapsedSummary(count: number): string {
  return `${count} warned or excepted server${count === 1 ? '' : 's'}`
}

function failHeading(model: ReportModel, resolved: boolean): string {
  const c = model.counts
  if (c.blocked > 0 || c.invalidConfigs > 0) {
    const parts: string[] = []
    if (c.blocked > 0) parts.push(`${c.blocked} of ${c.servers} servers blocked`)
    if (c.invalidConfigs > 0) {
      parts.push(`${c.invalidConfigs} invalid config file${c.invalidConfigs === 1 ? '' : 's'}`)
    }
    return `### ❌ MCP grade gate: ${parts.join(', ')}`
  }
  const lead = resolved ? 'resolved, ' : ''
  return `### ⚠️ MCP grade gate: ${lead}passed with warnings on ${c.warned} of ${c.servers} servers`
}

function context(model: ReportModel): string {
  const c = model.counts
  const parts = [`❌ ${c.blocked} blocked`, `⚠️ ${c.warned} warned`, `✅ ${c.passed} passed`]
  const env = environments(model)
  if (env) parts.unshift(`Environment: ${env}`)
  parts.push(`grader: ${escapeMarkdown(model.grader)}`)
  const line = parts.join(' · ')
  return model.change ? `${line}\n\n${changeLines(model.change)}` : line
}

/** What the pull request changed: counts, grades that went down, removed servers (short). */
function changeLines(change: NonNullable<ReportModel['change']>): string {
  const lines = [
    `**This pull request:** ${escapeMarkdown(change.summary)}` +
      (change.scope === 'changed' ? ' (unchanged servers do not block: scope changed)' : '')
  ]
  for (const d of change.gradeDrops.slice(0, COMMENT_ALL_SERVERS_UP_TO)) {
    lines.push(`- ⬇️ ${codeSpan(d.name)}: ${escapeProse(d.message)}`)
  }
  if (change.gradeDrops.length > COMMENT_ALL_SERVERS_UP_TO) {
    lines.push(
      `- ⬇️ ${change.gradeDrops.length - COMMENT_ALL_SERVERS_UP_TO} more grades went down (job summary)`
    )
  }
  if (change.removed.length > 0) {
    const names = change.removed.slice(0, COMMENT_ALL_SERVERS_UP_TO).map((r) => codeSpan(r.name))
    const more = change.removed.length - names.length
    lines.push(`- Removed: ${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}`)
  }
  return lines.join('\n')
}

function serverRow(s: ServerView, withChange: boolean): string {
  return tableRow([
    `${s.symbol} ${s.verdict}`,
    codeSpan(s.name, { inTable: true }),
    ...(withChange ? [changeCell(s)] : []),
    codeSpan(s.location, { inTable: true }),
    codeSpan(s.package, { inTable: true }),
    escapeMarkdown(s.grade.text),
    escapeMarkdown(s.registry),
    escapeMarkdown(s.exception),
    [...new Set(s.reasons.filter((r) => r.severity !== 'notice').map((r) => r.code))].join(', ') ||
      '—'
  ])
}

/**
 * The compliance controls touched, one line per framework with its control ids (the job summary
 * has the names, axes and servers); empty when no axis fails.
 */
function complianceList(model: ReportModel): string {
  if (model.compliance.length === 0) return ''
  const lines = COMPLIANCE_FRAMEWORKS.flatMap((framework) => {
    const controls = model.compliance.filter((c) => c.framework === framework)
    if (controls.length === 0) return []
    return [`- ${framework}: ${controls.map((c) => escapeMarkdown(c.control)).join(', ')}`]
  })
  return [
    '**Compliance controls touched by failing axes**',
    '',
    ...lines,
    '',
    `<sub>Mapping: ${escapeMarkdown(model.complianceSource)}.</sub>`
  ].join('\n')
}

function fixLine(s: ServerView): string {
  const head = `- ${s.symbol} ${codeSpan(s.name)} (${codeSpan(s.location)})`
  if (s.fixes.length > 0) return `${head}: ${s.fixes.map((f) => escapeProse(f)).join('; ')}`
  const first = s.reasons[0]
  return first ? `${head}: ${escapeProse(first.message)}` : head
}

function jobLink(jobUrl: string | undefined): string {
  const what = 'grades, sub-scores, findings and evidence'
  return jobUrl
    ? `${markdownLink('Job summary', jobUrl)}: ${what}.`
    : `The job summary has the ${what}.`
}

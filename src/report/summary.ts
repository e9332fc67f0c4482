/**
 * The job summary (`$GITHUB_STEP_SUMMARY`, SPEC §8): a heading with the verdict and
 * environment(s), counts, one table of every server (file:line, package@version, pinned, grade,
 * six sub-scores, registry, exception, verdict), then the reasons and fix of every blocked or
 * warned server, each server's notes and findings in `<details>`, the compliance controls
 * touched, and a footer.
 *
 * GitHub caps a step summary at 1 MiB; a larger report keeps the table of blocked servers and
 * their reasons, and says plainly what was left out and that the JSON report has everything.
 */
import { AXES, type Axis } from '../grade/report.js'
import { SizeBudget, utf8Bytes } from './fit.js'
import {
  codeSpan,
  escapeMarkdown,
  escapeProse,
  markdownLink,
  tableHeader,
  tableRow
} from './markdown.js'
import type { ConfigView, FindingView, ReportModel, ServerView } from './model.js'

/** GitHub's limit for one step summary: 1 MiB (bytes of UTF-8). */
export const SUMMARY_MAX_BYTES = 1024 * 1024

/** At most this many findings are listed per server (the JSON report has all of them). */
export const SUMMARY_MAX_FINDINGS_PER_SERVER = 100

/** Bytes kept free for the truncation note when the summary is cut. */
const NOTE_RESERVE_BYTES = 2048

/** Options of `renderSummary`. */
export interface SummaryOptions {
  /** Link to the job run, shown in the footer. */
  jobUrl?: string
  /** Size limit in UTF-8 bytes; default `SUMMARY_MAX_BYTES`. */
  maxBytes?: number
}

const AXIS_TITLES: Record<Axis, string> = {
  security: 'Security',
  permissions: 'Permissions',
  credentials: 'Credentials',
  maintenance: 'Maintenance',
  compatibility: 'Compatibility',
  documentation: 'Documentation'
}

const TABLE_HEADERS = [
  'Server',
  'File:line',
  'Package',
  'Pinned',
  'Grade',
  ...AXES.map((a) => AXIS_TITLES[a]),
  'Registry',
  'Exception',
  'Verdict'
]

const SEVERITY_SYMBOL = { error: '❌', warning: '⚠️', notice: 'ℹ️' } as const

/**
 * Render the job summary as GitHub-flavoured Markdown, at most `maxBytes` UTF-8 bytes
 * (default 1 MiB). Every untrusted string is escaped (see markdown.ts).
 * @throws RangeError when `maxBytes` is too small to hold even the heading and footer (< 4 KiB).
 */
export function renderSummary(model: ReportModel, options: SummaryOptions = {}): string {
  const limit = options.maxBytes ?? SUMMARY_MAX_BYTES
  if (limit < 4096)
    throw new RangeError(`summary size limit must be at least 4096 bytes, got ${limit}`)
  const head = [heading(model), countsLine(model)].join('\n\n')
  const foot = footer(model, options.jobUrl)
  const full = joinBlocks([
    head,
    serverTable(model.servers.map(serverRow)),
    model.servers.length > 0 ? '<sub>— = not assessed (or no grade)</sub>' : '',
    configSection(model.configs),
    reasonsSection(model.servers.filter((s) => s.outcome !== 'passed').map(serverSection)),
    detailsSection(model.servers),
    complianceSection(model),
    foot
  ])
  if (utf8Bytes(full) <= limit) return full
  return truncatedSummary(model, head, foot, limit)
}

function joinBlocks(blocks: string[]): string {
  return `${blocks.filter((b) => b !== '').join('\n\n')}\n`
}

function truncatedSummary(model: ReportModel, head: string, foot: string, limit: number): string {
  const budget = new SizeBudget(limit - NOTE_RESERVE_BYTES, utf8Bytes)
  budget.reserve(head)
  budget.reserve(foot)
  budget.reserve(tableHeader(TABLE_HEADERS))
  const blocked = model.servers.filter((s) => s.outcome === 'blocked')
  const others = model.servers.filter((s) => s.outcome !== 'blocked')
  // Priority: blocked rows, config errors, blocked reasons; then the other rows and reasons.
  const rows = budget.takeWhile(blocked.map(serverRow))
  const configErrors = model.configs.filter((c) => c.errorText !== null)
  const errorLines = budget.takeWhile(configErrors.map(configErrorLine))
  const sections = budget.takeWhile(blocked.map(serverSection))
  if (sections.length === blocked.length) {
    rows.push(...budget.takeWhile(others.map(serverRow)))
    const warned = others.filter((s) => s.outcome === 'warned')
    sections.push(...budget.takeWhile(warned.map(serverSection)))
  }
  const omittedErrors = configErrors.length - errorLines.length
  const note = [
    `> [!WARNING]`,
    `> This summary was cut to stay within GitHub's 1 MiB job-summary limit. Shown: ` +
      `${rows.length} of ${model.servers.length} servers in the table (blocked first), ` +
      `the reasons of ${sections.length} of ${blocked.length + model.counts.warned} blocked or warned servers` +
      (omittedErrors > 0 ? `, ${errorLines.length} of ${configErrors.length} config errors` : '') +
      `; findings and notes are left out. The JSON report (the action's \`report-path\` output, or ` +
      `\`mcp-grade-gate check --format json\`) has every server, reason and finding.`
  ].join('\n')
  return joinBlocks([
    head,
    note,
    rows.length > 0 ? serverTable(rows) : '',
    errorLines.length > 0 ? `### Invalid config files\n\n${errorLines.join('\n')}` : '',
    reasonsSection(sections),
    foot
  ])
}

function heading(model: ReportModel): string {
  const envs = model.environments.map(escapeMarkdown).join(', ')
  return `## ${model.symbol} MCP grade gate: ${model.verdict}${envs ? ` (${envs})` : ''}`
}

function countsLine(model: ReportModel): string {
  const c = model.counts
  if (c.configs === 0) return 'No MCP client config files were found.'
  const files = `${c.configs} config file${c.configs === 1 ? '' : 's'}`
  const parts = [
    `**${c.servers}** server${c.servers === 1 ? '' : 's'} in ${files}`,
    `❌ ${c.blocked} blocked`,
    `⚠️ ${c.warned} warned`,
    `✅ ${c.passed} passed`
  ]
  if (c.invalidConfigs > 0) {
    parts.push(`❌ ${c.invalidConfigs} invalid config file${c.invalidConfigs === 1 ? '' : 's'}`)
  }
  if (c.noServerConfigs > 0) {
    parts.push(`${c.noServerConfigs} file${c.noServerConfigs === 1 ? '' : 's'} without MCP servers`)
  }
  return parts.join(' · ')
}

function serverRow(s: ServerView): string {
  return tableRow([
    codeSpan(s.name, { inTable: true }),
    codeSpan(s.location, { inTable: true }),
    codeSpan(s.package, { inTable: true }),
    s.pinned,
    escapeMarkdown(s.grade.text),
    ...AXES.map((a) => escapeMarkdown(s.subScores[a].text)),
    escapeMarkdown(s.registry),
    escapeMarkdown(s.exception),
    `${s.symbol} ${s.verdict}`
  ])
}

function serverTable(rows: string[]): string {
  if (rows.length === 0) return ''
  return [tableHeader(TABLE_HEADERS), ...rows].join('\n')
}

function configErrorLine(c: ConfigView): string {
  return `- ❌ ${codeSpan(c.errorText ?? c.path)}`
}

function configSection(configs: ConfigView[]): string {
  const invalid = configs.filter((c) => c.errorText !== null)
  if (invalid.length === 0) return ''
  return [
    '### Invalid config files',
    '',
    ...invalid.map(configErrorLine),
    '',
    'Fix the syntax at the position shown; the other config files were still gated.'
  ].join('\n')
}

/** One blocked/warned server: its reasons (worst first) each with its fix. */
function serverSection(s: ServerView): string {
  const lines = [
    `#### ${s.symbol} ${codeSpan(s.name)} · ${codeSpan(s.location)} · ${s.verdict}`,
    '',
    `${codeSpan(s.package)} · grade ${escapeMarkdown(s.grade.text)} · environment ${escapeMarkdown(s.environment)}`,
    ''
  ]
  for (const r of s.reasons) {
    lines.push(`- ${SEVERITY_SYMBOL[r.severity]} **${r.code}**: ${escapeProse(r.message)}`)
    if (r.fix) lines.push(`  - Fix: ${escapeProse(r.fix)}`)
  }
  if (s.gradeProblem) lines.push(`- Grader: ${escapeProse(s.gradeProblem)}`)
  return lines.join('\n')
}

function reasonsSection(sections: string[]): string {
  if (sections.length === 0) return ''
  return ['### Blocked and warned servers', '', sections.join('\n\n')].join('\n')
}

function findingRow(f: FindingView): string {
  const cwe = f.cwe
    ? `[${f.cwe}](https://cwe.mitre.org/data/definitions/${f.cwe.slice(4)}.html)`
    : '—'
  let finding = escapeProse(f.title, { inTable: true })
  if (f.advisory) {
    finding += ` (${markdownLink(f.advisory.id, f.advisory.url)}${
      f.advisory.fixedIn ? `, fixed in ${escapeMarkdown(f.advisory.fixedIn)}` : ''
    })`
  }
  return tableRow([
    f.severity,
    f.axis,
    codeSpan(f.ruleId, { inTable: true }),
    cwe,
    f.location ? codeSpan(f.location, { inTable: true }) : '—',
    finding,
    f.snippet ? codeSpan(f.snippet, { inTable: true }) : ''
  ])
}

/** One server's details: its notes (escaped prose), then its findings table. */
function detailsBlock(s: ServerView): string {
  const bySeverity = new Map<string, number>()
  for (const f of s.findings) bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1)
  const tally = [...bySeverity].map(([sev, n]) => `${n} ${sev}`).join(', ')
  const shown = s.findings.slice(0, SUMMARY_MAX_FINDINGS_PER_SERVER)
  const more = s.findings.length - shown.length
  const counts: string[] = []
  if (s.findings.length > 0) {
    counts.push(`${s.findings.length} finding${s.findings.length === 1 ? '' : 's'} (${tally})`)
  }
  if (s.notes.length > 0) counts.push(`${s.notes.length} note${s.notes.length === 1 ? '' : 's'}`)
  const lines = [
    '<details>',
    `<summary>${s.symbol} <code>${escapeMarkdown(s.name)}</code>: ${counts.join(' · ')}</summary>`,
    ''
  ]
  if (s.notes.length > 0) {
    lines.push('Notes:', '', ...s.notes.map((n) => `- ${escapeProse(n)}`), '')
  }
  if (shown.length > 0) {
    lines.push(
      tableHeader(['Severity', 'Axis', 'Rule', 'CWE', 'Evidence', 'Finding', 'Snippet']),
      ...shown.map(findingRow)
    )
    if (more > 0) lines.push('', `…and ${more} more findings in the JSON report.`)
    lines.push('')
  }
  lines.push('</details>')
  return lines.join('\n')
}

/** Per-server details (notes and findings) of every server that has any. */
function detailsSection(servers: ServerView[]): string {
  const withDetails = servers.filter((s) => s.findings.length > 0 || s.notes.length > 0)
  if (withDetails.length === 0) return ''
  const title = withDetails.some((s) => s.notes.length > 0) ? 'Findings and notes' : 'Findings'
  return [`### ${title}`, '', withDetails.map(detailsBlock).join('\n\n')].join('\n')
}

function complianceSection(model: ReportModel): string {
  if (model.compliance.length === 0) return ''
  return [
    '### Compliance controls touched by failing axes',
    '',
    tableHeader(['Framework', 'Control', 'Title', 'Axes', 'Servers']),
    ...model.compliance.map((c) =>
      tableRow([
        escapeMarkdown(c.framework),
        escapeMarkdown(c.control),
        escapeMarkdown(c.title),
        c.axes.join(', '),
        c.servers.map((n) => codeSpan(n, { inTable: true })).join(', ')
      ])
    )
  ].join('\n')
}

function footer(model: ReportModel, jobUrl: string | undefined): string {
  const parts = [
    `${escapeMarkdown(model.tool.name)} ${escapeMarkdown(model.tool.version)}`,
    `grader: ${escapeMarkdown(model.grader)}`,
    `policy: ${model.policySources.map(escapeMarkdown).join(', ') || 'built-in defaults'}`,
    escapeMarkdown(model.today)
  ]
  if (jobUrl) parts.push(markdownLink('job run', jobUrl))
  return `---\n\n<sub>${parts.join(' · ')}</sub>`
}

/**
 * The job summary (`$GITHUB_STEP_SUMMARY`, SPEC §8): a heading with the verdict and
 * environment(s), counts, one table of every server (file:line, package@version, pinned, grade,
 * six sub-scores, registry, exception, verdict), then the reasons and fix of every blocked,
 * warned or excepted server with its registry facts (owner team, data access, data class, audit)
 * and exception facts (state, expiry, problems, what it waived, approval artifact), each
 * server's notes and findings in `<details>`, the compliance controls touched by failing axes
 * (SOC 2 / GDPR / HIPAA / ISO 27001, with the mapping's source), and a footer.
 *
 * GitHub caps a step summary at 1 MiB; a larger report keeps the table of blocked servers and
 * their reasons (then the compliance section, when it fits), and says plainly what was left out
 * and that the JSON report has everything.
 */
import { AXES, type Axis } from '../grade/report.js'
import { NOT_MAPPED_IN_SOURCE } from '../policy/compliance.js'
import { SizeBudget, utf8Bytes } from './fit.js'
import { fullReportSentence, type FullReportPointer } from './full-report.js'
import {
  codeSpan,
  collapsedBlock,
  escapeMarkdown,
  escapeProse,
  markdownLink,
  tableHeader,
  tableRow
} from './markdown.js'
import type {
  ComplianceView,
  ConfigView,
  FindingView,
  ReportModel,
  ServerView,
  ToolView
} from './model.js'
import type { ExceptionFacts, RegistryFacts } from './record-display.js'

/** GitHub's limit for one step summary: 1 MiB (bytes of UTF-8). */
export const SUMMARY_MAX_BYTES = 1024 * 1024

/** At most this many declared tools are listed per server (the JSON report has all of them). */
export const SUMMARY_MAX_TOOLS_PER_SERVER = 40

/** At most this many findings are listed per server (the JSON report has all of them). */
export const SUMMARY_MAX_FINDINGS_PER_SERVER = 100

/** At most this many servers are named per compliance control (the JSON report has all). */
export const SUMMARY_MAX_SERVERS_PER_CONTROL = 20

/** Bytes kept free for the truncation note when the summary is cut. */
const NOTE_RESERVE_BYTES = 2048

/** Options of `renderSummary`. */
export interface SummaryOptions {
  /** Link to the job run, shown in the footer. */
  jobUrl?: string
  /** Size limit in UTF-8 bytes; default `SUMMARY_MAX_BYTES`. */
  maxBytes?: number
  /** Where the full JSON report is, for the note of a summary cut to the limit. */
  fullReport?: FullReportPointer
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
  const withChange = model.change !== null
  const full = joinBlocks([
    head,
    serverTable(
      model.servers.map((s) => serverRow(s, withChange)),
      withChange
    ),
    model.servers.length > 0 ? legend(model) : '',
    changeSection(model),
    configSection(model.configs),
    reasonsSection(model.servers.filter((s) => s.outcome !== 'passed').map(serverSection)),
    detailsSection(model.servers),
    complianceSection(model),
    foot
  ])
  if (utf8Bytes(full) <= limit) return full
  return truncatedSummary(model, head, foot, limit, options.fullReport)
}

function joinBlocks(blocks: string[]): string {
  return `${blocks.filter((b) => b !== '').join('\n\n')}\n`
}

/**
 * A summary over the limit: the blocked servers' table and reasons first, then the other servers
 * collapsed into `<details>`, then what still fits, with a note saying what was left out and
 * where the full JSON report is.
 */
function truncatedSummary(
  model: ReportModel,
  head: string,
  foot: string,
  limit: number,
  pointer: FullReportPointer | undefined
): string {
  const budget = new SizeBudget(limit - NOTE_RESERVE_BYTES, utf8Bytes)
  budget.reserve(head)
  budget.reserve(foot)
  const withChange = model.change !== null
  const row = (s: ServerView): string => serverRow(s, withChange)
  budget.reserve(tableHeader(headers(withChange)))
  const blocked = model.servers.filter((s) => s.outcome === 'blocked')
  const others = model.servers.filter((s) => s.outcome !== 'blocked')
  // Priority: blocked rows, config errors, blocked reasons; then the other rows (collapsed),
  // the warned servers' reasons and the compliance controls.
  const rows = budget.takeWhile(blocked.map(row))
  const change = changeSection(model)
  const changeShown = change !== '' && budget.take(change) ? change : ''
  const configErrors = model.configs.filter((c) => c.errorText !== null)
  const errorLines = budget.takeWhile(configErrors.map(configErrorLine))
  const sections = budget.takeWhile(blocked.map(serverSection))
  let otherRows: string[] = []
  let compliance = ''
  if (sections.length === blocked.length && others.length > 0) {
    budget.reserve(tableHeader(headers(withChange)))
    budget.reserve(collapsedBlock(othersSummary(others.length, 0), ''))
    otherRows = budget.takeWhile(others.map(row))
    const warned = others.filter((s) => s.outcome === 'warned')
    sections.push(...budget.takeWhile(warned.map(serverSection)))
  }
  if (sections.length === blocked.length + model.counts.warned) {
    const full = complianceSection(model)
    if (full !== '' && budget.take(full)) compliance = full
  }
  const omittedErrors = configErrors.length - errorLines.length
  const droppedCompliance = compliance === '' && model.compliance.length > 0
  const droppedChange = change !== '' && changeShown === ''
  const note = [
    `> [!WARNING]`,
    `> This summary was cut to stay within GitHub's 1 MiB job-summary limit. Shown: ` +
      `${rows.length} of ${blocked.length} blocked servers in the table` +
      (others.length === 0
        ? ''
        : otherRows.length === 0
          ? `, none of the ${others.length} other servers`
          : `, ${otherRows.length} of ${others.length} other servers (collapsed)`) +
      `, the reasons of ${sections.length} of ${blocked.length + model.counts.warned} blocked or warned servers` +
      (omittedErrors > 0 ? `, ${errorLines.length} of ${configErrors.length} config errors` : '') +
      `; findings and notes${droppedChange ? ', the change summary (grades that went down, removed servers)' : ''}${droppedCompliance ? ' and the compliance controls' : ''} are left out. ` +
      fullReportSentence(pointer)
  ].join('\n')
  const otherTable =
    otherRows.length > 0
      ? collapsedBlock(
          othersSummary(others.length, otherRows.length),
          serverTable(otherRows, withChange)
        )
      : ''
  return joinBlocks([
    head,
    note,
    rows.length > 0 ? `### Blocked servers\n\n${serverTable(rows, withChange)}` : '',
    changeShown,
    errorLines.length > 0 ? `### Invalid config files\n\n${errorLines.join('\n')}` : '',
    reasonsSection(sections),
    otherTable,
    compliance,
    foot
  ])
}

/** The summary line of the collapsed table of the other servers (`shown` of `total`). */
function othersSummary(total: number, shown: number): string {
  return shown === total || shown === 0
    ? `${total} other server${total === 1 ? '' : 's'} (warned, excepted or passed)`
    : `${shown} of ${total} other servers (warned, excepted or passed)`
}

/** The line under the table: what `—` and the registry/exception cells mean. */
function legend(model: ReportModel): string {
  const parts = ['— = not assessed (or no grade, no registry file, no exception)']
  if (model.servers.some((s) => s.registry.includes(' ≠ '))) {
    parts.push('registry A ≠ B = the registry approves version A, the config runs B')
  }
  return `<sub>${parts.join(' · ')}</sub>`
}

function heading(model: ReportModel): string {
  const envs = model.environments.map(escapeMarkdown).join(', ')
  return `## ${model.symbol} MCP grade gate: ${model.verdict}${envs ? ` (${envs})` : ''}`
}

function countsLine(model: ReportModel): string {
  const c = model.counts
  if (c.configs === 0) {
    return model.change
      ? 'This change touches no MCP client config file.'
      : 'No MCP client config files were found.'
  }
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

/** The table row of a server; `withChange` adds the Change cell (runs that gated a change). */
function serverRow(s: ServerView, withChange: boolean): string {
  return tableRow([
    codeSpan(s.name, { inTable: true }),
    ...(withChange ? [changeCell(s)] : []),
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

/**
 * The Change cell of a server row (summary and comment), Markdown: `added`,
 * `changed: 1.2.0 → 1.3.1`, `unchanged, not blocking`, plus `⬇️ grade down` when the grade went
 * down against the base; `—` for a run that gated no change.
 */
export function changeCell(s: ServerView): string {
  if (s.change === null) return '—'
  const drop = s.change.gradeDrop ? ' ⬇️ grade down' : ''
  return `${escapeMarkdown(s.change.text)}${drop}`
}

function headers(withChange: boolean): string[] {
  return withChange ? [TABLE_HEADERS[0]!, 'Change', ...TABLE_HEADERS.slice(1)] : TABLE_HEADERS
}

function serverTable(rows: string[], withChange: boolean): string {
  if (rows.length === 0) return ''
  return [tableHeader(headers(withChange)), ...rows].join('\n')
}

/**
 * What the change under review did (runs that gated a pull request's changed configs): the
 * counts, grades that went down, servers it removes, and files whose base could not be read.
 */
function changeSection(model: ReportModel): string {
  const change = model.change
  if (change === null) return ''
  const lines = [
    '### Changes in this pull request',
    '',
    `${escapeMarkdown(change.summary)}` +
      (change.scope === 'changed'
        ? ' · scope: changed (servers the change leaves as they were do not block)'
        : '')
  ]
  if (change.gradeDrops.length > 0) {
    lines.push('', '**Grades that went down against the base:**', '')
    for (const d of change.gradeDrops) {
      lines.push(`- ⬇️ ${codeSpan(d.name)} (${codeSpan(d.location)}): ${escapeProse(d.message)}`)
    }
  }
  if (change.removed.length > 0) {
    lines.push('', '**Removed servers** (no longer launched; not graded):', '')
    for (const r of change.removed) {
      lines.push(
        `- ${codeSpan(r.name)} (${codeSpan(r.location)} on the base): ${codeSpan(r.package)}`
      )
    }
  }
  if (change.notes.length > 0) {
    lines.push('', ...change.notes.map((n) => `- ${escapeProse(n)}`))
  }
  return lines.join('\n')
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
  if (s.registryFacts) lines.push(...registryLines(s.registryFacts))
  if (s.exceptionFacts) lines.push(...exceptionLines(s.exceptionFacts))
  return lines.join('\n')
}

/** `- Registry (file:line): owner team … · data access: … · data class … · audit …`. */
function registryLines(r: RegistryFacts): string[] {
  const where = codeSpan(r.source)
  if (!r.found) return [`- Registry (${where}): no row for this server.`]
  const facts: string[] = []
  if (r.displayName) facts.push(`listed as ${escapeProse(r.displayName)}`)
  facts.push(r.ownerTeam ? `owner team ${codeSpan(r.ownerTeam)}` : 'no owner team')
  facts.push(
    r.dataAccessSummary
      ? `data access: ${escapeProse(r.dataAccessSummary)}`
      : 'no data access summary'
  )
  if (r.dataClass) facts.push(`data class **${r.dataClass}**`)
  let audit = r.auditDate ? `audited ${escapeMarkdown(r.auditDate)}` : 'no audit date'
  if (r.auditAgeDays !== null) audit += ` (${r.auditAgeDays} d ago)`
  if (r.auditUrl) audit += ` · ${markdownLink('audit report', r.auditUrl)}`
  facts.push(audit)
  if (r.currentGrade) facts.push(`recorded grade ${escapeMarkdown(r.currentGrade)}`)
  if (r.approvedVersion) facts.push(`approved version ${codeSpan(r.approvedVersion)}`)
  facts.push(
    r.environmentsApproved.length > 0
      ? `approved for ${r.environmentsApproved.map(escapeMarkdown).join(', ')}`
      : 'approved for no environment'
  )
  if (r.exceptionId) facts.push(`names exception ${codeSpan(r.exceptionId)}`)
  return [`- Registry (${where}): ${facts.join(' · ')}`]
}

const EXCEPTION_STATE: Record<ExceptionFacts['state'], string> = {
  applied: 'applied',
  valid: 'valid (nothing to waive)',
  expiring: 'expiring soon',
  expired: 'expired',
  invalid: 'invalid',
  missing: 'not in the exceptions file'
}

/** `expires 2026-11-26 (5 d left)`, `expires 2026-11-21 (today)`, `on 2026-11-20 (1 d ago)`. */
function expiryText(x: ExceptionFacts): string | null {
  if (x.expiresOn === null) return null
  const date = escapeMarkdown(x.expiresOn)
  const d = x.daysLeft
  if (d !== null && d < 0)
    return `${x.state === 'expired' ? 'on' : 'expired'} ${date} (${-d} d ago)`
  const left = d === null ? '' : d === 0 ? ' (today)' : ` (${d} d left)`
  return `${x.state === 'expired' ? 'on' : 'expires'} ${date}${left}`
}

/** `- Exception `id` (file:line): state · expires … · waives … · artifact`, then its problems. */
function exceptionLines(x: ExceptionFacts): string[] {
  const where = x.source ? ` (${codeSpan(x.source)})` : ''
  const expiry = expiryText(x)
  const facts = [EXCEPTION_STATE[x.state] + (expiry && x.state === 'expired' ? ` ${expiry}` : '')]
  if (expiry && x.state !== 'expired') facts.push(expiry)
  if (x.waived.length > 0) facts.push(`waives ${x.waived.join(', ')}`)
  facts.push(
    x.artifactUrl ? markdownLink('approval artifact', x.artifactUrl) : 'no approval artifact link'
  )
  const lines = [`- Exception ${codeSpan(x.id)}${where}: ${facts.join(' · ')}`]
  for (const p of x.problems) lines.push(`  - Problem: ${escapeProse(p)}`)
  return lines
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
    const where = f.advisory.package ? ` in ${codeSpan(f.advisory.package, { inTable: true })}` : ''
    finding += ` (${markdownLink(f.advisory.id, f.advisory.url)}${where}${
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
  const tools = s.tools ?? []
  if (tools.length > 0) counts.push(`${tools.length} tool${tools.length === 1 ? '' : 's'}`)
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
  if (tools.length > 0) lines.push(...toolsTable(tools))
  lines.push('</details>')
  return lines.join('\n')
}

/**
 * The tools a server declares (at most `SUMMARY_MAX_TOOLS_PER_SERVER`): name, annotations,
 * parameters (`*`: nothing narrows it) and the description, all escaped (tool texts are written
 * by the package's author, and tool poisoning hides instructions in them).
 */
function toolsTable(tools: ToolView[]): string[] {
  const shown = tools.slice(0, SUMMARY_MAX_TOOLS_PER_SERVER)
  const lines = [
    'Declared tools (parameters marked `*` take any value):',
    '',
    tableHeader(['Tool', 'Hints', 'Parameters', 'Declared at', 'Description']),
    ...shown.map((t) =>
      tableRow([
        codeSpan(t.name, { inTable: true }),
        t.hints.length > 0 ? escapeProse(t.hints.join(', '), { inTable: true }) : '—',
        t.parameters.length > 0 ? codeSpan(t.parameters.join(', '), { inTable: true }) : '—',
        t.location ? codeSpan(t.location, { inTable: true }) : '—',
        t.description ? escapeProse(t.description, { inTable: true }) : '—'
      ])
    )
  ]
  if (tools.length > shown.length) {
    lines.push('', `…and ${tools.length - shown.length} more tools in the JSON report.`)
  }
  lines.push('')
  return lines
}

/** Per-server details (notes, findings, declared tools) of every server that has any. */
function detailsSection(servers: ServerView[]): string {
  const withDetails = servers.filter(
    (s) => s.findings.length > 0 || s.notes.length > 0 || (s.tools?.length ?? 0) > 0
  )
  if (withDetails.length === 0) return ''
  const title = withDetails.some((s) => s.notes.length > 0) ? 'Findings and notes' : 'Findings'
  return [`### ${title}`, '', withDetails.map(detailsBlock).join('\n\n')].join('\n')
}

/** `name` in a table cell; with its `file:line` when another listed server has the same name. */
function serverLabels(servers: ComplianceView['servers']): string[] {
  return servers.map((x) => {
    const twin = servers.some((y) => y !== x && y.name === x.name)
    const name = codeSpan(x.name, { inTable: true })
    return twin ? `${name} (${codeSpan(x.location, { inTable: true })})` : name
  })
}

/**
 * The compliance section: one row per control touched (framework, control id and name, the
 * failing axes, the servers), the mapping's source, and the axes the source maps to nothing.
 */
function complianceSection(model: ReportModel): string {
  if (model.compliance.length === 0) return ''
  const gaps = new Map<Axis, string[]>()
  for (const g of NOT_MAPPED_IN_SOURCE) gaps.set(g.axis, [...(gaps.get(g.axis) ?? []), g.framework])
  const unmapped = [...gaps].map(([axis, fw]) => `${axis} (${fw.join(', ')})`).join('; ')
  return [
    '### Compliance controls touched',
    '',
    'Failing or floored axes touch these controls; the grades, findings and reasons above are the ' +
      'evidence for each.',
    '',
    tableHeader(['Framework', 'Control', 'Axes', 'Servers']),
    ...model.compliance.map((c) => {
      const shown = serverLabels(c.servers.slice(0, SUMMARY_MAX_SERVERS_PER_CONTROL))
      const more = c.servers.length - SUMMARY_MAX_SERVERS_PER_CONTROL
      return tableRow([
        escapeMarkdown(c.framework),
        `${escapeMarkdown(c.control)} ${escapeMarkdown(c.title)}`,
        c.axes.join(', '),
        shown.join(', ') + (more > 0 ? ` and ${more} more` : '')
      ])
    }),
    '',
    `<sub>Mapping: ${escapeMarkdown(model.complianceSource)}. ` +
      `Not mapped there: ${escapeMarkdown(unmapped)}.</sub>`
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

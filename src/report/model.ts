/**
 * The pure report model (SPEC §8): everything the job summary, PR comment, annotations and
 * terminal table need, computed once from a `GateRun`, sorted and with display strings ready.
 * No I/O. Strings are plain text (one line, clipped) and still untrusted: each renderer escapes
 * them for its medium.
 */
import type { RunChange } from '../change/run-change.js'
import type { ServerChangeFacts } from '../policy/result.js'
import { ASPECT_LABELS, type ChangeKind } from '../change/types.js'
import type { ClientFormat } from '../config/types.js'
import {
  AXES,
  SEVERITIES,
  type Axis,
  type DeclaredTool,
  type Finding,
  type Severity
} from '../grade/report.js'
import { COMPLIANCE_SOURCE } from '../policy/compliance.js'
import type { DataClass } from '../policy/records.js'
import type { ReasonCode, ReasonSeverity, Verdict } from '../policy/reasons.js'
import type { ComplianceImpact, ServerResult } from '../policy/result.js'
import type { Ecosystem } from '../resolve/types.js'
import {
  MAX_NAME_CHARS,
  locationDisplay,
  overallCell,
  packageDisplay,
  pinnedDisplay,
  subScoreCells,
  verdictSymbol,
  type PinnedDisplay,
  type ScoreCell,
  type VerdictSymbol
} from './display.js'
import { summariseCompliance, type ControlSummary } from './compliance-summary.js'
import { clip, toOneLine } from './markdown.js'
import {
  exceptionCell,
  exceptionFacts,
  registryCell,
  registryFacts,
  type ExceptionFacts,
  type RegistryFacts
} from './record-display.js'
import type { GateRun, RunCounts, RunVerdict } from './run.js'
import { serverNotes, shownFindings } from './server-facts.js'

/** Longest reason message / fix / finding title kept (characters). */
export const MAX_MESSAGE_CHARS = 1000
/** Longest evidence snippet kept (characters). */
export const MAX_SNIPPET_CHARS = 300

/**
 * Which bucket a server falls in for ordering and for the comment/annotations:
 * `blocked` (fail, or error with an error-severity reason), `warned` (warn, excepted, or an error
 * the policy only warns about), `passed`.
 */
export type Outcome = 'blocked' | 'warned' | 'passed'

/** One reason, ready to show. */
export interface ReasonView {
  code: ReasonCode
  severity: ReasonSeverity
  message: string
  fix: string | null
}

/** One finding, ready to show (SPEC §2 `findings[]`). */
export interface FindingView {
  ruleId: string
  axis: Axis
  severity: Severity
  title: string
  cwe: string | null
  /** `file:line`, `file`, or null when the grader gave no evidence location. */
  location: string | null
  snippet: string | null
  /** The advisory; `package` is `name@version` when a dependency is the one affected. */
  advisory: {
    id: string
    url: string | null
    fixedIn: string | null
    package: string | null
  } | null
}

/** One tool a server declares (`GradeReport.tools`), ready to show. */
export interface ToolView {
  name: string
  /** The description on one line, clipped to `MAX_TOOL_DESCRIPTION_CHARS`; null when none. */
  description: string | null
  /** `read-only`, `destructive`, `idempotent`, `open-world` and their `not …` forms, as declared. */
  hints: string[]
  /** Parameter names, `*` after each that no constraint narrows (a free string, say). */
  parameters: string[]
  /** `file:line` of the declaration, when known. */
  location: string | null
}

/** Longest tool description shown in reports (the JSON report has the whole grade). */
export const MAX_TOOL_DESCRIPTION_CHARS = 160

/** One server row and its details. */
export interface ServerView {
  name: string
  /** The config path for display: one line, clipped to `MAX_NAME_CHARS`. */
  config: string
  /**
   * The config path exactly as the gate was given it (posix, relative to the workspace), for
   * machine use such as an annotation's `file`; never clipped, so not for display.
   */
  file: string
  /** 1-based line and column of the entry's key. */
  line: number
  column: number
  /** `config:line`. */
  location: string
  environment: string
  ecosystem: Ecosystem
  /** `@scope/pkg@1.2.3`, `pkg (unpinned → 1.4.2)`, `image@sha256:abcd…`, URL, path. */
  package: string
  purl: string | null
  /**
   * The package's name as identified (npm/PyPI name, OCI image without tag), one line; null when
   * none. Stable across resolution, unlike `package` and `purl` (SARIF fingerprints use it).
   */
  packageName: string | null
  pinned: PinnedDisplay
  /** Overall grade: `B (81)`, `B`, `ungraded`, `grader error`. */
  grade: ScoreCell
  /** The six sub-scores in `AXES` order: `A (95)`, `C`, `—` (not assessed). */
  subScores: Record<Axis, ScoreCell>
  /** Which grader answered and where its full report is, when graded. */
  gradeSource: string | null
  reportUrl: string | null
  auditedAt: string | null
  /** Why there is no grade, when there is none. */
  gradeProblem: string | null
  /**
   * Registry column (`registryCell`): `—` without a registry file, `not in registry`, `approved`,
   * `not approved for production`, `audit 86 d`, `registry 1.2.3 ≠ 1.3.0`, …, then the data class.
   */
  registry: string
  /**
   * Exception column (`exceptionCell`): `—` without an exception, `EXC-12 applied, 5 d left`,
   * `EXC-9 expired 2026-11-20`, `EXC-4 invalid`, …
   */
  exception: string
  /** The registry row's data classification (SPEC §6), when known. */
  dataClass: DataClass | null
  /** The registry facts (owner team, data access, audit, …); null without a registry file. */
  registryFacts: RegistryFacts | null
  /** The exception facts (id, state, expiry, problems, waived codes); null without one. */
  exceptionFacts: ExceptionFacts | null
  /**
   * Controls touched by this server's failing or floored axes (SPEC §8), in the mapping's order
   * (framework, control, axis); empty when no axis fails.
   */
  compliance: ComplianceImpact[]
  verdict: Verdict
  /** ✅ pass, ⚠️ warn, ⏳ excepted, ❌ fail/error. */
  symbol: VerdictSymbol
  outcome: Outcome
  /** Reasons, worst severity first (stable). */
  reasons: ReasonView[]
  /** Distinct fixes of the reasons, in reason order. */
  fixes: string[]
  /**
   * Grade findings, config findings and findings shown without a grade, each once
   * (`shownFindings`), worst severity first (stable).
   */
  findings: FindingView[]
  /** The tools the grader found the server declares; null when it did not look. */
  tools: ToolView[] | null
  /** Entry and resolution notes (`serverNotes`), one line each, clipped. */
  notes: string[]
  /** How the change under review touches the server; null when the whole workspace was gated. */
  change: ChangeView | null
}

/** How the change under review touches one server, ready to show (issue 5). */
export interface ChangeView {
  kind: ChangeKind
  /**
   * The table cell: `added`, `unchanged`, `changed: 1.2.0 → 1.3.1`, `changed: env keys, args`;
   * plus `, not blocking` for an unchanged server under `scope: changed`.
   */
  text: string
  /** `1.2.0 → 1.3.1` when the written version changed, else null. */
  versionBump: string | null
  /** What differs, one line each (never env or header values). */
  aspects: string[]
  /** `grade went down against the base: B (81) → C (65)`, or null. */
  gradeDrop: string | null
  blocking: boolean
}

/** A server the change removes, ready to show. */
export interface RemovedView {
  name: string
  /** `config:line` on the base. */
  location: string
  package: string
}

/** The change under review, ready to show; null in the model when the whole workspace was gated. */
export interface RunChangeView {
  scope: 'all' | 'changed'
  /** `2 added, 1 changed, 5 unchanged, 1 removed`. */
  summary: string
  removed: RemovedView[]
  /** Config files whose base could not be read, and other per-file notes, one line each. */
  notes: string[]
  /** Servers whose grade went down against the base, by name and location. */
  gradeDrops: { name: string; location: string; message: string }[]
}

/** One config file (SPEC §8 `configs[]`). */
export interface ConfigView {
  /** The path for display: one line, clipped to `MAX_NAME_CHARS`. */
  path: string
  /** The path exactly as the gate was given it, for machine use (annotation `file`). */
  file: string
  format: ClientFormat
  servers: number
  /** False: the file is not a client config ("no MCP servers"), not an error. */
  hasServerMap: boolean
  error: { message: string; line: number; column: number } | null
  /** `path:line:column: message` for an invalid config, else null. */
  errorText: string | null
  notes: string[]
}

/**
 * A compliance control touched by failing axes (SPEC §8, SOC 2 / GDPR / HIPAA / ISO 27001), with
 * every server (by name and `file:line`) whose failing axes touch it, blocked servers first
 * (mapping: `policy/compliance.ts`; grouping: `summariseCompliance`).
 */
export type ComplianceView = ControlSummary<{ name: string; location: string }>

/** Counts for headings: the run's counts plus buckets and config totals. */
export interface ModelCounts extends RunCounts {
  blocked: number
  warned: number
  passed: number
  configs: number
  invalidConfigs: number
  /** Config files that hold no server map ("no MCP servers"). */
  noServerConfigs: number
}

/** Everything every renderer needs. */
export interface ReportModel {
  tool: { name: string; version: string }
  /** `YYYY-MM-DD` (UTC) used for dates in the policy. */
  today: string
  startedAt: string
  grader: string
  verdict: RunVerdict
  symbol: '✅' | '⚠️' | '❌'
  /** Distinct environments of the run's policies, first-use order. */
  environments: string[]
  /** Distinct policy sources: file paths, or `built-in defaults`. */
  policySources: string[]
  counts: ModelCounts
  configs: ConfigView[]
  /** Blocked first, then warned, then passed; run order within each bucket. */
  servers: ServerView[]
  /**
   * The run's compliance section (SPEC §8): every control touched by any server's failing axes,
   * in the mapping's order (framework, then control); empty when no axis fails.
   */
  compliance: ComplianceView[]
  /** Citation of the compliance mapping's source (`COMPLIANCE_SOURCE`). */
  complianceSource: string
  /** The change under review; null when the run gated the whole workspace. */
  change: RunChangeView | null
}

const OUTCOME_ORDER: Record<Outcome, number> = { blocked: 0, warned: 1, passed: 2 }
const REASON_ORDER: Record<ReasonSeverity, number> = { error: 0, warning: 1, notice: 2 }

/**
 * Build the report model of a run. Pure; never throws for any `GateRun` the types allow.
 * Sorting: servers blocked → warned → passed (stable); reasons error → warning → notice;
 * findings critical → info (both stable).
 */
export function buildReportModel(run: GateRun): ReportModel {
  const servers = run.servers.map(serverView)
  const order = servers.map((s, i) => ({ s, i }))
  order.sort((a, b) => OUTCOME_ORDER[a.s.outcome] - OUTCOME_ORDER[b.s.outcome] || a.i - b.i)
  const sorted = order.map((o) => o.s)
  const configs = run.configs.map((c): ConfigView => ({
    path: clip(toOneLine(c.path), MAX_NAME_CHARS),
    file: c.path,
    format: c.format,
    servers: c.servers.length,
    hasServerMap: c.hasServerMap,
    error: c.error,
    errorText: c.error
      ? `${clip(toOneLine(c.path), MAX_NAME_CHARS)}:${c.error.line}:${c.error.column}: ${clip(toOneLine(c.error.message), MAX_MESSAGE_CHARS)}`
      : null,
    notes: c.notes.map((n) => clip(toOneLine(n), MAX_MESSAGE_CHARS))
  }))
  return {
    tool: run.tool,
    today: run.today,
    startedAt: run.startedAt,
    grader: run.grader,
    verdict: run.verdict,
    symbol: verdictSymbol(run.verdict),
    environments: distinct(run.policies.map((p) => p.environment)),
    policySources: distinct(run.policies.map((p) => p.policyFile ?? 'built-in defaults')),
    counts: {
      ...run.counts,
      blocked: sorted.filter((s) => s.outcome === 'blocked').length,
      warned: sorted.filter((s) => s.outcome === 'warned').length,
      passed: sorted.filter((s) => s.outcome === 'passed').length,
      configs: configs.length,
      invalidConfigs: configs.filter((c) => c.error !== null).length,
      noServerConfigs: configs.filter((c) => c.error === null && !c.hasServerMap).length
    },
    configs,
    servers: sorted,
    compliance: summariseCompliance(
      sorted.map((s) => ({
        server: { name: s.name, location: s.location },
        impacts: s.compliance
      })),
      (s) => `${s.name}\u0000${s.location}`
    ),
    complianceSource: COMPLIANCE_SOURCE,
    change: run.change ? runChangeView(run.change, sorted) : null
  }
}

function runChangeView(change: RunChange, servers: ServerView[]): RunChangeView {
  const counts = change.summary.servers
  const order = [
    'added',
    'changed',
    'unchanged',
    'removed'
  ] as const satisfies readonly ChangeKind[]
  const parts = order.filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`)
  const line = (text: string): string => clip(toOneLine(text), MAX_MESSAGE_CHARS)
  return {
    scope: change.scope,
    summary: parts.length > 0 ? parts.join(', ') : 'no MCP servers changed',
    removed: change.removed.map((r) => ({
      name: clip(toOneLine(r.name), MAX_NAME_CHARS),
      location: `${clip(toOneLine(r.config), MAX_NAME_CHARS)}:${r.line}`,
      package: clip(toOneLine(r.package), MAX_NAME_CHARS)
    })),
    notes: change.configs.flatMap((c) => c.notes.map((n) => line(`${c.path}: ${n}`))),
    gradeDrops: servers.flatMap((s) =>
      s.change?.gradeDrop
        ? [{ name: s.name, location: s.location, message: s.change.gradeDrop }]
        : []
    )
  }
}

/** The change cell and facts of a server (see `ChangeView`). */
function changeView(change: ServerChangeFacts): ChangeView {
  const labels = change.aspects.map((a) => ASPECT_LABELS[a.aspect])
  let text: string = change.kind
  if (change.kind === 'changed') {
    const what = change.versionBump
      ? [change.versionBump, ...labels.filter((l) => l !== ASPECT_LABELS.version)]
      : labels
    text = `changed: ${[...new Set(what)].join(', ')}`
  }
  if (!change.blocking) text += ', not blocking'
  return {
    kind: change.kind,
    text: clip(toOneLine(text), MAX_NAME_CHARS),
    versionBump: change.versionBump === null ? null : toOneLine(change.versionBump),
    aspects: change.aspects.map((a) => clip(toOneLine(a.message), MAX_MESSAGE_CHARS)),
    gradeDrop: change.gradeDrop
      ? clip(toOneLine(change.gradeDrop.message), MAX_MESSAGE_CHARS)
      : null,
    blocking: change.blocking
  }
}

/** The bucket of a server result (see `Outcome`). */
export function outcomeOf(result: Pick<ServerResult, 'verdict' | 'reasons'>): Outcome {
  switch (result.verdict) {
    case 'fail':
      return 'blocked'
    case 'error':
      return result.reasons.some((r) => r.severity === 'error') ? 'blocked' : 'warned'
    case 'warn':
    case 'excepted':
      return 'warned'
    case 'pass':
      return 'passed'
  }
}

function serverView(result: ServerResult): ServerView {
  const { entry, package: pkg } = result.server
  const reasons = result.reasons
    .map((r): ReasonView => ({
      code: r.code,
      severity: r.severity,
      message: clip(toOneLine(r.message), MAX_MESSAGE_CHARS),
      fix: r.fix ? clip(toOneLine(r.fix), MAX_MESSAGE_CHARS) : null
    }))
    .map((r, i) => ({ r, i }))
    .sort((a, b) => REASON_ORDER[a.r.severity] - REASON_ORDER[b.r.severity] || a.i - b.i)
    .map((x) => x.r)
  const findings = shownFindings(result)
    .map(findingView)
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) => SEVERITIES.indexOf(a.f.severity) - SEVERITIES.indexOf(b.f.severity) || a.i - b.i
    )
    .map((x) => x.f)
  return {
    name: clip(toOneLine(entry.name), MAX_NAME_CHARS),
    config: clip(toOneLine(entry.config), MAX_NAME_CHARS),
    file: entry.config,
    line: entry.location.line,
    column: entry.location.column,
    location: locationDisplay(entry.config, entry.location.line),
    environment: result.policy.environment,
    ecosystem: pkg.ecosystem,
    package: packageDisplay(pkg),
    purl: pkg.purl,
    packageName: pkg.name === null ? null : toOneLine(pkg.name),
    pinned: pinnedDisplay(pkg),
    grade: overallCell(result.grade, result.gradeProblem),
    subScores: subScoreCells(result.grade, AXES),
    gradeSource: result.grade
      ? `${result.grade.source}: ${result.grade.grader.name} ${result.grade.grader.version}`
      : null,
    reportUrl: result.grade?.reportUrl ?? null,
    auditedAt: result.grade?.auditedAt ?? null,
    gradeProblem: result.gradeProblem
      ? clip(toOneLine(result.gradeProblem.message), MAX_MESSAGE_CHARS)
      : null,
    registry: registryCell(result),
    exception: exceptionCell(result.exception),
    dataClass: result.registry?.entry?.dataClassification ?? null,
    registryFacts: registryFacts(result),
    exceptionFacts: exceptionFacts(result),
    compliance: result.compliance.map((c) => ({ ...c })),
    verdict: result.verdict,
    symbol: verdictSymbol(result.verdict),
    outcome: outcomeOf(result),
    reasons,
    fixes: distinct(reasons.flatMap((r) => (r.fix ? [r.fix] : []))),
    findings,
    tools: result.grade?.tools ? result.grade.tools.map(toolView) : null,
    notes: distinct(serverNotes(result.server).map((n) => clip(toOneLine(n), MAX_MESSAGE_CHARS))),
    change: result.change ? changeView(result.change) : null
  }
}

function findingView(f: Finding): FindingView {
  const file = f.evidence?.file ? clip(toOneLine(f.evidence.file), MAX_NAME_CHARS) : null
  const line = f.evidence?.line
  return {
    ruleId: clip(toOneLine(f.ruleId), MAX_NAME_CHARS),
    axis: f.axis,
    severity: f.severity,
    title: clip(toOneLine(f.title), MAX_MESSAGE_CHARS),
    cwe: f.cwe ?? null,
    location: file === null ? null : line === undefined ? file : `${file}:${line}`,
    snippet: f.evidence?.snippet ? clip(toOneLine(f.evidence.snippet), MAX_SNIPPET_CHARS) : null,
    advisory: f.advisory
      ? {
          id: clip(toOneLine(f.advisory.id), MAX_NAME_CHARS),
          url: f.advisory.url ?? null,
          fixedIn: f.advisory.fixedIn ? clip(toOneLine(f.advisory.fixedIn), MAX_NAME_CHARS) : null,
          package: f.advisory.package ? clip(toOneLine(f.advisory.package), MAX_NAME_CHARS) : null
        }
      : null
  }
}

function toolView(tool: DeclaredTool): ToolView {
  const hint = (value: boolean | undefined, yes: string): string[] =>
    value === undefined ? [] : [value ? yes : `not ${yes}`]
  const { annotations } = tool
  const file = tool.evidence?.file ? clip(toOneLine(tool.evidence.file), MAX_NAME_CHARS) : null
  const line = tool.evidence?.line
  return {
    name: clip(toOneLine(tool.name), MAX_NAME_CHARS),
    description: tool.description
      ? clip(toOneLine(tool.description), MAX_TOOL_DESCRIPTION_CHARS)
      : null,
    hints: [
      ...hint(annotations.readOnlyHint, 'read-only'),
      ...hint(annotations.destructiveHint, 'destructive'),
      ...hint(annotations.idempotentHint, 'idempotent'),
      ...hint(annotations.openWorldHint, 'open-world')
    ],
    parameters: tool.parameters.map(
      (p) => `${clip(toOneLine(p.name), MAX_NAME_CHARS)}${p.constrained ? '' : '*'}`
    ),
    location: file === null ? null : line === undefined ? file : `${file}:${line}`
  }
}

function distinct(values: string[]): string[] {
  return [...new Set(values)]
}

/**
 * SARIF 2.1.0 output of a gate run (SPEC §8 `sarif-path`, `--format sarif`), shaped for GitHub
 * code scanning (GitHub Docs, "SARIF support for code scanning"); docs/sarif.md documents it.
 *
 * One run. `tool.driver.rules` holds one rule per reason code (id = the code, SPEC §8) and one
 * per grader rule id that the kept results use (`sarif-rules.ts`). Results:
 * - every invalid config file → `CONFIG_INVALID` at the error's line/column;
 * - every server reason except `notice`s (information, nothing to fix: an exception applied, an
 *   exception for another environment) → one result, level from the reason severity, message =
 *   the reason message and its fix;
 * - every finding of a blocked or warned server → one result, id = the finding's rule id, level
 *   from its severity (`FINDING_SEVERITY`), message naming the server, the package, the finding,
 *   its evidence location and advisory.
 *
 * Every server result is located at the config file line/column of the server's entry (the model's
 * raw `file`, percent-encoded, relative to `%SRCROOT%`): that is the line a PR changes, and the
 * finding's own place (inside a package tarball) is not a file of the repository.
 *
 * Fingerprints: `partialFingerprints["mcpGradeGate/v1"]` = the first 32 hex digits of the SHA-256
 * of the JSON array `[config file, server name, rule id, package identity without version,
 * discriminator]` (+ `#n` for the n-th repeat), see `fingerprintOf`. The version is left out on
 * purpose: a bump that does not fix the problem keeps the alert (and its triage); a bump that
 * does fix it closes the alert as fixed. The upload action adds its own `primaryLocationLineHash`.
 *
 * Text: every string that came from a config, a package or a grader is plain text: one line,
 * clipped, square brackets escaped so a viewer cannot turn it into a link (SARIF 2.1.0 §3.11.6
 * embedded links), snippets masked again (`maskSecretsInText`). Pure: no I/O, no clock.
 */
import { createHash } from 'node:crypto'
import type { Invocation, Location, Log as SarifLog, ReportingDescriptor, Result } from 'sarif'
import { maskSecretsInText } from '../config/secrets.js'
import { TOOL_NAME, TOOL_VERSION } from '../version.js'
import { REASON_CODES } from '../policy/reasons.js'
import { clip, toOneLine } from './markdown.js'
import type { ConfigView, FindingView, ReportModel, ServerView } from './model.js'
import {
  FINDING_SEVERITY,
  REASON_RULES,
  builtinRule,
  builtinRuleDescriptor,
  externalRuleDescriptor,
  isReasonCode,
  levelOfReason,
  reasonRule,
  worseSeverity,
  type ExternalRuleFacts,
  type SarifLevel
} from './sarif-rules.js'

/** Options of `renderSarif`. */
export interface SarifOptions {
  /** `tool.driver.informationUri`; reason rules link its `#reason-codes` section. */
  informationUri?: string
  /** URL of docs/grading.md; built-in rules link its section (`#source-rules`, …). */
  rubricUri?: string
  /**
   * Most results written (default 5000, the number GitHub code scanning shows per run). Beyond
   * it the worst are kept (level, then security-severity, then order) and the run says how many
   * were dropped (`run.properties.droppedResults` and a tool execution notification).
   */
  maxResults?: number
}

/** The project's README; reason-code rules link `#reason-codes` in it. */
const DEFAULT_INFORMATION_URI = 'https://github.com/mcp-grade-gate/mcp-grade-gate#readme'
/** docs/grading.md on the default branch. */
const DEFAULT_RUBRIC_URI =
  'https://github.com/mcp-grade-gate/mcp-grade-gate/blob/main/docs/grading.md'
/** GitHub code scanning shows the top 5000 results of a run (GitHub Docs, SARIF limits). */
export const DEFAULT_MAX_RESULTS = 5000
/** The `partialFingerprints` key (SARIF 2.1.0 §3.27.17: a name with a version suffix). */
export const FINGERPRINT_KEY = 'mcpGradeGate/v1'
/** The OASIS SARIF 2.1.0 schema (errata 01). */
const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json'
/** The base id of locations relative to the repository root. */
export const SRCROOT = '%SRCROOT%'

/** Longest result message kept (characters). */
const MAX_RESULT_MESSAGE_CHARS = 2000
/** Longest rule description built from a grader's text (characters). */
const MAX_TITLE_CHARS = 200
/** Longest evidence snippet quoted in a message (characters). */
const MAX_SNIPPET_CHARS = 200
/** Hex digits kept of the SHA-256 fingerprint (128 bits). */
const FINGERPRINT_HEX = 32

const LEVEL_RANK: Record<SarifLevel, number> = { error: 0, warning: 1, note: 2 }

/** A result being built: its SARIF rule id (a reason code or rule id) and level always set. */
type DraftResult = Result & { ruleId: string; level: SarifLevel }

interface Draft {
  result: DraftResult
  securitySeverity: number
  /** Fingerprint parts before the repeat ordinal. */
  identity: string[]
  /**
   * The finding and the grader that reported it (finding results only: the result's rule is the
   * finding's rule, `view.ruleId`; without it, the reason code `result.ruleId`).
   */
  finding?: { view: FindingView; source: string | null }
}

/**
 * Render the SARIF log of a run. Pure; the same model and options give the same log.
 * @returns a SARIF 2.1.0 log with one run (`@types/sarif` `Log`).
 * @throws RangeError when `maxResults` is not an integer ≥ 1.
 * @throws TypeError when `informationUri` or `rubricUri` is not an absolute URL.
 */
export function renderSarif(model: ReportModel, options: SarifOptions = {}): SarifLog {
  const maxResults = options.maxResults ?? DEFAULT_MAX_RESULTS
  if (!Number.isInteger(maxResults) || maxResults < 1) {
    throw new RangeError(`maxResults must be an integer of at least 1, got ${maxResults}`)
  }
  const informationUri = absoluteUrl(
    'informationUri',
    options.informationUri ?? DEFAULT_INFORMATION_URI
  ).href
  const rubricUri = absoluteUrl('rubricUri', options.rubricUri ?? DEFAULT_RUBRIC_URI)
  rubricUri.hash = ''
  const reasonsUri = new URL(informationUri)
  reasonsUri.hash = 'reason-codes'

  const drafts = [
    ...model.configs.flatMap(configDrafts),
    ...model.servers.flatMap((s) => serverDrafts(s))
  ]
  fingerprint(drafts)
  const kept = worst(drafts, maxResults)
  const dropped = drafts.length - kept.length

  const rules: ReportingDescriptor[] = REASON_CODES.map((code) => reasonRule(code, reasonsUri.href))
  rules.push(...graderRules(kept, rubricUri.href))
  const index = new Map(rules.map((r, i) => [r.id, i]))
  const results: Result[] = kept.map((d) => ({
    ...d.result,
    ruleIndex: index.get(d.result.ruleId)
  }))

  const invocation: Invocation = { executionSuccessful: true }
  const started = isoTime(model.startedAt)
  if (started) invocation.startTimeUtc = started
  if (dropped > 0) {
    invocation.toolExecutionNotifications = [
      {
        level: 'warning',
        message: {
          text: `${dropped} of ${drafts.length} results were left out (maxResults ${maxResults}); the worst ${kept.length} were kept. The JSON report lists every one.`
        }
      }
    ]
  }

  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            semanticVersion: TOOL_VERSION,
            informationUri,
            rules
          }
        },
        invocations: [invocation],
        columnKind: 'utf16CodeUnits',
        results,
        properties: {
          verdict: model.verdict,
          environments: model.environments,
          grader: model.grader,
          today: model.today,
          counts: {
            servers: model.counts.servers,
            pass: model.counts.pass,
            warn: model.counts.warn,
            fail: model.counts.fail,
            excepted: model.counts.excepted,
            error: model.counts.error,
            invalidConfigs: model.counts.invalidConfigs
          },
          maxResults,
          droppedResults: dropped
        }
      }
    ]
  }
}

/**
 * The SARIF log as text: JSON, 2-space indent, trailing newline (what `sarif-path` and
 * `--format sarif` write). Same options and errors as `renderSarif`.
 */
export function sarifText(model: ReportModel, options: SarifOptions = {}): string {
  return `${JSON.stringify(renderSarif(model, options), null, 2)}\n`
}

/**
 * The alert identity of a result: the first 32 hex digits of SHA-256 over the JSON array of
 * `parts` (config file, server name, rule id, package identity without version, discriminator),
 * followed by `#n` when it is the n-th result (n ≥ 2) with the same parts in the run.
 */
export function fingerprintOf(parts: readonly string[], occurrence = 1): string {
  const key = occurrence > 1 ? [...parts, `#${occurrence}`] : parts
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, FINGERPRINT_HEX)
}

/**
 * Untrusted text as a SARIF plain-text message: one line, `[` and `]` (and a backslash before
 * them) escaped with a backslash so no viewer renders an embedded link (SARIF 2.1.0 §3.11.6),
 * clipped to `max` characters.
 */
export function plainText(text: string, max: number = MAX_RESULT_MESSAGE_CHARS): string {
  return clip(
    toOneLine(text).replace(/\\(?=[[\]])|[[\]]/g, (c) => `\\${c}`),
    max
  )
}

function configDrafts(c: ConfigView): Draft[] {
  if (!c.error) return []
  const message = `${c.path}: ${toOneLine(c.error.message)}. ${REASON_RULES.CONFIG_INVALID.fix} The other config files were still gated.`
  return [
    {
      securitySeverity: Number(REASON_RULES.CONFIG_INVALID.securitySeverity),
      identity: [c.file, '', 'CONFIG_INVALID', '', ''],
      result: {
        ruleId: 'CONFIG_INVALID',
        level: 'error',
        message: { text: plainText(message) },
        locations: [locationOf(c.file, c.error.line, c.error.column)],
        properties: { config: c.file, format: c.format }
      }
    }
  ]
}

function serverDrafts(s: ServerView): Draft[] {
  const out: Draft[] = []
  const pkg = packageIdentity(s)
  const where = locationOf(s.file, s.line, s.column)
  const facts: Record<string, unknown> = {
    server: s.name,
    environment: s.environment,
    verdict: s.verdict,
    package: s.package,
    grade: s.grade.text
  }
  if (s.purl) facts.purl = s.purl
  for (const r of s.reasons) {
    if (r.severity === 'notice') continue
    const level = levelOfReason(r.severity)
    out.push({
      securitySeverity: Number(REASON_RULES[r.code].securitySeverity),
      identity: [s.file, s.name, r.code, pkg, ''],
      result: {
        ruleId: r.code,
        level,
        message: { text: plainText(withFix(r.message, r.fix)) },
        locations: [where],
        properties: { ...facts }
      }
    })
  }
  if (s.outcome === 'passed') return out
  for (const f of s.findings) {
    const ruleId = isReasonCode(f.ruleId) ? `finding/${f.ruleId}` : f.ruleId
    const { level, securitySeverity } = FINDING_SEVERITY[f.severity]
    const findingFacts: Record<string, unknown> = { ...facts, axis: f.axis, severity: f.severity }
    if (f.location) findingFacts.evidence = f.location
    if (f.cwe) findingFacts.cwe = f.cwe
    if (f.advisory) findingFacts.advisory = f.advisory.id
    out.push({
      securitySeverity: Number(securitySeverity),
      identity: [s.file, s.name, ruleId, pkg, discriminator(f)],
      finding: { view: f, source: s.gradeSource },
      result: {
        ruleId,
        level,
        message: { text: plainText(findingMessage(s, f)) },
        locations: [where],
        properties: findingFacts
      }
    })
  }
  return out
}

/** `message. Fix: fix` (no doubled full stop). */
function withFix(message: string, fix: string | null): string {
  if (!fix) return message
  return `${message}${/[.!?…]$/.test(message) ? '' : '.'} Fix: ${fix}`
}

/**
 * `MCP server "fs" (pkg@1.2.3): high finding: <title> — evidence: dist/index.js:42; advisory GHSA-… in
 * dep@1.0.0, fixed in 1.2.4; snippet "…"`.
 */
function findingMessage(s: ServerView, f: FindingView): string {
  const parts: string[] = []
  if (f.location) parts.push(`evidence: ${f.location}`)
  if (f.advisory) {
    const inPkg = f.advisory.package ? ` in ${f.advisory.package}` : ''
    const fixed = f.advisory.fixedIn ? `, fixed in ${f.advisory.fixedIn}` : ''
    parts.push(`advisory ${f.advisory.id}${inPkg}${fixed}`)
  }
  if (f.cwe) parts.push(f.cwe)
  if (f.snippet) {
    parts.push(`snippet ${JSON.stringify(clip(maskSecretsInText(f.snippet), MAX_SNIPPET_CHARS))}`)
  }
  const detail = parts.length > 0 ? ` — ${parts.join('; ')}` : ''
  return `MCP server ${JSON.stringify(s.name)} (${s.package}): ${f.severity} finding: ${f.title}${detail}`
}

/**
 * What tells apart two findings of one rule on one server across runs: the advisory id, else
 * the evidence file without its line (lines move between versions), else nothing.
 */
function discriminator(f: FindingView): string {
  if (f.advisory) return `advisory:${f.advisory.id}`
  if (f.location) return `file:${f.location.replace(/:\d+$/, '')}`
  return ''
}

/**
 * The package identity in fingerprints, without version: `ecosystem:name` for npm, PyPI and OCI
 * (the same before and after the version is resolved); for remote, local and unknown servers
 * the URL or path as displayed.
 */
function packageIdentity(s: ServerView): string {
  if (s.ecosystem === 'npm' || s.ecosystem === 'pypi' || s.ecosystem === 'oci') {
    return `${s.ecosystem}:${s.packageName ?? ''}`
  }
  return `${s.ecosystem}:${s.package}`
}

/** Set `partialFingerprints` on every draft, numbering repeats of the same identity. */
function fingerprint(drafts: Draft[]): void {
  const seen = new Map<string, number>()
  for (const d of drafts) {
    const key = JSON.stringify(d.identity)
    const n = (seen.get(key) ?? 0) + 1
    seen.set(key, n)
    d.result.partialFingerprints = { [FINGERPRINT_KEY]: fingerprintOf(d.identity, n) }
  }
}

/** At most `max` drafts: the worst by level, security-severity, then order; order kept. */
function worst(drafts: Draft[], max: number): Draft[] {
  if (drafts.length <= max) return drafts
  const ranked = drafts
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        LEVEL_RANK[a.d.result.level] - LEVEL_RANK[b.d.result.level] ||
        b.d.securitySeverity - a.d.securitySeverity ||
        a.i - b.i
    )
  const keep = new Set(ranked.slice(0, max).map((x) => x.i))
  return drafts.filter((_, i) => keep.has(i))
}

/** One rule per distinct grader rule id among the kept results, sorted by id. */
function graderRules(kept: Draft[], rubricUri: string): ReportingDescriptor[] {
  const rules = new Map<string, () => ReportingDescriptor>()
  const external = new Map<string, ExternalRuleFacts>()
  for (const d of kept) {
    if (!d.finding) continue
    const { view, source } = d.finding
    const { ruleId } = d.result
    const builtin = builtinRule(view.ruleId)
    if (builtin) {
      rules.set(ruleId, () => builtinRuleDescriptor(ruleId, builtin, rubricUri))
      continue
    }
    const facts = external.get(ruleId)
    if (facts) {
      facts.severity = worseSeverity(facts.severity, view.severity)
      facts.cwe ??= view.cwe
      continue
    }
    const fresh: ExternalRuleFacts = {
      title: plainText(view.title, MAX_TITLE_CHARS),
      severity: view.severity,
      axis: view.axis,
      cwe: view.cwe,
      source: source === null ? null : plainText(source, MAX_TITLE_CHARS)
    }
    external.set(ruleId, fresh)
    rules.set(ruleId, () => externalRuleDescriptor(ruleId, fresh))
  }
  return [...rules.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, build]) => build())
}

/**
 * A location in a config file: `uri` relative to `%SRCROOT%` (each path segment
 * percent-encoded, RFC 3986), or a `file:` URI for an absolute path; line and column 1-based.
 * A lone UTF-16 surrogate in the path (which `encodeURIComponent` refuses with a URIError)
 * becomes U+FFFD, so no file name can make the SARIF log fail.
 */
function locationOf(file: string, line: number, column: number): Location {
  return {
    physicalLocation: {
      artifactLocation: artifactLocationOf(file),
      region: { startLine: positive(line), startColumn: positive(column) }
    }
  }
}

function artifactLocationOf(file: string): { uri: string; uriBaseId?: string } {
  const encode = (path: string): string =>
    path
      .replace(/\p{Cs}/gu, '\uFFFD')
      .split('/')
      .map(encodeURIComponent)
      .join('/')
  if (file.startsWith('/')) return { uri: `file://${encode(file)}` }
  if (/^[A-Za-z]:\//.test(file))
    return { uri: `file:///${file.slice(0, 2)}${encode(file.slice(2))}` }
  return { uri: encode(file.replace(/^(\.\/)+/, '')), uriBaseId: SRCROOT }
}

/** `value` as a URL. @throws TypeError naming the option when it is not an absolute URL. */
function absoluteUrl(option: string, value: string): URL {
  if (!URL.canParse(value)) {
    throw new TypeError(
      `${option} must be an absolute URL (https://…), got ${JSON.stringify(clip(value, 100))}`
    )
  }
  return new URL(value)
}

function positive(n: number): number {
  return Number.isFinite(n) && n >= 1 ? Math.trunc(n) : 1
}

/** An ISO 8601 UTC timestamp of `text`, or null when it is not a date-time. */
function isoTime(text: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return null
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}

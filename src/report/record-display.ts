/**
 * What the reports show of the organisation's records (SPEC §7, §8): the Registry and Exception
 * columns of the server table, and the registry and exception facts listed under a blocked,
 * warned or excepted server. Plain text, one line each, clipped; still untrusted (the registry
 * and exceptions files are repository content a PR can change), so renderers escape it.
 */
import { sanitizeUrl } from '../net/url-redaction.js'
import type { DataClass } from '../policy/records.js'
import type { ReasonCode } from '../policy/reasons.js'
import type { ExceptionStatus, ServerResult } from '../policy/result.js'
import { DASH, MAX_NAME_CHARS, shortDigest } from './display.js'
import { clip, toOneLine } from './markdown.js'

/** Longest exception id shown in a table cell (characters). */
const MAX_ID_CHARS = 40
/** Longest free-text registry field kept (owner team, data access summary; characters). */
const MAX_TEXT_CHARS = 500

/** The registry facts of a server (SPEC §7 columns), ready to show. */
export interface RegistryFacts {
  /** `file:line` of the matching row, or the registry file when no row matches. */
  source: string
  /** False when no row matches the server. */
  found: boolean
  serverId: string | null
  displayName: string | null
  ownerTeam: string | null
  dataAccessSummary: string | null
  dataClass: DataClass | null
  /** `YYYY-MM-DD`. */
  auditDate: string | null
  /** Days from the audit to the run's date (UTC). */
  auditAgeDays: number | null
  /**
   * The `audit_url` without user info, query or token-like segments (`linkTarget`); renderers
   * link it through `safeHref`, never print it raw.
   */
  auditUrl: string | null
  /** Recorded grade letter (`current_grade`). */
  currentGrade: string | null
  /** The version the row approves (`server_id`'s version), shortened for digests. */
  approvedVersion: string | null
  environmentsApproved: string[]
  approvedForEnvironment: boolean | null
  exceptionId: string | null
}

/** The exception facts of a server (SPEC §7), ready to show. */
export interface ExceptionFacts {
  id: string
  state: ExceptionStatus['state']
  /** `YYYY-MM-DD`. */
  expiresOn: string | null
  daysLeft: number | null
  problems: string[]
  /** Reason codes the exception waived. */
  waived: ReasonCode[]
  /** `file:line` of the exception, when it was found in the exceptions file. */
  source: string | null
  /**
   * The approval artifact link without user info, query or token-like segments (`linkTarget`;
   * renderers link it through `safeHref`), from `ExceptionStatus.artifactUrl`.
   */
  artifactUrl: string | null
}

const codes = (result: Pick<ServerResult, 'reasons'>): Set<ReasonCode> =>
  new Set(result.reasons.map((r) => r.code))

function text(value: string | null, max = MAX_TEXT_CHARS): string | null {
  if (value === null) return null
  const one = toOneLine(value).trim()
  return one === '' ? null : clip(one, max)
}

/** A version for display: digests shortened (`sha256:abcdef012345…`), one line, clipped. */
function versionText(version: string): string {
  return clip(shortDigest(toOneLine(version)), MAX_NAME_CHARS)
}

/**
 * The Registry column (SPEC §8 summary table):
 * - `—` when the run has no registry file;
 * - `not in registry` when no row matches;
 * - else the problems the registry checks reported, joined by ` · `: `not approved for
 *   <environment>` (the row does not list it), `registry 1.2.3 ≠ 1.3.0` (the approved version,
 *   then the one the config runs; `REGISTRY_VERSION_MISMATCH`), `audit 86 d` (`AUDIT_STALE`; `no
 *   audit date` without one), `grade C < recorded B` (`REGISTRY_GRADE_DRIFT`), `no owner team`,
 *   `no data access summary` (`REGISTRY_INCOMPLETE`: the row leaves them empty); `approved` when
 *   there is none;
 * - followed by the row's data classification when it has one (`approved · phi`).
 */
export function registryCell(
  result: Pick<ServerResult, 'registry' | 'reasons' | 'grade' | 'server' | 'policy'>
): string {
  const status = result.registry
  if (status === null) return DASH
  const entry = status.entry
  if (!status.found || entry === null) return 'not in registry'
  const has = codes(result)
  const parts: string[] = []
  if (status.approvedForEnvironment === false) {
    parts.push(`not approved for ${clip(toOneLine(result.policy.environment), 60)}`)
  }
  if (has.has('REGISTRY_VERSION_MISMATCH')) {
    const pkg = result.server.package
    const running = pkg.version ?? pkg.versionSpec
    parts.push(
      `registry ${entry.key.version === null ? 'any' : versionText(entry.key.version)} ≠ ` +
        (running === null ? 'unknown' : versionText(running))
    )
  }
  if (has.has('AUDIT_STALE')) {
    parts.push(status.auditAgeDays === null ? 'no audit date' : `audit ${status.auditAgeDays} d`)
  }
  if (has.has('REGISTRY_GRADE_DRIFT') && result.grade && entry.currentGrade) {
    parts.push(`grade ${result.grade.overall.grade} < recorded ${entry.currentGrade}`)
  }
  if (has.has('REGISTRY_INCOMPLETE')) {
    if (text(entry.ownerTeam) === null) parts.push('no owner team')
    if (text(entry.dataAccessSummary) === null) parts.push('no data access summary')
  }
  if (parts.length === 0) parts.push('approved')
  if (entry.dataClassification) parts.push(entry.dataClassification)
  return parts.join(' · ')
}

function daysLeftText(days: number | null): string | null {
  if (days === null) return null
  if (days <= 0) return 'expires today'
  return `${days} d left`
}

/**
 * The Exception column (SPEC §8 summary table): `—` without an exception, else the exception id
 * (clipped to 40 characters) and its state: `EXC-12 applied, 5 d left`, `EXC-3 valid, 40 d left`
 * (valid but nothing to waive), `EXC-7 applied, 3 d left (expiring)`, `EXC-9 expired
 * 2026-11-20`, `EXC-4 invalid`, `EXC-5 not in exceptions file` (state `missing`).
 */
export function exceptionCell(status: ExceptionStatus | null): string {
  if (status === null) return DASH
  const id = clip(toOneLine(status.id), MAX_ID_CHARS)
  const left = daysLeftText(status.daysLeft)
  switch (status.state) {
    case 'applied':
    case 'valid':
      return `${id} ${status.state}${left ? `, ${left}` : ''}`
    case 'expiring':
      return `${id} ${status.waived.length > 0 ? 'applied' : 'valid'}${left ? `, ${left}` : ''} (expiring)`
    case 'expired':
      return `${id} expired${status.expiresOn ? ` ${toOneLine(status.expiresOn)}` : ''}`
    case 'invalid':
      return `${id} invalid`
    case 'missing':
      return `${id} not in exceptions file`
  }
}

/**
 * A record's link (`audit_url`, `artifact_url`) as a link target for the summary, the comment
 * and the JSON report: `sanitizeUrl` with `markQuery` (SPEC §9, never leak a secret) — no user
 * name or password, no fragment, token-like path segments masked (`…`), and a query string
 * (`?token=…`) replaced by `?…` so readers see one was there. Null when `url` is not an absolute
 * URL with a host. Renderers still pass it through `safeHref` (http/https only, Markdown-safe).
 */
export function linkTarget(url: string | null): string | null {
  if (url === null) return null
  return sanitizeUrl(url, { markQuery: true })
}

/** The registry facts of a server, or null when the run has no registry file. */
export function registryFacts(result: Pick<ServerResult, 'registry'>): RegistryFacts | null {
  const status = result.registry
  if (status === null) return null
  const e = status.entry
  const file = clip(toOneLine(status.file), MAX_NAME_CHARS)
  if (!status.found || e === null) {
    return {
      source: file,
      found: false,
      serverId: null,
      displayName: null,
      ownerTeam: null,
      dataAccessSummary: null,
      dataClass: null,
      auditDate: null,
      auditAgeDays: null,
      auditUrl: null,
      currentGrade: null,
      approvedVersion: null,
      environmentsApproved: [],
      approvedForEnvironment: null,
      exceptionId: null
    }
  }
  return {
    source: `${clip(toOneLine(e.source.file), MAX_NAME_CHARS)}:${e.source.line}`,
    found: true,
    serverId: text(e.serverId, MAX_NAME_CHARS),
    displayName: text(e.displayName, MAX_NAME_CHARS),
    ownerTeam: text(e.ownerTeam),
    dataAccessSummary: text(e.dataAccessSummary),
    dataClass: e.dataClassification,
    auditDate: text(e.auditDate, 10),
    auditAgeDays: status.auditAgeDays,
    auditUrl: linkTarget(e.auditUrl),
    currentGrade: e.currentGrade,
    approvedVersion: e.key.version === null ? null : versionText(e.key.version),
    environmentsApproved: e.environmentsApproved.map((env) => clip(toOneLine(env), 60)),
    approvedForEnvironment: status.approvedForEnvironment,
    exceptionId: text(e.exceptionId, MAX_ID_CHARS)
  }
}

/** The approval artifact link of an exception status, or null when it has none. */
export function artifactUrlOf(status: ExceptionStatus): string | null {
  return status.artifactUrl !== null && status.artifactUrl !== '' ? status.artifactUrl : null
}

/** The exception facts of a server, or null when no exception covers it. */
export function exceptionFacts(result: Pick<ServerResult, 'exception'>): ExceptionFacts | null {
  const x = result.exception
  if (x === null) return null
  return {
    id: clip(toOneLine(x.id), MAX_NAME_CHARS),
    state: x.state,
    expiresOn: text(x.expiresOn, 10),
    daysLeft: x.daysLeft,
    problems: x.problems.map((p) => clip(toOneLine(p), 1000)),
    waived: [...x.waived],
    source: x.source ? `${clip(toOneLine(x.source.file), MAX_NAME_CHARS)}:${x.source.line}` : null,
    artifactUrl: linkTarget(artifactUrlOf(x))
  }
}

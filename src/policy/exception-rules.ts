/**
 * The rules an exception must meet to waive a server's grade or floor failures (SPEC §7, issue 3;
 * the reference policy's exception workflow: justification, risk analysis, compensating controls,
 * a 60-day expiry, manager + security sign-off and CTO for production with personal data, a stored
 * approval artifact), and which exceptions cover a server. Pure: the day of the run is passed in.
 *
 * Days are UTC calendar days between `YYYY-MM-DD` dates (`isoDayNumber`, also used by the
 * registry checks); no local time zone is involved.
 */
import { sameServer, sameVersion } from '../resolve/server-id.js'
import type { ServerKey } from '../resolve/server-key.js'
import type { DataClass, ExceptionRecord, ExceptionsFile } from './records.js'
import { normalizeEnvironmentName } from './registry-file.js'
import { clip } from './wording.js'

/** Longest an exception may run by default, approval to expiry, in days (SPEC §7: 60). */
export const DEFAULT_EXCEPTION_MAX_DAYS = 60

/**
 * An exception whose expiry is at most this many days away (0–7, inclusive: "expires in 7 days"
 * counts) is `expiring`: still valid, but reported (`EXCEPTION_EXPIRING`, SPEC §7 / issue 3).
 */
export const EXPIRING_WITHIN_DAYS = 7

const MS_PER_DAY = 86_400_000

/**
 * The UTC day number (days since 1970-01-01) of an ISO calendar date `YYYY-MM-DD`, or null when
 * `text` is not exactly that form or not a real day (`2026-02-30`). No time zone is involved:
 * dates are evaluated in UTC (SPEC §7).
 */
export function isoDayNumber(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (match === null) return null
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day) // unlike Date.UTC, keeps years 0–99 as written
  const exists =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  return exists ? date.getTime() / MS_PER_DAY : null
}

/**
 * What the policy requires of an exception in one environment and data class (computed by the
 * policy layer; defaults in SPEC §6–§7).
 */
export interface ExceptionRules {
  /** False where no exception may apply (e.g. production with phi data). */
  allowed: boolean
  /** Most days from `approved_on` to `expires_on` (default 60). */
  maxDays: number
  /** Roles that must each have approved, lower-case (e.g. `manager`, `security`, `cto`). */
  requiredRoles: string[]
}

/** Where and when an exception is judged. */
export interface ExceptionContext {
  /** The run's day, `YYYY-MM-DD` (UTC; `--today` or the run date). */
  today: string
  /** The environment the server is gated for (compared after `normalizeEnvironmentName`). */
  environment: string
  /** The server's data classification from its registry row, or null when unknown. */
  dataClass: DataClass | null
  rules: ExceptionRules
}

/**
 * The verdict on one exception for one server:
 * - `valid`: every rule met, more than `EXPIRING_WITHIN_DAYS` days left;
 * - `expiring`: every rule met, `expires_on` within `EXPIRING_WITHIN_DAYS` days (still valid);
 * - `expired`: every rule met but today is after `expires_on`;
 * - `invalid`: a rule broken (the environment allows no exceptions, a field missing, too long,
 *   an approval missing, …); wins over `expired`, whose sentence is then one of the problems;
 * - `not-applicable`: the exception does not list this environment.
 */
export interface ExceptionJudgement {
  state: 'valid' | 'expiring' | 'expired' | 'invalid' | 'not-applicable'
  /**
   * One sentence per broken rule, naming it and saying what to do (empty for `valid`, `expiring`
   * and `not-applicable`). Text from the file (names) is clipped to one line; URLs are not echoed.
   */
  problems: string[]
  /**
   * Days from today to `expires_on` (0 on the last valid day, negative once expired: -1 the day
   * after), or null when `expires_on` is missing.
   */
  daysLeft: number | null
}

/**
 * Judge `record` for a server gated in `context.environment` on `context.today` (SPEC §7):
 * 1. it applies only to the environments it lists (else `not-applicable`; listing none is a
 *    broken rule);
 * 2. the environment and data class must allow exceptions (`rules.allowed`);
 * 3. `justification`, `risk_analysis` and `compensating_controls` are present;
 * 4. `approved_on` and `expires_on` are present, `approved_on` is not after today nor after
 *    `expires_on`, and at most `rules.maxDays` days lie between them;
 * 5. every role in `rules.requiredRoles` approved, with a date; no approval is dated after today;
 * 6. `artifact_url` is an http(s) URL;
 * 7. today after `expires_on` → `expired`; `expires_on` within `EXPIRING_WITHIN_DAYS` → `expiring`.
 * All broken rules are collected.
 * @throws RangeError when `context.today` is not a `YYYY-MM-DD` calendar date (a caller error).
 */
export function judgeException(
  record: ExceptionRecord,
  context: ExceptionContext
): ExceptionJudgement {
  const today = isoDayNumber(context.today)
  if (today === null) {
    throw new RangeError(`today must be a YYYY-MM-DD date, got ${JSON.stringify(context.today)}`)
  }
  const expires = record.expiresOn === null ? null : isoDayNumber(record.expiresOn)
  const daysLeft = expires === null ? null : expires - today
  const environment = normalizeEnvironmentName(context.environment)
  const problems: string[] = []

  if (record.environments.length === 0) {
    problems.push('covers no environment: list the environments it applies to under "environments"')
  } else if (!record.environments.includes(environment)) {
    return { state: 'not-applicable', problems: [], daysLeft }
  }
  if (!context.rules.allowed) problems.push(notAllowed(environment, context.dataClass))
  problems.push(...missingStatements(record))
  problems.push(...dateProblems(record, today, context.today, context.rules.maxDays))
  problems.push(...approvalProblems(record, today, context.today, context.rules.requiredRoles))
  const artifact = artifactProblem(record.artifactUrl)
  if (artifact !== null) problems.push(artifact)

  const expired = daysLeft !== null && daysLeft < 0
  if (problems.length > 0) {
    if (expired && record.expiresOn !== null)
      problems.push(expiredSentence(record.expiresOn, -daysLeft))
    return { state: 'invalid', problems, daysLeft }
  }
  if (expired && record.expiresOn !== null) {
    return { state: 'expired', problems: [expiredSentence(record.expiresOn, -daysLeft)], daysLeft }
  }
  if (daysLeft !== null && daysLeft <= EXPIRING_WITHIN_DAYS) {
    return { state: 'expiring', problems: [], daysLeft }
  }
  return { state: 'valid', problems: [], daysLeft }
}

function notAllowed(environment: string, dataClass: DataClass | null): string {
  const where = dataClass === null ? environment : `${environment} with ${dataClass} data`
  return `${clip(where, 80)} allows no exceptions (policy): the server itself has to meet the rules`
}

function missingStatements(record: ExceptionRecord): string[] {
  const problems: string[] = []
  if (record.justification === null)
    problems.push('missing justification: say why the team needs this server')
  if (record.riskAnalysis === null)
    problems.push('missing risk_analysis: say what the findings mean where the server runs')
  if (record.compensatingControls === null)
    problems.push(
      'missing compensating_controls: list what reduces the risk (egress limits, read-only credentials, monitoring, …)'
    )
  return problems
}

function dateProblems(
  record: ExceptionRecord,
  today: number,
  todayText: string,
  maxDays: number
): string[] {
  const problems: string[] = []
  const approved = record.approvedOn === null ? null : isoDayNumber(record.approvedOn)
  const expires = record.expiresOn === null ? null : isoDayNumber(record.expiresOn)
  if (approved === null)
    problems.push('missing approved_on: give the day it was approved (YYYY-MM-DD)')
  if (expires === null) {
    problems.push(
      `missing expires_on: give its last valid day (YYYY-MM-DD), at most ${maxDays} days after approved_on`
    )
  }
  if (approved !== null && approved > today) {
    problems.push(
      `approved_on ${record.approvedOn ?? ''} is in the future (today is ${todayText}): an exception counts only once approved`
    )
  }
  if (approved === null || expires === null) return problems
  if (approved > expires) {
    problems.push(
      `approved_on ${record.approvedOn ?? ''} is after expires_on ${record.expiresOn ?? ''}: correct the dates`
    )
  } else if (expires - approved > maxDays) {
    problems.push(
      `approved for ${expires - approved} days, more than ${maxDays} (${record.approvedOn ?? ''} to ${record.expiresOn ?? ''}): set expires_on at most ${maxDays} days after approved_on, and renew it with a new approval when it runs out`
    )
  }
  return problems
}

function approvalProblems(
  record: ExceptionRecord,
  today: number,
  todayText: string,
  requiredRoles: readonly string[]
): string[] {
  const problems: string[] = []
  for (const role of [...new Set(requiredRoles.map((r) => r.trim().toLowerCase()))]) {
    const approvals = record.approvers.filter((a) => a.role === role)
    if (approvals.length === 0) {
      problems.push(
        `missing approval by ${clip(role, 40)}: add an approver with role "${clip(role, 40)}", their name and the date`
      )
    } else if (approvals.every((a) => a.date === null)) {
      const who = approvals.map((a) => clip(a.name, 60)).join(', ')
      problems.push(
        `approval by ${clip(role, 40)} (${who}) has no date: add the day they approved (YYYY-MM-DD)`
      )
    }
  }
  for (const approver of record.approvers) {
    if (approver.date === null) continue
    const day = isoDayNumber(approver.date)
    if (day !== null && day > today) {
      problems.push(
        `approval by ${clip(approver.role, 40)} (${clip(approver.name, 60)}) is dated ${approver.date}, after today (${todayText}): an approval cannot come from the future`
      )
    }
  }
  return problems
}

function artifactProblem(url: string | null): string | null {
  if (url === null) {
    return 'missing artifact_url: link the approval artifact (ticket, e-mail thread or signed PDF)'
  }
  let protocol: string
  try {
    protocol = new URL(url).protocol
  } catch {
    protocol = ''
  }
  return protocol === 'https:' || protocol === 'http:'
    ? null
    : 'artifact_url is not an http(s) link: link the approval artifact with an http:// or https:// URL'
}

function expiredSentence(expiresOn: string, daysAgo: number): string {
  const ago = daysAgo === 1 ? '1 day ago' : `${daysAgo} days ago`
  return `expired: its last valid day was ${expiresOn} (${ago}); renew it with a new approval or fix the server`
}

/**
 * True when `record` covers a server known by `key`: same server (`sameServer`), and when the
 * exception names a version, the key names that same version (an exception with a version
 * applies only to that version; a server whose version is unknown is not covered by it).
 */
function covers(record: ExceptionRecord, key: ServerKey): boolean {
  if (!sameServer(record.key, key)) return false
  return record.key.version === null || sameVersion(record.key, key) === true
}

/**
 * The exceptions of `file` that cover a server, in file order, each once:
 * - those whose `server_id` matches one of `keys` (see `covers`: same server, and the same version
 *   when the exception names one);
 * - the one whose `id` is the registry row's `exception_id` (`registryExceptionId`), unless it
 *   contradicts `keys` (see `exceptionLinkProblem`). When none of `keys` is of the same kind as
 *   its `server_id` (e.g. a GitHub URL for an npm package) the two cannot be compared, and the
 *   registry row, which matched the server, vouches for the link.
 * @param keys every identity the server is known by (e.g. its npm package with the resolved version).
 * @returns [] when `file` is null.
 */
export function findExceptions(
  file: ExceptionsFile | null,
  keys: readonly ServerKey[],
  registryExceptionId: string | null
): ExceptionRecord[] {
  if (file === null) return []
  const linkedId = registryExceptionId?.trim() ?? ''
  const linkOk = exceptionLinkProblem(file, keys, registryExceptionId) === null
  return file.exceptions.filter(
    (record) =>
      keys.some((key) => covers(record, key)) ||
      (linkOk && linkedId !== '' && record.id === linkedId)
  )
}

/** Why a registry row's `exception_id` does not lead to an exception for its server. */
export interface ExceptionLinkProblem {
  /** The registry row's `exception_id` (trimmed). */
  id: string
  /**
   * `missing`: no exception has this id (or there is no exceptions file);
   * `other-server`: the exception with this id names another server of the same kind;
   * `other-version`: it names another version of this server.
   */
  kind: 'missing' | 'other-server' | 'other-version'
  /** What is wrong and what to do, for people. */
  message: string
}

/**
 * Check the registry row's `exception_id` against the exceptions file (issue 3: an id the file
 * does not hold is reported by the policy layer, `ExceptionStatus.state: 'missing'`).
 * @param keys the server's identities, as for `findExceptions`.
 * @returns null when there is no id (null or blank) or it names an exception for this server.
 */
export function exceptionLinkProblem(
  file: ExceptionsFile | null,
  keys: readonly ServerKey[],
  registryExceptionId: string | null
): ExceptionLinkProblem | null {
  const id = registryExceptionId?.trim() ?? ''
  if (id === '') return null
  const shown = JSON.stringify(clip(id, 60))
  const record = file?.exceptions.find((r) => r.id === id)
  if (record === undefined) {
    const where =
      file === null ? 'there is no exceptions file' : `${file.path} has no exception with that id`
    return {
      id,
      kind: 'missing',
      message: `the registry names exception ${shown}, but ${where}: add it, or clear exception_id in the registry`
    }
  }
  if (keys.some((key) => covers(record, key))) return null
  const sameKind = keys.filter((key) => key.kind === record.key.kind)
  if (sameKind.length === 0) return null
  if (sameKind.some((key) => sameServer(record.key, key))) {
    return {
      id,
      kind: 'other-version',
      message: `the registry names exception ${shown}, but it covers only version ${clip(record.key.version ?? '', 60)} of this server: update its server_id after a new approval, or pin the approved version`
    }
  }
  return {
    id,
    kind: 'other-server',
    message: `the registry names exception ${shown}, but it is for another server (${clip(record.key.id, 80)}): correct exception_id in the registry or server_id in the exception`
  }
}

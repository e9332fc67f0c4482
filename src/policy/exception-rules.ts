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
import type { Approver, DataClass, ExceptionRecord, ExceptionsFile } from './records.js'
import { normalizeEnvironmentName } from './environment-name.js'
import { clip } from './wording.js'

/** Longest an exception may run by default, approval to expiry, in days (SPEC §7: 60). */
export const DEFAULT_EXCEPTION_MAX_DAYS = 60

/**
 * An exception whose expiry is at most this many days away (0–7, inclusive: "expires in 7 days"
 * counts) is `expiring`: still valid, but reported (`EXCEPTION_EXPIRING`, SPEC §7 / issue 3).
 */
export const EXPIRING_WITHIN_DAYS = 7

/**
 * How long before `approved_on` a required approval may be dated, in days (this project's rule,
 * issue 3 review): a required sign-off counts only when dated in [`approved_on` − 30 days,
 * `approved_on`]. An older one was given for an earlier decision (a previous exception, another
 * risk analysis); one after `approved_on` means the exception was recorded as approved before
 * everyone had signed. Thirty days is the time a review normally takes from first to last
 * sign-off; it is not configurable.
 */
export const APPROVAL_WINDOW_DAYS = 30

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
 * 5. every role in `rules.requiredRoles` approved, with a date within `APPROVAL_WINDOW_DAYS`
 *    (30) days up to `approved_on` ([`approved_on` − 30, `approved_on`]), and the required roles
 *    signed by different people (names compared trimmed, case-folded, spaces collapsed: one
 *    person cannot be both manager and security); no approval is dated after today;
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
  problems.push(...approvalProblems(record, context.rules.requiredRoles))
  problems.push(...futureApprovals(record, today, context.today))
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

/**
 * The required roles' sign-offs: each role present, dated, within the window up to
 * `approved_on`, and the roles held by different people.
 */
function approvalProblems(record: ExceptionRecord, requiredRoles: readonly string[]): string[] {
  const problems: string[] = []
  const approved = record.approvedOn === null ? null : isoDayNumber(record.approvedOn)
  /** Per role, the approvals that count (dated, and in the window when approved_on is known). */
  const counted = new Map<string, Approver[]>()
  for (const role of normalizedRoles(requiredRoles)) {
    const shownRole = clip(role, 40)
    const approvals = record.approvers.filter((a) => a.role === role)
    const dated = approvals.filter((a) => a.date !== null && isoDayNumber(a.date) !== null)
    if (approvals.length === 0) {
      problems.push(
        `missing approval by ${shownRole}: add an approver with role "${shownRole}", their name and the date`
      )
    } else if (dated.length === 0) {
      const who = approvals.map((a) => clip(a.name, 60)).join(', ')
      problems.push(
        `approval by ${shownRole} (${who}) has no date: add the day they approved (YYYY-MM-DD)`
      )
    } else if (approved === null) {
      counted.set(role, dated) // the window cannot be checked; missing approved_on is reported
    } else {
      const inWindow = dated.filter((a) => withinWindow(a, approved))
      if (inWindow.length > 0) counted.set(role, inWindow)
      else problems.push(outOfWindow(shownRole, dated, record.approvedOn ?? '', approved))
    }
  }
  const shared = sharedApprovers(counted)
  if (shared !== null) problems.push(shared)
  return problems
}

/** Roles as the rules compare them: trimmed, lower case, each once, blanks dropped. */
function normalizedRoles(roles: readonly string[]): string[] {
  return [...new Set(roles.map((r) => r.trim().toLowerCase()))].filter((r) => r !== '')
}

/** True when `approval` is dated in [`approved` − `APPROVAL_WINDOW_DAYS`, `approved`]. */
function withinWindow(approval: Approver, approved: number): boolean {
  const day = approval.date === null ? null : isoDayNumber(approval.date)
  return day !== null && day <= approved && day >= approved - APPROVAL_WINDOW_DAYS
}

/** Why none of a role's dated approvals counts: each dated outside the window. */
function outOfWindow(
  role: string,
  dated: readonly Approver[],
  approvedOn: string,
  approved: number
): string {
  const shown = dated.map((a) => `${clip(a.name, 60)}, ${a.date ?? ''}`).join('; ')
  const allAfter = dated.every((a) => (isoDayNumber(a.date ?? '') ?? 0) > approved)
  const what = `approval by ${role} (${shown}) is not dated in the ${APPROVAL_WINDOW_DAYS} days up to approved_on ${approvedOn}`
  return allAfter
    ? `${what}: the exception was recorded as approved before this sign-off; set approved_on to the day of the last required approval`
    : `${what}: an older approval was given for an earlier decision; have ${role} approve this exception again and record that date`
}

/** A person as the rules compare names: trimmed, spaces collapsed, case-folded (NFKC). */
function personOf(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase()
}

/**
 * Null when each role in `counted` can be given a different person among its counted approvals
 * (a matching found by augmenting paths, Kuhn's algorithm: roles and approvers are few), else the
 * problem naming the people who signed for more than one of those roles.
 */
function sharedApprovers(counted: ReadonlyMap<string, readonly Approver[]>): string | null {
  const roles = [...counted.keys()]
  const people = new Map(
    roles.map((role) => [role, [...new Set(counted.get(role)!.map((a) => personOf(a.name)))]])
  )
  const holder = new Map<string, string>() // person → role assigned
  const assign = (role: string, seen: Set<string>): boolean => {
    for (const person of people.get(role) ?? []) {
      if (seen.has(person)) continue
      seen.add(person)
      const other = holder.get(person)
      if (other === undefined || assign(other, seen)) {
        holder.set(person, role)
        return true
      }
    }
    return false
  }
  if (roles.every((role) => assign(role, new Set()))) return null
  const signers = new Map<string, { name: string; roles: string[] }>()
  for (const role of roles) {
    for (const approval of counted.get(role) ?? []) {
      const person = personOf(approval.name)
      const entry = signers.get(person) ?? { name: approval.name, roles: [] }
      if (!entry.roles.includes(role)) entry.roles.push(role)
      signers.set(person, entry)
    }
  }
  const shared = [...signers.values()].filter((s) => s.roles.length > 1)
  const who = shared
    .map((s) => `${clip(s.name, 60)} as ${s.roles.map((r) => clip(r, 40)).join(' and ')}`)
    .join('; ')
  return `the required roles ${roles.map((r) => clip(r, 40)).join(', ')} are not signed by different people (${who}): each required role needs its own approver`
}

/** Approvals (of any role) dated after today: an approval cannot come from the future. */
function futureApprovals(record: ExceptionRecord, today: number, todayText: string): string[] {
  const problems: string[] = []
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
 * The exceptions of `file` that cover a server, in file order: those whose `server_id` matches
 * one of `keys` (see `covers`: same server, and the same version when the exception names one).
 * `server_id` is what ties an exception to a server: a registry row's `exception_id` never adds
 * an exception that does not cover the server (`exceptionLinkProblem` reports such a link).
 * @param keys every identity the server is known by (e.g. its npm package with the resolved version).
 * @returns [] when `file` is null.
 */
export function findExceptions(
  file: ExceptionsFile | null,
  keys: readonly ServerKey[]
): ExceptionRecord[] {
  if (file === null) return []
  return file.exceptions.filter((record) => keys.some((key) => covers(record, key)))
}

/** Why a registry row's `exception_id` does not lead to an exception for its server. */
export interface ExceptionLinkProblem {
  /** The registry row's `exception_id` (trimmed). */
  id: string
  /**
   * `missing`: no exception has this id (or there is no exceptions file);
   * `other-server`: the exception with this id names another server (of any kind);
   * `other-version`: it names another version of this server.
   */
  kind: 'missing' | 'other-server' | 'other-version'
  /** What is wrong and what to do, for people. */
  message: string
}

/**
 * Check the registry row's `exception_id` against the exceptions file (issue 3: an id the file
 * does not hold is reported by the policy layer, `ExceptionStatus.state: 'missing'`). The link
 * holds only when the exception's `server_id` covers one of `keys` (`findExceptions`); an
 * exception naming another server — of any kind, e.g. a GitHub repository for an npm package —
 * or another version of this one is a broken link, never a waiver.
 * @param keys the server's identities, as for `findExceptions`.
 * @returns null when there is no id (null or blank) or it names an exception covering this server.
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
  if (keys.some((key) => sameServer(record.key, key))) {
    return {
      id,
      kind: 'other-version',
      message: `the registry names exception ${shown}, but it covers only version ${clip(record.key.version ?? '', 60)} of this server: update its server_id after a new approval, or pin the approved version`
    }
  }
  return {
    id,
    kind: 'other-server',
    message: `the registry names exception ${shown}, but it is for another server (${clip(record.key.id, 80)}): an exception covers only the server its server_id names. Correct exception_id in the registry, or server_id in the exception after an approval for this server`
  }
}

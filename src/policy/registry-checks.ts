/**
 * The approved-server registry checks (SPEC §7, issue 3 point 2): the server's row exists where
 * the environment requires one, approves this environment, has a recent audit, pins the version
 * the config runs, records a grade the fresh one does not fall below, and names its owner team
 * and data access. Each check's severity comes from the environment's `registryChecks`.
 */
import type { GradeReport } from '../grade/report.js'
import { formatServerKey, sameServer, sameVersion } from '../resolve/server-id.js'
import type { ServerKey } from '../resolve/server-key.js'
import type { ResolvedServer } from '../resolve/types.js'
import { isoDayNumber } from './exception-rules.js'
import { normalizeEnvironmentName } from './environment-name.js'
import { policyLetter } from './grade-checks.js'
import { meetsLetter } from './grades.js'
import type { Reason, ReasonCode } from './reasons.js'
import type { RegistryEntry, RegistryFile } from './records.js'
import type { RegistryStatus } from './result.js'
import type { CheckSeverity, EffectivePolicy, RegistryCheck } from './types.js'
import { clip, remoteUrlText, scoreText, serverLabel } from './wording.js'

/** What the registry checks look at for one server. */
export interface RegistryCheckInput {
  server: ResolvedServer
  /** Every identity the server is known by (`serverKeysOf`). */
  keys: readonly ServerKey[]
  registry: RegistryFile
  /** The server's row (`findRegistryEntry`), or null when the registry has none. */
  entry: RegistryEntry | null
  /** The fresh grade, or null when the server has none. */
  grade: GradeReport | null
  /** The run's day, `YYYY-MM-DD` (UTC). */
  today: string
}

/** The registry status and reasons of one server. */
export interface RegistryCheckResult {
  status: RegistryStatus
  reasons: Reason[]
}

/**
 * Run the registry checks for one server under `policy` (SPEC §6–§7):
 * - no row: `NOT_IN_REGISTRY` where `requireRegistry` (severity `notInRegistry`); nothing else;
 * - `NOT_APPROVED_FOR_ENVIRONMENT` (`notApproved`): `environments_approved` lacks the environment
 *   (names compared after `normalizeEnvironmentName`, so `prod` approves `production`);
 * - `AUDIT_STALE` (`auditStale`): the audit is more than `maxAuditAgeDays` old, or the row has no
 *   `audit_date`; from `auditWarningDays` to `maxAuditAgeDays` days a warning asks for a re-audit
 *   before the limit; an `audit_date` after today is a warning (the age cannot be right);
 * - `REGISTRY_VERSION_MISMATCH` (`versionMismatch`): the row's `server_id` names a version or
 *   digest and the config runs another one, or one the gate does not know (the message names
 *   both), or one that cannot be compared with it — an OCI digest against a tag, a git commit
 *   against a branch or tag: the message says so and asks to name the digest (commit) in
 *   `server_id`, or to run the image by the row's digest; skipped when no identity of the server
 *   names the row's server (nothing to compare);
 * - `REGISTRY_GRADE_DRIFT` (`gradeDrift`): the fresh grade's overall letter (under the policy's
 *   scale) is below the row's `current_grade`; only for a fresh grade, not the `registry`
 *   grader's (which is the row itself);
 * - `REGISTRY_INCOMPLETE` (`missingOwner`, `missingDataAccess`): no `owner_team` / no
 *   `data_access_summary`; one reason per severity, naming the missing columns.
 * A check set to `off` gives nothing. Cell values are clipped to one line in messages.
 * @throws RangeError when `today` is not a `YYYY-MM-DD` calendar date (a caller error).
 */
export function registryChecks(
  input: RegistryCheckInput,
  policy: EffectivePolicy
): RegistryCheckResult {
  const { server, registry, entry, today } = input
  const todayNumber = isoDayNumber(today)
  if (todayNumber === null) {
    throw new RangeError(`today must be a YYYY-MM-DD date, got ${JSON.stringify(today)}`)
  }
  const rules = policy.rules
  const label = serverLabel(server)
  const file = clip(registry.path)
  const reasons: Reason[] = []
  /** Add a reason at the check's severity (`warningOnly`: at most a warning); none when off. */
  const add = (
    check: RegistryCheck,
    code: ReasonCode,
    message: string,
    fix: string,
    warningOnly = false
  ): void => {
    const severity: CheckSeverity = rules.registryChecks[check]
    if (severity === 'off') return
    reasons.push({ code, severity: warningOnly ? 'warning' : severity, message, fix })
  }

  if (entry === null) {
    if (rules.requireRegistry) {
      const id = suggestedServerId(server)
      add(
        'notInRegistry',
        'NOT_IN_REGISTRY',
        `${label}: not in the registry ${file}; ${policy.environment} requires a registry row for every server`,
        `after an audit, add a row with server_id ${id} approved for ${policy.environment} to ${file}, or remove the server`
      )
    }
    return {
      status: {
        file: registry.path,
        found: false,
        entry: null,
        auditAgeDays: null,
        approvedForEnvironment: null
      },
      reasons
    }
  }

  const row = `${clip(entry.source.file)}:${entry.source.line}`
  const environment = normalizeEnvironmentName(policy.environment)
  const approved = entry.environmentsApproved.map(normalizeEnvironmentName)
  const approvedForEnvironment = approved.includes(environment)
  if (!approvedForEnvironment) {
    const list =
      approved.length === 0 ? 'no environment' : approved.map((name) => clip(name, 40)).join(', ')
    add(
      'notApproved',
      'NOT_APPROVED_FOR_ENVIRONMENT',
      `${label}: the registry row (${row}) approves it for ${list}, not ${policy.environment}`,
      `have it reviewed for ${policy.environment} and add ${policy.environment} to environments_approved, or use it only where it is approved`
    )
  }

  const auditDay = entry.auditDate === null ? null : isoDayNumber(entry.auditDate)
  const auditAgeDays = auditDay === null ? null : todayNumber - auditDay
  const audit = auditReason(entry, auditAgeDays, today, policy, label, row)
  if (audit !== null) {
    add('auditStale', 'AUDIT_STALE', audit.message, audit.fix, audit.warningOnly)
  }

  const mismatch = versionMismatch(entry, input.keys, server, label, row)
  if (mismatch !== null) {
    add('versionMismatch', 'REGISTRY_VERSION_MISMATCH', mismatch.message, mismatch.fix)
  }

  const grade = input.grade
  if (grade !== null && grade.source !== 'registry' && entry.currentGrade !== null) {
    const fresh = policyLetter(grade.overall, policy.scale)
    if (!meetsLetter(fresh, entry.currentGrade)) {
      const audited = entry.auditDate === null ? '' : ` (audit of ${clip(entry.auditDate, 20)})`
      add(
        'gradeDrift',
        'REGISTRY_GRADE_DRIFT',
        `${label}: the fresh ${grade.source} grade ${scoreText(grade.overall.score, fresh)} is below the registry's current_grade ${entry.currentGrade}${audited}`,
        `review what changed: re-audit it and update current_grade in ${row}, or go back to a version graded ${entry.currentGrade}`
      )
    }
  }

  reasons.push(...incompleteReasons(entry, policy, label, row))
  return {
    status: {
      file: registry.path,
      found: true,
      entry,
      auditAgeDays,
      approvedForEnvironment
    },
    reasons
  }
}

interface AuditProblem {
  message: string
  fix: string
  /** True inside the re-audit warning window or for a future date: never blocks. */
  warningOnly: boolean
}

function auditReason(
  entry: RegistryEntry,
  ageDays: number | null,
  today: string,
  policy: EffectivePolicy,
  label: string,
  row: string
): AuditProblem | null {
  const { maxAuditAgeDays: max, auditWarningDays: warnFrom } = policy.rules
  const fix = `re-audit it and update audit_date and current_grade in ${row}`
  if (entry.auditDate === null || ageDays === null) {
    return {
      message: `${label}: the registry row (${row}) has no audit_date, so the audit's age is unknown; ${policy.environment} allows audits up to ${max} days old`,
      fix,
      warningOnly: false
    }
  }
  const date = clip(entry.auditDate, 20)
  if (ageDays < 0) {
    return {
      message: `${label}: audit_date ${date} in the registry row (${row}) is after today (${today})`,
      fix: `correct audit_date in ${row} to the day of the audit`,
      warningOnly: true
    }
  }
  if (ageDays > max) {
    return {
      message: `${label}: the audit of ${date} is ${days(ageDays)} old, older than the ${max} days ${policy.environment} allows`,
      fix,
      warningOnly: false
    }
  }
  if (ageDays >= warnFrom) {
    return {
      message: `${label}: the audit of ${date} is ${days(ageDays)} old; re-audit before day ${max}`,
      fix,
      warningOnly: true
    }
  }
  return null
}

function days(count: number): string {
  return count === 1 ? '1 day' : `${count} days`
}

/** A `REGISTRY_VERSION_MISMATCH` message and fix. */
interface Mismatch {
  message: string
  fix: string
}

/**
 * Why the version the config runs is not the one the row approves: another version, one the gate
 * does not know, or one of another sort (`incomparable`); null when they are the same or there
 * is nothing to compare.
 */
function versionMismatch(
  entry: RegistryEntry,
  keys: readonly ServerKey[],
  server: ResolvedServer,
  label: string,
  row: string
): Mismatch | null {
  const approvedVersion = entry.key.version
  if (approvedVersion === null) return null
  const same = keys.filter((key) => sameServer(entry.key, key))
  if (same.length === 0) return null
  const verdicts = same.map((key) => ({ key, same: sameVersion(entry.key, key) }))
  if (verdicts.some((v) => v.same === true)) return null
  const differ = (approved: string, running: string): Mismatch => ({
    message: `${label}: the config runs ${running}, but the registry row (${row}) approves ${approved}`,
    fix: `run the approved version (${approved}), or audit ${running} and update server_id, current_grade and audit_date in the registry`
  })
  const approved = versionText(approvedVersion)
  const other = verdicts.find((v) => v.same === false && v.key.version !== null)
  if (other !== undefined && other.key.version !== null) {
    return differ(approved, versionText(other.key.version))
  }
  const unknown = verdicts.find((v) => v.same === null && v.key.version !== null)
  if (unknown !== undefined && unknown.key.version !== null) {
    return incomparable(entry.key, unknown.key.version, label, row)
  }
  const pkg = server.package
  const spec = pkg.versionSpec === null ? 'no version' : `"${clip(pkg.versionSpec, 80)}"`
  return differ(approved, `a version the gate could not determine (${spec})`)
}

/**
 * Two versions of one server that cannot be compared (`sameVersion` null): an OCI digest and a
 * tag, or a git commit and a branch or tag. A tag may point at any digest, so neither proves the
 * other: the row should name what the config pins (its digest or commit), or the config should
 * pin what the row names.
 */
function incomparable(
  approvedKey: ServerKey,
  running: string,
  label: string,
  row: string
): Mismatch {
  const approved = approvedKey.version ?? ''
  const [pinned, loose] = approvedKey.kind === 'github' ? ['commit', 'ref'] : ['digest', 'tag']
  const isPinned = (version: string): boolean =>
    approvedKey.kind === 'github' ? /^[0-9a-f]{7,64}$/i.test(version) : isDigestText(version)
  const sort = (version: string) => (isPinned(version) ? pinned : loose)
  const [runText, approvedText] = [clip(running, 80), clip(approved, 80)]
  const what = `the ${sort(running)} ${runText} the config runs cannot be compared with the ${sort(approved)} ${approvedText} the registry row (${row}) names`
  if (isPinned(running)) {
    const serverId = clip(formatServerKey({ ...approvedKey, version: running }), 200)
    return {
      message: `${label}: ${what}; name the ${pinned} in server_id`,
      fix: `once this ${pinned} is audited, write server_id ${serverId} in ${row} (a ${loose} can point at any ${pinned}, so it proves nothing about what runs)`
    }
  }
  return {
    message: `${label}: ${what}; pin the ${pinned} the registry approves`,
    fix: `run it by the approved ${pinned} (${approvedText}) instead of the ${loose} ${runText}, or audit what runs and update server_id in ${row}`
  }
}

/** True for an OCI digest (`algorithm:hex`, e.g. `sha256:…`), false for a tag. */
function isDigestText(version: string): boolean {
  return /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:/i.test(version)
}

/** `1.2.3`, or `digest sha256:…` for an OCI digest (clipped). */
function versionText(version: string): string {
  return isDigestText(version) ? `digest ${clip(version, 80)}` : `version ${clip(version, 80)}`
}

function incompleteReasons(
  entry: RegistryEntry,
  policy: EffectivePolicy,
  label: string,
  row: string
): Reason[] {
  const missing: { column: string; what: string; severity: CheckSeverity }[] = []
  if (isBlank(entry.ownerTeam)) {
    missing.push({
      column: 'owner_team',
      what: 'the team that watches this server',
      severity: policy.rules.registryChecks.missingOwner
    })
  }
  if (isBlank(entry.dataAccessSummary)) {
    missing.push({
      column: 'data_access_summary',
      what: 'one sentence on what systems it reads and writes',
      severity: policy.rules.registryChecks.missingDataAccess
    })
  }
  const reasons: Reason[] = []
  for (const severity of ['error', 'warning'] as const) {
    const group = missing.filter((m) => m.severity === severity)
    if (group.length === 0) continue
    reasons.push({
      code: 'REGISTRY_INCOMPLETE',
      severity,
      message: `${label}: the registry row (${row}) has no ${group.map((m) => m.column).join(' and ')}`,
      fix: `fill in ${group.map((m) => `${m.column} (${m.what})`).join(' and ')}`
    })
  }
  return reasons
}

function isBlank(value: string | null): boolean {
  return value === null || value.trim() === ''
}

/** The `server_id` to write for a server: its purl, else its URL (without secrets) or name. */
function suggestedServerId(server: ResolvedServer): string {
  const pkg = server.package
  if (pkg.ecosystem === 'remote' && pkg.name !== null) return clip(remoteUrlText(pkg.name), 200)
  const id = pkg.purl ?? pkg.name
  return id === null ? 'for it' : clip(id, 200)
}

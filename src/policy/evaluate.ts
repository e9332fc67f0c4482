/**
 * Apply an environment's policy to one server (SPEC §5–§7) and sum up a run (SPEC §8 verdict).
 */
import type { LiteralSecret } from '../config/types.js'
import type { Finding, GradeOutcome, GradeReport } from '../grade/report.js'
import type { RunCounts, RunVerdict } from '../report/run.js'
import { serverKeysOf } from '../resolve/server-id.js'
import type { ServerKey } from '../resolve/server-key.js'
import { isWithheld } from '../resolve/withholding.js'
import type { ResolvedServer } from '../resolve/types.js'
import { advisoryReasons } from './advisory-checks.js'
import { complianceImpacts } from './compliance.js'
import { literalSecretReasons, pinningReason } from './config-checks.js'
import { configRiskReasons } from './config-risk.js'
import {
  classifiedRules,
  dataClassLabel,
  tighteningNote,
  type ClassifiedRules
} from './data-class.js'
import { applyExceptions, WAIVABLE_CODES } from './exception-apply.js'
import { isoDayNumber } from './exception-rules.js'
import { failingAxes } from './failing-axes.js'
import { gradeReasons, quarantineReasons } from './grade-checks.js'
import type { Reason, ReasonSeverity, Verdict } from './reasons.js'
import type { ExceptionsFile, RegistryEntry, RegistryFile } from './records.js'
import { findRegistryEntry } from './registry-file.js'
import { registryChecks } from './registry-checks.js'
import type { ServerResult } from './result.js'
import type { EffectivePolicy } from './types.js'
import { clip, serverLabel } from './wording.js'

/**
 * What `evaluateServer` judges: the server, what its grader said, its literal secrets, what its
 * config entry does (`checkConfigEntry` findings, rule ids `config.*`, found for every server
 * whatever the grader), and the organisation's records with the day they are read on.
 */
export interface EvaluationInput {
  server: ResolvedServer
  outcome: GradeOutcome
  literalSecrets: LiteralSecret[]
  configFindings: Finding[]
  /** The approved-server registry of the run (SPEC §7), or null: no registry checks. */
  registry: RegistryFile | null
  /** The exceptions file of the run (SPEC §7), or null (a registry `exception_id` is missing). */
  exceptions: ExceptionsFile | null
  /** The run's day, `YYYY-MM-DD` in UTC (`--today` or the run date): audit age and expiry. */
  today: string
}

const SEVERITY_ORDER: readonly ReasonSeverity[] = ['error', 'warning', 'notice']

/**
 * Every reason `policy` finds for one server, and its verdict (SPEC §2, §5–§8):
 * - `LITERAL_SECRET` (error, every environment), `UNPINNED` (error where `requirePinned`, else a
 *   warning; npm/PyPI/OCI only);
 * - `CONFIG_RISK` per config rule that fired, whatever the grader: an error at or above the
 *   environment's `blockConfigRisk` (critical rules always; high ones where it is `high`), else a
 *   warning for high rules (see `config-risk.ts`); the findings are copied to `configFindings`;
 * - outcome `error` → `GRADER_ERROR` (error, or a warning where `onGraderError: warn`);
 *   `ungraded` → `UNGRADED` (error where `requireGrade`, else a warning): unknown is never a pass;
 * - for a grade: `QUARANTINE`, `GRADE_BELOW_MIN`, `SUBSCORE_F`, `SUBSCORE_BELOW_FLOOR` (see
 *   `grade-checks.ts`), under the rules of the server's data classification (below);
 * - findings with an advisory (from the grade, or from an `ungraded` outcome):
 *   `KNOWN_VULNERABILITY`, `MALWARE` + `QUARANTINE` (see `advisory-checks.ts`);
 * - with a registry file: the server's row (`findRegistryEntry` with `serverKeysOf`) and the
 *   registry checks (`registry-checks.ts`: `NOT_IN_REGISTRY`, `NOT_APPROVED_FOR_ENVIRONMENT`,
 *   `AUDIT_STALE`, `REGISTRY_VERSION_MISMATCH`, `REGISTRY_GRADE_DRIFT`, `REGISTRY_INCOMPLETE`);
 * - the row's `data_classification` tightens the rules for this server (`data-class.ts`): minimum
 *   grade, floors, whether exceptions are allowed, required approvers; a grade reason that only
 *   the class's stricter threshold gives says so ("(personal data: A overall required)");
 * - exceptions (`exception-apply.ts`): a valid one waives `GRADE_BELOW_MIN`,
 *   `SUBSCORE_BELOW_FLOOR` and `SUBSCORE_F` only (`EXCEPTION_APPLIED`), and
 *   `EXCEPTION_EXPIRING` / `EXCEPTION_EXPIRED` / `EXCEPTION_INVALID` report on it; where no
 *   exception is allowed, the fixes of grade reasons say so instead of suggesting one;
 * - `compliance`: the controls touched by the axes that fail (`failingAxes`, even when waived),
 *   from `complianceImpacts`; `[]` without a grade or a failing axis.
 *
 * Reasons are all collected, errors first, then warnings, then notices (each group in check
 * order). Verdict: `error` when a blocking `GRADER_ERROR` is among them, else `fail` when any
 * reason is an error, else `excepted` when an exception waived something, else `warn` when any
 * reason is a warning, else `pass`.
 * Never throws for untrusted content (names, titles, messages are clipped to one line).
 * @throws RangeError when `input.today` is not a `YYYY-MM-DD` calendar date (a caller error).
 */
export function evaluateServer(input: EvaluationInput, policy: EffectivePolicy): ServerResult {
  const { server, outcome, literalSecrets, configFindings, registry, exceptions, today } = input
  if (isoDayNumber(today) === null) {
    throw new RangeError(`today must be a YYYY-MM-DD date, got ${JSON.stringify(today)}`)
  }
  const label = serverLabel(server)
  const keys: ServerKey[] = registry !== null || exceptions !== null ? serverKeysOf(server) : []
  const entry: RegistryEntry | null = registry === null ? null : findRegistryEntry(registry, keys)
  const classified = classifiedRules(policy, entry?.dataClassification ?? null)

  let reasons: Reason[] = [
    ...literalSecretReasons(server, literalSecrets),
    ...configRiskReasons(server, configFindings, policy)
  ]
  let findings: readonly Finding[] = []
  let gradeProblem: ServerResult['gradeProblem'] = null
  let ungradedFindings: Finding[] = []

  switch (outcome.kind) {
    case 'graded':
      findings = outcome.report.findings
      break
    case 'ungraded':
      findings = outcome.findings ?? []
      ungradedFindings = [...findings]
      gradeProblem = { kind: 'ungraded', message: outcome.reason }
      break
    case 'error':
      gradeProblem = { kind: 'error', message: outcome.message }
      break
  }

  reasons.push(...advisoryReasons(server, findings))

  if (outcome.kind === 'graded') {
    reasons.push(...quarantineReasons(server, outcome.report, policy))
    reasons.push(...classifiedGradeReasons(server, outcome.report, policy, classified))
  } else if (outcome.kind === 'error') {
    const blocking = policy.rules.onGraderError === 'fail'
    reasons.push({
      code: 'GRADER_ERROR',
      severity: blocking ? 'error' : 'warning',
      message: `${label}: the grader failed: ${clip(outcome.message)}; ${policy.environment} ${blocking ? 'blocks servers without a grade (onGraderError: fail)' : 'only warns (onGraderError: warn)'}`,
      fix: 'run the check again; if it keeps failing, check the grader settings (URL, key, command, network)'
    })
  } else {
    const blocking = policy.rules.requireGrade
    reasons.push({
      code: 'UNGRADED',
      severity: blocking ? 'error' : 'warning',
      message: `${label}: no grade: ${clip(outcome.reason)}; ${policy.environment} ${blocking ? 'requires a grade (unknown is never a pass)' : 'allows it with a warning'}`,
      fix: ungradedFix(server)
    })
  }

  const unpinned = pinningReason(server, policy)
  if (unpinned !== null) reasons.push(unpinned)

  const grade = outcome.kind === 'graded' ? outcome.report : null
  let registryStatus: ServerResult['registry'] = null
  if (registry !== null) {
    const checked = registryChecks({ server, keys, registry, entry, grade, today }, policy)
    registryStatus = checked.status
    reasons.push(...checked.reasons)
  }

  if (!classified.exceptions.allowed)
    reasons = reasons.map((r) => withoutExceptionFix(r, policy, classified))
  const excepted = applyExceptions({
    server,
    keys,
    exceptions,
    entry,
    environment: policy.environment,
    classified,
    reasons,
    today
  })

  const sorted = sortBySeverity(excepted.reasons)
  const verdict = verdictOf(sorted)
  return {
    server,
    policy,
    grade,
    gradeProblem,
    ungradedFindings,
    configFindings: [...configFindings],
    registry: registryStatus,
    exception: excepted.status,
    compliance:
      grade === null ? [] : complianceImpacts(failingAxes(grade, classified.rules, policy.scale)),
    verdict: excepted.applied && (verdict === 'pass' || verdict === 'warn') ? 'excepted' : verdict,
    reasons: sorted
  }
}

/**
 * `gradeReasons` under the server's classified rules. A reason the environment alone would not
 * give in these words (its threshold is the class's) gets the class's requirement appended,
 * e.g. "(personal data: A overall, security ≥ 85 required)".
 */
function classifiedGradeReasons(
  server: ResolvedServer,
  report: GradeReport,
  policy: EffectivePolicy,
  classified: ClassifiedRules
): Reason[] {
  if (classified.rules === policy.rules) return gradeReasons(server, report, policy)
  const reasons = gradeReasons(server, report, { ...policy, rules: classified.rules })
  const note = tighteningNote(classified)
  if (note === null) return reasons
  const plain = new Set(
    gradeReasons(server, report, policy).map((r) => `${r.code}\u0000${r.message}`)
  )
  return reasons.map((reason) =>
    plain.has(`${reason.code}\u0000${reason.message}`)
      ? reason
      : { ...reason, message: `${reason.message} (${note})` }
  )
}

/**
 * Where no exception is allowed (the environment, or the server's data class), a waivable
 * reason's fix no longer suggests one and says why.
 */
function withoutExceptionFix(
  reason: Reason,
  policy: EffectivePolicy,
  classified: ClassifiedRules
): Reason {
  if (!WAIVABLE_CODES.includes(reason.code) || reason.fix === undefined) return reason
  const who =
    !policy.rules.exceptions.allowed || classified.dataClass === null
      ? policy.environment
      : `${dataClassLabel(classified.dataClass)} in ${policy.environment}`
  const fix = reason.fix.replace(/,? or request an exception$/, '')
  return { ...reason, fix: `${fix} (${who} allows no exceptions)` }
}

/** Stable sort: errors, then warnings, then notices. */
function sortBySeverity(reasons: readonly Reason[]): Reason[] {
  return reasons
    .map((reason, index) => ({ reason, index }))
    .sort(
      (a, b) =>
        SEVERITY_ORDER.indexOf(a.reason.severity) - SEVERITY_ORDER.indexOf(b.reason.severity) ||
        a.index - b.index
    )
    .map(({ reason }) => reason)
}

/**
 * The verdict of a list of reasons (SPEC §2, §5): `error` when a `GRADER_ERROR` is an error,
 * `fail` when any other reason is an error, `warn` when any is a warning, else `pass`.
 */
export function verdictOf(reasons: readonly Reason[]): Verdict {
  if (reasons.some((r) => r.code === 'GRADER_ERROR' && r.severity === 'error')) return 'error'
  if (reasons.some((r) => r.severity === 'error')) return 'fail'
  if (reasons.some((r) => r.severity === 'warning')) return 'warn'
  return 'pass'
}

/**
 * The verdict and counts of a run (SPEC §8 JSON report `verdict`, `counts`): `fail` when any
 * server is `fail` or `error` or any config file is invalid (`configErrors` > 0); `warn` when any
 * server is `warn` or `excepted` (an exception lets the server through, so the run does not
 * fail, but a waived grade failure is not a clean pass: it stays visible as a warning run);
 * else `pass` (also for a run with no servers).
 * @param configErrors how many config files could not be parsed (an integer ≥ 0).
 * @throws RangeError when `configErrors` is negative or not an integer.
 */
export function runVerdict(
  results: readonly ServerResult[],
  configErrors: number
): { verdict: RunVerdict; counts: RunCounts } {
  if (!Number.isInteger(configErrors) || configErrors < 0) {
    throw new RangeError(`configErrors must be an integer ≥ 0, got ${String(configErrors)}`)
  }
  const counts: RunCounts = {
    servers: results.length,
    pass: 0,
    warn: 0,
    fail: 0,
    excepted: 0,
    error: 0
  }
  for (const result of results) counts[result.verdict] += 1
  const verdict: RunVerdict =
    counts.fail > 0 || counts.error > 0 || configErrors > 0
      ? 'fail'
      : counts.warn > 0 || counts.excepted > 0
        ? 'warn'
        : 'pass'
  return { verdict, counts }
}

/** What would give `server` a grade: launching it plainly, or a grader that knows it. */
function ungradedFix(server: ResolvedServer): string {
  const pkg = server.package
  if (isWithheld(pkg)) {
    return 'launch the package plainly (see the notes for what stops the gate from knowing what runs), so the package that runs is the one graded'
  }
  if (pkg.ecosystem === 'unknown') {
    return 'launch one package or program plainly (one command, no substitutions, a "type" when both command and url are set)'
  }
  if (pkg.ecosystem === 'local') {
    return 'local code has no identity a grader can look up: publish it as a package and pin it, or grade it with grader: command'
  }
  return 'use a grader that can grade this server (grader: api or command)'
}

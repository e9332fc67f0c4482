/**
 * Apply an environment's policy to one server (SPEC §5–§6) and sum up a run (SPEC §8 verdict).
 */
import type { LiteralSecret } from '../config/types.js'
import type { Finding, GradeOutcome } from '../grade/report.js'
import type { RunCounts, RunVerdict } from '../report/run.js'
import { isWithheld } from '../resolve/withholding.js'
import type { ResolvedServer } from '../resolve/types.js'
import { advisoryReasons } from './advisory-checks.js'
import { literalSecretReasons, pinningReason } from './config-checks.js'
import { configRiskReasons } from './config-risk.js'
import { gradeReasons, quarantineReasons } from './grade-checks.js'
import type { Reason, ReasonSeverity, Verdict } from './reasons.js'
import type { ServerResult } from './result.js'
import type { EffectivePolicy } from './types.js'
import { clip, serverLabel } from './wording.js'

/**
 * What `evaluateServer` judges: the server, what its grader said, its literal secrets, and what
 * its config entry does (`checkConfigEntry` findings, rule ids `config.*`), found for every
 * server whatever the grader.
 */
export interface EvaluationInput {
  server: ResolvedServer
  outcome: GradeOutcome
  literalSecrets: LiteralSecret[]
  configFindings: Finding[]
}

const SEVERITY_ORDER: readonly ReasonSeverity[] = ['error', 'warning', 'notice']

/**
 * Every reason `policy` finds for one server, and its verdict (SPEC §2, §5, §6, §8):
 * - `LITERAL_SECRET` (error, every environment), `UNPINNED` (error where `requirePinned`, else a
 *   warning; npm/PyPI/OCI only);
 * - `CONFIG_RISK` per config rule that fired, whatever the grader: an error at or above the
 *   environment's `blockConfigRisk` (critical rules always; high ones where it is `high`), else a
 *   warning for high rules (see `config-risk.ts`); the findings are copied to `configFindings`;
 * - outcome `error` → `GRADER_ERROR` (error, or a warning where `onGraderError: warn`);
 *   `ungraded` → `UNGRADED` (error where `requireGrade`, else a warning): unknown is never a pass;
 * - for a grade: `QUARANTINE`, `GRADE_BELOW_MIN`, `SUBSCORE_F`, `SUBSCORE_BELOW_FLOOR` (see
 *   `grade-checks.ts`);
 * - findings with an advisory (from the grade, or from an `ungraded` outcome):
 *   `KNOWN_VULNERABILITY`, `MALWARE` + `QUARANTINE` (see `advisory-checks.ts`).
 *
 * Reasons are all collected, errors first, then warnings, then notices (each group in check
 * order). Verdict: `error` when a blocking `GRADER_ERROR` is among them, else `fail` when any
 * reason is an error, else `warn` when any is a warning, else `pass` (`excepted` belongs to the
 * exception checks of a later issue). `registry` and `exception` are null for now.
 * Never throws for untrusted content (names, titles, messages are clipped to one line).
 */
export function evaluateServer(input: EvaluationInput, policy: EffectivePolicy): ServerResult {
  const { server, outcome, literalSecrets, configFindings } = input
  const label = serverLabel(server)
  const reasons: Reason[] = [
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
    reasons.push(...gradeReasons(server, outcome.report, policy))
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

  const sorted = sortBySeverity(reasons)
  return {
    server,
    policy,
    grade: outcome.kind === 'graded' ? outcome.report : null,
    gradeProblem,
    ungradedFindings,
    configFindings: [...configFindings],
    registry: null,
    exception: null,
    verdict: verdictOf(sorted),
    reasons: sorted
  }
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
 * server is `warn` or `excepted` (an exception lets it through, but it is not a clean pass);
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

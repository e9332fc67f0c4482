/**
 * Applying exceptions to a server's reasons (SPEC §7, issue 3 point 3): find the exceptions that
 * cover it, judge them with the rules of its environment and data class (`exception-rules.ts`),
 * and let a valid one waive its grade and floor failures — and nothing else.
 */
import type { ServerKey } from '../resolve/server-key.js'
import type { ResolvedServer } from '../resolve/types.js'
import {
  exceptionLinkProblem,
  findExceptions,
  judgeException,
  type ExceptionJudgement
} from './exception-rules.js'
import type { ClassifiedRules } from './data-class.js'
import type { Reason, ReasonCode, ReasonSeverity } from './reasons.js'
import type { ExceptionRecord, ExceptionsFile, RegistryEntry } from './records.js'
import type { ExceptionStatus } from './result.js'
import { clip, serverLabel } from './wording.js'

/**
 * The only reasons an exception can waive (SPEC §7 "a valid exception turns a grade/floor failure
 * into excepted"): the overall grade below the minimum, a sub-score below its floor, an F.
 */
export const WAIVABLE_CODES: readonly ReasonCode[] = Object.freeze([
  'GRADE_BELOW_MIN',
  'SUBSCORE_BELOW_FLOOR',
  'SUBSCORE_F'
])

/**
 * Codes no exception ever waives (SPEC §6–§7: quarantine, literal secrets; malware is
 * quarantined), named in messages when they still block next to waived ones. Every other code
 * not in `WAIVABLE_CODES` is not waived either.
 */
export const NEVER_WAIVED_CODES: readonly ReasonCode[] = Object.freeze([
  'QUARANTINE',
  'LITERAL_SECRET',
  'MALWARE'
])

/** What `applyExceptions` needs for one server. */
export interface ExceptionApplyInput {
  server: ResolvedServer
  /** Every identity the server is known by (`serverKeysOf`). */
  keys: readonly ServerKey[]
  /** The exceptions file of the run, or null when there is none. */
  exceptions: ExceptionsFile | null
  /** The server's registry row (its `exception_id` links an exception), or null. */
  entry: RegistryEntry | null
  /** The environment the server is gated for. */
  environment: string
  /** The server's rules after its data classification (`classifiedRules`). */
  classified: ClassifiedRules
  /** Every reason found so far (any order). */
  reasons: readonly Reason[]
  /** The run's day, `YYYY-MM-DD` (UTC). */
  today: string
}

/** The exception status of a server and its reasons once exceptions are applied. */
export interface ExceptionApplyResult {
  /** The exception that covers the server, or null when none does. */
  status: ExceptionStatus | null
  /**
   * `input.reasons` (same order) with waived ones turned into warnings marked "(waived by
   * exception ID)", followed by the exception's own reasons (`EXCEPTION_*`).
   */
  reasons: Reason[]
  /** True when the exception waived at least one reason. */
  applied: boolean
}

interface Judged {
  record: ExceptionRecord
  judgement: ExceptionJudgement
}

/** Best state first: a usable exception, then an expired one, then an invalid one. */
const STATE_RANK: Readonly<Record<ExceptionJudgement['state'], number>> = {
  valid: 0,
  expiring: 0,
  expired: 1,
  invalid: 2,
  'not-applicable': 3
}

/**
 * Apply the exceptions covering a server (SPEC §7, issue 3):
 * 1. candidates: `findExceptions` by the server's identities (an exception covers a server only
 *    through its `server_id`); each judged by `judgeException` with the environment and the
 *    data-class rules (`classified.exceptions`: allowed, most days, required roles). The best
 *    one that lists the environment is kept: usable (valid or expiring), else expired, else
 *    invalid; among equals the one with the most days left, then the first in the file.
 * 2. a usable exception waives every blocking reason in `WAIVABLE_CODES` — never
 *    `QUARANTINE`, `LITERAL_SECRET`, `MALWARE` or any other code, and never where the environment
 *    or the data class allows no exceptions (the judgement is then `invalid`). Waived reasons stay
 *    listed as warnings with "(waived by exception ID)"; an `EXCEPTION_APPLIED` notice names the
 *    exception, what it waived and what still blocks. State `applied` (else `valid`/`expiring`:
 *    nothing needed waiving).
 * 3. `EXCEPTION_EXPIRING` (expires within 7 days): always a warning (SPEC §7), whether or not
 *    it waives something now.
 * 4. `EXCEPTION_EXPIRED` / `EXCEPTION_INVALID` (naming each broken rule): an error when the
 *    server has a waivable failure (the exception was needed and does not hold), else a warning.
 * 5. a registry `exception_id` that leads to no exception for this server (none with that id,
 *    or one whose `server_id` names another server, of any kind, or another version): state
 *    `missing` (or `invalid`) and `EXCEPTION_INVALID`, severity as in 4, when no other exception
 *    covers the server; a warning next to one that does. It never waives anything.
 * 6. exceptions that cover the server but list none of the run's environment (e.g. only
 *    `staging`, or a misspelt `prodution`), when no exception applies here: one
 *    `EXCEPTION_INVALID` saying where they apply and that they do not apply in this environment
 *    — a warning when the server has a waivable failure (someone may count on them), else a
 *    notice. No status (nothing covers the server here).
 * Never throws for untrusted content (ids and names are clipped).
 * @throws RangeError when `today` is not a `YYYY-MM-DD` date (from `judgeException`).
 */
export function applyExceptions(input: ExceptionApplyInput): ExceptionApplyResult {
  const { server, keys, exceptions, entry, classified, today } = input
  const label = serverLabel(server)
  const registryId = entry?.exceptionId ?? null
  const needed = input.reasons.some(isWaivableFailure)
  const neededSeverity: ReasonSeverity = needed ? 'error' : 'warning'
  const link = exceptionLinkProblem(exceptions, keys, registryId)

  const all: Judged[] = findExceptions(exceptions, keys).map((record) => ({
    record,
    judgement: judgeException(record, {
      today,
      environment: input.environment,
      dataClass: classified.dataClass,
      rules: classified.exceptions
    })
  }))
  const judged = all
    .filter((j) => j.judgement.state !== 'not-applicable')
    .map((j) => disallowed(j, classified))
  const best = pickBest(judged)
  const elsewhere = all.filter((j) => j.judgement.state === 'not-applicable').map((j) => j.record)

  const own: Reason[] = []
  if (link !== null) {
    own.push({
      code: 'EXCEPTION_INVALID',
      severity: best === null ? neededSeverity : 'warning',
      message: `${label}: ${clip(link.message, 400)}`,
      fix: 'make the registry row’s exception_id name an exception for this server, or clear it'
    })
  }
  if (best === null && elsewhere.length > 0) {
    own.push(otherEnvironments(elsewhere, label, input.environment, needed))
  }
  if (best === null) {
    if (link === null) return { status: null, reasons: [...input.reasons, ...own], applied: false }
    const record = exceptions?.exceptions.find((r) => r.id === link.id) ?? null
    return {
      status: {
        id: link.id,
        state: link.kind === 'missing' ? 'missing' : 'invalid',
        expiresOn: record?.expiresOn ?? null,
        daysLeft: null,
        problems: [link.message],
        waived: [],
        artifactUrl: record?.artifactUrl ?? null,
        source: record?.source ?? null
      },
      reasons: [...input.reasons, ...own],
      applied: false
    }
  }

  const { record, judgement } = best
  const id = JSON.stringify(clip(record.id, 80))
  const where = `${clip(record.source.file)}:${record.source.line}`
  const status: ExceptionStatus = {
    id: record.id,
    state: 'valid',
    expiresOn: record.expiresOn,
    daysLeft: judgement.daysLeft,
    problems: [...judgement.problems],
    waived: [],
    artifactUrl: record.artifactUrl,
    source: record.source
  }

  if (judgement.state === 'expired' || judgement.state === 'invalid') {
    status.state = judgement.state
    own.unshift(brokenReason(judgement, label, id, where, record, needed))
    return { status, reasons: [...input.reasons, ...own], applied: false }
  }

  const waived = new Set<ReasonCode>()
  const reasons = input.reasons.map((reason) => {
    if (!isWaivableFailure(reason)) return reason
    waived.add(reason.code)
    return {
      ...reason,
      severity: 'warning' as const,
      message: `${reason.message} (waived by exception ${id})`
    }
  })
  status.waived = [...waived]
  status.state = waived.size > 0 ? 'applied' : judgement.state === 'expiring' ? 'expiring' : 'valid'
  if (waived.size > 0) {
    const blocking = [...new Set(reasons.filter((r) => r.severity === 'error').map((r) => r.code))]
    const still =
      blocking.length === 0
        ? ''
        : `; it cannot waive ${blocking.join(', ')}, which still ${blocking.length === 1 ? 'blocks' : 'block'}`
    own.unshift({
      code: 'EXCEPTION_APPLIED',
      severity: 'notice',
      message: `${label}: exception ${id} (${where}, expires ${clip(record.expiresOn ?? 'on no date', 20)}) waives ${[...waived].join(', ')}${still}`
    })
  }
  if (judgement.state === 'expiring') {
    const left = judgement.daysLeft ?? 0
    const when =
      left === 0 ? 'today is its last day' : `${left === 1 ? '1 day' : `${left} days`} left`
    own.push({
      code: 'EXCEPTION_EXPIRING',
      severity: 'warning',
      message: `${label}: exception ${id} (${where}) expires on ${clip(record.expiresOn ?? '', 20)} (${when})`,
      fix: `renew it with a new approval (at most ${classified.exceptions.maxDays} days) or make the server meet the rules before then`
    })
  }
  return { status, reasons: [...reasons, ...own], applied: waived.size > 0 }
}

/** Most exceptions named in one "does not apply in this environment" reason. */
const MAX_NAMED_ELSEWHERE = 3

/**
 * `EXCEPTION_INVALID` for exceptions that cover the server in other environments only: where
 * each applies, and that it does not apply in `environment` (a warning when `needed`, else a
 * notice).
 */
function otherEnvironments(
  records: readonly ExceptionRecord[],
  label: string,
  environment: string,
  needed: boolean
): Reason {
  const named = records.slice(0, MAX_NAMED_ELSEWHERE).map((record) => {
    const where = `${clip(record.source.file)}:${record.source.line}`
    const envs = record.environments.map((e) => clip(e, 40)).join(', ')
    return `${JSON.stringify(clip(record.id, 80))} (${where}, for ${envs})`
  })
  const more =
    records.length > MAX_NAMED_ELSEWHERE ? ` and ${records.length - MAX_NAMED_ELSEWHERE} more` : ''
  const one = records.length === 1
  const env = clip(environment, 40)
  return {
    code: 'EXCEPTION_INVALID',
    severity: needed ? 'warning' : 'notice',
    message: `${label}: exception${one ? '' : 's'} ${named.join(', ')}${more} cover${one ? 's' : ''} this server in other environments, not in ${env}; ${one ? 'it does' : 'they do'} not apply here`,
    fix: needed
      ? `have an exception approved for ${env} and list ${env} in its environments, or make the server meet the rules`
      : `nothing needs an exception in ${env}; check the environments listed if one was meant for ${env}`
  }
}

/** A blocking grade or floor failure an exception may waive. */
function isWaivableFailure(reason: Reason): boolean {
  return reason.severity === 'error' && WAIVABLE_CODES.includes(reason.code)
}

/**
 * A usable judgement where the rules allow no exceptions becomes `invalid` (the judge already
 * does this; kept so that a usable state can never slip past `allowed: false`).
 */
function disallowed(judged: Judged, classified: ClassifiedRules): Judged {
  const { state } = judged.judgement
  if (classified.exceptions.allowed || (state !== 'valid' && state !== 'expiring')) return judged
  const what = classified.dataClass === null ? 'the environment' : `${classified.dataClass} data`
  return {
    record: judged.record,
    judgement: {
      ...judged.judgement,
      state: 'invalid',
      problems: [`the policy allows no exceptions for ${what} here`]
    }
  }
}

function pickBest(judged: readonly Judged[]): Judged | null {
  let best: Judged | null = null
  for (const candidate of judged) {
    if (best === null) {
      best = candidate
      continue
    }
    const rank = STATE_RANK[candidate.judgement.state] - STATE_RANK[best.judgement.state]
    const left =
      (candidate.judgement.daysLeft ?? -Infinity) - (best.judgement.daysLeft ?? -Infinity)
    if (rank < 0 || (rank === 0 && left > 0)) best = candidate
  }
  return best
}

function brokenReason(
  judgement: ExceptionJudgement,
  label: string,
  id: string,
  where: string,
  record: ExceptionRecord,
  needed: boolean
): Reason {
  const consequence = needed ? 'the failures it would waive block' : 'nothing needs it now'
  if (judgement.state === 'expired') {
    const ago = -(judgement.daysLeft ?? 0)
    return {
      code: 'EXCEPTION_EXPIRED',
      severity: needed ? 'error' : 'warning',
      message: `${label}: exception ${id} (${where}) expired on ${clip(record.expiresOn ?? '', 20)} (${ago === 1 ? '1 day' : `${ago} days`} ago); ${consequence}`,
      fix: needed
        ? 'renew it with a new approval, or make the server meet the rules'
        : `remove it from ${clip(record.source.file)}, or renew it if it will be needed`
    }
  }
  return {
    code: 'EXCEPTION_INVALID',
    severity: needed ? 'error' : 'warning',
    message: `${label}: exception ${id} (${where}) is not valid: ${judgement.problems.map((p) => clip(p, 300)).join('; ')}; ${consequence}`,
    fix: needed
      ? 'correct the exception as each problem says, or make the server meet the rules'
      : 'correct the exception as each problem says, or remove it'
  }
}

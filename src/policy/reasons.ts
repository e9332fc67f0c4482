/**
 * Reason codes (SPEC §8): stable identifiers for why a server passed with a warning or was
 * blocked. They are part of the public contract (JSON report, SARIF rule ids, README).
 */

export const REASON_CODES = [
  'CONFIG_INVALID',
  'GRADE_BELOW_MIN',
  'SUBSCORE_BELOW_FLOOR',
  'SUBSCORE_F',
  'QUARANTINE',
  'KNOWN_VULNERABILITY',
  'MALWARE',
  'UNPINNED',
  'UNGRADED',
  'GRADER_ERROR',
  'LITERAL_SECRET',
  'CONFIG_RISK',
  'NOT_IN_REGISTRY',
  'NOT_APPROVED_FOR_ENVIRONMENT',
  'AUDIT_STALE',
  'REGISTRY_VERSION_MISMATCH',
  'REGISTRY_GRADE_DRIFT',
  'REGISTRY_INCOMPLETE',
  'EXCEPTION_EXPIRED',
  'EXCEPTION_INVALID',
  'EXCEPTION_EXPIRING',
  'EXCEPTION_APPLIED'
] as const
export type ReasonCode = (typeof REASON_CODES)[number]

/** `error` blocks the server; `warning` is shown but does not block; `notice` is information. */
export type ReasonSeverity = 'error' | 'warning' | 'notice'

/** One reason attached to a server result (SPEC §2 `reasons[]`). */
export interface Reason {
  code: ReasonCode
  severity: ReasonSeverity
  /** What is wrong, for people. Never holds a secret value (mask first). */
  message: string
  /** What would make it pass (pin it, pick a version, request an exception, …). */
  fix?: string
}

/** Verdict of one server (SPEC §2). */
export type Verdict = 'pass' | 'warn' | 'fail' | 'excepted' | 'error'

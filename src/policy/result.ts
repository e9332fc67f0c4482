/**
 * The result of evaluating one server (SPEC §2 `ServerResult`).
 */
import type { GradeDrop } from '../change/grade-drop.js'
import type { AspectChange, ChangeKind } from '../change/types.js'
import type { Axis, Finding, GradeReport } from '../grade/report.js'
import type { ResolvedServer } from '../resolve/types.js'
import type { ReasonCode, Reason, Verdict } from './reasons.js'
import type { RecordSource, RegistryEntry } from './records.js'
import type { EffectivePolicy } from './types.js'

/** The registry's view of a server (JSON report `registry`). */
export interface RegistryStatus {
  /** The registry file it was looked up in. */
  file: string
  /** False when no row matches the server (`NOT_IN_REGISTRY`). */
  found: boolean
  /** The matching row (as normalised), or null. */
  entry: RegistryEntry | null
  /** Days from `audit_date` to the run's date (UTC), or null without a date. */
  auditAgeDays: number | null
  /** Whether the row approves the run's environment; null when there is no row. */
  approvedForEnvironment: boolean | null
}

/** The exception that covers a server (JSON report `exception`). */
export interface ExceptionStatus {
  id: string
  /** `applied` (valid, waived something), `valid` (valid, nothing to waive), `expiring` (valid,
   * within 7 days of expiry), `expired`, `invalid` (a rule broken), `missing` (the registry names an
   * exception id the exceptions file does not hold). */
  state: 'applied' | 'valid' | 'expiring' | 'expired' | 'invalid' | 'missing'
  expiresOn: string | null
  /** Days left until `expires_on` (0 on the day itself), or null. */
  daysLeft: number | null
  /** Each broken rule, as a sentence. */
  problems: string[]
  /** Reason codes this exception turned from blocking into waived. */
  waived: ReasonCode[]
  /** The approval artifact (ticket, signed PDF) as written, or null. */
  artifactUrl: string | null
  source: RecordSource | null
}

/** One framework control a failing axis touches (SPEC §8 compliance evidence). */
export interface ComplianceImpact {
  axis: Axis
  framework: 'SOC 2' | 'GDPR' | 'HIPAA' | 'ISO 27001'
  /** The control id, e.g. `CC6.1`, `Art. 32(1)(b)`, `§164.312(d)`, `A.8.5`. */
  control: string
  /** The control's name, e.g. `Logical access controls`. */
  title: string
}

/**
 * The change facts of one server (JSON report `servers[].change`, `ServerResult.change`), as the
 * change under review (`change/run-change.ts`) finds them.
 */
export interface ServerChangeFacts {
  kind: ChangeKind
  /** What differs, for `changed` (messages never hold env or header values). */
  aspects: AspectChange[]
  /** `1.2.0 → 1.3.1` when the written version changed, else null. */
  versionBump: string | null
  /** The base entry's name and line (1-based), for a changed or unchanged server. */
  base: { name: string; line: number } | null
  /** What went down against the base version's grade, when the base was graded and it did. */
  gradeDrop: GradeDrop | null
  /** False when `scope: changed` keeps this unchanged server from blocking. */
  blocking: boolean
}

export interface ServerResult {
  server: ResolvedServer
  /** The policy applied to this server (environments can differ per config path, SPEC §6). */
  policy: EffectivePolicy
  /** The grade, when a grader produced a valid one. */
  grade: GradeReport | null
  /** Why there is no grade: `ungraded` (no grade exists) or `error` (the grader failed). */
  gradeProblem: { kind: 'ungraded' | 'error'; message: string } | null
  /** Findings shown even without a grade (from an `ungraded` outcome), else empty. */
  ungradedFindings: Finding[]
  /**
   * What the config entry itself does (SPEC §5 config rules: literal secrets, privileged
   * containers, broad filesystem roots, auto-approved tools, plain-http remotes), found for every
   * server whatever the grader. The built-in grader's report holds the same findings (they score
   * its credentials and permissions axes); renderers show each finding once.
   */
  configFindings: Finding[]
  /** What the approved-server registry says; null when the run has no registry file. */
  registry: RegistryStatus | null
  /** The exception that covers the server; null when none does (or no exceptions file). */
  exception: ExceptionStatus | null
  /**
   * Compliance controls touched by this server's failing or floored axes (SPEC §8), from the
   * mapping in `compliance.ts`; empty when no axis fails.
   */
  compliance: ComplianceImpact[]
  verdict: Verdict
  reasons: Reason[]
  /**
   * How the change under review (a pull request) touches this server: added, changed (what,
   * the version bump, a grade that went down), unchanged; absent when the run gated the whole
   * workspace.
   */
  change?: ServerChangeFacts
}

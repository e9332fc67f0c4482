/**
 * The organisation's records the gate reads besides configs (SPEC §7): the approved-server
 * registry and the time-boxed exceptions. Types only; files are read by `registry-file.ts` and
 * `exceptions-file.ts`. Dates are ISO `YYYY-MM-DD`, evaluated in UTC.
 */
import type { GradeLetter } from '../grade/report.js'
import type { ServerKey } from '../resolve/server-key.js'

/** Data classification of a server's data access (SPEC §6), most sensitive first. */
export const DATA_CLASSES = ['phi', 'personal', 'internal', 'public'] as const
export type DataClass = (typeof DATA_CLASSES)[number]

/** Where a record is written: its file and 1-based line. */
export interface RecordSource {
  file: string
  line: number
}

/** One row of the approved-server registry (SPEC §7 columns). */
export interface RegistryEntry {
  /** `server_id` as written. */
  serverId: string
  /** `server_id` normalised (see `resolve/server-id.ts`). */
  key: ServerKey
  displayName: string | null
  currentGrade: GradeLetter | null
  auditUrl: string | null
  /** `YYYY-MM-DD` or null when absent. */
  auditDate: string | null
  /** Environment names, normalised (`prod` → `production`, `dev` → `development`). */
  environmentsApproved: string[]
  dataAccessSummary: string | null
  dataClassification: DataClass | null
  exceptionId: string | null
  ownerTeam: string | null
  source: RecordSource
}

/** The registry file as read. */
export interface RegistryFile {
  path: string
  format: 'csv' | 'json' | 'yaml'
  entries: RegistryEntry[]
}

/** One approver of an exception (SPEC §7). */
export interface Approver {
  /** Lower-cased role: `manager`, `security`, `cto`, … */
  role: string
  name: string
  /** `YYYY-MM-DD` or null when absent. */
  date: string | null
}

/**
 * One exception (SPEC §7). Fields are kept as written (null when absent) so that the rules in
 * `exception-rules.ts` can say which one is missing (`EXCEPTION_INVALID`) instead of the file
 * failing to load.
 */
export interface ExceptionRecord {
  id: string
  serverId: string
  key: ServerKey
  /** Normalised environment names. */
  environments: string[]
  justification: string | null
  riskAnalysis: string | null
  compensatingControls: string | null
  approvers: Approver[]
  artifactUrl: string | null
  /** `YYYY-MM-DD` or null when absent. */
  approvedOn: string | null
  /** `YYYY-MM-DD` or null when absent. */
  expiresOn: string | null
  source: RecordSource
}

/** The exceptions file as read. */
export interface ExceptionsFile {
  path: string
  format: 'json' | 'yaml'
  exceptions: ExceptionRecord[]
}

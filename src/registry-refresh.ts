/**
 * The admin workflow of SPEC §7 / issue 3: after a `check`, write each graded server's fresh
 * grade and today's date into the registry row that approves it, so one PR refreshes the audits.
 */
import { policyLetter } from './policy/grade-checks.js'
import { loadRegistryFile } from './policy/registry-file.js'
import type { RegistryEntry, RegistryFile } from './policy/records.js'
import type { ServerResult } from './policy/result.js'
import { updateRegistry, type RegistryUpdate } from './policy/registry-write.js'
import type { GateRun } from './report/run.js'
import { sameServer, sameVersion, serverKeysOf } from './resolve/server-id.js'

/** What a refresh did, in rows and servers. */
export interface RegistryRefresh {
  /** Rows whose `current_grade`, `audit_date` or `audit_url` changed. */
  updated: number
  /** Graded servers with no row in the file at all. */
  notInRegistry: number
  /**
   * Graded servers whose rows all name another version: an audit of the version that runs is
   * not an audit of the version the row approves, so those rows are left alone (the check
   * reports `REGISTRY_VERSION_MISMATCH`; the admin adds a row for the new version).
   */
  otherVersion: number
}

/**
 * Update `registryPath` from `run`: for every server graded by a grader other than `registry`
 * (that would only copy the row back), the row that approves exactly that server gets
 * `current_grade` = the fresh overall letter under the server's policy scale (`policyLetter`,
 * the letter the `REGISTRY_GRADE_DRIFT` check compares, so a refresh never causes its own
 * drift), `audit_date` = the run's day (`run.today`, UTC `YYYY-MM-DD`) and `audit_url` = the
 * grade's report link when it has one. "Exactly" means a row whose `server_id` names the same
 * server and either the same version (`sameVersion`) or no version (a row for every version);
 * a row for another version is never touched. Every other column, unknown columns, row order
 * and comments are kept (`registry-write.ts`). When two servers name one row, the last wins.
 * @returns counts of rows updated and of graded servers left alone (`RegistryRefresh`).
 * @throws RegistryFileError when the file cannot be read or is invalid (it is not written).
 */
export async function refreshRegistry(
  run: GateRun,
  registryPath: string
): Promise<RegistryRefresh> {
  const file = await loadRegistryFile(registryPath)
  const updates: RegistryUpdate[] = []
  let notInRegistry = 0
  let otherVersion = 0
  for (const result of run.servers) {
    const grade = result.grade
    if (grade === null || grade.source === 'registry') continue
    const match = auditedRow(file, result)
    if (match === 'none') notInRegistry += 1
    else if (match === 'other-version') otherVersion += 1
    else {
      updates.push({
        entry: match,
        currentGrade: policyLetter(grade.overall, result.policy.scale),
        auditDate: run.today,
        ...(grade.reportUrl ? { auditUrl: grade.reportUrl } : {})
      })
    }
  }
  const { updated } = await updateRegistry(registryPath, updates)
  return { updated, notInRegistry, otherVersion }
}

/**
 * The row of `file` a fresh audit of `result`'s server may be written into: the first of the
 * server's keys (`serverKeysOf`, most specific first) with a row of the same version, else
 * one with a row for every version. `other-version` when rows name the server but only other
 * versions (or the running version is unknown), `none` when no row names it.
 */
function auditedRow(
  file: RegistryFile,
  result: ServerResult
): RegistryEntry | 'none' | 'other-version' {
  let named = false
  for (const key of serverKeysOf(result.server)) {
    const rows = file.entries.filter((entry) => sameServer(entry.key, key))
    if (rows.length === 0) continue
    named = true
    const row =
      rows.find((entry) => sameVersion(entry.key, key) === true) ??
      rows.find((entry) => entry.key.version === null)
    if (row !== undefined) return row
  }
  return named ? 'other-version' : 'none'
}

/**
 * The admin workflow of SPEC §7 / issue 3: after a `check`, write each graded server's fresh
 * grade and today's date into the registry row that approves it, so one PR refreshes the audits.
 */
import { updateRegistry, type RegistryUpdate } from './policy/registry-write.js'
import { findRegistryEntry, loadRegistryFile } from './policy/registry-file.js'
import type { GateRun } from './report/run.js'
import { serverKeysOf } from './resolve/server-id.js'

/**
 * Update `registryPath` from `run`: for every server graded by a grader other than `registry`
 * (that would only copy the row back) whose row is in the file, `current_grade` becomes the fresh
 * overall letter, `audit_date` the run's date, and `audit_url` the grade's report link when it
 * has one. Every other column, unknown columns, row order and comments are kept
 * (`registry-write.ts`).
 * @returns how many rows changed, and how many graded servers have no row in the file.
 * @throws RegistryFileError when the file cannot be read or is invalid (it is not written).
 */
export async function refreshRegistry(
  run: GateRun,
  registryPath: string
): Promise<{ updated: number; skipped: number }> {
  const file = await loadRegistryFile(registryPath)
  const updates: RegistryUpdate[] = []
  let skipped = 0
  for (const result of run.servers) {
    const grade = result.grade
    if (grade === null || grade.source === 'registry') continue
    const entry = findRegistryEntry(file, serverKeysOf(result.server))
    if (entry === null) {
      skipped += 1
      continue
    }
    updates.push({
      entry,
      currentGrade: grade.overall.grade,
      auditDate: run.today,
      ...(grade.reportUrl ? { auditUrl: grade.reportUrl } : {})
    })
  }
  const { updated } = await updateRegistry(registryPath, updates)
  return { updated, skipped }
}

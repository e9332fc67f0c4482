/**
 * The environments of a policy: the built-in ones (SPEC §6) with the policy file's overrides, and
 * the file's custom environments, each resolved through its `extends` chain.
 */
import {
  BUILTIN_ENVIRONMENTS,
  builtinDraft,
  isBuiltinEnvironment,
  type EnvironmentDraft
} from './defaults.js'
import type { EnvironmentEntry, PolicyFile } from './schema.js'

/**
 * One draft per environment name: the four built-ins first, then the file's custom ones in file
 * order. How a draft is made (SPEC §6 "a policy environment entry overrides the same-named
 * default field by field"):
 * - a built-in without `extends` starts from its SPEC §6 defaults, then the file's top-level
 *   `onGraderError` / `requireAssessedAxes` / `blockConfigRisk` (defaults for all environments),
 *   then its entry;
 * - an entry with `extends` starts from the fully resolved environment it names (its entry and
 *   top-level defaults included), then its own fields;
 * - `floors` and `quarantine` merge axis by axis; a `null` floor removes that axis's floor;
 * - `registryChecks` merge check by check, `exceptions` field by field (`requiredRoles` is
 *   replaced as a whole); `maxAuditAgeDays` without `auditWarningDays` moves the warning to 5
 *   days before the new limit, unless a base set `auditWarningDays` explicitly.
 * @throws Error for a custom environment without `extends`, an unknown `extends` or a cycle —
 *   which `PolicyFileSchema` already rejects with positions, so only for unvalidated input.
 */
export function environmentDrafts(file: PolicyFile | null): Map<string, EnvironmentDraft> {
  const entries: Record<string, EnvironmentEntry> = file?.environments ?? {}
  const drafts = new Map<string, EnvironmentDraft>()
  const resolving = new Set<string>()

  const resolve = (name: string): EnvironmentDraft => {
    const done = drafts.get(name)
    if (done !== undefined) return done
    if (resolving.has(name))
      throw new Error(`policy environments extend each other in a circle at "${name}"`)
    resolving.add(name)
    const entry = Object.hasOwn(entries, name) ? entries[name] : undefined
    let base: EnvironmentDraft
    if (entry?.extends !== undefined) {
      if (!isBuiltinEnvironment(entry.extends) && !Object.hasOwn(entries, entry.extends)) {
        throw new Error(
          `policy environment "${name}" extends unknown environment "${entry.extends}"`
        )
      }
      base = cloneDraft(resolve(entry.extends))
    } else if (isBuiltinEnvironment(name)) {
      base = builtinDraft(name)
      if (file?.onGraderError !== undefined) base.onGraderError = file.onGraderError
      if (file?.requireAssessedAxes !== undefined)
        base.requireAssessedAxes = file.requireAssessedAxes
      if (file?.blockConfigRisk !== undefined) base.blockConfigRisk = file.blockConfigRisk
    } else {
      throw new Error(
        `policy environment "${name}" is not built in and does not say what it extends`
      )
    }
    const draft = entry === undefined ? base : applyEntry(base, entry)
    resolving.delete(name)
    drafts.set(name, draft)
    return draft
  }

  for (const name of BUILTIN_ENVIRONMENTS) resolve(name)
  for (const name of Object.keys(entries)) resolve(name)
  // Built-ins first, then custom ones in file order (resolution order may differ with `extends`).
  const ordered = new Map<string, EnvironmentDraft>()
  for (const name of [...BUILTIN_ENVIRONMENTS, ...Object.keys(entries)]) {
    const draft = drafts.get(name)
    if (draft !== undefined) ordered.set(name, draft)
  }
  return ordered
}

function cloneDraft(draft: EnvironmentDraft): EnvironmentDraft {
  return {
    ...draft,
    floors: { ...draft.floors },
    quarantine: { ...draft.quarantine },
    registryChecks: { ...draft.registryChecks },
    exceptions: { ...draft.exceptions, requiredRoles: [...draft.exceptions.requiredRoles] }
  }
}

function applyEntry(base: EnvironmentDraft, entry: EnvironmentEntry): EnvironmentDraft {
  return {
    minGrade: entry.minGrade ?? base.minGrade,
    floorsFollowMinGrade: base.floorsFollowMinGrade,
    floors: { ...base.floors, ...definedOnly(entry.floors) },
    noFInAnyAxis: entry.noFInAnyAxis ?? base.noFInAnyAxis,
    requirePinned: entry.requirePinned ?? base.requirePinned,
    requireGrade: entry.requireGrade ?? base.requireGrade,
    requireAssessedAxes: entry.requireAssessedAxes ?? base.requireAssessedAxes,
    onGraderError: entry.onGraderError ?? base.onGraderError,
    blockConfigRisk: entry.blockConfigRisk ?? base.blockConfigRisk,
    quarantine: { ...base.quarantine, ...definedOnly(entry.quarantine) },
    requireRegistry: entry.requireRegistry ?? base.requireRegistry,
    maxAuditAgeDays: entry.maxAuditAgeDays ?? base.maxAuditAgeDays,
    auditWarningDays: entry.auditWarningDays ?? base.auditWarningDays,
    registryChecks: { ...base.registryChecks, ...definedOnly(entry.registryChecks) },
    exceptions: {
      allowed: entry.exceptions?.allowed ?? base.exceptions.allowed,
      maxDays: entry.exceptions?.maxDays ?? base.exceptions.maxDays,
      requiredRoles: [...(entry.exceptions?.requiredRoles ?? base.exceptions.requiredRoles)]
    }
  }
}

/**
 * The environment `name` and the ones it builds on, nearest first: `eu-prod` extending
 * `production` gives `['eu-prod', 'production']`; a built-in without `extends` gives `[name]`.
 * Stops at a name already seen (a cycle, which the schema rejects) or an unknown one.
 */
export function environmentChain(file: PolicyFile | null, name: string): string[] {
  const entries: Record<string, EnvironmentEntry> = file?.environments ?? {}
  const chain = [name]
  let current = Object.hasOwn(entries, name) ? entries[name]?.extends : undefined
  while (current !== undefined && !chain.includes(current)) {
    chain.push(current)
    current = Object.hasOwn(entries, current) ? entries[current]?.extends : undefined
  }
  return chain
}

/** The keys of `record` whose value is not undefined (null is kept: it removes a floor). */
function definedOnly<T extends object>(record: T | undefined): Partial<T> {
  const result: Partial<T> = {}
  if (record === undefined) return result
  for (const key of Object.keys(record) as (keyof T)[]) {
    if (record[key] !== undefined) result[key] = record[key]
  }
  return result
}

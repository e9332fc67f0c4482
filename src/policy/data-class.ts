/**
 * Data classification (SPEC §6): the rule of each class (`phi`, `personal`, `internal`,
 * `public`) in an environment, from the built-in defaults and the policy file's `dataClasses`,
 * and the rules a server gets once its registry row's `data_classification` is applied.
 *
 * A class only ever TIGHTENS the environment: the stricter of the two minimum grades, the higher
 * of the two floors per axis, exceptions only where both allow them, the union of the approver
 * roles, and assessed axes required where either requires them (`phi` and `personal` by
 * default). A class rule that is looser than the environment (say `internal: B` in an
 * environment that requires A) changes nothing.
 */
import { AXES, type Axis } from '../grade/report.js'
import {
  builtinDataClasses,
  floorScore,
  normalizeRoles,
  type DataClassDefinition,
  type DataClassDraft
} from './defaults.js'
import { environmentChain } from './environments.js'
import { meetsLetter, type GradeScale } from './grades.js'
import { DATA_CLASSES, type DataClass } from './records.js'
import type { DataClassEntry, PolicyFile } from './schema.js'
import type { DataClassRule, EffectivePolicy, EnvironmentPolicy, ExceptionPolicy } from './types.js'
import { formatNumber } from './wording.js'

/**
 * Every class's definition: the built-in one (see `builtinDataClasses`) with the policy file's
 * `dataClasses` entry over it, field by field (floors axis by axis, a `null` floor removes it;
 * `extraApprovers` replaced as a whole;
 * per-environment overrides merged the same way).
 */
export function dataClassDefinitions(
  file: PolicyFile | null
): Record<DataClass, DataClassDefinition> {
  const builtin = builtinDataClasses()
  const entries: Partial<Record<DataClass, DataClassEntry | undefined>> = file?.dataClasses ?? {}
  const result = {} as Record<DataClass, DataClassDefinition>
  for (const name of DATA_CLASSES) {
    const base = builtin[name]
    const entry = entries[name]
    if (entry === undefined) {
      result[name] = base
      continue
    }
    const environments: Record<string, Partial<DataClassDraft>> = { ...base.environments }
    for (const [environment, override] of Object.entries(entry.environments ?? {})) {
      const previous = Object.hasOwn(environments, environment)
        ? environments[environment]
        : undefined
      environments[environment] = mergeDraft(previous ?? {}, override)
    }
    result[name] = { ...(mergeDraft(base, entry) as DataClassDraft), environments }
  }
  return result
}

/** `over` on top of `base`: defined fields win, floors merge axis by axis. */
function mergeDraft(
  base: Partial<DataClassDraft>,
  over: Partial<DataClassDraft> | Omit<DataClassEntry, 'environments'>
): Partial<DataClassDraft> {
  const merged: Partial<DataClassDraft> = { ...base }
  if (over.minGrade !== undefined) merged.minGrade = over.minGrade
  if (over.allowExceptions !== undefined) merged.allowExceptions = over.allowExceptions
  if (over.extraApprovers !== undefined) merged.extraApprovers = [...over.extraApprovers]
  if (over.requireAssessedAxes !== undefined) merged.requireAssessedAxes = over.requireAssessedAxes
  if (over.floors !== undefined) {
    const floors = { ...(base.floors ?? {}) }
    for (const axis of AXES) {
      const value = over.floors[axis]
      if (value !== undefined) floors[axis] = value
    }
    merged.floors = floors
  }
  return merged
}

/**
 * The rule of every class in environment `environment` under `scale`: the class definition with
 * the override of the nearest environment in its `extends` chain (`environmentChain`) over it,
 * floors as 0–100 numbers (letters → their lower bound), roles lower-cased.
 */
export function dataClassRulesFor(
  definitions: Record<DataClass, DataClassDefinition>,
  file: PolicyFile | null,
  environment: string,
  scale: GradeScale
): Record<DataClass, DataClassRule> {
  const chain = environmentChain(file, environment)
  const result = {} as Record<DataClass, DataClassRule>
  for (const name of DATA_CLASSES) {
    const definition = definitions[name]
    const match = chain.find((env) => Object.hasOwn(definition.environments, env))
    const override = match === undefined ? undefined : definition.environments[match]
    const draft = override === undefined ? definition : mergeDraft(definition, override)
    const floors: Partial<Record<Axis, number>> = {}
    for (const axis of AXES) {
      const value = draft.floors?.[axis]
      if (value !== undefined && value !== null) floors[axis] = floorScore(value, scale)
    }
    result[name] = {
      minGrade: draft.minGrade ?? null,
      floors,
      allowExceptions: draft.allowExceptions ?? true,
      extraApprovers: normalizeRoles(draft.extraApprovers ?? []),
      requireAssessedAxes: draft.requireAssessedAxes ?? false
    }
  }
  return result
}

/** The rules one server is judged by, after its data classification. */
export interface ClassifiedRules {
  /** The classification from the registry row, or null when none is recorded. */
  dataClass: DataClass | null
  /**
   * The environment's rules with minimum grade and floors tightened by the class; the
   * environment's own `rules` object (same reference) when the class raises neither.
   */
  rules: EnvironmentPolicy
  /** The exception rules, tightened by the class (allowed only where both allow, roles added). */
  exceptions: ExceptionPolicy
  /**
   * What the class made stricter, for messages: `A overall`, `security ≥ 85`, `assessed axes`,
   * `no exceptions`, `cto approval`; empty when it changed nothing.
   */
  tightened: string[]
}

/** `personal data`, `PHI`, `internal data`, `public data`: a class as messages name it. */
export function dataClassLabel(dataClass: DataClass): string {
  return dataClass === 'phi' ? 'PHI' : `${dataClass} data`
}

/**
 * The rules of `policy` for a server whose registry row records `dataClass` (SPEC §6): the
 * class rule of `policy.dataClasses` tightens the environment's — never loosens it. With no
 * class (no row, or no `data_classification`), the environment's rules as they are.
 *
 * Where the class requires assessed axes (`phi`, `personal` by default) and the environment
 * does not, the server's rules get `requireAssessedAxes: true`: an axis the grader could not
 * assess then blocks wherever a floor applies to it — the class's floors and the environment's,
 * since `EnvironmentPolicy` has one switch for all floors (`grade-checks.ts` gives the
 * `SUBSCORE_BELOW_FLOOR` "… was not assessed … could not be verified"), and `tightened` lists
 * `assessed axes`.
 */
export function classifiedRules(
  policy: EffectivePolicy,
  dataClass: DataClass | null
): ClassifiedRules {
  const base = policy.rules
  if (dataClass === null) {
    return { dataClass, rules: base, exceptions: base.exceptions, tightened: [] }
  }
  const rule = policy.dataClasses[dataClass]
  const tightened: string[] = []
  let minGrade = base.minGrade
  if (rule.minGrade !== null && !meetsLetter(base.minGrade, rule.minGrade)) {
    minGrade = rule.minGrade
    tightened.push(`${rule.minGrade} overall`)
  }
  const floors: Partial<Record<Axis, number>> = { ...base.floors }
  let floorRaised = false
  for (const axis of AXES) {
    const floor = rule.floors[axis]
    const current = base.floors[axis]
    if (floor === undefined || (current !== undefined && current >= floor)) continue
    floors[axis] = floor
    floorRaised = true
    tightened.push(`${axis} ≥ ${formatNumber(floor)}`)
  }
  const requireAssessedAxes = base.requireAssessedAxes || rule.requireAssessedAxes
  if (requireAssessedAxes && !base.requireAssessedAxes) tightened.push('assessed axes')
  const allowed = base.exceptions.allowed && rule.allowExceptions
  if (base.exceptions.allowed && !allowed) tightened.push('no exceptions')
  const added = rule.extraApprovers.filter((role) => !base.exceptions.requiredRoles.includes(role))
  if (allowed && added.length > 0) tightened.push(`${added.join(' and ')} approval`)
  return {
    dataClass,
    // The environment's own object when the class raises nothing, so callers can tell.
    rules:
      minGrade === base.minGrade && !floorRaised && requireAssessedAxes === base.requireAssessedAxes
        ? base
        : { ...base, minGrade, floors, requireAssessedAxes },
    exceptions: {
      allowed,
      maxDays: base.exceptions.maxDays,
      requiredRoles: [...base.exceptions.requiredRoles, ...added]
    },
    tightened
  }
}

/**
 * `personal data: A overall, security ≥ 85, assessed axes required`; null when the class changed
 * no grade rule (exceptions and approvers are not listed).
 */
export function tighteningNote(classified: ClassifiedRules): string | null {
  const grades = classified.tightened.filter(
    (t) => t !== 'no exceptions' && !t.endsWith(' approval')
  )
  if (classified.dataClass === null || grades.length === 0) return null
  return `${dataClassLabel(classified.dataClass)}: ${grades.join(', ')} required`
}

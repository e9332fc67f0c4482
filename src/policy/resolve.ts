/**
 * The effective policy of each config file (SPEC §6): which environment applies, and its rules
 * after the action inputs (inputs win over the policy file, which wins over the defaults).
 */
import picomatch from 'picomatch'
import type { Axis, GradeLetter } from '../grade/report.js'
import { dataClassDefinitions, dataClassRulesFor } from './data-class.js'
import { DEFAULT_ENVIRONMENT, finalizeDraft, type EnvironmentDraft } from './defaults.js'
import { environmentDrafts } from './environments.js'
import { PolicyFileError, PolicyInputError } from './errors.js'
import { DEFAULT_SCALE, type GradeScale } from './grades.js'
import type { PolicyFile, PolicyRule } from './schema.js'
import { closestName } from './suggest.js'
import type { EffectivePolicy, EnvironmentSource } from './types.js'

/** What `createPolicyResolver` needs: the policy file (if any) and the run's inputs. */
export interface PolicyResolverOptions {
  /** The loaded policy file, or null for the built-in defaults. */
  file: PolicyFile | null
  /** Where `file` came from (for reports and errors), or null. */
  policyPath: string | null
  /** The `environment` input: wins over rules and `defaultEnvironment`. */
  environment?: string
  /** The `min-grade` input: replaces every environment's minimum grade for the run. */
  minGrade?: GradeLetter
  /** The `sub-score-floors` input (0–100 per axis): replaces those axes' floors for the run. */
  subScoreFloors?: Partial<Record<Axis, number>>
  /** The pull request's base branch (`main`, `refs/heads/main`), for rules with `branches`. */
  baseBranch?: string
}

/** The effective policy for one config path (workspace-relative, `/` or `\` separators). */
export type PolicyResolver = (configPath: string) => EffectivePolicy

/** The grade scale of a policy: the file's `scale`, else SPEC §5 defaults. */
export function policyScale(file: PolicyFile | null): GradeScale {
  return file?.scale === undefined ? { ...DEFAULT_SCALE } : { ...file.scale }
}

interface CompiledRule {
  environment: string
  description: string
  matchesPath: ((path: string) => boolean) | null
  matchesBranch: ((branch: string) => boolean) | null
}

/**
 * Build the resolver for a run. The environment of a config path is (SPEC §6):
 * 1. the `environment` input;
 * 2. else the first policy rule that matches — a rule's `paths` (picomatch globs, dot files
 *    included) must match the config path and its `branches` the base branch; a rule with both
 *    needs both;
 * 3. else the policy's `defaultEnvironment`, else `production` (see `DEFAULT_ENVIRONMENT`).
 *
 * Inputs override the environment's rules for the run: `minGrade` replaces its minimum grade, and
 * the floors that follow the minimum grade (every axis ≥ its lower bound, SPEC §6) follow the new
 * one — except axes whose floor was set explicitly (in the policy file or `subScoreFloors`), which
 * keep that floor. `subScoreFloors` replaces the floors of the axes it names.
 *
 * Each policy also carries the data classification rules for its environment (`dataClasses`,
 * see `data-class.ts`). Inputs do not change them: a class tightens whatever the inputs set, so
 * `min-grade: C` still leaves personal data at A.
 *
 * The resolver returns the same (frozen) object each time the same environment is chosen the same
 * way (same input, rule or default), so reports can group servers by policy.
 * @throws PolicyInputError when the `environment` input names no known environment (the message
 *   lists the known ones).
 * @throws PolicyFileError (at 1:1) when a rule or `defaultEnvironment` names an unknown
 *   environment — `loadPolicyFile` reports these with positions, so only for a `file` that did not
 *   come from it.
 */
export function createPolicyResolver(options: PolicyResolverOptions): PolicyResolver {
  const { file, policyPath } = options
  const scale = policyScale(file)
  const drafts = environmentDrafts(file)
  const classes = dataClassDefinitions(file)
  const known = [...drafts.keys()]
  const fileError = (message: string): PolicyFileError =>
    new PolicyFileError(policyPath ?? '(policy)', [{ line: 1, column: 1, at: '', message }])

  const defaultEnvironment = file?.defaultEnvironment ?? DEFAULT_ENVIRONMENT
  if (!drafts.has(defaultEnvironment)) {
    throw fileError(`defaultEnvironment "${defaultEnvironment}" is not one of ${known.join(', ')}`)
  }
  const rules = (file?.rules ?? []).map((rule, index) => {
    if (!drafts.has(rule.environment)) {
      throw fileError(
        `rules[${index}] names environment "${rule.environment}", which is not one of ${known.join(', ')}`
      )
    }
    return compileRule(rule, index)
  })
  const inputEnvironment =
    options.environment === undefined || options.environment.trim() === ''
      ? undefined
      : knownEnvironment(options.environment.trim(), known)
  const baseBranch =
    options.baseBranch === undefined
      ? undefined
      : options.baseBranch.trim().replace(/^refs\/heads\//, '')
  const inputsNote = describeInputs(options)
  const cache = new Map<string, EffectivePolicy>()

  const policyFor = (
    environment: string,
    source: EnvironmentSource,
    reason: string
  ): EffectivePolicy => {
    const key = `${environment}\u0000${source}\u0000${reason}`
    const cached = cache.get(key)
    if (cached !== undefined) return cached
    const draft = drafts.get(environment) as EnvironmentDraft
    const rules = finalizeDraft(withInputs(draft, options), scale)
    const policy: EffectivePolicy = deepFreeze({
      environment,
      environmentSource: source,
      environmentReason: inputsNote === '' ? reason : `${reason}; ${inputsNote}`,
      scale: { ...scale },
      rules,
      dataClasses: dataClassRulesFor(classes, file, environment, scale),
      policyFile: policyPath
    })
    cache.set(key, policy)
    return policy
  }

  return (configPath: string): EffectivePolicy => {
    if (inputEnvironment !== undefined) {
      return policyFor(inputEnvironment, 'input', `environment input "${inputEnvironment}"`)
    }
    const path = normalizePath(configPath)
    for (const rule of rules) {
      const pathOk = rule.matchesPath === null || rule.matchesPath(path)
      const branchOk =
        rule.matchesBranch === null || (baseBranch !== undefined && rule.matchesBranch(baseBranch))
      if (pathOk && branchOk) return policyFor(rule.environment, 'rule', rule.description)
    }
    const reason =
      file?.defaultEnvironment !== undefined
        ? `defaultEnvironment of ${policyPath ?? 'the policy file'}`
        : `built-in default (${DEFAULT_ENVIRONMENT}, the strictest)`
    return policyFor(defaultEnvironment, 'default', reason)
  }
}

function compileRule(rule: PolicyRule, index: number): CompiledRule {
  const parts: string[] = []
  if (rule.paths !== undefined) parts.push(`paths ${rule.paths.join(', ')}`)
  if (rule.branches !== undefined) parts.push(`branches ${rule.branches.join(', ')}`)
  return {
    environment: rule.environment,
    description: `policy rule ${index + 1} (${parts.join('; ')})`,
    matchesPath: rule.paths === undefined ? null : picomatch(rule.paths, { dot: true }),
    matchesBranch: rule.branches === undefined ? null : picomatch(rule.branches, { dot: true })
  }
}

/** `.\configs\mcp.json` → `configs/mcp.json`: rules are written with `/` and no leading `./`. */
function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '')
}

/**
 * The known environment an input names: exact, else the only one equal ignoring case (GitHub
 * environment names are case-insensitive).
 */
function knownEnvironment(name: string, known: readonly string[]): string {
  if (known.includes(name)) return name
  const folded = known.filter((k) => k.toLowerCase() === name.toLowerCase())
  if (folded.length === 1 && folded[0] !== undefined) return folded[0]
  const suggestion = closestName(name, known)
  const hint = suggestion === null ? '' : ` (did you mean "${suggestion}"?)`
  throw new PolicyInputError(
    'environment',
    `environment "${name}" is not known${hint}. Known environments: ${known.join(', ')}; define others under "environments" in the policy file`
  )
}

function withInputs(draft: EnvironmentDraft, options: PolicyResolverOptions): EnvironmentDraft {
  return {
    ...draft,
    minGrade: options.minGrade ?? draft.minGrade,
    floors: { ...draft.floors, ...(options.subScoreFloors ?? {}) }
  }
}

function describeInputs(options: PolicyResolverOptions): string {
  const parts: string[] = []
  if (options.minGrade !== undefined) parts.push(`min-grade ${options.minGrade}`)
  const floors = Object.entries(options.subScoreFloors ?? {})
  if (floors.length > 0) {
    parts.push(`sub-score-floors ${floors.map(([axis, value]) => `${axis}=${value}`).join(',')}`)
  }
  return parts.length === 0 ? '' : `overridden by inputs: ${parts.join(', ')}`
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

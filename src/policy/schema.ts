/**
 * The policy file contract (SPEC §6): `.github/mcp-policy.{json,jsonc,yml,yaml}`, as a zod schema
 * and as a published JSON Schema (draft 2020-12).
 *
 * Strict: an unknown key is an error that names the allowed keys and the closest one ("did you
 * mean …?"). Cross-references (`defaultEnvironment`, `extends`, `rules[].environment`) must name a
 * built-in environment or one defined under `environments`.
 */
import { z } from 'zod'
import { AXIS_ALIASES } from '../grade/axis-names.js'
import { GradeLetterSchema } from '../grade/report.js'
import { BUILTIN_ENVIRONMENTS, isBuiltinEnvironment } from './defaults.js'
import { normalizeEnvironmentName } from './environment-name.js'
import { DATA_CLASSES } from './records.js'
import { closestName } from './suggest.js'

/** `$id` of the published policy JSON Schema (versioned with the file shape). */
export const POLICY_SCHEMA_ID = 'urn:mcp-grade-gate:schema:mcp-policy:1'

/** Message for keys a strict object does not know, with the closest known key when there is one. */
export function unknownKeysMessage(
  keys: readonly string[],
  known: readonly string[],
  aliases: Readonly<Record<string, string>> = {}
): string {
  const parts = keys.map((key) => {
    const suggestion = closestName(key, known, aliases)
    return suggestion === null
      ? `unknown key ${JSON.stringify(key)}`
      : `unknown key ${JSON.stringify(key)} (did you mean ${JSON.stringify(suggestion)}?)`
  })
  const allowed = known.map((k) => JSON.stringify(k)).join(', ')
  return `${parts.join('; ')}. Rename or remove it; allowed keys here: ${allowed}`
}

/** A strict object whose unknown-key error suggests the closest known key. */
function strictObject<Shape extends z.ZodRawShape>(
  shape: Shape,
  aliases: Readonly<Record<string, string>> = {}
) {
  const known = Object.keys(shape)
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? unknownKeysMessage(issue.keys, known, aliases)
        : undefined
  })
}

/** Environment names: `production`, `sandbox`, `eu-prod`, … (letters, digits, `.`, `_`, `-`). */
export const EnvironmentNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    error:
      'an environment name must start with a letter or digit and use only letters, digits, ".", "_" and "-" (at most 64 characters)'
  })
  .describe(
    'An environment: production, staging, development, ci, or one defined under environments.'
  )

const OnGraderErrorSchema = z
  .enum(['fail', 'warn'])
  .describe(
    'What a grader failure does (SPEC §5): fail blocks the server (verdict error), warn only warns.'
  )

const BlockConfigRiskSchema = z
  .enum(['critical', 'high'])
  .describe(
    'Lowest severity of a config-entry risk (privileged container, auto-approve all, trust, …) that blocks the server (CONFIG_RISK), whatever the grader: critical blocks critical risks only and high ones warn; high blocks both. Default high in production and staging, critical in development and ci.'
  )

const RequireAssessedAxesSchema = z
  .boolean()
  .describe('When true, an axis the grader could not assess blocks wherever a floor applies to it.')

/** A floor or threshold: a 0–100 score, or a grade letter meaning its lower bound under the scale. */
export const FloorValueSchema = z
  .union([z.number().min(0).max(100), GradeLetterSchema], {
    error: 'expected a score from 0 to 100 or a grade letter A, B, C, D or F'
  })
  .describe('A score from 0 to 100, or a grade letter A–F meaning its lower bound under the scale.')

const floorEntry = FloorValueSchema.nullable().optional()
const FloorsSchema = strictObject(
  {
    security: floorEntry,
    permissions: floorEntry,
    credentials: floorEntry,
    maintenance: floorEntry,
    compatibility: floorEntry,
    documentation: floorEntry
  },
  AXIS_ALIASES
).describe(
  'Lowest sub-score per axis. Merged axis by axis over the environment it builds on; null removes a floor. Axes without one follow minGrade when the base environment does (all built-ins do).'
)

const quarantineEntry = FloorValueSchema.optional()
const QuarantineSchema = strictObject(
  {
    security: quarantineEntry,
    permissions: quarantineEntry,
    credentials: quarantineEntry,
    maintenance: quarantineEntry,
    compatibility: quarantineEntry,
    documentation: quarantineEntry
  },
  AXIS_ALIASES
).describe(
  'Quarantine thresholds per axis: an assessed sub-score below one blocks regardless of anything else (SPEC §6; default security 60, credentials 60). Merged axis by axis.'
)

/** A registry check's severity: `error` blocks, `warning` warns, `off` skips it. */
export const CheckSeveritySchema = z
  .enum(['error', 'warning', 'off'])
  .describe('error blocks the server, warning only warns, off skips the check.')

const checkEntry = CheckSeveritySchema.optional()
const RegistryChecksSchema = strictObject({
  notInRegistry: checkEntry.describe(
    'NOT_IN_REGISTRY: the server has no registry row (only where requireRegistry). Default error.'
  ),
  notApproved: checkEntry.describe(
    'NOT_APPROVED_FOR_ENVIRONMENT: the row does not list this environment in environments_approved. Default error in production and staging, warning elsewhere.'
  ),
  auditStale: checkEntry.describe(
    'AUDIT_STALE: audit_date older than maxAuditAgeDays, or missing. Default error in production and staging, warning elsewhere (from auditWarningDays on it is always a warning).'
  ),
  versionMismatch: checkEntry.describe(
    'REGISTRY_VERSION_MISMATCH: the row pins a version or digest and the config runs another. Default error in production and staging, warning elsewhere.'
  ),
  gradeDrift: checkEntry.describe(
    'REGISTRY_GRADE_DRIFT: the fresh grade is below the row’s current_grade. Default warning.'
  ),
  missingOwner: checkEntry.describe(
    'REGISTRY_INCOMPLETE: the row has no owner_team. Default warning in production and staging, off elsewhere.'
  ),
  missingDataAccess: checkEntry.describe(
    'REGISTRY_INCOMPLETE: the row has no data_access_summary. Default warning in production and staging, off elsewhere.'
  )
}).describe(
  'Severity of each registry check in this environment (SPEC §7). Merged check by check over the environment it builds on.'
)

/** An approver role as exceptions name it (`manager`, `security`, `cto`, …); matched ignoring case. */
export const ApproverRoleSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9 _-]{0,63}$/, {
    error:
      'a role is a word such as manager, security or cto: letters, digits, spaces, "_" and "-", starting with a letter (at most 64 characters)'
  })
  .describe('An approver role (manager, security, cto, …), matched ignoring case.')

const RolesSchema = z.array(ApproverRoleSchema).max(20)

const ExceptionRulesSchema = strictObject({
  allowed: z
    .boolean()
    .optional()
    .describe('Whether a valid exception may waive grade and floor failures here. Default true.'),
  maxDays: z
    .int()
    .min(1)
    .max(366)
    .optional()
    .describe('Most days from approved_on to expires_on (SPEC §7). Default 60.'),
  requiredRoles: RolesSchema.optional().describe(
    'Roles that must all be among the approvers. Default manager and security; development: manager. Replaces the base list.'
  )
}).describe('Rules an exception must meet in this environment (SPEC §7). Merged field by field.')

/** One environment's rules; every field overrides the environment it builds on. */
export const EnvironmentEntrySchema = strictObject({
  extends: EnvironmentNameSchema.optional().describe(
    'The environment this one starts from. Required for a custom environment; a built-in one starts from its SPEC §6 defaults.'
  ),
  minGrade: GradeLetterSchema.optional().describe('Lowest overall grade (A–F) that passes.'),
  floors: FloorsSchema.optional(),
  noFInAnyAxis: z.boolean().optional().describe('Any assessed axis graded F blocks.'),
  requirePinned: z
    .boolean()
    .optional()
    .describe('An unpinned version blocks; when false it is a warning.'),
  requireGrade: z
    .boolean()
    .optional()
    .describe('A server without a grade blocks; when false it is a warning.'),
  requireAssessedAxes: RequireAssessedAxesSchema.optional(),
  onGraderError: OnGraderErrorSchema.optional(),
  blockConfigRisk: BlockConfigRiskSchema.optional(),
  quarantine: QuarantineSchema.optional(),
  requireRegistry: z
    .boolean()
    .optional()
    .describe(
      'Every server needs a row in the registry file (NOT_IN_REGISTRY). Default true in production and staging, false elsewhere. Checked only when the run has a registry file.'
    ),
  maxAuditAgeDays: z
    .int()
    .min(1)
    .max(3650)
    .optional()
    .describe('An audit_date older than this many days is stale (AUDIT_STALE). Default 90.'),
  auditWarningDays: z
    .int()
    .min(0)
    .max(3650)
    .optional()
    .describe(
      'From this audit age (days) on, up to maxAuditAgeDays, a warning asks for a re-audit. Default 5 days before maxAuditAgeDays (85).'
    ),
  registryChecks: RegistryChecksSchema.optional(),
  exceptions: ExceptionRulesSchema.optional()
})
  .superRefine((entry, ctx) => {
    if (
      entry.maxAuditAgeDays !== undefined &&
      entry.auditWarningDays !== undefined &&
      entry.auditWarningDays > entry.maxAuditAgeDays
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['auditWarningDays'],
        message: `auditWarningDays (${entry.auditWarningDays}) is after maxAuditAgeDays (${entry.maxAuditAgeDays}), so the warning would never come before the audit is stale. Make it at most ${entry.maxAuditAgeDays}`
      })
    }
  })
  .describe('Rules of one environment, overriding its base field by field.')
export type EnvironmentEntry = z.output<typeof EnvironmentEntrySchema>

/** Grade scale lower bounds (SPEC §5), strictly decreasing from A to D. */
export const ScaleSchema = strictObject({
  A: z.number().min(0).max(100).describe('Lowest score graded A (default 90).'),
  B: z.number().min(0).max(100).describe('Lowest score graded B (default 75).'),
  C: z.number().min(0).max(100).describe('Lowest score graded C (default 60).'),
  D: z.number().min(0).max(100).describe('Lowest score graded D (default 40); below is F.')
})
  .superRefine((scale, ctx) => {
    const order = ['A', 'B', 'C', 'D'] as const
    for (let i = 1; i < order.length; i++) {
      const higher = order[i - 1] as (typeof order)[number]
      const lower = order[i] as (typeof order)[number]
      if (scale[lower] >= scale[higher]) {
        ctx.addIssue({
          code: 'custom',
          path: [lower],
          message: `the scale must be strictly decreasing from A to D, but ${lower} (${scale[lower]}) is not below ${higher} (${scale[higher]}). Give ${lower} a lower bound under ${scale[higher]}`
        })
      }
    }
  })
  .describe(
    'Lower bound (0–100) of each letter; F is everything below D. Default A 90, B 75, C 60, D 40.'
  )

/** A rule choosing the environment for configs by path and/or base branch (first match wins). */
export const PolicyRuleSchema = strictObject({
  environment: EnvironmentNameSchema,
  paths: z
    .array(z.string().min(1).max(1000))
    .min(1)
    .max(200)
    .optional()
    .describe('Globs matched against the config path (picomatch, dot files included).'),
  branches: z
    .array(z.string().min(1).max(255))
    .min(1)
    .max(200)
    .optional()
    .describe('Globs matched against the pull request base branch (e.g. release/*).')
})
  .refine((rule) => rule.paths !== undefined || rule.branches !== undefined, {
    error:
      'a rule needs "paths", "branches" or both; without them it would match every config. Add one'
  })
  .describe('Chooses an environment when paths and branches (those given) all match.')
export type PolicyRule = z.output<typeof PolicyRuleSchema>

const classFloorEntry = FloorValueSchema.nullable().optional()
const ClassFloorsSchema = strictObject(
  {
    security: classFloorEntry,
    permissions: classFloorEntry,
    credentials: classFloorEntry,
    maintenance: classFloorEntry,
    compatibility: classFloorEntry,
    documentation: classFloorEntry
  },
  AXIS_ALIASES
).describe(
  'Lowest sub-score per axis for servers of this class; a floor below the environment’s is ignored (a class only tightens). Merged axis by axis; null removes the class floor.'
)

const dataClassFields = {
  minGrade: GradeLetterSchema.nullable()
    .optional()
    .describe(
      'Lowest overall grade for servers of this class; null: the environment’s. A grade below the environment’s minimum is ignored (a class only tightens).'
    ),
  floors: ClassFloorsSchema.optional(),
  allowExceptions: z
    .boolean()
    .optional()
    .describe('False: no exception can waive anything for servers of this class.'),
  extraApprovers: RolesSchema.optional().describe(
    'Roles an exception needs on top of the environment’s requiredRoles (e.g. cto). Replaces the base list.'
  ),
  requireAssessedAxes: z
    .boolean()
    .optional()
    .describe(
      'True: for servers of this class, a floored axis the grader could not assess blocks (SUBSCORE_BELOW_FLOOR) instead of passing unverified. Only adds to the environment’s requireAssessedAxes. Default: true for phi and personal, false otherwise.'
    )
}

const DataClassOverrideSchema = strictObject(dataClassFields).describe(
  'The class rule in one environment (and the environments that extend it), overriding the class rule field by field.'
)

/** One data classification's rule (SPEC §6); every field overrides the built-in rule. */
export const DataClassEntrySchema = strictObject({
  ...dataClassFields,
  environments: z
    .record(EnvironmentNameSchema, DataClassOverrideSchema)
    .optional()
    .describe(
      'Per-environment overrides (e.g. production: {extraApprovers: [cto]}); an environment without one uses that of the environment it extends.'
    )
}).describe('How a data classification tightens the environment, field by field over its default.')
export type DataClassEntry = z.output<typeof DataClassEntrySchema>

const dataClassEntry = DataClassEntrySchema.optional()
const DataClassesSchema = strictObject({
  phi: dataClassEntry.describe(
    'Protected health information. Default: A overall, security ≥ 90, credentials ≥ 85, no exceptions.'
  ),
  personal: dataClassEntry.describe(
    'Personal data (GDPR scope). Default: A overall, security ≥ 85; exceptions in production need cto too.'
  ),
  internal: dataClassEntry.describe('Internal data, no personal data. Default: B overall.'),
  public: dataClassEntry.describe('Public data. Default: the environment’s rules.')
}).describe(
  `Rules per data_classification of a server's registry row (${DATA_CLASSES.join(', ')}; SPEC §6). A class only ever tightens the environment: stricter minimum grade and floors, fewer exceptions, more approvers.`
)

const PolicyFileShape = strictObject({
  $schema: z.string().max(2000).optional().describe('JSON Schema URL, for editors.'),
  defaultEnvironment: EnvironmentNameSchema.optional().describe(
    'Environment used when no input or rule chooses one. Default production (the strictest).'
  ),
  scale: ScaleSchema.optional(),
  onGraderError: OnGraderErrorSchema.optional(),
  requireAssessedAxes: RequireAssessedAxesSchema.optional(),
  blockConfigRisk: BlockConfigRiskSchema.optional(),
  environments: z
    .record(EnvironmentNameSchema, EnvironmentEntrySchema)
    .optional()
    .describe(
      'Overrides of the built-in environments (production, staging, development, ci) and custom environments (which need extends).'
    ),
  rules: z
    .array(PolicyRuleSchema)
    .max(1000)
    .optional()
    .describe('Environment rules by config path and base branch; the first match wins.'),
  dataClasses: DataClassesSchema.optional()
})

/** Every environment name the file can refer to: the built-ins and its own. */
function knownEnvironments(file: z.output<typeof PolicyFileShape>): string[] {
  return [...new Set([...BUILTIN_ENVIRONMENTS, ...Object.keys(file.environments ?? {})])]
}

function unknownEnvironmentMessage(name: string, known: readonly string[]): string {
  const suggestion = closestName(name, known)
  const hint = suggestion === null ? '' : ` (did you mean ${JSON.stringify(suggestion)}?)`
  return `unknown environment ${JSON.stringify(name)}${hint}. Use one of ${known.join(', ')}, or define it under "environments"`
}

/** The policy file schema (SPEC §6), with its cross-reference checks. */
export const PolicyFileSchema = PolicyFileShape.superRefine((file, ctx) => {
  const known = knownEnvironments(file)
  if (file.defaultEnvironment !== undefined && !known.includes(file.defaultEnvironment)) {
    ctx.addIssue({
      code: 'custom',
      path: ['defaultEnvironment'],
      message: unknownEnvironmentMessage(file.defaultEnvironment, known)
    })
  }
  for (const [index, rule] of (file.rules ?? []).entries()) {
    if (!known.includes(rule.environment)) {
      ctx.addIssue({
        code: 'custom',
        path: ['rules', index, 'environment'],
        message: unknownEnvironmentMessage(rule.environment, known)
      })
    }
  }
  for (const [dataClass, entry] of Object.entries(file.dataClasses ?? {})) {
    for (const name of Object.keys(entry?.environments ?? {})) {
      if (known.includes(name)) continue
      ctx.addIssue({
        code: 'custom',
        path: ['dataClasses', dataClass, 'environments', name],
        params: { part: 'key' },
        message: unknownEnvironmentMessage(name, known)
      })
    }
  }
  const environments = file.environments ?? {}
  for (const [name, entry] of Object.entries(environments)) {
    const readAs = normalizeEnvironmentName(name)
    if (readAs !== name) {
      // Registry rows and exceptions read `prod` as production: a policy environment of that
      // name would be approved by every row for production, and the other way round.
      ctx.addIssue({
        code: 'custom',
        path: ['environments', name],
        params: { part: 'key' },
        message: `${JSON.stringify(name)} is read as ${JSON.stringify(readAs)} in registry and exceptions files, so a row approved for one would approve the other. Use ${JSON.stringify(readAs)}, or give this environment another name (e.g. ${JSON.stringify(`${name}-eu`)})`
      })
      continue
    }
    if (entry.extends === undefined) {
      if (!isBuiltinEnvironment(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['environments', name],
          params: { part: 'key' },
          message: `${JSON.stringify(name)} is not a built-in environment, so it must say which rules it starts from: add "extends" with one of ${known.filter((k) => k !== name).join(', ')}`
        })
      }
      continue
    }
    if (!known.includes(entry.extends)) {
      ctx.addIssue({
        code: 'custom',
        path: ['environments', name, 'extends'],
        message: unknownEnvironmentMessage(entry.extends, known)
      })
      continue
    }
    const cycle = extendsCycle(name, environments)
    if (cycle !== null) {
      ctx.addIssue({
        code: 'custom',
        path: ['environments', name, 'extends'],
        message: `"extends" goes round in a circle (${cycle.join(' → ')}). Make one of them extend a built-in environment`
      })
    }
  }
}).describe(
  'mcp-grade-gate policy (SPEC §6–§7): grade scale, per-environment rules (grades, registry checks, exceptions), data classification rules and how configs map to environments. Action inputs (environment, min-grade, sub-score-floors) win over it.'
)

/** The validated content of a policy file. */
export type PolicyFile = z.output<typeof PolicyFileSchema>

/** The chain of `extends` from `start` when it comes back to `start`, else null. */
function extendsCycle(
  start: string,
  environments: Readonly<Record<string, { extends?: string | undefined }>>
): string[] | null {
  const chain = [start]
  let current = environments[start]?.extends
  while (current !== undefined) {
    chain.push(current)
    if (current === start) return chain
    if (chain.indexOf(current) !== chain.length - 1) return null // a cycle not through `start`
    current = Object.hasOwn(environments, current) ? environments[current]?.extends : undefined
  }
  return null
}

/**
 * The JSON Schema (draft 2020-12) of the policy file, with `$id`, `title` and field descriptions,
 * for editors (`"$schema"`) and for the published `schemas/` folder. Cross-reference checks
 * (unknown environment names, scale order, `extends` cycles, `auditWarningDays` after
 * `maxAuditAgeDays`) are not expressible in it; the gate checks them when it loads the file.
 */
export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PolicyFileSchema, { target: 'draft-2020-12', io: 'input' })
  return {
    $schema: schema.$schema,
    $id: POLICY_SCHEMA_ID,
    title: 'mcp-grade-gate policy',
    ...schema
  }
}

/**
 * The JSON report (SPEC §8): the machine-readable record of a run, written to `report-path` by
 * the action and printed by `check --format json`.
 *
 * Contract: the field names below are stable; `reportVersion` changes when a field is removed or
 * changes meaning (additions keep the version, so consumers must ignore unknown fields). Lines and
 * columns are 1-based. Fields marked "additive" are ours beyond the SPEC §8 example.
 *
 * Top level:
 * - `reportVersion`: 1.
 * - `tool`: `{ name, version }` of the gate.
 * - `environment`: the run's environment (the first policy's, SPEC §6). `gate()` always records
 *   the policy it would apply, even when no config or server was found, so a real run has one;
 *   null only for a run without policies. `environments` (additive): every environment used,
 *   first-use order.
 * - `verdict`: `pass` | `warn` | `fail` for the whole run.
 * - `counts`: `{ servers, pass, warn, fail, excepted, error }` (servers by verdict).
 * - `configs[]`: `{ path, format, servers, error }` per config file; `error` is null or
 *   `{ message, line, column }` plus (additive) `code: "CONFIG_INVALID"`, the reason code of an
 *   unusable config file. Additive: `hasServerMap` (false = not a client config,
 *   "no MCP servers") and `notes`.
 * - `servers[]`: one per server entry, in discovery order: `name`, `config`, `line`, `column`
 *   (of the entry's key), `package` `{ ecosystem, name, versionSpec, version, pinned, purl }`
 *   (additive: `launcher`, `resolution {status, message?}`), `grade` (the `GradeReport`, or null),
 *   `registry` (SPEC §7: `{ file, found, entry, auditAgeDays, approvedForEnvironment }`, null
 *   when the run has no registry file; `entry` is the matching row with its normalised `key` and
 *   `source {file, line}`, or null), `exception` (`{ id, state, expiresOn, daysLeft, problems,
 *   waived, source, artifactUrl }`, null when no exception covers the server), `verdict`
 *   (`pass | warn | fail | excepted | error`), `reasons[]` `{ code, severity, message, fix? }`.
 *   Additive: `compliance[]` (`{ axis, framework, control, title }`: the controls the server's
 *   failing axes touch), `environment`, `gradeProblem` (`{kind: ungraded|error, message}` or null),
 *   `ungradedFindings` (findings shown although there is no grade), `configFindings` (what the
 *   config entry itself does, found whatever the grader: `Finding`s with `config.*` rule ids;
 *   the built-in grader's `grade.findings` repeat them), `notes` (entry and resolution notes,
 *   e.g. "runs several commands", deduplicated), `change` (issue 5; null when the run gated the
 *   whole workspace): `{ kind: added|changed|unchanged, aspects[] {aspect, before, after,
 *   message}, versionBump, base {name, line}, gradeDrop {overall, axes[], message}, blocking }`.
 * - Additive: `today` (`YYYY-MM-DD`, the date used for audit age and expiry), `startedAt`
 *   (ISO timestamp), `grader` (`builtin`, `api`, `command`, `registry`), `policies[]`
 *   `{ environment, source, reason, file }`, `compliance` `{ source, controls[] }`: every control
 *   touched by any server's failing axes (`{ framework, control, title, axes, servers[] {name,
 *   config, line} }`, framework then control order) and the citation of the mapping; `change`
 *   (issue 5): `{ scope, configs[] {path, status, notes}, removed[] {name, config, line, column,
 *   package, purl}, summary {servers, configs} }` for a run that gated a change, else null.
 */
import { z } from 'zod'
import { CLIENT_FORMATS } from '../config/types.js'
import { CHANGE_SCOPES } from '../change/scope.js'
import { CHANGE_ASPECTS, CHANGE_KINDS, CONFIG_CHANGE_STATUSES } from '../change/types.js'
import {
  AXES,
  AxisSchema,
  FindingSchema,
  GradeLetterSchema,
  GradeReportSchema,
  ScoreSchema
} from '../grade/report.js'
import { COMPLIANCE_FRAMEWORKS, COMPLIANCE_SOURCE } from '../policy/compliance.js'
import { DATA_CLASSES, type RecordSource } from '../policy/records.js'
import { REASON_CODES, type Reason } from '../policy/reasons.js'
import type { ExceptionStatus, RegistryStatus, ServerResult } from '../policy/result.js'
import { ECOSYSTEMS, type PackageIdentity } from '../resolve/types.js'
import type { ParsedConfig } from '../config/types.js'
import { summariseCompliance } from './compliance-summary.js'
import { artifactUrlOf, linkTarget } from './record-display.js'
import type { GateRun } from './run.js'
import { serverNotes } from './server-facts.js'

/** The current report version (SPEC §8). */
export const REPORT_VERSION = 1

/** `{ code, message, line, column }` of an invalid config (1-based). */
export const JsonConfigErrorSchema = z.looseObject({
  code: z.literal('CONFIG_INVALID'),
  message: z.string(),
  line: z.number().int().min(1),
  column: z.number().int().min(1)
})

/** One entry of `configs[]`. */
export const JsonConfigSchema = z.looseObject({
  path: z.string(),
  format: z.enum(CLIENT_FORMATS),
  servers: z.number().int().min(0),
  error: JsonConfigErrorSchema.nullable(),
  hasServerMap: z.boolean(),
  notes: z.array(z.string())
})
export type JsonConfig = z.infer<typeof JsonConfigSchema>

/** `servers[].package` (SPEC §2 `ResolvedServer`). */
export const JsonPackageSchema = z.looseObject({
  ecosystem: z.enum(ECOSYSTEMS),
  name: z.string().nullable(),
  versionSpec: z.string().nullable(),
  version: z.string().nullable(),
  pinned: z.boolean(),
  purl: z.string().nullable(),
  launcher: z.string().nullable(),
  resolution: z.looseObject({
    status: z.enum(['exact', 'registry', 'offline', 'unresolved', 'not-found', 'error', 'n/a']),
    message: z.string().optional()
  })
})
export type JsonPackage = z.infer<typeof JsonPackageSchema>

/** One reason (SPEC §8 reason codes). */
export const JsonReasonSchema = z.looseObject({
  code: z.enum(REASON_CODES),
  severity: z.enum(['error', 'warning', 'notice']),
  message: z.string(),
  fix: z.string().optional()
})
export type JsonReason = z.infer<typeof JsonReasonSchema>

/** An ISO calendar date, `YYYY-MM-DD` (evaluated in UTC). */
const IsoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)

/** Where a record is written: its file and 1-based line. */
export const JsonRecordSourceSchema = z
  .looseObject({
    file: z.string().describe('The registry or exceptions file, relative to the workspace.'),
    line: z.number().int().min(1).describe('1-based line of the row or record.')
  })
  .describe('Where the record is written.')

/** A normalised server identity (`resolve/server-key.ts`). */
export const JsonServerKeySchema = z
  .looseObject({
    kind: z.enum(['npm', 'pypi', 'oci', 'remote', 'github', 'local']),
    id: z
      .string()
      .describe(
        'The identity without a version, canonical for its kind: `npm:@scope/name`, `pypi:name`, `oci:docker.io/library/nginx`, `remote:https://host/path`, `github:org/repo`, `local:<path>`.'
      ),
    version: z
      .string()
      .nullable()
      .describe('The exact version (npm/PyPI), digest or tag (OCI) the id names; null: any.')
  })
  .describe('`server_id` normalised, so a row matches a config entry however each is written.')

/** One registry row as normalised (SPEC §7 columns). */
export const JsonRegistryEntrySchema = z
  .looseObject({
    serverId: z.string().describe('`server_id` as written.'),
    key: JsonServerKeySchema,
    displayName: z.string().nullable().describe('`display_name`.'),
    currentGrade: GradeLetterSchema.nullable().describe(
      '`current_grade`: the letter recorded by the last audit.'
    ),
    auditUrl: z.string().nullable().describe('`audit_url`: link to the audit report.'),
    auditDate: IsoDateSchema.nullable().describe('`audit_date`, YYYY-MM-DD.'),
    environmentsApproved: z
      .array(z.string())
      .describe(
        '`environments_approved`, normalised (`prod` → `production`, `dev` → `development`).'
      ),
    dataAccessSummary: z
      .string()
      .nullable()
      .describe('`data_access_summary`: what the server reads or writes.'),
    dataClassification: z
      .enum(DATA_CLASSES)
      .nullable()
      .describe('`data_classification` (SPEC §6): phi, personal, internal or public.'),
    exceptionId: z.string().nullable().describe('`exception_id`: the exception the row names.'),
    ownerTeam: z.string().nullable().describe('`owner_team`: who answers for the server.'),
    source: JsonRecordSourceSchema
  })
  .describe('The matching registry row.')

/** `servers[].registry`: what the approved-server registry says of a server (SPEC §7). */
export const JsonRegistryStatusSchema = z
  .looseObject({
    file: z.string().describe('The registry file the server was looked up in.'),
    found: z.boolean().describe('False when no row matches the server (`NOT_IN_REGISTRY`).'),
    entry: JsonRegistryEntrySchema.nullable(),
    auditAgeDays: z
      .number()
      .int()
      .nullable()
      .describe("Days from `audit_date` to the run's `today` (UTC); null without a date."),
    approvedForEnvironment: z
      .boolean()
      .nullable()
      .describe("Whether the row approves the server's environment; null without a row.")
  })
  .describe('What the approved-server registry says; null when the run has no registry file.')

/** `servers[].exception`: the exception that covers a server (SPEC §7). */
export const JsonExceptionStatusSchema = z
  .looseObject({
    id: z.string().describe('The exception id.'),
    state: z
      .enum(['applied', 'valid', 'expiring', 'expired', 'invalid', 'missing'])
      .describe(
        '`applied`: valid and waived something; `valid`: valid, nothing to waive; `expiring`: valid, expires within 7 days; `expired`; `invalid`: a rule is broken (see `problems`); `missing`: the registry names an id the exceptions file does not hold.'
      ),
    expiresOn: IsoDateSchema.nullable().describe('`expires_on`, YYYY-MM-DD.'),
    daysLeft: z
      .number()
      .int()
      .nullable()
      .describe('Days until `expires_on` (0 on the day itself, negative once expired).'),
    problems: z.array(z.string()).describe('Each broken rule, as a sentence.'),
    waived: z
      .array(z.enum(REASON_CODES))
      .describe('The reason codes this exception turned from blocking into waived.'),
    source: JsonRecordSourceSchema.nullable(),
    artifactUrl: z
      .string()
      .nullable()
      .describe(
        '`artifact_url`: the approval record (ticket, e-mail, signed PDF), without user info; null when unknown.'
      )
  })
  .describe('The exception that covers the server; null when none does.')

/** One control a failing axis touches (`servers[].compliance[]`). */
export const JsonComplianceImpactSchema = z.looseObject({
  axis: AxisSchema,
  framework: z.enum(COMPLIANCE_FRAMEWORKS),
  control: z.string().describe('`CC6.1`, `Art. 32(1)(b)`, `§164.312(d)`, `A.8.5`, …'),
  title: z.string()
})

/** The top-level `compliance` section. */
export const JsonComplianceSchema = z
  .looseObject({
    source: z.string().describe('Citation of the mapping of axes to controls.'),
    controls: z.array(
      z.looseObject({
        framework: z.enum(COMPLIANCE_FRAMEWORKS),
        control: z.string(),
        title: z.string(),
        axes: z.array(AxisSchema).describe('The failing axes that touch this control.'),
        servers: z
          .array(
            z.looseObject({
              name: z.string(),
              config: z.string(),
              line: z.number().int().min(1)
            })
          )
          .describe('The servers whose failing axes touch this control.')
      })
    )
  })
  .describe(
    "Compliance controls (SOC 2, GDPR, HIPAA, ISO 27001) touched by the servers' failing axes."
  )
export type JsonCompliance = z.infer<typeof JsonComplianceSchema>

/** `servers[].change`: how the change under review touches the server (issue 5). */
export const JsonServerChangeSchema = z
  .looseObject({
    kind: z.enum(CHANGE_KINDS),
    aspects: z.array(
      z.looseObject({
        aspect: z.enum(CHANGE_ASPECTS),
        before: z.string().nullable(),
        after: z.string().nullable(),
        message: z.string()
      })
    ),
    versionBump: z
      .string()
      .nullable()
      .describe('`1.2.0 → 1.3.1` when the written version changed.'),
    base: z.looseObject({ name: z.string(), line: z.number().int().min(1) }).nullable(),
    gradeDrop: z
      .looseObject({
        overall: z.looseObject({ before: ScoreSchema, after: ScoreSchema }).nullable(),
        axes: z.array(
          z.looseObject({ axis: z.enum(AXES), before: ScoreSchema, after: ScoreSchema })
        ),
        message: z.string()
      })
      .nullable()
      .describe('What went down against the grade of the base version, when it was graded.'),
    blocking: z
      .boolean()
      .describe('False when `scope: changed` keeps this unchanged server from blocking.')
  })
  .nullable()

/** Top-level `change`: the change under review; null when the whole workspace was gated. */
export const JsonRunChangeSchema = z
  .looseObject({
    scope: z.enum(CHANGE_SCOPES),
    configs: z.array(
      z.looseObject({
        path: z.string(),
        status: z.enum(CONFIG_CHANGE_STATUSES),
        notes: z.array(z.string())
      })
    ),
    removed: z.array(
      z.looseObject({
        name: z.string(),
        config: z.string(),
        line: z.number().int().min(1),
        column: z.number().int().min(1),
        package: z.string(),
        purl: z.string().nullable()
      })
    ),
    summary: z.looseObject({
      servers: z.record(z.enum(CHANGE_KINDS), z.number().int().min(0)),
      configs: z.record(z.enum(CONFIG_CHANGE_STATUSES), z.number().int().min(0))
    })
  })
  .nullable()

/** One entry of `servers[]`. */
export const JsonServerSchema = z.looseObject({
  name: z.string(),
  config: z.string(),
  line: z.number().int().min(1),
  column: z.number().int().min(1),
  package: JsonPackageSchema,
  grade: GradeReportSchema.nullable(),
  registry: JsonRegistryStatusSchema.nullable(),
  exception: JsonExceptionStatusSchema.nullable(),
  verdict: z.enum(['pass', 'warn', 'fail', 'excepted', 'error']),
  reasons: z.array(JsonReasonSchema),
  compliance: z
    .array(JsonComplianceImpactSchema)
    .describe("The compliance controls the server's failing or floored axes touch."),
  environment: z.string(),
  gradeProblem: z
    .looseObject({ kind: z.enum(['ungraded', 'error']), message: z.string() })
    .nullable(),
  ungradedFindings: z.array(FindingSchema),
  configFindings: z.array(FindingSchema),
  notes: z.array(z.string()),
  change: JsonServerChangeSchema
})
export type JsonServer = z.infer<typeof JsonServerSchema>

/** The whole report. */
export const JsonReportSchema = z.looseObject({
  reportVersion: z.literal(REPORT_VERSION),
  tool: z.looseObject({ name: z.string(), version: z.string() }),
  environment: z.string().nullable(),
  environments: z.array(z.string()),
  verdict: z.enum(['pass', 'warn', 'fail']),
  counts: z.looseObject({
    servers: z.number().int().min(0),
    pass: z.number().int().min(0),
    warn: z.number().int().min(0),
    fail: z.number().int().min(0),
    excepted: z.number().int().min(0),
    error: z.number().int().min(0)
  }),
  configs: z.array(JsonConfigSchema),
  servers: z.array(JsonServerSchema),
  today: z.string(),
  startedAt: z.string(),
  grader: z.string(),
  policies: z.array(
    z.looseObject({
      environment: z.string(),
      source: z.enum(['input', 'rule', 'default']),
      reason: z.string(),
      file: z.string().nullable()
    })
  ),
  compliance: JsonComplianceSchema,
  change: JsonRunChangeSchema
})
export type JsonReport = z.infer<typeof JsonReportSchema>

/** JSON Schema (draft 2020-12) of the JSON report, for consumers in other languages. */
export function jsonReportSchema(): Record<string, unknown> {
  return z.toJSONSchema(JsonReportSchema, { target: 'draft-2020-12', io: 'output' })
}

/** A run as the JSON report (SPEC §8). Pure; servers and configs keep the run's order. */
export function toJsonReport(run: GateRun): JsonReport {
  const environments = [...new Set(run.policies.map((p) => p.environment))]
  return {
    reportVersion: REPORT_VERSION,
    tool: { name: run.tool.name, version: run.tool.version },
    environment: environments[0] ?? null,
    environments,
    verdict: run.verdict,
    counts: { ...run.counts },
    configs: run.configs.map(jsonConfig),
    servers: run.servers.map(jsonServer),
    today: run.today,
    startedAt: run.startedAt,
    grader: run.grader,
    policies: run.policies.map((p) => ({
      environment: p.environment,
      source: p.environmentSource,
      reason: p.environmentReason,
      file: p.policyFile
    })),
    compliance: jsonCompliance(run),
    change: jsonRunChange(run.change)
  }
}

/** Top-level `change`: the documented fields only, copied. */
function jsonRunChange(change: GateRun['change']): JsonReport['change'] {
  if (change === null) return null
  return {
    scope: change.scope,
    configs: change.configs.map((c) => ({ path: c.path, status: c.status, notes: [...c.notes] })),
    removed: change.removed.map((r) => ({ ...r })),
    summary: { servers: { ...change.summary.servers }, configs: { ...change.summary.configs } }
  }
}

/** `servers[].change`: the documented fields only, copied. */
function jsonServerChange(change: ServerResult['change']): JsonServer['change'] {
  if (change === undefined) return null
  const drop = change.gradeDrop
  return {
    kind: change.kind,
    aspects: change.aspects.map((a) => ({ ...a })),
    versionBump: change.versionBump,
    base: change.base ? { ...change.base } : null,
    gradeDrop: drop
      ? {
          overall: drop.overall ? { ...drop.overall } : null,
          axes: drop.axes.map((a) => ({ ...a })),
          message: drop.message
        }
      : null,
    blocking: change.blocking
  }
}

/** The top-level `compliance` section: controls touched by any server, servers in run order. */
function jsonCompliance(run: GateRun): JsonCompliance {
  const controls = summariseCompliance(
    run.servers.map((s) => ({
      server: {
        name: s.server.entry.name,
        config: s.server.entry.config,
        line: s.server.entry.location.line
      },
      impacts: s.compliance
    })),
    (s) => JSON.stringify([s.name, s.config, s.line])
  )
  return { source: COMPLIANCE_SOURCE, controls }
}

function jsonSource(source: RecordSource): { file: string; line: number } {
  return { file: source.file, line: source.line }
}

/** `servers[].registry` of a status: the documented fields only, copied. */
function jsonRegistry(status: RegistryStatus | null): JsonServer['registry'] {
  if (status === null) return null
  const e = status.entry
  return {
    file: status.file,
    found: status.found,
    entry:
      e === null
        ? null
        : {
            serverId: e.serverId,
            key: { kind: e.key.kind, id: e.key.id, version: e.key.version },
            displayName: e.displayName,
            currentGrade: e.currentGrade,
            auditUrl: e.auditUrl,
            auditDate: e.auditDate,
            environmentsApproved: [...e.environmentsApproved],
            dataAccessSummary: e.dataAccessSummary,
            dataClassification: e.dataClassification,
            exceptionId: e.exceptionId,
            ownerTeam: e.ownerTeam,
            source: jsonSource(e.source)
          },
    auditAgeDays: status.auditAgeDays,
    approvedForEnvironment: status.approvedForEnvironment
  }
}

/** `servers[].exception` of a status: the documented fields only, copied. */
function jsonException(status: ExceptionStatus | null): JsonServer['exception'] {
  if (status === null) return null
  return {
    id: status.id,
    state: status.state,
    expiresOn: status.expiresOn,
    daysLeft: status.daysLeft,
    problems: [...status.problems],
    waived: [...status.waived],
    source: status.source === null ? null : jsonSource(status.source),
    artifactUrl: linkTarget(artifactUrlOf(status))
  }
}

/** `configs[]` entry of a parsed config (shared with the inventory report). */
export function jsonConfig(c: ParsedConfig): JsonConfig {
  return {
    path: c.path,
    format: c.format,
    servers: c.servers.length,
    error: c.error
      ? {
          code: 'CONFIG_INVALID',
          message: c.error.message,
          line: c.error.line,
          column: c.error.column
        }
      : null,
    hasServerMap: c.hasServerMap,
    notes: [...c.notes]
  }
}

/** `servers[].package` of an identity (shared with the inventory report). */
export function jsonPackage(p: PackageIdentity): JsonPackage {
  return {
    ecosystem: p.ecosystem,
    name: p.name,
    versionSpec: p.versionSpec,
    version: p.version,
    pinned: p.pinned,
    purl: p.purl,
    launcher: p.launcher,
    resolution:
      p.resolution.message === undefined
        ? { status: p.resolution.status }
        : { status: p.resolution.status, message: p.resolution.message }
  }
}

/** A reason as JSON: `fix` only when there is one (shared with the inventory report). */
export function jsonReason(r: Reason): JsonReason {
  return r.fix === undefined
    ? { code: r.code, severity: r.severity, message: r.message }
    : { code: r.code, severity: r.severity, message: r.message, fix: r.fix }
}

function jsonServer(s: ServerResult): JsonServer {
  const { entry } = s.server
  return {
    name: entry.name,
    config: entry.config,
    line: entry.location.line,
    column: entry.location.column,
    package: jsonPackage(s.server.package),
    grade: s.grade,
    registry: jsonRegistry(s.registry),
    exception: jsonException(s.exception),
    verdict: s.verdict,
    reasons: s.reasons.map(jsonReason),
    compliance: s.compliance.map((c) => ({
      axis: c.axis,
      framework: c.framework,
      control: c.control,
      title: c.title
    })),
    environment: s.policy.environment,
    gradeProblem: s.gradeProblem
      ? { kind: s.gradeProblem.kind, message: s.gradeProblem.message }
      : null,
    ungradedFindings: s.ungradedFindings,
    configFindings: s.configFindings,
    notes: serverNotes(s.server),
    change: jsonServerChange(s.change)
  }
}

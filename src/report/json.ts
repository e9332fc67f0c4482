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
 *   `registry` and `exception` (null until the registry/exception checks land), `verdict`
 *   (`pass | warn | fail | excepted | error`), `reasons[]` `{ code, severity, message, fix? }`.
 *   Additive: `environment`, `gradeProblem` (`{kind: ungraded|error, message}` or null),
 *   `ungradedFindings` (findings shown although there is no grade), `configFindings` (what the
 *   config entry itself does, found whatever the grader: `Finding`s with `config.*` rule ids;
 *   the built-in grader's `grade.findings` repeat them), `notes` (entry and resolution notes,
 *   e.g. "runs several commands", deduplicated).
 * - Additive: `today` (`YYYY-MM-DD`, the date used for audit age and expiry), `startedAt`
 *   (ISO timestamp), `grader` (`builtin`, `api`, `command`, `registry`), `policies[]`
 *   `{ environment, source, reason, file }`.
 */
import { z } from 'zod'
import { CLIENT_FORMATS } from '../config/types.js'
import { FindingSchema, GradeReportSchema } from '../grade/report.js'
import { REASON_CODES, type Reason } from '../policy/reasons.js'
import type { ServerResult } from '../policy/result.js'
import { ECOSYSTEMS, type PackageIdentity } from '../resolve/types.js'
import type { ParsedConfig } from '../config/types.js'
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

/** One entry of `servers[]`. */
export const JsonServerSchema = z.looseObject({
  name: z.string(),
  config: z.string(),
  line: z.number().int().min(1),
  column: z.number().int().min(1),
  package: JsonPackageSchema,
  grade: GradeReportSchema.nullable(),
  registry: z.null(),
  exception: z.null(),
  verdict: z.enum(['pass', 'warn', 'fail', 'excepted', 'error']),
  reasons: z.array(JsonReasonSchema),
  environment: z.string(),
  gradeProblem: z
    .looseObject({ kind: z.enum(['ungraded', 'error']), message: z.string() })
    .nullable(),
  ungradedFindings: z.array(FindingSchema),
  configFindings: z.array(FindingSchema),
  notes: z.array(z.string())
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
  )
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
    }))
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
    registry: s.registry,
    exception: s.exception,
    verdict: s.verdict,
    reasons: s.reasons.map(jsonReason),
    environment: s.policy.environment,
    gradeProblem: s.gradeProblem
      ? { kind: s.gradeProblem.kind, message: s.gradeProblem.message }
      : null,
    ungradedFindings: s.ungradedFindings,
    configFindings: s.configFindings,
    notes: serverNotes(s.server)
  }
}

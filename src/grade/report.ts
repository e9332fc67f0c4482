/**
 * The `GradeReport` contract every grader returns (SPEC §2, §5), as a zod schema.
 *
 * Scores are 0–100 (higher is better). A grade letter is one of A–F. An axis a grader could not
 * assess is `null` — never a made-up number. A score may be `null` while the letter is known when
 * a grader answers letters only (e.g. a grading service that returns `"B"`): we do not invent the
 * number behind a letter.
 */
import { z } from 'zod'

/** Grade letters, best first (SPEC §5). */
export const GRADE_LETTERS = ['A', 'B', 'C', 'D', 'F'] as const
export const GradeLetterSchema = z.enum(GRADE_LETTERS)
export type GradeLetter = z.infer<typeof GradeLetterSchema>

/** The six axes of a grade (SPEC §2), in display order. */
export const AXES = [
  'security',
  'permissions',
  'credentials',
  'maintenance',
  'compatibility',
  'documentation'
] as const
export const AxisSchema = z.enum(AXES)
export type Axis = z.infer<typeof AxisSchema>

/** Finding severities (SPEC §2), worst first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const
export const SeveritySchema = z.enum(SEVERITIES)
export type Severity = z.infer<typeof SeveritySchema>

/** One score: 0–100 number (or null when only the letter is known) and its letter. */
export const ScoreSchema = z
  .object({
    score: z.number().min(0).max(100).nullable(),
    grade: GradeLetterSchema
  })
  .strict()
export type Score = z.infer<typeof ScoreSchema>

/** Per-axis scores; `null` means "not assessed". */
export const SubScoresSchema = z
  .object({
    security: ScoreSchema.nullable(),
    permissions: ScoreSchema.nullable(),
    credentials: ScoreSchema.nullable(),
    maintenance: ScoreSchema.nullable(),
    compatibility: ScoreSchema.nullable(),
    documentation: ScoreSchema.nullable()
  })
  .strict()
export type SubScores = z.infer<typeof SubScoresSchema>

/**
 * An absolute `http:` or `https:` URL of at most 2000 characters (WHATWG URL syntax; surrounding
 * whitespace is trimmed). Links in a report end up in PR comments and job summaries, so a
 * `javascript:`, `data:` or `file:` URL from an untrusted grader is refused, not rendered. The
 * published JSON Schema carries the scheme rule as a `pattern`.
 */
export const HttpUrlSchema = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
  .max(2000)
  .meta({ pattern: '^[Hh][Tt][Tt][Pp][Ss]?://' })

/** A known advisory attached to a finding (OSV ids, e.g. `GHSA-…`, `CVE-…`, `MAL-…`). */
export const AdvisoryRefSchema = z
  .object({
    id: z.string().min(1).max(200),
    /** Other ids of the same advisory (OSV `aliases`: `CVE-…`). */
    aliases: z.array(z.string().min(1).max(200)).max(20).optional(),
    url: HttpUrlSchema.optional(),
    /** The first version that is not affected, of `package` (or of the graded package). */
    fixedIn: z.string().max(200).optional(),
    /**
     * The affected package as `name@version` when it is a dependency of the graded package
     * rather than the package itself; absent for the package itself.
     */
    package: z.string().min(1).max(300).optional()
  })
  .strict()
export type AdvisoryRef = z.infer<typeof AdvisoryRefSchema>

/** Where a finding's evidence is: a file in the package or the config, a line, a short snippet. */
export const EvidenceSchema = z
  .object({
    file: z.string().max(1000).optional(),
    line: z.number().int().min(1).optional(),
    snippet: z.string().max(2000).optional()
  })
  .strict()

/** One finding: every point a grader deducts is one of these (SPEC §5). */
export const FindingSchema = z
  .object({
    ruleId: z.string().min(1).max(200),
    axis: AxisSchema,
    severity: SeveritySchema,
    title: z.string().min(1).max(1000),
    cwe: z
      .string()
      .regex(/^CWE-\d+$/)
      .optional(),
    /** Points deducted from the axis (0–100); 0 or absent for informational findings. */
    deduction: z.number().min(0).max(100).optional(),
    evidence: EvidenceSchema.optional(),
    advisory: AdvisoryRefSchema.optional()
  })
  .strict()
export type Finding = z.infer<typeof FindingSchema>

/**
 * A tool a server declares (MCP `tools/list`), as a grader found it in the server's code: name,
 * description, input parameters and annotations (MCP spec 2025-06-18 `ToolAnnotations`), and
 * where it is declared. Texts are untrusted and shown escaped.
 */
export const DeclaredToolSchema = z
  .object({
    name: z.string().min(1).max(200),
    /** The description as declared (clipped to 2000 characters); absent when none or dynamic. */
    description: z.string().max(2000).optional(),
    /** Input parameters: name, JSON type when known, and whether a constraint narrows it. */
    parameters: z
      .array(
        z
          .object({
            name: z.string().min(1).max(200),
            type: z.string().max(100).optional(),
            /** True when an enum, pattern, format, max length or similar narrows the value. */
            constrained: z.boolean(),
            description: z.string().max(1000).optional()
          })
          .strict()
      )
      .max(200),
    /** MCP tool annotations, only those declared with a literal boolean. */
    annotations: z
      .object({
        readOnlyHint: z.boolean().optional(),
        destructiveHint: z.boolean().optional(),
        idempotentHint: z.boolean().optional(),
        openWorldHint: z.boolean().optional()
      })
      .strict(),
    evidence: EvidenceSchema.optional()
  })
  .strict()
export type DeclaredTool = z.infer<typeof DeclaredToolSchema>

/** Which kind of grader produced a report (SPEC §5). */
export const GradeSourceSchema = z.enum(['builtin', 'api', 'command', 'registry'])
export type GradeSource = z.infer<typeof GradeSourceSchema>

/** The grade contract (SPEC §2). */
export const GradeReportSchema = z
  .object({
    source: GradeSourceSchema,
    grader: z
      .object({
        name: z.string().min(1).max(200),
        version: z.string().min(1).max(100)
      })
      .strict(),
    rubricVersion: z.string().min(1).max(100),
    overall: ScoreSchema,
    subScores: SubScoresSchema,
    findings: z.array(FindingSchema).max(10000),
    auditedAt: z.iso.datetime({ offset: true }),
    reportUrl: HttpUrlSchema.optional(),
    /** The tools the server declares, when the grader looked (absent: not looked at). */
    tools: z.array(DeclaredToolSchema).max(1000).optional()
  })
  .strict()
export type GradeReport = z.infer<typeof GradeReportSchema>

/**
 * What asking a grader gives:
 * - `graded`: a valid report;
 * - `ungraded`: the grader has no grade for this server (e.g. the built-in grader and a non-npm
 *   server, or a grading service answering 404) — the policy treats it as `UNGRADED`;
 * - `error`: the grader failed (network, bad answer, time limit) — the policy treats it as
 *   `GRADER_ERROR`. `message` is for people and never holds a secret.
 *
 * An `ungraded` outcome may still carry `findings` the grader could establish without a grade
 * (e.g. what the config entry itself does), so the report can show them.
 */
export type GradeOutcome =
  | { kind: 'graded'; report: GradeReport }
  | { kind: 'ungraded'; reason: string; findings?: Finding[] }
  | { kind: 'error'; message: string }

/** JSON Schema (draft 2020-12) of `GradeReport`, for graders written in other languages. */
export function gradeReportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(GradeReportSchema, { target: 'draft-2020-12' })
}

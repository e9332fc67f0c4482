/**
 * The answer of a SkillAudit-style grading service (SPEC §5 `api` grader), as a zod schema, and
 * its mapping to our `GradeReport` contract.
 *
 * The answer is untrusted: every field is validated, absurd values (a score of 250, a grade "Z")
 * make the whole answer invalid, and errors name the field path, never the raw body. Field names
 * are snake_case as the service writes them; camelCase and kebab-case spellings are accepted too
 * (`overallGrade`, `sub-scores`), and giving the same field twice under two spellings is an error.
 * Unknown extra fields are ignored, except in `sub_scores`: a key there that names no axis (see
 * `axisFromName` in `axis-names.ts`) makes the answer invalid, so a failing axis is never lost.
 *
 * Also home of the helpers every grader uses to describe a bad answer (`describeIssues`,
 * `safeExcerpt`), so the `api` and `command` graders word problems the same way.
 */
import { z } from 'zod'
import { DEFAULT_SCALE, letterFor, parseLetter, rank, type GradeScale } from '../policy/grades.js'
import { AXIS_ALIASES, axisFromName } from './axis-names.js'
import {
  AXES,
  FindingSchema,
  GradeReportSchema,
  HttpUrlSchema,
  type Axis,
  type Finding,
  type GradeLetter,
  type GradeReport,
  type Score,
  type Severity
} from './report.js'

/** Severity spellings accepted in findings (case-insensitive; CVSS-style `moderate` is medium). */
const SEVERITY_ALIASES: ReadonlyMap<string, Severity> = new Map<string, Severity>([
  ['critical', 'critical'],
  ['high', 'high'],
  ['medium', 'medium'],
  ['moderate', 'medium'],
  ['low', 'low'],
  ['info', 'info'],
  ['informational', 'info']
])

/** `overallGrade` / `overall-grade` / `Overall Grade` → `overall_grade`. */
function snakeCase(key: string): string {
  return key
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-\s]+/g, '_')
    .toLowerCase()
}

/** A JSON object whose keys are normalised to snake_case; two spellings of one key are an error. */
const SnakeObject = z
  .record(z.string(), z.unknown(), { error: 'expected a JSON object' })
  .transform((raw, ctx) => {
    const entries = new Map<string, unknown>()
    const spelledAs = new Map<string, string>()
    for (const [key, value] of Object.entries(raw)) {
      const snake = snakeCase(key)
      const earlier = spelledAs.get(snake)
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `given twice, as "${safeExcerpt(earlier, 40)}" and "${safeExcerpt(key, 40)}"`
        })
        continue
      }
      spelledAs.set(snake, key)
      entries.set(snake, value)
    }
    // Object.fromEntries defines own properties, so a `__proto__` key stays a plain key.
    return Object.fromEntries(entries)
  })

const requiredOr = (what: string) => ({
  error: (issue: { input: unknown }) =>
    issue.input === undefined ? 'is required' : `expected ${what}`
})

/** A grade letter A–F, case-insensitive (SPEC §5). */
const LetterSchema = z.string(requiredOr('a grade letter A–F')).transform((text, ctx) => {
  const letter = parseLetter(text)
  if (letter === null) {
    ctx.addIssue({ code: 'custom', message: 'expected a grade letter A, B, C, D or F' })
    return z.NEVER
  }
  return letter
})

/** A 0–100 score (SPEC §2). */
const Score100Schema = z
  .number(requiredOr('a number from 0 to 100'))
  .min(0, 'expected a score from 0 to 100')
  .max(100, 'expected a score from 0 to 100')

/** One axis as the service wrote it: a score, a letter, or both; never neither. */
type AnswerScore =
  { score: number; grade: GradeLetter | null } | { score: null; grade: GradeLetter }

const ScoreObjectSchema = z
  .looseObject({ score: Score100Schema.nullish(), grade: LetterSchema.nullish() })
  .transform((value, ctx): AnswerScore => {
    const score = value.score ?? null
    const grade = value.grade ?? null
    if (score !== null) return { score, grade }
    if (grade !== null) return { score, grade }
    ctx.addIssue({ code: 'custom', message: 'expected at least one of score (0–100) and grade' })
    return z.NEVER
  })

/** A sub-score value: letter, 0–100 number, `{score, grade}`, or null ("not assessed"). */
const SubScoreValueSchema = z.unknown().transform((value, ctx): AnswerScore | null => {
  if (value === null || value === undefined) return null
  const parsed =
    typeof value === 'string'
      ? LetterSchema.safeParse(value)
      : typeof value === 'number'
        ? Score100Schema.safeParse(value)
        : typeof value === 'object' && !Array.isArray(value)
          ? ScoreObjectSchema.safeParse(value)
          : null
  if (parsed === null) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected a grade letter, a score from 0 to 100, {score, grade} or null'
    })
    return z.NEVER
  }
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path })
    }
    return z.NEVER
  }
  const data = parsed.data
  if (typeof data === 'number') return { score: data, grade: null }
  if (typeof data === 'string') return { score: null, grade: data }
  return data
})

/** The axis names people may write, for messages: `security, …, documentation (or …)`. */
const ACCEPTED_AXIS_NAMES = `${AXES.join(', ')} (or ${Object.keys(AXIS_ALIASES).join(', ')})`

/**
 * `sub_scores`: the six axes under any spelling `axisFromName` accepts. Fails closed: a key that
 * names no axis (`"Security Score"`) makes the answer invalid, because dropping it would turn a
 * failing axis into "not assessed" and let a quarantine-worthy server through.
 */
const SubScoresSchema = z
  .record(z.string(), z.unknown(), { error: 'expected an object of axis → score' })
  .transform((raw, ctx) => {
    const out: Partial<Record<Axis, AnswerScore | null>> = {}
    const spelledAs = new Map<Axis, string>()
    for (const [key, value] of Object.entries(raw)) {
      const axis = axisFromName(key)
      if (axis === null) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `"${safeExcerpt(key, 40)}" is not an axis: use one of ${ACCEPTED_AXIS_NAMES}`
        })
        continue
      }
      const earlier = spelledAs.get(axis)
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `the ${axis} axis is given twice, as "${earlier}" and "${safeExcerpt(key, 40)}"`
        })
        continue
      }
      spelledAs.set(axis, key)
      const parsed = SubScoreValueSchema.safeParse(value)
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          ctx.addIssue({ code: 'custom', message: issue.message, path: [key, ...issue.path] })
        }
        continue
      }
      out[axis] = parsed.data
    }
    return out
  })

/** ISO 8601 date-time with a zone, or a plain date (taken as midnight UTC). */
const DateTimeSchema = z.iso.datetime({ offset: true })
const DateSchema = z.iso.date()
const AuditedAtSchema = z.string().transform((text, ctx) => {
  if (DateTimeSchema.safeParse(text).success) return text
  if (DateSchema.safeParse(text).success) return `${text}T00:00:00Z`
  ctx.addIssue({
    code: 'custom',
    message: 'expected an ISO 8601 date-time with a time zone (or a YYYY-MM-DD date)'
  })
  return z.NEVER
})

const AxisNameSchema = z.string(requiredOr('an axis name')).transform((text, ctx) => {
  const axis = axisFromName(text)
  if (axis === null) {
    ctx.addIssue({ code: 'custom', message: `expected one of the axes ${ACCEPTED_AXIS_NAMES}` })
    return z.NEVER
  }
  return axis
})

const SeverityNameSchema = z.string(requiredOr('a severity')).transform((text, ctx) => {
  const severity = SEVERITY_ALIASES.get(text.trim().toLowerCase())
  if (severity === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected critical, high, medium, low or info' })
    return z.NEVER
  }
  return severity
})

/** `CWE-798`, `cwe-798`, `798` or the number 798 → `CWE-798`. */
const CweSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const match = /^\s*(?:CWE[-_ ]?)?(\d{1,6})\s*$/i.exec(String(value))
  if (match === null) {
    ctx.addIssue({ code: 'custom', message: 'expected a CWE id such as CWE-798' })
    return z.NEVER
  }
  return `CWE-${Number(match[1])}`
})

const OptionalText = z.string().nullish()
const LineSchema = z.number().int().min(1).nullish()

const EvidenceInputSchema = SnakeObject.pipe(
  z.looseObject({ file: OptionalText, line: LineSchema, snippet: OptionalText })
)

const AdvisoryInputSchema = z.union([
  z.string().min(1),
  SnakeObject.pipe(
    z.looseObject({ id: z.string().min(1), url: HttpUrlSchema.nullish(), fixed_in: OptionalText })
  )
])

/** Cut display text to `max` characters (FindingSchema limits), marking the cut. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/** One finding as a service writes it, mapped leniently to our `Finding` and then validated. */
const FindingInputSchema = SnakeObject.pipe(
  z.looseObject({
    rule_id: OptionalText,
    id: OptionalText,
    axis: AxisNameSchema,
    severity: SeverityNameSchema,
    title: OptionalText,
    message: OptionalText,
    cwe: CweSchema.nullish(),
    deduction: z.number().min(0).max(100).nullish(),
    file: OptionalText,
    line: LineSchema,
    snippet: OptionalText,
    evidence: EvidenceInputSchema.nullish(),
    advisory: AdvisoryInputSchema.nullish(),
    advisory_id: OptionalText,
    advisory_url: HttpUrlSchema.nullish(),
    fixed_in: OptionalText
  })
)
  .transform((input, ctx): Finding => {
    const ruleId = input.rule_id ?? input.id
    if (ruleId == null || ruleId.trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['rule_id'], message: 'is required (or id)' })
    }
    const title = input.title ?? input.message
    if (title == null || title.trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['title'], message: 'is required (or message)' })
    }
    const advisoryObject =
      typeof input.advisory === 'string' ? { id: input.advisory } : (input.advisory ?? undefined)
    if (advisoryObject && input.advisory_id != null && input.advisory_id !== advisoryObject.id) {
      ctx.addIssue({
        code: 'custom',
        path: ['advisory_id'],
        message: 'disagrees with advisory.id'
      })
    }
    const advisoryId = advisoryObject?.id ?? input.advisory_id ?? undefined
    const advisoryUrl =
      (advisoryObject && 'url' in advisoryObject ? advisoryObject.url : undefined) ??
      input.advisory_url ??
      undefined
    const fixedIn =
      (advisoryObject && 'fixed_in' in advisoryObject ? advisoryObject.fixed_in : undefined) ??
      input.fixed_in ??
      undefined
    const file = input.evidence?.file ?? input.file ?? undefined
    const line = input.evidence?.line ?? input.line ?? undefined
    const snippet = input.evidence?.snippet ?? input.snippet ?? undefined
    if (ruleId == null || title == null) return z.NEVER
    return {
      ruleId: ruleId.trim(),
      axis: input.axis,
      severity: input.severity,
      title: clip(title.trim(), 1000),
      ...(input.cwe != null && { cwe: input.cwe }),
      ...(input.deduction != null && { deduction: input.deduction }),
      ...((file !== undefined || line !== undefined || snippet !== undefined) && {
        evidence: {
          ...(file !== undefined && { file }),
          ...(line !== undefined && { line }),
          ...(snippet !== undefined && { snippet: clip(snippet, 2000) })
        }
      }),
      ...(advisoryId !== undefined && {
        advisory: {
          id: advisoryId,
          ...(advisoryUrl != null && { url: advisoryUrl }),
          ...(fixedIn != null && { fixedIn })
        }
      })
    }
  })
  .pipe(FindingSchema)

/**
 * Zod schema of a grading service answer (SPEC §5): `overall_grade` (A–F, required),
 * `overall_score` (0–100), `sub_scores` (axis → letter | 0–100 | `{score, grade}` | null),
 * `report_url` (http(s)), `audited_at` (ISO 8601), `rubric_version`, `findings[]`. Parsing yields
 * the answer normalised (letters upper-case, axes and findings in our vocabulary); axes not in the
 * answer are absent from `sub_scores`.
 */
const ApiAnswerSchema = SnakeObject.pipe(
  z
    .looseObject({
      overall_grade: LetterSchema,
      overall_score: Score100Schema.nullish(),
      sub_scores: SubScoresSchema.nullish(),
      report_url: HttpUrlSchema.nullish(),
      audited_at: AuditedAtSchema.nullish(),
      rubric_version: z.string().trim().min(1).max(100).nullish(),
      findings: z.array(FindingInputSchema, { error: 'expected an array' }).max(10000).nullish()
    })
    .superRefine((answer, ctx) => {
      // Fail closed on scores we would otherwise ignore: a misnamed container (`scores`,
      // `subscores`) or an axis at the top level would leave every axis "not assessed".
      for (const key of Object.keys(answer)) {
        if (KNOWN_ANSWER_KEYS.has(key)) continue
        if (
          axisFromName(key) !== null ||
          /(?:^|_)(?:scores?|grades?|axes|sub_?scores?)$/.test(key)
        ) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `unexpected key "${safeExcerpt(key, 40)}": sub-scores must be in "sub_scores" (overall in "overall_grade"/"overall_score")`
          })
        }
      }
    })
)

/** Top-level keys of an answer that we read. */
const KNOWN_ANSWER_KEYS = new Set([
  'overall_grade',
  'overall_score',
  'sub_scores',
  'report_url',
  'audited_at',
  'rubric_version',
  'findings'
])

/** What the mapping needs besides the answer. */
export interface AnswerContext {
  /** `GradeReport.grader.name` (the service host). */
  graderName: string
  /** Scale used to give a letter to a number-only score; default SPEC §5. */
  scale?: GradeScale
  /** Clock for `auditedAt` when the answer has none. */
  now: () => Date
}

/**
 * Validate a grading service answer (already parsed from JSON) and map it to a `GradeReport`
 * (`source: 'api'`, grader `{name: graderName, version: 'api'}`, rubric version from the answer
 * or `unknown`). An axis that is missing or null is `null` (not assessed); a letter-only axis is
 * `{score: null, grade}`; a number-only axis is `{score, grade: letterFor(score, scale)}`
 * (SPEC §5). Never throws: an invalid answer gives `{ok: false, problem}` naming the first bad
 * field path (e.g. `sub_scores.security: expected a score from 0 to 100`).
 */
export function parseApiAnswer(
  json: unknown,
  context: AnswerContext
): { ok: true; report: GradeReport } | { ok: false; problem: string } {
  const parsed = ApiAnswerSchema.safeParse(json)
  if (!parsed.success) return { ok: false, problem: describeIssues(parsed.error) }
  const answer = parsed.data
  const scale = context.scale ?? DEFAULT_SCALE
  const axisScore = (axis: Axis) => {
    const given = answer.sub_scores?.[axis] ?? null
    if (given === null) return null
    if (given.grade !== null) return { score: given.score, grade: given.grade }
    return { score: given.score, grade: letterFor(given.score, scale) }
  }
  const candidate: GradeReport = {
    source: 'api',
    grader: { name: context.graderName, version: 'api' },
    rubricVersion: answer.rubric_version ?? 'unknown',
    overall: { score: answer.overall_score ?? null, grade: answer.overall_grade },
    subScores: {
      security: axisScore('security'),
      permissions: axisScore('permissions'),
      credentials: axisScore('credentials'),
      maintenance: axisScore('maintenance'),
      compatibility: axisScore('compatibility'),
      documentation: axisScore('documentation')
    },
    findings: answer.findings ?? [],
    auditedAt: answer.audited_at ?? context.now().toISOString(),
    ...(answer.report_url != null && { reportUrl: answer.report_url })
  }
  const report = GradeReportSchema.safeParse(candidate)
  if (!report.success) return { ok: false, problem: describeIssues(report.error) }
  const contradiction = contradictoryScore(report.data, scale)
  if (contradiction !== null) return { ok: false, problem: contradiction }
  return { ok: true, report: report.data }
}

/** Letters a given letter may differ from its number's letter (scales differ at boundaries). */
const MAX_LETTER_STEPS = 1

/**
 * An answer whose letter and number contradict each other (`F` with 95, `A` with 20): more than
 * `MAX_LETTER_STEPS` letters apart under both the policy's `scale` and the default scale (SPEC
 * §5; the service may use either). The policy reads letters from numbers, so such an answer
 * would be read in whichever direction its number points; it is no evidence either way.
 * @returns the problem (`overall: grade F contradicts its score 95`), or null.
 */
function contradictoryScore(report: GradeReport, scale: GradeScale): string | null {
  const scores: [string, Score | null][] = [
    ['overall', report.overall],
    ...AXES.map((axis): [string, Score | null] => [`sub_scores.${axis}`, report.subScores[axis]])
  ]
  for (const [where, score] of scores) {
    if (score === null || score.score === null) continue
    const steps = Math.min(
      ...[scale, DEFAULT_SCALE].map((s) =>
        Math.abs(rank(score.grade) - rank(letterFor(score.score!, s)))
      )
    )
    if (steps > MAX_LETTER_STEPS) {
      return `${where}: grade ${score.grade} contradicts its score ${score.score}`
    }
  }
  return null
}

/**
 * The first revision of the MCP specification, 2024-11-05
 * (https://modelcontextprotocol.io/specification/2024-11-05): no audit of an MCP server is older.
 */
export const EARLIEST_AUDIT_DATE = '2024-11-05T00:00:00Z'

/**
 * Clock skew tolerated between a grading service and the gate, in ms: one day (this project's
 * judgement; more than any real clock drift, less than any real grade from the future).
 */
export const AUDIT_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000

/**
 * Why a grade's `auditedAt` cannot be true, or null when it can be: before
 * `EARLIEST_AUDIT_DATE` (e.g. the epoch, 1970, that a service sends for "unknown"), or more than
 * `AUDIT_CLOCK_SKEW_MS` after `now` (a grade from the future, e.g. 2999). A grade is evidence, so
 * the `api` and `command` graders treat such an answer as invalid (`GRADER_ERROR`) rather than
 * clipping it.
 * @param auditedAt an ISO 8601 date-time with a zone (`GradeReport.auditedAt`).
 * @param now the gate's clock.
 * @param field the field's name in the answer, for the message (`audited_at` for the service,
 *   `auditedAt` for a grader command's GradeReport).
 * @returns one sentence naming the field, e.g. `audited_at: 2999-01-01T00:00:00Z is in the
 *   future (…)`; a date that does not parse is a problem too.
 */
export function auditDateProblem(
  auditedAt: string,
  now: Date,
  field = 'audited_at'
): string | null {
  const at = Date.parse(auditedAt)
  const shown = safeExcerpt(auditedAt, 40)
  if (Number.isNaN(at)) return `${field}: ${shown} is not a date`
  if (at < Date.parse(EARLIEST_AUDIT_DATE)) {
    return `${field}: ${shown} is before the first MCP specification (${EARLIEST_AUDIT_DATE.slice(0, 10)}), so it is not a real audit date`
  }
  if (at - now.getTime() > AUDIT_CLOCK_SKEW_MS) {
    return `${field}: ${shown} is in the future (the gate's clock says ${now.toISOString()})`
  }
  return null
}

/**
 * One line describing a zod failure for people: the first issue as `path: message`
 * (`findings[2].cwe: expected a CWE id such as CWE-798`), plus how many more there are. Path keys
 * come from untrusted input and are clipped and sanitised; input values are never echoed.
 */
export function describeIssues(error: z.ZodError): string {
  const [first, ...rest] = error.issues
  if (first === undefined) return 'invalid'
  const path = formatPath(first.path)
  const more =
    rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : ''
  return `${path === '' ? '' : `${path}: `}${first.message}${more}`
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else if (typeof key === 'string' && /^[A-Za-z_][\w-]{0,60}$/.test(key)) {
      out += out === '' ? key : `.${key}`
    } else out += `[${JSON.stringify(safeExcerpt(String(key), 40))}]`
  }
  return out
}

/**
 * A short, printable excerpt of untrusted text for messages: control and format characters
 * (including bidi overrides) become spaces, whitespace runs collapse, and the result is cut to
 * `max` characters (default 80) with `…`. Callers still mask known secrets themselves.
 */
export function safeExcerpt(text: string, max = 80): string {
  const flat = text
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`
}

/**
 * `text` with every occurrence of each of `values` replaced by `***`, in the order given (pass
 * the longest first so a value containing another is replaced whole). Used for the secrets a
 * grader is given: the `api` grader's API key, the values of a grader command's passed
 * environment variables. Empty values are ignored. Pure; never throws.
 */
export function maskValues(text: string, values: readonly string[]): string {
  let out = text
  for (const value of values) if (value !== '') out = out.split(value).join('***')
  return out
}

/**
 * A parsed JSON value (a grader's answer) with `maskValues` applied to every string in it,
 * object keys included, as deep as it goes, so a grader that echoes a secret in a finding,
 * snippet or link cannot put it in reports. Returns `json` itself when `values` is empty; else a
 * copy (own properties only, so a `__proto__` key stays a plain key). Pure; never throws.
 */
export function maskValuesInJson(json: unknown, values: readonly string[]): unknown {
  if (values.length === 0) return json
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return maskValues(value, values)
    if (Array.isArray(value)) return value.map(walk)
    if (typeof value === 'object' && value !== null) {
      // Object.fromEntries defines own properties, so a `__proto__` key stays a plain key.
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [maskValues(k, values), walk(v)])
      )
    }
    return value
  }
  return walk(json)
}

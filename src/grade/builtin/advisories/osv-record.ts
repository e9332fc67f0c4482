/**
 * The OSV record (OSV schema 1.6, https://ossf.github.io/osv-schema/) as a zod schema: only the
 * fields the built-in grader uses are described, every object is loose (unknown fields are kept),
 * so a record from a newer schema version still parses.
 *
 * What we rely on is validated strictly (`id`, `affected[].package`, `ranges[].type`, the event
 * keys); descriptive fields that we only display (`summary`, `details`, `references`,
 * `database_specific`) fall back to "absent" when malformed instead of losing the whole record.
 */
import { z } from 'zod'

/** Range kinds of OSV schema 1.6 (`affected[].ranges[].type`). */
export const OSV_RANGE_TYPES = ['SEMVER', 'ECOSYSTEM', 'GIT'] as const

/**
 * One range event: exactly one of `introduced`, `fixed`, `last_affected`, `limit` (OSV schema
 * 1.6 "affected[].ranges[].events").
 */
export const OsvEventSchema = z
  .looseObject({
    introduced: z.string().min(1).optional(),
    fixed: z.string().min(1).optional(),
    last_affected: z.string().min(1).optional(),
    limit: z.string().min(1).optional()
  })
  .refine(
    (event) =>
      [event.introduced, event.fixed, event.last_affected, event.limit].filter(
        (value) => value !== undefined
      ).length === 1,
    { message: 'an event holds exactly one of introduced, fixed, last_affected, limit' }
  )
export type OsvEvent = z.infer<typeof OsvEventSchema>

/** `affected[].ranges[]`: a kind and its events (GIT ranges also name a `repo`). */
export const OsvRangeSchema = z.looseObject({
  type: z.enum(OSV_RANGE_TYPES),
  repo: z.string().optional(),
  events: z.array(OsvEventSchema).min(1)
})
export type OsvRange = z.infer<typeof OsvRangeSchema>

/** `severity[]` (record level or per affected package): `CVSS_V2`/`_V3`/`_V4`, `Ubuntu`, … */
export const OsvSeveritySchema = z.looseObject({
  type: z.string().min(1),
  score: z.string().min(1)
})
export type OsvSeverity = z.infer<typeof OsvSeveritySchema>

/** `affected[]`: a package, its ranges and/or explicit versions. */
export const OsvAffectedSchema = z.looseObject({
  package: z
    .looseObject({
      ecosystem: z.string().min(1),
      name: z.string().min(1),
      purl: z.string().optional().catch(undefined)
    })
    .optional(),
  severity: z.array(OsvSeveritySchema).optional().catch(undefined),
  ranges: z.array(OsvRangeSchema).optional(),
  versions: z.array(z.string()).optional(),
  database_specific: z.record(z.string(), z.unknown()).optional().catch(undefined),
  ecosystem_specific: z.record(z.string(), z.unknown()).optional().catch(undefined)
})
export type OsvAffected = z.infer<typeof OsvAffectedSchema>

/** One OSV record (see the module doc). */
export const OsvRecordSchema = z.looseObject({
  id: z.string().min(1).max(200),
  modified: z.string().optional().catch(undefined),
  published: z.string().optional().catch(undefined),
  withdrawn: z.string().optional().catch(undefined),
  aliases: z.array(z.string()).optional().catch(undefined),
  summary: z.string().optional().catch(undefined),
  details: z.string().optional().catch(undefined),
  severity: z.array(OsvSeveritySchema).optional().catch(undefined),
  affected: z.array(OsvAffectedSchema).optional(),
  references: z
    .array(z.looseObject({ type: z.string().optional(), url: z.string() }))
    .optional()
    .catch(undefined),
  database_specific: z
    .looseObject({
      severity: z.string().optional().catch(undefined),
      cwe_ids: z.array(z.string()).optional().catch(undefined)
    })
    .optional()
    .catch(undefined)
})
export type OsvRecord = z.infer<typeof OsvRecordSchema>

/** A record that does not match `OsvRecordSchema`: says which record and which field. */
export class OsvRecordError extends Error {
  override readonly name = 'OsvRecordError'
  constructor(
    /** Where the record came from (a file path, `api.osv.dev /v1/vulns/<id>`, …). */
    readonly origin: string,
    message: string
  ) {
    super(message)
  }
}

/**
 * Validate one OSV record.
 * @param json the parsed JSON (untrusted).
 * @param origin where it came from, for the message (file path or URL without secrets).
 * @returns the record (unknown fields kept).
 * @throws OsvRecordError naming the origin, the record id when there is one, and each bad field
 *   as a path (`affected[0].ranges[1].type: …`), with what to do.
 */
export function parseOsvRecord(json: unknown, origin: string): OsvRecord {
  const parsed = OsvRecordSchema.safeParse(json)
  if (parsed.success) return parsed.data
  const id =
    json !== null && typeof json === 'object' && typeof (json as { id?: unknown }).id === 'string'
      ? (json as { id: string }).id.slice(0, 200)
      : undefined
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issuePath(issue.path)}: ${issue.message}`)
  const more = parsed.error.issues.length > 5 ? ` (+${parsed.error.issues.length - 5} more)` : ''
  throw new OsvRecordError(
    origin,
    `${origin}${id ? ` (record ${id})` : ''} is not a valid OSV record: ${problems.join('; ')}${more}. ` +
      'Expected OSV schema 1.6 (https://ossf.github.io/osv-schema/).'
  )
}

/** `affected[0].ranges[1].type` from a zod issue path; `(record)` for the root. */
function issuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(record)'
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out === '' ? String(key) : `.${String(key)}`
  }
  return out
}

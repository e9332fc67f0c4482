/**
 * The exceptions file (SPEC §7): `.github/mcp-exceptions.{json,yml,yaml}`, a top-level list of
 * exceptions or `{"exceptions": [...]}` (plus an optional `$schema`), read into `ExceptionRecord`s.
 *
 * Structural problems (not a list, an unknown key, a field of the wrong type, an unreadable
 * `server_id`, a date that is not `YYYY-MM-DD`, a duplicate id, a name in `environments` that is
 * not an environment name, a user name or password in `server_id` or `artifact_url`) make the
 * file unusable: an
 * `ExceptionsFileError` listing every problem at its 1-based line and column. A MISSING field is
 * not a file problem: it is kept as null (or an empty list) so that `exception-rules.ts` can say
 * which rule the exception breaks (`EXCEPTION_INVALID`) for the server it names.
 */
import { readFile, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { z } from 'zod'
import { sanitizeUrl, stripUserInfo } from '../net/url-redaction.js'
import { MAX_SERVER_ID_LENGTH, parseServerId, readServerId } from '../resolve/server-id.js'
import {
  parseJsonDocument,
  parseYamlDocument,
  type PathSegment,
  type PolicyDocument
} from './document.js'
import { LocatedFileError, type PolicyFileProblem } from './errors.js'
import { describeValue, dottedPath, issueProblem } from './issue-message.js'
import type { Approver, ExceptionRecord, ExceptionsFile } from './records.js'
import { normalizeEnvironmentName } from './environment-name.js'
import { EnvironmentNameSchema, unknownKeysMessage } from './schema.js'
import { clip } from './wording.js'

export type { Approver, ExceptionRecord, ExceptionsFile } from './records.js'

/** `$id` of the published exceptions-file JSON Schema (versioned with the file shape). */
export const EXCEPTIONS_SCHEMA_ID = 'urn:mcp-grade-gate:schema:mcp-exceptions:1'

/** Where `findExceptionsFile` looks, relative to the workspace, in this order (SPEC §7). */
export const EXCEPTIONS_FILE_NAMES = [
  '.github/mcp-exceptions.json',
  '.github/mcp-exceptions.yml',
  '.github/mcp-exceptions.yaml'
] as const

/**
 * Largest exceptions file read (bytes). An exception is well under 4 KiB of text, so 1 MiB holds
 * hundreds; the bound keeps parse time of hostile input under a second.
 */
export const MAX_EXCEPTIONS_FILE_BYTES = 1024 * 1024

/** Most exceptions one file may hold (bounds the work per server lookup). */
export const MAX_EXCEPTIONS = 5000

/**
 * An exceptions file that cannot be used (see `LocatedFileError`): unreadable, a syntax error, or
 * a structural problem, each at a 1-based line and column. CLI exit 2 (SPEC §8).
 */
export class ExceptionsFileError extends LocatedFileError {
  override readonly name = 'ExceptionsFileError'

  /** @throws TypeError when `problems` is empty (a programming error). */
  constructor(path: string, problems: readonly PolicyFileProblem[]) {
    super('exceptions', path, problems)
  }
}

/** A strict object whose unknown-key error suggests the closest known key. */
function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape)
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, known) : undefined
  })
}

const DATE_MESSAGE =
  'expected a date written YYYY-MM-DD that exists in the calendar (e.g. 2026-03-31)'

/** An ISO calendar date (`YYYY-MM-DD`, UTC). */
const IsoDateSchema = z.iso.date({ error: DATE_MESSAGE })

/** An optional text field: absent or null means "not given" (a rule then says it is missing). */
const optionalText = (max: number, description: string) =>
  z.string().max(max).nullable().optional().describe(description)

/**
 * True when `text` starts `scheme://user[:password]@` (other than a plain `git@`): reports show
 * `server_id` and link `artifact_url`, so the file must not hold credentials there (as in the
 * registry, `registry-file.ts`).
 */
function holdsUserInfo(text: string): boolean {
  return stripUserInfo(text) !== text
}

const CREDENTIALS_MESSAGE = (what: string) =>
  `the ${what} holds a user name or password, which reports would show. Write it without them (keep credentials out of the repository)`

const ServerIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_SERVER_ID_LENGTH)
  .superRefine((text, ctx) => {
    if (text === '' || text.length > MAX_SERVER_ID_LENGTH) return // reported by min / max
    const reading = readServerId(text)
    if (reading.problem !== null) {
      ctx.addIssue({ code: 'custom', message: `cannot read this server_id: ${reading.problem}` })
    } else if (holdsUserInfo(text)) {
      ctx.addIssue({ code: 'custom', message: CREDENTIALS_MESSAGE('server id') })
    } else if (reading.unpinnedSpec !== null) {
      // A range would silently widen to every version: an exception names one version or none.
      ctx.addIssue({
        code: 'custom',
        message: `this server_id names a version range or tag (${clip(reading.unpinnedSpec, 40)}), not one version. Name the exact version the exception was approved for, or none to cover every version`
      })
    }
  })
  .describe(
    'The server the exception covers, spelt as in the registry: a purl, npm:pkg@1.2.3, pypi:pkg==1.2.3, an OCI reference, a GitHub URL or a remote URL (no user name or password in it). With a version, the exception covers only that version. This is what ties the exception to a server: a registry row naming the exception in exception_id does not widen it.'
  )

/** Most environment names one `environments` item may hold (`production, staging, …`). */
const MAX_ENVIRONMENT_ITEM_CHARS = 1000

/**
 * The names of one `environments` item: split at `;` and `,` (as the registry's
 * `environments_approved` cells are), trimmed, blanks dropped — `"production, staging"` is two
 * environments, not one that no run is ever called.
 */
function environmentNamesOf(item: string): string[] {
  return item
    .split(/[;,]/)
    .map((name) => name.trim())
    .filter((name) => name !== '')
}

/**
 * `environments`: a list of names; an item may hold several, separated by `,` or `;`. Each name,
 * once normalised (`normalizeEnvironmentName`: `prod` → `production`), must be an environment
 * name by the policy file's rule (`EnvironmentNameSchema`); a problem is located at its item.
 */
const EnvironmentsSchema = z
  .array(z.string().trim().min(1).max(MAX_ENVIRONMENT_ITEM_CHARS))
  .max(100)
  .superRefine((items, ctx) => {
    items.forEach((item, index) => {
      const names = environmentNamesOf(item)
      if (names.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `${describeValue(item)} names no environment. Write a name such as production, or remove the item`
        })
      }
      for (const name of names) {
        if (EnvironmentNameSchema.safeParse(normalizeEnvironmentName(name)).success) continue
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `${describeValue(name)} is not an environment name (a letter or digit, then letters, digits, ".", "_" or "-"; at most 64 characters). Separate names with "," or ";", or give one per item`
        })
      }
    })
  })
  .nullable()
  .optional()
  .describe(
    'Environments the exception covers (production, staging, development, ci or custom ones; prod, stage and dev are accepted). An item may hold several names separated by "," or ";".'
  )

/** One approver (SPEC §7 `approvers[] {role, name, date}`). */
export const ApproverSchema = strictObject({
  role: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .describe('The approving role: manager, security, cto, … (compared in lower case).'),
  name: z.string().trim().min(1).max(200).describe('Who approved.'),
  date: IsoDateSchema.nullable()
    .optional()
    .describe('When they approved (YYYY-MM-DD, UTC); not after the day of the run.')
}).describe('One sign-off of the exception.')

/** One exception as written (SPEC §7 fields). */
export const ExceptionEntrySchema = strictObject({
  id: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .describe('Unique id of the exception; a registry row names it in exception_id.'),
  server_id: ServerIdSchema,
  environments: EnvironmentsSchema,
  justification: optionalText(20_000, 'Business justification: why this server is needed.'),
  risk_analysis: optionalText(20_000, 'What the findings mean in this deployment.'),
  compensating_controls: z
    .union([z.string().max(20_000), z.array(z.string().max(2000)).max(100)], {
      error: 'expected a text or a list of texts'
    })
    .nullable()
    .optional()
    .describe('Controls that reduce the risk: a text or a list of texts.'),
  approvers: z
    .array(ApproverSchema)
    .max(50)
    .nullable()
    .optional()
    .describe(
      'Sign-offs: manager and security everywhere, and cto for production with personal or phi data (policy defaults).'
    ),
  artifact_url: z
    .string()
    .max(2000)
    .refine((text) => !holdsUserInfo(text.trim()), { error: CREDENTIALS_MESSAGE('link') })
    .nullable()
    .optional()
    .describe(
      'http(s) link to the approval artifact (ticket, e-mail thread, signed PDF), without a user name or password. Required for the exception to be valid.'
    ),
  approved_on: IsoDateSchema.nullable()
    .optional()
    .describe('Day the exception was approved (YYYY-MM-DD, UTC); not in the future.'),
  expires_on: IsoDateSchema.nullable()
    .optional()
    .describe(
      'Last day the exception is valid (YYYY-MM-DD, UTC); at most 60 days after approved_on by default.'
    )
}).describe('A time-boxed exception for one server (SPEC §7).')

const ExceptionListSchema = z
  .array(ExceptionEntrySchema)
  .max(MAX_EXCEPTIONS)
  .describe('The exceptions, one object each.')

const ExceptionsObjectSchema = strictObject({
  $schema: z.string().max(2000).optional().describe('JSON Schema URL, for editors.'),
  exceptions: ExceptionListSchema.optional()
})

/** The exceptions file (SPEC §7): a list of exceptions, or an object holding one. */
export const ExceptionsFileSchema = z
  .union([ExceptionListSchema, ExceptionsObjectSchema])
  .describe(
    'mcp-grade-gate exceptions (SPEC §7): time-boxed, approved waivers of grade and floor failures for named servers. They never waive quarantine, literal secrets, malware, or an environment or data class that allows no exceptions.'
  )

type ExceptionEntry = z.output<typeof ExceptionEntrySchema>

/**
 * The JSON Schema (draft 2020-12) of the exceptions file, with `$id`, `title` and field
 * descriptions, for editors (`"$schema"`) and the published `schemas/` folder. What it cannot say
 * (readable `server_id`, unique ids) the gate checks when it loads the file.
 */
export function exceptionsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ExceptionsFileSchema, { target: 'draft-2020-12', io: 'input' })
  return {
    $schema: schema.$schema,
    $id: EXCEPTIONS_SCHEMA_ID,
    title: 'mcp-grade-gate exceptions',
    ...schema
  }
}

/**
 * The exceptions file in `cwd` (one of `EXCEPTIONS_FILE_NAMES`), or null when there is none.
 * @returns the path joined onto `cwd`.
 * @throws ExceptionsFileError when more than one exists (which one applies would be a guess).
 */
export async function findExceptionsFile(cwd: string): Promise<string | null> {
  const found: string[] = []
  for (const name of EXCEPTIONS_FILE_NAMES) {
    const path = join(cwd, name)
    try {
      if ((await stat(path)).isFile()) found.push(path)
    } catch {
      // absent (or unreadable, which loading it would report): not a candidate
    }
  }
  if (found.length > 1) {
    throw new ExceptionsFileError(found[1] ?? '', [
      {
        line: 1,
        column: 1,
        at: '',
        message: `more than one exceptions file: ${found.join(', ')}. Keep one (they are not merged)`
      }
    ])
  }
  return found[0] ?? null
}

/**
 * Read and parse an exceptions file: JSON (comments and trailing commas allowed) for `.json`,
 * YAML for `.yml`/`.yaml`; another extension is read as JSON when it starts with `[` or `{`,
 * else as YAML. An empty file (or only comments) holds no exceptions.
 * @throws ExceptionsFileError for a file that cannot be read (missing, a directory, larger than
 *   `MAX_EXCEPTIONS_FILE_BYTES`), a syntax error or a structural problem, with line and column.
 */
export async function loadExceptionsFile(path: string): Promise<ExceptionsFile> {
  let text: string
  try {
    const info = await stat(path)
    if (!info.isFile())
      return readProblem(path, 'it is not a file. Give the path of an exceptions file')
    if (info.size > MAX_EXCEPTIONS_FILE_BYTES) {
      return readProblem(
        path,
        `it is ${info.size} bytes, more than the ${MAX_EXCEPTIONS_FILE_BYTES} an exceptions file may have. Check the path`
      )
    }
    text = await readFile(path, 'utf8')
  } catch (error) {
    if (error instanceof ExceptionsFileError) throw error
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'it does not exist' : `it cannot be read (${code ?? 'error'})`
    return readProblem(path, `${why}. Check the exceptions path`)
  }
  return parseExceptionsText(text, path)
}

function readProblem(path: string, message: string): never {
  throw new ExceptionsFileError(path, [
    { line: 1, column: 1, at: '', message: `cannot use the exceptions file: ${message}` }
  ])
}

/**
 * Parse exceptions file text (what `loadExceptionsFile` does after reading) into records:
 * environments split at `,`/`;` and normalised (`normalizeEnvironmentName`, duplicates dropped),
 * approver roles
 * lower-cased, `compensating_controls` given as a list joined with `; `, missing or blank text
 * fields null, each record's `source` the line where it starts.
 * @param path used for the format (by extension), in messages and in `source.file`.
 * @throws ExceptionsFileError with every syntax problem, or else every structural problem
 *   (schema and duplicate ids), each at its line and column.
 */
export function parseExceptionsText(text: string, path: string): ExceptionsFile {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const yaml = isYaml(path, body)
  const doc = yaml ? parseYamlDocument(body) : parseJsonDocument(body)
  if (doc.problems.length > 0) {
    throw new ExceptionsFileError(
      path,
      doc.problems.map((p) => ({ line: p.line, column: p.column, at: '', message: p.message }))
    )
  }
  const { entries, prefix, problems } = readEntries(doc)
  if (problems.length > 0) {
    throw new ExceptionsFileError(
      path,
      problems.sort((a, b) => a.line - b.line || a.column - b.column)
    )
  }
  const exceptions = entries.map((entry, index) =>
    toRecord(entry, { file: path, line: doc.locate([...prefix, index], 'value').line })
  )
  return { path, format: yaml ? 'yaml' : 'json', exceptions }
}

function isYaml(path: string, text: string): boolean {
  const ext = extname(path).toLowerCase()
  if (ext === '.yml' || ext === '.yaml') return true
  if (ext === '.json' || ext === '.jsonc') return false
  return !/^[[{]/.test(text.trimStart())
}

interface ReadEntries {
  entries: ExceptionEntry[]
  /** Path of the list in the document: `[]` or `['exceptions']`. */
  prefix: PathSegment[]
  problems: PolicyFileProblem[]
}

/** Validate the document's shape; collect schema problems and duplicate ids, located. */
function readEntries(doc: PolicyDocument): ReadEntries {
  const value = doc.value
  const at = (path: readonly PathSegment[], part: 'key' | 'value', message: string) => ({
    ...doc.locate(path, part),
    at: dottedPath(path),
    message
  })
  if (typeof value !== 'object' || value === null) {
    return {
      entries: [],
      prefix: [],
      problems: [
        at(
          [],
          'value',
          `expected a list of exceptions, or an object with an "exceptions" list, got ${describeValue(value)}. Write [ {...}, ... ] or {"exceptions": [ {...} ]}`
        )
      ]
    }
  }
  const isList = Array.isArray(value)
  const prefix: PathSegment[] = isList ? [] : ['exceptions']
  const result = isList
    ? ExceptionListSchema.safeParse(value, { reportInput: true })
    : ExceptionsObjectSchema.safeParse(value, { reportInput: true })
  const problems: PolicyFileProblem[] = result.success
    ? []
    : result.error.issues.map((issue) => {
        const problem = issueProblem(safeIssue(issue))
        return at(problem.path, problem.part, problem.message)
      })
  const rawList: unknown = isList ? value : (value as Record<string, unknown>).exceptions
  problems.push(...duplicateIds(rawList, prefix, at))
  if (!result.success) return { entries: [], prefix, problems }
  const entries = Array.isArray(result.data) ? result.data : (result.data.exceptions ?? [])
  return { entries, prefix, problems }
}

/** A problem for every id used by an earlier exception too (ids compared trimmed, exactly). */
function duplicateIds(
  list: unknown,
  prefix: readonly PathSegment[],
  at: (path: readonly PathSegment[], part: 'key' | 'value', message: string) => PolicyFileProblem
): PolicyFileProblem[] {
  if (!Array.isArray(list)) return []
  const problems: PolicyFileProblem[] = []
  const firstLine = new Map<string, number>()
  list.forEach((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || !Object.hasOwn(item, 'id')) return
    const id: unknown = (item as Record<string, unknown>).id
    if (typeof id !== 'string' || id.trim() === '') return
    const path = [...prefix, index, 'id']
    const first = firstLine.get(id.trim())
    if (first === undefined) {
      firstLine.set(id.trim(), at(path, 'value', '').line)
      return
    }
    problems.push(
      at(
        path,
        'value',
        `duplicate id ${JSON.stringify(clip(id.trim(), 60))} (first at line ${first}). Give each exception its own id`
      )
    )
  })
  return problems
}

function toRecord(entry: ExceptionEntry, source: ExceptionRecord['source']): ExceptionRecord {
  const key = parseServerId(entry.server_id)
  // The schema accepted server_id only when it parses; a null here is a programming error.
  if (key === null) throw new Error(`server_id of exception ${entry.id} did not parse twice`)
  const controls = entry.compensating_controls
  return {
    id: entry.id,
    serverId: entry.server_id,
    key,
    environments: [
      ...new Set(
        (entry.environments ?? []).flatMap(environmentNamesOf).map(normalizeEnvironmentName)
      )
    ],
    justification: presentText(entry.justification),
    riskAnalysis: presentText(entry.risk_analysis),
    compensatingControls: presentText(
      Array.isArray(controls)
        ? controls
            .map((c) => c.trim())
            .filter((c) => c !== '')
            .join('; ')
        : controls
    ),
    approvers: (entry.approvers ?? []).map((a): Approver => ({
      role: a.role.toLowerCase(),
      name: a.name,
      date: a.date ?? null
    })),
    artifactUrl: presentText(entry.artifact_url),
    approvedOn: entry.approved_on ?? null,
    expiresOn: entry.expires_on ?? null,
    source
  }
}

/**
 * A zod issue whose echoed input cannot show a URL's credentials or query (a too-long
 * `artifact_url` is echoed, clipped, by `issueProblem`): the URL without user info, query and
 * token-like path segments (`sanitizeUrl`).
 */
function safeIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  const input: unknown = issue.input
  if (typeof input !== 'string' || !/^[a-z][\w+.-]*:\/\//i.test(input.trim())) return issue
  const bare = stripUserInfo(input.trim())
  const shown = sanitizeUrl(bare, { markQuery: true }) ?? bare
  return { ...issue, input: shown } as z.core.$ZodIssue
}

/** Trimmed text, or null when absent or blank (a blank field is as good as a missing one). */
function presentText(text: string | null | undefined): string | null {
  const trimmed = text?.trim() ?? ''
  return trimmed === '' ? null : trimmed
}

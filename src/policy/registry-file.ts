/**
 * The approved-server registry file (SPEC §7): `.github/mcp-registry.{csv,json,yml,yaml}`, one
 * row per approved server with the columns `server_id`, `display_name`, `current_grade`,
 * `audit_url`, `audit_date`, `environments_approved`, `data_access_summary`,
 * `data_classification`, `exception_id`, `owner_team`.
 *
 * Shapes:
 * - CSV (`csv-parse`): a header row naming the columns, in any order (`Server ID`, `server-id`
 *   and `serverId` all name `server_id`); other columns are kept for the writer and not read.
 *   A byte order mark, CRLF line ends and a `;` or tab delimiter (spreadsheets in many locales
 *   export those; recognised from the header line) are handled. List cells
 *   (`environments_approved`) separate names with `;` (or `,`, inside a quoted cell when `,` is
 *   the delimiter). The `'` the inventory CSV puts before a leading `=`, `+`, `-` or `@` (a guard
 *   against spreadsheet formulas) is dropped. Blank lines and rows of empty cells are skipped.
 * - JSON/JSONC and YAML: a top-level list of rows, or `{"servers": [rows]}` with an optional
 *   `$schema`. Keys are the column names; other keys are kept and not read.
 *
 * Every row is validated (zod). A bad row, a key or column that looks meant as a registry column
 * (`enviroments_approved`, `owner`, `Grade`: its values would be lost), or two rows naming the
 * same server and version (however spelt: `sameVersion`, so `pypi:foo==1.0` and
 * `pypi:foo==1.0.0` are one version) is a `RegistryFileError` at the row's file:line (and
 * column for JSON/YAML): a row is never silently dropped. Values are trimmed; an empty cell is
 * absent; `current_grade` and `data_classification` are case-insensitive. A `server_id` with a
 * version range or tag (`npm:pkg@^1`) is refused: a row approves one exact version, or every
 * version when it names none.
 *
 * Credentials: reports show `server_id` and `audit_url`, so a user name or password in either,
 * or a query or fragment parameter whose name says it is a credential (`token`, `api_key`,
 * `secret`, `sig`, `password`, `X-Amz-Signature`, …: `auditLinkProblem`), is refused at its
 * row — not silently dropped, since a link without its query may not open the audit any more;
 * the value is never echoed. Other query parameters (`?id=42`) are kept.
 *
 * Sizes (hostile input, SPEC §9): at most `MAX_REGISTRY_FILE_BYTES`, `MAX_REGISTRY_ROWS` rows
 * and `MAX_REGISTRY_COLUMNS` columns (CSV cells per record; different keys over all JSON/YAML
 * rows); names quoted in messages are clipped and lists of them shortened.
 */
import { parse as parseCsv, type Info } from 'csv-parse/sync'
import { stripComments } from 'jsonc-parser'
import { readFile, stat } from 'node:fs/promises'
import { compare as comparePep440, valid as validPep440 } from '@renovatebot/pep440'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'
import semver from 'semver'
import { z } from 'zod'
import { LineIndex } from '../config/lines.js'
import { newRecord, setOwn } from '../config/record.js'
import { GradeLetterSchema, HttpUrlSchema } from '../grade/report.js'
import { sanitizeUrl, stripUserInfo } from '../net/url-redaction.js'
import { formatServerKey, readServerId, sameServer, sameVersion } from '../resolve/server-id.js'
import type { ServerKey } from '../resolve/server-key.js'
import { parseJsonDocument, parseYamlDocument, type PathSegment } from './document.js'
import { LocatedFileError, type PolicyFileProblem } from './errors.js'
import { describeValue, dottedPath, issueProblem, type IssueProblem } from './issue-message.js'
import { jsonNestingProblem, yamlNestingProblem } from './nesting.js'
import { DATA_CLASSES, type RegistryEntry, type RegistryFile } from './records.js'
import { closestName } from './suggest.js'
import { normalizeEnvironmentName } from './environment-name.js'
import { clip } from './wording.js'

/** Where `findRegistryFile` looks, relative to the workspace, in this order (SPEC §7). */
export const REGISTRY_FILE_NAMES = [
  '.github/mcp-registry.csv',
  '.github/mcp-registry.json',
  '.github/mcp-registry.yml',
  '.github/mcp-registry.yaml'
] as const

/**
 * Largest registry file read (bytes): a registry row is about 300 bytes, so 1 MiB holds
 * thousands of servers; with `MAX_REGISTRY_ROWS` it bounds the time a hostile file takes to
 * read to about a second (10 000 rows of npm ids: about 0.8 s on one core).
 */
export const MAX_REGISTRY_FILE_BYTES = 1024 * 1024

/** Most rows a registry may hold (far more than any organisation approves). */
export const MAX_REGISTRY_ROWS = 10_000

/**
 * Most columns a registry may have: cells in one CSV record, or different keys over all the
 * rows of a JSON/YAML file. The SPEC §7 columns are 10; the rest is room for an organisation's
 * own (ticket, notes, cost centre). Bounds the work on a hostile header of 100 000 columns.
 */
export const MAX_REGISTRY_COLUMNS = 200

/** How many names (columns, keys) a message lists before "… and N more". */
const LISTED_NAMES = 10

/** Longest name (column, key) quoted in a message, in characters. */
const SHOWN_NAME_CHARS = 60

/** Longest `at` path (`servers[12].environments_approved[3]`) of a problem, in characters. */
const SHOWN_PATH_CHARS = 80

/** Longest text cell (characters): a sentence of `data_access_summary` fits many times. */
const MAX_CELL_CHARS = 2000

/** `$id` of the published registry JSON Schema (versioned with the file shape). */
export const REGISTRY_SCHEMA_ID = 'urn:mcp-grade-gate:schema:mcp-registry:1'

/** The SPEC §7 columns, in the order the inventory CSV writes them. */
export const REGISTRY_COLUMN_NAMES = [
  'server_id',
  'display_name',
  'current_grade',
  'audit_url',
  'audit_date',
  'environments_approved',
  'data_access_summary',
  'data_classification',
  'exception_id',
  'owner_team'
] as const
export type RegistryColumn = (typeof REGISTRY_COLUMN_NAMES)[number]

/** A registry file that cannot be used (see `LocatedFileError`); messages start `Invalid registry file`. */
export class RegistryFileError extends LocatedFileError {
  override readonly name = 'RegistryFileError'

  /** @throws TypeError when `problems` is empty (a programming error). */
  constructor(path: string, problems: readonly PolicyFileProblem[]) {
    super('registry', path, problems)
  }
}

// ---------------------------------------------------------------------------------------------
// Environment names

/** An environment name once lower-cased (the policy file's name rule, SPEC §6). */
const ENVIRONMENT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/

// ---------------------------------------------------------------------------------------------
// The row schema

function textColumn(description: string) {
  return z.string().max(MAX_CELL_CHARS).nullable().optional().describe(description)
}

/**
 * One registry row as written in JSON/YAML (and, cell by cell, in CSV), SPEC §7. Other keys are
 * allowed and ignored. Values are validated after trimming; an empty value is absent.
 */
export const RegistryRowSchema = z
  .looseObject({
    server_id: z
      .string()
      .min(1)
      .max(MAX_CELL_CHARS)
      .describe(
        'The server: a purl (pkg:npm/%40scope/name@1.2.3), npm:pkg@1.2.3, pypi:pkg==1.2.3, an OCI reference (ghcr.io/org/image:tag or @sha256:…), a GitHub URL or a remote server URL. Without a version the row covers every version.'
      ),
    display_name: textColumn('A human-readable name.'),
    current_grade: GradeLetterSchema.nullable()
      .optional()
      .describe('Letter grade (A–F) from the most recent audit; the registry grader uses it.'),
    audit_url: HttpUrlSchema.nullable()
      .optional()
      .describe('Link (http or https) to the audit report; no user name or password in it.'),
    audit_date: z.iso
      .date({ error: 'expected a real date written YYYY-MM-DD (e.g. 2026-03-31)' })
      .nullable()
      .optional()
      .describe('Date of the most recent audit, YYYY-MM-DD (UTC); its age is checked.'),
    environments_approved: z
      .union([z.string().max(MAX_CELL_CHARS), z.array(z.string().min(1).max(64)).max(100)], {
        error: 'expected environment names: a list, or one text with the names separated by ";"'
      })
      .nullable()
      .optional()
      .describe(
        'Environments the server is approved for: a list, or one text separated by ";" (prod, staging, dev, ci or custom names; prod/stage/dev mean production/staging/development).'
      ),
    data_access_summary: textColumn('One sentence: what systems the server reads or writes.'),
    data_classification: z
      .enum(DATA_CLASSES)
      .nullable()
      .optional()
      .describe(
        'Most sensitive data the server can reach: phi, personal, internal or public (SPEC §6 tightens the environment by it).'
      ),
    exception_id: textColumn('Id of the exception that covers the server, if any.'),
    owner_team: textColumn('Team responsible for monitoring the server.')
  })
  .describe('One approved MCP server (SPEC §7).')

const RegistryRowsSchema = z.array(RegistryRowSchema).max(MAX_REGISTRY_ROWS)

/** The JSON/YAML registry file: a list of rows, or `{"servers": [rows]}` (SPEC §7). */
export const RegistryDocumentSchema = z
  .union([
    RegistryRowsSchema,
    z.strictObject({
      $schema: z.string().max(2000).optional().describe('JSON Schema URL, for editors.'),
      servers: RegistryRowsSchema.describe('The approved servers, one row each.')
    })
  ])
  .describe(
    'mcp-grade-gate registry of approved MCP servers (SPEC §7): one row per server and version.'
  )

/**
 * The JSON Schema (draft 2020-12) of the JSON/YAML registry file, with `$id`, `title` and a
 * description of every column, for editors (`"$schema"`) and the published `schemas/` folder.
 * What it cannot express is checked when the gate loads the file: that `server_id` names a
 * server, environment names, no credentials in `audit_url`, one row per server and version. The
 * gate is more lenient than the schema in one way: it trims values, reads an empty value as
 * absent and letter case in `current_grade` and `data_classification` as insignificant.
 */
export function registryJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(RegistryDocumentSchema, { target: 'draft-2020-12', io: 'input' })
  return {
    $schema: schema.$schema,
    $id: REGISTRY_SCHEMA_ID,
    title: 'mcp-grade-gate registry',
    ...schema
  }
}

// ---------------------------------------------------------------------------------------------
// Finding and loading

/**
 * The registry file in `cwd` (one of `REGISTRY_FILE_NAMES`), or null when there is none.
 * @returns the path relative to the process's working directory with `/` separators when the
 *   file is inside it (`.github/mcp-registry.csv` when `cwd` is that directory, as in the CLI
 *   and the action), else absolute: a path that opens the file and that reports can show.
 *   (Relative to `cwd` itself only when `cwd` is where the process runs: a path relative to
 *   another directory would not open.)
 * @throws RegistryFileError when more than one exists (they are not merged; which one applies
 *   would be a guess).
 */
export async function findRegistryFile(cwd: string): Promise<string | null> {
  const found: string[] = []
  for (const name of REGISTRY_FILE_NAMES) {
    const path = resolve(cwd, name)
    try {
      if ((await stat(path)).isFile()) found.push(shownPath(path))
    } catch {
      // absent (or unreadable, which loading it would report): not a candidate
    }
  }
  if (found.length > 1) {
    throw new RegistryFileError(found[1] ?? '', [
      {
        line: 1,
        column: 1,
        at: '',
        message: `more than one registry file: ${found.join(', ')}. Keep one (they are not merged)`
      }
    ])
  }
  return found[0] ?? null
}

/**
 * The text of a registry file, read with the same limits as `loadRegistryFile`.
 * @throws RegistryFileError (at 1:1) when the file is missing, not a file, unreadable, or
 *   larger than `MAX_REGISTRY_FILE_BYTES`.
 */
export async function readRegistryFileText(path: string): Promise<string> {
  try {
    const info = await stat(path)
    if (!info.isFile()) readProblem(path, 'it is not a file. Give the path of a registry file')
    if (info.size > MAX_REGISTRY_FILE_BYTES) {
      readProblem(
        path,
        `it is ${info.size} bytes, more than the ${MAX_REGISTRY_FILE_BYTES} a registry file may have. Check the path, or split the registry`
      )
    }
    return await readFile(path, 'utf8')
  } catch (error) {
    if (error instanceof RegistryFileError) throw error
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'it does not exist' : `it cannot be read (${code ?? 'error'})`
    return readProblem(path, `${why}. Check the registry path`)
  }
}

/** `absolute` relative to the process's working directory when inside it, else as is. */
function shownPath(absolute: string): string {
  const path = relative(process.cwd(), absolute)
  if (path === '' || path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path)) {
    return absolute
  }
  return path.split(sep).join('/')
}

function readProblem(path: string, message: string): never {
  throw new RegistryFileError(path, [
    { line: 1, column: 1, at: '', message: `cannot use the registry file: ${message}` }
  ])
}

/**
 * Read, parse and validate a registry file (format from the extension, see `parseRegistryText`).
 * @throws RegistryFileError for a file that cannot be read (see `readRegistryFileText`), a
 *   syntax error, or bad rows — every problem located.
 */
export async function loadRegistryFile(path: string): Promise<RegistryFile> {
  return parseRegistryText(await readRegistryFileText(path), path)
}

/**
 * Parse and validate registry text (what `loadRegistryFile` does after reading). The format
 * comes from the extension of `path`: `.csv`; `.json`/`.jsonc` (comments and trailing commas
 * allowed); `.yml`/`.yaml`. Another extension is JSON when the text starts with `[` or `{`, CSV
 * when its first line names `server_id` and holds no `:`, else YAML. An empty file (or only
 * comments, or a CSV header only) is a registry without rows.
 * @param path used for the format and in messages and `RecordSource.file`.
 * @throws RegistryFileError listing every problem (syntax, or each bad row and field, or
 *   duplicate rows), each at file:line (and column for JSON/YAML).
 */
export function parseRegistryText(text: string, path: string): RegistryFile {
  return readRegistryDocument(text, path).file
}

// ---------------------------------------------------------------------------------------------
// Documents: the file plus where each row is (for `registry-write.ts`)

/** One CSV record: its cells and where its text is (character offsets into the BOM-less text). */
export interface CsvRecord {
  cells: string[]
  /** 1-based line of the record's first character. */
  line: number
  /** Offset of the record's first character. */
  start: number
  /** Offset just past its last character, before the line break. */
  end: number
}

/** How a CSV registry is laid out. */
export interface CsvLayout {
  delimiter: ',' | ';' | '\t'
  header: CsvRecord
  /** For each header cell, the SPEC §7 column it names, or null for another column. */
  columns: (RegistryColumn | null)[]
  /** Every non-blank record after the header, in file order (one per entry). */
  records: CsvRecord[]
}

/** Where one row is: a CSV record, or the path of a JSON/YAML row (`[3]`, `['servers', 3]`). */
export type RegistryRowPlace =
  { kind: 'csv'; record: CsvRecord } | { kind: 'tree'; path: PathSegment[] }

/** A parsed registry with the place of every row, for editing it in place. */
export interface RegistryDocument {
  file: RegistryFile
  /** The text the places refer to: the input without a byte order mark. */
  text: string
  /** True when the input started with a UTF-8 byte order mark. */
  bom: boolean
  /** `places[i]` is where `file.entries[i]` is written. */
  places: RegistryRowPlace[]
  /** The CSV layout; null for JSON/YAML. */
  csv: CsvLayout | null
}

/**
 * Parse and validate registry text like `parseRegistryText`, keeping where every row is.
 * @throws RegistryFileError (see `parseRegistryText`).
 */
export function readRegistryDocument(input: string, path: string): RegistryDocument {
  const bom = input.charCodeAt(0) === 0xfeff
  const text = bom ? input.slice(1) : input
  const format = registryFormat(path, text)
  const rows = format === 'csv' ? readCsvRows(text, path) : readTreeRows(text, path, format)
  const entries: RegistryEntry[] = []
  const places: RegistryRowPlace[] = []
  const problems: PolicyFileProblem[] = []
  const keyed: { key: ServerKey | null; row: RawRow }[] = []
  const misspelt = memoized(misspeltColumn) // at most MAX_REGISTRY_COLUMNS names
  for (const row of rows.rows) {
    const checked = checkRow(row.value, row.fromCsv, misspelt)
    keyed.push({ key: checked.key, row })
    if (checked.entry === null) {
      problems.push(...checked.problems.map((p) => row.locate(p)))
      continue
    }
    entries.push({ ...checked.entry, source: { file: path, line: row.line } })
    places.push(row.place)
  }
  problems.push(...duplicateProblems(keyed))
  if (problems.length > 0) {
    throw new RegistryFileError(
      path,
      problems.sort((a, b) => a.line - b.line || a.column - b.column)
    )
  }
  return { file: { path, format, entries }, text, bom, places, csv: rows.csv }
}

function registryFormat(path: string, text: string): RegistryFile['format'] {
  const ext = extname(path).toLowerCase()
  if (ext === '.csv') return 'csv'
  if (ext === '.json' || ext === '.jsonc') return 'json'
  if (ext === '.yml' || ext === '.yaml') return 'yaml'
  const start = text.trimStart()
  if (start.startsWith('[') || start.startsWith('{')) return 'json'
  const firstLine = start.split(/\r\n|\n|\r/, 1)[0] ?? ''
  return /server[ _-]?id/i.test(firstLine) && !firstLine.includes(':') ? 'csv' : 'yaml'
}

/** A row before validation: its values by column, where it is, and how to locate a problem. */
interface RawRow {
  value: unknown
  fromCsv: boolean
  line: number
  place: RegistryRowPlace
  /** Where a problem (path relative to the row) is, with `at` filled in. */
  locate(problem: IssueProblem): PolicyFileProblem
}

interface RawRows {
  rows: RawRow[]
  csv: CsvLayout | null
}

// ---------------------------------------------------------------------------------------------
// CSV

/** What a CSV header cell names: `Server ID`, `server-id`, `serverId` → `server_id`. */
function columnOf(header: string): RegistryColumn | null {
  const folded = foldName(header)
  return REGISTRY_COLUMN_NAMES.find((c) => foldName(c) === folded) ?? null
}

function foldName(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '')
}

/** Other names people give the SPEC §7 columns (compared ignoring case, `-`, `_`, spaces). */
const COLUMN_ALIASES: Readonly<Record<string, RegistryColumn>> = Object.freeze({
  grade: 'current_grade',
  environments: 'environments_approved',
  owner: 'owner_team',
  team: 'owner_team',
  classification: 'data_classification'
})

/**
 * The column `name` probably means (`closestName`: a typo, a unique prefix such as `owner` or
 * `environments`, or an alias such as `grade`), or null for a column of its own (`notes`,
 * `ticket`). Such a name is an error rather than an ignored column: the value would be lost.
 */
function misspeltColumn(name: string): RegistryColumn | null {
  return closestName(name, REGISTRY_COLUMN_NAMES, COLUMN_ALIASES) as RegistryColumn | null
}

/** `find` remembering its answers (rows repeat the same keys; `closestName` is not cheap). */
function memoized<T>(find: (name: string) => T): (name: string) => T {
  const answers = new Map<string, T>()
  return (name) => {
    if (answers.has(name)) return answers.get(name)!
    const answer = find(name)
    answers.set(name, answer)
    return answer
  }
}

/** A name from the file as messages quote it: JSON-quoted, on one line, clipped. */
function quotedName(name: string): string {
  return JSON.stringify(clip(name, SHOWN_NAME_CHARS))
}

/** `"a", "b", "c" and 7 more`: at most `LISTED_NAMES` names, each clipped. */
function nameList(names: readonly string[]): string {
  const shown = names.slice(0, LISTED_NAMES).map(quotedName).join(', ')
  const more = names.length - LISTED_NAMES
  return more > 0 ? `${shown} and ${more} more` : shown
}

/** The delimiter a CSV uses, from its first non-blank line: `,`, else `;`, else tab. */
function csvDelimiter(text: string): CsvLayout['delimiter'] {
  const first = text.split(/\r\n|\n|\r/).find((l) => l.trim() !== '') ?? ''
  if (first.includes(',')) return ','
  if (first.includes(';')) return ';'
  if (first.includes('\t')) return '\t'
  return ','
}

/** Messages for csv-parse errors (codes from csv-parse 6). */
const CSV_ERRORS: Readonly<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED:
    'a quoted cell is never closed. Add the closing `"` (a `"` inside a quoted cell is written `""`)',
  CSV_INVALID_CLOSING_QUOTE:
    'text follows the closing `"` of a quoted cell. Quote the whole cell and write each `"` inside it as `""`',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE:
    'text follows the closing `"` of a quoted cell. Quote the whole cell and write each `"` inside it as `""`',
  INVALID_OPENING_QUOTE:
    'a `"` opens a quoted cell in the middle of a cell. Quote the whole cell and write each `"` inside it as `""`'
}

/** One record of csv-parse's `info: true` output. */
interface CsvParsedRecord {
  record: string[]
  info: Info
}

/** Thrown from csv-parse's `on_record` to stop at a record with too many cells. */
class TooManyCells extends Error {}

function readCsvRows(text: string, path: string): RawRows {
  const lines = new LineIndex(text)
  const delimiter = csvDelimiter(text)
  const bytes = Buffer.from(text, 'utf8')
  /** Character offset of a byte offset (at a record boundary, never inside a character). */
  let byteCursor = 0
  let charCursor = 0
  const charAt = (byte: number): number => {
    charCursor += bytes.subarray(byteCursor, byte).toString('utf8').length
    byteCursor = byte
    return charCursor
  }
  let parsed: CsvParsedRecord[]
  let parsedBytes = 0 // end of the last record csv-parse read, for locating a syntax error
  try {
    // csv-parse's typings say string[][]; with `info: true` it returns {record, info} objects.
    parsed = parseCsv(text, {
      delimiter,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      on_record: (record: string[], context: Info) => {
        // With `info: true` csv-parse hands `on_record` the {record, info} pair (typed string[]).
        const cells = Array.isArray(record) ? record : (record as CsvParsedRecord).record
        if (cells.length > MAX_REGISTRY_COLUMNS) throw new TooManyCells()
        parsedBytes = context.bytes
        return record
      }
    }) as unknown as CsvParsedRecord[]
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const offset = bytes.subarray(0, parsedBytes).toString('utf8').length
    const start = offset + (/^(?:[ \t]*(?:\r\n|\n|\r))*/.exec(text.slice(offset))?.[0].length ?? 0)
    const message =
      error instanceof TooManyCells
        ? `a row has more than ${MAX_REGISTRY_COLUMNS} columns (cells). A registry has the ${REGISTRY_COLUMN_NAMES.length} columns of SPEC §7 and a few of its own; check the delimiter and the file`
        : ((typeof code === 'string' ? CSV_ERRORS[code] : undefined) ??
          `CSV syntax error${typeof code === 'string' ? ` (${code})` : ''}. Fix the row`)
    throw new RegistryFileError(path, [
      { ...lines.locate(start), column: 1, at: '', message: `CSV: ${message}` }
    ])
  }

  const records: CsvRecord[] = []
  let previousEnd = 0
  for (const { record, info } of parsed) {
    const start = previousEnd
    const segmentEnd = charAt(info.bytes)
    const segment = text.slice(start, segmentEnd)
    const lineBreak = /(?:\r\n|\n|\r)$/.exec(segment)?.[0].length ?? 0
    previousEnd = segmentEnd
    if (record.every((cell) => cell.trim() === '')) continue // a blank line or `,,,`
    records.push({
      cells: record,
      line: lines.locate(start).line,
      start,
      end: segmentEnd - lineBreak
    })
  }

  const header = records.shift()
  if (header === undefined) return { rows: [], csv: null }
  const columns = header.cells.map((cell) => columnOf(cell.trim()))
  const headerProblems = csvHeaderProblems(header, columns, memoized(misspeltColumn))
  if (headerProblems.length > 0) throw new RegistryFileError(path, headerProblems)
  if (records.length > MAX_REGISTRY_ROWS) {
    const extra = records[MAX_REGISTRY_ROWS]!
    throw new RegistryFileError(path, [
      {
        line: extra.line,
        column: 1,
        at: '',
        message: `more than ${MAX_REGISTRY_ROWS} rows. Split the registry or check the file`
      }
    ])
  }
  const layout: CsvLayout = { delimiter, header, columns, records }
  const headerNames = header.cells.map((c) => clip(c, SHOWN_NAME_CHARS))
  const rows = records.map((record): RawRow => {
    const value = newRecord<unknown>()
    columns.forEach((column, i) => {
      if (column !== null) setOwn(value, column, unguarded(record.cells[i] ?? ''))
    })
    return {
      value,
      fromCsv: true,
      line: record.line,
      place: { kind: 'csv', record },
      locate: (problem) => {
        const field = problem.path[0]
        const index = typeof field === 'string' ? columns.indexOf(field as RegistryColumn) : -1
        return {
          line: record.line,
          column: 1,
          at: index >= 0 ? (headerNames[index] ?? '') : '',
          message: problem.message
        }
      }
    }
  })
  // A record whose cell count differs from the header's: a value would land in the wrong column.
  const countProblems = records.flatMap((record): PolicyFileProblem[] =>
    record.cells.length === header.cells.length
      ? []
      : [
          {
            line: record.line,
            column: 1,
            at: '',
            message: `this row has ${record.cells.length} cells, the header has ${header.cells.length}. Make them agree (quote a cell that holds "${delimiter === '\t' ? '\\t' : delimiter}")`
          }
        ]
  )
  if (countProblems.length > 0) throw new RegistryFileError(path, countProblems)
  return { rows, csv: layout }
}

/**
 * A cell without the `'` that guards a leading `=`, `+`, `-` or `@` against spreadsheet formula
 * injection (OWASP "CSV Injection"; the inventory CSV writes it, `report/inventory.ts`).
 */
function unguarded(cell: string): string {
  return /^\s*'[=+\-@\t\r]/.test(cell) ? cell.replace("'", '') : cell
}

function csvHeaderProblems(
  header: CsvRecord,
  columns: readonly (RegistryColumn | null)[],
  misspelt: (name: string) => RegistryColumn | null
): PolicyFileProblem[] {
  const at = (message: string): PolicyFileProblem => ({
    line: header.line,
    column: 1,
    at: 'header',
    message
  })
  const problems: PolicyFileProblem[] = []
  const seen = new Map<string, string>()
  header.cells.forEach((cell, i) => {
    const name = cell.trim()
    const column = columns[i]
    if (column === null || column === undefined) {
      const meant = name === '' ? null : misspelt(name)
      if (meant !== null) {
        problems.push(
          at(
            `column ${quotedName(name)} is not a registry column (did you mean ${JSON.stringify(meant)}?). Rename it`
          )
        )
      }
      return
    }
    const first = seen.get(column)
    if (first !== undefined) {
      problems.push(
        at(`columns ${quotedName(first)} and ${quotedName(name)} both name ${column}. Keep one`)
      )
    }
    seen.set(column, name)
  })
  if (!seen.has('server_id')) {
    problems.push(
      at(
        `the header row has no server_id column (it has ${nameList(header.cells.map((c) => c.trim()))}). The first row must name the columns, server_id among them`
      )
    )
  }
  return problems
}

// ---------------------------------------------------------------------------------------------
// JSON / YAML

function readTreeRows(text: string, path: string, format: 'json' | 'yaml'): RawRows {
  if (isBlank(text, format)) return { rows: [], csv: null }
  const fail = (problems: PolicyFileProblem[]): never => {
    throw new RegistryFileError(path, problems)
  }
  // Checked here first so the message says "registry file" (the parsers check it again).
  const lines = new LineIndex(text)
  const tooDeep =
    format === 'json'
      ? jsonNestingProblem(text, lines, 'registry')
      : yamlNestingProblem(text, lines, 'registry')
  if (tooDeep !== null) fail([{ ...tooDeep, at: '' }])
  const doc = format === 'json' ? parseJsonDocument(text) : parseYamlDocument(text)
  if (doc.problems.length > 0) {
    fail(doc.problems.map((p) => ({ line: p.line, column: p.column, at: '', message: p.message })))
  }
  const value = doc.value
  const locate = (p: IssueProblem): PolicyFileProblem => ({
    ...doc.locate(p.path, p.part),
    at: clip(dottedPath(p.path), SHOWN_PATH_CHARS),
    message: p.message
  })
  let base: PathSegment[]
  let list: unknown
  if (Array.isArray(value)) {
    base = []
    list = value
  } else if (isPlainObject(value)) {
    const unknown = Object.keys(value).filter((k) => k !== 'servers' && k !== '$schema')
    if (unknown.length > 0) {
      // Each located (a scan of the object), so only the first few: hostile files have 10⁵.
      const more = unknown.length - LISTED_NAMES
      fail(
        unknown.slice(0, LISTED_NAMES).map((key, i) =>
          locate({
            path: [key],
            part: 'key',
            message: `unknown key ${quotedName(key)}${key.toLowerCase() === 'servers' ? ' (did you mean "servers"?)' : ''}${i === LISTED_NAMES - 1 && more > 0 ? ` (and ${more} more unknown keys)` : ''}. A registry object holds "servers" (the rows) and optionally "$schema"`
          })
        )
      )
    }
    if (!Object.hasOwn(value, 'servers')) {
      fail([
        locate({
          path: [],
          part: 'value',
          message:
            'expected a list of rows or an object with "servers" (the list of rows). Add "servers"'
        })
      ])
    }
    base = ['servers']
    list = value.servers
    if (!Array.isArray(list)) {
      fail([
        locate({
          path: base,
          part: 'value',
          message: `"servers" must be a list of rows, got ${describeValue(list)}. Make it a list`
        })
      ])
    }
  } else {
    return fail([
      locate({
        path: [],
        part: 'value',
        message: `expected a list of rows or an object with "servers", got ${describeValue(value)}`
      })
    ])
  }
  const rows = list as unknown[]
  if (rows.length > MAX_REGISTRY_ROWS) {
    fail([
      locate({
        path: [...base, MAX_REGISTRY_ROWS],
        part: 'value',
        message: `more than ${MAX_REGISTRY_ROWS} rows. Split the registry or check the file`
      })
    ])
  }
  const tooWide = firstKeyTooMany(rows)
  if (tooWide !== null) {
    fail([
      locate({
        path: [...base, tooWide.row, tooWide.key],
        part: 'key',
        message: `the rows have more than ${MAX_REGISTRY_COLUMNS} different keys. A registry row has the ${REGISTRY_COLUMN_NAMES.length} columns of SPEC §7 and a few of its own; check the file`
      })
    ])
  }
  return {
    rows: rows.map((row, i): RawRow => {
      const path = [...base, i]
      const at = (p: IssueProblem): PolicyFileProblem =>
        locate({ ...p, path: [...path, ...p.path] })
      return {
        value: row,
        fromCsv: false,
        line: doc.locate(path, 'value').line,
        place: { kind: 'tree', path },
        locate: at
      }
    }),
    csv: null
  }
}

/**
 * Where the rows first use more than `MAX_REGISTRY_COLUMNS` different keys (the row index and
 * the key), or null when they do not.
 */
function firstKeyTooMany(rows: readonly unknown[]): { row: number; key: string } | null {
  const keys = new Set<string>()
  for (let row = 0; row < rows.length; row++) {
    const value = rows[row]
    if (!isPlainObject(value)) continue
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue
      keys.add(key)
      if (keys.size > MAX_REGISTRY_COLUMNS) return { row, key }
    }
  }
  return null
}

/** True for a text with nothing but whitespace and comments. */
function isBlank(text: string, format: 'json' | 'yaml'): boolean {
  if (format === 'json') return stripComments(text).trim() === ''
  return text
    .split(/\r\n|\n|\r/)
    .every((line) => line.trim() === '' || line.trimStart().startsWith('#'))
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// ---------------------------------------------------------------------------------------------
// Rows

const TEXT_COLUMNS: readonly RegistryColumn[] = [
  'display_name',
  'data_access_summary',
  'exception_id',
  'owner_team'
]

/** A row's values trimmed, empty ones absent, letters in the canonical case. */
function prepareRow(raw: Record<string, unknown>): {
  row: Record<string, unknown>
  environmentsFromText: boolean
} {
  const row = newRecord<unknown>()
  for (const key of Object.keys(raw)) setOwn(row, key, raw[key])
  let environmentsFromText = false
  for (const column of REGISTRY_COLUMN_NAMES) {
    if (!Object.hasOwn(row, column)) continue
    let value = row[column]
    if (typeof value === 'string') value = value.trim() === '' ? null : value.trim()
    if (typeof value === 'number' && Number.isFinite(value) && TEXT_COLUMNS.includes(column)) {
      value = String(value)
    }
    if (typeof value === 'string') {
      const text = value
      if (column === 'current_grade') value = text.toUpperCase()
      else if (column === 'data_classification') value = text.toLowerCase()
      else if (column === 'environments_approved') {
        environmentsFromText = true
        value = text.split(/[;,]/)
      }
    }
    if (column === 'environments_approved' && Array.isArray(value)) {
      const names = value
        .map((v: unknown) => (typeof v === 'string' ? v.trim() : v))
        .filter((v: unknown) => v !== '')
      value = names.length === 0 ? null : names
    }
    setOwn(row, column, value)
  }
  return { row, environmentsFromText }
}

interface CheckedRow {
  /** The server the row names, when `server_id` can be read (even if another field is bad). */
  key: ServerKey | null
  /** The entry, when the row has no problem. */
  entry: Omit<RegistryEntry, 'source'> | null
  problems: IssueProblem[]
}

/**
 * Validate one row. Problems carry paths relative to the row (`['audit_date']`).
 * @param fromCsv whether misnamed keys were already checked (CSV checks its header once).
 * @param misspelt `misspeltColumn`, remembered over the rows of one file.
 */
function checkRow(
  raw: unknown,
  fromCsv: boolean,
  misspelt: (name: string) => RegistryColumn | null
): CheckedRow {
  if (!isPlainObject(raw)) {
    const message = `a row must be an object with at least "server_id", got ${describeValue(raw)}`
    return { key: null, entry: null, problems: [{ path: [], part: 'value', message }] }
  }
  const problems: IssueProblem[] = fromCsv ? [] : misnamedKeyProblems(raw, misspelt)
  const { row, environmentsFromText } = prepareRow(raw)
  problems.push(...credentialProblems(row))
  const serverId = typeof row.server_id === 'string' ? serverKeyOf(row.server_id) : null
  if (serverId !== null) problems.push(...serverId.problems)
  const key = serverId?.key ?? null
  const result = RegistryRowSchema.safeParse(row, { reportInput: true })
  if (!result.success) {
    problems.push(...result.error.issues.map(rowIssueProblem))
    return { key, entry: null, problems }
  }
  const data = result.data
  const names = Array.isArray(data.environments_approved) ? data.environments_approved : []
  const environments = environmentsOf(names, environmentsFromText, problems)
  if (problems.length > 0 || key === null) return { key, entry: null, problems }
  return {
    key,
    entry: {
      serverId: data.server_id,
      key,
      displayName: data.display_name ?? null,
      currentGrade: data.current_grade ?? null,
      auditUrl: data.audit_url ?? null,
      auditDate: data.audit_date ?? null,
      environmentsApproved: environments,
      dataAccessSummary: data.data_access_summary ?? null,
      dataClassification: data.data_classification ?? null,
      exceptionId: data.exception_id ?? null,
      ownerTeam: data.owner_team ?? null
    },
    problems
  }
}

/** Keys of a JSON/YAML row that look like misspelt column names (other keys are kept). */
function misnamedKeyProblems(
  raw: Record<string, unknown>,
  misspelt: (name: string) => RegistryColumn | null
): IssueProblem[] {
  return Object.keys(raw).flatMap((key): IssueProblem[] => {
    if ((REGISTRY_COLUMN_NAMES as readonly string[]).includes(key)) return []
    const meant = misspelt(key)
    return meant === null
      ? []
      : [
          {
            path: [key],
            part: 'key',
            message: `unknown key ${quotedName(key)} (did you mean ${JSON.stringify(meant)}?). Rename it`
          }
        ]
  })
}

/**
 * Query and fragment parameter names that carry credentials (compared lower-cased, without
 * `-`, `_` and `.`): OAuth 2.0 (RFC 6749/6750 `access_token`, `client_secret`), API keys,
 * passwords, sessions, and presigned-link signatures (AWS SigV4 `X-Amz-Signature`/`-Credential`/
 * `-Security-Token`, Google `X-Goog-Signature`, Azure SAS `sig`).
 */
const CREDENTIAL_PARAMETER =
  /^(?:auth|authorization|sig|pass|jwt|bearer)$|key$|token|secret|passw|pwd|apikey|accesskey|signature|credential|sessionid|sessid/

/** The first query or fragment parameter of `url` whose name says it is a credential. */
function credentialParameter(url: URL): string | null {
  const fragment = url.hash.startsWith('#') ? url.hash.slice(1) : url.hash
  for (const params of [url.searchParams, new URLSearchParams(fragment)]) {
    for (const name of params.keys()) {
      if (CREDENTIAL_PARAMETER.test(name.toLowerCase().replace(/[-_.\s]/g, ''))) return name
    }
  }
  return null
}

/**
 * Why `url` cannot be recorded as a registry `audit_url` (or in a `server_id`), which reports
 * show: it holds a user name or password, or a query or fragment parameter whose name says it
 * is a credential (`?token=`, `?api_key=`, `?X-Amz-Signature=`, `#access_token=`; see
 * `CREDENTIAL_PARAMETER`). Null when it holds neither, and for text that is not a URL (the
 * schema says what is wrong with it). The reason names the parameter, never its value. Used
 * by the loader and by the writer (`registry-write.ts`) alike.
 */
export function auditLinkProblem(url: string): string | null {
  if (stripUserInfo(url) !== url) return 'holds a user name or password'
  let parsed: URL
  try {
    parsed = new URL(url.trim())
  } catch {
    return null
  }
  const name = credentialParameter(parsed)
  return name === null
    ? null
    : `holds the parameter ${quotedName(name)}, which looks like a credential (a token, key, password or signature)`
}

/**
 * Credentials in `audit_url` or `server_id` (`auditLinkProblem`): both are shown in reports, so
 * such a row is refused (and the value blanked, so no later message echoes it).
 */
function credentialProblems(row: Record<string, unknown>): IssueProblem[] {
  const problems: IssueProblem[] = []
  for (const column of ['audit_url', 'server_id'] as const) {
    const value = row[column]
    if (typeof value !== 'string') continue
    const why = auditLinkProblem(value)
    if (why === null) continue
    const what = column === 'audit_url' ? 'link' : 'server id'
    const fix = why.startsWith('holds the parameter')
      ? 'Write it without that parameter (a link that needs a secret to open is itself a secret)'
      : 'Write it without them'
    problems.push({
      path: [column],
      part: 'value',
      message: `the ${what} ${why}, which reports would show. ${fix}`
    })
    // Later checks (the schema, reading the server id) see it without them, so never echo them.
    setOwn(row, column, withoutCredentials(value))
  }
  return problems
}

/** `value` without user info, query and fragment. */
function withoutCredentials(value: string): string {
  return stripUserInfo(value).replace(/[?#][\s\S]*$/, '')
}

/** The key of a `server_id` (`readServerId`), with the problems of reading it. */
function serverKeyOf(text: string): { key: ServerKey | null; problems: IssueProblem[] } {
  if (text.length > MAX_CELL_CHARS) return { key: null, problems: [] } // the schema says so
  const reading = readServerId(text)
  const at = (message: string): IssueProblem[] => [{ path: ['server_id'], part: 'value', message }]
  if (reading.key === null) {
    return {
      key: null,
      problems: at(`cannot tell which server ${shownId(text)} names: ${reading.problem}`)
    }
  }
  if (reading.unpinnedSpec !== null) {
    return {
      key: reading.key,
      problems: at(
        `${describeValue(reading.unpinnedSpec)} is a range or tag, not a version: a row approves one exact version, or every version when it names none. Write ${formatServerKey({ ...reading.key, version: '1.2.3' })} with the audited version, or ${formatServerKey(reading.key)}`
      )
    }
  }
  return { key: reading.key, problems: [] }
}

/** A zod issue of a row as a problem, with clearer words for grades and data classes. */
function rowIssueProblem(issue: z.core.$ZodIssue): IssueProblem {
  const problem = issueProblem(safeIssue(issue))
  if (issue.code !== 'invalid_value') return problem
  const got = describeValue(issue.input)
  if (issue.path[0] === 'current_grade') {
    problem.message = `expected a letter grade: A, B, C, D or F (no E, no + or -), got ${got}. Change the value`
  } else if (issue.path[0] === 'data_classification' && issue.input === 'pii') {
    problem.message = `expected one of "phi", "personal", "internal", "public", got "pii": personal data (PII) is "personal", health data (PHI) is "phi". Change the value`
  }
  return problem
}

/**
 * Environment names normalised (`normalizeEnvironmentName`), duplicates dropped; a name that is
 * not one (`prod staging`: two names without `;`) is a problem.
 */
function environmentsOf(
  names: readonly string[],
  fromText: boolean,
  problems: IssueProblem[]
): string[] {
  const environments: string[] = []
  names.forEach((name, i) => {
    const normalised = normalizeEnvironmentName(name)
    if (!ENVIRONMENT_NAME.test(normalised)) {
      problems.push({
        path: fromText ? ['environments_approved'] : ['environments_approved', i],
        part: 'value',
        message: `${describeValue(name)} is not an environment name (letters, digits, ".", "_", "-"). Separate names with ";"`
      })
    } else if (!environments.includes(normalised)) {
      environments.push(normalised)
    }
  })
  return environments
}

/** A zod issue whose echoed input cannot show a URL's credentials or query. */
function safeIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  const input: unknown = issue.input
  if (typeof input !== 'string') return issue
  const shown = shownText(input)
  return shown === input ? issue : ({ ...issue, input: shown } as z.core.$ZodIssue)
}

/** A text to echo in a message: a URL without user info, query or token-like segments. */
function shownText(text: string): string {
  if (!/^[a-z][\w+.-]*:\/\//i.test(text)) return text
  return sanitizeUrl(stripUserInfo(text), { markQuery: true }) ?? stripUserInfo(text)
}

function shownId(serverId: string): string {
  return describeValue(shownText(serverId))
}

/** A row with the key of its `server_id`, in file order. */
interface KeyedRow {
  key: ServerKey
  row: RawRow
}

/**
 * Rows naming the same server and version as an earlier row, whatever their spellings: equal
 * ids and `sameVersion(…) === true` (so `pypi:foo==1.0` = `pypi:foo==1.0.0`, an abbreviated
 * commit = the full one), or two rows without a version. Each is a problem at the later row,
 * naming the earliest. O(n log n): versions are sorted by their ecosystem's order (semver,
 * PEP 440), where equal versions are neighbours, so a hostile file of 10 000 rows of one
 * server stays fast.
 */
function duplicateProblems(
  rows: readonly { key: ServerKey | null; row: RawRow }[]
): PolicyFileProblem[] {
  const groups = new Map<string, KeyedRow[]>()
  for (const { key, row } of rows) {
    if (key === null) continue
    const group = groups.get(key.id)
    if (group === undefined) groups.set(key.id, [{ key, row }])
    else group.push({ key, row })
  }
  const found: { row: KeyedRow; first: KeyedRow }[] = []
  for (const group of groups.values()) {
    if (group.length > 1) found.push(...sameVersionRows(group))
  }
  return found.map(({ row, first }) => {
    const what =
      row.key.version === null ? `${row.key.id}, every version` : formatServerKey(row.key)
    return row.row.locate({
      path: ['server_id'],
      part: 'value',
      message: `the same server as the row at line ${first.row.line} (${clip(what)}). Keep one row per server and version`
    })
  })
}

/**
 * In rows of one server (file order), each row whose version equals an earlier one's
 * (`sameVersion` semantics), with the earliest such row.
 */
function sameVersionRows(group: readonly KeyedRow[]): { row: KeyedRow; first: KeyedRow }[] {
  const found: { row: KeyedRow; first: KeyedRow }[] = []
  const byKind = new Map<string, KeyedRow[]>()
  for (const row of group) {
    const kind = versionKind(row.key)
    const rows = byKind.get(kind)
    if (rows === undefined) byKind.set(kind, [row])
    else rows.push(row)
  }
  for (const [kind, rows] of byKind) {
    if (kind === 'npm' || kind === 'pypi') {
      // Stable sort: equal versions stay in file order, the earliest first.
      const compare = kind === 'npm' ? semver.compare : comparePep440
      const sorted = [...rows].sort((a, b) => compare(a.key.version!, b.key.version!))
      let first = sorted[0]!
      for (const row of sorted.slice(1)) {
        if (compare(first.key.version!, row.key.version!) === 0) found.push({ row, first })
        else first = row
      }
    } else if (kind === 'commit') {
      found.push(...samePrefixRows(rows))
    } else {
      const firsts = new Map<string, KeyedRow>()
      for (const row of rows) {
        const version = row.key.version ?? ''
        const exact = kind === 'digest' ? version.toLowerCase() : version
        const first = firsts.get(exact)
        if (first === undefined) firsts.set(exact, row)
        else found.push({ row, first })
      }
    }
  }
  return found
}

/**
 * How `sameVersion` compares a key's version: `npm` (valid semver), `pypi` (valid PEP 440),
 * `digest` (OCI, case-insensitive), `commit` (GitHub, by prefix), `none` (no version), else
 * `exact` (tags, branches, invalid versions: equal text). Versions of different kinds are
 * never the same.
 */
function versionKind(key: ServerKey): string {
  const version = key.version
  if (version === null) return 'none'
  if (key.kind === 'npm' && semver.valid(version) !== null) return 'npm'
  if (key.kind === 'pypi' && validPep440(version) !== null) return 'pypi'
  if (key.kind === 'oci' && version.includes(':')) return 'digest'
  if (key.kind === 'github' && COMMIT.test(version)) return 'commit'
  return 'exact'
}

/** A full or abbreviated git commit id (as `sameVersion` reads GitHub refs). */
const COMMIT = /^[0-9a-f]{7,40}$/i
const SHORTEST_COMMIT = 7

/**
 * Commits that name an earlier one (one is a prefix of the other, case-insensitive, as
 * `sameVersion` compares them): each commit's prefixes are remembered, so a row costs at most
 * 34 look-ups whatever the number of rows.
 */
function samePrefixRows(rows: readonly KeyedRow[]): { row: KeyedRow; first: KeyedRow }[] {
  const found: { row: KeyedRow; first: KeyedRow }[] = []
  const exact = new Map<string, KeyedRow>()
  const extended = new Map<string, KeyedRow>() // every prefix of an earlier commit
  for (const row of rows) {
    const commit = row.key.version!.toLowerCase()
    let first = extended.get(commit)
    for (let n = commit.length - 1; first === undefined && n >= SHORTEST_COMMIT; n--) {
      first = exact.get(commit.slice(0, n))
    }
    if (first !== undefined) found.push({ row, first })
    if (!exact.has(commit)) exact.set(commit, row)
    for (let n = SHORTEST_COMMIT; n <= commit.length; n++) {
      const prefix = commit.slice(0, n)
      if (!extended.has(prefix)) extended.set(prefix, row)
    }
  }
  return found
}

// ---------------------------------------------------------------------------------------------
// Looking a server up

/**
 * The registry row for a server, given its keys (`serverKeysOf(server)`, most specific first):
 * the rows naming the same server (`sameServer`: equal ids, whatever the versions) as the first
 * key that has any; among them, the first (in file order) whose version is the key's
 * (`sameVersion`: semver / PEP 440 equality, OCI digests and tags, git commits by prefix), else
 * the first without a version (it covers every version), else the first — whose version then
 * differs from the server's, or the server's is unknown: the registry checks report that as
 * `REGISTRY_VERSION_MISMATCH`. Null when no row names the server.
 */
export function findRegistryEntry(
  file: RegistryFile,
  keys: readonly ServerKey[]
): RegistryEntry | null {
  for (const key of keys) {
    const rows = file.entries.filter((e) => sameServer(e.key, key))
    if (rows.length === 0) continue
    return (
      rows.find((e) => sameVersion(e.key, key) === true) ??
      rows.find((e) => e.key.version === null) ??
      rows[0]!
    )
  }
  return null
}

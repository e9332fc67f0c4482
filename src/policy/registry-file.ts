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
 * same server and version (however spelt) is a `RegistryFileError` at the row's file:line (and
 * column for JSON/YAML): a row is never silently dropped. Values are trimmed; an empty cell is
 * absent; `current_grade` and `data_classification` are case-insensitive. A `server_id` with a
 * version range or tag (`npm:pkg@^1`) is refused: a row approves one exact version, or every
 * version when it names none. User names and passwords in `server_id` or `audit_url` are
 * refused (reports show both).
 */
import { parse as parseCsv, type Info } from 'csv-parse/sync'
import { stripComments } from 'jsonc-parser'
import { readFile, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
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
import { DATA_CLASSES, type RegistryEntry, type RegistryFile } from './records.js'
import { closestName } from './suggest.js'

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

/** Short names people write for the built-in environments (SPEC §6 names). */
const ENVIRONMENT_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  prod: 'production',
  production: 'production',
  stage: 'staging',
  staging: 'staging',
  dev: 'development',
  development: 'development',
  ci: 'ci'
})

/** An environment name once lower-cased (the policy file's name rule, SPEC §6). */
const ENVIRONMENT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/

/**
 * An environment name as the gate compares it: trimmed, lower-cased, with `prod` → `production`,
 * `stage` → `staging`, `dev` → `development` (the seed policy's spellings); other names are kept
 * lower-cased (`Sandbox` → `sandbox`). Compare policy environment names through it too.
 */
export function normalizeEnvironmentName(name: string): string {
  const lower = name.trim().toLowerCase()
  return Object.hasOwn(ENVIRONMENT_ALIASES, lower) ? ENVIRONMENT_ALIASES[lower]! : lower
}

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
 * @returns the path joined onto `cwd`.
 * @throws RegistryFileError when more than one exists (they are not merged; which one applies
 *   would be a guess).
 */
export async function findRegistryFile(cwd: string): Promise<string | null> {
  const found: string[] = []
  for (const name of REGISTRY_FILE_NAMES) {
    const path = join(cwd, name)
    try {
      if ((await stat(path)).isFile()) found.push(path)
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
  for (const row of rows.rows) {
    const checked = checkRow(row.value, row.fromCsv)
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
        parsedBytes = context.bytes
        return record
      }
    }) as unknown as CsvParsedRecord[]
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const offset = bytes.subarray(0, parsedBytes).toString('utf8').length
    const start = offset + (/^(?:[ \t]*(?:\r\n|\n|\r))*/.exec(text.slice(offset))?.[0].length ?? 0)
    const message =
      (typeof code === 'string' ? CSV_ERRORS[code] : undefined) ??
      `CSV syntax error${typeof code === 'string' ? ` (${code})` : ''}. Fix the row`
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
  const headerProblems = csvHeaderProblems(header, columns)
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
  const headerNames = header.cells.map((c) => c.trim())
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
  columns: readonly (RegistryColumn | null)[]
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
      const meant = name === '' ? null : misspeltColumn(name)
      if (meant !== null) {
        problems.push(
          at(
            `column ${JSON.stringify(name)} is not a registry column (did you mean ${JSON.stringify(meant)}?). Rename it`
          )
        )
      }
      return
    }
    const first = seen.get(column)
    if (first !== undefined) {
      problems.push(
        at(
          `columns ${JSON.stringify(first)} and ${JSON.stringify(name)} both name ${column}. Keep one`
        )
      )
    }
    seen.set(column, name)
  })
  if (!seen.has('server_id')) {
    problems.push(
      at(
        `the header row has no server_id column (it has ${header.cells.map((c) => JSON.stringify(c.trim())).join(', ')}). The first row must name the columns, server_id among them`
      )
    )
  }
  return problems
}

// ---------------------------------------------------------------------------------------------
// JSON / YAML

function readTreeRows(text: string, path: string, format: 'json' | 'yaml'): RawRows {
  if (isBlank(text, format)) return { rows: [], csv: null }
  const doc = format === 'json' ? parseJsonDocument(text) : parseYamlDocument(text)
  const fail = (problems: PolicyFileProblem[]): never => {
    throw new RegistryFileError(path, problems)
  }
  if (doc.problems.length > 0) {
    fail(doc.problems.map((p) => ({ line: p.line, column: p.column, at: '', message: p.message })))
  }
  const value = doc.value
  const locate = (p: IssueProblem): PolicyFileProblem => ({
    ...doc.locate(p.path, p.part),
    at: dottedPath(p.path),
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
      fail(
        unknown.map((key) =>
          locate({
            path: [key],
            part: 'key',
            message: `unknown key ${JSON.stringify(key)}${key.toLowerCase() === 'servers' ? ' (did you mean "servers"?)' : ''}. A registry object holds "servers" (the rows) and optionally "$schema"`
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
 */
function checkRow(raw: unknown, fromCsv: boolean): CheckedRow {
  if (!isPlainObject(raw)) {
    const message = `a row must be an object with at least "server_id", got ${describeValue(raw)}`
    return { key: null, entry: null, problems: [{ path: [], part: 'value', message }] }
  }
  const problems: IssueProblem[] = fromCsv ? [] : misnamedKeyProblems(raw)
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
function misnamedKeyProblems(raw: Record<string, unknown>): IssueProblem[] {
  return Object.keys(raw).flatMap((key): IssueProblem[] => {
    if ((REGISTRY_COLUMN_NAMES as readonly string[]).includes(key)) return []
    const meant = misspeltColumn(key)
    return meant === null
      ? []
      : [
          {
            path: [key],
            part: 'key',
            message: `unknown key ${JSON.stringify(key)} (did you mean ${JSON.stringify(meant)}?). Rename it`
          }
        ]
  })
}

/**
 * User names and passwords in `audit_url` or `server_id`: both are shown in reports, so such a
 * row is refused (and the value blanked, so no later message echoes it).
 */
function credentialProblems(row: Record<string, unknown>): IssueProblem[] {
  const problems: IssueProblem[] = []
  for (const column of ['audit_url', 'server_id'] as const) {
    const value = row[column]
    if (typeof value !== 'string' || stripUserInfo(value) === value) continue
    problems.push({
      path: [column],
      part: 'value',
      message: `the ${column === 'audit_url' ? 'link' : 'server id'} holds a user name or password, which reports would show. Write it without them`
    })
    setOwn(row, column, column === 'audit_url' ? null : stripUserInfo(value))
  }
  return problems
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

/** Two rows naming the same server and version (whatever their spellings), at the later one. */
function duplicateProblems(
  rows: readonly { key: ServerKey | null; row: RawRow }[]
): PolicyFileProblem[] {
  const problems: PolicyFileProblem[] = []
  const first = new Map<string, RawRow>()
  for (const { key, row } of rows) {
    if (key === null) continue
    const id = `${key.id}\u0000${key.version ?? ''}`
    const earlier = first.get(id)
    if (earlier === undefined) {
      first.set(id, row)
      continue
    }
    const what = key.version === null ? `${key.id}, every version` : formatServerKey(key)
    problems.push(
      row.locate({
        path: ['server_id'],
        part: 'value',
        message: `the same server as the row at line ${earlier.line} (${what}). Keep one row per server and version`
      })
    )
  }
  return problems
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

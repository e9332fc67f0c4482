/**
 * Refreshing audits in the registry file (issue 3 point 7): write a fresh `current_grade` and
 * `audit_date` (and `audit_url` when given) into the rows of servers the gate graded, keeping
 * everything else — other columns and keys (unknown ones too), the row order, comments — so an
 * admin can refresh audits in one reviewable pull request.
 *
 * How each format is edited:
 * - CSV: only the changed records are re-written (`csv-stringify`, the file's delimiter, cells
 *   quoted only where needed); every other byte is kept, so the diff shows the refreshed rows
 *   only. A missing `current_grade`/`audit_date`/`audit_url` column is appended to the header
 *   (then every record gains an empty cell).
 * - JSON/JSONC: `jsonc-parser`'s `modify` + `applyEdits`, which replace the values in place and
 *   keep comments and formatting (indentation and line ends detected from the file).
 * - YAML: the `yaml` Document API (`setIn`), which keeps comments, blank lines, key order and
 *   the quoting of the values it replaces. It re-prints the document: flow collections keep
 *   `[a, b]` spacing and sequences their indentation, but a folded block scalar (`>-`) is
 *   re-printed on one line (its value is unchanged).
 */
import { stringify as stringifyCsv } from 'csv-stringify/sync'
import { applyEdits, modify, type FormattingOptions } from 'jsonc-parser'
import { writeFile } from 'node:fs/promises'
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml'
import { z } from 'zod'
import { GradeLetterSchema, HttpUrlSchema, type GradeLetter } from '../grade/report.js'
import { stripUserInfo } from '../net/url-redaction.js'
import { sameVersion } from '../resolve/server-id.js'
import type { PathSegment } from './document.js'
import type { RegistryEntry } from './records.js'
import {
  readRegistryDocument,
  readRegistryFileText,
  RegistryFileError,
  type CsvLayout,
  type CsvRecord,
  type RegistryColumn,
  type RegistryDocument
} from './registry-file.js'

/** A fresh audit for one registry row. */
export interface RegistryUpdate {
  /** The row, as `loadRegistryFile` read it from the same file (matched by line and id). */
  entry: RegistryEntry
  currentGrade: GradeLetter
  /** `YYYY-MM-DD` (UTC) of the audit. */
  auditDate: string
  /** Link to the audit report (http or https, no credentials); the cell is kept when absent. */
  auditUrl?: string
}

const UpdateSchema = z.object({
  currentGrade: GradeLetterSchema,
  auditDate: z.iso.date(),
  auditUrl: HttpUrlSchema.refine((url) => stripUserInfo(url) === url, {
    error: 'an audit link must not hold a user name or password'
  }).optional()
})

/** The cells written into one row. */
type RowValues = Partial<Record<RegistryColumn, string>>

/**
 * Write fresh audits into the registry file at `path` (see the module doc for how each format
 * is edited). Rows are found by the line and `server_id` their `entry` was read with, else by
 * the same server and version. When several updates name one row, the last wins. The edited
 * text is parsed again before it is written, so the file is never left invalid; nothing is
 * written when no value changes.
 * @returns `updated`: how many rows had a value changed.
 * @throws TypeError for an update with a grade that is not A–F, a date that is not a real
 *   `YYYY-MM-DD`, or a link that is not http(s) or holds credentials (a programming error).
 * @throws RegistryFileError when the file cannot be read or is invalid (it is not edited), or
 *   an update's row is no longer in it (the file changed since it was read).
 */
export async function updateRegistry(
  path: string,
  updates: readonly RegistryUpdate[]
): Promise<{ updated: number }> {
  for (const update of updates) {
    const checked = UpdateSchema.safeParse(update)
    if (!checked.success) {
      throw new TypeError(
        `invalid registry update for ${update.entry.serverId}: ${z.prettifyError(checked.error)}`
      )
    }
  }
  const input = await readRegistryFileText(path)
  const doc = readRegistryDocument(input, path)
  const changes = new Map<number, RowValues>()
  for (const update of updates) {
    const index = rowIndex(doc, update.entry, path)
    const current = doc.file.entries[index]!
    const values: RowValues = {
      ...changes.get(index),
      current_grade: update.currentGrade,
      audit_date: update.auditDate,
      ...(update.auditUrl !== undefined && { audit_url: update.auditUrl })
    }
    const unchanged =
      current.currentGrade === values.current_grade &&
      current.auditDate === values.audit_date &&
      (values.audit_url === undefined || current.auditUrl === values.audit_url)
    if (unchanged) changes.delete(index)
    else changes.set(index, values)
  }
  if (changes.size === 0) return { updated: 0 }
  const edited = editRegistry(doc, changes)
  const output = doc.bom ? `\ufeff${edited}` : edited
  readRegistryDocument(output, path) // never write a file the gate could not read back
  await writeFile(path, output, 'utf8')
  return { updated: changes.size }
}

/** The index in `doc.file.entries` of the row `entry` was read from. */
function rowIndex(doc: RegistryDocument, entry: RegistryEntry, path: string): number {
  const entries = doc.file.entries
  const byLine = entries.findIndex(
    (e) => e.source.line === entry.source.line && e.serverId === entry.serverId
  )
  if (byLine >= 0) return byLine
  const byKey = entries.findIndex(
    (e) =>
      e.key.id === entry.key.id &&
      (e.key.version === entry.key.version || sameVersion(e.key, entry.key) === true)
  )
  if (byKey >= 0) return byKey
  throw new RegistryFileError(path, [
    {
      line: 1,
      column: 1,
      at: '',
      message: `no row names ${entry.serverId} any more (it was at line ${entry.source.line}); the file changed since it was read. Run the update again`
    }
  ])
}

/** The edited text (without a byte order mark). */
function editRegistry(doc: RegistryDocument, changes: ReadonlyMap<number, RowValues>): string {
  if (doc.csv !== null) return editCsv(doc.text, doc.csv, changes)
  const rows = new Map<PathSegment[], RowValues>()
  for (const [index, values] of changes) {
    const place = doc.places[index]!
    if (place.kind === 'tree') rows.set(place.path, values)
  }
  return doc.file.format === 'json' ? editJson(doc.text, rows) : editYaml(doc.text, rows)
}

// ---------------------------------------------------------------------------------------------
// CSV

function editCsv(text: string, layout: CsvLayout, changes: ReadonlyMap<number, RowValues>): string {
  const columns = [...layout.columns]
  const headerCells = [...layout.header.cells]
  const needed = new Set<RegistryColumn>()
  for (const values of changes.values()) {
    for (const column of Object.keys(values) as RegistryColumn[]) needed.add(column)
  }
  for (const column of needed) {
    if (columns.includes(column)) continue
    columns.push(column)
    headerCells.push(column)
  }
  const widened = columns.length > layout.columns.length
  const lineBreak = /\r\n|\n|\r/.exec(text)?.[0] ?? '\n'
  const record = (cells: string[]): string =>
    stringifyCsv([cells], {
      delimiter: layout.delimiter,
      record_delimiter: lineBreak === '\r\n' ? 'windows' : lineBreak === '\r' ? 'mac' : 'unix',
      eof: false
    })
  const replacements: { at: CsvRecord; text: string }[] = []
  if (widened) replacements.push({ at: layout.header, text: record(headerCells) })
  layout.records.forEach((csvRecord, index) => {
    const values = changes.get(index)
    if (values === undefined && !widened) return
    const cells = [...csvRecord.cells]
    while (cells.length < columns.length) cells.push('')
    for (const [column, value] of Object.entries(values ?? {})) {
      cells[columns.indexOf(column as RegistryColumn)] = value
    }
    replacements.push({ at: csvRecord, text: record(cells) })
  })
  let out = ''
  let cursor = 0
  for (const { at, text: replacement } of replacements.sort((a, b) => a.at.start - b.at.start)) {
    out += text.slice(cursor, at.start) + replacement
    cursor = at.end
  }
  return out + text.slice(cursor)
}

// ---------------------------------------------------------------------------------------------
// JSON / JSONC

function editJson(text: string, rows: ReadonlyMap<PathSegment[], RowValues>): string {
  const formatting = jsonFormatting(text)
  let out = text
  for (const [path, values] of rows) {
    for (const [column, value] of Object.entries(values)) {
      out = applyEdits(
        out,
        modify(out, [...path, column], value, { formattingOptions: formatting })
      )
    }
  }
  return out
}

/** The indentation and line ends a JSON text uses (2 spaces and `\n` when it shows none). */
function jsonFormatting(text: string): FormattingOptions {
  const eol = /\r\n|\n|\r/.exec(text)?.[0] ?? '\n'
  const indent = /^[ \t]+(?=["{[\]}/])/m.exec(text)?.[0] ?? '  '
  return indent.startsWith('\t')
    ? { insertSpaces: false, tabSize: 1, eol }
    : { insertSpaces: true, tabSize: indent.length, eol }
}

// ---------------------------------------------------------------------------------------------
// YAML

function editYaml(text: string, rows: ReadonlyMap<PathSegment[], RowValues>): string {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false })
  const indentSeq = sequenceIndented(doc.contents, lineCounter)
  for (const [path, values] of rows) {
    for (const [column, value] of Object.entries(values)) doc.setIn([...path, column], value)
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false, indentSeq })
}

/**
 * Whether the file indents a block list under its key (`servers:\n  - …`, the `yaml` default)
 * or not (`servers:\n- …`), read from the `servers` list, so re-printing keeps the style.
 */
function sequenceIndented(contents: unknown, lineCounter: LineCounter): boolean {
  if (!isMap(contents)) return true
  const pair = contents.items.find((p) => isScalar(p.key) && p.key.value === 'servers')
  const key = pair?.key
  const list = pair?.value
  if (!isScalar(key) || !isSeq(list) || list.flow === true) return true
  const keyStart = key.range?.[0]
  const listStart = list.range?.[0]
  if (keyStart === undefined || listStart === undefined) return true
  return lineCounter.linePos(listStart).col > lineCounter.linePos(keyStart).col
}

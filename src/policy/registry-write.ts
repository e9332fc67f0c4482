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
 * - YAML: the new scalars are spliced into the original text at the ranges the `yaml` parser
 *   gives each node, so every other byte stays (numbers such as `00123` or `1e3`, block
 *   scalars, tags, comments, blank lines, line ends). A replaced value keeps its quoting
 *   (`'C'` → `'A'`, `"…"` stays double-quoted, a tag such as `!!str` stays); a block scalar or
 *   an alias is replaced by a plain scalar (double-quoted where plain would not read back as the
 *   same text). A missing key is added after the row's last key, at its indentation, or at the
 *   end of a flow row `{…}`; in the style of the row's keys (`"key": "value"` in a JSON-style
 *   row).
 *
 * Every edit is checked by reading the edited text back before anything is written: every row
 * must read as before except the refreshed values. So a YAML value that other rows share
 * through an anchor and alias (`&g B` … `*g`) is refused rather than changed for both rows.
 */
import { stringify as stringifyCsv } from 'csv-stringify/sync'
import { applyEdits, modify, type FormattingOptions } from 'jsonc-parser'
import { writeFile } from 'node:fs/promises'
import { isDeepStrictEqual } from 'node:util'
import {
  isAlias,
  isMap,
  isScalar,
  LineCounter,
  parse as parseYaml,
  parseDocument,
  Scalar,
  type Node as YamlNode,
  type YAMLMap
} from 'yaml'
import { z } from 'zod'
import { GradeLetterSchema, HttpUrlSchema, type GradeLetter } from '../grade/report.js'
import { sameVersion } from '../resolve/server-id.js'
import type { PathSegment } from './document.js'
import type { RegistryEntry } from './records.js'
import {
  auditLinkProblem,
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
  /**
   * Link to the audit report (http or https, no credentials: `auditLinkProblem`); the cell is
   * kept when absent.
   */
  auditUrl?: string
}

const UpdateSchema = z.object({
  currentGrade: GradeLetterSchema,
  auditDate: z.iso.date(),
  auditUrl: HttpUrlSchema.superRefine((url, context) => {
    const problem = auditLinkProblem(url)
    if (problem !== null) context.addIssue(`an audit link must not hold credentials: it ${problem}`)
  }).optional()
})

/** The cells written into one row (SPEC §7 column names). */
interface RowValues {
  current_grade?: GradeLetter
  audit_date?: string
  audit_url?: string
}

/**
 * Write fresh audits into the registry file at `path` (see the module doc for how each format
 * is edited). Rows are found by the line and `server_id` their `entry` was read with, else by
 * the same server and version. When several updates name one row, the last wins (a link of an
 * earlier one stays when the last has none). Only values that change are written. The edited
 * text is read again before it is written, so the file is never left invalid or with another
 * row changed; nothing is written when no value changes.
 * @returns `updated`: how many rows had a value changed.
 * @throws TypeError for an update with a grade that is not A–F, a date that is not a real
 *   `YYYY-MM-DD`, or a link that is not http(s) or holds credentials (a programming error).
 * @throws RegistryFileError when the file cannot be read or is invalid (it is not edited), an
 *   update's row is no longer in it (the file changed since it was read), or the edit would
 *   change another row too (a YAML anchor shared by several rows); the file is then unchanged.
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
  const wanted = new Map<number, RowValues>()
  for (const update of updates) {
    const index = rowIndex(doc, update.entry, path)
    wanted.set(index, {
      ...wanted.get(index),
      current_grade: update.currentGrade,
      audit_date: update.auditDate,
      ...(update.auditUrl !== undefined && { audit_url: update.auditUrl })
    })
  }
  const changes = new Map<number, RowValues>()
  for (const [index, values] of wanted) {
    const changed = changedValues(doc.file.entries[index]!, values)
    if (Object.keys(changed).length > 0) changes.set(index, changed)
  }
  if (changes.size === 0) return { updated: 0 }
  const edited = editRegistry(doc, changes)
  const output = doc.bom ? `\ufeff${edited}` : edited
  // Never write a file the gate could not read back, or one where another value changed.
  checkEdit(doc, readRegistryDocument(output, path), changes, path)
  await writeFile(path, output, 'utf8')
  return { updated: changes.size }
}

/** The cells of `values` as `[column, value]` pairs, in `RowValues` key order. */
function rowCells(values: RowValues): [RegistryColumn, string][] {
  return (['current_grade', 'audit_date', 'audit_url'] as const).flatMap((column) => {
    const value = values[column]
    return value === undefined ? [] : [[column, value] as [RegistryColumn, string]]
  })
}

/** The values of `values` that differ from the row's. */
function changedValues(entry: RegistryEntry, values: RowValues): RowValues {
  const changed: RowValues = {}
  if (values.current_grade !== undefined && values.current_grade !== entry.currentGrade) {
    changed.current_grade = values.current_grade
  }
  if (values.audit_date !== undefined && values.audit_date !== entry.auditDate) {
    changed.audit_date = values.audit_date
  }
  if (values.audit_url !== undefined && values.audit_url !== entry.auditUrl) {
    changed.audit_url = values.audit_url
  }
  return changed
}

/** A row as compared before and after an edit: everything but where it is. */
function rowContent(entry: RegistryEntry): Omit<RegistryEntry, 'source'> {
  const { source: _source, ...content } = entry
  return content
}

/**
 * Check that the edited file reads as the original with the changed values and nothing else.
 * @throws RegistryFileError at the first edited row whose edit changed more than it should.
 */
function checkEdit(
  before: RegistryDocument,
  after: RegistryDocument,
  changes: ReadonlyMap<number, RowValues>,
  path: string
): void {
  const entries = before.file.entries
  const edited = [...changes.keys()].sort((a, b) => a - b)
  const firstEdited = entries[edited[0]!]!
  const fail = (message: string): never => {
    throw new RegistryFileError(path, [
      { line: firstEdited.source.line, column: 1, at: '', message }
    ])
  }
  if (after.file.entries.length !== entries.length) {
    fail('refreshing the audit would change the number of rows. Edit the file by hand')
  }
  entries.forEach((entry, index) => {
    const values = changes.get(index)
    const expected: Omit<RegistryEntry, 'source'> = {
      ...rowContent(entry),
      ...(values?.current_grade !== undefined && { currentGrade: values.current_grade }),
      ...(values?.audit_date !== undefined && { auditDate: values.audit_date }),
      ...(values?.audit_url !== undefined && { auditUrl: values.audit_url })
    }
    if (isDeepStrictEqual(rowContent(after.file.entries[index]!), expected)) return
    const rows = edited.map((i) => entries[i]!.source.line).join(', ')
    fail(
      values === undefined
        ? `refreshing the audit of the row at line ${rows} would also change the row at line ${entry.source.line} (they share a value, e.g. through a YAML anchor and alias). Write the values out in each row, or edit the file by hand`
        : `the fresh audit of the row at line ${entry.source.line} cannot be written in place. Edit the row by hand`
    )
  })
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

/** The edited text (without a byte order mark). Values are written in RowValues key order. */
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
    for (const [column, value] of rowCells(values ?? {})) {
      cells[columns.indexOf(column)] = value
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
    for (const [column, value] of rowCells(values)) {
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

/** Replace `text.slice(start, end)` by `insert`. */
interface TextEdit {
  start: number
  end: number
  insert: string
}

/** How the new values of a YAML row are written. */
interface YamlStyle {
  text: string
  /** `%YAML` version of the document, to tell whether a plain scalar reads back as text. */
  version: '1.1' | '1.2' | 'next'
  lineBreak: string
}

function editYaml(text: string, rows: ReadonlyMap<PathSegment[], RowValues>): string {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false })
  const style: YamlStyle = {
    text,
    version: doc.directives?.yaml.version ?? '1.2',
    lineBreak: /\r\n|\n|\r/.exec(text)?.[0] ?? '\n'
  }
  const edits: TextEdit[] = []
  for (const [path, values] of rows) {
    const row: unknown = doc.getIn(path, true)
    if (!isMap(row)) throw new TypeError(`the YAML row at ${path.join('.')} is not a mapping`)
    edits.push(...yamlRowEdits(row, values, style, lineCounter))
  }
  return applyTextEdits(text, edits)
}

/** The edits that write `values` into one row (a block or flow mapping). */
function yamlRowEdits(
  row: YAMLMap,
  values: RowValues,
  style: YamlStyle,
  lineCounter: LineCounter
): TextEdit[] {
  const flow = row.flow === true
  const firstKey = row.items[0]?.key
  // A JSON-style row (`{"server_id": "…"}`) gets its new keys and values double-quoted.
  const jsonStyle = isScalar(firstKey) && firstKey.type === Scalar.QUOTE_DOUBLE
  const edits: TextEdit[] = []
  const added: string[] = []
  for (const [column, value] of rowCells(values)) {
    const pair = row.items.find((p) => isScalar(p.key) && p.key.value === column)
    const node: unknown = pair?.value
    if (pair === undefined) {
      const key = jsonStyle ? JSON.stringify(column) : column
      const scalar = jsonStyle ? JSON.stringify(value) : yamlScalar(value, flow, style)
      added.push(`${key}: ${scalar}`)
    } else if (isScalar(node) || isAlias(node)) {
      edits.push(replacedValue(node, value, flow, style))
    } else {
      throw new TypeError(`the YAML value of ${column} is not a scalar`)
    }
  }
  if (added.length > 0) edits.push(addedPairs(row, added, style, lineCounter))
  return edits
}

/** The edit that replaces a scalar or alias by `value`, keeping quotes, tags and anchors. */
function replacedValue(
  node: Scalar | YamlNode,
  value: string,
  flow: boolean,
  style: YamlStyle
): TextEdit {
  const [start, end] = node.range ?? []
  if (start === undefined || end === undefined) throw new TypeError('a YAML value without range')
  const old = style.text.slice(start, end)
  if (isScalar(node)) {
    switch (node.type) {
      case Scalar.QUOTE_DOUBLE:
        return { start, end, insert: JSON.stringify(value) }
      case Scalar.QUOTE_SINGLE:
        return { start, end, insert: `'${value.replace(/'/g, "''")}'` }
      case Scalar.BLOCK_FOLDED:
      case Scalar.BLOCK_LITERAL:
        // The block's range ends after its line break(s): keep them.
        return {
          start,
          end,
          insert: yamlScalar(value, flow, style) + old.slice(old.trimEnd().length)
        }
      default:
        // An empty value (`audit_url:`) has an empty range right after the colon.
        return { start, end, insert: (old === '' ? ' ' : '') + yamlScalar(value, flow, style) }
    }
  }
  return { start, end, insert: yamlScalar(value, flow, style) }
}

/** The edit that adds `pairs` (`key: value` texts) after the row's last key. */
function addedPairs(
  row: YAMLMap,
  pairs: readonly string[],
  style: YamlStyle,
  lineCounter: LineCounter
): TextEdit {
  const text = style.text
  const [rowStart, rowEnd] = row.range ?? []
  const last = row.items[row.items.length - 1]
  const lastNode: unknown = last?.value ?? last?.key
  const lastEnd = isScalar(lastNode) || isYamlNode(lastNode) ? lastNode.range?.[1] : undefined
  if (rowStart === undefined || rowEnd === undefined || lastEnd === undefined) {
    throw new TypeError('a YAML row without range')
  }
  if (row.flow === true) {
    const close = text.lastIndexOf('}', rowEnd - 1)
    let before = close - 1
    while (before > rowStart && /\s/.test(text[before]!)) before--
    const at = before + 1
    return text[before] === ','
      ? { start: at, end: at, insert: ` ${pairs.join(', ')},` }
      : { start: at, end: at, insert: `, ${pairs.join(', ')}` }
  }
  const firstKey = row.items[0]?.key
  const keyStart = isScalar(firstKey) ? firstKey.range?.[0] : undefined
  const indent = ' '.repeat(keyStart === undefined ? 0 : lineCounter.linePos(keyStart).col - 1)
  const lines = pairs.map((pair) => `${indent}${pair}`).join(style.lineBreak)
  // After the line of the last value (and its comment); a block scalar's range ends past it.
  if (text[lastEnd - 1] === '\n') {
    return { start: lastEnd, end: lastEnd, insert: `${lines}${style.lineBreak}` }
  }
  const lineEnd = text.indexOf('\n', lastEnd)
  if (lineEnd < 0)
    return { start: text.length, end: text.length, insert: `${style.lineBreak}${lines}` }
  return { start: lineEnd + 1, end: lineEnd + 1, insert: `${lines}${style.lineBreak}` }
}

function isYamlNode(value: unknown): value is YamlNode {
  return typeof value === 'object' && value !== null && 'range' in value
}

/**
 * `value` as a YAML scalar: plain when that reads back as the same text (in a flow row also
 * without `,[]{}`), else double-quoted (JSON escapes are YAML escapes).
 */
function yamlScalar(value: string, flow: boolean, style: YamlStyle): string {
  const plain =
    /^[A-Za-z0-9][\w.~%+@=&?:/-]*$/.test(value) &&
    !value.endsWith(':') &&
    !(flow && /[,[\]{}]/.test(value)) &&
    readsAsText(value, style.version)
  return plain ? value : JSON.stringify(value)
}

function readsAsText(value: string, version: YamlStyle['version']): boolean {
  try {
    return parseYaml(value, { version }) === value
  } catch {
    return false
  }
}

/** `text` with `edits` applied (they do not overlap). */
function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.insert + out.slice(edit.end)
  }
  return out
}

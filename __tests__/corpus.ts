/**
 * The vendored corpus of real MCP configs (see __tests__/fixtures/corpus/README.md): where it
 * lives, and reading it with the logical paths of its MANIFEST.tsv. Used by the tests and by the
 * benchmarks (`scripts/bench`).
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseCsv } from 'csv-parse/sync'
import { z } from 'zod'

export const CORPUS_DIR = fileURLToPath(new URL('./fixtures/corpus/mcp-configs/', import.meta.url))

/** The manifest of a corpus directory, listing every config it holds. */
export const MANIFEST_FILE = 'MANIFEST.tsv'

/** One corpus file, read into memory. */
export interface CorpusFile {
  /** File name in the corpus directory (the flattened `owner__repo__path`). */
  file: string
  /**
   * Its path in its repository (MANIFEST.tsv `path`): the logical path given to the parser, so
   * that format detection sees `.vscode/mcp.json`, not the flattened name. The file name when
   * the manifest has no row for it.
   */
  logicalPath: string
  /** The file's text, read as UTF-8. */
  text: string
}

/** A corpus directory, read. */
export interface Corpus {
  /** Every file but MANIFEST.tsv, sorted by file name. */
  files: CorpusFile[]
  /** MANIFEST.tsv as read: file name → logical path, in the manifest's order. */
  manifest: ReadonlyMap<string, string>
}

const ManifestRowSchema = z.looseObject({ file: z.string().min(1), path: z.string().min(1) })

/**
 * Read every config of a corpus directory (all files but MANIFEST.tsv, sorted by name), each with
 * the logical path MANIFEST.tsv gives it, and the manifest itself. MANIFEST.tsv is tab-separated
 * with a header row naming at least the `file` and `path` columns; quotes are not special.
 * @param dir the corpus directory, e.g. `CORPUS_DIR`.
 * @throws Error when the directory or its manifest cannot be read, a manifest row has another
 *   number of cells than the header (csv-parse, with the line), or a row lacks `file` or `path`
 *   (with the file and line of the row).
 */
export function loadCorpus(dir: string): Corpus {
  const manifestPath = path.join(dir, MANIFEST_FILE)
  const rows: { record: unknown; info: { lines: number } }[] = parseCsv(
    readFileSync(manifestPath, 'utf8'),
    { delimiter: '\t', columns: true, quote: false, skip_empty_lines: true, info: true }
  )
  const manifest = new Map<string, string>()
  for (const { record, info } of rows) {
    const parsed = ManifestRowSchema.safeParse(record)
    if (!parsed.success) {
      throw new Error(`${manifestPath}:${info.lines}: ${z.prettifyError(parsed.error)}`)
    }
    manifest.set(parsed.data.file, parsed.data.path)
  }
  const files = readdirSync(dir)
    .filter((file) => file !== MANIFEST_FILE)
    .sort()
    .map((file) => ({
      file,
      logicalPath: manifest.get(file) ?? file,
      text: readFileSync(path.join(dir, file), 'utf8')
    }))
  return { files, manifest }
}

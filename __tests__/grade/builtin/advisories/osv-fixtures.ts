/**
 * Real OSV records for the advisory tests (`__tests__/fixtures/osv/`, copied from the project's
 * shared advisory fixtures; provenance in SOURCES.tsv there).
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  type OsvRecord,
  parseOsvRecord
} from '../../../../src/grade/builtin/advisories/osv-record.js'

/** The fixture directory. */
export const OSV_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/osv')

/** The raw JSON of one fixture record, by id. */
export function rawRecord(id: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(OSV_FIXTURES, `${id}.json`), 'utf8')) as Record<
    string,
    unknown
  >
}

/** One fixture record, validated, by id. */
export function osvRecord(id: string): OsvRecord {
  return parseOsvRecord(rawRecord(id), `${id}.json`)
}

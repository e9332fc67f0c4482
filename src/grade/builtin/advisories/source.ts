/**
 * Where the built-in grader gets known advisories (OSV records) from: the osv.dev API
 * (`osv-api.ts`) or a local OSV database (`osv-db.ts`). One interface, so the grader does not
 * care which.
 */
import type { AdvisoryEcosystem } from './affected.js'
import type { OsvRecord } from './osv-record.js'

/** One package version to look up (OSV ecosystem name, package name, exact version). */
export interface PackageQuery {
  ecosystem: AdvisoryEcosystem
  name: string
  version: string
}

/** A source of OSV records. */
export interface AdvisorySource {
  /** For messages and reports, e.g. `osv.dev API`, `OSV database /data/npm-all.zip`. */
  name: string
  /**
   * The records affecting each query: result `i` is the list for `queries[i]` (empty when none),
   * each record re-checked with `matchAffected`.
   * @throws AdvisoryLookupError when the source cannot answer (network, bad answer); its message
   *   holds no secret.
   */
  lookup(queries: PackageQuery[]): Promise<OsvRecord[][]>
}

/**
 * An advisory lookup that did not give an answer. The message is safe to show (URLs redacted,
 * no credentials) and says what failed.
 */
export class AdvisoryLookupError extends Error {
  override readonly name = 'AdvisoryLookupError'
}

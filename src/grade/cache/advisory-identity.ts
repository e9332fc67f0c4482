/**
 * The identity of the built-in grader's advisory source, for grade cache keys (issue 5): an
 * assessment made with advisories off must never answer a run that looks them up, nor one made
 * against another database.
 */
import { DEFAULT_OSV_API } from '../builtin/advisories/osv-api.js'
import type { OsvDatabase } from '../builtin/advisories/osv-db.js'
import { keyedUrl } from './keys.js'

/** Where a run's built-in grader looks advisories up (`gate.ts` decides). */
export type AdvisorySetting =
  | { kind: 'off' }
  /** The OSV API at a validated base URL (no credentials); undefined: the default. */
  | { kind: 'osv-api'; baseUrl?: string }
  /** A local OSV database: a directory or `.zip` (an absolute path, loaded by `gate.ts`). */
  | { kind: 'osv-db'; path: string }

/**
 * An advisory setting as the cache names it: `off` and `osv-api` as set, a local database once
 * loaded (`loadOsvDatabase`), since its identity is a digest of what was loaded.
 */
export type AdvisoryIdentitySource =
  | Exclude<AdvisorySetting, { kind: 'osv-db' }>
  | { kind: 'osv-db'; database: Pick<OsvDatabase, 'contentDigest'> }

/**
 * The identity of an advisory source:
 * - `off`;
 * - `osv-api <base URL>` (as `keyedUrl` writes it; default `https://api.osv.dev`);
 * - `osv-db sha256:<hex>`: the loaded database's `contentDigest` — the `.zip` file's bytes, or
 *   for a directory every `.json` file read, by relative path (see `OsvDatabase.contentDigest`).
 *   A content digest (not the path or mtime) lets a runner that downloads the same database
 *   again reuse its grades; the database is not read again for it.
 * Pure; never throws.
 */
export function advisorySourceIdentity(source: AdvisoryIdentitySource): string {
  switch (source.kind) {
    case 'off':
      return 'off'
    case 'osv-api':
      return `osv-api ${keyedUrl(source.baseUrl?.trim() || DEFAULT_OSV_API)}`
    case 'osv-db':
      return `osv-db sha256:${source.database.contentDigest}`
  }
}

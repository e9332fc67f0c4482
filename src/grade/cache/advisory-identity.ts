/**
 * The identity of the built-in grader's advisory source, for grade cache keys (issue 5): an
 * assessment made with advisories off must never answer a run that looks them up, nor one made
 * against another database.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { lstat, readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { DEFAULT_OSV_API } from '../builtin/advisories/osv-api.js'
import { keyedUrl } from './keys.js'

/** Where a run's built-in grader looks advisories up (`gate.ts` decides). */
export type AdvisorySetting =
  | { kind: 'off' }
  /** The OSV API at a validated base URL (no credentials); undefined: the default. */
  | { kind: 'osv-api'; baseUrl?: string }
  /** A local OSV database: a directory or `.zip` (an absolute path, already loaded). */
  | { kind: 'osv-db'; path: string }

/** Most files of a database directory hashed (far above osv.dev's npm + PyPI record count). */
const MAX_DIRECTORY_FILES = 2_000_000

/**
 * The identity of an advisory setting:
 * - `off`;
 * - `osv-api <base URL>` (as `keyedUrl` writes it; default `https://api.osv.dev`);
 * - `osv-db sha256:<hex>`: a digest of the database's content — the `.zip` file's bytes, or for a
 *   directory every regular file's path (relative, `/`-separated, sorted) and bytes; links are
 *   skipped as the database loader skips them. A content digest (not the path or mtime) lets a
 *   runner that downloads the same database again reuse its grades.
 * @throws the file system's error when the database cannot be read (the caller runs uncached).
 */
export async function advisorySourceIdentity(setting: AdvisorySetting): Promise<string> {
  switch (setting.kind) {
    case 'off':
      return 'off'
    case 'osv-api':
      return `osv-api ${keyedUrl(setting.baseUrl?.trim() || DEFAULT_OSV_API)}`
    case 'osv-db':
      return `osv-db sha256:${await databaseDigest(setting.path)}`
  }
}

async function databaseDigest(location: string): Promise<string> {
  const hash = createHash('sha256')
  const stats = await lstat(location)
  if (stats.isFile()) {
    hash.update('file\0')
    for await (const chunk of createReadStream(location)) hash.update(chunk as Buffer)
    return hash.digest('hex')
  }
  hash.update('directory\0')
  const files = await regularFiles(location)
  for (const relative of files) {
    const content = await readFile(path.join(location, ...relative.split('/')))
    const size = Buffer.alloc(8)
    size.writeBigUInt64BE(BigInt(content.length))
    hash.update(relative, 'utf8').update('\0').update(size).update(content)
  }
  return hash.digest('hex')
}

/** Regular files under `root`, as sorted `/`-separated relative paths; links are not followed. */
async function regularFiles(root: string): Promise<string[]> {
  const found: string[] = []
  const pending: string[] = ['']
  while (pending.length > 0) {
    const relative = pending.pop()!
    const entries = await readdir(path.join(root, relative), { withFileTypes: true })
    for (const entry of entries) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`
      if (entry.isDirectory()) pending.push(child)
      else if (entry.isFile()) found.push(child)
      if (found.length > MAX_DIRECTORY_FILES) {
        throw new Error(`the OSV database directory holds over ${MAX_DIRECTORY_FILES} files`)
      }
    }
  }
  return found.sort()
}

/**
 * Download an npm package tarball safely and read it in memory (SPEC §5 built-in grader, §9
 * untrusted input): size-limited download through the gate's one `HttpClient`, digest check
 * against the registry (`integrity.ts`) before any byte is parsed, then the in-memory tar reader
 * (`package-files.ts`).
 */
import { type HttpClient, HttpError, NetworkError } from '../../net/http.js'
import { IntegrityError, type TarballDigests, verifyTarball } from './integrity.js'
import { type PackageFiles, type PackageReadLimits, readPackageFiles } from './package-files.js'

/** Default largest compressed tarball we download: 50 MiB (some real MCP servers ship 20+ MiB). */
export const DEFAULT_MAX_TARBALL_BYTES = 50 * 1024 * 1024

/** The `dist` fields of a version manifest this module needs. */
export interface TarballDist extends TarballDigests {
  /** Absolute http(s) URL of the `.tgz`. */
  tarball: string
}

/** Why a tarball could not be used: it is never graded. `message` holds no secret. */
export class TarballError extends Error {
  override readonly name = 'TarballError'
  constructor(
    readonly kind: 'download' | 'too-large' | 'integrity',
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

/** Limits for `fetchPackageFiles`. */
export interface FetchTarballOptions {
  /** Largest compressed download in bytes; default `DEFAULT_MAX_TARBALL_BYTES` (50 MiB). */
  maxTarballBytes?: number
  /** Limits for reading the archive (see `PackageReadLimits`). */
  limits?: Partial<PackageReadLimits>
}

/**
 * Download `dist.tarball`, verify it against `dist.integrity`/`dist.shasum`, and read it.
 * @returns the package's files; `stopped` is set when reading ended early (gzip bomb, damaged
 *   archive, too many entries) — the caller decides what a partial package means.
 * @throws TarballError: `download` (network failure, non-2xx answer, not an http(s) URL),
 *   `too-large` (over `maxTarballBytes`), `integrity` (digest mismatch or no digest).
 */
export async function fetchPackageFiles(
  http: HttpClient,
  dist: TarballDist,
  options: FetchTarballOptions = {}
): Promise<PackageFiles> {
  const maxBytes = options.maxTarballBytes ?? DEFAULT_MAX_TARBALL_BYTES
  let protocol: string
  try {
    protocol = new URL(dist.tarball).protocol
  } catch {
    throw new TarballError('download', 'the registry gives no valid tarball URL')
  }
  if (protocol !== 'https:' && protocol !== 'http:') {
    throw new TarballError('download', `tarball URL has unsupported scheme ${protocol}`)
  }
  let body: Buffer
  try {
    const res = await http.get(dist.tarball, {
      maxBytes,
      headers: { accept: 'application/octet-stream' }
    })
    if (res.status < 200 || res.status >= 300) {
      throw new TarballError('download', `GET ${res.url} answered ${res.status}`)
    }
    body = res.body
  } catch (error) {
    if (error instanceof TarballError) throw error
    if (error instanceof NetworkError && error.kind === 'too-large') {
      throw new TarballError(
        'too-large',
        `the package tarball is over the ${maxBytes}-byte download limit`,
        { cause: error }
      )
    }
    if (error instanceof NetworkError || error instanceof HttpError) {
      throw new TarballError('download', `tarball download failed: ${error.message}`, {
        cause: error
      })
    }
    throw error
  }
  try {
    verifyTarball(body, dist)
  } catch (error) {
    if (error instanceof IntegrityError) {
      throw new TarballError('integrity', `integrity check failed: ${error.message}`, {
        cause: error
      })
    }
    throw error
  }
  return readPackageFiles(body, options.limits)
}

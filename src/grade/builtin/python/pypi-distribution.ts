/**
 * Which file of a PyPI release the built-in grader reads, and reading it safely (SPEC §5 built-in
 * grader, §9 untrusted input): a pure-Python wheel first (`*-none-any.whl` for Python 3, PEP 427
 * file name convention: what pip and uv install for a pure package), else the source distribution
 * (`.tar.gz`, PEP 625). The download goes through the gate's one `HttpClient` with a size limit,
 * and its SHA-256 is checked against the registry's `digests.sha256` before any byte is parsed; a
 * mismatch or a missing digest is an error and the package is never graded.
 */
import { createHash } from 'node:crypto'
import { type HttpClient, HttpError, NetworkError } from '../../../net/http.js'
import type { DistributionFile } from '../../../resolve/pypi-registry.js'
import { type PackageFiles, type PackageReadLimits, readPackageFiles } from '../package-files.js'
import { readWheelFiles } from './wheel-files.js'

/** Default largest distribution file downloaded: 50 MiB. */
export const DEFAULT_MAX_DISTRIBUTION_BYTES = 50 * 1024 * 1024

/** The file chosen, and how it is read. */
export interface ChosenDistribution {
  file: DistributionFile
  kind: 'wheel' | 'sdist'
}

/** Why a distribution could not be used: it is never graded. `message` holds no secret. */
export class DistributionError extends Error {
  override readonly name = 'DistributionError'
  constructor(
    readonly kind: 'none' | 'download' | 'too-large' | 'integrity',
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

/** What was read: the chosen file and its contents (paths without the sdist's top folder). */
export interface DistributionFiles extends ChosenDistribution {
  files: PackageFiles
}

/**
 * True for a wheel that runs anywhere on Python 3: ABI tag `none`, platform tag `any`, a Python
 * tag naming Python 3 (`py3`, `py2.py3`, `py312`) — PEP 427 `{name}-{ver}(-{build})?-{python}-
 * {abi}-{platform}.whl`, compressed tag sets per PEP 425.
 */
export function isPureWheel(filename: string): boolean {
  const match = /-([^-]+)-([^-]+)-([^-]+)\.whl$/i.exec(filename)
  if (!match) return false
  const [, python = '', abi = '', platform = ''] = match
  return (
    abi.toLowerCase() === 'none' &&
    platform.toLowerCase() === 'any' &&
    python.split('.').some((tag) => /^py3\d*$/i.test(tag))
  )
}

/**
 * The file to read among a release's files: a pure Python 3 wheel, else a `.tar.gz` sdist;
 * non-yanked files before yanked ones. Null when the release has neither (only platform wheels,
 * eggs or `.zip` sdists).
 */
export function chooseDistribution(files: readonly DistributionFile[]): ChosenDistribution | null {
  const ordered = [...files].sort((a, b) => Number(a.yanked) - Number(b.yanked))
  const wheel = ordered.find((f) => f.packagetype === 'bdist_wheel' && isPureWheel(f.filename))
  if (wheel) return { file: wheel, kind: 'wheel' }
  const sdist = ordered.find((f) => f.packagetype === 'sdist' && /\.tar\.gz$/i.test(f.filename))
  return sdist ? { file: sdist, kind: 'sdist' } : null
}

/** Limits for `fetchDistributionFiles`. */
export interface FetchDistributionOptions {
  /** Largest download in bytes; default `DEFAULT_MAX_DISTRIBUTION_BYTES` (50 MiB). */
  maxBytes?: number
  /** Limits for reading the archive (see `PackageReadLimits`). */
  limits?: Partial<PackageReadLimits>
}

/**
 * Choose, download, verify (SHA-256) and read a release's distribution.
 * @returns the chosen file and its contents; `files.stopped` is set when reading ended early
 *   (bomb, damaged archive, too many entries) — the caller decides what a partial read means.
 * @throws DistributionError: `none` (no pure wheel nor `.tar.gz` sdist), `download` (network
 *   failure, non-2xx answer, not an http(s) URL), `too-large` (over `maxBytes`), `integrity`
 *   (no `sha256` digest, or a mismatch).
 */
export async function fetchDistributionFiles(
  http: HttpClient,
  releaseFiles: readonly DistributionFile[],
  options: FetchDistributionOptions = {}
): Promise<DistributionFiles> {
  const chosen = chooseDistribution(releaseFiles)
  if (!chosen) {
    throw new DistributionError(
      'none',
      'the release has no pure-Python wheel and no .tar.gz source distribution to read'
    )
  }
  const { file } = chosen
  const expected = file.digests.sha256?.trim().toLowerCase()
  if (!expected || !/^[0-9a-f]{64}$/.test(expected)) {
    throw new DistributionError(
      'integrity',
      `${file.filename} has no SHA-256 digest on the registry; it cannot be verified`
    )
  }
  const body = await download(http, file, options.maxBytes ?? DEFAULT_MAX_DISTRIBUTION_BYTES)
  const actual = createHash('sha256').update(body).digest('hex')
  if (actual !== expected) {
    throw new DistributionError(
      'integrity',
      `integrity check failed: the SHA-256 of ${file.filename} does not match the registry's`
    )
  }
  const files =
    chosen.kind === 'wheel'
      ? readWheelFiles(body, options.limits)
      : await readPackageFiles(body, options.limits)
  return { ...chosen, files }
}

async function download(
  http: HttpClient,
  file: DistributionFile,
  maxBytes: number
): Promise<Buffer> {
  let protocol: string
  try {
    protocol = new URL(file.url).protocol
  } catch {
    throw new DistributionError('download', `the registry gives no valid URL for ${file.filename}`)
  }
  if (protocol !== 'https:' && protocol !== 'http:') {
    throw new DistributionError('download', `${file.filename} has a URL with scheme ${protocol}`)
  }
  try {
    const res = await http.get(file.url, {
      maxBytes,
      headers: { accept: 'application/octet-stream' }
    })
    if (res.status < 200 || res.status >= 300) {
      throw new DistributionError('download', `GET ${res.url} answered ${res.status}`)
    }
    return res.body
  } catch (error) {
    if (error instanceof DistributionError) throw error
    if (error instanceof NetworkError && error.kind === 'too-large') {
      throw new DistributionError(
        'too-large',
        `${file.filename} is over the ${maxBytes}-byte download limit`,
        { cause: error }
      )
    }
    if (error instanceof NetworkError || error instanceof HttpError) {
      throw new DistributionError('download', `download failed: ${error.message}`, {
        cause: error
      })
    }
    throw error
  }
}

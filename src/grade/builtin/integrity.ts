/**
 * Verify a downloaded npm tarball against the registry's digests before anything reads it.
 *
 * `dist.integrity` is a Subresource Integrity string (W3C SRI: `sha512-<base64>`, possibly several
 * space-separated hashes); older packages only have `dist.shasum` (hex SHA-1). We check the
 * strongest algorithm offered, as npm's `ssri` does, with node:crypto.
 */
import { createHash, timingSafeEqual } from 'node:crypto'

/** Algorithms we accept in an SRI string, strongest first (W3C SRI §3.2 priority). */
const SRI_ALGORITHMS = ['sha512', 'sha384', 'sha256', 'sha1'] as const
type SriAlgorithm = (typeof SRI_ALGORITHMS)[number]

/** The digests the registry publishes for one tarball (`dist.integrity`, `dist.shasum`). */
export interface TarballDigests {
  integrity?: string
  shasum?: string
}

/** The tarball does not match its published digest, or no usable digest was published. */
export class IntegrityError extends Error {
  override readonly name = 'IntegrityError'
}

/**
 * Check `data` against the published digests: the strongest SRI hash in `integrity`, else the
 * hex SHA-1 `shasum`.
 * @returns the algorithm that was checked (`sha512`, …), for logs.
 * @throws IntegrityError on a mismatch, or when neither digest is present or parseable (an
 *   unverifiable tarball is never graded).
 */
export function verifyTarball(data: Buffer, digests: TarballDigests): SriAlgorithm {
  const sri = strongestSriHash(digests.integrity)
  if (sri) {
    const actual = createHash(sri.algorithm).update(data).digest()
    const expected = Buffer.from(sri.base64, 'base64')
    if (!sameBytes(actual, expected)) {
      throw new IntegrityError(
        `tarball ${sri.algorithm} digest ${actual.toString('base64')} does not match the ` +
          `registry's dist.integrity ${sri.algorithm}-${sri.base64}`
      )
    }
    return sri.algorithm
  }
  const shasum = digests.shasum?.trim().toLowerCase()
  if (shasum && /^[0-9a-f]{40}$/.test(shasum)) {
    const actual = createHash('sha1').update(data).digest('hex')
    if (!sameBytes(Buffer.from(actual, 'hex'), Buffer.from(shasum, 'hex'))) {
      throw new IntegrityError(
        `tarball sha1 ${actual} does not match the registry's dist.shasum ${shasum}`
      )
    }
    return 'sha1'
  }
  throw new IntegrityError(
    'the registry publishes no usable dist.integrity or dist.shasum for this tarball, so it cannot be verified'
  )
}

/** The strongest `algo-base64` pair of an SRI string; null when none is usable. */
function strongestSriHash(
  integrity: string | undefined
): { algorithm: SriAlgorithm; base64: string } | null {
  if (!integrity) return null
  let best: { algorithm: SriAlgorithm; base64: string } | null = null
  for (const token of integrity.trim().split(/\s+/)) {
    const match = /^(sha512|sha384|sha256|sha1)-([A-Za-z0-9+/]+={0,2})(\?.*)?$/.exec(token)
    if (!match) continue
    const algorithm = match[1] as SriAlgorithm
    const base64 = match[2] as string
    if (!best || SRI_ALGORITHMS.indexOf(algorithm) < SRI_ALGORITHMS.indexOf(best.algorithm)) {
      best = { algorithm, base64 }
    }
  }
  return best
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

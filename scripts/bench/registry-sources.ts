/**
 * What a benchmark's local registry stub (`registry-stub.ts`) serves: the on-disk cache of real
 * registry answers (`npm run bench`), the recorded fixtures of `__tests__/fixtures`, or every
 * request forwarded to a real registry (`npm run bench:cache`). Each gets the request's `Accept`:
 * the cache and the forwarding source give what the registry answers it (an abbreviated or a
 * full packument); the fixtures are full packuments, answered to both, as a registry without
 * abbreviated packuments does.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { HttpClient } from '../../src/net/http.js'
import { DEFAULT_NPM_REGISTRY } from '../../src/resolve/npm-registry.js'
import { MAX_ANSWER_BYTES, type RegistryCache, registryPath } from './registry-cache.js'
import type { RegistrySource, SourceAnswer } from './registry-stub.js'

const NOT_FOUND: SourceAnswer = {
  status: 404,
  body: Buffer.from('{"error":"Not found"}'),
  contentType: 'application/json'
}

/**
 * Answers from a `RegistryCache` (downloading what it lacks unless it is offline), in the form
 * the request's `Accept` asks for (`RegistryCache.answer`); a 404 is the registry's JSON error.
 * Its `answer` rejects when the cache's does (a failed download, a malformed request path): the
 * stub then answers 502.
 */
export function cacheSource(cache: RegistryCache): RegistrySource {
  return {
    description: `local stub serving the registry cache (recorded from ${cache.upstream})`,
    origin: cache.upstream,
    immutable: true,
    answer: async (requestPath, accept) => {
      const answer = await cache.answer(requestPath, accept)
      return answer.status === 200 ? answer : NOT_FOUND
    }
  }
}

/** A recorded package of `__tests__/fixtures` (`packuments/<packument>`, `tarballs/<tarball>`). */
export interface FixturePackage {
  name: string
  version: string
  /** File name under `packuments/`. */
  packument: string
  /** File name under `tarballs/`. */
  tarball: string
}

/**
 * The recorded fixtures: the packuments of `packages` (plus `extraPackuments`, name → file), full,
 * whatever the `Accept`, and their tarballs at the registry's tarball paths; everything else is
 * 404. Its `answer` throws when a request path holds a malformed `%` escape (URIError) or a
 * fixture file cannot be read: the stub then answers 502.
 * @param fixtures the `__tests__/fixtures` directory.
 */
export function fixtureSource(
  fixtures: string,
  packages: readonly FixturePackage[],
  extraPackuments: Record<string, string> = {}
): RegistrySource {
  const packuments = new Map<string, string>([
    ...packages.map((p): [string, string] => [`/${p.name}`, p.packument]),
    ...Object.entries(extraPackuments).map(([name, file]): [string, string] => [`/${name}`, file])
  ])
  const tarballs = new Map<string, string>(
    packages.map((p): [string, string] => [
      `/${p.name}/-/${p.name.slice(p.name.lastIndexOf('/') + 1)}-${p.version}.tgz`,
      p.tarball
    ])
  )
  return {
    description: 'local stub serving the recorded fixtures',
    origin: DEFAULT_NPM_REGISTRY,
    immutable: true,
    answer: (requestPath) => {
      const key = registryPath(requestPath)
      const packument = packuments.get(key.toLowerCase())
      if (packument !== undefined) {
        return Promise.resolve({
          status: 200,
          body: readFileSync(path.join(fixtures, 'packuments', packument)),
          contentType: 'application/json'
        })
      }
      const tarball = tarballs.get(key)
      if (tarball !== undefined) {
        return Promise.resolve({
          status: 200,
          body: readFileSync(path.join(fixtures, 'tarballs', tarball)),
          contentType: 'application/octet-stream'
        })
      }
      return Promise.resolve(NOT_FOUND)
    }
  }
}

/**
 * Every request forwarded to `upstream` (a real registry, no retries: what it answers is what the
 * stub answers) with its `Accept`, for counting the requests a real run makes.
 * Its `answer` rejects with `HttpError`/`NetworkError` (`src/net/http.ts`) when upstream cannot
 * be reached, keeps failing with a retryable status, or answers more than `MAX_ANSWER_BYTES`:
 * the stub then answers 502.
 */
export function proxySource(upstream: string): RegistrySource {
  const origin = upstream.replace(/\/+$/, '')
  const http = new HttpClient({ timeoutMs: 30_000, retries: 0 })
  return {
    description: `local counting proxy of ${origin}`,
    origin,
    immutable: false,
    answer: async (requestPath, accept) => {
      const answer = await http.get(`${origin}${requestPath}`, {
        headers: accept === undefined ? {} : { accept },
        maxBytes: MAX_ANSWER_BYTES
      })
      return {
        status: answer.status,
        body: answer.body,
        contentType: answer.headers.get('content-type') ?? 'application/octet-stream'
      }
    }
  }
}

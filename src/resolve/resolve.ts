/**
 * Resolution (SPEC §4): identify every server entry, then ask the npm registry about npm
 * packages — unpinned specs (none, `latest`, a tag, a range) resolve to the version npm would
 * install today (`NpmRegistryClient.pickVersion`, status `registry`), exact versions are checked to
 * exist (status `exact`, or `not-found`). Registry failures become status `error` with the
 * reason, never a throw. Unpinned PyPI requirements resolve the same way against PyPI's JSON
 * API (`PypiClient.pickVersion`: the highest final, non-yanked release the specifier allows);
 * OCI tags are not resolved over the network.
 *
 * Each package is fetched once per run (the client memoises packuments); requests run with
 * bounded concurrency (`p-limit`).
 *
 * With a grade cache (issue 5), a pinned exact npm version whose grade the cache holds
 * (`knownExact`) is taken as `exact` without the packument GET: it existed when it was graded, and
 * registry versions are immutable. Unpinned specs are resolved on every run all the same.
 */
import pLimit from 'p-limit'
import { type Logger, silentLogger } from '../log.js'
import { redactUrl } from '../net/http.js'
import { identifyServer } from './identify.js'
import { type NpmRegistryClient, PackageNotFoundError } from './npm-registry.js'
import { npmPurl, pypiPurl } from './purl.js'
import { PYPI_UNRESOLVED_MESSAGE } from './pypi-idiom.js'
import { type PypiClient, PypiNotFoundError } from './pypi-registry.js'
import type { PackageIdentity, ResolvedServer } from './types.js'
import type { ServerEntry } from '../config/types.js'

/** Default number of registry look-ups in flight at once. */
export const DEFAULT_RESOLVE_CONCURRENCY = 8

/** Options of `resolveServers`. */
export interface ResolveOptions {
  /** npm registry client; null for an offline run (nothing is fetched). */
  npm: NpmRegistryClient | null
  /** PyPI client; null or absent: PyPI versions stay unresolved. */
  pypi?: PypiClient | null
  /** Look-ups in flight at once (integer ≥ 1; default 8). */
  concurrency?: number
  logger?: Logger
  /**
   * Whether the grade cache holds the grade of this exact Package URL (asked only for pinned
   * exact npm versions). True: the entry is `exact` without a registry request, with the
   * resolution message `KNOWN_FROM_CACHE_MESSAGE`. A rejection counts as false.
   */
  knownExact?: (purl: string) => Promise<boolean>
}

/** The resolution message of a pinned version taken from the grade cache (no registry request). */
export const KNOWN_FROM_CACHE_MESSAGE = 'version known from the grade cache'

/**
 * Identify and resolve `entries` (see the module doc). The result has one `ResolvedServer` per
 * entry, in input order. Never rejects for registry problems: they are recorded in
 * `package.resolution`.
 */
export async function resolveServers(
  entries: ServerEntry[],
  options: ResolveOptions
): Promise<ResolvedServer[]> {
  const identified = entries.map(identifyServer)
  const { npm } = options
  if (npm === null) return identified
  const pypi = options.pypi ?? null
  const logger = options.logger ?? silentLogger
  const limit = pLimit(concurrencyOf(options.concurrency))
  const knownExact = options.knownExact
  return Promise.all(
    identified.map((server) => {
      if (needsRegistry(server.package)) {
        return limit(async () =>
          knownExact !== undefined && (await isKnownExact(server.package, knownExact))
            ? knownFromCache(server, logger)
            : resolveNpm(server, npm, logger)
        )
      }
      if (pypi !== null && needsPypi(server.package)) {
        return limit(() => resolvePypi(server, pypi, logger))
      }
      return Promise.resolve(server)
    })
  )
}

/** Whether `p` is a pinned exact npm version whose grade the cache holds; never rejects. */
async function isKnownExact(
  p: PackageIdentity,
  knownExact: (purl: string) => Promise<boolean>
): Promise<boolean> {
  if (!p.pinned || p.version === null || p.purl === null || p.resolution.status !== 'exact') {
    return false
  }
  try {
    return (await knownExact(p.purl)) === true
  } catch {
    return false
  }
}

function knownFromCache(server: ResolvedServer, logger: Logger): ResolvedServer {
  const p = server.package
  logger.debug(`npm: ${p.name ?? ''}@${p.version ?? ''} → ${KNOWN_FROM_CACHE_MESSAGE}`)
  return {
    ...server,
    package: { ...p, resolution: { status: 'exact', message: KNOWN_FROM_CACHE_MESSAGE } }
  }
}

/** Unpinned PyPI requirements PyPI can answer (`PYPI_UNRESOLVED_MESSAGE`). */
function needsPypi(p: PackageIdentity): boolean {
  return (
    p.ecosystem === 'pypi' &&
    p.name !== null &&
    p.resolution.status === 'unresolved' &&
    p.resolution.message === PYPI_UNRESOLVED_MESSAGE
  )
}

async function resolvePypi(
  server: ResolvedServer,
  pypi: PypiClient,
  logger: Logger
): Promise<ResolvedServer> {
  const p = server.package
  const name = p.name!
  const spec = p.versionSpec === null || p.versionSpec === 'latest' ? '' : p.versionSpec
  const wanted = spec === '' ? name : `${name}${/^[\s=<>!~]/.test(spec) ? '' : ' '}${spec}`
  let resolution: PackageIdentity['resolution']
  try {
    const picked = pypi.pickVersion(await pypi.getProject(name), spec)
    logger.debug(`pypi: ${wanted} → ${picked.version}`)
    return {
      ...server,
      package: {
        ...p,
        version: picked.version,
        purl: pypiPurl(name, picked.version),
        resolution: { status: 'registry', message: `unpinned (resolves to ${picked.version})` }
      }
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    resolution =
      error instanceof PypiNotFoundError
        ? {
            status: 'not-found',
            message: `${reason}; if this index is a mirror it may hold only some projects and releases`
          }
        : { status: 'error', message: `could not ask PyPI about ${wanted}: ${reason}` }
    logger.debug(`pypi: ${wanted}: ${resolution.message ?? ''}`)
  }
  return { ...server, package: { ...p, resolution } }
}

function concurrencyOf(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value)) return DEFAULT_RESOLVE_CONCURRENCY
  return Math.max(1, Math.floor(value))
}

/** npm registry packages with a spec the registry can answer: exact, or unpinned and unresolved. */
function needsRegistry(p: PackageIdentity): boolean {
  return (
    p.ecosystem === 'npm' &&
    p.name !== null &&
    (p.resolution.status === 'exact' || p.resolution.status === 'offline')
  )
}

async function resolveNpm(
  server: ResolvedServer,
  npm: NpmRegistryClient,
  logger: Logger
): Promise<ResolvedServer> {
  const p = server.package
  const name = p.name!
  const exact = p.pinned && p.version !== null
  const spec = exact ? p.version! : (p.versionSpec ?? '')
  const wanted = `${name}@${spec || 'latest'}`
  let stage: 'package' | 'version' = 'package'
  let resolved: PackageIdentity
  try {
    await npm.getPackument(name)
    stage = 'version'
    const picked = await npm.pickVersion(name, spec)
    resolved = exact
      ? { ...p, resolution: { status: 'exact' } }
      : {
          ...p,
          version: picked.version,
          purl: npmPurl(name, picked.version),
          resolution: { status: 'registry', message: `unpinned (resolves to ${picked.version})` }
        }
    logger.debug(`npm: ${wanted} → ${picked.version}`)
  } catch (error) {
    resolved = {
      ...p,
      resolution: failure(error, stage, wanted, exact, registryForMessages(npm.registry))
    }
    logger.debug(`npm: ${wanted}: ${resolved.resolution.message ?? ''}`)
  }
  return { ...server, package: resolved }
}

/**
 * The resolution of a failed look-up: `not-found` (said plainly: mirrors are partial) or `error`.
 * `registry` must already be redacted (`redactUrl`): it is shown in the message.
 */
function failure(
  error: unknown,
  stage: 'package' | 'version',
  wanted: string,
  exact: boolean,
  registry: string
): PackageIdentity['resolution'] {
  if (error instanceof PackageNotFoundError) {
    const name = wanted.slice(0, wanted.lastIndexOf('@'))
    let message: string
    if (stage === 'package') {
      message = `${name} is not on the npm registry ${registry} (404)`
    } else if (exact) {
      message = `${wanted} is not on the npm registry ${registry}: the package is listed but not this version`
    } else {
      message = `no version of ${name} on the npm registry ${registry} matches "${wanted.slice(name.length + 1)}"`
    }
    return {
      status: 'not-found',
      message: `${message}; if this registry is a mirror it may hold only some packages and versions`
    }
  }
  const reason = error instanceof Error ? error.message : String(error)
  return { status: 'error', message: `could not ask the npm registry about ${wanted}: ${reason}` }
}

/** A registry base URL as messages show it: `redactUrl` (no credentials or tokens), no final `/`. */
function registryForMessages(registry: string): string {
  return redactUrl(registry).replace(/\/$/, '')
}

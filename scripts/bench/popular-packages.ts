/**
 * Which real npm packages the benchmarks grade: the most used npm servers of the corpus
 * (`corpusNpmUsage`) that the registry holds, each at the version the corpus runs most, and
 * further versions of them for configs of many distinct servers. The registry here may be a
 * partial mirror: packages, versions and tarballs it lacks are skipped and reported.
 */
import semver from 'semver'
import {
  type NpmRegistryClient,
  PackageNotFoundError,
  type Packument
} from '../../src/resolve/npm-registry.js'
import type { NpmPackageUsage } from './corpus.js'
import type { RegistryCache } from './registry-cache.js'

/** A package version chosen for benchmarking, its packument and tarball in the cache. */
export interface BenchPackage {
  name: string
  version: string
  /** Server entries of the corpus launching the package (any version). */
  corpusEntries: number
  /** The version's tarball URL (`dist.tarball`), in the cache. */
  tarball: string
}

/** Something wanted that the registry could not give. */
export interface SkippedPackage {
  name: string
  /** The version, when the package exists but that version or its tarball does not. */
  version?: string
  reason: string
}

/** What `pickPopularPackages` chose. */
export interface PopularPackages {
  packages: BenchPackage[]
  skipped: SkippedPackage[]
}

/** Options of `pickPopularPackages`. */
export interface PickOptions {
  /** How many packages are wanted. */
  count: number
  npm: NpmRegistryClient
  cache: RegistryCache
  /**
   * Why a chosen package version cannot be used (e.g. it is not graded), or null when it can;
   * an unusable one is skipped with that reason, for the next package. Default: all usable.
   */
  usable?: (p: BenchPackage) => Promise<string | null>
}

/**
 * The first `count` packages of `usage` (most used first) that exist with a downloadable
 * tarball. Each is taken at the version most corpus entries would run today: a pinned entry runs
 * its version, an unpinned one what `latest` resolves to (`pickVersion`, as the gate resolves);
 * ties go to `latest`, then to the higher version. A version missing from the registry, or whose
 * tarball is missing, is skipped for the next most used one; a package whose chosen version is
 * not `usable`, for the next package. Packuments and tarballs are fetched
 * through `cache` (downloaded once).
 * @throws Error when the registry fails other than with a 404 (the benchmark cannot go on).
 */
export async function pickPopularPackages(
  usage: readonly NpmPackageUsage[],
  options: PickOptions
): Promise<PopularPackages> {
  const packages: BenchPackage[] = []
  const skipped: SkippedPackage[] = []
  for (const u of usage) {
    if (packages.length >= options.count) break
    let packument: Packument
    try {
      packument = await options.npm.getPackument(u.name)
    } catch (error) {
      if (!(error instanceof PackageNotFoundError)) throw error
      skipped.push({ name: u.name, reason: 'not on the registry (404)' })
      continue
    }
    const latest = (await options.npm.pickVersion(u.name, 'latest').catch(() => null))?.version
    let chosen: BenchPackage | undefined
    for (const version of versionsByUse(u, latest)) {
      const tarball = await cachedTarball(packument, version, options)
      if (tarball.ok) {
        chosen = { name: u.name, version, corpusEntries: u.entries, tarball: tarball.url }
        break
      }
      skipped.push({ name: u.name, version, reason: tarball.problem })
    }
    if (chosen === undefined) {
      if (latest === undefined) skipped.push({ name: u.name, reason: 'no installable version' })
      continue
    }
    const problem = options.usable ? await options.usable(chosen) : null
    if (problem === null) packages.push(chosen)
    else skipped.push({ name: u.name, version: chosen.version, reason: problem })
  }
  return { packages, skipped }
}

/** The versions the corpus entries of `u` run, most run first (see `pickPopularPackages`). */
function versionsByUse(u: NpmPackageUsage, latest: string | undefined): string[] {
  const runs = new Map<string, number>()
  if (latest !== undefined && u.entries > u.pinnedVersions.length) {
    runs.set(latest, u.entries - u.pinnedVersions.length)
  }
  for (const v of u.pinnedVersions) runs.set(v, (runs.get(v) ?? 0) + 1)
  return [...runs.entries()]
    .sort(
      ([a, na], [b, nb]) =>
        nb - na ||
        Number(b === latest) - Number(a === latest) ||
        (semver.valid(a) && semver.valid(b) ? semver.rcompare(a, b) : a.localeCompare(b))
    )
    .map(([v]) => v)
}

/**
 * The tarball URL of `version` of a packument when the tarball is in the cache (downloading it
 * when needed), else why it cannot be graded here (not in the packument, unusable manifest,
 * tarball missing).
 */
async function cachedTarball(
  packument: Packument,
  version: string,
  options: Omit<PickOptions, 'count' | 'usable'>
): Promise<{ ok: true; url: string } | { ok: false; problem: string }> {
  let url: string
  try {
    url = options.npm.manifest(packument, version).dist.tarball
  } catch (error) {
    const problem =
      error instanceof PackageNotFoundError
        ? 'version not on the registry'
        : `unusable manifest: ${error instanceof Error ? error.message : String(error)}`
    return { ok: false, problem }
  }
  const answer = await options.cache.answer(url)
  return answer.status === 200
    ? { ok: true, url }
    : { ok: false, problem: 'tarball not on the registry' }
}

/**
 * Up to `count` further versions of `p` (not `p.version`) with a downloadable tarball, newest
 * first by semver, releases only (no prereleases), for configs of many distinct servers.
 * @throws Error when the registry fails other than with a 404.
 */
async function furtherVersions(
  p: BenchPackage,
  count: number,
  options: Omit<PickOptions, 'count' | 'usable'>
): Promise<BenchPackage[]> {
  const packument = await options.npm.getPackument(p.name)
  const candidates = Object.keys(packument.versions)
    .filter((v) => v !== p.version && semver.valid(v) !== null && semver.prerelease(v) === null)
    .sort(semver.rcompare)
  const found: BenchPackage[] = []
  for (const version of candidates) {
    if (found.length >= count) break
    const tarball = await cachedTarball(packument, version, options)
    if (tarball.ok) found.push({ ...p, version, tarball: tarball.url })
  }
  return found
}

/**
 * `total` distinct package versions for configs of many distinct servers: round-robin over
 * `packages` (most used first) — first each package's chosen version, then each one's newest
 * further version (`furtherVersions`), and so on — so that any prefix mixes the packages evenly.
 * Fewer are returned when the packages do not have enough versions.
 * @throws Error when the registry fails other than with a 404.
 */
export async function distinctVersions(
  packages: readonly BenchPackage[],
  total: number,
  options: Omit<PickOptions, 'count' | 'usable'>
): Promise<BenchPackage[]> {
  let want = Math.max(0, Math.ceil(total / Math.max(1, packages.length)) - 1)
  let further: BenchPackage[][] = []
  for (;;) {
    further = await Promise.all(packages.map((p) => furtherVersions(p, want, options)))
    const available = packages.length + further.reduce((sum, list) => sum + list.length, 0)
    // Enough, or no package has more versions to give.
    if (available >= total || further.every((list) => list.length < want)) break
    want += 1
  }
  const columns = packages.map((p, i) => [p, ...further[i]!])
  const result: BenchPackage[] = []
  for (let level = 0; result.length < total; level++) {
    const row = columns.flatMap((column) => (level < column.length ? [column[level]!] : []))
    if (row.length === 0) break
    result.push(...row.slice(0, total - result.length))
  }
  return result
}

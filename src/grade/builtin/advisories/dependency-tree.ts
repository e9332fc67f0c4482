/**
 * The production dependencies an npm package version brings when `npx` installs it, so their
 * advisories can be checked too.
 *
 * - When the tarball ships an `npm-shrinkwrap.json` (the one lockfile npm honours in a published
 *   package), that is exactly what npm installs: lockfile versions 1 (`dependencies` tree with
 *   `requires`), 2 and 3 (`packages` by install location). The graph is walked from the root
 *   through `dependencies` and `optionalDependencies` with Node's module resolution (a
 *   package's own `node_modules`, then its parents'), so `via` is the logical chain. Entries
 *   flagged `dev` or `devOptional` and `link` entries are skipped.
 * - Otherwise every `dependencies` and `optionalDependencies` range is resolved, transitively,
 *   to the version npm would pick today (`NpmRegistryClient.pickDependencyVersion`: npm-pick-manifest's
 *   rules, from one-version documents where they settle the pick).
 *
 * Deduplicated by name@version (the first, shortest chain is kept), bounded (packages, depth),
 * with bounded registry concurrency. A dependency that cannot be resolved is listed in
 * `unresolved`, never fatal.
 */
import npa from 'npm-package-arg'
import pLimit from 'p-limit'
import semver from 'semver'
import { z } from 'zod'
import { type Logger, silentLogger } from '../../../log.js'
import type { NpmRegistryClient } from '../../../resolve/npm-registry.js'

/** One installed dependency: exact version and the chain that brings it. */
export interface DependencyPackage {
  name: string
  version: string
  /**
   * The chain from the root to the package that requires this one, as `name@version`,
   * root first (`['mcp-remote@0.1.15', 'express@4.21.2']` for a dependency of express).
   */
  via: string[]
}

/** A dependency that could not be pinned to a version. */
export interface UnresolvedDependency {
  name: string
  /** The range (or spec) as declared. */
  range: string
  /** Why, for people. */
  reason: string
}

/** What `productionDependencies` found. */
export interface DependencyTree {
  packages: DependencyPackage[]
  source: 'shrinkwrap' | 'resolved'
  unresolved: UnresolvedDependency[]
  /** True when a limit (packages or depth) stopped the walk: the list is incomplete. */
  truncated: boolean
}

/** Bounds of the walk. */
export interface DependencyTreeLimits {
  /** Most packages listed. Default 1500. */
  maxPackages: number
  /** Deepest chain followed (direct dependencies are depth 1). Default 25. */
  maxDepth: number
  /** Parallel registry look-ups. Default 8. */
  concurrency: number
}

export const DEFAULT_DEPENDENCY_TREE_LIMITS: Readonly<DependencyTreeLimits> = Object.freeze({
  maxPackages: 1500,
  maxDepth: 25,
  concurrency: 8
})

/** The package version whose dependencies are wanted. */
export interface DependencyTreeInput {
  name: string
  version: string
  /** `dependencies` of the version's manifest. */
  dependencies?: Record<string, string>
  /** `optionalDependencies` of the version's manifest. */
  optionalDependencies?: Record<string, string>
  /** Content of the tarball's `npm-shrinkwrap.json`, when it has one. */
  shrinkwrap?: string | Uint8Array | null
  /** Registry used when there is no (usable) shrinkwrap. */
  registry: Pick<NpmRegistryClient, 'pickDependencyVersion'>
  logger?: Logger
  limits?: Partial<DependencyTreeLimits>
  /**
   * Stops resolving from the registry: once aborted, no further look-up starts and the walk
   * ends at the current level (`truncated`). For a walk started before it is known whether
   * its result is needed.
   */
  signal?: AbortSignal
}

/**
 * The production dependencies of `input` (see the module doc). Never rejects for a dependency
 * problem: those are listed in `unresolved`; an unusable shrinkwrap falls back to resolving
 * (with a warning).
 */
export async function productionDependencies(input: DependencyTreeInput): Promise<DependencyTree> {
  const limits = { ...DEFAULT_DEPENDENCY_TREE_LIMITS, ...input.limits }
  const logger = input.logger ?? silentLogger
  if (input.shrinkwrap != null) {
    const locations = readShrinkwrap(input, logger)
    if (locations) return walkShrinkwrap(input, locations, limits)
  }
  return resolveFromRegistry(input, limits)
}

// ── npm-shrinkwrap.json ──────────────────────────────────────────────────────────────────────

const DependencyMapSchema = z.record(z.string(), z.string()).optional().catch(undefined)

const PackagesEntrySchema = z.looseObject({
  name: z.string().optional().catch(undefined),
  version: z.string().optional().catch(undefined),
  dev: z.boolean().optional().catch(undefined),
  devOptional: z.boolean().optional().catch(undefined),
  optional: z.boolean().optional().catch(undefined),
  link: z.boolean().optional().catch(undefined),
  dependencies: DependencyMapSchema,
  optionalDependencies: DependencyMapSchema
})

interface V1Entry {
  version?: string | undefined
  dev?: boolean | undefined
  optional?: boolean | undefined
  requires?: Record<string, string> | undefined
  dependencies?: Record<string, V1Entry> | undefined
}

const V1EntrySchema: z.ZodType<V1Entry> = z.lazy(() =>
  z.looseObject({
    version: z.string().optional().catch(undefined),
    dev: z.boolean().optional().catch(undefined),
    optional: z.boolean().optional().catch(undefined),
    requires: z.record(z.string(), z.string()).optional().catch(undefined),
    dependencies: z.record(z.string(), V1EntrySchema).optional()
  })
)

const ShrinkwrapSchema = z.looseObject({
  lockfileVersion: z.number().int().min(1).optional(),
  packages: z.record(z.string(), PackagesEntrySchema).optional(),
  dependencies: z.record(z.string(), V1EntrySchema).optional()
})

/** One install location (`node_modules/a/node_modules/b`), normalised across lockfile versions. */
interface Location {
  name: string
  version: string | undefined
  dev: boolean
  link: boolean
  dependencies: Record<string, string>
  optionalDependencies: Record<string, string>
}

/** Install locations by path (`''` is the root); null when the shrinkwrap is unusable. */
function readShrinkwrap(input: DependencyTreeInput, logger: Logger): Map<string, Location> | null {
  const text =
    typeof input.shrinkwrap === 'string'
      ? input.shrinkwrap
      : new TextDecoder('utf-8').decode(input.shrinkwrap ?? new Uint8Array())
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    logger.warning(
      `${input.name}@${input.version}: npm-shrinkwrap.json is not valid JSON (${(error as Error).message}); resolving dependencies from the registry instead`
    )
    return null
  }
  const parsed = ShrinkwrapSchema.safeParse(json)
  if (!parsed.success) {
    logger.warning(
      `${input.name}@${input.version}: npm-shrinkwrap.json is not a lockfile (${z.prettifyError(parsed.error)}); resolving dependencies from the registry instead`
    )
    return null
  }
  const lock = parsed.data
  const locations = new Map<string, Location>()
  const rootDeps = {
    dependencies: input.dependencies ?? {},
    optionalDependencies: input.optionalDependencies ?? {}
  }
  if (lock.packages && (lock.lockfileVersion ?? 2) >= 2) {
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '') continue
      const folder = lastSegment(path)
      if (folder === null) continue
      locations.set(path, {
        name: entry.name ?? folder,
        version: entry.version,
        dev: entry.dev === true || entry.devOptional === true,
        link: entry.link === true,
        dependencies: entry.dependencies ?? {},
        optionalDependencies: entry.optionalDependencies ?? {}
      })
    }
    const root = lock.packages['']
    locations.set('', {
      name: input.name,
      version: input.version,
      dev: false,
      link: false,
      dependencies: root?.dependencies ?? rootDeps.dependencies,
      optionalDependencies: root?.optionalDependencies ?? rootDeps.optionalDependencies
    })
    return locations
  }
  if (lock.dependencies) {
    addV1(lock.dependencies, '', locations)
    locations.set('', {
      name: input.name,
      version: input.version,
      dev: false,
      link: false,
      ...rootDeps
    })
    return locations
  }
  logger.warning(
    `${input.name}@${input.version}: npm-shrinkwrap.json lists no packages; resolving dependencies from the registry instead`
  )
  return null
}

/** Flatten a lockfile v1 `dependencies` tree into install locations. */
function addV1(tree: Record<string, V1Entry>, parent: string, out: Map<string, Location>): void {
  for (const [folder, entry] of Object.entries(tree)) {
    const path = `${parent === '' ? '' : `${parent}/`}node_modules/${folder}`
    let name = folder
    let version = entry.version
    // An alias: `"version": "npm:real-name@1.2.3"`.
    const alias = version?.match(/^npm:((?:@[^/@]+\/)?[^@]+)@(.+)$/)
    if (alias?.[1] && alias[2]) {
      name = alias[1]
      version = alias[2]
    }
    out.set(path, {
      name,
      version,
      dev: entry.dev === true,
      link: false,
      // v1 `requires` holds both regular and optional requirements.
      dependencies: entry.requires ?? {},
      optionalDependencies: {}
    })
    if (entry.dependencies) addV1(entry.dependencies, path, out)
  }
}

/** The package folder of an install path (`node_modules/@s/x` → `@s/x`); null if not one. */
function lastSegment(path: string): string | null {
  const at = path.lastIndexOf('node_modules/')
  if (at < 0) return null
  const folder = path.slice(at + 'node_modules/'.length)
  return folder === '' ? null : folder
}

/** The location that holds the package of an install path (`''` for top-level ones). */
function parentOf(path: string): string {
  const at = path.lastIndexOf('/node_modules/')
  return at < 0 ? '' : path.slice(0, at)
}

/** Node's module resolution: `from/node_modules/name`, then the same from each parent. */
function resolveLocation(
  locations: Map<string, Location>,
  from: string,
  name: string
): string | null {
  let dir = from
  for (;;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`
    if (locations.has(candidate)) return candidate
    if (dir === '') return null
    dir = parentOf(dir)
  }
}

function walkShrinkwrap(
  input: DependencyTreeInput,
  locations: Map<string, Location>,
  limits: DependencyTreeLimits
): DependencyTree {
  const packages: DependencyPackage[] = []
  const unresolved: UnresolvedDependency[] = []
  const listed = new Set<string>()
  const expanded = new Set<string>([''])
  let truncated = false
  let level: { path: string; via: string[] }[] = [{ path: '', via: [] }]
  for (let depth = 1; level.length > 0; depth += 1) {
    if (depth > limits.maxDepth) {
      truncated = true
      break
    }
    const next: typeof level = []
    for (const { path, via } of level) {
      const location = locations.get(path)
      if (!location) continue
      const chain = [...via, `${location.name}@${location.version ?? '?'}`]
      const wanted: [string, string, boolean][] = [
        ...Object.entries(location.dependencies).map(([n, r]): [string, string, boolean] => [
          n,
          r,
          false
        ]),
        ...Object.entries(location.optionalDependencies).map(
          ([n, r]): [string, string, boolean] => [n, r, true]
        )
      ]
      for (const [name, range, optional] of wanted) {
        const found = resolveLocation(locations, path, name)
        const entry = found === null ? undefined : locations.get(found)
        if (found === null || !entry) {
          // Optional dependencies are often absent on purpose (other platforms).
          if (!optional) unresolved.push({ name, range, reason: 'not in npm-shrinkwrap.json' })
          continue
        }
        if (entry.dev || entry.link) continue
        if (!entry.version || semver.valid(entry.version) === null) {
          unresolved.push({
            name: entry.name,
            range,
            reason: `npm-shrinkwrap.json gives no registry version (${entry.version ?? 'none'})`
          })
          continue
        }
        const id = `${entry.name}@${entry.version}`
        if (!listed.has(id)) {
          if (packages.length >= limits.maxPackages) {
            truncated = true
            return { packages, source: 'shrinkwrap', unresolved, truncated }
          }
          listed.add(id)
          packages.push({ name: entry.name, version: entry.version, via: chain })
        }
        if (!expanded.has(found)) {
          expanded.add(found)
          next.push({ path: found, via: chain })
        }
      }
    }
    level = next
  }
  return { packages, source: 'shrinkwrap', unresolved, truncated }
}

// ── resolved from the registry ───────────────────────────────────────────────────────────────

interface Wanted {
  name: string
  range: string
  via: string[]
}

async function resolveFromRegistry(
  input: DependencyTreeInput,
  limits: DependencyTreeLimits
): Promise<DependencyTree> {
  const limit = pLimit(limits.concurrency)
  const picks = new Map<string, Promise<Picked>>()
  const packages: DependencyPackage[] = []
  const unresolved: UnresolvedDependency[] = []
  const listed = new Set<string>()
  let truncated = false
  const rootChain = [`${input.name}@${input.version}`]
  let level: Wanted[] = declared(input.dependencies, input.optionalDependencies, rootChain)

  for (let depth = 1; level.length > 0; depth += 1) {
    if (depth > limits.maxDepth || input.signal?.aborted) {
      truncated = true
      break
    }
    const results = await Promise.all(
      level.map((want) => {
        const memo = `${want.name}@${want.range}`
        let pending = picks.get(memo)
        if (!pending) {
          pending = limit(() =>
            input.signal?.aborted
              ? Promise.resolve({ reason: 'not looked up: the walk was stopped' })
              : pick(input.registry, want.name, want.range)
          )
          picks.set(memo, pending)
        }
        return pending
      })
    )
    const next: Wanted[] = []
    for (const [i, result] of results.entries()) {
      const want = level[i] as Wanted
      if ('reason' in result) {
        unresolved.push({ name: want.name, range: want.range, reason: result.reason })
        continue
      }
      const id = `${result.name}@${result.version}`
      if (listed.has(id)) continue
      if (packages.length >= limits.maxPackages) {
        truncated = true
        return { packages, source: 'resolved', unresolved, truncated }
      }
      listed.add(id)
      packages.push({ name: result.name, version: result.version, via: want.via })
      next.push(...declared(result.dependencies, result.optionalDependencies, [...want.via, id]))
    }
    level = next
  }
  return { packages, source: 'resolved', unresolved, truncated }
}

function declared(
  dependencies: Record<string, string> | undefined,
  optionalDependencies: Record<string, string> | undefined,
  via: string[]
): Wanted[] {
  const all = { ...dependencies, ...optionalDependencies }
  return Object.entries(all).map(([name, range]) => ({ name, range, via }))
}

type Picked =
  | {
      name: string
      version: string
      dependencies?: Record<string, string> | undefined
      optionalDependencies?: Record<string, string> | undefined
    }
  | { reason: string }

/** The version npm would install for `name@range`, or why not. Never rejects. */
async function pick(
  registry: Pick<NpmRegistryClient, 'pickDependencyVersion'>,
  name: string,
  range: string
): Promise<Picked> {
  let target = name
  let spec = range
  try {
    const parsed = npa.resolve(name, range)
    if (parsed.type === 'alias' && parsed.subSpec) {
      target = parsed.subSpec.name ?? name
      spec = parsed.subSpec.rawSpec
    } else if (parsed.type !== 'tag' && parsed.type !== 'version' && parsed.type !== 'range') {
      return { reason: `not from the npm registry (${parsed.type} dependency)` }
    }
  } catch (error) {
    return { reason: `not a valid dependency spec: ${(error as Error).message}` }
  }
  try {
    const picked = await registry.pickDependencyVersion(target, spec)
    return {
      name: target,
      version: picked.version,
      dependencies: picked.manifest.dependencies,
      optionalDependencies: picked.manifest.optionalDependencies
    }
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) }
  }
}

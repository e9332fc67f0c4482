/**
 * The package-level half of the built-in grader: for one npm `name@version`, fetch the packument
 * and the exact tarball and run every package rule (`PACKAGE_RULES`). Done once per package per
 * run by the grader (`index.ts`); the config-entry half is per entry.
 */
import type { HttpClient } from '../../net/http.js'
import type { Logger } from '../../log.js'
import {
  type NpmRegistryClient,
  PackageNotFoundError,
  type Packument,
  RegistryError,
  type VersionManifest
} from '../../resolve/npm-registry.js'
import type { DeclaredTool, Finding } from '../report.js'
import { checkCompatibility } from './compatibility-rules.js'
import { checkDocs } from './docs-rules.js'
import { checkInstallBehaviour } from './install-rules.js'
import { checkLicense } from './license-rules.js'
import { checkRegistryMetadata } from './metadata-rules.js'
import type { PackageReadLimits } from './package-files.js'
import { checkAdvisories } from './advisories/advisory-rules.js'
import {
  type DependencyTree,
  type DependencyTreeInput,
  productionDependencies
} from './advisories/dependency-tree.js'
import type { AdvisorySource } from './advisories/source.js'
import type { PackageFiles } from './package-files.js'
import { checkMcpSdk } from './sdk-rules.js'
import { analyzeJsPackage } from './source/js-analysis.js'
import { declaredToolsFromRegistrations } from './tools/js-declared-tools.js'
import { checkDeclaredTools } from './tools/rules.js'
import { fetchPackageFiles, TarballError } from './tarball.js'
import { checkUnsafeEntries, readTarballPackageJson } from './tarball-rules.js'

/** What the package-level work needs. */
export interface PackageAssessmentContext {
  npm: NpmRegistryClient
  http: HttpClient
  now: () => Date
  logger: Logger
  /** Largest compressed tarball downloaded, in bytes (default 50 MiB). */
  maxTarballBytes?: number
  /** Limits for reading the tarball (defaults in `package-files.ts`). */
  readLimits?: Partial<PackageReadLimits>
  /**
   * Where known advisories are looked up (OSV API or a local OSV database); null when turned
   * off (`advisory-url: off`): the package then gets `advisory.not-checked`.
   */
  advisories: AdvisorySource | null
}

/**
 * The outcome of assessing one package version:
 * - `assessed`: the package findings, and the tools the server declares (null: not looked at);
 * - `not-found`: the registry has no such package or version (the grader answers `ungraded`);
 * - `error`: registry or tarball failure, integrity mismatch, unreadable or partly read tarball,
 *   a `package.json` too large to read (the grader answers `error`). Messages hold no credentials.
 */
export type PackageAssessment =
  | { kind: 'assessed'; findings: Finding[]; tools: DeclaredTool[] | null }
  | { kind: 'not-found'; message: string }
  | { kind: 'error'; message: string }

/**
 * Assess `name@version` (an exact version). Never rejects: every failure is an outcome.
 */
export async function assessNpmPackage(
  name: string,
  version: string,
  context: PackageAssessmentContext
): Promise<PackageAssessment> {
  const { npm, http, logger } = context
  let packument: Packument
  let manifest: VersionManifest
  try {
    packument = await npm.getPackument(name)
    manifest = npm.manifest(packument, version)
  } catch (error) {
    if (error instanceof PackageNotFoundError) return { kind: 'not-found', message: error.message }
    if (error instanceof RegistryError) return { kind: 'error', message: error.message }
    return {
      kind: 'error',
      message: `reading ${name}@${version} from the registry failed: ${text(error)}`
    }
  }
  // Without an npm-shrinkwrap.json the dependencies are resolved from the registry alone, so
  // that walk starts now, beside the download; a tarball that does ship one stops it.
  const early = manifest._hasShrinkwrap === true ? null : startRegistryWalk(manifest, context)
  try {
    logger.debug(`builtin grader: downloading ${name}@${version}`)
    const files = await fetchPackageFiles(http, manifest.dist, {
      maxTarballBytes: context.maxTarballBytes,
      limits: context.readLimits
    })
    if (files.stopped) {
      return {
        kind: 'error',
        message: `${name}@${version}: ${files.stopped.message}; the package is not graded from a partial read`
      }
    }
    const unread = unreadPackageJson(files)
    if (unread) {
      return {
        kind: 'error',
        message: `${name}@${version}: ${unread}; the package is not graded without it`
      }
    }
    for (const skipped of files.skipped) {
      logger.debug(`builtin grader: ${name}@${version}: ${skipped.note}`)
    }
    const { findings, tools } = await assessPackageFiles(packument, manifest, files, context, early)
    return { kind: 'assessed', findings, tools }
  } catch (error) {
    if (error instanceof TarballError) {
      return { kind: 'error', message: `${name}@${version}: ${error.message}` }
    }
    return { kind: 'error', message: `grading ${name}@${version} failed: ${text(error)}` }
  } finally {
    early?.stop()
  }
}

/** A dependency walk from the registry under way (`startRegistryWalk`). */
interface RegistryWalk {
  /** The walk's result; never rejects. */
  tree: Promise<DependencyTree>
  /** Stop the walk (no further look-ups); harmless once it has ended. */
  stop: () => void
}

/**
 * Start resolving the production dependencies of `manifest` from the registry
 * (`productionDependencies` without a shrinkwrap), before the tarball is read.
 */
function startRegistryWalk(
  manifest: VersionManifest,
  context: Pick<PackageAssessmentContext, 'npm' | 'logger'>
): RegistryWalk {
  const controller = new AbortController()
  const tree = productionDependencies({
    ...dependencyTreeInput(manifest, context),
    signal: controller.signal
  })
  // Nobody awaits the walk when the tarball fails first: a rejection must not go unhandled.
  tree.catch(() => undefined)
  return { tree, stop: () => controller.abort() }
}

/** What `productionDependencies` needs of `manifest`: its dependency ranges, registry, logger. */
function dependencyTreeInput(
  manifest: VersionManifest,
  context: Pick<PackageAssessmentContext, 'npm' | 'logger'>
): DependencyTreeInput {
  return {
    name: manifest.name,
    version: manifest.version,
    dependencies: manifest.dependencies,
    optionalDependencies: manifest.optionalDependencies,
    registry: context.npm,
    logger: context.logger
  }
}

/**
 * The package findings of `name@version` from its registry documents and its tarball's files
 * (already downloaded and verified): registry metadata, install behaviour, tarball entries,
 * license, docs, MCP SDK, compatibility; the analysis of the code its entry points run
 * (`analyzeJsPackage`) and of the tools it declares (`checkDeclaredTools`); and the known
 * advisories of the version and of its production dependencies (`npm-shrinkwrap.json` when
 * shipped, else each range resolved as npm would today). Also returns the declared tools.
 * Rejects only on a programming error; analysis and advisory lookups never reject.
 * @param early the registry walk of `manifest`, when one was started already
 *   (`startRegistryWalk`), else null; used unless the files hold an `npm-shrinkwrap.json` (it
 *   is then stopped).
 */
export async function assessPackageFiles(
  packument: Packument,
  manifest: VersionManifest,
  files: PackageFiles,
  context: Pick<PackageAssessmentContext, 'npm' | 'now' | 'logger' | 'advisories'>,
  early: RegistryWalk | null = null
): Promise<{ findings: Finding[]; tools: DeclaredTool[] }> {
  const { npm } = context
  const packageJson = readTarballPackageJson(files)
  const shrinkwrap = files.files.get('npm-shrinkwrap.json') ?? null
  if (shrinkwrap !== null) early?.stop()
  const tree =
    early && shrinkwrap === null
      ? await early.tree
      : await productionDependencies({ ...dependencyTreeInput(manifest, context), shrinkwrap })
  for (const missing of tree.unresolved) {
    context.logger.debug(
      `builtin grader: ${manifest.name}@${manifest.version}: dependency ${missing.name}@${missing.range} not resolved: ${missing.reason}`
    )
  }
  const analysis = await analyzeJsPackage(files, packageJson.ok ? packageJson.json : null)
  for (const missed of analysis.notAnalysed) {
    context.logger.debug(
      `builtin grader: ${manifest.name}@${manifest.version}: ${missed.file} not analysed: ${missed.reason}`
    )
  }
  const tools = declaredToolsFromRegistrations(analysis.registrations)
  const advisories = await checkAdvisories({
    root: { ecosystem: 'npm', name: manifest.name, version: manifest.version },
    dependencies: tree.packages,
    source: context.advisories
  })
  const findings = [
    ...checkRegistryMetadata(packument, manifest, context.now()),
    ...checkInstallBehaviour(manifest, packageJson.ok ? packageJson.json : null, files),
    ...checkUnsafeEntries(files),
    ...(packageJson.finding ? [packageJson.finding] : []),
    ...checkLicense(manifest, files),
    ...checkDocs(files, manifest.version),
    ...(await checkMcpSdk(manifest, files, (sdk) => npm.getDependencyPackument(sdk))),
    ...checkCompatibility(manifest),
    ...analysis.findings,
    ...checkDeclaredTools(tools),
    ...advisories
  ]
  return { findings, tools }
}

/**
 * Why the tarball's `package.json` is there but was not read (over the per-file read limit), or
 * null. npm reads it whatever its size and runs its install scripts, so a grade made without it
 * would miss what a padded manifest hides (SPEC §9: never a pass on what could not be read).
 */
function unreadPackageJson(files: PackageFiles): string | null {
  const entry = files.entries.find((e) => e.path === 'package.json')
  if (!entry || entry.kept) return null
  return `its package.json (${entry.size} bytes) is over the read limit, so its install scripts and entry points cannot be checked`
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

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
import type { Finding } from '../report.js'
import { checkCompatibility } from './compatibility-rules.js'
import { checkDocs } from './docs-rules.js'
import { checkInstallBehaviour } from './install-rules.js'
import { checkLicense } from './license-rules.js'
import { checkRegistryMetadata } from './metadata-rules.js'
import type { PackageReadLimits } from './package-files.js'
import { checkMcpSdk } from './sdk-rules.js'
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
}

/**
 * The outcome of assessing one package version:
 * - `assessed`: the package findings;
 * - `not-found`: the registry has no such package or version (the grader answers `ungraded`);
 * - `error`: registry or tarball failure, integrity mismatch, unreadable or partly read tarball
 *   (the grader answers `error`). Messages hold no credentials.
 */
export type PackageAssessment =
  | { kind: 'assessed'; findings: Finding[] }
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
    for (const skipped of files.skipped) {
      logger.debug(`builtin grader: ${name}@${version}: ${skipped.note}`)
    }
    const packageJson = readTarballPackageJson(files)
    const findings: Finding[] = [
      ...checkRegistryMetadata(packument, manifest, context.now()),
      ...checkInstallBehaviour(manifest, packageJson.ok ? packageJson.json : null, files),
      ...checkUnsafeEntries(files),
      ...(packageJson.ok ? [] : [packageJson.finding]),
      ...checkLicense(manifest, files),
      ...checkDocs(files, version),
      ...(await checkMcpSdk(manifest, files, (sdk) => npm.getPackument(sdk))),
      ...checkCompatibility(manifest)
    ]
    return { kind: 'assessed', findings }
  } catch (error) {
    if (error instanceof TarballError) {
      return { kind: 'error', message: `${name}@${version}: ${error.message}` }
    }
    return { kind: 'error', message: `grading ${name}@${version} failed: ${text(error)}` }
  }
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

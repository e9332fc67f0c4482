/**
 * The package-level half of the built-in grader for a PyPI server, the counterpart of
 * `assessNpmPackage` (package-assessment.ts): for one `name==version`, fetch the project and
 * release JSON, download and verify the distribution (`pypi-distribution.ts`), and run the
 * metadata rules (`pypi-metadata.ts`) and the source analysis (`py-analysis.ts`), which also
 * gives the tools the server declares.
 */
import type { Logger } from '../../../log.js'
import type { HttpClient } from '../../../net/http.js'
import {
  type PypiClient,
  PypiNotFoundError,
  PypiRegistryError,
  type Project,
  type Release
} from '../../../resolve/pypi-registry.js'
import type { DeclaredTool, Finding } from '../../report.js'
import type { PackageReadLimits } from '../package-files.js'
import { analyzePythonPackage } from './py-analysis.js'
import type { PythonParserOptions } from './py-parse.js'
import { DistributionError, fetchDistributionFiles } from './pypi-distribution.js'
import { checkPypiMetadata, readCoreMetadata } from './pypi-metadata.js'

/** What the PyPI package work needs. */
export interface PypiAssessmentContext {
  pypi: PypiClient
  http: HttpClient
  now: () => Date
  logger: Logger
  /** Largest distribution downloaded, in bytes (default 50 MiB). */
  maxDistributionBytes?: number
  /** Limits for reading the archive (defaults in `package-files.ts`). */
  readLimits?: Partial<PackageReadLimits>
  /** Where the tree-sitter `.wasm` files are (see `py-parse.ts`). */
  parser?: PythonParserOptions
}

/**
 * The outcome of assessing one PyPI release:
 * - `assessed`: the findings and the declared tools;
 * - `not-found`: PyPI has no such project or release (the grader answers `ungraded`);
 * - `error`: registry or download failure, digest mismatch, no readable distribution, a partly
 *   read archive (the grader answers `error`). Messages hold no credentials.
 */
export type PypiAssessment =
  | { kind: 'assessed'; findings: Finding[]; tools: DeclaredTool[] }
  | { kind: 'not-found'; message: string }
  | { kind: 'error'; message: string }

/** Assess `name==version` (an exact version). Never rejects: every failure is an outcome. */
export async function assessPypiPackage(
  name: string,
  version: string,
  context: PypiAssessmentContext
): Promise<PypiAssessment> {
  const { pypi, http, logger } = context
  let project: Project
  let release: Release
  try {
    ;[project, release] = await Promise.all([pypi.getProject(name), pypi.getRelease(name, version)])
  } catch (error) {
    if (error instanceof PypiNotFoundError) return { kind: 'not-found', message: error.message }
    if (error instanceof PypiRegistryError) return { kind: 'error', message: error.message }
    return {
      kind: 'error',
      message: `reading ${name}==${version} from PyPI failed: ${text(error)}`
    }
  }
  try {
    logger.debug(`builtin grader: downloading ${name}==${version}`)
    const read = await fetchDistributionFiles(http, release.urls, {
      maxBytes: context.maxDistributionBytes,
      limits: context.readLimits
    })
    if (read.files.stopped) {
      return {
        kind: 'error',
        message: `${name}==${version} (${read.file.filename}): ${read.files.stopped.message}; the package is not graded from a partial read`
      }
    }
    for (const skipped of read.files.skipped) {
      logger.debug(`builtin grader: ${name}==${version}: ${skipped.note}`)
    }
    const metadata = readCoreMetadata(read.files, read.kind)
    const analysis = await analyzePythonPackage(read.files, context.parser)
    for (const missed of analysis.notAnalysed) {
      logger.debug(
        `builtin grader: ${name}==${version}: ${missed.file} not analysed: ${missed.reason}`
      )
    }
    const findings = [
      ...checkPypiMetadata({
        project,
        release,
        version,
        kind: read.kind,
        metadata,
        files: read.files,
        now: context.now()
      }),
      ...analysis.findings
    ]
    return { kind: 'assessed', findings, tools: analysis.tools }
  } catch (error) {
    if (error instanceof DistributionError) {
      return { kind: 'error', message: `${name}==${version}: ${error.message}` }
    }
    return { kind: 'error', message: `grading ${name}==${version} failed: ${text(error)}` }
  }
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

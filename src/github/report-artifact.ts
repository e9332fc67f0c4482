/**
 * Upload the full JSON report as a workflow artifact (`upload-report: true`, issue 5 scope 4),
 * so a summary or comment cut to GitHub's size limits can point at everything.
 * Uses `@actions/artifact` (the client behind `actions/upload-artifact` v4+).
 *
 * Never throws: a failed upload is a warning (e.g. GHES without artifact v4 support, or two jobs
 * of one run uploading under the same name — give each a distinct `comment-id`).
 */
import path from 'node:path'
import { DefaultArtifactClient } from '@actions/artifact'
import type { Logger } from '../log.js'
import { errorLine } from './error-line.js'

/** The uploader used (tests pass their own). */
export type UploadArtifact = (
  name: string,
  files: string[],
  rootDirectory: string
) => Promise<{ id?: number }>

const upload: UploadArtifact = (name, files, root) =>
  new DefaultArtifactClient().uploadArtifact(name, files, root)

/** An uploaded report: its artifact name and, when known, the URL of the artifact. */
export interface UploadedReport {
  name: string
  url: string | null
}

/**
 * The artifact name for a job: `mcp-grade-gate-report`, with `-<comment-id>` unless the id is
 * `default` (artifact names must be unique within a run).
 */
export function reportArtifactName(commentId: string): string {
  return commentId === 'default' ? 'mcp-grade-gate-report' : `mcp-grade-gate-report-${commentId}`
}

/**
 * Upload `file` as artifact `name`.
 * @param runUrl the run's page (`…/actions/runs/{id}`), for the artifact URL.
 * @returns the upload, or null after a warning.
 */
export async function uploadReport(
  file: string,
  name: string,
  runUrl: string | null,
  logger: Logger,
  uploader: UploadArtifact = upload
): Promise<UploadedReport | null> {
  try {
    const { id } = await uploader(name, [file], path.dirname(file))
    const url = runUrl && id !== undefined ? `${runUrl}/artifacts/${id}` : null
    logger.info(`JSON report uploaded as artifact ${name}${url ? `: ${url}` : ''}`)
    return { name, url }
  } catch (error) {
    logger.warning(`could not upload the JSON report as artifact ${name}: ${errorLine(error)}`)
    return null
  }
}

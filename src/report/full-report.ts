/**
 * Where the whole JSON report is, for the note of a job summary or PR comment that was cut to
 * GitHub's size limits (issue 5 scope 4).
 */
import { codeSpan, markdownLink } from './markdown.js'

/** Where the whole JSON report can be found when a summary or comment was cut. */
export interface FullReportPointer {
  /** The uploaded artifact (`upload-report: true`): its name and URL when known. */
  artifact?: { name: string; url: string | null }
}

/**
 * Where the whole report is, as a sentence for a cut summary or comment: the uploaded artifact
 * when there is one, else the action's `report-path` output and the CLI.
 */
export function fullReportSentence(pointer: FullReportPointer | undefined): string {
  const artifact = pointer?.artifact
  if (artifact) {
    const name = codeSpan(artifact.name)
    return artifact.url
      ? `The full JSON report is the ${markdownLink(`${artifact.name} artifact`, artifact.url)} of this run.`
      : `The full JSON report is the ${name} artifact of this run.`
  }
  return (
    "The full JSON report (the action's `report-path` output; set `upload-report: true` to " +
    'attach it to the run, or run `mcp-grade-gate check --format json`) has every server, reason and finding.'
  )
}

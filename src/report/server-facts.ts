/**
 * What every report shows about a server besides its verdict: the notes written while reading
 * and resolving its entry, and its findings — each once, whichever stage found it.
 */
import type { Finding } from '../grade/report.js'
import type { ServerResult } from '../policy/result.js'
import type { ResolvedServer } from '../resolve/types.js'

/**
 * The entry's notes (from parsing: a converted arg, a `url` stdio clients ignore, …) followed by
 * the resolution notes (unwrapped wrappers, "runs several commands", "installs from another
 * registry", …), duplicates removed, first occurrence kept. Notes are written by our own code
 * from masked values, so they are safe to show as they are (renderers still escape them).
 */
export function serverNotes(server: ResolvedServer): string[] {
  return [...new Set([...server.entry.notes, ...server.notes])]
}

/** The identity of a finding for de-duplication: rule id and evidence file, line and snippet. */
function findingKey(finding: Finding): string {
  const e = finding.evidence
  return JSON.stringify([finding.ruleId, e?.file ?? null, e?.line ?? null, e?.snippet ?? null])
}

/**
 * The findings to show for a server: the grade's findings, then the config findings (what the
 * entry itself does, found whatever the grader), then the findings of an `ungraded` outcome —
 * each finding once. Two findings are the same when their rule id and evidence file, line and
 * snippet are equal (the built-in grader's report repeats the config findings it scored). Order
 * is first occurrence; renderers sort by severity.
 */
export function shownFindings(
  result: Pick<ServerResult, 'grade' | 'configFindings' | 'ungradedFindings'>
): Finding[] {
  const seen = new Set<string>()
  const shown: Finding[] = []
  for (const finding of [
    ...(result.grade?.findings ?? []),
    ...result.configFindings,
    ...result.ungradedFindings
  ]) {
    const key = findingKey(finding)
    if (seen.has(key)) continue
    seen.add(key)
    shown.push(finding)
  }
  return shown
}

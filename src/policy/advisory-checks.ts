/**
 * Policy checks on known advisories attached to findings (SPEC §2 `advisory`, OSV ids):
 * `KNOWN_VULNERABILITY` and `MALWARE` (OSV `MAL-` ids), which also quarantines the server.
 */
import { SEVERITIES, type Finding, type Severity } from '../grade/report.js'
import type { ResolvedServer } from '../resolve/types.js'
import type { Reason } from './reasons.js'
import { clip, serverLabel } from './wording.js'

/** OSV malicious-package ids start with `MAL-` (OSV schema, ossf/malicious-packages). */
export function isMalwareId(id: string): boolean {
  return id.toUpperCase().startsWith('MAL-')
}

interface AdvisoryHit {
  id: string
  severity: Severity
  title: string
  fixedIn: string | undefined
  /** `name@version` of the dependency it affects; undefined for the package itself. */
  dependency: string | undefined
}

/**
 * Reasons for the advisories in `findings`, one per advisory id (the worst severity among the
 * findings naming it):
 * - `MAL-…` → `MALWARE` (error), plus one `QUARANTINE` error for all of them (malware is
 *   quarantined: no exception can waive it);
 * - others → `KNOWN_VULNERABILITY`: error for critical/high, warning for medium/low/info; for
 *   an advisory in a dependency (`advisory.package`), error only when critical (the vulnerable
 *   code may not be reachable from the server; docs/grading.md "Advisory rules").
 * One id affecting several packages (the server and a dependency) is keyed per package.
 */
export function advisoryReasons(server: ResolvedServer, findings: readonly Finding[]): Reason[] {
  const hits = new Map<string, AdvisoryHit>()
  for (const finding of findings) {
    const advisory = finding.advisory
    if (advisory === undefined) continue
    const key = `${advisory.id}\u0000${advisory.package ?? ''}`
    const previous = hits.get(key)
    if (previous !== undefined && worse(previous.severity, finding.severity)) {
      previous.fixedIn ??= advisory.fixedIn
      continue
    }
    hits.set(key, {
      id: advisory.id,
      severity: finding.severity,
      title: finding.title,
      fixedIn: advisory.fixedIn ?? previous?.fixedIn,
      dependency: advisory.package
    })
  }
  const label = serverLabel(server)
  const malware: string[] = []
  const reasons: Reason[] = []
  for (const hit of hits.values()) {
    const id = clip(hit.id, 100)
    if (isMalwareId(hit.id)) {
      malware.push(id)
      reasons.push({
        code: 'MALWARE',
        severity: 'error',
        message: `${label}: ${id} reports ${hit.dependency ? `its dependency ${clip(hit.dependency, 200)}` : 'it'} as malicious: ${clip(hit.title)}`,
        fix: 'remove it now, and rotate every credential the machines that ran it could reach'
      })
      continue
    }
    const dependency = hit.dependency === undefined ? null : clip(hit.dependency, 200)
    const blocking = hit.severity === 'critical' || (hit.severity === 'high' && dependency === null)
    reasons.push({
      code: 'KNOWN_VULNERABILITY',
      severity: blocking ? 'error' : 'warning',
      message: `${label}: ${id} (${hit.severity})${dependency ? ` in its dependency ${dependency}` : ''}: ${clip(hit.title)}`,
      fix:
        hit.fixedIn === undefined
          ? 'no fixed version is known: use another server, or request an exception'
          : dependency
            ? `use a version of the server that depends on ${clip(hit.fixedIn, 100)} or later of ${dependency.replace(/@[^@]*$/, '')}`
            : `upgrade to ${clip(hit.fixedIn, 100)} or later and pin it`
    })
  }
  if (malware.length > 0) {
    reasons.unshift({
      code: 'QUARANTINE',
      severity: 'error',
      message: `${label}: quarantined in every environment: known malware (${malware.join(', ')})`,
      fix: 'no exception can waive quarantine: remove the server'
    })
  }
  return reasons
}

/** True when severity `a` is worse than (or as bad as) `b`. */
function worse(a: Severity, b: Severity): boolean {
  return SEVERITIES.indexOf(a) <= SEVERITIES.indexOf(b)
}

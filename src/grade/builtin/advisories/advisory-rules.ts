/**
 * The known-advisory part of the built-in grader's rubric (rubric version 2, docs/grading.md
 * "Advisory rules"), all on the `security` axis, and `checkAdvisories`, which turns OSV records
 * into findings.
 *
 * An advisory affecting the graded version itself costs the most: a critical or high one alone
 * takes the security axis to F (deduction ≥ 60 from 100, SPEC §5 scale F < 40). One in a
 * dependency costs less (the vulnerable code may not be reachable from the server), a malicious
 * package anywhere in the tree is as bad as it gets, and an advisory lookup that did not happen
 * is itself a finding: not checked is not assumed safe. Numbers are this project's judgement.
 */
import type { Finding } from '../../report.js'
import { findingOf, quote } from '../finding.js'
import type { RuleDefinition } from '../rule.js'
import { matchAffected } from './affected.js'
import type { OsvAffected, OsvRecord } from './osv-record.js'
import { type AdvisorySeverityLevel, advisorySeverity } from './severity.js'
import type { AdvisorySource, PackageQuery } from './source.js'

/** Advisory rules by short name (ids are stable; see docs/grading.md). */
export const ADVISORY_RULE = {
  critical: {
    id: 'advisory.critical',
    axis: 'security',
    severity: 'critical',
    deduction: 100,
    title: 'A critical known advisory affects this version',
    rationale:
      'An OSV advisory rated critical (CVSS 9.0–10.0, or GHSA CRITICAL) covers the graded version; the security axis is F.'
  },
  high: {
    id: 'advisory.high',
    axis: 'security',
    severity: 'high',
    deduction: 70,
    title: 'A high-severity known advisory affects this version',
    rationale:
      'An OSV advisory rated high (CVSS 7.0–8.9, or GHSA HIGH) covers the graded version; the security axis is F.'
  },
  medium: {
    id: 'advisory.medium',
    axis: 'security',
    severity: 'medium',
    deduction: 25,
    title: 'A medium-severity known advisory affects this version',
    rationale:
      'An OSV advisory rated medium (CVSS 4.0–6.9, GHSA MODERATE, or no rating: unknown severity is treated as medium) covers the graded version.'
  },
  low: {
    id: 'advisory.low',
    axis: 'security',
    severity: 'low',
    deduction: 10,
    title: 'A low-severity known advisory affects this version',
    rationale: 'An OSV advisory rated low (CVSS 0.1–3.9, or GHSA LOW) covers the graded version.'
  },
  dependencyCritical: {
    id: 'advisory.dependency-critical',
    axis: 'security',
    severity: 'critical',
    deduction: 30,
    title: 'A critical known advisory affects a production dependency',
    rationale:
      'A critical OSV advisory covers a package the graded version installs (npm-shrinkwrap.json, or ranges resolved today); the chain is the evidence.'
  },
  dependencyHigh: {
    id: 'advisory.dependency-high',
    axis: 'security',
    severity: 'high',
    deduction: 15,
    title: 'A high-severity known advisory affects a production dependency',
    rationale: 'A high OSV advisory covers a package the graded version installs.'
  },
  dependencyMedium: {
    id: 'advisory.dependency-medium',
    axis: 'security',
    severity: 'medium',
    deduction: 5,
    title: 'A medium-severity known advisory affects a production dependency',
    rationale: 'A medium (or unrated) OSV advisory covers a package the graded version installs.'
  },
  dependencyLow: {
    id: 'advisory.dependency-low',
    axis: 'security',
    severity: 'low',
    deduction: 2,
    title: 'A low-severity known advisory affects a production dependency',
    rationale: 'A low OSV advisory covers a package the graded version installs.'
  },
  malware: {
    id: 'advisory.malware',
    axis: 'security',
    severity: 'critical',
    deduction: 100,
    title: 'A known malicious package is part of this server',
    cwe: 'CWE-506',
    rationale:
      'An OSV `MAL-` record (OpenSSF malicious-packages) covers the graded version or one of its dependencies: the code is known to be hostile.'
  },
  notChecked: {
    id: 'advisory.not-checked',
    axis: 'security',
    severity: 'medium',
    deduction: 15,
    title: 'Known advisories could not be checked',
    rationale:
      'The advisory source is turned off or the lookup failed (the reason is the evidence): not checked is not assumed safe.'
  }
} as const satisfies Record<string, RuleDefinition>

/** Every advisory rule, in catalog order (for docs and tests). */
export const ADVISORY_RULES: readonly RuleDefinition[] = Object.freeze(Object.values(ADVISORY_RULE))

const OWN_RULE: Record<AdvisorySeverityLevel, RuleDefinition> = {
  critical: ADVISORY_RULE.critical,
  high: ADVISORY_RULE.high,
  medium: ADVISORY_RULE.medium,
  low: ADVISORY_RULE.low
}

const DEPENDENCY_RULE: Record<AdvisorySeverityLevel, RuleDefinition> = {
  critical: ADVISORY_RULE.dependencyCritical,
  high: ADVISORY_RULE.dependencyHigh,
  medium: ADVISORY_RULE.dependencyMedium,
  low: ADVISORY_RULE.dependencyLow
}

/** Longest advisory title kept, in characters. */
const MAX_TITLE_CHARS = 200

/** What `checkAdvisories` looks at. */
export interface AdvisoryCheckInput {
  /** The graded package version. */
  root: PackageQuery
  /** Its production dependencies (same ecosystem), e.g. from `productionDependencies`. */
  dependencies: { name: string; version: string; via: string[] }[]
  /** Where to look advisories up; null when the lookup is turned off. */
  source: AdvisorySource | null
}

/**
 * Findings for the known advisories of `input.root` and its dependencies: one per advisory per
 * package@version (records that alias each other, e.g. a GHSA and a PYSEC with the same CVE,
 * count once), in the order root first, then dependencies as given.
 *
 * Never rejects: a missing source or a failed lookup gives one `advisory.not-checked` finding
 * whose evidence is the (secret-free, masked) reason.
 */
export async function checkAdvisories(input: AdvisoryCheckInput): Promise<Finding[]> {
  if (!input.source) {
    return [findingOf(ADVISORY_RULE.notChecked, { snippet: 'advisory lookup is turned off' })]
  }
  const targets = uniqueTargets(input)
  let answers: OsvRecord[][]
  try {
    answers = await input.source.lookup(targets.map((target) => target.query))
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return [findingOf(ADVISORY_RULE.notChecked, { snippet: `${input.source.name}: ${reason}` })]
  }
  const findings: Finding[] = []
  for (const [i, target] of targets.entries()) {
    const reported: Set<string>[] = []
    for (const record of preferred(answers[i] ?? [])) {
      const ids = new Set([record.id, ...(record.aliases ?? [])])
      if (reported.some((seen) => [...ids].some((id) => seen.has(id)))) continue
      const finding = advisoryFinding(record, target)
      if (!finding) continue
      reported.push(ids)
      findings.push(finding)
    }
  }
  return findings
}

interface Target {
  query: PackageQuery
  /** Chain for a dependency; undefined for the root. */
  via?: string[]
}

/** The root, then each distinct dependency name@version (the root itself not repeated). */
function uniqueTargets(input: AdvisoryCheckInput): Target[] {
  const seen = new Set([`${input.root.name}@${input.root.version}`])
  const targets: Target[] = [{ query: input.root }]
  for (const dep of input.dependencies) {
    const id = `${dep.name}@${dep.version}`
    if (seen.has(id)) continue
    seen.add(id)
    targets.push({
      query: { ecosystem: input.root.ecosystem, name: dep.name, version: dep.version },
      via: dep.via
    })
  }
  return targets
}

/** GHSA records first (the richest data), then others, stable otherwise. */
function preferred(records: OsvRecord[]): OsvRecord[] {
  const rank = (record: OsvRecord): number => (record.id.startsWith('GHSA-') ? 0 : 1)
  return [...records].sort((a, b) => rank(a) - rank(b))
}

/** The finding of one record for one target; null when the record does not affect it. */
function advisoryFinding(record: OsvRecord, target: Target): Finding | null {
  const { query } = target
  const match = matchAffected(record, query.ecosystem, query.name, query.version)
  if (!match) return null
  const severity = advisorySeverity(record, affectedEntry(record, query))
  const isDependency = target.via !== undefined
  const rule = record.id.startsWith('MAL-')
    ? ADVISORY_RULE.malware
    : isDependency
      ? DEPENDENCY_RULE[severity.level]
      : OWN_RULE[severity.level]

  const parts = [`affected: ${match.range}`]
  parts.push(match.fixedIn ? `fixed in ${match.fixedIn}` : 'no fixed version')
  parts.push(`severity ${severity.source}`)
  if (isDependency) {
    parts.unshift(`${query.name}@${query.version}`)
    parts.push(`via ${[...(target.via ?? [])].join(' → ')}`)
  }
  const finding = findingOf(rule, { snippet: parts.join('; ') })

  const summary = record.summary?.trim() || record.details?.trim().split('\n')[0] || rule.title
  finding.title = quote(`${record.id}: ${summary}`, MAX_TITLE_CHARS)
  const cwe = record.database_specific?.cwe_ids?.find((id) => /^CWE-\d+$/.test(id))
  if (cwe) finding.cwe = cwe

  const aliases = (record.aliases ?? [])
    .filter((alias) => alias.length > 0 && alias.length <= 200)
    .slice(0, 20)
  finding.advisory = {
    id: record.id,
    ...(aliases.length > 0 ? { aliases } : {}),
    url: `https://osv.dev/vulnerability/${encodeURIComponent(record.id)}`,
    ...(match.fixedIn ? { fixedIn: match.fixedIn.slice(0, 200) } : {}),
    ...(isDependency ? { package: `${query.name}@${query.version}`.slice(0, 300) } : {})
  }
  return finding
}

/** The `affected` entry of `record` for the queried package (for per-package severity). */
function affectedEntry(record: OsvRecord, query: PackageQuery): OsvAffected | undefined {
  return record.affected?.find(
    (affected) =>
      affected.package?.ecosystem === query.ecosystem &&
      matchAffected(
        { ...record, affected: [affected] },
        query.ecosystem,
        query.name,
        query.version
      ) !== null
  )
}

/**
 * The severity of an OSV advisory, with where it came from.
 *
 * Order of evidence: a CVSS vector (v4 first, then v3.x, then v2; the package's own `severity`
 * in `affected[]` before the record's), scored with `ae-cvss-calculator` (the full score the
 * vector describes: base, plus threat/temporal and environmental metrics when the vector carries
 * them) and banded by the CVSS qualitative rating scale (CVSS v3.1 specification §5 and v4.0 §6:
 * 0.1–3.9 low, 4.0–6.9 medium, 7.0–8.9 high, 9.0–10.0 critical; a 0.0 "none" is reported as low,
 * the lowest severity a finding has); else the GitHub advisory database rating
 * (`database_specific.severity`: CRITICAL, HIGH, MODERATE, LOW); else **unknown severity is
 * treated as medium**. `MAL-` records (OpenSSF malicious-packages) are always critical.
 */
import cvssCalculator from 'ae-cvss-calculator'
import type { OsvAffected, OsvRecord, OsvSeverity } from './osv-record.js'

/** An advisory's severity band. */
export type AdvisorySeverityLevel = 'critical' | 'high' | 'medium' | 'low'

/** A severity and its source for people: `CVSS_V4 9.3`, `GHSA MODERATE`, `MAL record`, `unknown`. */
export interface AdvisorySeverity {
  level: AdvisorySeverityLevel
  source: string
}

const CVSS_PREFERENCE = ['CVSS_V4', 'CVSS_V3', 'CVSS_V2'] as const

const GHSA_LEVELS: Record<string, AdvisorySeverityLevel> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MODERATE: 'medium',
  MEDIUM: 'medium',
  LOW: 'low'
}

/**
 * The severity of `record` (for the package of `affected`, when given). See the module doc for
 * the order of evidence. Never throws: an unreadable vector is skipped.
 */
export function advisorySeverity(record: OsvRecord, affected?: OsvAffected): AdvisorySeverity {
  if (record.id.startsWith('MAL-')) return { level: 'critical', source: 'MAL record' }
  const lists = [affected?.severity ?? [], record.severity ?? []]
  for (const type of CVSS_PREFERENCE) {
    for (const list of lists) {
      for (const entry of list) {
        if (entry.type !== type) continue
        const score = cvssScore(entry)
        if (score !== null) return { level: cvssBand(score), source: `${type} ${score.toFixed(1)}` }
      }
    }
  }
  const rating = record.database_specific?.severity?.trim().toUpperCase()
  const level = rating ? GHSA_LEVELS[rating] : undefined
  if (rating && level) return { level, source: `GHSA ${rating}` }
  return { level: 'medium', source: 'unknown (treated as medium)' }
}

/**
 * The CVSS qualitative band of a 0–10 score (CVSS v3.1 §5, v4.0 §6); 0.0 ("none") is `low`.
 * @throws RangeError for a score outside 0–10 or not a number.
 */
export function cvssBand(score: number): AdvisorySeverityLevel {
  if (!Number.isFinite(score) || score < 0 || score > 10) {
    throw new RangeError(`a CVSS score is 0–10, got ${score}`)
  }
  if (score >= 9) return 'critical'
  if (score >= 7) return 'high'
  if (score >= 4) return 'medium'
  return 'low'
}

/**
 * The score (0–10) of one OSV `severity` entry's CVSS vector, or null when the vector cannot be
 * read (unknown version, bad metric value).
 */
export function cvssScore(entry: OsvSeverity): number | null {
  try {
    const vector = cvssVector(entry)
    if (!vector) return null
    const overall = vector.calculateScores().overall
    return typeof overall === 'number' && Number.isFinite(overall) && overall >= 0 && overall <= 10
      ? overall
      : null
  } catch {
    return null
  }
}

interface ScoredVector {
  calculateScores(): { overall?: unknown }
}

/** The calculator instance for the entry's CVSS version; null when the type is not CVSS. */
function cvssVector(entry: OsvSeverity): ScoredVector | null {
  const score = entry.score.trim()
  switch (entry.type) {
    case 'CVSS_V4':
      return score.startsWith('CVSS:4.0/') ? new cvssCalculator.Cvss4P0(score) : null
    case 'CVSS_V3':
      if (score.startsWith('CVSS:3.1/')) return new cvssCalculator.Cvss3P1(score)
      if (score.startsWith('CVSS:3.0/')) return new cvssCalculator.Cvss3P0(score)
      return null
    case 'CVSS_V2':
      return new cvssCalculator.Cvss2(score.replace(/^\(|\)$/g, ''))
    default:
      return null
  }
}

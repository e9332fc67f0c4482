/**
 * Registry-metadata rules of the built-in grader (SPEC §5 "registry metadata"; rubric in
 * docs/grading.md): deprecation, publish recency, how far behind `latest` the graded version is,
 * maintainers, repository and provenance. Input is the packument and the graded version's
 * manifest, already validated by `NpmRegistryClient`.
 */
import npa from 'npm-package-arg'
import semver from 'semver'
import { AUDIT_CLOCK_SKEW_MS } from '../api-answer.js'
import type { Finding } from '../report.js'
import type { Packument, VersionManifest } from '../../resolve/npm-registry.js'
import { findingOf } from './finding.js'
import { ABANDONED_DAYS, PACKAGE_RULE as R, STALE_DAYS } from './package-rules.js'

const DAY_MS = 24 * 60 * 60 * 1000

/** SLSA provenance predicates start with this URI (https://slsa.dev/provenance/v1, v0.2). */
const SLSA_PROVENANCE = 'https://slsa.dev/provenance/'

/**
 * Findings from the registry metadata of `manifest.version`.
 * @param now the run's clock, for the recency rules (days since publish).
 * @returns findings of rules `npm.deprecated`, `npm.stale-*`, `npm.version-*`,
 *   `npm.publish-dates-unknown`, `npm.maintainers-*`, `npm.single-maintainer`,
 *   `npm.repository-*`, `npm.provenance`, `npm.no-provenance`. Never throws.
 */
export function checkRegistryMetadata(
  packument: Packument,
  manifest: VersionManifest,
  now: Date
): Finding[] {
  return [
    ...deprecation(manifest),
    ...recency(packument, manifest.version, now),
    ...maintainers(packument, manifest),
    ...repository(packument, manifest),
    provenance(manifest)
  ]
}

function deprecation(manifest: VersionManifest): Finding[] {
  const message = manifest.deprecated
  if (message === true || (typeof message === 'string' && message.trim() !== '')) {
    return [
      findingOf(R.deprecated, {
        file: 'package.json',
        snippet: typeof message === 'string' ? message : 'deprecated'
      })
    ]
  }
  return []
}

/**
 * Publish time of each version the registry dates (ignores `created`/`modified`), leaving out
 * dates more than `AUDIT_CLOCK_SKEW_MS` (one day, the clock skew allowed for audit dates) after
 * `now`: a registry stamps publish times itself, so a later one is not true, and a date from the
 * future would make every package look freshly published and hide its staleness.
 */
function publishTimes(packument: Packument, now: Date): Map<string, Date> {
  const times = new Map<string, Date>()
  const latest = now.getTime() + AUDIT_CLOCK_SKEW_MS
  for (const [version, iso] of Object.entries(packument.time ?? {})) {
    if (!semver.valid(version)) continue
    const date = new Date(iso)
    if (!Number.isNaN(date.getTime()) && date.getTime() <= latest) times.set(version, date)
  }
  return times
}

function recency(packument: Packument, version: string, now: Date): Finding[] {
  const times = publishTimes(packument, now)
  if (times.size === 0) return [findingOf(R.publishDatesUnknown)]
  const findings: Finding[] = []
  let newest: [string, Date] | null = null
  for (const entry of times) if (!newest || entry[1] > newest[1]) newest = entry
  if (newest) {
    const days = daysBetween(newest[1], now)
    const rule = days > ABANDONED_DAYS ? R.abandoned : days > STALE_DAYS ? R.stale : null
    if (rule) {
      findings.push(
        findingOf(rule, {
          snippet: `newest publish: ${newest[0]} on ${day(newest[1])} (${days} days ago)`
        })
      )
    }
  }
  const latest = packument['dist-tags'].latest
  if (latest && semver.valid(latest) && semver.valid(version) && semver.lt(version, latest)) {
    const published = times.get(version)
    const latestAt = times.get(latest)
    const age = published ? daysBetween(published, now) : null
    const rule = age !== null && age > STALE_DAYS ? R.oldVersion : R.behindLatest
    findings.push(
      findingOf(rule, {
        snippet:
          `graded ${version}` +
          (published ? ` (published ${day(published)}, ${age} days ago)` : '') +
          `; latest is ${latest}` +
          (latestAt ? ` (published ${day(latestAt)})` : '')
      })
    )
  }
  return findings
}

function maintainers(packument: Packument, manifest: VersionManifest): Finding[] {
  const list = packument.maintainers ?? manifest.maintainers
  if (list === undefined) return [findingOf(R.maintainersUnknown)]
  if (list.length === 0) return [findingOf(R.noMaintainers)]
  if (list.length === 1) {
    return [findingOf(R.singleMaintainer, { snippet: `maintainer: ${personName(list[0])}` })]
  }
  return []
}

/** A maintainer's name without the e-mail address (personal data stays out of reports). */
function personName(person: unknown): string {
  if (typeof person === 'string') return person.replace(/\s*<[^>]*>/, '').trim() || 'unnamed'
  if (person && typeof person === 'object' && 'name' in person && typeof person.name === 'string') {
    return person.name
  }
  return 'unnamed'
}

function repository(packument: Packument, manifest: VersionManifest): Finding[] {
  const declared = manifest.repository ?? packument.repository
  const url =
    typeof declared === 'string'
      ? declared
      : declared && typeof declared === 'object' && 'url' in declared
        ? declared.url
        : undefined
  if (typeof url !== 'string' || url.trim() === '') {
    return [findingOf(R.repositoryMissing, { file: 'package.json' })]
  }
  if (!isRecognisableRepository(url.trim())) {
    return [findingOf(R.repositoryUnrecognised, { file: 'package.json', snippet: url })]
  }
  return []
}

/**
 * True when `url` is a repository npm understands: a git URL or hosted shorthand (parsed with
 * `npm-package-arg`, as npm does), or any http(s) URL.
 */
export function isRecognisableRepository(url: string): boolean {
  try {
    const parsed = npa(url)
    if (parsed.type === 'git') return true
  } catch {
    // not a spec npm understands; try a plain URL below
  }
  try {
    const { protocol, hostname } = new URL(url)
    return (protocol === 'https:' || protocol === 'http:') && hostname.includes('.')
  } catch {
    return false
  }
}

function provenance(manifest: VersionManifest): Finding {
  const attestations = manifest.dist.attestations
  const predicate = attestations?.provenance?.predicateType
  if (typeof predicate === 'string' && predicate.startsWith(SLSA_PROVENANCE)) {
    return findingOf(R.provenance, {
      snippet: `${predicate}${attestations?.url ? ` (${attestations.url})` : ''}`
    })
  }
  return findingOf(R.noProvenance)
}

function daysBetween(from: Date, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / DAY_MS))
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10)
}

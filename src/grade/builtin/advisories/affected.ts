/**
 * Does an OSV record affect one package version? The evaluation of OSV schema 1.6
 * ("Evaluation" of `affected[].ranges`): a version is affected when it is listed in `versions`, or
 * when, walking a range's events in version order, the last `introduced` at or below it is not
 * followed by a `fixed` at or below it or a `last_affected` below it; a range with `limit` events
 * only covers versions below one of its limits. Several ranges and several `affected` entries are
 * alternatives (any match is a match). Withdrawn records never match. GIT ranges are commit
 * ranges and are ignored (we grade published versions).
 *
 * Ordering: npm versions by SemVer 2.0.0 (`semver`), PyPI versions by PEP 440
 * (`@renovatebot/pep440`). Package names: npm exact, PyPI normalised (PEP 503).
 *
 * Unparseable bounds err towards "affected" (a false "clean" is the worst mistake a gate can
 * make): an `introduced` that cannot be read counts as `0`, a `fixed`/`last_affected`/`limit`
 * that cannot be read closes nothing. A queried version that cannot be read only matches an
 * explicit `versions` entry.
 */
import { compare as comparePep440, valid as validPep440 } from '@renovatebot/pep440'
import semver from 'semver'
import type { OsvRange, OsvRecord } from './osv-record.js'

/** The ecosystems the built-in grader looks up (OSV ecosystem names). */
export type AdvisoryEcosystem = 'npm' | 'PyPI'

/** How a record affects a version. */
export interface AffectedMatch {
  /** The lowest `fixed` version above the queried one, in the ranges that matched. */
  fixedIn?: string
  /**
   * The matching interval for people, e.g. `>=0.0.5 <0.1.16`, `>=0 <=0.6.2`, `>=1.0.16`, or
   * `listed version 1.2.3`.
   */
  range: string
}

/** A version order for one ecosystem: parse check and comparison (negative, 0, positive). */
interface VersionOrder {
  valid(version: string): boolean
  compare(a: string, b: string): number
}

const SEMVER_ORDER: VersionOrder = {
  valid: (version) => semver.valid(version) !== null,
  compare: (a, b) => semver.compare(a, b)
}

const PEP440_ORDER: VersionOrder = {
  valid: (version) => validPep440(version) !== null,
  compare: (a, b) => comparePep440(a, b)
}

/**
 * A package name as an ecosystem compares it: PyPI names normalised per PEP 503 (runs of `-`,
 * `_`, `.` become `-`, lower case); npm names unchanged (the registry treats them exactly).
 */
export function normalisePackageName(ecosystem: AdvisoryEcosystem, name: string): string {
  return ecosystem === 'PyPI' ? name.replace(/[-_.]+/g, '-').toLowerCase() : name
}

/**
 * Whether `record` affects `name@version` in `ecosystem` (see the module doc for the rules).
 * @returns null when not affected; else the matching interval and, when the record names one
 *   above `version`, the lowest fixed version.
 */
export function matchAffected(
  record: OsvRecord,
  ecosystem: AdvisoryEcosystem,
  name: string,
  version: string
): AffectedMatch | null {
  if (record.withdrawn) return null
  const order = ecosystem === 'npm' ? SEMVER_ORDER : PEP440_ORDER
  const wanted = normalisePackageName(ecosystem, name)
  const versionValid = order.valid(version)
  let match: AffectedMatch | null = null
  const fixes: string[] = []
  for (const affected of record.affected ?? []) {
    const pkg = affected.package
    if (!pkg || pkg.ecosystem !== ecosystem) continue
    if (normalisePackageName(ecosystem, pkg.name) !== wanted) continue
    if (affected.versions?.some((listed) => sameVersion(order, listed, version))) {
      match ??= { range: `listed version ${version}` }
    }
    if (!versionValid) continue
    for (const range of affected.ranges ?? []) {
      if (range.type === 'GIT') continue
      const interval = rangeMatch(order, range, version)
      if (!interval) continue
      match ??= { range: interval.description }
      if (interval.fixed !== undefined) fixes.push(interval.fixed)
    }
  }
  if (!match) return null
  const lowest = fixes.sort((a, b) => order.compare(a, b))[0]
  return lowest === undefined ? match : { ...match, fixedIn: lowest }
}

function sameVersion(order: VersionOrder, a: string, b: string): boolean {
  if (a === b) return true
  return order.valid(a) && order.valid(b) && order.compare(a, b) === 0
}

/** A matched interval of one range: its description and the `fixed` that closes it, if any. */
interface IntervalMatch {
  description: string
  fixed?: string
}

/**
 * Walk one SEMVER/ECOSYSTEM range (events sorted by version, `introduced: "0"` lowest).
 * `version` must be valid for `order`.
 */
function rangeMatch(order: VersionOrder, range: OsvRange, version: string): IntervalMatch | null {
  const limits = range.events
    .map((event) => event.limit)
    .filter((limit): limit is string => limit !== undefined && order.valid(limit))
  if (limits.length > 0 && !limits.some((limit) => order.compare(version, limit) < 0)) return null

  const events = range.events
    .map((event) => toBound(order, event))
    .filter((bound): bound is Bound => bound !== null)
    .sort((a, b) => compareBounds(order, a, b))

  let introduced: string | null = null
  for (const bound of events) {
    if (bound.kind === 'introduced') {
      if (bound.version === '0' || order.compare(version, bound.version) >= 0) {
        introduced = bound.version
      }
    } else if (bound.kind === 'fixed') {
      if (order.compare(version, bound.version) >= 0) introduced = null
    } else if (order.compare(version, bound.version) > 0) {
      introduced = null
    }
  }
  if (introduced === null) return null

  // The end of the interval: the first fixed/last_affected after the introduction.
  const end = events.find(
    (bound) =>
      bound.kind !== 'introduced' &&
      (bound.kind === 'fixed'
        ? order.compare(version, bound.version) < 0
        : order.compare(version, bound.version) <= 0)
  )
  const lower = `>=${introduced}`
  if (!end) {
    const limit = limits.find((l) => order.compare(version, l) < 0)
    return { description: limit ? `${lower} <${limit} (limit)` : lower }
  }
  if (end.kind === 'fixed') return { description: `${lower} <${end.version}`, fixed: end.version }
  return { description: `${lower} <=${end.version}` }
}

interface Bound {
  kind: 'introduced' | 'fixed' | 'last_affected'
  version: string
}

/** An event as a comparable bound; null when it closes nothing we can read (see module doc). */
function toBound(
  order: VersionOrder,
  event: { introduced?: string; fixed?: string; last_affected?: string }
): Bound | null {
  if (event.introduced !== undefined) {
    const readable = event.introduced === '0' || order.valid(event.introduced)
    return { kind: 'introduced', version: readable ? event.introduced : '0' }
  }
  if (event.fixed !== undefined && order.valid(event.fixed)) {
    return { kind: 'fixed', version: event.fixed }
  }
  if (event.last_affected !== undefined && order.valid(event.last_affected)) {
    return { kind: 'last_affected', version: event.last_affected }
  }
  return null
}

/** Version order with `introduced: "0"` below everything. */
function compareBounds(order: VersionOrder, a: Bound, b: Bound): number {
  const aZero = a.kind === 'introduced' && a.version === '0'
  const bZero = b.kind === 'introduced' && b.version === '0'
  if (aZero || bZero) return aZero === bZero ? 0 : aZero ? -1 : 1
  return order.compare(a.version, b.version)
}

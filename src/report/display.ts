/**
 * Display strings shared by every renderer: package@version, pin status, grades and sub-scores,
 * `file:line` (SPEC §8 job-summary table). Plain text, not escaped: renderers escape for their
 * medium (Markdown, terminal, CSV).
 */
import type { Axis, GradeLetter, GradeReport, Score } from '../grade/report.js'
import { sanitizeUrl } from '../net/url-redaction.js'
import type { Verdict } from '../policy/reasons.js'
import { isImageDigest } from '../policy/wording.js'
import { isWithheld } from '../resolve/withholding.js'
import type { PackageIdentity } from '../resolve/types.js'
import { clip, toOneLine } from './markdown.js'

/** Longest package/name/URL shown in a report cell (characters); longer ones end with `…`. */
export const MAX_NAME_CHARS = 200

/** Shown where there is nothing to show (not assessed, no registry entry yet, …). */
export const DASH = '—'

/** One grade cell: the display text plus the facts behind it, for renderers that colour. */
export interface ScoreCell {
  /** `B (81)`, `B` (letter only), `—` (not assessed / no grade), `ungraded`, `grader error`. */
  text: string
  letter: GradeLetter | null
  /** 0–100, rounded; null when the grader gave a letter only or nothing. */
  score: number | null
  /** False when the axis (or the whole grade) was not assessed. */
  assessed: boolean
}

/** `pinned` column: `yes`/`no` for npm, PyPI and OCI; `n/a` for remote, local and unknown. */
export type PinnedDisplay = 'yes' | 'no' | 'n/a'

/**
 * `file:line` of a position (1-based line, SPEC §8), the config path made one line and clipped.
 */
export function locationDisplay(path: string, line: number): string {
  return `${clip(toOneLine(path), MAX_NAME_CHARS)}:${line}`
}

/**
 * A remote URL for display: user info and fragment dropped, token-like path segments masked
 * (`sanitizeUrl`, the one place for URL redaction), and every query value replaced by `…` with
 * the keys kept (query strings often carry API keys; SPEC §9 never leak a secret). Non-URLs are
 * returned one-lined and clipped. A remote identity already holds its masked segments as `…`
 * (`resolve/remote.ts`), which the URL parser percent-encodes: it is shown as `…` again, not
 * as `%E2%80%A6`.
 */
export function displayUrl(url: string): string {
  const safe = sanitizeUrl(url)?.replace(/%E2%80%A6/gi, '…') ?? null
  if (safe === null) return clip(toOneLine(url), MAX_NAME_CHARS)
  const keys = [...new Set(new URL(url.trim()).searchParams.keys())]
  const query = keys.map((k) => `${encodeURIComponent(k)}=…`).join('&')
  return clip(toOneLine(`${safe}${query ? `?${query}` : ''}`), MAX_NAME_CHARS)
}

/**
 * A digest shortened for a table cell: `algorithm:` + the first 12 characters of the encoded part
 * + `…` (`sha256:abcdef012345…`; 12 hex digits identify an image). Any algorithm (`sha256`,
 * `sha512`, …, see `isImageDigest`); other text is returned unchanged.
 */
export function shortDigest(digest: string): string {
  if (!isImageDigest(digest)) return digest
  const colon = digest.indexOf(':')
  const encoded = digest.slice(colon + 1)
  return encoded.length > 12 ? `${digest.slice(0, colon)}:${encoded.slice(0, 12)}…` : digest
}

/**
 * `name` with its version spec as written: PEP 440 specs start with an operator (`==1.2`, `>=1`,
 * `~=1.4`); npm specs follow an `@`. A git source already names its committish or range after
 * `#` (`github:acme/repo#v1.2.3`, `acme/repo#semver:^1.0`, npm-package-arg's `gitCommittish` /
 * `gitRange`), so it is shown once, as written.
 */
function withSpec(name: string, spec: string): string {
  if (name.endsWith(spec) && /#(?:semver:)?$/.test(name.slice(0, name.length - spec.length))) {
    return name
  }
  return /^[=<>!~]/.test(spec) ? `${name}${spec}` : `${name}@${spec}`
}

/**
 * The package column (SPEC §4, §8):
 * - npm/PyPI pinned: `@scope/pkg@1.2.3`;
 * - unpinned and resolved: `pkg (unpinned → 1.4.2)` or `pkg@^1.2 (unpinned → 1.4.2)`;
 * - unpinned and not resolved: `pkg@latest (unpinned, not resolved: offline)` and the like;
 * - OCI: `ghcr.io/x/y:tag@sha256:abcdef012345…`;
 * - remote: the URL with credentials and query values masked (`displayUrl`);
 * - local/unknown: the path or command, or `(unidentified)`.
 */
export function packageDisplay(p: PackageIdentity): string {
  const name = p.name === null ? null : toOneLine(p.name)
  switch (p.ecosystem) {
    case 'npm':
    case 'pypi': {
      const base = name ?? '(unknown package)'
      if (p.pinned && p.version) return clip(withSpec(base, p.version), MAX_NAME_CHARS)
      const spec = p.versionSpec === null ? null : toOneLine(p.versionSpec)
      const written = spec ? withSpec(base, spec) : base
      let note: string
      if (isWithheld(p)) note = 'not graded: see the notes'
      else if (p.version) note = `unpinned → ${toOneLine(p.version)}`
      else if (p.resolution.status === 'offline') note = 'unpinned, not resolved: offline'
      else if (p.resolution.status === 'unresolved') note = 'unpinned, version not looked up'
      else if (p.resolution.status === 'not-found') note = 'not found in the registry'
      else if (p.resolution.status === 'error') note = 'unpinned, registry unreachable'
      else note = 'unpinned'
      return `${clip(written, MAX_NAME_CHARS)} (${note})`
    }
    case 'oci': {
      const base = name ?? '(unknown image)'
      const candidates = [p.version, p.versionSpec].filter((v): v is string => !!v)
      const digest = candidates.find((v) => isImageDigest(v)) ?? null
      const tag = candidates.find((v) => !isImageDigest(v)) ?? null
      const ref = `${base}${tag ? `:${toOneLine(tag)}` : ''}`
      return `${clip(ref, MAX_NAME_CHARS)}${digest ? `@${shortDigest(digest)}` : ''}`
    }
    case 'remote':
      return name === null ? '(unknown URL)' : displayUrl(name)
    case 'local':
    case 'unknown':
      return name === null ? '(unidentified)' : clip(name, MAX_NAME_CHARS)
  }
}

/** `yes`/`no` for ecosystems with versions (npm, PyPI, OCI), `n/a` otherwise (SPEC §2). */
export function pinnedDisplay(p: PackageIdentity): PinnedDisplay {
  if (p.ecosystem === 'npm' || p.ecosystem === 'pypi' || p.ecosystem === 'oci') {
    return p.pinned ? 'yes' : 'no'
  }
  return 'n/a'
}

/** A `Score` as `B (81)` (score rounded) or `B` when the grader gave a letter only. */
export function scoreCell(score: Score): ScoreCell {
  const rounded = score.score === null ? null : Math.round(score.score)
  return {
    text: rounded === null ? score.grade : `${score.grade} (${rounded})`,
    letter: score.grade,
    score: rounded,
    assessed: true
  }
}

/** A cell for something not assessed: `—`, or the given text (`ungraded`, `grader error`). */
export function unassessedCell(text: string = DASH): ScoreCell {
  return { text, letter: null, score: null, assessed: false }
}

/**
 * The overall grade cell: `B (81)` / `B`; without a grade, `grader error` when the grader failed
 * and `ungraded` when no grade exists (never a made-up score, SPEC §5).
 */
export function overallCell(
  grade: GradeReport | null,
  problem: { kind: 'ungraded' | 'error' } | null
): ScoreCell {
  if (grade) return scoreCell(grade.overall)
  return unassessedCell(problem?.kind === 'error' ? 'grader error' : 'ungraded')
}

/** One cell per axis: the sub-score, or `—` when the axis was not assessed or there is no grade. */
export function subScoreCells(
  grade: GradeReport | null,
  axes: readonly Axis[]
): Record<Axis, ScoreCell> {
  const cells = {} as Record<Axis, ScoreCell>
  for (const axis of axes) {
    const s = grade?.subScores[axis] ?? null
    cells[axis] = s === null ? unassessedCell() : scoreCell(s)
  }
  return cells
}

/** The symbol of a server verdict: ✅ pass, ⚠️ warn, ⏳ excepted (time-boxed), ❌ fail/error. */
export type VerdictSymbol = '✅' | '⚠️' | '⏳' | '❌'

/**
 * The Markdown symbol of a verdict: ✅ pass, ⚠️ warn, ⏳ excepted (a failure waived by an
 * exception until it expires, SPEC §7), ❌ fail/error. A run verdict (pass, warn, fail) gets one
 * of ✅ ⚠️ ❌.
 */
export function verdictSymbol(verdict: 'pass' | 'warn' | 'fail'): '✅' | '⚠️' | '❌'
export function verdictSymbol(verdict: Verdict): VerdictSymbol
export function verdictSymbol(verdict: Verdict): VerdictSymbol {
  switch (verdict) {
    case 'pass':
      return '✅'
    case 'warn':
      return '⚠️'
    case 'excepted':
      return '⏳'
    case 'fail':
    case 'error':
      return '❌'
  }
}

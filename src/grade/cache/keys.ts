/**
 * Grade cache keys (issue 5). A key names everything the cached value depends on, so a run never
 * reuses a value made under other settings: the key layout version, the grader and its identity
 * (for the built-in grader also this tool's version and the rubric version), the registry or
 * advisory source, and an exact Package URL. Only exact versions are ever keys — an unpinned spec
 * is resolved on every run and only the exact version it resolves to may be reused.
 *
 * Keys are stored in plain text inside the entries (to detect a wrong entry), and the action
 * uploads them to the Actions cache, so they never hold a credential: URLs are keyed by
 * `keyedUrl` (no user info or query, token-like path segments such as a Gemfury registry token
 * replaced by a digest), a grader command by a SHA-256 digest, and an API key is never part of
 * one.
 */
import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { valid as validPep440 } from '@renovatebot/pep440'
import { PackageURL } from 'packageurl-js'
import semver from 'semver'
import type { GradeScale } from '../../policy/grades.js'
import { sanitizeUrl, tokenDigest } from '../../net/url-redaction.js'
import { TOOL_NAME, TOOL_VERSION } from '../../version.js'
import { RUBRIC_VERSION } from '../builtin/scoring.js'
import type { GradeCache } from './store.js'

/** Version of the key layout: bump it when what a key names changes. */
export const CACHE_KEY_SCHEMA = 'mcp-grade-gate/grade-cache-key/1'

/**
 * Largest program file hashed into a grader command's key, in bytes: 16 MiB (a grader script is
 * a few KiB; a larger file named in the argv, e.g. a binary, is keyed by its argv word only).
 */
const MAX_HASHED_PROGRAM_BYTES = 16 * 1024 * 1024

/** The grade cache as one run's grader uses it: the store, and the key of an exact purl. */
export interface KeyedGradeCache {
  store: GradeCache
  /**
   * The key of `purl` for this grader (`builtinAssessmentKey`, `apiGradeKey` or
   * `commandGradeKey` bound to the grader's identity); null when `purl` is not an exact npm/PyPI
   * version (`exactPackage`), which is never cached.
   */
  keyOf: (purl: string) => string | null
}

/** An exact npm or PyPI package version named by its Package URL. */
export interface ExactPackage {
  /** The canonical purl, e.g. `pkg:npm/%40scope/name@1.2.3`, `pkg:pypi/name@1.2.3`. */
  purl: string
  ecosystem: 'npm' | 'pypi'
}

/**
 * `purl` when it names one exact npm version (semver, `semver.valid(v) === v`) or one exact PyPI
 * version (PEP 440, `@renovatebot/pep440` `valid`) and is written canonically (packageurl-js
 * prints it back unchanged); else null (no version, a range, another type, not a purl). Never
 * throws.
 */
export function exactPackage(purl: string | null | undefined): ExactPackage | null {
  if (typeof purl !== 'string' || purl === '') return null
  let parsed: PackageURL
  try {
    parsed = PackageURL.fromString(purl)
  } catch {
    return null
  }
  const version = parsed.version
  if (typeof version !== 'string' || version === '' || parsed.toString() !== purl) return null
  if (parsed.type === 'npm' && semver.valid(version) === version) {
    return { purl, ecosystem: 'npm' }
  }
  if (parsed.type === 'pypi' && validPep440(version) !== null) return { purl, ecosystem: 'pypi' }
  return null
}

/** What the built-in grader's package assessment depends on besides the package. */
export interface BuiltinKeySources {
  /** npm registry base URL (validated, no credentials), for npm packages. */
  npmRegistry: string
  /** PyPI base URL (validated, no credentials), for PyPI packages. */
  pypiUrl: string
  /** The advisory source's identity (`advisorySourceIdentity`): `off`, an OSV API URL, a digest. */
  advisories: string
}

/**
 * Key of the built-in grader's package assessment of `purl`:
 * `<schema> | builtin | mcp-grade-gate/<version> | rubric <RUBRIC_VERSION> | <purl> |
 * registry <npm registry or PyPI URL> | advisories <identity>`. The tool version is part of it
 * because a fixed rule changes findings without a new rubric number.
 * @returns null when `purl` is not an exact npm/PyPI version (`exactPackage`).
 */
export function builtinAssessmentKey(purl: string, sources: BuiltinKeySources): string | null {
  const exact = exactPackage(purl)
  if (exact === null) return null
  const registry = exact.ecosystem === 'npm' ? sources.npmRegistry : sources.pypiUrl
  return [
    CACHE_KEY_SCHEMA,
    'builtin',
    `${TOOL_NAME}/${TOOL_VERSION}`,
    `rubric ${RUBRIC_VERSION}`,
    exact.purl,
    `registry ${keyedUrl(registry)}`,
    `advisories ${sources.advisories}`
  ].join(' | ')
}

/**
 * Key of a grading service's (`api` grader) graded report of `purl`:
 * `<schema> | api | <grader URL> | scale A<a> B<b> C<c> D<d> | <purl>`. The scale is part of it
 * because it letters sub-scores the service gives as numbers only. The service's rubric is known
 * only from its answer, so it is stored with the report, not keyed; the API key is not keyed
 * either (one service URL is taken to grade alike for every key).
 * @returns null when `purl` is not an exact npm/PyPI version.
 */
export function apiGradeKey(graderUrl: string, scale: GradeScale, purl: string): string | null {
  const exact = exactPackage(purl)
  if (exact === null) return null
  const letters = `scale A${scale.A} B${scale.B} C${scale.C} D${scale.D}`
  return [CACHE_KEY_SCHEMA, 'api', keyedUrl(graderUrl), letters, exact.purl].join(' | ')
}

/**
 * Key of a grader command's graded report of `purl`: `<schema> | command | sha256:<digest of the
 * argv and its context as JSON> | <purl>`. `context` is what else decides the answer: the
 * digests of the program files the argv names and the passed environment (`commandContext`).
 * The program's rubric is known only from its answer (stored with it).
 * @returns null when `purl` is not an exact npm/PyPI version.
 */
export function commandGradeKey(
  argv: readonly string[],
  purl: string,
  context: readonly string[] = []
): string | null {
  const exact = exactPackage(purl)
  if (exact === null) return null
  const digest = createHash('sha256')
    .update(JSON.stringify([argv, context]), 'utf8')
    .digest('hex')
  return [CACHE_KEY_SCHEMA, 'command', `sha256:${digest}`, exact.purl].join(' | ')
}

/**
 * What besides its argv decides a grader command's answer, for its cache key: the SHA-256 of
 * each argv word that names a readable regular file of at most `MAX_HASHED_PROGRAM_BYTES`
 * (16 MiB; relative to `cwd`; the grader script, so an edited script is a new key), and the
 * SHA-256 of each passed environment variable's name and value (so a new token or setting is a
 * new key; values are never stored).
 * @returns `file <word> sha256:<hex>` entries in argv order, then `env <name> sha256:<hex>`
 *   entries by name. Never throws.
 */
export async function commandContext(
  argv: readonly string[],
  cwd: string,
  passEnv: readonly string[],
  env: Readonly<Record<string, string | undefined>>
): Promise<string[]> {
  const parts: string[] = []
  for (const word of argv) {
    try {
      const file = path.resolve(cwd, word)
      const info = await stat(file)
      if (!info.isFile() || info.size > MAX_HASHED_PROGRAM_BYTES) continue
      const hash = createHash('sha256')
        .update(await readFile(file))
        .digest('hex')
      parts.push(`file ${word} sha256:${hash}`)
    } catch {
      // Not a file (an option, a command on PATH): the argv itself is in the key.
    }
  }
  for (const name of [...passEnv].sort()) {
    const value = env[name] ?? ''
    const hash = createHash('sha256').update(`${name}=${value}`, 'utf8').digest('hex')
    parts.push(`env ${name} sha256:${hash}`)
  }
  return parts
}

/**
 * A base URL as a key names it: `sanitizeUrl` with each token-like path segment replaced by its
 * `tokenDigest` (`~` + 10 hex digits: registries that differ only by token stay apart, the token
 * is not stored), trailing slashes dropped; `invalid-url` when it does not parse. Never throws.
 */
export function keyedUrl(url: string): string {
  const safe = sanitizeUrl(url.trim(), { tokenMask: tokenDigest })
  return safe === null ? 'invalid-url' : safe.replace(/\/+$/, '')
}

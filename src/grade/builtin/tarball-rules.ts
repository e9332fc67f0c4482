/**
 * Rules about the tarball's structure (rubric in docs/grading.md): entries that have no place in
 * an npm package, and the package.json npm will read when it installs.
 */
import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser'
import { z } from 'zod'
import type { Finding } from '../report.js'
import { findingOf } from './finding.js'
import { PACKAGE_RULE as R } from './package-rules.js'
import type { PackageFiles, SkipReason } from './package-files.js'

/** Skip reasons that are a security concern (files over the read limit are not). */
const UNSAFE: ReadonlySet<SkipReason> = new Set([
  'symlink',
  'hardlink',
  'device',
  'fifo',
  'unsupported-type',
  'absolute-path',
  'parent-segment',
  'outside-package-folder'
])

/** Most entries quoted in one finding's snippet. */
const MAX_QUOTED = 5

/**
 * One `tarball.unsafe-entry` finding listing the skipped links, devices and refused paths
 * (up to 5 quoted, with the total); none when the tarball is clean.
 */
export function checkUnsafeEntries(files: PackageFiles): Finding[] {
  const unsafe = files.skipped.filter((s) => UNSAFE.has(s.reason))
  if (unsafe.length === 0) return []
  const quoted = unsafe.slice(0, MAX_QUOTED).map((s) => s.note)
  const more = unsafe.length > MAX_QUOTED ? `; and ${unsafe.length - MAX_QUOTED} more` : ''
  return [
    findingOf(R.unsafeEntry, {
      file: unsafe[0]?.path,
      snippet: `${unsafe.length} entr${unsafe.length === 1 ? 'y' : 'ies'}: ${quoted.join('; ')}${more}`
    })
  ]
}

/**
 * The tarball's package.json: the parsed object (with a finding when fields npm reads have the
 * wrong type), or a finding saying why it is unusable.
 */
export type TarballPackageJson =
  | { ok: true; json: Record<string, unknown>; finding: Finding | null }
  | { ok: false; finding: Finding }

const StringMap = z.record(z.string(), z.string())

/**
 * The package.json fields npm reads to install and run a package, with the types npm's
 * package.json docs give them (https://docs.npmjs.com/cli/v11/configuring-npm/package-json).
 */
const PackageJsonFieldsSchema = z.object({
  name: z.string().optional(),
  version: z.string().optional(),
  main: z.string().optional(),
  type: z.string().optional(),
  bin: z.union([z.string(), StringMap]).optional(),
  scripts: StringMap.optional(),
  dependencies: StringMap.optional(),
  optionalDependencies: StringMap.optional(),
  peerDependencies: StringMap.optional()
})

/**
 * Parse the tarball's `package.json` (untrusted: a parse failure is a finding, never a throw).
 * @returns `{ok: true, json, finding}` for a JSON object, `finding` a
 *   `tarball.package-json-invalid` one naming the fields npm reads that have the wrong type
 *   (`PackageJsonFieldsSchema`), else null; otherwise `{ok: false}` with a
 *   `tarball.package-json-invalid` finding with the parser's message (and line when it can be
 *   located).
 */
export function readTarballPackageJson(files: PackageFiles): TarballPackageJson {
  const data = files.files.get('package.json')
  if (!data) {
    const listed = files.entries.some((e) => e.path === 'package.json')
    return {
      ok: false,
      finding: findingOf(R.packageJsonInvalid, {
        file: 'package.json',
        snippet: listed ? 'package.json is over the read limit' : 'no package.json in the tarball'
      })
    }
  }
  const text = data.toString('utf8').replace(/^\uFEFF/, '')
  try {
    const json: unknown = JSON.parse(text)
    if (json && typeof json === 'object' && !Array.isArray(json)) {
      return { ok: true, json: json as Record<string, unknown>, finding: wrongFields(json) }
    }
    return {
      ok: false,
      finding: findingOf(R.packageJsonInvalid, {
        file: 'package.json',
        snippet: 'package.json is valid JSON but not an object'
      })
    }
  } catch (error) {
    const located = locateJsonError(text)
    const message = error instanceof Error ? error.message : String(error)
    return {
      ok: false,
      finding: findingOf(R.packageJsonInvalid, {
        file: 'package.json',
        line: located?.line,
        snippet: located
          ? `not valid JSON: ${located.message} at line ${located.line}, column ${located.column}`
          : `not valid JSON: ${message}`
      })
    }
  }
}

/** A finding naming the fields of `json` npm reads that have the wrong type; null if none. */
function wrongFields(json: object): Finding | null {
  const checked = PackageJsonFieldsSchema.safeParse(json)
  if (checked.success) return null
  // Only the top-level field: deeper path keys (`scripts.<name>`) are untrusted text.
  const fields = [...new Set(checked.error.issues.map((issue) => String(issue.path[0])))]
  const shown = fields.slice(0, 5).map((field) => `\`${field}\``)
  if (fields.length > shown.length) shown.push(`${fields.length - shown.length} more`)
  return findingOf(R.packageJsonInvalid, {
    file: 'package.json',
    snippet: `fields npm reads have the wrong type: ${shown.join(', ')}`
  })
}

/** First strict-JSON syntax error of `text` (jsonc-parser, comments and trailing commas off). */
function locateJsonError(
  text: string
): { line: number; column: number; message: string } | undefined {
  const errors: ParseError[] = []
  parse(text, errors, { disallowComments: true, allowTrailingComma: false })
  const first = errors[0]
  if (!first) return undefined
  const before = text.slice(0, first.offset).split('\n')
  return {
    line: before.length,
    column: (before[before.length - 1]?.length ?? 0) + 1,
    message: printParseErrorCode(first.error)
  }
}

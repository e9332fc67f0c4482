/**
 * Where a Node package's code starts, read from its package.json (npm's `bin`, `main`, `module`;
 * Node's `exports` as documented in the Node.js "Packages" docs: the `.` entry, subpath entries
 * and the `import`/`require`/`node`/`default` conditions), and how a relative module specifier
 * resolves inside the package's files (Node's ESM/CJS file and directory resolution, plus the
 * TypeScript rule that `./x.js` may be the source file `./x.ts`).
 *
 * Everything is looked up in the in-memory file list of the tarball only, never on disk; paths
 * that climb above the package root are refused.
 */
import { z } from 'zod'
import type { PackageFiles } from '../package-files.js'

/** A string field of package.json that may point at code. */
const PathField = z.string().min(1).max(1000)

/** The package.json fields read here (others are ignored; SPEC §9: untrusted input). */
const EntryFields = z.looseObject({
  bin: z.union([PathField, z.record(z.string(), PathField)]).optional(),
  main: PathField.optional(),
  module: PathField.optional(),
  exports: z.unknown().optional()
})

/** Extensions tried for an extension-less specifier, in Node-then-TypeScript order. */
export const RESOLVED_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.jsx', '.tsx']

/** Conditions of `exports` followed (`types` and other tool-only conditions are not code). */
const CODE_CONDITIONS = new Set(['import', 'require', 'node', 'default', 'module'])

/** One declared entry point: where it was declared and the path it resolves to (or null). */
export interface EntryPoint {
  /** The field it came from: `bin`, `bin.name`, `main`, `module`, `exports["."].import`, … */
  field: string
  /** The path as written. */
  spec: string
  /** The package file it resolves to, or null when no such file is in the package. */
  file: string | null
}

/** The entry points of a package and the problems met reading them. */
export interface EntryPoints {
  entries: EntryPoint[]
  /** Fields of package.json that were not of the documented type (human, located messages). */
  problems: string[]
}

/**
 * The entry points declared by `packageJson` (any value; validated here with zod), each resolved
 * against `files`. With none declared, `index.js` (then `index.mjs`, `index.cjs`, `index.ts`) is
 * the default, as Node does for `main`. Never throws.
 */
export function findEntryPoints(files: PackageFiles, packageJson: unknown): EntryPoints {
  const problems: string[] = []
  const declared: Array<{ field: string; spec: string }> = []
  const record =
    typeof packageJson === 'object' && packageJson !== null && !Array.isArray(packageJson)
      ? (packageJson as Record<string, unknown>)
      : {}
  for (const key of ['bin', 'main', 'module', 'exports'] as const) {
    if (record[key] === undefined) continue
    const one = EntryFields.shape[key].safeParse(record[key])
    if (!one.success) {
      problems.push(
        `package.json: "${key}" is not valid (${z.prettifyError(one.error).replace(/\s+/g, ' ')}); its entry points were not read`
      )
      continue
    }
    const value = one.data
    if (key === 'bin') {
      if (typeof value === 'string') declared.push({ field: 'bin', spec: value })
      else {
        for (const [name, spec] of Object.entries(value as Record<string, string>)) {
          declared.push({ field: `bin.${name}`, spec })
        }
      }
    } else if (key === 'exports') {
      collectExports(value, 'exports', declared, 0)
    } else if (typeof value === 'string') declared.push({ field: key, spec: value })
  }
  const seen = new Set<string>()
  const entries: EntryPoint[] = []
  for (const d of declared) {
    const key = `${d.field}\u0000${d.spec}`
    if (seen.has(key)) continue
    seen.add(key)
    const spec = toRelative(d.spec)
    entries.push({ ...d, file: resolveModule(files, '', spec) ?? sourceOf(files, spec) })
  }
  if (entries.length === 0) {
    const file = resolveModule(files, '', './index')
    entries.push({ field: 'default (index.js)', spec: 'index.js', file })
  }
  return { entries, problems }
}

/** String leaves of an `exports` value under code conditions; subpath patterns (`*`) skipped. */
function collectExports(
  value: unknown,
  field: string,
  out: Array<{ field: string; spec: string }>,
  depth: number
): void {
  if (depth > 8 || out.length > 200) return
  if (typeof value === 'string') {
    if (value.startsWith('./') && !value.includes('*')) out.push({ field, spec: value })
    return
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => collectExports(v, `${field}[${i}]`, out, depth + 1))
    return
  }
  if (typeof value !== 'object' || value === null) return
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key.startsWith('.')) {
      if (!key.includes('*')) collectExports(v, `${field}["${key}"]`, out, depth + 1)
    } else if (CODE_CONDITIONS.has(key)) {
      collectExports(v, `${field}.${key}`, out, depth + 1)
    }
  }
}

/** Build output folders whose TypeScript sources usually live in `src/`. */
const OUTPUT_DIR = /^\.\/(?:dist|build|lib|out|esm|cjs)\//

/**
 * The TypeScript source of a compiled entry point missing from the package: `./dist/x.js` →
 * `src/x.ts` (or the same path with a TypeScript extension, which `resolveModule` tries).
 */
function sourceOf(files: PackageFiles, spec: string): string | null {
  if (!OUTPUT_DIR.test(spec)) return null
  const file = resolveModule(files, '', spec.replace(OUTPUT_DIR, './src/'))
  return file !== null && /\.[mc]?tsx?$/.test(file) ? file : null
}

/** `bin/x.js`, `/x.js` → `./bin/x.js`; relative specs unchanged. */
function toRelative(spec: string): string {
  const s = spec.replace(/\\/g, '/').replace(/^\/+/, '')
  return s.startsWith('./') || s.startsWith('../') ? s : `./${s}`
}

/**
 * The package file a relative `specifier` (`./x`, `../y/z.js`) imported from package file
 * `from` (`''` for the package root) resolves to, or null when it is not relative, climbs above
 * the package root, or names no file of the package. Tried in order: the exact path; a `.js`,
 * `.mjs`, `.cjs`, `.jsx` path's TypeScript source (`.ts`, `.mts`, `.cts`, `.tsx`); the path plus
 * each of {@link RESOLVED_EXTENSIONS}; `path/index` plus each extension. Query and hash suffixes
 * are dropped.
 */
export function resolveModule(files: PackageFiles, from: string, specifier: string): string | null {
  if (!specifier.startsWith('./') && !specifier.startsWith('../') && specifier !== '.') return null
  const base = from.includes('/') ? from.slice(0, from.lastIndexOf('/')) : ''
  const joined = normalise(`${base}/${specifier.replace(/[?#].*$/, '')}`)
  if (joined === null) return null
  const has = (p: string): boolean => p !== '' && knownPath(files, p)
  if (has(joined)) return joined
  const ts = /\.(m|c)?jsx?$/.exec(joined)
  if (ts) {
    const stem = joined.slice(0, ts.index)
    const suffix = joined.endsWith('x') ? 'tsx' : `${ts[1] ?? ''}ts`
    if (has(`${stem}.${suffix}`)) return `${stem}.${suffix}`
  }
  for (const ext of RESOLVED_EXTENSIONS) if (has(`${joined}${ext}`)) return `${joined}${ext}`
  const dir = joined === '' ? 'index' : `${joined}/index`
  for (const ext of RESOLVED_EXTENSIONS) if (has(`${dir}${ext}`)) return `${dir}${ext}`
  return null
}

/** True when `path` is a regular file of the package (kept in memory or only listed). */
function knownPath(files: PackageFiles, path: string): boolean {
  if (files.files.has(path)) return true
  let index = entryIndex.get(files)
  if (!index) {
    index = new Set(files.entries.map((e) => e.path))
    entryIndex.set(files, index)
  }
  return index.has(path)
}

const entryIndex = new WeakMap<PackageFiles, Set<string>>()

/** Collapse `.` and `..` segments; null when the path climbs above the root. */
function normalise(path: string): string | null {
  const out: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      if (out.length === 0) return null
      out.pop()
    } else out.push(segment)
  }
  return out.join('/')
}

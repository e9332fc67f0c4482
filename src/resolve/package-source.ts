/**
 * Package source overrides: launcher options and environment variables that make a launcher
 * install from somewhere other than the public registry (`npx --registry URL`,
 * `npm_config_registry`, `uvx --index-url URL`, `PIP_INDEX_URL`, …). The artifact that then runs
 * is not the one a registry look-up would grade, so such an identity keeps its ecosystem and
 * name but loses its version and purl: it cannot be graded (and an ungraded server blocks,
 * SPEC §8 `UNGRADED`). Also: `NODE_OPTIONS` that preload code (a note only).
 *
 * Sources: npm config (docs.npmjs.com "config": `registry`, `@scope:registry`, `_auth`,
 * `_authToken`, `//host/:_authToken`, `userconfig`; environment `npm_config_*`, read
 * case-insensitively), Bun (`BUN_CONFIG_REGISTRY`), Yarn (`YARN_NPM_REGISTRY_SERVER`,
 * `YARN_REGISTRY`), uv (`--index`, `--index-url`/`-i`, `--extra-index-url`, `--default-index`,
 * `--find-links`/`-f`; `UV_INDEX`, `UV_INDEX_URL`, `UV_EXTRA_INDEX_URL`, `UV_DEFAULT_INDEX`,
 * `UV_FIND_LINKS`), pip/pipx (`--index-url`, `--pip-args`; `PIP_INDEX_URL`,
 * `PIP_EXTRA_INDEX_URL`, `PIP_FIND_LINKS`). URLs in messages go through `sanitizeUrl`.
 */
import { sanitizeUrl } from '../net/url-redaction.js'
import type { ScannedOption } from './options.js'
import { type IdiomMatch, packageIdentity } from './package-identity.js'

/** The default public registries (npm docs "registry"; PEP 503 simple index of pypi.org). */
export const DEFAULT_REGISTRY_URLS = {
  npm: 'https://registry.npmjs.org',
  pypi: 'https://pypi.org/simple'
} as const

/** One setting that changes where packages come from. */
export interface SourceOverride {
  /** Where it is set: `--registry`, `env npm_config_registry`, `--pip-args --index-url`, … */
  setting: string
  /**
   * `url`: packages come from `location`; `credentials`: registry credentials are set without a
   * registry URL (a private registry is implied).
   */
  kind: 'url' | 'credentials'
  /** The sanitised URL (`sanitizeUrl`), or a description when the value is not a URL. */
  location: string
}

/** What is written where a registry URL should be, when it is not an absolute URL. */
const NOT_A_URL = 'a location that is not a URL (a variable or a local path)'

/**
 * The npm package source overrides among `options` (`--registry`, `--@scope:registry`) and
 * `env` (entry `env` plus variables the launch sets). Settings that name the default registry
 * are not overrides. Pure, never throws.
 */
export function npmSourceOverrides(
  options: readonly ScannedOption[],
  env: Readonly<Record<string, string>>
): SourceOverride[] {
  const found: SourceOverride[] = []
  for (const o of options) {
    if (o.value === undefined) continue
    if (o.flag === '--registry' || /^--@[^:]+:registry$/.test(o.flag)) {
      addUrl(found, o.flag, o.value, 'npm')
    }
  }
  for (const [key, value] of Object.entries(env)) {
    const k = key.toLowerCase()
    if (
      k === 'npm_config_registry' ||
      /^npm_config_@[^:]+:registry$/.test(k) ||
      k === 'bun_config_registry' ||
      k === 'yarn_npm_registry_server' ||
      k === 'yarn_registry'
    ) {
      addUrl(found, `env ${key}`, value, 'npm')
    } else if (/^npm_config__auth/.test(k) || /^npm_config_\/\/.*:_(?:auth|password)/.test(k)) {
      found.push({ setting: `env ${key}`, kind: 'credentials', location: '' })
    }
  }
  return found
}

/**
 * The PyPI package source overrides among `options` (uv and pipx index options, and index options
 * inside pipx `--pip-args`) and `env`. Settings that name https://pypi.org/simple are not
 * overrides. Pure, never throws.
 */
export function pypiSourceOverrides(
  options: readonly ScannedOption[],
  env: Readonly<Record<string, string>>
): SourceOverride[] {
  const found: SourceOverride[] = []
  for (const o of options) {
    if (o.value === undefined) continue
    if (PYPI_INDEX_OPTIONS.has(o.flag)) addIndex(found, o.flag, o.value)
    if (o.flag === '--pip-args') {
      for (const inner of pipArgsIndexes(o.value))
        addIndex(found, `--pip-args ${inner.flag}`, inner.value)
    }
  }
  for (const [key, value] of Object.entries(env)) {
    const k = key.toUpperCase()
    if (!PYPI_INDEX_VARIABLES.has(k)) continue
    // `UV_INDEX`, `UV_EXTRA_INDEX_URL`, `PIP_*` hold space-separated lists.
    for (const item of value.trim().split(/\s+/).filter(Boolean))
      addIndex(found, `env ${key}`, item)
  }
  return found
}

/**
 * `match` made ungradeable when `overrides` is not empty: same ecosystem, name, version spec and
 * launcher, but `version`/`purl` null, not pinned, resolution `n/a` with the message
 * `installs from another registry (<URL>): the package that runs is not the one on the public
 * registry` (or, for credentials alone, `uses credentials for a private registry (<setting>): the
 * package that runs may not be the one on the public registry`), and one note per override.
 * `match` unchanged when there is none.
 */
export function withSourceOverrides(
  match: IdiomMatch,
  overrides: readonly SourceOverride[]
): IdiomMatch {
  if (overrides.length === 0) return match
  const p = match.package
  const byUrl = overrides.find((o) => o.kind === 'url')
  const message = byUrl
    ? `installs from another registry (${byUrl.location}): the package that runs is not the one ` +
      'on the public registry'
    : `uses credentials for a private registry (${overrides[0]!.setting}): the package that runs ` +
      'may not be the one on the public registry'
  const notes = overrides.map((o) =>
    o.kind === 'url'
      ? `${o.setting} installs packages from ${o.location}, not the public registry: ` +
        'no registry version can be graded'
      : `${o.setting} sets credentials for a private registry: the package may not come from ` +
        'the public registry, so no registry version can be graded'
  )
  return {
    package: packageIdentity({
      ecosystem: p.ecosystem,
      name: p.name,
      launcher: p.launcher,
      versionSpec: p.versionSpec,
      message
    }),
    notes: [...match.notes, ...notes]
  }
}

/** Node.js options that load code before the program (Node.js CLI docs). */
const PRELOAD_FLAGS = [
  '--require',
  '-r',
  '--import',
  '--loader',
  '--experimental-loader',
  '--experimental-preload'
]

/**
 * A note when `NODE_OPTIONS` in `env` preloads code (`--require`, `-r`, `--import`, `--loader`,
 * `--experimental-loader`), naming the options but not their values; null otherwise. Pure.
 */
export function preloadNote(env: Readonly<Record<string, string>>): string | null {
  const entry = Object.entries(env).find(([k]) => k.toUpperCase() === 'NODE_OPTIONS')
  if (entry === undefined) return null
  const flags = new Set<string>()
  for (const word of entry[1].split(/\s+/)) {
    const flag = word.replace(/=.*$/, '')
    if (PRELOAD_FLAGS.includes(flag)) flags.add(flag)
  }
  if (flags.size === 0) return null
  return (
    `NODE_OPTIONS preloads code (${[...flags].join(', ')}): it runs inside every Node.js ` +
    'process the server starts, and is not part of what is graded'
  )
}

const PYPI_INDEX_OPTIONS = new Set([
  '--index',
  '--index-url',
  '-i',
  '--extra-index-url',
  '--default-index',
  '--find-links',
  '-f'
])

const PYPI_INDEX_VARIABLES = new Set([
  'UV_INDEX',
  'UV_INDEX_URL',
  'UV_EXTRA_INDEX_URL',
  'UV_DEFAULT_INDEX',
  'UV_FIND_LINKS',
  'PIP_INDEX_URL',
  'PIP_EXTRA_INDEX_URL',
  'PIP_FIND_LINKS'
])

/** Index options inside a pipx `--pip-args` string (`--index-url=URL`, `-i URL`). */
function pipArgsIndexes(value: string): { flag: string; value: string }[] {
  const words = value.trim().split(/\s+/)
  const found: { flag: string; value: string }[] = []
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!
    const eq = word.indexOf('=')
    const flag = eq === -1 ? word : word.slice(0, eq)
    if (!PYPI_INDEX_OPTIONS.has(flag)) continue
    const v = eq === -1 ? words[++i] : word.slice(eq + 1)
    if (v !== undefined) found.push({ flag, value: v })
  }
  return found
}

/** `name=URL` (uv's named `--index`/`UV_INDEX`) or a URL. */
function addIndex(found: SourceOverride[], setting: string, value: string): void {
  const named = /^[A-Za-z0-9_.-]+=(.+)$/.exec(value.trim())
  addUrl(found, setting, named && !/^\w+:\/\//.test(value.trim()) ? named[1]! : value, 'pypi')
}

function addUrl(
  found: SourceOverride[],
  setting: string,
  value: string,
  ecosystem: keyof typeof DEFAULT_REGISTRY_URLS
): void {
  const url = sanitizeUrl(value)
  if (url !== null && isDefaultRegistry(url, ecosystem)) return
  found.push({ setting, kind: 'url', location: url ?? NOT_A_URL })
}

/** True when sanitised `url` is the default registry of `ecosystem` (trailing `/` ignored). */
function isDefaultRegistry(url: string, ecosystem: keyof typeof DEFAULT_REGISTRY_URLS): boolean {
  return url.replace(/\/+$/, '') === DEFAULT_REGISTRY_URLS[ecosystem]
}

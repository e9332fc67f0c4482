/**
 * Package source overrides: launcher options and environment variables that make a launcher
 * install from somewhere other than the public registry (`npx --registry URL`,
 * `npm_config_registry`, `uvx --index-url URL`, `PIP_INDEX_URL`, …). The artifact that then runs
 * is not the one a registry look-up would grade, so each override is a reason to withhold the
 * identity (`withholding.ts`: same name, no version or purl, ungraded, SPEC §8 `UNGRADED`).
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
import type { Withholding } from './withholding.js'

/** The default public registries (npm docs "registry"; PEP 503 simple index of pypi.org). */
export const DEFAULT_REGISTRY_URLS = {
  npm: 'https://registry.npmjs.org',
  pypi: 'https://pypi.org/simple'
} as const

/** What is written where a registry URL should be, when it is not an absolute URL. */
const NOT_A_URL = 'a location that is not a URL (a variable or a local path)'

/** Why registry credentials alone withhold an identity. */
const CREDENTIALS =
  'sets credentials for a private registry, so the package may not come from the public registry'

/**
 * The npm package source overrides among `options` (`--registry`, `--@scope:registry`) and
 * `env` (entry `env` plus variables the launch sets), one `Withholding` each: `setting` is the
 * option or `env NAME`, `why` says where packages come from (`installs packages from <URL>, not
 * the public registry`, the URL through `sanitizeUrl`) or that private-registry credentials are
 * set. Settings that name the default registry are not overrides. Pure, never throws.
 */
export function npmSourceOverrides(
  options: readonly ScannedOption[],
  env: Readonly<Record<string, string>>
): Withholding[] {
  const found: Withholding[] = []
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
      found.push({ setting: `env ${key}`, why: CREDENTIALS })
    }
  }
  return found
}

/**
 * The PyPI package source overrides among `options` (uv and pipx index options, and index options
 * inside pipx `--pip-args`) and `env`, one `Withholding` each (as for `npmSourceOverrides`).
 * Settings that name https://pypi.org/simple are not overrides. Pure, never throws.
 */
export function pypiSourceOverrides(
  options: readonly ScannedOption[],
  env: Readonly<Record<string, string>>
): Withholding[] {
  const found: Withholding[] = []
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

/** uv and pip options that name an index or a place to find packages. */
export const PYPI_INDEX_OPTIONS: ReadonlySet<string> = new Set([
  '--index',
  '--index-url',
  '-i',
  '--extra-index-url',
  '--default-index',
  '--find-links',
  '-f'
])

/** uv and pip variables that name an index or a place to find packages. */
export const PYPI_INDEX_VARIABLES: ReadonlySet<string> = new Set([
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
function addIndex(found: Withholding[], setting: string, value: string): void {
  const named = /^[A-Za-z0-9_.-]+=(.+)$/.exec(value.trim())
  addUrl(found, setting, named && !/^\w+:\/\//.test(value.trim()) ? named[1]! : value, 'pypi')
}

function addUrl(
  found: Withholding[],
  setting: string,
  value: string,
  ecosystem: keyof typeof DEFAULT_REGISTRY_URLS
): void {
  const url = sanitizeUrl(value)
  if (url !== null && isDefaultRegistry(url, ecosystem)) return
  found.push({
    setting,
    why: `installs packages from ${url ?? NOT_A_URL}, not the public registry`
  })
}

/** True when sanitised `url` is the default registry of `ecosystem` (trailing `/` ignored). */
function isDefaultRegistry(url: string, ecosystem: keyof typeof DEFAULT_REGISTRY_URLS): boolean {
  return url.replace(/\/+$/, '') === DEFAULT_REGISTRY_URLS[ecosystem]
}

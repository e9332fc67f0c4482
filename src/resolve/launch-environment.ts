/**
 * Environment variables that make a launcher run code other than the package (SPEC §4, §9):
 * each one found withholds the package identity (`withholding.ts`). The environment is the
 * entry's `env` plus what the launch sets itself (`NAME=value` prefixes, `env NAME=value`,
 * `export` in a shell string). Variable names are compared case-insensitively (Windows).
 *
 * - `PATH` (every launcher): allowed only when every entry is a well-known install directory
 *   (`launcher-location.ts`) or the inherited `PATH` (`$PATH`, `${PATH}`, `%PATH%`,
 *   `$env:PATH`); a relative, empty (the working directory) or project directory means `npx`
 *   (or the `node` its shebang finds) may be a committed script.
 * - Code loaded into any process (ld.so(8), dyld(1), bash(1), zsh(1)): `LD_PRELOAD`,
 *   `LD_LIBRARY_PATH`, `LD_AUDIT`, `GCONV_PATH`, `DYLD_INSERT_LIBRARIES`, `DYLD_LIBRARY_PATH`,
 *   `DYLD_FRAMEWORK_PATH`, `DYLD_FALLBACK_LIBRARY_PATH`, `DYLD_FALLBACK_FRAMEWORK_PATH`,
 *   `BASH_ENV`, `ENV` (when its value looks like a file: it holds `/`, `\`, `.`, `~` or `$`;
 *   `ENV=production` is an application setting), `ZDOTDIR`, `SHELLOPTS`, `BASHOPTS` and
 *   exported functions `BASH_FUNC_*`.
 * - npm launchers (Node.js CLI docs, npm docs "config"): `NODE_OPTIONS` unless every option is
 *   in `SAFE_NODE_OPTIONS` (memory, warnings, TLS versions, …; `--require`, `--import`,
 *   `--loader`, `--inspect`, `--env-file`, … are not), `NODE_PATH`,
 *   `NODE_TLS_REJECT_UNAUTHORIZED` other than `1`, `COREPACK_NPM_REGISTRY`,
 *   `YARN_RC_FILENAME`, and every `npm_config_*` setting not in `SAFE_NPM_CONFIG`
 *   (`userconfig`, `globalconfig`, `node-options`, `script-shell`, `prefix`, `cache`, … are
 *   not; registry settings are read by `package-source.ts`).
 * - PyPI launchers (Python, uv, pip and pipx docs): every `PYTHON*` variable not in
 *   `SAFE_PYTHON_VARIABLES` (`PYTHONPATH`, `PYTHONSTARTUP`, `PYTHONHOME`, `PYTHONUSERBASE`, …),
 *   and every `UV_*`, `PIP_*`, `PIPX_*` setting not in the safe lists (`UV_CONFIG_FILE`,
 *   `PIP_CONFIG_FILE`, `UV_TOOL_DIR`, `PIPX_HOME`, …; index settings are read by
 *   `package-source.ts`); `UV_PYTHON`/`PIPX_DEFAULT_PYTHON` only as a version, not a path.
 * - Container engines (Docker and Podman docs): `DOCKER_HOST`, `DOCKER_CONTEXT`,
 *   `DOCKER_CONFIG` (credential helpers are programs), `CONTAINER_HOST`,
 *   `CONTAINER_CONNECTION`, `CONTAINERS_CONF`, `CONTAINERS_STORAGE_CONF`,
 *   `CONTAINERS_REGISTRIES_CONF`, `REGISTRIES_CONFIG_PATH`.
 * - Deno: `DENO_DIR` (the module cache).
 *
 * Findings name variables and options only, never values (they may be secrets).
 */
import { isWellKnownDirectory } from './launcher-location.js'
import { PYPI_INDEX_VARIABLES } from './package-source.js'
import type { Withholding } from './withholding.js'

/** The kind of launcher whose environment is read. */
export type LauncherFamily = 'npm' | 'pypi' | 'oci' | 'deno'

/** Variables that load code into any process or shell, and what they do. */
const CODE_LOADING: Readonly<Record<string, string>> = {
  LD_PRELOAD: 'loads a shared library into every process',
  LD_LIBRARY_PATH: 'makes processes load shared libraries from other directories',
  LD_AUDIT: 'loads an audit library into every process',
  GCONV_PATH: 'makes processes load character-conversion modules from another directory',
  DYLD_INSERT_LIBRARIES: 'loads a library into every process',
  DYLD_LIBRARY_PATH: 'makes processes load libraries from other directories',
  DYLD_FRAMEWORK_PATH: 'makes processes load frameworks from other directories',
  DYLD_FALLBACK_LIBRARY_PATH: 'makes processes load libraries from other directories',
  DYLD_FALLBACK_FRAMEWORK_PATH: 'makes processes load frameworks from other directories',
  BASH_ENV: 'runs a script in every non-interactive bash',
  ENV: 'runs a script in every sh',
  ZDOTDIR: 'makes zsh run start-up scripts from another directory',
  SHELLOPTS: 'changes the options of every bash',
  BASHOPTS: 'changes the options of every bash'
}

/** Node.js options that leave the program alone (Node.js CLI docs); any other is a finding. */
const SAFE_NODE_OPTIONS = new Set([
  '--max-old-space-size',
  '--max-semi-space-size',
  '--no-warnings',
  '--no-deprecation',
  '--pending-deprecation',
  '--throw-deprecation',
  '--trace-warnings',
  '--trace-deprecation',
  '--trace-uncaught',
  '--trace-exit',
  '--enable-source-maps',
  '--disable-warning',
  '--dns-result-order',
  '--use-openssl-ca',
  '--use-bundled-ca',
  '--use-system-ca',
  '--tls-min-v1.0',
  '--tls-min-v1.1',
  '--tls-min-v1.2',
  '--tls-min-v1.3',
  '--tls-max-v1.2',
  '--tls-max-v1.3',
  '--max-http-header-size',
  '--unhandled-rejections',
  '--experimental-fetch',
  '--no-experimental-fetch',
  '--experimental-websocket',
  '--no-experimental-global-webcrypto',
  '--openssl-legacy-provider',
  '--network-family-autoselection',
  '--no-network-family-autoselection',
  '--network-family-autoselection-attempt-timeout',
  '--zero-fill-buffers',
  '--frozen-intrinsics',
  '--disallow-code-generation-from-strings',
  '--no-addons',
  '--force-fips',
  '--enable-fips',
  '--title',
  '--stack-trace-limit',
  '--expose-gc',
  '--heapsnapshot-near-heap-limit',
  '--experimental-require-module',
  '--no-experimental-require-module',
  '--experimental-detect-module',
  '--no-experimental-detect-module'
])

/**
 * npm settings (npm docs "config", as option or `npm_config_*` key, dashes) that leave the
 * package and its source alone. Registry, scope-registry and credential settings are not here:
 * `package-source.ts` reads them.
 */
export const SAFE_NPM_CONFIG: ReadonlySet<string> = new Set([
  'yes',
  'loglevel',
  'silent',
  'quiet',
  'color',
  'progress',
  'unicode',
  'update-notifier',
  'fund',
  'audit',
  'timing',
  'prefer-online',
  'prefer-offline',
  'offline',
  'fetch-retries',
  'fetch-retry-factor',
  'fetch-retry-mintimeout',
  'fetch-retry-maxtimeout',
  'fetch-timeout',
  'maxsockets',
  'noproxy',
  'proxy',
  'https-proxy',
  'user-agent',
  'ignore-scripts',
  'logs-max',
  'usage',
  'help'
])

/** `PYTHON*` variables that leave the program alone (Python docs "Environment variables"). */
const SAFE_PYTHON_VARIABLES = new Set([
  'PYTHONUNBUFFERED',
  'PYTHONIOENCODING',
  'PYTHONUTF8',
  'PYTHONDONTWRITEBYTECODE',
  'PYTHONHASHSEED',
  'PYTHONFAULTHANDLER',
  'PYTHONNOUSERSITE',
  'PYTHONSAFEPATH',
  'PYTHONLEGACYWINDOWSSTDIO',
  'PYTHONLEGACYWINDOWSFSENCODING',
  'PYTHONOPTIMIZE',
  'PYTHONDEVMODE',
  'PYTHONTRACEMALLOC',
  'PYTHONWARNDEFAULTENCODING',
  'PYTHONCOERCECLOCALE',
  'PYTHONASYNCIODEBUG',
  'PYTHONNODEBUGRANGES',
  'PYTHONINTMAXSTRDIGITS',
  'PYTHON_COLORS',
  'PYTHON_CPU_COUNT',
  'PYTHON_GIL'
])

/** uv, pip and pipx settings that leave the package and its source alone (their docs). */
const SAFE_PYPI_SETTINGS = new Set([
  'UV_NO_CACHE',
  'UV_NO_PROGRESS',
  'UV_NATIVE_TLS',
  'UV_SYSTEM_CERTS',
  'UV_OFFLINE',
  'UV_PYTHON',
  'UV_PYTHON_PREFERENCE',
  'UV_PYTHON_DOWNLOADS',
  'UV_MANAGED_PYTHON',
  'UV_NO_MANAGED_PYTHON',
  'UV_HTTP_TIMEOUT',
  'UV_HTTP_RETRIES',
  'UV_REQUEST_TIMEOUT',
  'UV_CONCURRENT_DOWNLOADS',
  'UV_CONCURRENT_BUILDS',
  'UV_CONCURRENT_INSTALLS',
  'UV_LINK_MODE',
  'UV_COMPILE_BYTECODE',
  'UV_PRERELEASE',
  'UV_RESOLUTION',
  'UV_EXCLUDE_NEWER',
  'UV_INDEX_STRATEGY',
  'UV_KEYRING_PROVIDER',
  'UV_NO_CONFIG',
  'UV_REQUIRE_HASHES',
  'UV_VERIFY_HASHES',
  'UV_NO_BUILD',
  'PIP_NO_CACHE_DIR',
  'PIP_DISABLE_PIP_VERSION_CHECK',
  'PIP_QUIET',
  'PIP_PROGRESS_BAR',
  'PIP_DEFAULT_TIMEOUT',
  'PIP_TIMEOUT',
  'PIP_RETRIES',
  'PIP_NO_INPUT',
  'PIP_ROOT_USER_ACTION',
  'PIP_NO_COLOR',
  'PIPX_DEFAULT_PYTHON',
  'PIPX_USE_EMOJI'
])

/** Settings that name a Python interpreter: a version request is fine, a path is a program. */
const PYTHON_INTERPRETER_SETTINGS = new Set(['UV_PYTHON', 'PIPX_DEFAULT_PYTHON'])

const CONTAINER_ENGINE: Readonly<Record<string, string>> = {
  DOCKER_HOST: 'makes the engine talk to another daemon',
  DOCKER_CONTEXT: 'makes the engine talk to another daemon',
  DOCKER_CONFIG: 'makes the engine read another configuration (credential helpers are programs)',
  CONTAINER_HOST: 'makes the engine talk to another service',
  CONTAINER_CONNECTION: 'makes the engine talk to another service',
  CONTAINERS_CONF: 'makes the engine read another configuration',
  CONTAINERS_STORAGE_CONF: 'makes the engine use another image store',
  CONTAINERS_REGISTRIES_CONF: 'makes the engine read another registry configuration',
  REGISTRIES_CONFIG_PATH: 'makes the engine read another registry configuration'
}

/**
 * The withholdings `env` causes for a launcher of `family` (see the module doc), in the order
 * of `env`. Pure, never throws.
 * @param env variable name → value as written (values are read, never copied into findings).
 */
export function environmentWithholdings(
  env: Readonly<Record<string, string>>,
  family: LauncherFamily
): Withholding[] {
  const found: Withholding[] = []
  for (const [key, value] of Object.entries(env)) {
    const upper = key.toUpperCase()
    const setting = `env ${key}`
    const why = variableFinding(upper, value, family)
    if (why !== null) found.push({ setting, why })
  }
  return found
}

/** What `NAME=value` does to a launcher of `family`, or null when nothing (see the module doc). */
function variableFinding(name: string, value: string, family: LauncherFamily): string | null {
  if (name === 'PATH') return pathFinding(value)
  // `ENV` names a start-up file only when it looks like one; `ENV=production` is an app setting.
  if (name === 'ENV' && !/[\\/.~$]/.test(value)) return null
  if (name in CODE_LOADING) return CODE_LOADING[name]!
  if (name.startsWith('BASH_FUNC_')) return 'defines a shell function that can replace a command'
  switch (family) {
    case 'npm':
      return nodeFinding(name, value)
    case 'pypi':
      return pythonFinding(name, value)
    case 'oci':
      return CONTAINER_ENGINE[name] ?? null
    case 'deno':
      return name === 'DENO_DIR' ? 'makes Deno load modules from another cache' : null
  }
}

/** `PATH` entries that are not well known (see the module doc). */
function pathFinding(value: string): string | null {
  const windows = value.includes(';') || /^\s*["']?[A-Za-z]:[\\/]/.test(value)
  const entries = value.split(windows ? ';' : ':').map((e) => e.trim().replace(/^["']|["']$/g, ''))
  const inherited = /^(?:\$PATH|\$\{PATH\}|%PATH%|\$env:PATH|\$\{env:PATH\})$/i
  const unknown = entries.filter((e) => !inherited.test(e) && !isWellKnownDirectory(e))
  if (unknown.length === 0) return null
  return (
    `lists ${unknown.length === 1 ? 'a directory' : `${unknown.length} directories`} that ` +
    'is not a well-known install location (a relative path, the working directory, a variable or ' +
    'a project directory), so the launcher found there may be another program'
  )
}

function nodeFinding(name: string, value: string): string | null {
  if (name === 'NODE_OPTIONS') {
    const flags = unsafeNodeOptions(value)
    return flags.length === 0
      ? null
      : `sets Node.js options not known to leave the program alone (${flags.join(', ')})`
  }
  if (name === 'NODE_PATH') return 'makes Node.js load modules from other directories'
  if (name === 'NODE_TLS_REJECT_UNAUTHORIZED' && value.trim() !== '1') {
    return 'turns off TLS certificate checks, so anyone on the network path can change the package'
  }
  if (name === 'COREPACK_NPM_REGISTRY') return 'makes Corepack fetch the launcher from elsewhere'
  if (name === 'YARN_RC_FILENAME') return 'makes Yarn read another configuration file'
  const config = /^NPM_CONFIG_(.+)$/.exec(name)?.[1]?.toLowerCase().replaceAll('_', '-')
  if (config === undefined || isNpmSourceSetting(config) || SAFE_NPM_CONFIG.has(config)) return null
  return 'changes an npm setting not known to leave the package and its source alone'
}

/** Registry and credential settings (`registry`, `@scope:registry`, `_auth…`, `//host/:_…`). */
function isNpmSourceSetting(config: string): boolean {
  return config === 'registry' || /^@[^:]+:registry$/.test(config) || /(?:^|:)-auth/.test(config)
}

/** The options in a `NODE_OPTIONS` value that are not in `SAFE_NODE_OPTIONS`, for messages. */
export function unsafeNodeOptions(value: string): string[] {
  const unsafe: string[] = []
  for (const word of value.trim().split(/\s+/)) {
    if (word === '' || !word.startsWith('-')) continue // a value of the option before it
    const flag = word.replace(/=.*$/, '').replaceAll('_', '-').toLowerCase()
    if (SAFE_NODE_OPTIONS.has(flag)) continue
    const shown = /^--?[a-z0-9][a-z0-9.-]{0,40}$/.test(flag) ? flag : 'an option'
    if (!unsafe.includes(shown)) unsafe.push(shown)
  }
  return unsafe
}

function pythonFinding(name: string, value: string): string | null {
  if (PYPI_INDEX_VARIABLES.has(name)) return null // read as index overrides (package-source.ts)
  const python = name.startsWith('PYTHON')
  const tool = /^(?:UV|PIP|PIPX)_/.test(name)
  if (!python && !tool) return null
  if (PYTHON_INTERPRETER_SETTINGS.has(name) && /[\\/]/.test(value)) {
    return 'names a Python interpreter by path, so that program runs the package'
  }
  if (SAFE_PYTHON_VARIABLES.has(name) || SAFE_PYPI_SETTINGS.has(name)) return null
  return python
    ? 'changes how Python starts or where it loads modules from'
    : 'changes a uv, pip or pipx setting not known to leave the package and its source alone'
}

/**
 * Launcher options that are known to leave the package and its source alone (SPEC §4): an
 * allow-list per launcher. Any other option written before the package (`npx --node-options=…`,
 * `npx --userconfig f`, `npx --script-shell x`, `npx --prefix dir`, `npx --cache dir`,
 * `uvx --directory d`, `uvx --config-file f`, `uvx --python ./x`, `pipx run --path`,
 * `docker -H tcp://… run`, `docker run --entrypoint sh`, `deno run --preload x`, …) withholds
 * the identity (`withholding.ts`), and so do options that install other packages alongside
 * (`uvx --with x`, `--with-editable`, `--with-requirements`, `pipx run --preinstall`,
 * `--pip-args` naming anything but known pip switches): their install scripts and `.pth` files
 * run too. Registry and index options are read by `package-source.ts`; package, `--from`,
 * `--spec` and call-string options by the idioms.
 *
 * Sources: npm docs "config" and "npm exec"; pnpm, Yarn and Bun CLI docs; uv CLI reference
 * (`uv tool run`); pipx and pip docs; Docker and Podman CLI references; Deno CLI reference.
 * Findings name options only, never their values.
 */
import { SAFE_NPM_CONFIG } from './launch-environment.js'
import type { ScannedOption } from './options.js'
import { PYPI_INDEX_OPTIONS } from './package-source.js'
import type { Withholding } from './withholding.js'

/** Why an option outside the allow-list withholds an identity. */
const NOT_KNOWN_SAFE = 'is a launcher option not known to leave the package and its source alone'

/** Why an option that installs other packages withholds an identity. */
const ALONGSIDE =
  'installs other packages alongside, whose install scripts and start-up files run too'

/** npm short options and the setting each one is (npm docs "config", shorthands). */
const NPM_SHORT: Readonly<Record<string, string>> = {
  '-y': 'yes',
  '-q': 'quiet',
  '-s': 'silent',
  '-d': 'loglevel',
  '-h': 'help',
  '-p': 'package',
  '-c': 'call'
}

/** pnpm options (`pnpm dlx`, `pnpx`, pnpm global options) known to leave the package alone. */
const PNPM_SETTINGS: ReadonlySet<string> = new Set([
  'package',
  'shell-mode',
  'c',
  'silent',
  's',
  'reporter',
  'loglevel',
  'allow-build',
  'registry',
  'help',
  'h'
])

/** The options each npm-style launcher reads for itself, by setting name (no dashes). */
const LAUNCHER_SETTINGS: Readonly<Record<string, ReadonlySet<string>>> = {
  npx: new Set([...SAFE_NPM_CONFIG, 'package', 'call', 'registry']),
  'npm exec': new Set([...SAFE_NPM_CONFIG, 'package', 'call', 'registry']),
  'pnpm dlx': PNPM_SETTINGS,
  pnpx: PNPM_SETTINGS,
  'yarn dlx': new Set(['package', 'p', 'quiet', 'q']),
  bunx: new Set(['package', 'p', 'bun', 'no-install', 'verbose', 'silent', 'yes', 'y', 'registry'])
}

/** npm's per-scope registry option (`--@scope:registry`), read by `package-source.ts`. */
const SCOPED_REGISTRY = /^--@[^:=\s]+:registry$/

/**
 * The withholdings for the options of an npm-style launcher (`npx`, `npm exec`, `pnpm dlx`,
 * `pnpx`, `yarn dlx`, `bunx`), options before a subcommand included. Pure, never throws.
 */
export function npmLauncherOptions(
  launcher: string,
  options: readonly ScannedOption[]
): Withholding[] {
  const allowed = LAUNCHER_SETTINGS[launcher] ?? new Set<string>()
  const npmStyle = launcher === 'npx' || launcher === 'npm exec'
  const found: Withholding[] = []
  for (const { flag } of options) {
    if (SCOPED_REGISTRY.test(flag)) continue
    const setting = npmStyle ? npmSetting(flag) : flag.replace(/^--?/, '')
    if (!allowed.has(setting)) addOnce(found, flag, NOT_KNOWN_SAFE)
  }
  return found
}

/** The npm setting an option sets: `-y` → `yes`, `--no-audit` → `audit`, `--loglevel` → itself. */
function npmSetting(flag: string): string {
  if (!flag.startsWith('--')) return NPM_SHORT[flag] ?? flag
  const name = flag.slice(2).toLowerCase()
  return name.startsWith('no-') && SAFE_NPM_CONFIG.has(name.slice(3)) ? name.slice(3) : name
}

/** uv options (`uvx`, `uv tool run`, uv global options) known to leave the package alone. */
const SAFE_UV_OPTIONS = new Set([
  '--from',
  '--python',
  '-p',
  '-q',
  '--quiet',
  '-v',
  '--verbose',
  '--no-progress',
  '--color',
  '--native-tls',
  '--offline',
  '--no-cache',
  '-n',
  '--upgrade',
  '-U',
  '--refresh',
  '--isolated',
  '--index-strategy',
  '--keyring-provider',
  '--prerelease',
  '--resolution',
  '--exclude-newer',
  '--link-mode',
  '--compile-bytecode',
  '--no-python-downloads',
  '--python-preference',
  '--managed-python',
  '--no-managed-python',
  '--no-config',
  '--reinstall',
  '--refresh-package',
  '--reinstall-package',
  '--upgrade-package',
  '-P',
  '--no-build',
  '--no-binary',
  '--no-build-package',
  '--no-binary-package',
  '--help',
  '-h'
])

/** uv options that install other packages alongside the tool. */
const UV_ALONGSIDE = new Set(['--with', '--with-editable', '--with-requirements'])

/** The withholdings for the options of `uvx` / `uv tool run` (global options included). */
export function uvLauncherOptions(options: readonly ScannedOption[]): Withholding[] {
  const found: Withholding[] = []
  for (const { flag, value } of options) {
    if (PYPI_INDEX_OPTIONS.has(flag)) continue
    if (UV_ALONGSIDE.has(flag)) addOnce(found, flag, ALONGSIDE)
    else if ((flag === '--python' || flag === '-p') && isInterpreterPath(value)) {
      addOnce(found, flag, INTERPRETER_PATH)
    } else if (!SAFE_UV_OPTIONS.has(flag)) addOnce(found, flag, NOT_KNOWN_SAFE)
  }
  return found
}

/** pipx options (`pipx run` and global ones) known to leave the package alone. */
const SAFE_PIPX_OPTIONS = new Set([
  '--spec',
  '--python',
  '--no-cache',
  '-v',
  '--verbose',
  '-q',
  '--quiet',
  '--pip-args',
  '--backend',
  '--help',
  '-h'
])

/** pip switches allowed inside `--pip-args` (pip docs); anything else may install more. */
const SAFE_PIP_SWITCHES = new Set([
  '--no-cache-dir',
  '-q',
  '--quiet',
  '-v',
  '--verbose',
  '--progress-bar',
  '--timeout',
  '--retries',
  '--disable-pip-version-check',
  '--no-input',
  '--prefer-binary',
  '--only-binary',
  '--pre'
])

/** pip switches inside `--pip-args` that take a value in the next word. */
const PIP_VALUE_SWITCHES = new Set([
  '--progress-bar',
  '--timeout',
  '--retries',
  '--only-binary',
  '--index-url',
  '-i',
  '--extra-index-url',
  '--find-links',
  '-f'
])

/** The withholdings for the options of `pipx run` (global options included). */
export function pipxLauncherOptions(options: readonly ScannedOption[]): Withholding[] {
  const found: Withholding[] = []
  for (const { flag, value } of options) {
    if (PYPI_INDEX_OPTIONS.has(flag)) continue
    if (flag === '--preinstall') addOnce(found, flag, ALONGSIDE)
    else if (flag === '--pip-args') {
      if (value !== undefined && !pipArgsAreSafe(value)) {
        addOnce(found, flag, `passes pip other arguments, which can install other packages too`)
      }
    } else if (flag === '--python' && isInterpreterPath(value)) {
      addOnce(found, flag, INTERPRETER_PATH)
    } else if (!SAFE_PIPX_OPTIONS.has(flag)) addOnce(found, flag, NOT_KNOWN_SAFE)
  }
  return found
}

/** True when every word of a `--pip-args` value is a known pip switch (or its value). */
function pipArgsAreSafe(value: string): boolean {
  const words = value.trim().split(/\s+/).filter(Boolean)
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!
    const eq = word.indexOf('=')
    const flag = eq === -1 ? word : word.slice(0, eq)
    if (PYPI_INDEX_OPTIONS.has(flag) || SAFE_PIP_SWITCHES.has(flag)) {
      if (eq === -1 && PIP_VALUE_SWITCHES.has(flag)) i += 1
      continue
    }
    return false
  }
  return true
}

const INTERPRETER_PATH = 'names a Python interpreter by path, so that program runs the package'

/** A `--python` value that is a path (a program) rather than a version request (`3.12`). */
function isInterpreterPath(value: string | undefined): boolean {
  return value !== undefined && /[\\/]/.test(value)
}

/** Docker/Podman global options (before `run`) known to leave the image and daemon alone. */
const SAFE_ENGINE_OPTIONS = new Set(['-D', '--debug', '-l', '--log-level'])

/**
 * The withholdings for a container launch: global options other than `-D`/`--debug`/
 * `-l`/`--log-level` (another daemon, context, config or store), and `run --entrypoint`
 * (another program from the image, or from a mounted directory, runs instead).
 */
export function engineLauncherOptions(
  global: readonly ScannedOption[],
  run: readonly ScannedOption[]
): Withholding[] {
  const found: Withholding[] = []
  for (const { flag } of global) {
    if (!SAFE_ENGINE_OPTIONS.has(flag)) {
      addOnce(found, flag, 'is an engine option not known to leave the daemon and image alone')
    }
  }
  if (run.some((o) => o.flag === '--entrypoint')) {
    addOnce(found, '--entrypoint', 'runs another program instead of the image entrypoint')
  }
  return found
}

/** Deno `run` options known to leave the module graph alone (Deno CLI reference). */
const SAFE_DENO_OPTIONS = new Set([
  '-A',
  '--allow-all',
  '-q',
  '--quiet',
  '--no-prompt',
  '--no-check',
  '--check',
  '-r',
  '--reload',
  '--cached-only',
  '--lock',
  '--frozen',
  '--no-lock',
  '--location',
  '--seed',
  '--log-level'
])

/** The withholdings for the options of `deno run` before an `npm:` specifier. */
export function denoLauncherOptions(options: readonly ScannedOption[]): Withholding[] {
  const found: Withholding[] = []
  for (const { flag } of options) {
    if (SAFE_DENO_OPTIONS.has(flag) || /^--(?:allow|deny|unstable)-[a-z-]+$/.test(flag)) continue
    addOnce(found, flag, NOT_KNOWN_SAFE)
  }
  return found
}

/** Add a finding for `flag` unless one is there (the flag shown only when it looks like one). */
function addOnce(found: Withholding[], flag: string, why: string): void {
  const setting = /^--?[A-Za-z0-9][A-Za-z0-9-]{0,40}$/.test(flag) ? flag : 'an option'
  if (!found.some((f) => f.setting === setting && f.why === why)) found.push({ setting, why })
}

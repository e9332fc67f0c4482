/**
 * The PyPI launch idiom (SPEC §4): `uvx pkg`, `uvx pkg@1.2.3`, `uvx 'pkg[extra]==1.2.3'`,
 * `uvx --from 'pkg==1.2.3' cmd`, `uvx --from git+https://… cmd`, `uv tool run …`,
 * `pipx run [--spec pkg==1.2.3] app`.
 *
 * Requirements are read as PEP 508 (`name[extras] specifier`, `name @ url`) and version
 * specifiers with `@renovatebot/pep440` (PEP 440). Pinned only for a single `==` clause without
 * a wildcard, `===`, or uv's `pkg@<version>`. PyPI is not queried in this version: pinned
 * entries have status `exact`, unpinned ones `unresolved`. Purl names are PEP 503 normalised.
 *
 * A registry requirement is a gradeable identity only when the package is what runs; otherwise
 * it is withheld (`withholding.ts`: same name, no version or purl, so it ends ungraded) when:
 * - it installs from another index (`--index-url`, `--extra-index-url`, `--default-index`,
 *   `--index`, `--find-links`, pipx `--pip-args`, `UV_INDEX_URL`/`PIP_INDEX_URL` and friends;
 *   `package-source.ts`);
 * - a launcher option is not on the allow-list, or installs other packages alongside
 *   (`--with`, `--with-editable`, `--with-requirements`, `pipx run --preinstall`, `--pip-args`
 *   with anything but known pip switches; `launcher-options.ts`);
 * - the environment loads other code or changes `PATH` (`PYTHONPATH`, `UV_CONFIG_FILE`, …;
 *   `launch-environment.ts`);
 * - the command run from `--from`/`--spec` is not the package's own bin (`runsOwnBin`): what it
 *   runs is identified instead, and any package found there is withheld too;
 * - it is `mcp-proxy` running a command rather than bridging to a URL.
 * A git source is named by its URL without the `@ref`, which becomes the version spec (a commit
 * is exact but not a registry version). Notes quote values only through `shownValue`.
 */
import { clean as cleanPep440, valid as validPep440 } from '@renovatebot/pep440'
import { parse as parseSpecifier } from '@renovatebot/pep440/lib/specifier.js'
import { commandName, looksLikeHttpUrl, looksLikePath } from './command-name.js'
import { environmentWithholdings } from './launch-environment.js'
import { launcherName } from './launcher-location.js'
import { pipxLauncherOptions, uvLauncherOptions } from './launcher-options.js'
import { type OptionGrammar, optionValue, type ScannedOption, scanOptions } from './options.js'
import { runsOwnBin } from './package-bin.js'
import {
  type CommandIdentifier,
  type IdiomMatch,
  packageIdentity,
  unidentifiedCommand,
  unknownMatch
} from './package-identity.js'
import { pypiSourceOverrides } from './package-source.js'
import { normalizePypiName, pypiPurl } from './purl.js'
import { BRIDGE_PACKAGES, bridgeMatch } from './remote.js'
import { shownValue, stripUrlSecrets } from './shown-text.js'
import { withheld, type Withholding } from './withholding.js'

/** uv options that take a value (uv docs, `uv tool run` and `uv run`). */
export const UV_VALUE_OPTIONS = [
  '--from',
  '--with',
  '--with-editable',
  '--with-requirements',
  '--python',
  '-p',
  '--index',
  '--index-url',
  '-i',
  '--extra-index-url',
  '--default-index',
  '--find-links',
  '-f',
  '--index-strategy',
  '--keyring-provider',
  '--resolution',
  '--prerelease',
  '--exclude-newer',
  '--exclude-newer-package',
  '--refresh-package',
  '--reinstall-package',
  '--upgrade-package',
  '-P',
  '--config-setting',
  '-C',
  '--config-settings-package',
  '--no-binary-package',
  '--no-build-package',
  '--no-build-isolation-package',
  '--allow-insecure-host',
  '--python-preference',
  '--python-platform',
  '--torch-backend',
  '--link-mode',
  '--directory',
  '--project',
  '--config-file',
  '--cache-dir',
  '--color',
  '--env-file',
  '--constraints',
  '--constraint',
  '-c',
  '--overrides',
  '--build-constraints',
  '-b',
  '--package',
  '--extra',
  '--group',
  '--only-group',
  '--no-group',
  '--no-extra',
  '--module',
  '-m'
]

const UV_GRAMMAR: OptionGrammar = { valueFlags: new Set(UV_VALUE_OPTIONS) }

const PIPX_GRAMMAR: OptionGrammar = {
  valueFlags: new Set([
    '--spec',
    '--python',
    '--pip-args',
    '--index-url',
    '-i',
    '--backend',
    '--preinstall'
  ])
}

/** A PEP 508 requirement as written, read for identification. */
type Requirement =
  | {
      kind: 'registry'
      name: string
      extras: string | null
      specifier: string | null
      at: string | null
    }
  | { kind: 'url'; name: string | null; url: string }
  | { kind: 'path'; path: string }
  | { kind: 'invalid' }

/** PEP 508 project name, then optional extras, then the rest. */
const NAME_PATTERN = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*([\s\S]*)$/

/**
 * Read a requirement: `name`, `name[extra]==1.0`, `name>=1,<2`, `name @ git+https://…`, a URL,
 * a local path; with `allowAt`, uv's `name@1.2.3` / `name@latest` too.
 */
function parseRequirement(text: string, allowAt: boolean): Requirement {
  const trimmed = text.trim()
  if (/^git\+/i.test(trimmed) || looksLikeHttpUrl(trimmed)) {
    return { kind: 'url', name: null, url: trimmed }
  }
  const m = NAME_PATTERN.exec(trimmed)
  const named = m ? namedRequirement(m[1]!, m[2] ?? null, m[3] ?? '', allowAt) : null
  if (named) return named
  if (looksLikePath(trimmed)) return { kind: 'path', path: trimmed }
  return { kind: 'invalid' }
}

/** `name[extras]` followed by `rest` (a specifier, `@ url`, uv's `@version`, or nothing). */
function namedRequirement(
  name: string,
  extras: string | null,
  written: string,
  allowAt: boolean
): Requirement | null {
  const rest = written.replace(/;[\s\S]*$/, '').trim() // drop environment markers
  if (rest === '') return { kind: 'registry', name, extras, specifier: null, at: null }
  if (rest.startsWith('@')) {
    const target = rest.slice(1).trim()
    if (/^git\+/i.test(target) || looksLikeHttpUrl(target) || target.startsWith('file:')) {
      return { kind: 'url', name, url: target }
    }
    if (allowAt && target !== '') {
      return { kind: 'registry', name, extras, specifier: null, at: target }
    }
    return null
  }
  if (/^[(=<>!~]/.test(rest)) {
    const specifier = rest.replace(/^\(|\)$/g, '').trim()
    return { kind: 'registry', name, extras, specifier, at: null }
  }
  return null
}

/** The PyPI launcher at the start of `argv`, the options before its subcommand, the rest. */
interface PypiLaunch {
  launcher: string
  grammar: OptionGrammar
  args: string[]
  /** Options written before the subcommand (`uv --index-url X tool run …`). */
  before: ScannedOption[]
}

function findLauncher(argv: readonly string[]): PypiLaunch | null {
  const name = launcherName(argv[0] ?? '')
  if (name === 'uvx') {
    return { launcher: 'uvx', grammar: UV_GRAMMAR, args: argv.slice(1), before: [] }
  }
  if (name === 'uv') {
    const scanned = scanOptions(argv.slice(1), UV_GRAMMAR)
    const [tool, run, ...rest] = scanned.positional
    if (tool === 'tool' && run === 'run') {
      return { launcher: 'uv tool run', grammar: UV_GRAMMAR, args: rest, before: scanned.options }
    }
    return null
  }
  if (name === 'pipx') {
    const scanned = scanOptions(argv.slice(1), PIPX_GRAMMAR)
    const [run, ...rest] = scanned.positional
    if (run === 'run') {
      return { launcher: 'pipx run', grammar: PIPX_GRAMMAR, args: rest, before: scanned.options }
    }
  }
  return null
}

/**
 * Identify a PyPI launch (see the module doc); null when `argv` does not start with `uvx`,
 * `uv tool run` or `pipx run` (a bare name or a well-known install location, `launcherName`).
 * `uvx mcp-proxy <url>` becomes a remote identity unless a withholding applies, which withholds
 * the bridge package itself. Never throws.
 * @param env the environment the launcher runs with (the entry's `env` plus variables the launch
 *   sets): index overrides, code-loading variables, `PATH`.
 * @param identifyCommand identifies a command that is not a bin of the `--from`/`--spec`
 *   package (default: `unknown`).
 */
export function pypiIdiom(
  argv: readonly string[],
  env: Readonly<Record<string, string>> = {},
  identifyCommand: CommandIdentifier = unidentifiedCommand
): IdiomMatch | null {
  const launch = findLauncher(argv)
  if (launch === null) return null
  const scanned = scanOptions(launch.args, launch.grammar)
  const options = [...launch.before, ...scanned.options]
  const reasons: Withholding[] = [
    ...pypiSourceOverrides(options, env),
    ...(launch.launcher === 'pipx run' ? pipxLauncherOptions(options) : uvLauncherOptions(options)),
    ...environmentWithholdings(env, 'pypi')
  ]
  const source = optionValue(scanned, '--from', '--spec')
  const command = scanned.positional[0]
  const written = source ?? command
  if (written === undefined) {
    return unknownMatch(null, launch.launcher, `\`${launch.launcher}\` is given no package to run`)
  }
  const requirement = parseRequirement(written, launch.launcher !== 'pipx run')
  const match = requirementIdentity(requirement, written, launch.launcher)
  const name = match.package.name
  const notes: string[] = []
  if (source !== undefined && command !== undefined && requirement.kind === 'registry') {
    if (!runsOwnBin(command, requirement.name)) {
      // Not a bin of the package: the launcher runs another program with the package installed.
      const inner = identifyCommand(scanned.positional, env)
      return withheld(
        {
          package: inner.package,
          notes: [
            `\`${launch.launcher}\` runs \`${shownValue(commandName(command))}\`, which is not a ` +
              `bin of ${shownValue(requirement.name)}: identified what it runs`,
            ...inner.notes
          ]
        },
        [
          ...reasons,
          { setting: '--from', why: 'installs a package alongside the command that runs' }
        ]
      )
    }
    notes.push(`runs the command \`${shownValue(commandName(command))}\` from that package`)
  } else if (source !== undefined && command !== undefined) {
    notes.push(`runs the command \`${shownValue(commandName(command))}\` from that package`)
  }
  if (requirement.kind !== 'registry')
    return { package: match.package, notes: [...notes, ...match.notes] }
  const bridge = normalizePypiName(requirement.name)
  const args = scanned.positional.slice(1)
  const bridged = BRIDGE_PACKAGES.has(bridge) ? bridgeMatch(bridge, args, '') : null
  if (bridge === 'mcp-proxy' && bridged === null && args.length > 0) {
    reasons.push({
      setting: 'mcp-proxy',
      why: 'runs another program named in its arguments, which is not what is graded'
    })
  }
  if (reasons.length > 0) {
    return withheld({ package: match.package, notes: [...notes, ...match.notes] }, reasons)
  }
  if (bridged !== null) {
    const pin = match.package.pinned ? 'pinned' : 'unpinned'
    return bridgeMatch(bridge, args, `PyPI package ${shownValue(name ?? bridge)} (${pin})`)!
  }
  return { package: match.package, notes: [...notes, ...match.notes] }
}

function requirementIdentity(
  requirement: Requirement,
  written: string,
  launcher: string
): IdiomMatch {
  switch (requirement.kind) {
    case 'invalid':
      return {
        package: packageIdentity({ ecosystem: 'pypi', name: stripUrlSecrets(written), launcher }),
        notes: ['not a valid PyPI requirement (a variable reference?): nothing to resolve']
      }
    case 'path':
      return {
        package: packageIdentity({
          ecosystem: 'pypi',
          name: requirement.path,
          launcher,
          message: 'a local path is not a registry package'
        }),
        notes: ['installs from a local path: not a registry package, so not pinned']
      }
    case 'url': {
      const url = stripUrlSecrets(requirement.url)
      const { source, ref } = splitGitRef(url)
      const exactCommit = ref !== null && /^[0-9a-f]{7,40}$/i.test(ref)
      return {
        package: packageIdentity({
          ecosystem: 'pypi',
          name: requirement.name ?? source,
          launcher,
          versionSpec: requirement.name ? url : ref,
          message: 'a git or URL source is not a registry version'
        }),
        notes: [
          exactCommit
            ? 'installs from git at a fixed commit: exact, but not a registry version, so not pinned'
            : 'installs from a git or URL source: not a registry version, so not pinned'
        ]
      }
    }
    case 'registry':
      return registryIdentity(requirement, launcher)
  }
}

/**
 * A VCS URL (pip "VCS support": `git+https://host/o/r@ref#fragment`) as the source without the
 * `@ref`, and the ref; a `user@` in the authority is not a ref. Other URLs come back whole.
 */
function splitGitRef(url: string): { source: string; ref: string | null } {
  const hash = url.indexOf('#')
  const base = hash === -1 ? url : url.slice(0, hash)
  const fragment = hash === -1 ? '' : url.slice(hash)
  const authority = /^[a-z][\w+.-]*:\/\/[^/]*/i.exec(base)?.[0] ?? ''
  const m = /@([^@/]+)$/.exec(base.slice(authority.length))
  if (!m) return { source: url, ref: null }
  return { source: base.slice(0, base.length - m[0].length) + fragment, ref: m[1]! }
}

/**
 * The resolution message of an unpinned PyPI requirement the registry can answer (a name and a
 * specifier, `latest` or none): `resolve.ts` asks PyPI for the version when the run is online.
 */
export const PYPI_UNRESOLVED_MESSAGE = 'PyPI versions are not resolved against the registry'

function registryIdentity(
  requirement: Extract<Requirement, { kind: 'registry' }>,
  launcher: string
): IdiomMatch {
  const { name, extras, specifier, at } = requirement
  const notes: string[] = extras ? [`with extras ${shownValue(extras)}`] : []
  const unpinned = (versionSpec: string | null, why?: string): IdiomMatch => ({
    package: packageIdentity({
      ecosystem: 'pypi',
      name,
      launcher,
      versionSpec,
      status: 'unresolved',
      message: PYPI_UNRESOLVED_MESSAGE
    }),
    notes: why ? [...notes, why] : notes
  })
  const pinned = (versionSpec: string, version: string): IdiomMatch => ({
    package: packageIdentity({
      ecosystem: 'pypi',
      name,
      launcher,
      versionSpec,
      version,
      pinned: true,
      purl: pypiPurl(name, version),
      status: 'exact'
    }),
    notes
  })
  if (at !== null) {
    if (at === 'latest') return unpinned('latest')
    const version = validPep440(at) ? (cleanPep440(at) ?? at) : null
    return version !== null
      ? pinned(at, version)
      : unpinned(at, `"${shownValue(at)}" is not a PEP 440 version`)
  }
  if (specifier === null) return unpinned(null)
  let clauses: ReturnType<typeof parseSpecifier>
  try {
    clauses = parseSpecifier(specifier)
  } catch {
    clauses = []
  }
  if (!clauses || clauses.length === 0) {
    return unpinned(specifier, `"${shownValue(specifier)}" is not a PEP 440 version specifier`)
  }
  const only = clauses.length === 1 ? clauses[0]! : null
  if (only && only.operator === '===') {
    return pinned(specifier, specifier.replace(/^\s*===\s*/, ''))
  }
  if (only && only.operator === '==' && !only.prefix) {
    return pinned(specifier, cleanPep440(only.version) ?? only.version)
  }
  return unpinned(specifier)
}

/**
 * The npm launch idiom (SPEC §4): `npx [-y] pkg@1.2.3 [args]`, `npx -p pkg@1.2.3 bin`,
 * `npx --package=pkg bin`, `npm exec`, `pnpm dlx`, `pnpx`, `yarn dlx`, `bunx`, `bun x`, with
 * launcher options before the package (`--registry URL`, `-q`, `--prefer-offline`, …).
 *
 * Package specs are read with `npm-package-arg` (the npm CLI's own parser). Pinned only for an
 * exact semver version (`npa` type `version`); git, tarball-URL and local-path specs are npm but
 * never pinned (a git commit is exact but not a registry version).
 *
 * A registry other than https://registry.npmjs.org (`--registry`, `--@scope:registry`,
 * `npm_config_registry` and friends in the environment, see `package-source.ts`) makes a registry
 * spec ungradeable: no version, no purl. A call string (`npx -c "…"`, `pnpm dlx -c "…"`) is read
 * like a shell string: one launching command, or `unknown` when several commands can run code.
 */
import npa from 'npm-package-arg'
import semver from 'semver'
import { commandName, looksLikePath } from './command-name.js'
import { parseCommandList } from './command-line.js'
import { pickLaunchingCommand, severalCommandsMatch } from './launching-command.js'
import {
  type OptionGrammar,
  optionValue,
  optionValues,
  type ScannedArgs,
  scanOptions
} from './options.js'
import { type IdiomMatch, localMatch, packageIdentity, unknownMatch } from './package-identity.js'
import { npmSourceOverrides, withSourceOverrides } from './package-source.js'
import { npmPurl } from './purl.js'
import { BRIDGE_PACKAGES, bridgeMatch, stripUrlSecrets } from './remote.js'

/** npm config options that take a value (npm docs "config"), as `npx`/`npm exec` read them. */
const NPM_VALUE_OPTIONS = [
  '--package',
  '-p',
  '--call',
  '-c',
  '--registry',
  '--cache',
  '--userconfig',
  '--globalconfig',
  '--prefix',
  '--loglevel',
  '--shell',
  '--script-shell',
  '--node-options',
  '--workspace',
  '-w',
  '--scope',
  '--tag',
  '--before',
  '--proxy',
  '--https-proxy',
  '--noproxy',
  '--cafile',
  '--ca',
  '--cert',
  '--key',
  '--otp',
  '--fetch-retries',
  '--fetch-timeout',
  '--fetch-retry-mintimeout',
  '--fetch-retry-maxtimeout',
  '--fetch-retry-factor',
  '--maxsockets',
  '--user-agent',
  '--install-strategy',
  '--omit',
  '--include',
  '--location',
  '--replace-registry-host',
  '--auth-type',
  '--umask'
]

/** npm's per-scope registry option, `--@scope:registry URL` (npm docs "scope"). */
const SCOPED_REGISTRY_OPTION = /^--@[^:=\s]+:registry$/

const NPX_GRAMMAR: OptionGrammar = {
  valueFlags: new Set(NPM_VALUE_OPTIONS),
  valueFlagPattern: SCOPED_REGISTRY_OPTION
}

/** `pnpm [options] dlx [--package pkg] [-c] …` (`-c` is shell mode there, without a value). */
const PNPM_GRAMMAR: OptionGrammar = {
  valueFlags: new Set([
    '--package',
    '--allow-build',
    '-C',
    '--dir',
    '--filter',
    '-F',
    '--reporter',
    '--loglevel',
    '--registry',
    '--config',
    '--workspace-dir'
  ]),
  valueFlagPattern: SCOPED_REGISTRY_OPTION
}

const YARN_GRAMMAR: OptionGrammar = { valueFlags: new Set(['-p', '--package', '--cwd']) }

const BUNX_GRAMMAR: OptionGrammar = {
  valueFlags: new Set(['-p', '--package', '--cwd', '--registry', '--config', '-c'])
}

/** Packages that run a script file (`npx tsx ./server.ts`): the server is that local file. */
const SCRIPT_RUNNERS = new Set([
  'tsx',
  'ts-node',
  'ts-node-esm',
  'esno',
  'esrun',
  'vite-node',
  'node'
])

/** The npm launcher at the start of `argv`, its grammar and the arguments after it. */
interface NpmLaunch {
  launcher: string
  grammar: OptionGrammar
  args: string[]
  /** Options already read before a subcommand (`npm --registry X exec …`). */
  before: { flag: string; value?: string }[]
}

function findLauncher(argv: readonly string[]): NpmLaunch | null {
  const name = commandName(argv[0] ?? '')
  const rest = argv.slice(1)
  switch (name) {
    case 'npx':
      return { launcher: 'npx', grammar: NPX_GRAMMAR, args: rest, before: [] }
    case 'pnpx':
      return { launcher: 'pnpx', grammar: PNPM_GRAMMAR, args: rest, before: [] }
    case 'bunx':
      return { launcher: 'bunx', grammar: BUNX_GRAMMAR, args: rest, before: [] }
    case 'npm':
      return subcommand(rest, NPX_GRAMMAR, ['exec', 'x'], 'npm exec')
    case 'pnpm':
      return subcommand(rest, PNPM_GRAMMAR, ['dlx'], 'pnpm dlx')
    case 'yarn':
      return subcommand(rest, YARN_GRAMMAR, ['dlx'], 'yarn dlx')
    case 'bun':
      return rest[0] === 'x'
        ? { launcher: 'bunx', grammar: BUNX_GRAMMAR, args: rest.slice(1), before: [] }
        : null
    default:
      return null
  }
}

function subcommand(
  args: string[],
  grammar: OptionGrammar,
  names: string[],
  launcher: string
): NpmLaunch | null {
  const scanned = scanOptions(args, grammar)
  const sub = scanned.positional[0]
  if (scanned.doubleDash || sub === undefined || !names.includes(sub)) return null
  return { launcher, grammar, args: scanned.positional.slice(1), before: scanned.options }
}

/**
 * Identify an npm launch (see the module doc); null when `argv` does not start with an npm
 * launcher. Bridges (`npx mcp-remote <url>`) become remote identities; script runners
 * (`npx tsx ./server.ts`) local ones; a registry spec installed from another registry keeps its
 * name but no version (`withSourceOverrides`). Never throws.
 * @param env the environment the launcher runs with (the entry's `env` plus variables the launch
 *   sets), read for `npm_config_registry` and the like.
 */
export function npmIdiom(
  argv: readonly string[],
  env: Readonly<Record<string, string>> = {}
): IdiomMatch | null {
  const launch = findLauncher(argv)
  if (launch === null) return null
  const scanned = scanOptions(launch.args, launch.grammar)
  const options = { ...scanned, options: [...launch.before, ...scanned.options] }
  const notes: string[] = []
  const overrides = npmSourceOverrides(options.options, env)
  if (
    optionValue(options, '--userconfig') !== undefined ||
    Object.keys(env).some((k) => k.toLowerCase() === 'npm_config_userconfig')
  ) {
    notes.push('npm settings are read from another user config file, which can change the registry')
  }
  const packages = optionValues(options, '-p', '--package')
  let positional = scanned.positional
  const callString = callStringOf(launch.launcher, options)
  if (callString !== undefined) {
    const commands = parseCommandList(callString, 'posix') ?? []
    const picked = pickLaunchingCommand(commands, 'posix')
    if (picked.runners.length > 1) {
      return severalCommandsMatch({
        where: `the \`${launch.launcher} -c\` string`,
        runners: picked.runners
      })
    }
    positional = picked.argv
  }
  let spec: string | undefined
  let commandArgs: string[]
  if (packages.length > 0) {
    const bin = positional[0]
    spec = pickPackageForBin(packages, bin)
    if (packages.length > 1) {
      notes.push(`${packages.length} packages are installed with --package; identified ${spec}`)
    }
    commandArgs = positional.slice(1)
  } else {
    spec = positional[0]
    commandArgs = positional.slice(1)
  }
  if (spec === undefined) {
    return unknownMatch(null, launch.launcher, `\`${launch.launcher}\` is given no package to run`)
  }

  const identity = npmSpecIdentity(spec, launch.launcher)
  const name = identity.package.name
  const fromRegistry = ['exact', 'offline'].includes(identity.package.resolution.status)
  if (fromRegistry && overrides.length > 0) {
    const overridden = withSourceOverrides(identity, overrides)
    return { package: overridden.package, notes: [...notes, ...overridden.notes] }
  }
  if (packages.length === 0 && name !== null && SCRIPT_RUNNERS.has(name)) {
    const script = commandArgs.find((a) => !a.startsWith('-'))
    if (script !== undefined && (looksLikePath(script) || /\.[cm]?[jt]sx?$/.test(script))) {
      return localMatch(script, `${launch.launcher} ${name}`, [
        ...notes,
        `runs the local script with the npm package ${spec}`
      ])
    }
  }
  if (name !== null && BRIDGE_PACKAGES.has(name)) {
    const pin = identity.package.pinned ? 'pinned' : 'unpinned'
    const bridged = bridgeMatch(name, commandArgs, `npm package ${spec} (${pin})`)
    if (bridged) return { package: bridged.package, notes: [...notes, ...bridged.notes] }
  }
  if (name === '@smithery/cli' && commandArgs[0] === 'run' && commandArgs[1] !== undefined) {
    notes.push(
      `the Smithery CLI runs the server ${commandArgs[1]} from Smithery; only the CLI package ` +
        'is identified'
    )
  }
  return { package: identity.package, notes: [...notes, ...identity.notes] }
}

/**
 * The shell string a launcher runs instead of a package bin: `npx -c "…"` / `npm exec --call`,
 * or pnpm's shell mode (`pnpm dlx -c "…"`, where `-c` takes no value and the string is the
 * first positional argument).
 */
function callStringOf(launcher: string, options: ScannedArgs): string | undefined {
  if (launcher === 'npx' || launcher === 'npm exec') return optionValue(options, '-c', '--call')
  const shellMode = options.options.some((o) => o.flag === '-c' || o.flag === '--shell-mode')
  if ((launcher === 'pnpm dlx' || launcher === 'pnpx') && shellMode) return options.positional[0]
  return undefined
}

/** With several `--package` values, the one whose name matches the bin, else the first. */
function pickPackageForBin(packages: string[], bin: string | undefined): string {
  if (bin !== undefined) {
    for (const p of packages) {
      try {
        const name = npa(p).name
        if (name !== null && (name === bin || name.endsWith(`/${bin}`))) return p
      } catch {
        // not a registry spec: cannot match by name
      }
    }
  }
  return packages[0]!
}

/**
 * The identity of one npm package spec as written (`@scope/pkg@1.2.3`, `pkg@^1.2`, `pkg@latest`,
 * `github:user/repo#sha`, a tarball URL, a local path). Registry specs that are not exact get
 * status `offline` (resolved later, SPEC §4); exact versions status `exact`; git, URL and path
 * specs status `n/a`. Never throws: an invalid spec is an npm identity with a note.
 * @param spec the spec as written.
 * @param launcher the launch idiom for `PackageIdentity.launcher`.
 */
export function npmSpecIdentity(spec: string, launcher: string): IdiomMatch {
  let parsed: npa.Result
  try {
    parsed = npa(spec, '/')
  } catch {
    return {
      package: packageIdentity({ ecosystem: 'npm', name: stripUrlSecrets(spec), launcher }),
      notes: ['not a valid npm package spec (a variable reference?): nothing to resolve']
    }
  }
  if (parsed.type === 'alias') {
    const sub = (parsed as npa.AliasResult).subSpec
    const inner = npmSpecIdentity(sub.raw, launcher)
    return {
      package: inner.package,
      notes: [`${parsed.name} is an alias of ${sub.raw}`, ...inner.notes]
    }
  }
  const name = parsed.name
  if (
    name !== null &&
    (parsed.type === 'version' || parsed.type === 'range' || parsed.type === 'tag')
  ) {
    const bare = parsed.type === 'range' && parsed.rawSpec === '*' && spec.trim() === name
    const versionSpec = bare ? null : parsed.rawSpec
    if (parsed.type === 'version') {
      const version = semver.clean(parsed.rawSpec) ?? parsed.rawSpec
      return {
        package: packageIdentity({
          ecosystem: 'npm',
          name,
          launcher,
          versionSpec,
          version,
          pinned: true,
          purl: npmPurl(name, version),
          status: 'exact'
        }),
        notes: []
      }
    }
    return {
      package: packageIdentity({
        ecosystem: 'npm',
        name,
        launcher,
        versionSpec,
        status: 'offline'
      }),
      notes: []
    }
  }
  return nonRegistryIdentity(parsed, spec, launcher)
}

/** Git, tarball-URL and local-path specs: npm, never pinned, nothing to resolve. */
function nonRegistryIdentity(parsed: npa.Result, spec: string, launcher: string): IdiomMatch {
  const written = stripUrlSecrets(spec)
  if (parsed.type === 'git') {
    const commit = parsed.gitCommittish ?? null
    const exactCommit = commit !== null && /^[0-9a-f]{7,40}$/i.test(commit)
    return {
      package: packageIdentity({
        ecosystem: 'npm',
        name: written,
        launcher,
        versionSpec: commit ?? parsed.gitRange ?? null,
        message: 'a git dependency is not a registry version'
      }),
      notes: [
        exactCommit
          ? 'installs from git at a fixed commit: exact, but not a registry version, so not pinned'
          : 'installs from git (a branch, tag or the default branch): not pinned'
      ]
    }
  }
  if (parsed.type === 'remote') {
    return {
      package: packageIdentity({
        ecosystem: 'npm',
        name: written,
        launcher,
        message: 'a tarball URL is not a registry version'
      }),
      notes: ['installs a tarball from a URL: not a registry version, so not pinned']
    }
  }
  return {
    package: packageIdentity({
      ecosystem: 'npm',
      name: written,
      launcher,
      message: 'a local path is not a registry package'
    }),
    notes: ['installs from a local path: not a registry package, so not pinned']
  }
}

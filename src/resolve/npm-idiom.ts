/**
 * The npm launch idiom (SPEC §4): `npx [-y] pkg@1.2.3 [args]`, `npx -p pkg@1.2.3 bin`,
 * `npx --package=pkg bin`, `npm exec`, `pnpm dlx`, `pnpx`, `yarn dlx`, `bunx`, `bun x`, with
 * launcher options before the package (`-y`, `-q`, `--registry URL`, …).
 *
 * Package specs are read with `npm-package-arg` (the npm CLI's own parser). Pinned only for an
 * exact semver version (`npa` type `version`); git, tarball-URL and local-path specs are npm but
 * never pinned (a git commit is exact but not a registry version).
 *
 * A registry spec is a gradeable identity only when the package is what runs; otherwise it is
 * withheld (`withholding.ts`: same name, no version or purl, so it ends ungraded) when:
 * - it installs from another registry (`package-source.ts`);
 * - a launcher option is not on the allow-list (`launcher-options.ts`: `--node-options`,
 *   `--userconfig`, `--script-shell`, `--prefix`, `--cache`, …);
 * - the environment loads other code or changes `PATH` (`launch-environment.ts`);
 * - several `--package` values are installed (the others' install scripts run too);
 * - the command run with `--package` (or by a call string, `npx -c "…"`) is not the package's
 *   own bin: the bin must look like the package name (`runsOwnBin`) and must not be a known
 *   program (`node`, `sh`, `curl`, …); otherwise what the command runs is identified instead
 *   (through `identifyCommand`), and any package found there is withheld too;
 * - the package is one that runs another program or server given in its arguments
 *   (`COMMAND_RUNNERS`: `@smithery/cli run`, `supergateway --stdio`, `cross-env`, …).
 * A call string with several commands that can run code is `unknown` (`severalCommandsMatch`).
 * Notes quote values only through `shownValue`.
 */
import npa from 'npm-package-arg'
import semver from 'semver'
import { commandName, looksLikePath } from './command-name.js'
import { launcherName } from './launcher-location.js'
import { isAssignment, parseCommandList } from './command-line.js'
import { environmentWithholdings } from './launch-environment.js'
import { npmLauncherOptions } from './launcher-options.js'
import { pickLaunchingCommand, severalCommandsMatch, variablesSetBy } from './launching-command.js'
import {
  type OptionGrammar,
  optionValue,
  optionValues,
  type ScannedArgs,
  scanOptions
} from './options.js'
import { runsOwnBin } from './package-bin.js'
import {
  type CommandIdentifier,
  type IdiomMatch,
  localMatch,
  packageIdentity,
  unknownMatch,
  unidentifiedCommand
} from './package-identity.js'
import { npmSourceOverrides } from './package-source.js'
import { npmPurl } from './purl.js'
import { BRIDGE_PACKAGES, bridgeMatch } from './remote.js'
import { shownValue, stripUrlSecrets } from './shown-text.js'
import { withheld, type Withholding } from './withholding.js'

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
  const name = launcherName(argv[0] ?? '')
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

/** What an npm launcher runs: a package spec as the command, or a bin with `--package`. */
interface NpmCommand {
  /** The words run: `[spec, ...args]` without `--package`, else `[bin, ...args]`. */
  argv: string[]
  /** Variables set by set-up commands of a call string (`npx -c "export A=1 && …"`). */
  env: Record<string, string>
  /** Where the command comes from, for notes: `` `npx` `` or `` the `npx -c` string ``. */
  where: string
  /** True when it comes from a call string. */
  fromCallString: boolean
}

/**
 * Identify an npm launch (see the module doc); null when `argv` does not start with an npm
 * launcher (a bare name or a well-known install location, `launcherName`). Bridges
 * (`npx mcp-remote <url>`) become remote identities, script runners (`npx tsx ./server.ts`)
 * local ones — unless a withholding applies, which withholds the bridge or runner package
 * itself. Never throws.
 * @param env the environment the launcher runs with (the entry's `env` plus variables the launch
 *   sets): registry overrides, code-loading variables, `PATH`.
 * @param identifyCommand identifies a command that is not the package's bin (default: `unknown`).
 */
export function npmIdiom(
  argv: readonly string[],
  env: Readonly<Record<string, string>> = {},
  identifyCommand: CommandIdentifier = unidentifiedCommand
): IdiomMatch | null {
  const launch = findLauncher(argv)
  if (launch === null) return null
  const scanned = scanOptions(launch.args, launch.grammar)
  const options: ScannedArgs = { ...scanned, options: [...launch.before, ...scanned.options] }
  const reasons: Withholding[] = [
    ...npmSourceOverrides(options.options, env),
    ...npmLauncherOptions(launch.launcher, options.options),
    ...environmentWithholdings(env, 'npm')
  ]
  const command = commandOf(launch.launcher, options)
  if ('several' in command) return command.several
  // Variables a call string sets for its command (`export A=1 && …`, `A=1 bin`) reach the bin.
  const callEnv = { ...command.env, ...leadingAssignments(command.argv) }
  reasons.push(...npmSourceOverrides([], callEnv), ...environmentWithholdings(callEnv, 'npm'))
  const packages = optionValues(options, '-p', '--package')
  if (packages.length === 0 && command.fromCallString) {
    // A call string without --package runs a shell command line, not a package.
    const inner = identifyCommand(command.argv, { ...env, ...command.env })
    return withheld(
      { package: inner.package, notes: [`runs ${command.where}`, ...inner.notes] },
      reasons
    )
  }
  if (packages.length === 0) {
    const [spec, ...commandArgs] = command.argv
    if (spec === undefined) {
      return unknownMatch(
        null,
        launch.launcher,
        `\`${launch.launcher}\` is given no package to run`
      )
    }
    return packageLaunch(spec, commandArgs, launch.launcher, reasons)
  }
  const bin = command.argv.find((w) => !isAssignment(w))
  if (bin === undefined) {
    return unknownMatch(null, launch.launcher, `${command.where} is given no command to run`)
  }
  const spec = packages.find((p) => runsOwnBin(bin, npmName(p))) ?? packages[0]!
  const identity = npmSpecIdentity(spec, launch.launcher)
  if (packages.length > 1) {
    reasons.push({
      setting: '--package',
      why: `installs ${packages.length} packages, so the others' install scripts and bins run too`
    })
  }
  const registry = ['exact', 'offline'].includes(identity.package.resolution.status)
  if (!registry || runsOwnBin(bin, identity.package.name)) {
    const args = command.argv.slice(command.argv.indexOf(bin) + 1)
    return packageLaunch(spec, args, launch.launcher, reasons)
  }
  // The command is not the package's bin: what it runs is identified, with the package(s)
  // installed alongside.
  const inner = identifyCommand(command.argv, { ...env, ...command.env })
  const shown = shownValue(commandName(bin))
  return withheld(
    {
      package: inner.package,
      notes: [
        `${command.where} runs \`${shown}\`, which is not a bin of the package installed with ` +
          `--package (${shownValue(identity.package.name ?? spec)}): identified what it runs`,
        ...inner.notes
      ]
    },
    [
      ...reasons,
      { setting: '--package', why: 'installs a package alongside the command that runs' }
    ]
  )
}

/**
 * `npx [-y] <spec> [args]` / `npx -p <spec> <bin> [args]`: the package named by the spec runs its
 * own bin with `commandArgs`; withheld for `reasons` and when it is a command runner.
 */
function packageLaunch(
  spec: string,
  commandArgs: readonly string[],
  launcher: string,
  reasons: Withholding[]
): IdiomMatch {
  const identity = npmSpecIdentity(spec, launcher)
  const name = identity.package.name
  const all = [...reasons, ...runnerReasons(name, commandArgs)]
  if (all.length > 0) return withheld(identity, all)
  if (name !== null && SCRIPT_RUNNERS.has(name)) {
    const script = commandArgs.find((a) => !a.startsWith('-'))
    if (script !== undefined && (looksLikePath(script) || /\.[cm]?[jt]sx?$/.test(script))) {
      return localMatch(script, `${launcher} ${name}`, [
        `runs the local script with the npm package ${shownValue(name)}`
      ])
    }
  }
  if (name !== null && BRIDGE_PACKAGES.has(name)) {
    const pin = identity.package.pinned ? 'pinned' : 'unpinned'
    const bridged = bridgeMatch(name, commandArgs, `npm package ${shownValue(name)} (${pin})`)
    if (bridged) return bridged
  }
  return identity
}

/**
 * The command a launcher runs (see `NpmCommand`), or the identity of a call string that runs
 * several commands that can run code.
 */
function commandOf(launcher: string, options: ScannedArgs): NpmCommand | { several: IdiomMatch } {
  const callString = callStringOf(launcher, options)
  if (callString === undefined) {
    return { argv: options.positional, env: {}, where: `\`${launcher}\``, fromCallString: false }
  }
  const where = `the \`${launcher} -c\` string`
  const commands = parseCommandList(callString, 'posix') ?? []
  const picked = pickLaunchingCommand(commands, 'posix')
  if (picked.runners.length > 1) {
    return { several: severalCommandsMatch({ where, runners: picked.runners }) }
  }
  return { argv: picked.argv, env: variablesSetBy(commands, 'posix'), where, fromCallString: true }
}

/** The `NAME=value` words at the start of `argv`, by name. */
function leadingAssignments(argv: readonly string[]): Record<string, string> {
  const found: Record<string, string> = {}
  for (const word of argv) {
    if (!isAssignment(word)) break
    const eq = word.indexOf('=')
    found[word.slice(0, eq)] = word.slice(eq + 1)
  }
  return found
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

/** The registry name of an npm spec, or null (git, URL, path, invalid). */
function npmName(spec: string): string | null {
  try {
    return npa(spec).name ?? null
  } catch {
    return null
  }
}

/**
 * npm packages that run another program or server named in their arguments, and when they do
 * (their READMEs): grading the package says nothing about what it starts.
 */
const COMMAND_RUNNERS: Readonly<Record<string, (args: readonly string[]) => boolean>> = {
  '@smithery/cli': (args) => args[0] === 'run',
  supergateway: (args) => args.some((a) => a === '--stdio' || a.startsWith('--stdio=')),
  'cross-env': () => true,
  'cross-env-shell': () => true,
  'dotenv-cli': () => true,
  'env-cmd': () => true,
  concurrently: () => true,
  nodemon: () => true,
  'npm-run-all': () => true
}

/** A withholding when `name` is a command runner that runs something given in `args`. */
function runnerReasons(name: string | null, args: readonly string[]): Withholding[] {
  const runs = name === null ? undefined : COMMAND_RUNNERS[name]
  if (runs === undefined || !runs(args)) return []
  return [
    {
      setting: shownValue(name!),
      why: 'runs another program or server named in its arguments, which is not what is graded'
    }
  ]
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
      notes: [
        `${shownValue(parsed.name ?? '')} is an alias of ${shownValue(sub.raw)}`,
        ...inner.notes
      ]
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

/**
 * Local code (SPEC §4 "local"): interpreters and build tools running a file, module or project
 * from the machine — `node path.js`, `python path.py`, `python -m mod`, `uv run …`, `deno run`,
 * `bun run file`, `tsx file.ts`, `java -jar x.jar`, `dotnet run`, `go run`, `cargo run`, `php`,
 * `ruby`, `perl`, shell and PowerShell scripts, `npm run script`, `mcp run`/`fastmcp run`, and
 * absolute or relative executables. The identity name is the path, module or project.
 *
 * Inline code (`node -e`, `python -c`) is named `(inline … code)`: the code itself may hold
 * secrets and is never copied into names or notes.
 */
import { commandName, looksLikeHttpUrl, looksLikePath } from './command-name.js'
import { npmSpecIdentity } from './npm-idiom.js'
import { type OptionGrammar, optionValue, scanOptions } from './options.js'
import { denoLauncherOptions } from './launcher-options.js'
import { type IdiomMatch, localMatch, unknownMatch } from './package-identity.js'
import { UV_VALUE_OPTIONS } from './pypi-idiom.js'
import { shownValue } from './shown-text.js'
import { withheld } from './withholding.js'

const NODE_GRAMMAR: OptionGrammar = {
  valueFlags: new Set([
    '-r',
    '--require',
    '--import',
    '--loader',
    '--experimental-loader',
    '-C',
    '--conditions',
    '--env-file',
    '--env-file-if-exists',
    '--inspect-port',
    '--title',
    '--input-type',
    '--openssl-config',
    '--icu-data-dir',
    '--redirect-warnings',
    '--dns-result-order',
    '--watch-path',
    '--disable-warning',
    '--stack-trace-limit',
    '--max-http-header-size',
    '-e',
    '--eval',
    '-p',
    '--print'
  ]),
  terminalFlags: new Set(['-e', '--eval', '-p', '--print'])
}

const PYTHON_GRAMMAR: OptionGrammar = {
  valueFlags: new Set(['-W', '-X', '--check-hash-based-pycs', '-m', '-c']),
  terminalFlags: new Set(['-m', '-c'])
}

const DENO_GRAMMAR: OptionGrammar = {
  valueFlags: new Set([
    '-c',
    '--config',
    '--import-map',
    '--lock',
    '--cert',
    '--location',
    '--seed',
    '--log-level',
    '--ext',
    '--preload',
    '--require',
    '--inspect-wait'
  ])
}

const BUN_GRAMMAR: OptionGrammar = {
  valueFlags: new Set([
    '--cwd',
    '-r',
    '--preload',
    '--env-file',
    '-c',
    '--config',
    '--tsconfig-override',
    '--filter',
    '-F'
  ])
}

const UV_RUN_GRAMMAR: OptionGrammar = { valueFlags: new Set(UV_VALUE_OPTIONS) }

const DOTNET_RUN_GRAMMAR: OptionGrammar = {
  valueFlags: new Set([
    '--project',
    '-c',
    '--configuration',
    '-f',
    '--framework',
    '-r',
    '--runtime',
    '-a',
    '--arch',
    '--os',
    '-v',
    '--verbosity',
    '--launch-profile',
    '-lp',
    '--property',
    '-p',
    '-e',
    '--environment',
    '--file'
  ])
}

const GO_RUN_GRAMMAR: OptionGrammar = {
  singleDashWords: true,
  valueFlags: new Set([
    '-C',
    '-o',
    '-p',
    '-tags',
    '-ldflags',
    '-gcflags',
    '-asmflags',
    '-mod',
    '-modfile',
    '-exec',
    '-overlay',
    '-pkgdir',
    '-toolexec',
    '-buildmode',
    '-compiler',
    '-installsuffix',
    '-pgo'
  ])
}

const CARGO_RUN_GRAMMAR: OptionGrammar = {
  valueFlags: new Set([
    '--bin',
    '--example',
    '-p',
    '--package',
    '--manifest-path',
    '-F',
    '--features',
    '--target',
    '--target-dir',
    '--profile',
    '-j',
    '--jobs',
    '--color',
    '--config',
    '-Z',
    '--lockfile-path'
  ])
}

const PHP_GRAMMAR: OptionGrammar = {
  valueFlags: new Set(['-c', '-d', '-z', '-f', '-r', '-t', '-S']),
  terminalFlags: new Set(['-f', '-r'])
}

/** Shells running a script file (`bash start.sh`); `-c` strings were unwrapped before. */
const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'fish'])

const SHELL_SCRIPT_GRAMMAR: OptionGrammar = {
  valueFlags: new Set(['-o', '-O', '--rcfile', '--init-file'])
}

/** Script interpreters whose `-e`/`-E` runs inline code (Ruby, Perl, Lua, Julia, R, Elixir). */
const SCRIPT_INTERPRETERS = new Set(['ruby', 'perl', 'lua', 'julia', 'rscript', 'elixir'])

const INTERPRETER_GRAMMAR: OptionGrammar = {
  valueFlags: new Set(['-e', '-E', '-I', '-r', '-l']),
  terminalFlags: new Set(['-e', '-E'])
}

const DIRECT_TS_RUNNERS = new Set(['tsx', 'ts-node', 'ts-node-esm', 'esno', 'esrun', 'vite-node'])

/** Python interpreters: `python`, `python3`, `python3.11`, `py`, `pythonw`, `pypy3`. */
export function isPythonCommand(name: string): boolean {
  return /^(?:python[\d.]*|pythonw|py|pypy[\d.]*)$/.test(name)
}

/**
 * Identify local code (see the module doc); null when `argv` is none of these launchers and not
 * a path to an executable. Never throws.
 * @param depth nesting of `uv run <command>` look-ups so far (internal; stops after 4).
 */
export function localIdiom(argv: readonly string[], depth = 0): IdiomMatch | null {
  const first = argv[0]
  if (first === undefined || depth > 4) return null
  const name = commandName(first)
  const args = argv.slice(1)
  if (name === 'node' || name === 'nodejs') return nodeScript(args)
  if (isPythonCommand(name)) return pythonTarget(args)
  if (DIRECT_TS_RUNNERS.has(name)) {
    // `tsx watch file.ts` runs the file in watch mode.
    return scriptOf(
      name === 'tsx' && args[0] === 'watch' ? args.slice(1) : args,
      name,
      NODE_GRAMMAR
    )
  }
  switch (name) {
    case 'deno':
      return denoTarget(args)
    case 'bun':
      return bunTarget(args)
    case 'uv':
      return uvRun(args, depth)
    case 'java':
      return javaTarget(args)
    case 'dotnet':
      return dotnetTarget(args)
    case 'go':
      return goRun(args)
    case 'cargo':
      return cargoRun(args)
    case 'php':
      return phpTarget(args)
    case 'powershell':
    case 'pwsh':
      return powershellFile(args, name)
    case 'npm':
    case 'pnpm':
    case 'yarn':
      return packageScript(name, args)
    case 'mcp':
    case 'fastmcp':
      return mcpCliRun(name, args)
  }
  if (SHELLS.has(name)) return scriptOf(args, name, SHELL_SCRIPT_GRAMMAR)
  if (SCRIPT_INTERPRETERS.has(name)) return scriptOf(args, name, INTERPRETER_GRAMMAR)
  if (looksLikePath(first)) return localMatch(first, 'executable')
  return null
}

/** The first positional argument after the launcher's options, as a local script. */
function scriptOf(args: readonly string[], launcher: string, grammar: OptionGrammar): IdiomMatch {
  const scanned = scanOptions(args, grammar)
  const script = scanned.positional[0]
  if (scanned.terminal) return inlineCode(launcher)
  if (script === undefined)
    return unknownMatch(launcher, launcher, `\`${launcher}\` runs no script file`)
  return localMatch(script, launcher)
}

function inlineCode(launcher: string): IdiomMatch {
  return localMatch(`(inline ${launcher} code)`, launcher, [
    `\`${launcher}\` runs inline code written in the config`
  ])
}

function nodeScript(args: readonly string[]): IdiomMatch {
  return scriptOf(args, 'node', NODE_GRAMMAR)
}

function pythonTarget(args: readonly string[]): IdiomMatch {
  const scanned = scanOptions(args, PYTHON_GRAMMAR)
  const terminal = scanned.terminal
  if (terminal?.flag === '-m' && terminal.value !== undefined) {
    return localMatch(terminal.value, 'python', [
      `runs the Python module ${shownValue(terminal.value)}`
    ])
  }
  if (terminal?.flag === '-c') return inlineCode('python')
  const script = scanned.positional[0]
  if (script === undefined) return unknownMatch('python', 'python', '`python` runs no script file')
  return localMatch(script, 'python')
}

function denoTarget(args: readonly string[]): IdiomMatch {
  const sub = args[0]
  if (sub === 'task') {
    return localMatch(`deno task ${args[1] ?? ''}`.trim(), 'deno', [
      'runs a task of the local deno.json'
    ])
  }
  const runArgs = sub === 'run' || sub === 'serve' ? args.slice(1) : args
  const scanned = scanOptions(runArgs, DENO_GRAMMAR)
  const target = scanned.positional[0]
  if (target === undefined) return unknownMatch('deno', 'deno', '`deno` runs no script')
  if (target.startsWith('npm:')) {
    const match = npmSpecIdentity(target.slice(4), 'deno')
    return withheld(
      { package: match.package, notes: ['runs an npm package through deno', ...match.notes] },
      denoLauncherOptions(scanned.options)
    )
  }
  if (target.startsWith('jsr:')) {
    return unknownMatch(target, 'deno', 'runs a JSR package: JSR is not a supported ecosystem yet')
  }
  if (looksLikeHttpUrl(target)) {
    return unknownMatch(null, 'deno', 'runs a script straight from a URL: nothing to resolve')
  }
  return localMatch(target, 'deno')
}

function bunTarget(args: readonly string[]): IdiomMatch {
  const scanned = scanOptions(args, BUN_GRAMMAR)
  let rest = scanned.positional
  if (rest[0] === 'run') rest = scanOptions(rest.slice(1), BUN_GRAMMAR).positional
  const target = rest[0]
  if (target === undefined) return unknownMatch('bun', 'bun', '`bun` runs no script')
  if (looksLikePath(target) || /\.[cm]?[jt]sx?$/.test(target)) return localMatch(target, 'bun')
  return localMatch(`bun run ${target}`, 'bun', [
    'runs a package.json script or local bin with bun'
  ])
}

/** `uv run [options] <script | command …>`: the target is identified as local code. */
function uvRun(args: readonly string[], depth: number): IdiomMatch | null {
  const global = scanOptions(args, UV_RUN_GRAMMAR)
  if (global.positional[0] !== 'run') return null
  const scanned = scanOptions(global.positional.slice(1), UV_RUN_GRAMMAR)
  const module = optionValue(scanned, '-m', '--module')
  if (module !== undefined)
    return localMatch(module, 'uv run', [`runs the Python module ${shownValue(module)}`])
  const target = scanned.positional
  if (target.length === 0) return unknownMatch('uv run', 'uv run', '`uv run` runs no command')
  if (/\.py[wz]?$/i.test(target[0]!)) return localMatch(target[0]!, 'uv run')
  const inner = localIdiom(target, depth + 1)
  if (inner) {
    return localMatch(inner.package.name ?? target[0]!, 'uv run', inner.notes)
  }
  return localMatch(target[0]!, 'uv run', ['runs a command from the local uv project environment'])
}

function javaTarget(args: readonly string[]): IdiomMatch {
  const withValue = new Set([
    '-cp',
    '-classpath',
    '--class-path',
    '-p',
    '--module-path',
    '--add-modules',
    '--add-exports',
    '--add-opens',
    '--add-reads',
    '--limit-modules',
    '--upgrade-module-path',
    '--enable-native-access'
  ])
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!
    if (arg === '-jar') {
      const jar = args[i + 1]
      return jar === undefined
        ? unknownMatch('java', 'java', '`java -jar` names no jar')
        : localMatch(jar, 'java')
    }
    if (arg === '-m' || arg === '--module') {
      const mod = args[i + 1]
      return mod === undefined
        ? unknownMatch('java', 'java', '`java -m` names no module')
        : localMatch(mod, 'java')
    }
    if (withValue.has(arg)) {
      i += 1
      continue
    }
    if (arg.startsWith('-')) continue
    return localMatch(arg, 'java', ['runs a Java main class'])
  }
  return unknownMatch('java', 'java', '`java` runs no jar or class')
}

function dotnetTarget(args: readonly string[]): IdiomMatch {
  const sub = args[0]
  if (sub === 'run') {
    const scanned = scanOptions(args.slice(1), DOTNET_RUN_GRAMMAR)
    const project = optionValue(scanned, '--project', '--file')
    return localMatch(
      project ?? '.',
      'dotnet run',
      project ? [] : ['runs the .NET project in the working directory']
    )
  }
  if (sub !== undefined && /\.dll$/i.test(sub)) return localMatch(sub, 'dotnet')
  return unknownMatch(
    sub === undefined ? 'dotnet' : `dotnet ${sub}`,
    'dotnet',
    'a .NET tool or NuGet package: not a supported ecosystem yet'
  )
}

function goRun(args: readonly string[]): IdiomMatch | null {
  if (args[0] !== 'run') return null
  const scanned = scanOptions(args.slice(1), GO_RUN_GRAMMAR)
  const target = scanned.positional[0]
  if (target === undefined) return localMatch('.', 'go run')
  if (/@/.test(target) || /^[a-z0-9-]+\.[a-z.]+\//i.test(target)) {
    return unknownMatch(
      target,
      'go run',
      'runs a Go module from the network: Go is not a supported ecosystem yet'
    )
  }
  return localMatch(target, 'go run')
}

function cargoRun(args: readonly string[]): IdiomMatch | null {
  const scanned = scanOptions(args, CARGO_RUN_GRAMMAR)
  if (scanned.positional[0] !== 'run') return null
  const run = scanOptions(scanned.positional.slice(1), CARGO_RUN_GRAMMAR)
  const manifest = optionValue(run, '--manifest-path')
  const bin = optionValue(run, '--bin', '-p', '--package', '--example')
  return localMatch(
    manifest ?? bin ?? '.',
    'cargo run',
    manifest || bin ? [] : ['runs the Cargo project in the working directory']
  )
}

function phpTarget(args: readonly string[]): IdiomMatch {
  const scanned = scanOptions(args, PHP_GRAMMAR)
  const terminal = scanned.terminal
  if (terminal?.flag === '-r') return inlineCode('php')
  if (terminal?.flag === '-f' && terminal.value !== undefined)
    return localMatch(terminal.value, 'php')
  const script = scanned.positional[0]
  if (script === undefined) return unknownMatch('php', 'php', '`php` runs no script file')
  return localMatch(script, 'php')
}

function powershellFile(args: readonly string[], name: string): IdiomMatch | null {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!
    if (/^-f(?:i(?:le?)?)?$/i.test(arg)) {
      const file = args[i + 1]
      return file === undefined ? null : localMatch(file, name)
    }
    if (!arg.startsWith('-') && /\.ps1$/i.test(arg)) return localMatch(arg, name)
  }
  return null
}

/** `npm run x`, `npm start`, `pnpm exec bin`, `yarn x`: a script of the local package.json. */
function packageScript(name: string, args: readonly string[]): IdiomMatch | null {
  const scanned = scanOptions(args, {
    valueFlags: new Set(['--prefix', '-C', '--dir', '--cwd', '-w', '--workspace', '--filter', '-F'])
  })
  const [sub, target] = scanned.positional
  if (sub === undefined) return null
  if (sub === 'start' || sub === 'test')
    return localMatch(`${name} ${sub}`, `${name} run`, ['runs a script of the local package.json'])
  if ((sub === 'run' || sub === 'run-script' || sub === 'exec') && target !== undefined) {
    return localMatch(`${name} ${sub} ${target}`, `${name} ${sub === 'exec' ? 'exec' : 'run'}`, [
      'runs a script or bin of the local package.json'
    ])
  }
  if (name === 'yarn' && sub !== 'dlx') {
    return localMatch(`yarn ${sub}`, 'yarn run', ['runs a script or bin of the local package.json'])
  }
  return null
}

/** `mcp run server.py`, `fastmcp run server.py:app` (Python MCP SDK / FastMCP CLIs). */
function mcpCliRun(name: string, args: readonly string[]): IdiomMatch | null {
  if (args[0] !== 'run' && args[0] !== 'dev') return null
  const target = scanOptions(args.slice(1), {
    valueFlags: new Set([
      '--transport',
      '-t',
      '--with',
      '--with-editable',
      '--python',
      '--project',
      '--host',
      '--port',
      '--log-level'
    ])
  }).positional[0]
  if (target === undefined) return null
  return localMatch(target, `${name} ${args[0]}`)
}

/**
 * Launch unwrapping (SPEC §4 "Wrappers are unwrapped first"): from what a config entry writes
 * (`command` + `args`) to the command line that actually starts the server.
 *
 * Recognised wrappers, repeatedly (bounded by `MAX_UNWRAP_DEPTH`):
 * - `cmd /c …`, `cmd.exe /s /c "…"`, `/k`;
 * - `bash|sh|zsh|dash|ksh|ash -c "…"` (also `-lc`, `-l -c`, `--login -c`);
 * - `powershell|pwsh -Command …` (also `-c`, `-EncodedCommand`, a bare command string);
 * - `wsl [-d distro] [-u user] [--cd dir] [-e|--exec|--] …`;
 * - `mise exec|x [tool@version…] -- …` (or `-c "…"`);
 * - `env [-i] [-u NAME] [NAME=value…] …`, leading `NAME=value` assignments, and the command
 *   prefixes `exec`, `command`, `nohup`, `call`, `sudo`;
 * - a whole command line written into `command` (`"command": "npx -y @scope/pkg@1.2.3"`).
 * A wrapper written as a path is one only in a well-known install location (`/bin/bash`,
 * `C:\Windows\System32\cmd.exe`; `launcher-location.ts`): `./bash -c …` is a script and is
 * not unwrapped.
 *
 * A shell string may hold set-up commands that run no code plus exactly one command that can
 * run code, which is the launch (`cd dir && node x.js` → `node x.js`; see
 * `launching-command.ts`). When it holds two or more commands that can run code (`source <(curl
 * …) && npx -y good@1.0.0`, `npx a; npx b`), unwrapping stops and `several` says what was found:
 * the launch cannot be identified. `npx -y …` is not a wrapper: it is the npm launch idiom.
 *
 * Environment variables set on the way (`NAME=value` prefixes, `env NAME=value`, `export` in a
 * shell string) are collected in `environment`, because they can change where a package comes
 * from (`npm_config_registry`). `mise exec` tools other than the core runtimes (`npm:pkg`,
 * `pipx:pkg`, …) and `mise exec -C/-E` are collected in `withholdings`: a package found inside
 * is then not what runs alone. Notes never hold argument or variable values (they may be
 * secrets: WSL distributions and sudo users are named by their option), only names and
 * structure.
 */
import { commandName, looksLikePath } from './command-name.js'
import {
  type CommandLineSyntax,
  guessSyntax,
  isAssignment,
  MAX_COMMAND_LINE_CHARS,
  parseCommandList,
  type ShellCommand,
  splitCommandLine
} from './command-line.js'
import {
  type LaunchingCommand,
  pickLaunchingCommand,
  type SeveralCommands,
  variablesSetBy
} from './launching-command.js'
import { launcherName } from './launcher-location.js'
import { scanOptions } from './options.js'
import type { Withholding } from './withholding.js'

/** How many wrappers deep we unwrap before giving up (a hostile config could nest forever). */
export const MAX_UNWRAP_DEPTH = 8

/** The outcome of unwrapping: the effective argv, the wrappers removed and notes for people. */
export interface UnwrappedLaunch {
  /**
   * `[command, ...args]` of what really runs; empty when there is no command. With `several`,
   * the first command that can run code.
   */
  argv: string[]
  /** Wrappers removed, outermost first (`cmd /c`, `bash -lc`, `wsl`, `mise exec`, …). */
  wrappers: string[]
  notes: string[]
  /**
   * Set when a shell string runs several commands that can run code: nothing can be identified
   * (`severalCommandsMatch` gives the identity and the note).
   */
  several?: SeveralCommands
  /**
   * Environment variables set by the launch itself (`NAME=value` prefixes, `env NAME=value`,
   * `export`/`set`/`$env:` in a shell string), by name; absent when none. Values may be secrets:
   * never print them.
   */
  environment?: Record<string, string>
  /**
   * Reasons a package found inside the wrappers is not what runs alone (`mise x npm:other --`
   * installs another package; see `withholding.ts`); absent when none.
   */
  withholdings?: Withholding[]
}

/** Launchers and wrappers whose name, when found in a command line, marks where the program is. */
const KNOWN_PROGRAMS = new Set([
  'npx',
  'npm',
  'pnpm',
  'pnpx',
  'yarn',
  'bunx',
  'bun',
  'node',
  'nodejs',
  'deno',
  'uvx',
  'uv',
  'pipx',
  'python',
  'python3',
  'py',
  'docker',
  'podman',
  'java',
  'dotnet',
  'go',
  'cargo',
  'php',
  'cmd',
  'bash',
  'sh',
  'zsh',
  'powershell',
  'pwsh',
  'wsl',
  'mise',
  'env'
])

const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'fish'])

/** A step of unwrapping: the argv inside the wrapper, its label, notes. */
interface UnwrapStep {
  argv: string[]
  wrapper: string | null
  notes: string[]
  several?: SeveralCommands
  environment?: Record<string, string>
  withholdings?: Withholding[]
}

/**
 * Unwrap a launch as written (see the module doc). `command` undefined or blank gives an empty
 * `argv` with a note. Pure, never throws.
 * @param command the entry's `command` as written (may be a whole command line).
 * @param args the entry's `args` as written.
 */
export function unwrapLaunch(command: string | undefined, args: string[]): UnwrappedLaunch {
  const notes: string[] = []
  const wrappers: string[] = []
  if (command === undefined || command.trim() === '') {
    notes.push('the entry has no command')
    return { argv: [], wrappers, notes }
  }
  const environment: Record<string, string> = {}
  const withholdings: Withholding[] = []
  const written = splitWrittenCommand(command, args, notes)
  let argv = written.argv
  let several = written.several
  Object.assign(environment, written.environment)
  let depth = 0
  while (several === undefined) {
    const step = argv.length > 0 ? unwrapOnce(argv) : null
    if (step === null) break
    if (depth >= MAX_UNWRAP_DEPTH) {
      notes.push(`stopped unwrapping after ${MAX_UNWRAP_DEPTH} nested wrappers`)
      break
    }
    depth += 1
    if (step.wrapper !== null) {
      wrappers.push(step.wrapper)
      notes.push(`unwrapped \`${step.wrapper}\``)
    }
    notes.push(...step.notes)
    Object.assign(environment, step.environment)
    withholdings.push(...(step.withholdings ?? []))
    several = step.several
    argv = step.argv
  }
  if (several === undefined && argv.length === 0) {
    notes.push('no command is left after unwrapping')
  }
  return {
    argv,
    wrappers,
    notes,
    ...(several !== undefined ? { several } : {}),
    ...(Object.keys(environment).length > 0 ? { environment } : {}),
    ...(withholdings.length > 0 ? { withholdings } : {})
  }
}

/** Where a command line written into `command` is, for notes. */
const WRITTEN_COMMAND = 'the command line written into `command`'

/**
 * `command` + `args` as an argv. A command holding whitespace is split when it is a command line
 * (`npx -y pkg`, `docker run … image`), and kept whole when it is a path with spaces
 * (`C:\Program Files\nodejs\npx.cmd`, `/home/u/server 1/.venv/bin/python`). A command line
 * is read like a shell string (one launching command, set-up commands skipped).
 */
function splitWrittenCommand(
  command: string,
  args: string[],
  notes: string[]
): Pick<UnwrapStep, 'argv' | 'several' | 'environment'> {
  const trimmed = command.trim()
  if (!/\s/.test(trimmed)) return { argv: [trimmed, ...args] }
  if (trimmed.length > MAX_COMMAND_LINE_CHARS) {
    notes.push('the command is too long to split into words; kept as written')
    return { argv: [trimmed, ...args] }
  }
  const syntax = guessSyntax(trimmed)
  const commands = parseCommandList(trimmed, syntax) ?? []
  const picked = pickLaunchingCommand(commands, syntax)
  const split = (found: LaunchingCommand, prefix: string[] = []) => ({
    argv: [...prefix, ...found.argv, ...args],
    ...(found.runners.length > 1
      ? { several: { where: WRITTEN_COMMAND, runners: found.runners } }
      : {}),
    environment: variablesSetBy(commands, syntax)
  })
  const program = picked.argv.find((w) => !isAssignment(w))
  if (program !== undefined && KNOWN_PROGRAMS.has(commandName(program))) {
    notes.push('split the command line written into `command`')
    return split(picked)
  }
  // A program path with spaces: the shortest prefix ending at whitespace that names a launcher.
  const boundaries = [...trimmed.matchAll(/\s+/g)].map((m) => ({
    at: m.index,
    end: m.index + m[0].length
  }))
  for (const b of boundaries) {
    const prefix = trimmed.slice(0, b.at).replace(/^"/, '')
    if (looksLikePath(prefix) && KNOWN_PROGRAMS.has(commandName(prefix))) {
      const rest = parseCommandList(trimmed.slice(b.end), syntax) ?? []
      // The first command of the rest holds the arguments of the program.
      const [head, ...others] = rest
      const withProgram: ShellCommand[] = [
        {
          words: [prefix, ...(head?.words ?? [])],
          pipedInto: false,
          processSubstitutions: [...(head?.processSubstitutions ?? [])],
          redirects: [...(head?.redirects ?? [])]
        },
        ...others
      ]
      notes.push('split the command line written into `command` (program path with spaces)')
      return split(pickLaunchingCommand(withProgram, syntax))
    }
  }
  // `/usr/local/bin/mcp-foo --stdio` is a command line; `/Users/me/App Support/foo` a path.
  const firstGap = boundaries[0]
  const optionFollows = firstGap !== undefined && trimmed[firstGap.end] === '-'
  if (looksLikePath(trimmed) && !optionFollows) return { argv: [trimmed, ...args] }
  notes.push('split the command line written into `command`')
  return picked.argv.length > 0 ? split(picked) : { argv: [trimmed, ...args] }
}

/**
 * One level of unwrapping, or null when `argv` is not a wrapper. A wrapper written as a path
 * is one only in a well-known install location (`launcherName`): `./bash -c …` is a script.
 */
function unwrapOnce(argv: string[]): UnwrapStep | null {
  const first = argv[0]!
  if (isAssignment(first)) return unwrapAssignments(argv)
  const name = launcherName(first)
  if (name === null) return null
  const rest = argv.slice(1)
  switch (name) {
    case 'cmd':
      return unwrapCmd(rest)
    case 'powershell':
    case 'pwsh':
      return unwrapPowerShell(name, rest)
    case 'wsl':
      return unwrapWsl(rest)
    case 'mise':
    case 'rtx':
      return unwrapMise(name, rest)
    case 'env':
      return unwrapEnv(rest)
    case 'exec':
    case 'command':
    case 'nohup':
    case 'call':
      return unwrapPrefix(name, rest)
    case 'sudo':
      return unwrapSudo(rest)
    default:
      if (SHELLS.has(name)) return unwrapShell(name, rest)
      return null
  }
}

function unwrapAssignments(argv: string[]): UnwrapStep {
  const names: string[] = []
  const environment: Record<string, string> = {}
  let i = 0
  while (i < argv.length && isAssignment(argv[i]!)) {
    const eq = argv[i]!.indexOf('=')
    names.push(argv[i]!.slice(0, eq))
    environment[argv[i]!.slice(0, eq)] = argv[i]!.slice(eq + 1)
    i += 1
  }
  return {
    argv: argv.slice(i),
    wrapper: null,
    notes: [`environment assignment(s) before the command: ${names.join(', ')}`],
    environment
  }
}

/**
 * Split a command string and take its launching command (`pickLaunchingCommand`); with two or
 * more commands that can run code, the step carries `several` instead.
 */
function fromCommandString(
  line: string,
  syntax: CommandLineSyntax,
  wrapper: string,
  notes: string[]
): UnwrapStep {
  const commands = parseCommandList(line, syntax)
  if (commands === null) {
    notes.push(`the \`${wrapper}\` command string is too long to read; not unwrapped`)
    return { argv: [], wrapper, notes }
  }
  const picked = pickLaunchingCommand(commands, syntax)
  if (picked.skipped.length > 0) {
    notes.push(
      `skipped set-up command(s) in the \`${wrapper}\` string: ${picked.skipped.join(', ')}`
    )
  }
  const environment = variablesSetBy(commands, syntax)
  const several =
    picked.runners.length > 1
      ? { several: { where: `the \`${wrapper}\` string`, runners: picked.runners } }
      : {}
  const withholdings: Withholding[] = []
  const program = picked.argv.find((w) => !isAssignment(w))
  const moved = picked.skipped.some((s) => CHANGE_DIRECTORY.has(s))
  if (syntax === 'cmd' && moved && program !== undefined && !looksLikePath(program)) {
    withholdings.push({
      setting: `\`cd\` in the \`${wrapper}\` string`,
      why:
        'moves cmd.exe to another directory, and cmd.exe runs a program found there before ' +
        'looking on PATH'
    })
  }
  return { argv: picked.argv, wrapper, notes, environment, ...several, withholdings }
}

/** Set-up commands that change the working directory (cmd.exe's labels). */
const CHANGE_DIRECTORY = new Set(['cd', 'chdir', 'pushd', 'cd..'])

/** `cmd /c …`: switches are `/x` or `/x:on`; after `/c` or `/k` comes the command line. */
function unwrapCmd(args: string[]): UnwrapStep | null {
  // Rebuild the command line the way Windows passes it (arguments with spaces quoted).
  const line = args.map((a) => (/\s/.test(a) && !a.includes('"') ? `"${a}"` : a)).join(' ')
  const m = /^\s*((?:\/[a-z](?::\S*)?\s*)*?)\/([ck])(?:\s+|$)([\s\S]*)$/i.exec(line)
  if (!m) return null
  // Switch values (`/t:0a`) are not shown: only the switch letters.
  const switches = (m[1] ?? '').trim().replace(/:\S*/g, '')
  const wrapper = `cmd ${switches ? `${switches.toLowerCase()} ` : ''}/${m[2]!.toLowerCase()}`
  let body = m[3] ?? ''
  // `cmd /s /c "…"` (and `/c "…"` whose whole body is quoted) strips the outer quotes.
  const quoted = /^\s*"([\s\S]*)"\s*$/.exec(body)
  if (quoted && (/\/s/i.test(switches) || !quoted[1]!.includes('"'))) body = quoted[1]!
  return fromCommandString(body, 'cmd', wrapper, [])
}

/** `bash -c "…"`, `bash -lc "…"`, `sh -c`; a shell running a script file is not a wrapper. */
function unwrapShell(name: string, args: string[]): UnwrapStep | null {
  const flags: string[] = []
  let commandMode = false
  let i = 0
  for (; i < args.length; i += 1) {
    const arg = args[i]!
    if (arg === '--' || arg === '-') {
      i += 1
      break
    }
    if (/^[-+][oO]$/.test(arg)) {
      flags.push(arg)
      i += 1 // `-o option`
      continue
    }
    if (arg === '--rcfile' || arg === '--init-file') {
      i += 1
      continue
    }
    if (arg.startsWith('--')) {
      if (arg === '--command') commandMode = true
      else flags.push(arg)
      continue
    }
    if (/^[-+][A-Za-z]+$/.test(arg)) {
      if (arg.startsWith('-') && arg.includes('c')) commandMode = true
      flags.push(arg)
      continue
    }
    break
  }
  if (!commandMode) return null
  const line = args[i]
  const hasC = flags.some((f) => /^-[A-Za-z]*c/.test(f))
  const wrapper = [name, ...flags, ...(hasC ? [] : ['-c'])].join(' ')
  if (line === undefined)
    return { argv: [], wrapper, notes: [`\`${wrapper}\` has no command string`] }
  return fromCommandString(line, 'posix', wrapper, [])
}

const POWERSHELL_VALUE_PARAMS = [
  'executionpolicy',
  'windowstyle',
  'inputformat',
  'outputformat',
  'version',
  'workingdirectory',
  'configurationname',
  'psconsolefile',
  'custompipename',
  'settingsfile',
  'encodedarguments'
]
const POWERSHELL_VALUE_ALIASES = new Set(['ex', 'ep', 'w', 'wd', 'if', 'of', 'o', 'v', 'ea'])

/** `powershell -Command …` / `pwsh -c …` / `-EncodedCommand <base64>`. */
function unwrapPowerShell(name: string, args: string[]): UnwrapStep | null {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!
    if (!arg.startsWith('-')) {
      // A bare argument: a script path for `.ps1` (not a wrapper), otherwise a command string.
      if (/\.ps1$/i.test(arg)) return null
      return fromCommandString(args.slice(i).join(' '), 'powershell', `${name} -Command`, [])
    }
    const param = arg.slice(1).toLowerCase()
    if (param === '') continue
    if (isPrefixOf(param, 'command', 1)) {
      const body = args.slice(i + 1).join(' ')
      return fromCommandString(body, 'powershell', `${name} -Command`, [])
    }
    if (param === 'e' || param === 'ec' || isPrefixOf(param, 'encodedcommand', 2)) {
      const decoded = decodePowerShellCommand(args[i + 1] ?? '')
      const wrapper = `${name} -EncodedCommand`
      if (decoded === null) {
        return { argv: [], wrapper, notes: ['the -EncodedCommand value is not valid base64 text'] }
      }
      return fromCommandString(decoded, 'powershell', wrapper, [
        'decoded the base64 -EncodedCommand (encoded commands hide what runs)'
      ])
    }
    if (isPrefixOf(param, 'file', 1)) return null
    if (
      POWERSHELL_VALUE_ALIASES.has(param) ||
      POWERSHELL_VALUE_PARAMS.some((p) => isPrefixOf(param, p, 3))
    ) {
      i += 1
    }
  }
  return null
}

/** PowerShell accepts any unambiguous prefix of a parameter name (at least `min` letters). */
function isPrefixOf(param: string, full: string, min: number): boolean {
  return param.length >= min && full.startsWith(param)
}

/** `-EncodedCommand` is base64 of UTF-16LE text; null when it is not (or is too long). */
function decodePowerShellCommand(value: string): string | null {
  if (value.length > MAX_COMMAND_LINE_CHARS || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return null
  const text = Buffer.from(value, 'base64').toString('utf16le')
  // eslint-disable-next-line no-control-regex
  return text !== '' && !/[\u0000-\u0008]/.test(text) ? text : null
}

const WSL_GRAMMAR = {
  valueFlags: new Set([
    '-d',
    '--distribution',
    '-u',
    '--user',
    '--cd',
    '--shell-type',
    '--distribution-id'
  ]),
  terminalFlags: new Set(['-e', '--exec'])
}

/** `wsl [options] [-e|--exec|--] command …`: without `--exec` the default shell runs the rest. */
function unwrapWsl(args: string[]): UnwrapStep {
  const scanned = scanOptions(args, WSL_GRAMMAR)
  const notes: string[] = []
  const distro = scanned.options.find((o) => o.flag === '-d' || o.flag === '--distribution')
  if (distro?.value) notes.push('runs inside the WSL distribution named with -d')
  const rest = scanned.positional
  if (scanned.terminal || rest.length === 0) return { argv: rest, wrapper: 'wsl', notes }
  // The default shell reads the words as one command line (one argument holding a whole
  // command line is read as that command line).
  const line = rest.length === 1 ? rest[0]! : rest.map(quotePosixWord).join(' ')
  return fromCommandString(line, 'posix', 'wsl', notes)
}

/** Quote a word for re-reading by a POSIX shell, leaving plain words (and `$VAR`) as they are. */
function quotePosixWord(word: string): string {
  if (/^[\w@%+=:,./${}~-]+$/.test(word)) return word
  if (/^(?:&&|\|\||;|\||&)$/.test(word)) return word
  return `'${word.replaceAll("'", `'\\''`)}'`
}

const MISE_GRAMMAR = {
  valueFlags: new Set(['-C', '--cd', '-c', '--command', '-j', '--jobs', '-E', '--env'])
}

/** `mise exec|x [tool@version…] -- command …` or `mise exec … -c "command line"`. */
function unwrapMise(name: string, args: string[]): UnwrapStep | null {
  const sub = args[0]
  if (sub !== 'exec' && sub !== 'x') return null
  const wrapper = `${name} ${sub}`
  const scanned = scanOptionsUntilDoubleDash(args.slice(1), MISE_GRAMMAR)
  const notes: string[] = []
  const core = scanned.tools.filter(isCoreMiseTool)
  if (core.length > 0) notes.push(`${name} tools: ${core.join(', ')}`)
  const withholdings: Withholding[] = []
  if (core.length < scanned.tools.length) {
    withholdings.push({
      setting: `\`${wrapper}\` tools`,
      why: 'install tools other than the core runtimes (a backend such as npm:, pipx:, ubi:)'
    })
  }
  if (scanned.options.some((o) => ['-C', '--cd', '-E', '--env'].includes(o.flag))) {
    withholdings.push({
      setting: `\`${wrapper}\` -C/-E`,
      why: 'reads another mise configuration, which can set variables and hooks'
    })
  }
  const commandString = scanned.options.find((o) => o.flag === '-c' || o.flag === '--command')
  if (commandString?.value !== undefined) {
    const step = fromCommandString(commandString.value, 'posix', wrapper, notes)
    return { ...step, withholdings: [...withholdings, ...(step.withholdings ?? [])] }
  }
  if (!scanned.doubleDash) {
    notes.push(`\`${wrapper}\` without \`--\`: the command to run is not written`)
    return { argv: [], wrapper, notes, withholdings }
  }
  return { argv: scanned.rest, wrapper, notes, withholdings }
}

/** A tool spec `name[@version]` whose name is in `MISE_CORE_TOOLS`. */
function isCoreMiseTool(spec: string): boolean {
  const m = /^([A-Za-z0-9][\w.-]*)(?:@[\w.+-]+)?$/.exec(spec)
  return m !== null && MISE_CORE_TOOLS.has(m[1]!.toLowerCase())
}

/**
 * mise tools that install a language runtime or package manager from its project (mise
 * registry core and well-known tools); any other tool or backend (`npm:`, `pipx:`, `cargo:`,
 * `ubi:`, `github:`, …) installs other software alongside the launch.
 */
const MISE_CORE_TOOLS = new Set([
  'node',
  'nodejs',
  'bun',
  'deno',
  'python',
  'uv',
  'pnpm',
  'yarn',
  'java',
  'go',
  'ruby',
  'rust',
  'erlang',
  'elixir',
  'zig'
])

/** Options and tool specs of `mise exec` up to `--` (tool specs are positional there). */
function scanOptionsUntilDoubleDash(
  args: string[],
  grammar: { valueFlags: ReadonlySet<string> }
): {
  options: { flag: string; value?: string }[]
  tools: string[]
  rest: string[]
  doubleDash: boolean
} {
  const options: { flag: string; value?: string }[] = []
  const tools: string[] = []
  let i = 0
  while (i < args.length) {
    const scanned = scanOptions(args.slice(i), grammar)
    options.push(...scanned.options)
    if (scanned.doubleDash) return { options, tools, rest: scanned.positional, doubleDash: true }
    const consumed = args.length - i - scanned.positional.length
    i += consumed
    if (i < args.length) {
      tools.push(args[i]!)
      i += 1
    }
  }
  return { options, tools, rest: [], doubleDash: false }
}

const ENV_GRAMMAR = {
  valueFlags: new Set(['-u', '--unset', '-C', '--chdir', '-S', '--split-string', '-P'])
}

/** `env [-i] [-u NAME] [-S "string"] [NAME=value…] command …`. */
function unwrapEnv(args: string[]): UnwrapStep {
  const scanned = scanOptions(args, ENV_GRAMMAR)
  const notes: string[] = []
  const split = scanned.options.find((o) => o.flag === '-S' || o.flag === '--split-string')
  let rest = scanned.positional
  if (split?.value !== undefined) {
    const words = splitCommandLine(split.value, 'posix')
    rest = [...(words?.[0] ?? []), ...rest]
  }
  const names: string[] = []
  const environment: Record<string, string> = {}
  while (rest.length > 0 && isAssignment(rest[0]!)) {
    const eq = rest[0]!.indexOf('=')
    names.push(rest[0]!.slice(0, eq))
    environment[rest[0]!.slice(0, eq)] = rest[0]!.slice(eq + 1)
    rest = rest.slice(1)
  }
  if (names.length > 0) notes.push(`\`env\` sets: ${names.join(', ')}`)
  return { argv: rest, wrapper: 'env', notes, environment }
}

const PREFIX_GRAMMARS: Record<string, { valueFlags: ReadonlySet<string> }> = {
  exec: { valueFlags: new Set(['-a']) },
  command: { valueFlags: new Set() },
  nohup: { valueFlags: new Set() },
  call: { valueFlags: new Set() }
}

/** `exec`, `command`, `nohup`, `call`: run the rest as it is. */
function unwrapPrefix(name: string, args: string[]): UnwrapStep | null {
  const scanned = scanOptions(args, PREFIX_GRAMMARS[name]!)
  if (scanned.positional.length === 0) return null
  return { argv: scanned.positional, wrapper: name, notes: [] }
}

const SUDO_GRAMMAR = {
  valueFlags: new Set([
    '-u',
    '--user',
    '-g',
    '--group',
    '-C',
    '-D',
    '--chdir',
    '-h',
    '--host',
    '-p',
    '--prompt',
    '-r',
    '-t',
    '-U',
    '-T'
  ])
}

/** `sudo [options] command …`: worth a note, the server runs with another user's rights. */
function unwrapSudo(args: string[]): UnwrapStep | null {
  const scanned = scanOptions(args, SUDO_GRAMMAR)
  if (scanned.positional.length === 0) return null
  const user = scanned.options.some((o) => o.flag === '-u' || o.flag === '--user')
  return {
    argv: scanned.positional,
    wrapper: 'sudo',
    notes: [`runs through sudo as ${user ? 'the user named with -u' : 'root'}`]
  }
}

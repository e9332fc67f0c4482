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
 *
 * Shell strings run their first command that launches something (`cd dir && node x.js` →
 * `node x.js`). `npx -y …` is not a wrapper: it is the npm launch idiom. Notes never hold
 * argument or variable values (they may be secrets), only names and structure.
 */
import { commandName, looksLikePath } from './command-name.js'
import {
  type CommandLineSyntax,
  guessSyntax,
  isAssignment,
  MAX_COMMAND_LINE_CHARS,
  pickLaunchingCommand,
  splitCommandLine
} from './command-line.js'
import { scanOptions } from './options.js'

/** How many wrappers deep we unwrap before giving up (a hostile config could nest forever). */
export const MAX_UNWRAP_DEPTH = 8

/** The outcome of unwrapping: the effective argv, the wrappers removed and notes for people. */
export interface UnwrappedLaunch {
  /** `[command, ...args]` of what really runs; empty when there is no command. */
  argv: string[]
  /** Wrappers removed, outermost first (`cmd /c`, `bash -lc`, `wsl`, `mise exec`, …). */
  wrappers: string[]
  notes: string[]
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
  let argv = splitWrittenCommand(command, args, notes)
  let depth = 0
  for (;;) {
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
    argv = step.argv
  }
  if (argv.length === 0) notes.push('no command is left after unwrapping')
  return { argv, wrappers, notes }
}

/**
 * `command` + `args` as an argv. A command holding whitespace is split when it is a command line
 * (`npx -y pkg`, `docker run … image`), and kept whole when it is a path with spaces
 * (`C:\Program Files\nodejs\npx.cmd`, `/home/u/server 1/.venv/bin/python`).
 */
function splitWrittenCommand(command: string, args: string[], notes: string[]): string[] {
  const trimmed = command.trim()
  if (!/\s/.test(trimmed)) return [trimmed, ...args]
  if (trimmed.length > MAX_COMMAND_LINE_CHARS) {
    notes.push('the command is too long to split into words; kept as written')
    return [trimmed, ...args]
  }
  const syntax = guessSyntax(trimmed)
  const words = firstCommandWords(trimmed, syntax)
  if (words && words.length > 0 && KNOWN_PROGRAMS.has(commandName(words[0]!))) {
    notes.push('split the command line written into `command`')
    return [...words, ...args]
  }
  // A program path with spaces: the shortest prefix ending at whitespace that names a launcher.
  const boundaries = [...trimmed.matchAll(/\s+/g)].map((m) => ({
    at: m.index,
    end: m.index + m[0].length
  }))
  for (const b of boundaries) {
    const prefix = trimmed.slice(0, b.at).replace(/^"/, '')
    if (looksLikePath(prefix) && KNOWN_PROGRAMS.has(commandName(prefix))) {
      const rest = firstCommandWords(trimmed.slice(b.end), syntax) ?? []
      notes.push('split the command line written into `command` (program path with spaces)')
      return [prefix, ...rest, ...args]
    }
  }
  // `/usr/local/bin/mcp-foo --stdio` is a command line; `/Users/me/App Support/foo` a path.
  const firstGap = boundaries[0]
  const optionFollows = firstGap !== undefined && trimmed[firstGap.end] === '-'
  if (looksLikePath(trimmed) && !optionFollows) return [trimmed, ...args]
  notes.push('split the command line written into `command`')
  return [...(words ?? [trimmed]), ...args]
}

function firstCommandWords(line: string, syntax: CommandLineSyntax): string[] | null {
  const commands = splitCommandLine(line, syntax)
  if (commands === null) return null
  return pickLaunchingCommand(commands).argv
}

/** One level of unwrapping, or null when `argv` is not a wrapper. */
function unwrapOnce(argv: string[]): UnwrapStep | null {
  const first = argv[0]!
  if (isAssignment(first)) return unwrapAssignments(argv)
  const name = commandName(first)
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
  let i = 0
  while (i < argv.length && isAssignment(argv[i]!)) {
    names.push(argv[i]!.slice(0, argv[i]!.indexOf('=')))
    i += 1
  }
  return {
    argv: argv.slice(i),
    wrapper: null,
    notes: [`ignored environment assignment(s) before the command: ${names.join(', ')}`]
  }
}

/** Split a command string and take the command that launches something. */
function fromCommandString(
  line: string,
  syntax: CommandLineSyntax,
  wrapper: string,
  notes: string[]
): UnwrapStep {
  const commands = splitCommandLine(line, syntax)
  if (commands === null) {
    notes.push(`the \`${wrapper}\` command string is too long to read; not unwrapped`)
    return { argv: [], wrapper, notes }
  }
  const picked = pickLaunchingCommand(commands)
  if (picked.skipped.length > 0) {
    notes.push(
      `skipped set-up command(s) in the \`${wrapper}\` string: ${picked.skipped.join(', ')}`
    )
  }
  if (commands.length > 1 + picked.skipped.length) {
    notes.push(`the \`${wrapper}\` string runs more than one command; using the first launcher`)
  }
  return { argv: picked.argv, wrapper, notes }
}

/** `cmd /c …`: switches are `/x` or `/x:on`; after `/c` or `/k` comes the command line. */
function unwrapCmd(args: string[]): UnwrapStep | null {
  // Rebuild the command line the way Windows passes it (arguments with spaces quoted).
  const line = args.map((a) => (/\s/.test(a) && !a.includes('"') ? `"${a}"` : a)).join(' ')
  const m = /^\s*((?:\/[a-z](?::\S*)?\s*)*?)\/([ck])(?:\s+|$)([\s\S]*)$/i.exec(line)
  if (!m) return null
  const switches = (m[1] ?? '').trim()
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
  if (distro?.value) notes.push(`runs inside the WSL distribution "${distro.value}"`)
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
  if (scanned.tools.length > 0) notes.push(`${name} tools: ${scanned.tools.join(', ')}`)
  const commandString = scanned.options.find((o) => o.flag === '-c' || o.flag === '--command')
  if (commandString?.value !== undefined) {
    return fromCommandString(commandString.value, 'posix', wrapper, notes)
  }
  if (!scanned.doubleDash) {
    notes.push(`\`${wrapper}\` without \`--\`: the command to run is not written`)
    return { argv: [], wrapper, notes }
  }
  return { argv: scanned.rest, wrapper, notes }
}

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
  while (rest.length > 0 && isAssignment(rest[0]!)) {
    names.push(rest[0]!.slice(0, rest[0]!.indexOf('=')))
    rest = rest.slice(1)
  }
  if (names.length > 0) notes.push(`\`env\` sets: ${names.join(', ')}`)
  return { argv: rest, wrapper: 'env', notes }
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
  const user = scanned.options.find((o) => o.flag === '-u' || o.flag === '--user')?.value
  return {
    argv: scanned.positional,
    wrapper: 'sudo',
    notes: [`runs through sudo as ${user ? `user "${user}"` : 'root'}`]
  }
}

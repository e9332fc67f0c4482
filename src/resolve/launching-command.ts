/**
 * Which command of a shell string launches the server (SPEC §4 wrappers).
 *
 * A shell string (`bash -c "…"`, `cmd /c …`, a whole command line in `command`) may hold set-up
 * commands that run no code — `cd`, `pushd`/`popd`, `export`, `set`, `unset`, `true`, `:`,
 * `echo`, `sleep`, `umask`, `ulimit`, plain `NAME=value` assignments and their cmd/PowerShell
 * equivalents (`setlocal`, `chcp`, `Set-Location`, `$env:X = 'v'`, …), written as the bare word
 * or from a well-known install location (`/bin/echo`; `./echo` is a script) — and exactly ONE
 * command that can run code: that one is the launch. Everything else can run code: `eval`,
 * `source`/`.`, any launcher or other program, a shell or interpreter reading a pipe, a process
 * substitution `<(…)`/`>(…)`, EVERY command substitution (`$(…)`, `` `…` ``, PowerShell `$(…)`
 * and `@(…)`) wherever it is written — in an argument, an assignment, `cd "$(…)"`,
 * `: ${X:=$(…)}` — and a set-up command that writes a file (`echo … > .npmrc`; `/dev/null` and
 * `nul` excepted). There is no allow-list of harmless substitutions. With two or more such
 * runners the launch cannot be identified: grading the one package would grade a benign package
 * while other code runs (`source <(curl …) && npx -y good@1.0.0`, `echo $(node x.js); npx …`).
 *
 * Labels and notes name programs and constructs only, never argument or variable values.
 */
import { commandName } from './command-name.js'
import { launcherName } from './launcher-location.js'
import {
  type CommandLineSyntax,
  isAssignment,
  parseCommandList,
  type ShellCommand
} from './command-line.js'
import { type IdiomMatch, packageIdentity } from './package-identity.js'

/** First words of commands that run no code (lower case; cmd and PowerShell spellings too). */
const NO_CODE_COMMANDS = new Set([
  'cd',
  'chdir',
  'pushd',
  'popd',
  'export',
  'set',
  'unset',
  'true',
  ':',
  'echo',
  'sleep',
  'umask',
  'ulimit',
  'setlocal',
  'endlocal',
  'chcp',
  'title',
  'cls',
  'rem',
  'set-location',
  'sl',
  'push-location',
  'pop-location',
  'cd..',
  'write-host',
  'start-sleep',
  '$null'
])

/** Commands that run text as code: `eval`, `source`, `.`, PowerShell `Invoke-Expression`. */
const EVALUATORS = new Set(['eval', 'source', '.', 'iex', 'invoke-expression'])

/** Shells and interpreters: they run code read from a pipe (`curl … | sh`) or given inline. */
const INTERPRETER =
  /^(?:sh|bash|zsh|dash|ksh|ash|mksh|fish|csh|tcsh|python[\d.]*|py|pypy[\d.]*|node|nodejs|deno|bun|perl|ruby|php|lua|pwsh|powershell|cmd)$/

/** Interpreter options that take the code itself (`sh -c`, `node -e`, `pwsh -Command`). */
const INLINE_CODE_FLAG = /^(?:-[A-Za-z]*[ce]|--eval|--command|-command|-encodedcommand|\/c|\/k)$/i

/** Words that prefix a command without changing which program it runs. */
const COMMAND_PREFIXES = new Set(['exec', 'command', 'nohup', 'builtin', 'call'])

/** POSIX reserved words before a command (`if true; then npx …; fi`). */
const RESERVED_PREFIXES = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{'])
const RESERVED_ALONE = new Set(['fi', 'done', '}', 'esac'])

/** How deep command substitutions inside command substitutions are read. */
const MAX_SUBSTITUTION_DEPTH = 4

/** Something in a shell string that can run code. */
export interface CodeRunner {
  /** Short name for messages: the program (`npx`, `source`, `curl`), `<(curl …)`, `$(…)`. */
  program: string
  /** What was found, for notes (e.g. "`sh` runs code read from a pipe"). No argument values. */
  detail: string
  /**
   * True when it runs code made at run time (eval, a shell reading a pipe, inline code,
   * substitutions, a file written by a set-up command) rather than a named program.
   */
  generated: boolean
}

/** What one simple command does. */
export interface CommandAnalysis {
  /** Label of a command that runs no code (`cd`, `export`, `environment assignment`); else null. */
  setup: string | null
  /** What in the command can run code, in order (the program first). */
  runners: CodeRunner[]
}

/** The outcome of `pickLaunchingCommand`. */
export interface LaunchingCommand {
  /**
   * Words of the launching command: the one command that runs code; the first command when none
   * does; the first command that runs code when several do.
   */
  argv: string[]
  /** Labels of the set-up commands (see `CommandAnalysis.setup`), in order. */
  skipped: string[]
  /** Everything that can run code, in order; two or more means the launch is not identifiable. */
  runners: CodeRunner[]
}

/** A shell string that runs two or more commands that can run code. */
export interface SeveralCommands {
  /** Where they are: "the `bash -c` string", "the command line written into `command`". */
  where: string
  /** What can run code, in order (see `CodeRunner`); at least two. */
  runners: CodeRunner[]
}

/**
 * The identity of an entry whose shell string runs several commands that can run code: ecosystem
 * `unknown`, named after the first program, resolution `n/a` with the message `runs several
 * commands: <program>, <program>, …`, and a note saying where and what each one is (program
 * names and constructs only, never argument values).
 */
export function severalCommandsMatch(several: SeveralCommands): IdiomMatch {
  const programs = several.runners.map((r) => r.program)
  return {
    package: packageIdentity({
      ecosystem: 'unknown',
      name: programs[0] ?? null,
      launcher: null,
      message: `runs several commands: ${programs.join(', ')}`
    }),
    notes: [
      `${several.where} runs ${several.runners.length} commands that can run code: ` +
        `${several.runners.map((r) => r.detail).join('; ')}. Only a single launching command ` +
        '(after set-up commands such as cd or export) can be identified, so what this entry ' +
        'runs is not identified and cannot be graded'
    ]
  }
}

/**
 * Analyse one simple command (see the module doc). `depth` counts nested command substitutions
 * (internal, for labels). Pure, never throws.
 */
export function analyseCommand(
  command: ShellCommand,
  syntax: CommandLineSyntax,
  depth = 0
): CommandAnalysis {
  const words = commandWords(command, syntax)
  if (syntax === 'posix' && words.length === 1 && RESERVED_ALONE.has(words[0]!)) {
    return { setup: words[0]!, runners: [] }
  }
  const runners: CodeRunner[] = []
  let at = 0
  while (at < words.length && isAssignment(words[at]!)) at += 1
  while (at < words.length && COMMAND_PREFIXES.has(words[at]!.toLowerCase())) at += 1
  const assignments = words.slice(0, at)
  const rest = words.slice(at).join(' ')
  let argsText = rest
  let setup: string | null = null
  const program = words[at]
  if (program === undefined) {
    setup = assignments.length > 0 ? 'environment assignment' : 'empty command'
  } else if (program.startsWith('$(') || program.startsWith('`')) {
    const executed = firstSubstitution(rest)
    argsText = executed ? rest.slice(executed.end) : ''
    const inner = executed ? programOf(executed.inner, depth + 1) : '…'
    runners.push({
      program: '$(…)',
      detail: `the output of a command substitution \`$(${inner} …)\` is run as a command`,
      generated: true
    })
  } else {
    const name = commandName(program)
    const value =
      syntax === 'powershell' && program.startsWith('$')
        ? powerShellAssignmentValue(words.slice(at))
        : null
    if (value !== null && value.length <= 1) {
      setup = 'assignment'
    } else if (value !== null) {
      // `$x = <command> …`: the value is a command's output.
      runners.push(programRunner(value[0]!, value.slice(1), command.pipedInto))
    } else if (isNoCodeCommand(program)) {
      setup = name
    } else {
      runners.push(programRunner(program, words.slice(at + 1), command.pipedInto))
    }
  }
  for (const text of command.processSubstitutions) {
    const inner = programOf(text, depth + 1)
    runners.push({
      program: `<(${inner} …)`,
      detail: `a process substitution runs \`${inner}\``,
      generated: true
    })
  }
  for (const { inner } of commandSubstitutions([...assignments, argsText].join(' '), syntax)) {
    const name = programOf(inner, depth + 1)
    runners.push({
      program: `$(${name})`,
      detail: `a command substitution runs \`${name}\``,
      generated: true
    })
  }
  if (runners.length === 0 && command.redirects.some((t) => !DISCARDED.test(t))) {
    runners.push({
      program: `${setup ?? 'command'} > file`,
      detail: `the set-up command \`${setup ?? 'command'}\` writes a file, which can change what runs next`,
      generated: true
    })
  }
  return { setup: runners.length > 0 ? null : setup, runners }
}

/** Redirection targets that keep nothing: `/dev/null`, `nul`, the standard streams. */
const DISCARDED = /^(?:\/dev\/(?:null|stdout|stderr)|nul|\$null)$/i

/**
 * True when `program` is a command that runs no code (`NO_CODE_COMMANDS`) written as the bare
 * word or as a path into a well-known install location (`/bin/echo`); `./echo` is a script.
 */
function isNoCodeCommand(program: string): boolean {
  const lower = program.toLowerCase()
  if (NO_CODE_COMMANDS.has(lower)) return true
  const name = launcherName(program)
  return name !== null && NO_CODE_COMMANDS.has(name)
}

/**
 * Pick the launching command of `commands` (see the module doc). When no command runs code, the
 * first command is returned (it names what would run). Pure, never throws.
 */
export function pickLaunchingCommand(
  commands: readonly ShellCommand[],
  syntax: CommandLineSyntax
): LaunchingCommand {
  const skipped: string[] = []
  const runners: CodeRunner[] = []
  let launching: ShellCommand | undefined
  for (const command of commands) {
    const analysis = analyseCommand(command, syntax)
    if (analysis.runners.length === 0) {
      skipped.push(analysis.setup ?? 'empty command')
      continue
    }
    launching ??= command
    runners.push(...analysis.runners)
  }
  const chosen = launching ?? commands[0]
  return { argv: chosen ? commandWords(chosen, syntax) : [], skipped, runners }
}

/** The words of `command` without POSIX reserved words before it (`then npx …` → `npx …`). */
function commandWords(command: ShellCommand, syntax: CommandLineSyntax): string[] {
  const { words } = command
  if (syntax !== 'posix') return [...words]
  let start = 0
  while (start < words.length - 1 && RESERVED_PREFIXES.has(words[start]!)) start += 1
  return words.slice(start)
}

/**
 * The environment variables that the set-up commands of `commands` set (`export A=b`, `A=b`,
 * cmd `set A=b`, PowerShell `$env:A = 'b'`; `unset A` removes one), by name. Commands that run
 * code are not read (their own `NAME=value` prefixes are read by the caller). Values are kept
 * for the caller's checks (a registry URL) and must never be printed: they may be secrets.
 */
export function variablesSetBy(
  commands: readonly ShellCommand[],
  syntax: CommandLineSyntax
): Record<string, string> {
  const set: Record<string, string> = {}
  const assign = (word: string): void => {
    const eq = word.indexOf('=')
    if (eq > 0 && /^[A-Za-z_][\w]*$/.test(word.slice(0, eq)))
      set[word.slice(0, eq)] = word.slice(eq + 1)
  }
  for (const command of commands) {
    if (analyseCommand(command, syntax).runners.length > 0) continue
    const [first, ...rest] = command.words
    if (first === undefined) continue
    const name = first.toLowerCase()
    if (syntax === 'powershell') {
      const m = /^\$env:([A-Za-z_]\w*)\s*=\s*([\s\S]*)$/i.exec(command.words.join(' '))
      if (m) set[m[1]!] = m[2]!.trim()
      continue
    }
    if (syntax === 'cmd') {
      if (name === 'set' && rest[0] !== undefined && !rest[0].startsWith('/')) assign(rest[0])
      continue
    }
    if (isAssignment(first)) command.words.forEach(assign)
    else if (name === 'export') rest.filter((w) => !w.startsWith('-')).forEach(assign)
    else if (name === 'unset') for (const w of rest) delete set[w]
  }
  return set
}

/** A program's runner: eval-like, reading code from a pipe, given inline code, or plain. */
function programRunner(program: string, args: readonly string[], pipedInto: boolean): CodeRunner {
  const name = commandName(program)
  if (EVALUATORS.has(name)) {
    const what = name === 'source' || name === '.' ? 'a script in the shell' : 'text as code'
    return { program: name, detail: `\`${name}\` runs ${what}`, generated: true }
  }
  if (INTERPRETER.test(name) && pipedInto) {
    return { program: name, detail: `\`${name}\` runs code read from a pipe`, generated: true }
  }
  if (INTERPRETER.test(name) && args.some((a) => INLINE_CODE_FLAG.test(a))) {
    return { program: name, detail: `\`${name}\` runs inline code`, generated: true }
  }
  return { program: name, detail: `\`${name}\``, generated: false }
}

/** `$x = value …` / `$env:X='v'`: the words of the value, or null when not an assignment. */
function powerShellAssignmentValue(words: readonly string[]): string[] | null {
  const first = words[0]!
  const eq = first.indexOf('=')
  if (eq > 0) {
    const inline = first.slice(eq + 1)
    return [...(inline === '' ? [] : [inline]), ...words.slice(1)]
  }
  if (words[1] === '=') return words.slice(2)
  if (words[1]?.startsWith('=')) return [words[1].slice(1), ...words.slice(2)].filter(Boolean)
  return null
}

/** The first program named in a command line (for labels), or `…`. */
function programOf(text: string, depth: number): string {
  // `$((…))` is arithmetic: it can hold substitutions but names no program itself.
  if (depth > MAX_SUBSTITUTION_DEPTH || text.trimStart().startsWith('(')) return '…'
  const first = parseCommandList(text, 'posix')?.[0]?.words.find((w) => !isAssignment(w))
  if (first === undefined || first.startsWith('$(') || first.startsWith('`')) return '…'
  return commandName(first)
}

/** A command substitution's inner text and where it ends in the scanned text. */
interface Substitution {
  inner: string
  end: number
}

/** The command substitution at the start of `text` (`$(…)` or `` `…` ``), if any. */
function firstSubstitution(text: string): Substitution | null {
  const found = commandSubstitutions(text, 'posix')[0]
  return found !== undefined && text.startsWith(found.open) ? found : null
}

/**
 * Top-level command substitutions in `text`, in order: `$(…)` (also `$((…))`, which can hold
 * them) and `` `…` `` for POSIX shells, `$(…)` and `@(…)` for PowerShell; none for cmd. Quotes
 * are already removed, so a single-quoted `$(…)` counts too (the safe side).
 */
function commandSubstitutions(
  text: string,
  syntax: CommandLineSyntax
): (Substitution & { open: string })[] {
  const found: (Substitution & { open: string })[] = []
  if (syntax === 'cmd') return found
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '`' && syntax === 'posix') {
      const close = text.indexOf('`', i + 1)
      const end = close === -1 ? text.length : close
      found.push({ inner: text.slice(i + 1, end), end: end + 1, open: '`' })
      i = end
      continue
    }
    const opener = text[i] === '$' || (text[i] === '@' && syntax === 'powershell')
    if (opener && text[i + 1] === '(') {
      let depth = 0
      let j = i + 1
      for (; j < text.length; j += 1) {
        if (text[j] === '(') depth += 1
        else if (text[j] === ')' && --depth === 0) break
      }
      found.push({ inner: text.slice(i + 2, j), end: j + 1, open: `${text[i]}(` })
      i = j
    }
  }
  return found
}

/**
 * Splitting a command line written as one string (`bash -c "…"`, `cmd /c …`, `powershell
 * -Command …`, a whole command line in `command`) into simple commands, and picking the one that
 * launches the server (SPEC §4 wrappers).
 *
 * - POSIX shells: `shell-quote` does the quoting rules. Variable references (`$VAR`, `${VAR}`,
 *   `$(…)`) are kept as literal text, never expanded.
 * - `cmd.exe`: double quotes, `^` escapes, `&&`, `||`, `&`, `|` (no backslash escapes, so Windows
 *   paths survive).
 * - PowerShell: single and double quotes, backtick escapes, `;`, `&&`, `||`, `|`, and the `&` call
 *   operator.
 *
 * Operators separate commands; redirections and their targets are dropped.
 */
import { parse as parseShell } from 'shell-quote'
import { commandName } from './command-name.js'

/** Longest command line we split (characters); longer ones are left alone with a note. */
export const MAX_COMMAND_LINE_CHARS = 64 * 1024

/** The quoting rules of a command line. */
export type CommandLineSyntax = 'posix' | 'cmd' | 'powershell'

/** Stand-in for `$` while `shell-quote` parses, so it cannot expand variables. */
const DOLLAR = '\u{F0024}'

/**
 * Split `line` into simple commands (each a list of words), with the rules of `syntax`.
 * Returns null when the line is longer than `MAX_COMMAND_LINE_CHARS`. Never throws.
 */
export function splitCommandLine(line: string, syntax: CommandLineSyntax): string[][] | null {
  if (line.length > MAX_COMMAND_LINE_CHARS) return null
  switch (syntax) {
    case 'posix':
      return splitPosix(line)
    case 'cmd':
      return splitWindows(line, 'cmd')
    case 'powershell':
      return splitWindows(line, 'powershell')
  }
}

/**
 * The syntax a command line written into `command` most likely uses: `cmd` for Windows paths
 * (`C:\…`, `\\server\…`) or a first word ending in `.exe`/`.cmd`/`.bat`, `posix` otherwise.
 */
export function guessSyntax(line: string): CommandLineSyntax {
  const t = line.trimStart().replace(/^"/, '')
  if (/^(?:[A-Za-z]:[\\/]|\\\\)/.test(t)) return 'cmd'
  if (/^\S+\.(?:exe|cmd|bat)(?:\s|"|$)/i.test(t)) return 'cmd'
  return 'posix'
}

function splitPosix(line: string): string[][] {
  const hidden = line.replaceAll(DOLLAR, '').replaceAll('$', DOLLAR)
  const entries = parseShell(hidden)
  const reveal = (s: string): string => s.replaceAll(DOLLAR, '$')
  const commands: string[][] = []
  let current: string[] = []
  const endCommand = (): void => {
    if (current.length > 0) commands.push(current)
    current = []
  }
  for (let i = 0; i < entries.length; i += 1) {
    const entry = entries[i]!
    if (typeof entry === 'string') {
      // `X=$(cmd …)`: shell-quote sees `X=$` then a `(` operator; glue the substitution back.
      const next = entries[i + 1]
      if (entry.endsWith(DOLLAR) && isOp(next, '(')) {
        const { text, end } = collectSubstitution(entries, i + 1, reveal)
        current.push(reveal(entry) + text)
        i = end
        continue
      }
      current.push(reveal(entry))
      continue
    }
    if ('comment' in entry) break
    if (entry.op === 'glob') {
      current.push(reveal(entry.pattern))
      continue
    }
    if (REDIRECTIONS.has(entry.op)) {
      // Drop an fd number written before the operator (`2>&1`) and the redirection target.
      if (current.length > 1 && /^\d+$/.test(current[current.length - 1]!)) current.pop()
      i += 1
      continue
    }
    endCommand()
  }
  endCommand()
  return commands
}

type ShellEntry = ReturnType<typeof parseShell>[number]

const REDIRECTIONS = new Set(['<', '>', '>>', '>&', '<(', '>|', '<&'])

function isOp(entry: ShellEntry | undefined, op: string): boolean {
  return entry !== undefined && typeof entry === 'object' && 'op' in entry && entry.op === op
}

function collectSubstitution(
  entries: ShellEntry[],
  open: number,
  reveal: (s: string) => string
): { text: string; end: number } {
  const parts: string[] = []
  let depth = 0
  let i = open
  for (; i < entries.length; i += 1) {
    const e = entries[i]!
    if (isOp(e, '(')) {
      depth += 1
      if (depth > 1) parts.push('(')
      continue
    }
    if (isOp(e, ')')) {
      depth -= 1
      if (depth === 0) break
      parts.push(')')
      continue
    }
    if (typeof e === 'string') parts.push(reveal(e))
    else if ('op' in e) parts.push(e.op === 'glob' ? reveal(e.pattern) : e.op)
  }
  return { text: `(${parts.join(' ')})`, end: Math.min(i, entries.length - 1) }
}

/** `cmd.exe` and PowerShell tokenising (see the module doc). */
function splitWindows(line: string, syntax: 'cmd' | 'powershell'): string[][] {
  const commands: string[][] = []
  let current: string[] = []
  let word = ''
  let inWord = false
  let quote: '"' | "'" | null = null
  let skipNextWord = false
  const escape = syntax === 'cmd' ? '^' : '`'
  const pushWord = (): void => {
    if (inWord) {
      if (skipNextWord) skipNextWord = false
      else current.push(word)
    }
    word = ''
    inWord = false
  }
  const endCommand = (): void => {
    pushWord()
    if (current.length > 0) commands.push(current)
    current = []
  }
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i]!
    if (quote) {
      if (ch === quote) {
        // PowerShell doubles a quote inside a quoted string to mean the quote itself.
        if (syntax === 'powershell' && line[i + 1] === quote) {
          word += quote
          i += 1
        } else quote = null
      } else if (ch === '`' && syntax === 'powershell' && quote === '"' && i + 1 < line.length) {
        word += line[++i]
      } else word += ch
      continue
    }
    if (ch === escape && i + 1 < line.length) {
      word += line[++i]
      inWord = true
      continue
    }
    if (ch === '"' || (ch === "'" && syntax === 'powershell')) {
      quote = ch
      inWord = true
      continue
    }
    if (/\s/.test(ch)) {
      pushWord()
      continue
    }
    if (ch === '&' || ch === '|' || (ch === ';' && syntax === 'powershell')) {
      const doubled = line[i + 1] === ch && ch !== ';'
      // PowerShell `& "C:\x.exe"` is the call operator, not a separator.
      if (syntax === 'powershell' && ch === '&' && !doubled) {
        pushWord()
        continue
      }
      if (doubled) i += 1
      endCommand()
      continue
    }
    if (ch === '>' || ch === '<') {
      if (/^\d$|^\*$/.test(word)) {
        word = ''
        inWord = false
      } else pushWord()
      if (line[i + 1] === '>') i += 1
      if (line[i + 1] === '&') {
        i += 2 // `2>&1`: the target is a handle, not a word
        continue
      }
      skipNextWord = true
      continue
    }
    if ((ch === '(' || ch === ')') && !inWord) {
      endCommand()
      continue
    }
    word += ch
    inWord = true
  }
  endCommand()
  return commands.map((words) =>
    syntax === 'cmd' && words[0]?.startsWith('@') ? [words[0].slice(1), ...words.slice(1)] : words
  )
}

/**
 * First words of commands that set up the shell rather than launch anything (`cd dir && node
 * x.js` runs `node x.js`): directory changes, environment set-up, `source`/activation, `echo`.
 */
const SETUP_COMMANDS = new Set([
  'cd',
  'chdir',
  'pushd',
  'popd',
  'source',
  '.',
  'export',
  'set',
  'setx',
  'unset',
  'setlocal',
  'endlocal',
  'chcp',
  'echo',
  'title',
  'cls',
  'true',
  ':',
  'umask',
  'ulimit',
  'trap',
  'shopt',
  'alias',
  'sleep',
  'eval',
  'rem',
  'set-location',
  'sl',
  'cd..',
  '$null',
  'write-host',
  'set-item',
  'import-module'
])

/** `<tool> <subcommand>` pairs that only change the shell environment (`nvm use 20 && …`). */
const SETUP_SUBCOMMANDS: Record<string, readonly string[]> = {
  nvm: ['use', 'install'],
  fnm: ['use', 'install', 'env'],
  conda: ['activate'],
  mamba: ['activate'],
  pyenv: ['shell', 'local'],
  volta: ['install', 'pin'],
  corepack: ['enable', 'prepare']
}

/** A POSIX environment assignment word (`NAME=value`). */
export function isAssignment(word: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)
}

/**
 * Why a simple command does not launch a server (`cd`, `export`, `source venv/bin/activate`,
 * `nvm use`, a bare assignment), as a short label for notes; null when it launches something.
 * Labels never hold argument values.
 */
export function setupCommandLabel(words: readonly string[]): string | null {
  const rest = words.filter((w, i) => !(isAssignment(w) && words.slice(0, i).every(isAssignment)))
  if (rest.length === 0) return 'environment assignment'
  const first = rest[0]!
  const name = commandName(first)
  if (SETUP_COMMANDS.has(first.toLowerCase()) || SETUP_COMMANDS.has(name)) return name
  if (/^activate(?:\.bat|\.ps1|\.fish|\.csh)?$/i.test(first.split(/[\\/]/).pop() ?? '')) {
    return 'activate'
  }
  const sub = SETUP_SUBCOMMANDS[name]
  if (sub && rest[1] !== undefined && sub.includes(rest[1])) return `${name} ${rest[1]}`
  // PowerShell assignment: `$env:X = 'y'`, `$x='y'`.
  if (first.startsWith('$') && (first.includes('=') || rest[1] === '=')) return 'assignment'
  return null
}

/**
 * The first command in `commands` that launches something, skipping set-up commands (see
 * `setupCommandLabel`). When every command is set-up, the first one is returned. `skipped` lists
 * the labels of the commands passed over, in order.
 */
export function pickLaunchingCommand(commands: readonly string[][]): {
  argv: string[]
  skipped: string[]
} {
  const skipped: string[] = []
  for (const words of commands) {
    const label = setupCommandLabel(words)
    if (label === null) return { argv: [...words], skipped }
    skipped.push(label)
  }
  return { argv: [...(commands[0] ?? [])], skipped }
}

/**
 * Splitting a command line written as one string (`bash -c "…"`, `cmd /c …`, `powershell
 * -Command …`, a whole command line in `command`) into simple commands (SPEC §4 wrappers).
 *
 * - POSIX shells: `shell-quote` does the quoting rules. Variable references (`$VAR`, `${VAR}`,
 *   `$(…)`) are kept as literal text, never expanded. Unquoted newlines separate commands (a
 *   backslash-newline continues the line) and `#` comments are dropped before `shell-quote` sees
 *   the line, because it would otherwise glue the lines into one command.
 * - `cmd.exe`: double quotes, `^` escapes, `&&`, `||`, `&`, `|`, newlines (no backslash escapes,
 *   so Windows paths survive).
 * - PowerShell: single and double quotes, backtick escapes, `;`, `&&`, `||`, `|`, newlines, and
 *   the `&` call operator.
 *
 * Operators separate commands; redirections and their targets are dropped from the words. What
 * the launch analysis needs to know survives as structure: which command reads the previous
 * one's output through a pipe, the text of every process substitution (`<(…)`, `>(…)`), and the
 * files written by output redirections.
 */
import { parse as parseShell } from 'shell-quote'

/** Longest command line we split (characters); longer ones are left alone with a note. */
export const MAX_COMMAND_LINE_CHARS = 64 * 1024

/** The quoting rules of a command line. */
export type CommandLineSyntax = 'posix' | 'cmd' | 'powershell'

/** One simple command of a command line. */
export interface ShellCommand {
  /** The words as the shell passes them (quotes removed, variables not expanded). */
  words: string[]
  /** True when the command reads the previous command's output through a pipe (`a | b`). */
  pipedInto: boolean
  /**
   * Inner text of each process substitution (`<(curl …)`, `>(tee …)`) in the command, in
   * order; the word itself is kept as the placeholder `<(…)` / `>(…)`. POSIX syntax only.
   */
  processSubstitutions: string[]
  /**
   * Targets of output redirections (`> file`, `>> file`, `&> file`, `2> file`, cmd `> file`), in
   * order; duplications onto another descriptor (`2>&1`) are not targets.
   */
  redirects: string[]
}

/** Stand-in for `$` while `shell-quote` parses, so it cannot expand variables. */
const DOLLAR = '\u{F0024}'

/**
 * Split `line` into simple commands with the rules of `syntax` (see the module doc). Returns
 * null when the line is longer than `MAX_COMMAND_LINE_CHARS`. Never throws.
 */
export function parseCommandList(line: string, syntax: CommandLineSyntax): ShellCommand[] | null {
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
 * The words of each simple command of `line` (`parseCommandList` without the structure).
 * Returns null when the line is longer than `MAX_COMMAND_LINE_CHARS`. Never throws.
 */
export function splitCommandLine(line: string, syntax: CommandLineSyntax): string[][] | null {
  return parseCommandList(line, syntax)?.map((c) => c.words) ?? null
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

/** A POSIX environment assignment word (`NAME=value`). */
export function isAssignment(word: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)
}

/**
 * `line` with POSIX line structure made explicit for `shell-quote`: unquoted newlines become
 * `;` (or a space after an operator that continues the line, such as `|` or `&&`),
 * backslash-newlines are removed, `#` comments (a `#` starting a word) are dropped, and a `#`
 * inside a word is escaped (`shell-quote` would take it for a comment).
 */
function explicitLines(line: string): string {
  let out = ''
  let quote: '"' | "'" | null = null
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i]!
    if (quote === "'") {
      out += ch
      if (ch === "'") quote = null
      continue
    }
    if (quote === '"') {
      if (ch === '\\' && i + 1 < line.length) {
        out += ch + line[++i]!
        continue
      }
      out += ch
      if (ch === '"') quote = null
      continue
    }
    if (ch === '\\' && i + 1 < line.length) {
      if (line[i + 1] === '\n') i += 1
      else out += ch + line[++i]!
      continue
    }
    if (ch === "'" || ch === '"') {
      quote = ch
      out += ch
      continue
    }
    if (ch === '#') {
      if (out === '' || /[\s;&|()<>]$/.test(out)) {
        while (i + 1 < line.length && line[i + 1] !== '\n') i += 1
      } else out += '\\#' // inside a word `#` is a character; shell-quote would end the line
      continue
    }
    if (ch === '\n' || ch === '\r') {
      out += /(?:[|&;(]|^)\s*$/.test(out) ? ' ' : ';'
      continue
    }
    out += ch
  }
  return out
}

function splitPosix(line: string): ShellCommand[] {
  const hidden = explicitLines(line.replaceAll(DOLLAR, '')).replaceAll('$', DOLLAR)
  const entries = parseShell(hidden)
  const reveal = (s: string): string => s.replaceAll(DOLLAR, '$')
  const commands: ShellCommand[] = []
  let current = newCommand(false)
  const endCommand = (pipe: boolean): void => {
    if (current.words.length > 0) commands.push(current)
    current = newCommand(pipe)
  }
  for (let i = 0; i < entries.length; i += 1) {
    const entry = entries[i]!
    if (typeof entry === 'string') {
      // `X=$(cmd …)`, `$(cmd …)`: shell-quote sees `…$` then a `(` operator; glue it back.
      const next = entries[i + 1]
      if (entry.endsWith(DOLLAR) && isOp(next, '(')) {
        const { text, end } = collectParenthesised(entries, i + 1, reveal)
        current.words.push(`${reveal(entry)}(${text})`)
        i = end
        continue
      }
      current.words.push(reveal(entry))
      continue
    }
    if ('comment' in entry) continue
    if (entry.op === 'glob') {
      current.words.push(reveal(entry.pattern))
      continue
    }
    if (entry.op === '<(' || entry.op === '>(') {
      const { text, end } = collectParenthesised(entries, i, reveal)
      current.processSubstitutions.push(text)
      current.words.push(`${entry.op}…)`)
      i = end
      continue
    }
    if (REDIRECTIONS.has(entry.op)) {
      // Drop an fd number written before the operator (`2>&1`) and the redirection target; a
      // process substitution target (`> >(tee log)`) is read by the next round of the loop.
      if (current.words.length > 1 && /^\d+$/.test(current.words[current.words.length - 1]!)) {
        current.words.pop()
      }
      const target = entries[i + 1]
      if (!isOp(target, '<(') && !isOp(target, '>(')) {
        i += 1
        const duplicate =
          /&$/.test(entry.op) && typeof target === 'string' && /^(?:\d+|-)$/.test(target)
        if (OUTPUT_REDIRECTIONS.has(entry.op) && !duplicate && typeof target === 'string') {
          current.redirects.push(reveal(target))
        }
      }
      continue
    }
    endCommand(entry.op === '|' || entry.op === '|&')
  }
  endCommand(false)
  return commands
}

function newCommand(pipedInto: boolean): ShellCommand {
  return { words: [], pipedInto, processSubstitutions: [], redirects: [] }
}

type ShellEntry = ReturnType<typeof parseShell>[number]

const REDIRECTIONS = new Set(['<', '>', '>>', '>&', '>|', '<&', '<<', '<<<', '<>', '&>', '&>>'])

/** Redirections that write their target (`>&` only when the target is not a descriptor). */
const OUTPUT_REDIRECTIONS = new Set(['>', '>>', '>&', '>|', '<>', '&>', '&>>'])

function isOp(entry: ShellEntry | undefined, op: string): boolean {
  return entry !== undefined && typeof entry === 'object' && 'op' in entry && entry.op === op
}

/** Text inside the parentheses opened by the operator at `open` (`(`, `<(`, `>(`). */
function collectParenthesised(
  entries: ShellEntry[],
  open: number,
  reveal: (s: string) => string
): { text: string; end: number } {
  const parts: string[] = []
  let depth = 0
  let i = open
  for (; i < entries.length; i += 1) {
    const e = entries[i]!
    if (isOp(e, '(') || isOp(e, '<(') || isOp(e, '>(')) {
      depth += 1
      if (depth > 1) parts.push((e as { op: string }).op)
      continue
    }
    if (isOp(e, ')')) {
      depth -= 1
      if (depth === 0) break
      parts.push(')')
      continue
    }
    if (typeof e === 'string') parts.push(quoteForReparse(reveal(e)))
    else if ('op' in e) parts.push(e.op === 'glob' ? reveal(e.pattern) : e.op)
  }
  return { text: parts.join(' '), end: Math.min(i, entries.length - 1) }
}

/** A word as it could be written again for `parseCommandList` (quoted when it holds blanks). */
function quoteForReparse(word: string): string {
  return /^[^\s'"\\;&|()<>]*$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`
}

/** `cmd.exe` and PowerShell tokenising (see the module doc). */
function splitWindows(line: string, syntax: 'cmd' | 'powershell'): ShellCommand[] {
  const commands: ShellCommand[] = []
  let current = newCommand(false)
  let word = ''
  let inWord = false
  let quote: '"' | "'" | null = null
  let skipNextWord: 'input' | 'output' | null = null
  const escape = syntax === 'cmd' ? '^' : '`'
  const pushWord = (): void => {
    if (inWord) {
      if (skipNextWord === 'output') current.redirects.push(word)
      if (skipNextWord !== null) skipNextWord = null
      else current.words.push(word)
    }
    word = ''
    inWord = false
  }
  const endCommand = (pipe: boolean): void => {
    pushWord()
    if (current.words.length > 0) commands.push(current)
    current = newCommand(pipe)
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
    if (ch === '\n' || ch === '\r') {
      endCommand(false)
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
      endCommand(ch === '|' && !doubled)
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
      skipNextWord = ch === '>' ? 'output' : 'input'
      continue
    }
    if ((ch === '(' || ch === ')') && !inWord) {
      endCommand(false)
      continue
    }
    word += ch
    inWord = true
  }
  endCommand(false)
  if (syntax === 'cmd') {
    for (const c of commands) {
      if (c.words[0]?.startsWith('@')) c.words[0] = c.words[0].slice(1)
    }
  }
  return commands
}

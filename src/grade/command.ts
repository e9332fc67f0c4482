/**
 * The `command` grader (SPEC §5): runs a user-given program for each server and reads one
 * `GradeReport` JSON from its stdout.
 *
 * The program is started without a shell (`spawn`, `shell: false`) as
 * `command[0] ...command[1..] <id>`, with the identity also in the environment (`MCP_SERVER_ID`,
 * `MCP_SERVER_ECOSYSTEM`, `MCP_SERVER_NAME`, `MCP_SERVER_VERSION`, `MCP_SERVER_PURL`; empty when
 * unknown) and as one JSON object on stdin (`{id, ecosystem, name, version, pinned, purl}`).
 * The program answers either a `GradeReport` (`source` `command` or absent) or
 * `{"ungraded": "<reason>", "findings"?: [...]}`.
 *
 * The program is trusted code: it runs as the runner's user and could read what that user can
 * (another process's environment included), so it must not come from the pull request being
 * gated (the action warns when it does). What this module does is keep secrets from reaching it
 * by accident, and keep its output from leaking them (SPEC §9):
 * - its environment is allow-listed (`graderEnvironment`): `PATH`, `HOME`, `TMPDIR`/`TEMP`/`TMP`,
 *   `LANG`, `LC_*`, Windows' `SystemRoot`/`ComSpec`/`PATHEXT`, the `MCP_SERVER_*` identity, and
 *   only the variables the operator names in `passEnv`. The action's token and API key
 *   (`GITHUB_TOKEN`, `INPUT_GITHUB-TOKEN`, `INPUT_GRADER-API-KEY`, `MCP_GRADER_API_KEY`, …) and
 *   `NODE_OPTIONS` are never handed on;
 * - nothing from the config entry (env values, headers, args) is passed on;
 * - what it prints is masked before it reaches a message (`maskSecretsInText`), and values of
 *   `passEnv` variables are replaced by `***` in messages and in its answer.
 */
import { spawn } from 'node:child_process'
import { parse as shellParse, type ParseEntry } from 'shell-quote'
import { z } from 'zod'
import { maskSecretsInText } from '../config/secrets.js'
import type { Logger } from '../log.js'
import { silentLogger } from '../log.js'
import type { ResolvedServer } from '../resolve/types.js'
import {
  auditDateProblem,
  describeIssues,
  maskValues,
  maskValuesInJson,
  safeExcerpt
} from './api-answer.js'
import type { Grader } from './grader.js'
import { identityGap, serverIdentity } from './identity.js'
import { OncePerKey } from './once.js'
import { FindingSchema, GradeReportSchema, type GradeOutcome } from './report.js'

/** Default time limit per grader run (ms). */
const DEFAULT_COMMAND_TIMEOUT_MS = 60_000
/** Default cap on stdout (bytes): 5 MiB. */
const DEFAULT_MAX_OUTPUT_BYTES = 5 * 1024 * 1024
/** Default time between SIGTERM and SIGKILL (ms). */
const DEFAULT_KILL_GRACE_MS = 2_000
/** How much of stderr is kept for messages (the tail, in bytes). */
const STDERR_TAIL_BYTES = 4_096
/** Shortest `passEnv` value masked as `***` (shorter ones cannot hold a credential). */
const MIN_MASKED_VALUE_CHARS = 4

/**
 * Variables a grader program inherits from the gate's environment: what a program needs to start,
 * find a temp directory and decode text, and nothing that holds a credential. `LC_*` variables
 * are kept too. `NODE_OPTIONS` is deliberately absent (it can load code into a Node grader).
 */
const GRADER_ENV_ALLOWLIST: readonly string[] = Object.freeze([
  'PATH',
  'HOME',
  'TMPDIR',
  'TEMP',
  'TMP',
  'LANG',
  'SystemRoot',
  'ComSpec',
  'PATHEXT'
])

/** Prefix of the identity variables the gate sets itself (they cannot come from `passEnv`). */
const IDENTITY_PREFIX = 'MCP_SERVER_'

export interface CommandGraderOptions {
  /** Program and its fixed arguments, e.g. `["node", "grader.js", "--json"]`. */
  command: string[]
  /** Time limit per run in ms; default 60 000. */
  timeoutMs?: number
  /** Working directory of the program; default the gate's. */
  cwd?: string
  /**
   * Environment the program's variables are picked from (see `graderEnvironment`); default
   * `process.env`. Only the allow-listed names and `passEnv` are taken from it.
   */
  env?: NodeJS.ProcessEnv
  /**
   * Further variables to hand to the program, by name, for a grader that needs its own
   * credentials, e.g. `passEnv: ['MY_GRADER_TOKEN']`. Names absent from the environment are
   * skipped. Their values (4+ characters) are replaced by `***` in messages and in the answer.
   * Name only what the grader needs: a named variable reaches the program as is.
   */
  passEnv?: string[]
  logger?: Logger
  /** Largest stdout accepted, in bytes; default 5 MiB. */
  maxOutputBytes?: number
  /** Wait between SIGTERM and SIGKILL when stopping the program, in ms; default 2 000. */
  killGraceMs?: number
  /** The gate's clock, to check the answer's `auditedAt` (`auditDateProblem`); default now. */
  now?: () => Date
}

/** What the grader program is told about the server (stdin JSON; SPEC §5). */
interface CommandGraderInput {
  id: string
  ecosystem: string
  name: string | null
  version: string | null
  pinned: boolean
  purl: string | null
}

/**
 * Create the `command` grader (`source: 'command'`). Each identity is graded once per grader
 * instance (once per run); servers without an identity are `ungraded` without running anything.
 * Outcomes: a valid report → `graded`; `{"ungraded": reason}` → `ungraded`; time limit (SIGTERM,
 * then SIGKILL after `killGraceMs`, to the whole process group on POSIX), stdout over the cap,
 * a non-zero exit (with a short stderr tail), a start failure, or any other stdout → `error`.
 * The program's environment is `graderEnvironment(env, passEnv, identity)`; error messages hold a
 * masked stderr tail (`maskSecretsInText`, `passEnv` values as `***`).
 * @throws TypeError when `command` is empty or its program is an empty string, when
 *   `timeoutMs` / `maxOutputBytes` / `killGraceMs` is not a positive number, or when a `passEnv`
 *   name is empty, holds `=`, whitespace or NUL, or starts with `MCP_SERVER_`.
 */
export function createCommandGrader(options: CommandGraderOptions): Grader {
  const [first, ...fixedArgs] = options.command
  if (first === undefined || first.trim() === '') {
    throw new TypeError('the grader command is empty: give a program to run, e.g. node grader.js')
  }
  const program: string = first
  const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS
  for (const [name, value] of [
    ['timeoutMs', timeoutMs],
    ['maxOutputBytes', maxOutputBytes],
    ['killGraceMs', killGraceMs]
  ] as const) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new TypeError(`the grader command ${name} must be a positive number`)
    }
  }
  const passEnv = checkPassEnv(options.passEnv ?? [])
  const logger = options.logger ?? silentLogger
  const now = options.now ?? (() => new Date())
  const once = new OncePerKey<GradeOutcome>()

  async function run(id: string, server: ResolvedServer): Promise<GradeOutcome> {
    const pkg = server.package
    const input: CommandGraderInput = {
      id,
      ecosystem: pkg.ecosystem,
      // A remote "name" is its URL; hand over the sanitised identity, not the URL as written.
      name: pkg.ecosystem === 'remote' ? id : pkg.name,
      version: pkg.version,
      pinned: pkg.pinned,
      purl: pkg.purl
    }
    logger.debug(`running the grader command ${safeExcerpt(program, 100)} for ${id}`)
    const env = graderEnvironment(options.env ?? process.env, passEnv, {
      MCP_SERVER_ID: id,
      MCP_SERVER_ECOSYSTEM: input.ecosystem,
      MCP_SERVER_NAME: input.name ?? '',
      MCP_SERVER_VERSION: input.version ?? '',
      MCP_SERVER_PURL: input.purl ?? ''
    })
    const passed = passedValues(env, passEnv)
    const result = await runProcess(program, [...fixedArgs, id], {
      cwd: options.cwd,
      env,
      stdin: `${JSON.stringify(input)}\n`,
      timeoutMs,
      maxOutputBytes,
      killGraceMs
    })
    const outcome = outcomeOf(result, { timeoutMs, maxOutputBytes }, passed, now())
    if (outcome.kind === 'error') logger.debug(`grader command for ${id}: ${outcome.message}`)
    return outcome
  }

  return {
    source: 'command',
    grade(server: ResolvedServer): Promise<GradeOutcome> {
      const id = serverIdentity(server)
      if (id === null) {
        const reason = identityGap(server) ?? 'nothing a grader command can look up'
        return Promise.resolve({ kind: 'ungraded', reason })
      }
      return once.get(id, () => run(id, server))
    }
  }
}

/**
 * The environment of one grader run: from `base`, only the variables named in
 * `GRADER_ENV_ALLOWLIST`, those starting with `LC_`, and those named in `passEnv`, with their
 * spelling kept; then `identity` (the `MCP_SERVER_*` variables) on top. Undefined values are
 * dropped. Names compare case-insensitively on Windows (where `Path` is `PATH`) and exactly
 * elsewhere. Pure: reads nothing but its arguments.
 */
export function graderEnvironment(
  base: NodeJS.ProcessEnv,
  passEnv: readonly string[],
  identity: Readonly<Record<string, string>>,
  platform: NodeJS.Platform = process.platform
): Record<string, string> {
  const fold = platform === 'win32' ? (name: string) => name.toUpperCase() : (name: string) => name
  const wanted = new Set([...GRADER_ENV_ALLOWLIST, ...passEnv].map(fold))
  const localePrefix = fold('LC_')
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined) continue
    const key = fold(name)
    if (wanted.has(key) || key.startsWith(localePrefix)) env[name] = value
  }
  return { ...env, ...identity }
}

/**
 * Validate `passEnv` names: non-empty, without `=`, whitespace or NUL (they could not name one
 * variable), and not `MCP_SERVER_*` (the gate sets those).
 * @throws TypeError naming the bad entry and what to do.
 */
function checkPassEnv(names: readonly string[]): string[] {
  for (const name of names) {
    if (typeof name !== 'string' || !/^[^=\s\0]+$/.test(name)) {
      throw new TypeError(
        `the grader command passEnv entry "${safeExcerpt(String(name), 60)}" is not a variable name: give names such as MY_GRADER_TOKEN`
      )
    }
    if (name.toUpperCase().startsWith(IDENTITY_PREFIX)) {
      throw new TypeError(
        `the grader command passEnv entry ${safeExcerpt(name, 60)} is one of the ${IDENTITY_PREFIX}* variables the gate sets itself: remove it`
      )
    }
  }
  return [...names]
}

/**
 * Values of the `passEnv` variables in `env` that are long enough to mask, longest first (so a
 * value containing another is replaced whole).
 */
function passedValues(env: Record<string, string>, passEnv: readonly string[]): string[] {
  const fold =
    process.platform === 'win32' ? (name: string) => name.toUpperCase() : (name: string) => name
  const names = new Set(passEnv.map(fold))
  const values = new Set<string>()
  for (const [name, value] of Object.entries(env)) {
    if (names.has(fold(name)) && value.length >= MIN_MASKED_VALUE_CHARS) values.add(value)
  }
  return [...values].sort((a, b) => b.length - a.length)
}

/** Program output for a message: passed values as `***`, then known token shapes masked. */
function maskOutput(text: string, passed: readonly string[]): string {
  return maskSecretsInText(maskValues(text, passed))
}

/** How one run of the grader program ended. */
type ProcessResult =
  | {
      kind: 'exited'
      code: number | null
      signal: string | null
      stdout: Buffer
      /** The last `STDERR_TAIL_BYTES` of stderr, from a line start when it was cut. */
      stderr: string
    }
  | { kind: 'timeout' }
  | { kind: 'too-large' }
  | { kind: 'spawn-failed'; message: string }

interface ProcessOptions {
  cwd: string | undefined
  env: NodeJS.ProcessEnv
  stdin: string
  timeoutMs: number
  maxOutputBytes: number
  killGraceMs: number
}

/**
 * Run `program args` without a shell, feed `stdin`, collect stdout (up to the cap) and the tail
 * of stderr. Never rejects. On the time limit or the cap, the process (its group on POSIX) gets
 * SIGTERM, then SIGKILL after `killGraceMs`.
 */
function runProcess(
  program: string,
  args: string[],
  options: ProcessOptions
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    let settled = false
    const settle = (result: ProcessResult): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(result)
    }
    // Own process group on POSIX, so a wrapper's children are killed with it.
    const ownGroup = process.platform !== 'win32'
    let child: ReturnType<typeof spawn>
    try {
      child = spawn(program, args, {
        shell: false,
        cwd: options.cwd,
        env: options.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: ownGroup,
        windowsHide: true
      })
    } catch (error) {
      resolve({ kind: 'spawn-failed', message: errorText(error) })
      return
    }

    let killTimer: NodeJS.Timeout | undefined
    const signal = (name: NodeJS.Signals): void => {
      try {
        if (ownGroup && child.pid !== undefined) process.kill(-child.pid, name)
        else child.kill(name)
      } catch {
        child.kill(name)
      }
    }
    const stop = (): void => {
      signal('SIGTERM')
      killTimer ??= setTimeout(() => signal('SIGKILL'), options.killGraceMs)
    }

    const timer = setTimeout(() => {
      stop()
      settle({ kind: 'timeout' })
    }, options.timeoutMs)

    const stdout: Buffer[] = []
    let stdoutBytes = 0
    child.stdout?.on('data', (chunk: Buffer) => {
      if (settled) return
      stdoutBytes += chunk.byteLength
      if (stdoutBytes > options.maxOutputBytes) {
        stop()
        settle({ kind: 'too-large' })
        return
      }
      stdout.push(chunk)
    })
    let stderr = Buffer.alloc(0)
    let stderrCut = false
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = Buffer.concat([stderr, chunk])
      if (stderr.byteLength > STDERR_TAIL_BYTES) {
        stderr = stderr.subarray(-STDERR_TAIL_BYTES)
        stderrCut = true
      }
    })
    // The program may exit without reading stdin (EPIPE): that is its right, not an error.
    child.stdin?.on('error', () => undefined)
    child.stdin?.end(options.stdin)

    child.on('error', (error) => {
      settle({ kind: 'spawn-failed', message: errorText(error) })
    })
    child.on('close', (code, sig) => {
      if (killTimer !== undefined) clearTimeout(killTimer)
      settle({
        kind: 'exited',
        code,
        signal: sig,
        stdout: Buffer.concat(stdout),
        stderr: stderrCut ? fromLineStart(stderr.toString('utf8')) : stderr.toString('utf8')
      })
    })
  })
}

/**
 * A cut stderr tail without its first, partial line: a token cut in half would no longer be
 * recognised by the masking, and its visible half could still be a secret.
 */
function fromLineStart(tail: string): string {
  const newline = tail.indexOf('\n')
  return newline === -1 ? '' : tail.slice(newline + 1)
}

/** The answer a grader program may print instead of a report. */
const UngradedAnswerSchema = z.looseObject({
  ungraded: z.string().trim().min(1, 'expected a non-empty reason').max(1000),
  findings: z.array(FindingSchema).max(10000).optional()
})

/**
 * Map a process result to a `GradeOutcome` (see `createCommandGrader`). Program output that
 * reaches a message is masked (`maskOutput`); `passed` values are masked in the answer too. A
 * report whose `auditedAt` cannot be true at `now` (`auditDateProblem`) is an error.
 */
function outcomeOf(
  result: ProcessResult,
  limits: { timeoutMs: number; maxOutputBytes: number },
  passed: readonly string[],
  now: Date
): GradeOutcome {
  switch (result.kind) {
    case 'timeout':
      return {
        kind: 'error',
        message: `grader command timed out after ${formatSeconds(limits.timeoutMs)}`
      }
    case 'too-large':
      return {
        kind: 'error',
        message: `grader command printed more than ${formatBytes(limits.maxOutputBytes)} on stdout`
      }
    case 'spawn-failed':
      return {
        kind: 'error',
        message: `grader command could not be started: ${safeExcerpt(maskOutput(result.message, passed), 200)}`
      }
    case 'exited':
      break
  }
  if (result.code !== 0) {
    const how =
      result.code === null
        ? `was killed by ${result.signal ?? 'a signal'}`
        : `exited with code ${result.code}`
    const tail = stderrTail(maskOutput(result.stderr, passed))
    return { kind: 'error', message: `grader command ${how}${tail ? `: ${tail}` : ''}` }
  }
  const text = result.stdout.toString('utf8').trim()
  if (text === '') {
    return {
      kind: 'error',
      message: 'grader command printed nothing on stdout: it must print one GradeReport JSON'
    }
  }
  let json: unknown
  try {
    json = maskValuesInJson(JSON.parse(text), passed)
  } catch {
    return {
      kind: 'error',
      message: `grader command did not print JSON (stdout starts with "${safeExcerpt(maskOutput(text.slice(0, 4096), passed), 60)}")`
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return {
      kind: 'error',
      message: 'grader command printed JSON that is not an object: expected one GradeReport'
    }
  }
  if (Object.hasOwn(json, 'ungraded')) {
    const parsed = UngradedAnswerSchema.safeParse(json)
    if (!parsed.success) {
      return {
        kind: 'error',
        message: `grader command's "ungraded" answer is invalid: ${describeIssues(parsed.error)}`
      }
    }
    return {
      kind: 'ungraded',
      reason: safeExcerpt(maskSecretsInText(parsed.data.ungraded), 1000),
      ...(parsed.data.findings !== undefined && { findings: parsed.data.findings })
    }
  }
  const candidate = json as Record<string, unknown>
  if (candidate.source !== undefined && candidate.source !== 'command') {
    return {
      kind: 'error',
      message: 'grader command\'s report is invalid: source: expected "command" (or no source)'
    }
  }
  const parsed = GradeReportSchema.safeParse({ ...candidate, source: 'command' })
  if (!parsed.success) {
    return {
      kind: 'error',
      message: `grader command's report is invalid: ${describeIssues(parsed.error)}`
    }
  }
  const dateProblem = auditDateProblem(parsed.data.auditedAt, now, 'auditedAt')
  if (dateProblem !== null) {
    return { kind: 'error', message: `grader command's report is invalid: ${dateProblem}` }
  }
  return { kind: 'graded', report: parsed.data }
}

/** The last lines of stderr, sanitised and cut to ~300 characters. */
function stderrTail(stderr: string): string {
  const lines = stderr.trim().split(/\r?\n/).slice(-5).join(' | ')
  const flat = safeExcerpt(lines, 10_000)
  return flat.length <= 300 ? flat : `…${flat.slice(-299)}`
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MiB`
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} bytes`
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** A grader command string that cannot be used (operator, variable, comment, empty). */
export class GraderCommandSyntaxError extends Error {
  override readonly name = 'GraderCommandSyntaxError'
}

const CommandArraySchema = z
  .array(z.string(), { error: 'expected a JSON array of strings' })
  .min(1, 'expected at least the program')
  .refine(
    (argv) => argv.length === 0 || argv[0]?.trim() !== '',
    'the program (first item) is empty'
  )

/**
 * Parse the `grader-command` input / `--grader-command` flag into an argv.
 * Accepts a JSON array (`["node", "grader.js"]`) or a shell-like string split by `shell-quote`
 * (quotes and backslashes work as in POSIX sh). Nothing is expanded: globs stay literal, and
 * variable references (`$X`, `${X}`), shell operators (`|`, `;`, `&&`, `>`, …) and comments are
 * rejected, because the command runs without a shell.
 * @throws GraderCommandSyntaxError with a one-line reason (what was wrong and what to do).
 */
export function parseGraderCommand(text: string): string[] {
  const trimmed = text.trim()
  if (trimmed === '') {
    throw new GraderCommandSyntaxError('the grader command is empty: give a program to run')
  }
  if (trimmed.startsWith('[')) {
    let json: unknown
    try {
      json = JSON.parse(trimmed)
    } catch (error) {
      throw new GraderCommandSyntaxError(
        `the grader command looks like a JSON array but is not valid JSON (${errorText(error)}): write e.g. ["node", "grader.js"]`
      )
    }
    const parsed = CommandArraySchema.safeParse(json)
    if (!parsed.success) {
      throw new GraderCommandSyntaxError(
        `the grader command JSON array is invalid: ${describeIssues(parsed.error)}`
      )
    }
    return parsed.data
  }
  const variable = (name: string): { variable: string } => ({ variable: name })
  let entries: Array<ParseEntry | { variable: string }>
  try {
    entries = shellParse(trimmed, variable)
  } catch (error) {
    throw new GraderCommandSyntaxError(
      `the grader command could not be split into arguments: ${errorText(error)}`
    )
  }
  const argv: string[] = []
  for (const entry of entries) {
    if (typeof entry === 'string') argv.push(entry)
    else if ('variable' in entry) {
      throw new GraderCommandSyntaxError(
        `the grader command uses the variable $${safeExcerpt(entry.variable, 40)}, which is not ` +
          'expanded (no shell runs it): write the value, or quote it with single quotes to pass ' +
          'it literally'
      )
    } else if ('comment' in entry) {
      throw new GraderCommandSyntaxError(
        'the grader command holds a comment (#): remove it, or quote the # to pass it literally'
      )
    } else if (entry.op === 'glob') argv.push(entry.pattern)
    else {
      throw new GraderCommandSyntaxError(
        `the grader command holds the shell operator "${entry.op}", but it runs without a ` +
          'shell: put the pipeline in a script and give the script as the command'
      )
    }
  }
  if (argv.length === 0 || argv[0]!.trim() === '') {
    throw new GraderCommandSyntaxError('the grader command is empty: give a program to run')
  }
  return argv
}

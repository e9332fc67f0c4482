/**
 * The `mcp-grade-gate` command line (SPEC §8): `check`, `inventory` and `schema`, thin over
 * `gate()` / `inventory()` and the renderers.
 *
 * Exit codes: 0 = pass (warnings allowed), 1 = a server or config is blocked, 2 = unusable input
 * or usage, with a one-line reason on stderr and no stack trace.
 *
 * `check` keeps grades of exact versions in a grade cache (issue 5): `--cache-dir` (default
 * `MCP_GRADE_GATE_CACHE_DIR`, else the OS cache directory), `--cache-ttl <days>` (default 7),
 * `--no-cache`. `inventory` grades nothing and does not use it.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Command, CommanderError, Option } from 'commander'
import { gate, GRADER_KINDS, inventory, UsageError, type GraderKind } from './gate.js'
import { parseGraderCommand } from './grade/command.js'
import { defaultCacheDir } from './grade/cache/default-dir.js'
import { GradeCache } from './grade/cache/store.js'
import { cacheTtlMs, DEFAULT_CACHE_TTL_DAYS, parseCacheTtlDays } from './grade/cache/ttl.js'
import type { Logger } from './log.js'
import type { FetchLike } from './net/http.js'
import { parseCount, parseSeconds, splitList } from './input-values.js'
import { SCHEMAS } from './schemas.js'
import {
  renderInventoryCsv,
  renderInventoryTable,
  toInventoryJson,
  unregistrableServers
} from './report/inventory.js'
import { refreshRegistry } from './registry-refresh.js'
import { toJsonReport } from './report/json.js'
import { buildReportModel } from './report/model.js'
import { sarifText } from './report/sarif.js'
import { renderSummary } from './report/summary.js'
import { renderTable } from './report/table.js'
import { TOOL_NAME, TOOL_VERSION } from './version.js'

/** What the CLI talks to; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: NodeJS.ProcessEnv
  cwd: string
  /** `fetch` for every HTTP request (tests). */
  fetch?: FetchLike
  /** Whether stdout is a terminal (colours in the table). */
  isTty?: boolean
}

const defaultIo = (): CliIo => ({
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
  isTty: process.stdout.isTTY
})

/**
 * Run the CLI with `argv` (without `node` and the script path).
 * @returns the exit code (0, 1 or 2; see the module doc). Never throws.
 */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let exitCode = 0
  const program = buildProgram(io, (code) => {
    exitCode = code
  })
  try {
    await program.parseAsync(argv, { from: 'user' })
    return exitCode
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version output are successes; everything else is a usage error.
      return error.exitCode === 0 ? 0 : 2
    }
    io.stderr(`${TOOL_NAME}: error: ${oneLine(error)}\n`)
    if (io.env.MCP_GRADE_GATE_DEBUG && error instanceof Error && error.stack) {
      io.stderr(`${error.stack}\n`)
    }
    return 2
  }
}

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command()
    .name(TOOL_NAME)
    .description('Grade the MCP servers that MCP client configs launch, and gate them by policy.')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (t) => io.stdout(t),
      writeErr: (t) => io.stderr(t)
    })
    .showHelpAfterError('(run with --help for usage)')

  const common = (cmd: Command): Command =>
    cmd
      .argument('[paths...]', 'config files or directories to search (default: .)')
      .option(
        '--config-paths <globs>',
        'comma- or newline-separated glob patterns replacing the default config file names'
      )
      .option('--npm-registry <url>', 'npm registry base URL', io.env.MCP_NPM_REGISTRY)
      .option('--pypi-url <url>', 'PyPI base URL (JSON API)', io.env.MCP_PYPI_URL)
      .option('-o, --output <file>', 'write the report to a file instead of stdout')
      .option('--timeout <seconds>', 'per-request network timeout in seconds', '15')
      .option(
        '--retries <count>',
        'retries of a failed network request (0 fails fast)',
        io.env.MCP_HTTP_RETRIES ?? '3'
      )
      .option('-v, --verbose', 'print progress to stderr')

  common(
    program
      .command('check')
      .description('grade every server and apply the policy; exit 1 when one is blocked')
      .option(
        '-e, --environment <name>',
        'policy environment (production, staging, development, ci, …)'
      )
      .option('--policy <file>', 'policy file (default: .github/mcp-policy.{json,jsonc,yml,yaml})')
      .option('--registry <file>', 'approved-server registry (default: .github/mcp-registry.*)')
      .option('--exceptions <file>', 'exceptions file (default: .github/mcp-exceptions.*)')
      .option(
        '--update-registry <file>',
        'after grading, write fresh current_grade and audit_date into this registry file'
      )
      .option('--min-grade <letter>', 'minimum overall grade, overriding the environment')
      .option('--sub-score-floors <list>', 'per-axis floors, e.g. "security=85,credentials=B"')
      .addOption(
        new Option('--grader <kind>', 'which grader grades')
          .choices(GRADER_KINDS)
          .default('builtin')
      )
      .option('--grader-url <url>', 'grading service base URL (api grader)', io.env.MCP_GRADER_URL)
      .option(
        '--grader-command <command>',
        'grader command (command grader), as a JSON array or a command line without shell operators'
      )
      .option('--grader-timeout <seconds>', 'time limit for one grader command run', '60')
      .option(
        '--grader-pass-env <names>',
        'comma-separated environment variables the grader command may see (it gets no others)'
      )
      .option(
        '--advisory-url <url>',
        'OSV API base URL for known advisories (builtin grader); "off" sends nothing',
        io.env.MCP_ADVISORY_URL
      )
      .option(
        '--advisory-db <path>',
        'local OSV database: a directory or .zip of OSV JSON records (replaces the OSV API)',
        io.env.MCP_ADVISORY_DB
      )
      .option('--base-branch <name>', 'base branch, for policy rules on branches')
      .option('--today <YYYY-MM-DD>', 'the date used for dates in the policy (UTC)')
      .option(
        '--cache-dir <dir>',
        'grade cache directory (env MCP_GRADE_GATE_CACHE_DIR)',
        defaultCacheDir(io.env)
      )
      .option(
        '--cache-ttl <days>',
        'days a cached grade is reused (new advisories are picked up after it)',
        String(DEFAULT_CACHE_TTL_DAYS)
      )
      .option('--no-cache', 'grade everything afresh, without reading or writing the grade cache')
      .addOption(
        new Option('-f, --format <format>', 'output format')
          .choices(['table', 'json', 'markdown', 'sarif'])
          .default('table')
      )
  ).action(async (paths: string[], opts: CheckFlags) => {
    const logger = cliLogger(io, opts.verbose === true)
    const cache = gradeCacheOf(io, opts, logger)
    const run = await gate({
      paths,
      cwd: io.cwd,
      configPatterns: patternList(opts.configPaths),
      npmRegistry: opts.npmRegistry,
      pypiUrl: opts.pypiUrl,
      httpTimeoutMs: parseSeconds(opts.timeout, '--timeout'),
      httpRetries: parseCount(opts.retries, '--retries'),
      fetch: io.fetch,
      logger,
      grader: opts.grader,
      advisoryUrl: opts.advisoryUrl,
      advisoryDb: opts.advisoryDb,
      graderUrl: opts.graderUrl,
      graderApiKey: io.env.MCP_GRADER_API_KEY,
      graderCommand: opts.graderCommand ? parseCommandFlag(opts.graderCommand) : undefined,
      graderTimeoutMs: parseSeconds(opts.graderTimeout, '--grader-timeout'),
      graderPassEnv: splitList(opts.graderPassEnv),
      policyPath: opts.policy,
      registryPath: opts.registry,
      exceptionsPath: opts.exceptions,
      environment: opts.environment,
      minGrade: opts.minGrade,
      subScoreFloors: opts.subScoreFloors,
      baseBranch: opts.baseBranch,
      today: opts.today,
      cache
    })
    const model = buildReportModel(run)
    const text =
      opts.format === 'json'
        ? `${JSON.stringify(toJsonReport(run), null, 2)}\n`
        : opts.format === 'markdown'
          ? renderSummary(model)
          : opts.format === 'sarif'
            ? sarifText(model)
            : renderTable(model, { color: io.isTty === true && !opts.output && !io.env.NO_COLOR })
    await emit(io, text, opts.output)
    if (opts.updateRegistry) {
      const file = path.resolve(io.cwd, opts.updateRegistry)
      const { updated, notInRegistry, otherVersion } = await refreshRegistry(run, file)
      io.stderr(
        `${TOOL_NAME}: ${opts.updateRegistry}: ${updated} row(s) updated` +
          (notInRegistry > 0 ? `, ${notInRegistry} graded server(s) not in it` : '') +
          (otherVersion > 0
            ? `, ${otherVersion} graded server(s) left alone: their rows approve another version (add a row for the version that runs)`
            : '') +
          '\n'
      )
    }
    setExit(run.verdict === 'fail' ? 1 : 0)
  })

  common(
    program
      .command('inventory')
      .description('list every server with its identity, version and pin status, without grading')
      .option('--offline', 'do not ask the npm registry (unpinned versions stay unresolved)')
      .option('-e, --environment <name>', 'policy environment, for how severe UNPINNED is')
      .option('--policy <file>', 'policy file (default: .github/mcp-policy.{json,jsonc,yml,yaml})')
      .addOption(
        new Option('-f, --format <format>', 'output format')
          .choices(['table', 'json', 'csv'])
          .default('table')
      )
  ).action(async (paths: string[], opts: InventoryFlags) => {
    const run = await inventory({
      paths,
      cwd: io.cwd,
      configPatterns: patternList(opts.configPaths),
      npmRegistry: opts.npmRegistry,
      pypiUrl: opts.pypiUrl,
      httpTimeoutMs: parseSeconds(opts.timeout, '--timeout'),
      httpRetries: parseCount(opts.retries, '--retries'),
      fetch: io.fetch,
      logger: cliLogger(io, opts.verbose === true),
      offline: opts.offline === true,
      environment: opts.environment,
      policyPath: opts.policy
    })
    const text =
      opts.format === 'json'
        ? `${JSON.stringify(toInventoryJson(run), null, 2)}\n`
        : opts.format === 'csv'
          ? renderInventoryCsv(run)
          : renderInventoryTable(run)
    if (opts.format === 'csv') {
      const left = unregistrableServers(run)
      if (left.length > 0) {
        io.stderr(
          `warning: ${left.length} server(s) have no identity a registry row can name and are not in the CSV: ${left.join(', ')}\n`
        )
      }
    }
    await emit(io, text, opts.output)
    setExit(0)
  })

  program
    .command('schema')
    .description(`print a JSON Schema (${Object.keys(SCHEMAS).join(', ')}) or write them all`)
    .argument('[name]', 'which schema to print')
    .option('--write <dir>', 'write every schema to <dir>/<name>.schema.json')
    .action(async (name: string | undefined, opts: { write?: string }) => {
      if (opts.write) {
        const dir = path.resolve(io.cwd, opts.write)
        await mkdir(dir, { recursive: true })
        for (const [key, make] of Object.entries(SCHEMAS)) {
          await writeFile(
            path.join(dir, `${key}.schema.json`),
            `${JSON.stringify(make(), null, 2)}\n`
          )
        }
        return
      }
      const make = name ? SCHEMAS[name] : undefined
      if (!make) {
        throw new UsageError(`name a schema: ${Object.keys(SCHEMAS).join(', ')}`)
      }
      io.stdout(`${JSON.stringify(make(), null, 2)}\n`)
    })

  return program
}

interface CommonFlags {
  configPaths?: string
  retries: string
  npmRegistry?: string
  pypiUrl?: string
  output?: string
  timeout: string
  verbose?: boolean
}

interface CheckFlags extends CommonFlags {
  environment?: string
  policy?: string
  registry?: string
  exceptions?: string
  updateRegistry?: string
  minGrade?: string
  subScoreFloors?: string
  grader: GraderKind
  graderUrl?: string
  graderCommand?: string
  graderTimeout: string
  graderPassEnv?: string
  advisoryUrl?: string
  advisoryDb?: string
  baseBranch?: string
  today?: string
  cacheDir: string
  cacheTtl: string
  /** False with `--no-cache`. */
  cache: boolean
  format: 'table' | 'json' | 'markdown' | 'sarif'
}

interface InventoryFlags extends CommonFlags {
  offline?: boolean
  environment?: string
  policy?: string
  format: 'table' | 'json' | 'csv'
}

async function emit(io: CliIo, text: string, output: string | undefined): Promise<void> {
  if (!output) {
    io.stdout(text)
    return
  }
  const file = path.resolve(io.cwd, output)
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, text)
  io.stderr(`${TOOL_NAME}: report written to ${output}\n`)
}

function cliLogger(io: CliIo, verbose: boolean): Logger {
  return {
    debug: (m) => {
      if (verbose && io.env.MCP_GRADE_GATE_DEBUG) io.stderr(`debug: ${m}\n`)
    },
    info: (m) => {
      if (verbose) io.stderr(`${m}\n`)
    },
    warning: (m) => io.stderr(`warning: ${m}\n`)
  }
}

/**
 * The grade cache of a `check` run: null with `--no-cache`, else a `GradeCache` in `--cache-dir`
 * (relative to the working directory) with `--cache-ttl` days.
 * @throws UsageError for a `--cache-ttl` that is not a positive number of days (at most 365) or
 *   an empty `--cache-dir`.
 */
function gradeCacheOf(io: CliIo, opts: CheckFlags, logger: Logger): GradeCache | null {
  let ttlMs: number
  try {
    ttlMs = cacheTtlMs(parseCacheTtlDays(opts.cacheTtl, '--cache-ttl'))
  } catch (error) {
    throw new UsageError(oneLine(error), { cause: error })
  }
  if (!opts.cache) return null
  if (opts.cacheDir.trim() === '') {
    throw new UsageError('--cache-dir is empty: give a directory, or use --no-cache')
  }
  return new GradeCache({ dir: path.resolve(io.cwd, opts.cacheDir.trim()), ttlMs, logger })
}

function parseCommandFlag(text: string): string[] {
  try {
    return parseGraderCommand(text)
  } catch (error) {
    throw new UsageError(`--grader-command: ${oneLine(error)}`, { cause: error })
  }
}

/** Glob patterns from a comma- or newline-separated flag; undefined when none. */
function patternList(text: string | undefined): string[] | undefined {
  const items = splitList(text)
  return items.length > 0 ? items : undefined
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

/**
 * The pipeline shared by the action and the CLI (SPEC §2):
 * discover → parse → resolve → find literal secrets → grade → evaluate → `GateRun`.
 *
 * `gate()` never writes output; entry points render the `GateRun` it returns. Problems with the
 * run's own inputs (a missing path, a bad policy file, a bad `min-grade`) throw `UsageError`
 * (CLI exit 2); problems with one config or one server never throw — they become reasons.
 */
import path from 'node:path'
import pLimit from 'p-limit'
import type { ChangeInput } from './change/input.js'
import {
  baseToGrade,
  changeFacts,
  classifyChange,
  exemptFromBlocking,
  readChangedConfigs,
  runChange,
  type ClassifiedChange
} from './change/run-change.js'
import { parseChangeScope, type ChangeScope } from './change/scope.js'
import { discoverConfigs } from './config/discover.js'
import { readConfig } from './config/read.js'
import { findLiteralSecrets } from './config/secrets.js'
import type { LiteralSecret, ParsedConfig, ServerEntry } from './config/types.js'
import { createApiGrader } from './grade/api.js'
import { createBuiltinGrader } from './grade/builtin/index.js'
import { type AdvisorySetting, advisorySourceIdentity } from './grade/cache/advisory-identity.js'
import { cachedGrader } from './grade/cache/cached-grader.js'
import {
  apiGradeKey,
  builtinAssessmentKey,
  commandContext,
  commandGradeKey,
  type KeyedGradeCache
} from './grade/cache/keys.js'
import type { GradeCache } from './grade/cache/store.js'
import { createCommandGrader } from './grade/command.js'
import type { Grader } from './grade/grader.js'
import { gradeServers } from './grade/run.js'
import { checkConfigEntry } from './grade/builtin/config-rules.js'
import { createRegistryGrader } from './grade/registry.js'
import { createOsvApiSource } from './grade/builtin/advisories/osv-api.js'
import { AdvisoryDatabaseError, loadOsvDatabase } from './grade/builtin/advisories/osv-db.js'
import type { AdvisorySource } from './grade/builtin/advisories/source.js'
import type { Finding, GradeLetter, GradeReport } from './grade/report.js'
import { silentLogger, type Logger } from './log.js'
import { Budget, HttpClient, type FetchLike } from './net/http.js'
import { evaluateServer, runVerdict } from './policy/evaluate.js'
import { parseMinGrade, parseSubScoreFloors, PolicyInputError } from './policy/inputs.js'
import {
  findPolicyFile,
  loadPolicyFile,
  parsePolicyText,
  PolicyFileError,
  type PolicyFile
} from './policy/load.js'
import { DEFAULT_SCALE, type GradeScale } from './policy/grades.js'
import { literalSecretReasons, pinningReason } from './policy/config-checks.js'
import { configRiskReasons } from './policy/config-risk.js'
import { LocatedFileError } from './policy/errors.js'
import {
  findExceptionsFile,
  loadExceptionsFile,
  parseExceptionsText
} from './policy/exceptions-file.js'
import type { ExceptionsFile, RegistryFile } from './policy/records.js'
import { findRegistryFile, loadRegistryFile, parseRegistryText } from './policy/registry-file.js'
import { createPolicyResolver } from './policy/resolve.js'
import type { ServerResult } from './policy/result.js'
import type { EffectivePolicy } from './policy/types.js'
import type { InventoryRun } from './report/inventory.js'
import type { GateRun } from './report/run.js'
import { NpmRegistryClient } from './resolve/npm-registry.js'
import type { ResolvedServer } from './resolve/types.js'
import { PypiClient } from './resolve/pypi-registry.js'
import { resolveServers } from './resolve/resolve.js'
import { TOOL_NAME, TOOL_VERSION } from './version.js'

/** Which grader to use (SPEC §5). */
export const GRADER_KINDS = ['builtin', 'api', 'command', 'registry'] as const
export type GraderKind = (typeof GRADER_KINDS)[number]

/** The run's inputs could not be used (a missing path, a bad policy file, a bad flag value). */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** Options shared by `gate()` and `inventory()`. */
export interface ScanOptions {
  /** Files or directories to gate; directories are searched for config files (SPEC §3). */
  paths: string[]
  /** Workspace root: paths in reports are relative to it. */
  cwd: string
  /** Glob patterns replacing the default config file names (`config-paths` input). */
  configPatterns?: string[]
  /** npm registry base URL (default https://registry.npmjs.org). */
  npmRegistry?: string
  /** PyPI base URL, JSON API (default https://pypi.org). */
  pypiUrl?: string
  /** Per-request timeout in ms (default 15 000). */
  httpTimeoutMs?: number
  /**
   * Retries of a failed request (network error, 408/425/429/5xx) after the first attempt
   * (default 3, with exponential backoff and `Retry-After`); 0 fails fast.
   */
  httpRetries?: number
  /** Total network time budget for the run in ms (default 300 000). */
  budgetMs?: number
  /** Parallel registry lookups (default 8) and grader runs (default 4); a positive integer. */
  concurrency?: number
  /** `fetch` for every HTTP request (tests inject one). */
  fetch?: FetchLike
  logger?: Logger
}

/** Policy options (strings as a user typed them; validated by `gate`/`inventory`). */
export interface PolicyOptions {
  /** Policy file path; undefined → look for `.github/mcp-policy.{json,jsonc,yml,yaml}` in `cwd`. */
  policyPath?: string
  /**
   * The policy file's text from somewhere other than the workspace (the action reads it from the
   * pull request's base branch); `text: null` means there is no policy file there (defaults).
   * When given, `policyPath` and the workspace are not read.
   */
  policyDocument?: { path: string; text: string | null }
  /** Registry file path; undefined → look for `.github/mcp-registry.{csv,json,yml,yaml}`. */
  registryPath?: string
  /** The registry's text from elsewhere (the base branch); `text: null`: no registry there. */
  registryDocument?: { path: string; text: string | null }
  /** Exceptions file path; undefined → look for `.github/mcp-exceptions.{json,yml,yaml}`. */
  exceptionsPath?: string
  /** The exceptions file's text from elsewhere (the base branch); `text: null`: none there. */
  exceptionsDocument?: { path: string; text: string | null }
  environment?: string
  minGrade?: string
  subScoreFloors?: string
  /** Base branch of the pull request, for policy rules on branches. */
  baseBranch?: string
}

/** Options of `gate()`. Strings are as a user typed them (inputs/flags); `gate` validates them. */
export interface GateOptions extends ScanOptions, PolicyOptions {
  /**
   * The change under review (a pull request): gate only these config files, classify every
   * server against its base version, and call out grades that went down. `paths` and
   * `configPatterns` are then not searched.
   */
  change?: ChangeInput
  /**
   * With `change`: `all` (default: every server of a changed file can block) or `changed`
   * (servers the change leaves as they were are reported but do not block). Ignored without it.
   */
  scope?: string
  grader?: GraderKind
  /** Grading service base URL (`api` grader). */
  graderUrl?: string
  /** Grading service API key (`api` grader); never logged. */
  graderApiKey?: string
  /** Grader command as argv (`command` grader). */
  graderCommand?: string[]
  /** Time limit for one grader command run, ms (default 60 000). */
  graderTimeoutMs?: number
  /**
   * Environment variables the grader command may see besides its identity variables (it gets
   * no other environment: the runner's tokens stay out of it).
   */
  graderPassEnv?: string[]
  /**
   * OSV API base URL for the built-in grader's advisory lookup (default `https://api.osv.dev`);
   * `off` sends nothing. Ignored when `advisoryDb` is given.
   */
  advisoryUrl?: string
  /** Local OSV database (a directory or `.zip` of OSV JSON records), relative to `cwd`. */
  advisoryDb?: string
  /** The date (`YYYY-MM-DD`, UTC) used for dates in the policy; default today. */
  today?: string
  /** Clock (tests). */
  now?: () => Date
  /**
   * Grade cache (issue 5): grades of exact npm/PyPI versions kept between runs — the built-in
   * grader's package assessments, the `api` and `command` graders' graded reports (not the
   * `registry` grader's). Pinned versions it holds are not looked up on the registry. Null or
   * absent: no cache. Its `stats` tell the caller what it did (the action saves it only when
   * `writes > 0`).
   */
  cache?: GradeCache | null
}

/**
 * Run the whole gate.
 * @returns the `GateRun` (every config, every server with its verdict and reasons).
 * @throws UsageError for unusable run inputs (see the module doc).
 */
export async function gate(options: GateOptions): Promise<GateRun> {
  const logger = options.logger ?? silentLogger
  const now = options.now ?? (() => new Date())
  const startedAt = now()
  const today = parseToday(options.today, startedAt)
  const graderKind = options.grader ?? 'builtin'
  if (!(GRADER_KINDS as readonly string[]).includes(graderKind)) {
    throw new UsageError(`unknown grader "${graderKind}": use one of ${GRADER_KINDS.join(', ')}`)
  }

  const { resolvePolicy, scale } = await loadPolicy(options)
  const records = await loadRecords(options)
  checkRegistryUrl(options.npmRegistry)
  const http = createHttpClient(options)
  const npm = new NpmRegistryClient({ http, registry: options.npmRegistry })
  checkBaseUrl(options.pypiUrl, 'the PyPI URL', 'https://pypi.org')
  const pypi = new PypiClient({
    http,
    baseUrl: nonEmpty(options.pypiUrl) ? options.pypiUrl : undefined
  })
  const advisorySetting = graderKind === 'builtin' ? advisorySettingOf(options) : null
  const advisories =
    advisorySetting === null ? null : await advisorySourceFor(advisorySetting, http, logger)
  const cache = options.cache ?? null
  // The cache bound to this grader's keys; null: no cache, or this grader's grades are not kept.
  const keyed: KeyedGradeCache | null =
    cache === null
      ? null
      : await keyedGradeCache(cache, graderKind, options, {
          npm,
          pypi,
          scale,
          advisoryIdentity: advisories?.identity ?? null
        })
  let grader: Grader
  try {
    grader = createGrader(graderKind, options, {
      http,
      npm,
      logger,
      now,
      scale,
      today,
      registry: records.registry,
      advisories: advisories?.source ?? null,
      pypi,
      assessmentCache: graderKind === 'builtin' ? keyed : null
    })
  } catch (error) {
    // Graders reject unusable options (a relative URL, an empty command) with a TypeError.
    if (error instanceof TypeError) throw new UsageError(error.message, { cause: error })
    throw error
  }
  if (keyed !== null && graderKind !== 'builtin') {
    grader = cachedGrader(grader, keyed.store, keyed.keyOf, { logger })
  }
  const statsBefore = cache?.stats

  const scope = changeScopeOf(options.scope)
  const { configs, entries } = options.change
    ? await scanChangedConfigs(options.change, options.cwd)
    : await scanConfigs(options, logger)
  if (keyed !== null && options.change) {
    // What a pull request adds or changes is graded afresh (see `GradeCache.refuseReads`).
    const proposed = proposedServers(classifyChange(options.change, configs, []))
    keyed.store.refuseReads(cacheKeysOf(proposed, keyed.keyOf))
  }
  logger.info(`Resolving ${entries.length} server(s) from ${configs.length} config file(s)`)
  const resolved = await resolveServers(entries, {
    npm,
    pypi,
    concurrency: options.concurrency,
    logger,
    knownExact:
      keyed === null
        ? undefined
        : (purl) => {
            const key = keyed.keyOf(purl)
            return key === null ? Promise.resolve(false) : keyed.store.has(key)
          }
  })
  const secrets = await findSecrets(entries)
  const configFindings = await findConfigRisks(resolved)
  const classified = options.change ? classifyChange(options.change, configs, resolved) : null
  if (keyed !== null && classified) {
    keyed.store.refuseReads(cacheKeysOf(proposedServers(classified), keyed.keyOf))
  }
  logger.info(`Grading with the ${graderKind} grader`)
  const outcomes = await gradeServers(resolved, grader, {
    concurrency: options.concurrency,
    logger
  })
  const baseGrades = classified
    ? await gradeBaseVersions(resolved, classified, grader, options, logger)
    : new Map<ServerEntry, GradeReport>()
  if (cache !== null && statsBefore !== undefined) {
    logCacheUse(cache, statsBefore, keyed !== null, logger)
  }

  const servers: ServerResult[] = resolved.map((server, i) => {
    const result = evaluateServer(
      {
        server,
        outcome: outcomes[i]!,
        literalSecrets: secrets[i]!,
        configFindings: configFindings[i]!,
        registry: records.registry,
        exceptions: records.exceptions,
        today
      },
      resolvePolicy(server.entry.config)
    )
    const change = classified?.byEntry.get(server.entry)
    if (!change) return result
    const facts = changeFacts(change, scope, {
      base: baseGrades.get(server.entry) ?? null,
      head: result.grade
    })
    return { ...(facts.blocking ? result : exemptFromBlocking(result)), change: facts }
  })
  const configErrors = configs.filter((c) => c.error !== null).length
  const { verdict, counts } = runVerdict(servers, configErrors)
  return {
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    startedAt: startedAt.toISOString(),
    today,
    grader: graderKind,
    policies: distinctPolicies(servers, configs, resolvePolicy),
    registryFile: records.registry?.path ?? null,
    exceptionsFile: records.exceptions?.path ?? null,
    configs,
    servers,
    change: classified ? runChange(scope, classified.configs) : null,
    verdict,
    counts
  }
}

/** Options of `inventory()`. The policy options only decide how severe `UNPINNED` is. */
export interface InventoryOptions extends ScanOptions, PolicyOptions {
  /** Do not ask the npm registry: unpinned versions stay unresolved. */
  offline?: boolean
}

/**
 * List every server of every config with its identity and config-level reasons (`UNPINNED`,
 * `LITERAL_SECRET`, `CONFIG_RISK`), without grading (SPEC §8 `inventory`). `UNPINNED` is an error where the
 * server's environment requires pinning, else a warning.
 * @throws UsageError when a path does not exist or the policy file is unusable.
 */
export async function inventory(options: InventoryOptions): Promise<InventoryRun> {
  const logger = options.logger ?? silentLogger
  const { resolvePolicy } = await loadPolicy(options)
  checkRegistryUrl(options.npmRegistry)
  const { configs, entries } = await scanConfigs(options, logger)
  checkBaseUrl(options.pypiUrl, 'the PyPI URL', 'https://pypi.org')
  const http = options.offline ? null : createHttpClient(options)
  const npm = http && new NpmRegistryClient({ http, registry: options.npmRegistry })
  const pypi =
    http &&
    new PypiClient({ http, baseUrl: nonEmpty(options.pypiUrl) ? options.pypiUrl : undefined })
  const resolved = await resolveServers(entries, {
    npm,
    pypi,
    concurrency: options.concurrency,
    logger
  })
  const secrets = await findSecrets(entries)
  const risks = await findConfigRisks(resolved)
  return {
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    configs,
    servers: resolved.map((server, i) => {
      const policy = resolvePolicy(server.entry.config)
      const unpinned = pinningReason(server, policy)
      return {
        server,
        reasons: [
          ...literalSecretReasons(server, secrets[i]!),
          ...configRiskReasons(server, risks[i]!, policy),
          ...(unpinned ? [unpinned] : [])
        ]
      }
    })
  }
}

async function loadPolicy(options: PolicyOptions & { cwd: string }): Promise<{
  resolvePolicy: (configPath: string) => EffectivePolicy
  scale: GradeScale
}> {
  let file: PolicyFile | null = null
  let policyPath: string | null = null
  try {
    if (options.policyDocument) {
      policyPath = options.policyDocument.text === null ? null : options.policyDocument.path
      if (options.policyDocument.text !== null) {
        file = parsePolicyText(options.policyDocument.text, options.policyDocument.path)
      }
    } else {
      policyPath = options.policyPath
        ? relativeToProcess(path.resolve(options.cwd, options.policyPath))
        : await findPolicyFile(options.cwd)
      if (policyPath) file = await loadPolicyFile(policyPath)
    }
    const minGrade: GradeLetter | undefined = nonEmpty(options.minGrade)
      ? parseMinGrade(options.minGrade!)
      : undefined
    const scale = file?.scale ?? DEFAULT_SCALE
    const subScoreFloors = nonEmpty(options.subScoreFloors)
      ? parseSubScoreFloors(options.subScoreFloors!, scale)
      : undefined
    const resolvePolicy = createPolicyResolver({
      file,
      policyPath,
      environment: nonEmpty(options.environment) ? options.environment!.trim() : undefined,
      minGrade,
      subScoreFloors,
      baseBranch: nonEmpty(options.baseBranch) ? options.baseBranch : undefined
    })
    return { resolvePolicy, scale }
  } catch (error) {
    if (error instanceof PolicyFileError) {
      throw new UsageError(error.message, { cause: error })
    }
    if (error instanceof PolicyInputError) throw new UsageError(error.message, { cause: error })
    if (isNotFound(error)) {
      throw new UsageError(`policy file not found: ${policyPath ?? options.policyPath ?? ''}`, {
        cause: error
      })
    }
    throw error
  }
}

/** The organisation's records (SPEC §7) of a run: registry and exceptions, each maybe absent. */
interface Records {
  registry: RegistryFile | null
  exceptions: ExceptionsFile | null
}

/**
 * Load the registry and exceptions files: from the given documents (base branch), else the given
 * paths, else the default names in `cwd`.
 * @throws UsageError naming file:line:column for a file that cannot be used.
 */
async function loadRecords(options: GateOptions): Promise<Records> {
  try {
    return {
      registry: await loadRecord(
        options.registryDocument,
        options.registryPath,
        options.cwd,
        parseRegistryText,
        loadRegistryFile,
        findRegistryFile
      ),
      exceptions: await loadRecord(
        options.exceptionsDocument,
        options.exceptionsPath,
        options.cwd,
        parseExceptionsText,
        loadExceptionsFile,
        findExceptionsFile
      )
    }
  } catch (error) {
    if (error instanceof LocatedFileError) throw new UsageError(error.message, { cause: error })
    throw error
  }
}

async function loadRecord<T>(
  document: { path: string; text: string | null } | undefined,
  given: string | undefined,
  cwd: string,
  parse: (text: string, path: string) => T,
  load: (path: string) => Promise<T>,
  find: (cwd: string) => Promise<string | null>
): Promise<T | null> {
  if (document) return document.text === null ? null : parse(document.text, document.path)
  const file = nonEmpty(given) ? path.resolve(cwd, given!) : await find(cwd)
  // Shown in every message and report: relative to the workspace, not a runner's absolute path.
  return file ? load(relativeToProcess(path.resolve(file))) : null
}

async function scanConfigs(
  options: ScanOptions,
  logger: Logger
): Promise<{ configs: ParsedConfig[]; entries: ServerEntry[] }> {
  let files
  try {
    files = await discoverConfigs(options.paths.length > 0 ? options.paths : ['.'], {
      cwd: options.cwd,
      patterns: options.configPatterns
    })
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error })
  }
  if (files.length === 0) logger.warning('No MCP config files found.')
  const limit = pLimit(16)
  const configs = await Promise.all(files.map((f) => limit(() => readConfig(f))))
  return { configs, entries: configs.flatMap((c) => c.servers) }
}

/** The servers a change adds or changes (their head side). */
function proposedServers(classified: ClassifiedChange): ResolvedServer[] {
  return [...classified.byEntry.values()].flatMap((c) =>
    (c.kind === 'added' || c.kind === 'changed') && c.head ? [c.head] : []
  )
}

/** The cache keys of the servers' exact versions (servers without one have none). */
function cacheKeysOf(
  servers: readonly ResolvedServer[],
  keyOf: (purl: string) => string | null
): string[] {
  return servers.flatMap((s) => {
    const key = s.package.purl ? keyOf(s.package.purl) : null
    return key === null ? [] : [key]
  })
}

/** The configs of a change (`readChangedConfigs`) and their server entries. */
async function scanChangedConfigs(
  change: ChangeInput,
  cwd: string
): Promise<{ configs: ParsedConfig[]; entries: ServerEntry[] }> {
  const configs = await readChangedConfigs(change, cwd)
  return { configs, entries: configs.flatMap((c) => c.servers) }
}

/** `scope` as typed (`all` when absent). @throws UsageError for another value. */
function changeScopeOf(text: string | undefined): ChangeScope {
  try {
    return parseChangeScope(text)
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error })
  }
}

/**
 * Grade the base version of every changed server whose base ran another exact version
 * (`baseToGrade`), with the run's grader, so a grade that went down can be called out. Only
 * `graded` outcomes count; a base that cannot be graded is simply not compared.
 * @returns the base grade by head entry.
 */
async function gradeBaseVersions(
  resolved: readonly ResolvedServer[],
  classified: ClassifiedChange,
  grader: Grader,
  options: GateOptions,
  logger: Logger
): Promise<Map<ServerEntry, GradeReport>> {
  const pairs = resolved.flatMap((server) => {
    const change = classified.byEntry.get(server.entry)
    const base = change ? baseToGrade(change) : null
    return base ? [{ entry: server.entry, base }] : []
  })
  const grades = new Map<ServerEntry, GradeReport>()
  if (pairs.length === 0) return grades
  logger.info(`Grading the base version of ${pairs.length} changed server(s) for comparison`)
  const outcomes = await gradeServers(
    pairs.map((p) => p.base),
    grader,
    { concurrency: options.concurrency, logger }
  )
  outcomes.forEach((outcome, i) => {
    if (outcome.kind === 'graded') grades.set(pairs[i]!.entry, outcome.report)
  })
  return grades
}

/** What each entry's config does (config rules), for every server whatever the grader. */
async function findConfigRisks(servers: ResolvedServer[]): Promise<Finding[][]> {
  const limit = pLimit(8)
  return Promise.all(servers.map((s) => limit(() => checkConfigEntry(s))))
}

async function findSecrets(entries: ServerEntry[]): Promise<LiteralSecret[][]> {
  const limit = pLimit(8)
  return Promise.all(entries.map((e) => limit(() => findLiteralSecrets(e))))
}

/**
 * The npm registry must be an absolute http(s) URL without credentials, query or fragment (a
 * token belongs in the environment, never in a URL that ends up in messages).
 * @throws UsageError otherwise.
 */
function checkRegistryUrl(registry: string | undefined): void {
  checkBaseUrl(registry, 'the npm registry', 'https://registry.npmjs.org')
}

/**
 * Check a service base URL a user gave (`npm-registry`, `pypi-url`, `advisory-url`): absolute
 * http(s), without credentials, query or fragment. Absent or blank is fine (the default).
 * @throws UsageError naming the setting (`what`) and an example.
 */
function checkBaseUrl(value: string | undefined, what: string, example: string): void {
  if (value === undefined || value.trim() === '') return
  let url: URL
  try {
    url = new URL(value.trim())
  } catch {
    throw new UsageError(`${what} must be an absolute URL such as ${example}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${what} must be an http(s) URL, not ${url.protocol}`)
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new UsageError(
      `${what} must not hold credentials, a query or a fragment: give the base URL only`
    )
  }
}

/**
 * Where the built-in grader looks advisories up: the local OSV database when `advisoryDb` is
 * given (relative to `cwd`), else nothing when `advisoryUrl` is `off`, else the OSV API at
 * `advisoryUrl` (default `https://api.osv.dev`).
 * @throws UsageError for a bad URL.
 */
function advisorySettingOf(options: GateOptions): AdvisorySetting {
  if (nonEmpty(options.advisoryDb)) {
    return { kind: 'osv-db', path: path.resolve(options.cwd, options.advisoryDb!.trim()) }
  }
  const url = options.advisoryUrl?.trim()
  if (url?.toLowerCase() === 'off') return { kind: 'off' }
  checkBaseUrl(url, 'advisory-url', 'https://api.osv.dev (or off)')
  return { kind: 'osv-api', baseUrl: url || undefined }
}

/**
 * The advisory source of a setting (`advisorySettingOf`) — the database read once, nothing, or
 * the OSV API — and its identity for grade cache keys (`advisorySourceIdentity`; a database's
 * is the digest made while loading it, so it is not read twice).
 * @throws UsageError for a database that cannot be read.
 */
async function advisorySourceFor(
  setting: AdvisorySetting,
  http: HttpClient,
  logger: Logger
): Promise<{ source: AdvisorySource | null; identity: string }> {
  switch (setting.kind) {
    case 'osv-db': {
      let database
      try {
        database = await loadOsvDatabase(setting.path, { logger })
      } catch (error) {
        if (error instanceof AdvisoryDatabaseError) {
          throw new UsageError(`advisory-db: ${error.message}`, { cause: error })
        }
        throw error
      }
      return {
        source: database,
        identity: advisorySourceIdentity({ kind: 'osv-db', database })
      }
    }
    case 'off':
      return { source: null, identity: advisorySourceIdentity(setting) }
    case 'osv-api':
      return {
        source: createOsvApiSource({ http, baseUrl: setting.baseUrl, logger }),
        identity: advisorySourceIdentity(setting)
      }
  }
}

/**
 * The run's grade cache bound to its grader's keys (`keys.ts`): the built-in grader's assessment
 * key (npm registry, PyPI URL, advisory source identity), the grading service's or the grader
 * command's; null when this grader's grades are not cached (`registry`: a local file; `api` or
 * `command` without a URL or command, which `createGrader` then rejects).
 */
async function keyedGradeCache(
  store: GradeCache,
  kind: GraderKind,
  options: GateOptions,
  deps: {
    npm: NpmRegistryClient
    pypi: PypiClient
    scale: GradeScale
    /** The built-in grader's advisory source identity (`advisorySourceFor`); null otherwise. */
    advisoryIdentity: string | null
  }
): Promise<KeyedGradeCache | null> {
  switch (kind) {
    case 'builtin': {
      const sources = {
        npmRegistry: deps.npm.registry,
        pypiUrl: deps.pypi.baseUrl,
        advisories: deps.advisoryIdentity ?? advisorySourceIdentity({ kind: 'off' })
      }
      return { store, keyOf: (purl) => builtinAssessmentKey(purl, sources) }
    }
    case 'api': {
      const url = options.graderUrl?.trim() ?? ''
      return url === '' ? null : { store, keyOf: (purl) => apiGradeKey(url, deps.scale, purl) }
    }
    case 'command': {
      const argv = options.graderCommand ?? []
      if (argv.length === 0) return null
      const context = await commandContext(
        argv,
        options.cwd,
        options.graderPassEnv ?? [],
        process.env
      )
      return { store, keyOf: (purl) => commandGradeKey(argv, purl, context) }
    }
    case 'registry':
      return null
  }
}

/**
 * One line (info) of what the grade cache did in this run: hits, misses and writes; or that
 * this grader does not use it (`used` false).
 */
function logCacheUse(
  cache: GradeCache,
  before: GradeCache['stats'],
  used: boolean,
  logger: Logger
): void {
  if (!used) {
    logger.info(`Grade cache ${cache.dir}: not used by this grader`)
    return
  }
  const after = cache.stats
  logger.info(
    `Grade cache ${cache.dir}: ${after.hits - before.hits} hit(s), ${after.misses - before.misses} miss(es), ${after.writes - before.writes} write(s)`
  )
}

function createHttpClient(options: ScanOptions): HttpClient {
  return new HttpClient({
    fetch: options.fetch,
    timeoutMs: options.httpTimeoutMs,
    retries: options.httpRetries,
    budget: new Budget(options.budgetMs ?? 300_000),
    userAgent: `${TOOL_NAME}/${TOOL_VERSION}`
  })
}

function createGrader(
  kind: GraderKind,
  options: GateOptions,
  deps: {
    http: HttpClient
    npm: NpmRegistryClient
    logger: Logger
    now: () => Date
    scale: GradeScale
    /** The run's day (`YYYY-MM-DD`, UTC), `--today` when given. */
    today: string
    registry: RegistryFile | null
    /** The built-in grader's advisory source (`advisorySourceFor`). */
    advisories: AdvisorySource | null
    pypi: PypiClient
    /** The built-in grader's package assessment cache; null: none. */
    assessmentCache: KeyedGradeCache | null
  }
): Grader {
  switch (kind) {
    case 'builtin':
      return createBuiltinGrader({
        npm: deps.npm,
        http: deps.http,
        logger: deps.logger,
        now: deps.now,
        scale: deps.scale,
        advisories: deps.advisories,
        pypi: deps.pypi,
        assessmentCache: deps.assessmentCache
      })
    case 'api':
      if (!nonEmpty(options.graderUrl)) {
        throw new UsageError(
          'the api grader needs a grading service URL (grader-url / --grader-url)'
        )
      }
      return createApiGrader({
        url: options.graderUrl!,
        apiKey: options.graderApiKey,
        http: deps.http,
        logger: deps.logger,
        now: deps.now,
        scale: deps.scale
      })
    case 'registry':
      if (deps.registry === null) {
        throw new UsageError(
          'the registry grader needs a registry file (registry / --registry, or .github/mcp-registry.{csv,json,yml,yaml})'
        )
      }
      return createRegistryGrader({ registry: deps.registry, today: deps.today })
    case 'command':
      if (!options.graderCommand || options.graderCommand.length === 0) {
        throw new UsageError(
          'the command grader needs a command (grader-command / --grader-command)'
        )
      }
      return createCommandGrader({
        command: options.graderCommand,
        timeoutMs: options.graderTimeoutMs,
        passEnv: options.graderPassEnv,
        cwd: options.cwd,
        logger: deps.logger,
        now: deps.now
      })
  }
}

function distinctPolicies(
  servers: ServerResult[],
  configs: ParsedConfig[],
  resolvePolicy: (configPath: string) => EffectivePolicy
): EffectivePolicy[] {
  const seen = new Set<EffectivePolicy>()
  for (const s of servers) seen.add(s.policy)
  if (seen.size === 0) {
    seen.add(resolvePolicy(configs[0]?.path ?? '.'))
  }
  return [...seen]
}

/** `YYYY-MM-DD` in UTC: the given one (validated) or the date of `startedAt`. */
function parseToday(text: string | undefined, startedAt: Date): string {
  if (!nonEmpty(text)) return startedAt.toISOString().slice(0, 10)
  const t = text!.trim()
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(t) ? new Date(`${t}T00:00:00Z`) : null
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== t) {
    throw new UsageError(`--today must be a date as YYYY-MM-DD, got "${t}"`)
  }
  return t
}

/**
 * A path as short as possible for messages: relative to the process's cwd (the workspace in the
 * action) with `/` separators when inside it, else as given.
 */
function relativeToProcess(absolute: string): string {
  const relative = path.relative(process.cwd(), absolute)
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative)
    ? relative.split(path.sep).join('/')
    : absolute
}

function nonEmpty(s: string | undefined): boolean {
  return typeof s === 'string' && s.trim() !== ''
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'ENOENT'
}

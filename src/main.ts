/**
 * The GitHub Action (SPEC §8): inputs → `gate()` → job summary, annotations, JSON report, sticky
 * PR comment, outputs → and only then `core.setFailed` when a server or config is blocked.
 */
import { readFileSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import type { Octokit } from '@octokit/rest'
import { gate, GRADER_KINDS, UsageError, type GateOptions, type GraderKind } from './gate.js'
import { parseGraderCommand } from './grade/command.js'
import { readFileAtRef } from './github/base-file.js'
import {
  cacheKeyFor,
  restoreGradeCache,
  saveGradeCache,
  type CacheService
} from './github/actions-cache.js'
import { upsertStickyComment } from './github/comment.js'
import { readGitHubContext, type GitHubContext } from './github/context.js'
import { createOctokit, type OctokitFactory } from './github/octokit.js'
import { planScope, type ScopePlan } from './github/pr-scope.js'
import { reportArtifactName, uploadReport, type UploadArtifact } from './github/report-artifact.js'
import { GradeCache, parseCacheTtlDays } from './grade/cache/index.js'
import type { Logger } from './log.js'
import type { FetchLike } from './net/http.js'
import { EXCEPTIONS_FILE_NAMES } from './policy/exceptions-file.js'
import { POLICY_FILE_NAMES } from './policy/load.js'
import { REGISTRY_FILE_NAMES } from './policy/registry-file.js'
import { parseCount, parseSeconds, splitList } from './input-values.js'
import { renderAnnotations } from './report/annotations.js'
import { renderComment, stickyMarker } from './report/comment.js'
import type { FullReportPointer } from './report/full-report.js'
import { escapeProse } from './report/markdown.js'
import { headline } from './report/headline.js'
import { toJsonReport } from './report/json.js'
import { buildReportModel, type ReportModel } from './report/model.js'
import type { GateRun } from './report/run.js'
import { sarifText } from './report/sarif.js'
import { renderSummary } from './report/summary.js'
import { TOOL_NAME, TOOL_VERSION } from './version.js'

/** What `run()` talks to besides `@actions/core`; tests inject their own. */
export interface ActionDeps {
  /** Builds the Octokit for the PR comment (default `createOctokit`). */
  octokitFactory?: OctokitFactory
  /** `fetch` for the npm registry and grading service. */
  fetch?: FetchLike
  /** Environment (default `process.env`). */
  env?: NodeJS.ProcessEnv
  /** Clock (tests). */
  now?: () => Date
  /** The Actions cache service (default `@actions/cache`). */
  cacheService?: CacheService
  /** The artifact uploader for `upload-report` (default `@actions/artifact`). */
  uploadArtifact?: UploadArtifact
}

const coreLogger: Logger = {
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warning: (m) => core.warning(m)
}

/**
 * Run the action. Never throws: every failure ends in `core.setFailed` with a one-line reason.
 */
export async function run(deps: ActionDeps = {}): Promise<void> {
  const env = deps.env ?? process.env
  // Read first and never throwing, so a failure message can still reach the PR.
  const context = readGitHubContext(env, (file) => readFileSync(file, 'utf8'))
  for (const w of context.warnings) core.warning(w)
  const commentWanted = commentModeOrNull(core.getInput('comment')) !== 'never'
  let octokit: Octokit | null = null
  let marker = stickyMarker(validCommentId(core.getInput('comment-id')) ?? 'default')
  try {
    const inputs = readInputs()
    if (inputs.graderApiKey) core.setSecret(inputs.graderApiKey)
    marker = stickyMarker(inputs.commentId)
    const cwd = context.workspace ?? process.cwd()
    octokit = createGitHubClient(context, inputs.githubToken, deps)
    checkWorkspaceGrader(context, inputs, cwd)

    if (inputs.files === 'all' && context.eventName === 'pull_request_target') {
      throw new UsageError(
        "files: all cannot be used on pull_request_target: its workspace is the base branch, not the pull request's code; use files: changed (the pull request's configs are read through the API)"
      )
    }
    const plan: ScopePlan =
      inputs.files === 'all'
        ? { kind: 'workspace', why: 'files: all' }
        : await planScope(
            context,
            octokit,
            {
              paths: inputs.gate.paths.map(
                (p) => toRepoPath(cwd, p) ?? (isRoot(cwd, p) ? '.' : null)
              ),
              patterns: inputs.gate.configPatterns
            },
            coreLogger,
            cwd
          )
    logPlan(plan)
    const cache = inputs.cache ? await openCache(inputs, env, deps) : null
    const base = (kind: RuleFileKind, given: string | undefined) =>
      baseRuleFile(kind, given, context, inputs, octokit, cwd)
    const gateRun = await gate({
      ...inputs.gate,
      policyDocument: await base(RULE_FILES.policy, inputs.gate.policyPath),
      registryDocument: await base(RULE_FILES.registry, inputs.gate.registryPath),
      exceptionsDocument: await base(RULE_FILES.exceptions, inputs.gate.exceptionsPath),
      change: plan.kind === 'changed' ? { configs: plan.configs } : undefined,
      scope: inputs.scope,
      cache: cache?.store ?? null,
      cwd,
      baseBranch: context.baseRef ?? undefined,
      fetch: deps.fetch,
      now: deps.now,
      logger: coreLogger
    })
    if (cache) await closeCache(cache, deps, context)
    const model = buildReportModel(gateRun)

    const reportPath = await writeJsonReport(gateRun, inputs.reportPath, env)
    const uploaded = inputs.uploadReport
      ? await uploadReport(
          reportPath,
          reportArtifactName(inputs.commentId),
          context.runUrl,
          coreLogger,
          deps.uploadArtifact
        )
      : null
    const fullReport: FullReportPointer | undefined = uploaded ? { artifact: uploaded } : undefined
    await writeSummary(model, context, fullReport)
    annotate(model)
    const sarifPath = await writeSarif(model, inputs.sarifFile, env)
    await commentOnRun(model, inputs.comment, { marker, context, octokit, fullReport })

    core.setOutput('verdict', gateRun.verdict)
    core.setOutput('failed-count', String(model.counts.blocked + model.counts.invalidConfigs))
    core.setOutput('report-path', reportPath)
    core.setOutput('sarif-path', sarifPath)

    const line = headline(model)
    if (gateRun.verdict === 'fail') core.setFailed(`${TOOL_NAME}: ${line}`)
    else core.info(`${TOOL_NAME}: ${line}`)
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(
      /\s*\n\s*/g,
      ' '
    )
    if (!(error instanceof UsageError) && error instanceof Error && error.stack) {
      core.debug(error.stack)
    }
    // Never leave an earlier "all pass" comment standing when the gate could not run.
    if (commentWanted) {
      octokit ??= createGitHubClient(context, core.getInput('github-token'), deps)
      await postComment(failureComment(marker, message, context), marker, context, octokit, true)
    }
    core.setOutput('verdict', 'fail')
    core.setFailed(`${TOOL_NAME}: ${message}`)
  }
}

/** How the sticky comment is handled (action.yml `comment`). */
export type CommentMode = 'on-failure' | 'always' | 'never'

/**
 * The comment for a finished run, by mode: `always` creates or updates it; `on-failure` creates
 * or updates it when the run fails and, when it passes, only updates an existing one (so a red
 * comment turns "resolved" and a PR that never failed gets none); `never` leaves it alone.
 */
async function commentOnRun(
  model: ReportModel,
  mode: CommentMode,
  where: {
    marker: string
    context: GitHubContext
    octokit: Octokit | null
    fullReport: FullReportPointer | undefined
  }
): Promise<void> {
  if (mode === 'never') return
  const failed = model.verdict === 'fail'
  const body = renderComment(model, {
    marker: where.marker,
    jobUrl: where.context.runUrl ?? undefined,
    resolved: mode === 'on-failure' && !failed,
    fullReport: where.fullReport
  })
  const create = mode === 'always' || failed
  await postComment(body, where.marker, where.context, where.octokit, create)
}

function logPlan(plan: ScopePlan): void {
  if (plan.kind === 'workspace') {
    core.info(`Gating every MCP config in the workspace (${plan.why})`)
    return
  }
  const names = plan.configs.map((c) => `${c.path} (${c.status})`)
  core.info(
    names.length === 0
      ? `This ${plan.event} changes no MCP config file (${plan.otherFiles} other file(s))`
      : `Gating the MCP config files this ${plan.event} changes: ${names.join(', ')}`
  )
}

/** The run's grade cache: the directory, its store, and the key to save it under. */
interface ActionCache {
  dir: string
  key: string
  store: GradeCache
}

/** Restore the grade cache directory from the Actions cache and open it. */
async function openCache(
  inputs: ActionInputs,
  env: NodeJS.ProcessEnv,
  deps: ActionDeps
): Promise<ActionCache> {
  const dir = path.join(env.RUNNER_TEMP || os.tmpdir(), `${TOOL_NAME}-cache`)
  const key = cacheKeyFor(env, inputs.commentId)
  // Start from what the cache service holds, never from files an earlier step left here.
  await rm(dir, { recursive: true, force: true })
  await restoreGradeCache(dir, key, coreLogger, deps.cacheService)
  const store = new GradeCache({
    dir,
    ttlMs: inputs.cacheTtlDays * 24 * 60 * 60 * 1000,
    now: deps.now,
    logger: coreLogger
  })
  return { dir, key, store }
}

/** Save the grade cache when this run wrote new grades. */
async function closeCache(
  cache: ActionCache,
  deps: ActionDeps,
  context: GitHubContext
): Promise<void> {
  const { hits, misses, writes } = cache.store.stats
  core.info(`grade cache: ${hits} hit(s), ${misses} miss(es), ${writes} new grade(s)`)
  if (writes === 0) return
  if (context.pullRequest?.fromFork) {
    core.info('a fork pull request cannot save to the Actions cache: new grades are not kept')
    return
  }
  await cache.store.prune() // expired entries are not carried over
  await saveGradeCache(cache.dir, cache.key, coreLogger, deps.cacheService)
}

/** Longest failure message put into the PR comment (the job log has all of it). */
const MAX_FAILURE_CHARS = 2000

/** The sticky comment's body when the gate could not run. */
function failureComment(marker: string, message: string, context: GitHubContext): string {
  const clipped =
    message.length > MAX_FAILURE_CHARS ? `${message.slice(0, MAX_FAILURE_CHARS)}…` : message
  const link = context.runUrl ? `\n\nSee the [job log](${context.runUrl}) for details.` : ''
  return `${marker}\n### ❌ MCP grade gate could not run\n\n${escapeProse(clipped)}${link}\n`
}

/** `id` when it is a valid comment id, else null (see `stickyMarker`). */
function validCommentId(id: string): string | null {
  const trimmed = id.trim()
  if (trimmed === '') return null
  try {
    stickyMarker(trimmed)
    return trimmed
  } catch {
    return null
  }
}

/**
 * A grader command that runs a program from the checkout lets a pull request change its own
 * grade: on `pull_request` say so; on `pull_request_target`, where the job has a write token and
 * secrets, refuse (the gate never executes code a pull request may have put in the workspace).
 * @throws UsageError on `pull_request_target` with a grader command inside the workspace.
 */
function checkWorkspaceGrader(context: GitHubContext, inputs: ActionInputs, cwd: string): void {
  const command = inputs.gate.graderCommand
  if (!context.pullRequest || inputs.gate.grader !== 'command' || !command) return
  const fromCheckout = command.some((word) => {
    if (!/[/\\]|\.(?:m?js|py|sh|ts)$/.test(word)) return false
    const relative = path.relative(cwd, path.resolve(cwd, word))
    return !relative.startsWith('..') && !path.isAbsolute(relative)
  })
  if (!fromCheckout) return
  if (context.eventName === 'pull_request_target') {
    throw new UsageError(
      "grader-command runs a file from the workspace on pull_request_target, where the job has a write token and secrets and the workspace may hold the pull request's code: install the grader outside the workspace (e.g. in $RUNNER_TEMP from a pinned release)"
    )
  }
  core.warning(
    'grader-command runs a file from the checked-out pull request, so the pull request can change how it is graded: keep the grader outside the repository (or check out the base branch for it)'
  )
}

interface ActionInputs {
  gate: Omit<GateOptions, 'cwd'> & { paths: string[] }
  /** Which config files on change events (action.yml `files`). */
  files: 'changed' | 'all'
  /** Which servers can block (action.yml `scope`). */
  scope: 'all' | 'changed'
  comment: CommentMode
  commentId: string
  uploadReport: boolean
  sarifFile: string
  cache: boolean
  /** Days a cached grade is served (action.yml `cache-ttl`). */
  cacheTtlDays: number
  /** Where the policy file is read from on pull requests (see action.yml `policy-source`). */
  policySource: 'base' | 'workspace'
  githubToken: string
  graderApiKey: string
  reportPath: string
}

/** Read and check the inputs (action.yml). @throws UsageError for a bad value. */
function readInputs(): ActionInputs {
  const grader = core.getInput('grader') || 'builtin'
  if (!(GRADER_KINDS as readonly string[]).includes(grader)) {
    throw new UsageError(`input grader must be one of ${GRADER_KINDS.join(', ')}, got "${grader}"`)
  }
  const graderCommandText = core.getInput('grader-command')
  let graderCommand: string[] | undefined
  if (graderCommandText) {
    try {
      graderCommand = parseGraderCommand(graderCommandText)
    } catch (error) {
      throw new UsageError(`input grader-command: ${(error as Error).message}`, { cause: error })
    }
  }
  const graderApiKey = core.getInput('grader-api-key')
  const { paths, patterns } = splitConfigPaths(core.getInput('config-paths'))
  return {
    gate: {
      paths,
      configPatterns: patterns,
      environment: core.getInput('environment'),
      minGrade: core.getInput('min-grade'),
      subScoreFloors: core.getInput('sub-score-floors'),
      policyPath: core.getInput('policy') || undefined,
      registryPath: core.getInput('registry') || undefined,
      exceptionsPath: core.getInput('exceptions') || undefined,
      grader: grader as GraderKind,
      graderUrl: core.getInput('grader-url') || undefined,
      graderApiKey: graderApiKey || undefined,
      graderCommand,
      graderTimeoutMs: secondsInput('grader-timeout', 60),
      graderPassEnv: splitList(core.getInput('grader-pass-env')),
      npmRegistry: core.getInput('npm-registry') || undefined,
      pypiUrl: core.getInput('pypi-url') || undefined,
      advisoryUrl: core.getInput('advisory-url') || undefined,
      advisoryDb: core.getInput('advisory-db') || undefined,
      httpRetries: parseCount(core.getInput('retries') || '3', 'input retries')
    },
    files: choiceInput('files', ['changed', 'all'] as const, 'changed'),
    scope: choiceInput('scope', ['all', 'changed'] as const, 'all'),
    comment: commentModeInput(),
    commentId: commentIdInput(),
    uploadReport: booleanInput('upload-report', false),
    sarifFile: core.getInput('sarif-file'),
    cache: booleanInput('cache', true),
    cacheTtlDays: cacheTtlInput(),
    policySource: policySourceInput(),
    githubToken: core.getInput('github-token'),
    graderApiKey,
    reportPath: core.getInput('report-path')
  }
}

/**
 * `config-paths`: entries with glob characters are patterns searched under the workspace;
 * the others are files or directories.
 */
function splitConfigPaths(text: string): { paths: string[]; patterns?: string[] } {
  const items = splitList(text)
  const patterns = items.filter((i) => /[*?[\]{}]/.test(i))
  const paths = items.filter((i) => !/[*?[\]{}]/.test(i))
  if (patterns.length === 0) return { paths }
  return { paths: paths.length > 0 ? paths : ['.'], patterns }
}

function commentIdInput(): string {
  const raw = core.getInput('comment-id')
  if (raw.trim() === '') return 'default'
  const id = validCommentId(raw)
  if (id === null) {
    throw new UsageError(
      `input comment-id must be 1-100 letters, digits, '.', '_' or '-', got "${raw.slice(0, 120)}"`
    )
  }
  return id
}

/** `comment` as typed, or null when it is not a mode (`true`/`false` are read as always/never). */
function commentModeOrNull(raw: string): CommentMode | null {
  const value = raw.trim().toLowerCase()
  if (value === '' || value === 'on-failure') return 'on-failure'
  if (value === 'always' || value === 'true') return 'always'
  if (value === 'never' || value === 'false') return 'never'
  return null
}

function commentModeInput(): CommentMode {
  const raw = core.getInput('comment')
  const mode = commentModeOrNull(raw)
  if (mode === null) {
    throw new UsageError(
      `input comment must be on-failure, always or never, got "${raw.slice(0, 60)}"`
    )
  }
  return mode
}

function choiceInput<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const raw = core.getInput(name).trim().toLowerCase()
  if (raw === '') return fallback
  if (!(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`input ${name} must be ${choices.join(' or ')}, got "${raw.slice(0, 60)}"`)
  }
  return raw as T
}

function cacheTtlInput(): number {
  const raw = core.getInput('cache-ttl').trim()
  if (raw === '') return 7
  try {
    return parseCacheTtlDays(raw)
  } catch (error) {
    throw new UsageError(`input cache-ttl: ${(error as Error).message}`, { cause: error })
  }
}

function policySourceInput(): 'base' | 'workspace' {
  const raw = (core.getInput('policy-source') || 'base').trim().toLowerCase()
  if (raw !== 'base' && raw !== 'workspace') {
    throw new UsageError(`input policy-source must be base or workspace, got "${raw}"`)
  }
  return raw
}

function booleanInput(name: string, fallback: boolean): boolean {
  const raw = core.getInput(name).trim().toLowerCase()
  if (raw === '') return fallback
  if (['true', 'yes', '1', 'on'].includes(raw)) return true
  if (['false', 'no', '0', 'off'].includes(raw)) return false
  throw new UsageError(`input ${name} must be true or false, got "${raw}"`)
}

function secondsInput(name: string, fallback: number): number {
  const raw = core.getInput(name).trim()
  return raw === '' ? fallback * 1000 : parseSeconds(raw, `input ${name}`)
}

async function writeSummary(
  model: ReportModel,
  context: GitHubContext,
  fullReport: FullReportPointer | undefined
): Promise<void> {
  const markdown = renderSummary(model, { jobUrl: context.runUrl ?? undefined, fullReport })
  try {
    await core.summary.addRaw(markdown, true).write()
  } catch (error) {
    // Outside Actions there is no $GITHUB_STEP_SUMMARY; the JSON report still has everything.
    core.warning(`could not write the job summary: ${(error as Error).message}`)
  }
}

function annotate(model: ReportModel): void {
  for (const a of renderAnnotations(model)) {
    const props: core.AnnotationProperties = {
      title: a.title,
      file: a.file,
      startLine: a.startLine,
      startColumn: a.startColumn
    }
    if (a.level === 'error') core.error(a.message, props)
    else if (a.level === 'warning') core.warning(a.message, props)
    else core.notice(a.message, props)
  }
}

async function writeJsonReport(
  gateRun: GateRun,
  requested: string,
  env: NodeJS.ProcessEnv
): Promise<string> {
  const file = requested
    ? path.resolve(requested)
    : path.join(env.RUNNER_TEMP || os.tmpdir(), `${TOOL_NAME}-report.json`)
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, `${JSON.stringify(toJsonReport(gateRun), null, 2)}\n`)
  return file
}

/**
 * Write the SARIF 2.1.0 file (`sarif-file`, default `$RUNNER_TEMP/mcp-grade-gate.sarif`).
 * @returns its absolute path.
 */
async function writeSarif(
  model: ReportModel,
  requested: string,
  env: NodeJS.ProcessEnv
): Promise<string> {
  const file = requested.trim()
    ? path.resolve(requested.trim())
    : path.join(env.RUNNER_TEMP || os.tmpdir(), `${TOOL_NAME}.sarif`)
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, sarifText(model))
  return file
}

/**
 * An Octokit for the GitHub API (changed files, base-branch reads, the comment), or null when
 * the run is not about a pull request or merge group, or has no token.
 */
function createGitHubClient(
  context: GitHubContext,
  token: string,
  deps: ActionDeps
): Octokit | null {
  if ((!context.pullRequest && !context.mergeGroup) || !context.repository) return null
  if (!token.trim()) {
    core.warning(
      'no github-token: the PR comment is skipped, every config in the workspace is gated and the policy is read from the workspace'
    )
    return null
  }
  const factory = deps.octokitFactory ?? createOctokit
  return factory({
    token,
    baseUrl: context.apiUrl,
    logger: coreLogger,
    userAgent: `${TOOL_NAME}/${TOOL_VERSION}`
  })
}

/** A rule file the action reads from the base branch on pull requests. */
interface RuleFileKind {
  /** For messages: `policy`, `registry`, `exceptions`. */
  label: string
  /** The default names, relative to the repository root. */
  names: readonly string[]
  /** What applies when the base branch has no such file. */
  absent: string
}

const RULE_FILES = {
  policy: {
    label: 'policy',
    names: POLICY_FILE_NAMES,
    absent: 'the built-in default policy applies'
  },
  registry: {
    label: 'registry',
    names: REGISTRY_FILE_NAMES,
    absent: 'no registry checks'
  },
  exceptions: {
    label: 'exceptions',
    names: EXCEPTIONS_FILE_NAMES,
    absent: 'no exceptions apply'
  }
} satisfies Record<string, RuleFileKind>

/**
 * On a pull request, a rule file (policy, registry, exceptions) as it is on the base branch: a
 * pull request must not be able to loosen the rules it is judged by, approve itself in the
 * registry or grant itself an exception. A change to the file in the PR itself is named in a
 * warning and takes effect once merged. Undefined (read the workspace) outside pull requests,
 * with `policy-source: workspace`, without a token, or for a file outside the checkout.
 * @throws UsageError when the base branch cannot be read (failing open could loosen the rules).
 */
async function baseRuleFile(
  kind: RuleFileKind,
  given: string | undefined,
  context: GitHubContext,
  inputs: ActionInputs,
  octokit: Octokit | null,
  cwd: string
): Promise<{ path: string; text: string | null } | undefined> {
  const ref = context.pullRequest?.baseRef ?? context.baseRef
  if (inputs.policySource === 'workspace' || !octokit || !context.repository || !ref) {
    return undefined
  }
  const candidates = given ? [toRepoPath(cwd, given)] : [...kind.names]
  if (candidates[0] === null) return undefined // outside the checkout: read as given
  const paths = candidates as string[]
  let found: { path: string; text: string | null } = { path: paths[0]!, text: null }
  try {
    const present: { path: string; text: string }[] = []
    for (const candidate of paths) {
      const text = await readFileAtRef(octokit, { ...context.repository, path: candidate, ref })
      if (text !== null) present.push({ path: candidate, text })
    }
    if (present.length > 1) {
      // The same rule as in the workspace: two files of one kind is an error, not a silent pick.
      throw new UsageError(
        `the base branch ${ref} has ${present.length} ${kind.label} files (${present.map((p) => p.path).join(', ')}): keep one`
      )
    }
    if (present[0]) found = present[0]
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(
      `could not read the ${kind.label} file from the base branch ${ref}: ${(error as Error).message}. Re-run the job, or set policy-source: workspace to use the checked-out files`,
      { cause: error }
    )
  }
  for (const candidate of paths) {
    const local = await readFile(path.join(cwd, candidate), 'utf8').catch(() => null)
    const atBase = candidate === found.path ? found.text : null
    if (local !== null && local !== atBase) {
      core.warning(
        `this pull request ${atBase === null ? 'adds' : 'changes'} ${candidate}; the gate applies the ${kind.label} file of the base branch ${ref} until the change is merged`
      )
    }
  }
  core.info(
    found.text === null
      ? `no ${kind.label} file on the base branch ${ref}: ${kind.absent}`
      : `${kind.label}: ${found.path} from the base branch ${ref}`
  )
  return found
}

/** Whether `file` is the checkout's root itself. */
function isRoot(cwd: string, file: string): boolean {
  return path.resolve(cwd, file) === path.resolve(cwd)
}

/** `file` relative to the repository root (posix), or null when it is outside the checkout. */
function toRepoPath(cwd: string, file: string): string | null {
  const relative = path.relative(cwd, path.resolve(cwd, file))
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null
  return relative.split(path.sep).join('/')
}

/**
 * Create (when `create`) or update the sticky comment; a failure to comment never changes the
 * gate's result.
 */
async function postComment(
  body: string,
  marker: string,
  context: GitHubContext,
  octokit: Octokit | null,
  create: boolean
): Promise<void> {
  if (!context.pullRequest || !context.repository) {
    core.debug('not a pull request event: no PR comment')
    return
  }
  if (context.eventName !== 'pull_request' && context.eventName !== 'pull_request_target') {
    // workflow_run, issue_comment: the checkout is not the pull request's code, so a comment
    // (least of all "resolved") would describe something else.
    core.info(
      `${context.eventName ?? 'this'} event: the gate did not run on the pull request's configs, so no PR comment`
    )
    return
  }
  if (!octokit) return
  try {
    const result = await upsertStickyComment(octokit, {
      owner: context.repository.owner,
      repo: context.repository.repo,
      issueNumber: context.pullRequest.number,
      body,
      marker,
      logger: coreLogger,
      createIfMissing: create
    })
    core.info(`PR comment ${result.action}${result.url ? `: ${result.url}` : ''}`)
  } catch (error) {
    core.warning(`could not post the PR comment: ${(error as Error).message}`)
  }
}

/**
 * The GitHub Action (SPEC §8): inputs → `gate()` → job summary, annotations, JSON report, sticky
 * PR comment, outputs → and only then `core.setFailed` when a server or config is blocked.
 */
import { readFileSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import type { Octokit } from '@octokit/rest'
import {
  commentModeOrNull,
  readInputs,
  validCommentId,
  type ActionInputs,
  type CommentMode
} from './action/inputs.js'
import {
  baseRuleFile,
  isRoot,
  RULE_FILES,
  toRepoPath,
  type RuleFileKind
} from './action/rule-files.js'
import { gate, UsageError } from './gate.js'
import {
  cacheKeyFor,
  restoreGradeCache,
  saveGradeCache,
  type CacheService
} from './github/actions-cache.js'
import { upsertStickyComment } from './github/comment.js'
import { readGitHubContext, type GitHubContext } from './github/context.js'
import { errorLine } from './github/error-line.js'
import { createOctokit, type OctokitFactory } from './github/octokit.js'
import { planScope, type ScopePlan } from './github/pr-scope.js'
import { reportArtifactName, uploadReport, type UploadArtifact } from './github/report-artifact.js'
import { GradeCache } from './grade/cache/index.js'
import { cacheTtlMs } from './grade/cache/ttl.js'
import type { Logger } from './log.js'
import type { FetchLike } from './net/http.js'
import { renderAnnotations } from './report/annotations.js'
import { renderComment, stickyMarker } from './report/comment.js'
import type { FullReportPointer } from './report/full-report.js'
import { escapeProse } from './report/markdown.js'
import { headline } from './report/headline.js'
import { toJsonReport } from './report/json.js'
import { buildReportModel, type ReportModel } from './report/model.js'
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
  // Creating the client warns when there is no token: once per run, so the catch below only
  // creates it when the try never got that far.
  let clientAttempted = false
  let marker = stickyMarker(validCommentId(core.getInput('comment-id')) ?? 'default')
  try {
    const inputs = readInputs()
    if (inputs.graderApiKey) core.setSecret(inputs.graderApiKey)
    marker = stickyMarker(inputs.commentId)
    const cwd = context.workspace ?? process.cwd()
    clientAttempted = true
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
      baseRuleFile(kind, given, context, inputs.policySource, octokit, cwd)
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

    const reportPath = await writeRunFile(
      inputs.reportPath,
      `${TOOL_NAME}-report.json`,
      `${JSON.stringify(toJsonReport(gateRun), null, 2)}\n`,
      env
    )
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
    // `sarif-file` (default `$RUNNER_TEMP/mcp-grade-gate.sarif`) is trimmed; `report-path` is not.
    const sarifPath = await writeRunFile(
      inputs.sarifFile.trim(),
      `${TOOL_NAME}.sarif`,
      sarifText(model),
      env
    )
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
      if (!clientAttempted) {
        octokit = createGitHubClient(context, core.getInput('github-token'), deps)
      }
      await postComment(failureComment(marker, message, context), marker, context, octokit, true)
    }
    core.setOutput('verdict', 'fail')
    core.setFailed(`${TOOL_NAME}: ${message}`)
  }
}

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
  // Paths come from the pull request: one line each, so they cannot write workflow commands.
  const names = plan.configs.map((c) => `${JSON.stringify(c.path)} (${c.status})`)
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
  const dir = runnerTemp(env, `${TOOL_NAME}-cache`)
  const key = cacheKeyFor(env, inputs.commentId)
  // Start from what the cache service holds, never from files an earlier step left here.
  await rm(dir, { recursive: true, force: true })
  await restoreGradeCache(dir, key, coreLogger, deps.cacheService)
  const store = new GradeCache({
    dir,
    ttlMs: cacheTtlMs(inputs.cacheTtlDays),
    now: deps.now,
    logger: coreLogger
  })
  return { dir, key, store }
}

/**
 * Save the grade cache when this run wrote new grades (the gate has logged hits, misses and
 * writes through the logger).
 */
async function closeCache(
  cache: ActionCache,
  deps: ActionDeps,
  context: GitHubContext
): Promise<void> {
  if (cache.store.stats.writes === 0) return
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
    core.warning(`could not write the job summary: ${errorLine(error)}`)
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

/**
 * Write one of the run's files: `requested` (resolved against the working directory) when given,
 * else `name` in the runner's temp directory (`runnerTemp`); parent directories are created.
 * @returns the file's absolute path.
 * @throws the `fs` error when the file cannot be written.
 */
async function writeRunFile(
  requested: string,
  name: string,
  text: string,
  env: NodeJS.ProcessEnv
): Promise<string> {
  const file = requested ? path.resolve(requested) : runnerTemp(env, name)
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, text)
  return file
}

/** `name` in `$RUNNER_TEMP` (GitHub Docs, "Variables"), or in the OS temp directory outside Actions. */
function runnerTemp(env: NodeJS.ProcessEnv, name: string): string {
  return path.join(env.RUNNER_TEMP || os.tmpdir(), name)
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

/**
 * Whether the pull request's head moved past the commit this run gated (a newer push's run will
 * comment; an older, slower run must not overwrite it). Unknown (no SHA, an API error) is false.
 */
async function isOutdated(octokit: Octokit, context: GitHubContext): Promise<boolean> {
  const pr = context.pullRequest
  if (!pr?.headSha || !context.repository) return false
  try {
    const { data } = await octokit.rest.pulls.get({
      owner: context.repository.owner,
      repo: context.repository.repo,
      pull_number: pr.number
    })
    const head = (data as { head?: { sha?: unknown } }).head?.sha
    return typeof head === 'string' && head !== pr.headSha
  } catch (error) {
    core.debug(`could not read the pull request's head: ${errorLine(error)}`)
    return false
  }
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
  if (await isOutdated(octokit, context)) {
    core.info(
      'the pull request has a newer commit than the one gated here: its own run updates the comment'
    )
    return
  }
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
    core.warning(`could not post the PR comment: ${errorLine(error)}`)
  }
}

/**
 * The GitHub Action (SPEC §8): inputs → `gate()` → job summary, annotations, JSON report, sticky
 * PR comment, outputs → and only then `core.setFailed` when a server or config is blocked.
 */
import { readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { gate, GRADER_KINDS, UsageError, type GateOptions, type GraderKind } from './gate.js'
import { parseGraderCommand } from './grade/command.js'
import { upsertStickyComment } from './github/comment.js'
import { readGitHubContext, type GitHubContext } from './github/context.js'
import { createOctokit, type OctokitFactory } from './github/octokit.js'
import type { Logger } from './log.js'
import type { FetchLike } from './net/http.js'
import { renderAnnotations } from './report/annotations.js'
import { renderComment, stickyMarker } from './report/comment.js'
import { headline } from './report/headline.js'
import { toJsonReport } from './report/json.js'
import { buildReportModel, type ReportModel } from './report/model.js'
import type { GateRun } from './report/run.js'
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
  try {
    const inputs = readInputs()
    if (inputs.graderApiKey) core.setSecret(inputs.graderApiKey)
    const context = readGitHubContext(env, (file) => readFileSync(file, 'utf8'))
    for (const w of context.warnings) core.warning(w)
    const cwd = context.workspace ?? process.cwd()

    const gateRun = await gate({
      ...inputs.gate,
      cwd,
      baseBranch: context.baseRef ?? undefined,
      fetch: deps.fetch,
      now: deps.now,
      logger: coreLogger
    })
    const model = buildReportModel(gateRun)

    await writeSummary(model, context)
    annotate(model)
    const reportPath = await writeJsonReport(gateRun, inputs.reportPath, env)
    if (inputs.comment) await comment(model, context, inputs, deps)

    core.setOutput('verdict', gateRun.verdict)
    core.setOutput('failed-count', String(model.counts.blocked + model.counts.invalidConfigs))
    core.setOutput('report-path', reportPath)

    const line = headline(model)
    if (gateRun.verdict === 'fail') core.setFailed(`${TOOL_NAME}: ${line}`)
    else core.info(`${TOOL_NAME}: ${line}`)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (!(error instanceof UsageError) && error instanceof Error && error.stack) {
      core.debug(error.stack)
    }
    core.setFailed(`${TOOL_NAME}: ${message.replace(/\s*\n\s*/g, ' ')}`)
  }
}

interface ActionInputs {
  gate: Omit<GateOptions, 'cwd'>
  comment: boolean
  commentId: string
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
      grader: grader as GraderKind,
      graderUrl: core.getInput('grader-url') || undefined,
      graderApiKey: graderApiKey || undefined,
      graderCommand,
      graderTimeoutMs: secondsInput('grader-timeout', 60),
      npmRegistry: core.getInput('npm-registry') || undefined
    },
    comment: booleanInput('comment', true),
    commentId: core.getInput('comment-id') || 'default',
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
  const items = text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean)
  const patterns = items.filter((i) => /[*?[\]{}]/.test(i))
  const paths = items.filter((i) => !/[*?[\]{}]/.test(i))
  if (patterns.length === 0) return { paths }
  return { paths: paths.length > 0 ? paths : ['.'], patterns }
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
  if (raw === '') return fallback * 1000
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0 || value > 3600) {
    throw new UsageError(`input ${name} must be a number of seconds from 1 to 3600, got "${raw}"`)
  }
  return Math.round(value * 1000)
}

async function writeSummary(model: ReportModel, context: GitHubContext): Promise<void> {
  const markdown = renderSummary(model, { jobUrl: context.runUrl ?? undefined })
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

async function comment(
  model: ReportModel,
  context: GitHubContext,
  inputs: ActionInputs,
  deps: ActionDeps
): Promise<void> {
  if (!context.pullRequest || !context.repository) {
    core.debug('not a pull request event: no PR comment')
    return
  }
  if (!inputs.githubToken) {
    core.warning('no github-token: the PR comment is skipped (summary and annotations are kept)')
    return
  }
  const factory = deps.octokitFactory ?? createOctokit
  const octokit = factory({
    token: inputs.githubToken,
    baseUrl: context.apiUrl,
    logger: coreLogger,
    userAgent: `${TOOL_NAME}/${TOOL_VERSION}`
  })
  const marker = stickyMarker(inputs.commentId)
  const body = renderComment(model, { marker, jobUrl: context.runUrl ?? undefined })
  try {
    const result = await upsertStickyComment(octokit, {
      owner: context.repository.owner,
      repo: context.repository.repo,
      issueNumber: context.pullRequest.number,
      body,
      marker,
      logger: coreLogger
    })
    core.info(`PR comment ${result.action}${result.url ? `: ${result.url}` : ''}`)
  } catch (error) {
    // The comment is a courtesy: a failure to post it never changes the gate's result.
    core.warning(`could not post the PR comment: ${(error as Error).message}`)
  }
}

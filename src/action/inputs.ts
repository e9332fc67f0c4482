/**
 * The action's inputs (action.yml), read through `@actions/core` and checked: a bad value is a
 * `UsageError` naming the input and what it accepts.
 */
import * as core from '@actions/core'
import { GRADER_KINDS, UsageError, type GateOptions, type GraderKind } from '../gate.js'
import { parseGraderCommand } from '../grade/command.js'
import { DEFAULT_CACHE_TTL_DAYS, parseCacheTtlDays } from '../grade/cache/ttl.js'
import { parseChangeScope, type ChangeScope } from '../change/scope.js'
import { parseCount, parseSeconds, splitList } from '../input-values.js'
import { stickyMarker } from '../report/comment.js'

/** How the sticky comment is handled (action.yml `comment`). */
export type CommentMode = 'on-failure' | 'always' | 'never'

/** `id` when it is a valid comment id, else null (see `stickyMarker`). */
export function validCommentId(id: string): string | null {
  const trimmed = id.trim()
  if (trimmed === '') return null
  try {
    stickyMarker(trimmed)
    return trimmed
  } catch {
    return null
  }
}

/** The inputs of one run, checked (see action.yml for each). */
export interface ActionInputs {
  gate: Omit<GateOptions, 'cwd'> & { paths: string[] }
  /** Which config files on change events (action.yml `files`). */
  files: 'changed' | 'all'
  /** Which servers can block (action.yml `scope`, `parseChangeScope`). */
  scope: ChangeScope
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
export function readInputs(): ActionInputs {
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
    scope: scopeInput(),
    comment: commentModeInput(),
    commentId: commentIdInput(),
    uploadReport: booleanInput('upload-report', false),
    sarifFile: core.getInput('sarif-file'),
    cache: booleanInput('cache', true),
    cacheTtlDays: cacheTtlInput(),
    policySource: choiceInput('policy-source', ['base', 'workspace'] as const, 'base'),
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
export function commentModeOrNull(raw: string): CommentMode | null {
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

/** `scope` (issue 5): empty is `all`; see `parseChangeScope`. */
function scopeInput(): ChangeScope {
  try {
    return parseChangeScope(core.getInput('scope'))
  } catch (error) {
    throw new UsageError(`input scope: ${(error as Error).message}`, { cause: error })
  }
}

function cacheTtlInput(): number {
  const raw = core.getInput('cache-ttl').trim()
  if (raw === '') return DEFAULT_CACHE_TTL_DAYS
  try {
    return parseCacheTtlDays(raw)
  } catch (error) {
    throw new UsageError(`input cache-ttl: ${(error as Error).message}`, { cause: error })
  }
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

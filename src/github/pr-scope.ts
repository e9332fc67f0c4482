/**
 * Which config files a run gates, and their base versions (issue 5, scope 1).
 *
 * - `pull_request`, `pull_request_target`: the config files among the PR's changed files (REST
 *   "List pull requests files"), each with its text on the PR's base commit.
 * - `merge_group`: the config files changed between the group's base and head commits.
 * - Every other event (`push`, `workflow_dispatch`, `schedule`, …): every config in the
 *   workspace, with no base.
 *
 * Fail-safe: whenever the changed files cannot be known for sure (no token, an API failure,
 * GitHub's 3,000/300-file cap reached), the plan falls back to every config in the workspace, so a
 * problem never narrows what is gated. A base file that cannot be read is `unknown`, and the gate
 * then treats its servers as new (never as unchanged, which `scope: changed` would not block).
 *
 * On `pull_request_target` the checkout is the base branch (GitHub Docs, "Events that trigger
 * workflows"), so the PR's own config files are read through the API at the head commit: as
 * data, never checked out, installed or run.
 */
import type { Octokit } from '@octokit/rest'
import { realpath } from 'node:fs/promises'
import path from 'node:path'
import { configPathMatcher, discoverConfigs } from '../config/discover.js'
import type { BaseText, ChangedConfig } from '../change/input.js'
import type { Logger } from '../log.js'
import { limitedFileReader, type BaseFileRequest } from './base-file.js'
import {
  listComparedFiles,
  listPullRequestFiles,
  type ChangedFile,
  type ChangedFiles
} from './changed-files.js'
import type { GitHubContext } from './context.js'
import { errorLine } from './error-line.js'

/** Events gated by their changed files. */
export const CHANGE_EVENTS = ['pull_request', 'pull_request_target', 'merge_group'] as const

/** What a run gates. */
export type ScopePlan =
  | { kind: 'workspace'; why: string }
  | {
      kind: 'changed'
      /** `pull_request`, `pull_request_target` or `merge_group`. */
      event: string
      /** The base commit the configs were compared with. */
      baseSha: string
      configs: ChangedConfig[]
      /** Changed files that are not config files (for the log). */
      otherFiles: number
    }

/** Which files count as configs: the action's `config-paths` split as the gate splits it. */
export interface ConfigSelection {
  /**
   * Files or directories, repository-relative (posix); empty means the whole repository. A path
   * outside the repository is null: changed files cannot be matched against it, so the plan
   * falls back to the workspace.
   */
  paths: (string | null)[]
  /** Globs replacing the default config names. */
  patterns?: string[]
}

/**
 * Decide what a run gates (see the module doc) and read the base (and, for
 * `pull_request_target`, head) texts of the changed configs. With `workspace` (the checkout,
 * which is the head except on `pull_request_target`), a config file in it that is a symbolic link
 * to a changed file is gated too (`linkedConfigs`).
 * @returns the plan; API problems fall back to the workspace, with a warning through `logger`.
 * @throws ScopeError on `pull_request_target` when the changed files cannot be known (see
 *   `fallBack`).
 */
export async function planScope(
  context: GitHubContext,
  octokit: Octokit | null,
  selection: ConfigSelection,
  logger: Logger,
  workspace?: string
): Promise<ScopePlan> {
  const event = context.eventName ?? ''
  if (!(CHANGE_EVENTS as readonly string[]).includes(event)) {
    return { kind: 'workspace', why: `${event || 'this'} event: every config is gated` }
  }
  const shas = shasOf(context)
  if (!context.repository || !shas) {
    return fallBack(logger, `the ${event} payload has no base and head commits`, event)
  }
  if (!octokit) return fallBack(logger, 'no token to list the changed files', event)
  if (selection.paths.some((p) => p === null)) {
    return fallBack(logger, 'config-paths names a path outside the repository', event)
  }
  let listed: ChangedFiles
  try {
    listed =
      event === 'merge_group'
        ? await listComparedFiles(octokit, { ...context.repository, ...shas })
        : await listPullRequestFiles(octokit, {
            ...context.repository,
            pullNumber: context.pullRequest!.number
          })
  } catch (error) {
    return fallBack(logger, `could not list the changed files: ${errorLine(error)}`, event)
  }
  if (!listed.complete) {
    return fallBack(logger, `GitHub lists at most ${listed.files.length} changed files`, event)
  }
  const isConfig = selector(selection)
  const changed = listed.files.filter((f) => isConfig(f.path) || isRenamedConfig(f, isConfig))
  const headFromApi = event === 'pull_request_target'
  const read = limitedFileReader(octokit)
  const described = await Promise.all(
    changed.map((file) => describeChange(file, isConfig, read, context, shas, headFromApi))
  )
  // Logged in the order of the files, however the reads finished.
  for (const d of described) if (d.warning !== null) logger.warning(d.warning)
  const configs = described.map((d) => d.config)
  if (!headFromApi && workspace !== undefined) {
    configs.push(...(await linkedConfigs(listed.files, configs, selection, workspace)))
  }
  return {
    kind: 'changed',
    event,
    baseSha: shas.baseSha,
    configs,
    otherFiles: listed.files.length - changed.length
  }
}

/**
 * Config files of the workspace that are symbolic links to a file the change touches (a PR that
 * edits `servers.json`, which `.mcp.json` points at, changes `.mcp.json`). Their base is taken as
 * unknown, so their servers count as added (fail closed). A search that fails adds nothing.
 */
async function linkedConfigs(
  files: readonly ChangedFile[],
  known: readonly ChangedConfig[],
  selection: ConfigSelection,
  workspace: string
): Promise<ChangedConfig[]> {
  const changed = new Set(files.map((f) => f.path))
  const seen = new Set(known.map((c) => c.path))
  const roots = selection.paths.filter((p): p is string => p !== null)
  let found
  try {
    found = await discoverConfigs(roots.length > 0 ? roots : ['.'], {
      cwd: workspace,
      patterns: selection.patterns
    })
  } catch {
    return []
  }
  const workspaceReal = await realpath(workspace).catch(() => workspace)
  return found.flatMap((config): ChangedConfig[] => {
    if (config.refused !== undefined || seen.has(config.path)) return []
    const target = path.relative(workspaceReal, config.absolutePath).split(path.sep).join('/')
    if (target === config.path || !changed.has(target)) return []
    return [
      {
        path: config.path,
        status: 'modified',
        base: {
          kind: 'unknown',
          why: `it is a symbolic link to ${target}, which the change edits`
        },
        head: { kind: 'workspace' }
      }
    ]
  })
}

function shasOf(context: GitHubContext): { baseSha: string; headSha: string } | null {
  if (context.mergeGroup) return context.mergeGroup
  const pr = context.pullRequest
  return pr?.baseSha && pr.headSha ? { baseSha: pr.baseSha, headSha: pr.headSha } : null
}

/**
 * The fail-safe when the changed files cannot be known: every config in the workspace. Not on
 * `pull_request_target`, whose workspace is the base branch: gating it would judge the base, not
 * the pull request, and let anything the PR adds pass.
 * @throws ScopeError on `pull_request_target`.
 */
function fallBack(logger: Logger, why: string, event: string): ScopePlan {
  if (event === 'pull_request_target') {
    throw new ScopeError(
      `${why}, and on pull_request_target the workspace is the base branch, so the pull request's configs cannot be gated: re-run the job (or use pull_request)`
    )
  }
  logger.warning(`${why}; gating every MCP config in the workspace instead of the changed ones`)
  return { kind: 'workspace', why }
}

/** The change under review cannot be gated safely (see `fallBack`). */
export class ScopeError extends Error {
  override readonly name = 'ScopeError'
}

/** A renamed file whose old name was a config (renamed away from a config name: a removal). */
function isRenamedConfig(file: ChangedFile, isConfig: (p: string) => boolean): boolean {
  return file.status === 'renamed' && file.previousPath !== null && isConfig(file.previousPath)
}

/**
 * Whether a repository path is a config file of the selection: named in `paths`, or under one of
 * them (the root when there are none) and matching the patterns relative to it.
 */
export function selector(selection: ConfigSelection): (file: string) => boolean {
  const matches = configPathMatcher(selection.patterns)
  const roots = selection.paths
    .filter((p): p is string => p !== null)
    .map((p) =>
      p
        .replace(/\\/g, '/')
        .replace(/^(?:\.\/)+/, '')
        .replace(/\/+$/, '')
    )
    .map((p) => (p === '.' ? '' : p))
  if (roots.length === 0) roots.push('')
  // Glob matching never matches a line break, so a file named `x\ny/.mcp.json` would escape
  // the gate: control characters are matched as spaces.
  return (raw) => {
    // eslint-disable-next-line no-control-regex
    const file = raw.replace(/[\u0000-\u001f\u007f]/g, ' ')
    return roots.some((root) => {
      if (root === '') return matches(file)
      if (file === root) return true
      return file.startsWith(`${root}/`) && matches(file.slice(root.length + 1))
    })
  }
}

/** Reads a file at a ref (`readFileAtRef` semantics), through the plan's bounded queue. */
type FileReader = (request: BaseFileRequest) => Promise<string | null>

/**
 * One changed file as a `ChangedConfig`: its status, and its base (and, with `headFromApi`, head)
 * text, both read at once. Never throws: a failed read is `unknown` (base) or `unreadable` (head),
 * and a failed base read also gives the warning to log.
 */
async function describeChange(
  file: ChangedFile,
  isConfig: (p: string) => boolean,
  read: FileReader,
  context: GitHubContext,
  shas: { baseSha: string; headSha: string },
  headFromApi: boolean
): Promise<{ config: ChangedConfig; warning: string | null }> {
  const repo = context.repository!
  const headIsConfig = isConfig(file.path)
  const basePath = file.previousPath ?? file.path
  // A rename counts by what each side is: config → other name is a removal, other → config an
  // addition; a copy adds a file and leaves its source alone.
  let status: ChangedConfig['status']
  if (file.status === 'added' || file.status === 'copied') status = 'added'
  else if (file.status === 'removed' || !headIsConfig) status = 'removed'
  else if (file.previousPath !== null && !isConfig(file.previousPath)) status = 'added'
  else status = 'modified'
  const path = status === 'removed' ? basePath : file.path

  // Both reads are queued now, base first, so requests start in the order of the files.
  const [baseRead, head] = await Promise.all([
    status === 'added'
      ? { base: { kind: 'absent' } as const, warning: null }
      : readBase(read, { ...repo, path: basePath, ref: shas.baseSha }),
    headFromApi && status !== 'removed'
      ? readHead(read, { ...repo, path: file.path, ref: shas.headSha })
      : { kind: status === 'removed' ? ('none' as const) : ('workspace' as const) }
  ])
  return { config: { path, status, base: baseRead.base, head }, warning: baseRead.warning }
}

/** The base text of a changed config: absent on a 404, unknown (with a warning) on a failure. */
async function readBase(
  read: FileReader,
  request: BaseFileRequest
): Promise<{ base: BaseText; warning: string | null }> {
  try {
    const text = await read(request)
    return {
      base: text === null ? { kind: 'absent' } : { kind: 'text', path: request.path, text },
      warning: null
    }
  } catch (error) {
    const why = errorLine(error)
    return {
      base: { kind: 'unknown', why },
      warning: `could not read ${request.path} on the base commit: ${why}`
    }
  }
}

/** The head text of a changed config read through the API; unreadable when missing or failing. */
async function readHead(
  read: FileReader,
  request: BaseFileRequest
): Promise<ChangedConfig['head']> {
  try {
    const text = await read(request)
    return text === null
      ? { kind: 'unreadable', why: 'the file is not on the head commit' }
      : { kind: 'text', text }
  } catch (error) {
    return { kind: 'unreadable', why: errorLine(error) }
  }
}

/**
 * What the gate needs from the GitHub Actions environment (GitHub Docs, "Variables" → default
 * environment variables; "Webhook events and payloads"): event name, repository, PR number and
 * base branch, the run's URL (for the job-summary link), workspace and API URL.
 *
 * Pure over an environment object and a file reader, so tests pass their own. Never throws: an
 * unreadable or malformed event payload leaves the PR unknown and adds a warning.
 */
import { z } from 'zod'

/** The pull request a run is about. */
export interface PullRequestContext {
  number: number
  /** Base branch name (`main`), when the payload has it. */
  baseRef: string | null
  /** `owner/repo` of the PR's head; differs from the base repository for fork PRs. */
  headRepository: string | null
  /** True when the head repository is not the base repository (read-only token, SPEC §8). */
  fromFork: boolean
  /** Commit the PR is compared against (`pull_request.base.sha`), when the payload has it. */
  baseSha: string | null
  /** The PR head commit (`pull_request.head.sha`), when the payload has it. */
  headSha: string | null
}

/** A merge queue group (`merge_group` event): the commits it compares. */
export interface MergeGroupContext {
  baseSha: string
  headSha: string
  /** `refs/heads/main`: the branch the group merges into, when the payload has it. */
  baseRef: string | null
}

/** What `readGitHubContext` found. Unknown values are null. */
export interface GitHubContext {
  /** `GITHUB_EVENT_NAME`: `pull_request`, `pull_request_target`, `push`, `workflow_run`, … */
  eventName: string | null
  repository: { owner: string; repo: string } | null
  pullRequest: PullRequestContext | null
  /** The merge queue group of a `merge_group` run, else null. */
  mergeGroup: MergeGroupContext | null
  /** Base branch: `GITHUB_BASE_REF`, else the PR payload's `base.ref`. */
  baseRef: string | null
  /** Web URL of the GitHub instance (`GITHUB_SERVER_URL`, default `https://github.com`). */
  serverUrl: string
  /** REST API URL (`GITHUB_API_URL`, default `https://api.github.com`). */
  apiUrl: string
  runId: string | null
  runAttempt: number | null
  /** `{serverUrl}/{owner}/{repo}/actions/runs/{runId}`: the run page, which shows job summaries. */
  runUrl: string | null
  /** `GITHUB_WORKSPACE`: the checkout. */
  workspace: string | null
  /** `GITHUB_SHA`. */
  sha: string | null
  /** Problems reading the context (bad payload, malformed variables), for `logger.warning`. */
  warnings: string[]
}

/** Reads a file as UTF-8 text; throws when it cannot. */
export type ReadTextFile = (path: string) => string

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/

const RefSchema = z.looseObject({
  ref: z.string().optional(),
  sha: z.string().regex(SHA).optional(),
  repo: z.looseObject({ full_name: z.string().optional() }).nullish()
})

const PullSchema = z.looseObject({
  number: z.number().int().positive(),
  base: RefSchema.optional(),
  head: RefSchema.optional()
})

const PayloadSchema = z.looseObject({
  pull_request: PullSchema.optional(),
  issue: z
    .looseObject({ number: z.number().int().positive(), pull_request: z.unknown().optional() })
    .optional(),
  merge_group: z
    .looseObject({
      base_sha: z.string().regex(SHA),
      head_sha: z.string().regex(SHA),
      base_ref: z.string().optional()
    })
    .optional(),
  workflow_run: z
    .looseObject({
      event: z.string().optional(),
      pull_requests: z.array(PullSchema).optional(),
      head_repository: z.looseObject({ full_name: z.string().optional() }).nullish(),
      repository: z.looseObject({ full_name: z.string().optional() }).nullish()
    })
    .optional()
})
type Payload = z.infer<typeof PayloadSchema>

const NAME = /^[A-Za-z0-9_.-]{1,100}$/

/**
 * Read the Actions context from `env` (e.g. `process.env`) and the event payload at
 * `GITHUB_EVENT_PATH` via `readFile`. PR number sources, by event: `pull_request*` →
 * `pull_request.number`; `issue_comment` on a PR → `issue.number`; `workflow_run` →
 * `workflow_run.pull_requests[0]` (empty for fork PRs, GitHub Docs).
 */
export function readGitHubContext(
  env: Readonly<Record<string, string | undefined>>,
  readFile: ReadTextFile
): GitHubContext {
  const warnings: string[] = []
  const value = (name: string): string | null => {
    const v = env[name]?.trim()
    return v ? v : null
  }
  const eventName = value('GITHUB_EVENT_NAME')

  let repository: GitHubContext['repository'] = null
  const repoVar = value('GITHUB_REPOSITORY')
  if (repoVar) {
    const [owner, repo, extra] = repoVar.split('/')
    if (owner && repo && extra === undefined && NAME.test(owner) && NAME.test(repo)) {
      repository = { owner, repo }
    } else {
      warnings.push(
        `GITHUB_REPOSITORY is not "owner/repo": ${JSON.stringify(repoVar.slice(0, 200))}`
      )
    }
  }

  const serverUrl =
    httpUrl(value('GITHUB_SERVER_URL'), 'GITHUB_SERVER_URL', warnings) ?? 'https://github.com'
  const apiUrl =
    httpUrl(value('GITHUB_API_URL'), 'GITHUB_API_URL', warnings) ?? 'https://api.github.com'

  const runIdVar = value('GITHUB_RUN_ID')
  const runId = runIdVar && /^\d{1,20}$/.test(runIdVar) ? runIdVar : null
  if (runIdVar && runId === null) warnings.push('GITHUB_RUN_ID is not a number')
  const attemptVar = value('GITHUB_RUN_ATTEMPT')
  const runAttempt = attemptVar && /^\d{1,6}$/.test(attemptVar) ? Number(attemptVar) : null
  const runUrl =
    repository && runId
      ? `${serverUrl}/${repository.owner}/${repository.repo}/actions/runs/${runId}`
      : null

  const payload = readPayload(value('GITHUB_EVENT_PATH'), readFile, warnings)
  const pullRequest = payload ? pullRequestOf(eventName, payload, repository) : null
  const group = payload?.merge_group
  const mergeGroup: MergeGroupContext | null =
    eventName === 'merge_group' && group
      ? { baseSha: group.base_sha, headSha: group.head_sha, baseRef: group.base_ref ?? null }
      : null
  const baseRef =
    value('GITHUB_BASE_REF') ??
    pullRequest?.baseRef ??
    mergeGroup?.baseRef?.replace(/^refs\/heads\//, '') ??
    null

  return {
    eventName,
    repository,
    pullRequest,
    mergeGroup,
    baseRef,
    serverUrl,
    apiUrl,
    runId,
    runAttempt,
    runUrl,
    workspace: value('GITHUB_WORKSPACE'),
    sha: value('GITHUB_SHA'),
    warnings
  }
}

function httpUrl(raw: string | null, name: string, warnings: string[]): string | null {
  if (raw === null) return null
  try {
    const url = new URL(raw)
    if (url.protocol === 'https:' || url.protocol === 'http:') return raw.replace(/\/+$/, '')
  } catch {
    // reported below
  }
  warnings.push(`${name} is not an http(s) URL; using the github.com default`)
  return null
}

function readPayload(
  path: string | null,
  readFile: ReadTextFile,
  warnings: string[]
): Payload | null {
  if (path === null) return null
  let text: string
  try {
    text = readFile(path)
  } catch (error) {
    warnings.push(
      `Could not read the event payload at ${path}: ${error instanceof Error ? error.message : String(error)}`
    )
    return null
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    warnings.push(
      `The event payload at ${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`
    )
    return null
  }
  const parsed = PayloadSchema.safeParse(json)
  if (!parsed.success) {
    warnings.push(
      `The event payload at ${path} has an unexpected shape:\n${z.prettifyError(parsed.error)}`
    )
    return null
  }
  return parsed.data
}

function pullRequestOf(
  eventName: string | null,
  payload: Payload,
  repository: GitHubContext['repository']
): PullRequestContext | null {
  const base = repository ? `${repository.owner}/${repository.repo}` : null
  const fromPull = (pr: z.infer<typeof PullSchema>): PullRequestContext => {
    const head = pr.head?.repo?.full_name ?? null
    const baseRepo = pr.base?.repo?.full_name ?? base
    return {
      number: pr.number,
      baseRef: pr.base?.ref ?? null,
      headRepository: head,
      fromFork: head !== null && baseRepo !== null && head.toLowerCase() !== baseRepo.toLowerCase(),
      baseSha: pr.base?.sha ?? null,
      headSha: pr.head?.sha ?? null
    }
  }
  if (payload.pull_request) return fromPull(payload.pull_request)
  if (eventName === 'issue_comment' && payload.issue?.pull_request !== undefined) {
    return {
      number: payload.issue.number,
      baseRef: null,
      headRepository: null,
      fromFork: false,
      baseSha: null,
      headSha: null
    }
  }
  const run = payload.workflow_run
  const first = run?.pull_requests?.[0]
  if (run && first) {
    const pr = fromPull(first)
    const head = run.head_repository?.full_name ?? pr.headRepository
    const baseRepo = run.repository?.full_name ?? base
    return {
      ...pr,
      headRepository: head,
      fromFork: head !== null && baseRepo !== null && head.toLowerCase() !== baseRepo.toLowerCase()
    }
  }
  return null
}

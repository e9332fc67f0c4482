/**
 * The sticky PR comment (SPEC §8): one comment per PR (per marker), found by its hidden marker
 * AND the token's own author, updated in place, created when missing.
 *
 * Who "we" are. A comment only counts as ours when its author is the token's identity, so a
 * comment by someone else that quotes our marker is never overwritten (or mistaken for ours).
 * The identity is found the way the widely used sticky-comment actions do it (e.g.
 * marocchino/sticky-pull-request-comment): GraphQL `viewer { login }`, which answers for both a
 * PAT and an app installation token such as `GITHUB_TOKEN` (where REST `GET /user` is
 * forbidden). If GraphQL is unavailable we try `GET /user` (PATs); if that fails too we assume
 * the `GITHUB_TOKEN` identity, `github-actions[bot]`. Logins are compared case-insensitively and
 * without a trailing `[bot]` (GraphQL and REST spell bot logins differently).
 *
 * The marker must open the body (we always put it first), so a marker quoted further down in a
 * comment does not count either.
 *
 * A read-only token (pull requests from forks get one; GitHub Docs "Automatic token
 * authentication") cannot comment: GitHub answers 403 "Resource not accessible by integration"
 * (or 404). That is reported as `skipped` with one warning and never throws — the job summary
 * and annotations still carry the report.
 */
import type { Octokit } from '@octokit/rest'
import { z } from 'zod'
import type { Logger } from '../log.js'
import { errorLine } from './error-line.js'

/** GitHub's comment body limit (characters). */
export const MAX_COMMENT_CHARS = 65536

/** The author of comments made with the Actions `GITHUB_TOKEN`. */
export const GITHUB_ACTIONS_LOGIN = 'github-actions[bot]'

/** Where the sticky comment goes and what it says. */
export interface UpsertCommentOptions {
  owner: string
  repo: string
  /** The pull request (or issue) number. */
  issueNumber: number
  /** The full body; must start with `marker`. At most 65,536 characters. */
  body: string
  /** The hidden marker, an HTML comment such as `<!-- mcp-grade-gate:default -->`. */
  marker: string
  logger: Logger
  /**
   * Create the comment when there is none yet (default true). False only updates an existing
   * comment (`comment: on-failure` once the PR passes: a red comment turns "resolved", and a PR
   * that never failed gets no comment); with none, the result is `absent`.
   */
  createIfMissing?: boolean
}

/** What `upsertStickyComment` did. */
export interface UpsertCommentResult {
  action: 'created' | 'updated' | 'unchanged' | 'skipped' | 'absent'
  /** The comment's web URL, when known. */
  url?: string
  /** For `skipped`: why (already sent to `logger.warning` once; do not log it again). */
  warning?: string
}

/** The sticky comment could not be written for a reason other than permissions. */
export class StickyCommentError extends Error {
  override readonly name = 'StickyCommentError'
  constructor(
    message: string,
    /** HTTP status, when GitHub answered. */
    readonly status: number | undefined,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

const CommentSchema = z.looseObject({
  id: z.number().int(),
  body: z.string().nullish(),
  html_url: z.string().optional(),
  user: z.looseObject({ login: z.string(), type: z.string().optional() }).nullish()
})
type IssueComment = z.infer<typeof CommentSchema>

const ViewerSchema = z.looseObject({ viewer: z.looseObject({ login: z.string().min(1) }) })
const UserSchema = z.looseObject({ login: z.string().min(1) })

/**
 * Create or update the sticky comment on a PR (see the module doc).
 * @returns `created`/`updated` with the comment URL, `unchanged` when our comment already has this
 *   body (no write), `absent` when there is none and `createIfMissing` is false, or `skipped`
 *   with a warning when the token may not comment.
 * @throws TypeError when the marker is not a one-line HTML comment or the body does not start
 *   with it; RangeError when the body is longer than 65,536 characters; StickyCommentError for
 *   any other API failure (message says what failed; never holds the token).
 */
export async function upsertStickyComment(
  octokit: Octokit,
  options: UpsertCommentOptions
): Promise<UpsertCommentResult> {
  const { owner, repo, issueNumber, body, marker, logger } = options
  if (!/^<!--[^\n]*-->$/.test(marker) || marker.length > 200) {
    throw new TypeError('upsertStickyComment: marker must be a one-line HTML comment')
  }
  if (!body.startsWith(marker)) {
    throw new TypeError('upsertStickyComment: the body must start with the marker')
  }
  if (body.length > MAX_COMMENT_CHARS) {
    throw new RangeError(
      `comment body has ${body.length} characters; GitHub accepts at most ${MAX_COMMENT_CHARS}`
    )
  }
  const where = `${owner}/${repo}#${issueNumber}`
  const step = { name: 'list the comments' }
  try {
    const raw: unknown[] = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: issueNumber,
      per_page: 100
    })
    const comments = raw.flatMap((c) => {
      const parsed = CommentSchema.safeParse(c)
      return parsed.success ? [parsed.data] : []
    })
    const marked = comments.filter((c) => (c.body ?? '').startsWith(marker))
    let ours: IssueComment | undefined
    if (marked.length > 0) {
      step.name = 'identify the token'
      const login = await tokenLogin(octokit, logger)
      ours = marked.find((c) => isAuthoredBy(c, login))
      const others = marked.length - (ours ? 1 : 0)
      if (others > 0) {
        logger.debug(`${others} other comment(s) on ${where} carry our marker; leaving them alone`)
      }
    }
    if (ours) {
      if (sameBody(ours.body ?? '', body)) {
        return { action: 'unchanged', url: ours.html_url }
      }
      step.name = 'update the comment'
      const res = await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: ours.id,
        body
      })
      return { action: 'updated', url: res.data.html_url }
    }
    if (options.createIfMissing === false) return { action: 'absent' }
    step.name = 'create the comment'
    const res = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: issueNumber,
      body
    })
    return { action: 'created', url: res.data.html_url }
  } catch (error) {
    const status = statusOf(error)
    if (isPermissionDenied(error)) {
      const warning =
        `Skipped the PR comment on ${where}: the token may not ${step.name} (HTTP ${status}: ` +
        `${errorLine(error)}). Pull requests from forks get a read-only GITHUB_TOKEN; the job ` +
        `summary and annotations still have the full report. To comment on fork PRs, post the ` +
        `comment from a separate \`workflow_run\` workflow (or use \`pull_request_target\` ` +
        `without checking out the PR's code); otherwise grant \`pull-requests: write\`.`
      logger.warning(warning)
      return { action: 'skipped', warning }
    }
    throw new StickyCommentError(
      `Could not ${step.name} on ${where}: ${status === undefined ? '' : `HTTP ${status}: `}${errorLine(error)}`,
      status,
      { cause: error }
    )
  }
}

/**
 * The login of the token's user (see the module doc): GraphQL `viewer`, else REST `GET /user`;
 * null when neither answers.
 */
export async function tokenLogin(octokit: Octokit, logger: Logger): Promise<string | null> {
  try {
    const data = await octokit.graphql('query { viewer { login } }')
    const parsed = ViewerSchema.safeParse(data)
    if (parsed.success) return parsed.data.viewer.login
    logger.debug('GraphQL viewer answer has no login')
  } catch (error) {
    logger.debug(`GraphQL viewer query failed: ${errorLine(error)}`)
  }
  try {
    const res = await octokit.rest.users.getAuthenticated()
    const parsed = UserSchema.safeParse(res.data)
    if (parsed.success) return parsed.data.login
  } catch (error) {
    logger.debug(`GET /user failed: ${errorLine(error)}`)
  }
  logger.debug(`token identity unknown; assuming ${GITHUB_ACTIONS_LOGIN}`)
  return null
}

/** Lower-case login without a trailing `[bot]`. */
function normalLogin(login: string): string {
  return login.toLowerCase().replace(/\[bot\]$/, '')
}

/** Whether `comment` was written by `login` (null: the `GITHUB_TOKEN` identity). */
function isAuthoredBy(comment: IssueComment, login: string | null): boolean {
  const author = comment.user?.login
  if (!author) return false
  return normalLogin(author) === normalLogin(login ?? GITHUB_ACTIONS_LOGIN)
}

/** Bodies equal up to line endings and trailing whitespace (GitHub may store `\r\n`). */
function sameBody(a: string, b: string): boolean {
  const norm = (s: string): string => s.replace(/\r\n?/g, '\n').trimEnd()
  return norm(a) === norm(b)
}

function statusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status' in error) {
    return typeof error.status === 'number' ? error.status : undefined
  }
  return undefined
}

function isRateLimited(error: unknown): boolean {
  const headers =
    typeof error === 'object' && error !== null && 'response' in error
      ? (error as { response?: { headers?: Record<string, unknown> } }).response?.headers
      : undefined
  return headers?.['x-ratelimit-remaining'] === '0' || /rate limit/i.test(errorLine(error))
}

/** 403 (other than a rate limit) or 404: the token may not see or write the PR's comments. */
function isPermissionDenied(error: unknown): boolean {
  const status = statusOf(error)
  return (status === 403 && !isRateLimited(error)) || status === 404
}

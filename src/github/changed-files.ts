/**
 * The files a pull request or merge queue group changes, from the GitHub REST API (issue 5):
 * `GET /repos/{owner}/{repo}/pulls/{n}/files` (paginated, 100 per page; GitHub returns at most
 * 3,000 files) and `GET /repos/{owner}/{repo}/compare/{base}...{head}` (at most 300 files, all on
 * the first page). GitHub Docs, "REST API endpoints for pull requests" → "List pull requests
 * files" and "REST API endpoints for commits" → "Compare two commits".
 *
 * When GitHub may have cut the list (3,000 or 300 files reached), `complete` is false: the caller
 * must then gate every config in the workspace rather than trust a partial list.
 */
import type { Octokit } from '@octokit/rest'
import { z } from 'zod'

/** How GitHub says a file changed. */
export const CHANGE_STATUSES = [
  'added',
  'removed',
  'modified',
  'renamed',
  'copied',
  'changed',
  'unchanged'
] as const
export type FileChangeStatus = (typeof CHANGE_STATUSES)[number]

/** One changed file: repository-relative posix paths. */
export interface ChangedFile {
  path: string
  status: FileChangeStatus
  /** The path on the base side for a rename (or copy), else null. */
  previousPath: string | null
}

/** The changed files and whether the list is known to be whole. */
export interface ChangedFiles {
  files: ChangedFile[]
  /** False when GitHub's cap was reached, so files may be missing from `files`. */
  complete: boolean
}

/** GitHub's cap on the files listed for one pull request. */
export const MAX_PULL_FILES = 3000
/** GitHub's cap on the files listed by one compare. */
export const MAX_COMPARE_FILES = 300

const FileSchema = z.looseObject({
  filename: z.string().min(1).max(4096),
  status: z.enum(CHANGE_STATUSES),
  previous_filename: z.string().min(1).max(4096).optional()
})

// GitHub's schema makes `files` optional: without it the list is unknown, never empty.
const CompareSchema = z.looseObject({ files: z.array(z.unknown()) })

/** A file list from GitHub that does not have the expected shape. */
export class ChangedFilesError extends Error {
  override readonly name = 'ChangedFilesError'
}

/**
 * The files changed by pull request `pullNumber`.
 * @throws ChangedFilesError when an entry is malformed; the Octokit error (with `status`) when
 *   the API fails.
 */
export async function listPullRequestFiles(
  octokit: Octokit,
  request: { owner: string; repo: string; pullNumber: number }
): Promise<ChangedFiles> {
  const raw: unknown[] = await octokit.paginate(octokit.rest.pulls.listFiles, {
    owner: request.owner,
    repo: request.repo,
    pull_number: request.pullNumber,
    per_page: 100
  })
  const files = raw.map((entry, i) => toChangedFile(entry, `pull request file #${i + 1}`))
  return { files, complete: files.length < MAX_PULL_FILES }
}

/**
 * The files changed between two commits (a merge queue group's base and head).
 * @throws ChangedFilesError when the answer is malformed; the Octokit error when the API fails.
 */
export async function listComparedFiles(
  octokit: Octokit,
  request: { owner: string; repo: string; baseSha: string; headSha: string }
): Promise<ChangedFiles> {
  const answer = await octokit.rest.repos.compareCommitsWithBasehead({
    owner: request.owner,
    repo: request.repo,
    basehead: `${request.baseSha}...${request.headSha}`,
    per_page: 1
  })
  const parsed = CompareSchema.safeParse(answer.data)
  if (!parsed.success) throw new ChangedFilesError('the compare answer has no file list')
  const files = parsed.data.files.map((entry, i) => toChangedFile(entry, `compared file #${i + 1}`))
  return { files, complete: files.length < MAX_COMPARE_FILES }
}

function toChangedFile(entry: unknown, what: string): ChangedFile {
  const parsed = FileSchema.safeParse(entry)
  if (!parsed.success) {
    throw new ChangedFilesError(`${what} is malformed: ${z.prettifyError(parsed.error)}`)
  }
  const file = parsed.data
  return {
    path: file.filename,
    status: file.status,
    previousPath: file.previous_filename ?? null
  }
}

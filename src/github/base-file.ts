/**
 * Read a repository file as it is on another commit (the pull request's base), through the
 * contents API. Used so that files which decide the gate's rules — the policy file — come from the
 * base branch: a pull request must not be able to loosen the policy it is judged by.
 */
import type { Octokit } from '@octokit/rest'
import pLimit from 'p-limit'

/**
 * Largest file read this way (bytes): the largest limit of the rule files read from the base
 * branch (the registry's 1 MiB; a policy or exceptions file is smaller, and its own loader
 * enforces its own limit on the text).
 */
export const MAX_BASE_FILE_BYTES = 1024 * 1024

export interface BaseFileRequest {
  owner: string
  repo: string
  /** Path relative to the repository root, `/` separators. */
  path: string
  /** Commit SHA or branch to read from. */
  ref: string
}

/**
 * The text of `path` at `ref`, or null when the file does not exist there (404).
 * @throws Error (with the HTTP status) when the API refuses or fails, and when the file is not
 *   a regular file or is larger than `MAX_BASE_FILE_BYTES`; callers decide what that means.
 */
export async function readFileAtRef(
  octokit: Octokit,
  request: BaseFileRequest
): Promise<string | null> {
  let data: unknown
  try {
    const answer = await octokit.rest.repos.getContent({
      owner: request.owner,
      repo: request.repo,
      path: request.path,
      ref: request.ref
    })
    data = answer.data
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null
    const status = (error as { status?: number }).status
    throw new Error(
      `could not read ${request.path} at ${request.ref.slice(0, 12)}${status ? ` (HTTP ${status})` : ''}: ${(error as Error).message}`,
      { cause: error }
    )
  }
  const file = data as { type?: string; size?: number; encoding?: string; content?: string }
  if (Array.isArray(data) || file.type !== 'file') {
    throw new Error(`${request.path} at ${request.ref.slice(0, 12)} is not a file`)
  }
  if (typeof file.size === 'number' && file.size > MAX_BASE_FILE_BYTES) {
    throw new Error(
      `${request.path} at ${request.ref.slice(0, 12)} is ${file.size} bytes, over ${MAX_BASE_FILE_BYTES}`
    )
  }
  if (file.encoding !== 'base64' || typeof file.content !== 'string') {
    throw new Error(`${request.path} at ${request.ref.slice(0, 12)}: unexpected content encoding`)
  }
  return Buffer.from(file.content, 'base64').toString('utf8')
}

/**
 * Most contents reads a `limitedFileReader` keeps in flight at once. Small on purpose: GitHub's
 * secondary rate limits count concurrent requests (at most 100 for the REST and GraphQL APIs
 * together; GitHub Docs, "Rate limits for the REST API" → "About secondary rate limits").
 */
export const MAX_CONCURRENT_FILE_READS = 4

/**
 * `readFileAtRef` through a queue: at most `concurrency` reads in flight (default
 * `MAX_CONCURRENT_FILE_READS`), started in the order they are asked for; each answer is
 * `readFileAtRef`'s (the text, null for a 404, or its error).
 * @throws TypeError (from `p-limit`) when `concurrency` is not a whole number of at least 1.
 */
export function limitedFileReader(
  octokit: Octokit,
  concurrency: number = MAX_CONCURRENT_FILE_READS
): (request: BaseFileRequest) => Promise<string | null> {
  const limit = pLimit(concurrency)
  return (request) => limit(() => readFileAtRef(octokit, request))
}

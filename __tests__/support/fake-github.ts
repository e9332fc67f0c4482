/**
 * A fake GitHub REST/GraphQL API for one pull request, #7 of acme/app (not a test file itself):
 * a small in-memory model of the PR's changed files, the files at its base and head commits and
 * its issue comments (list, create, update), answered through a recording `fetch` stub so every
 * request the action makes is kept in order. Nothing touches the network.
 *
 * Routes (GitHub REST API docs): `GET /repos/{o}/{r}/pulls/{n}` (the PR's current head),
 * `GET …/pulls/{n}/files`, `GET …/contents/{path}?ref=…` (base64 file), `GET|POST
 * …/issues/{n}/comments`, `PATCH …/issues/comments/{id}`, and `POST /graphql` (the viewer).
 * Anything else is a 404 `Not Found`, as GitHub answers.
 */
import { stubFetch, type RecordedRequest, type StubAnswer } from '../github/stub-fetch.js'

/** The pull request every fake serves: its repository, number, branches and commits. */
export const PR = {
  repo: 'acme/app',
  number: 7,
  baseRef: 'main',
  headRef: 'change',
  baseSha: 'a'.repeat(40),
  headSha: 'b'.repeat(40)
} as const

/** A file of the PR as `GET …/pulls/{n}/files` lists it. */
export interface ChangedFile {
  filename: string
  /** `added`, `modified`, `removed`, `renamed`, … (GitHub's `status`). */
  status: string
  previous_filename?: string
}

/** An issue comment as GitHub returns it (the fields the action reads). */
export interface FakeComment {
  id: number
  body: string
  user: { login: string; type: string }
}

/** What the fake knows about the PR; every field is optional. */
export interface FakeGitHubOptions {
  /** Files on the base commit, by path: served at `ref=` the base SHA or the base branch. */
  base?: Record<string, string>
  /** Files on the head commit, by path: served at `ref=` the head SHA (pull_request_target). */
  head?: Record<string, string>
  /**
   * The PR's changed files. A bare path is `modified` when `base` has it, else `added`.
   * Not given: listing the files answers 404 (the fake does not know them).
   */
  changed?: (string | ChangedFile)[]
  /** The PR's current head SHA (`GET pulls/7`); not given: 404. */
  currentHead?: string
  /** Comments already on the PR, oldest first. */
  comments?: FakeComment[]
  /** The id of the first comment created (each next one adds 1); default 100. */
  firstCommentId?: number
  /** Status of every comment write (403: a fork PR's read-only token); default: writes work. */
  commentWriteStatus?: number
  /** Status of every contents read (e.g. 500: GitHub failing); default: served from the model. */
  contentsStatus?: number
  /** API path prefix (`/api/v3` on GHES); requests outside it answer 404. Default `''`. */
  prefix?: string
}

/** The fake API: its `fetch`, the requests it received, and the PR's comments as they are now. */
export interface FakeGitHub {
  /** A `fetch` for Octokit (`createOctokit({ fetch })`). */
  fetch: typeof fetch
  /** Every request, in order. */
  calls: RecordedRequest[]
  /** The PR's comments, kept up to date by POST and PATCH. */
  comments: FakeComment[]
}

const REPO = `/repos/${PR.repo}`

/** A contents API answer for a file (base64, as GitHub sends files up to 1 MB). */
function contentAnswer(file: string, text: string): StubAnswer {
  return {
    body: {
      type: 'file',
      path: file,
      size: Buffer.byteLength(text),
      encoding: 'base64',
      content: Buffer.from(text).toString('base64')
    }
  }
}

/** The changed-files list with each bare path given its status (`modified` if on the base). */
function changedFiles(options: FakeGitHubOptions): ChangedFile[] | undefined {
  return options.changed?.map((f) =>
    typeof f === 'string'
      ? { filename: f, status: options.base && f in options.base ? 'modified' : 'added' }
      : f
  )
}

/**
 * A fake GitHub API for PR #7 of acme/app holding `options` (see `FakeGitHubOptions`). The
 * returned `comments` array is the live model: tests read it to see what the action wrote.
 */
export function fakeGitHub(options: FakeGitHubOptions = {}): FakeGitHub {
  const prefix = options.prefix ?? ''
  const changed = changedFiles(options)
  const comments: FakeComment[] = [...(options.comments ?? [])]
  let nextId = options.firstCommentId ?? 100
  const commentUrl = (id: number | string) =>
    `https://github.com/${PR.repo}/pull/${PR.number}#issuecomment-${id}`
  const stub = stubFetch((req): StubAnswer => {
    const url = new URL(req.url)
    if (!url.pathname.startsWith(prefix)) return { status: 404, body: { message: 'wrong host' } }
    const route = url.pathname.slice(prefix.length)
    const { method } = req
    if (route === '/graphql') return { body: { data: { viewer: { login: 'github-actions' } } } }
    if (route === `${REPO}/pulls/${PR.number}` && method === 'GET' && options.currentHead) {
      return { body: { number: PR.number, head: { sha: options.currentHead } } }
    }
    if (route === `${REPO}/pulls/${PR.number}/files` && method === 'GET' && changed) {
      return { body: url.searchParams.get('page') === '2' ? [] : changed }
    }
    const content = new RegExp(`^${REPO}/contents/(.+)$`).exec(route)
    if (content && method === 'GET') {
      if (options.contentsStatus) {
        return { status: options.contentsStatus, body: { message: 'Server Error' } }
      }
      const file = decodeURIComponent(content[1]!)
      const ref = url.searchParams.get('ref')
      const files =
        ref === PR.baseSha || ref === PR.baseRef
          ? options.base
          : ref === PR.headSha
            ? options.head
            : undefined
      const text = files?.[file]
      if (text === undefined) return { status: 404, body: { message: 'Not Found' } }
      return contentAnswer(file, text)
    }
    const issueComments = `${REPO}/issues/${PR.number}/comments`
    if (route === issueComments && method === 'GET') return { body: comments }
    if (options.commentWriteStatus && (method === 'POST' || method === 'PATCH')) {
      return {
        status: options.commentWriteStatus,
        body: { message: 'Resource not accessible by integration' }
      }
    }
    if (route === issueComments && method === 'POST') {
      const body = (req.body as { body: string }).body
      const created = { id: nextId++, body, user: { login: 'github-actions[bot]', type: 'Bot' } }
      comments.push(created)
      return { status: 201, body: { ...created, html_url: commentUrl(created.id) } }
    }
    const update = new RegExp(`^${REPO}/issues/comments/(\\d+)$`).exec(route)
    if (update && method === 'PATCH') {
      const target = comments.find((c) => c.id === Number(update[1]))
      if (target) target.body = (req.body as { body: string }).body
      return { body: { ...target, html_url: commentUrl(update[1]!) } }
    }
    return { status: 404, body: { message: 'Not Found' } }
  })
  return { ...stub, comments }
}

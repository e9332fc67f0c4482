import { describe, expect, it } from '@jest/globals'
import {
  ChangedFilesError,
  MAX_COMPARE_FILES,
  MAX_PULL_FILES,
  listComparedFiles,
  listPullRequestFiles
} from '../../src/github/changed-files.js'
import { createOctokit } from '../../src/github/octokit.js'
import { stubFetch, type StubAnswer } from './stub-fetch.js'

const API = 'https://api.github.com'
const BASE_SHA = 'a'.repeat(40)
const HEAD_SHA = 'b'.repeat(40)

interface RawFile {
  filename: unknown
  status: unknown
  previous_filename?: unknown
}

const modified = (i: number): RawFile => ({ filename: `src/file-${i}.ts`, status: 'modified' })

/** A fake `GET /repos/o/r/pulls/7/files` serving `files` 100 per page with `link` headers. */
function pullFiles(files: unknown[], override?: () => StubAnswer | undefined) {
  return stubFetch((req) => {
    const custom = override?.()
    if (custom) return custom
    const url = new URL(req.url)
    if (req.method !== 'GET' || url.pathname !== '/repos/o/r/pulls/7/files') {
      return { status: 599, body: { message: `unexpected ${req.method} ${req.url}` } }
    }
    const perPage = Number(url.searchParams.get('per_page') ?? '30')
    const page = Number(url.searchParams.get('page') ?? '1')
    const pages = Math.max(1, Math.ceil(files.length / perPage))
    const headers =
      page < pages
        ? {
            link: `<${API}/repos/o/r/pulls/7/files?per_page=${perPage}&page=${page + 1}>; rel="next"`
          }
        : undefined
    return { body: files.slice((page - 1) * perPage, page * perPage), headers }
  })
}

/** A fake compare endpoint answering `body` for `o/r` BASE...HEAD. */
function compare(body: unknown) {
  return stubFetch((req) => {
    const url = new URL(req.url)
    if (url.pathname !== `/repos/o/r/compare/${BASE_SHA}...${HEAD_SHA}`) {
      return { status: 599, body: { message: `unexpected ${req.method} ${req.url}` } }
    }
    return { body }
  })
}

const client = (fetch: typeof globalThis.fetch) =>
  createOctokit({ token: 'ghs_test', fetch, env: {}, throttle: false, retryAfterBaseMs: 1 })

const pull = { owner: 'o', repo: 'r', pullNumber: 7 }
const commits = { owner: 'o', repo: 'r', baseSha: BASE_SHA, headSha: HEAD_SHA }

describe('listPullRequestFiles', () => {
  it('follows the pages of 100 and maps statuses and rename sources', async () => {
    const files: RawFile[] = Array.from({ length: 250 }, (_, i) => modified(i))
    files[0] = { filename: '.mcp.json', status: 'added' }
    files[120] = {
      filename: 'configs/mcp.json',
      status: 'renamed',
      previous_filename: 'old/mcp.json'
    }
    files[249] = { filename: '.vscode/mcp.json', status: 'removed' }
    const gh = pullFiles(files)
    const listed = await listPullRequestFiles(client(gh.fetch), pull)
    expect(listed.complete).toBe(true)
    expect(listed.files).toHaveLength(250)
    expect(listed.files[0]).toEqual({ path: '.mcp.json', status: 'added', previousPath: null })
    expect(listed.files[1]).toEqual({
      path: 'src/file-1.ts',
      status: 'modified',
      previousPath: null
    })
    expect(listed.files[120]).toEqual({
      path: 'configs/mcp.json',
      status: 'renamed',
      previousPath: 'old/mcp.json'
    })
    expect(listed.files[249]).toEqual({
      path: '.vscode/mcp.json',
      status: 'removed',
      previousPath: null
    })
    expect(gh.calls.map((c) => new URL(c.url).searchParams.get('page') ?? '1')).toEqual([
      '1',
      '2',
      '3'
    ])
    expect(gh.calls.every((c) => new URL(c.url).searchParams.get('per_page') === '100')).toBe(true)
  })

  it('is complete just below GitHub’s cap of 3,000 files and incomplete at it', async () => {
    const below = await listPullRequestFiles(
      client(pullFiles(Array.from({ length: MAX_PULL_FILES - 1 }, (_, i) => modified(i))).fetch),
      pull
    )
    expect(below.files).toHaveLength(2999)
    expect(below.complete).toBe(true)

    const gh = pullFiles(Array.from({ length: MAX_PULL_FILES }, (_, i) => modified(i)))
    const atCap = await listPullRequestFiles(client(gh.fetch), pull)
    expect(atCap.files).toHaveLength(3000)
    expect(atCap.complete).toBe(false)
    expect(gh.calls).toHaveLength(30)
  })

  it('an empty pull request lists no files and is complete', async () => {
    const listed = await listPullRequestFiles(client(pullFiles([]).fetch), pull)
    expect(listed).toEqual({ files: [], complete: true })
  })

  it('throws ChangedFilesError naming a malformed entry (unknown status, missing name)', async () => {
    const badStatus = pullFiles([modified(0), { filename: 'x.json', status: 'exploded' }])
    const promise = listPullRequestFiles(client(badStatus.fetch), pull)
    await expect(promise).rejects.toThrow(ChangedFilesError)
    await expect(promise).rejects.toThrow(/^pull request file #2 is malformed: .*status/s)

    const noName = pullFiles([{ filename: '', status: 'added' }])
    await expect(listPullRequestFiles(client(noName.fetch), pull)).rejects.toThrow(
      /pull request file #1 is malformed: .*filename/s
    )
  })

  it('lets an API error through with its HTTP status', async () => {
    const gh = pullFiles([], () => ({ status: 404, body: { message: 'Not Found' } }))
    await expect(listPullRequestFiles(client(gh.fetch), pull)).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('Not Found') as unknown
    })
    expect(gh.calls).toHaveLength(1)
  })

  it('retries a server error, then lets it through with its status', async () => {
    const gh = pullFiles([], () => ({ status: 502, body: { message: 'Bad Gateway' } }))
    const error = (await listPullRequestFiles(client(gh.fetch), pull).catch((e: unknown) => e)) as {
      status?: number
    }
    expect(error).not.toBeInstanceOf(ChangedFilesError)
    expect(error.status).toBe(502)
    // One attempt plus the retry plugin's 3 retries.
    expect(gh.calls).toHaveLength(4)
  })
})

describe('listComparedFiles', () => {
  it('asks the compare API for base...head and maps its files', async () => {
    const gh = compare({
      total_commits: 2,
      files: [
        { filename: '.mcp.json', status: 'modified' },
        { filename: 'b/mcp.json', status: 'renamed', previous_filename: 'a/mcp.json' },
        { filename: 'README.md', status: 'added' }
      ]
    })
    const listed = await listComparedFiles(client(gh.fetch), commits)
    expect(listed).toEqual({
      complete: true,
      files: [
        { path: '.mcp.json', status: 'modified', previousPath: null },
        { path: 'b/mcp.json', status: 'renamed', previousPath: 'a/mcp.json' },
        { path: 'README.md', status: 'added', previousPath: null }
      ]
    })
    expect(gh.calls).toHaveLength(1)
    expect(gh.calls[0]!.method).toBe('GET')
    expect(new URL(gh.calls[0]!.url).pathname).toBe(`/repos/o/r/compare/${BASE_SHA}...${HEAD_SHA}`)
  })

  it('is incomplete at GitHub’s cap of 300 files, complete below it', async () => {
    const files = (n: number) => Array.from({ length: n }, (_, i) => modified(i))
    const atCap = await listComparedFiles(
      client(compare({ files: files(MAX_COMPARE_FILES) }).fetch),
      commits
    )
    expect(atCap.files).toHaveLength(300)
    expect(atCap.complete).toBe(false)
    const below = await listComparedFiles(client(compare({ files: files(299) }).fetch), commits)
    expect(below.complete).toBe(true)
  })

  it('an empty file list is no change, complete', async () => {
    const listed = await listComparedFiles(client(compare({ files: [] }).fetch), commits)
    expect(listed).toEqual({ files: [], complete: true })
  })

  it('an answer without a file list is an unknown list, never an empty one', async () => {
    await expect(
      listComparedFiles(client(compare({ status: 'ahead', ahead_by: 1 }).fetch), commits)
    ).rejects.toThrow(new ChangedFilesError('the compare answer has no file list'))
  })

  it('throws ChangedFilesError for an answer that is not an object or has a bad entry', async () => {
    await expect(listComparedFiles(client(compare('oops').fetch), commits)).rejects.toThrow(
      new ChangedFilesError('the compare answer has no file list')
    )
    await expect(
      listComparedFiles(client(compare({ files: 'not a list' }).fetch), commits)
    ).rejects.toThrow(ChangedFilesError)
    await expect(
      listComparedFiles(client(compare({ files: [{ filename: 'x' }] }).fetch), commits)
    ).rejects.toThrow(/compared file #1 is malformed/)
  })

  it('lets an API error through with its status', async () => {
    const gh = stubFetch(() => ({ status: 404, body: { message: 'No common ancestor' } }))
    await expect(listComparedFiles(client(gh.fetch), commits)).rejects.toMatchObject({
      status: 404
    })
  })
})

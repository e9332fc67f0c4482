/**
 * The shared harness for tests that drive the action's `run()` (not a test file itself): the
 * recording `@actions/core` mock (`./actions-core.ts`), the fake GitHub API of PR #7
 * (`./fake-github.ts`) wired into Octokit, the runner environment (`./action-environment.ts`),
 * and one call that runs the action on the PR and collects everything it produced.
 *
 * Use at the top level of a test file, before anything imports `src/main.js`:
 *
 *     const action = await loadAction()
 *     const { core, run } = action
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { jest } from '@jest/globals'
import type { CacheService } from '../../src/github/actions-cache.js'
import type { OctokitFactory } from '../../src/github/octokit.js'
import type { ActionDeps } from '../../src/main.js'
import type { RecordedRequest } from '../github/stub-fetch.js'
import { enterActionEnvironment } from './action-environment.js'
import { mockActionsCore, type CoreCall, type CoreMock } from './actions-core.js'
import {
  fakeGitHub,
  PR,
  type ChangedFile,
  type FakeGitHub,
  type FakeGitHubOptions
} from './fake-github.js'

/** A fake GitHub API with the Octokit factory `run()` takes (`ActionDeps.octokitFactory`). */
export interface ActionGitHub extends FakeGitHub {
  /**
   * Builds the action's Octokit on the fake's `fetch`, with client-side throttling off and retry
   * waits shrunk to 0 ms (the fake never rate-limits).
   */
  factory: OctokitFactory
}

/** Options of `runOnPullRequest`. */
export interface PullRequestRunOptions {
  /** The workspace (the PR's checkout); the run's files go into it. */
  workspace: string
  /** The PR's changed files (a bare path: `modified` when `base` has it, else `added`). */
  changed: (string | ChangedFile)[]
  /** Files on the base commit, by path. Default none. */
  base?: Record<string, string>
  /** Inputs by name over the defaults (`DEFAULT_INPUTS`, and `comment: always`). */
  inputs?: Record<string, string | undefined>
  /** The Actions cache service; default: `run()`'s own. */
  cacheService?: CacheService
}

/** Everything one `run()` produced. */
export interface PullRequestRun {
  /** Every recorded `@actions/core` call (log, annotations, outputs, secrets), in order. */
  calls: CoreCall[]
  /** The job summary file. */
  summary: string
  /** The bodies of the PR's comments after the run. */
  comments: string[]
  /** Every request made to the GitHub API. */
  requests: RecordedRequest[]
  /** The JSON report file (output `report-path`); `''` when none was written. */
  report: string
  /** The SARIF file (output `sarif-path`); `''` when none was written. */
  sarif: string
  /** What was written to the process's stdout and stderr directly. */
  stdio: string
}

/** The action under test, its `@actions/core` mocked. */
export interface ActionUnderTest {
  /** The recording `@actions/core` mock. */
  core: CoreMock
  /** The action's entry point (`src/main.ts`). */
  run: (deps?: ActionDeps) => Promise<void>
  /** A fake GitHub API for PR #7 (see `FakeGitHubOptions`) with its Octokit factory. */
  github(options?: FakeGitHubOptions): ActionGitHub
  /**
   * Run the action once on PR #7 of acme/app (a `pull_request` event with base and head SHAs,
   * the head being the PR's current head) in `options.workspace`, stdout and stderr captured;
   * `process.env` is restored afterwards, whatever happens.
   */
  runOnPullRequest(options: PullRequestRunOptions): Promise<PullRequestRun>
}

/**
 * Install the `@actions/core` mock, then import the action (`src/main.ts`) and the Octokit
 * factory, in that order (ESM: a module mock only affects later imports). Call once, at the top
 * level of a test file, before anything else imports `src/main.js`.
 */
export async function loadAction(): Promise<ActionUnderTest> {
  const core = mockActionsCore()
  const { run } = await import('../../src/main.js')
  const { createOctokit } = await import('../../src/github/octokit.js')

  const github = (options?: FakeGitHubOptions): ActionGitHub => {
    const fake = fakeGitHub(options)
    return {
      ...fake,
      factory: (o) =>
        createOctokit({ ...o, fetch: fake.fetch, throttle: false, retryAfterBaseMs: 0 })
    }
  }

  const runOnPullRequest = async (options: PullRequestRunOptions): Promise<PullRequestRun> => {
    const { workspace, base = {} } = options
    const restore = enterActionEnvironment(workspace, {
      inputs: { comment: 'always', ...options.inputs }
    })
    const fake = github({ changed: options.changed, base, currentHead: PR.headSha })
    let stdio = ''
    const capture = (chunk: unknown): boolean => {
      stdio += String(chunk)
      return true
    }
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture)
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture)
    try {
      await run({
        octokitFactory: fake.factory,
        ...(options.cacheService ? { cacheService: options.cacheService } : {})
      })
    } finally {
      out.mockRestore()
      err.mockRestore()
      restore()
    }
    const read = (file: string): string => (file ? readFileSync(file, 'utf8') : '')
    return {
      calls: core.calls(),
      summary: readFileSync(path.join(workspace, 'summary.md'), 'utf8'),
      comments: fake.comments.map((c) => c.body),
      requests: fake.calls,
      report: read(core.output('report-path')),
      sarif: read(core.output('sarif-path')),
      stdio
    }
  }

  return { core, run, github, runOnPullRequest }
}

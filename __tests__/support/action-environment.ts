/**
 * The runner environment of the action for tests of `run()` (not a test file itself): a
 * workspace directory, the `GITHUB_*` variables and event payload a workflow run provides, and
 * the action's inputs as `INPUT_*` variables (GitHub Actions docs, "Variables" and "Metadata
 * syntax: inputs"), all undone afterwards.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll } from '@jest/globals'
import nock from 'nock'
import { forgetSummaryFile } from './actions-core.js'
import { PR } from './fake-github.js'

/** The job's run id (`GITHUB_RUN_ID`): job links read `…/actions/runs/4242`. */
export const RUN_ID = '4242'

/**
 * Inputs every run gets unless a test overrides them: production, a fake token, no retries, no
 * advisory database and no Actions cache (each would need more fakes).
 */
export const DEFAULT_INPUTS: Readonly<Record<string, string>> = {
  environment: 'production',
  'github-token': 'ghs_test_token_not_real',
  retries: '0',
  'advisory-url': 'off',
  cache: 'false'
}

/** Options of `pullRequestEvent`. */
export interface PullRequestEventOptions {
  /** The head is another repository (a fork PR). Default false. */
  fork?: boolean
  /** The payload carries the base and head SHAs, as GitHub's does. Default true. */
  shas?: boolean
}

/** The `pull_request` event payload of PR #7 of acme/app (the fields the action reads). */
export function pullRequestEvent(options: PullRequestEventOptions = {}): object {
  const shas = options.shas ?? true
  return {
    pull_request: {
      number: PR.number,
      base: {
        ref: PR.baseRef,
        ...(shas ? { sha: PR.baseSha } : {}),
        repo: { full_name: PR.repo }
      },
      head: {
        ref: PR.headRef,
        ...(shas ? { sha: PR.headSha } : {}),
        repo: { full_name: options.fork ? 'mallory/app' : PR.repo }
      }
    }
  }
}

/** Write `payload` to `<workspace>/event.json` and point `GITHUB_EVENT_PATH` at it. */
export function writeEvent(workspace: string, payload: object): void {
  const event = path.join(workspace, 'event.json')
  writeFileSync(event, JSON.stringify(payload))
  process.env.GITHUB_EVENT_PATH = event
}

/**
 * Set inputs as the runner does: `INPUT_<NAME>` with the name upper-cased (`@actions/core`
 * `getInput`); `undefined` removes one.
 */
export function setInputs(inputs: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(inputs)) {
    const key = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
}

/** Options of `enterActionEnvironment`. */
export interface ActionEnvironmentOptions {
  /** Inputs by name (`grader-url`), over `DEFAULT_INPUTS`; `undefined` leaves one unset. */
  inputs?: Record<string, string | undefined>
  /** The event payload; default `pullRequestEvent()`. */
  event?: object
  /** `GITHUB_EVENT_NAME`; default `pull_request`. */
  eventName?: string
}

/**
 * Make `process.env` what the runner gives the action in the directory `workspace`: the
 * `GITHUB_*` variables of a github.com run of acme/app, the event written to
 * `<workspace>/event.json`, an empty job summary file `<workspace>/summary.md`, `RUNNER_TEMP` at
 * `<workspace>/tmp` (created), and only the given inputs (every other `INPUT_*` is removed).
 * Also makes `core.summary` read the new summary path. Returns the function that restores
 * `process.env` as it was; the caller removes the workspace.
 */
export function enterActionEnvironment(
  workspace: string,
  options: ActionEnvironmentOptions = {}
): () => void {
  const saved = { ...process.env }
  writeFileSync(path.join(workspace, 'summary.md'), '')
  mkdirSync(path.join(workspace, 'tmp'), { recursive: true })
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('INPUT_')) delete process.env[key]
  }
  Object.assign(process.env, {
    GITHUB_EVENT_NAME: options.eventName ?? 'pull_request',
    GITHUB_REPOSITORY: PR.repo,
    GITHUB_WORKSPACE: workspace,
    GITHUB_BASE_REF: PR.baseRef,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_RUN_ID: RUN_ID,
    GITHUB_STEP_SUMMARY: path.join(workspace, 'summary.md'),
    RUNNER_TEMP: path.join(workspace, 'tmp')
  })
  setInputs({ ...DEFAULT_INPUTS, ...options.inputs })
  writeEvent(workspace, options.event ?? pullRequestEvent())
  forgetSummaryFile()
  return () => {
    process.env = saved
  }
}

/**
 * Register hooks that keep the test file off the network: nock refuses any request it was not
 * told to answer (from the first test to the last) and forgets its interceptors after each test.
 */
export function useNoNetwork(): void {
  beforeAll(() => {
    nock.disableNetConnect()
  })
  afterEach(() => {
    nock.cleanAll()
  })
  afterAll(() => {
    nock.enableNetConnect()
  })
}

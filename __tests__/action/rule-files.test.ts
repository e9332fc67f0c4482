/**
 * `baseRuleFile`: a rule file read from the pull request's base branch through the contents API
 * (every default name at once, bounded), with the same answer and the same error as reading the
 * names one by one. The GitHub API is a recording `fetch` stub; nothing touches the network.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import type { GitHubContext } from '../../src/github/context.js'
import { createOctokit } from '../../src/github/octokit.js'
import { stubFetch, type StubAnswer } from '../github/stub-fetch.js'
import { mockActionsCore } from '../support/actions-core.js'

const core = mockActionsCore()
const { baseRuleFile, RULE_FILES } = await import('../../src/action/rule-files.js')
const { UsageError } = await import('../../src/gate.js')

const POLICY_NAMES = RULE_FILES.policy.names

/** The Actions context of PR #7 of acme/app, based on `main`. */
function context(): GitHubContext {
  return {
    eventName: 'pull_request',
    repository: { owner: 'acme', repo: 'app' },
    pullRequest: {
      number: 7,
      baseRef: 'main',
      headRepository: 'acme/app',
      fromFork: false,
      baseSha: 'a'.repeat(40),
      headSha: 'b'.repeat(40)
    },
    mergeGroup: null,
    baseRef: 'main',
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    runId: '1',
    runAttempt: 1,
    runUrl: null,
    workspace: null,
    sha: null,
    warnings: []
  }
}

/** A file as the contents API sends it. */
function file(text: string): StubAnswer {
  return {
    body: {
      type: 'file',
      size: Buffer.byteLength(text),
      encoding: 'base64',
      content: Buffer.from(text).toString('base64')
    }
  }
}

/**
 * An Octokit whose contents reads are answered by `answers` (by path; 404 otherwise), each after
 * `delayMs[path]` ms (default 0). Records the paths in the order their reads start, and the most
 * reads in flight at once.
 */
function api(answers: Record<string, StubAnswer>, delayMs: Record<string, number> = {}) {
  const stub = stubFetch((req) => {
    const m = /^\/repos\/acme\/app\/contents\/(.+)$/.exec(new URL(req.url).pathname)
    const answer = m ? answers[decodeURIComponent(m[1]!)] : undefined
    return answer ?? { status: 404, body: { message: 'Not Found' } }
  })
  const started: string[] = []
  let inFlight = 0
  let most = 0
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const m = /^\/repos\/acme\/app\/contents\/(.+)$/.exec(url.pathname)
    const name = m ? decodeURIComponent(m[1]!) : ''
    started.push(name)
    inFlight += 1
    most = Math.max(most, inFlight)
    try {
      await new Promise((resolve) => setTimeout(resolve, delayMs[name] ?? 0))
      return await stub.fetch(input, init)
    } finally {
      inFlight -= 1
    }
  }
  const octokit = createOctokit({
    token: 'ghs_test',
    fetch,
    env: {},
    throttle: false,
    retryAfterBaseMs: 1
  })
  return { octokit, started, most: () => most }
}

let cwd: string

beforeEach(() => {
  cwd = mkdtempSync(path.join(os.tmpdir(), 'rule-files-'))
})

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true })
})

describe('baseRuleFile', () => {
  it('reads every default name at once and returns the one the base branch has', async () => {
    const gh = api({ '.github/mcp-policy.yml': file('defaultEnvironment: development\n') })
    const found = await baseRuleFile(
      RULE_FILES.policy,
      undefined,
      context(),
      'base',
      gh.octokit,
      cwd
    )
    expect(found).toEqual({
      path: '.github/mcp-policy.yml',
      text: 'defaultEnvironment: development\n'
    })
    expect(gh.started).toEqual([...POLICY_NAMES])
    expect(gh.most()).toBe(POLICY_NAMES.length)
    expect(core.info).toHaveBeenCalledWith(
      'policy: .github/mcp-policy.yml from the base branch main'
    )
  })

  it('reports the first name that fails, in name order, even when a later one fails first', async () => {
    const [first, , third] = POLICY_NAMES
    const gh = api(
      {
        [first]: { status: 403, body: { message: 'first refused' } },
        [third]: { status: 403, body: { message: 'third refused' } }
      },
      { [first]: 40 }
    )
    const reading = baseRuleFile(RULE_FILES.policy, undefined, context(), 'base', gh.octokit, cwd)
    await expect(reading).rejects.toThrow(UsageError)
    await expect(reading).rejects.toThrow(
      /^could not read the policy file from the base branch main: could not read \.github\/mcp-policy\.json at main \(HTTP 403\): first refused/
    )
  })

  it('quotes only the first line of an API error', async () => {
    const gh = api({
      [POLICY_NAMES[0]]: {
        status: 403,
        body: { message: 'refused\n<html>a whole error page</html>' }
      }
    })
    const error = await baseRuleFile(
      RULE_FILES.policy,
      undefined,
      context(),
      'base',
      gh.octokit,
      cwd
    ).catch((e: unknown) => e as Error)
    expect(error).toBeInstanceOf(UsageError)
    const message = (error as Error).message
    expect(message).toContain('(HTTP 403): refused. Re-run the job')
    expect(message).not.toContain('whole error page')
    expect(message).not.toContain('\n')
  })

  it('still refuses two files of one kind on the base branch', async () => {
    const gh = api({ [POLICY_NAMES[0]]: file('{}'), [POLICY_NAMES[3]]: file('{}\n') })
    await expect(
      baseRuleFile(RULE_FILES.policy, undefined, context(), 'base', gh.octokit, cwd)
    ).rejects.toThrow(
      'the base branch main has 2 policy files (.github/mcp-policy.json, .github/mcp-policy.yaml): keep one'
    )
  })
})

/**
 * The rule files of a pull request run (policy, registry, exceptions) read from the base branch,
 * so a pull request is judged by the rules it is merged into (action.yml `policy-source`), and
 * paths of the checkout as repository paths.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import * as core from '@actions/core'
import type { Octokit } from '@octokit/rest'
import { UsageError } from '../gate.js'
import { limitedFileReader } from '../github/base-file.js'
import type { GitHubContext } from '../github/context.js'
import { errorLine } from '../github/error-line.js'
import { EXCEPTIONS_FILE_NAMES } from '../policy/exceptions-file.js'
import { POLICY_FILE_NAMES } from '../policy/load.js'
import { REGISTRY_FILE_NAMES } from '../policy/registry-file.js'

/** A rule file the action reads from the base branch on pull requests. */
export interface RuleFileKind {
  /** For messages: `policy`, `registry`, `exceptions`. */
  label: string
  /** The default names, relative to the repository root. */
  names: readonly string[]
  /** What applies when the base branch has no such file. */
  absent: string
}

/** The three rule files: their default names and what applies without one. */
export const RULE_FILES = {
  policy: {
    label: 'policy',
    names: POLICY_FILE_NAMES,
    absent: 'the built-in default policy applies'
  },
  registry: {
    label: 'registry',
    names: REGISTRY_FILE_NAMES,
    absent: 'no registry checks'
  },
  exceptions: {
    label: 'exceptions',
    names: EXCEPTIONS_FILE_NAMES,
    absent: 'no exceptions apply'
  }
} satisfies Record<string, RuleFileKind>

/**
 * On a pull request, a rule file (policy, registry, exceptions) as it is on the base branch: a
 * pull request must not be able to loosen the rules it is judged by, approve itself in the
 * registry or grant itself an exception. A change to the file in the PR itself is named in a
 * warning and takes effect once merged. Undefined (read the workspace) outside pull requests,
 * with `policy-source: workspace`, without a token, or for a file outside the checkout.
 * @throws UsageError when the base branch cannot be read (failing open could loosen the rules).
 */
export async function baseRuleFile(
  kind: RuleFileKind,
  given: string | undefined,
  context: GitHubContext,
  policySource: 'base' | 'workspace',
  octokit: Octokit | null,
  cwd: string
): Promise<{ path: string; text: string | null } | undefined> {
  const ref = context.pullRequest?.baseRef ?? context.baseRef
  const repository = context.repository
  if (policySource === 'workspace' || !octokit || !repository || !ref) {
    return undefined
  }
  const candidates = given ? [toRepoPath(cwd, given)] : [...kind.names]
  if (candidates[0] === null) return undefined // outside the checkout: read as given
  const paths = candidates as string[]
  let found: { path: string; text: string | null } = { path: paths[0]!, text: null }
  try {
    // Every candidate is read at once (bounded); the first failure in candidate order is the
    // one reported, as when they were read one by one.
    const read = limitedFileReader(octokit)
    const reads = await Promise.allSettled(
      paths.map((candidate) => read({ ...repository, path: candidate, ref }))
    )
    const present: { path: string; text: string }[] = []
    for (const [i, answer] of reads.entries()) {
      if (answer.status === 'rejected') throw answer.reason
      if (answer.value !== null) present.push({ path: paths[i]!, text: answer.value })
    }
    if (present.length > 1) {
      // The same rule as in the workspace: two files of one kind is an error, not a silent pick.
      throw new UsageError(
        `the base branch ${ref} has ${present.length} ${kind.label} files (${present.map((p) => p.path).join(', ')}): keep one`
      )
    }
    if (present[0]) found = present[0]
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(
      `could not read the ${kind.label} file from the base branch ${ref}: ${errorLine(error)}. Re-run the job, or set policy-source: workspace to use the checked-out files`,
      { cause: error }
    )
  }
  for (const candidate of paths) {
    const local = await readFile(path.join(cwd, candidate), 'utf8').catch(() => null)
    const atBase = candidate === found.path ? found.text : null
    if (local !== null && local !== atBase) {
      core.warning(
        `this pull request ${atBase === null ? 'adds' : 'changes'} ${candidate}; the gate applies the ${kind.label} file of the base branch ${ref} until the change is merged`
      )
    }
  }
  core.info(
    found.text === null
      ? `no ${kind.label} file on the base branch ${ref}: ${kind.absent}`
      : `${kind.label}: ${found.path} from the base branch ${ref}`
  )
  return found
}

/** Whether `file` is the checkout's root itself. */
export function isRoot(cwd: string, file: string): boolean {
  return path.resolve(cwd, file) === path.resolve(cwd)
}

/** `file` relative to the repository root (posix), or null when it is outside the checkout. */
export function toRepoPath(cwd: string, file: string): string | null {
  const relative = path.relative(cwd, path.resolve(cwd, file))
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null
  return relative.split(path.sep).join('/')
}

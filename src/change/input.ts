/**
 * What the gate is told about a change under review (issue 5, scope 1): the config files it
 * touches, their base versions, and where their head versions come from. The action builds it
 * from the GitHub API (`src/github/pr-scope.ts`); `gate()` reads, classifies and grades from it.
 */

/** The base side of one changed config file. */
export type BaseText =
  /** The file did not exist on the base commit. */
  | { kind: 'absent' }
  /** Its text on the base commit, at `path` (the base path differs from the head's for a rename). */
  | { kind: 'text'; path: string; text: string }
  /** It could not be read (`why`): its servers count as added, never as unchanged. */
  | { kind: 'unknown'; why: string }

/**
 * Where the head text of a changed config comes from: the workspace (the checkout is the head),
 * its text read elsewhere (the API at the head commit on `pull_request_target`, where the
 * checkout is the base), why it could not be read (the file is then invalid, which blocks), or
 * nothing (the change removes the file).
 */
export type HeadSource =
  | { kind: 'workspace' }
  | { kind: 'text'; text: string }
  | { kind: 'unreadable'; why: string }
  | { kind: 'none' }

/** One config file the change touches. */
export interface ChangedConfig {
  /** Repository-relative posix path on the head side (for a removed file, its base path). */
  path: string
  status: 'added' | 'modified' | 'removed'
  base: BaseText
  head: HeadSource
}

/** The change under review: only these config files are gated. */
export interface ChangeInput {
  configs: ChangedConfig[]
}

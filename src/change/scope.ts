/**
 * The `scope` input (issue 5): `all` (default) gates every server of a changed config file;
 * `changed` gates only servers the pull request added or changed, and reports unchanged ones
 * without blocking on them.
 */
import { z } from 'zod'
import { clip } from '../report/markdown.js'
import type { ChangeKind } from './types.js'

/** Values of the `scope` input (issue 5). */
export const CHANGE_SCOPES = ['all', 'changed'] as const
/** zod schema of a `scope` value (exact spelling; `parseChangeScope` reads input text). */
export const ChangeScopeSchema = z.enum(CHANGE_SCOPES)
export type ChangeScope = z.infer<typeof ChangeScopeSchema>

/**
 * Read the `scope` input: empty or absent is `all`; otherwise `all` or `changed`, case and
 * surrounding white space ignored.
 * @throws Error with a one-line message naming the input, the accepted values and what was
 *   given (cut to 40 characters), e.g. `scope must be "all" or "changed", got "everything"`.
 */
export function parseChangeScope(value: string | undefined): ChangeScope {
  const text = (value ?? '').trim().toLowerCase()
  if (text === '') return 'all'
  const parsed = ChangeScopeSchema.safeParse(text)
  if (parsed.success) return parsed.data
  const shown = clip(value!.trim(), 40)
  throw new Error(
    `scope must be "all" or "changed", got ${JSON.stringify(shown)}: set the input "scope" to ` +
      'one of them'
  )
}

/**
 * True when a server of this kind can block the check under `scope`: added and changed servers
 * always; unchanged ones only with `all`; removed ones never (they no longer run). Pure.
 */
export function blocksInScope(kind: ChangeKind, scope: ChangeScope): boolean {
  switch (kind) {
    case 'added':
    case 'changed':
      return true
    case 'unchanged':
      return scope === 'all'
    case 'removed':
      return false
  }
}

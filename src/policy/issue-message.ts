/**
 * zod issues of the policy file schema → what is wrong and what to do, in words, plus which part
 * of the file to point at (the key for unknown or invalid keys, else the value).
 */
import type { z } from 'zod'
import type { PathSegment } from './document.js'
import { closestName } from './suggest.js'

/** A located-to-be problem: where in the document, which part, and the text. */
export interface IssueProblem {
  /** Path of the node to point at (for an unknown key: the key itself). */
  path: PathSegment[]
  part: 'key' | 'value'
  message: string
}

/** `environments.production.floors.security`, `rules[0].environment`; `(top level)` for []. */
export function dottedPath(path: readonly PathSegment[]): string {
  let text = ''
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`
    else text += text === '' ? segment : `.${segment}`
  }
  return text
}

/** A short, safe rendering of a value found in the file (policy files hold no secrets). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  const text =
    typeof value === 'string'
      ? JSON.stringify(value)
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : typeof value
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}

const EXPECTED: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  string: 'a text string',
  object: 'an object (key: value pairs)',
  record: 'an object (key: value pairs)',
  array: 'a list'
}

/** Turn one zod issue (parsed with `reportInput: true`) into a problem for people. */
export function issueProblem(issue: z.core.$ZodIssue): IssueProblem {
  const path = issue.path.filter(
    (s): s is PathSegment => typeof s === 'string' || typeof s === 'number'
  )
  const got = `got ${describeValue(issue.input)}`
  switch (issue.code) {
    case 'unrecognized_keys':
      return { path: [...path, issue.keys[0] ?? ''], part: 'key', message: issue.message }
    case 'invalid_key': {
      const detail = issue.issues[0]?.message ?? issue.message
      const key = path[path.length - 1]
      return {
        path,
        part: 'key',
        message: `invalid name ${JSON.stringify(key)}: ${detail}. Rename it`
      }
    }
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected
      if (issue.input === undefined) {
        const key = path[path.length - 1]
        return {
          path,
          part: 'value',
          message: `missing required key ${JSON.stringify(key)}. Add it with ${expected}`
        }
      }
      return { path, part: 'value', message: `expected ${expected}, ${got}. Change the value` }
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v)).join(', ')
      const suggestion =
        typeof issue.input === 'string'
          ? closestName(
              issue.input,
              issue.values.filter((v): v is string => typeof v === 'string')
            )
          : null
      const hint = suggestion === null ? '' : ` (did you mean ${JSON.stringify(suggestion)}?)`
      return {
        path,
        part: 'value',
        message: `expected one of ${allowed}, ${got}${hint}. Use one of them`
      }
    }
    case 'too_small':
    case 'too_big':
      return { path, part: 'value', message: `${sizeMessage(issue)}, ${got}. Change the value` }
    case 'invalid_union':
    case 'invalid_format':
      return { path, part: 'value', message: `${issue.message}, ${got}. Change the value` }
    case 'custom':
      // A schema check may ask to point at the key (e.g. an environment missing "extends").
      return { path, part: issue.params?.part === 'key' ? 'key' : 'value', message: issue.message }
    default:
      return { path, part: 'value', message: issue.message }
  }
}

function sizeMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small'
  const limit = Number(small ? issue.minimum : issue.maximum)
  switch (issue.origin) {
    case 'array':
      return small
        ? `must have at least ${limit} entr${limit === 1 ? 'y' : 'ies'}`
        : `must have at most ${limit} entries`
    case 'string':
      return small ? 'must not be empty' : `must be at most ${limit} characters long`
    default:
      return small ? `must be at least ${limit}` : `must be at most ${limit}`
  }
}

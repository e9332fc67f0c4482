/** Shared helpers of the change-classification tests. */
import { classifyConfig } from '../../src/change/classify.js'
import type { ConfigChange, ServerChange } from '../../src/change/types.js'
import { parseConfig } from '../../src/config/parse.js'

/** Classify the head text against the base text (null: a new file), both read as `path`. */
export function classifyTexts(path: string, headText: string, baseText: string | null) {
  return classifyConfig(parseConfig(path, headText), baseText)
}

/** The server change named `name` (head servers first, then removed ones); throws if absent. */
export function serverNamed(change: ConfigChange, name: string): ServerChange {
  const found = [...change.servers, ...change.removed].find((s) => s.name === name)
  if (found === undefined) throw new Error(`no server named ${name}`)
  return found
}

/**
 * Every string a report could show from `change`: everything except the `head`/`base`
 * `ResolvedServer`s, which carry their raw config entry by design (like every ResolvedServer).
 */
export function shownStrings(change: ConfigChange): string[] {
  const out: string[] = []
  const walk = (value: unknown, key: string | null): void => {
    if (key === 'head' || key === 'base') return
    if (typeof value === 'string') out.push(value)
    else if (Array.isArray(value)) value.forEach((item) => walk(item, null))
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, k)
    }
  }
  walk(change, null)
  return out
}

/** `{kind per server name}` of head servers and removed ones, for compact assertions. */
export function kinds(change: ConfigChange): Record<string, string> {
  return Object.fromEntries([...change.servers, ...change.removed].map((s) => [s.name, s.kind]))
}

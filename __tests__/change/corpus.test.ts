import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { parse as parseJsonc, type ParseError } from 'jsonc-parser'
import { classifyConfig } from '../../src/change/classify.js'
import { parseConfig } from '../../src/config/parse.js'
import { CORPUS_DIR } from '../corpus.js'

/*
 * The real-world corpus (SPEC §3): every config classified against itself is unchanged, and so
 * is every config against a reformatted copy of itself (keys of every object in reverse order,
 * comments dropped, tabs for indentation): formatting and key order are not changes.
 */
const manifest = readFileSync(path.join(CORPUS_DIR, 'MANIFEST.tsv'), 'utf8')
  .split(/\r?\n/)
  .slice(1)
  .filter((line) => line.trim() !== '')
  .map((line) => line.split('\t'))
const logicalPath = new Map(manifest.map((cells) => [cells[0]!, cells[2]!]))
const files = readdirSync(CORPUS_DIR)
  .filter((name) => name !== 'MANIFEST.tsv')
  .sort()

function corpusConfig(file: string) {
  const text = readFileSync(path.join(CORPUS_DIR, file), 'utf8')
  const logical = logicalPath.get(file) ?? file
  return { text, logical, head: parseConfig(logical, text) }
}

/** `value` with the keys of every object in reverse order (arrays keep their order). */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).reverse()) {
    Object.defineProperty(out, key, {
      value: reversedKeys((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  return out
}

describe('corpus', () => {
  it('holds the 176 configs of the manifest', () => {
    expect(files).toHaveLength(176)
  })

  it('every config against itself is unchanged', () => {
    let withServers = 0
    for (const file of files) {
      const { text, head } = corpusConfig(file)
      const change = classifyConfig(head, text)
      if (head.error !== null) {
        expect({ file, status: change.status }).toEqual({ file, status: 'unknown' })
        continue
      }
      expect({ file, status: change.status, removed: change.removed.length }).toEqual({
        file,
        status: 'unchanged',
        removed: 0
      })
      expect(change.servers).toHaveLength(head.servers.length)
      for (const server of change.servers) {
        expect({ file, name: server.name, kind: server.kind, aspects: server.aspects }).toEqual({
          file,
          name: server.name,
          kind: 'unchanged',
          aspects: []
        })
      }
      if (head.servers.length > 0) withServers++
    }
    // nearly all real files have servers: the sweep must not pass by comparing nothing
    expect(withServers).toBeGreaterThan(150)
  })

  it('every JSON config against a reformatted, key-reversed copy of itself is unchanged', () => {
    let compared = 0
    for (const file of files) {
      const { text, logical, head } = corpusConfig(file)
      if (head.error !== null || /\.toml$/i.test(logical)) continue
      const errors: ParseError[] = []
      const value: unknown = parseJsonc(text, errors, { allowTrailingComma: true })
      if (errors.length > 0) continue
      const reformatted = JSON.stringify(reversedKeys(value), null, '\t')
      const change = classifyConfig(head, reformatted)
      const differing = change.servers
        .filter((s) => s.kind !== 'unchanged')
        .map((s) => [s.name, s.aspects.map((a) => a.aspect)])
      expect({ file, status: change.status, differing, removed: change.removed.length }).toEqual({
        file,
        status: 'unchanged',
        differing: [],
        removed: 0
      })
      compared += head.servers.length
    }
    expect(compared).toBeGreaterThan(300)
  })
})

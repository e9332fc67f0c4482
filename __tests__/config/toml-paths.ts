/**
 * Test helper: the positions `scanTomlPaths` finds, flattened to a map keyed by `pathKey` of each
 * path (`["a","b c","list","1"]`), so tests look positions up by their whole path. Every key
 * holds its whole path, so the map grows with the square of the nesting depth: for small test
 * documents only (`parseToml` reads the tree).
 */
import type { LineIndex } from '../../src/config/lines.js'
import { scanTomlPaths, type TomlPathNode } from '../../src/config/toml-positions.js'
import type { SourceLocation } from '../../src/config/types.js'

/** Where each key and array element of the TOML `text` is written, by `pathKey` of its path. */
export function locateTomlPaths(text: string, lines: LineIndex): Map<string, SourceLocation> {
  const positions = new Map<string, SourceLocation>()
  const stack: Array<{ node: TomlPathNode; path: string[] }> = [
    { node: scanTomlPaths(text, lines).root, path: [] }
  ]
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (next.node.location !== undefined) positions.set(pathKey(next.path), next.node.location)
    for (const [key, child] of next.node.keys ?? []) {
      stack.push({ node: child, path: [...next.path, key] })
    }
    next.node.items?.forEach((child, index) => {
      stack.push({ node: child, path: [...next.path, String(index)] })
    })
  }
  return positions
}

/** The map key for a path of table keys and array indexes. */
export function pathKey(path: readonly string[]): string {
  return JSON.stringify(path)
}

/**
 * Reading ESTree nodes for the tool extraction (`js-declared-tools.ts`) on top of the source
 * analysis's node helpers (`source/js-ast.ts`: `walk`, `unwrap`, `keyName`): object literal
 * property lookup by static key, and a node's line only when the parser recorded one.
 */
import type { Node, ObjectExpression } from 'estree'
import { keyName } from '../source/js-ast.js'

/**
 * 1-based line where `node` starts, when the parser recorded it; undefined otherwise (unlike
 * `lineOf` in `source/js-ast.ts`, which falls back to 1).
 */
export function recordedLineOf(node: Node): number | undefined {
  const line = node.loc?.start.line
  return typeof line === 'number' && Number.isInteger(line) && line >= 1 ? line : undefined
}

/**
 * The plain `key: value` properties of an object literal, in order, with their static keys
 * (`keyName`: identifiers, string, template and number literals; spreads, methods,
 * getters/setters and dynamic keys are left out). A later duplicate key wins, as in JavaScript.
 */
export function staticProperties(object: ObjectExpression): Map<string, Node> {
  const properties = new Map<string, Node>()
  for (const property of object.properties) {
    if (property.type !== 'Property' || property.kind !== 'init' || property.method) continue
    const key = keyName(property)
    if (key !== null) properties.set(key, property.value)
  }
  return properties
}

/**
 * Reading ESTree nodes for the tool extraction (`js-declared-tools.ts`) on top of the source
 * analysis's node helpers (`source/js-ast.ts`: `walk`, `unwrap`): object literal property lookup
 * by static key, and a node's line only when the parser recorded one.
 */
import type { Node, ObjectExpression, Property } from 'estree'
import { unwrap } from '../source/js-ast.js'

/** 1-based line where `node` starts, when the parser recorded it. */
export function lineOf(node: Node): number | undefined {
  const line = node.loc?.start.line
  return typeof line === 'number' && Number.isInteger(line) && line >= 1 ? line : undefined
}

/**
 * The static key of an object property: an identifier (`{ name: … }`), a string or number
 * literal (`{ 'name': … }`), or a computed string literal (`{ ['name']: … }`); otherwise
 * undefined (a computed, dynamic key).
 */
export function propertyKey(property: Property): string | undefined {
  const key = unwrap(property.key)
  if (!property.computed && key.type === 'Identifier') return key.name
  if (key.type === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number')) {
    return String(key.value)
  }
  if (key.type === 'TemplateLiteral' && key.expressions.length === 0) {
    return key.quasis[0]?.value.cooked ?? undefined
  }
  return undefined
}

/**
 * The plain `key: value` properties of an object literal, in order, with their static keys
 * (spreads, methods, getters/setters and dynamic keys are left out). A later duplicate key wins,
 * as in JavaScript.
 */
export function staticProperties(object: ObjectExpression): Map<string, Node> {
  const properties = new Map<string, Node>()
  for (const property of object.properties) {
    if (property.type !== 'Property' || property.kind !== 'init' || property.method) continue
    const key = propertyKey(property)
    if (key !== undefined) properties.set(key, property.value)
  }
  return properties
}

/**
 * Reading ESTree nodes for the tool extraction (`js-declared-tools.ts`): a depth-first walk that
 * works on both parsers' output (meriyah; `@babel/parser` with its `estree` plugin, whose
 * TypeScript nodes such as `TSAsExpression` are not in `@types/estree`), unwrapping of
 * expressions that do not change a value (`x as const`, `x!`, `(x)`, `x satisfies T`), and object
 * literal property lookup by static key.
 */
import type { Node, ObjectExpression, Property } from 'estree'

/** Largest number of nodes one `walk` visits (a guard against pathological bundles). */
export const MAX_WALKED_NODES = 2_000_000

/** Keys of parser nodes that hold positions or comments, never child nodes worth visiting. */
const SKIPPED_KEYS = new Set(['loc', 'range', 'start', 'end', 'extra', 'comments', 'tokens'])

/**
 * Visit `root` and every node below it, depth first, parents before children. `visit` returns
 * `false` to skip a node's children. Stops after `MAX_WALKED_NODES` nodes. Never throws on odd
 * shapes: anything that is not an object with a string `type` is ignored.
 */
export function walk(root: Node, visit: (node: Node) => boolean | void): void {
  const stack: unknown[] = [root]
  let visited = 0
  while (stack.length > 0 && visited < MAX_WALKED_NODES) {
    const current = stack.pop()
    if (!isNode(current)) continue
    visited += 1
    if (visit(current) === false) continue
    const record = current as unknown as Record<string, unknown>
    const children: unknown[] = []
    for (const key of Object.keys(record)) {
      if (SKIPPED_KEYS.has(key) || key.endsWith('Comments')) continue
      const value = record[key]
      if (Array.isArray(value)) children.push(...(value as unknown[]))
      else if (isNode(value)) children.push(value)
    }
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i])
  }
}

/** True for a parser node (an object with a string `type`). */
export function isNode(value: unknown): value is Node {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  )
}

/** The node type as a plain string (TypeScript node types included). */
export function typeOf(node: Node): string {
  return (node as { type: string }).type
}

/** TypeScript and grouping wrappers whose `expression` holds the same value. */
const TRANSPARENT = new Set([
  'TSAsExpression',
  'TSSatisfiesExpression',
  'TSNonNullExpression',
  'TSTypeAssertion',
  'TSInstantiationExpression',
  'ParenthesizedExpression',
  'ChainExpression'
])

/** `node` without value-preserving wrappers (`x as const`, `x!`, `(x)`, `<T>x`, `a?.b`). */
export function unwrap(node: Node): Node {
  let current = node
  for (let i = 0; i < 32 && TRANSPARENT.has(typeOf(current)); i += 1) {
    const inner = (current as unknown as { expression?: unknown }).expression
    if (!isNode(inner)) break
    current = inner
  }
  return current
}

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

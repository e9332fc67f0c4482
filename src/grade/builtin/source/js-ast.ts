/**
 * Small, allocation-light helpers over ESTree nodes (as produced by `parse-js.ts`: meriyah for
 * JavaScript, Babel's `estree` plugin for TypeScript) for the JavaScript source rules.
 *
 * The walk is iterative (an explicit stack, no recursion), so a deeply nested minified bundle
 * cannot overflow the call stack, and it skips location data and TypeScript type annotations,
 * which hold no runtime behaviour.
 */
import type { Node } from 'estree'

/** Keys of an ESTree node that never hold child nodes worth visiting. */
const SKIPPED_KEYS = new Set([
  'type',
  'loc',
  'range',
  'start',
  'end',
  'extra',
  'leadingComments',
  'trailingComments',
  'innerComments',
  'comments',
  'tokens',
  'typeAnnotation',
  'returnType',
  'typeParameters',
  'typeArguments',
  'superTypeParameters',
  'implements',
  'decorators'
])

/**
 * Callbacks of {@link walk}. `enter` returning `false` skips the node's children; `leave` is
 * called after the children of the nodes `leaves` accepts (all nodes when `leaves` is absent).
 */
export interface Visitor {
  enter(node: Node, parent: Node | null): boolean | void
  leave?(node: Node): void
  leaves?(node: Node): boolean
}

/** A node-like value: an object with a string `type`. */
export function isNode(value: unknown): value is Node {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  )
}

/** Type-only TypeScript declarations: no runtime behaviour, not descended into. */
const TYPE_ONLY = new Set([
  'TSInterfaceDeclaration',
  'TSTypeAliasDeclaration',
  'TSDeclareFunction',
  'TSModuleDeclaration'
])

/** Marks a pending `leave` on the walk stack. */
const LEAVE = Symbol('leave')

/**
 * Visit `root` and every node below it in source order (pre-order `enter`, post-order `leave`).
 * Iterative (an explicit stack: no recursion limit on deeply nested bundles); O(number of
 * nodes). TypeScript type annotations and type-only declarations are not descended into.
 */
export function walk(root: Node, visitor: Visitor): void {
  const nodes: Array<Node | typeof LEAVE> = [root]
  const parents: Array<Node | null> = [null]
  while (nodes.length > 0) {
    const node = nodes.pop() as Node | typeof LEAVE
    const parent = parents.pop() as Node | null
    if (node === LEAVE) {
      visitor.leave?.(parent as Node)
      continue
    }
    if (TYPE_ONLY.has(node.type)) continue
    if (visitor.enter(node, parent) === false) continue
    if (visitor.leave && (!visitor.leaves || visitor.leaves(node))) {
      nodes.push(LEAVE)
      parents.push(node)
    }
    const record = node as unknown as Record<string, unknown>
    const keys = VISITOR_KEYS[node.type]
    if (keys) {
      for (let k = keys.length - 1; k >= 0; k--) {
        const value = record[keys[k] as string]
        if (value === null || value === undefined) continue
        if (Array.isArray(value)) {
          for (let i = value.length - 1; i >= 0; i--) {
            const item: unknown = value[i]
            if (isNode(item)) {
              nodes.push(item)
              parents.push(node)
            }
          }
        } else if (isNode(value)) {
          nodes.push(value)
          parents.push(node)
        }
      }
      continue
    }
    // any other node type (TypeScript, JSX, future syntax): every key that may hold nodes
    const mark = nodes.length
    for (const key in record) {
      if (SKIPPED_KEYS.has(key)) continue
      const value = record[key]
      if (Array.isArray(value)) {
        for (const item of value) {
          if (isNode(item)) {
            nodes.push(item)
            parents.push(node)
          }
        }
      } else if (isNode(value)) {
        nodes.push(value)
        parents.push(node)
      }
    }
    // children were pushed in source order: reverse them so they pop in source order
    reverseFrom(nodes, mark)
    reverseFrom(parents, mark)
  }
}

/**
 * Child keys of the standard ESTree node types (ESTree spec, ES2025), in source order: the walk
 * reads these directly instead of enumerating every key of every node.
 */
const VISITOR_KEYS: Readonly<Record<string, readonly string[]>> = {
  Program: ['body'],
  ExpressionStatement: ['expression'],
  BlockStatement: ['body'],
  StaticBlock: ['body'],
  EmptyStatement: [],
  DebuggerStatement: [],
  WithStatement: ['object', 'body'],
  ReturnStatement: ['argument'],
  LabeledStatement: ['label', 'body'],
  BreakStatement: ['label'],
  ContinueStatement: ['label'],
  IfStatement: ['test', 'consequent', 'alternate'],
  SwitchStatement: ['discriminant', 'cases'],
  SwitchCase: ['test', 'consequent'],
  ThrowStatement: ['argument'],
  TryStatement: ['block', 'handler', 'finalizer'],
  CatchClause: ['param', 'body'],
  WhileStatement: ['test', 'body'],
  DoWhileStatement: ['body', 'test'],
  ForStatement: ['init', 'test', 'update', 'body'],
  ForInStatement: ['left', 'right', 'body'],
  ForOfStatement: ['left', 'right', 'body'],
  FunctionDeclaration: ['id', 'params', 'body'],
  FunctionExpression: ['id', 'params', 'body'],
  ArrowFunctionExpression: ['params', 'body'],
  VariableDeclaration: ['declarations'],
  VariableDeclarator: ['id', 'init'],
  ClassDeclaration: ['id', 'superClass', 'body'],
  ClassExpression: ['id', 'superClass', 'body'],
  ClassBody: ['body'],
  MethodDefinition: ['key', 'value'],
  PropertyDefinition: ['key', 'value'],
  ArrayExpression: ['elements'],
  ObjectExpression: ['properties'],
  Property: ['key', 'value'],
  UnaryExpression: ['argument'],
  UpdateExpression: ['argument'],
  SpreadElement: ['argument'],
  RestElement: ['argument'],
  AwaitExpression: ['argument'],
  YieldExpression: ['argument'],
  BinaryExpression: ['left', 'right'],
  LogicalExpression: ['left', 'right'],
  AssignmentExpression: ['left', 'right'],
  AssignmentPattern: ['left', 'right'],
  MemberExpression: ['object', 'property'],
  ConditionalExpression: ['test', 'consequent', 'alternate'],
  CallExpression: ['callee', 'arguments'],
  NewExpression: ['callee', 'arguments'],
  SequenceExpression: ['expressions'],
  TemplateLiteral: ['quasis', 'expressions'],
  TaggedTemplateExpression: ['tag', 'quasi'],
  ObjectPattern: ['properties'],
  ArrayPattern: ['elements'],
  ImportDeclaration: ['specifiers', 'source'],
  ImportExpression: ['source', 'options'],
  ExportNamedDeclaration: ['declaration', 'specifiers', 'source'],
  ExportDefaultDeclaration: ['declaration'],
  ExportAllDeclaration: ['exported', 'source'],
  ImportSpecifier: ['imported', 'local'],
  ImportDefaultSpecifier: ['local'],
  ImportNamespaceSpecifier: ['local'],
  ExportSpecifier: ['local', 'exported'],
  ChainExpression: ['expression'],
  ParenthesizedExpression: ['expression'],
  MetaProperty: ['meta', 'property'],
  Identifier: [],
  PrivateIdentifier: [],
  Literal: [],
  ThisExpression: [],
  Super: [],
  TemplateElement: []
}

function reverseFrom<T>(list: T[], from: number): void {
  for (let i = from, j = list.length - 1; i < j; i++, j--) {
    const t = list[i] as T
    list[i] = list[j] as T
    list[j] = t
  }
}

/** The direct child nodes of `node`, in source order. */
export function childrenOf(node: Node): Node[] {
  const out: Node[] = []
  const record = node as unknown as Record<string, unknown>
  for (const key in record) {
    if (SKIPPED_KEYS.has(key)) continue
    const value = record[key]
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) out.push(item)
    } else if (isNode(value)) out.push(value)
  }
  return out
}

/** Function-like nodes (their parameters and body form a scope). */
export type FunctionNode = Extract<
  Node,
  { type: 'FunctionDeclaration' | 'FunctionExpression' | 'ArrowFunctionExpression' }
>

/** True for function declarations, function expressions and arrow functions. */
export function isFunction(node: Node | null | undefined): node is FunctionNode {
  return (
    node?.type === 'FunctionDeclaration' ||
    node?.type === 'FunctionExpression' ||
    node?.type === 'ArrowFunctionExpression'
  )
}

/**
 * The expression under TypeScript wrappers and parentheses (`x as T`, `x!`, `<T>x`,
 * `x satisfies T`, `f<T>`, `(x)`, `a?.b` chains) and the last expression of a sequence (`(0, f)`).
 */
export function unwrap(node: Node): Node {
  let current = node
  for (;;) {
    const type = current.type as string
    const record = current as unknown as { expression?: Node; expressions?: Node[] }
    if (
      (type === 'TSAsExpression' ||
        type === 'TSNonNullExpression' ||
        type === 'TSTypeAssertion' ||
        type === 'TSSatisfiesExpression' ||
        type === 'TSInstantiationExpression' ||
        type === 'ParenthesizedExpression' ||
        type === 'ChainExpression') &&
      record.expression
    ) {
      current = record.expression
    } else if (type === 'SequenceExpression' && record.expressions?.length) {
      current = record.expressions[record.expressions.length - 1] as Node
    } else return current
  }
}

/** The value of a string literal or of a template literal without expressions, else null. */
export function stringValue(node: Node | null | undefined): string | null {
  if (!node) return null
  const n = unwrap(node)
  if (n.type === 'Literal' && typeof n.value === 'string') return n.value
  if (n.type === 'TemplateLiteral' && n.expressions.length === 0) {
    return n.quasis.map((q) => q.value.cooked ?? q.value.raw).join('')
  }
  return null
}

/** The name of a non-computed member property, or of a computed string-literal one. */
export function propertyName(node: Node): string | null {
  if (node.type !== 'MemberExpression') return null
  if (!node.computed && node.property.type === 'Identifier') return node.property.name
  if (node.property.type === 'PrivateIdentifier') return node.property.name
  return stringValue(node.property)
}

/**
 * The static key of an object property or class method, else null (a dynamic computed key, a
 * private name, another node): an identifier (`a`), a string literal (`'a'`, `["a"]`), a
 * template literal without expressions (`` [`a`] ``), or a number literal as JavaScript turns it
 * into a property name (`1`, `[0x10]` → `'16'`, ECMA-262 ToPropertyKey).
 */
export function keyName(node: Node): string | null {
  if (node.type !== 'Property' && node.type !== 'MethodDefinition') return null
  if (!node.computed && node.key.type === 'Identifier') return node.key.name
  const key = unwrap(node.key)
  if (key.type === 'Literal' && typeof key.value === 'number') return String(key.value)
  return stringValue(key)
}

/** The value node of property `key` in an object expression, or undefined. */
export function objectProperty(node: Node | undefined, key: string): Node | undefined {
  if (!node) return undefined
  const n = unwrap(node)
  if (n.type !== 'ObjectExpression') return undefined
  for (const p of n.properties) {
    if (p.type === 'Property' && keyName(p) === key) return p.value
  }
  return undefined
}

/**
 * A dotted path for an identifier or a non-computed member chain: `a.b.c`, `this.server.tool`;
 * null for anything else (calls, computed keys that are not strings).
 */
export function dottedPath(node: Node): string[] | null {
  const parts: string[] = []
  let current = unwrap(node)
  for (let depth = 0; depth < 32; depth++) {
    if (current.type === 'Identifier') {
      parts.unshift(current.name)
      return parts
    }
    if (current.type === 'ThisExpression') {
      parts.unshift('this')
      return parts
    }
    if (current.type === 'MetaProperty') {
      parts.unshift(`${current.meta.name}.${current.property.name}`)
      return parts
    }
    if (current.type === 'MemberExpression') {
      const name = propertyName(current)
      if (name === null) return null
      parts.unshift(name)
      current = unwrap(current.object)
      continue
    }
    return null
  }
  return null
}

/** Every identifier a binding pattern declares (`a`, `{a, b: c}`, `[d, ...e]`, `f = 1`). */
export function patternNames(pattern: Node, out: string[] = []): string[] {
  const stack: Node[] = [pattern]
  while (stack.length > 0) {
    const p = stack.pop() as Node
    switch (p.type) {
      case 'Identifier':
        out.push(p.name)
        break
      case 'ObjectPattern':
        for (const prop of p.properties) {
          stack.push(prop.type === 'RestElement' ? prop.argument : prop.value)
        }
        break
      case 'ArrayPattern':
        for (const el of p.elements) if (el) stack.push(el)
        break
      case 'RestElement':
        stack.push(p.argument)
        break
      case 'AssignmentPattern':
        stack.push(p.left)
        break
      default: {
        // TSParameterProperty (`constructor(private x)`) holds its pattern in `parameter`
        const parameter = (p as unknown as { parameter?: Node }).parameter
        if (parameter) stack.push(parameter)
      }
    }
  }
  return out
}

/** 1-based line of `node` (1 when the parser gave no location). */
export function lineOf(node: Node): number {
  return node.loc?.start.line ?? 1
}

/** Longest snippet quoted from a source line, in characters. */
export const MAX_LINE_SNIPPET = 160

/**
 * The trimmed text of 1-based `line` of `lines`, cut around `column` (0-based) to
 * {@link MAX_LINE_SNIPPET} characters so a minified one-line bundle quotes the right spot.
 */
export function snippetAt(lines: readonly string[], line: number, column = 0): string {
  const text = lines[line - 1] ?? ''
  const trimmed = text.trim()
  if (trimmed.length <= MAX_LINE_SNIPPET) return trimmed
  const lead = text.length - text.trimStart().length
  const at = Math.max(0, column - lead - 40)
  const cut = trimmed.slice(at, at + MAX_LINE_SNIPPET)
  return (at > 0 ? '…' : '') + cut + (at + MAX_LINE_SNIPPET < trimmed.length ? '…' : '')
}

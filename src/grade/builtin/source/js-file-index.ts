/**
 * What one file declares, gathered during the single walk of the file (`observe` is called on
 * every node): module bindings (`js-bindings.ts`), functions and class methods by name,
 * names bound to constants, and variable initialisers by name.
 *
 * Names are per file, not per scope: two functions that both declare `t` (common in minified
 * code) share one entry per kind (functions: all candidates are kept; initialisers: the last
 * one wins). The rules that read this index say so where it matters.
 */
import type { Node } from 'estree'
import { type FunctionNode, isFunction, keyName, stringValue, unwrap } from './js-ast.js'
import { ModuleBindings } from './js-bindings.js'

/** Initialisers remembered per name (bounded: a bundle declares many variables). */
const MAX_INITS = 50_000

/** The declarations of one file. */
export class FileIndex {
  readonly bindings = new ModuleBindings()
  /** Functions by the name they are declared or assigned to (`function f`, `const f = () =>`). */
  readonly functions = new Map<string, FunctionNode[]>()
  /** Class and object methods by key (`m() {}`, `m: function () {}`). */
  readonly methods = new Map<string, FunctionNode[]>()
  /** Names declared `const` with a constant initialiser (string, number, template of those). */
  readonly constants = new Set<string>()
  /** Variable initialisers by name (last declaration wins). */
  readonly inits = new Map<string, Node>()

  /** Record what `node` declares, if anything. */
  observe(node: Node): void {
    switch (node.type) {
      case 'ImportDeclaration':
        this.bindings.record(node)
        return
      case 'FunctionDeclaration':
        if (node.id) add(this.functions, node.id.name, node)
        return
      case 'VariableDeclarator': {
        this.bindings.record(node)
        if (node.id.type !== 'Identifier' || !node.init) return
        const init = unwrap(node.init)
        if (isFunction(init)) add(this.functions, node.id.name, init)
        if (this.inits.size < MAX_INITS) this.inits.set(node.id.name, init)
        if (isConstantLiteral(init, this.constants)) this.constants.add(node.id.name)
        return
      }
      case 'MethodDefinition': {
        const key = keyName(node)
        if (key !== null && isFunction(node.value)) {
          add(this.methods, key, node.value)
        }
        return
      }
      case 'Property': {
        const key = keyName(node)
        const value = unwrap(node.value)
        if (key !== null && isFunction(value)) add(this.methods, key, value)
        return
      }
      case 'PropertyDefinition': {
        // class fields: `handler = async (args) => {…}`
        const key = (node as unknown as { key: Node; computed: boolean }).computed
          ? null
          : node.key.type === 'Identifier'
            ? node.key.name
            : stringValue(node.key)
        const value = node.value ? unwrap(node.value) : null
        if (key !== null && value && isFunction(value)) add(this.methods, key, value)
        return
      }
      default:
        return
    }
  }

  /**
   * The function an expression refers to: itself when it is one, the function declared or
   * assigned under an identifier's name, or the method of `this.m` / `x.m` (only when exactly one
   * method of that name exists in the file). Undefined otherwise.
   */
  functionOf(node: Node | undefined): FunctionNode | undefined {
    if (!node) return undefined
    let n = unwrap(node)
    // `this.handle.bind(this)`
    if (
      n.type === 'CallExpression' &&
      n.callee.type === 'MemberExpression' &&
      !n.callee.computed &&
      n.callee.property.type === 'Identifier' &&
      n.callee.property.name === 'bind'
    ) {
      n = unwrap(n.callee.object)
    }
    if (isFunction(n)) return n
    if (n.type === 'Identifier') {
      const candidates = this.functions.get(n.name)
      return candidates?.length === 1 ? candidates[0] : candidates?.at(-1)
    }
    if (n.type === 'MemberExpression' && !n.computed && n.property.type === 'Identifier') {
      const candidates = this.methods.get(n.property.name)
      return candidates?.length === 1 ? candidates[0] : undefined
    }
    return undefined
  }
}

function add(map: Map<string, FunctionNode[]>, name: string, fn: FunctionNode): void {
  const list = map.get(name)
  if (list) {
    if (list.length < 16) list.push(fn)
  } else map.set(name, [fn])
}

/** A literal, or a template/concatenation/unary of literals and known constants. */
export function isConstantLiteral(node: Node, constants: ReadonlySet<string>): boolean {
  const n = unwrap(node)
  switch (n.type) {
    case 'Literal':
      return true
    case 'TemplateLiteral':
      return n.expressions.every((e) => isConstantLiteral(e as Node, constants))
    case 'BinaryExpression':
      return (
        n.left.type !== 'PrivateIdentifier' &&
        isConstantLiteral(n.left, constants) &&
        isConstantLiteral(n.right, constants)
      )
    case 'UnaryExpression':
      return isConstantLiteral(n.argument, constants)
    case 'Identifier':
      return n.name === 'undefined' || constants.has(n.name)
    default:
      return false
  }
}

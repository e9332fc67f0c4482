/**
 * Static evaluation of the literal expressions a server uses to declare its tools (names,
 * descriptions, schemas, annotations), without running any of its code.
 *
 * What is evaluated: string, number and boolean literals; template literals whose expressions are
 * themselves static; `+` of static strings and numbers; `[…].join(sep)` of static strings;
 * `.trim()` of a static string; `dedent`-style tagged templates without expressions; minifier
 * booleans (`!0`, `!1`); identifiers bound once (`const`/`let`/`var` with an initialiser, never
 * reassigned) in the registration's own code or in the same file; member access on object and
 * array literals (`TOOLS.read.description`, `NAMES[0]`) and zod's `schema.shape`. Anything else is
 * dynamic: `undefined`, never a guess.
 */
import type { ArrayExpression, Node, ObjectExpression } from 'estree'
import { unwrap, walk } from '../source/js-ast.js'
import { staticProperties } from './estree-nodes.js'

/** How deep identifier and member resolution goes (bounds cycles such as `a = b; b = a`). */
export const MAX_RESOLUTION_DEPTH = 16

/** Most operands of one `+` chain evaluated (longer chains are dynamic). */
export const MAX_CONCATENATED_OPERANDS = 10_000

/** Longest string built by evaluation, in characters (longer results are dynamic). */
export const MAX_STATIC_STRING_CHARS = 100_000

/** One name's declarations in a piece of code. */
interface Binding {
  /** The initialiser of the only declaration, when there is exactly one with an initialiser. */
  init?: Node
  declarations: number
  reassigned: boolean
}

/** The variables declared in a piece of code, by name (from `bindingsOf`). */
export type Bindings = ReadonlyMap<string, Binding>

/**
 * The variables declared anywhere under `root` (every scope: a minified bundle reuses short
 * names, so a name declared twice resolves to nothing), with their initialisers and whether any
 * assignment or update targets them.
 */
export function bindingsOf(root: Node): Bindings {
  const bindings = new Map<string, Binding>()
  const entry = (name: string): Binding => {
    let binding = bindings.get(name)
    if (!binding) {
      binding = { declarations: 0, reassigned: false }
      bindings.set(name, binding)
    }
    return binding
  }
  walk(root, {
    enter: (node) => {
      if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier') {
        const binding = entry(node.id.name)
        binding.declarations += 1
        if (node.init && binding.declarations === 1) binding.init = node.init
        else delete binding.init
      } else if (node.type === 'AssignmentExpression' && node.left.type === 'Identifier') {
        entry(node.left.name).reassigned = true
      } else if (node.type === 'UpdateExpression' && node.argument.type === 'Identifier') {
        entry(node.argument.name).reassigned = true
      } else if (
        (node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration') &&
        node.id?.type === 'Identifier'
      ) {
        entry(node.id.name).declarations += 1
      }
    }
  })
  return bindings
}

/**
 * Where identifiers are looked up: `layers` in order (e.g. the registration's handler, then the
 * whole file). The first layer that declares a name decides: a name declared more than once
 * there, reassigned, or without an initialiser is dynamic.
 */
export class StaticScope {
  constructor(private readonly layers: ReadonlyArray<() => Bindings | undefined>) {}

  /** A scope that looks in `bindings` first, then in this scope's layers. */
  within(bindings: Bindings): StaticScope {
    return new StaticScope([() => bindings, ...this.layers])
  }

  /**
   * `node` with value-preserving wrappers removed and identifiers and member accesses followed
   * to the expression they stand for (an object literal, a call, a literal, …), as far as that is
   * static; the last expression reached otherwise.
   */
  resolve(node: Node, depth = 0): Node {
    const current = unwrap(node)
    if (depth >= MAX_RESOLUTION_DEPTH) return current
    if (current.type === 'Identifier') {
      const init = this.lookup(current.name)
      return init ? this.resolve(init, depth + 1) : current
    }
    if (current.type === 'MemberExpression' && current.object.type !== 'Super') {
      const key = current.computed
        ? this.string(current.property, depth + 1)
        : current.property.type === 'Identifier'
          ? current.property.name
          : undefined
      if (key === undefined) return current
      const target = this.resolve(current.object, depth + 1)
      if (target.type === 'ObjectExpression') {
        const value = staticProperties(target).get(key)
        return value ? this.resolve(value, depth + 1) : current
      }
      if (target.type === 'ArrayExpression' && /^\d+$/.test(key)) {
        const element = target.elements[Number(key)]
        return element && element.type !== 'SpreadElement'
          ? this.resolve(element, depth + 1)
          : current
      }
      if (key === 'shape' && target.type === 'CallExpression') {
        const shape = zodObjectShape(target)
        return shape ? this.resolve(shape, depth + 1) : current
      }
    }
    return current
  }

  /** The object literal `node` stands for, if static. */
  object(node: Node): ObjectExpression | undefined {
    const resolved = this.resolve(node)
    return resolved.type === 'ObjectExpression' ? resolved : undefined
  }

  /** The array literal `node` stands for, if static. */
  array(node: Node): ArrayExpression | undefined {
    const resolved = this.resolve(node)
    return resolved.type === 'ArrayExpression' ? resolved : undefined
  }

  /** The string `node` evaluates to statically (see the module doc), else undefined. */
  string(node: Node, depth = 0): string | undefined {
    const value = this.primitive(node, depth)
    return typeof value === 'string' ? value : undefined
  }

  /** The boolean `node` evaluates to statically (`true`, `false`, `!0`, `!1`), else undefined. */
  boolean(node: Node, depth = 0): boolean | undefined {
    const value = this.primitive(node, depth)
    return typeof value === 'boolean' ? value : undefined
  }

  /** The number `node` evaluates to statically (a literal, `-n`), else undefined. */
  number(node: Node, depth = 0): number | undefined {
    const value = this.primitive(node, depth)
    return typeof value === 'number' ? value : undefined
  }

  /** A static string, number or boolean value of `node`, else undefined. */
  primitive(node: Node, depth = 0): string | number | boolean | undefined {
    if (depth >= MAX_RESOLUTION_DEPTH) return undefined
    const current = this.resolve(node, depth)
    switch (current.type) {
      case 'Literal':
        return typeof current.value === 'string' ||
          typeof current.value === 'number' ||
          typeof current.value === 'boolean'
          ? current.value
          : undefined
      case 'TemplateLiteral': {
        let text = ''
        for (const [i, quasi] of current.quasis.entries()) {
          if (typeof quasi.value.cooked !== 'string') return undefined
          text += quasi.value.cooked
          const expression = current.expressions[i]
          if (expression) {
            const part = this.primitive(expression, depth + 1)
            if (part === undefined) return undefined
            text += String(part)
          }
        }
        return bounded(text)
      }
      case 'TaggedTemplateExpression':
        return this.dedented(current.tag, current.quasi.quasis, current.quasi.expressions)
      case 'BinaryExpression':
        return this.concatenation(current, depth)
      case 'UnaryExpression': {
        const argument = this.primitive(current.argument, depth + 1)
        if (current.operator === '!' && argument !== undefined) return !argument
        if (current.operator === '-' && typeof argument === 'number') return -argument
        return undefined
      }
      case 'CallExpression':
        return this.callValue(current.callee, current.arguments, depth)
      default:
        return undefined
    }
  }

  /**
   * `a + b + c + …` (a left-nested chain, as long descriptions are written) evaluated operand by
   * operand without recursing down the chain, so its length is not limited by the depth bound.
   */
  private concatenation(node: Node, depth: number): string | number | undefined {
    const operands: Node[] = []
    let current = node
    while (
      current.type === 'BinaryExpression' &&
      current.operator === '+' &&
      current.left.type !== 'PrivateIdentifier' &&
      operands.length < MAX_CONCATENATED_OPERANDS
    ) {
      operands.push(current.right)
      current = unwrap(current.left)
    }
    if (current.type === 'BinaryExpression') return undefined
    operands.push(current)
    let value: string | number | undefined
    for (const operand of operands.reverse()) {
      const part = this.primitive(operand, depth + 1)
      if (part === undefined || typeof part === 'boolean') return undefined
      value =
        value === undefined
          ? part
          : typeof value === 'number' && typeof part === 'number'
            ? value + part
            : bounded(String(value) + String(part))
      if (value === undefined) return undefined
    }
    return value
  }

  /** `[…].join(sep)` and `'…'.trim()` of static values. */
  private callValue(callee: Node, args: Node[], depth: number): string | undefined {
    const target = unwrap(callee)
    if (target.type !== 'MemberExpression' || target.computed) return undefined
    if (target.property.type !== 'Identifier') return undefined
    const method = target.property.name
    if (method === 'trim' && args.length === 0) {
      return this.string(target.object, depth + 1)?.trim()
    }
    if (method !== 'join' || args.length > 1) return undefined
    const array = this.resolve(target.object, depth + 1)
    if (array.type !== 'ArrayExpression') return undefined
    const separator = args[0] === undefined ? ',' : this.string(args[0], depth + 1)
    if (separator === undefined) return undefined
    const parts: string[] = []
    for (const element of array.elements) {
      if (!element || element.type === 'SpreadElement') return undefined
      const part = this.primitive(element, depth + 1)
      if (part === undefined) return undefined
      parts.push(String(part))
    }
    return bounded(parts.join(separator))
  }

  /** `dedent\`…\`` (and `outdent`, `stripIndent`) without expressions: the text de-indented. */
  private dedented(
    tag: Node,
    quasis: ReadonlyArray<{ value: { cooked?: string | null } }>,
    expressions: readonly unknown[]
  ): string | undefined {
    const name = unwrap(tag)
    if (name.type !== 'Identifier' || !/^(?:dedent|outdent|stripIndents?|endent)$/.test(name.name))
      return undefined
    const text = quasis[0]?.value.cooked
    if (expressions.length > 0 || typeof text !== 'string') return undefined
    const lines = text.replace(/^\n/, '').split('\n')
    const indents = lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0)
    const indent = indents.length > 0 ? Math.min(...indents) : 0
    return bounded(
      lines
        .map((l) => l.slice(indent))
        .join('\n')
        .trim()
    )
  }

  private lookup(name: string): Node | undefined {
    for (const layer of this.layers) {
      const binding = layer()?.get(name)
      if (!binding) continue
      return binding.declarations === 1 && !binding.reassigned ? binding.init : undefined
    }
    return undefined
  }
}

/** Zod object constructors whose first argument is the shape. */
const ZOD_OBJECT_CONSTRUCTORS = new Set(['object', 'strictObject', 'looseObject'])

/**
 * The shape argument of a zod object schema (`z.object({…})`, `z.strictObject({…})`, also with
 * chained calls such as `.strict()`, `.describe()`), or undefined for any other call.
 */
export function zodObjectShape(call: Node): Node | undefined {
  let current = unwrap(call)
  for (let i = 0; i < 32 && current.type === 'CallExpression'; i += 1) {
    const callee = unwrap(current.callee)
    if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return
    const method = callee.property.name
    const receiver = unwrap(callee.object)
    if (receiver.type !== 'CallExpression') {
      return ZOD_OBJECT_CONSTRUCTORS.has(method) ? current.arguments[0] : undefined
    }
    if (method === 'extend' || method === 'merge' || method === 'pick' || method === 'omit') {
      return undefined
    }
    current = receiver
  }
  return undefined
}

function bounded(text: string): string | undefined {
  return text.length <= MAX_STATIC_STRING_CHARS ? text : undefined
}

/**
 * Intra-function taint for the Python source rules: which values of one function (or of the
 * module's top level) may come from a source — a tool's parameters, or a credential read from
 * the environment.
 *
 * Deliberately simple and documented (docs/grading.md "Source rules"):
 * - flow-insensitive: a name is tainted when ANY assignment in the unit gives it a tainted value
 *   (`=`, `+=`, annotated assignment, `for x in …`, `with … as x`, `:=`, comprehension targets);
 * - a value is tainted when it is a tainted name, an attribute, item or method call of a tainted
 *   value (`args["p"]`, `url.strip()`), an f-string, `%`, `+`, `/` or container holding one, or
 *   the result of a propagating call (`str`, `os.path.join`/`abspath`/`realpath`/`normpath`/
 *   `expanduser`, `pathlib.Path`, `urljoin`, `"…".format`, `"…".join`, `shlex.join`);
 * - any other call's result is NOT tainted (a helper such as `validate_path(p)` is trusted), nor
 *   is `shlex.quote(x)`, `int(x)` or `len(x)`; calls into other functions are not followed.
 */
import type { Node } from 'web-tree-sitter'
import { boundNames, calleeName, type ImportMap, interpolations, named, walk } from './py-syntax.js'

/** Calls whose result carries the taint of their arguments. */
const PROPAGATORS = new Set([
  'str',
  'repr',
  'bytes',
  'format',
  'os.path.join',
  'os.path.abspath',
  'os.path.realpath',
  'os.path.normpath',
  'os.path.expanduser',
  'os.path.expandvars',
  'os.fspath',
  'os.fsencode',
  'os.fsdecode',
  'posixpath.join',
  'pathlib.Path',
  'pathlib.PurePath',
  'pathlib.PosixPath',
  'pathlib.WindowsPath',
  'Path',
  'urllib.parse.urljoin',
  'urllib.parse.quote',
  'shlex.join',
  'shlex.split',
  'anyio.Path',
  'aiofiles.os.path.join'
])

/** One assignment-like binding of a unit: the names bound and the value they get. */
export interface Binding {
  names: string[]
  value: Node
}

/**
 * Visit the nodes of one analysis unit: a function's own body (nested `def`s are their own units)
 * or, for a `module`, its top-level code outside every `def`.
 */
export function walkUnit(root: Node, visit: (node: Node) => boolean | void): void {
  walk(root, (node) => {
    if (node !== root && node.type === 'function_definition') return false
    return visit(node)
  })
}

/** Every binding of a unit (see module doc for the forms). */
export function bindingsOf(root: Node): Binding[] {
  const bindings: Binding[] = []
  walkUnit(root, (node) => {
    switch (node.type) {
      case 'assignment': {
        let value = node.childForFieldName('right')
        const names = boundNames(node.childForFieldName('left'))
        // chained `a = b = value`: the innermost right side is the value
        while (value?.type === 'assignment') {
          names.push(...boundNames(value.childForFieldName('left')))
          value = value.childForFieldName('right')
        }
        if (value) bindings.push({ names, value })
        break
      }
      case 'augmented_assignment': {
        const value = node.childForFieldName('right')
        if (value) bindings.push({ names: boundNames(node.childForFieldName('left')), value })
        break
      }
      case 'for_statement':
      case 'for_in_clause': {
        const value = node.childForFieldName('right')
        if (value) bindings.push({ names: boundNames(node.childForFieldName('left')), value })
        break
      }
      case 'as_pattern': {
        const value = named(node)[0]
        const alias = node.childForFieldName('alias')
        if (value && alias) bindings.push({ names: boundNames(alias), value })
        break
      }
      case 'named_expression': {
        const value = node.childForFieldName('value')
        const name = node.childForFieldName('name')?.text
        if (value && name) bindings.push({ names: [name], value })
        break
      }
    }
    return undefined
  })
  return bindings
}

/** Taint of one unit: which names and expressions may carry a source's value. */
export class Taint {
  readonly names: ReadonlySet<string>
  readonly #names: Set<string>
  readonly #imports: ImportMap
  readonly #isSource: (node: Node) => boolean

  /**
   * @param bindings the unit's bindings (`bindingsOf`).
   * @param seeds names tainted from the start (a tool's parameters, module-level credentials).
   * @param isSource expressions that are sources themselves (an `os.environ["X_TOKEN"]` read).
   */
  constructor(
    bindings: readonly Binding[],
    seeds: Iterable<string>,
    imports: ImportMap,
    isSource: (node: Node) => boolean = () => false
  ) {
    this.#names = new Set(seeds)
    this.names = this.#names
    this.#imports = imports
    this.#isSource = isSource
    // flow-insensitive fixed point; each pass can only add names, so it ends
    for (let changed = true, passes = 0; changed && passes < 20; passes++) {
      changed = false
      for (const binding of bindings) {
        if (!this.tainted(binding.value)) continue
        for (const name of binding.names) {
          if (!this.#names.has(name)) {
            this.#names.add(name)
            changed = true
          }
        }
      }
    }
  }

  /** True when `node`'s value may come from a source (rules in the module doc). */
  tainted(node: Node | null | undefined, depth = 0): boolean {
    if (!node || depth > 50) return false
    if (this.#isSource(node)) return true
    const next = (n: Node | null | undefined): boolean => this.tainted(n, depth + 1)
    switch (node.type) {
      case 'identifier':
        return this.#names.has(node.text)
      case 'attribute':
        return next(node.childForFieldName('object'))
      case 'subscript':
        return next(node.childForFieldName('value'))
      case 'string':
      case 'concatenated_string':
        return interpolations(node).some(next)
      case 'binary_operator':
        return next(node.childForFieldName('left')) || next(node.childForFieldName('right'))
      case 'call':
        return this.#callTainted(node, next)
      case 'list':
      case 'tuple':
      case 'set':
      case 'expression_list':
      case 'parenthesized_expression':
      case 'conditional_expression':
      case 'await':
      case 'boolean_operator':
      case 'list_splat':
      case 'dictionary_splat':
      case 'dictionary':
      case 'pair':
      case 'list_comprehension':
      case 'generator_expression':
      case 'keyword_argument':
      case 'argument_list':
        return named(node).some(next)
      default:
        return false
    }
  }

  #callTainted(call: Node, next: (n: Node | null | undefined) => boolean): boolean {
    const fn = call.childForFieldName('function')
    const args = call.childForFieldName('arguments')
    if (!fn) return false
    if (fn.type === 'attribute') {
      const receiver = fn.childForFieldName('object')
      const method = fn.childForFieldName('attribute')?.text
      // `"{}".format(x)`, `" ".join(parts)`: the result carries the arguments' taint
      if (
        (method === 'format' || method === 'join') &&
        (receiver?.type === 'string' || receiver?.type === 'concatenated_string')
      ) {
        return next(args)
      }
      const name = calleeName(call, this.#imports)
      if (name !== null && PROPAGATORS.has(name)) return next(args)
      if (name === 'shlex.quote') return false
      // a method of a tainted value: `args.get("p")`, `p.resolve()`, `url.strip()`
      return next(receiver)
    }
    const name = calleeName(call, this.#imports)
    return name !== null && PROPAGATORS.has(name) && next(args)
  }
}

/** Values each name of a unit is bound to (for constant and SQL-text checks). */
export function valuesByName(bindings: readonly Binding[]): Map<string, Node[]> {
  const values = new Map<string, Node[]>()
  for (const binding of bindings) {
    for (const name of binding.names) {
      const list = values.get(name) ?? []
      list.push(binding.value)
      values.set(name, list)
    }
  }
  return values
}

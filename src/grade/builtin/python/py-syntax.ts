/**
 * Reading tree-sitter-python syntax trees (node types of the `tree-sitter-python` 0.25 grammar):
 * literal strings, call arguments, dotted names, and the module's imports, so that a call can be
 * named by what it really calls (`from subprocess import run as r` makes `r(...)`
 * `subprocess.run`). Pure functions over nodes; nothing here throws for odd code.
 */
import type { Node } from 'web-tree-sitter'

/** The named children of `node` (tree-sitter may hand back nulls). */
export function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null)
}

/** 1-based line where `node` starts. */
export function lineOf(node: Node): number {
  return node.startPosition.row + 1
}

/**
 * Visit `root` and its descendants in source order (iterative: deep code cannot overflow the
 * stack). `visit` returns `false` to skip a node's children.
 */
export function walk(root: Node, visit: (node: Node) => boolean | void): void {
  const stack: Node[] = [root]
  while (stack.length > 0) {
    const node = stack.pop() as Node
    if (visit(node) === false) continue
    const children = named(node)
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Node)
  }
}

/** Python string escapes decoded in literal values (the common ones; others kept as written). */
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '0': '\0'
}

/**
 * The value of a string literal without interpolation (`"x"`, `'''x'''`, `r"x"`, `"a" "b"`), or
 * null for anything else (an f-string with `{…}`, a name, a call). Byte strings count.
 */
export function stringValue(node: Node | null | undefined): string | null {
  if (!node) return null
  if (node.type === 'concatenated_string') {
    let out = ''
    for (const part of named(node)) {
      const value = stringValue(part)
      if (value === null) return null
      out += value
    }
    return out
  }
  if (node.type !== 'string') return null
  const start = named(node).find((c) => c.type === 'string_start')?.text ?? ''
  const raw = /r/i.test(start)
  let out = ''
  for (const part of named(node)) {
    if (part.type === 'interpolation') return null
    if (part.type !== 'string_content') continue
    out += raw ? part.text : part.text.replace(/\\(.)/gs, (whole, c: string) => ESCAPES[c] ?? whole)
  }
  return out
}

/** True for a string literal holding at least one `{…}` interpolation (an f-string). */
export function isInterpolated(node: Node): boolean {
  if (node.type === 'concatenated_string') return named(node).some(isInterpolated)
  return node.type === 'string' && named(node).some((c) => c.type === 'interpolation')
}

/** The expressions interpolated into an f-string (empty for other nodes). */
export function interpolations(node: Node): Node[] {
  if (node.type === 'concatenated_string') return named(node).flatMap(interpolations)
  if (node.type !== 'string') return []
  return named(node)
    .filter((c) => c.type === 'interpolation')
    .flatMap((c) => {
      const expression = c.childForFieldName('expression') ?? named(c)[0]
      return expression ? [expression] : []
    })
}

/** The arguments of a call: positional in order, keywords by name. */
export interface CallArguments {
  positional: Node[]
  keywords: Map<string, Node>
}

/** Split a `call` node's arguments. `*args`/`**kwargs` splats are positional entries. */
export function callArguments(call: Node): CallArguments {
  const result: CallArguments = { positional: [], keywords: new Map() }
  const list = call.childForFieldName('arguments')
  if (!list) return result
  if (list.type === 'generator_expression') {
    result.positional.push(list)
    return result
  }
  for (const arg of named(list)) {
    if (arg.type === 'comment') continue
    if (arg.type === 'keyword_argument') {
      const name = arg.childForFieldName('name')?.text
      const value = arg.childForFieldName('value')
      if (name && value) result.keywords.set(name, value)
    } else {
      result.positional.push(arg)
    }
  }
  return result
}

/** An argument by keyword, else by position (`argument(call, 'url', 0)`). */
export function argument(args: CallArguments, keyword: string, position: number): Node | undefined {
  return args.keywords.get(keyword) ?? args.positional[position]
}

/** `a`, `a.b.c` as text for identifiers and attribute chains; null for anything else. */
export function dottedName(node: Node | null | undefined): string | null {
  if (!node) return null
  if (node.type === 'identifier') return node.text
  if (node.type === 'attribute') {
    const object = dottedName(node.childForFieldName('object'))
    const attribute = node.childForFieldName('attribute')?.text
    return object && attribute ? `${object}.${attribute}` : null
  }
  return null
}

/** The last name of a callee (`x.y.run` → `run`), whatever its receiver is. */
export function calleeLastName(call: Node): string | null {
  const fn = call.childForFieldName('function')
  if (!fn) return null
  if (fn.type === 'identifier') return fn.text
  if (fn.type === 'attribute') return fn.childForFieldName('attribute')?.text ?? null
  return null
}

/**
 * What names in a module refer to, from its `import` statements (anywhere in the file):
 * `import a.b as c` maps `c` → `a.b`; `import a.b` maps `a` → `a`; `from a import b as c` maps
 * `c` → `a.b`. Relative imports keep their dots (`from .x import y` → `.x.y`).
 */
export class ImportMap {
  readonly #names = new Map<string, string>()

  /** The imports of a `module` node. */
  static of(module: Node): ImportMap {
    const map = new ImportMap()
    walk(module, (node) => {
      if (node.type === 'import_statement') {
        for (const item of node.childrenForFieldName('name')) {
          if (!item) continue
          if (item.type === 'aliased_import') {
            const target = item.childForFieldName('name')?.text
            const alias = item.childForFieldName('alias')?.text
            if (target && alias) map.#names.set(alias, target)
          } else {
            const first = item.text.split('.')[0]
            if (first) map.#names.set(first, first)
          }
        }
        return false
      }
      if (node.type === 'import_from_statement') {
        const from = node.childForFieldName('module_name')?.text ?? ''
        for (const item of node.childrenForFieldName('name')) {
          if (!item) continue
          const target =
            item.type === 'aliased_import' ? item.childForFieldName('name')?.text : item.text
          const alias =
            item.type === 'aliased_import' ? item.childForFieldName('alias')?.text : item.text
          if (target && alias)
            map.#names.set(alias, from.endsWith('.') ? `${from}${target}` : `${from}.${target}`)
        }
        return false
      }
      return undefined
    })
    return map
  }

  /** True when `name` is bound by an import. */
  has(name: string): boolean {
    return this.#names.has(name)
  }

  /** A dotted name with its first part replaced by what the import binds (`sp.run` → `subprocess.run`). */
  qualify(dotted: string): string {
    const dot = dotted.indexOf('.')
    const head = dot === -1 ? dotted : dotted.slice(0, dot)
    const bound = this.#names.get(head)
    if (bound === undefined) return dotted
    return dot === -1 ? bound : `${bound}${dotted.slice(dot)}`
  }
}

/** The qualified name a call calls (`subprocess.run`, `open`), or null when not a dotted name. */
export function calleeName(call: Node, imports: ImportMap): string | null {
  const dotted = dottedName(call.childForFieldName('function'))
  return dotted === null ? null : imports.qualify(dotted)
}

/** Targets bound by an assignment's left side (`a`, `a, b`, `(a, [b, c])`); attributes ignored. */
export function boundNames(target: Node | null | undefined): string[] {
  if (!target) return []
  switch (target.type) {
    case 'identifier':
      return [target.text]
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'expression_list':
    case 'tuple':
    case 'list':
    case 'as_pattern_target':
    case 'list_splat_pattern':
    case 'parenthesized_expression':
      return named(target).flatMap(boundNames)
    default:
      return []
  }
}

/** A function definition's docstring (PEP 257), cleaned like `inspect.cleandoc`; null when none. */
export function docstring(fn: Node): string | null {
  const body = fn.childForFieldName('body')
  const first = body ? named(body).find((c) => c.type !== 'comment') : undefined
  if (!first || first.type !== 'expression_statement') return null
  const value = stringValue(named(first)[0])
  return value === null ? null : cleanDoc(value)
}

/** `inspect.cleandoc`: trim, and remove the common indentation of every line after the first. */
export function cleanDoc(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const rest = lines.slice(1).filter((l) => l.trim() !== '')
  const indent = Math.min(...rest.map((l) => /^\s*/.exec(l)?.[0].length ?? 0), Infinity)
  const cleaned = [
    (lines[0] ?? '').trim(),
    ...lines.slice(1).map((l) => (Number.isFinite(indent) ? l.slice(indent) : l).trimEnd())
  ]
  return cleaned.join('\n').trim()
}

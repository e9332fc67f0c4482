/**
 * Which local names of one file stand for which modules (`import`, `require`, `await import`),
 * so a call can be named by what it really calls: `cp.exec`, `run` imported as `exec`, or
 * `(0, child_process_1.execSync)` all become `child_process.exec…`.
 *
 * Limits (documented in docs/grading.md "Source rules"): names are per file, not per scope (a
 * local variable that shadows an import is still read as the import); re-exports across files are
 * not followed; bundler helpers are unwrapped one level (`__toESM(require('x'))`,
 * `_interopRequireDefault(require('x'))`, `require('x').default`).
 */
import type { Node } from 'estree'
import { keyName, propertyName, stringValue, unwrap } from './js-ast.js'

/** What a local name is bound to: a module (`member` null: the default or namespace object). */
export interface ModuleBinding {
  module: string
  member: string | null
}

/**
 * A module specifier in the form the sink tables use: `node:` prefix dropped; `fs/promises`,
 * `fs-extra`, `graceful-fs` and their sub-paths read as `fs`; `child_process` sub-paths kept.
 */
export function normaliseModule(specifier: string): string {
  const bare = specifier.replace(/^node:/, '')
  if (/^(?:fs|fs-extra|graceful-fs)(?:\/.*)?$/.test(bare)) return 'fs'
  if (bare === 'path/posix' || bare === 'path/win32') return 'path'
  if (bare === 'vm' || bare === 'child_process' || bare === 'http' || bare === 'https') return bare
  return bare
}

/** The specifier of `require('x')`, `import('x')`, or a bundler helper around one, else null. */
export function requiredModule(node: Node): string | null {
  let n = unwrap(node)
  if (n.type === 'AwaitExpression') n = unwrap(n.argument)
  if (n.type === 'ImportExpression') return stringValue(n.source)
  if (n.type !== 'CallExpression') return null
  const callee = unwrap(n.callee)
  if (callee.type === 'Identifier' && callee.name === 'require' && n.arguments.length >= 1) {
    return stringValue(n.arguments[0])
  }
  // __toESM(require('x')), _interopRequireDefault(require('x')), __importStar(require('x'))
  if (n.arguments.length >= 1 && n.arguments.length <= 2) {
    const inner = n.arguments[0] as Node
    if (inner.type === 'CallExpression') {
      const innerCallee = unwrap(inner.callee)
      if (innerCallee.type === 'Identifier' && innerCallee.name === 'require') {
        return stringValue(inner.arguments[0])
      }
    }
  }
  return null
}

/** The module bindings of one file. */
export class ModuleBindings {
  private readonly names = new Map<string, ModuleBinding>()

  /** The binding of local name `name`, if it names a module or a module member. */
  get(name: string): ModuleBinding | undefined {
    return this.names.get(name)
  }

  /**
   * Record what `node` binds, when it is an `ImportDeclaration` or a `VariableDeclarator` whose
   * initialiser is `require('x')` / `await import('x')` (optionally `.member`, optionally
   * destructured). Other nodes are ignored.
   */
  record(node: Node): void {
    if (node.type === 'ImportDeclaration') {
      const module = stringValue(node.source)
      if (module === null) return
      const m = normaliseModule(module)
      for (const s of node.specifiers) {
        if (s.type === 'ImportSpecifier') {
          const imported =
            s.imported.type === 'Identifier' ? s.imported.name : stringValue(s.imported)
          this.names.set(s.local.name, {
            module: m,
            member: imported === 'default' ? null : imported
          })
        } else this.names.set(s.local.name, { module: m, member: null })
      }
      return
    }
    if (node.type !== 'VariableDeclarator' || !node.init) return
    let init = unwrap(node.init)
    let member: string | null = null
    if (init.type === 'MemberExpression') {
      const name = !init.computed && init.property.type === 'Identifier' ? init.property.name : null
      if (name !== null && requiredModule(init.object) !== null) {
        member = name === 'default' || name === 'promises' ? null : name
        init = unwrap(init.object)
      }
    }
    const spec = requiredModule(init)
    if (spec === null) return
    const module = normaliseModule(spec)
    if (node.id.type === 'Identifier') {
      this.names.set(node.id.name, { module, member })
    } else if (node.id.type === 'ObjectPattern' && member === null) {
      for (const p of node.id.properties) {
        if (p.type !== 'Property') continue
        const key = keyName(p)
        const value = p.value.type === 'AssignmentPattern' ? p.value.left : p.value
        if (key !== null && value.type === 'Identifier') {
          this.names.set(value.name, {
            module,
            member: key === 'default' || key === 'promises' ? null : key
          })
        }
      }
    }
  }

  /**
   * The qualified name of a callee or receiver: the module-relative path when its root name is
   * bound to a module (`['child_process', 'exec']`), else its own dotted path
   * (`['console', 'log']`, `['this', 'server', 'tool']`); `default` and `promises` segments
   * after a module are dropped. Null when the expression has no such name.
   */
  qualify(node: Node): string[] | null {
    const parts: string[] = []
    let current = unwrap(node)
    for (let depth = 0; current.type === 'MemberExpression'; depth++) {
      const name = propertyName(current)
      if (name === null || depth > 32) return null
      parts.unshift(name)
      current = unwrap(current.object)
    }
    const dropped = (p: string): boolean => p !== 'default' && p !== 'promises'
    const spec = requiredModule(current)
    if (spec !== null) return [normaliseModule(spec), ...parts.filter(dropped)]
    if (current.type === 'ThisExpression') return ['this', ...parts]
    if (current.type !== 'Identifier') return null
    const binding = this.names.get(current.name)
    if (!binding) return [current.name, ...parts]
    const rest = parts.filter(dropped)
    return binding.member === null
      ? [binding.module, ...rest]
      : [binding.module, binding.member, ...rest]
  }
}

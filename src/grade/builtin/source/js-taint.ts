/**
 * Tool-input taint for the JavaScript source rules: which names inside a tool handler hold
 * values that come from the tool's arguments (what a model, and so a prompt injection, controls).
 *
 * A deliberately simple, documented analysis (docs/grading.md "Source rules"):
 * - sources: every name bound by the handler's first parameter (`args`, `{ path, url }`,
 *   `request` — so `request.params.arguments` too);
 * - propagation, by name, flow-insensitive, to a fixpoint (at most {@link MAX_PASSES} passes)
 *   over the handler and the functions nested in it: `const`/`let`/assignment and destructuring,
 *   member reads (`args.x`), template literals, `+`, `||`/`??`/`?:`, `await`, object and array
 *   literals and spread, `String()`, `JSON.*`, `Buffer.from`, `path.*`, `new URL()`, any method
 *   called on a tainted value (`.trim()`, `.replace()`, `.join()` …, not boolean tests such as
 *   `.startsWith()`), `for … of` over a tainted value and the callback parameters of `.map`,
 *   `.forEach`, `.filter`, … on one;
 * - one level of calls: a function of the same file called from the handler (`helper(args.x)`,
 *   `this.search(args)`) is analysed with the parameters that receive tainted arguments as
 *   sources; what that function calls is not followed;
 * - sanitisers: the result of a call to a function whose name says it validates or confines a path
 *   or URL (`validatePath`, `ensureAllowed`, `checkUrl`, `safePath`, …) is not tainted;
 * - not modelled: calls to other functions (their results are not tainted), aliasing through
 *   object fields, shadowing (names are per handler), other files.
 * The same propagation (`carries`) serves the credential-logging rule with other sources.
 */
import type { Node } from 'estree'
import {
  type FunctionNode,
  isFunction,
  patternNames,
  propertyName,
  stringValue,
  unwrap,
  walk
} from './js-ast.js'
import type { ModuleBindings } from './js-bindings.js'
import type { FileIndex } from './js-file-index.js'

/** Propagation passes over one function before its taint set is taken as final. */
export const MAX_PASSES = 3

/** Deepest expression followed by `carries` (longer chains are cut, as not tainted). */
const MAX_EXPRESSION_DEPTH = 200

/** Functions whose result is a vetted path or URL (see the module doc). */
export const SANITISER_NAME =
  /^(?:(?:validate|ensure|check|assert|verify|is|sanitize|sanitise)[A-Za-z0-9_]*(?:Path|Allowed|Within|Inside|Contained|Safe|Url|URL|Host)[A-Za-z0-9_]*|(?:safe|secure)[A-Za-z0-9_]*(?:Path|Url|URL))$/

/** Methods that answer a question about a value instead of passing it on. */
const TEST_METHODS = new Set([
  'startsWith',
  'endsWith',
  'includes',
  'test',
  'has',
  'some',
  'every',
  'indexOf',
  'lastIndexOf',
  'localeCompare',
  'hasOwnProperty',
  'isFile',
  'isDirectory'
])

/** Array methods whose callbacks receive the elements (first parameter; `reduce`: second). */
const ITERATION_METHODS = new Set([
  'map',
  'forEach',
  'filter',
  'flatMap',
  'some',
  'every',
  'find',
  'findIndex',
  'reduce',
  'then'
])

/** Global functions and static methods whose result carries their arguments. */
const PASS_THROUGH = new Set([
  'String',
  'decodeURIComponent',
  'decodeURI',
  'encodeURI',
  'encodeURIComponent',
  'JSON.parse',
  'JSON.stringify',
  'Buffer.from',
  'Array.from',
  'Object.assign',
  'Object.values',
  'Object.entries',
  'Promise.resolve',
  'Promise.all',
  'path.join',
  'path.resolve',
  'path.normalize',
  'path.relative',
  'path.dirname',
  'path.basename',
  'path.format',
  'path.toNamespacedPath',
  'url.fileURLToPath',
  'url.pathToFileURL',
  'os.homedir'
])

/** What `carries` needs to know: which names are tainted, and which expressions are sources. */
export interface TaintQuery {
  bindings: ModuleBindings
  isName(name: string): boolean
  isSource?(node: Node): boolean
}

/**
 * True when the value of `expr` may hold tainted data under `query` (see the module doc for
 * what propagates). Never throws; expressions nested deeper than 200 levels count as clean.
 */
export function carries(expr: Node, query: TaintQuery, depth = 0): boolean {
  if (depth > MAX_EXPRESSION_DEPTH) return false
  const n = unwrap(expr)
  if (query.isSource?.(n)) return true
  const next = (e: Node | null | undefined): boolean => !!e && carries(e, query, depth + 1)
  switch (n.type) {
    case 'Identifier':
      return query.isName(n.name)
    case 'MemberExpression': {
      const name = propertyName(n)
      if (name === 'length') return false
      return next(n.object)
    }
    case 'TemplateLiteral':
      return n.expressions.some((e) => next(e))
    case 'BinaryExpression':
      return n.operator === '+' && n.left.type !== 'PrivateIdentifier'
        ? next(n.left) || next(n.right)
        : false
    case 'LogicalExpression':
      return next(n.left) || next(n.right)
    case 'ConditionalExpression':
      return next(n.consequent) || next(n.alternate)
    case 'AwaitExpression':
    case 'SpreadElement':
      return next(n.argument)
    case 'AssignmentExpression':
      return next(n.right)
    case 'ObjectExpression':
      return n.properties.some((p) =>
        p.type === 'SpreadElement' ? next(p.argument) : next(p.value)
      )
    case 'ArrayExpression':
      return n.elements.some((e) => next(e))
    case 'NewExpression': {
      const path = query.bindings.qualify(n.callee)
      const name = path?.at(-1)
      return (name === 'URL' || name === 'String') && next(n.arguments[0])
    }
    case 'CallExpression': {
      const callee = unwrap(n.callee)
      const path = query.bindings.qualify(callee)
      const last = path?.at(-1) ?? ''
      if (SANITISER_NAME.test(last)) return false
      if (
        path &&
        (PASS_THROUGH.has(path.join('.')) || PASS_THROUGH.has(path.slice(-2).join('.')))
      ) {
        return n.arguments.some((a) => next(a))
      }
      if (callee.type === 'MemberExpression') {
        const method = propertyName(callee)
        if (method !== null && TEST_METHODS.has(method)) return false
        return next(callee.object)
      }
      return false
    }
    default:
      return false
  }
}

/** Tool-input taint of one analysed function, with what its body checks. */
export interface TaintEnv {
  /** Tainted names (see the module doc). */
  names: Set<string>
  /** A host/origin allow-list comparison was seen (SSRF rule). */
  allowList: boolean
  /** A path containment check was seen (path traversal rule). */
  containment: boolean
  /** `realpath` is called (symlink rule). */
  realpath: boolean
}

/**
 * Analyse every handler (its first parameter is tool input) and, one level down, the functions
 * of the same file they call with tainted arguments (their checks are those of the caller plus
 * their own). Returns the taint environment of each analysed function; a function reached from
 * several handlers gets the union. Never throws.
 */
export function analyseHandlers(
  handlers: readonly FunctionNode[],
  index: FileIndex
): Map<FunctionNode, TaintEnv> {
  const envs = new Map<FunctionNode, TaintEnv>()
  const callees: Array<{ fn: FunctionNode; seeds: boolean[]; caller: TaintEnv }> = []
  const handlerSet = new Set(handlers)
  for (const handler of handlerSet) {
    const seeds = handler.params.map((_, i) => i === 0)
    const env = analyseFunction(handler, seeds, index, callees)
    merge(envs, handler, env)
  }
  for (const { fn, seeds, caller } of callees.splice(0)) {
    if (handlerSet.has(fn)) continue
    const env = analyseFunction(fn, seeds, index, null)
    env.allowList ||= caller.allowList
    env.containment ||= caller.containment
    env.realpath ||= caller.realpath
    merge(envs, fn, env)
  }
  return envs
}

function merge(envs: Map<FunctionNode, TaintEnv>, fn: FunctionNode, env: TaintEnv): void {
  const old = envs.get(fn)
  if (!old) {
    envs.set(fn, env)
    return
  }
  for (const n of env.names) old.names.add(n)
  old.allowList ||= env.allowList
  old.containment ||= env.containment
  old.realpath ||= env.realpath
}

function analyseFunction(
  fn: FunctionNode,
  seeds: readonly boolean[],
  index: FileIndex,
  callees: Array<{ fn: FunctionNode; seeds: boolean[]; caller: TaintEnv }> | null
): TaintEnv {
  const env: TaintEnv = { names: new Set(), allowList: false, containment: false, realpath: false }
  fn.params.forEach((p, i) => {
    if (seeds[i]) for (const name of patternNames(p)) env.names.add(name)
  })
  // names asked about and not (yet) tainted: another pass is needed only when one of them
  // becomes tainted later in the same pass (a use before the assignment, e.g. in a loop)
  const missed = new Set<string>()
  const query: TaintQuery = {
    bindings: index.bindings,
    isName: (n) => {
      if (env.names.has(n)) return true
      missed.add(n)
      return false
    }
  }
  const bind = (pattern: Node): void => {
    const target = unwrap(pattern)
    if (target.type === 'MemberExpression') {
      // `opts.path = args.p` taints `opts`
      let root = target as Node
      while (root.type === 'MemberExpression') root = unwrap(root.object)
      if (root.type === 'Identifier') added(root.name)
      return
    }
    for (const name of patternNames(target)) added(name)
  }
  let late: boolean
  const added = (name: string): void => {
    if (env.names.has(name)) return
    env.names.add(name)
    if (missed.has(name)) late = true
  }
  const body = fn.body as Node
  const calls: Array<{ fn: FunctionNode; node: Node }> = []
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    late = false
    missed.clear()
    calls.length = 0
    walk(body, {
      enter(node) {
        switch (node.type) {
          case 'VariableDeclarator':
            if (node.init && carries(node.init, query)) bind(node.id)
            break
          case 'AssignmentExpression':
            if (carries(node.right, query)) bind(node.left)
            break
          case 'ForOfStatement':
          case 'ForInStatement':
            if (carries(node.right, query)) {
              const left = node.left
              bind(left.type === 'VariableDeclaration' ? (left.declarations[0]?.id ?? left) : left)
            }
            break
          case 'BinaryExpression':
            if (
              /^[!=]==?$/.test(node.operator) &&
              (isHostRead(node.left) || isHostRead(node.right))
            ) {
              env.allowList = true
            }
            break
          case 'CallExpression':
            checkCall(node)
            break
          default:
            break
        }
      }
    })
    if (!late) break
  }
  if (callees) {
    for (const { fn: target, node } of calls) {
      if (node.type !== 'CallExpression') continue
      const argSeeds = node.arguments.map((a) => carries(a as Node, query))
      if (argSeeds.some(Boolean)) callees.push({ fn: target, seeds: argSeeds, caller: env })
    }
  }
  return env

  function checkCall(node: Extract<Node, { type: 'CallExpression' }>): void {
    const callee = unwrap(node.callee)
    if (callee.type === 'MemberExpression') {
      const method = propertyName(callee)
      const receiver = unwrap(callee.object)
      if (method !== null && ITERATION_METHODS.has(method) && carries(receiver, query)) {
        for (const arg of node.arguments) {
          const cb = unwrap(arg)
          if (!isFunction(cb)) continue
          const param = cb.params[method === 'reduce' ? 1 : 0]
          if (param) bind(param)
        }
      }
      const arg = node.arguments[0] as Node | undefined
      if (method === 'startsWith' || method === 'endsWith') {
        const text = arg ? stringValue(arg) : null
        if (isHostRead(receiver)) env.allowList = true
        else if (text !== null && /^https?:\/\/./i.test(text) && carries(receiver, query)) {
          env.allowList = true
        } else if (method === 'startsWith' && carries(receiver, query)) env.containment = true
      }
      if (method !== null && HOST_TESTS.has(method) && node.arguments.some((a) => isHostRead(a))) {
        env.allowList = true
      }
    }
    const path =
      callee.type === 'Identifier' || callee.type === 'MemberExpression'
        ? index.bindings.qualify(callee)
        : null
    const last = path?.at(-1) ?? ''
    if (
      last === 'realpath' ||
      last === 'realpathSync' ||
      (last === 'native' && path?.at(-2) === 'realpath')
    ) {
      env.realpath = true
    }
    if (SANITISER_NAME.test(last)) {
      if (/Path|Within|Inside|Contained|Allowed|Safe/.test(last)) env.containment = true
      if (/Allowed|Url|URL|Host|Safe/.test(last)) env.allowList = true
    }
    if (path?.length === 2 && path[0] === 'path' && path[1] === 'relative') env.containment = true
    if (!callees) return
    const target =
      callee.type === 'Identifier' || (callee.type === 'MemberExpression' && isThis(callee))
        ? index.functionOf(callee)
        : undefined
    if (target && target !== fn) calls.push({ fn: target, node })
  }
}

/** Methods that test membership (`allowed.includes(url.hostname)`). */
const HOST_TESTS = new Set(['includes', 'has', 'indexOf', 'some', 'find'])

function isThis(member: Node): boolean {
  return member.type === 'MemberExpression' && unwrap(member.object).type === 'ThisExpression'
}

/** `x.hostname`, `x.host`, `x.origin` (a URL's host, compared against an allow-list). */
function isHostRead(node: Node): boolean {
  const n = unwrap(node)
  const name = n.type === 'MemberExpression' ? propertyName(n) : null
  return name === 'hostname' || name === 'host' || name === 'origin'
}

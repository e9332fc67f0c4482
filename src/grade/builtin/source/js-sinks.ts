/**
 * The dangerous calls of the JavaScript source rules (rules.ts `SOURCE_RULE`) and how each is
 * judged from its arguments:
 * - CWE-78: `child_process` `exec`/`execSync` (always a shell), `spawn`/`spawnSync`/`execFile`/
 *   `execFileSync`/`fork` (a shell only with `shell: true`), execa (`execa`, `execaSync`,
 *   `execaCommand`, `$`), zx `$`, shelljs `exec` (a shell);
 * - CWE-94: `eval`, `Function`/`new Function`, `vm.runInNewContext`/`runInThisContext`/
 *   `runInContext`/`compileFunction`, `new vm.Script`;
 * - CWE-918: `fetch` (global, node-fetch, undici, cross-fetch), `undici.request`, axios (also
 *   instances whose name says `axios`), got, ky, `http(s).request/get`;
 * - CWE-22/59: `fs`, `fs/promises`, `fs-extra` calls that take a path;
 * - CWE-89: query methods on a database-named receiver with SQL built by `+` or a template.
 * Calls are named through the file's module bindings (`js-bindings.ts`).
 */
import type { Node } from 'estree'
import { objectProperty, propertyName, stringValue, unwrap } from './js-ast.js'
import type { FileIndex } from './js-file-index.js'
import { isConstantLiteral } from './js-file-index.js'
import { SOURCE_RULE } from './rules.js'
import { carries, type TaintEnv, type TaintQuery } from './js-taint.js'

/** A sink family and what to read from the call. */
export type SinkKind =
  | { family: 'command'; shell: boolean; inputs: number[] }
  | { family: 'code'; inputs: number[] }
  | { family: 'ssrf' }
  | { family: 'fs'; inputs: number[] }
  | { family: 'sql' }

/** Method and function names that may be sinks: a cheap first filter during the walk. */
export const SINK_NAMES = new Set<string>()

const COMMAND: Record<string, { shell: boolean; inputs: number[] }> = {
  'child_process.exec': { shell: true, inputs: [0] },
  'child_process.execSync': { shell: true, inputs: [0] },
  'child_process.spawn': { shell: false, inputs: [0, 1] },
  'child_process.spawnSync': { shell: false, inputs: [0, 1] },
  'child_process.execFile': { shell: false, inputs: [0, 1] },
  'child_process.execFileSync': { shell: false, inputs: [0, 1] },
  'child_process.fork': { shell: false, inputs: [0, 1] },
  execa: { shell: false, inputs: [0, 1] },
  'execa.execa': { shell: false, inputs: [0, 1] },
  'execa.execaSync': { shell: false, inputs: [0, 1] },
  'execa.execaNode': { shell: false, inputs: [0, 1] },
  'execa.execaCommand': { shell: false, inputs: [0] },
  'execa.execaCommandSync': { shell: false, inputs: [0] },
  'shelljs.exec': { shell: true, inputs: [0] }
}

const CODE: Record<string, number[]> = {
  eval: [0],
  'globalThis.eval': [0],
  Function: [-1],
  'vm.runInNewContext': [0],
  'vm.runInThisContext': [0],
  'vm.runInContext': [0],
  'vm.compileFunction': [0],
  'vm.Script': [0]
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request']
const SSRF = new Set<string>([
  'fetch',
  'globalThis.fetch',
  'node-fetch',
  'cross-fetch',
  'undici.fetch',
  'undici.request',
  'undici.stream',
  'axios',
  'got',
  'ky',
  'http.request',
  'http.get',
  'https.request',
  'https.get',
  ...['axios', 'got', 'ky'].flatMap((m) => HTTP_METHODS.map((h) => `${m}.${h}`))
])

/** fs functions that take a path (first argument; those in `TWO_PATHS` also the second). */
const FS_FUNCTIONS = new Set([
  'readFile',
  'writeFile',
  'appendFile',
  'readdir',
  'rm',
  'rmdir',
  'unlink',
  'createReadStream',
  'createWriteStream',
  'stat',
  'lstat',
  'open',
  'opendir',
  'mkdir',
  'mkdtemp',
  'rename',
  'copyFile',
  'cp',
  'access',
  'exists',
  'truncate',
  'chmod',
  'chown',
  'utimes',
  'symlink',
  'link',
  'readlink',
  'watch',
  'outputFile',
  'readJson',
  'readJSON',
  'writeJson',
  'writeJSON',
  'outputJson',
  'remove',
  'ensureDir',
  'ensureFile',
  'mkdirp',
  'mkdirs',
  'move',
  'copy',
  'emptyDir',
  'pathExists'
])
const TWO_PATHS = new Set(['rename', 'copyFile', 'cp', 'symlink', 'link', 'move', 'copy'])

const SQL_METHODS = new Set([
  'query',
  'execute',
  'raw',
  'prepare',
  'exec',
  'all',
  'get',
  'run',
  'unsafe',
  '$queryRawUnsafe',
  '$executeRawUnsafe'
])
const DB_RECEIVER =
  /^(?:db|pool|client|conn|connection|knex|sql|sqlite|pg|mysql|database|prisma|tx|trx)$|(?:Db|DB|Pool|Client|Conn|Connection|Database)$/
const SQL_TEXT =
  /\b(?:SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|CREATE|DROP|ALTER|PRAGMA|REPLACE\s+INTO|WHERE|FROM)\b/i

for (const key of [...Object.keys(COMMAND), ...Object.keys(CODE), ...SSRF]) {
  SINK_NAMES.add(key.split('.').at(-1) as string)
}
for (const n of [...FS_FUNCTIONS, ...SQL_METHODS, 'Script', 'default', '$']) SINK_NAMES.add(n)
for (const n of [...FS_FUNCTIONS]) SINK_NAMES.add(`${n}Sync`)

/** The callee's last name (identifier or property), for the cheap filter. */
export function calleeLastName(node: Node): string | null {
  const n = unwrap(node)
  if (n.type === 'Identifier') return n.name
  if (n.type === 'MemberExpression') return propertyName(n)
  return null
}

/** What sink, if any, a call or `new` expression (or a tagged template's tag) is. */
export function classifySink(node: Node, index: FileIndex): SinkKind | null {
  if (node.type === 'TaggedTemplateExpression') {
    const path = index.bindings.qualify(node.tag)?.join('.')
    return path === 'zx.$' || path === 'execa.$'
      ? { family: 'command', shell: false, inputs: [] }
      : null
  }
  if (node.type !== 'CallExpression' && node.type !== 'NewExpression') return null
  const callee = unwrap(node.callee)
  const path = index.bindings.qualify(callee)
  if (path) {
    const command = COMMAND[path.join('.')]
    if (command && node.type === 'CallExpression') {
      return { family: 'command', ...command, shell: command.shell || hasShellOption(node) }
    }
    const code = CODE[path.join('.')]
    if (code && (path[0] !== 'vm' || (path[1] === 'Script') === (node.type === 'NewExpression'))) {
      return { family: 'code', inputs: code }
    }
    if (node.type === 'CallExpression') {
      if (SSRF.has(path.join('.'))) return { family: 'ssrf' }
      if (
        path.length >= 2 &&
        HTTP_METHODS.includes(path.at(-1) as string) &&
        /axios/i.test(path.at(-2) as string)
      ) {
        return { family: 'ssrf' }
      }
      if (path[0] === 'fs' && path.length === 2) {
        const fn = (path[1] as string).replace(/Sync$/, '')
        if (FS_FUNCTIONS.has(fn)) return { family: 'fs', inputs: TWO_PATHS.has(fn) ? [0, 1] : [0] }
      }
    }
  }
  if (node.type === 'CallExpression' && callee.type === 'MemberExpression') {
    const method = propertyName(callee)
    const receiver = receiverName(unwrap(callee.object))
    if (method !== null && SQL_METHODS.has(method) && receiver !== null) {
      if (DB_RECEIVER.test(receiver) || method.startsWith('$')) return { family: 'sql' }
    }
  }
  return null
}

/** The last name of a receiver: `db`, `this.pool` → `pool`. */
function receiverName(node: Node): string | null {
  if (node.type === 'Identifier') return node.name
  if (node.type === 'MemberExpression') return propertyName(node)
  return null
}

/** An options object argument with `shell` set to anything but a literal false/undefined. */
function hasShellOption(call: Node): boolean {
  if (call.type !== 'CallExpression') return false
  return call.arguments.some((a) => {
    const value = objectProperty(a, 'shell')
    if (!value) return false
    const v = unwrap(value)
    return !(v.type === 'Literal' && (v.value === false || v.value === null || v.value === 0))
  })
}

/** Names whose values are fixed by the package itself (not a user's or a model's input). */
const PACKAGE_CONSTANT_PATHS = new Set([
  '__dirname',
  '__filename',
  'process.execPath',
  'process.argv0',
  'import.meta.url',
  'import.meta.dirname',
  'import.meta.filename'
])

/**
 * True for values the package fixes: literals, `const` names bound to literals, templates and
 * `+` of those, `__dirname`, `process.execPath`, and `path.join/resolve` of those.
 */
export function isConstantValue(node: Node, index: FileIndex, depth = 0): boolean {
  if (depth > 50) return false
  const n = unwrap(node)
  if (isConstantLiteral(n, index.constants)) return true
  const path = index.bindings.qualify(n)
  if (n.type !== 'CallExpression' && path && PACKAGE_CONSTANT_PATHS.has(path.join('.'))) return true
  if (n.type === 'TemplateLiteral') {
    return n.expressions.every((e) => isConstantValue(e as Node, index, depth + 1))
  }
  if (n.type === 'BinaryExpression' && n.operator === '+' && n.left.type !== 'PrivateIdentifier') {
    return isConstantValue(n.left, index, depth + 1) && isConstantValue(n.right, index, depth + 1)
  }
  if (n.type === 'ConditionalExpression') {
    return (
      isConstantValue(n.consequent, index, depth + 1) &&
      isConstantValue(n.alternate, index, depth + 1)
    )
  }
  if (n.type === 'ArrayExpression') {
    return n.elements.every(
      (e) => e !== null && e.type !== 'SpreadElement' && isConstantValue(e, index, depth + 1)
    )
  }
  if (n.type === 'CallExpression') {
    const callee = index.bindings.qualify(n.callee)?.join('.')
    if (callee === 'path.join' || callee === 'path.resolve' || callee === 'url.fileURLToPath') {
      return n.arguments.every((a) => isConstantValue(a as Node, index, depth + 1))
    }
  }
  return false
}

/** The rule a sink call breaks, if any, given the taint of the function it is in. */
export function judgeSink(
  node: Node,
  kind: SinkKind,
  index: FileIndex,
  env: TaintEnv | undefined
): (typeof SOURCE_RULE)[keyof typeof SOURCE_RULE] | null {
  const query: TaintQuery | null = env
    ? { bindings: index.bindings, isName: (n) => env.names.has(n) }
    : null
  const tainted = (e: Node | undefined): boolean => !!e && !!query && carries(e, query)
  if (node.type === 'TaggedTemplateExpression') {
    const exprs = node.quasi.expressions as Node[]
    if (exprs.some((e) => tainted(e))) return SOURCE_RULE.commandInjection
    return exprs.every((e) => isConstantValue(e, index)) ? null : SOURCE_RULE.commandDynamic
  }
  if (node.type !== 'CallExpression' && node.type !== 'NewExpression') return null
  const args = node.arguments as Node[]
  const pick = (inputs: number[]): Node[] =>
    inputs.map((i) => (i < 0 ? args[args.length + i] : args[i])).filter((a): a is Node => !!a)
  switch (kind.family) {
    case 'command': {
      const inputs = pick(kind.inputs)
      if (inputs.some((a) => tainted(a))) return SOURCE_RULE.commandInjection
      const command = args[0]
      if (!command || isConstantValue(command, index)) return null
      return kind.shell ? SOURCE_RULE.commandInjection : SOURCE_RULE.commandDynamic
    }
    case 'code': {
      const inputs = kind.inputs[0] === -1 ? args : pick(kind.inputs)
      if (inputs.some((a) => tainted(a))) return SOURCE_RULE.codeInjection
      return inputs.every((a) => isConstantValue(a, index)) ? null : SOURCE_RULE.codeDynamic
    }
    case 'ssrf': {
      if (!env || env.allowList) return null
      const url = urlArgument(args[0])
      return url && tainted(url) && !hasFixedHost(url, index) ? SOURCE_RULE.ssrf : null
    }
    case 'fs': {
      if (!pick(kind.inputs).some((a) => tainted(a))) return null
      if (!env?.containment) return SOURCE_RULE.pathTraversal
      return env.realpath ? null : SOURCE_RULE.symlinkFollowing
    }
    case 'sql': {
      const sql = args[0]
      return sql && isBuiltSql(sql, index) ? SOURCE_RULE.sqlInjection : null
    }
  }
}

/** The URL of a request call: the argument, or its `url`/`baseURL`/`host`/`hostname` field. */
function urlArgument(arg: Node | undefined): Node | undefined {
  if (!arg) return undefined
  const n = unwrap(arg)
  if (n.type !== 'ObjectExpression') return n
  return (
    objectProperty(n, 'url') ??
    objectProperty(n, 'baseURL') ??
    objectProperty(n, 'hostname') ??
    objectProperty(n, 'host')
  )
}

/**
 * True when the URL's scheme and host are written in the code (`https://api.x.com/v1/${id}`,
 * `BASE + '/x'` with `const BASE = 'https://…/'`): only its path or query comes from input.
 */
function hasFixedHost(url: Node, index: FileIndex): boolean {
  const lead = leadingText(url, index, 0)
  return lead !== null && /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+[/?#]/i.test(lead)
}

function leadingText(node: Node, index: FileIndex, depth: number): string | null {
  if (depth > 20) return null
  const n = unwrap(node)
  const literal = stringValue(n)
  if (literal !== null) return literal
  if (n.type === 'TemplateLiteral') return n.quasis[0]?.value.cooked ?? null
  if (n.type === 'BinaryExpression' && n.operator === '+' && n.left.type !== 'PrivateIdentifier') {
    const left = leadingText(n.left, index, depth + 1)
    if (left === null) return null
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+[/?#]/i.test(left)) return left
    const right = leadingText(n.right, index, depth + 1)
    return right === null ? left : left + right
  }
  if (n.type === 'Identifier' && index.constants.has(n.name)) {
    const init = index.inits.get(n.name)
    return init ? leadingText(init, index, depth + 1) : null
  }
  return null
}

/** SQL text built with `+` or a template from non-constant parts (directly or via a name). */
function isBuiltSql(node: Node, index: FileIndex, depth = 0): boolean {
  const n = unwrap(node)
  if (n.type === 'Identifier' && depth === 0) {
    const init = index.inits.get(n.name)
    return init !== undefined && init !== n && isBuiltSql(init, index, 1)
  }
  let text = ''
  let dynamic = false
  if (n.type === 'TemplateLiteral') {
    text = n.quasis.map((q) => q.value.cooked ?? '').join(' ')
    dynamic = n.expressions.some((e) => !isConstantValue(e, index))
  } else if (n.type === 'BinaryExpression' && n.operator === '+') {
    const parts: Node[] = []
    const stack: Node[] = [n]
    while (stack.length > 0 && parts.length < 200) {
      const p = unwrap(stack.pop() as Node)
      if (
        p.type === 'BinaryExpression' &&
        p.operator === '+' &&
        p.left.type !== 'PrivateIdentifier'
      ) {
        stack.push(p.right, p.left)
      } else parts.push(p)
    }
    for (const p of parts) {
      const s = stringValue(p)
      if (s !== null) text += ` ${s}`
      else if (p.type === 'TemplateLiteral')
        text += p.quasis.map((q) => q.value.cooked ?? '').join(' ')
      if (!isConstantValue(p, index)) dynamic = true
    }
  } else return false
  return dynamic && SQL_TEXT.test(text)
}

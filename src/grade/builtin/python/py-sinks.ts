/**
 * The source rules (`SOURCE_RULE`, src/grade/builtin/source/rules.ts) over one Python module: the
 * same rule ids as for JavaScript, with Python sinks. Each function body (and the module's top
 * level) is one unit with its own taint (`py-taint.ts`); the parameters of tool functions
 * (`py-tools.ts`) are the tool-input sources.
 *
 * Sinks, by rule:
 * - command: `subprocess.run/call/Popen/check_output/check_call/getoutput/getstatusoutput`,
 *   `os.system/popen/exec*`/`spawn*`, `asyncio.create_subprocess_shell/exec`. Tool input in the
 *   command → `source.command-injection`; a shell (`shell=True`, `os.system`, `os.popen`, …) with
 *   a non-constant command → `source.command-injection`; otherwise a non-constant command →
 *   `source.command-dynamic`;
 * - code: built-in `eval`/`exec`/`compile` → `source.code-injection` (tool input) or
 *   `source.code-dynamic` (non-constant);
 * - ssrf: `requests.*`, `httpx.*`, `urllib.request.urlopen/Request`, `aiohttp.request`, and
 *   `get/post/…` of a client (`httpx.Client()`, `requests.Session()`, `aiohttp.ClientSession()`,
 *   or a receiver named `client`/`session`/`http`) with a tool-input URL, in a function that names
 *   no allow-list (an identifier with allow/whitelist/permit/trusted, or a comparison on
 *   `.hostname`/`.netloc`) → `source.ssrf`;
 * - path: built-in `open`, `io.open`, `aiofiles.open`, `os.remove/unlink/rmdir/…/listdir/
 *   scandir/walk`, `shutil.*`, and `read_text/write_text/…/unlink/iterdir` of a tainted path,
 *   with a tool-input path, in a function with no containment check (`is_relative_to`,
 *   `relative_to`, `os.path.commonpath`, or `startswith` next to `abspath`/`realpath`/
 *   `normpath`/`resolve()`) → `source.path-traversal`; with a check but no `realpath`/`resolve()`
 *   → `source.symlink-following`;
 * - sql: `execute/executemany/executescript/exec_driver_sql/raw/mogrify/fetch/fetchrow/fetchval`
 *   of any receiver, whose SQL-looking text is an f-string, `%`, `.format` or `+` over a
 *   non-constant value (directly, through `text(…)`, or through a local variable) →
 *   `source.sql-injection`;
 * - secret-logged: `print`, `logging.*`, logger methods (receiver named `*log*`, or the MCP
 *   `ctx`), `sys.stderr.write`, `warnings.warn` and `raise X(…)` given a value read from a
 *   credential-named environment variable (`os.environ[…]`, `os.environ.get`, `os.getenv`; names
 *   `*_TOKEN`, `*_KEY`, `*SECRET*`, `*PASSWORD*`, `*CREDENTIAL*`) → `source.secret-logged`.
 * The HTTP transport rule is `checkHttpTransport`.
 */
import type { Node } from 'web-tree-sitter'
import type { Finding } from '../../report.js'
import { findingOf } from '../finding.js'
import type { RuleDefinition } from '../rule.js'
import { SOURCE_RULE as S } from '../source/rules.js'
import {
  argument,
  callArguments,
  calleeLastName,
  calleeName,
  dottedName,
  type ImportMap,
  interpolations,
  isInterpolated,
  lineOf,
  named,
  stringValue,
  walk
} from './py-syntax.js'
import type { ToolFunction } from './py-tools.js'
import { bindingsOf, Taint, valuesByName, walkUnit } from './py-taint.js'

/** One parsed module and what the rules need to know about it. */
export interface ModuleFacts {
  /** Path in the package (evidence). */
  file: string
  /** The module's text (for evidence lines). */
  source: string
  module: Node
  imports: ImportMap
  toolFunctions: readonly ToolFunction[]
}

/** Commands that always run through a shell. */
const SHELL_COMMANDS = new Set([
  'os.system',
  'os.popen',
  'subprocess.getoutput',
  'subprocess.getstatusoutput',
  'asyncio.create_subprocess_shell'
])
/** Commands whose first argument (or `args=`) is the command. */
const COMMAND_CALLS = new Set([
  ...SHELL_COMMANDS,
  'subprocess.run',
  'subprocess.call',
  'subprocess.Popen',
  'subprocess.check_output',
  'subprocess.check_call'
])
/** Commands whose every positional argument is part of the command line. */
const ARGV_CALLS =
  /^(asyncio\.create_subprocess_exec|os\.(exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?))$/

const HTTP_FUNCTIONS =
  /^(requests|httpx)\.(get|post|put|patch|delete|head|options|request|stream)$|^urllib\.request\.(urlopen|Request)$|^aiohttp\.request$|^urllib3\.request$/
const HTTP_CLIENTS =
  /^(httpx\.(Async)?Client|requests\.(Session|session)|aiohttp\.ClientSession|urllib3\.PoolManager)$/
const HTTP_METHODS = new Set([
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'head',
  'options',
  'request',
  'stream'
])
const CLIENT_RECEIVER = /^(self\.)?_?(async_|http_|httpx_|aio_)?(client|session|http)$/i
const ALLOW_LIST_NAME = /allow|whitelist|permit|trusted/i

const PATH_FUNCTIONS =
  /^(open|io\.open|codecs\.open|aiofiles\.open|os\.(remove|unlink|rmdir|removedirs|rename|renames|replace|makedirs|mkdir|listdir|scandir|walk|chmod|chown|truncate|open|symlink|link)|shutil\.(copy|copy2|copyfile|copytree|copyfileobj|rmtree|move|chown|make_archive|unpack_archive))$/
const PATH_METHODS = new Set([
  'read_text',
  'read_bytes',
  'write_text',
  'write_bytes',
  'open',
  'unlink',
  'rmdir',
  'mkdir',
  'touch',
  'iterdir',
  'rglob',
  'symlink_to',
  'hardlink_to'
])

const SQL_METHODS = new Set([
  'execute',
  'executemany',
  'executescript',
  'exec_driver_sql',
  'raw',
  'mogrify',
  'fetch',
  'fetchrow',
  'fetchval'
])
const SQL_WORDS =
  /\b(select|insert|update|delete|create|drop|alter|pragma|replace|truncate|merge|with)\b/i

const LOG_FUNCTIONS =
  /^(print|logging\.(debug|info|warning|warn|error|critical|exception|log)|sys\.(stderr|stdout)\.write|warnings\.warn)$/
const LOG_METHODS = new Set([
  'debug',
  'info',
  'warning',
  'warn',
  'error',
  'critical',
  'exception',
  'log'
])
const LOG_RECEIVER = /log|^(self\.)?_?(ctx|context)$/i
/** Environment variable names that hold credentials (`SOURCE_RULE.secretLogged`). */
export const CREDENTIAL_ENV_NAME =
  /(?:^|_)(?:TOKEN|KEY)$|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY/i

/**
 * Findings of the command, code, SSRF, path, SQL and secret-logging rules in one module.
 * Never throws for odd code. At most one finding per rule per call site.
 */
export function checkModuleSinks(facts: ModuleFacts): Finding[] {
  const findings: Finding[] = []
  const { module, imports } = facts
  const moduleBindings = bindingsOf(module)
  const moduleValues = valuesByName(moduleBindings)
  const credentialRead = (node: Node): boolean => isCredentialRead(node, imports)
  const moduleCredentials = new Taint(moduleBindings, [], imports, credentialRead).names
  const moduleClients = clientNames(moduleValues, imports)
  const inputs = new Map(facts.toolFunctions.map((f) => [f.node.id, f.inputs]))
  const units: Node[] = [module]
  walk(module, (node) => {
    if (node.type === 'function_definition') units.push(node)
    return undefined
  })
  for (const unit of units) {
    const bindings = unit === module ? moduleBindings : bindingsOf(unit)
    const values = unit === module ? moduleValues : valuesByName(bindings)
    const local = new Set(values.keys())
    const context: UnitContext = {
      facts,
      tool: new Taint(bindings, inputs.get(unit.id) ?? [], imports),
      credentials: new Taint(
        bindings,
        [...moduleCredentials].filter((n) => unit === module || !local.has(n)),
        imports,
        credentialRead
      ),
      constant: (node) => isConstant(node, values, moduleValues, 0),
      values,
      clients: new Set([...moduleClients, ...clientNames(values, imports)]),
      checks: unitChecks(unit, imports),
      findings,
      symlinkReported: false
    }
    walkUnit(unit, (node) => {
      if (node.type === 'call') checkCall(node, context)
      if (node.type === 'raise_statement') checkRaise(node, context)
      return undefined
    })
  }
  return findings
}

interface UnitChecks {
  /** A containment check of a path (`is_relative_to`, `commonpath`, `startswith` on a resolved path). */
  containment: boolean
  /** `os.path.realpath(…)` or `….resolve()`: symlinks resolved. */
  realpath: boolean
  /** An allow-list of hosts is named or a host is compared. */
  allowList: boolean
}

interface UnitContext {
  facts: ModuleFacts
  tool: Taint
  credentials: Taint
  constant: (node: Node) => boolean
  values: Map<string, Node[]>
  clients: Set<string>
  checks: UnitChecks
  findings: Finding[]
  symlinkReported: boolean
}

function checkCall(call: Node, context: UnitContext): void {
  const { imports } = context.facts
  const name = calleeName(call, imports)
  const args = callArguments(call)
  if (name !== null) {
    if (COMMAND_CALLS.has(name))
      return commandSink(call, name, [argument(args, 'args', 0)], args, context)
    if (ARGV_CALLS.test(name)) return commandSink(call, name, args.positional, args, context)
    if ((name === 'eval' || name === 'exec' || name === 'compile') && !imports.has(name)) {
      return codeSink(call, argument(args, 'source', 0), context)
    }
    if (name === 'builtins.eval' || name === 'builtins.exec') {
      return codeSink(call, argument(args, 'source', 0), context)
    }
    if (HTTP_FUNCTIONS.test(name)) {
      const url = name.endsWith('.request') ? argument(args, 'url', 1) : argument(args, 'url', 0)
      return ssrfSink(call, url, context)
    }
    if (PATH_FUNCTIONS.test(name) && (name !== 'open' || !imports.has('open'))) {
      const paths = name.startsWith('shutil.') ? args.positional.slice(0, 2) : [args.positional[0]]
      for (const key of ['file', 'path', 'src', 'dst', 'name']) paths.push(args.keywords.get(key))
      return pathSink(call, paths, context)
    }
    if (LOG_FUNCTIONS.test(name)) return secretSink(call, context)
  }
  const fn = call.childForFieldName('function')
  if (fn?.type !== 'attribute') return
  const method = fn.childForFieldName('attribute')?.text ?? ''
  const receiver = fn.childForFieldName('object')
  const receiverName = dottedName(receiver)
  if (HTTP_METHODS.has(method) && receiverName !== null) {
    if (context.clients.has(receiverName) || CLIENT_RECEIVER.test(receiverName)) {
      const url = method === 'request' ? argument(args, 'url', 1) : argument(args, 'url', 0)
      return ssrfSink(call, url, context)
    }
  }
  if (PATH_METHODS.has(method) && context.tool.tainted(receiver)) {
    return pathSink(call, [receiver ?? undefined], context)
  }
  if (SQL_METHODS.has(method)) return sqlSink(call, argument(args, 'query', 0), context)
  if (LOG_METHODS.has(method) && receiverName !== null && LOG_RECEIVER.test(receiverName)) {
    return secretSink(call, context)
  }
}

function commandSink(
  call: Node,
  name: string,
  command: Array<Node | undefined>,
  args: ReturnType<typeof callArguments>,
  context: UnitContext
): void {
  const parts = command.filter((n): n is Node => n !== undefined)
  if (parts.length === 0) return
  const shell = SHELL_COMMANDS.has(name) || args.keywords.get('shell')?.type === 'true'
  const fromInput = parts.some((p) => context.tool.tainted(p))
  const dynamic = parts.some((p) => !context.constant(p))
  if (fromInput || (shell && dynamic)) report(S.commandInjection, call, context)
  else if (dynamic) report(S.commandDynamic, call, context)
}

function codeSink(call: Node, code: Node | undefined, context: UnitContext): void {
  if (!code) return
  if (context.tool.tainted(code)) report(S.codeInjection, call, context)
  else if (!context.constant(code)) report(S.codeDynamic, call, context)
}

function ssrfSink(call: Node, url: Node | undefined, context: UnitContext): void {
  if (url && context.tool.tainted(url) && !context.checks.allowList) report(S.ssrf, call, context)
}

function pathSink(call: Node, paths: Array<Node | undefined>, context: UnitContext): void {
  if (!paths.some((p) => p !== undefined && context.tool.tainted(p))) return
  if (!context.checks.containment) {
    report(S.pathTraversal, call, context)
  } else if (!context.checks.realpath && !context.symlinkReported) {
    context.symlinkReported = true
    report(S.symlinkFollowing, call, context)
  }
}

function sqlSink(call: Node, sql: Node | undefined, context: UnitContext): void {
  if (!sql) return
  let text = sql
  // `session.execute(text(f"…"))` (SQLAlchemy): the SQL is the argument of `text`
  if (text.type === 'call' && calleeLastName(text) === 'text') {
    const inner = callArguments(text).positional[0]
    if (!inner) return
    text = inner
  }
  const candidates = text.type === 'identifier' ? (context.values.get(text.text) ?? []) : [text]
  if (candidates.some((c) => builtSql(c, context))) report(S.sqlInjection, call, context)
}

/** SQL-looking text built from a non-constant value by f-string, `%`, `.format` or `+`. */
function builtSql(node: Node, context: UnitContext): boolean {
  const sqlLike = (n: Node | null | undefined): boolean => {
    if (!n) return false
    if (n.type === 'string' || n.type === 'concatenated_string') return SQL_WORDS.test(n.text)
    if (n.type === 'binary_operator') {
      return sqlLike(n.childForFieldName('left')) || sqlLike(n.childForFieldName('right'))
    }
    return false
  }
  if (isInterpolated(node)) {
    return SQL_WORDS.test(node.text) && interpolations(node).some((e) => !context.constant(e))
  }
  if (node.type === 'binary_operator') {
    const operator = node.childForFieldName('operator')?.text
    const left = node.childForFieldName('left')
    const right = node.childForFieldName('right')
    if (operator === '%') return sqlLike(left) && !!right && !context.constant(right)
    if (operator === '+') {
      return (
        (sqlLike(left) || sqlLike(right) || builtSql(left as Node, context)) &&
        [left, right].some((n) => n && !context.constant(n))
      )
    }
    return false
  }
  if (node.type === 'call') {
    const fn = node.childForFieldName('function')
    if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'format') {
      const receiver = fn.childForFieldName('object')
      const args = node.childForFieldName('arguments')
      return sqlLike(receiver) && !!args && named(args).some((a) => !context.constant(a))
    }
  }
  return false
}

function secretSink(call: Node, context: UnitContext): void {
  const list = call.childForFieldName('arguments')
  if (list && named(list).some((a) => context.credentials.tainted(a))) {
    report(S.secretLogged, call, context)
  }
}

function checkRaise(statement: Node, context: UnitContext): void {
  const raised = named(statement)[0]
  if (raised?.type === 'call') secretSink(raised, context)
}

/** True for `os.environ["X_TOKEN"]`, `os.environ.get("X_TOKEN")`, `os.getenv("X_TOKEN")`. */
export function isCredentialRead(node: Node, imports: ImportMap): boolean {
  let key: Node | undefined
  if (node.type === 'subscript') {
    const value = dottedName(node.childForFieldName('value'))
    if (value === null || imports.qualify(value) !== 'os.environ') return false
    key = node.childForFieldName('subscript') ?? undefined
  } else if (node.type === 'call') {
    const name = calleeName(node, imports)
    if (name !== 'os.environ.get' && name !== 'os.getenv' && name !== 'os.environ.__getitem__') {
      return false
    }
    key = callArguments(node).positional[0]
  } else {
    return false
  }
  const variable = stringValue(key)
  return variable !== null && CREDENTIAL_ENV_NAME.test(variable)
}

/** Names bound to an HTTP client object (`client = httpx.AsyncClient()`, `with … as session`). */
function clientNames(values: Map<string, Node[]>, imports: ImportMap): Set<string> {
  const names = new Set<string>()
  for (const [name, bound] of values) {
    for (let value of bound) {
      if (value.type === 'await') value = named(value)[0] ?? value
      if (value.type !== 'call') continue
      const callee = calleeName(value, imports)
      if (callee !== null && HTTP_CLIENTS.test(callee)) names.add(name)
    }
  }
  return names
}

/** The allow-list, containment and realpath checks present in a unit. */
function unitChecks(unit: Node, imports: ImportMap): UnitChecks {
  const checks: UnitChecks = { containment: false, realpath: false, allowList: false }
  let startswith = false
  let resolved = false
  walkUnit(unit, (node) => {
    if (node.type === 'identifier' && ALLOW_LIST_NAME.test(node.text)) checks.allowList = true
    if (node.type === 'comparison_operator' && /\.(hostname|netloc)\b/.test(node.text)) {
      checks.allowList = true
    }
    if (node.type !== 'call') return undefined
    const name = calleeName(node, imports) ?? ''
    const method = calleeLastName(node) ?? ''
    if (method === 'is_relative_to' || method === 'relative_to') checks.containment = true
    if (name === 'os.path.commonpath' || name === 'os.path.commonprefix') checks.containment = true
    if (method === 'startswith') startswith = true
    if (name === 'os.path.realpath' || method === 'resolve' || method === 'realpath') {
      checks.realpath = true
      resolved = true
    }
    if (name === 'os.path.abspath' || name === 'os.path.normpath' || method === 'absolute') {
      resolved = true
    }
    return undefined
  })
  if (startswith && resolved) checks.containment = true
  return checks
}

/**
 * True when `node` is a constant: a literal without interpolation, a container or operation of
 * constants, or a name whose every binding (in the unit, else at module level) is constant.
 */
function isConstant(
  node: Node,
  values: Map<string, Node[]>,
  moduleValues: Map<string, Node[]>,
  depth: number
): boolean {
  if (depth > 10) return false
  const constant = (n: Node): boolean => isConstant(n, values, moduleValues, depth + 1)
  switch (node.type) {
    case 'string':
    case 'concatenated_string':
      return interpolations(node).every(constant)
    case 'integer':
    case 'float':
    case 'true':
    case 'false':
    case 'none':
      return true
    case 'list':
    case 'tuple':
    case 'set':
    case 'parenthesized_expression':
    case 'binary_operator':
    case 'unary_operator':
    case 'expression_list':
      return named(node).every(constant)
    case 'identifier': {
      const bound = values.get(node.text) ?? moduleValues.get(node.text)
      return bound !== undefined && bound.length > 0 && bound.every(constant)
    }
    default:
      return false
  }
}

/** Add a finding of `rule` at `node` (once per rule per call site). */
function report(rule: RuleDefinition, node: Node, context: UnitContext): void {
  const line = lineOf(node)
  const { file, source } = context.facts
  if (
    context.findings.some(
      (f) => f.ruleId === rule.id && f.evidence?.file === file && f.evidence.line === line
    )
  ) {
    return
  }
  const text = source.split('\n', line)[line - 1] ?? node.text
  context.findings.push(findingOf(rule, { file, line, snippet: text.trim().slice(0, 300) }))
}

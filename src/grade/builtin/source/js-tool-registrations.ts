/**
 * Find where a JavaScript/TypeScript MCP server registers its tools (the forms listed in
 * `tool-registration.ts`), for the source rules (handlers' first parameters are tool input) and
 * the tool extraction.
 *
 * Calls are recognised by method name and argument shapes, whatever the receiver is called
 * (`server`, `this.server`, `s` aliased from `new McpServer(…)`, `e` in a minified bundle):
 * - `.tool(…)`: a string literal first and a function (or a name of a function of the file) last;
 * - `.registerTool(name, config, handler)`: three arguments, the last a function or a name;
 * - `.addTool({ name, execute, … })`: an object with `execute` or `name` + `parameters`;
 * - `.setRequestHandler(schema, handler)`: the schema named `ListToolsRequestSchema` /
 *   `CallToolRequestSchema` (also through an import alias), or, when the name is minified away,
 *   a handler that returns `{ tools: […] }` (list) or reads `….params.arguments` (call).
 * Each tool listed by a `tools/list` handler becomes one `listTools` registration whose handler is
 * the file's `tools/call` handler; a `tools/call` handler with no list in the file becomes one
 * `listTools` registration without a name.
 */
import type { CallExpression, Node, Program } from 'estree'
import {
  type FunctionNode,
  isFunction,
  keyName,
  lineOf,
  objectProperty,
  propertyName,
  stringValue,
  unwrap,
  walk
} from './js-ast.js'
import { FileIndex } from './js-file-index.js'
import type { ToolRegistration } from './tool-registration.js'

/** Keys that mark an object as tool annotations (MCP `ToolAnnotations`). */
const ANNOTATION_KEYS = new Set([
  'title',
  'readOnlyHint',
  'destructiveHint',
  'idempotentHint',
  'openWorldHint'
])

const REGISTRATION_METHODS = new Set(['tool', 'registerTool', 'addTool', 'setRequestHandler'])

/** Most `tools/list` entries read from one array. */
const MAX_LISTED_TOOLS = 500

/** Where registrations are found: the package file and its parsed program (`ToolRegistration`). */
interface Site {
  file: string
  program: Program
}

/** Collects registration calls during a file walk; `finish` turns them into registrations. */
export class RegistrationCollector {
  private readonly calls: CallExpression[] = []

  /** Look at one node of the walk. */
  observe(node: Node): void {
    if (node.type !== 'CallExpression' || node.callee.type !== 'MemberExpression') return
    const method = propertyName(node.callee)
    if (method !== null && REGISTRATION_METHODS.has(method)) this.calls.push(node)
  }

  /**
   * The registrations of package file `file` (parsed as `program`, the tree the walk observed), in
   * line order, using what `index` learnt about the whole file; each carries `program`.
   */
  finish(index: FileIndex, file: string, program: Program): ToolRegistration[] {
    const site: Site = { file, program }
    const out: ToolRegistration[] = []
    const listHandlers: Array<{ call: CallExpression; handler: FunctionNode }> = []
    const callHandlers: FunctionNode[] = []
    for (const call of this.calls) {
      const method = propertyName(call.callee)
      const args = call.arguments as Node[]
      if (method === 'tool') {
        const r = toolForm(call, args, index, site)
        if (r) out.push(r)
      } else if (method === 'registerTool') {
        const r = registerToolForm(call, args, index, site)
        if (r) out.push(r)
      } else if (method === 'addTool') {
        const r = addToolForm(call, args, index, site)
        if (r) out.push(r)
      } else if (method === 'setRequestHandler' && args.length === 2) {
        const handler = index.functionOf(args[1])
        if (!handler) continue
        const kind = requestKind(args[0] as Node, handler, index)
        if (kind === 'list') listHandlers.push({ call, handler })
        else if (kind === 'call') callHandlers.push(handler)
      }
    }
    const callHandler = callHandlers[0]
    let listed = 0
    for (const { call, handler } of listHandlers) {
      for (const tool of listedTools(handler, index)) {
        const r: ToolRegistration = { ...site, line: lineOf(tool), form: 'listTools' }
        setIf(r, 'name', objectProperty(tool, 'name'))
        setIf(r, 'description', objectProperty(tool, 'description'))
        setIf(r, 'inputSchema', objectProperty(tool, 'inputSchema'))
        setIf(r, 'annotations', objectProperty(tool, 'annotations'))
        if (callHandler) r.handler = callHandler
        out.push(r)
        listed++
      }
      if (listed === 0 && callHandler) {
        out.push({ ...site, line: lineOf(call), form: 'listTools', handler: callHandler })
        listed++
      }
    }
    for (const h of callHandlers) {
      if (h === callHandler && listed > 0) continue
      out.push({ ...site, line: lineOf(h), form: 'listTools', handler: h })
    }
    return out.sort((a, b) => a.line - b.line)
  }
}

/**
 * Every tool registration in `program` (the parsed content of package file `file`), in line
 * order, each carrying `program` (so consumers resolve its identifiers without parsing again).
 * Never throws.
 */
export function findToolRegistrations(program: Program, file: string): ToolRegistration[] {
  const index = new FileIndex()
  const collector = new RegistrationCollector()
  walk(program, {
    enter(node) {
      index.observe(node)
      collector.observe(node)
    }
  })
  return collector.finish(index, file, program)
}

function setIf(r: ToolRegistration, key: keyof ToolRegistration, node: Node | undefined): void {
  if (node) (r as unknown as Record<string, unknown>)[key] = node
}

/** True for a function, or a name the file index resolves to a function. */
function handlerOf(node: Node | undefined, index: FileIndex): Node | undefined {
  if (!node) return undefined
  const n = unwrap(node)
  if (isFunction(n)) return n
  return index.functionOf(n)
}

/** A string-valued expression: literal, template, concatenation, or a name bound to one. */
function isStringish(node: Node, index: FileIndex): boolean {
  const n = unwrap(node)
  if (n.type === 'Literal') return typeof n.value === 'string'
  if (n.type === 'TemplateLiteral') return true
  if (n.type === 'BinaryExpression' && n.operator === '+') {
    return n.left.type !== 'PrivateIdentifier' && isStringish(n.left, index)
  }
  if (n.type === 'Identifier') {
    const init = index.inits.get(n.name)
    return init !== undefined && init !== n && isStringish(init, index)
  }
  return false
}

function isAnnotationsObject(node: Node): boolean {
  const n = unwrap(node)
  if (n.type !== 'ObjectExpression' || n.properties.length === 0) return false
  return n.properties.every((p) => {
    const key = p.type === 'Property' ? keyName(p) : null
    return key !== null && ANNOTATION_KEYS.has(key)
  })
}

/** `x.tool(name, [description], [schema], [annotations], handler)`. */
function toolForm(
  call: CallExpression,
  args: Node[],
  index: FileIndex,
  site: Site
): ToolRegistration | null {
  if (args.length < 2 || args.length > 5 || stringValue(args[0]) === null) return null
  const handler = handlerOf(args[args.length - 1], index)
  if (!handler) return null
  const r: ToolRegistration = { ...site, line: lineOf(call), form: 'tool', name: args[0] }
  const middle = args.slice(1, -1)
  if (middle[0] && isStringish(middle[0], index)) r.description = middle.shift()
  if (middle.length >= 2) {
    r.inputSchema = middle[0]
    r.annotations = middle[1]
  } else if (middle.length === 1) {
    if (isAnnotationsObject(middle[0] as Node)) r.annotations = middle[0]
    else r.inputSchema = middle[0]
  }
  r.handler = handler
  return r
}

/** `x.registerTool(name, { title, description, inputSchema, annotations }, handler)`. */
function registerToolForm(
  call: CallExpression,
  args: Node[],
  index: FileIndex,
  site: Site
): ToolRegistration | null {
  if (args.length !== 3) return null
  const handler = handlerOf(args[2], index)
  if (!handler) return null
  let config = unwrap(args[1] as Node)
  if (config.type === 'Identifier') config = index.inits.get(config.name) ?? config
  const r: ToolRegistration = { ...site, line: lineOf(call), form: 'registerTool', name: args[0] }
  setIf(r, 'description', objectProperty(config, 'description'))
  setIf(r, 'inputSchema', objectProperty(config, 'inputSchema'))
  setIf(r, 'annotations', objectProperty(config, 'annotations'))
  r.handler = handler
  return r
}

/** FastMCP-style `x.addTool({ name, description, parameters, annotations, execute })`. */
function addToolForm(
  call: CallExpression,
  args: Node[],
  index: FileIndex,
  site: Site
): ToolRegistration | null {
  if (args.length !== 1) return null
  let config = unwrap(args[0] as Node)
  if (config.type === 'Identifier') config = index.inits.get(config.name) ?? config
  if (config.type !== 'ObjectExpression') return null
  const execute = handlerOf(objectProperty(config, 'execute'), index)
  const name = objectProperty(config, 'name')
  if (!execute && !(name && objectProperty(config, 'parameters'))) return null
  const r: ToolRegistration = { ...site, line: lineOf(call), form: 'addTool' }
  setIf(r, 'name', name)
  setIf(r, 'description', objectProperty(config, 'description'))
  setIf(r, 'inputSchema', objectProperty(config, 'parameters'))
  setIf(r, 'annotations', objectProperty(config, 'annotations'))
  setIf(r, 'handler', execute)
  return r
}

/** Which MCP request a `setRequestHandler` call handles, from the schema's name or its shape. */
function requestKind(
  schema: Node,
  handler: FunctionNode,
  index: FileIndex
): 'list' | 'call' | null {
  const path = index.bindings.qualify(schema)
  const name = path?.at(-1) ?? ''
  if (name === 'ListToolsRequestSchema') return 'list'
  if (name === 'CallToolRequestSchema') return 'call'
  if (/RequestSchema$/.test(name)) return null
  // minified away: judge by what the handler does
  let kind: 'list' | 'call' | null = null
  walk(handler.body, {
    enter(node) {
      if (kind) return false
      if (node.type === 'Property' && keyName(node) === 'tools') {
        const value = unwrap(node.value)
        if (value.type === 'ArrayExpression' || value.type === 'Identifier') kind = 'list'
      } else if (
        node.type === 'MemberExpression' &&
        propertyName(node) === 'arguments' &&
        unwrap(node.object).type === 'MemberExpression' &&
        propertyName(unwrap(node.object)) === 'params'
      ) {
        kind = 'call'
      }
      return undefined
    }
  })
  return kind
}

/** The tool objects a `tools/list` handler returns (`{ tools: [ {…}, … ] }`). */
function listedTools(handler: FunctionNode, index: FileIndex): Node[] {
  const tools: Node[] = []
  // names declared inside the handler win over the file-wide (last-declared) ones
  const local = new Map<string, Node>()
  const initOf = (name: string): Node | undefined => local.get(name) ?? index.inits.get(name)
  walk(handler.body, {
    enter(node) {
      if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.init) {
        local.set(node.id.name, unwrap(node.init))
      }
      if (node.type !== 'Property' || keyName(node) !== 'tools') return undefined
      let value = unwrap(node.value)
      if (value.type === 'Identifier') value = initOf(value.name) ?? value
      if (value.type !== 'ArrayExpression') return undefined
      for (const el of value.elements) {
        if (!el || el.type === 'SpreadElement' || tools.length >= MAX_LISTED_TOOLS) continue
        let item = unwrap(el)
        if (item.type === 'Identifier') item = initOf(item.name) ?? item
        if (item.type === 'ObjectExpression') tools.push(item)
      }
      return false
    }
  })
  return tools
}

/**
 * The tools a Python MCP server declares, and which functions receive tool input, read from one
 * module's syntax tree. Registration forms (MCP Python SDK 1.x `mcp.server.fastmcp`, FastMCP 2.x,
 * the low-level `mcp.server.lowlevel.Server`):
 * - `@X.tool`, `@X.tool()`, `@X.tool(name=…, description=…, annotations=…)` on a function (any
 *   receiver name): name from `name=` or the function name; description from `description=` or
 *   the docstring; parameters from the signature (see `parameterOf`);
 * - `X.add_tool(fn, name=…, description=…)` with a function of the same module;
 * - `@X.list_tools()` returning `Tool(name=…, description=…, inputSchema={…}, annotations=…)`
 *   literals (`types.Tool`), and `@X.call_tool()` handlers, whose parameters (`name`,
 *   `arguments`) are tool input for every listed tool.
 * Texts are untrusted: clipped to the `DeclaredTool` limits here, escaped by the reports.
 */
import type { Node } from 'web-tree-sitter'
import type { DeclaredTool } from '../../report.js'
import {
  callArguments,
  calleeLastName,
  docstring,
  lineOf,
  named,
  stringValue,
  walk
} from './py-syntax.js'

/** A function whose parameters are tool input. */
export interface ToolFunction {
  /** The `function_definition` node. */
  node: Node
  form: 'tool' | 'call_tool'
  /** Parameter names that carry tool input (FastMCP `Context` and `self` excluded). */
  inputs: string[]
}

/** What `findTools` found in one module. */
export interface ModuleTools {
  functions: ToolFunction[]
  tools: DeclaredTool[]
}

type Parameter = DeclaredTool['parameters'][number]
type Annotations = DeclaredTool['annotations']

const ANNOTATION_HINTS = [
  'readOnlyHint',
  'destructiveHint',
  'idempotentHint',
  'openWorldHint'
] as const
/** `Field(...)` / `Annotated` keywords that narrow a value (pydantic 2 `Field`). */
const FIELD_CONSTRAINTS = new Set([
  'pattern',
  'regex',
  'max_length',
  'min_length',
  'ge',
  'gt',
  'le',
  'lt',
  'multiple_of',
  'max_items',
  'min_items',
  'max_digits',
  'decimal_places',
  'json_schema_extra'
])
/** JSON Schema keywords that narrow a value. */
const SCHEMA_CONSTRAINTS = new Set([
  'enum',
  'const',
  'pattern',
  'format',
  'maxLength',
  'minLength',
  'maximum',
  'minimum',
  'exclusiveMaximum',
  'exclusiveMinimum',
  'maxItems',
  'multipleOf'
])
/** Python annotations → JSON Schema types. */
const JSON_TYPES: Record<string, string> = {
  str: 'string',
  int: 'integer',
  float: 'number',
  bool: 'boolean',
  bytes: 'string',
  list: 'array',
  List: 'array',
  Sequence: 'array',
  tuple: 'array',
  Tuple: 'array',
  set: 'array',
  Set: 'array',
  dict: 'object',
  Dict: 'object',
  Mapping: 'object',
  Path: 'string',
  datetime: 'string',
  date: 'string',
  UUID: 'string'
}
/** Parameter types a framework injects (not tool input). */
const INJECTED_TYPES = /^(?:[\w.]*\.)?(Context|RequestContext|ServerSession)\b/

/**
 * Tool functions and declared tools of one `module` node.
 * @param file the module's path in the package (evidence).
 */
export function findTools(module: Node, file: string): ModuleTools {
  const functions: ToolFunction[] = []
  const tools: DeclaredTool[] = []
  const definitions = new Map<string, Node>()
  walk(module, (node) => {
    if (node.type === 'function_definition') {
      const name = node.childForFieldName('name')?.text
      if (name && !definitions.has(name)) definitions.set(name, node)
    }
    return undefined
  })
  walk(module, (node) => {
    if (node.type === 'decorated_definition') {
      const fn = node.childForFieldName('definition')
      if (fn?.type !== 'function_definition') return undefined
      for (const decorator of named(node).filter((c) => c.type === 'decorator')) {
        const expression = named(decorator)[0]
        if (!expression) continue
        const call = expression.type === 'call' ? expression : null
        const target = call ? call.childForFieldName('function') : expression
        if (target?.type !== 'attribute') continue
        const kind = target.childForFieldName('attribute')?.text
        if (kind === 'tool') {
          functions.push({ node: fn, form: 'tool', inputs: inputParameters(fn) })
          tools.push(declaredFromFunction(fn, call, file))
        } else if (kind === 'call_tool') {
          functions.push({ node: fn, form: 'call_tool', inputs: inputParameters(fn) })
        } else if (kind === 'list_tools') {
          tools.push(...listedTools(fn, file))
        }
      }
      return undefined
    }
    if (node.type === 'call' && calleeLastName(node) === 'add_tool') {
      const args = callArguments(node)
      const first = args.positional[0]
      const fn = first?.type === 'identifier' ? definitions.get(first.text) : undefined
      if (fn) {
        functions.push({ node: fn, form: 'tool', inputs: inputParameters(fn) })
        tools.push(declaredFromFunction(fn, node, file))
      }
    }
    return undefined
  })
  return { functions, tools }
}

/** Parameter names of `fn` that carry tool input. */
function inputParameters(fn: Node): string[] {
  return signature(fn).map((p) => p.name)
}

interface SignatureParameter {
  name: string
  type?: Node
  default?: Node
}

/** The parameters of `fn` a client fills: not `self`/`cls`, `*args`/`**kwargs`, or `Context`. */
function signature(fn: Node): SignatureParameter[] {
  const list = fn.childForFieldName('parameters')
  if (!list) return []
  const out: SignatureParameter[] = []
  for (const param of named(list)) {
    let entry: SignatureParameter | null = null
    switch (param.type) {
      case 'identifier':
        entry = { name: param.text }
        break
      case 'typed_parameter': {
        const id = named(param).find((c) => c.type === 'identifier')
        const type = param.childForFieldName('type')
        if (id) entry = { name: id.text, ...(type ? { type } : {}) }
        break
      }
      case 'default_parameter':
      case 'typed_default_parameter': {
        const name = param.childForFieldName('name')
        const type = param.childForFieldName('type')
        const value = param.childForFieldName('value')
        if (name?.type === 'identifier') {
          entry = {
            name: name.text,
            ...(type ? { type } : {}),
            ...(value ? { default: value } : {})
          }
        }
        break
      }
    }
    if (!entry || entry.name === 'self' || entry.name === 'cls') continue
    if (entry.type && INJECTED_TYPES.test(entry.type.text)) continue
    out.push(entry)
  }
  return out
}

function declaredFromFunction(fn: Node, registration: Node | null, file: string): DeclaredTool {
  const args = registration ? callArguments(registration) : null
  const name =
    stringValue(args?.keywords.get('name')) ?? fn.childForFieldName('name')?.text ?? 'unnamed'
  const description = stringValue(args?.keywords.get('description')) ?? docstring(fn)
  const tool: DeclaredTool = {
    name: clip(name, 200),
    parameters: signature(fn).slice(0, 200).map(parameterOf),
    annotations: annotationsOf(args?.keywords.get('annotations')),
    evidence: { file: file.slice(0, 1000), line: lineOf(fn) }
  }
  if (description) tool.description = clip(description, 2000)
  return tool
}

/**
 * One signature parameter as a `DeclaredTool` parameter: JSON type from the annotation
 * (`str`, `int`, `float`, `bool`, `list[…]`, `dict[…]`, `Optional[X]`, `X | None`); constrained
 * for `Literal[…]`, `Enum`-free narrowing by `Annotated[X, Field(pattern=…, max_length=…, …)]`
 * or a `= Field(…)` default; description from `Field(description=…)`.
 */
function parameterOf(param: SignatureParameter): Parameter {
  const out: Parameter = { name: clip(param.name, 200), constrained: false }
  if (param.type) describeType(param.type, out, 0)
  if (param.default?.type === 'call' && calleeLastName(param.default) === 'Field') {
    describeField(param.default, out)
  }
  return out
}

function describeType(node: Node, out: Parameter, depth: number): void {
  if (depth > 8) return
  const inner = node.type === 'type' ? named(node)[0] : node
  if (!inner) return
  if (inner.type === 'identifier' || inner.type === 'attribute') {
    const last = inner.text.split('.').at(-1) ?? ''
    const json = JSON_TYPES[last]
    if (json) out.type = json
    return
  }
  if (inner.type === 'union_type') {
    const parts = named(inner).filter((c) => named(c)[0]?.type !== 'none' && c.type !== 'none')
    if (parts.length === 1 && parts[0]) describeType(parts[0], out, depth + 1)
    return
  }
  let head: string | undefined
  let params: Node[] = []
  if (inner.type === 'generic_type') {
    head = named(inner).find((c) => c.type === 'identifier' || c.type === 'attribute')?.text
    const typeParameter = named(inner).find((c) => c.type === 'type_parameter')
    params = typeParameter ? named(typeParameter) : []
  } else if (inner.type === 'subscript') {
    head = inner.childForFieldName('value')?.text
    params = inner.childrenForFieldName('subscript').filter((c): c is Node => c !== null)
  }
  const last = head?.split('.').at(-1)
  if (!last) return
  if (last === 'Literal') {
    out.constrained = true
    const first = params[0] && (params[0].type === 'type' ? named(params[0])[0] : params[0])
    if (first?.type === 'string') out.type = 'string'
    else if (first?.type === 'integer') out.type = 'integer'
    else if (first?.type === 'true' || first?.type === 'false') out.type = 'boolean'
    return
  }
  if (last === 'Annotated') {
    if (params[0]) describeType(params[0], out, depth + 1)
    for (const extra of params.slice(1)) {
      const call = extra.type === 'type' ? named(extra)[0] : extra
      if (call?.type === 'call' && calleeLastName(call) === 'Field') describeField(call, out)
      const text = stringValue(call)
      if (text !== null && !out.description) out.description = clip(text, 1000)
    }
    return
  }
  if (last === 'Optional' || last === 'Union') {
    const parts = params.filter((p) => !/^(None|NoneType)$/.test(p.text))
    if (parts.length === 1 && parts[0]) describeType(parts[0], out, depth + 1)
    return
  }
  const json = JSON_TYPES[last]
  if (json) out.type = json
}

function describeField(call: Node, out: Parameter): void {
  const args = callArguments(call)
  const description = stringValue(args.keywords.get('description'))
  if (description !== null) out.description = clip(description, 1000)
  if ([...args.keywords.keys()].some((k) => FIELD_CONSTRAINTS.has(k))) out.constrained = true
}

/** `ToolAnnotations(readOnlyHint=True, …)` or `{"readOnlyHint": True, …}`: literal booleans only. */
function annotationsOf(node: Node | undefined): Annotations {
  const out: Annotations = {}
  if (!node) return out
  const set = (key: string, value: Node | null | undefined): void => {
    if (!(ANNOTATION_HINTS as readonly string[]).includes(key) || !value) return
    if (value.type === 'true' || value.type === 'false') {
      out[key as (typeof ANNOTATION_HINTS)[number]] = value.type === 'true'
    }
  }
  if (node.type === 'call') {
    for (const [key, value] of callArguments(node).keywords) set(key, value)
  } else if (node.type === 'dictionary') {
    for (const pair of named(node).filter((c) => c.type === 'pair')) {
      const key = stringValue(pair.childForFieldName('key'))
      if (key !== null) set(key, pair.childForFieldName('value'))
    }
  }
  return out
}

/** `Tool(name=…, description=…, inputSchema={…})` literals inside a `list_tools` handler. */
function listedTools(fn: Node, file: string): DeclaredTool[] {
  const tools: DeclaredTool[] = []
  walk(fn, (node) => {
    if (node.type !== 'call' || calleeLastName(node) !== 'Tool') return undefined
    const args = callArguments(node)
    const name = stringValue(args.keywords.get('name'))
    if (name === null || name === '') return undefined
    const tool: DeclaredTool = {
      name: clip(name, 200),
      parameters: schemaParameters(args.keywords.get('inputSchema')),
      annotations: annotationsOf(args.keywords.get('annotations')),
      evidence: { file: file.slice(0, 1000), line: lineOf(node) }
    }
    const description = stringValue(args.keywords.get('description'))
    if (description) tool.description = clip(description, 2000)
    tools.push(tool)
    return false
  })
  return tools
}

/** Parameters from a JSON Schema dictionary literal's `properties`. */
function schemaParameters(schema: Node | undefined): Parameter[] {
  const properties = dictionaryEntries(schema).get('properties')
  const out: Parameter[] = []
  for (const [name, value] of dictionaryEntries(properties)) {
    const fields = dictionaryEntries(value)
    const parameter: Parameter = { name: clip(name, 200), constrained: false }
    const type = stringValue(fields.get('type'))
    if (type) parameter.type = clip(type, 100)
    const description = stringValue(fields.get('description'))
    if (description) parameter.description = clip(description, 1000)
    if ([...fields.keys()].some((k) => SCHEMA_CONSTRAINTS.has(k))) parameter.constrained = true
    out.push(parameter)
    if (out.length >= 200) break
  }
  return out
}

/** A dictionary literal's string-keyed entries (empty for anything else). */
function dictionaryEntries(node: Node | null | undefined): Map<string, Node> {
  const entries = new Map<string, Node>()
  if (node?.type !== 'dictionary') return entries
  for (const pair of named(node).filter((c) => c.type === 'pair')) {
    const key = stringValue(pair.childForFieldName('key'))
    const value = pair.childForFieldName('value')
    if (key !== null && value) entries.set(key, value)
  }
  return entries
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/**
 * The input parameters of a declared tool, read statically from the schema expression a server
 * registers it with (MCP `Tool.inputSchema`):
 *
 * - a zod raw shape (`{ path: z.string().describe('…') }`, the MCP TypeScript SDK's `tool` and
 *   `registerTool` form), a zod object (`z.object({…})`, `X.shape`), or either wrapped in
 *   `zodToJsonSchema(…)` / `z.toJSONSchema(…)`;
 * - a JSON Schema object literal (`{ type: 'object', properties: {…}, required: […] }`, the
 *   `ListTools` handler form; JSON Schema 2020-12 keywords).
 *
 * `constrained` answers "can the model put arbitrary text in it?": false for a free string, true
 * when something narrows it — zod `enum`/`literal`/`regex`/`url`/`email`/`uuid` and other string
 * formats/`max`/`length`/`refine`, JSON Schema `enum`/`const`/`pattern`/`format`/`maxLength` — and
 * for booleans and numbers, which cannot carry a path, a URL or a command. An array is
 * constrained when its items are; a union when every member is; an object never (its fields are
 * not flattened). A schema that is not static gives no parameters rather than invented ones.
 */
import type { Node } from 'estree'
import type { DeclaredTool } from '../../report.js'
import { unwrap } from '../source/js-ast.js'
import { staticProperties } from './estree-nodes.js'
import { type StaticScope, zodObjectShape } from './static-value.js'

/** One declared parameter (the `DeclaredTool.parameters` element). */
export type DeclaredParameter = DeclaredTool['parameters'][number]

/** Most parameters kept per tool (the `DeclaredTool` contract allows 200). */
export const MAX_PARAMETERS = 200

/** Longest parameter description kept, in characters (the contract allows 1000). */
export const MAX_PARAMETER_DESCRIPTION_CHARS = 1000

/** What is known about one parameter's schema. */
interface ParameterSchema {
  type?: string
  constrained: boolean
  description?: string
}

const UNKNOWN: ParameterSchema = { constrained: false }
const MAX_DEPTH = 12

/** Calls that turn a zod schema into JSON Schema (zod-to-json-schema, zod 4). */
const TO_JSON_SCHEMA = /^(?:zodToJsonSchema|toJSONSchema|toJsonSchema|zodToJSONSchema)$/

/**
 * The parameters of the schema `node` (see the module doc), in declaration order, at most
 * `MAX_PARAMETERS`; undefined when the schema is not a static zod shape, zod object or JSON
 * Schema literal. Never throws.
 */
export function parametersFromSchema(
  node: Node,
  scope: StaticScope
): DeclaredParameter[] | undefined {
  const fields = schemaFields(node, scope, 0)
  if (!fields) return undefined
  const parameters: DeclaredParameter[] = []
  for (const [name, schema] of fields) {
    if (parameters.length >= MAX_PARAMETERS) break
    if (name.length === 0 || name.length > 200) continue
    const parameter: DeclaredParameter = { name, constrained: schema.constrained }
    if (schema.type) parameter.type = schema.type.slice(0, 100)
    if (schema.description) {
      parameter.description = schema.description.slice(0, MAX_PARAMETER_DESCRIPTION_CHARS)
    }
    parameters.push(parameter)
  }
  return parameters
}

/** Name → schema of each field of a zod shape, zod object or JSON Schema object. */
function schemaFields(
  node: Node,
  scope: StaticScope,
  depth: number
): Array<[string, ParameterSchema]> | undefined {
  if (depth > MAX_DEPTH) return undefined
  const resolved = scope.resolve(node)
  if (resolved.type === 'CallExpression') {
    const callee = unwrap(resolved.callee)
    const name =
      callee.type === 'Identifier'
        ? callee.name
        : callee.type === 'MemberExpression' && callee.property.type === 'Identifier'
          ? callee.property.name
          : undefined
    const first = resolved.arguments[0]
    if (name && TO_JSON_SCHEMA.test(name) && first && first.type !== 'SpreadElement') {
      return schemaFields(first, scope, depth + 1)
    }
    const shape = zodObjectShape(resolved)
    return shape ? schemaFields(shape, scope, depth + 1) : undefined
  }
  if (resolved.type !== 'ObjectExpression') return undefined
  const properties = staticProperties(resolved)
  if (isJsonSchemaObject(properties, scope)) {
    const fields = properties.get('properties')
    const object = fields ? scope.object(fields) : undefined
    if (!object) return fields ? undefined : []
    return [...staticProperties(object)].map(([name, value]) => [
      name,
      jsonSchemaParameter(value, scope, depth + 1)
    ])
  }
  return [...properties].map(([name, value]) => [name, zodParameter(value, scope, depth + 1)])
}

/** True when an object literal is a JSON Schema (`type: 'object'` or a `properties` object). */
function isJsonSchemaObject(properties: Map<string, Node>, scope: StaticScope): boolean {
  const type = properties.get('type')
  if (type && scope.string(type) === 'object') return true
  const fields = properties.get('properties')
  return fields !== undefined && scope.object(fields) !== undefined
}

/** JSON Schema keywords that narrow a value (JSON Schema 2020-12 validation vocabulary). */
const JSON_SCHEMA_CONSTRAINTS = ['enum', 'const', 'pattern', 'format', 'maxLength']

/** One JSON Schema property (see the module doc for `constrained`). */
function jsonSchemaParameter(node: Node, scope: StaticScope, depth: number): ParameterSchema {
  const object = depth > MAX_DEPTH ? undefined : scope.object(node)
  if (!object) return UNKNOWN
  const properties = staticProperties(object)
  const schema: ParameterSchema = { constrained: false }
  const typeNode = properties.get('type')
  if (typeNode) {
    const single = scope.string(typeNode)
    const list = single === undefined ? scope.array(typeNode) : undefined
    const types = list?.elements.map((e) =>
      e && e.type !== 'SpreadElement' ? scope.string(e) : undefined
    )
    if (single !== undefined) schema.type = single
    else if (types && types.every((t) => t !== undefined)) schema.type = types.join('|')
  }
  const description = properties.get('description')
  const text = description ? scope.string(description) : undefined
  if (text) schema.description = text
  if (JSON_SCHEMA_CONSTRAINTS.some((keyword) => properties.has(keyword))) {
    schema.constrained = true
  } else if (schema.type && /^(?:(?:boolean|number|integer|null)\|?)+$/.test(schema.type)) {
    schema.constrained = true
  } else if (schema.type === 'array' && properties.has('items')) {
    const items = properties.get('items')
    schema.constrained = items ? jsonSchemaParameter(items, scope, depth + 1).constrained : false
  } else {
    const options = properties.get('anyOf') ?? properties.get('oneOf')
    const list = options ? scope.array(options) : undefined
    if (list && list.elements.length > 0) {
      schema.constrained = list.elements.every(
        (e) =>
          e !== null &&
          e.type !== 'SpreadElement' &&
          jsonSchemaParameter(e, scope, depth + 1).constrained
      )
    }
  }
  return schema
}

/** Zod string checks and formats that narrow a string (zod 3 and 4 method names). */
const ZOD_STRING_CONSTRAINTS = new Set([
  'regex',
  'url',
  'httpUrl',
  'email',
  'uuid',
  'uuidv4',
  'uuidv6',
  'uuidv7',
  'guid',
  'cuid',
  'cuid2',
  'ulid',
  'nanoid',
  'xid',
  'ksuid',
  'ip',
  'ipv4',
  'ipv6',
  'cidr',
  'cidrv4',
  'cidrv6',
  'mac',
  'datetime',
  'date',
  'time',
  'duration',
  'base64',
  'base64url',
  'hex',
  'jwt',
  'emoji',
  'e164',
  'hostname',
  'hash',
  'length',
  'max',
  'refine',
  'superRefine',
  'check'
])

/** Zod constructors of numbers (zod 4 adds `z.int()`, `z.float64()`, …). */
const ZOD_NUMBERS: Record<string, string> = {
  number: 'number',
  bigint: 'integer',
  int: 'integer',
  int32: 'integer',
  uint32: 'integer',
  int64: 'integer',
  uint64: 'integer',
  float32: 'number',
  float64: 'number',
  nan: 'number'
}

/** One zod schema expression (a chain such as `z.string().min(1).describe('…').optional()`). */
function zodParameter(node: Node, scope: StaticScope, depth: number): ParameterSchema {
  if (depth > MAX_DEPTH) return UNKNOWN
  const call = scope.resolve(node)
  if (call.type !== 'CallExpression') return UNKNOWN
  const callee = unwrap(call.callee)
  if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return UNKNOWN
  const method = callee.property.name
  const args = call.arguments.filter((a): a is Exclude<typeof a, { type: 'SpreadElement' }> => {
    return a.type !== 'SpreadElement'
  }) as Node[]
  const receiver = scope.resolve(callee.object)
  const chained =
    receiver.type === 'CallExpression' && unwrap(receiver.callee).type === 'MemberExpression'
  if (!chained) return zodConstructor(method, args, scope, depth)
  const inner = zodParameter(receiver, scope, depth + 1)
  if (method === 'describe') {
    const text = args[0] ? scope.string(args[0]) : undefined
    return text ? { ...inner, description: text } : inner
  }
  if (method === 'meta') {
    const meta = args[0] ? scope.object(args[0]) : undefined
    const description = meta ? staticProperties(meta).get('description') : undefined
    const text = description ? scope.string(description) : undefined
    return text ? { ...inner, description: text } : inner
  }
  if (method === 'int' || method === 'safe') return { ...inner, type: 'integer', constrained: true }
  if (method === 'array') return { ...withoutDescription(inner), type: 'array' }
  if (method === 'or') {
    const other = args[0] ? zodParameter(args[0], scope, depth + 1) : UNKNOWN
    return union(inner, [other])
  }
  if (method === 'pipe') {
    const target = args[0] ? zodParameter(args[0], scope, depth + 1) : UNKNOWN
    return { ...inner, constrained: inner.constrained || target.constrained }
  }
  if (ZOD_STRING_CONSTRAINTS.has(method)) return { ...inner, constrained: true }
  // Every other modifier (`optional`, `default`, `min`, `nonempty`, `transform`, …) keeps the
  // inner schema as it is: none of them narrows what text the value may hold.
  return inner
}

/** A zod schema constructor call (`z.string()`, `z.enum([…])`, `z.array(x)`, …). */
function zodConstructor(
  method: string,
  args: Node[],
  scope: StaticScope,
  depth: number
): ParameterSchema {
  const first = args[0]
  if (method === 'string') return { type: 'string', constrained: false }
  if (method === 'boolean' || method === 'stringbool') return { type: 'boolean', constrained: true }
  const numeric = ZOD_NUMBERS[method]
  if (numeric) return { type: numeric, constrained: true }
  if (ZOD_STRING_CONSTRAINTS.has(method)) return { type: 'string', constrained: true }
  if (method === 'enum' || method === 'nativeEnum') return { type: 'string', constrained: true }
  if (method === 'literal') {
    const value = first ? scope.primitive(first) : undefined
    return { type: value === undefined ? 'string' : typeof value, constrained: true }
  }
  if (method === 'array' || method === 'set') {
    const items = first ? zodParameter(first, scope, depth + 1) : UNKNOWN
    return { type: 'array', constrained: items.constrained }
  }
  if (method === 'tuple') {
    const list = first ? scope.array(first) : undefined
    const members = (list?.elements ?? []).map((e) =>
      e && e.type !== 'SpreadElement' ? zodParameter(e, scope, depth + 1) : UNKNOWN
    )
    return { type: 'array', constrained: members.length > 0 && members.every((m) => m.constrained) }
  }
  if (method === 'optional' || method === 'nullable' || method === 'nullish') {
    return first ? zodParameter(first, scope, depth + 1) : UNKNOWN
  }
  if (method === 'union' || method === 'discriminatedUnion' || method === 'xor') {
    const options = method === 'discriminatedUnion' ? (args[1] ?? first) : first
    const list = options ? scope.array(options) : undefined
    const members = (list?.elements ?? []).map((e) =>
      e && e.type !== 'SpreadElement' ? zodParameter(e, scope, depth + 1) : UNKNOWN
    )
    const [head, ...rest] = members
    return head ? union(head, rest) : UNKNOWN
  }
  if (ZOD_OBJECT_LIKE.has(method)) return { type: 'object', constrained: false }
  return UNKNOWN
}

const ZOD_OBJECT_LIKE = new Set(['object', 'strictObject', 'looseObject', 'record', 'map'])

function union(head: ParameterSchema, rest: ParameterSchema[]): ParameterSchema {
  const members = [head, ...rest]
  const types = [...new Set(members.map((m) => m.type))]
  const schema: ParameterSchema = {
    constrained: members.every((m) => m.constrained)
  }
  if (types.every((t) => t !== undefined)) schema.type = types.join('|')
  if (head.description) schema.description = head.description
  return schema
}

function withoutDescription(schema: ParameterSchema): ParameterSchema {
  const { description: _description, ...rest } = schema
  return rest
}

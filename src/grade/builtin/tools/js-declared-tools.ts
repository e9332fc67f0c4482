/**
 * The tools a JavaScript/TypeScript MCP server declares (MCP `tools/list`: name, description,
 * input schema, annotations), read statically from its registration sites (`ToolRegistration`,
 * found by `findToolRegistrations`), for the tool rules (`rules.ts`) and `GradeReport.tools`.
 *
 * Nothing is run and nothing is guessed (project rule: a grade is evidence): a tool whose name is
 * not a static string is skipped; a description that is not static is absent; a schema that is
 * not static gives no parameters; an annotation counts only when it is a literal boolean (MCP
 * spec 2025-06-18 `ToolAnnotations`: `readOnlyHint`, `destructiveHint`, `idempotentHint`,
 * `openWorldHint`). What "static" covers is in `static-value.ts`; parameters are read by
 * `schema-parameters.ts`.
 */
import type { Node } from 'estree'
import { type DeclaredTool, DeclaredToolSchema } from '../../report.js'
import type { ToolRegistration } from '../source/tool-registration.js'
import { keyName, unwrap, walk } from '../source/js-ast.js'
import { recordedLineOf, staticProperties } from './estree-nodes.js'
import { parametersFromSchema } from './schema-parameters.js'
import { type Bindings, bindingsOf, StaticScope } from './static-value.js'

/** Most tools returned (the `GradeReport.tools` contract allows 1000). */
export const MAX_DECLARED_TOOLS = 1000

/** Longest description kept, in characters (the `DeclaredTool` contract allows 2000). */
export const MAX_DESCRIPTION_CHARS = 2000

/** Longest tool name kept, in characters (the `DeclaredTool` contract allows 200). */
export const MAX_NAME_CHARS = 200

/** The MCP tool annotations read (MCP spec 2025-06-18 `ToolAnnotations`). */
const ANNOTATION_KEYS = [
  'readOnlyHint',
  'destructiveHint',
  'idempotentHint',
  'openWorldHint'
] as const

/** The expressions that declare one tool. */
interface ToolParts {
  name?: Node
  description?: Node
  inputSchema?: Node
  annotations?: Node
}

/**
 * The tools declared at `registrations`, in registration order (at most `MAX_DECLARED_TOOLS`;
 * the same tool at the same place once).
 *
 * @param registrations registration sites; a `listTools` site without a `name` is the
 *   `ListTools` request handler, whose returned `tools` array literal (or `Object.values` of an
 *   object literal) lists the tools, each with its own line. Identifiers declared in the same
 *   file (`const DESCRIPTION = '…'`) are resolved in the registration's `program`.
 * @returns `DeclaredTool`s valid against `DeclaredToolSchema`; descriptions longer than
 *   `MAX_DESCRIPTION_CHARS` are clipped (`clipDescription`). Never throws.
 */
export function declaredToolsFromRegistrations(registrations: ToolRegistration[]): DeclaredTool[] {
  const fileBindings = new Map<string, Bindings>()
  const bindingsOfFile = (registration: ToolRegistration): Bindings => {
    const { file, program } = registration
    let bindings = fileBindings.get(file)
    if (bindings === undefined) {
      bindings = bindingsOf(program)
      fileBindings.set(file, bindings)
    }
    return bindings
  }
  const tools: DeclaredTool[] = []
  const seen = new Set<string>()
  const add = (tool: DeclaredTool | undefined): void => {
    if (!tool || tools.length >= MAX_DECLARED_TOOLS) return
    const key = JSON.stringify([tool.name, tool.evidence?.file, tool.evidence?.line])
    if (seen.has(key)) return
    seen.add(key)
    tools.push(tool)
  }
  for (const registration of registrations) {
    const scope = new StaticScope([() => bindingsOfFile(registration)])
    if (registration.form === 'listTools' && !registration.name) {
      if (!registration.handler) continue
      const local = scope.within(bindingsOf(registration.handler))
      for (const element of listedTools(registration.handler, local)) {
        // The line of the tool's object literal (where a `const TOOL = {…}` is), not of its use.
        const line =
          recordedLineOf(local.resolve(element)) ?? recordedLineOf(element) ?? registration.line
        const parts = toolPartsOf(element, local)
        if (parts) add(toolOf(parts, local, registration.file, line))
      }
    } else {
      add(toolOf(registration, scope, registration.file, registration.line))
    }
  }
  return tools
}

/** The `name`, `description`, `inputSchema` and `annotations` of a tool object literal. */
function toolPartsOf(node: Node, scope: StaticScope): ToolParts | undefined {
  const object = scope.object(node)
  if (!object) return undefined
  const properties = staticProperties(object)
  return {
    name: properties.get('name'),
    description: properties.get('description'),
    inputSchema: properties.get('inputSchema') ?? properties.get('parameters'),
    annotations: properties.get('annotations')
  }
}

/** One `DeclaredTool`, or undefined when its name is not static. */
function toolOf(
  parts: ToolParts,
  scope: StaticScope,
  file: string,
  line: number
): DeclaredTool | undefined {
  const name = parts.name ? scope.string(parts.name) : undefined
  if (name === undefined || name.trim().length === 0) return undefined
  const tool: DeclaredTool = {
    name: name.slice(0, MAX_NAME_CHARS),
    parameters: parts.inputSchema ? (parametersFromSchema(parts.inputSchema, scope) ?? []) : [],
    annotations: parts.annotations ? annotationsOf(parts.annotations, scope) : {},
    evidence: { file: file.slice(0, 1000), ...(line >= 1 && { line }) }
  }
  const description = parts.description ? scope.string(parts.description) : undefined
  if (description !== undefined && description.length > 0) {
    tool.description = clipDescription(description)
  }
  const checked = DeclaredToolSchema.safeParse(tool)
  return checked.success ? checked.data : undefined
}

/** The literal boolean annotations of an annotations object literal. */
function annotationsOf(node: Node, scope: StaticScope): DeclaredTool['annotations'] {
  const object = scope.object(node)
  if (!object) return {}
  const properties = staticProperties(object)
  const annotations: DeclaredTool['annotations'] = {}
  for (const key of ANNOTATION_KEYS) {
    const value = properties.get(key)
    const flag = value ? scope.boolean(value) : undefined
    if (flag !== undefined) annotations[key] = flag
  }
  return annotations
}

/**
 * `description` cut to `MAX_DESCRIPTION_CHARS`. A longer text first has its whitespace runs
 * collapsed (padding that pushes an instruction out of view is the Invariant Labs "tool
 * poisoning" trick); if it is still too long, its head and its tail are kept around a `…`, since
 * injected instructions are usually appended.
 */
export function clipDescription(description: string): string {
  if (description.length <= MAX_DESCRIPTION_CHARS) return description
  const collapsed = description.replace(/\s+/g, ' ')
  if (collapsed.length <= MAX_DESCRIPTION_CHARS) return collapsed
  const head = Array.from(collapsed.slice(0, 1200))
  const tail = Array.from(collapsed.slice(collapsed.length - (MAX_DESCRIPTION_CHARS - 1204)))
  // Drop a surrogate half cut at either edge.
  const clean = (chars: string[]): string => chars.filter((c) => !isLoneSurrogate(c)).join('')
  return `${clean(head)} … ${clean(tail)}`
}

function isLoneSurrogate(char: string): boolean {
  return char.length === 1 && /[\uD800-\uDFFF]/.test(char)
}

/**
 * The tool object expressions a `ListTools` handler returns: the elements of every `tools:`
 * property under it whose value is (or resolves to) an array literal — spreads of static arrays
 * expanded — or `Object.values(…)` of an object literal.
 */
function listedTools(handler: Node, scope: StaticScope): Node[] {
  const elements: Node[] = []
  const seen = new Set<Node>()
  walk(handler, {
    enter: (node) => {
      if (node.type !== 'Property' || keyName(node) !== 'tools') return
      for (const element of elementsOf(node.value, scope, 0)) {
        const resolved = scope.resolve(element)
        if (seen.has(resolved)) continue
        seen.add(resolved)
        elements.push(element)
      }
    }
  })
  return elements
}

function elementsOf(node: Node, scope: StaticScope, depth: number): Node[] {
  if (depth > 4) return []
  const resolved = scope.resolve(node)
  if (resolved.type === 'ArrayExpression') {
    return resolved.elements.flatMap((element) => {
      if (!element) return []
      if (element.type === 'SpreadElement') return elementsOf(element.argument, scope, depth + 1)
      return [element]
    })
  }
  if (resolved.type === 'CallExpression' && isObjectValues(resolved.callee)) {
    const argument = resolved.arguments[0]
    const object =
      argument && argument.type !== 'SpreadElement' ? scope.object(argument) : undefined
    return object ? [...staticProperties(object).values()] : []
  }
  return []
}

function isObjectValues(callee: Node): boolean {
  const member = unwrap(callee)
  return (
    member.type === 'MemberExpression' &&
    member.object.type === 'Identifier' &&
    member.object.name === 'Object' &&
    member.property.type === 'Identifier' &&
    member.property.name === 'values'
  )
}

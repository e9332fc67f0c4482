/**
 * Test helper: parse a source snippet with the project's parser and build the `ToolRegistration`
 * objects of its registration calls by hand (`findToolRegistrations` is another module's job), so
 * the extraction is tested on real parser output:
 * - `x.tool(name, [description], [schema], [annotations], handler)`;
 * - `x.registerTool(name, { description, inputSchema, annotations }, handler)`;
 * - `x.addTool({ name, description, parameters, execute })`;
 * - `x.setRequestHandler(<…ListTools…>, handler)` (form `listTools`, no name).
 * A config object written as a `const` in the same file is followed. Each registration carries
 * the parsed `program`, as the finder's do.
 */
import type { CallExpression, Node } from 'estree'
import { parseJavaScript } from '../../../../src/grade/builtin/source/parse-js.js'
import type { ToolRegistration } from '../../../../src/grade/builtin/source/tool-registration.js'
import { unwrap, walk } from '../../../../src/grade/builtin/source/js-ast.js'
import { staticProperties } from '../../../../src/grade/builtin/tools/estree-nodes.js'
import { bindingsOf, StaticScope } from '../../../../src/grade/builtin/tools/static-value.js'

/** The registrations in `code` (the content of `file`); throws when it does not parse. */
export function registrationsOf(code: string, file: string): ToolRegistration[] {
  const parsed = parseJavaScript(code, file)
  if (!parsed.ok) throw new Error(`${file}: ${parsed.message}`)
  const registrations: ToolRegistration[] = []
  const bindings = bindingsOf(parsed.program)
  const scope = new StaticScope([() => bindings])
  const site = { file, program: parsed.program }
  walk(parsed.program, {
    enter: (node) => {
      if (node.type !== 'CallExpression') return
      const callee = unwrap(node.callee)
      if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return
      const registration = registrationOf(callee.property.name, node, site, scope)
      if (registration) registrations.push(registration)
    }
  })
  return registrations
}

function registrationOf(
  method: string,
  call: CallExpression,
  site: Pick<ToolRegistration, 'file' | 'program'>,
  scope: StaticScope
): ToolRegistration | undefined {
  const args = call.arguments as Node[]
  const line = call.loc?.start.line ?? 1
  if (method === 'tool' && args.length >= 2) {
    const [name, ...rest] = args
    const handler = rest.pop()
    const registration: ToolRegistration = { ...site, line, form: 'tool', name, handler }
    const first = rest[0]
    if (first && /Literal|BinaryExpression|Identifier/.test(first.type)) {
      registration.description = rest.shift()
    }
    if (rest[0]) registration.inputSchema = rest[0]
    if (rest[1]) registration.annotations = rest[1]
    return registration
  }
  if (method === 'registerTool' && args.length >= 2) {
    const config = scope.object(args[1] as Node)
    if (!config) return undefined
    const properties = staticProperties(config)
    return {
      ...site,
      line,
      form: 'registerTool',
      name: args[0],
      description: properties.get('description'),
      inputSchema: properties.get('inputSchema'),
      annotations: properties.get('annotations'),
      handler: args[2]
    }
  }
  if (method === 'addTool' && args[0]) {
    const config = scope.object(args[0])
    if (!config) return undefined
    const properties = staticProperties(config)
    return {
      ...site,
      line,
      form: 'addTool',
      name: properties.get('name'),
      description: properties.get('description'),
      inputSchema: properties.get('parameters'),
      annotations: properties.get('annotations'),
      handler: properties.get('execute')
    }
  }
  if (method === 'setRequestHandler' && args.length === 2) {
    const schema = unwrap(args[0] as Node)
    const schemaName =
      schema.type === 'Identifier'
        ? schema.name
        : schema.type === 'MemberExpression' && schema.property.type === 'Identifier'
          ? schema.property.name
          : ''
    if (!/ListTools/.test(schemaName)) return undefined
    return { ...site, line, form: 'listTools', handler: args[1] }
  }
  return undefined
}

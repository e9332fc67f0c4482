/**
 * Where a JavaScript/TypeScript server registers an MCP tool, as found in its ESTree AST
 * (`findToolRegistrations` in `js-tool-registrations.ts`), for two consumers: the source rules
 * (the handler's parameters are tool input, what a model controls) and the tool extraction
 * (`tools/`: name, description, input schema, annotations).
 *
 * Registration forms of the MCP TypeScript SDK (1.x) and common wrappers:
 * - `server.tool(name, [description], [paramsSchemaOrAnnotations], [annotations], handler)`;
 * - `server.registerTool(name, { title, description, inputSchema, annotations }, handler)`;
 * - `server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [ {name, description,
 *   inputSchema, annotations}, … ] }))` and `setRequestHandler(CallToolRequestSchema, handler)`
 *   (the call handler's `request.params.arguments` is tool input; it serves every listed tool);
 * - FastMCP-style `server.addTool({ name, description, parameters, execute })`.
 */
import type { Node, Program } from 'estree'

/** One tool registration site. Nodes are from the parsed file; absent when not written. */
export interface ToolRegistration {
  /** Package path of the file (posix, as in `PackageFiles`). */
  file: string
  /** 1-based line of the registration. */
  line: number
  /** How it was registered. */
  form: 'tool' | 'registerTool' | 'addTool' | 'listTools'
  /** The tool name expression (usually a string literal). */
  name?: Node
  /** The description expression. */
  description?: Node
  /** The input schema expression: a zod raw shape, a zod object, or a JSON Schema literal. */
  inputSchema?: Node
  /** The annotations object expression. */
  annotations?: Node
  /** The handler function (its first parameter, or `request.params.arguments`, is tool input). */
  handler?: Node
  /**
   * The parsed file the registration was found in, so consumers resolve its identifiers
   * without parsing the file again.
   */
  program: Program
}

/** `findToolRegistrations`: every registration form, through aliases and in minified code. */
import { describe, expect, it } from '@jest/globals'
import type { Node } from 'estree'
import { parseJavaScript } from '../../../../src/grade/builtin/source/parse-js.js'
import { findToolRegistrations } from '../../../../src/grade/builtin/source/js-tool-registrations.js'

function find(code: string, file = 'index.js'): ReturnType<typeof findToolRegistrations> {
  const parsed = parseJavaScript(code, file)
  if (!parsed.ok) throw new Error(parsed.message)
  const registrations = findToolRegistrations(parsed.program, file)
  // Each carries the tree it was found in, so the tool extraction never parses the file again.
  for (const registration of registrations) expect(registration.program).toBe(parsed.program)
  return registrations
}

function text(node: Node | undefined): unknown {
  if (!node) return undefined
  if (node.type === 'Literal') return node.value
  return node.type
}

describe('findToolRegistrations', () => {
  it('reads server.tool with description, schema and annotations', () => {
    const regs = find(`
const s = new McpServer({ name: 'x', version: '1' })
s.tool('echo', 'Echo text', { text: z.string() }, { readOnlyHint: true }, async ({ text }) => ({ content: [] }))
s.tool('ping', async () => ({ content: [] }))
s.tool('ro', { readOnlyHint: true }, async () => ({ content: [] }))
`)
    expect(regs.map((r) => [r.form, r.line, text(r.name), text(r.description)])).toEqual([
      ['tool', 3, 'echo', 'Echo text'],
      ['tool', 4, 'ping', undefined],
      ['tool', 5, 'ro', undefined]
    ])
    expect(text(regs[0]?.inputSchema)).toBe('ObjectExpression')
    expect(text(regs[0]?.annotations)).toBe('ObjectExpression')
    expect(regs[0]?.handler?.type).toBe('ArrowFunctionExpression')
    expect(regs[2]?.inputSchema).toBeUndefined()
    expect(text(regs[2]?.annotations)).toBe('ObjectExpression')
  })

  it('reads this.server.registerTool with a config object and a named handler', () => {
    const regs = find(
      `
class Demo {
  constructor() { this.server = new McpServer({ name: 'x', version: '1' }) }
  setup() {
    this.server.registerTool('read', { description: 'Read', inputSchema: { p: z.string() } }, readHandler)
  }
}
async function readHandler(args: { p: string }) { return { content: [] } }
`,
      'src/server.ts'
    )
    expect(regs).toHaveLength(1)
    expect(regs[0]).toMatchObject({ file: 'src/server.ts', line: 5, form: 'registerTool' })
    expect(text(regs[0]?.description)).toBe('Read')
    expect(regs[0]?.handler?.type).toBe('FunctionDeclaration')
  })

  it('reads FastMCP addTool and low-level list/call handlers (also through an import alias)', () => {
    const regs = find(`
import { ListToolsRequestSchema as L, CallToolRequestSchema } from '@modelcontextprotocol/sdk/types.js'
server.addTool({ name: 'add', description: 'Add', parameters: z.object({}), execute: async (args) => 'ok' })
server.setRequestHandler(L, async () => ({
  tools: [
    { name: 'search', description: 'Search', inputSchema: { type: 'object' } },
    { name: 'fetch', description: 'Fetch', inputSchema: { type: 'object' } }
  ]
}))
server.setRequestHandler(CallToolRequestSchema, async (request) => request.params.arguments)
`)
    expect(regs.map((r) => [r.form, r.line, text(r.name)])).toEqual([
      ['addTool', 3, 'add'],
      ['listTools', 6, 'search'],
      ['listTools', 7, 'fetch']
    ])
    expect(regs[1]?.handler).toBe(regs[2]?.handler)
    expect(regs[1]?.handler?.type).toBe('ArrowFunctionExpression')
  })

  it('recognises minified registrations by method name and argument shapes', () => {
    const regs = find(
      'var a=require("x");a.q.tool("go","d",{u:z.string()},async t=>({content:[]})),a.q.setRequestHandler(a.L,async()=>({tools:[{name:"m",inputSchema:{}}]})),a.q.setRequestHandler(a.C,async r=>r.params.arguments.x);'
    )
    expect(regs.map((r) => [r.form, text(r.name)])).toEqual([
      ['tool', 'go'],
      ['listTools', 'm']
    ])
    expect(regs[1]?.handler?.type).toBe('ArrowFunctionExpression')
  })

  it('does not take unrelated .tool() calls for registrations', () => {
    expect(find('pipeline.tool(config); x.tool("a"); y.registerTool("a", {})')).toEqual([])
  })
})

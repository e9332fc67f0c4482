import { describe, expect, it } from '@jest/globals'
import { DeclaredToolSchema } from '../../../../src/grade/report.js'
import { analyse } from './helpers.js'

describe('declared tools', () => {
  it('reads FastMCP tools: name, docstring, typed parameters, Field and annotations', async () => {
    const source = `from typing import Annotated, Literal, Optional
from mcp.server.fastmcp import Context, FastMCP
from mcp.types import ToolAnnotations
from pydantic import Field

mcp = FastMCP("weather")

@mcp.tool()
async def get_forecast(
    city: Annotated[str, Field(description="City name", max_length=80)],
    days: int = 3,
    units: Literal["metric", "imperial"] = "metric",
    note: Optional[str] = None,
    ctx: Context = None,
) -> str:
    """Get the forecast.

    Returns a short text.
    """
    return city

@mcp.tool(name="delete_file", description="Delete one file", annotations=ToolAnnotations(destructiveHint=True, readOnlyHint=False, title="x"))
def remove(path: str = Field(description="File to delete", pattern="^[a-z]+$")) -> None:
    pass

@mcp.tool
def ping() -> str:
    return "pong"
`
    const { tools } = await analyse(source)
    expect(tools).toEqual([
      {
        name: 'get_forecast',
        description: 'Get the forecast.\n\nReturns a short text.',
        parameters: [
          { name: 'city', type: 'string', constrained: true, description: 'City name' },
          { name: 'days', type: 'integer', constrained: false },
          { name: 'units', type: 'string', constrained: true },
          { name: 'note', type: 'string', constrained: false }
        ],
        annotations: {},
        evidence: { file: 'server/main.py', line: 9 }
      },
      {
        name: 'delete_file',
        description: 'Delete one file',
        parameters: [
          { name: 'path', type: 'string', constrained: true, description: 'File to delete' }
        ],
        annotations: { destructiveHint: true, readOnlyHint: false },
        evidence: { file: 'server/main.py', line: 23 }
      },
      {
        name: 'ping',
        parameters: [],
        annotations: {},
        evidence: { file: 'server/main.py', line: 27 }
      }
    ])
    for (const tool of tools) expect(DeclaredToolSchema.safeParse(tool).success).toBe(true)
  })

  it('reads low-level Server list_tools literals and add_tool registrations', async () => {
    const source = `import mcp.types as types
from mcp.server.lowlevel import Server

server = Server("files")

@server.list_tools()
async def list_tools() -> list[types.Tool]:
    return [
        types.Tool(
            name="read_file",
            description="Read a file",
            inputSchema={
                "type": "object",
                "properties": {
                    "path": {"type": "string", "description": "Path to read"},
                    "encoding": {"type": "string", "enum": ["utf-8", "latin-1"]},
                },
                "required": ["path"],
            },
            annotations={"readOnlyHint": True, "openWorldHint": "no"},
        )
    ]

def shout(text: str) -> str:
    """Upper-case a text."""
    return text.upper()

server.add_tool(shout, name="shout")
`
    const { tools } = await analyse(source)
    expect(tools.map((t) => t.name)).toEqual(['read_file', 'shout'])
    expect(tools[0]).toMatchObject({
      description: 'Read a file',
      parameters: [
        { name: 'path', type: 'string', constrained: false, description: 'Path to read' },
        { name: 'encoding', type: 'string', constrained: true }
      ],
      annotations: { readOnlyHint: true }
    })
    expect(tools[1]).toMatchObject({
      description: 'Upper-case a text.',
      parameters: [{ name: 'text' }]
    })
  })

  it('clips untrusted texts to the contract limits', async () => {
    const long = 'x'.repeat(5000)
    const { tools } = await analyse(
      `@app.tool(name="${'n'.repeat(300)}", description="${long}")\ndef f(a):\n    pass\n`
    )
    expect(tools[0]?.name).toHaveLength(200)
    expect(tools[0]?.description).toHaveLength(2000)
    expect(DeclaredToolSchema.safeParse(tools[0]).success).toBe(true)
  })
})

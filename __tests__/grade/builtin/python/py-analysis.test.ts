import { describe, expect, it } from '@jest/globals'
import { FindingSchema } from '../../../../src/grade/report.js'
import {
  analyzePythonPackage,
  isAnalysedModule
} from '../../../../src/grade/builtin/python/py-analysis.js'
import { analyse, packageOf, ruleIds } from './helpers.js'

const FASTMCP = `from mcp.server.fastmcp import FastMCP
import os
import subprocess

mcp = FastMCP("demo")
`

/** A FastMCP server with one tool whose body is `body` (indented by the helper). */
function tool(body: string, signature = 'value: str', header = ''): string {
  const indented = body
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')
  return `${FASTMCP}${header}\n@mcp.tool()\nasync def handle(${signature}) -> str:\n    """A tool."""\n${indented}\n`
}

describe('command rules', () => {
  it('flags subprocess with shell=True and tool input, and os.system', async () => {
    expect(
      ruleIds(await analyse(tool('subprocess.run(f"grep {value} /var/log", shell=True)')))
    ).toEqual(['source.command-injection'])
    expect(ruleIds(await analyse(tool('os.system("echo " + value)')))).toEqual([
      'source.command-injection'
    ])
  })

  it('follows assignments, aliases and argv lists from tool input', async () => {
    const source = tool(
      'cmd = ["git", "log", value]\nout = sp.check_output(cmd)\nreturn out.decode()',
      'value: str',
      'import subprocess as sp\n'
    )
    expect(ruleIds(await analyse(source))).toEqual(['source.command-injection'])
  })

  it('calls a computed command without a shell and not from input dynamic', async () => {
    const source = tool('exe = os.environ.get("GIT_BIN", "git")\nsubprocess.run([exe, "status"])')
    expect(ruleIds(await analyse(source))).toEqual(['source.command-dynamic'])
  })

  it('accepts constant commands, even through variables', async () => {
    const source = tool(
      'cmd = ["git", "status"]\nsubprocess.run(cmd, check=True)\nsubprocess.run("uptime", shell=True)'
    )
    expect(ruleIds(await analyse(source))).toEqual([])
  })
})

describe('code rules', () => {
  it('flags eval of tool input and exec of computed text', async () => {
    expect(ruleIds(await analyse(tool('return str(eval(value))')))).toEqual([
      'source.code-injection'
    ])
    expect(ruleIds(await analyse(`code = open("plugin.py").read()\nexec(code)\n`))).toEqual([
      'source.code-dynamic'
    ])
  })

  it('ignores re.compile and constant eval', async () => {
    const source = tool(
      'pattern = re.compile(value)\nreturn str(eval("1 + 1"))',
      'value: str',
      'import re\n'
    )
    expect(ruleIds(await analyse(source))).toEqual([])
  })
})

describe('SSRF rule', () => {
  it('flags an httpx client request to a tool-input URL', async () => {
    const source = tool(
      'async with httpx.AsyncClient() as client:\n    r = await client.get(value)\n    return r.text',
      'value: str',
      'import httpx\n'
    )
    expect(ruleIds(await analyse(source))).toEqual(['source.ssrf'])
  })

  it('flags requests.get with a URL built from input', async () => {
    const source = tool(
      'return requests.get(f"{value}/api").text',
      'value: str',
      'import requests\n'
    )
    expect(ruleIds(await analyse(source))).toEqual(['source.ssrf'])
  })

  it('accepts a host allow-list check and a constant base URL', async () => {
    const checked = tool(
      'host = urlparse(value).hostname\nif host not in ALLOWED_HOSTS:\n    raise ValueError("host not allowed")\nreturn requests.get(value).text',
      'value: str',
      'import requests\nfrom urllib.parse import urlparse\nALLOWED_HOSTS = {"api.example.com"}\n'
    )
    expect(ruleIds(await analyse(checked))).toEqual([])
    const constant = tool(
      'return httpx.get("https://api.weather.example/v1", params={"q": value}).text',
      'value: str',
      'import httpx\n'
    )
    expect(ruleIds(await analyse(constant))).toEqual([])
  })
})

describe('path rules', () => {
  it('flags open and pathlib reads of a tool path with no containment check', async () => {
    expect(ruleIds(await analyse(tool('return open(value).read()')))).toEqual([
      'source.path-traversal'
    ])
    const pathlib = tool(
      'p = Path(ROOT) / value\nreturn p.read_text()',
      'value: str',
      'from pathlib import Path\nROOT = "/srv/data"\n'
    )
    expect(ruleIds(await analyse(pathlib))).toEqual(['source.path-traversal'])
  })

  it('reports symlink-following when the check uses abspath only', async () => {
    const source = tool(
      'full = os.path.abspath(os.path.join(ROOT, value))\nif not full.startswith(ROOT):\n    raise ValueError("outside")\nwith open(full) as f:\n    return f.read()',
      'value: str',
      'ROOT = "/srv/data"\n'
    )
    expect(ruleIds(await analyse(source))).toEqual(['source.symlink-following'])
  })

  it('accepts a resolve() + is_relative_to check', async () => {
    const source = tool(
      'p = (Path(ROOT) / value).resolve()\nif not p.is_relative_to(ROOT):\n    raise ValueError("outside")\nreturn p.read_text()',
      'value: str',
      'from pathlib import Path\nROOT = "/srv/data"\n'
    )
    expect(ruleIds(await analyse(source))).toEqual([])
  })

  it('flags shutil and os.remove with input paths', async () => {
    const source = tool('shutil.rmtree(value)', 'value: str', 'import shutil\n')
    expect(ruleIds(await analyse(source))).toEqual(['source.path-traversal'])
  })
})

describe('SQL rule', () => {
  it('flags f-strings, % and .format SQL', async () => {
    const source = `import sqlite3
conn = sqlite3.connect("db.sqlite")

def find(name, table):
    cur = conn.cursor()
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
    sql = "DELETE FROM %s" % table
    cur.execute(sql)
    conn.execute("UPDATE t SET a = {}".format(name))
`
    const analysis = await analyse(source)
    expect(ruleIds(analysis)).toEqual([
      'source.sql-injection',
      'source.sql-injection',
      'source.sql-injection'
    ])
    expect(analysis.findings.map((f) => f.evidence?.line)).toEqual([6, 8, 9])
  })

  it('accepts bound parameters and constant table names', async () => {
    const source = `TABLE = "users"

def find(cur, name):
    cur.execute("SELECT * FROM users WHERE name = ?", (name,))
    cur.execute(f"SELECT count(*) FROM {TABLE}")
    cur.execute("SELECT * FROM users WHERE name = %s", (name,))
`
    expect(ruleIds(await analyse(source))).toEqual([])
  })
})

describe('secret logging rule', () => {
  it('flags a credential env value printed or logged', async () => {
    const source = `import logging, os
log = logging.getLogger(__name__)
API_KEY = os.environ["WEATHER_API_KEY"]

def setup():
    log.info("using key %s", API_KEY)
    token = os.getenv("GITHUB_TOKEN")
    print(f"token: {token}")
`
    expect(ruleIds(await analyse(source))).toEqual(['source.secret-logged', 'source.secret-logged'])
  })

  it('accepts logging of non-credential settings and of the key name', async () => {
    const source = `import logging, os
log = logging.getLogger(__name__)
REGION = os.environ.get("AWS_REGION")

def setup():
    log.info("region %s", REGION)
    if not os.environ.get("API_KEY"):
        raise RuntimeError("API_KEY is not set")
`
    expect(ruleIds(await analyse(source))).toEqual([])
  })
})

describe('hard-coded secret rule', () => {
  it('finds a vendor token and a password assigned to a name, masked', async () => {
    const source = `GITHUB = "ghp_${'a1B2c3D4e5'.repeat(3)}123456"
DB_PASSWORD = "Sup3r-S3cret-Passw0rd!"
`
    const analysis = await analyse(source)
    expect(ruleIds(analysis)).toEqual(['source.hardcoded-secret', 'source.hardcoded-secret'])
    const text = JSON.stringify(analysis.findings)
    expect(text).not.toContain('a1B2c3D4e5')
    expect(text).not.toContain('Sup3r')
    expect(analysis.findings[0]?.evidence?.line).toBe(1)
  })

  it('ignores placeholders, env references and docstrings', async () => {
    const source = `"""Set GITHUB_TOKEN=ghp_${'a1B2c3D4e5'.repeat(3)}123456 in your env."""
import os
API_KEY = os.environ.get("API_KEY", "your-api-key-here")
TOKEN_URL = "https://auth.example.com/oauth/token"
`
    expect(ruleIds(await analyse(source))).toEqual([])
  })
})

describe('open HTTP transport rule', () => {
  it('flags FastMCP served over SSE on 0.0.0.0', async () => {
    const source = `${FASTMCP}
if __name__ == "__main__":
    mcp.settings.host = "0.0.0.0"
    mcp.run(transport="sse")
`
    expect(ruleIds(await analyse(source))).toEqual(['source.open-http-transport'])
  })

  it('flags uvicorn on all interfaces and accepts allowed hosts or localhost', async () => {
    const open = `import uvicorn\napp = mcp.streamable_http_app()\nuvicorn.run(app, host="0.0.0.0", port=8000)\n`
    expect(ruleIds(await analyse(open))).toEqual(['source.open-http-transport'])
    const guarded = `from mcp.server.transport_security import TransportSecuritySettings
mcp = FastMCP("demo", host="0.0.0.0", transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=["mcp.example.com"]))
mcp.run(transport="streamable-http")
`
    expect(ruleIds(await analyse(guarded))).toEqual([])
    const local = `${FASTMCP}mcp.run(transport="sse", host="127.0.0.1")\n`
    expect(ruleIds(await analyse(local))).toEqual([])
    const stdio = `${FASTMCP}mcp = FastMCP("demo", host="0.0.0.0")\nmcp.run()\n`
    expect(ruleIds(await analyse(stdio))).toEqual([])
  })
})

describe('low-level server', () => {
  it('treats call_tool arguments as tool input', async () => {
    const source = `import subprocess
import mcp.types as types
from mcp.server.lowlevel import Server

server = Server("shell")

@server.call_tool()
async def call_tool(name: str, arguments: dict) -> list[types.TextContent]:
    command = arguments["command"]
    result = subprocess.run(command, capture_output=True, text=True)
    return [types.TextContent(type="text", text=result.stdout)]
`
    const analysis = await analyse(source)
    expect(ruleIds(analysis)).toEqual(['source.command-injection'])
    expect(analysis.findings[0]?.evidence).toMatchObject({ file: 'server/main.py', line: 10 })
  })

  it('does not taint the parameters of plain functions', async () => {
    const source = `import subprocess\n\ndef helper(command: list[str]):\n    return subprocess.run(command)\n`
    expect(ruleIds(await analyse(source))).toEqual(['source.command-dynamic'])
  })
})

describe('analyzePythonPackage', () => {
  it('skips tests, docs and examples, and lists unparseable modules', async () => {
    const files = packageOf({
      'demo/__init__.py': '',
      'demo/server.py': 'def main():\n    return 1\n',
      'demo/legacy.py': 'def broken(:\n    pass\n',
      'tests/test_server.py': 'import os\nos.system(input())\n',
      'examples/run.py': 'eval(input())\n',
      'demo/test_x.py': 'eval(input())\n',
      'demo-1.0.dist-info/METADATA': 'Name: demo'
    })
    const analysis = await analyzePythonPackage(files)
    expect(analysis.analysedFiles).toEqual(['demo/__init__.py', 'demo/server.py'])
    expect(analysis.notAnalysed).toEqual([
      { file: 'demo/legacy.py', reason: expect.stringMatching(/syntax error at line 1/) }
    ])
    expect(ruleIds(analysis)).toEqual(['source.not-analysed'])
    expect(analysis.findings[0]?.evidence?.snippet).toMatch(
      /1 Python module\(s\) not analysed: demo\/legacy.py/
    )
  })

  it('reports a package with no Python module as not analysed, and findings fit the contract', async () => {
    const empty = await analyzePythonPackage(packageOf({ 'README.md': '# x' }))
    expect(ruleIds(empty)).toEqual(['source.not-analysed'])
    const busy = await analyse(tool('os.system(value)\nreturn open(value).read()'))
    for (const finding of [...empty.findings, ...busy.findings]) {
      expect(FindingSchema.safeParse(finding).success).toBe(true)
    }
  })

  it('never throws on hostile text', async () => {
    const deep = `x = ${'('.repeat(3000)}1${')'.repeat(3000)}\n`
    const analysis = await analyzePythonPackage(
      packageOf({ 'a/deep.py': deep, 'a/bin.py': 'x = 1\u0000', 'a/junk.py': '\u00ff\ufffd def (' })
    )
    expect(analysis.notAnalysed.map((n) => n.file).sort()).toEqual(['a/bin.py', 'a/junk.py'])
  })

  it('knows which paths are modules', () => {
    expect(isAnalysedModule('src/demo/server.py')).toBe(true)
    expect(isAnalysedModule('demo/tests/helpers.py')).toBe(false)
    expect(isAnalysedModule('docs/conf.py')).toBe(false)
    expect(isAnalysedModule('demo/server.pyi')).toBe(false)
  })
})

/**
 * The JavaScript/TypeScript source rules, each with a positive and a negative case written as a
 * small MCP server in three shapes: TypeScript with `server.registerTool` and zod (package.json
 * points at `dist/`, which is missing, so the `.ts` source is what gets analysed), plain ESM with
 * `server.tool`, and a hand-minified CommonJS bundle.
 */
import { describe, expect, it } from '@jest/globals'
import {
  analyzeJsPackage,
  type JsAnalysis
} from '../../../../src/grade/builtin/source/js-analysis.js'
import { packageFilesOf } from '../helpers.js'

type Shape = 'ts' | 'esm' | 'min'

/** Imports each shape needs, by module. */
interface Case {
  /** ESM import lines (the ts and esm shapes). */
  imports: string
  /** The handler body; the tool input is `args`. */
  body: string
  /** The same server, minified CJS (`t` is the tool input). */
  min: string
}

function server(shape: Shape, c: Case): Record<string, string> {
  if (shape === 'ts') {
    return {
      'package.json': '{"main":"dist/index.js"}',
      'src/index.ts': `import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
${c.imports}

const server = new McpServer({ name: 'demo', version: '1.0.0' })

server.registerTool(
  'demo',
  { title: 'Demo', description: 'A demo tool', inputSchema: { value: z.string() } },
  async (args: { value: string; [k: string]: any }) => {
    ${c.body}
    return { content: [{ type: 'text' as const, text: 'ok' }] }
  }
)
`
    }
  }
  if (shape === 'esm') {
    return {
      'package.json': '{"type":"module","bin":{"demo":"index.js"}}',
      'index.js': `#!/usr/bin/env node
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
${c.imports}

const server = new McpServer({ name: 'demo', version: '1.0.0' })

server.tool('demo', 'A demo tool', { value: z.string() }, async (args) => {
  ${c.body}
  return { content: [{ type: 'text', text: 'ok' }] }
})
`
    }
  }
  return {
    'package.json': '{"main":"dist/server.cjs"}',
    'dist/server.cjs': `"use strict";var e=require("@modelcontextprotocol/sdk/server/mcp.js"),n=require("zod");${c.min}`
  }
}

async function analyse(files: Record<string, string>): Promise<JsAnalysis> {
  return analyzeJsPackage(packageFilesOf(files), JSON.parse(files['package.json'] ?? '{}'))
}

function rules(result: JsAnalysis): string[] {
  return result.findings.map((f) => f.ruleId)
}

const SHAPES: Shape[] = ['ts', 'esm', 'min']

/** Each rule: a vulnerable server and a safe one, per shape. */
const CASES: Record<string, { rule: string; bad: Case; good: Case }> = {
  'command-injection (exec with tool input)': {
    rule: 'source.command-injection',
    bad: {
      imports: "import { exec } from 'node:child_process'",
      body: "exec('git log ' + args.value, () => {})",
      min: 'var o=require("child_process");const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{o.exec(`git log ${t.v}`,()=>{});return{content:[]}});'
    },
    good: {
      imports: "import { execFile } from 'node:child_process'",
      body: "execFile('git', ['log', '--oneline'], () => {})",
      min: 'var o=require("child_process");const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{o.execFile("git",["log","--oneline"],()=>{});return{content:[]}});'
    }
  },
  'command-injection (spawn with shell: true and a computed command)': {
    rule: 'source.command-injection',
    bad: {
      imports: "import { spawn } from 'child_process'",
      body: "const cmd = process.env.DEMO_CMD || 'ls'\n    spawn(cmd, { shell: true })",
      min: 'var o=require("child_process");const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{let r=process.env.DEMO_CMD||"ls";o.spawn(r,{shell:!0});return{content:[]}});'
    },
    good: {
      imports: "import { spawn } from 'child_process'",
      body: "spawn('ls', ['-la'], { shell: false })",
      min: 'var o=require("child_process");const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{o.spawn("ls",["-la"],{shell:!1});return{content:[]}});'
    }
  },
  'command-dynamic': {
    rule: 'source.command-dynamic',
    bad: {
      imports: "import { spawn } from 'node:child_process'",
      body: "const bin = process.env.GIT_BIN ?? 'git'\n    spawn(bin, ['status'])",
      min: 'var{spawn:o}=require("node:child_process");const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{let r=process.env.GIT_BIN??"git";o(r,["status"]);return{content:[]}});'
    },
    good: {
      imports: "import { spawn } from 'node:child_process'\nconst GIT = 'git'",
      body: "spawn(GIT, ['status'])",
      min: 'var{spawn:o}=require("node:child_process");const G="git";const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{o(G,["status"]);return{content:[]}});'
    }
  },
  'code-injection': {
    rule: 'source.code-injection',
    bad: {
      imports: '',
      body: 'const result = eval(args.value)',
      min: 'const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{let r=(0,eval)(t.v);return{content:[{type:"text",text:String(r)}]}});'
    },
    good: {
      imports: '',
      body: 'const result = eval("1 + 1")',
      min: 'const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{let r=eval("1+1");return{content:[{type:"text",text:String(r)}]}});'
    }
  },
  'code-injection (vm)': {
    rule: 'source.code-injection',
    bad: {
      imports: "import vm from 'node:vm'",
      body: 'const { code } = args\n    vm.runInNewContext(`(${code})`, {})',
      min: 'var c=require("vm");const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async({v:t})=>{new c.Script(t.trim()).runInThisContext();return{content:[]}});'
    },
    good: {
      imports: "import vm from 'node:vm'",
      body: "vm.runInNewContext('1 + 1', {})",
      min: 'var c=require("vm");const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async({v:t})=>{new c.Script("1+1").runInThisContext();return{content:[]}});'
    }
  },
  'code-dynamic': {
    rule: 'source.code-dynamic',
    bad: {
      imports: '',
      body: "const fn = new Function('x', process.env.DEMO_SCRIPT ?? '')",
      min: 'const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{let r=Function("x",process.env.DEMO_SCRIPT);return{content:[]}});'
    },
    good: {
      imports: '',
      body: "const fn = new Function('x', 'return x * 2')",
      min: 'const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{let r=Function("x","return x*2");return{content:[]}});'
    }
  },
  ssrf: {
    rule: 'source.ssrf',
    bad: {
      imports: '',
      body: 'const response = await fetch(args.value.trim())',
      min: 'var a=require("axios");const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{let{v:r}=t,i=await a.default.get(r);return{content:[]}});'
    },
    good: {
      imports: "const ALLOWED = new Set(['api.example.com'])",
      body: "const url = new URL(args.value)\n    if (!ALLOWED.has(url.hostname)) throw new Error('host not allowed')\n    const response = await fetch(url)",
      min: 'var a=require("axios");const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{let i=await a.default.get(`https://api.example.com/v1/items/${encodeURIComponent(t.v)}`);return{content:[]}});'
    }
  },
  'path-traversal': {
    rule: 'source.path-traversal',
    bad: {
      imports: "import { readFile } from 'node:fs/promises'",
      body: "const text = await readFile(args.value, 'utf8')",
      min: 'var f=require("fs");const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{let r=f.readFileSync(t.v,"utf8");return{content:[{type:"text",text:r}]}});'
    },
    good: {
      imports:
        "import { readFile, realpath } from 'node:fs/promises'\nimport path from 'node:path'\nconst ROOT = '/srv/data'",
      body: "const full = await realpath(path.resolve(ROOT, args.value))\n    if (!full.startsWith(ROOT + path.sep)) throw new Error('outside')\n    const text = await readFile(full, 'utf8')",
      min: 'var f=require("fs"),p=require("path");const R="/srv/data";const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{let r=f.realpathSync(p.resolve(R,t.v));if(!r.startsWith(R+p.sep))throw Error("outside");return{content:[{type:"text",text:f.readFileSync(r,"utf8")}]}});'
    }
  },
  'symlink-following': {
    rule: 'source.symlink-following',
    bad: {
      imports:
        "import { readFile } from 'node:fs/promises'\nimport path from 'node:path'\nconst ROOT = '/srv/data'",
      body: "const full = path.resolve(ROOT, args.value)\n    if (!full.startsWith(ROOT + path.sep)) throw new Error('outside')\n    const text = await readFile(full, 'utf8')",
      min: 'var f=require("fs"),p=require("path");const R="/srv/data";const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{let r=p.resolve(R,t.v);if(!r.startsWith(R+p.sep))throw Error("outside");return{content:[{type:"text",text:f.readFileSync(r,"utf8")}]}});'
    },
    good: {
      imports:
        "import { readFile } from 'node:fs/promises'\nimport path from 'node:path'\nconst ROOT = '/srv/data'",
      body: "const text = await readFile(path.join(ROOT, 'README.md'), 'utf8')",
      min: 'var f=require("fs"),p=require("path");const R="/srv/data";const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{return{content:[{type:"text",text:f.readFileSync(p.join(R,"README.md"),"utf8")}]}});'
    }
  },
  'sql-injection': {
    rule: 'source.sql-injection',
    bad: {
      imports: "import pg from 'pg'\nconst pool = new pg.Pool()",
      body: "const { rows } = await pool.query(`SELECT * FROM users WHERE name = '${args.value}'`)",
      min: 'var q=require("better-sqlite3");const db=new q("x.db");const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{let r=db.prepare("SELECT * FROM notes WHERE title = \'"+t.v+"\'").all();return{content:[]}});'
    },
    good: {
      imports: "import pg from 'pg'\nconst pool = new pg.Pool()",
      body: "const { rows } = await pool.query('SELECT * FROM users WHERE name = $1', [args.value])",
      min: 'var q=require("better-sqlite3");const db=new q("x.db");const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{let r=db.prepare("SELECT * FROM notes WHERE title = ?").all(t.v);return{content:[]}});'
    }
  },
  'secret-logged': {
    rule: 'source.secret-logged',
    bad: {
      imports: 'const token = process.env.GITHUB_TOKEN',
      body: 'console.error(`calling GitHub with ${token}`)',
      min: 'const k=process.env.DEMO_API_KEY;const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{if(!t.v)throw new Error("bad key "+k);return{content:[]}});'
    },
    good: {
      imports: 'const token = process.env.GITHUB_TOKEN',
      body: "console.error(`GitHub token ${token ? 'set' : 'missing'} (${token?.length ?? 0} chars)`)",
      min: 'const k=process.env.DEMO_API_KEY;const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{if(!t.v)throw new Error("bad key "+(k?"set":"unset"));return{content:[]}});'
    }
  },
  'hardcoded-secret': {
    rule: 'source.hardcoded-secret',
    bad: {
      imports: "const GITHUB_TOKEN = 'ghp_Zq3Lx8Vb2Nm5Kp7Rt1Yw4Hs6Df9Gj0Ac2Ev5Bx'",
      body: 'const headers = { Authorization: `Bearer ${GITHUB_TOKEN}` }',
      min: 'const K="ghp_Zq3Lx8Vb2Nm5Kp7Rt1Yw4Hs6Df9Gj0Ac2Ev5Bx";const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{let h={Authorization:"Bearer "+K};return{content:[]}});'
    },
    good: {
      imports: "const GITHUB_TOKEN = process.env.GITHUB_TOKEN ?? 'your-github-token-here'",
      body: 'const headers = { Authorization: `Bearer ${GITHUB_TOKEN}` }',
      min: 'const K=process.env.GITHUB_TOKEN||"ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";const s=new e.McpServer({name:"d",version:"1"});s.tool("demo","d",{v:n.z.string()},async t=>{let h={Authorization:"Bearer "+K};return{content:[]}});'
    }
  },
  'open-http-transport': {
    rule: 'source.open-http-transport',
    bad: {
      imports:
        "import express from 'express'\nimport { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'\nconst app = express()\napp.post('/mcp', async (req, res) => {\n  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined })\n  await transport.handleRequest(req, res, req.body)\n})\napp.listen(3000, '0.0.0.0')",
      body: '',
      min: 'var x=require("express"),{StreamableHTTPServerTransport:T}=require("@modelcontextprotocol/sdk/server/streamableHttp.js");const a=x();a.post("/mcp",async(q,r)=>{let t=new T({sessionIdGenerator:void 0});await t.handleRequest(q,r,q.body)});a.listen(3e3);'
    },
    good: {
      imports:
        "import express from 'express'\nimport { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'\nconst app = express()\napp.post('/mcp', async (req, res) => {\n  const transport = new StreamableHTTPServerTransport({\n    sessionIdGenerator: undefined,\n    enableDnsRebindingProtection: true,\n    allowedHosts: ['127.0.0.1']\n  })\n  await transport.handleRequest(req, res, req.body)\n})\napp.listen(3000, '127.0.0.1')",
      body: '',
      min: 'var x=require("express"),{StreamableHTTPServerTransport:T}=require("@modelcontextprotocol/sdk/server/streamableHttp.js"),{createMcpExpressApp:c}=require("@modelcontextprotocol/sdk/server/express.js");const a=c();a.post("/mcp",async(q,r)=>{let t=new T({sessionIdGenerator:void 0});await t.handleRequest(q,r,q.body)});a.listen(3e3);'
    }
  }
}

describe('analyzeJsPackage: each rule fires on the vulnerable server and not on the safe one', () => {
  for (const [name, c] of Object.entries(CASES)) {
    for (const shape of SHAPES) {
      it(`${name} — ${shape}`, async () => {
        const bad = await analyse(server(shape, c.bad))
        const good = await analyse(server(shape, c.good))
        expect(bad.notAnalysed).toEqual([])
        expect(good.notAnalysed).toEqual([])
        expect(rules(bad)).toContain(c.rule)
        expect(rules(good)).not.toContain(c.rule)
        const finding = bad.findings.find((f) => f.ruleId === c.rule)
        expect(finding?.evidence?.file).toBe(
          shape === 'ts' ? 'src/index.ts' : shape === 'esm' ? 'index.js' : 'dist/server.cjs'
        )
        expect(finding?.evidence?.line).toBeGreaterThanOrEqual(1)
        expect(finding?.evidence?.snippet?.length).toBeGreaterThan(0)
      })
    }
  }
})

describe('evidence', () => {
  it('quotes the trimmed line and masks a hard-coded secret', async () => {
    const result = await analyse(server('esm', CASES['hardcoded-secret']!.bad))
    const finding = result.findings.find((f) => f.ruleId === 'source.hardcoded-secret')
    expect(finding).toMatchObject({ cwe: 'CWE-798', evidence: { file: 'index.js', line: 4 } })
    expect(finding?.evidence?.snippet).toMatch(/^const GITHUB_TOKEN = /)
    expect(finding?.evidence?.snippet).not.toContain('Zq3Lx8Vb2Nm5Kp7Rt1Yw4Hs6Df9Gj0Ac2Ev5Bx')
  })

  it('points a command injection at its line with CWE-78', async () => {
    const result = await analyse(
      server('esm', CASES['command-injection (exec with tool input)']!.bad)
    )
    expect(result.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'source.command-injection',
        cwe: 'CWE-78',
        evidence: { file: 'index.js', line: 9, snippet: "exec('git log ' + args.value, () => {})" }
      })
    )
  })
})

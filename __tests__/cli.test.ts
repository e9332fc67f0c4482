/**
 * The CLI over the real pipeline: `check` and `inventory` with the npm registry served by nock
 * from recorded real packuments and tarballs, exit codes, formats and usage errors.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { main, type CliIo } from '../src/cli.js'
import { TOOL_VERSION } from '../src/version.js'
import { CORPUS_DIR } from './corpus.js'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
const fixture = (p: string): Buffer => readFileSync(path.join(fixtures, p))
const REGISTRY = 'https://registry.npmjs.org'

let dir: string

interface Captured {
  io: CliIo
  out: () => string
  err: () => string
}

function capture(cwd: string): Captured {
  let out = ''
  let err = ''
  return {
    io: {
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
      env: {},
      cwd
    },
    out: () => out,
    err: () => err
  }
}

function serveFilesystem(): nock.Scope {
  return nock(REGISTRY)
    .persist()
    .get('/@modelcontextprotocol%2fserver-filesystem')
    .reply(200, fixture('packuments/server-filesystem.json'))
    .get('/@modelcontextprotocol%2fsdk')
    .reply(200, fixture('packuments/modelcontextprotocol-sdk.json'))
    .get('/@modelcontextprotocol/server-filesystem/-/server-filesystem-2026.8.31.tgz')
    .reply(200, fixture('tarballs/server-filesystem-2026.8.31.tgz'))
}

beforeAll(() => {
  nock.disableNetConnect()
})
afterAll(() => {
  nock.enableNetConnect()
})
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gate-cli-'))
})
afterEach(() => {
  nock.cleanAll()
  rmSync(dir, { recursive: true, force: true })
})

const FS_CONFIG = JSON.stringify({
  mcpServers: {
    pinned: {
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem@2026.8.31', '/srv/docs']
    },
    unpinned: {
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem', '/srv/docs']
    }
  }
})

interface JsonServer {
  name: string
  line: number
  package: { version: string; pinned: boolean; purl: string; versionSpec: string | null }
  grade: { overall: { grade: string }; subScores: Record<string, unknown> } | null
  verdict: string
  reasons: { code: string; severity: string }[]
}

describe('check', () => {
  it('reports the exact version, pin status, grade and UNPINNED in production (JSON)', async () => {
    writeFileSync(path.join(dir, '.mcp.json'), FS_CONFIG)
    serveFilesystem()
    const c = capture(dir)
    const code = await main(['check', '--format', 'json', '.mcp.json'], c.io)
    expect(code).toBe(1)
    const report = JSON.parse(c.out()) as {
      reportVersion: number
      environment: string
      verdict: string
      servers: JsonServer[]
    }
    expect(report.reportVersion).toBe(1)
    expect(report.environment).toBe('production')
    expect(report.verdict).toBe('fail')
    const [pinned, unpinned] = report.servers
    expect(pinned!.package).toMatchObject({
      version: '2026.8.31',
      pinned: true,
      purl: 'pkg:npm/%40modelcontextprotocol/server-filesystem@2026.8.31'
    })
    expect(pinned!.grade?.overall.grade).toMatch(/^[A-F]$/)
    expect(Object.keys(pinned!.grade!.subScores)).toEqual([
      'security',
      'permissions',
      'credentials',
      'maintenance',
      'compatibility',
      'documentation'
    ])
    expect(pinned!.reasons.map((r) => r.code)).not.toContain('UNPINNED')
    expect(unpinned!.package).toMatchObject({
      version: '2026.8.31',
      pinned: false,
      versionSpec: null
    })
    expect(unpinned!.reasons).toContainEqual(
      expect.objectContaining({ code: 'UNPINNED', severity: 'error' })
    )
    expect(unpinned!.verdict).toBe('fail')
  })

  it('exits 0 when everything passes and writes the table to --output', async () => {
    writeFileSync(
      path.join(dir, '.mcp.json'),
      JSON.stringify(
        {
          mcpServers: {
            docs: {
              command: 'npx',
              args: ['-y', '@modelcontextprotocol/server-filesystem@2026.8.31', '/srv/docs']
            }
          }
        },
        null,
        2
      )
    )
    serveFilesystem()
    const c = capture(dir)
    const code = await main(['check', '--output', 'out/report.txt'], c.io)
    expect(code).toBe(0)
    const table = readFileSync(path.join(dir, 'out/report.txt'), 'utf8')
    expect(table).toContain('docs')
    expect(table).toContain('.mcp.json:3')
    expect(table).toMatch(/PASS/)
  })

  it('renders the Markdown summary', async () => {
    writeFileSync(path.join(dir, '.mcp.json'), FS_CONFIG)
    serveFilesystem()
    const c = capture(dir)
    expect(
      await main(['check', '--format', 'markdown', '--environment', 'development'], c.io)
    ).toBe(0)
    expect(c.out()).toMatch(/\| `unpinned` \| `\.mcp\.json:\d+` \|/)
  })

  it('blocks an invalid config with CONFIG_INVALID at its line and column', async () => {
    // The object opened on line 3 is never closed: the parser stops at the end of line 4.
    writeFileSync(
      path.join(dir, '.mcp.json'),
      '{\n  "mcpServers": {\n    "a": { "command": "npx" \n  }\n'
    )
    const c = capture(dir)
    const code = await main(['check', '--format', 'json'], c.io)
    expect(code).toBe(1)
    const report = JSON.parse(c.out()) as {
      verdict: string
      configs: { path: string; error: { code?: string; line: number; column: number } | null }[]
    }
    expect(report.verdict).toBe('fail')
    expect(report.configs).toHaveLength(1)
    expect(report.configs[0]!.path).toBe('.mcp.json')
    expect(report.configs[0]!.error).toMatchObject({ code: 'CONFIG_INVALID', line: 5, column: 1 })
  })

  it.each([
    [['check', 'does-not-exist.json'], /does-not-exist\.json/],
    [['check', '--min-grade', 'Q'], /min-grade|grade/i],
    [['check', '--sub-score-floors', 'speed=90'], /speed/],
    [['check', '--today', '2026-02-30'], /YYYY-MM-DD/],
    [['check', '--grader', 'api'], /grader-url/],
    [['check', '--grader', 'command', '--grader-command', 'grade.sh | tee x'], /grader-command/],
    [['check', '--format', 'xml'], /xml/],
    [['frobnicate'], /unknown command/],
    [['check', '--npm-registry', 'notaurl'], /npm registry must be an absolute URL/],
    [
      ['check', '--npm-registry', 'http://u:SECRETPW@127.0.0.1:9/?token=Q'],
      /must not hold credentials/
    ],
    [['inventory', '--npm-registry', 'ftp://registry.example'], /http\(s\) URL/]
  ])('exits 2 with a one-line reason for %j', async (argv, pattern) => {
    writeFileSync(path.join(dir, '.mcp.json'), FS_CONFIG)
    const c = capture(dir)
    expect(await main(argv, c.io)).toBe(2)
    expect(c.err()).toMatch(pattern)
    expect(c.err()).not.toMatch(/\n\s+at /)
    expect(c.err()).not.toContain('SECRETPW')
    expect(c.out()).toBe('')
  })

  it('reads a bad policy file as a usage error with its location', async () => {
    writeFileSync(path.join(dir, '.mcp.json'), FS_CONFIG)
    writeFileSync(path.join(dir, 'policy.json'), '{\n  "defaultEnvironment": 5\n}\n')
    const c = capture(dir)
    expect(await main(['check', '--policy', 'policy.json'], c.io)).toBe(2)
    expect(c.err()).toMatch(/policy\.json:2:\d+/)
  })
})

describe('inventory', () => {
  it('lists every corpus file offline, invalid ones with line and column, without a stack trace', async () => {
    const c = capture(dir)
    const code = await main(['inventory', '--offline', '--format', 'json', CORPUS_DIR], c.io)
    expect(code).toBe(0)
    expect(c.err()).not.toMatch(/\n\s+at /)
    const report = JSON.parse(c.out()) as {
      configs: { path: string; error: { line: number; column: number } | null }[]
      servers: { name: string; reasons: { code: string }[] }[]
    }
    const files = readdirSync(CORPUS_DIR).filter((f) => f !== 'MANIFEST.tsv')
    // Every config file of the corpus is listed (MANIFEST.tsv is not a config).
    expect(report.configs).toHaveLength(files.length)
    const invalid = report.configs.filter((cfg) => cfg.error !== null)
    expect(invalid.length).toBeGreaterThan(0)
    for (const cfg of invalid) {
      expect(cfg.error!.line).toBeGreaterThanOrEqual(1)
      expect(cfg.error!.column).toBeGreaterThanOrEqual(1)
    }
    expect(report.servers.length).toBeGreaterThan(250)
    // Offline: no server is resolved over the network, and unpinned ones say so.
    expect(report.servers.some((s) => s.reasons.some((r) => r.code === 'UNPINNED'))).toBe(true)
    expect(report.servers.some((s) => s.reasons.some((r) => r.code === 'LITERAL_SECRET'))).toBe(
      true
    )
    // No literal secret value from the corpus leaks into the output (masked as `…(N chars)`).
    expect(c.out()).not.toMatch(/ghp_[A-Za-z0-9]{36}/)
  })

  it('writes registry-format CSV', async () => {
    writeFileSync(path.join(dir, '.mcp.json'), FS_CONFIG)
    const c = capture(dir)
    expect(await main(['inventory', '--offline', '--format', 'csv'], c.io)).toBe(0)
    const [header, ...rows] = c.out().trim().split('\n')
    expect(header).toBe(
      'server_id,display_name,current_grade,audit_url,audit_date,environments_approved,data_access_summary,data_classification,exception_id,owner_team'
    )
    expect(rows[0]).toContain('pkg:npm/%40modelcontextprotocol/server-filesystem@2026.8.31')
  })
})

describe('schema and version', () => {
  it('prints the GradeReport JSON Schema', async () => {
    const c = capture(dir)
    expect(await main(['schema', 'grade-report'], c.io)).toBe(0)
    const schema = JSON.parse(c.out()) as { properties: Record<string, unknown> }
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['source', 'overall', 'subScores', 'findings', 'auditedAt'])
    )
  })

  it('keeps TOOL_VERSION equal to package.json', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string
    }
    expect(TOOL_VERSION).toBe(pkg.version)
    const c = capture(dir)
    expect(await main(['--version'], c.io)).toBe(0)
    expect(c.out().trim()).toBe(pkg.version)
  })
})

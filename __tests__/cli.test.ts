/**
 * The CLI over the real pipeline: `check` and `inventory` with the npm registry served by nock
 * from recorded real packuments and tarballs, exit codes, formats and usage errors.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { main, type CliIo } from '../src/cli.js'
import { TOOL_VERSION } from '../src/version.js'
import { CORPUS_DIR } from './corpus.js'
import { serveFilesystem, serveOrgRepo } from './support/npm-fixtures.js'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

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
      // nock answers what the tests serve; nothing else is retried. The grade cache goes into the
      // test's temp directory, never the user's cache (the CLI's default).
      env: { MCP_HTTP_RETRIES: '0', MCP_GRADE_GATE_CACHE_DIR: path.join(cwd, '.grade-cache') },
      cwd
    },
    out: () => out,
    err: () => err
  }
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
  it('writes SARIF 2.1.0 with --format sarif, located at the config line', async () => {
    writeFileSync(path.join(dir, '.mcp.json'), FS_CONFIG)
    serveFilesystem()
    const c = capture(dir)
    const code = await main(
      ['check', '--format', 'sarif', '--output', 'gate.sarif', '.mcp.json'],
      c.io
    )
    expect(code).toBe(1)
    const log = JSON.parse(readFileSync(path.join(dir, 'gate.sarif'), 'utf8')) as {
      version: string
      runs: {
        results: {
          ruleId: string
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }
          }[]
        }[]
      }[]
    }
    expect(log.version).toBe('2.1.0')
    const unpinned = log.runs[0]!.results.find((r) => r.ruleId === 'UNPINNED')
    expect(unpinned?.locations[0]!.physicalLocation.artifactLocation.uri).toBe('.mcp.json')
    expect(unpinned?.locations[0]!.physicalLocation.region.startLine).toBe(1)
  })

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

interface RecordsServer {
  name: string
  verdict: string
  reasons: { code: string; severity: string }[]
  registry: { found: boolean; auditAgeDays: number | null } | null
  exception: { id: string; state: string; waived: string[] } | null
  compliance: { framework: string; control: string }[]
}

describe('check with a registry and exceptions (issue 3)', () => {
  beforeEach(() => {
    cpSync(path.join(fixtures, 'org-repo'), dir, { recursive: true })
    serveOrgRepo()
  })

  it('gives the expected verdicts and reason codes on a given day', async () => {
    const c = capture(dir)
    expect(await main(['check', '--today', '2026-11-21', '--format', 'json'], c.io)).toBe(1)
    const report = JSON.parse(c.out()) as {
      servers: RecordsServer[]
      counts: Record<string, number>
    }
    const byName = new Map(report.servers.map((s) => [s.name, s]))
    const codes = (name: string) => byName.get(name)!.reasons.map((r) => `${r.code}:${r.severity}`)

    expect(byName.get('files')!.verdict).toBe('excepted')
    expect(codes('files')).toEqual([
      'SUBSCORE_BELOW_FLOOR:warning',
      'EXCEPTION_EXPIRING:warning',
      'EXCEPTION_APPLIED:notice'
    ])
    expect(byName.get('files')!.exception).toMatchObject({
      id: 'EXC-7',
      state: 'applied',
      waived: ['SUBSCORE_BELOW_FLOOR']
    })
    expect(byName.get('files')!.registry).toMatchObject({ found: true, auditAgeDays: 51 })

    expect(byName.get('search')!.verdict).toBe('fail')
    expect(codes('search')).toEqual(
      expect.arrayContaining(['AUDIT_STALE:error', 'SUBSCORE_BELOW_FLOOR:error'])
    )
    expect(byName.get('search')!.registry).toMatchObject({ found: true, auditAgeDays: 112 })

    expect(byName.get('figma')!.verdict).toBe('fail')
    expect(codes('figma')).toEqual(
      expect.arrayContaining(['NOT_IN_REGISTRY:error', 'EXCEPTION_EXPIRED:error'])
    )
    expect(byName.get('figma')!.exception).toMatchObject({ id: 'EXC-8', state: 'expired' })

    // The maintenance floor touches the controls the reference maps that axis to.
    expect(byName.get('search')!.compliance.map((x) => `${x.framework} ${x.control}`)).toEqual(
      expect.arrayContaining(['SOC 2 CC7.1', 'ISO 27001 A.8.8', 'HIPAA §164.312(b)'])
    )
    expect(report.counts).toMatchObject({ excepted: 1, fail: 2 })
  })

  it('on a day when EXC-7 has expired, files is blocked too', async () => {
    const c = capture(dir)
    expect(await main(['check', '--today', '2026-11-25', '--format', 'json'], c.io)).toBe(1)
    const report = JSON.parse(c.out()) as { servers: RecordsServer[] }
    const files = report.servers.find((s) => s.name === 'files')!
    expect(files.verdict).toBe('fail')
    expect(files.reasons.map((r) => r.code)).toContain('EXCEPTION_EXPIRED')
  })

  it('--update-registry writes the fresh grades and the day, keeping the other columns', async () => {
    const registry = path.join(dir, '.github', 'mcp-registry.csv')
    const before = readFileSync(registry, 'utf8')
    const c = capture(dir)
    await main(['check', '--today', '2026-11-21', '--update-registry', registry], c.io)
    expect(c.err()).toMatch(/2 row\(s\) updated, 1 graded server\(s\) not in it/)
    const after = readFileSync(registry, 'utf8').split('\n')
    const old = before.split('\n')
    expect(after[0]).toBe(old[0])
    expect(after[1]).toBe(old[1]!.replace('2026-10-01', '2026-11-21'))
    expect(after[2]).toBe(old[2]!.replace('2026-08-01', '2026-11-21'))
  })

  it('--update-registry leaves a row of another version alone and says so', async () => {
    const registry = path.join(dir, '.github', 'mcp-registry.csv')
    const before = readFileSync(registry, 'utf8').replace('tavily-mcp@0.2.22', 'tavily-mcp@0.2.21')
    writeFileSync(registry, before)
    const c = capture(dir)
    await main(['check', '--today', '2026-11-21', '--update-registry', registry], c.io)
    expect(c.err()).toMatch(
      /1 row\(s\) updated, 1 graded server\(s\) not in it, 1 graded server\(s\) left alone: their rows approve another version/
    )
    const after = readFileSync(registry, 'utf8').split('\n')
    expect(after[2]).toBe(before.split('\n')[2])
  })

  it('--grader registry judges audit dates against --today, not the clock', async () => {
    const c = capture(dir)
    await main(['check', '--grader', 'registry', '--today', '2026-09-15', '--format', 'json'], c.io)
    const report = JSON.parse(c.out()) as {
      servers: (RecordsServer & { grade: { overall: { grade: string } } | null })[]
    }
    const byName = new Map(report.servers.map((s) => [s.name, s]))
    // files was audited on 2026-10-01, after that day: its recorded grade is not evidence yet.
    expect(byName.get('files')!.grade).toBeNull()
    expect(byName.get('files')!.reasons.map((r) => r.code)).toContain('UNGRADED')
    expect(byName.get('search')!.grade?.overall.grade).toBe('A')
  })
})

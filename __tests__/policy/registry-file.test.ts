import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { parse as parseJsonc } from 'jsonc-parser'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { inventory } from '../../src/gate.js'
import type { RegistryEntry, RegistryFile } from '../../src/policy/records.js'
import { LineIndex } from '../../src/config/lines.js'
import { jsonNestingProblem } from '../../src/policy/nesting.js'
import {
  auditLinkProblem,
  findRegistryEntry,
  findRegistryFile,
  loadRegistryFile,
  MAX_REGISTRY_COLUMNS,
  MAX_REGISTRY_FILE_BYTES,
  MAX_REGISTRY_ROWS,
  parseRegistryText,
  REGISTRY_SCHEMA_ID,
  RegistryFileError,
  registryJsonSchema
} from '../../src/policy/registry-file.js'
import { normalizeEnvironmentName } from '../../src/policy/environment-name.js'
import {
  renderInventoryCsv,
  unregistrableServers,
  type InventoryRun
} from '../../src/report/inventory.js'
import { parseServerId } from '../../src/resolve/server-id.js'
import type { ServerKey } from '../../src/resolve/server-key.js'
import { CORPUS_DIR } from '../corpus.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'registry')
const fixture = (name: string) => join(fixtures, name)

/** The RegistryFileError `run` throws (fails the test when it does not). */
function registryError(run: () => unknown): RegistryFileError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryFileError)
    return error as RegistryFileError
  }
  throw new Error('expected a RegistryFileError')
}

async function rejection(promise: Promise<unknown>): Promise<RegistryFileError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryFileError)
    return error as RegistryFileError
  }
  throw new Error('expected a RegistryFileError')
}

/** [line, column, at] of every problem. */
const where = (error: RegistryFileError) => error.problems.map((p) => [p.line, p.column, p.at])

/** The six servers the registry.{csv,json,yml} fixtures approve, whatever the spelling. */
const KEYS: ServerKey[] = [
  {
    kind: 'npm',
    id: 'npm:@modelcontextprotocol/server-filesystem',
    version: '2026.7.10'
  },
  { kind: 'npm', id: 'npm:@upstash/context7-mcp', version: '4.1.0' },
  {
    kind: 'oci',
    id: 'oci:ghcr.io/github/github-mcp-server',
    version: 'sha256:3f1a8e0c5b7d9e2f4a6c8b0d1e3f5a7c9b2d4f6e8a0c1e3b5d7f9a2c4e6b8d0f'
  },
  { kind: 'remote', id: 'remote:https://mcp.linear.app/sse', version: null },
  { kind: 'github', id: 'github:modelcontextprotocol/servers/src/git', version: null },
  { kind: 'pypi', id: 'pypi:mcp-server-fetch', version: '2025.4.7' }
]

/** An entry without `serverId` (spelt differently per file) and `source` (lines differ). */
function comparable(entry: RegistryEntry) {
  const { serverId: _id, source: _source, ...rest } = entry
  return rest
}

describe('loading the registry: every format, mixed identity spellings', () => {
  it('reads the CSV fixture (BOM, CRLF, quoted cells, extra column) row by row', async () => {
    const path = fixture('registry.csv')
    const file = await loadRegistryFile(path)
    expect(file.format).toBe('csv')
    expect(file.path).toBe(path)
    expect(file.entries).toHaveLength(6)
    expect(file.entries[0]).toEqual({
      serverId: 'pkg:npm/%40modelcontextprotocol/server-filesystem@2026.7.10',
      key: KEYS[0],
      displayName: 'Filesystem (docs share)',
      currentGrade: 'B',
      auditUrl: 'https://audits.example.com/r/fs-2026-07',
      auditDate: '2026-09-01',
      environmentsApproved: ['production', 'staging', 'development'],
      dataAccessSummary: 'Reads and writes files under /srv/docs, nothing else.',
      dataClassification: 'internal',
      exceptionId: null,
      ownerTeam: 'platform',
      source: { file: path, line: 2 }
    })
    // A "…, …" list inside a quoted cell, a doubled quote, a lower-case grade, empty cells.
    expect(file.entries[2]?.environmentsApproved).toEqual(['production', 'staging'])
    expect(file.entries[5]?.dataAccessSummary).toBe(
      'Fetches arbitrary URLs the agent names, "as is".'
    )
    expect(file.entries[5]?.currentGrade).toBe('D')
    expect(file.entries[4]).toMatchObject({ currentGrade: null, auditDate: null, ownerTeam: null })
    expect(file.entries.map((e) => e.source.line)).toEqual([2, 3, 4, 5, 6, 7])
  })

  it('reads the same servers from JSONC ({servers}, comments) and YAML (list, comments)', async () => {
    const csv = await loadRegistryFile(fixture('registry.csv'))
    const json = await loadRegistryFile(fixture('registry.json'))
    const yaml = await loadRegistryFile(fixture('registry.yml'))
    expect(json.format).toBe('json')
    expect(yaml.format).toBe('yaml')
    for (const file of [csv, json, yaml]) expect(file.entries.map((e) => e.key)).toEqual(KEYS)
    // Spelt differently, read the same: every field but the spelling and the line agrees.
    expect(json.entries.map(comparable)).toEqual(csv.entries.map(comparable))
    expect(yaml.entries.map(comparable)).toEqual(csv.entries.map(comparable))
    expect(json.entries.map((e) => e.source.line)).toEqual([5, 17, 29, 42, 53, 61])
    expect(yaml.entries.map((e) => e.source.line)).toEqual([4, 15, 25, 42, 51, 58])
    expect(yaml.entries[3]?.serverId).toBe('https://MCP.Linear.app:443/sse')
  })

  it('reads a spreadsheet export: ";" delimiter, titled and reordered columns, blank rows', async () => {
    const file = await loadRegistryFile(fixture('registry-semicolon.csv'))
    expect(file.entries.map((e) => [e.key, e.ownerTeam, e.currentGrade, e.auditDate])).toEqual([
      [KEYS[0], 'platform', 'B', '2026-09-01'],
      [{ kind: 'npm', id: 'npm:@upstash/context7-mcp', version: null }, 'devex', 'A', '2026-10-15']
    ])
    expect(file.entries.map((e) => e.environmentsApproved)).toEqual([
      ['production', 'staging'],
      ['development', 'ci']
    ])
    expect(file.entries.map((e) => e.dataClassification)).toEqual(['internal', 'public'])
    expect(file.entries.map((e) => e.source.line)).toEqual([2, 4])
  })

  it('reads a tab-separated file and a multi-line quoted cell with the right lines', () => {
    const tsv = 'server_id\towner_team\nnpm:a-mcp@1.0.0\tteam-a\n'
    expect(parseRegistryText(tsv, 'r.csv').entries[0]?.ownerTeam).toBe('team-a')
    const text = [
      'server_id,data_access_summary',
      'npm:a-mcp@1.0.0,"Reads tickets.',
      'Writes nothing."',
      'npm:b-mcp@2.0.0,Reads wiki pages.'
    ].join('\n')
    const file = parseRegistryText(text, 'r.csv')
    expect(file.entries.map((e) => [e.source.line, e.dataAccessSummary])).toEqual([
      [2, 'Reads tickets.\nWrites nothing.'],
      [4, 'Reads wiki pages.']
    ])
  })

  it("drops the ' that guards a leading @, =, + or - against spreadsheet formulas", () => {
    const file = parseRegistryText(
      "server_id,data_access_summary\n'@upstash/context7-mcp@4.1.0,'- reads docs\n",
      'r.csv'
    )
    expect(file.entries[0]).toMatchObject({
      serverId: '@upstash/context7-mcp@4.1.0',
      key: KEYS[1],
      dataAccessSummary: '- reads docs'
    })
  })

  it('treats empty files, comment-only files and a header-only CSV as registries without rows', () => {
    for (const [text, path] of [
      ['', 'r.csv'],
      ['server_id,display_name\n', 'r.csv'],
      ['// nothing approved yet\n', 'r.json'],
      ['[]', 'r.json'],
      ['{"servers": []}', 'r.json'],
      ['# nothing approved yet\n', 'r.yml'],
      ['servers: []\n', 'r.yaml']
    ] as const) {
      expect(parseRegistryText(text, path).entries).toEqual([])
    }
  })

  it('takes the format from the extension, else sniffs it', () => {
    const row = { server_id: 'npm:a-mcp@1.0.0' }
    expect(parseRegistryText(JSON.stringify([row]), 'registry.txt').format).toBe('json')
    expect(parseRegistryText('server_id\nnpm:a-mcp@1.0.0\n', 'registry.txt').format).toBe('csv')
    expect(parseRegistryText('- server_id: npm:a-mcp@1.0.0\n', 'registry').format).toBe('yaml')
    expect(parseRegistryText('[{"server_id": "npm:a-mcp@1.0.0"}]', 'r.JSONC').format).toBe('json')
  })

  it('normalises environment names and drops repeats', () => {
    const file = parseRegistryText(
      '- server_id: npm:a-mcp@1.0.0\n  environments_approved: [PROD, production, Stage, dev, CI, EU-Sandbox]\n',
      'r.yml'
    )
    expect(file.entries[0]?.environmentsApproved).toEqual([
      'production',
      'staging',
      'development',
      'ci',
      'eu-sandbox'
    ])
    expect(normalizeEnvironmentName(' Prod ')).toBe('production')
    expect(normalizeEnvironmentName('stage')).toBe('staging')
    expect(normalizeEnvironmentName('Development')).toBe('development')
    expect(normalizeEnvironmentName('qa')).toBe('qa')
  })

  it('reads numbers as text in text columns (YAML) and keeps unknown keys out of the entry', () => {
    const file = parseRegistryText(
      '- server_id: npm:a-mcp@1.0.0\n  exception_id: 42\n  display_name: 2048\n  jira: SEC-1\n',
      'r.yml'
    )
    expect(file.entries[0]).toMatchObject({ exceptionId: '42', displayName: '2048' })
    expect(Object.keys(file.entries[0]!)).not.toContain('jira')
  })
})

describe('loading the registry: located errors, no row dropped', () => {
  it('lists every bad CSV row and field at its line, naming the column as written', async () => {
    const path = fixture('bad-rows.csv')
    const error = await rejection(loadRegistryFile(path))
    expect(where(error)).toEqual([
      [2, 1, 'Current Grade'],
      [3, 1, 'Audit URL'],
      [3, 1, 'Audit Date'],
      [4, 1, 'Server ID'],
      [4, 1, 'Data Classification'],
      [5, 1, 'Audit URL'],
      [5, 1, 'Environments Approved'],
      [6, 1, 'Server ID'],
      [7, 1, 'Server ID']
    ])
    const messages = error.problems.map((p) => p.message)
    expect(messages[0]).toContain(
      'expected a letter grade: A, B, C, D or F (no E, no + or -), got "B+"'
    )
    expect(messages[1]).toContain('expected an http(s) URL, got "javascript:alert(1)"')
    expect(messages[2]).toContain('expected a real date written YYYY-MM-DD')
    expect(messages[2]).toContain('"2026-02-30"')
    expect(messages[3]).toContain('a bare name is ambiguous')
    expect(messages[4]).toContain('personal data (PII) is "personal"')
    expect(messages[5]).toContain('holds a user name or password')
    expect(messages[6]).toContain('"prod staging" is not an environment name')
    // Two spellings of one server and version: the later row is the duplicate.
    expect(messages[7]).toContain('the same server as the row at line 2')
    expect(messages[7]).toContain('npm:@modelcontextprotocol/server-filesystem@2026.7.10')
    expect(messages[8]).toContain('"^4" is a range or tag, not a version')
    expect(error.message).toMatch(/^Invalid registry file \(9 problems\): /)
    expect(error.message).toContain(`${path}:2:1: Current Grade: `)
    // The password of the audit link is never echoed.
    expect(error.message).not.toContain('s3cret')
  })

  it('lists every bad YAML row at line and column, with its path', async () => {
    const error = await rejection(loadRegistryFile(fixture('bad-rows.yml')))
    expect(where(error)).toEqual([
      [4, 20, 'servers[0].current_grade'],
      [5, 17, 'servers[0].audit_date'],
      [7, 5, 'servers[1].enviroments_approved'],
      [8, 5, 'servers[2].server_id'],
      [11, 26, 'servers[3].data_classification'],
      [12, 16, 'servers[4].server_id']
    ])
    const messages = error.problems.map((p) => p.message)
    expect(messages[2]).toContain('did you mean "environments_approved"?')
    expect(messages[3]).toContain('missing required key "server_id"')
    expect(messages[5]).toContain('the same server as the row at line 10')
  })

  it('lists every bad JSON row at line and column', async () => {
    const error = await rejection(loadRegistryFile(fixture('bad-rows.json')))
    expect(where(error)).toEqual([
      [2, 67, '[0].audit_date'],
      [3, 3, '[1]'],
      [4, 86, '[2].environments_approved[1]']
    ])
    expect(error.problems[1]?.message).toContain('a row must be an object')
  })

  it('rejects CSV headers it cannot trust', () => {
    const typo = registryError(() =>
      parseRegistryText('server_id,enviroments_approved\nnpm:a-mcp@1.0.0,prod\n', 'r.csv')
    )
    expect(where(typo)).toEqual([[1, 1, 'header']])
    expect(typo.message).toContain('did you mean "environments_approved"?')
    const noId = registryError(() => parseRegistryText('name,grade\na,B\n', 'r.csv'))
    expect(noId.message).toContain('no server_id column')
    const twice = registryError(() =>
      parseRegistryText('server_id,Server ID\nnpm:a-mcp@1.0.0,x\n', 'r.csv')
    )
    expect(twice.message).toContain('both name server_id')
    // A short or other name of a column would lose its values: an error, not another column.
    const alias = registryError(() =>
      parseRegistryText('server_id,Grade,owner\nnpm:a-mcp@1.0.0,B,ann\n', 'r.csv')
    )
    expect(alias.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('"Grade" is not a registry column (did you mean "current_grade"?)'),
      expect.stringContaining('"owner" is not a registry column (did you mean "owner_team"?)')
    ])
    // Columns of their own are kept (for the writer) and not read.
    expect(
      parseRegistryText('server_id,notes,ticket\nnpm:a-mcp@1.0.0,ok,SEC-1\n', 'r.csv').entries
    ).toHaveLength(1)
  })

  it('refuses more than MAX_REGISTRY_ROWS rows, at the first one too many', () => {
    const rows = ['server_id']
    for (let i = 0; i <= MAX_REGISTRY_ROWS; i++) rows.push(`npm:pkg-${i}@1.0.0`)
    const error = registryError(() => parseRegistryText(rows.join('\n'), 'r.csv'))
    expect(where(error)).toEqual([[MAX_REGISTRY_ROWS + 2, 1, '']])
    expect(error.message).toContain(`more than ${MAX_REGISTRY_ROWS} rows`)
  })

  it('rejects a row whose cell count differs from the header (a shifted value)', () => {
    const error = registryError(() =>
      parseRegistryText(
        'server_id,current_grade,audit_date\nnpm:a-mcp@1.0.0,B,2026-01-02\nnpm:b-mcp@1.0.0,B\n',
        'r.csv'
      )
    )
    expect(where(error)).toEqual([[3, 1, '']])
    expect(error.message).toContain('this row has 2 cells, the header has 3')
  })

  it('locates a CSV quote error at the row it starts in', () => {
    const error = registryError(() =>
      parseRegistryText(
        'server_id,display_name\nnpm:a-mcp@1.0.0,ok\n\nnpm:b-mcp@1.0.0,"never closed\n',
        'r.csv'
      )
    )
    expect([error.line, error.column]).toEqual([4, 1])
    expect(error.message).toContain('a quoted cell is never closed')
  })

  it('rejects top-level shapes that are not a list of rows or {servers}', () => {
    expect(registryError(() => parseRegistryText('"x"', 'r.json')).message).toContain(
      'expected a list of rows or an object with "servers"'
    )
    const unknown = registryError(() => parseRegistryText('{"Servers": []}', 'r.json'))
    expect(unknown.message).toContain('unknown key "Servers" (did you mean "servers"?)')
    expect(registryError(() => parseRegistryText('servers: 3\n', 'r.yml')).message).toContain(
      '"servers" must be a list of rows'
    )
  })

  it('reports syntax errors with line and column', () => {
    const json = registryError(() =>
      parseRegistryText('[\n  {"server_id": "npm:a@1.0.0"\n]', 'r.json')
    )
    expect(json.line).toBe(3)
    expect(json.message).toContain('JSON syntax error')
    const yaml = registryError(() => parseRegistryText('- server_id: [unclosed\n', 'r.yml'))
    expect(yaml.message).toContain('YAML syntax error')
  })

  it('never echoes credentials of a server id and refuses them', () => {
    const error = registryError(() =>
      parseRegistryText('server_id\nhttps://bot:hunter2@mcp.example.com/sse\n', 'r.csv')
    )
    expect(error.message).toContain('the server id holds a user name or password')
    expect(error.message).not.toContain('hunter2')
  })

  it('does not echo the query of an unreadable URL', () => {
    const error = registryError(() =>
      parseRegistryText(
        'server_id,audit_url\nnpm:a-mcp@1.0.0,ftp://files.example/r?token=abc123\n',
        'r.csv'
      )
    )
    expect(error.message).toContain('expected an http(s) URL')
    expect(error.message).not.toContain('abc123')
  })
})

describe('loading the registry: one row per version, bounded sizes, no credentials in links', () => {
  it('refuses two rows of one version however the version is spelt (sameVersion)', () => {
    const duplicates: [string, string][] = [
      ['pypi:foo==1.0', 'pypi:foo==1.0.0'],
      ['pypi:foo==1.0rc1', 'pypi:Foo==1.0.0-RC1'],
      ['npm:a-mcp@1.2.3', 'npm:a-mcp@1.2.3+build.7'],
      ['npm:a-mcp@1.2.3-beta.1', 'pkg:npm/a-mcp@v1.2.3-beta.1'],
      [
        'oci:ghcr.io/org/img@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef',
        'ghcr.io/org/img@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'
      ],
      ['github:org/repo#abc1234', 'github:org/repo#ABC1234def0123456789abcdef0123456789abcd'],
      ['github:org/repo#abc1234def0123456789abcdef0123456789abcd', 'github:org/repo#abc1234d'],
      ['npm:a-mcp', 'npm:A-MCP']
    ]
    for (const [first, second] of duplicates) {
      const error = registryError(() =>
        parseRegistryText(`server_id\nnpm:other@1.0.0\n${first}\n${second}\n`, 'r.csv')
      )
      expect(where(error)).toEqual([[4, 1, 'server_id']])
      expect(error.message).toContain('the same server as the row at line 3')
    }
  })

  it('keeps rows of different versions, and a row for every version next to pinned ones', () => {
    const distinct: [string, string][] = [
      ['pypi:foo==1.0', 'pypi:foo==1.0.1'],
      ['pypi:foo==1.0', 'pypi:foo==1.0.post1'],
      ['npm:a-mcp@1.2.3', 'npm:a-mcp@1.2.3-beta.1'],
      ['oci:ghcr.io/org/img:v1', 'ghcr.io/org/img@sha256:' + 'a'.repeat(64)],
      ['github:org/repo#abc1234', 'github:org/repo#abc1235'],
      ['github:org/repo#abc1234f', 'github:org/repo#abc1234e'],
      ['github:org/repo#main', 'github:org/repo#abc1234'],
      ['npm:a-mcp', 'npm:a-mcp@1.0.0']
    ]
    for (const [first, second] of distinct) {
      expect(parseRegistryText(`server_id\n${first}\n${second}\n`, 'r.csv').entries).toHaveLength(2)
    }
  })

  it('finds duplicates among MAX_REGISTRY_ROWS rows of one server quickly', () => {
    const rows = ['server_id']
    for (let i = 0; i < MAX_REGISTRY_ROWS - 1; i++)
      rows.push(`github:org/repo#abc1234${i.toString(16).padStart(4, '0')}`)
    rows.push('github:org/repo#abc12340')
    const started = Date.now()
    const error = registryError(() => parseRegistryText(rows.join('\n'), 'r.csv'))
    expect(Date.now() - started).toBeLessThan(4000)
    // abc12340 is a prefix of the 16 commits abc12340000 … abc1234000f.
    expect(where(error)).toEqual([[MAX_REGISTRY_ROWS + 1, 1, 'server_id']])
    expect(error.message).toContain('the same server as the row at line 2')
  })

  it(`refuses a CSV with more than ${MAX_REGISTRY_COLUMNS} columns, quickly and in a short message`, () => {
    const header = Array.from({ length: 150_000 }, (_, i) => `c${i}`).join(',')
    const started = Date.now()
    const error = registryError(() => parseRegistryText(`${header}\nnpm:a@1.0.0\n`, 'r.csv'))
    expect(Date.now() - started).toBeLessThan(5000) // ~0.6 s alone; 8 s before the cap
    expect(where(error)).toEqual([[1, 1, '']])
    expect(error.message).toContain(`more than ${MAX_REGISTRY_COLUMNS} columns`)
    expect(error.message.length).toBeLessThan(500)
    // A data row with that many cells is refused the same way, at its line.
    const wide = registryError(() =>
      parseRegistryText(`server_id\nnpm:a@1.0.0\n${'x,'.repeat(MAX_REGISTRY_COLUMNS)}x\n`, 'r.csv')
    )
    expect(where(wide)).toEqual([[3, 1, '']])
  })

  it('lists at most a few header names, each clipped, when server_id is missing', () => {
    const names = Array.from({ length: 30 }, (_, i) => `column_${i}_${'x'.repeat(300)}`)
    const error = registryError(() => parseRegistryText(`${names.join(',')}\na\n`, 'r.csv'))
    expect(error.message).toContain('no server_id column')
    expect(error.message).toContain('and 20 more')
    expect(error.message).not.toContain('x'.repeat(100))
    expect(error.message.length).toBeLessThan(1500)
  })

  it(`refuses JSON/YAML rows with more than ${MAX_REGISTRY_COLUMNS} different keys, at the first too many`, () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      server_id: `npm:pkg-${i}@1.0.0`,
      [`k${i}a`]: 1,
      [`k${i}b`]: 2
    }))
    const text = JSON.stringify(rows, null, 1)
    const started = Date.now()
    const error = registryError(() => parseRegistryText(text, 'r.json'))
    expect(Date.now() - started).toBeLessThan(2000)
    expect(error.problems).toHaveLength(1)
    expect(error.problems[0]!.at).toBe('[99].k99b')
    expect(error.message).toContain(`more than ${MAX_REGISTRY_COLUMNS} different keys`)
  })

  it('lists a bounded number of unknown top-level keys, each clipped', () => {
    const keys = Array.from(
      { length: 50_000 },
      (_, i) => `"k${i}${'y'.repeat(i === 0 ? 500 : 0)}": 1`
    )
    const started = Date.now()
    const error = registryError(() =>
      parseRegistryText(`{"servers": [], ${keys.join(', ')}}`, 'r.json')
    )
    expect(Date.now() - started).toBeLessThan(2000)
    expect(error.problems.length).toBeLessThanOrEqual(11)
    expect(error.message).toContain('49990 more unknown keys')
    expect(error.message).not.toContain('y'.repeat(100))
  })

  it('says "registry file" when a registry is nested too deep', () => {
    const json = registryError(() =>
      parseRegistryText(`${'['.repeat(100)}${']'.repeat(100)}`, 'r.json')
    )
    expect(json.message).toContain('A registry file needs only a few')
    expect(json.message).not.toContain('policy')
    const yaml = registryError(() =>
      parseRegistryText(`servers:\n${' '.repeat(300)}- x\n`, 'r.yml')
    )
    expect(yaml.message).toContain('A registry file needs only a few levels')
    // The policy wording stays the default.
    expect(jsonNestingProblem('['.repeat(100), new LineIndex('['.repeat(100)))?.message).toContain(
      'A policy file needs only a few'
    )
  })

  it('refuses a link or server id whose query or fragment holds a credential, without echoing it', () => {
    const refused = [
      'https://audits.example.com/x?a=1&token=s3cr3tvalue',
      'https://audits.example.com/x?API_KEY=s3cr3tvalue',
      'https://bucket.s3.amazonaws.com/r.pdf?X-Amz-Signature=s3cr3tvalue&X-Amz-Credential=AKIA',
      'https://store.blob.core.windows.net/r.pdf?sv=2024&sig=s3cr3tvalue',
      'https://audits.example.com/x?password=s3cr3tvalue',
      'https://audits.example.com/x#access_token=s3cr3tvalue'
    ]
    for (const url of refused) {
      const error = registryError(() =>
        parseRegistryText(`server_id,audit_url\nnpm:a-mcp@1.0.0,${url}\n`, 'r.csv')
      )
      expect(where(error)).toEqual([[2, 1, 'audit_url']])
      expect(error.message).toContain('which looks like a credential')
      expect(error.message).not.toContain('s3cr3tvalue')
    }
    const id = registryError(() =>
      parseRegistryText('- server_id: https://mcp.example.com/sse?apiKey=s3cr3tvalue\n', 'r.yml')
    )
    expect(where(id)).toEqual([[1, 14, '[0].server_id']])
    expect(id.message).not.toContain('s3cr3tvalue')
    // Queries that name no credential are links like any other.
    const fine = parseRegistryText(
      'server_id,audit_url\nnpm:a-mcp@1.0.0,https://audits.example.com/r?id=42&tab=summary&author=ann\n',
      'r.csv'
    )
    expect(fine.entries[0]!.auditUrl).toBe(
      'https://audits.example.com/r?id=42&tab=summary&author=ann'
    )
  })

  it('auditLinkProblem says why a link cannot be recorded, or null', () => {
    expect(auditLinkProblem('https://audits.example.com/r/1')).toBeNull()
    expect(auditLinkProblem('https://me:pw@audits.example.com/r/1')).toContain(
      'user name or password'
    )
    expect(auditLinkProblem('https://audits.example.com/r/1?token=x')).toContain('"token"')
  })
})

describe('finding and reading the file', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'registry-file-'))
    await mkdir(join(dir, '.github'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('finds .github/mcp-registry.* and refuses two of them', async () => {
    await expect(findRegistryFile(dir)).resolves.toBeNull()
    await writeFile(join(dir, '.github', 'mcp-registry.yml'), '[]\n')
    await expect(findRegistryFile(dir)).resolves.toBe(join(dir, '.github', 'mcp-registry.yml'))
    await writeFile(join(dir, '.github', 'mcp-registry.csv'), 'server_id\n')
    const error = await rejection(findRegistryFile(dir))
    expect(error.message).toContain('more than one registry file')
  })

  it('gives the path relative to the working directory when the file is inside it', async () => {
    await writeFile(join(dir, '.github', 'mcp-registry.csv'), 'server_id\n')
    const previous = process.cwd()
    process.chdir(dir)
    try {
      await expect(findRegistryFile(dir)).resolves.toBe('.github/mcp-registry.csv')
      await expect(findRegistryFile('.')).resolves.toBe('.github/mcp-registry.csv')
      // … and that path reads the file (it is relative to where the process runs).
      const file = await loadRegistryFile((await findRegistryFile(dir))!)
      expect(file.path).toBe('.github/mcp-registry.csv')
      const error = await rejection(
        (async () => {
          await writeFile(join(dir, '.github', 'mcp-registry.json'), '[]')
          return findRegistryFile(dir)
        })()
      )
      expect(error.message).toContain(
        'more than one registry file: .github/mcp-registry.csv, .github/mcp-registry.json'
      )
    } finally {
      process.chdir(previous)
    }
  })

  it('refuses a missing file, a directory and a file over the size limit', async () => {
    expect((await rejection(loadRegistryFile(join(dir, 'nope.csv')))).message).toContain(
      'it does not exist'
    )
    expect((await rejection(loadRegistryFile(join(dir, '.github')))).message).toContain(
      'it is not a file'
    )
    const big = join(dir, 'big.csv')
    await writeFile(big, `server_id\n${'x'.repeat(MAX_REGISTRY_FILE_BYTES)}\n`)
    expect((await rejection(loadRegistryFile(big))).message).toContain(
      `more than the ${MAX_REGISTRY_FILE_BYTES}`
    )
  })
})

describe('findRegistryEntry', () => {
  const text = [
    'server_id,owner_team',
    'npm:@upstash/context7-mcp@4.0.7,old',
    'pkg:npm/%40upstash/context7-mcp@4.1.0,current',
    'npm:@upstash/context7-mcp,any',
    'pypi:mcp-server-fetch==2025.4.7,fetch',
    'https://mcp.linear.app/sse,linear'
  ].join('\n')
  const file: RegistryFile = parseRegistryText(text, 'r.csv')
  const key = (id: string) => parseServerId(id)!
  const owner = (keys: ServerKey[]) => findRegistryEntry(file, keys)?.ownerTeam ?? null

  it('prefers the row of the same version, then a row for every version', () => {
    expect(owner([key('npm:@upstash/context7-mcp@4.1.0')])).toBe('current')
    expect(owner([key('npm:@upstash/context7-mcp@v4.0.7')])).toBe('old')
    expect(owner([key('npm:@upstash/context7-mcp@4.1.1')])).toBe('any')
    expect(owner([key('npm:@upstash/context7-mcp')])).toBe('any')
  })

  it('falls back to the first row of the server when no version matches (a version mismatch)', () => {
    const pinnedOnly = parseRegistryText(text.split('\n').slice(0, 3).join('\n'), 'r.csv')
    expect(findRegistryEntry(pinnedOnly, [key('npm:@upstash/context7-mcp@4.1.1')])?.ownerTeam).toBe(
      'old'
    )
  })

  it('compares versions as their ecosystem does and ids however they were spelt', () => {
    expect(owner([key('pypi:MCP_Server.Fetch==2025.04.07')])).toBe('fetch')
    expect(owner([key('remote:https://mcp.linear.app/sse/')])).toBe('linear')
  })

  it('is null for a server without a row, and tries keys in order', () => {
    expect(owner([key('npm:@modelcontextprotocol/server-memory@2026.1.26')])).toBeNull()
    expect(owner([])).toBeNull()
    expect(
      owner([
        key('npm:@modelcontextprotocol/server-memory'),
        key('pypi:mcp-server-fetch==2025.4.7')
      ])
    ).toBe('fetch')
  })
})

describe('registryJsonSchema', () => {
  const schema = registryJsonSchema()
  const ajv = new Ajv2020({ strict: false })
  addFormats.default(ajv)
  const validate = ajv.compile(schema)

  it('has an $id, a title and a description of every column', () => {
    expect(schema.$id).toBe(REGISTRY_SCHEMA_ID)
    expect(schema.title).toBe('mcp-grade-gate registry')
    const text = JSON.stringify(schema)
    for (const column of ['server_id', 'audit_date', 'environments_approved', 'owner_team']) {
      expect(text).toContain(`"${column}"`)
    }
    expect(text).toContain('Letter grade (A–F)')
  })

  it('validates the JSON and YAML fixtures and refuses bad values', async () => {
    const json = parseJsonc(await readFile(fixture('registry.json'), 'utf8')) as unknown
    expect(validate(json)).toBe(true)
    const yaml = parseYaml(await readFile(fixture('registry.yml'), 'utf8')) as unknown
    expect(validate(yaml)).toBe(true)
    expect(validate([{ server_id: 'npm:a-mcp@1.0.0', current_grade: 'E' }])).toBe(false)
    expect(validate([{ server_id: 'npm:a-mcp@1.0.0', data_classification: 'secret' }])).toBe(false)
    expect(validate([{ display_name: 'no id' }])).toBe(false)
    expect(validate([{ server_id: 'npm:a-mcp@1.0.0', audit_date: '2026-02-30' }])).toBe(false)
    expect(validate([{ server_id: 'npm:a-mcp@1.0.0', audit_url: 'javascript:alert(1)' }])).toBe(
      false
    )
    expect(validate({ servers: [], extra: 1 })).toBe(false)
  })
})

describe('the inventory CSV is a registry (issue 3 point 7)', () => {
  /** The inventory of every real corpus config, offline (no versions are resolved). */
  let run: InventoryRun
  beforeAll(async () => {
    run = await inventory({ paths: [CORPUS_DIR], cwd: CORPUS_DIR, offline: true })
  })

  it('parses back the rows of servers with a purl or a remote URL, without grades or dates', () => {
    const csv = renderInventoryCsv({
      ...run,
      servers: run.servers.filter(
        ({ server }) => server.package.purl !== null || server.package.ecosystem === 'remote'
      )
    })
    const rows = csv.trim().split('\n').length - 1
    expect(rows).toBeGreaterThan(40)
    // A remote URL built from a variable (`${GATEWAY_URL}/mcp`) is no identity: not a row.
    expect(csv).not.toContain('${')
    const file = parseRegistryText(csv, 'inventory.csv')
    expect(file.entries).toHaveLength(rows)
    expect(file.entries.every((e) => e.currentGrade === null && e.auditDate === null)).toBe(true)
  })

  it('parses back the whole corpus inventory, leaving out only servers with no identity', () => {
    const csv = renderInventoryCsv(run)
    const file = parseRegistryText(csv, 'inventory.csv')
    expect(file.entries.length).toBeGreaterThan(250)
    expect(file.entries.length).toBe(csv.trim().split('\n').length - 1)
    expect(unregistrableServers(run).length).toBeGreaterThan(0)
  })
})

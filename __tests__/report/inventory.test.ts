import { describe, expect, it } from '@jest/globals'
import { parse } from 'csv-parse/sync'
import type { Reason } from '../../src/policy/reasons.js'
import {
  InventoryJsonSchema,
  REGISTRY_COLUMNS,
  csvCell,
  renderInventoryCsv,
  renderInventoryTable,
  toInventoryJson,
  type InventoryRun
} from '../../src/report/inventory.js'
import type { PackageIdentity } from '../../src/resolve/types.js'
import { config, entry, npmPackage } from '../fixtures/report/runs.js'

/** RFC 4180 rows, read with csv-parse (what the registry reader uses). */
function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: true })
}

function server(name: string, pkg: Partial<PackageIdentity>, line = 3) {
  return {
    entry: entry({ name, location: { line, column: 5 } }),
    package: npmPackage(pkg),
    argv: [],
    wrappers: [],
    notes: []
  }
}

const SECRET: Reason = {
  code: 'LITERAL_SECRET',
  severity: 'error',
  message: 'env.GITHUB_TOKEN holds a literal GitHub token (ghp_…(40 chars))',
  fix: 'replace it with a variable reference'
}

function sampleInventory(): InventoryRun {
  return {
    tool: { name: 'mcp-grade-gate', version: '0.1.0' },
    configs: [
      config(),
      config({ path: 'bad/mcp.json', error: { message: 'Expected comma', line: 3, column: 7 } })
    ],
    servers: [
      { server: server('fs', {}), reasons: [] },
      {
        server: server(
          'github, "official"',
          {
            name: 'gh-mcp',
            versionSpec: null,
            version: null,
            pinned: false,
            purl: null,
            resolution: { status: 'offline' }
          },
          8
        ),
        reasons: [
          SECRET,
          {
            code: 'UNPINNED',
            severity: 'warning',
            message: 'gh-mcp is not pinned',
            fix: 'pin an exact version'
          }
        ]
      },
      {
        server: server(
          'remote',
          {
            ecosystem: 'remote',
            name: 'https://mcp.example.com/mcp',
            versionSpec: null,
            version: null,
            pinned: false,
            purl: null
          },
          12
        ),
        reasons: []
      },
      {
        server: server(
          '=HYPERLINK("http://evil")',
          { purl: null, name: 'x', ecosystem: 'local' },
          15
        ),
        reasons: []
      },
      // Same purl as "fs": one registry row.
      { server: server('fs-copy', {}, 20), reasons: [] }
    ]
  }
}

describe('renderInventoryCsv', () => {
  it('writes the registry header and parses back with the right cells', () => {
    const rows = parseCsv(renderInventoryCsv(sampleInventory()))
    expect(rows[0]).toEqual([...REGISTRY_COLUMNS])
    expect(rows.slice(1).map((r) => r.length)).toEqual([10, 10, 10, 10])
    expect(rows[1]!.slice(0, 2)).toEqual([
      'pkg:npm/%40modelcontextprotocol/server-filesystem@2025.1.14',
      'fs'
    ])
    expect(rows[1]!.slice(2)).toEqual(['', '', '', '', '', '', '', ''])
    // No purl: the normalised identity (every version of gh-mcp); the display name is quoted.
    expect(rows[2]!.slice(0, 2)).toEqual(['npm:gh-mcp', 'github, "official"'])
    expect(rows[3]!.slice(0, 2)).toEqual(['remote:https://mcp.example.com/mcp', 'remote'])
    // Formula injection neutralised.
    expect(rows[4]!.slice(0, 2)).toEqual(['local:x', `'=HYPERLINK("http://evil")`])
  })

  it('stays a registry file: header columns, and empty cells (never —) for the admin to fill', () => {
    const records = parse<{ record: Record<string, string>; info: { lines: number } }>(
      renderInventoryCsv(sampleInventory()),
      { columns: true, info: true }
    )
    expect(records).toHaveLength(4)
    for (const { record, info } of records) {
      expect(Object.keys(record)).toEqual([...REGISTRY_COLUMNS])
      expect(record.server_id).not.toBe('')
      // current_grade and audit_date are written by the registry refresh, never guessed here.
      expect(record.current_grade).toBe('')
      expect(record.audit_date).toBe('')
      for (const cell of Object.values(record)) expect(cell).not.toBe('—')
      expect(info.lines).toBeGreaterThan(1)
    }
  })

  it('writes one row per identity, whichever config files run it', () => {
    // The same file from two directories: a local id is found from the config's directory.
    const local = (config: string, line: number, name: string) => ({
      server: {
        ...server('helper', { ecosystem: 'local', name, purl: null }, line),
        entry: entry({ name: 'helper', config, location: { line, column: 5 } })
      },
      reasons: []
    })
    const run: InventoryRun = {
      tool: { name: 'mcp-grade-gate', version: '0.1.0' },
      configs: [config(), config({ path: '.cursor/mcp.json' })],
      servers: [
        local('.mcp.json', 3, './server.js'),
        local('.cursor/mcp.json', 4, '../server.js'),
        { server: server('fs', {}), reasons: [] },
        { server: server('files', {}, 9), reasons: [] }
      ]
    }
    const rows = parseCsv(renderInventoryCsv(run)).slice(1)
    expect(rows.map((r) => r.slice(0, 2))).toEqual([
      ['local:server.js', 'helper'],
      ['pkg:npm/%40modelcontextprotocol/server-filesystem@2025.1.14', 'fs']
    ])
  })

  it('quotes and neutralises cells', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('=1+1')).toBe("'=1+1")
    expect(csvCell('+1')).toBe("'+1")
    expect(csvCell('-1')).toBe("'-1")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('\t=1')).toBe("' =1")
    expect(csvCell(' x')).toBe('" x"')
    expect(csvCell('line\nbreak')).toBe('line break')
  })
})

describe('toInventoryJson', () => {
  it('has the report configs and servers without grade, registry, exception or verdict', () => {
    const json = toInventoryJson(sampleInventory())
    expect(InventoryJsonSchema.safeParse(JSON.parse(JSON.stringify(json))).success).toBe(true)
    expect(json.reportVersion).toBe(1)
    expect(json.configs[1]).toEqual({
      path: 'bad/mcp.json',
      format: 'claude-code',
      servers: 0,
      error: { code: 'CONFIG_INVALID', message: 'Expected comma', line: 3, column: 7 },
      hasServerMap: true,
      notes: []
    })
    const gh = json.servers[1]!
    expect(Object.keys(gh).sort()).toEqual([
      'column',
      'config',
      'line',
      'name',
      'notes',
      'package',
      'reasons'
    ])
    expect(gh).toMatchObject({
      name: 'github, "official"',
      line: 8,
      package: { name: 'gh-mcp', pinned: false, version: null, resolution: { status: 'offline' } },
      reasons: [
        { code: 'LITERAL_SECRET', severity: 'error', message: SECRET.message, fix: SECRET.fix },
        {
          code: 'UNPINNED',
          severity: 'warning',
          message: 'gh-mcp is not pinned',
          fix: 'pin an exact version'
        }
      ]
    })
    expect(json.servers).toHaveLength(5)
  })

  it('lists entry and resolution notes once per server', () => {
    const base = server('fs', {})
    const run: InventoryRun = {
      tool: { name: 'mcp-grade-gate', version: '0.1.0' },
      configs: [config()],
      servers: [
        {
          server: {
            ...base,
            entry: { ...base.entry, notes: ['url ignored by stdio clients'] },
            notes: ['installs from another registry', 'url ignored by stdio clients']
          },
          reasons: []
        }
      ]
    }
    expect(toInventoryJson(run).servers[0]!.notes).toEqual([
      'url ignored by stdio clients',
      'installs from another registry'
    ])
    const table = renderInventoryTable(run)
    expect(table).toContain('  note: url ignored by stdio clients\n')
    expect(table).toContain('  note: installs from another registry\n')
  })
})

describe('renderInventoryTable', () => {
  it('lists servers, invalid configs with path:line:column and reasons', () => {
    const out = renderInventoryTable(sampleInventory())
    const lines = out.split('\n')
    expect(lines[0]).toMatch(/^Server\s+File:line\s+Ecosystem\s+Package\s+Pinned\s+Reasons$/)
    expect(out).toMatch(
      /github, "official"\s+\.mcp\.json:8\s+npm\s+gh-mcp \(unpinned, not resolved: offline\)\s+no\s+LITERAL_SECRET, UNPINNED/
    )
    expect(out).toContain('  ✖ bad/mcp.json:3:7: Expected comma')
    expect(out).toContain(
      '  ✖ LITERAL_SECRET: env.GITHUB_TOKEN holds a literal GitHub token (ghp_…(40 chars))'
    )
    expect(out.trimEnd().split('\n').at(-1)).toBe('5 servers in 2 config files (1 invalid)')
  })
})

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RegistryEntry } from '../../src/policy/records.js'
import {
  loadRegistryFile,
  parseRegistryText,
  RegistryFileError
} from '../../src/policy/registry-file.js'
import { updateRegistry, type RegistryUpdate } from '../../src/policy/registry-write.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'registry')

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'registry-write-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A copy of a fixture in the temp dir. */
async function copy(name: string): Promise<string> {
  const path = join(dir, name)
  await copyFile(join(fixtures, name), path)
  return path
}

/** An entry without the fields an update writes, and without its line. */
function untouched(entry: RegistryEntry) {
  const { currentGrade: _g, auditDate: _d, auditUrl: _u, source: _s, ...rest } = entry
  return rest
}

describe('updateRegistry: each format keeps everything it does not refresh', () => {
  it.each(['registry.csv', 'registry.json', 'registry.yml'])(
    '%s: fresh grades and dates in two rows, every other field as it was',
    async (name) => {
      const path = await copy(name)
      const before = await loadRegistryFile(path)
      const [fs, , , , git] = before.entries
      const result = await updateRegistry(path, [
        { entry: fs!, currentGrade: 'A', auditDate: '2026-11-21' },
        {
          entry: git!,
          currentGrade: 'C',
          auditDate: '2026-11-20',
          auditUrl: 'https://audits.example.com/r/git-2026-11'
        }
      ])
      expect(result).toEqual({ updated: 2 })
      const text = await readFile(path, 'utf8')
      const after = parseRegistryText(text, path)
      expect(after.entries.map(untouched)).toEqual(before.entries.map(untouched))
      expect(after.entries.map((e) => e.serverId)).toEqual(before.entries.map((e) => e.serverId))
      expect(after.entries[0]).toMatchObject({
        currentGrade: 'A',
        auditDate: '2026-11-21',
        auditUrl: 'https://audits.example.com/r/fs-2026-07'
      })
      expect(after.entries[4]).toMatchObject({
        currentGrade: 'C',
        auditDate: '2026-11-20',
        auditUrl: 'https://audits.example.com/r/git-2026-11'
      })
      for (const i of [1, 2, 3, 5]) {
        expect(after.entries[i]).toEqual({ ...before.entries[i], source: after.entries[i]!.source })
      }
    }
  )

  it('CSV: only the refreshed lines change; BOM, CRLF, quoting and the extra column stay', async () => {
    const path = await copy('registry.csv')
    const original = await readFile(path, 'utf8')
    const before = await loadRegistryFile(path)
    await updateRegistry(path, [
      { entry: before.entries[2]!, currentGrade: 'A', auditDate: '2026-11-21' }
    ])
    const text = await readFile(path, 'utf8')
    expect(text.startsWith('\ufeff')).toBe(true)
    const [was, now] = [original.split('\r\n'), text.split('\r\n')]
    expect(now).toHaveLength(was.length)
    const changed = now.flatMap((line, i) => (line === was[i] ? [] : [i + 1]))
    expect(changed).toEqual([4])
    expect(now[3]).toBe(
      'ghcr.io/github/github-mcp-server@sha256:3f1a8e0c5b7d9e2f4a6c8b0d1e3f5a7c9b2d4f6e8a0c1e3b5d7f9a2c4e6b8d0f,GitHub (pinned image),A,https://audits.example.com/r/github-mcp,2026-11-21,"production, staging",Reads and comments on issues and pull requests of the org\'s repositories.,personal,EXC-2026-014,developer-productivity,SEC-117'
    )
  })

  it('JSONC: comments and trailing commas stay; only the values change', async () => {
    const path = await copy('registry.json')
    const original = await readFile(path, 'utf8')
    const before = await loadRegistryFile(path)
    await updateRegistry(path, [
      { entry: before.entries[1]!, currentGrade: 'B', auditDate: '2026-11-21' }
    ])
    const text = await readFile(path, 'utf8')
    expect(text).toContain('// Approved MCP servers (SPEC §7).')
    const [was, now] = [original.split('\n'), text.split('\n')]
    expect(now).toHaveLength(was.length)
    expect(now.flatMap((line, i) => (line === was[i] ? [] : [line]))).toEqual([
      '      "current_grade": "B",',
      '      "audit_date": "2026-11-21",'
    ])
  })

  it('YAML: comments, blank lines, flow lists and the flow row stay', async () => {
    const path = await copy('registry.yml')
    const before = await loadRegistryFile(path)
    await updateRegistry(path, [
      { entry: before.entries[0]!, currentGrade: 'A', auditDate: '2026-11-21' },
      { entry: before.entries[5]!, currentGrade: 'C', auditDate: '2026-11-21' }
    ])
    const text = await readFile(path, 'utf8')
    expect(text).toContain('# Approved MCP servers (SPEC §7).')
    expect(text).toContain('  current_grade: A # re-audited after the 2026.7 bump\n')
    expect(text).toContain('# Remote server: identified by its URL.\n- server_id: https://MCP')
    expect(text).toContain('  environments_approved: [prod, staging, dev]\n')
    expect(text).toContain(
      '- {server_id: "pypi:mcp_server_fetch==2025.4.7", display_name: Fetch, current_grade: C,'
    )
    expect(text).toContain('audit_date: 2026-11-21, environments_approved: [dev]')
    expect(text.split('\n\n')).toHaveLength(7) // the blank lines between rows
  })

  it('YAML: keeps a list written without indentation under "servers:"', async () => {
    const path = join(dir, 'registry.yaml')
    const original = [
      '# refreshed by the gate',
      'servers:',
      '- server_id: npm:a-mcp@1.0.0',
      '  current_grade: B',
      '  audit_date: 2026-01-02',
      '- server_id: npm:b-mcp@1.0.0 # no audit yet',
      ''
    ].join('\n')
    await writeFile(path, original)
    const before = await loadRegistryFile(path)
    await updateRegistry(path, [
      { entry: before.entries[1]!, currentGrade: 'B', auditDate: '2026-11-21' }
    ])
    expect(await readFile(path, 'utf8')).toBe(
      [
        '# refreshed by the gate',
        'servers:',
        '- server_id: npm:a-mcp@1.0.0',
        '  current_grade: B',
        '  audit_date: 2026-01-02',
        '- server_id: npm:b-mcp@1.0.0 # no audit yet',
        '  current_grade: B',
        '  audit_date: 2026-11-21',
        ''
      ].join('\n')
    )
  })
})

describe('updateRegistry: YAML is edited in place, never re-printed', () => {
  /** Write `text` as a YAML registry, update its rows, and return the new text. */
  async function updateYaml(
    text: string,
    updates: (entries: RegistryEntry[]) => Omit<RegistryUpdate, 'entry'>[],
    name = 'registry.yml'
  ): Promise<string> {
    const path = join(dir, name)
    await writeFile(path, text)
    const { entries } = await loadRegistryFile(path)
    const wanted = updates(entries)
    await updateRegistry(
      path,
      wanted.map((update, i) => ({ ...update, entry: entries[i]! }))
    )
    return readFile(path, 'utf8')
  }

  it('changes only the refreshed scalars: numbers, tags, nulls and block scalars stay as written', async () => {
    const before = [
      'servers:',
      '- server_id: npm:tavily-mcp@0.2.22',
      '  current_grade: B',
      '  audit_date: 2026-01-01',
      '  environments_approved: [prod]',
      '  cost_center: 00123',
      '  ticket: 1e3',
      '  ratio: 1.50',
      '  ratio2: .5',
      '  n: ~',
      '  t: True',
      '  long: 9007199254740993',
      '  s: !!str 123',
      '  folded: >',
      '    a',
      '    b',
      '  literal: |',
      '    keep',
      '      this',
      ''
    ].join('\n')
    const after = await updateYaml(before, () => [{ currentGrade: 'A', auditDate: '2026-11-21' }])
    expect(after).toBe(
      before.replace('current_grade: B', 'current_grade: A').replace('2026-01-01', '2026-11-21')
    )
  })

  it('keeps quotes, tags, comments and CRLF line ends; adds missing keys in the row’s style', async () => {
    const before = [
      '# registry',
      'servers:',
      '  - server_id: "npm:a-mcp@1.0.0"   # the first',
      "    current_grade: 'C' # was C",
      '    audit_date: !!str "2026-01-02"',
      '    audit_url:',
      '    owner_team: >-',
      '      platform',
      '',
      '  # the second',
      '  - server_id: npm:b-mcp@2.0.0 # no audit yet',
      '',
      '  - {server_id: "npm:c-mcp@3.0.0", owner_team: devex}',
      '  - {"server_id": "npm:d-mcp@4.0.0", "current_grade": "D"}',
      ''
    ].join('\r\n')
    const after = await updateYaml(before, () => [
      {
        currentGrade: 'A',
        auditDate: '2026-11-21',
        auditUrl: 'https://audits.example.com/r/a?id=1'
      },
      { currentGrade: 'B', auditDate: '2026-11-21', auditUrl: 'https://audits.example.com/r/b' },
      { currentGrade: 'C', auditDate: '2026-11-21' },
      { currentGrade: 'F', auditDate: '2026-11-20' }
    ])
    expect(after).toBe(
      [
        '# registry',
        'servers:',
        '  - server_id: "npm:a-mcp@1.0.0"   # the first',
        "    current_grade: 'A' # was C",
        '    audit_date: !!str "2026-11-21"',
        '    audit_url: https://audits.example.com/r/a?id=1',
        '    owner_team: >-',
        '      platform',
        '',
        '  # the second',
        '  - server_id: npm:b-mcp@2.0.0 # no audit yet',
        '    current_grade: B',
        '    audit_date: 2026-11-21',
        '    audit_url: https://audits.example.com/r/b',
        '',
        '  - {server_id: "npm:c-mcp@3.0.0", owner_team: devex, current_grade: C, audit_date: 2026-11-21}',
        '  - {"server_id": "npm:d-mcp@4.0.0", "current_grade": "F", "audit_date": "2026-11-20"}',
        ''
      ].join('\r\n')
    )
  })

  it('replaces an alias and a block scalar of a refreshed key, and quotes a link that needs it', async () => {
    const before = [
      '- server_id: npm:a-mcp@1.0.0',
      '  current_grade: &g B',
      '  audit_url: |',
      '    https://audits.example.com/old',
      '  audit_date: 2026-01-02',
      '- server_id: npm:b-mcp@1.0.0',
      '  current_grade: *g',
      '  audit_date: 2026-01-02',
      ''
    ].join('\n')
    const after = await updateYaml(before, () => [
      {
        currentGrade: 'B',
        auditDate: '2026-01-02',
        auditUrl: 'https://audits.example.com/r?ids=1,2'
      },
      { currentGrade: 'C', auditDate: '2026-11-21' }
    ])
    expect(after).toBe(
      [
        '- server_id: npm:a-mcp@1.0.0',
        '  current_grade: &g B',
        '  audit_url: "https://audits.example.com/r?ids=1,2"',
        '  audit_date: 2026-01-02',
        '- server_id: npm:b-mcp@1.0.0',
        '  current_grade: C',
        '  audit_date: 2026-11-21',
        ''
      ].join('\n')
    )
  })

  it('refuses to change a value other rows share through an anchor, leaving the file as it was', async () => {
    const before = [
      '- server_id: npm:a-mcp@1.0.0',
      '  current_grade: &g B',
      '- server_id: npm:b-mcp@1.0.0',
      '  current_grade: *g',
      ''
    ].join('\n')
    const path = join(dir, 'registry.yml')
    await writeFile(path, before)
    const [a] = (await loadRegistryFile(path)).entries
    const error = await updateRegistry(path, [
      { entry: a!, currentGrade: 'A', auditDate: '2026-11-21' }
    ]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RegistryFileError)
    expect((error as RegistryFileError).message).toContain('line 3')
    expect(await readFile(path, 'utf8')).toBe(before)
  })
})

describe('updateRegistry: CSV columns and delimiters', () => {
  it('appends missing columns to the header and an empty cell to the other rows', async () => {
    const path = join(dir, 'registry.csv')
    await writeFile(path, 'server_id,owner_team\nnpm:a-mcp@1.0.0,"team a, b"\nnpm:b-mcp@2.0.0,b\n')
    const before = await loadRegistryFile(path)
    await updateRegistry(path, [
      { entry: before.entries[1]!, currentGrade: 'D', auditDate: '2026-11-21' }
    ])
    expect(await readFile(path, 'utf8')).toBe(
      [
        'server_id,owner_team,current_grade,audit_date',
        'npm:a-mcp@1.0.0,"team a, b",,',
        'npm:b-mcp@2.0.0,b,D,2026-11-21',
        ''
      ].join('\n')
    )
  })

  it('writes a ";" export back with ";" and quotes only where needed', async () => {
    const path = await copy('registry-semicolon.csv')
    const before = await loadRegistryFile(path)
    await updateRegistry(path, [
      { entry: before.entries[0]!, currentGrade: 'A', auditDate: '2026-11-21' }
    ])
    const lines = (await readFile(path, 'utf8')).split('\r\n')
    expect(lines[1]).toBe(
      'platform;pkg:npm/%40modelcontextprotocol/server-filesystem@2026.7.10;A;2026-11-21;"prod;staging";Internal;re-audit after 2026.8'
    )
    expect(lines[2]).toBe(';;;;;;')
  })
})

describe('updateRegistry: matching rows and refusing bad input', () => {
  it('finds a row that moved by its server and version', async () => {
    const path = join(dir, 'registry.yml')
    await writeFile(path, '- server_id: npm:a-mcp@1.0.0\n- server_id: npm:b-mcp@2.0.0\n')
    const [, b] = (await loadRegistryFile(path)).entries
    await writeFile(
      path,
      '# new row on top\n- server_id: npm:c-mcp@1.0.0\n- server_id: npm:a-mcp@1.0.0\n- server_id: npm:b-mcp@2.0.0\n'
    )
    await updateRegistry(path, [{ entry: b!, currentGrade: 'B', auditDate: '2026-11-21' }])
    const after = await loadRegistryFile(path)
    expect(after.entries.map((e) => e.currentGrade)).toEqual([null, null, 'B'])
  })

  it('counts changed rows only and leaves an up-to-date file untouched', async () => {
    const path = await copy('registry.csv')
    const before = await loadRegistryFile(path)
    const mtime = (await stat(path)).mtimeMs
    const same = await updateRegistry(path, [
      { entry: before.entries[0]!, currentGrade: 'B', auditDate: '2026-09-01' }
    ])
    expect(same).toEqual({ updated: 0 })
    expect((await stat(path)).mtimeMs).toBe(mtime)
    // The last of two updates of one row wins.
    const twice = await updateRegistry(path, [
      { entry: before.entries[0]!, currentGrade: 'C', auditDate: '2026-11-20' },
      { entry: before.entries[0]!, currentGrade: 'A', auditDate: '2026-11-21' }
    ])
    expect(twice).toEqual({ updated: 1 })
    expect((await loadRegistryFile(path)).entries[0]).toMatchObject({
      currentGrade: 'A',
      auditDate: '2026-11-21'
    })
  })

  it('refuses updates that are not a grade, a real date or a clean http(s) link', async () => {
    const path = await copy('registry.yml')
    const original = await readFile(path, 'utf8')
    const [entry] = (await loadRegistryFile(path)).entries
    const bad = [
      { entry: entry!, currentGrade: 'E' as 'A', auditDate: '2026-11-21' },
      { entry: entry!, currentGrade: 'A' as const, auditDate: '2026-02-30' },
      { entry: entry!, currentGrade: 'A' as const, auditDate: '21/11/2026' },
      {
        entry: entry!,
        currentGrade: 'A' as const,
        auditDate: '2026-11-21',
        auditUrl: 'https://me:pw@audits.example.com/r'
      },
      {
        entry: entry!,
        currentGrade: 'A' as const,
        auditDate: '2026-11-21',
        auditUrl: 'https://audits.example.com/r?a=1&access_token=s3cr3t'
      }
    ]
    for (const update of bad) {
      await expect(updateRegistry(path, [update])).rejects.toThrow(TypeError)
    }
    expect(await readFile(path, 'utf8')).toBe(original)
  })

  it('refuses a row that is no longer in the file, and an invalid file, without writing', async () => {
    const path = join(dir, 'registry.csv')
    await writeFile(path, 'server_id\nnpm:a-mcp@1.0.0\n')
    const [entry] = (await loadRegistryFile(path)).entries
    await writeFile(path, 'server_id\nnpm:z-mcp@1.0.0\n')
    await expect(
      updateRegistry(path, [{ entry: entry!, currentGrade: 'B', auditDate: '2026-11-21' }])
    ).rejects.toThrow(/no row names npm:a-mcp@1.0.0 any more/)
    const broken = 'server_id,current_grade\nnpm:a-mcp@1.0.0,E\n'
    await writeFile(path, broken)
    await expect(
      updateRegistry(path, [{ entry: entry!, currentGrade: 'B', auditDate: '2026-11-21' }])
    ).rejects.toThrow(RegistryFileError)
    expect(await readFile(path, 'utf8')).toBe(broken)
  })
})

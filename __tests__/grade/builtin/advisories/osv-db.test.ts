import { createHash } from 'node:crypto'
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  mkdirSync,
  symlinkSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { strToU8, zipSync } from 'fflate'
import {
  AdvisoryDatabaseError,
  loadOsvDatabase
} from '../../../../src/grade/builtin/advisories/osv-db.js'
import type { Logger } from '../../../../src/log.js'
import { OSV_FIXTURES, rawRecord } from './osv-fixtures.js'

const temp = mkdtempSync(join(tmpdir(), 'osv-db-test-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = []
  return {
    debug: () => undefined,
    info: () => undefined,
    warning: (m) => void warnings.push(m),
    warnings
  }
}

const ids = (lists: { id: string }[][]): string[][] => lists.map((l) => l.map((r) => r.id).sort())

describe('loadOsvDatabase (directory)', () => {
  it('indexes the real records and answers lookups by ecosystem and name', async () => {
    const db = await loadOsvDatabase(OSV_FIXTURES)
    expect(db.recordCount).toBe(22)
    expect(db.skippedCount).toBe(0)
    const result = await db.lookup([
      { ecosystem: 'npm', name: 'mcp-remote', version: '0.1.15' },
      { ecosystem: 'npm', name: 'mcp-remote', version: '0.1.16' },
      { ecosystem: 'npm', name: '@modelcontextprotocol/server-filesystem', version: '2025.3.28' },
      { ecosystem: 'npm', name: '@modelcontextprotocol/server-filesystem', version: '2025.7.1' },
      { ecosystem: 'npm', name: 'postmark-mcp', version: '1.0.16' },
      { ecosystem: 'PyPI', name: 'MCP_Server_Git', version: '2025.9.25' },
      { ecosystem: 'PyPI', name: 'mcp-remote', version: '0.1.15' }
    ])
    expect(ids(result)).toEqual([
      ['GHSA-6xpm-ggf7-wc3p'],
      [],
      ['GHSA-hc55-p739-j48w', 'GHSA-q66q-fx2p-7w4m'],
      [],
      ['MAL-2025-47604'],
      ['GHSA-9xwc-hfwc-8w59', 'GHSA-j22h-9j4x-23w5'],
      []
    ])
  })

  it('walks sub-directories, skips bad records with a warning naming the file', async () => {
    const dir = join(temp, 'tree')
    mkdirSync(join(dir, 'npm', 'nested'), { recursive: true })
    writeFileSync(
      join(dir, 'npm', 'nested', 'GHSA-6xpm-ggf7-wc3p.json'),
      JSON.stringify(rawRecord('GHSA-6xpm-ggf7-wc3p'))
    )
    writeFileSync(join(dir, 'npm', 'broken.json'), '{"id": "GHSA-broken", ')
    writeFileSync(join(dir, 'npm', 'invalid.json'), JSON.stringify({ id: 'X-1', affected: 'all' }))
    writeFileSync(join(dir, 'README.md'), '# not a record')
    symlinkSync(join(OSV_FIXTURES), join(dir, 'link-out'))
    const logger = recordingLogger()
    const db = await loadOsvDatabase(dir, { logger })
    expect(db.recordCount).toBe(1)
    expect(db.skippedCount).toBe(2)
    expect(
      logger.warnings.some((w) => w.includes('broken.json') && w.includes('not valid JSON'))
    ).toBe(true)
    expect(logger.warnings.some((w) => w.includes('invalid.json') && w.includes('X-1'))).toBe(true)
    const [found] = await db.lookup([{ ecosystem: 'npm', name: 'mcp-remote', version: '0.1.15' }])
    expect(found?.map((r) => r.id)).toEqual(['GHSA-6xpm-ggf7-wc3p'])
  })

  it('skips files over the per-file limit', async () => {
    const logger = recordingLogger()
    const db = await loadOsvDatabase(OSV_FIXTURES, { logger, limits: { maxEntryBytes: 2000 } })
    expect(db.recordCount).toBeLessThan(22)
    expect(db.skippedCount).toBeGreaterThan(0)
    expect(logger.warnings.join('\n')).toMatch(/over the 2000-byte limit/)
  })

  it('digests the content it read: the same for a copy, another for a changed record', async () => {
    const db = await loadOsvDatabase(OSV_FIXTURES)
    expect(db.contentDigest).toMatch(/^[0-9a-f]{64}$/)
    const copy = join(temp, 'digest-copy')
    cpSync(OSV_FIXTURES, copy, { recursive: true })
    expect((await loadOsvDatabase(copy)).contentDigest).toBe(db.contentDigest)
    writeFileSync(join(copy, 'notes.txt'), 'not a record: not read, not digested')
    expect((await loadOsvDatabase(copy)).contentDigest).toBe(db.contentDigest)
    writeFileSync(join(copy, 'GHSA-extra.json'), '{"id":"GHSA-extra"}')
    expect((await loadOsvDatabase(copy)).contentDigest).not.toBe(db.contentDigest)
  })

  it('a missing path is a human error', async () => {
    const missing = join(temp, 'nope')
    await expect(loadOsvDatabase(missing)).rejects.toThrow(AdvisoryDatabaseError)
    await expect(loadOsvDatabase(missing)).rejects.toThrow(
      /not found at .*nope.*directory of OSV JSON/
    )
    const notZip = join(temp, 'db.tar')
    writeFileSync(notZip, 'x')
    await expect(loadOsvDatabase(notZip)).rejects.toThrow(/neither a directory nor a \.zip/)
  })
})

describe('loadOsvDatabase (zip)', () => {
  function zipOf(entries: Record<string, string | Uint8Array>): string {
    const files: Record<string, Uint8Array> = {}
    for (const [name, content] of Object.entries(entries)) {
      files[name] = typeof content === 'string' ? strToU8(content) : content
    }
    const path = join(temp, `db-${Math.random().toString(36).slice(2)}.zip`)
    writeFileSync(path, zipSync(files, { level: 9 }))
    return path
  }

  it('reads the JSON entries of an all.zip-like archive', async () => {
    const path = zipOf({
      'GHSA-6xpm-ggf7-wc3p.json': JSON.stringify(rawRecord('GHSA-6xpm-ggf7-wc3p')),
      'MAL-2025-47604.json': JSON.stringify(rawRecord('MAL-2025-47604')),
      'PyPI/GHSA-5cgr-j3jf-jw3v.json': JSON.stringify(rawRecord('GHSA-5cgr-j3jf-jw3v'))
    })
    const db = await loadOsvDatabase(path)
    expect(db.recordCount).toBe(3)
    const result = await db.lookup([
      { ecosystem: 'npm', name: 'postmark-mcp', version: '1.0.17' },
      { ecosystem: 'PyPI', name: 'mcp-server-git', version: '2025.1.1' },
      { ecosystem: 'npm', name: 'mcp-remote', version: '0.0.1' }
    ])
    expect(ids(result)).toEqual([['MAL-2025-47604'], ['GHSA-5cgr-j3jf-jw3v'], []])
    expect(db.name).toContain(path)
  })

  it('skips unsafe paths, non-JSON entries, bad records and zip bombs', async () => {
    const path = zipOf({
      '../evil.json': JSON.stringify(rawRecord('GHSA-6xpm-ggf7-wc3p')),
      '/abs.json': JSON.stringify(rawRecord('GHSA-6xpm-ggf7-wc3p')),
      'notes.txt': 'hello',
      'bad.json': '{',
      'bomb.json': `{"id":"BOMB-1","details":"${'a'.repeat(1_000_000)}"}`,
      'ok/MAL-2025-47604.json': JSON.stringify(rawRecord('MAL-2025-47604'))
    })
    const logger = recordingLogger()
    const db = await loadOsvDatabase(path, { logger })
    expect(db.recordCount).toBe(1)
    const text = logger.warnings.join('\n')
    expect(text).toMatch(/\.\.\/evil\.json: unsafe path/)
    expect(text).toMatch(/\/abs\.json: unsafe path/)
    expect(text).toMatch(/bad\.json is not valid JSON/)
    expect(text).toMatch(/bomb\.json: compression ratio over 200:1/)
    expect(text).not.toMatch(/notes\.txt/)
    const [found] = await db.lookup([{ ecosystem: 'npm', name: 'mcp-remote', version: '0.1.15' }])
    expect(found).toEqual([])
  })

  it('stops at the entry and byte limits', async () => {
    const entries: Record<string, string> = {}
    for (let i = 0; i < 10; i += 1) {
      entries[`r${i}.json`] = JSON.stringify({ ...rawRecord('MAL-2025-47604'), id: `MAL-0-${i}` })
    }
    const path = zipOf(entries)
    const logger = recordingLogger()
    const few = await loadOsvDatabase(path, { logger, limits: { maxEntries: 4 } })
    expect(few.recordCount).toBe(4)
    expect(logger.warnings.join('\n')).toMatch(/more than 4 entries/)
    const size = JSON.stringify(entries['r0.json']).length
    const small = await loadOsvDatabase(path, { logger, limits: { maxTotalBytes: size * 3 } })
    expect(small.recordCount).toBeLessThanOrEqual(3)
    expect(logger.warnings.join('\n')).toMatch(/uncompressed bytes; the rest is not read/)
  })

  it('digests a zip by its bytes', async () => {
    const path = zipOf({ 'MAL-2025-47604.json': JSON.stringify(rawRecord('MAL-2025-47604')) })
    const expected = createHash('sha256').update('zip\0').update(readFileSync(path)).digest('hex')
    expect((await loadOsvDatabase(path)).contentDigest).toBe(expected)
  })

  it('a corrupt zip is a human error', async () => {
    const path = join(temp, 'corrupt.zip')
    writeFileSync(path, 'PK\u0003\u0004 this is not a zip')
    await expect(loadOsvDatabase(path)).rejects.toThrow(/not a readable zip/)
  })
})

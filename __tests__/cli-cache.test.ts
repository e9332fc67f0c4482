/**
 * `mcp-grade-gate check` with the grade cache: `--cache-dir`, `MCP_GRADE_GATE_CACHE_DIR`,
 * `--no-cache`, `--cache-ttl`, and what `--verbose` says about hits and misses. The registry is
 * served by nock from recorded real data; every cache lives in a temp directory.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { main, type CliIo } from '../src/cli.js'
import { serveFilesystem } from './support/npm-fixtures.js'

const PINNED = JSON.stringify({
  mcpServers: {
    docs: {
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem@2026.8.31', '/srv/docs']
    }
  }
})

let dir: string
let cacheDir: string

function capture(env: NodeJS.ProcessEnv = {}) {
  let out = ''
  let err = ''
  const io: CliIo = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    env: { MCP_HTTP_RETRIES: '0', ...env },
    cwd: dir
  }
  return { io, out: () => out, err: () => err }
}

/** Entry files in a cache directory. */
function entries(cache: string): string[] {
  const v1 = path.join(cache, 'v1')
  return existsSync(v1) ? readdirSync(v1).filter((f) => f.endsWith('.json')) : []
}

const CHECK = ['check', '--format', 'json', '--advisory-url', 'off', '--today', '2026-11-21']

beforeAll(() => {
  nock.disableNetConnect()
})
afterAll(() => {
  nock.enableNetConnect()
})
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cli-cache-'))
  cacheDir = `${dir}-grades`
  writeFileSync(path.join(dir, '.mcp.json'), PINNED)
})
afterEach(() => {
  nock.cleanAll()
  rmSync(dir, { recursive: true, force: true })
  rmSync(cacheDir, { recursive: true, force: true })
})

describe('check --cache-dir', () => {
  it('grades once, then answers the same pinned config from the cache with no request', async () => {
    serveFilesystem()
    const first = capture()
    expect(await main([...CHECK, '--cache-dir', cacheDir], first.io)).toBe(0)
    expect(entries(cacheDir)).toHaveLength(1)

    nock.cleanAll() // nothing is served any more: a request would fail the grade
    const second = capture()
    expect(await main([...CHECK, '--cache-dir', cacheDir, '--verbose'], second.io)).toBe(0)
    expect(second.err()).toContain(`Grade cache ${cacheDir}: 1 hit(s), 0 miss(es), 0 write(s)`)
    const a = JSON.parse(first.out()) as { servers: { grade: unknown; verdict: string }[] }
    const b = JSON.parse(second.out()) as typeof a
    expect(b.servers.map((s) => [s.verdict, s.grade])).toEqual(
      a.servers.map((s) => [s.verdict, s.grade])
    )
  })

  it('resolves a relative --cache-dir against the working directory', async () => {
    serveFilesystem()
    expect(await main([...CHECK, '--cache-dir', 'grades'], capture().io)).toBe(0)
    expect(entries(path.join(dir, 'grades'))).toHaveLength(1)
  })

  it('defaults to MCP_GRADE_GATE_CACHE_DIR', async () => {
    serveFilesystem()
    const c = capture({ MCP_GRADE_GATE_CACHE_DIR: cacheDir })
    expect(await main([...CHECK, '--verbose'], c.io)).toBe(0)
    expect(c.err()).toContain(`Grade cache ${cacheDir}: 0 hit(s), 1 miss(es), 1 write(s)`)
    expect(entries(cacheDir)).toHaveLength(1)
  })

  it('--no-cache neither reads nor writes the cache', async () => {
    serveFilesystem()
    expect(await main([...CHECK, '--cache-dir', cacheDir], capture().io)).toBe(0)
    nock.cleanAll()
    const c = capture()
    // With nothing served the package cannot be graded: it is not taken from the cache.
    expect(await main([...CHECK, '--cache-dir', cacheDir, '--no-cache'], c.io)).toBe(1)
    const report = JSON.parse(c.out()) as {
      servers: { verdict: string; reasons: { code: string }[] }[]
    }
    expect(report.servers[0]!.verdict).toBe('error')
    expect(report.servers[0]!.reasons.map((r) => r.code)).toContain('GRADER_ERROR')
    const fresh = `${cacheDir}-unused`
    serveFilesystem()
    expect(await main([...CHECK, '--cache-dir', fresh, '--no-cache'], capture().io)).toBe(0)
    expect(existsSync(fresh)).toBe(false)
  })

  it('warns once and still gates when the cache directory cannot be written', async () => {
    serveFilesystem()
    writeFileSync(cacheDir, 'a file, not a directory')
    const c = capture()
    expect(await main([...CHECK, '--cache-dir', cacheDir], c.io)).toBe(0)
    expect(c.err().match(/warning: the grade cache at .* cannot be written/g)).toHaveLength(1)
  })

  it.each(['0', '-2', 'week', '400'])('exits 2 for --cache-ttl %s', async (ttl) => {
    const c = capture()
    expect(await main([...CHECK, '--cache-dir', cacheDir, '--cache-ttl', ttl], c.io)).toBe(2)
    expect(c.err()).toMatch(/--cache-ttl must be a number of days greater than 0/)
    expect(c.err()).not.toMatch(/\n\s+at /)
    expect(c.out()).toBe('')
  })

  it('stores entries for --cache-ttl days', async () => {
    serveFilesystem()
    expect(
      await main([...CHECK, '--cache-dir', cacheDir, '--cache-ttl', '0.5'], capture().io)
    ).toBe(0)
    const [file] = entries(cacheDir)
    const entry = JSON.parse(readFileSync(path.join(cacheDir, 'v1', file!), 'utf8')) as {
      storedAt: string
      expiresAt: string
    }
    expect(Date.parse(entry.expiresAt) - Date.parse(entry.storedAt)).toBe(12 * 60 * 60 * 1000)
  })

  it('inventory does not use the cache', async () => {
    const c = capture({ MCP_GRADE_GATE_CACHE_DIR: cacheDir })
    expect(await main(['inventory', '--offline', '--format', 'json'], c.io)).toBe(0)
    expect(existsSync(cacheDir)).toBe(false)
  })
})

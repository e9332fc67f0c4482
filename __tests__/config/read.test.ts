import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { DiscoveredConfig } from '../../src/config/discover.js'
import { DEFAULT_MAX_CONFIG_BYTES, readConfig } from '../../src/config/read.js'

let root: string

function file(relative: string, content: string | Uint8Array): DiscoveredConfig {
  const absolutePath = path.join(root, relative)
  mkdirSync(path.dirname(absolutePath), { recursive: true })
  writeFileSync(absolutePath, content)
  return { path: relative, absolutePath }
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'mcp-read-'))
})

afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

describe('readConfig', () => {
  it('reads and parses a config file', async () => {
    const config = await readConfig(file('.mcp.json', '{"mcpServers": {"a": {"command": "npx"}}}'))
    expect(config).toMatchObject({ path: '.mcp.json', format: 'claude-code', error: null })
    expect(config.servers.map((s) => s.name)).toEqual(['a'])
  })

  it('drops a UTF-8 byte-order mark', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('{"mcpServers": {"a": {}}}')
    ])
    const config = await readConfig(file('bom/.mcp.json', bytes))
    expect(config.error).toBeNull()
    expect(config.servers[0]?.location).toEqual({ line: 1, column: 17 })
  })

  it('decodes UTF-16 files with a byte-order mark (as some Windows editors save them)', async () => {
    const text = '{\r\n  "mcpServers": {"a": {"command": "npx"}}\r\n}'
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    const config = await readConfig(file('utf16/.mcp.json', le))
    expect(config.error).toBeNull()
    expect(config.servers[0]?.location).toEqual({ line: 2, column: 18 })
  })

  it('rejects a file over the size limit with a located error naming both sizes', async () => {
    const config = await readConfig(file('big/.mcp.json', `{"pad": "${'x'.repeat(3000)}"}`), {
      maxBytes: 2048
    })
    expect(config.servers).toEqual([])
    expect(config.error).toEqual({
      message: expect.stringMatching(
        /^The file is 2\.9 KiB, over the 2 KiB limit for config files/
      ),
      line: 1,
      column: 1
    })
  })

  it('has a 1 MiB default limit', async () => {
    expect(DEFAULT_MAX_CONFIG_BYTES).toBe(1024 * 1024)
    const config = await readConfig(
      file('huge/.mcp.json', ' '.repeat(DEFAULT_MAX_CONFIG_BYTES + 1))
    )
    expect(config.error?.message).toContain('over the 1 MiB limit')
  })

  it('turns a missing file into an error, not an exception', async () => {
    const config = await readConfig({
      path: 'gone.json',
      absolutePath: path.join(root, 'gone.json')
    })
    expect(config.error).toEqual({
      message:
        'Cannot read the file (ENOENT): check that it exists and is readable (line 1, column 1)',
      line: 1,
      column: 1
    })
  })

  it('refuses a directory', async () => {
    mkdirSync(path.join(root, 'dir.json'))
    const config = await readConfig({ path: 'dir.json', absolutePath: path.join(root, 'dir.json') })
    expect(config.error?.message).toMatch(/^Not a regular file|^Cannot read the file \(EISDIR\)/)
  })

  it('does not hang on a FIFO planted where a config is expected', async () => {
    const fifo = path.join(root, 'fifo.json')
    execFileSync('mkfifo', [fifo])
    const config = await readConfig({ path: 'fifo.json', absolutePath: fifo })
    expect(config.error?.message).toContain('Not a regular file')
  })

  it('reports invalid options as an error instead of throwing', async () => {
    const config = await readConfig(file('opts/.mcp.json', '{}'), { maxBytes: -1 })
    expect(config.error?.message).toMatch(/^Invalid read options/)
  })
})

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { LineIndex } from '../../src/config/lines.js'
import { parseConfig } from '../../src/config/parse.js'
import type { ServerEntry } from '../../src/config/types.js'
import { locateTomlPaths, pathKey } from './toml-paths.js'

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/configs')

describe('parseConfig: Codex TOML (fixture .codex/config.toml)', () => {
  const relative = 'codex/.codex/config.toml'
  const config = parseConfig(relative, readFileSync(path.join(fixtures, relative), 'utf8'))
  const byName = (name: string): ServerEntry => {
    const found = config.servers.find((s) => s.name === name)
    if (found === undefined) throw new Error(`no server ${name}`)
    return found
  }

  it('finds every [mcp_servers.<name>] table at its header', () => {
    expect(config).toMatchObject({ format: 'codex', hasServerMap: true, error: null, notes: [] })
    expect(config.servers.map((s) => [s.name, s.location])).toEqual([
      ['github', { line: 5, column: 14 }],
      ['docs search', { line: 14, column: 14 }],
      ['local', { line: 19, column: 14 }]
    ])
  })

  it('reads command, multi-line args (with comments and a trailing comma) and an inline env', () => {
    const github = byName('github')
    expect(github.launch).toEqual({
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'],
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: '${GITHUB_TOKEN}' },
      headers: {}
    })
    expect(github.fieldLocations).toEqual({
      command: { line: 6, column: 1 },
      'args.0': { line: 8, column: 3 },
      'args.1': { line: 9, column: 3 },
      'env.GITHUB_PERSONAL_ACCESS_TOKEN': { line: 11, column: 9 }
    })
  })

  it('reads a remote server with http_headers and enabled = false', () => {
    const docs = byName('docs search')
    expect(docs.launch).toMatchObject({
      url: 'https://mcp.example.com/mcp',
      headers: { 'X-Api-Key': '${DOCS_KEY}' }
    })
    expect(docs.flags.disabled).toBe(true)
    expect(docs.fieldLocations.url).toEqual({ line: 15, column: 1 })
    expect(docs.fieldLocations['headers.X-Api-Key']).toEqual({ line: 16, column: 18 })
  })

  it('reads an env sub-table, literal strings and cwd; converts a number with a note', () => {
    const local = byName('local')
    expect(local.launch).toEqual({
      command: 'python',
      args: ['-m', 'local_server'],
      env: { LOG_LEVEL: 'debug', PORT: '8080' },
      headers: {},
      cwd: '/srv/local'
    })
    expect(local.fieldLocations['env.PORT']).toEqual({ line: 26, column: 1 })
    expect(local.fieldLocations['args.1']).toEqual({ line: 21, column: 15 })
    expect(local.notes).toEqual(['"env" value of "PORT" is a number, converted to a string'])
  })
})

describe('parseConfig: other TOML forms', () => {
  it('reads dotted keys and an inline mcp_servers table', () => {
    const text = [
      'mcp_servers.a.command = "x"',
      'mcp_servers.a.args = ["1"]',
      'mcp_servers.b = { command = "y", env = { K = "v" } }'
    ].join('\n')
    const config = parseConfig('.codex/config.toml', text)
    expect(config.error).toBeNull()
    expect(config.servers.map((s) => [s.name, s.location, s.launch.command])).toEqual([
      ['a', { line: 1, column: 13 }, 'x'],
      ['b', { line: 3, column: 13 }, 'y']
    ])
    expect(config.servers[1]?.fieldLocations['env.K']).toEqual({ line: 3, column: 42 })
  })

  it('detects Codex from the content of a TOML file with another name', () => {
    const config = parseConfig('ci/codex.toml', '[mcp_servers.a]\ncommand = "x"\n')
    expect(config.format).toBe('codex')
    expect(config.servers).toHaveLength(1)
  })

  it('reports a TOML file without mcp_servers as "no MCP servers"', () => {
    const config = parseConfig('.codex/config.toml', 'model = "o3"\n[profiles.x]\nmodel = "y"\n')
    expect(config).toMatchObject({ hasServerMap: false, servers: [], error: null })
  })

  it('keeps __proto__ as a server name without touching prototypes', () => {
    const config = parseConfig('.codex/config.toml', '[mcp_servers.__proto__]\ncommand = "x"\n')
    expect(config.servers.map((s) => s.name)).toEqual(['__proto__'])
    expect(Object.keys(Object.prototype)).toEqual([])
  })
})

describe('parseConfig: invalid TOML', () => {
  it.each([
    ['an unterminated string', '[mcp_servers.x]\ncommand = "npx\n', 2, 15],
    ['a table defined twice', '[mcp_servers.x]\ncommand = "a"\n[mcp_servers.x]\n', 3, 2],
    ['a missing value', '[mcp_servers.x]\ncommand =\n', 2, 10],
    ['an unclosed array', '[mcp_servers.x]\nargs = ["a",\n"b"\nenv = 1\n', 4, 1]
  ])('%s → error with line and column', (_what, text, line, column) => {
    const config = parseConfig('.codex/config.toml', text)
    expect(config.servers).toEqual([])
    expect(config.error).toMatchObject({ line, column })
    expect(config.error?.message).toMatch(/^Invalid TOML: [A-Z].*\(line \d+, column \d+\)$/)
  })

  it('does not copy the source excerpt (which may hold secrets) into the message', () => {
    const text = '[mcp_servers.x]\nenv = { TOKEN = "ghp_secretsecretsecret" \n'
    const config = parseConfig('.codex/config.toml', text)
    expect(config.error).not.toBeNull()
    expect(config.error?.message).not.toContain('ghp_')
    expect(config.error?.message).not.toContain('\n')
  })
})

describe('scanTomlPaths (positions by path: locateTomlPaths)', () => {
  it('places keys, quoted keys, array elements and array-of-table members', () => {
    const text = [
      '# c',
      '[a."b c"]',
      "k = 'v'",
      'list = [ 1, "two", { x = 3 } ]',
      '[[arr]]',
      'n = 1',
      '[[arr]]',
      'n = 2',
      'ml = """',
      'line',
      '"""',
      'after = true'
    ].join('\n')
    const positions = locateTomlPaths(text, new LineIndex(text))
    const at = (...path: string[]) => positions.get(pathKey(path))
    expect(at('a', 'b c')).toEqual({ line: 2, column: 4 })
    expect(at('a', 'b c', 'k')).toEqual({ line: 3, column: 1 })
    expect(at('a', 'b c', 'list', '1')).toEqual({ line: 4, column: 13 })
    expect(at('a', 'b c', 'list', '2', 'x')).toEqual({ line: 4, column: 22 })
    expect(at('arr', '0', 'n')).toEqual({ line: 6, column: 1 })
    expect(at('arr', '1', 'n')).toEqual({ line: 8, column: 1 })
    expect(at('arr', '1', 'after')).toEqual({ line: 12, column: 1 })
  })

  it('returns what it found so far on text it does not understand, without throwing', () => {
    const text = 'a = 1\n= broken\nb = 2\n'
    const positions = locateTomlPaths(text, new LineIndex(text))
    expect(positions.get(pathKey(['a']))).toEqual({ line: 1, column: 1 })
    expect(positions.has(pathKey(['b']))).toBe(false)
  })
})

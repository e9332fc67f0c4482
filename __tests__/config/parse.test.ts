import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../../src/config/parse.js'
import type { ParsedConfig, ServerEntry } from '../../src/config/types.js'

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/configs')

function fixture(relative: string): ParsedConfig {
  return parseConfig(relative, readFileSync(path.join(fixtures, relative), 'utf8'))
}

function server(config: ParsedConfig, name: string): ServerEntry {
  const found = config.servers.find((s) => s.name === name)
  if (found === undefined) throw new Error(`no server ${name} in ${config.path}`)
  return found
}

describe('parseConfig: mcpServers map (Claude, Cursor, Cline, …)', () => {
  const text = [
    '{',
    '  "mcpServers": {',
    '    "github": {',
    '      "command": "npx",',
    '      "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"],',
    '      "env": { "GITHUB_TOKEN": "${GITHUB_TOKEN}" },',
    '      "cwd": "/work"',
    '    },',
    '    "remote": {',
    '      "type": "http",',
    '      "url": "https://mcp.example.com/mcp",',
    '      "headers": { "Authorization": "Bearer ${TOKEN}" },',
    '      "disabled": true,',
    '      "autoApprove": ["read"],',
    '      "alwaysAllow": ["read", "write"]',
    '    }',
    '  }',
    '}'
  ].join('\n')
  const config = parseConfig('.cursor/mcp.json', text)

  it('reads every entry with its key position', () => {
    expect(config).toMatchObject({
      path: '.cursor/mcp.json',
      format: 'cursor',
      hasServerMap: true,
      error: null,
      notes: []
    })
    expect(config.servers.map((s) => [s.name, s.location])).toEqual([
      ['github', { line: 3, column: 5 }],
      ['remote', { line: 9, column: 5 }]
    ])
  })

  it('reads the launch of a local server', () => {
    const github = server(config, 'github')
    expect(github.config).toBe('.cursor/mcp.json')
    expect(github.format).toBe('cursor')
    expect(github.launch).toEqual({
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'],
      env: { GITHUB_TOKEN: '${GITHUB_TOKEN}' },
      headers: {},
      cwd: '/work'
    })
    expect(github.fieldLocations).toEqual({
      command: { line: 4, column: 7 },
      'args.0': { line: 5, column: 16 },
      'args.1': { line: 5, column: 22 },
      'env.GITHUB_TOKEN': { line: 6, column: 16 },
      cwd: { line: 7, column: 7 }
    })
    expect(github.flags).toEqual({ disabled: false, autoApprove: [], trust: false })
    expect(github.notes).toEqual([])
  })

  it('reads a remote server, its headers and client flags', () => {
    const remote = server(config, 'remote')
    expect(remote.launch).toMatchObject({
      type: 'http',
      url: 'https://mcp.example.com/mcp',
      headers: { Authorization: 'Bearer ${TOKEN}' },
      args: []
    })
    expect(remote.launch.command).toBeUndefined()
    expect(remote.flags).toEqual({ disabled: true, autoApprove: ['read', 'write'], trust: false })
    expect(remote.fieldLocations.url).toEqual({ line: 11, column: 7 })
    expect(remote.fieldLocations['headers.Authorization']).toEqual({ line: 12, column: 20 })
    expect(remote.fieldLocations.autoApprove).toEqual({ line: 14, column: 7 })
  })
})

describe('parseConfig: other shapes', () => {
  it('reads VS Code servers and notes ${input:…} references the inputs do not declare', () => {
    const config = parseConfig(
      '.vscode/mcp.json',
      JSON.stringify({
        inputs: [{ id: 'pat', type: 'promptString', password: true }],
        servers: {
          gh: {
            type: 'stdio',
            command: 'npx',
            args: ['-y', 'pkg'],
            env: { A: '${input:pat}', B: '${input:typo}' }
          }
        }
      })
    )
    expect(config.format).toBe('vscode')
    expect(config.servers).toHaveLength(1)
    expect(server(config, 'gh').notes).toEqual([
      'References ${input:typo} but the file\'s "inputs" declare no input with that id'
    ])
  })

  it('reads VS Code settings-style "mcp": {"servers", "inputs"} (fixture)', () => {
    const config = fixture('vscode-settings/settings.json')
    expect(config.format).toBe('vscode')
    expect(config.servers.map((s) => [s.name, s.location.line])).toEqual([['fetch', 8]])
    const fetch = server(config, 'fetch')
    expect(fetch.launch).toMatchObject({
      type: 'stdio',
      command: 'uvx',
      args: ['mcp-server-fetch']
    })
    expect(fetch.notes).toEqual([
      'References ${input:missing} but the file\'s "inputs" declare no input with that id'
    ])
  })

  it('reads Zed context_servers in the flat and the older nested shape (fixture)', () => {
    const config = fixture('zed/.zed/settings.json')
    expect(config).toMatchObject({ format: 'zed', hasServerMap: true, error: null })
    expect(config.servers.map((s) => [s.name, s.location])).toEqual([
      ['postgres', { line: 6, column: 5 }],
      ['legacy', { line: 13, column: 5 }],
      ['remote', { line: 21, column: 5 }],
      ['extension-server', { line: 23, column: 5 }]
    ])
    expect(server(config, 'postgres').launch).toMatchObject({
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-postgres', 'postgresql://localhost/db'],
      env: { PGPASSWORD: '${PGPASSWORD}' }
    })
    const legacy = server(config, 'legacy')
    expect(legacy.launch).toMatchObject({
      command: 'uvx',
      args: ['mcp-server-time'],
      env: { TZ: 'UTC' }
    })
    expect(legacy.fieldLocations.command).toEqual({ line: 15, column: 9 })
    expect(legacy.fieldLocations['args.0']).toEqual({ line: 16, column: 18 })
    expect(server(config, 'remote').launch.url).toBe('https://mcp.example.com/sse')
    expect(server(config, 'extension-server').notes).toEqual([
      'Provided by an editor extension ("source": "extension"): how it is launched is not in this file'
    ])
  })

  it('reads a top-level server map (plugin style) and skips other top-level keys', () => {
    const text = [
      '{',
      '  "$schema": "https://example.com/schema.json",',
      '  "settings": { "verbose": true },',
      '  "fs": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem"] },',
      '  "api": { "type": "http", "url": "https://x.example/mcp" }',
      '}'
    ].join('\n')
    const config = parseConfig('plugin/.mcp.json', text)
    expect(config.hasServerMap).toBe(true)
    expect(config.servers.map((s) => [s.name, s.location])).toEqual([
      ['fs', { line: 4, column: 3 }],
      ['api', { line: 5, column: 3 }]
    ])
    expect(config.notes).toEqual([
      'No "mcpServers" key: the top-level object is read as the server map (plugin style)',
      'Skipped "$schema" in the top-level object: its value is a string, not a server entry',
      'Skipped "settings" in the top-level object: it does not look like a server entry'
    ])
  })

  it('does not take an arbitrary object for a top-level server map', () => {
    const config = parseConfig('mcp.json', '{"name": "x", "components": {"a": {"type": "python"}}}')
    expect(config).toMatchObject({ hasServerMap: false, servers: [], error: null })
  })

  it('reads launch settings from a nested "transport" object', () => {
    const config = parseConfig(
      '.cursor/mcp.json',
      JSON.stringify({
        mcpServers: {
          local: { transport: { type: 'stdio', command: 'ctx', args: ['a'], env: { K: 'v' } } },
          remote: { url: 'https://x.example/mcp', transport: { type: 'http' } }
        }
      })
    )
    expect(server(config, 'local').launch).toMatchObject({
      type: 'stdio',
      command: 'ctx',
      args: ['a'],
      env: { K: 'v' }
    })
    expect(server(config, 'local').notes).toContain(
      'Launch settings are read from the nested "transport" object'
    )
    expect(server(config, 'remote').launch).toMatchObject({
      type: 'http',
      url: 'https://x.example/mcp'
    })
  })

  it('reads serverUrl (Windsurf), httpUrl and trust (Gemini), transportType (Cline)', () => {
    const config = parseConfig(
      'mcp.json',
      JSON.stringify({
        mcpServers: {
          w: { serverUrl: 'https://w.example/mcp' },
          g: { httpUrl: 'https://g.example/mcp', trust: true },
          c: { url: 'https://c.example/sse', transportType: 'sse' },
          both: { url: 'https://a.example', httpUrl: 'https://b.example' }
        }
      })
    )
    expect(server(config, 'w').launch.url).toBe('https://w.example/mcp')
    expect(server(config, 'g').launch.url).toBe('https://g.example/mcp')
    expect(server(config, 'g').flags.trust).toBe(true)
    expect(server(config, 'c').launch.type).toBe('sse')
    expect(server(config, 'both').launch.url).toBe('https://a.example')
    expect(server(config, 'both').notes).toEqual([
      'Both "url" and "httpUrl" are set; the gate reads "url"'
    ])
  })

  it('takes a command written as an array apart', () => {
    const config = parseConfig(
      'mcp.json',
      '{"mcpServers": {"a": {"command": ["npx", "-y", "pkg"], "args": ["--flag"]}}}'
    )
    expect(server(config, 'a').launch).toMatchObject({
      command: 'npx',
      args: ['-y', 'pkg', '--flag']
    })
  })

  it('notes a server map under a key the client does not read, and reads it anyway', () => {
    const config = parseConfig(
      '.cursor/mcp.json',
      '{"servers": {"fs": {"command": "npx", "args": ["-y", "x"]}}}'
    )
    expect(config.servers.map((s) => s.name)).toEqual(['fs'])
    expect(config.notes).toEqual([
      'Cursor reads servers from "mcpServers", but this file uses "servers" (VS Code\'s key); its servers are gated too'
    ])
  })

  it('notes server entries nested where they are not read (e.g. powers.mcpServers)', () => {
    const config = parseConfig(
      '.kiro/settings/mcp.json',
      '{"mcpServers": {}, "powers": {"mcpServers": {"x": {"command": "npx"}}}}'
    )
    expect(config.servers).toEqual([])
    expect(config.hasServerMap).toBe(true)
    expect(config.notes).toEqual([
      '"powers.mcpServers" holds server entries outside the server map this file is read by; they are not gated'
    ])
  })
})

describe('parseConfig: JSON with comments, BOM and line endings', () => {
  it('accepts comments and trailing commas', () => {
    const text = [
      '// header comment',
      '{',
      '  /* block */',
      '  "mcpServers": {',
      '    "a": { "command": "npx", "args": ["x",], }, // trailing',
      '  },',
      '}'
    ].join('\n')
    const config = parseConfig('.mcp.json', text)
    expect(config.error).toBeNull()
    expect(config.servers.map((s) => [s.name, s.location])).toEqual([['a', { line: 5, column: 5 }]])
    expect(server(config, 'a').launch.args).toEqual(['x'])
  })

  it('ignores a UTF-8 byte-order mark without shifting columns', () => {
    const config = parseConfig('.mcp.json', '\uFEFF{"mcpServers": {"a": {"command": "npx"}}}')
    expect(config.error).toBeNull()
    expect(server(config, 'a').location).toEqual({ line: 1, column: 17 })
  })

  it('counts CRLF line endings as one line break', () => {
    const text =
      '{\r\n  "mcpServers": {\r\n\r\n    "a": {\r\n      "command": "npx"\r\n    }\r\n  }\r\n}\r\n'
    const config = parseConfig('.mcp.json', text)
    expect(server(config, 'a').location).toEqual({ line: 4, column: 5 })
    expect(server(config, 'a').fieldLocations.command).toEqual({ line: 5, column: 7 })
  })

  it('reports an error position on the right line in a CRLF file', () => {
    const text = '{\r\n  "mcpServers": {\r\n    "a": {}\r\n    "b": {}\r\n  }\r\n}'
    expect(parseConfig('.mcp.json', text).error).toEqual({
      message: "Expected ',' or '}' after a property (line 4, column 5)",
      line: 4,
      column: 5
    })
  })

  it('counts columns in UTF-16 code units, as editors do', () => {
    // the emoji is one code point but two UTF-16 code units
    const config = parseConfig('.mcp.json', '{"_": "\u{1F600}", "mcpServers": {"a": {}}}')
    expect(server(config, 'a').location).toEqual({ line: 1, column: 28 })
  })
})

describe('parseConfig: entries that are not servers, files that are not configs', () => {
  it('skips comment-like members with a note, never an error', () => {
    const text = [
      '{',
      '  "mcpServers": {',
      '    "// NOTE": "x64 build",',
      '    "_comment": ["a", "b"],',
      '    "echo": { "command": "echo.exe" },',
      '    "flag": true,',
      '    "nothing": null',
      '  }',
      '}'
    ].join('\n')
    const config = parseConfig('claude_desktop_config.json', text)
    expect(config.error).toBeNull()
    expect(config.servers.map((s) => s.name)).toEqual(['echo'])
    expect(config.notes).toEqual([
      'Skipped "// NOTE" in "mcpServers": its value is a string, not a server entry',
      'Skipped "_comment" in "mcpServers": its value is an array, not a server entry',
      'Skipped "flag" in "mcpServers": its value is a boolean, not a server entry',
      'Skipped "nothing" in "mcpServers": its value is null, not a server entry'
    ])
  })

  it('keeps an entry without command or url, with a note', () => {
    const config = parseConfig('.mcp.json', '{"mcpServers": {"a": {"description": "x"}}}')
    expect(config.servers).toHaveLength(1)
    expect(server(config, 'a').notes).toEqual([
      'No "command" and no remote URL ("url", "serverUrl" or "httpUrl")'
    ])
  })

  it('reports "no MCP servers" for a settings file without a server map', () => {
    const config = parseConfig('.gemini/settings.json', '{"autoAccept": true, "theme": "x"}')
    expect(config).toEqual({
      path: '.gemini/settings.json',
      format: 'gemini',
      hasServerMap: false,
      servers: [],
      error: null,
      notes: []
    })
  })

  it('reports an empty server map as a server map with no servers', () => {
    const config = parseConfig('.mcp.json', '{"mcpServers": {}}')
    expect(config).toMatchObject({ hasServerMap: true, servers: [], error: null })
  })

  it('treats empty and comment-only files as "no MCP servers"', () => {
    for (const text of ['', '   \n', '// nothing yet\n', '\uFEFF']) {
      const config = parseConfig('.mcp.json', text)
      expect(config).toMatchObject({ hasServerMap: false, servers: [], error: null })
      expect(config.notes).toEqual(['The file is empty (no JSON value): no MCP servers'])
    }
  })

  it('treats a top-level array or scalar as "no MCP servers"', () => {
    expect(parseConfig('mcp.json', '[{"command": "npx"}]')).toMatchObject({
      hasServerMap: false,
      error: null,
      notes: ['The top-level value is an array, not an object: no MCP servers']
    })
    expect(parseConfig('mcp.json', '42').notes).toEqual([
      'The top-level value is a number, not an object: no MCP servers'
    ])
  })

  it('notes an mcpServers value that is not an object', () => {
    const config = parseConfig('.mcp.json', '{"mcpServers": [{"command": "npx"}]}')
    expect(config).toMatchObject({ hasServerMap: false, servers: [], error: null })
    expect(config.notes).toEqual([
      '"mcpServers" is an array, not an object of servers; nothing to read there'
    ])
  })
})

describe('parseConfig: invalid JSON', () => {
  it.each([
    [
      'missing comma between properties',
      '{\n  "mcpServers": {\n    "a": {}\n    "b": {}\n  }\n}',
      "Expected ',' or '}' after a property",
      4,
      5
    ],
    [
      'missing comma in an array',
      '{"a": [1, 2 3]}',
      "Expected ',' or ']' after an array element",
      1,
      13
    ],
    [
      'unclosed object',
      '{\n  "mcpServers": {\n    "a": {}\n',
      "Expected '}' to close the object opened at line 2, column 17",
      4,
      1
    ],
    [
      'unclosed array',
      '{"a": [1, 2',
      "Expected ']' to close the array opened at line 1, column 7",
      1,
      12
    ],
    ['missing colon', '{"a" 1}', "Expected ':' after the property name", 1, 6],
    [
      'single quotes',
      "{'a': 1}",
      'Unexpected character "\'": JSON strings and keys use double quotes',
      1,
      2
    ],
    ['unquoted key', '{a: 1}', 'Unexpected text', 1, 2],
    [
      'bad escape (Windows path)',
      '{"cwd": "C:\\Users"}',
      'Invalid escape sequence in a string',
      1,
      12
    ],
    ['bad unicode escape', '{"a": "\\u12G4"}', 'Invalid \\u escape', 1, 8],
    ['raw tab in a string', '{"a": "x\ty"}', 'Invalid character in a string', 1, 9],
    ['unterminated string', '{"a": "x', 'Unterminated string', 1, 7],
    ['unterminated comment', '{"a": 1 /* x', "Unterminated block comment (missing '*/')", 1, 9],
    [
      'extra closing brace',
      '{"a": 1}}',
      'Unexpected content after the end of the top-level value',
      1,
      9
    ],
    [
      'a copied fragment',
      '"mcp": {\n  "servers": {}\n}',
      "The file starts with a property name instead of '{'",
      1,
      6
    ]
  ])('%s → a located, human error', (_what, text, message, line, column) => {
    const config = parseConfig('.mcp.json', text)
    expect(config.hasServerMap).toBe(false)
    expect(config.servers).toEqual([])
    expect(config.error).not.toBeNull()
    expect(config.error?.message).toContain(message)
    expect(config.error?.message).toContain(`(line ${line}, column ${column})`)
    expect(config.error).toMatchObject({ line, column })
  })

  it('keeps the format from the path when the file is invalid', () => {
    expect(parseConfig('.vscode/mcp.json', '{').format).toBe('vscode')
  })

  it('never quotes a value from the file in an error message', () => {
    const secret = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'
    const config = parseConfig('.mcp.json', `{"mcpServers": {"a": {"env": {"T": ${secret}}}}}`)
    expect(config.error).not.toBeNull()
    expect(config.error?.message).not.toContain('ghp_')
  })

  it('returns an error instead of overflowing the stack on absurd nesting', () => {
    for (const text of [
      '['.repeat(200_000),
      '{"a":'.repeat(50_000),
      '[[['.repeat(100) + ']]]'.repeat(100)
    ]) {
      const config = parseConfig('.mcp.json', text)
      expect(config.error).not.toBeNull()
      expect(config.error?.line).toBeGreaterThanOrEqual(1)
    }
  })
})

describe('parseConfig: untrusted keys and values', () => {
  it('keeps __proto__ and constructor as data and pollutes no prototype', () => {
    // Written as text: in a JS object literal `__proto__:` would set the prototype instead.
    const text =
      '{"mcpServers": {' +
      '"__proto__": {"command": "evil", "env": {"__proto__": "x", "constructor": "y"}},' +
      '"constructor": {"command": "c", "headers": {"__proto__": "h"}}}}'
    const config = parseConfig('.mcp.json', text)
    expect(config.servers.map((s) => s.name)).toEqual(['__proto__', 'constructor'])
    const proto = server(config, '__proto__')
    expect(proto.launch.command).toBe('evil')
    expect(Object.keys(proto.launch.env)).toEqual(['__proto__', 'constructor'])
    expect(Object.getOwnPropertyDescriptor(proto.launch.env, '__proto__')?.value).toBe('x')
    expect(Object.keys(proto.fieldLocations)).toEqual([
      'command',
      'env.__proto__',
      'env.constructor'
    ])
    const ctor = server(config, 'constructor')
    expect(Object.getOwnPropertyDescriptor(ctor.launch.headers, '__proto__')?.value).toBe('h')
    expect(({} as Record<string, unknown>).command).toBeUndefined()
    expect(Object.getPrototypeOf({})).toBe(Object.prototype)
    expect(Object.keys(Object.prototype)).toEqual([])
  })

  it('converts number and boolean args to strings with a note, drops others', () => {
    const config = parseConfig(
      '.mcp.json',
      '{"mcpServers": {"a": {"command": "srv", "args": ["--port", 8080, true, null, {"x": 1}, "end"]}}}'
    )
    const a = server(config, 'a')
    expect(a.launch.args).toEqual(['--port', '8080', 'true', 'end'])
    expect(Object.keys(a.fieldLocations).filter((k) => k.startsWith('args.'))).toEqual([
      'args.0',
      'args.1',
      'args.2',
      'args.3'
    ])
    expect(a.fieldLocations['args.3']).toEqual({ line: 1, column: 88 })
    expect(a.notes).toEqual([
      '"args" has 2 number/boolean item(s), converted to strings',
      '"args" has 2 item(s) that are not strings, numbers or booleans; ignored'
    ])
  })

  it('converts number env values, drops object ones, notes both without quoting values', () => {
    const config = parseConfig(
      '.mcp.json',
      '{"mcpServers": {"a": {"command": "x", "env": {"PORT": 3000, "OBJ": {"k": "secret-value"}}}}}'
    )
    const a = server(config, 'a')
    expect(a.launch.env).toEqual({ PORT: '3000' })
    expect(a.notes).toEqual([
      '"env" value of "PORT" is a number, converted to a string',
      '"env" value of "OBJ" is an object; ignored'
    ])
    expect(a.notes.join(' ')).not.toContain('secret-value')
  })

  it('takes a single string "args" as one argument, with a note', () => {
    const a = server(
      parseConfig('.mcp.json', '{"mcpServers": {"a": {"command": "x", "args": "--y"}}}'),
      'a'
    )
    expect(a.launch.args).toEqual(['--y'])
    expect(a.notes).toEqual([
      '"args" is a single string, not an array; it is taken as one argument'
    ])
  })

  it('keeps the last definition of a server named twice, as JSON.parse does', () => {
    const config = parseConfig(
      '.mcp.json',
      '{\n"mcpServers": {\n"a": {"command": "first"},\n"a": {"command": "second"}\n}\n}'
    )
    expect(config.servers).toHaveLength(1)
    expect(server(config, 'a').launch.command).toBe('second')
    expect(server(config, 'a').location).toEqual({ line: 4, column: 1 })
    expect(config.notes).toEqual([
      'Server "a" is defined more than once in "mcpServers"; the last definition is used'
    ])
  })

  it('keeps the last value of a field written twice, with a note', () => {
    const a = server(
      parseConfig('.mcp.json', '{"mcpServers": {"a": {"command": "one", "command": "two"}}}'),
      'a'
    )
    expect(a.launch.command).toBe('two')
    expect(a.notes).toEqual(['Keys written more than once (the last one counts): "command"'])
  })

  it('ignores a "disabled" that is not a boolean (the server counts as enabled)', () => {
    const a = server(
      parseConfig('.mcp.json', '{"mcpServers": {"a": {"command": "x", "disabled": "true"}}}'),
      'a'
    )
    expect(a.flags.disabled).toBe(false)
    expect(a.notes).toEqual([
      '"disabled" is a string, not true/false; the server is treated as enabled'
    ])
  })

  it('shortens very long keys in notes', () => {
    const long = 'k'.repeat(500)
    const config = parseConfig('.mcp.json', `{"mcpServers": {"${long}": "x"}}`)
    expect(config.notes[0]?.length).toBeLessThan(200)
  })
})

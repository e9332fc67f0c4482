import { describe, expect, it } from '@jest/globals'
import {
  classifyConfig,
  classifyDeletedConfig,
  classifyParsedConfig,
  classifyServers,
  classifyUnreadableBase
} from '../../src/change/classify.js'
import { changeText } from '../../src/change/summary.js'
import { parseConfig } from '../../src/config/parse.js'
import { identifyServer } from '../../src/resolve/identify.js'
import type { ResolvedServer } from '../../src/resolve/types.js'
import { classifyTexts, kinds, serverNamed, shownStrings } from './helpers.js'

// Fake secrets of real shapes (never real credentials).
const GITHUB_TOKEN_BASE = 'ghp_Q7aW3eR5tY8uI1oP4aS6dF9gH2jK5lZ7xC0v'
const GITHUB_TOKEN_HEAD = 'ghp_M3nB6vC9xZ2lK5jH8gF1dS4aP7oI0uY3tR6e'
const RANDOM_SECRET = 'q9Xz2LmP7wRt4KvB8nHs'
const URL_TOKEN_BASE = 'sk-ak-9f8e7d6c5b4a39281706abcdEFGH'
const URL_TOKEN_HEAD = 'sk-ak-1a2b3c4d5e6f70819203ijklMNOP'

const CLAUDE = 'claude_desktop_config.json'

describe('Claude Desktop config (mcpServers)', () => {
  const base = `{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"],
      "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN_BASE}", "LOG_LEVEL": "info" }
    },
    "filesystem": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/me/projects"]
    },
    "fetch": { "command": "uvx", "args": ["mcp-server-fetch==2025.4.7"] },
    "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"] }
  }
}`

  it('classifies added, changed, removed and unchanged servers', () => {
    const head = `{
  "mcpServers": {
    "fetch": { "command": "uvx", "args": ["mcp-server-fetch==2025.4.7"] },
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github@2025.9.1"],
      "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN_BASE}", "LOG_LEVEL": "info" }
    },
    "filesystem": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/me/projects", "/tmp"]
    },
    "puppeteer": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-puppeteer@0.6.2"] }
  }
}`
    const change = classifyTexts(CLAUDE, head, base)
    expect(change.status).toBe('modified')
    expect(kinds(change)).toEqual({
      fetch: 'unchanged',
      github: 'changed',
      filesystem: 'changed',
      puppeteer: 'added',
      memory: 'removed'
    })
    // head order, index-aligned with the parsed head
    expect(change.servers.map((s) => s.name)).toEqual([
      'fetch',
      'github',
      'filesystem',
      'puppeteer'
    ])
    const github = serverNamed(change, 'github')
    expect(github.versionBump).toBe('2025.4.8 → 2025.9.1')
    expect(github.aspects.map((a) => a.aspect)).toEqual(['version'])
    expect(changeText(github)).toBe('changed: 2025.4.8 → 2025.9.1')
    const filesystem = serverNamed(change, 'filesystem')
    expect(filesystem.aspects.map((a) => a.aspect)).toEqual(['args'])
    expect(filesystem.aspects[0]!.after).toBe(
      '-y @modelcontextprotocol/server-filesystem /Users/me/projects /tmp'
    )
    expect(filesystem.versionBump).toBeNull()
    const memory = serverNamed(change, 'memory')
    expect(memory.head).toBeNull()
    expect(memory.base?.entry.location.line).toBe(13)
    expect(memory.base?.package.name).toBe('@modelcontextprotocol/server-memory')
    expect(serverNamed(change, 'puppeteer').base).toBeNull()
    // the base server of a pair is the base's entry, with the base's lines
    expect(serverNamed(change, 'fetch').base?.entry.location.line).toBe(12)
    expect(serverNamed(change, 'fetch').head?.entry.location.line).toBe(3)
  })

  it('treats reformatting, comments, key order and moved lines as unchanged', () => {
    const head = `// Claude Desktop config, reformatted
{
  "mcpServers": {
    // fetch moved to the top, keys reordered, a trailing comma
    "fetch": {"args": ["mcp-server-fetch==2025.4.7"], "command": "uvx",},
    "memory": {"args": ["-y", "@modelcontextprotocol/server-memory"], "command": "npx"},
    "filesystem": {
      "args": [
        "-y",
        "@modelcontextprotocol/server-filesystem",
        "/Users/me/projects"
      ],
      "command": "npx"
    },
    "github": {
      "env": {"LOG_LEVEL": "info", "GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN_BASE}"},
      "command": "npx -y @modelcontextprotocol/server-github@2025.4.8"
    }
  }
}`
    const change = classifyTexts(CLAUDE, head, base)
    expect(change.status).toBe('unchanged')
    expect(change.removed).toEqual([])
    expect(change.servers.every((s) => s.kind === 'unchanged' && s.aspects.length === 0)).toBe(true)
  })

  it('reports env keys added/removed and a changed value without ever showing values', () => {
    const head = base
      .replace(GITHUB_TOKEN_BASE, GITHUB_TOKEN_HEAD)
      .replace('"LOG_LEVEL": "info"', `"GITHUB_API_SECRET": "${RANDOM_SECRET}"`)
    const change = classifyTexts(CLAUDE, head, base)
    const github = serverNamed(change, 'github')
    expect(github.kind).toBe('changed')
    expect(github.aspects).toEqual([
      {
        aspect: 'env-keys',
        before: 'GITHUB_PERSONAL_ACCESS_TOKEN, LOG_LEVEL',
        after: 'GITHUB_API_SECRET, GITHUB_PERSONAL_ACCESS_TOKEN',
        message: 'env keys added: GITHUB_API_SECRET; removed: LOG_LEVEL'
      },
      {
        aspect: 'env-value',
        before: null,
        after: null,
        message: 'env value of GITHUB_PERSONAL_ACCESS_TOKEN changed'
      }
    ])
    const shown = shownStrings(change).join('\n')
    for (const secret of [GITHUB_TOKEN_BASE, GITHUB_TOKEN_HEAD, RANDOM_SECRET, 'info']) {
      expect(shown).not.toContain(secret)
    }
    expect(
      JSON.stringify({ ...change, servers: change.servers.map((s) => s.aspects) })
    ).not.toMatch(/ghp_[A-Za-z0-9]{10}/)
  })

  it('masks credentials written into arguments', () => {
    const head = base.replace(
      '"/Users/me/projects"]',
      `"/Users/me/projects", "--api-key=${RANDOM_SECRET}", "--token", "${RANDOM_SECRET}x", "postgresql://app:${RANDOM_SECRET}y@db.internal:5432/app"]`
    )
    const change = classifyTexts(CLAUDE, head, base)
    const args = serverNamed(change, 'filesystem').aspects.find((a) => a.aspect === 'args')
    expect(args?.after).toContain('--api-key=…(20 chars)')
    expect(args?.after).toContain('--token …(21 chars)')
    expect(args?.after).toContain('postgresql://db.internal:5432/app')
    expect(shownStrings(change).join('\n')).not.toContain(RANDOM_SECRET)
  })

  it('reports a command change after unwrapping, and a wrapper change', () => {
    const head = base
      .replace(
        '"fetch": { "command": "uvx", "args": ["mcp-server-fetch==2025.4.7"] }',
        '"fetch": { "command": "cmd", "args": ["/c", "uvx", "mcp-server-fetch==2025.4.7"] }'
      )
      .replace(
        '"memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"] }',
        '"memory": { "command": "bunx", "args": ["@modelcontextprotocol/server-memory"] }'
      )
    const change = classifyTexts(CLAUDE, head, base)
    const fetch = serverNamed(change, 'fetch')
    expect(fetch.aspects).toEqual([
      { aspect: 'wrappers', before: null, after: 'cmd /c', message: 'wrappers (none) → cmd /c' }
    ])
    const memory = serverNamed(change, 'memory')
    expect(memory.aspects.map((a) => [a.aspect, a.before, a.after])).toEqual([
      ['command', 'npx', 'bunx'],
      ['args', '-y @modelcontextprotocol/server-memory', '@modelcontextprotocol/server-memory']
    ])
  })

  it('reports another package as a package change, not as a version bump', () => {
    const head = base.replace('server-memory"', 'server-everything@2025.8.4"')
    const memory = serverNamed(classifyTexts(CLAUDE, head, base), 'memory')
    expect(memory.versionBump).toBeNull()
    expect(memory.aspects.map((a) => [a.aspect, a.before, a.after])).toEqual([
      [
        'package',
        '@modelcontextprotocol/server-memory (unpinned)',
        '@modelcontextprotocol/server-everything@2025.8.4'
      ]
    ])
  })

  it('reports flags: disabled, auto-approved tools', () => {
    const head = base.replace(
      '"fetch": { "command": "uvx",',
      '"fetch": { "disabled": true, "autoApprove": ["fetch"], "command": "uvx",'
    )
    const fetch = serverNamed(classifyTexts(CLAUDE, head, base), 'fetch')
    expect(fetch.aspects.map((a) => a.message)).toEqual([
      'server disabled (was enabled)',
      'auto-approved tools added: fetch'
    ])
  })
})

describe('version bumps', () => {
  const config = (spec: string) =>
    JSON.stringify({ mcpServers: { x: { command: 'npx', args: ['-y', `mcp-x${spec}`] } } })
  const bump = (from: string, to: string) =>
    serverNamed(classifyTexts('.mcp.json', config(to), config(from)), 'x')

  it.each([
    ['@1.2.0', '@1.3.1', '1.2.0 → 1.3.1'],
    ['@^1.2', '@1.3.1', '^1.2 → 1.3.1'],
    ['', '@1.3.1', 'latest → 1.3.1'],
    ['@latest', '@1.3.1', 'latest → 1.3.1'],
    ['@^1.2.0', '@^1.3.0', '^1.2.0 → ^1.3.0'],
    ['@1.3.1', '@next', '1.3.1 → next']
  ])('npm %s → %s reads %s', (from, to, text) => {
    const change = bump(from, to)
    expect(change.kind).toBe('changed')
    expect(change.versionBump).toBe(text)
    expect(change.aspects.map((a) => a.aspect)).toEqual(['version'])
  })

  it.each([
    ['@^1.2', '@^1.2.0'],
    ['@1.x', '@^1.0.0'],
    ['', '@latest'],
    ['@1.2.3', '@=1.2.3']
  ])('npm %s and %s select the same versions: unchanged', (from, to) => {
    expect(bump(from, to).kind).toBe('unchanged')
  })

  it('PyPI: == and uv @ pins of the same version are one; a bump shows exact versions', () => {
    const uv = (arg: string) =>
      JSON.stringify({ mcpServers: { f: { command: 'uvx', args: [arg] } } })
    const same = classifyTexts(
      CLAUDE,
      uv('mcp-server-fetch@2025.4.7'),
      uv('mcp-server-fetch==2025.4.7')
    )
    expect(serverNamed(same, 'f').kind).toBe('unchanged')
    const bumped = classifyTexts(
      CLAUDE,
      uv('mcp-server-fetch==2025.9.2'),
      uv('mcp-server-fetch==2025.4.7')
    )
    expect(serverNamed(bumped, 'f').versionBump).toBe('2025.4.7 → 2025.9.2')
    const unpinned = classifyTexts(CLAUDE, uv('mcp-server-fetch@latest'), uv('mcp-server-fetch'))
    expect(serverNamed(unpinned, 'f').versionBump).toBe('(no version) → latest')
  })

  it('OCI: a new digest is a change; an implicit and an explicit latest tag are one', () => {
    const docker = (image: string) =>
      JSON.stringify({
        mcpServers: { gh: { command: 'docker', args: ['run', '-i', '--rm', image] } }
      })
    const digest = (c: string) => `ghcr.io/github/github-mcp-server:0.9@sha256:${c.repeat(64)}`
    const change = classifyTexts(CLAUDE, docker(digest('b')), docker(digest('a')))
    expect(serverNamed(change, 'gh').versionBump).toBe(
      '0.9@sha256:aaaaaaaaaaaa → 0.9@sha256:bbbbbbbbbbbb'
    )
    const same = classifyTexts(CLAUDE, docker('docker.io/mcp/github:latest'), docker('mcp/github'))
    expect(serverNamed(same, 'gh').kind).toBe('unchanged')
  })

  it('uses the exact versions the gate resolved when both sides know them', () => {
    const headConfig = parseConfig('.mcp.json', config('@^1.3.0'))
    const resolved: ResolvedServer = identifyServer(headConfig.servers[0]!)
    resolved.package = { ...resolved.package, version: '1.3.4', resolution: { status: 'registry' } }
    const change = classifyConfig(headConfig, config('@1.2.0'), { resolved: [resolved] })
    expect(change.servers[0]!.head).toBe(resolved)
    expect(change.servers[0]!.versionBump).toBe('1.2.0 → 1.3.4')
  })

  it('an unchanged spec that resolves to a newer version today is unchanged', () => {
    const text = config('@^1.2.0')
    const head = parseConfig('.mcp.json', text)
    const resolved = identifyServer(head.servers[0]!)
    resolved.package = { ...resolved.package, version: '1.9.0', resolution: { status: 'registry' } }
    const change = classifyConfig(head, text, { resolved: [resolved] })
    expect(change.status).toBe('unchanged')
    expect(change.servers[0]!.versionBump).toBeNull()
  })
})

describe('VS Code (servers + inputs)', () => {
  const base = `{
  "inputs": [
    { "type": "promptString", "id": "github_pat", "description": "GitHub PAT", "password": true }
  ],
  "servers": {
    "github": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"],
      "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "\${input:github_pat}" }
    },
    "zapier": {
      "type": "http",
      "url": "https://actions.zapier.com/mcp/${URL_TOKEN_BASE}/sse"
    },
    "context7": { "type": "http", "url": "https://mcp.context7.com/mcp" }
  }
}`

  it('a command entry with no type is stdio: adding "type": "stdio" is unchanged', () => {
    const head = base.replace('"type": "stdio",', '')
    expect(classifyTexts('.vscode/mcp.json', head, base).status).toBe('unchanged')
  })

  it('a rotated token in the URL path is a change whose token is never shown', () => {
    const head = base.replace(URL_TOKEN_BASE, URL_TOKEN_HEAD)
    const change = classifyTexts('.vscode/mcp.json', head, base)
    const zapier = serverNamed(change, 'zapier')
    expect(zapier.aspects).toEqual([
      {
        aspect: 'url-credentials',
        before: null,
        after: null,
        message: 'the URL’s credentials, query, fragment or a token in its path changed (not shown)'
      }
    ])
    const shown = shownStrings(change).join('\n')
    expect(shown).not.toContain(URL_TOKEN_BASE)
    expect(shown).not.toContain(URL_TOKEN_HEAD)
  })

  it('a new endpoint is a URL change shown without its token, query or user info', () => {
    const head = base.replace(
      `https://actions.zapier.com/mcp/${URL_TOKEN_BASE}/sse`,
      `https://bot:${RANDOM_SECRET}@hooks.zapier.com/mcp/${URL_TOKEN_HEAD}/mcp?api_key=${RANDOM_SECRET}z`
    )
    const change = classifyTexts('.vscode/mcp.json', head, base)
    const zapier = serverNamed(change, 'zapier')
    expect(zapier.aspects.map((a) => [a.aspect, a.before, a.after])).toEqual([
      ['url', 'https://actions.zapier.com/mcp/…/sse', 'https://hooks.zapier.com/mcp/…/mcp?…']
    ])
    const shown = shownStrings(change).join('\n')
    for (const secret of [URL_TOKEN_BASE, URL_TOKEN_HEAD, RANDOM_SECRET]) {
      expect(shown).not.toContain(secret)
    }
  })

  it('host case and a default port are the same URL', () => {
    const head = base.replace('https://mcp.context7.com/mcp', 'https://MCP.Context7.com:443/mcp')
    expect(serverNamed(classifyTexts('.vscode/mcp.json', head, base), 'context7').kind).toBe(
      'unchanged'
    )
  })

  it('reports a transport change and header names and values', () => {
    const head = base.replace(
      '"context7": { "type": "http", "url": "https://mcp.context7.com/mcp" }',
      `"context7": { "type": "sse", "url": "https://mcp.context7.com/mcp", "headers": { "X-Api-Key": "${RANDOM_SECRET}" } }`
    )
    const change = classifyTexts('.vscode/mcp.json', head, base)
    expect(serverNamed(change, 'context7').aspects.map((a) => a.message)).toEqual([
      'header names added: X-Api-Key',
      'transport http → sse'
    ])
    const headers = `"headers": { "x-api-key": "${RANDOM_SECRET}" }`
    const before = head.replace(`"headers": { "X-Api-Key": "${RANDOM_SECRET}" }`, headers)
    const after = head.replace(
      `"headers": { "X-Api-Key": "${RANDOM_SECRET}" }`,
      headers.replace(RANDOM_SECRET, `${RANDOM_SECRET}2`)
    )
    // header names compare case-insensitively (RFC 9110 §5.1); a new value is a change
    const valueChange = classifyTexts('.vscode/mcp.json', after, head)
    expect(serverNamed(valueChange, 'context7').aspects.map((a) => a.message)).toEqual([
      'header value of x-api-key changed'
    ])
    expect(serverNamed(classifyTexts('.vscode/mcp.json', before, head), 'context7').kind).toBe(
      'unchanged'
    )
    expect(shownStrings(valueChange).join('\n')).not.toContain(RANDOM_SECRET)
  })
})

describe('renames and duplicate names', () => {
  it('a new name with an identical launch is a rename, not removed + added', () => {
    const base = `{"mcpServers": {
      "gh": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"],
             "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN_BASE}"}},
      "other": {"command": "npx", "args": ["-y", "mcp-other@1.0.0"]}}}`
    const head = `{"mcpServers": {
      "other": {"command": "npx", "args": ["-y", "mcp-other@1.0.0"]},
      "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"],
                 "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN_HEAD}"}}}}`
    const change = classifyTexts('.mcp.json', head, base)
    expect(change.removed).toEqual([])
    const github = serverNamed(change, 'github')
    expect(github.kind).toBe('changed')
    expect(github.base?.entry.name).toBe('gh')
    expect(github.aspects.map((a) => a.message)).toEqual([
      'renamed from "gh" to "github"',
      'env value of GITHUB_PERSONAL_ACCESS_TOKEN changed'
    ])
    expect(changeText(github)).toBe('changed: renamed from "gh", env values')
  })

  it('a new name with a different launch is added, the old one removed', () => {
    const base = '{"mcpServers": {"gh": {"command": "npx", "args": ["-y", "a@1.0.0"]}}}'
    const head = '{"mcpServers": {"github": {"command": "npx", "args": ["-y", "a@1.0.1"]}}}'
    expect(kinds(classifyTexts('.mcp.json', head, base))).toEqual({
      github: 'added',
      gh: 'removed'
    })
  })

  it('a name that stays is never taken as a rename target', () => {
    const base = `{"mcpServers": {
      "a": {"command": "npx", "args": ["x@1.0.0"]},
      "b": {"command": "npx", "args": ["x@1.0.0"]}}}`
    const head = `{"mcpServers": {
      "a": {"command": "npx", "args": ["y@1.0.0"]},
      "c": {"command": "npx", "args": ["x@1.0.0"]}}}`
    const change = classifyTexts('.mcp.json', head, base)
    expect(kinds(change)).toEqual({ a: 'changed', c: 'changed' })
    expect(serverNamed(change, 'c').base?.entry.name).toBe('b')
  })

  it('duplicate names pair by occurrence and never crash', () => {
    const entry = (name: string, pkg: string) => identifyServer(fakeEntry(name, pkg))
    const base = [entry('dup', 'a@1.0.0'), entry('dup', 'b@1.0.0'), entry('solo', 'c@1.0.0')]
    const head = [entry('dup', 'a@1.0.0'), entry('dup', 'b@2.0.0'), entry('dup', 'd@1.0.0')]
    const { servers, removed } = classifyServers(head, base)
    expect(servers.map((s) => s.kind)).toEqual(['unchanged', 'changed', 'added'])
    expect(servers[1]!.versionBump).toBe('1.0.0 → 2.0.0')
    expect(removed.map((s) => s.name)).toEqual(['solo'])
  })

  it('a file that names a server twice keeps the last definition on both sides', () => {
    const text = (version: string) =>
      `{"mcpServers": {"x": {"command": "npx", "args": ["a@0.0.1"]}, "x": {"command": "npx", "args": ["a@${version}"]}}}`
    const change = classifyTexts('.mcp.json', text('2.0.0'), text('1.0.0'))
    expect(change.servers.map((s) => [s.name, s.versionBump])).toEqual([['x', '1.0.0 → 2.0.0']])
  })
})

describe('Codex config.toml', () => {
  const base = `# Codex
[mcp_servers.fetch]
command = "uvx"
args = ["mcp-server-fetch==2025.4.7"]

[mcp_servers.github]
command = "npx"
args = ["-y", "@modelcontextprotocol/server-github@2025.4.8"]
env = { GITHUB_PERSONAL_ACCESS_TOKEN = "${GITHUB_TOKEN_BASE}" }
`

  it('reordered tables are unchanged; a disabled server and a bump are changes', () => {
    const reordered = `[mcp_servers.github]
args = ["-y", "@modelcontextprotocol/server-github@2025.4.8"]
command = "npx"
env = { GITHUB_PERSONAL_ACCESS_TOKEN = "${GITHUB_TOKEN_BASE}" }

[mcp_servers.fetch]
args = ["mcp-server-fetch==2025.4.7"]
command = "uvx"
`
    expect(classifyTexts('.codex/config.toml', reordered, base).status).toBe('unchanged')
    const head = reordered
      .replace('2025.4.8', '2025.9.1')
      .replace('command = "uvx"', 'command = "uvx"\nenabled = false')
    const change = classifyTexts('.codex/config.toml', head, base)
    expect(serverNamed(change, 'github').versionBump).toBe('2025.4.8 → 2025.9.1')
    expect(serverNamed(change, 'fetch').aspects.map((a) => a.aspect)).toEqual(['disabled'])
  })
})

describe('file-level status', () => {
  const text = '{"mcpServers": {"a": {"command": "npx", "args": ["-y", "a@1.0.0"]}}}'

  it('no base version: the file and every server are added', () => {
    const change = classifyTexts('.mcp.json', text, null)
    expect(change.status).toBe('added')
    expect(kinds(change)).toEqual({ a: 'added' })
  })

  it('a base that does not parse: status unknown, every server added, with a located note', () => {
    const change = classifyTexts('.mcp.json', text, '{"mcpServers": {"a": {"command": }}}')
    expect(change.status).toBe('unknown')
    expect(kinds(change)).toEqual({ a: 'added' })
    expect(change.notes).toHaveLength(1)
    expect(change.notes[0]).toMatch(
      /^the base version could not be parsed \(line 1, column \d+: .+\): every server counts as added$/
    )
  })

  it('a base without a server map: every server added, status modified', () => {
    const change = classifyTexts(
      '.gemini/settings.json',
      '{"theme": "x", "mcpServers": {"a": {"command": "npx", "args": ["a@1.0.0"]}}}',
      '{"theme": "x"}'
    )
    expect(change.status).toBe('modified')
    expect(kinds(change)).toEqual({ a: 'added' })
    expect(change.notes).toEqual(['the base version has no MCP servers: every server is added'])
  })

  it('a head that does not parse: status unknown, nothing listed', () => {
    const change = classifyTexts('.mcp.json', '{"mcpServers": {', text)
    expect(change).toEqual({
      path: '.mcp.json',
      status: 'unknown',
      servers: [],
      removed: [],
      notes: [expect.stringMatching(/^the head version could not be parsed \(line 1, column \d+\)/)]
    })
  })

  it('a deleted file: every base server removed', () => {
    const change = classifyDeletedConfig('.mcp.json', text)
    expect(change.status).toBe('removed')
    expect(change.removed.map((s) => [s.name, s.kind, s.base?.package.name])).toEqual([
      ['a', 'removed', 'a']
    ])
    const broken = classifyDeletedConfig('.mcp.json', '{')
    expect(broken.status).toBe('removed')
    expect(broken.removed).toEqual([])
    expect(broken.notes[0]).toMatch(/could not be parsed/)
  })

  it('a parsed base works like its text', () => {
    const head = parseConfig('.mcp.json', text)
    const viaText = classifyConfig(head, text)
    const viaParsed = classifyParsedConfig(head, parseConfig('.mcp.json', text))
    expect(viaParsed.status).toBe('unchanged')
    expect(viaParsed.servers.map((s) => s.kind)).toEqual(viaText.servers.map((s) => s.kind))
  })

  it('a base that could not be read: status unknown, every server added, why noted', () => {
    const change = classifyUnreadableBase(parseConfig('.mcp.json', text), 'HTTP 502')
    expect(change.status).toBe('unknown')
    expect(kinds(change)).toEqual({ a: 'added' })
    expect(change.notes).toEqual([
      'the base version could not be read (HTTP 502): every server counts as added'
    ])
  })

  it('a renamed file parses its base text as the base path', () => {
    const head = parseConfig(
      '.mcp.json',
      '{"mcpServers": {"fetch": {"command": "uvx", "args": ["mcp-server-fetch==2025.4.7"]}}}'
    )
    const toml = '[mcp_servers.fetch]\ncommand = "uvx"\nargs = ["mcp-server-fetch==2025.4.7"]\n'
    expect(classifyConfig(head, toml, { basePath: '.codex/config.toml' }).status).toBe('unchanged')
    expect(classifyConfig(head, toml).status).toBe('unknown')
  })

  it('hostile base texts never throw', () => {
    const head = parseConfig('.mcp.json', text)
    const hostile = [
      '',
      '\u0000\u0001',
      'x'.repeat(300_000),
      '['.repeat(50_000),
      '{"mcpServers": ' + '{"a":'.repeat(2000),
      '{"mcpServers": {"__proto__": {"command": "npx"}, "constructor": {"command": "x"}}}',
      '{"mcpServers": {"a": {"command": "npx", "args": [' + '"-p",'.repeat(5000) + '"a@1"]}}}',
      '{"mcpServers": {"a": {"command": "bash", "args": ["-c", "' +
        'bash -c '.repeat(500) +
        '"]}}}',
      '{"mcpServers": []}',
      '"just a string"'
    ]
    for (const baseText of hostile) {
      const change = classifyConfig(head, baseText)
      expect(change.servers).toHaveLength(1)
      expect(['added', 'changed', 'unchanged']).toContain(change.servers[0]!.kind)
    }
  })
})

function fakeEntry(name: string, pkg: string) {
  return parseConfig(
    '.mcp.json',
    JSON.stringify({ mcpServers: { [name]: { command: 'npx', args: ['-y', pkg] } } })
  ).servers[0]!
}

describe('differences hidden by masking', () => {
  it('says a rotated token in a bridged URL changed without showing X → X', () => {
    const text = (token: string) =>
      JSON.stringify({
        mcpServers: {
          zap: {
            command: 'npx',
            args: ['-y', 'mcp-remote@0.1.29', `https://actions.zapier.com/mcp/${token}/sse`]
          }
        }
      })
    const change = classifyTexts('.cursor/mcp.json', text(URL_TOKEN_HEAD), text(URL_TOKEN_BASE))
    const zap = serverNamed(change, 'zap')
    expect(zap.aspects.map((a) => [a.aspect, a.before, a.message])).toEqual([
      [
        'args',
        '-y mcp-remote@0.1.29 https://actions.zapier.com/mcp/sk-…(34 chars)/sse',
        'arguments changed in a part that is not shown (masked or too long)'
      ]
    ])
    const shown = shownStrings(change).join('\n')
    expect(shown).not.toContain(URL_TOKEN_BASE)
    expect(shown).not.toContain(URL_TOKEN_HEAD)
  })
})

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  configPathMatcher,
  DEFAULT_CONFIG_PATTERNS,
  discoverConfigs
} from '../../src/config/discover.js'
import { readConfig } from '../../src/config/read.js'

/** The files of the shared workspace (`root`). */
const WORKSPACE_FILES = [
  '.mcp.json',
  '.vscode/mcp.json',
  '.cursor/mcp.json',
  '.roo/mcp.json',
  '.kiro/settings/mcp.json',
  '.gemini/settings.json',
  '.github/copilot/mcp.json',
  '.amazonq/mcp.json',
  '.zed/settings.json',
  '.codex/config.toml',
  'apps/web/mcp.json',
  'claude_desktop_config.example.json',
  'docs/.mcp.json.example',
  'ide/cline_mcp_settings.json',
  '.windsurf/mcp_config.json',
  'node_modules/pkg/.mcp.json',
  'apps/web/node_modules/x/mcp.json',
  '.git/mcp.json',
  'src/settings.json',
  'src/other.json',
  'README.md'
]

let root: string
let outside: string

function write(relative: string, text = '{"mcpServers": {}}'): void {
  const file = path.join(root, relative)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, text)
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'mcp-discover-'))
  outside = mkdtempSync(path.join(tmpdir(), 'mcp-outside-'))
  for (const file of WORKSPACE_FILES) write(file)
  writeFileSync(path.join(outside, 'mcp.json'), '{}')
  symlinkSync(outside, path.join(root, 'linked'), 'dir')
})

afterAll(() => {
  rmSync(root, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
})

describe('discoverConfigs', () => {
  it('finds the SPEC §3 names and their example variants, sorted, skipping node_modules and .git', async () => {
    const found = await discoverConfigs([], { cwd: root })
    expect(found.map((f) => f.path)).toEqual([
      '.amazonq/mcp.json',
      '.codex/config.toml',
      '.cursor/mcp.json',
      '.gemini/settings.json',
      '.github/copilot/mcp.json',
      '.kiro/settings/mcp.json',
      '.mcp.json',
      '.roo/mcp.json',
      '.vscode/mcp.json',
      '.windsurf/mcp_config.json',
      '.zed/settings.json',
      'apps/web/mcp.json',
      'claude_desktop_config.example.json',
      'docs/.mcp.json.example',
      'ide/cline_mcp_settings.json'
    ])
    for (const file of found) expect(file.absolutePath).toBe(path.join(root, file.path))
  })

  it('does not follow symbolic links out of the searched tree', async () => {
    const found = await discoverConfigs(['.'], { cwd: root })
    expect(found.some((f) => f.path.startsWith('linked/'))).toBe(false)
  })

  it('searches only the given directory and reports paths relative to cwd', async () => {
    const found = await discoverConfigs(['apps'], { cwd: root })
    expect(found).toEqual([
      { path: 'apps/web/mcp.json', absolutePath: path.join(root, 'apps/web/mcp.json') }
    ])
  })

  it('takes a file path as is, whatever its name, and dedupes', async () => {
    const found = await discoverConfigs(['src/other.json', './src/other.json', '.mcp.json'], {
      cwd: root
    })
    expect(found.map((f) => f.path)).toEqual(['.mcp.json', 'src/other.json'])
  })

  it('uses the given patterns instead of the defaults', async () => {
    const found = await discoverConfigs([], { cwd: root, patterns: ['**/settings.json'] })
    expect(found.map((f) => f.path)).toEqual([
      '.gemini/settings.json',
      '.zed/settings.json',
      'src/settings.json'
    ])
  })

  it('reports a path outside cwd as an absolute path', async () => {
    const found = await discoverConfigs([outside], { cwd: root })
    expect(found).toEqual([
      { path: path.join(outside, 'mcp.json'), absolutePath: path.join(outside, 'mcp.json') }
    ])
  })

  it('throws an error naming a path that does not exist', async () => {
    await expect(discoverConfigs(['nope/missing.json'], { cwd: root })).rejects.toThrow(
      'Config path not found: nope/missing.json'
    )
  })

  it('rejects unusable options with a readable error', async () => {
    await expect(discoverConfigs([], { cwd: '' })).rejects.toThrow(
      /Invalid config discovery options/
    )
    await expect(discoverConfigs([], { cwd: root, patterns: [''] })).rejects.toThrow(
      /a pattern must not be empty/
    )
  })

  it('exports the default patterns with their example variants', () => {
    expect(DEFAULT_CONFIG_PATTERNS).toContain('**/.vscode/mcp.json')
    expect(DEFAULT_CONFIG_PATTERNS).toContain('**/.vscode/mcp.example.json')
    expect(DEFAULT_CONFIG_PATTERNS).toContain('**/.vscode/mcp.json.example')
    expect(DEFAULT_CONFIG_PATTERNS).toContain('**/.codex/config.toml')
    // 14 SPEC names + 7 renamed-copy patterns; every JSON one (19) with its 2 example variants.
    expect(DEFAULT_CONFIG_PATTERNS).toHaveLength(19 * 3 + 2)
  })

  it('finds renamed and flattened copies of config files, but not unrelated settings', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'discover-copies-'))
    const names = [
      'prod.mcp.json',
      'team-claude_desktop_config.json',
      'owner__repo__.vscode__mcp.json',
      'owner__repo__.gemini__settings.json',
      'owner__repo__.zed__settings.json',
      'backup_cline_mcp_settings.json',
      'settings.json',
      'user_settings.json',
      'package.json',
      'notmcp.json'
    ]
    for (const n of names) writeFileSync(path.join(root, n), '{}')
    try {
      const found = (await discoverConfigs([root], { cwd: root })).map((c) => c.path)
      expect(found).toEqual(
        [
          'backup_cline_mcp_settings.json',
          'owner__repo__.gemini__settings.json',
          'owner__repo__.vscode__mcp.json',
          'owner__repo__.zed__settings.json',
          'prod.mcp.json',
          'team-claude_desktop_config.json'
        ].sort()
      )
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

  it('finds symbolically linked config files and reads them only inside the workspace', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'discover-links-'))
    const away = mkdtempSync(path.join(tmpdir(), 'discover-away-'))
    try {
      mkdirSync(path.join(ws, 'configs'))
      writeFileSync(
        path.join(ws, 'configs', 'real.txt'),
        '{"mcpServers": {"evil": {"command": "npx", "args": ["-y", "totally-evil-pkg"]}}}'
      )
      writeFileSync(path.join(away, 'target.json'), '{"mcpServers": {}}')
      symlinkSync(path.join(ws, 'configs', 'real.txt'), path.join(ws, '.mcp.json'))
      symlinkSync(path.join(away, 'target.json'), path.join(ws, 'mcp.json'))
      symlinkSync(path.join(ws, 'missing.json'), path.join(ws, 'claude_desktop_config.json'))

      const found = await discoverConfigs([], { cwd: ws })
      expect(found.map((f) => [f.path, f.refused === undefined])).toEqual([
        ['.mcp.json', true],
        ['claude_desktop_config.json', false],
        ['mcp.json', false]
      ])

      const inside = await readConfig(found[0]!)
      expect(inside.error).toBeNull()
      expect(inside.servers.map((e) => e.name)).toEqual(['evil'])

      const outside = await readConfig(found[2]!)
      expect(outside.servers).toEqual([])
      expect(outside.error).toMatchObject({ line: 1, column: 1 })
      expect(outside.error?.message).toMatch(/points outside the workspace/)

      const dangling = await readConfig(found[1]!)
      expect(dangling.error?.message).toMatch(/points to nothing/)
    } finally {
      rmSync(ws, { recursive: true, force: true })
      rmSync(away, { recursive: true, force: true })
    }
  })

  it('searches linked config directories inside the workspace and reports ones leading out', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'discover-dirlinks-'))
    const away = mkdtempSync(path.join(tmpdir(), 'discover-dirlinks-away-'))
    try {
      mkdirSync(path.join(ws, 'gem'))
      writeFileSync(path.join(ws, 'gem', 'settings.json'), '{"mcpServers": {}}')
      symlinkSync(path.join(ws, 'gem'), path.join(ws, '.gemini'), 'dir')
      mkdirSync(path.join(away, 'vs'))
      writeFileSync(path.join(away, 'vs', 'mcp.json'), '{"servers": {}}')
      symlinkSync(path.join(away, 'vs'), path.join(ws, '.vscode'), 'dir')
      symlinkSync(ws, path.join(ws, 'loop'), 'dir') // a cycle must end
      const found = await discoverConfigs([], { cwd: ws })
      expect(found.map((f) => [f.path, f.refused === undefined])).toEqual([
        ['.gemini/settings.json', true],
        ['.vscode', false]
      ])
      const refused = await readConfig(found[1]!)
      expect(refused.error?.message).toMatch(/config directory points outside the workspace/)
    } finally {
      rmSync(ws, { recursive: true, force: true })
      rmSync(away, { recursive: true, force: true })
    }
  })
})

describe('configPathMatcher', () => {
  it('decides as the directory search does: the patterns, never inside node_modules or .git', async () => {
    const matches = configPathMatcher()
    expect(matches('.vscode/mcp.json')).toBe(true)
    expect(matches('docs/.mcp.json.example')).toBe(true)
    expect(matches('src/other.json')).toBe(false)
    expect(matches('node_modules/pkg/.mcp.json')).toBe(false)
    expect(matches('apps/web/node_modules/x/mcp.json')).toBe(false)
    expect(matches('.git/mcp.json')).toBe(false)
    expect(configPathMatcher(['**/settings.json'])('src/settings.json')).toBe(true)
    // A file so named is not inside such a directory: the search finds it when a pattern does.
    expect(configPathMatcher(['**/node_modules'])('lib/node_modules')).toBe(true)
    // The files of the shared workspace it accepts are the ones discoverConfigs finds there.
    const found = (await discoverConfigs([], { cwd: root })).map((f) => f.path)
    expect(WORKSPACE_FILES.filter((file) => matches(file)).sort()).toEqual(found)
  })
})

import { describe, expect, it } from '@jest/globals'
import { detectFormat, formatFromPath } from '../../src/config/formats.js'

describe('detectFormat from the path (SPEC §3 names)', () => {
  it.each([
    ['.mcp.json', 'claude-code'],
    ['packages/app/.mcp.json', 'claude-code'],
    ['claude_desktop_config.json', 'claude-desktop'],
    ['Library/Application Support/Claude/claude_desktop_config.json', 'claude-desktop'],
    ['.vscode/mcp.json', 'vscode'],
    ['web/.vscode/mcp.json', 'vscode'],
    ['.cursor/mcp.json', 'cursor'],
    ['.roo/mcp.json', 'roo'],
    ['.kiro/settings/mcp.json', 'kiro'],
    ['.gemini/settings.json', 'gemini'],
    ['cline_mcp_settings.json', 'cline'],
    ['mcp_config.json', 'windsurf'],
    ['.codeium/windsurf/mcp_config.json', 'windsurf'],
    ['.github/copilot/mcp.json', 'copilot'],
    ['.amazonq/mcp.json', 'amazonq'],
    ['.zed/settings.json', 'zed'],
    ['.codex/config.toml', 'codex'],
    ['mcp.json', 'generic'],
    ['configs/other.json', 'generic']
  ])('%s → %s', (path, format) => {
    expect(detectFormat(path)).toBe(format)
  })

  it('maps *.example.json and *.json.example variants like their base names', () => {
    expect(detectFormat('claude_desktop_config.example.json')).toBe('claude-desktop')
    expect(detectFormat('.mcp.json.example')).toBe('claude-code')
    expect(detectFormat('.vscode/mcp.example.json')).toBe('vscode')
    expect(detectFormat('.cursor/mcp.json.example')).toBe('cursor')
  })

  it('accepts Windows separators and any letter case', () => {
    expect(detectFormat('C:\\repo\\.VSCode\\MCP.json')).toBe('vscode')
    expect(detectFormat('repo\\.kiro\\settings\\mcp.json')).toBe('kiro')
  })

  it('matches whole path segments only', () => {
    // "my.mcp.json" is not ".mcp.json"; "not.vscode/mcp.json" is not ".vscode/mcp.json"
    expect(formatFromPath('my.mcp.json')).toBeUndefined()
    expect(formatFromPath('not.vscode/mcp.json')).toBeUndefined()
  })

  it('lets the path win over the content', () => {
    expect(detectFormat('.cursor/mcp.json', { servers: {} })).toBe('cursor')
  })
})

describe('detectFormat from the content when the path says nothing', () => {
  it.each([
    [{ servers: { a: {} } }, 'vscode'],
    [{ mcp: { servers: {} } }, 'vscode'],
    [{ context_servers: {} }, 'zed'],
    [{ mcp_servers: { a: {} } }, 'codex'],
    [{ mcpServers: {} }, 'generic'],
    [{ mcpServers: {}, servers: {} }, 'generic'],
    [{ servers: [] }, 'generic'],
    [[], 'generic'],
    ['text', 'generic'],
    [null, 'generic'],
    [undefined, 'generic']
  ])('%j → %s', (root, format) => {
    expect(detectFormat('mcp.json', root)).toBe(format)
  })

  it('ignores inherited properties', () => {
    const root = Object.create({ context_servers: {} }) as unknown
    expect(detectFormat('settings.json', root)).toBe('generic')
  })
})

import type { ClientFormat } from './types.js'

/**
 * Client formats by file location (SPEC §3 default names). Directory-qualified names come first
 * so `.vscode/mcp.json` wins over a bare `mcp.json`. Suffixes are matched on whole path
 * segments, case-insensitively, after `*.example.json` / `*.json.example` are reduced to their
 * base names.
 */
const PATH_RULES: ReadonlyArray<{ suffix: string; format: ClientFormat }> = [
  { suffix: '.vscode/mcp.json', format: 'vscode' },
  { suffix: '.cursor/mcp.json', format: 'cursor' },
  { suffix: '.roo/mcp.json', format: 'roo' },
  { suffix: '.kiro/settings/mcp.json', format: 'kiro' },
  { suffix: '.gemini/settings.json', format: 'gemini' },
  { suffix: '.github/copilot/mcp.json', format: 'copilot' },
  { suffix: '.amazonq/mcp.json', format: 'amazonq' },
  { suffix: '.zed/settings.json', format: 'zed' },
  { suffix: '.codex/config.toml', format: 'codex' },
  { suffix: '.mcp.json', format: 'claude-code' },
  { suffix: 'claude_desktop_config.json', format: 'claude-desktop' },
  { suffix: 'cline_mcp_settings.json', format: 'cline' },
  { suffix: 'mcp_config.json', format: 'windsurf' }
]

/** Human names of the clients, for notes ("Cursor reads mcpServers"). */
export const CLIENT_NAMES: Readonly<Record<ClientFormat, string>> = {
  'claude-desktop': 'Claude Desktop',
  'claude-code': 'Claude Code',
  cursor: 'Cursor',
  windsurf: 'Windsurf',
  cline: 'Cline',
  roo: 'Roo Code',
  kiro: 'Kiro',
  gemini: 'Gemini CLI',
  copilot: 'GitHub Copilot',
  amazonq: 'Amazon Q',
  vscode: 'VS Code',
  zed: 'Zed',
  codex: 'Codex',
  generic: 'a generic MCP client'
}

/**
 * The server-map locations each client reads (SPEC §3 "Shapes"), as property paths from the
 * document root. `generic` reads any of them. Used to note a file that uses another client's key.
 */
export const SERVER_MAP_PATHS: Readonly<Record<ClientFormat, ReadonlyArray<readonly string[]>>> = {
  'claude-desktop': [['mcpServers']],
  'claude-code': [['mcpServers']],
  cursor: [['mcpServers']],
  windsurf: [['mcpServers']],
  cline: [['mcpServers']],
  roo: [['mcpServers']],
  kiro: [['mcpServers']],
  gemini: [['mcpServers']],
  copilot: [['mcpServers']],
  amazonq: [['mcpServers']],
  vscode: [['servers'], ['mcp', 'servers']],
  zed: [['context_servers']],
  codex: [['mcp_servers']],
  generic: [['mcpServers'], ['servers'], ['mcp', 'servers'], ['context_servers'], ['mcp_servers']]
}

/**
 * The client format of a config file (SPEC §3).
 *
 * @param path the file's path as given (posix or Windows separators; relative or absolute).
 *   `x.example.json` and `x.json.example` are treated as `x.json` (they are what people copy).
 * @param root the parsed document as plain data (e.g. from `JSON.parse`), consulted only when the
 *   path names no client: `mcp_servers` → codex, `context_servers` → zed, `servers` or
 *   `mcp.servers` (without `mcpServers`) → vscode.
 * @returns the format; `generic` when neither path nor content says more. Never throws.
 */
export function detectFormat(path: string, root?: unknown): ClientFormat {
  return formatFromPath(path) ?? formatFromContent((keys) => hasPlainPath(root, keys)) ?? 'generic'
}

/** The format the path alone implies, or `undefined` (e.g. a bare `mcp.json`). */
export function formatFromPath(path: string): ClientFormat | undefined {
  const normalized = exampleBaseName(path.replace(/\\/g, '/').toLowerCase())
  for (const rule of PATH_RULES) {
    if (normalized === rule.suffix || normalized.endsWith(`/${rule.suffix}`)) return rule.format
  }
  return undefined
}

/**
 * The format a document's top-level shape implies, or `undefined`.
 *
 * @param has tells whether the document has an object at a property path (e.g. `['mcp','servers']`).
 */
export function formatFromContent(
  has: (keys: readonly string[]) => boolean
): ClientFormat | undefined {
  if (has(['mcp_servers'])) return 'codex'
  if (has(['context_servers'])) return 'zed'
  if (!has(['mcpServers']) && (has(['servers']) || has(['mcp', 'servers']))) return 'vscode'
  return undefined
}

/** `a/x.example.json` → `a/x.json`, `a/x.json.example` → `a/x.json`; other paths unchanged. */
function exampleBaseName(path: string): string {
  if (path.endsWith('.example.json')) return `${path.slice(0, -'.example.json'.length)}.json`
  if (path.endsWith('.json.example')) return path.slice(0, -'.example'.length)
  return path
}

function hasPlainPath(root: unknown, keys: readonly string[]): boolean {
  let current: unknown = root
  for (const key of keys) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return false
    if (!Object.hasOwn(current, key)) return false
    current = (current as Record<string, unknown>)[key]
  }
  return typeof current === 'object' && current !== null && !Array.isArray(current)
}

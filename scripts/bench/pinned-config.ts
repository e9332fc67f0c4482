/**
 * MCP client configs written by benchmarks: an `mcpServers` map (Claude Code `.mcp.json` shape,
 * SPEC §3) launching each server with `npx -y <package>@<version>` (pinned, SPEC §4).
 */

/** One server of a pinned config. */
export interface PinnedServer {
  /** The server's key in `mcpServers` (unique within a config). */
  key: string
  /** npm package name. */
  name: string
  /** Exact version. */
  version: string
  /** Arguments after the package spec. */
  args?: string[]
}

/**
 * The JSON text (2-space indent, final newline) of an `mcpServers` config launching `servers`.
 * @throws Error when two servers have the same key (JSON would keep only the last).
 */
export function pinnedConfig(servers: readonly PinnedServer[]): string {
  const entries = new Map<string, unknown>()
  for (const s of servers) {
    if (entries.has(s.key)) throw new Error(`two servers are named "${s.key}"`)
    entries.set(s.key, {
      command: 'npx',
      args: ['-y', `${s.name}@${s.version}`, ...(s.args ?? [])]
    })
  }
  return `${JSON.stringify({ mcpServers: Object.fromEntries(entries) }, null, 2)}\n`
}

/** The default server key of a package: its name without the scope (`@a/b` → `b`). */
export function serverKey(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1)
}

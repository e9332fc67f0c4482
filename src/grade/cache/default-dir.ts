/**
 * Where the CLI keeps its grade cache by default (issue 5): `MCP_GRADE_GATE_CACHE_DIR` when set,
 * else the operating system's per-user cache directory as `env-paths` gives it.
 */
import envPaths from 'env-paths'

/** The environment variable that chooses the grade cache directory. */
const CACHE_DIR_ENV = 'MCP_GRADE_GATE_CACHE_DIR'

/**
 * The default grade cache directory: `env.MCP_GRADE_GATE_CACHE_DIR` (trimmed) when set and not
 * blank, else `envPaths('mcp-grade-gate', {suffix: ''}).cache` — `$XDG_CACHE_HOME/mcp-grade-gate`
 * or `~/.cache/mcp-grade-gate` on Linux, `~/Library/Caches/mcp-grade-gate` on macOS,
 * `%LOCALAPPDATA%\mcp-grade-gate\Cache` on Windows. `env-paths` reads those locations from the
 * process's own environment and home directory, not from `env`. Never throws.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  const chosen = env[CACHE_DIR_ENV]?.trim()
  if (chosen) return chosen
  return envPaths('mcp-grade-gate', { suffix: '' }).cache
}

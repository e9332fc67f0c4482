/**
 * Whether a command run with an installed package (`npx -p pkg bin`, `npx -c "bin …"`,
 * `uvx --from pkg bin`, `pipx run --spec pkg bin`) is that package's own bin (SPEC §4). The
 * launchers put the package's bins first on `PATH` but fall back to every other program, so a
 * command that is not one of its bins runs something else with the package merely installed.
 * Bins are not listed offline: this is a resemblance to the package name, refused for programs
 * that run code given in their arguments.
 */
import { commandName } from './command-name.js'

/** Programs that are never taken for a package's own bin: they run code given to them. */
const GENERAL_PROGRAMS = new Set([
  'node',
  'nodejs',
  'deno',
  'bun',
  'bunx',
  'npx',
  'npm',
  'pnpm',
  'pnpx',
  'yarn',
  'corepack',
  'tsx',
  'ts-node',
  'uv',
  'uvx',
  'pipx',
  'pip',
  'pip3',
  'py',
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'fish',
  'cmd',
  'powershell',
  'pwsh',
  'env',
  'sudo',
  'exec',
  'eval',
  'source',
  'docker',
  'podman',
  'curl',
  'wget',
  'git',
  'perl',
  'ruby',
  'php',
  'java',
  'go',
  'cargo',
  'make',
  'awk',
  'sed',
  'find',
  'xargs'
])

/**
 * True when `bin` can be taken for a bin of the package `name`: a bare command name (letters,
 * digits, `.`, `_`, `+`, `-`) that is not a general program (`GENERAL_PROGRAMS`, `python*`) and,
 * compared case-insensitively with `.`/`_`/`-` runs as one `-` (PEP 503 style), equals the
 * package's unscoped name, contains it, or is contained in it (three characters at least):
 * `context7-mcp` for `@upstash/context7-mcp`, `mcp-server-filesystem` for
 * `@modelcontextprotocol/server-filesystem`, `mcp_server_fetch` for `mcp-server-fetch`.
 * False for a null name. Pure, never throws.
 */
export function runsOwnBin(bin: string, name: string | null): boolean {
  if (name === null || !/^[A-Za-z0-9][\w.+-]*$/.test(bin)) return false
  const command = commandName(bin)
  if (GENERAL_PROGRAMS.has(command) || /^python[\d.]*$/.test(command)) return false
  const normalise = (s: string): string => s.toLowerCase().replace(/[-_.]+/g, '-')
  const base = normalise(name.split('/').pop() ?? name)
  const b = normalise(command)
  return b === base || (base.length >= 3 && b.includes(base)) || (b.length >= 3 && base.includes(b))
}

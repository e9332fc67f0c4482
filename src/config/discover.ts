import { stat } from 'node:fs/promises'
import path from 'node:path'
import { glob } from 'tinyglobby'
import { z } from 'zod'

/** The config names SPEC §3 discovers by default, as globs relative to a searched directory. */
const SPEC_CONFIG_PATTERNS = [
  '**/mcp.json',
  '**/.mcp.json',
  '**/claude_desktop_config.json',
  '**/.vscode/mcp.json',
  '**/.cursor/mcp.json',
  '**/.roo/mcp.json',
  '**/.kiro/settings/mcp.json',
  '**/.gemini/settings.json',
  '**/cline_mcp_settings.json',
  '**/mcp_config.json',
  '**/.github/copilot/mcp.json',
  '**/.amazonq/mcp.json',
  '**/.zed/settings.json',
  '**/.codex/config.toml'
] as const

/**
 * Renamed copies of the SPEC §3 names: a prefix ending in `.`, `_` or `-` before the name
 * (`prod.mcp.json`, `team-claude_desktop_config.json`, and flattened paths such as
 * `owner__repo__.vscode__mcp.json` or `x__.gemini__settings.json`). `settings.json` and
 * `config.toml` are too common to match alone: their copies must name the client directory.
 */
const COPY_PATTERNS = [
  '**/*[._-]mcp.json',
  '**/*[._-]claude_desktop_config.json',
  '**/*[._-]cline_mcp_settings.json',
  '**/*[._-]mcp_config.json',
  '**/*.gemini[_-]*settings.json',
  '**/*.zed[_-]*settings.json',
  '**/*.codex[_-]*config.toml'
] as const

/**
 * The globs a directory is searched with when no `patterns` are given: the SPEC §3 names, their
 * renamed copies (see `COPY_PATTERNS`), and for each JSON name its `*.example.json` and
 * `*.json.example` variants ("they are what people copy"). Matched with dot-files included,
 * skipping `node_modules` and `.git`.
 */
export const DEFAULT_CONFIG_PATTERNS: readonly string[] = [
  ...SPEC_CONFIG_PATTERNS,
  ...COPY_PATTERNS
].flatMap((pattern) =>
  pattern.endsWith('.json')
    ? [pattern, `${pattern.slice(0, -'.json'.length)}.example.json`, `${pattern}.example`]
    : [pattern]
)

/** Directories never searched (dependencies and git internals). */
const IGNORED = ['**/node_modules/**', '**/.git/**']

/** A config file found by {@link discoverConfigs}. */
export interface DiscoveredConfig {
  /** Path relative to `cwd` with `/` separators when inside it; otherwise absolute. */
  path: string
  absolutePath: string
}

/** Options of {@link discoverConfigs}. */
export interface DiscoverOptions {
  /** Directory that relative `paths` and the reported `path`s are relative to. */
  cwd: string
  /** Globs that replace {@link DEFAULT_CONFIG_PATTERNS} (the `config-paths` input). */
  patterns?: string[]
}

const optionsSchema = z.object({
  cwd: z.string().min(1, 'cwd must be a directory path'),
  patterns: z.array(z.string().min(1, 'a pattern must not be empty')).min(1).optional()
})

/**
 * Finds the MCP client config files under the given paths (SPEC §3 discovery).
 *
 * A path naming a file is taken as is, whatever its name. A directory is searched recursively
 * with `options.patterns` or {@link DEFAULT_CONFIG_PATTERNS} (tinyglobby, `dot: true`), skipping
 * `node_modules` and `.git` and not following symbolic links (a PR could point them anywhere).
 * No paths means `[options.cwd]`.
 *
 * @returns configs sorted by `path` (code-unit order) without duplicates.
 * @throws Error naming the path when a path does not exist, and Error when `options` are invalid
 *   (empty `cwd`, empty pattern); the CLI reports both as usage errors.
 */
export async function discoverConfigs(
  paths: string[],
  options: DiscoverOptions
): Promise<DiscoveredConfig[]> {
  const parsed = optionsSchema.safeParse(options)
  if (!parsed.success) {
    throw new Error(`Invalid config discovery options: ${z.prettifyError(parsed.error)}`)
  }
  const cwd = path.resolve(parsed.data.cwd)
  const patterns = parsed.data.patterns ?? [...DEFAULT_CONFIG_PATTERNS]
  const found = new Map<string, DiscoveredConfig>()
  for (const given of paths.length > 0 ? paths : [cwd]) {
    const absolute = path.resolve(cwd, given)
    let isDirectory: boolean
    try {
      isDirectory = (await stat(absolute)).isDirectory()
    } catch {
      throw new Error(`Config path not found: ${given}`)
    }
    const files = isDirectory ? await searchDirectory(absolute, patterns) : [absolute]
    for (const file of files) {
      if (!found.has(file)) found.set(file, { path: displayPath(cwd, file), absolutePath: file })
    }
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

async function searchDirectory(directory: string, patterns: string[]): Promise<string[]> {
  const matches = await glob(patterns, {
    cwd: directory,
    absolute: true,
    dot: true,
    onlyFiles: true,
    expandDirectories: false,
    followSymbolicLinks: false,
    ignore: IGNORED
  })
  return matches.map((match) => path.resolve(match))
}

function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file)
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return file
  return relative.split(path.sep).join('/')
}

import type { Dirent } from 'node:fs'
import { lstat, readdir, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import picomatch from 'picomatch'
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

/** Directory names never searched (dependencies and git internals). */
const IGNORED_DIRECTORIES = new Set(['node_modules', '.git'])

/** Directory links followed one inside another before the search stops going deeper. */
const MAX_FOLLOWED_LINKS = 4

/** Most directory entries one search looks at; beyond it the search stops with an error. */
export const MAX_SEARCHED_ENTRIES = 500_000

/** A config file found by {@link discoverConfigs}. */
export interface DiscoveredConfig {
  /** Path relative to `cwd` with `/` separators when inside it; otherwise absolute. */
  path: string
  /** The file to read: for a symbolic link, its resolved target. */
  absolutePath: string
  /**
   * Why the file must not be read, when it must not: a symbolic link whose target is outside the
   * workspace (`cwd`) or does not exist. `readConfig` reports it as the file's error.
   */
  refused?: string
}

/**
 * A test of whether a path relative to a searched directory (posix separators) names a config
 * file, as {@link discoverConfigs} decides it for the files its directory search finds:
 * `patterns` (default {@link DEFAULT_CONFIG_PATTERNS}, picomatch) with dot files included, and
 * never a file inside a `node_modules` or `.git` directory (the search does not enter them).
 * Also used for the files a pull request changes, which are known by name only (a removed file
 * no longer exists to be searched).
 * @throws TypeError (picomatch) when a pattern is empty; the returned test never throws.
 */
export function configPathMatcher(patterns?: readonly string[]): (relativePath: string) => boolean {
  const matches = picomatch([...(patterns ?? DEFAULT_CONFIG_PATTERNS)], { dot: true })
  return (relativePath) =>
    !relativePath
      .split('/')
      .slice(0, -1)
      .some((segment) => IGNORED_DIRECTORIES.has(segment)) && matches(relativePath)
}

/** Options of {@link discoverConfigs}. */
export interface DiscoverOptions {
  /** Directory that relative `paths` and the reported `path`s are relative to: the workspace. */
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
 * with `options.patterns` or {@link DEFAULT_CONFIG_PATTERNS} (picomatch, dot files included),
 * skipping `node_modules` and `.git`. A client follows symbolic links, so the gate does too, but
 * only inside the workspace (a PR could point a link anywhere): links to files are read through
 * their target, links to directories are searched (each real directory once). A file link
 * pointing outside the workspace or nowhere, and a link to a config directory (`.vscode`,
 * `.gemini`, …) pointing outside, are returned with `refused` set so they are reported, never
 * silently skipped. No paths means `[options.cwd]`.
 *
 * @returns configs sorted by `path` (code-unit order) without duplicates.
 * @throws Error naming the path when a path does not exist, when a directory holds more than
 *   {@link MAX_SEARCHED_ENTRIES} entries, and when `options` are invalid (empty `cwd`, empty
 *   pattern); the CLI reports these as usage errors.
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
  const workspace = await realpath(cwd).catch(() => cwd)
  const matches = configPathMatcher(parsed.data.patterns)
  const found = new Map<string, DiscoveredConfig>()
  for (const given of paths.length > 0 ? paths : [cwd]) {
    const absolute = path.resolve(cwd, given)
    let isDirectory: boolean
    try {
      isDirectory = (await stat(absolute)).isDirectory()
    } catch {
      // A dangling symbolic link named on purpose is still reported (as refused).
      const link = await lstat(absolute).catch(() => null)
      if (!link?.isSymbolicLink()) throw new Error(`Config path not found: ${given}`)
      isDirectory = false
    }
    const results: Found[] = isDirectory
      ? await searchDirectory(absolute, matches, workspace)
      : [{ file: absolute }]
    for (const result of results) {
      if ('refusedLink' in result) {
        const link = result.refusedLink
        if (!found.has(link)) {
          found.set(link, { path: displayPath(cwd, link), absolutePath: link, refused: result.why })
        }
      } else if (!found.has(result.file)) {
        found.set(result.file, await describeFile(cwd, workspace, result.file))
      }
    }
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/**
 * Directory names that hold client configs (SPEC §3): a symbolic link by one of these names that
 * leads out of the workspace is reported, because a client would read the config inside it.
 */
const CONFIG_DIRECTORIES = new Set([
  '.vscode',
  '.cursor',
  '.roo',
  '.kiro',
  'settings',
  '.gemini',
  '.zed',
  '.codex',
  '.amazonq',
  '.github',
  'copilot',
  '.windsurf',
  '.codeium'
])

/** A file found by the search, or a directory link the search refused to follow. */
type Found = { file: string } | { refusedLink: string; why: string }

/**
 * Files (and symbolic links to files) under `directory` whose relative path `matches`. Symbolic
 * links to directories inside `workspace` are searched too, under the link's name (a link to an
 * ancestor is a cycle and skipped; at most `MAX_FOLLOWED_LINKS` links deep); one leading outside
 * is reported when its name is a config directory.
 */
async function searchDirectory(
  directory: string,
  matches: (relative: string) => boolean,
  workspace: string
): Promise<Found[]> {
  const out: Found[] = []
  const pending: { dir: string; real: string; links: number }[] = [
    { dir: directory, real: await realpath(directory).catch(() => directory), links: 0 }
  ]
  let seen = 0
  while (pending.length > 0) {
    const { dir, real, links } = pending.pop()!
    let entries: Dirent[]
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      continue // unreadable directory: nothing to gate in it
    }
    for (const entry of entries) {
      seen += 1
      if (seen > MAX_SEARCHED_ENTRIES) {
        throw new Error(
          `${directory} holds more than ${MAX_SEARCHED_ENTRIES} entries: name the config files or a smaller directory`
        )
      }
      const full = path.join(dir, entry.name)
      const relative = path.relative(directory, full).split(path.sep).join('/')
      if (entry.isDirectory()) {
        if (!IGNORED_DIRECTORIES.has(entry.name)) {
          pending.push({ dir: full, real: path.join(real, entry.name), links })
        }
      } else if (entry.isSymbolicLink() && (await isDirectory(full))) {
        if (IGNORED_DIRECTORIES.has(entry.name)) continue
        const target = await realpath(full).catch(() => null)
        if (target !== null && isInside(workspace, target)) {
          // A link to an ancestor is a cycle; a chain of links is followed a few levels deep.
          if (!isInside(target, real) && links < MAX_FOLLOWED_LINKS) {
            pending.push({ dir: full, real: target, links: links + 1 })
          }
        } else if (CONFIG_DIRECTORIES.has(entry.name)) {
          out.push({
            refusedLink: full,
            why: 'this symbolic link to a config directory points outside the workspace, so the gate does not read it; an MCP client would read the configs inside it: commit them instead'
          })
        }
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        if (matches(relative)) out.push({ file: full })
      }
    }
  }
  return out
}

async function isDirectory(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null))?.isDirectory() ?? false
}

function isInside(root: string, target: string): boolean {
  const inside = path.relative(root, target)
  return inside === '' || (!inside.startsWith('..') && !path.isAbsolute(inside))
}

/** A found file, resolving a symbolic link and refusing targets outside the workspace. */
async function describeFile(
  cwd: string,
  workspace: string,
  file: string
): Promise<DiscoveredConfig> {
  const shown = displayPath(cwd, file)
  const link = await lstat(file).catch(() => null)
  if (!link?.isSymbolicLink()) return { path: shown, absolutePath: file }
  const target = await realpath(file).catch(() => null)
  if (target === null) {
    return {
      path: shown,
      absolutePath: file,
      refused: 'this symbolic link points to nothing: fix or remove it'
    }
  }
  if (!isInside(workspace, target)) {
    return {
      path: shown,
      absolutePath: file,
      refused:
        'this symbolic link points outside the workspace, so the gate does not read it; an MCP client would run whatever it points to: commit the config itself'
    }
  }
  return { path: shown, absolutePath: target }
}

function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file)
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return file
  return relative.split(path.sep).join('/')
}

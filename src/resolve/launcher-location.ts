/**
 * Whether a command names the well-known program it is named after (SPEC §4 launch idioms): a
 * bare name looked up on `PATH` (`npx`, `npx.cmd`, `uvx`, `docker`), or a path into a location
 * where that program is installed by its installer or a version manager. Anything else — a
 * relative path (`./npx`, `tools/bin/npx`), a workspace variable (`${workspaceFolder}/npx`), an
 * arbitrary absolute path (`C:\evil\npx.bat`, `/home/me/project/npx`) — may be a script committed
 * next to the config, so it is NOT the launcher: an allow-list, never a deny-list.
 *
 * Well-known locations (after `\` → `/`, `//` collapsed; Windows paths compared case-insensitively;
 * `HOME` is `~`, `$HOME`, `${HOME}`, `${env:HOME}`, `${userHome}`, `%USERPROFILE%`,
 * `${env:USERPROFILE}`, `/Users/<user>`, `/home/<user>`, `/root` or `C:/Users/<user>`):
 * - any program: `/bin`, `/sbin`, `/usr/bin`, `/usr/sbin`, `/usr/local/bin`, `/usr/local/sbin`,
 *   `/opt/homebrew/bin`, `/opt/homebrew/opt/<formula>/bin`, `/usr/local/opt/<formula>/bin`,
 *   `/home/linuxbrew/.linuxbrew/bin`, `/opt/local/bin` (MacPorts), `/snap/bin`,
 *   `/run/current-system/sw/bin`, `/nix/var/nix/profiles/default/bin`, `HOME/.nix-profile/bin`,
 *   `HOME/.asdf/shims`, `HOME/.local/share/mise/shims`, `HOME/.local/share/mise/installs/<tool>/
 *   <version>[/<dir>[/<dir>]]`, `HOME/scoop/shims`, `C:/ProgramData/chocolatey/bin`,
 *   `C:/Windows`, `C:/Windows/System32` (and `%SystemRoot%`, `%windir%`);
 * - Node.js launchers (`node`, `npx`, `npm`, `corepack`, `pnpm`, `pnpx`, `yarn`):
 *   `/usr/lib/node_modules/npm/bin`, `/usr/local/lib/node_modules/npm/bin`,
 *   `/opt/homebrew/lib/node_modules/npm/bin`, `HOME/.nvm/versions/node/<version>/bin`,
 *   `HOME/.volta/bin`, fnm (`HOME/.fnm/node-versions/<v>/installation/bin`,
 *   `HOME/.local/share/fnm/node-versions/<v>/installation/bin`,
 *   `HOME/Library/Application Support/fnm/node-versions/<v>/installation/bin`,
 *   `HOME/.local/state/fnm_multishells/<id>/bin`, `HOME/Library/Caches/fnm_multishells/<id>/bin`),
 *   `HOME/.asdf/installs/nodejs/<version>/bin`, `C:/Program Files/nodejs`,
 *   `C:/Program Files (x86)/nodejs`, `%APPDATA%/npm`, nvm-windows (`%APPDATA%/nvm/<version>`,
 *   `C:/nvm4w/nodejs`), `%LOCALAPPDATA%/Volta/bin`, `C:/Program Files/Volta`; pnpm also
 *   `HOME/Library/pnpm`, `HOME/.local/share/pnpm`, `%LOCALAPPDATA%/pnpm`; yarn `HOME/.yarn/bin`;
 * - Bun (`bun`, `bunx`): `HOME/.bun/bin`; Deno: `HOME/.deno/bin`;
 * - uv, uvx, pipx: `HOME/.local/bin`, `HOME/.cargo/bin` (uv, uvx), Python user scripts
 *   (`%APPDATA%/Python/Python3xx/Scripts`, `%LOCALAPPDATA%/Programs/Python/Python3xx/Scripts`,
 *   `HOME/Library/Python/3.x/bin`);
 * - Docker and Podman: `HOME/.docker/bin`, `/Applications/Docker.app/Contents/Resources/bin`,
 *   `C:/Program Files/Docker/Docker/resources/bin`, `/opt/podman/bin`,
 *   `C:/Program Files/RedHat/Podman`;
 * - PowerShell: `C:/Program Files/PowerShell/<version>`,
 *   `C:/Windows/System32/WindowsPowerShell/v1.0`; Git for Windows shells (`bash`, `sh`, `env`):
 *   `C:/Program Files/Git/bin`, `C:/Program Files/Git/usr/bin`.
 * Paths with `.` or `..` segments, empty segments or unknown variables are never well known.
 */
import { commandName } from './command-name.js'

/** A bare program name: letters, digits, `.`, `_`, `+`, `-` (no path, no variable). */
const BARE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/

const NODE_PROGRAMS = [
  'node',
  'nodejs',
  'npx',
  'npm',
  'corepack',
  'pnpm',
  'pnpx',
  'yarn',
  'yarnpkg'
]
const UV_PROGRAMS = ['uv', 'uvx', 'pipx']

/** One well-known directory and the programs installed there. */
interface Location {
  /** Matches the whole normalised directory (case-insensitive). */
  directory: RegExp
  /** Program names installed there; `null` for any program. */
  programs: ReadonlySet<string> | null
}

/** The ways a home directory is written (see the module doc), as a pattern. */
const HOME =
  '(?:~|\\$home|\\$\\{home\\}|\\$\\{env:home\\}|\\$\\{userhome\\}|%userprofile%|' +
  '\\$\\{env:userprofile\\}|/users/[^/]+|/home/[^/]+|/root|c:/users/[^/]+)'
const SEGMENT = '[^/]+'

function location(pattern: string, programs: readonly string[] | null): Location {
  return {
    directory: new RegExp(`^${pattern}$`, 'i'),
    programs: programs === null ? null : new Set(programs)
  }
}

const LOCATIONS: readonly Location[] = [
  location('/(?:usr/(?:local/)?)?s?bin', null),
  location('/opt/homebrew/s?bin', null),
  location(`/(?:opt/homebrew|usr/local)/opt/${SEGMENT}/bin`, null),
  location('/home/linuxbrew/\\.linuxbrew/bin', null),
  location('/opt/local/bin', null),
  location('/snap/bin', null),
  location('/run/current-system/sw/bin', null),
  location('/nix/var/nix/profiles/default/bin', null),
  location(`${HOME}/\\.nix-profile/bin`, null),
  location(`${HOME}/\\.asdf/shims`, null),
  location(`${HOME}/\\.local/share/mise/shims`, null),
  location(`${HOME}/\\.local/share/mise/installs/${SEGMENT}/${SEGMENT}(?:/${SEGMENT}){0,2}`, null),
  location(`${HOME}/scoop/shims`, null),
  location('c:/programdata/chocolatey/bin', null),
  location('(?:c:/windows|%systemroot%|%windir%)(?:/system32)?', null),
  location('(?:/usr(?:/local)?|/opt/homebrew)/lib/node_modules/npm/bin', NODE_PROGRAMS),
  location(`${HOME}/\\.nvm/versions/node/${SEGMENT}/bin`, NODE_PROGRAMS),
  location(`${HOME}/\\.volta/bin`, NODE_PROGRAMS),
  location(
    `${HOME}/(?:\\.fnm|\\.local/share/fnm|library/application support/fnm)/node-versions/${SEGMENT}/installation/bin`,
    NODE_PROGRAMS
  ),
  location(
    `${HOME}/(?:\\.local/state|library/caches)/fnm_multishells/${SEGMENT}/bin`,
    NODE_PROGRAMS
  ),
  location(`${HOME}/\\.asdf/installs/nodejs/${SEGMENT}/bin`, NODE_PROGRAMS),
  location('(?:c:/program files(?: \\(x86\\))?|%programfiles%)/nodejs', NODE_PROGRAMS),
  location('%appdata%/npm', NODE_PROGRAMS),
  location(`%appdata%/nvm/${SEGMENT}`, NODE_PROGRAMS),
  location('c:/nvm4w/nodejs', NODE_PROGRAMS),
  location('(?:%localappdata%/volta/bin|c:/program files/volta)', NODE_PROGRAMS),
  location(`(?:${HOME}/library/pnpm|${HOME}/\\.local/share/pnpm|%localappdata%/pnpm)`, [
    'pnpm',
    'pnpx'
  ]),
  location(`${HOME}/\\.yarn/bin`, ['yarn', 'yarnpkg']),
  location(`${HOME}/\\.bun/bin`, ['bun', 'bunx']),
  location(`${HOME}/\\.deno/bin`, ['deno']),
  location(`${HOME}/\\.local/bin`, UV_PROGRAMS),
  location(`${HOME}/\\.cargo/bin`, ['uv', 'uvx']),
  location(
    `(?:%appdata%/python/python3\\d*/scripts|%localappdata%/programs/python/python3\\d*/scripts|${HOME}/library/python/3[.\\d]*/bin)`,
    UV_PROGRAMS
  ),
  location(
    `(?:${HOME}/\\.docker/bin|/applications/docker\\.app/contents/resources/bin|c:/program files/docker/docker/resources/bin)`,
    ['docker']
  ),
  location('(?:/opt/podman/bin|c:/program files/redhat/podman)', ['podman']),
  location(`c:/program files/powershell/${SEGMENT}`, ['pwsh']),
  location('(?:c:/windows|%systemroot%|%windir%)/system32/windowspowershell/v1\\.0', [
    'powershell'
  ]),
  location('c:/program files/git/(?:usr/)?bin', ['bash', 'sh', 'env'])
]

/** Windows variables that stand for a directory under the home directory. */
const HOME_ALIASES: readonly [RegExp, string][] = [
  [/^(?:%appdata%|\$\{env:appdata\})(?=\/|$)/i, '%appdata%'],
  [/^(?:%localappdata%|\$\{env:localappdata\})(?=\/|$)/i, '%localappdata%'],
  [/^(?:~|%userprofile%|c:\/users\/[^/]+)\/appdata\/roaming(?=\/|$)/i, '%appdata%'],
  [/^(?:~|%userprofile%|c:\/users\/[^/]+)\/appdata\/local(?=\/|$)/i, '%localappdata%'],
  [/^(?:%programfiles%|\$\{env:programfiles\})(?=\/|$)/i, '%programfiles%']
]

/**
 * The directory part of a command path, normalised (see the module doc), or null when the path
 * has `.`/`..` or empty segments or is not a path at all. Quotes around the path are removed.
 */
function normalisedDirectory(command: string): { directory: string; file: string } | null {
  const trimmed = command
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .replace(/^'(.*)'$/, '$1')
  const slashed = trimmed.replaceAll('\\', '/')
  const cut = slashed.lastIndexOf('/')
  if (cut <= 0) return null
  let directory = slashed.slice(0, cut)
  const file = slashed.slice(cut + 1)
  const segments = directory.split('/')
  // A leading `/` gives one empty first segment; any other empty, `.` or `..` segment is refused.
  if (segments.slice(1).some((s) => s === '' || s === '.' || s === '..')) return null
  if (segments[0] === '.' || segments[0] === '..') return null
  for (const [alias, replacement] of HOME_ALIASES) directory = directory.replace(alias, replacement)
  return { directory, file }
}

/**
 * The launcher name of `command` (`commandName`: last segment, lower case, no `.exe`/`.cmd`/…)
 * when `command` is that program: a bare name, or a path into a well-known location of that
 * program (module doc). Null for a path anywhere else and for names holding a variable or other
 * characters (`$NPX`, `%X%\npx`). Pure, never throws.
 */
export function launcherName(command: string): string | null {
  const trimmed = command.trim().replace(/^"(.*)"$/, '$1')
  if (BARE_NAME.test(trimmed)) return commandName(trimmed)
  const parts = normalisedDirectory(trimmed)
  if (parts === null || !BARE_NAME.test(parts.file)) return null
  const name = commandName(parts.file)
  const found = LOCATIONS.some(
    (l) => l.directory.test(parts.directory) && (l.programs === null || l.programs.has(name))
  )
  return found ? name : null
}

/**
 * True when `directory` (a `PATH` entry) is one of the well-known locations of the module doc,
 * whichever programs live there. `.`, relative paths, empty entries and variables other than the
 * home directory are not. Pure, never throws.
 */
export function isWellKnownDirectory(directory: string): boolean {
  const trimmed = directory.trim().replace(/[/\\]+$/, '')
  if (trimmed === '') return false
  const parts = normalisedDirectory(`${trimmed}/x`)
  return parts !== null && LOCATIONS.some((l) => l.directory.test(parts.directory))
}

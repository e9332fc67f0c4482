/**
 * The program name a command is written with (SPEC §4): `npx`, `npx.cmd`, `/usr/local/bin/npx`,
 * `C:\Program Files\nodejs\npx.cmd` and `NPX.EXE` are all named `npx`. Whether such a command
 * IS that launcher (a bare name or a well-known install location, not `./npx`) is decided by
 * `launcherName` in `launcher-location.ts`.
 */

/** Windows executable suffixes that do not change which program runs (PATHEXT defaults). */
const WINDOWS_EXECUTABLE_SUFFIX = /\.(?:exe|cmd|bat|com|ps1)$/i

/**
 * The launcher name of a command as written: the last path segment (either separator), lower
 * case, without a Windows executable suffix (`.exe`, `.cmd`, `.bat`, `.com`, `.ps1`).
 * `"C:\\Program Files\\nodejs\\npx.cmd"` → `npx`; `"python3.11"` → `python3.11`. Never throws.
 */
export function commandName(command: string): string {
  const trimmed = command.trim().replace(/^["']|["']$/g, '')
  const last = trimmed.split(/[\\/]/).pop() ?? trimmed
  return last.replace(WINDOWS_EXECUTABLE_SUFFIX, '').toLowerCase()
}

/**
 * True when `word` names a file by path rather than a program looked up on `PATH`: it holds a
 * `/` or `\` separator, or starts with `~`, `.` or a Windows drive (`C:`). Variable-prefixed
 * paths such as `${workspaceFolder}/x.js` count as paths.
 */
export function looksLikePath(word: string): boolean {
  return /[\\/]/.test(word) || /^(?:~|\.{1,2}$|[A-Za-z]:)/.test(word)
}

/** True when `word` is an `http(s)://` or `ws(s)://` URL (case-insensitive scheme). */
export function looksLikeHttpUrl(word: string): boolean {
  return /^(?:https?|wss?):\/\/\S/i.test(word)
}

/**
 * The one rule for a package that is written in the entry but cannot be shown to be what runs
 * (SPEC §4, §8 `UNGRADED`): another registry or index, code preloaded into the launcher
 * (`NODE_OPTIONS=--require …`, `LD_PRELOAD`, `PYTHONPATH`), a changed `PATH`, a launcher
 * option or setting not known to leave the package alone, other packages installed alongside
 * (`npx -p a -p b`, `uvx --with x`), or a command that is not the package's own bin.
 *
 * Such an identity is WITHHELD: it keeps its ecosystem, name, version spec, launcher and
 * `pinned` (true when the WRITTEN spec is exact, so the policy does not ask for a pin that
 * cannot help), but loses `version` and `purl`, so no grader can look it up: it ends ungraded,
 * and ungraded blocks wherever a grade is required. Its resolution is `n/a` with a message
 * that starts with `not graded: ` and says why; every reason also gets a note. A bridged remote
 * server (`npx mcp-remote <url>`) is withheld as its bridge package, never as the URL.
 *
 * When what runs cannot be told at all (a shell string with several commands, command
 * substitutions, a `url` and a `command` with no `type`), the identity is `unknown` instead
 * (`launching-command.ts`, `identify.ts`).
 */
import type { IdiomMatch } from './package-identity.js'
import { packageIdentity } from './package-identity.js'
import type { PackageIdentity } from './types.js'

/** Start of the resolution message of a withheld identity. */
export const WITHHELD_PREFIX = 'not graded: '

/** One reason a package identity is withheld. */
export interface Withholding {
  /**
   * What it is, for people: an option (`--registry`, `--with`), a variable (`env PATH`), a
   * construct (`npx -c`). Names only, never values (they may be secrets).
   */
  setting: string
  /**
   * Why, as a clause that completes "<setting> …" (e.g. "preloads code into every Node.js
   * process the launcher starts"); holds no argument or variable values, except URLs already
   * sanitised by `sanitizeUrl`.
   */
  why: string
}

/**
 * `match` withheld for `reasons` (see the module doc); `match` unchanged when `reasons` is
 * empty or the identity is not a registry package (git, tarball and path sources are never
 * graded anyway; local, remote and unknown identities have nothing to withhold). Applying it to
 * an identity that is already withheld adds the new reasons' notes and keeps the first message.
 * Pure, never throws.
 */
export function withheld(match: IdiomMatch, reasons: readonly Withholding[]): IdiomMatch {
  if (reasons.length === 0 || !isRegistryPackage(match.package)) return match
  const p = match.package
  const first = reasons[0]!
  const more = reasons.length > 1 ? ` (and ${reasons.length - 1} more, see the notes)` : ''
  const message = isWithheld(p)
    ? p.resolution.message!
    : `${WITHHELD_PREFIX}${first.setting} ${first.why}${more}`
  return {
    package: packageIdentity({
      ecosystem: p.ecosystem,
      name: p.name,
      launcher: p.launcher,
      versionSpec: p.versionSpec,
      pinned: p.pinned,
      message
    }),
    notes: [
      ...match.notes,
      ...reasons.map(
        (r) =>
          `${r.setting} ${r.why}: what runs may not be ${p.name ?? 'the package'}, so it is not graded`
      )
    ]
  }
}

/** True when `p` was withheld by `withheld` (its resolution message says why). */
export function isWithheld(p: PackageIdentity): boolean {
  return p.resolution.status === 'n/a' && p.resolution.message?.startsWith(WITHHELD_PREFIX) === true
}

/**
 * True for an npm/PyPI/OCI identity that a registry look-up could grade, or one already
 * withheld: resolution `exact`, `offline`, `unresolved` (a registry name with a spec), or a
 * withheld one.
 */
function isRegistryPackage(p: PackageIdentity): boolean {
  if (p.ecosystem !== 'npm' && p.ecosystem !== 'pypi' && p.ecosystem !== 'oci') return false
  if (p.name === null) return false
  return ['exact', 'offline', 'unresolved'].includes(p.resolution.status) || isWithheld(p)
}

/**
 * Building `PackageIdentity` values (SPEC §2) for the launch idioms, with the defaults each kind
 * of identity has: nothing pinned, no purl, nothing to resolve.
 */
import { shownValue } from './shown-text.js'
import type { Ecosystem, PackageIdentity, ResolutionStatus } from './types.js'

/** What a launch idiom found: the identity and notes for people (never holding secrets). */
export interface IdiomMatch {
  package: PackageIdentity
  notes: string[]
}

/** The fields an idiom sets; the rest take the defaults of `packageIdentity`. */
export interface IdentityFields {
  ecosystem: Ecosystem
  name: string | null
  launcher: string | null
  versionSpec?: string | null
  version?: string | null
  pinned?: boolean
  purl?: string | null
  status?: ResolutionStatus
  message?: string
}

/**
 * A `PackageIdentity` from `fields`: `versionSpec`, `version` and `purl` default to null,
 * `pinned` to false, the resolution status to `n/a` (nothing to resolve).
 */
export function packageIdentity(fields: IdentityFields): PackageIdentity {
  const resolution: PackageIdentity['resolution'] = { status: fields.status ?? 'n/a' }
  if (fields.message !== undefined) resolution.message = fields.message
  return {
    ecosystem: fields.ecosystem,
    name: fields.name,
    versionSpec: fields.versionSpec ?? null,
    version: fields.version ?? null,
    pinned: fields.pinned ?? false,
    purl: fields.purl ?? null,
    launcher: fields.launcher,
    resolution
  }
}

/** An `IdiomMatch` for local code (`node server.js`, `python -m mod`, `/opt/bin/server`). */
export function localMatch(name: string, launcher: string, notes: string[] = []): IdiomMatch {
  return { package: packageIdentity({ ecosystem: 'local', name, launcher }), notes }
}

/** An `IdiomMatch` for something we cannot identify; `why` says so for people. */
export function unknownMatch(
  name: string | null,
  launcher: string | null,
  why: string
): IdiomMatch {
  return { package: packageIdentity({ ecosystem: 'unknown', name, launcher }), notes: [why] }
}

/**
 * Identifies a command line that a launcher runs instead of (or besides) a package's own bin
 * (`npx -p pkg node x.js`, `npx -c "…"`, `uvx --from pkg python …`) with the same rules as a
 * whole entry (wrappers unwrapped, idioms matched). `env` is the environment it runs with.
 */
export type CommandIdentifier = (
  argv: readonly string[],
  env: Readonly<Record<string, string>>
) => IdiomMatch

/**
 * The default `CommandIdentifier`: `unknown`, named after the first word that is not a
 * `NAME=value` assignment (masked: it is config text), with a note.
 */
export function unidentifiedCommand(argv: readonly string[]): IdiomMatch {
  const first = argv.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w))
  return unknownMatch(
    first === undefined ? null : shownValue(first),
    null,
    'runs a command that is not identified'
  )
}

/**
 * Resolution-side data model (SPEC §2 `ResolvedServer`, §4 launch idioms).
 */
import type { ServerEntry } from '../config/types.js'

/** Where a server's code comes from (SPEC §2). */
export const ECOSYSTEMS = ['npm', 'pypi', 'oci', 'remote', 'local', 'unknown'] as const
export type Ecosystem = (typeof ECOSYSTEMS)[number]

/**
 * How the exact version was obtained:
 * - `exact`: written in the config (pinned);
 * - `registry`: an unpinned spec resolved against the package registry today;
 * - `offline`: unpinned and not resolved because the run is offline;
 * - `unresolved`: unpinned, and this ecosystem is not looked up on a registry yet (PyPI versions,
 *   OCI tags): `resolution.message` says so;
 * - `not-found`: the registry has no such package or no version matching the spec;
 * - `error`: the registry could not be asked (timeout, 5xx, …) — see `resolution.message`;
 * - `n/a`: nothing to resolve (remote, local, unknown).
 */
export type ResolutionStatus =
  'exact' | 'registry' | 'offline' | 'unresolved' | 'not-found' | 'error' | 'n/a'

/** The identity of what a server entry runs (SPEC §2, JSON report `package`). */
export interface PackageIdentity {
  ecosystem: Ecosystem
  /**
   * npm/PyPI package name, OCI image reference without tag/digest, remote URL with credentials
   * removed, local path or command; null when nothing could be identified.
   */
  name: string | null
  /** Version spec as written: `1.2.3`, `latest`, `^1.2`, `==1.2.3`, an OCI tag; null when none. */
  versionSpec: string | null
  /** Exact version that runs (resolved from the registry when unpinned); null when unknown. */
  version: string | null
  /** True only for an exact version (npm/PyPI) or an OCI digest (SPEC §2). */
  pinned: boolean
  /** Package URL (purl spec) of `name@version`; null when there is no exact version or no package. */
  purl: string | null
  /** How the entry launches it: `npx`, `uvx`, `docker`, `node`, `url`, `mcp-remote`, … */
  launcher: string | null
  resolution: { status: ResolutionStatus; message?: string }
}

/** A server entry together with what it runs. */
export interface ResolvedServer {
  entry: ServerEntry
  package: PackageIdentity
  /**
   * The effective command line after unwrapping wrappers (`cmd /c`, `bash -c`, `wsl`, `mise exec
   * … --`) and splitting a whole command line written into `command`: `[command, ...args]`.
   * Empty for remote entries.
   */
  argv: string[]
  /** Wrappers removed to reach `argv`, outermost first (e.g. `["cmd /c"]`). */
  wrappers: string[]
  /** Notes from unwrapping and resolution (e.g. "unwrapped `cmd /c`"). */
  notes: string[]
}

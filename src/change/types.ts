/**
 * Base/head change model (issue 5): how each MCP server of a changed config file differs between
 * the pull request's base and head. Pure data; built by `classify.ts`.
 *
 * Every display string here is plain text with secrets masked (SPEC §9): environment and header
 * VALUES are never shown, only that they changed; URLs are shown as `sanitizeUrl` gives them.
 * The `ResolvedServer`s carried along (`head`, `base`) hold their raw `ServerEntry` like every
 * `ResolvedServer` in the pipeline: their `entry.launch` and `argv` must never be printed raw.
 */
import type { ResolvedServer } from '../resolve/types.js'

/** What happened to one server between base and head (issue 5). */
export const CHANGE_KINDS = ['added', 'changed', 'removed', 'unchanged'] as const
export type ChangeKind = (typeof CHANGE_KINDS)[number]

/**
 * What differs for a `changed` server, in the order they are reported:
 * - `renamed`: the server's key in the map changed, its launch did not (see `pairing.ts`);
 * - `package`: another package, image or ecosystem (npm/PyPI/OCI identity, or a change between
 *   ecosystems); two remote servers differ by `url` instead, two local/unknown ones by
 *   `command`/`args`;
 * - `version`: the written version of the same package (`1.2.0 → 1.3.1`, `^1.2 → 1.3.1`);
 * - `command`, `args`: the effective command line after unwrapping (`ResolvedServer.argv`),
 *   beyond what `package`/`version` already say;
 * - `wrappers`: the wrappers removed to reach it (`cmd /c`, `bash -lc`, `wsl`, `env`);
 * - `env-keys`: environment variable names added or removed; `env-value`: the value of a
 *   variable present on both sides changed (one aspect per variable; values never shown);
 * - `url`: the remote endpoint as shown (credentials, query and token segments removed);
 *   `url-credentials`: only the hidden parts changed (user info, query, fragment, a token-like
 *   path segment);
 * - `header-keys`, `header-value`: like the environment, for HTTP headers (names compared
 *   case-insensitively, RFC 9110 §5.1);
 * - `transport`: `type`/`transport` (a command entry with no type is `stdio`);
 * - `cwd`: the working directory; `disabled`: the client's enabled flag; `auto-approve`: the
 *   tools the client runs without asking (`autoApprove`/`alwaysAllow`, a set); `trust`: Gemini's
 *   `trust` (skip all confirmations).
 */
export const CHANGE_ASPECTS = [
  'moved',
  'renamed',
  'package',
  'version',
  'command',
  'args',
  'wrappers',
  'env-keys',
  'env-value',
  'url',
  'url-credentials',
  'header-keys',
  'header-value',
  'transport',
  'cwd',
  'disabled',
  'auto-approve',
  'trust'
] as const
export type ChangeAspect = (typeof CHANGE_ASPECTS)[number]

/** Short names of aspects for people (table cells, messages). */
export const ASPECT_LABELS: Readonly<Record<ChangeAspect, string>> = {
  moved: 'moved to another file',
  renamed: 'renamed',
  package: 'package',
  version: 'version',
  command: 'command',
  args: 'arguments',
  wrappers: 'wrappers',
  'env-keys': 'env keys',
  'env-value': 'env values',
  url: 'URL',
  'url-credentials': 'URL credentials',
  'header-keys': 'header names',
  'header-value': 'header values',
  transport: 'transport',
  cwd: 'working directory',
  disabled: 'enabled/disabled',
  'auto-approve': 'auto-approve',
  trust: 'trust'
}

/** One difference of a `changed` server. All strings are plain text with secrets masked. */
export interface AspectChange {
  aspect: ChangeAspect
  /**
   * The base side as shown (e.g. `1.2.0`, `npx`, `API_KEY, DEBUG`); null when absent on the
   * base, or never shown (`env-value`, `header-value`, `url-credentials`).
   */
  before: string | null
  /** The head side as shown; null when absent on the head, or never shown. */
  after: string | null
  /** One line for people: `version 1.2.0 → 1.3.1`, `env value of API_KEY changed`. */
  message: string
}

/** What happened to one server (one head entry, or one base-only entry for `removed`). */
export interface ServerChange {
  kind: ChangeKind
  /** The server's key in its map: the head's name, the base's for `removed`. */
  name: string
  /** Empty unless `kind` is `changed`; in `CHANGE_ASPECTS` order. */
  aspects: AspectChange[]
  /**
   * `before → after` when the written version of the same package changed (`1.2.0 → 1.3.1`,
   * `^1.2.0 → ^1.3.0`, `latest → 1.3.1`), else null. See `written-version.ts`.
   */
  versionBump: string | null
  /** The head server; null for `removed`. */
  head: ResolvedServer | null
  /** The base server it was matched with (its `entry.location` is the base line); null for `added`. */
  base: ResolvedServer | null
}

/**
 * What happened to a config file as a whole:
 * - `added`: no base version (a new file): every server is `added`;
 * - `removed`: no head version (a deleted file): every base server is `removed`;
 * - `modified`: some server was added, changed or removed;
 * - `unchanged`: every server is `unchanged` and none was removed (reformatting, comments and
 *   key order do not count);
 * - `unknown`: the base or the head could not be parsed, so servers cannot be compared (see
 *   `notes`). With an unreadable base every head server counts as `added`, so nothing escapes
 *   the gate because its base was broken; with an unreadable head nothing is listed.
 */
export const CONFIG_CHANGE_STATUSES = [
  'added',
  'removed',
  'modified',
  'unchanged',
  'unknown'
] as const
export type ConfigChangeStatus = (typeof CONFIG_CHANGE_STATUSES)[number]

/** The classification of one config file. */
export interface ConfigChange {
  /** The config path (the head's `ParsedConfig.path`). */
  path: string
  status: ConfigChangeStatus
  /** One per head entry, in the head's order (index-aligned with `ParsedConfig.servers`). */
  servers: ServerChange[]
  /** Base entries with no head counterpart, in the base's order; each of kind `removed`. */
  removed: ServerChange[]
  /** Why the comparison was limited (a side could not be parsed, the base had no servers). */
  notes: string[]
}

/** Counts for headings (`summary.ts`). */
export interface ChangeSummary {
  /** Servers per kind; `removed` counts base-only entries. */
  servers: Record<ChangeKind, number>
  /** Config files per status. */
  configs: Record<ConfigChangeStatus, number>
}

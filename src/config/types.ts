/**
 * Config-side data model (SPEC §2 `ServerEntry`, §3 config files).
 *
 * Lines and columns are 1-based everywhere in this project (SPEC §8).
 */

/** Client formats we recognise, named after the client that reads the file (SPEC §3). */
export const CLIENT_FORMATS = [
  'claude-desktop',
  'claude-code',
  'cursor',
  'windsurf',
  'cline',
  'roo',
  'kiro',
  'gemini',
  'copilot',
  'amazonq',
  'vscode',
  'zed',
  'codex',
  'generic'
] as const
export type ClientFormat = (typeof CLIENT_FORMATS)[number]

/** A 1-based position in a config file. */
export interface SourceLocation {
  line: number
  column: number
}

/** How a server entry launches its server, as written in the config (untrusted strings). */
export interface RawLaunch {
  /** `type`/`transport` as written (`stdio`, `http`, `sse`, `streamable-http`, …). */
  type?: string
  command?: string
  args: string[]
  /**
   * Environment variables as written. Values may be literal secrets: they are kept only so the
   * secret detector can inspect them and must never be printed unmasked.
   */
  env: Record<string, string>
  /** Remote endpoint from `url`, `serverUrl` or `httpUrl`. May carry credentials: never print raw. */
  url?: string
  /** HTTP headers as written. Values may be secrets: never print raw. */
  headers: Record<string, string>
  cwd?: string
}

/** Client-side flags that change how much the client trusts a server. */
export interface ClientFlags {
  disabled: boolean
  /** Tools approved without asking: `autoApprove`, `alwaysAllow` (Cline/Roo/Kiro), Zed-style. */
  autoApprove: string[]
  /** Gemini `trust: true` (skip all confirmations). */
  trust: boolean
}

/** One MCP server entry in one config file (SPEC §2). */
export interface ServerEntry {
  /** Config path as given to the gate (posix separators, relative to the workspace when possible). */
  config: string
  format: ClientFormat
  /** The entry's key in the server map. */
  name: string
  /** Position of the entry's key. */
  location: SourceLocation
  launch: RawLaunch
  flags: ClientFlags
  /**
   * Positions of individual fields, keyed by a dotted path relative to the entry
   * (`command`, `args.2`, `env.API_KEY`, `headers.Authorization`, `url`), for precise annotations.
   */
  fieldLocations: Record<string, SourceLocation>
  /** Things worth telling the user about this entry (e.g. a non-string arg that was converted). */
  notes: string[]
}

/** A config file that could not be read or parsed; `line`/`column` point at the problem. */
export interface ConfigError {
  message: string
  line: number
  column: number
}

/** The outcome of parsing one config file. Exactly one of: servers (maybe none), or `error`. */
export interface ParsedConfig {
  path: string
  format: ClientFormat
  /** True when the file holds a server map (even an empty one). False means "no MCP servers". */
  hasServerMap: boolean
  servers: ServerEntry[]
  error: ConfigError | null
  /** File-level notes: skipped comment-like keys, wrong key for the client, … */
  notes: string[]
}

/**
 * A literal secret found in a config entry (SPEC §3, §8 `LITERAL_SECRET`). Holds only a masked
 * form of the value (e.g. `ghp_…(40 chars)`); the raw value never leaves the detector.
 */
export interface LiteralSecret {
  /** Dotted field path inside the entry: `env.GITHUB_TOKEN`, `headers.Authorization`, `args.3`, `url`. */
  field: string
  /** What kind of secret the detector recognised (e.g. "GitHub token", "password in URL"). */
  kind: string
  /** The masked value: a short known prefix, an ellipsis and the length. */
  masked: string
  /** Which rule found it (secretlint rule id or our own rule id). */
  rule: string
  /** Where the field is in the config, when known. */
  location?: SourceLocation
}

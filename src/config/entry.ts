import { CLIENT_NAMES } from './formats.js'
import { quoteKey } from './notes.js'
import { newRecord, setOwn } from './record.js'
import { describeKind, uniqueProperties } from './tree.js'
import type { LocatedObject, LocatedProperty, LocatedValue } from './tree.js'
import type { ClientFormat, ClientFlags, RawLaunch, ServerEntry, SourceLocation } from './types.js'

/** Keys that hold a remote server's endpoint, in the order they are read (SPEC §3). */
export const REMOTE_URL_KEYS = ['url', 'serverUrl', 'httpUrl'] as const

/** Transport names clients write in `type`/`transport`; used to recognise bare server maps. */
const TRANSPORT_NAMES = new Set([
  'stdio',
  'sse',
  'http',
  'streamable-http',
  'streamablehttp',
  'streamable_http',
  'ws',
  'websocket',
  'local',
  'remote'
])

/** Keys holding tools the client runs without asking (Claude/Cline/Roo/Kiro/Amazon Q…). */
const AUTO_APPROVE_KEYS = ['autoApprove', 'alwaysAllow'] as const

/** Where an entry came from, for {@link readServerEntry}. */
export interface EntryContext {
  /** Config path as given to the gate; copied into `ServerEntry.config`. */
  config: string
  format: ClientFormat
  /**
   * Input ids declared by a VS Code `inputs` array. When set, `${input:id}` references to any
   * other id get a note (VS Code cannot resolve them and the server starts without the value).
   */
  declaredInputs?: ReadonlySet<string>
}

/**
 * True when a value is an object shaped like an MCP server entry: it has a `command` (string,
 * array or Zed's `{path}` object), a remote URL key, a `type`/`transport` naming a known
 * transport, or a nested `transport` object shaped like an entry. Used to recognise a server map with no wrapper key (plugin-style `.mcp.json`).
 */
export function looksLikeServerEntry(value: LocatedValue): value is LocatedObject {
  if (value.kind !== 'object') return false
  return value.properties.some((property) => {
    const v = property.value
    if (property.key === 'command') {
      return v.kind === 'string' || v.kind === 'array' || v.kind === 'object'
    }
    if ((REMOTE_URL_KEYS as readonly string[]).includes(property.key)) return v.kind === 'string'
    if (property.key === 'type' || property.key === 'transport') {
      if (v.kind === 'string') return TRANSPORT_NAMES.has(v.value.toLowerCase())
      // a nested launch object: "transport": {"type": "stdio", "command": …}
      return property.key === 'transport' && looksLikeServerEntry(v)
    }
    return false
  })
}

/**
 * Reads one server entry (SPEC §2 `ServerEntry`, §3 shapes) from its located object.
 *
 * Understands: `type`/`transport`/`transportType`; `command` as a string, as an array (first
 * element is the command, the rest lead the args) or as Zed's legacy `{path, args, env}` object;
 * `args`; `env`; `url`/`serverUrl`/`httpUrl`; `headers` (Codex: `http_headers`); `cwd`; a nested
 * `transport: {type, command, args, env, url}` object when the entry has no launch keys of its
 * own; flags `disabled` (Codex: `enabled = false`), `autoApprove`/`alwaysAllow`, Gemini `trust`.
 *
 * Tolerant by design: numbers and booleans in `args`/`env`/`headers` become strings, other
 * unusable values are dropped, duplicate keys keep the last value (as JSON.parse does) — each
 * with a note on the entry. Notes name fields, never values (values may be secrets).
 *
 * @param name the entry's key in its server map.
 * @param keyLocation where that key is written (1-based).
 * @returns the entry; `fieldLocations` holds `type`, `command`, `url`, `cwd`, `autoApprove`,
 *   each `args.N` (N = index in `launch.args`), `env.KEY` and `headers.KEY` that were read.
 *   Never throws.
 */
export function readServerEntry(
  name: string,
  keyLocation: SourceLocation,
  value: LocatedObject,
  context: EntryContext
): ServerEntry {
  const reader = new EntryReader(value, context)
  const launch = reader.launch()
  const flags = reader.flags()
  reader.checkIdentifiable(launch, value)
  if (context.declaredInputs !== undefined) reader.checkInputs(launch, context.declaredInputs)
  return {
    config: context.config,
    format: context.format,
    name,
    location: keyLocation,
    launch,
    flags,
    fieldLocations: reader.fieldLocations,
    notes: reader.notes
  }
}

class EntryReader {
  readonly notes: string[] = []
  readonly fieldLocations = newRecord<SourceLocation>()
  private readonly fields: Map<string, LocatedProperty>
  /** Fields of a nested `transport` object (`{type, url}` or `{type, command, args, env}`). */
  private readonly transport: Map<string, LocatedProperty> | undefined
  /** True when the entry has no launch keys of its own, so they are read from `transport`. */
  private readonly launchFromTransport: boolean

  constructor(
    entry: LocatedObject,
    private readonly context: EntryContext
  ) {
    this.fields = this.fieldsOf(entry, '')
    const transport = this.fields.get('transport')
    const hasOwnLaunch =
      this.fields.has('command') || REMOTE_URL_KEYS.some((key) => this.fields.has(key))
    if (transport?.value.kind === 'object') {
      this.transport = this.fieldsOf(transport.value, 'transport.')
    }
    this.launchFromTransport = this.transport !== undefined && !hasOwnLaunch
    if (this.launchFromTransport) {
      this.notes.push('Launch settings are read from the nested "transport" object')
    }
  }

  launch(): RawLaunch {
    const launch: RawLaunch = { args: [], env: newRecord<string>(), headers: newRecord<string>() }
    const type = this.readType()
    if (type !== undefined) launch.type = type

    const command = this.lookup('command')
    let argsProperty = this.lookup('args')
    let envProperty = this.lookup('env')
    if (command !== undefined) {
      const v = command.value
      if (v.kind === 'string') {
        if (v.value.trim() === '') this.notes.push('"command" is empty')
        else launch.command = v.value
        this.fieldLocations.command = command.location
      } else if (v.kind === 'array') {
        this.readCommandArray(v.items, command.location, launch)
      } else if (v.kind === 'object') {
        // Zed's older shape: "command": {"path": …, "args": […], "env": {…}}
        const inner = this.fieldsOf(v, 'command.')
        const path = inner.get('path')
        if (path?.value.kind === 'string' && path.value.value.trim() !== '') {
          launch.command = path.value.value
          this.fieldLocations.command = path.location
        } else {
          this.notes.push('"command" is an object without a "path" string')
        }
        argsProperty = inner.get('args') ?? argsProperty
        envProperty = inner.get('env') ?? envProperty
      } else {
        this.notes.push(`"command" is ${describeKind(v.kind)}, not a string; ignored`)
      }
    }

    if (argsProperty !== undefined) this.readArgs(argsProperty, launch.args)
    if (envProperty !== undefined) this.readStringMap(envProperty, 'env', launch.env)
    const headers = this.lookup('headers') ?? this.lookup('http_headers')
    if (headers !== undefined) this.readStringMap(headers, 'headers', launch.headers)

    const url = this.readUrl()
    if (url !== undefined) launch.url = url

    const cwd = this.lookup('cwd')
    if (cwd !== undefined) {
      if (cwd.value.kind === 'string') {
        launch.cwd = cwd.value.value
        this.fieldLocations.cwd = cwd.location
      } else {
        this.notes.push(`"cwd" is ${describeKind(cwd.value.kind)}, not a string; ignored`)
      }
    }
    return launch
  }

  flags(): ClientFlags {
    const flags: ClientFlags = { disabled: false, autoApprove: [], trust: false }
    const disabled = this.fields.get('disabled')
    if (disabled !== undefined) {
      if (disabled.value.kind === 'boolean') flags.disabled = disabled.value.value
      else
        this.notes.push(
          `"disabled" is ${describeKind(disabled.value.kind)}, not true/false; the server is treated as enabled`
        )
    }
    const enabled = this.fields.get('enabled')
    if (
      this.context.format === 'codex' &&
      enabled?.value.kind === 'boolean' &&
      !enabled.value.value
    ) {
      flags.disabled = true
    }

    const approved = new Set<string>()
    for (const key of AUTO_APPROVE_KEYS) {
      const property = this.fields.get(key)
      if (property === undefined) continue
      this.fieldLocations.autoApprove ??= property.location
      if (property.value.kind !== 'array') {
        this.notes.push(
          `"${key}" is ${describeKind(property.value.kind)}, not a list of tool names; ignored`
        )
        continue
      }
      let skipped = 0
      for (const item of property.value.items) {
        if (item.kind === 'string') approved.add(item.value)
        else skipped++
      }
      if (skipped > 0)
        this.notes.push(`"${key}" has ${skipped} item(s) that are not tool names; ignored`)
    }
    flags.autoApprove = [...approved]

    const trust = this.fields.get('trust')
    if (trust !== undefined) {
      if (trust.value.kind === 'boolean') flags.trust = trust.value.value
      else this.notes.push(`"trust" is ${describeKind(trust.value.kind)}, not true/false; ignored`)
    }
    return flags
  }

  /** Notes an entry the resolver will not be able to identify (no command, no URL). */
  checkIdentifiable(launch: RawLaunch, entry: LocatedObject): void {
    if (launch.command !== undefined || launch.url !== undefined) return
    const source = this.fields.get('source')
    if (source?.value.kind === 'string' && source.value.value === 'extension') {
      this.notes.push(
        'Provided by an editor extension ("source": "extension"): how it is launched is not in this file'
      )
      return
    }
    this.notes.push('No "command" and no remote URL ("url", "serverUrl" or "httpUrl")')
    const nested = entry.properties
      .filter((p) => looksLikeServerEntry(p.value))
      .map((p) => quoteKey(p.key))
    if (nested.length > 0) {
      this.notes.push(
        `It holds what look like server entries (${nested.join(', ')}); ` +
          `${CLIENT_NAMES[this.context.format]} does not read servers nested there`
      )
    }
  }

  /** Notes `${input:id}` references to ids the file's VS Code `inputs` do not declare. */
  checkInputs(launch: RawLaunch, declared: ReadonlySet<string>): void {
    const texts = [
      launch.command ?? '',
      launch.url ?? '',
      ...launch.args,
      ...Object.values(launch.env),
      ...Object.values(launch.headers)
    ]
    const missing = new Set<string>()
    for (const text of texts) {
      for (const match of text.matchAll(/\$\{input:([^}]*)\}/g)) {
        const id = match[1] ?? ''
        if (!declared.has(id)) missing.add(id)
      }
    }
    for (const id of missing) {
      this.notes.push(
        `References \${input:${id}} but the file's "inputs" declare no input with that id`
      )
    }
  }

  private fieldsOf(object: LocatedObject, prefix: string): Map<string, LocatedProperty> {
    const { properties, duplicates } = uniqueProperties(object)
    if (duplicates.length > 0) {
      this.notes.push(
        `Keys written more than once (the last one counts): ${duplicates.map((d) => quoteKey(prefix + d)).join(', ')}`
      )
    }
    return new Map(properties.map((p) => [p.key, p]))
  }

  private lookup(key: string): LocatedProperty | undefined {
    const own = this.fields.get(key)
    if (own !== undefined || !this.launchFromTransport) return own
    return this.transport?.get(key)
  }

  private readType(): string | undefined {
    for (const key of ['type', 'transport', 'transportType']) {
      const property = this.fields.get(key)
      if (property === undefined) continue
      if (property.value.kind === 'string') {
        this.fieldLocations.type = property.location
        return property.value.value
      }
      if (key === 'transport' && property.value.kind === 'object') continue
      this.notes.push(`"${key}" is ${describeKind(property.value.kind)}, not a string; ignored`)
    }
    const nested = this.transport?.get('type')
    if (nested?.value.kind === 'string') {
      this.fieldLocations.type = nested.location
      return nested.value.value
    }
    return undefined
  }

  private readCommandArray(items: LocatedValue[], location: SourceLocation, launch: RawLaunch) {
    const [first, ...rest] = items
    if (first?.kind !== 'string' || first.value.trim() === '') {
      this.notes.push('"command" is an array that does not start with a program name; ignored')
      return
    }
    launch.command = first.value
    this.fieldLocations.command = location
    this.notes.push(
      '"command" is an array: its first element is the command, the rest lead the args'
    )
    this.appendArgs(rest, launch.args, '"command"')
  }

  private readArgs(property: LocatedProperty, args: string[]): void {
    const v = property.value
    if (v.kind === 'array') {
      this.appendArgs(v.items, args, '"args"')
    } else if (v.kind === 'string') {
      this.fieldLocations[`args.${args.length}`] = v.location
      args.push(v.value)
      this.notes.push('"args" is a single string, not an array; it is taken as one argument')
    } else {
      this.notes.push(`"args" is ${describeKind(v.kind)}, not an array; ignored`)
    }
  }

  private appendArgs(items: LocatedValue[], args: string[], label: string): void {
    let converted = 0
    let dropped = 0
    for (const item of items) {
      let text: string
      if (item.kind === 'string') text = item.value
      else if (item.kind === 'number' || item.kind === 'boolean') {
        text = String(item.value)
        converted++
      } else {
        dropped++
        continue
      }
      setOwn(this.fieldLocations, `args.${args.length}`, item.location)
      args.push(text)
    }
    if (converted > 0) {
      this.notes.push(`${label} has ${converted} number/boolean item(s), converted to strings`)
    }
    if (dropped > 0) {
      this.notes.push(
        `${label} has ${dropped} item(s) that are not strings, numbers or booleans; ignored`
      )
    }
  }

  /** Reads `env`/`headers`: string values kept, numbers/booleans converted, others dropped. */
  private readStringMap(
    property: LocatedProperty,
    field: 'env' | 'headers',
    target: Record<string, string>
  ): void {
    const v = property.value
    const label = `"${property.key}"`
    if (v.kind !== 'object') {
      this.notes.push(`${label} is ${describeKind(v.kind)}, not an object; ignored`)
      return
    }
    const { properties, duplicates } = uniqueProperties(v)
    if (duplicates.length > 0) {
      this.notes.push(
        `${label} names a key more than once (the last one counts): ${duplicates.map(quoteKey).join(', ')}`
      )
    }
    for (const member of properties) {
      const mv = member.value
      let text: string
      if (mv.kind === 'string') text = mv.value
      else if (mv.kind === 'number' || mv.kind === 'boolean') {
        text = String(mv.value)
        this.notes.push(
          `${label} value of ${quoteKey(member.key)} is ${describeKind(mv.kind)}, converted to a string`
        )
      } else {
        this.notes.push(
          `${label} value of ${quoteKey(member.key)} is ${describeKind(mv.kind)}; ignored`
        )
        continue
      }
      setOwn(target, member.key, text)
      setOwn(this.fieldLocations, `${field}.${member.key}`, member.location)
    }
  }

  private readUrl(): string | undefined {
    let url: string | undefined
    let usedKey = ''
    for (const key of REMOTE_URL_KEYS) {
      const property = this.lookup(key)
      if (property === undefined) continue
      if (property.value.kind !== 'string') {
        this.notes.push(`"${key}" is ${describeKind(property.value.kind)}, not a string; ignored`)
      } else if (url === undefined) {
        url = property.value.value
        usedKey = key
        this.fieldLocations.url = property.location
      } else {
        this.notes.push(`Both "${usedKey}" and "${key}" are set; the gate reads "${usedKey}"`)
      }
    }
    return url
  }
}

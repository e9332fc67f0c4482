/**
 * Renderers of the `inventory` command (SPEC §8): every server found, with identity, version
 * spec, resolved version, pin status and the config-level reasons (`UNPINNED`,
 * `LITERAL_SECRET` with the value masked), no grading.
 *
 * - JSON: the same `configs` and `servers` as the JSON report, without `grade`, `registry`,
 *   `exception` and `verdict`, with only the config-level reasons (and the server's `notes`).
 * - CSV: in registry format (SPEC §7 columns), so an admin can start a registry from it.
 * - table: aligned plain text for a terminal.
 */
import { z } from 'zod'
import type { ParsedConfig } from '../config/types.js'
import type { Reason } from '../policy/reasons.js'
import { formatServerKey, serverKeysOf } from '../resolve/server-id.js'
import type { ResolvedServer } from '../resolve/types.js'
import { locationDisplay, packageDisplay, pinnedDisplay } from './display.js'
import {
  JsonConfigSchema,
  JsonPackageSchema,
  JsonReasonSchema,
  REPORT_VERSION,
  jsonConfig,
  jsonPackage,
  jsonReason
} from './json.js'
import { toOneLine } from './markdown.js'
import { serverNotes } from './server-facts.js'
import { layoutColumns, paint, terminalText, type Cell, type Column } from './terminal.js'

/** What `inventory()` found: the input of every inventory renderer. */
export interface InventoryRun {
  tool: { name: string; version: string }
  configs: ParsedConfig[]
  servers: { server: ResolvedServer; reasons: Reason[] }[]
}

/** One entry of the inventory's `servers[]`. */
export const InventoryServerSchema = z.looseObject({
  name: z.string(),
  config: z.string(),
  line: z.number().int().min(1),
  column: z.number().int().min(1),
  package: JsonPackageSchema,
  reasons: z.array(JsonReasonSchema),
  notes: z.array(z.string())
})

/** The inventory JSON (SPEC §8). */
export const InventoryJsonSchema = z.looseObject({
  reportVersion: z.literal(REPORT_VERSION),
  tool: z.looseObject({ name: z.string(), version: z.string() }),
  configs: z.array(JsonConfigSchema),
  servers: z.array(InventoryServerSchema)
})
export type InventoryJson = z.infer<typeof InventoryJsonSchema>

/** JSON Schema (draft 2020-12) of the inventory JSON. */
export function inventoryJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(InventoryJsonSchema, { target: 'draft-2020-12', io: 'output' })
}

/** The inventory as JSON (SPEC §8); configs and servers keep the run's order. */
export function toInventoryJson(run: InventoryRun): InventoryJson {
  return {
    reportVersion: REPORT_VERSION,
    tool: { name: run.tool.name, version: run.tool.version },
    configs: run.configs.map(jsonConfig),
    servers: run.servers.map(({ server, reasons }) => ({
      name: server.entry.name,
      config: server.entry.config,
      line: server.entry.location.line,
      column: server.entry.location.column,
      package: jsonPackage(server.package),
      reasons: reasons.map(jsonReason),
      notes: serverNotes(server)
    }))
  }
}

/** Registry columns, in order (SPEC §7). */
export const REGISTRY_COLUMNS = [
  'server_id',
  'display_name',
  'current_grade',
  'audit_url',
  'audit_date',
  'environments_approved',
  'data_access_summary',
  'data_classification',
  'exception_id',
  'owner_team'
] as const

/**
 * The `server_id` a registry row would use for `server` (SPEC §7): its purl when it has one
 * (an exact package version), else the normalised identity (`formatServerKey`:
 * `npm:@scope/pkg`, `pypi:name`, `oci:ghcr.io/org/img:tag`, `https://host/path`,
 * `github:org/repo`, `local:./server.js`), which `parseServerId` reads back to the same key.
 * Null when nothing identifies the server (an unidentified launch, a URL built from a variable).
 */
export function registryServerId(server: ResolvedServer): string | null {
  if (server.package.purl) return server.package.purl
  const key = serverKeysOf(server)[0]
  return key ? formatServerKey(key) : null
}

/**
 * One CSV cell (RFC 4180): made one line; a leading `=`, `+`, `-`, `@`, tab or CR gets a `'`
 * prefix so spreadsheets do not run it as a formula (OWASP "CSV Injection"); quoted when it holds
 * `"`, `,`, or leading/trailing spaces, with `"` doubled.
 */
export function csvCell(value: string): string {
  let v = toOneLine(value)
  if (/^[\t\r]/.test(value) || /^\s*[=+\-@]/.test(v)) v = `'${v}`
  return /[",]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v
}

/**
 * The inventory as CSV in registry format (SPEC §7), a valid registry file: a header row of
 * `REGISTRY_COLUMNS`, then one row per distinct `server_id` (`registryServerId`), in run order. A
 * registry has one row per server, so entries that run the same identity (the same package in two
 * config files, say) share one row, and its `display_name` is the first entry's name. Only
 * `server_id` and `display_name` are known here; the other cells are empty for the admin to
 * fill. Lines end with `\n`. Servers with no identity are not rows (list them with
 * `unregistrableServers`), nor are invalid configs (list them with `configErrorLines`).
 */
export function renderInventoryCsv(run: InventoryRun): string {
  const lines: string[] = [REGISTRY_COLUMNS.join(',')]
  const seen = new Set<string>()
  for (const { server } of run.servers) {
    const id = registryServerId(server)
    if (id === null || seen.has(id)) continue
    seen.add(id)
    const row: Record<(typeof REGISTRY_COLUMNS)[number], string> = {
      server_id: id,
      display_name: server.entry.name,
      current_grade: '',
      audit_url: '',
      audit_date: '',
      environments_approved: '',
      data_access_summary: '',
      data_classification: '',
      exception_id: '',
      owner_team: ''
    }
    lines.push(REGISTRY_COLUMNS.map((c) => csvCell(row[c])).join(','))
  }
  return `${lines.join('\n')}\n`
}

/** `name (config:line)` of each server that has no identity a registry row can name. */
export function unregistrableServers(run: InventoryRun): string[] {
  return run.servers
    .filter(({ server }) => registryServerId(server) === null)
    .map(({ server }) =>
      terminalText(
        `${server.entry.name} (${server.entry.config}:${server.entry.location.line})`,
        300
      )
    )
}

/** `path:line:column: message` for each invalid config (one line each, terminal-safe). */
export function configErrorLines(configs: readonly ParsedConfig[]): string[] {
  return configs.flatMap((c) =>
    c.error
      ? [terminalText(`${c.path}:${c.error.line}:${c.error.column}: ${c.error.message}`, 2000)]
      : []
  )
}

const COLUMNS: Column[] = [
  { header: 'Server', shrink: true, minWidth: 10 },
  { header: 'File:line', shrink: true, minWidth: 12 },
  { header: 'Ecosystem' },
  { header: 'Package', shrink: true, minWidth: 16 },
  { header: 'Pinned' },
  { header: 'Reasons', shrink: true, minWidth: 10 }
]

/**
 * The inventory as an aligned plain-text table (optionally coloured), then the config errors
 * (`path:line:column: message`), files without MCP servers, and each server's reasons with
 * fixes and its notes.
 */
export function renderInventoryTable(
  run: InventoryRun,
  options: { color?: boolean; width?: number } = {}
): string {
  const colour = options.color === true
  const out: string[] = []
  if (run.servers.length > 0) {
    const rows = run.servers.map(({ server, reasons }): Cell[] => {
      const pinned = pinnedDisplay(server.package)
      const codes = [...new Set(reasons.map((r) => r.code))].join(', ')
      const blocked = reasons.some((r) => r.severity === 'error')
      return [
        { text: server.entry.name },
        { text: locationDisplay(server.entry.config, server.entry.location.line) },
        { text: server.package.ecosystem },
        { text: packageDisplay(server.package) },
        { text: pinned, colour: pinned === 'no' ? 'yellow' : undefined },
        { text: codes || '—', colour: blocked ? 'red' : codes ? 'yellow' : 'dim' }
      ]
    })
    out.push(...layoutColumns(COLUMNS, rows, { colour, maxWidth: options.width }))
  } else {
    out.push('No MCP servers found.')
  }
  const errors = configErrorLines(run.configs)
  if (errors.length > 0) {
    out.push('', paint('Invalid config files:', 'bold', colour), ...errors.map((e) => `  ✖ ${e}`))
  }
  const empty = run.configs.filter((c) => !c.error && !c.hasServerMap)
  if (empty.length > 0) {
    out.push(
      '',
      'Files without MCP servers:',
      ...empty.map((c) => `  ${terminalText(c.path, 1000)}`)
    )
  }
  for (const { server, reasons } of run.servers) {
    const notes = serverNotes(server)
    if (reasons.length === 0 && notes.length === 0) continue
    out.push(
      '',
      `${terminalText(server.entry.name, 200)} (${terminalText(locationDisplay(server.entry.config, server.entry.location.line), 300)})`
    )
    for (const r of reasons) {
      out.push(
        `  ${r.severity === 'error' ? '✖' : '!'} ${r.code}: ${terminalText(r.message, 1000)}`
      )
      if (r.fix) out.push(`    fix: ${terminalText(r.fix, 1000)}`)
    }
    for (const note of notes) out.push(`  note: ${terminalText(note, 1000)}`)
  }
  const invalid = errors.length
  out.push(
    '',
    `${run.servers.length} servers in ${run.configs.length} config files` +
      (invalid > 0 ? ` (${invalid} invalid)` : '')
  )
  return `${out.join('\n')}\n`
}

/**
 * Counts and one-line texts of change classifications, for headings and table cells (issue 5).
 */
import {
  ASPECT_LABELS,
  CHANGE_KINDS,
  CONFIG_CHANGE_STATUSES,
  type ChangeKind,
  type ChangeSummary,
  type ConfigChange,
  type ConfigChangeStatus,
  type ServerChange
} from './types.js'

/**
 * Servers per kind (each head entry once; `removed` counts base-only entries) and config files
 * per status, over `changes`. Every kind and status is present, zero when none. Pure.
 */
export function summariseChanges(changes: readonly ConfigChange[]): ChangeSummary {
  const servers = Object.fromEntries(CHANGE_KINDS.map((kind) => [kind, 0])) as Record<
    ChangeKind,
    number
  >
  const configs = Object.fromEntries(CONFIG_CHANGE_STATUSES.map((status) => [status, 0])) as Record<
    ConfigChangeStatus,
    number
  >
  for (const change of changes) {
    configs[change.status]++
    for (const server of [...change.servers, ...change.removed]) servers[server.kind]++
  }
  return { servers, configs }
}

/**
 * A heading text for `summary`: the non-zero server counts in the order added, changed,
 * removed, unchanged (`2 added, 1 changed, 5 unchanged`); `no servers` when all are zero. Pure.
 */
export function summaryText(summary: ChangeSummary): string {
  const parts = CHANGE_KINDS.filter((kind) => summary.servers[kind] > 0).map(
    (kind) => `${summary.servers[kind]} ${kind}`
  )
  return parts.length === 0 ? 'no servers' : parts.join(', ')
}

/**
 * The class of one server for a table cell: `added`, `removed`, `unchanged`, or `changed: `
 * and what changed, once each in aspect order, the version as its bump
 * (`changed: 1.2.0 → 1.3.1, env keys`, `changed: renamed from "old", command`). Plain text
 * (masked like the aspects); the caller escapes it for Markdown. Pure.
 */
export function changeText(change: ServerChange): string {
  if (change.kind !== 'changed') return change.kind
  const labels: string[] = []
  for (const aspect of change.aspects) {
    let label = ASPECT_LABELS[aspect.aspect]
    if (aspect.aspect === 'version' && change.versionBump !== null) label = change.versionBump
    if (aspect.aspect === 'renamed' && aspect.before !== null) {
      label = `renamed from ${JSON.stringify(aspect.before)}`
    }
    if (!labels.includes(label)) labels.push(label)
  }
  return `changed: ${labels.join(', ')}`
}

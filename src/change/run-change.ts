/**
 * The change under review inside one gate run (issue 5, scope 1): read the changed config files,
 * classify their servers against the base, pick the base versions worth grading for a "grade
 * went down" call-out, and apply `scope: changed` (unchanged servers are reported, not blocking).
 */
import { discoverConfigs } from '../config/discover.js'
import { formatFromPath } from '../config/formats.js'
import { failed, parseConfig } from '../config/parse.js'
import { readConfig } from '../config/read.js'
import type { ParsedConfig, ServerEntry } from '../config/types.js'
import type { GradeReport } from '../grade/report.js'
import type { Reason } from '../policy/reasons.js'
import type { ServerChangeFacts, ServerResult } from '../policy/result.js'
import { describePackage } from '../resolve/describe.js'
import type { ResolvedServer } from '../resolve/types.js'
import {
  classifyConfig,
  classifyDeletedConfig,
  classifyDeletedUnreadableBase,
  classifyUnreadableBase
} from './classify.js'
import { gradeDrop } from './grade-drop.js'
import type { ChangeInput } from './input.js'
import { blocksInScope, type ChangeScope } from './scope.js'
import { summariseChanges } from './summary.js'
import type { AspectChange, ChangeSummary, ConfigChange, ServerChange } from './types.js'

/** A server the change removes (it no longer runs: shown, never graded or blocking). */
export interface RemovedServer {
  name: string
  /** The config path (the base path for a removed file). */
  config: string
  /** Where it was on the base, 1-based. */
  line: number
  column: number
  /** The package as the base launched it (`describePackage`). */
  package: string
  purl: string | null
}

/** The change a run gated (GateRun `change`); null when the run gated the whole workspace. */
export interface RunChange {
  scope: ChangeScope
  /** Each changed config file: its status and notes (an unreadable base, a renamed file). */
  configs: { path: string; status: ConfigChange['status']; notes: string[] }[]
  removed: RemovedServer[]
  /** Counts per server kind and config status. */
  summary: ChangeSummary
}

/**
 * Read the head side of the changed config files (removed files have none): from the workspace
 * (`cwd`), from the text given, or as an invalid config naming why it could not be read.
 * @returns one ParsedConfig per changed, not removed, file, in `change` order. Never throws.
 */
export async function readChangedConfigs(
  change: ChangeInput,
  cwd: string
): Promise<ParsedConfig[]> {
  const configs: ParsedConfig[] = []
  for (const file of change.configs) {
    const unreadable = (why: string): ParsedConfig =>
      failed(file.path, formatFromPath(file.path) ?? 'generic', {
        message: `Could not read this config at the pull request's head: ${why} (line 1, column 1)`,
        line: 1,
        column: 1
      })
    switch (file.head.kind) {
      case 'none':
        break
      case 'text':
        configs.push(parseConfig(file.path, file.head.text))
        break
      case 'unreadable':
        configs.push(unreadable(file.head.why))
        break
      case 'workspace': {
        try {
          const [found] = await discoverConfigs([file.path], { cwd })
          configs.push(found ? await readConfig(found) : unreadable('it is not in the workspace'))
        } catch (error) {
          configs.push(unreadable(error instanceof Error ? error.message : String(error)))
        }
        break
      }
    }
  }
  return configs
}

/** The classified change: per head entry, and per config file. */
export interface ClassifiedChange {
  /** The change of each head server entry (by entry object). */
  byEntry: Map<ServerEntry, ServerChange>
  configs: ConfigChange[]
}

/**
 * Classify every server of the changed configs against the base (`classifyConfig`), using the
 * gate's resolved head servers so bumps show exact versions. An unreadable base makes every
 * server of that file `added` (fail closed). Never throws.
 */
export function classifyChange(
  change: ChangeInput,
  configs: readonly ParsedConfig[],
  resolved: readonly ResolvedServer[]
): ClassifiedChange {
  const byPath = new Map(configs.map((c) => [c.path, c]))
  const byEntry = new Map<ServerEntry, ServerChange>()
  const classified: ConfigChange[] = []
  for (const file of change.configs) {
    if (file.status === 'removed' || file.head.kind === 'none') {
      if (file.base.kind === 'text') {
        classified.push(classifyDeletedConfig(file.path, file.base.text))
      } else if (file.base.kind === 'unknown') {
        classified.push(classifyDeletedUnreadableBase(file.path, file.base.why))
      }
      continue
    }
    const head = byPath.get(file.path)
    if (!head) continue
    const base = file.base
    const result =
      base.kind === 'absent'
        ? classifyConfig(head, null, { resolved })
        : base.kind === 'text'
          ? classifyConfig(head, base.text, { resolved, basePath: base.path })
          : classifyUnreadableBase(head, base.why, { resolved })
    const moved = base.kind === 'text' && base.path !== file.path ? base.path : null
    classified.push(result)
    result.servers.forEach((server, i) => {
      const entry = head.servers[i]
      if (entry) byEntry.set(entry, moved === null ? server : movedFrom(server, moved, file.path))
    })
  }
  return { byEntry, configs: classified }
}

/**
 * A server of a config file the change moved (renamed) from `from` to `to`: never `unchanged`,
 * because the policy is chosen by the config's path (a file moved into `deploy/prod/` must meet
 * production's rules). Kinds other than `unchanged` keep theirs, with the move added.
 */
function movedFrom(server: ServerChange, from: string, to: string): ServerChange {
  if (server.kind !== 'unchanged' && server.kind !== 'changed') return server
  const aspect: AspectChange = {
    aspect: 'moved',
    before: from,
    after: to,
    message: `config file moved from ${from} to ${to}`
  }
  return { ...server, kind: 'changed', aspects: [aspect, ...server.aspects] }
}

/**
 * The base server worth grading to call out a grade that went down: a `changed` server whose
 * base ran another exact package version (a pinned purl differing from the head's). Unpinned
 * bases are not graded (what they ran is not known from the config).
 */
export function baseToGrade(change: ServerChange): ResolvedServer | null {
  const base = change.base
  const head = change.head
  if (change.kind !== 'changed' || !base || !head) return null
  const purl = base.package.purl
  if (!base.package.pinned || purl === null || purl === head.package.purl) return null
  return base
}

/**
 * The change facts of a server result: its classification, the grade drop against the base
 * grade (when both were graded), and whether it may block under `scope`.
 */
export function changeFacts(
  change: ServerChange,
  scope: ChangeScope,
  grades: { base: GradeReport | null; head: GradeReport | null }
): ServerChangeFacts {
  const base = change.base
  return {
    kind: change.kind,
    aspects: change.aspects,
    versionBump: change.versionBump,
    base: base ? { name: base.entry.name, line: base.entry.location.line } : null,
    gradeDrop: grades.base && grades.head ? gradeDrop(grades.base, grades.head) : null,
    blocking: blocksInScope(change.kind, scope)
  }
}

/** The note added to each reason of a server `scope: changed` keeps from blocking. */
export const NOT_BLOCKING_NOTE =
  'not blocking: the change leaves this server as it was and scope is `changed`'

/**
 * `scope: changed` for a server the change leaves unchanged: still graded and reported with
 * every reason, but nothing blocks. Error reasons become warnings that say why; a `fail` or
 * `error` verdict becomes `warn`. Other verdicts are kept.
 */
export function exemptFromBlocking(result: ServerResult): ServerResult {
  if (result.verdict !== 'fail' && result.verdict !== 'error') return result
  const reasons: Reason[] = result.reasons.map((r) =>
    r.severity === 'error'
      ? { ...r, severity: 'warning', message: `${r.message} (${NOT_BLOCKING_NOTE})` }
      : r
  )
  return { ...result, verdict: 'warn', reasons }
}

/** The servers each change removes, for the report. */
export function removedServers(configs: readonly ConfigChange[]): RemovedServer[] {
  return configs.flatMap((c) =>
    c.removed.flatMap((r) =>
      r.base
        ? [
            {
              name: r.name,
              config: c.path,
              line: r.base.entry.location.line,
              column: r.base.entry.location.column,
              package: describePackage(r.base.package),
              purl: r.base.package.purl
            }
          ]
        : []
    )
  )
}

/** The run's change record (GateRun `change`). */
export function runChange(scope: ChangeScope, configs: readonly ConfigChange[]): RunChange {
  return {
    scope,
    configs: configs.map((c) => ({ path: c.path, status: c.status, notes: c.notes })),
    removed: removedServers(configs),
    summary: summariseChanges(configs)
  }
}

/**
 * `GateRun`: everything one run of the gate found, the input of every renderer (SPEC §2, §8).
 * Built by `gate()`; renderers never do I/O on it except writing their own output.
 */
import type { RunChange } from '../change/run-change.js'
import type { ParsedConfig } from '../config/types.js'
import type { EffectivePolicy } from '../policy/types.js'
import type { ServerResult } from '../policy/result.js'

/** Overall verdict of a run: fail when any server or config blocks, warn when any warns. */
export type RunVerdict = 'pass' | 'warn' | 'fail'

export interface RunCounts {
  servers: number
  pass: number
  warn: number
  fail: number
  excepted: number
  error: number
}

export interface GateRun {
  tool: { name: string; version: string }
  /** ISO timestamp of the start of the run. */
  startedAt: string
  /** The date (UTC, `YYYY-MM-DD`) used for dates in the policy. */
  today: string
  /** Which grader graded (`builtin`, `api`, `command`, `registry`). */
  grader: string
  /**
   * The distinct policies applied in this run, in first-use order (usually one; more when policy
   * rules map config paths to different environments, SPEC §6).
   */
  policies: EffectivePolicy[]
  /** The registry file used (SPEC §7), or null when the run had none. */
  registryFile: string | null
  /** The exceptions file used (SPEC §7), or null when the run had none. */
  exceptionsFile: string | null
  configs: ParsedConfig[]
  servers: ServerResult[]
  /**
   * The change under review, when the run gated a pull request's (or merge group's) changed
   * config files: the scope, each file's status, the servers it removes, counts. Null when the
   * run gated the whole workspace.
   */
  change: RunChange | null
  verdict: RunVerdict
  counts: RunCounts
}

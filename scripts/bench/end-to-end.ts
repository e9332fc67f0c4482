/**
 * End-to-end benchmarks of `mcp-grade-gate check` (child processes, see `check-run.ts`): a
 * config checked with a cold then a warm grade cache, and how the cold time grows with the number
 * of servers.
 */
import { type CheckRun, type CheckSetup, CheckWorkspace, checkRun } from './check-run.js'
import { type PinnedServer, pinnedConfig } from './pinned-config.js'
import { type SampleSummary, summarise } from './stats.js'

/** Cold and warm runs of one config. */
export interface ColdWarmResult {
  servers: number
  rounds: number
  cold: CheckRun[]
  warm: CheckRun[]
  coldWallMs: SampleSummary
  warmWallMs: SampleSummary
  /** CPU time of the child (user + system); null when a run did not report it. */
  coldCpuMs: SampleSummary | null
  warmCpuMs: SampleSummary | null
  /** Highest peak RSS of any run, in bytes (null when a run did not report it). */
  peakRssBytes: number | null
  /** Problems that make the figures unrepresentative (ungraded servers, differing outcomes, …). */
  problems: string[]
}

/**
 * Check `servers` `rounds` times, each round with a fresh grade cache: a cold run, then a warm
 * one (same cache directory).
 * @throws Error when a run fails (see `checkRun`).
 */
export async function benchColdWarm(
  setup: CheckSetup,
  servers: readonly PinnedServer[],
  rounds: number
): Promise<ColdWarmResult> {
  const workspace = new CheckWorkspace(pinnedConfig(servers))
  const cold: CheckRun[] = []
  const warm: CheckRun[] = []
  try {
    for (let i = 0; i < rounds; i++) {
      const cache = workspace.freshCacheDir()
      cold.push(await checkRun(setup, workspace, cache))
      warm.push(await checkRun(setup, workspace, cache))
    }
  } finally {
    workspace.dispose()
  }
  const problems = [...cold, ...warm].flatMap((run) => runProblems(run, servers.length))
  const first = JSON.stringify(cold[0]?.outcomes)
  if ([...cold, ...warm].some((run) => JSON.stringify(run.outcomes) !== first)) {
    problems.push('the runs gave different verdicts or grades')
  }
  const requests = warm.reduce((sum, run) => sum + run.registryRequests, 0)
  if (requests > 0) problems.push(`warm runs made ${requests} registry request(s)`)
  return {
    servers: servers.length,
    rounds,
    cold,
    warm,
    coldWallMs: summarise(cold.map((r) => r.wallMs)),
    warmWallMs: summarise(warm.map((r) => r.wallMs)),
    coldCpuMs: cpuSummary(cold),
    warmCpuMs: cpuSummary(warm),
    peakRssBytes: highestRss([...cold, ...warm]),
    problems: [...new Set(problems)]
  }
}

/** One size of a scaling series. */
export interface ScalingPoint {
  servers: number
  /** Distinct package versions among them (what the grader grades). */
  distinctPackages: number
  /** Cold-cache wall time, median of the rounds, in ms. */
  wallMs: number
  /** `wallMs / servers`. */
  msPerServer: number
  /** CPU time of the child (user + system), median of the rounds, in ms; null when unreported. */
  cpuMs: number | null
  peakRssBytes: number | null
  registryRequests: number
}

/** A scaling series: one way of building configs of growing size. */
export interface ScalingSeries {
  label: string
  points: ScalingPoint[]
  /** Problems that make the figures unrepresentative. */
  problems: string[]
}

/**
 * Cold-cache check time of the first `size` servers of `servers`, for each size in `sizes`
 * (median of `rounds` runs, each with a fresh grade cache).
 * @throws RangeError when a size exceeds the servers given; Error when a run fails.
 */
export async function benchScaling(
  setup: CheckSetup,
  label: string,
  servers: readonly PinnedServer[],
  sizes: readonly number[],
  rounds: number
): Promise<ScalingSeries> {
  const points: ScalingPoint[] = []
  const problems: string[] = []
  for (const size of sizes) {
    if (size > servers.length) {
      throw new RangeError(`${label}: ${size} servers wanted, ${servers.length} available`)
    }
    const chosen = servers.slice(0, size)
    const workspace = new CheckWorkspace(pinnedConfig(chosen))
    const runs: CheckRun[] = []
    try {
      for (let i = 0; i < rounds; i++) {
        runs.push(await checkRun(setup, workspace, workspace.freshCacheDir()))
      }
    } finally {
      workspace.dispose()
    }
    problems.push(...runs.flatMap((run) => runProblems(run, size)))
    const wallMs = summarise(runs.map((r) => r.wallMs)).median
    points.push({
      servers: size,
      distinctPackages: new Set(chosen.map((s) => `${s.name}@${s.version}`)).size,
      wallMs,
      msPerServer: wallMs / size,
      cpuMs: cpuSummary(runs)?.median ?? null,
      peakRssBytes: highestRss(runs),
      registryRequests: runs[0]!.registryRequests
    })
  }
  return { label, points, problems: [...new Set(problems)] }
}

/** Why a run's figures are not representative: servers missing or not graded. */
function runProblems(run: CheckRun, expected: number): string[] {
  const problems: string[] = []
  if (run.servers !== expected)
    problems.push(`a run reported ${run.servers} of ${expected} servers`)
  if (run.graded < run.servers) {
    problems.push(`a run graded only ${run.graded} of ${run.servers} servers`)
  }
  return problems
}

function cpuSummary(runs: readonly CheckRun[]): SampleSummary | null {
  if (runs.some((r) => r.cpuMs === null)) return null
  return summarise(runs.map((r) => r.cpuMs!))
}

/**
 * The highest peak RSS of `runs`, in bytes; null when a run did not report its own (a maximum
 * over some runs would understate the peak); `-Infinity` for no runs (`Math.max()` of nothing).
 */
export function highestRss(runs: readonly CheckRun[]): number | null {
  if (runs.some((r) => r.peakRssBytes === null)) return null
  return Math.max(...runs.map((r) => r.peakRssBytes!))
}

/**
 * The vendored corpus of real MCP client configs (`__tests__/fixtures/corpus/mcp-configs/`, 176
 * files and `MANIFEST.tsv`, read by `loadCorpus` of `__tests__/corpus.ts`) for benchmarks: timing
 * its parse + offline resolution, and counting which npm packages its servers launch.
 */
import type { CorpusFile } from '../../__tests__/corpus.js'
import { parseConfig } from '../../src/config/parse.js'
import { resolveServers } from '../../src/resolve/resolve.js'
import { type SampleSummary, summarise } from './stats.js'

/** What `benchCorpusParse` measured. */
export interface CorpusParseResult {
  files: number
  /** Server entries found in one pass. */
  servers: number
  /** Timed rounds (after `WARM_UP_ROUNDS` untimed ones). */
  rounds: number
  /** Untimed warm-up rounds before them. */
  warmUpRounds: number
  /**
   * Wall time of the very first round, in ms: cold code, as a gate run that parses once sees it
   * (for the record; the target is on the warm median).
   */
  firstRoundMs: number
  /** Wall time of one round (parse + resolve of every file), in ms. */
  roundMs: SampleSummary
  /** CPU time of one round (user + system, all threads of this process), in ms. */
  roundCpuMs: SampleSummary
  /** Files per second of the median round (wall time). */
  filesPerSecond: number
  /** Files per CPU second of the median round: less sensitive to other work on the machine. */
  filesPerCpuSecond: number
}

/**
 * Untimed rounds before the timed ones: on this project's machine a round's CPU time falls from
 * ~260 ms to ~50 ms over the first dozen rounds as the JIT compiler optimises the parser.
 */
const WARM_UP_ROUNDS = 15

/**
 * Time `parseConfig` + `resolveServers(…, {npm: null})` (offline: identification only) of every
 * corpus file, in memory (file reading excluded): `WARM_UP_ROUNDS` warm-up rounds (the first one
 * timed on its own, `firstRoundMs`), then `rounds` timed rounds.
 * @throws RangeError when `rounds` < 1.
 */
export async function benchCorpusParse(
  corpus: readonly CorpusFile[],
  rounds: number
): Promise<CorpusParseResult> {
  if (rounds < 1) throw new RangeError('rounds must be at least 1')
  const once = async (): Promise<number> => {
    let servers = 0
    for (const { logicalPath, text } of corpus) {
      const parsed = parseConfig(logicalPath, text)
      servers += (await resolveServers(parsed.servers, { npm: null })).length
    }
    return servers
  }
  const first = performance.now()
  const servers = await once()
  const firstRoundMs = performance.now() - first
  for (let i = 1; i < WARM_UP_ROUNDS; i++) await once()
  const times: number[] = []
  const cpuTimes: number[] = []
  for (let i = 0; i < rounds; i++) {
    const started = performance.now()
    const cpu = process.cpuUsage()
    await once()
    times.push(performance.now() - started)
    const used = process.cpuUsage(cpu)
    cpuTimes.push((used.user + used.system) / 1000)
  }
  const roundMs = summarise(times)
  const roundCpuMs = summarise(cpuTimes)
  return {
    files: corpus.length,
    servers,
    rounds,
    warmUpRounds: WARM_UP_ROUNDS,
    firstRoundMs,
    roundMs,
    roundCpuMs,
    filesPerSecond: corpus.length / (roundMs.median / 1000),
    filesPerCpuSecond: corpus.length / (roundCpuMs.median / 1000)
  }
}

/** How often the corpus launches one npm package. */
export interface NpmPackageUsage {
  name: string
  /** Server entries launching it. */
  entries: number
  /** The exact version each pinned entry names (repeats kept); unpinned entries add nothing. */
  pinnedVersions: string[]
}

/**
 * The npm packages the corpus's server entries launch (parse + offline identification, SPEC §4),
 * most used first (ties by name, for a stable order).
 */
export async function corpusNpmUsage(corpus: readonly CorpusFile[]): Promise<NpmPackageUsage[]> {
  const usage = new Map<string, NpmPackageUsage>()
  for (const { logicalPath, text } of corpus) {
    const parsed = parseConfig(logicalPath, text)
    for (const server of await resolveServers(parsed.servers, { npm: null })) {
      const p = server.package
      if (p.ecosystem !== 'npm' || p.name === null) continue
      const entry = usage.get(p.name) ?? { name: p.name, entries: 0, pinnedVersions: [] }
      entry.entries += 1
      if (p.pinned && p.version !== null) entry.pinnedVersions.push(p.version)
      usage.set(p.name, entry)
    }
  }
  return [...usage.values()].sort((a, b) => b.entries - a.entries || a.name.localeCompare(b.name))
}

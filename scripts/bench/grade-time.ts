/**
 * Built-in grading time per package, download excluded: for one pinned npm server, the time of
 * `resolveServers` + the built-in grader's `grade` (packument and dependency packuments parsed
 * and validated, tarball integrity checked and read in memory, every package rule, the source
 * analysis, the declared tools, advisories from a local OSV database, the config-entry rules,
 * scoring), with every registry answer served from memory by the `RegistryCache` and fresh
 * clients per run (nothing memoised between runs, as in a real run).
 */
import { parseConfig } from '../../src/config/parse.js'
import type { AdvisorySource } from '../../src/grade/builtin/advisories/source.js'
import { createBuiltinGrader } from '../../src/grade/builtin/index.js'
import { readPackageFiles } from '../../src/grade/builtin/package-files.js'
import { silentLogger } from '../../src/log.js'
import type { NpmRegistryClient } from '../../src/resolve/npm-registry.js'
import { resolveServers } from '../../src/resolve/resolve.js'
import { pinnedConfig, serverKey } from './pinned-config.js'
import type { BenchPackage } from './popular-packages.js'
import type { RegistryCache } from './registry-cache.js'
import { type SampleSummary, summarise } from './stats.js'

/**
 * Part of the labels `primeGrading` marks complete: raised whenever grading starts reading
 * registry answers it did not read before (2: one-version documents of dependencies; 3:
 * abbreviated packuments of dependencies, stored apart from full ones), so that an older cache
 * is primed again rather than missing them.
 */
const PRIMING_VERSION = 3

/** The grading time of one package. */
export interface PackageGradeTime {
  name: string
  version: string
  /** Unpacked size of the tarball's files, in bytes. */
  unpackedBytes: number
  /** Registry answers one grading reads (packuments of the package and its dependencies, tarball). */
  registryAnswers: number
  /** The outcome of the last timed run. */
  outcome: GradeSummary
  /** Timed runs with fresh clients, in ms. */
  ms: SampleSummary
  /** CPU time of the same runs (user + system, all threads of this process), in ms. */
  cpuMs: SampleSummary
  /**
   * Timed runs with the registry answers already parsed (a shared, warm registry client), in ms;
   * the difference to `ms` is reading the registry answers (JSON parsing, validation). Null
   * when not measured.
   */
  memoisedMs: SampleSummary | null
}

/** What grading needs: the registry answers and the advisories. */
export interface GradeContext {
  cache: RegistryCache
  advisories: AdvisorySource
}

/** One grading: its time (ms), the registry answers it read and its outcome. */
export interface Grading {
  /** Wall time, ms. */
  ms: number
  /** CPU time of this process meanwhile (user + system, all threads), ms. */
  cpuMs: number
  registryAnswers: number
  outcome: GradeSummary
}

/** The outcome of a grading: `graded` with the overall grade, else `ungraded`/`error` with why. */
export type GradeSummary =
  | { kind: 'graded'; grade: string; score: number | null; findings: number }
  | { kind: 'ungraded' | 'error'; message: string }

/**
 * Grade `p` once with a fresh grader (see the module doc) and time it. Never rejects for the
 * package's sake: registry or tarball failures are an `error` outcome.
 * @param shared a registry client to reuse (its packuments stay parsed between runs); default a
 *   fresh one, as in a real run.
 */
async function gradeOnce(
  p: BenchPackage,
  context: GradeContext,
  shared?: NpmRegistryClient
): Promise<Grading> {
  const config = pinnedConfig([{ key: serverKey(p.name), name: p.name, version: p.version }])
  let answers = 0
  const http = context.cache.httpClient(() => (answers += 1))
  const npm = shared ?? context.cache.npmClient(http)
  const grader = createBuiltinGrader({
    npm,
    http,
    advisories: context.advisories,
    logger: silentLogger
  })
  const started = performance.now()
  const cpu = process.cpuUsage()
  const [server] = await resolveServers(parseConfig('.mcp.json', config).servers, { npm })
  const outcome = await grader.grade(server!)
  const ms = performance.now() - started
  const used = process.cpuUsage(cpu)
  return {
    ms,
    cpuMs: (used.user + used.system) / 1000,
    registryAnswers: answers,
    outcome:
      outcome.kind === 'graded'
        ? {
            kind: 'graded',
            grade: outcome.report.overall.grade,
            score: outcome.report.overall.score,
            findings: outcome.report.findings.length
          }
        : {
            kind: outcome.kind,
            message: outcome.kind === 'error' ? outcome.message : outcome.reason
          }
  }
}

/**
 * Make sure the cache holds every registry answer grading `p` reads: grade it once (downloading
 * what is missing, unless the cache is offline) unless the cache marks it complete; marks it
 * complete when it was graded.
 * @returns the priming grading's outcome, or null when the cache was complete already.
 */
export async function primeGrading(
  p: BenchPackage,
  context: GradeContext
): Promise<GradeSummary | null> {
  const label = `pkg:npm/${p.name}@${p.version}#${PRIMING_VERSION}`
  if (context.cache.isComplete(label)) return null
  const { outcome } = await gradeOnce(p, context)
  if (outcome.kind === 'graded' && !context.cache.offline) context.cache.markComplete(label)
  return outcome
}

/**
 * Time the grading of `p`: one untimed warm-up run, then `runs` timed ones with fresh clients
 * (see the module doc); then, for the split, one untimed and `memoisedRuns` timed runs sharing
 * one registry client whose packuments stay parsed (the time without reading registry answers).
 * Prime the cache first (`primeGrading`).
 * @throws Error when the package's tarball is not in the cache.
 */
export async function timeGrading(
  p: BenchPackage,
  context: GradeContext,
  runs: number,
  memoisedRuns: number
): Promise<PackageGradeTime> {
  const warmUp = await gradeOnce(p, context)
  const times: number[] = []
  const cpuTimes: number[] = []
  let last = warmUp
  for (let i = 0; i < runs; i++) {
    last = await gradeOnce(p, context)
    times.push(last.ms)
    cpuTimes.push(last.cpuMs)
  }
  const shared = context.cache.npmClient()
  await gradeOnce(p, context, shared)
  const memoised: number[] = []
  for (let i = 0; i < memoisedRuns; i++) memoised.push((await gradeOnce(p, context, shared)).ms)
  return {
    name: p.name,
    version: p.version,
    unpackedBytes: await unpackedBytes(p, context.cache),
    registryAnswers: warmUp.registryAnswers,
    outcome: last.outcome,
    ms: summarise(times),
    cpuMs: summarise(cpuTimes),
    memoisedMs: memoisedRuns > 0 ? summarise(memoised) : null
  }
}

/** Unpacked size (bytes) of the package's tarball, read from the cache. */
async function unpackedBytes(p: BenchPackage, cache: RegistryCache): Promise<number> {
  const answer = await cache.answer(p.tarball)
  if (answer.status !== 200) throw new Error(`${p.name}@${p.version}: no tarball in the cache`)
  return (await readPackageFiles(answer.body)).unpackedBytes
}

/**
 * `npm run bench` (issue 6, SPEC §9): how fast the gate is on this machine, against the targets
 * of `scripts/bench/targets.ts`. Prints tables, writes `bench/results.json`, and exits 1 when a
 * target is missed or a figure is not representative (printing which), 2 when the benchmark
 * could not run.
 *
 * 1. Corpus: parse + offline resolution (`resolveServers` with `npm: null`) of the vendored
 *    corpus of real configs, in memory; files per second of the median of `--corpus-rounds`
 *    rounds after warm-up rounds.
 * 2. Grading: the built-in grader on the most used npm servers of the corpus (`--packages`,
 *    default 20), each at the version the corpus runs most; median and p95 per package of
 *    `--runs` runs, download excluded (`scripts/bench/grade-time.ts`).
 * 3. End to end: `node dist/cli.js check` of a 10-server pinned config against a local registry
 *    stub on 127.0.0.1, cold then warm grade cache (`--rounds` rounds): wall time and the child's
 *    peak RSS (`scripts/bench/cli-process.ts`: a `node --import` preload reporting `VmHWM` on
 *    Linux), and CPU time.
 * 4. Scaling: cold `check` time at 1, 10, 50, 100 servers — distinct package versions (the
 *    popular packages and their further versions) and, separately, the same 10 packages under
 *    distinct server names (graded once per run each) — with a linearity check.
 *
 * Registry answers (packuments and tarballs of the packages and of their dependency trees) come
 * from the real npm registry (`--upstream`) once, into `--cache-dir` (default `bench/.cache/`,
 * git-ignored); every timed run reads them from there. `--offline` never downloads (a missing
 * answer is reported). The registry here may be a partial mirror: missing packages and versions
 * are skipped and listed.
 *
 * `dist/cli.js` is rebuilt first (`npm run build`) when it is older than `src/`; `--no-build`
 * only warns, `--cli <file>` runs another build. `--only corpus,grade,e2e,scaling` runs some
 * sections (results are then written only with `--output`).
 *
 * Usage: `npm run bench [-- --runs 20 --rounds 3 --offline --cache-dir DIR --output FILE]`.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import * as prettier from 'prettier'
import { z } from 'zod'
import { CORPUS_DIR, loadCorpus } from '../__tests__/corpus.js'
import { loadOsvDatabase } from '../src/grade/builtin/advisories/osv-db.js'
import { DEFAULT_NPM_REGISTRY } from '../src/resolve/npm-registry.js'
import { type CheckSetup } from './bench/check-run.js'
import { cliBundle, NodeRunner, startupMs } from './bench/cli-process.js'
import { benchCorpusParse, type CorpusParseResult, corpusNpmUsage } from './bench/corpus.js'
import {
  benchColdWarm,
  benchScaling,
  type ColdWarmResult,
  highestRss,
  type ScalingSeries
} from './bench/end-to-end.js'
import {
  type GradeContext,
  type PackageGradeTime,
  primeGrading,
  timeGrading
} from './bench/grade-time.js'
import { describeMachine, type Machine, machineLine } from './bench/machine.js'
import { type PinnedServer, serverKey } from './bench/pinned-config.js'
import {
  type BenchPackage,
  distinctVersions,
  pickPopularPackages,
  type SkippedPackage
} from './bench/popular-packages.js'
import { count, formatTable, mb, ms, size } from './bench/printout.js'
import { RegistryCache } from './bench/registry-cache.js'
import { cacheSource } from './bench/registry-sources.js'
import { startRegistryStub } from './bench/registry-stub.js'
import { type SampleSummary, summarise } from './bench/stats.js'
import { TARGETS, type TargetCheck } from './bench/targets.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const fixtures = path.join(root, '__tests__/fixtures')
const SECTIONS = ['corpus', 'grade', 'e2e', 'scaling'] as const
type Section = (typeof SECTIONS)[number]
const SCALING_SIZES = [1, 10, 50, 100]
/** Servers of the end-to-end config (SPEC §9 sizes a warm gate on a 10-server config). */
const E2E_SERVERS = 10

const positiveInt = z.coerce.number().int().positive()
const OptionsSchema = z.object({
  runs: positiveInt.default(20),
  'memoised-runs': z.coerce.number().int().nonnegative().default(5),
  'corpus-rounds': positiveInt.default(30),
  rounds: positiveInt.default(3),
  'scaling-rounds': positiveInt.default(1),
  packages: positiveInt.default(20),
  upstream: z.string().url().default(DEFAULT_NPM_REGISTRY),
  'cache-dir': z.string().min(1).default(path.join(root, 'bench/.cache')),
  output: z.string().min(1).optional(),
  cli: z.string().min(1).optional(),
  offline: z.boolean().default(false),
  'no-build': z.boolean().default(false),
  only: z
    .string()
    .transform((list) => list.split(',').map((s) => s.trim()))
    .pipe(z.array(z.enum(SECTIONS)))
    .optional()
})
type Options = z.infer<typeof OptionsSchema>

/**
 * The command line, validated.
 * @throws Error naming the bad option and what it takes.
 */
function readOptions(): Options {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      runs: { type: 'string' },
      'memoised-runs': { type: 'string' },
      'corpus-rounds': { type: 'string' },
      rounds: { type: 'string' },
      'scaling-rounds': { type: 'string' },
      packages: { type: 'string' },
      upstream: { type: 'string' },
      'cache-dir': { type: 'string' },
      output: { type: 'string' },
      cli: { type: 'string' },
      offline: { type: 'boolean' },
      'no-build': { type: 'boolean' },
      only: { type: 'string' }
    }
  })
  const parsed = OptionsSchema.safeParse(values)
  if (!parsed.success) throw new Error(`bad option: ${z.prettifyError(parsed.error)}`)
  return parsed.data
}

/** What `bench/results.json` holds. Times in ms, sizes in bytes. */
interface BenchResults {
  resultsVersion: 1
  date: string
  machine: Machine & { loadAverageStart: number[]; loadAverageEnd: number[] }
  options: Omit<Options, 'cache-dir' | 'output' | 'cli'>
  corpus: CorpusParseResult | null
  packages: { chosen: BenchPackage[]; skipped: SkippedPackage[] } | null
  grade: PackageGradeTime[] | null
  /**
   * The grade time per package across the packages: min, median, p95 and max of their median
   * times (`grade[i].ms.median`).
   */
  gradeAcrossPackages: SampleSummary | null
  endToEnd: (ColdWarmResult & { startupMs: number; registry: string }) | null
  scaling: { series: ScalingSeries[]; ratio100to10: number | null; limit: number } | null
  /** Answers downloaded by this run, and answers missing from the cache (offline). */
  registryCache: { downloads: number; downloadedBytes: number; missing: number }
  targets: TargetCheck[]
  problems: string[]
}

async function main(): Promise<number> {
  const options = readOptions()
  const sections = new Set<Section>(options.only ?? SECTIONS)
  const machine = describeMachine()
  const loadAverageStart = os.loadavg()
  const date = new Date()
  console.log(`mcp-grade-gate benchmark, ${date.toISOString()}`)
  console.log(
    `machine: ${machineLine(machine)}; load average ${loadAverageStart.map((l) => l.toFixed(2)).join(' ')}`
  )

  // Paths are this machine's: not part of the results.
  const { 'cache-dir': _cacheDir, output: _output, cli: _cli, ...recorded } = options
  const results: BenchResults = {
    resultsVersion: 1,
    date: date.toISOString(),
    machine: { ...machine, loadAverageStart, loadAverageEnd: [] },
    options: recorded,
    corpus: null,
    packages: null,
    grade: null,
    gradeAcrossPackages: null,
    endToEnd: null,
    scaling: null,
    registryCache: { downloads: 0, downloadedBytes: 0, missing: 0 },
    targets: [],
    problems: []
  }
  const needsCli = sections.has('e2e') || sections.has('scaling')
  const cli = needsCli
    ? await cliBundle({ root, cli: options.cli, build: !options['no-build'] })
    : undefined

  // 1. Corpus parse + offline resolution.
  const corpus = loadCorpus(CORPUS_DIR).files
  if (sections.has('corpus')) {
    const parse = await benchCorpusParse(corpus, options['corpus-rounds'])
    results.corpus = parse
    console.log(
      `\n1. Corpus parse + offline resolve: ${parse.files} files, ${parse.servers} servers, median of ${parse.rounds} rounds after ${parse.warmUpRounds} warm-up rounds (files read beforehand)`
    )
    console.log(
      formatTable(
        [
          'first round',
          'round (min)',
          'round (median)',
          'round (max)',
          'CPU (median)',
          'files/CPU s',
          'files/s (median)',
          'target'
        ],
        [
          [
            ms(parse.firstRoundMs),
            ms(parse.roundMs.min),
            ms(parse.roundMs.median),
            ms(parse.roundMs.max),
            ms(parse.roundCpuMs.median),
            `${count(parse.filesPerCpuSecond)}/s`,
            `${count(parse.filesPerSecond)}/s`,
            `≥ ${count(TARGETS.corpusFilesPerSecond)}/s`
          ]
        ]
      )
    )
    results.targets.push({
      name: 'corpus parse + resolve',
      target: `≥ ${count(TARGETS.corpusFilesPerSecond)} files/s`,
      measured: `${count(parse.filesPerSecond)} files/s`,
      met: parse.filesPerSecond >= TARGETS.corpusFilesPerSecond
    })
  }
  if (!sections.has('grade') && !needsCli) return finish(results, options, sections)

  // Packages: choose them, download what is missing, check that each is graded.
  const cache = new RegistryCache({
    dir: path.resolve(options['cache-dir']),
    upstream: options.upstream,
    offline: options.offline
  })
  const npm = cache.npmClient()
  const advisories = await loadOsvDatabase(path.join(fixtures, 'osv'))
  const context: GradeContext = { cache, advisories }
  console.log(
    `\nRegistry answers: ${path.relative(process.cwd(), path.resolve(options['cache-dir'])) || '.'} (${options.offline ? 'offline: nothing is downloaded' : `missing ones downloaded from ${cache.upstream}`})`
  )
  /** Why a package version cannot be benchmarked: its priming grading did not grade it. */
  const ungraded = async (p: BenchPackage): Promise<string | null> => {
    const outcome = await primeGrading(p, context)
    return outcome === null || outcome.kind === 'graded'
      ? null
      : `${outcome.kind}: ${outcome.message}`
  }
  const popular = await pickPopularPackages(await corpusNpmUsage(corpus), {
    count: options.packages,
    npm,
    cache,
    usable: ungraded
  })
  const packages = popular.packages
  const skipped = [...popular.skipped]
  const scalingPackages: BenchPackage[] = []
  if (sections.has('scaling')) {
    const largest = Math.max(...SCALING_SIZES)
    for (const p of await distinctVersions(packages, largest, { npm, cache })) {
      const problem = await ungraded(p)
      if (problem === null) scalingPackages.push(p)
      else skipped.push({ name: p.name, version: p.version, reason: problem })
    }
  }
  results.packages = { chosen: packages, skipped }
  console.log(
    `${packages.length} most used npm servers of the corpus graded (${skipped.length} skipped); downloaded ${cache.stats.downloads} answers, ${mb(cache.stats.downloadedBytes)}`
  )
  if (skipped.length > 0) {
    console.log(
      formatTable(
        ['skipped', 'version', 'why'],
        skipped.map((s) => [s.name, s.version ?? '-', s.reason])
      )
    )
  }
  results.registryCache.downloads = cache.stats.downloads
  results.registryCache.downloadedBytes = cache.stats.downloadedBytes
  // From here on every answer must come from the cache: a miss is reported, never downloaded.
  cache.offline = true
  if (packages.length === 0) {
    results.problems.push('no package of the corpus could be graded: nothing else was measured')
    return finishWithCache(results, options, sections, cache)
  }

  // 2. Built-in grading per package.
  if (sections.has('grade')) {
    console.log(
      `\n2. Built-in grading per package, download excluded: ${options.runs} runs after a warm-up (fresh clients each run); "answers parsed": ${options['memoised-runs']} runs with the registry answers already parsed`
    )
    const times: PackageGradeTime[] = []
    for (const p of packages) {
      times.push(await timeGrading(p, context, options.runs, options['memoised-runs']))
    }
    results.grade = times
    console.log(
      formatTable(
        [
          'package',
          'unpacked',
          'answers',
          'grade',
          'median',
          'p95',
          'CPU (median)',
          'answers parsed',
          `< ${ms(TARGETS.gradeMedianMs)}`
        ],
        times.map((t) => [
          `${t.name}@${t.version}`,
          size(t.unpackedBytes),
          count(t.registryAnswers),
          t.outcome.kind === 'graded'
            ? `${t.outcome.grade} ${t.outcome.score ?? '-'}`
            : t.outcome.kind,
          ms(t.ms.median),
          ms(t.ms.p95),
          ms(t.cpuMs.median),
          t.memoisedMs ? ms(t.memoisedMs.median) : '-',
          t.ms.median < TARGETS.gradeMedianMs ? 'yes' : 'no'
        ])
      )
    )
    const across = summarise(times.map((t) => t.ms.median))
    results.gradeAcrossPackages = across
    const slow = times.filter((t) => t.ms.median >= TARGETS.gradeMedianMs)
    const worst = times.reduce((a, b) => (b.ms.median > a.ms.median ? b : a))
    console.log(
      `Across the ${times.length} packages (each package's median): median ${ms(across.median)}, p95 ${ms(across.p95)}, max ${ms(across.max)}; ${times.length - slow.length} of ${times.length} packages under ${ms(TARGETS.gradeMedianMs)} on their own`
    )
    results.targets.push({
      name: `built-in grade time per package, median of ${times.length} packages`,
      target: `< ${ms(TARGETS.gradeMedianMs)}`,
      measured: `${ms(across.median)} (p95 ${ms(across.p95)}; ${times.length - slow.length} of ${times.length} under on their own, slowest ${ms(worst.ms.median)}: ${worst.name})`,
      met: across.median < TARGETS.gradeMedianMs
    })
    for (const t of times) {
      if (t.outcome.kind !== 'graded')
        results.problems.push(`${t.name}@${t.version} was not graded: ${t.outcome.message}`)
    }
  }

  // 3 and 4. End to end, against the local registry stub.
  if (needsCli) {
    const registry = await startRegistryStub(cacheSource(cache))
    const runner = new NodeRunner()
    try {
      const setup: CheckSetup = {
        cli: cli!,
        runner,
        registry,
        advisoryDb: path.join(fixtures, 'osv')
      }
      const startup = await startupMs(cli!, root)
      console.log(
        `\nCLI: ${path.relative(process.cwd(), cli!) || cli}; registry: ${registry.description} at ${registry.url}`
      )
      console.log(
        `Node start-up and loading the CLI (node ${path.basename(cli!)} --version, median of 3): ${ms(startup)}`
      )
      if (sections.has('e2e')) {
        await runEndToEnd(setup, packages, options, results, startup, registry.description)
      }
      if (sections.has('scaling'))
        await runScaling(setup, scalingPackages, packages, options, results)
    } finally {
      runner.dispose()
      await registry.close()
    }
  }
  return finishWithCache(results, options, sections, cache)
}

/** `finish`, after recording the answers the cache lacked. */
function finishWithCache(
  results: BenchResults,
  options: Options,
  sections: ReadonlySet<Section>,
  cache: RegistryCache
): Promise<number> {
  // Misses happen only offline; the cache remembers each as a 404, so the timed runs lacked it too.
  results.registryCache.missing = cache.stats.misses
  if (cache.stats.misses > 0) {
    results.problems.push(
      `${cache.stats.misses} registry answer(s) were missing from the cache (served as 404, making the runs cheaper): run once without --offline`
    )
  }
  return finish(results, options, sections)
}

async function runEndToEnd(
  setup: CheckSetup,
  packages: readonly BenchPackage[],
  options: Options,
  results: BenchResults,
  startup: number,
  registry: string
): Promise<void> {
  const servers = packages
    .slice(0, E2E_SERVERS)
    .map((p): PinnedServer => ({ key: serverKey(p.name), name: p.name, version: p.version }))
  console.log(
    `\n3. End to end: check of a ${servers.length}-server pinned config, ${options.rounds} rounds of a cold (fresh --cache-dir) then a warm run; peak RSS of the child (node --import preload: VmHWM of /proc/self/status on Linux)`
  )
  const result = await benchColdWarm(setup, servers, options.rounds)
  results.endToEnd = { ...result, startupMs: startup, registry }
  const maxRss = result.peakRssBytes
  console.log(
    formatTable(
      [
        'run',
        'wall (median)',
        'wall (max)',
        'CPU (median)',
        'peak RSS (max)',
        'registry requests',
        'target'
      ],
      (
        [
          ['cold', result.cold, result.coldWallMs, result.coldCpuMs, '-'],
          [
            'warm',
            result.warm,
            result.warmWallMs,
            result.warmCpuMs,
            `< ${ms(TARGETS.warmCheckWallMs)}`
          ]
        ] as const
      ).map(([run, runs, wallMs, cpuMs, target]) => [
        run,
        ms(wallMs.median),
        ms(wallMs.max),
        cpuMs ? ms(cpuMs.median) : '-',
        mb(highestRss(runs)),
        count(runs[0]!.registryRequests),
        target
      ])
    )
  )
  if (servers.length < E2E_SERVERS) {
    results.problems.push(
      `only ${servers.length} packages could be graded for the ${E2E_SERVERS}-server config`
    )
  }
  results.problems.push(...result.problems.map((p) => `end to end: ${p}`))
  results.targets.push({
    name: `warm ${servers.length}-server check, wall`,
    target: `< ${ms(TARGETS.warmCheckWallMs)}`,
    measured: `${ms(result.warmWallMs.median)} (median of ${result.rounds})`,
    met: result.warmWallMs.median < TARGETS.warmCheckWallMs
  })
  results.targets.push({
    name: `${servers.length}-server check, peak RSS (cold and warm)`,
    target: `< ${mb(TARGETS.peakRssBytes)}`,
    measured: mb(maxRss),
    met: maxRss !== null && maxRss < TARGETS.peakRssBytes
  })
}

async function runScaling(
  setup: CheckSetup,
  distinct: readonly BenchPackage[],
  packages: readonly BenchPackage[],
  options: Options,
  results: BenchResults
): Promise<void> {
  const largest = Math.max(...SCALING_SIZES)
  const distinctServers = distinct.map((p, i): PinnedServer => ({
    key: `${i + 1}-${serverKey(p.name)}`,
    name: p.name,
    version: p.version
  }))
  const base = packages.slice(0, E2E_SERVERS)
  const sameServers = Array.from({ length: largest }, (_, i): PinnedServer => {
    const p = base[i % base.length]!
    return { key: `${i + 1}-${serverKey(p.name)}`, name: p.name, version: p.version }
  })
  console.log(
    `\n4. Scaling: cold check at ${SCALING_SIZES.join(', ')} servers (median of ${options['scaling-rounds']} run(s) each)`
  )
  const sizes = SCALING_SIZES.filter((s) => s <= distinctServers.length)
  if (sizes.length < SCALING_SIZES.length) {
    results.problems.push(
      `scaling: only ${distinctServers.length} distinct package versions could be graded`
    )
  }
  const series = [
    await benchScaling(
      setup,
      'distinct package versions',
      distinctServers,
      sizes,
      options['scaling-rounds']
    ),
    await benchScaling(
      setup,
      `the same ${base.length} packages under distinct server names (each graded once per run)`,
      sameServers,
      SCALING_SIZES,
      options['scaling-rounds']
    )
  ]
  for (const s of series) {
    console.log(`${s.label}:`)
    console.log(
      formatTable(
        [
          'servers',
          'distinct packages',
          'wall',
          'per server',
          'CPU',
          'peak RSS',
          'registry requests'
        ],
        s.points.map((p) => [
          count(p.servers),
          count(p.distinctPackages),
          ms(p.wallMs),
          ms(p.msPerServer),
          p.cpuMs === null ? '-' : ms(p.cpuMs),
          mb(p.peakRssBytes),
          count(p.registryRequests)
        ])
      )
    )
    results.problems.push(...s.problems.map((p) => `scaling (${s.label}): ${p}`))
  }
  const at = (n: number): number | undefined =>
    series[0]!.points.find((p) => p.servers === n)?.wallMs
  const t10 = at(10)
  const t100 = at(100)
  const ratio = t10 !== undefined && t100 !== undefined ? t100 / t10 : null
  const limit = 10 * TARGETS.linearSlack
  results.scaling = { series, ratio100to10: ratio, limit }
  results.targets.push({
    name: 'scaling, distinct packages: time(100) / time(10)',
    target: `≤ ${limit.toFixed(0)} (linear, with ${Math.round((TARGETS.linearSlack - 1) * 100)} % slack)`,
    measured: ratio === null ? 'not measured' : `${ratio.toFixed(1)}`,
    met: ratio !== null && ratio <= limit
  })
}

/** Print the targets and problems, write the results, and give the exit code. */
async function finish(
  results: BenchResults,
  options: Options,
  sections: ReadonlySet<Section>
): Promise<number> {
  results.machine.loadAverageEnd = os.loadavg()
  console.log(
    `\nTargets (load average at the end ${results.machine.loadAverageEnd.map((l) => l.toFixed(2)).join(' ')}):`
  )
  console.log(
    formatTable(
      ['measure', 'target', 'measured', 'result'],
      results.targets.map((t) => [t.name, t.target, t.measured, t.met ? 'met' : 'MISSED'])
    )
  )
  for (const problem of results.problems) console.error(`FAIL: ${problem}`)
  for (const t of results.targets.filter((t) => !t.met)) {
    console.error(`FAIL: target missed: ${t.name}: ${t.measured} (target ${t.target})`)
  }
  const complete = sections.size === SECTIONS.length
  const output = options.output ?? (complete ? path.join(root, 'bench/results.json') : undefined)
  if (output !== undefined) {
    mkdirSync(path.dirname(output), { recursive: true })
    // Formatted as the project formats JSON, so that `prettier --check .` accepts the file.
    const style = (await prettier.resolveConfig(output)) ?? {}
    writeFileSync(
      output,
      await prettier.format(JSON.stringify(results), { ...style, filepath: output })
    )
    console.log(`\nResults written to ${path.relative(process.cwd(), output) || output}`)
  } else {
    console.log('\n(--only without --output: results not written)')
  }
  return results.problems.length > 0 || results.targets.some((t) => !t.met) ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`benchmark failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(2)
  }
)

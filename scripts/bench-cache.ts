/**
 * `npm run bench:cache` (issue 5): how much faster a second `mcp-grade-gate check` of the same
 * pinned config is with a warm grade cache. Target: at least 5× faster than the first run.
 *
 * Runs the built CLI (`node dist/cli.js check`, a child process: what users see, Node start-up
 * included) twice on a pinned config in a temp directory, with a fresh temp `--cache-dir` and the
 * vendored OSV database (`__tests__/fixtures/osv`), against a local HTTP server on 127.0.0.1 (a
 * random port) acting as the npm registry and counting requests (`bench/registry-stub.ts`):
 * - by default it forwards every request to the real npm registry (`--upstream <URL>` for
 *   another), for a config pinning ten popular servers (`LIVE_SERVERS`): a real first run, whole
 *   dependency trees; needs the network;
 * - with `--offline` it serves the recorded real packuments and tarballs of
 *   `__tests__/fixtures/packuments` and `tarballs` (tarball URLs rewritten to it, everything else
 *   404) after a simulated network latency (`--latency <ms>`, default 50), for a config pinning
 *   those three servers — no network, but a first run that is cheaper than a real one
 *   (dependency packuments are 404, packuments are trimmed), so the 5× target is not enforced;
 * - `--config <file>` benchmarks that config instead.
 * Prints both wall times, the ratio, the registry requests of each run and the share of Node
 * start-up; exits 1 when the warm run is not at least 5× faster, made a registry request, or gave
 * other verdicts or grades; 2 when a run could not be done.
 *
 * `dist/cli.js` is rebuilt first (`npm run build`, ~40 s) when it is older than a file of `src/`;
 * `--no-build` only warns. `--cli <file>` runs another build of the CLI instead.
 *
 * Usage: `npm run bench:cache [-- --upstream URL | --offline [--latency 0]] [--config file]
 * [--no-build] [--cli file]`.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { DEFAULT_NPM_REGISTRY } from '../src/resolve/npm-registry.js'
import { type CheckSetup, CheckWorkspace, checkRun } from './bench/check-run.js'
import { cliBundle, plainNode, startupMs } from './bench/cli-process.js'
import { type PinnedServer, pinnedConfig, serverKey } from './bench/pinned-config.js'
import { fixtureSource, type FixturePackage, proxySource } from './bench/registry-sources.js'
import { startRegistryStub } from './bench/registry-stub.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const fixtures = path.join(root, '__tests__/fixtures')
const TARGET_RATIO = 5

/**
 * Default simulated time to first byte of each registry answer, in ms. The npm registry answered
 * this project's machine in 40–120 ms per packument and ~65 ms for a tarball (curl
 * `time_starttransfer`, 2026-11-21); 50 ms is the low end. `--latency 0` measures the CPU work
 * alone (a registry on the same machine).
 */
const DEFAULT_LATENCY_MS = 50

/** The recorded servers (see `__tests__/fixtures/packuments/README.md`) and their arguments. */
const PACKAGES: (FixturePackage & { args: string[] })[] = [
  {
    name: '@modelcontextprotocol/server-filesystem',
    version: '2026.8.31',
    packument: 'server-filesystem.json',
    tarball: 'server-filesystem-2026.8.31.tgz',
    args: ['/srv/docs']
  },
  {
    name: 'tavily-mcp',
    version: '0.2.22',
    packument: 'tavily-mcp.json',
    tarball: 'tavily-mcp-0.2.22.tgz',
    args: []
  },
  {
    name: 'figma-developer-mcp',
    version: '0.13.2',
    packument: 'figma-developer-mcp.json',
    tarball: 'figma-developer-mcp-0.13.2.tgz',
    args: ['--stdio']
  }
]

/** Recorded packuments that are not servers: the MCP SDK, which the SDK rules read. */
const EXTRA_PACKUMENTS = { '@modelcontextprotocol/sdk': 'modelcontextprotocol-sdk.json' }

/**
 * The config of `--upstream` runs: ten popular MCP servers pinned to versions published on
 * registry.npmjs.org (SPEC §9 sizes a warm gate on a 10-server config).
 */
const LIVE_SERVERS: [string, string, ...string[]][] = [
  ['@modelcontextprotocol/server-filesystem', '2026.8.31', '/srv/docs'],
  ['tavily-mcp', '0.2.22'],
  ['figma-developer-mcp', '0.13.2', '--stdio'],
  ['@upstash/context7-mcp', '4.1.1'],
  ['chrome-devtools-mcp', '1.11.0'],
  ['@playwright/mcp', '0.0.83'],
  ['@modelcontextprotocol/server-memory', '2026.8.31'],
  ['@modelcontextprotocol/server-sequential-thinking', '2026.8.31'],
  ['firecrawl-mcp', '3.26.0'],
  ['@notionhq/notion-mcp-server', '2.5.2']
]

const OptionsSchema = z.object({
  upstream: z.string().url().optional(),
  offline: z.boolean().default(false),
  latency: z.coerce.number().nonnegative().default(DEFAULT_LATENCY_MS),
  config: z.string().min(1).optional(),
  cli: z.string().min(1).optional(),
  'no-build': z.boolean().default(false)
})

/**
 * The command line, validated.
 * @throws Error naming the bad option and what it takes.
 */
function readOptions(): z.infer<typeof OptionsSchema> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      upstream: { type: 'string' },
      offline: { type: 'boolean' },
      latency: { type: 'string' },
      config: { type: 'string' },
      cli: { type: 'string' },
      'no-build': { type: 'boolean' }
    }
  })
  const parsed = OptionsSchema.safeParse(values)
  if (!parsed.success) throw new Error(`bad option: ${z.prettifyError(parsed.error)}`)
  return parsed.data
}

async function main(): Promise<number> {
  const options = readOptions()
  const offline = options.offline
  const upstream = offline ? undefined : (options.upstream ?? DEFAULT_NPM_REGISTRY)
  const cli = await cliBundle({ root, cli: options.cli, build: !options['no-build'] })
  const startup = await startupMs(cli, root)
  const servers: PinnedServer[] = upstream
    ? LIVE_SERVERS.map(([name, version, ...args]) => ({
        key: serverKey(name),
        name,
        version,
        args
      }))
    : PACKAGES.map((p) => ({
        key: serverKey(p.name),
        name: p.name,
        version: p.version,
        args: p.args
      }))
  const what = options.config ?? `${servers.length} pinned npm servers`
  const config = options.config ? readFileSync(path.resolve(options.config)) : pinnedConfig(servers)
  const registry = await startRegistryStub(
    upstream ? proxySource(upstream) : fixtureSource(fixtures, PACKAGES, EXTRA_PACKUMENTS),
    { latencyMs: upstream ? 0 : options.latency }
  )
  let workspace: CheckWorkspace | undefined
  try {
    workspace = new CheckWorkspace(config)
    // No preload: the wall time is the figure here, and nothing else should add to it.
    const setup: CheckSetup = {
      cli,
      runner: plainNode,
      registry,
      advisoryDb: path.join(fixtures, 'osv')
    }
    const cache = workspace.freshCacheDir()
    // Outcomes with each server's whole grade report: the warm run must give the same ones.
    const cold = await checkRun(setup, workspace, cache, {
      label: 'the cold run',
      outcome: 'report'
    })
    const warm = await checkRun(setup, workspace, cache, {
      label: 'the warm run',
      outcome: 'report'
    })
    const ratio = cold.wallMs / warm.wallMs
    // What the cache can change: the run minus start-up (at least 1 ms, against noise).
    const gateMs = (ms: number): number => Math.max(1, ms - startup)
    console.log(
      `mcp-grade-gate check of ${what} (node ${process.version}, ${path.relative(process.cwd(), cli) || cli}):`
    )
    console.log(`  registry: ${registry.description}`)
    console.log(
      `  cold cache: ${cold.wallMs.toFixed(0)} ms wall, ${cold.registryRequests} registry request(s)`
    )
    console.log(
      `  warm cache: ${warm.wallMs.toFixed(0)} ms wall, ${warm.registryRequests} registry request(s)`
    )
    console.log(`  ratio: ${ratio.toFixed(1)}× (target ≥ ${TARGET_RATIO}×)`)
    console.log(
      `  of each run, node start-up and loading the CLI (--version, median of 3): ${startup.toFixed(0)} ms;` +
        ` without it ${gateMs(cold.wallMs).toFixed(0)} ms vs ${gateMs(warm.wallMs).toFixed(0)} ms, ${(gateMs(cold.wallMs) / gateMs(warm.wallMs)).toFixed(1)}×`
    )
    const same = JSON.stringify(cold.outcomes) === JSON.stringify(warm.outcomes)
    if (offline) {
      console.log(
        `  (--offline: the recorded fixtures make the cold run cheaper than a real one — trimmed packuments, no dependency trees — so the ${TARGET_RATIO}× target applies to the default run against the real registry)`
      )
    }
    const problems = [
      ...(ratio >= TARGET_RATIO || offline
        ? []
        : [`the warm run is only ${ratio.toFixed(1)}× faster`]),
      ...(warm.registryRequests === 0
        ? []
        : [`the warm run made ${warm.registryRequests} registry request(s)`]),
      ...(same ? [] : ['the warm run gave other verdicts or grades than the cold run'])
    ]
    for (const problem of problems) console.error(`FAIL: ${problem}`)
    return problems.length === 0 ? 0 : 1
  } finally {
    await registry.close()
    workspace?.dispose()
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(2)
  }
)

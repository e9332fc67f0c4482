/**
 * `npm run bench:cache` (issue 5): how much faster a second `mcp-grade-gate check` of the same
 * pinned config is with a warm grade cache. Target: at least 5× faster than the first run.
 *
 * Runs the built CLI (`node dist/cli.js check`, a child process: what users see, Node start-up
 * included) twice on a pinned config in a temp directory, with a fresh temp `--cache-dir` and the
 * vendored OSV database (`__tests__/fixtures/osv`), against a local HTTP server on 127.0.0.1 (a
 * random port) acting as the npm registry and counting requests:
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
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const fixtures = path.join(root, '__tests__/fixtures')
const TARGET_RATIO = 5

/** The registry of the default run: the real first run users see. */
const DEFAULT_UPSTREAM = 'https://registry.npmjs.org'

/**
 * Default simulated time to first byte of each registry answer, in ms. The npm registry answered
 * this project's machine in 40–120 ms per packument and ~65 ms for a tarball (curl
 * `time_starttransfer`, 2026-11-21); 50 ms is the low end. `--latency 0` measures the CPU work
 * alone (a registry on the same machine).
 */
const DEFAULT_LATENCY_MS = 50

/** The recorded servers (see `__tests__/fixtures/packuments/README.md`). */
const PACKAGES = [
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

/** Packument file by request path (`/@scope%2fname`, lower case). */
const PACKUMENTS = new Map<string, string>([
  ...PACKAGES.map((p): [string, string] => [`/${p.name.replace('/', '%2f')}`, p.packument]),
  ['/@modelcontextprotocol%2fsdk', 'modelcontextprotocol-sdk.json']
])

interface Registry {
  url: string
  /** What it serves, for the printout. */
  description: string
  /** Requests answered so far. */
  requests: () => number
  close: () => Promise<void>
}

/**
 * The local registry: fixture packuments (tarball URLs pointing at it), tarballs, else 404, each
 * answered after `latencyMs` (the time to first byte of a registry across a network).
 */
async function startRegistry(latencyMs: number): Promise<Registry> {
  let count = 0
  let base = ''
  const tarballs = new Map<string, Buffer>()
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    count += 1
    const url = (req.url ?? '/').split('?')[0]!
    const packument = PACKUMENTS.get(url.toLowerCase())
    if (req.method === 'GET' && packument !== undefined) {
      const text = readFileSync(path.join(fixtures, 'packuments', packument), 'utf8')
      const body = text.replaceAll('https://registry.npmjs.org/', `${base}/`)
      res.writeHead(200, { 'content-type': 'application/json' }).end(body)
      return
    }
    const tarball = tarballs.get(url)
    if (req.method === 'GET' && tarball !== undefined) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(tarball)
      return
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}')
  }
  const server = createServer((req, res) => {
    if (latencyMs > 0) setTimeout(() => handle(req, res), latencyMs)
    else handle(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  for (const p of PACKAGES) {
    const bare = p.name.slice(p.name.lastIndexOf('/') + 1)
    tarballs.set(
      `/${p.name}/-/${bare}-${p.version}.tgz`,
      readFileSync(path.join(fixtures, 'tarballs', p.tarball))
    )
  }
  return {
    url: base,
    description: `local, recorded fixtures, ${latencyMs} ms to first byte per request (--latency)`,
    requests: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}

/**
 * A local counting proxy of a real registry (`--upstream https://registry.npmjs.org`): every GET
 * is forwarded, and tarball URLs in packuments are rewritten to the proxy so that they are counted
 * too. Real packument sizes and whole dependency trees, as a user's first run sees them.
 */
async function startProxy(upstream: string): Promise<Registry> {
  const origin = upstream.replace(/\/+$/, '')
  let count = 0
  let base = ''
  const server = createServer((req, res) => {
    count += 1
    const forward = async (): Promise<void> => {
      const answer = await fetch(`${origin}${req.url ?? '/'}`, {
        headers: { accept: req.headers.accept ?? '*/*' }
      })
      const type = answer.headers.get('content-type') ?? 'application/octet-stream'
      let body = Buffer.from(await answer.arrayBuffer())
      if (type.includes('json')) {
        body = Buffer.from(body.toString('utf8').replaceAll(`${origin}/`, `${base}/`), 'utf8')
      }
      res.writeHead(answer.status, { 'content-type': type }).end(body)
    }
    forward().catch((error: unknown) => {
      res.writeHead(502).end(error instanceof Error ? error.message : String(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: base,
    description: `local counting proxy of ${origin} (--upstream)`,
    requests: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}

/** Newest modification time (ms) of a file under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs)
  }
  return newest
}

/** Run a command to completion (never blocking this process's event loop: the registry). */
function run(
  command: string,
  args: string[],
  options: { cwd: string; quiet: boolean }
): Promise<{ code: number | null; ms: number; stderr: string }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', options.quiet ? 'ignore' : 'inherit', 'pipe']
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
      if (!options.quiet) process.stderr.write(chunk)
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, ms: performance.now() - started, stderr }))
  })
}

/** Ensure the CLI bundle exists and is not older than `src/` (rebuilding unless told not to). */
async function cliBundle(): Promise<string> {
  const given = stringArgument('--cli')
  if (given !== undefined) return path.resolve(given)
  const cli = path.join(root, 'dist/cli.js')
  const built = statSync(cli, { throwIfNoEntry: false })?.mtimeMs ?? 0
  if (built >= newestMtime(path.join(root, 'src'))) return cli
  if (process.argv.includes('--no-build')) {
    console.warn(`warning: ${path.relative(root, cli)} is older than src/ (run npm run build)`)
    return cli
  }
  console.log('dist/cli.js is older than src/: npm run build …')
  const build = await run('npm', ['run', 'build'], { cwd: root, quiet: true })
  if (build.code !== 0) throw new Error(`npm run build failed:\n${build.stderr.slice(-2000)}`)
  return cli
}

interface Report {
  verdict: string
  servers: { name: string; verdict: string; grade: unknown }[]
}

/** The value given as `--<name> <value>`, else undefined. */
function stringArgument(name: string): string | undefined {
  const index = process.argv.indexOf(name)
  if (index < 0) return undefined
  const value = process.argv[index + 1]
  if (!value) throw new Error(`${name} needs a value`)
  return value
}

/** A non-negative number given as `--<name> <value>`, else `fallback`. */
function numberArgument(name: string, fallback: number): number {
  const index = process.argv.indexOf(name)
  if (index < 0) return fallback
  const value = Number(process.argv[index + 1])
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} needs a number ≥ 0`)
  return value
}

/** An `mcpServers` config launching each `[name, version, ...args]` with `npx -y name@version`. */
function pinnedConfig(servers: [string, string, ...string[]][]): string {
  const entries = servers.map(([name, version, ...args]): [string, unknown] => [
    name.slice(name.lastIndexOf('/') + 1),
    { command: 'npx', args: ['-y', `${name}@${version}`, ...args] }
  ])
  return `${JSON.stringify({ mcpServers: Object.fromEntries(entries) }, null, 2)}\n`
}

/** Median wall time (ms) of `node <cli> --version`: start-up and loading the bundle. */
async function startupMs(cli: string): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < 3; i++) {
    times.push((await run(process.execPath, [cli, '--version'], { cwd: root, quiet: true })).ms)
  }
  return times.sort((a, b) => a - b)[1]!
}

async function main(): Promise<number> {
  const latencyMs = numberArgument('--latency', DEFAULT_LATENCY_MS)
  const offline = process.argv.includes('--offline')
  const upstream = offline ? undefined : (stringArgument('--upstream') ?? DEFAULT_UPSTREAM)
  const given = stringArgument('--config')
  const cli = await cliBundle()
  const startup = await startupMs(cli)
  const registry = upstream ? await startProxy(upstream) : await startRegistry(latencyMs)
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-cache-'))
  try {
    const servers = upstream
      ? LIVE_SERVERS
      : PACKAGES.map((p): [string, string, ...string[]] => [p.name, p.version, ...p.args])
    const what = given ? given : `${servers.length} pinned npm servers`
    writeFileSync(
      path.join(work, '.mcp.json'),
      given ? readFileSync(path.resolve(given)) : pinnedConfig(servers)
    )
    const check = (output: string): string[] => [
      cli,
      'check',
      '.mcp.json',
      '--npm-registry',
      registry.url,
      '--advisory-db',
      path.join(fixtures, 'osv'),
      '--cache-dir',
      path.join(work, 'cache'),
      '--retries',
      '0',
      '--format',
      'json',
      '--output',
      output
    ]
    const runs: { label: string; ms: number; requests: number; report: Report }[] = []
    for (const label of ['cold', 'warm']) {
      const before = registry.requests()
      const result = await run(process.execPath, check(`${label}.json`), { cwd: work, quiet: true })
      // 0 = pass, 1 = a server is blocked: both are a completed gate; 2 is not.
      if (result.code !== 0 && result.code !== 1) {
        throw new Error(`the ${label} run exited ${result.code}:\n${result.stderr.slice(-2000)}`)
      }
      const report = JSON.parse(readFileSync(path.join(work, `${label}.json`), 'utf8')) as Report
      runs.push({ label, ms: result.ms, requests: registry.requests() - before, report })
    }
    const [cold, warm] = runs as [(typeof runs)[0], (typeof runs)[0]]
    const ratio = cold.ms / warm.ms
    // What the cache can change: the run minus start-up (at least 1 ms, against noise).
    const gateMs = (ms: number): number => Math.max(1, ms - startup)
    console.log(
      `mcp-grade-gate check of ${what} (node ${process.version}, ${path.relative(process.cwd(), cli) || cli}):`
    )
    console.log(`  registry: ${registry.description}`)
    console.log(`  cold cache: ${cold.ms.toFixed(0)} ms wall, ${cold.requests} registry request(s)`)
    console.log(`  warm cache: ${warm.ms.toFixed(0)} ms wall, ${warm.requests} registry request(s)`)
    console.log(`  ratio: ${ratio.toFixed(1)}× (target ≥ ${TARGET_RATIO}×)`)
    console.log(
      `  of each run, node start-up and loading the CLI (--version, median of 3): ${startup.toFixed(0)} ms;` +
        ` without it ${gateMs(cold.ms).toFixed(0)} ms vs ${gateMs(warm.ms).toFixed(0)} ms, ${(gateMs(cold.ms) / gateMs(warm.ms)).toFixed(1)}×`
    )
    const same =
      JSON.stringify(cold.report.servers.map((s) => [s.name, s.verdict, s.grade])) ===
      JSON.stringify(warm.report.servers.map((s) => [s.name, s.verdict, s.grade]))
    if (offline) {
      console.log(
        `  (--offline: the recorded fixtures make the cold run cheaper than a real one — trimmed packuments, no dependency trees — so the ${TARGET_RATIO}× target applies to the default run against the real registry)`
      )
    }
    const problems = [
      ...(ratio >= TARGET_RATIO || offline
        ? []
        : [`the warm run is only ${ratio.toFixed(1)}× faster`]),
      ...(warm.requests === 0 ? [] : [`the warm run made ${warm.requests} registry request(s)`]),
      ...(same ? [] : ['the warm run gave other verdicts or grades than the cold run'])
    ]
    for (const problem of problems) console.error(`FAIL: ${problem}`)
    return problems.length === 0 ? 0 : 1
  } finally {
    await registry.close()
    rmSync(work, { recursive: true, force: true })
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(2)
  }
)

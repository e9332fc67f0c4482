/**
 * `npm run bench` (issue 4): how long the built-in grader takes to grade one typical MCP server
 * package once it is downloaded — reading the tarball in memory, every package rule, the source
 * analysis, the declared tools and the advisory matching (local OSV database) — on this machine.
 * Target: under 500 ms per package of at most 1 MB unpacked (SPEC §9: "well under 1 s").
 *
 * Uses the recorded real packages of `__tests__/fixtures/tarballs` and their packuments; registry
 * answers come from an in-memory fetch (dependencies the fixtures lack are 404), so nothing
 * touches the network. Prints one line per package (unpacked size, median and worst of the timed
 * runs after two warm-up runs) and exits 1 when a median is over the target.
 *
 * Usage: `npm run bench [-- --runs 20]`.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadOsvDatabase } from '../src/grade/builtin/advisories/osv-db.js'
import { assessPackageFiles } from '../src/grade/builtin/package-assessment.js'
import { readPackageFiles } from '../src/grade/builtin/package-files.js'
import { silentLogger } from '../src/log.js'
import { HttpClient } from '../src/net/http.js'
import { NpmRegistryClient } from '../src/resolve/npm-registry.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const fixtures = path.join(root, '__tests__/fixtures')
const TARGET_MS = 500

const PACKAGES = [
  {
    name: '@modelcontextprotocol/server-filesystem',
    version: '2026.8.31',
    packument: 'server-filesystem.json',
    tarball: 'server-filesystem-2026.8.31.tgz'
  },
  {
    name: 'tavily-mcp',
    version: '0.2.22',
    packument: 'tavily-mcp.json',
    tarball: 'tavily-mcp-0.2.22.tgz'
  },
  {
    name: 'figma-developer-mcp',
    version: '0.13.2',
    packument: 'figma-developer-mcp.json',
    tarball: 'figma-developer-mcp-0.13.2.tgz'
  }
]

/** Packuments by URL path (`/@scope%2fname`), from the fixtures. */
const PACKUMENTS = new Map<string, string>([
  ...PACKAGES.map((p): [string, string] => [`/${p.name.replace('/', '%2f')}`, p.packument]),
  ['/@modelcontextprotocol%2fsdk', 'modelcontextprotocol-sdk.json']
])

/** An in-memory registry: fixture packuments, 404 for everything else. */
const offlineFetch = (input: string | URL): Promise<Response> => {
  const file = PACKUMENTS.get(new URL(String(input)).pathname)
  return Promise.resolve(
    file === undefined
      ? new Response('{"error":"Not found"}', { status: 404 })
      : new Response(readFileSync(path.join(fixtures, 'packuments', file)), { status: 200 })
  )
}

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(name)
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback
  return Number.isInteger(value) && value > 0 ? value : fallback
}

async function main(): Promise<number> {
  const runs = argument('--runs', 20)
  const http = new HttpClient({ fetch: offlineFetch, retries: 0 })
  const npm = new NpmRegistryClient({ http })
  const advisories = await loadOsvDatabase(path.join(fixtures, 'osv'))
  let slow = 0
  console.log(`Built-in grading after download, ${runs} timed runs each (node ${process.version}):`)
  for (const pkg of PACKAGES) {
    const tgz = readFileSync(path.join(fixtures, 'tarballs', pkg.tarball))
    const packument = await npm.getPackument(pkg.name)
    const manifest = npm.manifest(packument, pkg.version)
    const context = { npm, now: () => new Date(), logger: silentLogger, advisories }
    const once = async (): Promise<{ ms: number; unpacked: number; findings: number }> => {
      const started = performance.now()
      const files = await readPackageFiles(tgz)
      const { findings } = await assessPackageFiles(packument, manifest, files, context)
      return {
        ms: performance.now() - started,
        unpacked: files.unpackedBytes,
        findings: findings.length
      }
    }
    await once()
    await once()
    const times: number[] = []
    let last = { ms: 0, unpacked: 0, findings: 0 }
    for (let i = 0; i < runs; i++) {
      last = await once()
      times.push(last.ms)
    }
    times.sort((a, b) => a - b)
    const median = times[Math.floor(times.length / 2)]!
    const worst = times[times.length - 1]!
    if (median > TARGET_MS) slow += 1
    console.log(
      `${pkg.name}@${pkg.version}: ${(last.unpacked / 1024).toFixed(0)} KiB unpacked, ${last.findings} findings — median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms (target < ${TARGET_MS} ms)`
    )
  }
  return slow > 0 ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(2)
  }
)

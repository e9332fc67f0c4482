/**
 * One end-to-end `mcp-grade-gate check` of a config, as a child process (`node <cli> check`),
 * against a local registry stub, with the vendored OSV database and a given grade cache
 * directory; its wall time, peak RSS, registry requests and what it graded (from its JSON report,
 * validated here: the child's output is input too).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { z } from 'zod'
import type { NodeRunner } from './cli-process.js'
import type { RegistryStub } from './registry-stub.js'

/** The part of the CLI's JSON report (SPEC §8) a benchmark reads. */
const ReportSchema = z.looseObject({
  verdict: z.string(),
  servers: z.array(
    z.looseObject({
      name: z.string(),
      verdict: z.string(),
      grade: z.looseObject({ overall: z.looseObject({ grade: z.string() }) }).nullable(),
      reasons: z.array(z.looseObject({ code: z.string() }))
    })
  )
})

/** What one check run did. */
export interface CheckRun {
  /** Wall time from spawn to exit, in ms (Node start-up included). */
  wallMs: number
  /** Peak resident set size of the child, in bytes; null when it was not reported. */
  peakRssBytes: number | null
  /** CPU time of the child (user + system), in ms; null when it was not reported. */
  cpuMs: number | null
  /** Requests the registry stub received during the run. */
  registryRequests: number
  /** Of them, answered 404. */
  registry404: number
  /** Servers in the report. */
  servers: number
  /** Servers with a grade. */
  graded: number
  /** `[server name, verdict, overall grade or null]` of each server, for comparing runs. */
  outcomes: [string, string, string | null][]
}

/** Where and how check runs are made. */
export interface CheckSetup {
  /** The CLI bundle (`dist/cli.js`). */
  cli: string
  runner: NodeRunner
  registry: RegistryStub
  /** The OSV database directory (`--advisory-db`). */
  advisoryDb: string
}

/** A temp workspace holding one config (`.mcp.json`) and grade cache directories. */
export class CheckWorkspace {
  readonly dir: string
  #caches = 0

  /** Create the workspace with `config` as its `.mcp.json`. */
  constructor(config: string) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'bench-check-'))
    writeFileSync(path.join(this.dir, '.mcp.json'), config)
  }

  /** A new, empty grade cache directory path in the workspace (a cold cache). */
  freshCacheDir(): string {
    this.#caches += 1
    return path.join(this.dir, `cache-${this.#caches}`)
  }

  /** Remove the workspace. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/**
 * `node <cli> check .mcp.json --format json` in `workspace` with `--cache-dir cacheDir`,
 * `--npm-registry <stub>`, `--advisory-db`, `--retries 0`.
 * @throws Error when the child exits other than 0 (pass) or 1 (a server blocked), or its report
 *   is not the expected JSON (with the end of its stderr or the validation error).
 */
export async function checkRun(
  setup: CheckSetup,
  workspace: CheckWorkspace,
  cacheDir: string
): Promise<CheckRun> {
  const output = path.join(workspace.dir, 'report.json')
  rmSync(output, { force: true })
  const requests = setup.registry.requests()
  const notFound = setup.registry.notFound()
  const run = await setup.runner.run(
    setup.cli,
    [
      'check',
      '.mcp.json',
      '--npm-registry',
      setup.registry.url,
      '--advisory-db',
      setup.advisoryDb,
      '--cache-dir',
      cacheDir,
      '--retries',
      '0',
      '--format',
      'json',
      '--output',
      output
    ],
    { cwd: workspace.dir }
  )
  if (run.code !== 0 && run.code !== 1) {
    throw new Error(`check exited ${run.code}:\n${run.stderr.slice(-2000)}`)
  }
  const parsed = ReportSchema.safeParse(JSON.parse(readFileSync(output, 'utf8')))
  if (!parsed.success) {
    throw new Error(`the check report is not as expected: ${z.prettifyError(parsed.error)}`)
  }
  const servers = parsed.data.servers
  return {
    wallMs: run.wallMs,
    peakRssBytes: run.peakRssBytes,
    cpuMs: run.cpuMs,
    registryRequests: setup.registry.requests() - requests,
    registry404: setup.registry.notFound() - notFound,
    servers: servers.length,
    graded: servers.filter((s) => s.grade !== null).length,
    outcomes: servers.map((s) => [s.name, s.verdict, s.grade?.overall.grade ?? null])
  }
}

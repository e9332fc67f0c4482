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
import { JsonReportSchema, JsonServerSchema } from '../../src/report/json.js'
import type { ScriptRunner } from './cli-process.js'
import type { RegistryStub } from './registry-stub.js'

/**
 * The part of the CLI's JSON report (SPEC §8, `src/report/json.ts`) a benchmark reads: the
 * verdict, and each server's name, verdict, grade and reasons.
 */
const ReportSchema = JsonReportSchema.pick({ verdict: true }).extend({
  servers: z.array(JsonServerSchema.pick({ name: true, verdict: true, grade: true, reasons: true }))
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
  /**
   * `[server name, verdict, grade or null]` of each server, for comparing runs; the grade is the
   * overall letter, or the whole grade report as JSON text (`CheckRunOptions.outcome`).
   */
  outcomes: [string, string, string | null][]
}

/** Options of `checkRun`. */
export interface CheckRunOptions {
  /** The run's name in error messages; default `check`. */
  label?: string
  /**
   * What `outcomes` holds of each server's grade: `overall`, the overall letter (default; the
   * same across rounds), or `report`, the whole grade report as JSON text (`auditedAt` too, so
   * equal only between runs sharing a grade cache).
   */
  outcome?: 'overall' | 'report'
}

/** Where and how check runs are made. */
export interface CheckSetup {
  /** The CLI bundle (`dist/cli.js`). */
  cli: string
  /** How `node <cli>` is run: with the peak-RSS preload (`NodeRunner`) or without (`plainNode`). */
  runner: ScriptRunner
  registry: RegistryStub
  /** The OSV database directory (`--advisory-db`). */
  advisoryDb: string
}

/** A temp workspace holding one config (`.mcp.json`) and grade cache directories. */
export class CheckWorkspace {
  readonly dir: string
  #caches = 0

  /**
   * Create the workspace with `config` as its `.mcp.json` (text, or bytes written as they are).
   * @throws Error when the temp directory or the file cannot be written.
   */
  constructor(config: string | Uint8Array) {
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
 * `--npm-registry <stub>`, `--advisory-db`, `--retries 0`; the registry requests it made are
 * counted by the stub.
 * @throws Error when the child cannot be started or exits other than 0 (pass) or 1 (a server
 *   blocked) (with the end of its stderr), or its report is not JSON or not the shape of
 *   `JsonReportSchema` (with the validation error).
 */
export async function checkRun(
  setup: CheckSetup,
  workspace: CheckWorkspace,
  cacheDir: string,
  options: CheckRunOptions = {}
): Promise<CheckRun> {
  const label = options.label ?? 'check'
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
    throw new Error(`${label} exited ${run.code}:\n${run.stderr.slice(-2000)}`)
  }
  const parsed = ReportSchema.safeParse(JSON.parse(readFileSync(output, 'utf8')))
  if (!parsed.success) {
    throw new Error(
      `${label} wrote a report that is not as expected: ${z.prettifyError(parsed.error)}`
    )
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
    outcomes: servers.map((s) => [
      s.name,
      s.verdict,
      s.grade === null
        ? null
        : options.outcome === 'report'
          ? JSON.stringify(s.grade)
          : s.grade.overall.grade
    ])
  }
}

/**
 * Running the built CLI (`node dist/cli.js`) as a child process for benchmarks: what users run,
 * Node start-up included. Measures wall time (from spawn to exit, `performance.now()`, ms) and
 * the child's peak resident set size, read by a preload module (`node --import`) that writes it
 * to a file on exit: on Linux `VmHWM` of `/proc/self/status` (the peak of the process's own
 * memory, proc(5)); elsewhere `process.resourceUsage().maxRSS` (getrusage(2)). Not `maxRSS` on
 * Linux: it survives execve(2), so a child forked from a big benchmark process would report the
 * parent's size. The CLI spawns no other process in a builtin run.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { median } from './stats.js'

/** What a finished child process did. */
export interface ProcessRun {
  /** Exit code; null when killed by a signal. */
  code: number | null
  /** Wall time from spawn to exit, in ms. */
  wallMs: number
  /** The child's peak resident set size in bytes; null when not measured or not reported. */
  peakRssBytes: number | null
  /**
   * CPU time the child used (user + system, all its threads), in ms; null when not measured.
   * Less sensitive than wall time to other work on the machine.
   */
  cpuMs: number | null
  /** Standard error (last 64 KiB). */
  stderr: string
}

/** Options of `runProcess`. */
export interface RunOptions {
  /** Working directory of the child. */
  cwd: string
  /** Extra environment variables. */
  env?: Record<string, string>
}

const STDERR_KEPT = 64 * 1024

/**
 * Run `command args` to completion without blocking this process's event loop (a registry stub
 * may be serving the child from it). Never rejects for a non-zero exit; rejects when the command
 * cannot be started.
 */
export function runProcess(
  command: string,
  args: string[],
  options: RunOptions
): Promise<ProcessRun> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'ignore', 'pipe']
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT)
    })
    child.on('error', reject)
    child.on('close', (code) =>
      resolve({
        code,
        wallMs: performance.now() - started,
        peakRssBytes: null,
        cpuMs: null,
        stderr
      })
    )
  })
}

/**
 * The preload: on exit, write this process's peak RSS in KiB (see the module doc for the source)
 * and its CPU time in µs (`process.cpuUsage()`, user + system) to `$BENCH_PEAK_RSS_FILE`,
 * separated by a space.
 */
const PRELOAD = `import { readFileSync, writeFileSync } from 'node:fs'
const file = process.env.BENCH_PEAK_RSS_FILE
function peakKib() {
  try {
    const hwm = /^VmHWM:\\s*(\\d+)\\s*kB/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (hwm) return Number(hwm[1])
  } catch {}
  return process.resourceUsage().maxRSS
}
if (file) {
  process.on('exit', () => {
    const cpu = process.cpuUsage()
    writeFileSync(file, peakKib() + ' ' + (cpu.user + cpu.system))
  })
}
`

/** Runs a Node script (`node script args`) to completion; see `runProcess` for the contract. */
export interface ScriptRunner {
  /**
   * `node script args` in `options.cwd`: its exit code, wall time (ms), stderr, and peak RSS
   * (bytes) and CPU time (ms) when the runner measures them (else null).
   * @throws Error when node cannot be started.
   */
  run(script: string, args: string[], options: RunOptions): Promise<ProcessRun>
}

/**
 * `node script args` with nothing added (no preload): wall time only, `peakRssBytes` and `cpuMs`
 * null. For timings that must not include the preload's work.
 */
export const plainNode: ScriptRunner = {
  run: (script, args, options) => runProcess(process.execPath, [script, ...args], options)
}

/** Runs Node scripts with the peak-RSS preload (see the module doc). */
export class NodeRunner implements ScriptRunner {
  readonly #dir: string
  readonly #preload: string
  #count = 0

  constructor() {
    this.#dir = mkdtempSync(path.join(os.tmpdir(), 'bench-rss-'))
    this.#preload = path.join(this.#dir, 'peak-rss.mjs')
    writeFileSync(this.#preload, PRELOAD)
  }

  /**
   * `node --import <preload> script args`, with its peak RSS and CPU time (`ProcessRun`; null
   * when the child died before reporting them).
   * @throws Error when node cannot be started (see `runProcess`).
   */
  async run(script: string, args: string[], options: RunOptions): Promise<ProcessRun> {
    this.#count += 1
    const file = path.join(this.#dir, `rss-${this.#count}.txt`)
    const result = await runProcess(
      process.execPath,
      ['--import', pathToFileURL(this.#preload).href, script, ...args],
      { ...options, env: { ...options.env, BENCH_PEAK_RSS_FILE: file } }
    )
    const [kib, cpuMicros] = readIfPresent(file).split(' ').map(Number)
    const valid = (n: number | undefined): n is number =>
      n !== undefined && Number.isFinite(n) && n > 0
    return {
      ...result,
      peakRssBytes: valid(kib) ? kib * 1024 : null,
      cpuMs: valid(cpuMicros) ? cpuMicros / 1000 : null
    }
  }

  /** Remove the preload's temp directory. */
  dispose(): void {
    rmSync(this.#dir, { recursive: true, force: true })
  }
}

function readIfPresent(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

/** Newest modification time (ms since the epoch) of a file under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs)
  }
  return newest
}

/** Options of `cliBundle`. */
export interface CliBundleOptions {
  /** The project root. */
  root: string
  /** Another build of the CLI to run instead (`--cli`); used as is. */
  cli?: string
  /** Rebuild when stale (default) or only warn (`--no-build`). */
  build: boolean
}

/**
 * The CLI bundle to run: `options.cli`, else `dist/cli.js`, rebuilt first (`npm run build`,
 * ~40 s) when it is missing or older than a file of `src/` (unless `build` is false: then a
 * warning). Progress goes to stdout.
 * @throws Error when the build fails (with the end of its output).
 */
export async function cliBundle(options: CliBundleOptions): Promise<string> {
  if (options.cli !== undefined) return path.resolve(options.cli)
  const cli = path.join(options.root, 'dist/cli.js')
  const built = statSync(cli, { throwIfNoEntry: false })?.mtimeMs ?? 0
  if (built >= newestMtime(path.join(options.root, 'src'))) return cli
  if (!options.build) {
    console.warn(`warning: ${path.relative(options.root, cli)} is older than src/ (npm run build)`)
    return cli
  }
  console.log('dist/cli.js is older than src/: npm run build …')
  const build = await runProcess('npm', ['run', 'build'], { cwd: options.root })
  if (build.code !== 0) throw new Error(`npm run build failed:\n${build.stderr.slice(-2000)}`)
  return cli
}

/**
 * Median wall time (ms) of `node <cli> --version` over 3 runs: Node start-up and loading the
 * bundle, the part of every run that no cache can remove.
 * @throws Error when node cannot be started (see `runProcess`).
 */
export async function startupMs(cli: string, cwd: string): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < 3; i++) {
    times.push((await runProcess(process.execPath, [cli, '--version'], { cwd })).wallMs)
  }
  return median(times)
}

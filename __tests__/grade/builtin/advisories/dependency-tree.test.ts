import { afterEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { productionDependencies } from '../../../../src/grade/builtin/advisories/dependency-tree.js'
import { NpmRegistryClient } from '../../../../src/resolve/npm-registry.js'
import { HttpClient } from '../../../../src/net/http.js'
import type { Logger } from '../../../../src/log.js'

const registryUrl = 'https://registry.example.test'

afterEach(() => {
  nock.cleanAll()
})

function registry(): NpmRegistryClient {
  return new NpmRegistryClient({
    http: new HttpClient({ sleep: async () => undefined, retries: 0 }),
    registry: registryUrl
  })
}

/** A packument with the given versions (each with its dependencies). */
function packument(
  name: string,
  versions: Record<string, Record<string, string>>,
  latest = Object.keys(versions).at(-1)
): object {
  return {
    name,
    'dist-tags': { latest },
    versions: Object.fromEntries(
      Object.entries(versions).map(([version, dependencies]) => [
        version,
        {
          name,
          version,
          dependencies,
          dist: { tarball: `${registryUrl}/${name}/-/${name}-${version}.tgz` }
        }
      ])
    )
  }
}

function serve(packuments: Record<string, object>): void {
  const scope = nock(registryUrl)
  for (const [name, body] of Object.entries(packuments)) {
    scope.get(`/${name.replace('/', '%2f')}`).reply(200, body)
  }
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = []
  return {
    debug: () => undefined,
    info: () => undefined,
    warning: (m) => void warnings.push(m),
    warnings
  }
}

const noRegistry = {
  pickDependencyVersion: () => Promise.reject(new Error('the registry must not be asked'))
}

describe('productionDependencies from npm-shrinkwrap.json', () => {
  it('lockfile v3: walks production edges with Node resolution, skips dev and links', async () => {
    const shrinkwrap = {
      name: 'server',
      version: '1.0.0',
      lockfileVersion: 3,
      packages: {
        '': {
          name: 'server',
          version: '1.0.0',
          dependencies: { express: '^4.0.0', aliased: 'npm:real-pkg@^2.0.0', local: 'file:../x' },
          optionalDependencies: { fsevents: '^2.0.0' },
          devDependencies: { jest: '^30.0.0' }
        },
        'node_modules/express': {
          version: '4.21.2',
          dependencies: { qs: '^6.0.0', debug: '2.6.9' }
        },
        'node_modules/qs': { version: '6.13.0' },
        'node_modules/express/node_modules/debug': {
          version: '2.6.9',
          dependencies: { ms: '2.0.0' }
        },
        'node_modules/debug': { version: '4.3.7', dev: true },
        'node_modules/ms': { version: '2.0.0' },
        'node_modules/aliased': { name: 'real-pkg', version: '2.1.0' },
        'node_modules/local': { resolved: '../x', link: true },
        'node_modules/jest': { version: '30.0.0', dev: true },
        'node_modules/@scope/unused': { version: '1.0.0' }
      }
    }
    const tree = await productionDependencies({
      name: 'server',
      version: '1.0.0',
      shrinkwrap: JSON.stringify(shrinkwrap),
      registry: noRegistry
    })
    expect(tree.source).toBe('shrinkwrap')
    expect(tree.truncated).toBe(false)
    expect(tree.unresolved).toEqual([])
    expect(tree.packages).toEqual([
      { name: 'express', version: '4.21.2', via: ['server@1.0.0'] },
      { name: 'real-pkg', version: '2.1.0', via: ['server@1.0.0'] },
      { name: 'qs', version: '6.13.0', via: ['server@1.0.0', 'express@4.21.2'] },
      { name: 'debug', version: '2.6.9', via: ['server@1.0.0', 'express@4.21.2'] },
      { name: 'ms', version: '2.0.0', via: ['server@1.0.0', 'express@4.21.2', 'debug@2.6.9'] }
    ])
  })

  it('lockfile v1: nested dependencies with requires; aliases; missing entries unresolved', async () => {
    const shrinkwrap = {
      lockfileVersion: 1,
      dependencies: {
        a: {
          version: '1.0.0',
          requires: { b: '^2.0.0', gone: '^1.0.0' },
          dependencies: { b: { version: '2.0.1' } }
        },
        b: { version: '1.0.0' },
        x: { version: 'npm:y@3.0.0' },
        devtool: { version: '9.9.9', dev: true }
      }
    }
    const tree = await productionDependencies({
      name: 'root',
      version: '0.1.0',
      dependencies: { a: '^1.0.0', b: '^1.0.0', x: 'npm:y@^3' },
      shrinkwrap: Buffer.from(JSON.stringify(shrinkwrap)),
      registry: noRegistry
    })
    expect(tree.source).toBe('shrinkwrap')
    expect(tree.packages).toEqual([
      { name: 'a', version: '1.0.0', via: ['root@0.1.0'] },
      { name: 'b', version: '1.0.0', via: ['root@0.1.0'] },
      { name: 'y', version: '3.0.0', via: ['root@0.1.0'] },
      { name: 'b', version: '2.0.1', via: ['root@0.1.0', 'a@1.0.0'] }
    ])
    expect(tree.unresolved).toEqual([
      { name: 'gone', range: '^1.0.0', reason: 'not in npm-shrinkwrap.json' }
    ])
  })

  it('an unusable shrinkwrap falls back to the registry with a warning', async () => {
    serve({ a: packument('a', { '1.0.0': {}, '1.2.0': {} }) })
    const logger = recordingLogger()
    const tree = await productionDependencies({
      name: 'root',
      version: '1.0.0',
      dependencies: { a: '^1.0.0' },
      shrinkwrap: '{ not json',
      registry: registry(),
      logger
    })
    expect(tree.source).toBe('resolved')
    expect(tree.packages).toEqual([{ name: 'a', version: '1.2.0', via: ['root@1.0.0'] }])
    expect(logger.warnings.join('\n')).toMatch(/npm-shrinkwrap\.json is not valid JSON/)
  })
})

describe('productionDependencies from the registry', () => {
  it('resolves ranges transitively, dedupes, follows aliases, lists what it cannot resolve', async () => {
    serve({
      express: packument('express', {
        '4.21.1': { qs: '^6.0.0' },
        '4.21.2': { qs: '^6.0.0', cycle: '1.0.0' }
      }),
      qs: packument('qs', { '6.12.0': {}, '6.13.0': {} }),
      cycle: packument('cycle', { '1.0.0': { express: '^4.0.0' } }),
      'real-pkg': packument('real-pkg', { '2.0.0': { qs: '^6.0.0' } })
    })
    nock(registryUrl).get('/@scope%2fmissing').reply(404, { error: 'Not found' })
    const tree = await productionDependencies({
      name: 'server',
      version: '1.0.0',
      dependencies: {
        express: '^4.0.0',
        aliased: 'npm:real-pkg@^2.0.0',
        fromGit: 'github:owner/repo',
        '@scope/missing': '^1.0.0'
      },
      optionalDependencies: { qs: '6.12.0' },
      registry: registry()
    })
    expect(tree.source).toBe('resolved')
    expect(tree.truncated).toBe(false)
    expect(tree.packages).toEqual([
      { name: 'express', version: '4.21.2', via: ['server@1.0.0'] },
      { name: 'real-pkg', version: '2.0.0', via: ['server@1.0.0'] },
      { name: 'qs', version: '6.12.0', via: ['server@1.0.0'] },
      { name: 'qs', version: '6.13.0', via: ['server@1.0.0', 'express@4.21.2'] },
      { name: 'cycle', version: '1.0.0', via: ['server@1.0.0', 'express@4.21.2'] }
    ])
    expect(tree.unresolved).toEqual([
      {
        name: 'fromGit',
        range: 'github:owner/repo',
        reason: 'not from the npm registry (git dependency)'
      },
      {
        name: '@scope/missing',
        range: '^1.0.0',
        reason: expect.stringContaining('not on the npm registry')
      }
    ])
  })

  it('stops when its signal is aborted: no look-up starts after that, the list is incomplete', async () => {
    const chain: Record<string, object> = {}
    for (let i = 0; i < 4; i += 1) {
      chain[`p${i}`] = packument(`p${i}`, { '1.0.0': i < 3 ? { [`p${i + 1}`]: '^1.0.0' } : {} })
    }
    const controller = new AbortController()
    const asked: string[] = []
    const tree = await productionDependencies({
      name: 'root',
      version: '1.0.0',
      dependencies: { p0: '^1.0.0' },
      registry: {
        pickDependencyVersion: async (name: string) => {
          asked.push(name)
          if (name === 'p1') controller.abort()
          const versions = (chain[name] as { versions: Record<string, never> }).versions
          return { version: '1.0.0', manifest: versions['1.0.0']!, publishedAt: null }
        }
      },
      signal: controller.signal
    })
    expect(asked).toEqual(['p0', 'p1'])
    expect(tree.packages.map((p) => p.name)).toEqual(['p0', 'p1'])
    expect(tree.truncated).toBe(true)

    const stopped = new AbortController()
    stopped.abort()
    const none = await productionDependencies({
      name: 'root',
      version: '1.0.0',
      dependencies: { p0: '^1.0.0' },
      registry: noRegistry,
      signal: stopped.signal
    })
    expect(none).toMatchObject({ packages: [], truncated: true })
  })

  it('stops at the package and depth limits and says so', async () => {
    const chain: Record<string, object> = {}
    for (let i = 0; i < 6; i += 1) {
      chain[`p${i}`] = packument(`p${i}`, { '1.0.0': i < 5 ? { [`p${i + 1}`]: '^1.0.0' } : {} })
    }
    serve(chain)
    const deep = await productionDependencies({
      name: 'root',
      version: '1.0.0',
      dependencies: { p0: '^1.0.0' },
      registry: registry(),
      limits: { maxDepth: 3 }
    })
    expect(deep.packages.map((p) => p.name)).toEqual(['p0', 'p1', 'p2'])
    expect(deep.truncated).toBe(true)

    serve(chain)
    const few = await productionDependencies({
      name: 'root',
      version: '1.0.0',
      dependencies: { p0: '^1.0.0' },
      registry: registry(),
      limits: { maxPackages: 2 }
    })
    expect(few.packages.map((p) => p.name)).toEqual(['p0', 'p1'])
    expect(few.truncated).toBe(true)

    serve(chain)
    const all = await productionDependencies({
      name: 'root',
      version: '1.0.0',
      dependencies: { p0: '^1.0.0' },
      registry: registry()
    })
    expect(all.packages).toHaveLength(6)
    expect(all.packages[5]?.via).toEqual([
      'root@1.0.0',
      'p0@1.0.0',
      'p1@1.0.0',
      'p2@1.0.0',
      'p3@1.0.0',
      'p4@1.0.0'
    ])
    expect(all.truncated).toBe(false)
  })
})

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import type { Logger } from '../../src/log.js'
import { HttpClient } from '../../src/net/http.js'
import { NpmRegistryClient } from '../../src/resolve/npm-registry.js'
import { KNOWN_FROM_CACHE_MESSAGE, resolveServers } from '../../src/resolve/resolve.js'
import { commandEntry, entry } from './server-entry.js'

const REGISTRY = 'https://registry.example.test'
const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/npm')

/** A packument recorded from the npm registry (see __tests__/fixtures/npm/README.md). */
function packument(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(fixtures, `${file}.json`), 'utf8')) as Record<
    string,
    unknown
  >
}

const FS = '@modelcontextprotocol/server-filesystem'
const FS_PATH = '/@modelcontextprotocol%2fserver-filesystem'

function client(options: { timeoutMs?: number; retries?: number } = {}): NpmRegistryClient {
  const http = new HttpClient({ sleep: async () => undefined, random: () => 0.5, ...options })
  return new NpmRegistryClient({ http, registry: REGISTRY })
}

const npx = (...args: string[]) => commandEntry('npx', ['-y', ...args])

beforeAll(() => {
  nock.disableNetConnect()
})
afterEach(() => {
  nock.cleanAll()
})
afterAll(() => {
  nock.enableNetConnect()
})

describe('resolveServers', () => {
  it('resolves unpinned server-filesystem to the latest version and checks the pinned one', async () => {
    const scope = nock(REGISTRY)
      .get(FS_PATH)
      .once()
      .reply(200, packument('modelcontextprotocol-server-filesystem'))
    const [unpinned, pinned] = await resolveServers([npx(FS, '/data'), npx(`${FS}@2026.8.31`)], {
      npm: client()
    })
    expect(unpinned!.package).toEqual({
      ecosystem: 'npm',
      name: FS,
      versionSpec: null,
      version: '2026.8.31',
      pinned: false,
      purl: 'pkg:npm/%40modelcontextprotocol/server-filesystem@2026.8.31',
      launcher: 'npx',
      resolution: { status: 'registry', message: 'unpinned (resolves to 2026.8.31)' }
    })
    expect(pinned!.package).toEqual({
      ecosystem: 'npm',
      name: FS,
      versionSpec: '2026.8.31',
      version: '2026.8.31',
      pinned: true,
      purl: 'pkg:npm/%40modelcontextprotocol/server-filesystem@2026.8.31',
      launcher: 'npx',
      resolution: { status: 'exact' }
    })
    // One packument fetch for both entries: the interceptor answers once only.
    expect(scope.isDone()).toBe(true)
  })

  it('resolves a range to the highest matching version', async () => {
    nock(REGISTRY).get('/@upstash%2fcontext7-mcp').reply(200, packument('upstash-context7-mcp'))
    const [r] = await resolveServers([npx('@upstash/context7-mcp@^1.0')], { npm: client() })
    expect(r!.package).toMatchObject({
      versionSpec: '^1.0',
      version: '1.0.33',
      pinned: false,
      purl: 'pkg:npm/%40upstash/context7-mcp@1.0.33',
      resolution: { status: 'registry', message: 'unpinned (resolves to 1.0.33)' }
    })
  })

  it('resolves a tag, and checks an exact version that the registry has', async () => {
    nock(REGISTRY).get('/chrome-devtools-mcp').reply(200, packument('chrome-devtools-mcp'))
    const [tag, exact] = await resolveServers(
      [
        npx('chrome-devtools-mcp@latest'),
        // corpus: npx --registry https://registry.npmjs.org chrome-devtools-mcp@0.18.1
        commandEntry('npx', [
          '--registry',
          'https://registry.npmjs.org',
          'chrome-devtools-mcp@0.18.1'
        ])
      ],
      { npm: client() }
    )
    expect(tag!.package).toMatchObject({
      versionSpec: 'latest',
      version: '1.11.0',
      purl: 'pkg:npm/chrome-devtools-mcp@1.11.0',
      resolution: { status: 'registry' }
    })
    expect(exact!.package).toMatchObject({
      version: '0.18.1',
      pinned: true,
      purl: 'pkg:npm/chrome-devtools-mcp@0.18.1',
      resolution: { status: 'exact' }
    })
  })

  it('says plainly when an exact version is missing from the registry (corpus: tavily-mcp@0.1.3)', async () => {
    nock(REGISTRY).get('/tavily-mcp').reply(200, packument('tavily-mcp'))
    const [r] = await resolveServers([commandEntry('bash', ['-c', 'npx -y tavily-mcp@0.1.3'])], {
      npm: client()
    })
    expect(r!.package).toMatchObject({
      name: 'tavily-mcp',
      version: '0.1.3',
      pinned: true,
      resolution: { status: 'not-found' }
    })
    const message = r!.package.resolution.message ?? ''
    expect(message).toContain(`tavily-mcp@0.1.3 is not on the npm registry ${REGISTRY}`)
    expect(message).toContain('listed but not this version')
    expect(message).toContain('mirror')
  })

  it('reports a tag the registry does not have as not-found', async () => {
    nock(REGISTRY).get('/chrome-devtools-mcp').reply(200, packument('chrome-devtools-mcp'))
    const [r] = await resolveServers([npx('chrome-devtools-mcp@next')], { npm: client() })
    expect(r!.package).toMatchObject({
      version: null,
      purl: null,
      resolution: { status: 'not-found' }
    })
    expect(r!.package.resolution.message).toContain('matches "next"')
  })

  it('reports a package the registry does not know (404; corpus: @anthropic/server-puppeteer)', async () => {
    nock(REGISTRY).get('/@anthropic%2fserver-puppeteer').reply(404, { error: 'Not found' })
    const [r] = await resolveServers([npx('@anthropic/server-puppeteer')], { npm: client() })
    expect(r!.package).toMatchObject({
      name: '@anthropic/server-puppeteer',
      version: null,
      purl: null,
      resolution: { status: 'not-found' }
    })
    expect(r!.package.resolution.message).toContain(
      `@anthropic/server-puppeteer is not on the npm registry ${REGISTRY} (404)`
    )
  })

  it('retries a 500 and then resolves', async () => {
    const scope = nock(REGISTRY)
      .get(FS_PATH)
      .reply(500, 'Internal Server Error')
      .get(FS_PATH)
      .reply(200, packument('modelcontextprotocol-server-filesystem'))
    const [r] = await resolveServers([npx(`${FS}@latest`)], { npm: client({ retries: 2 }) })
    expect(r!.package).toMatchObject({ version: '2026.8.31', resolution: { status: 'registry' } })
    expect(scope.isDone()).toBe(true)
  })

  it('records a timeout as status error, without throwing', async () => {
    nock(REGISTRY)
      .get(FS_PATH)
      .delay(1000)
      .reply(200, packument('modelcontextprotocol-server-filesystem'))
    const [r] = await resolveServers([npx(FS)], { npm: client({ timeoutMs: 50, retries: 0 }) })
    expect(r!.package).toMatchObject({ version: null, purl: null, resolution: { status: 'error' } })
    expect(r!.package.resolution.message).toMatch(
      /could not ask the npm registry about .*timed out/
    )
  })

  it('records a persistent 503 and a non-packument answer as status error', async () => {
    nock(REGISTRY)
      .get('/down-pkg')
      .times(2)
      .reply(503)
      .get('/odd-pkg')
      .reply(200, ['not', 'a', 'packument'])
    const [down, odd] = await resolveServers([npx('down-pkg'), npx('odd-pkg@1.0.0')], {
      npm: client({ retries: 1 })
    })
    expect(down!.package.resolution.status).toBe('error')
    expect(down!.package.resolution.message).toContain('503')
    expect(odd!.package).toMatchObject({ pinned: true, resolution: { status: 'error' } })
  })

  it('takes a pinned version the grade cache holds as exact without a registry request', async () => {
    const scope = nock(REGISTRY).get(/.*/).reply(500)
    const asked: string[] = []
    const [r] = await resolveServers([npx(`${FS}@2026.8.31`)], {
      npm: client(),
      knownExact: async (purl) => {
        asked.push(purl)
        return true
      }
    })
    expect(asked).toEqual(['pkg:npm/%40modelcontextprotocol/server-filesystem@2026.8.31'])
    expect(r!.package).toMatchObject({
      version: '2026.8.31',
      pinned: true,
      purl: 'pkg:npm/%40modelcontextprotocol/server-filesystem@2026.8.31',
      resolution: { status: 'exact', message: KNOWN_FROM_CACHE_MESSAGE }
    })
    expect(scope.isDone()).toBe(false)
  })

  it('still resolves unpinned specs, and pinned versions the cache does not hold', async () => {
    const scope = nock(REGISTRY)
      .get(FS_PATH)
      .once()
      .reply(200, packument('modelcontextprotocol-server-filesystem'))
    const asked: string[] = []
    const [unpinned, pinned] = await resolveServers([npx(FS), npx(`${FS}@2026.8.31`)], {
      npm: client(),
      knownExact: async (purl) => {
        asked.push(purl)
        return false
      }
    })
    // Only the pinned entry is asked about; the unpinned one is resolved whatever the cache holds.
    expect(asked).toEqual(['pkg:npm/%40modelcontextprotocol/server-filesystem@2026.8.31'])
    expect(unpinned!.package.resolution).toEqual({
      status: 'registry',
      message: 'unpinned (resolves to 2026.8.31)'
    })
    expect(pinned!.package.resolution).toEqual({ status: 'exact' })
    expect(scope.isDone()).toBe(true)
  })

  it('resolves normally when asking the grade cache fails', async () => {
    nock(REGISTRY).get('/tavily-mcp').reply(200, packument('tavily-mcp'))
    const [r] = await resolveServers([npx('tavily-mcp@0.1.3')], {
      npm: client(),
      knownExact: () => Promise.reject(new Error('EIO'))
    })
    expect(r!.package.resolution.status).toBe('not-found')
  })

  it('fetches nothing offline and leaves identities as identified', async () => {
    const scope = nock(REGISTRY).get(/.*/).reply(500)
    const [unpinned, pinned] = await resolveServers([npx(FS), npx(`${FS}@2026.8.31`)], {
      npm: null
    })
    expect(unpinned!.package).toMatchObject({
      version: null,
      purl: null,
      resolution: { status: 'offline' }
    })
    expect(pinned!.package).toMatchObject({ pinned: true, resolution: { status: 'exact' } })
    expect(scope.isDone()).toBe(false)
  })

  it('keeps input order and does not touch PyPI, OCI, remote, local or git entries', async () => {
    nock(REGISTRY).get('/tavily-mcp').reply(200, packument('tavily-mcp'))
    const entries = [
      commandEntry('uvx', ['mcp-server-fetch'], 'pypi'),
      commandEntry('docker', ['run', '-i', 'mcp/git'], 'oci'),
      entry({ url: 'https://mcp.example.com/mcp' }, 'remote'),
      npx('tavily-mcp'),
      commandEntry('node', ['x.js'], 'local'),
      npx('github:o/r#main')
    ]
    const result = await resolveServers(entries, { npm: client() })
    expect(result.map((r) => r.entry)).toEqual(entries)
    expect(result.map((r) => r.package.resolution.status)).toEqual([
      'unresolved',
      'unresolved',
      'n/a',
      'registry',
      'n/a',
      'n/a'
    ])
  })

  it('fetches each package once and keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0
    let maxInFlight = 0
    const requested: string[] = []
    const fs = packument('modelcontextprotocol-server-filesystem')
    const fetchStub = async (input: string | URL): Promise<Response> => {
      requested.push(String(input))
      inFlight += 1
      maxInFlight = Math.max(maxInFlight, inFlight)
      await new Promise((r) => setTimeout(r, 5))
      inFlight -= 1
      const name = decodeURIComponent(String(input).slice(REGISTRY.length + 1))
      return new Response(JSON.stringify({ ...fs, name }), {
        status: 200,
        headers: { 'content-type': 'application/json' }
      })
    }
    const http = new HttpClient({ fetch: fetchStub, sleep: async () => undefined })
    const npm = new NpmRegistryClient({ http, registry: REGISTRY })
    const names = ['a-pkg', 'b-pkg', 'c-pkg', 'd-pkg', 'e-pkg']
    const entries = [...names, 'a-pkg', 'a-pkg@2026.8.31'].map((n) => npx(n))
    const debug: string[] = []
    const logger: Logger = {
      debug: (m) => void debug.push(m),
      info: () => undefined,
      warning: () => undefined
    }
    const result = await resolveServers(entries, { npm, concurrency: 2, logger })
    expect(requested).toHaveLength(names.length)
    expect(maxInFlight).toBeLessThanOrEqual(2)
    expect(maxInFlight).toBeGreaterThan(0)
    expect(result.every((r) => r.package.version === '2026.8.31')).toBe(true)
    expect(debug).toContain('npm: a-pkg@latest → 2026.8.31')
  })

  it('never looks up a package that installs from another registry', async () => {
    const scope = nock(REGISTRY).get(/.*/).reply(200, packument('tavily-mcp'))
    const [r] = await resolveServers(
      [commandEntry('npx', ['--registry', 'https://evil.example/', 'tavily-mcp@0.1.3'])],
      { npm: client() }
    )
    expect(r!.package).toMatchObject({
      version: null,
      purl: null,
      resolution: { status: 'n/a' }
    })
    expect(scope.isDone()).toBe(false)
  })

  it('never shows a token from the registry URL in messages (Gemfury-style path token)', async () => {
    const token = 'AbCdEf0123456789xyzQWEabcd'
    const registry = `https://npm-proxy.fury.io/${token}/acme`
    const http = new HttpClient({ sleep: async () => undefined, retries: 0 })
    const npm = new NpmRegistryClient({ http, registry })
    nock('https://npm-proxy.fury.io')
      .get(`/${token}/acme/missing-pkg`)
      .reply(404, {})
      .get(`/${token}/acme/tavily-mcp`)
      .reply(200, packument('tavily-mcp'))
      .get(`/${token}/acme/down-pkg`)
      .reply(500)
    const result = await resolveServers(
      [npx('missing-pkg'), npx('tavily-mcp@0.1.3'), npx('down-pkg')],
      { npm }
    )
    const messages = result.map((r) => r.package.resolution.message ?? '')
    expect(messages[0]).toContain(
      'missing-pkg is not on the npm registry https://npm-proxy.fury.io/…/acme (404)'
    )
    expect(messages[1]).toContain(
      'tavily-mcp@0.1.3 is not on the npm registry https://npm-proxy.fury.io/…/acme:'
    )
    expect(messages[2]).toContain('could not ask the npm registry about down-pkg@latest')
    for (const message of messages) expect(message).not.toContain(token)
    await expect(npm.getPackument('missing-pkg')).rejects.toThrow(
      'missing-pkg is not on the npm registry (https://npm-proxy.fury.io/…/acme)'
    )
  })
})

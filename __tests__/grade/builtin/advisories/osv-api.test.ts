import { afterEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import {
  createOsvApiSource,
  OSV_BATCH_SIZE
} from '../../../../src/grade/builtin/advisories/osv-api.js'
import { AdvisoryLookupError } from '../../../../src/grade/builtin/advisories/source.js'
import { HttpClient } from '../../../../src/net/http.js'
import type { Logger } from '../../../../src/log.js'
import { rawRecord } from './osv-fixtures.js'

const base = 'https://osv.example.test'
const http = (): HttpClient =>
  new HttpClient({ sleep: async () => undefined, random: () => 0.5, retries: 1 })

interface BatchBody {
  queries: { package: { ecosystem: string; name: string }; version: string; page_token?: string }[]
}

afterEach(() => {
  nock.cleanAll()
})

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = []
  return {
    debug: () => undefined,
    info: () => undefined,
    warning: (m) => void warnings.push(m),
    warnings
  }
}

describe('createOsvApiSource', () => {
  it('queries in one batch, fetches each distinct record once, and re-checks locally', async () => {
    let batch: BatchBody | undefined
    const scope = nock(base)
      .post('/v1/querybatch', (body: BatchBody) => {
        batch = body
        return true
      })
      .reply(200, {
        results: [
          { vulns: [{ id: 'GHSA-6xpm-ggf7-wc3p', modified: '2025-07-09T18:08:44Z' }] },
          {},
          {
            vulns: [
              { id: 'GHSA-hc55-p739-j48w' },
              { id: 'GHSA-q66q-fx2p-7w4m' },
              // Listed by the API but not covering 2025.3.28 locally: dropped.
              { id: 'GHSA-6xpm-ggf7-wc3p' }
            ]
          }
        ]
      })
      .get('/v1/vulns/GHSA-6xpm-ggf7-wc3p')
      .once()
      .reply(200, rawRecord('GHSA-6xpm-ggf7-wc3p'))
      .get('/v1/vulns/GHSA-hc55-p739-j48w')
      .reply(200, rawRecord('GHSA-hc55-p739-j48w'))
      .get('/v1/vulns/GHSA-q66q-fx2p-7w4m')
      .reply(200, rawRecord('GHSA-q66q-fx2p-7w4m'))
    const source = createOsvApiSource({ http: http(), baseUrl: `${base}/` })
    const result = await source.lookup([
      { ecosystem: 'npm', name: 'mcp-remote', version: '0.1.15' },
      { ecosystem: 'npm', name: 'mcp-remote', version: '0.1.16' },
      { ecosystem: 'npm', name: '@modelcontextprotocol/server-filesystem', version: '2025.3.28' }
    ])
    expect(result.map((list) => list.map((r) => r.id))).toEqual([
      ['GHSA-6xpm-ggf7-wc3p'],
      [],
      ['GHSA-hc55-p739-j48w', 'GHSA-q66q-fx2p-7w4m']
    ])
    expect(batch?.queries[0]).toEqual({
      package: { ecosystem: 'npm', name: 'mcp-remote' },
      version: '0.1.15'
    })
    expect(scope.isDone()).toBe(true)
    expect(source.name).toContain('osv.example.test')
  })

  it('memoises records across lookups of one run', async () => {
    nock(base)
      .post('/v1/querybatch')
      .twice()
      .reply(200, { results: [{ vulns: [{ id: 'MAL-2025-47604' }] }] })
    const record = nock(base)
      .get('/v1/vulns/MAL-2025-47604')
      .once()
      .reply(200, rawRecord('MAL-2025-47604'))
    const source = createOsvApiSource({ http: http(), baseUrl: base })
    const query = { ecosystem: 'npm' as const, name: 'postmark-mcp', version: '1.0.16' }
    expect((await source.lookup([query]))[0]?.[0]?.id).toBe('MAL-2025-47604')
    expect((await source.lookup([query]))[0]?.[0]?.id).toBe('MAL-2025-47604')
    expect(record.isDone()).toBe(true)
  })

  it('follows next_page_token for the paged query only', async () => {
    const bodies: BatchBody[] = []
    nock(base)
      .post('/v1/querybatch', (body: BatchBody) => bodies.push(body) > 0)
      .reply(200, {
        results: [{ vulns: [{ id: 'GHSA-5cgr-j3jf-jw3v' }], next_page_token: 'page-2' }, {}]
      })
      .post('/v1/querybatch', (body: BatchBody) => bodies.push(body) > 0)
      .reply(200, { results: [{ vulns: [{ id: 'GHSA-j22h-9j4x-23w5' }] }] })
      .get('/v1/vulns/GHSA-5cgr-j3jf-jw3v')
      .reply(200, rawRecord('GHSA-5cgr-j3jf-jw3v'))
      .get('/v1/vulns/GHSA-j22h-9j4x-23w5')
      .reply(200, rawRecord('GHSA-j22h-9j4x-23w5'))
    const source = createOsvApiSource({ http: http(), baseUrl: base })
    const result = await source.lookup([
      { ecosystem: 'PyPI', name: 'mcp-server-git', version: '2025.7.1' },
      { ecosystem: 'PyPI', name: 'other', version: '1.0' }
    ])
    expect(result[0]?.map((r) => r.id)).toEqual(['GHSA-5cgr-j3jf-jw3v', 'GHSA-j22h-9j4x-23w5'])
    expect(bodies[1]?.queries).toEqual([
      {
        package: { ecosystem: 'PyPI', name: 'mcp-server-git' },
        version: '2025.7.1',
        page_token: 'page-2'
      }
    ])
  })

  it(`splits more than ${OSV_BATCH_SIZE} queries into batches`, async () => {
    const sizes: number[] = []
    nock(base)
      .post('/v1/querybatch', (body: BatchBody) => sizes.push(body.queries.length) > 0)
      .times(2)
      .reply(200, (_uri, body) => ({ results: (body as BatchBody).queries.map(() => ({})) }))
    const source = createOsvApiSource({ http: http(), baseUrl: base })
    const queries = Array.from({ length: OSV_BATCH_SIZE + 5 }, (_, i) => ({
      ecosystem: 'npm' as const,
      name: `pkg-${i}`,
      version: '1.0.0'
    }))
    const result = await source.lookup(queries)
    expect(sizes).toEqual([OSV_BATCH_SIZE, 5])
    expect(result).toHaveLength(OSV_BATCH_SIZE + 5)
    expect(result.every((list) => list.length === 0)).toBe(true)
  })

  it('skips a record the API no longer has, with a warning', async () => {
    nock(base)
      .post('/v1/querybatch')
      .reply(200, { results: [{ vulns: [{ id: 'GHSA-gone-gone-gone' }] }] })
      .get('/v1/vulns/GHSA-gone-gone-gone')
      .reply(404, { code: 5 })
    const logger = recordingLogger()
    const source = createOsvApiSource({ http: http(), baseUrl: base, logger })
    const result = await source.lookup([{ ecosystem: 'npm', name: 'a', version: '1.0.0' }])
    expect(result).toEqual([[]])
    expect(logger.warnings.join('\n')).toContain('GHSA-gone-gone-gone')
  })

  it('rejects with AdvisoryLookupError on a bad answer, a 5xx, or a wrong result count', async () => {
    const query = [{ ecosystem: 'npm' as const, name: 'a', version: '1.0.0' }]
    nock(base).post('/v1/querybatch').reply(200, { results: 'nope' })
    await expect(createOsvApiSource({ http: http(), baseUrl: base }).lookup(query)).rejects.toThrow(
      AdvisoryLookupError
    )
    nock(base).post('/v1/querybatch').times(2).reply(503)
    await expect(createOsvApiSource({ http: http(), baseUrl: base }).lookup(query)).rejects.toThrow(
      /osv\.dev lookup failed: POST .* answered 503/
    )
    nock(base).post('/v1/querybatch').reply(200, { results: [] })
    await expect(createOsvApiSource({ http: http(), baseUrl: base }).lookup(query)).rejects.toThrow(
      /0 results for 1 queries/
    )
  })

  it('rejects when a record is invalid, naming it', async () => {
    const broken = {
      ...rawRecord('GHSA-6xpm-ggf7-wc3p'),
      affected: [{ ranges: [{ type: 'X', events: [] }] }]
    }
    nock(base)
      .post('/v1/querybatch')
      .reply(200, { results: [{ vulns: [{ id: 'GHSA-6xpm-ggf7-wc3p' }] }] })
      .get('/v1/vulns/GHSA-6xpm-ggf7-wc3p')
      .reply(200, broken)
    const failure = createOsvApiSource({ http: http(), baseUrl: base }).lookup([
      { ecosystem: 'npm', name: 'mcp-remote', version: '0.1.15' }
    ])
    await expect(failure).rejects.toThrow(/GHSA-6xpm-ggf7-wc3p.*affected\[0\]\.ranges\[0\]\.type/)
  })

  it('keeps credentials in the base URL out of messages', async () => {
    const secretBase = 'https://user:hunter2secret@osv.example.test'
    nock(base).post('/v1/querybatch').query(true).times(2).reply(500)
    const source = createOsvApiSource({ http: http(), baseUrl: secretBase })
    const error = await source
      .lookup([{ ecosystem: 'npm', name: 'a', version: '1.0.0' }])
      .catch((e: Error) => e)
    expect(error).toBeInstanceOf(AdvisoryLookupError)
    expect((error as Error).message).not.toContain('hunter2')
    expect(source.name).not.toContain('hunter2')
  })
})

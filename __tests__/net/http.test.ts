import { afterEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import {
  Budget,
  HttpClient,
  HttpError,
  NetworkError,
  parseRetryAfter,
  redactUrl
} from '../../src/net/http.js'

const base = 'https://example.test'
const noSleep = { sleep: async () => undefined, random: () => 0.5 }

afterEach(() => {
  nock.cleanAll()
})

describe('HttpClient', () => {
  it('returns JSON from a 200 answer', async () => {
    nock(base).get('/ok').reply(200, { hello: 'world' })
    const client = new HttpClient(noSleep)
    await expect(client.getJson(`${base}/ok`)).resolves.toMatchObject({
      status: 200,
      json: { hello: 'world' }
    })
  })

  it('returns a 404 without retrying', async () => {
    const scope = nock(base).get('/missing').reply(404, { error: 'nope' })
    const client = new HttpClient(noSleep)
    const res = await client.getJson(`${base}/missing`)
    expect(res.status).toBe(404)
    expect(res.json).toBeUndefined()
    expect(scope.isDone()).toBe(true)
  })

  it('retries 503 then succeeds, with growing backoff', async () => {
    nock(base)
      .get('/flaky')
      .reply(503)
      .get('/flaky')
      .reply(502)
      .get('/flaky')
      .reply(200, { ok: true })
    const waits: number[] = []
    const client = new HttpClient({
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.5,
      backoffMs: 100
    })
    const res = await client.getJson(`${base}/flaky`)
    expect(res.json).toEqual({ ok: true })
    expect(waits).toEqual([75, 150])
  })

  it('honours Retry-After on 429', async () => {
    nock(base).get('/limited').reply(429, '', { 'Retry-After': '2' }).get('/limited').reply(200, {})
    const waits: number[] = []
    const client = new HttpClient({ sleep: async (ms) => void waits.push(ms) })
    await client.getJson(`${base}/limited`)
    expect(waits).toEqual([2000])
  })

  it('fails at once when Retry-After is longer than the limit', async () => {
    nock(base).get('/limited').reply(429, '', { 'Retry-After': '3600' })
    const client = new HttpClient({ ...noSleep, maxRetryAfterMs: 10_000 })
    await expect(client.get(`${base}/limited`)).rejects.toMatchObject({
      name: 'HttpError',
      status: 429,
      retryAfterMs: 3_600_000
    })
  })

  it('gives up after the retries with the last status', async () => {
    nock(base).get('/down').times(3).reply(500)
    const client = new HttpClient({ ...noSleep, retries: 2 })
    await expect(client.get(`${base}/down`)).rejects.toBeInstanceOf(HttpError)
  })

  it('times out a slow answer', async () => {
    nock(base).get('/slow').delay(500).reply(200, {}).persist()
    const client = new HttpClient({ ...noSleep, timeoutMs: 50, retries: 1 })
    await expect(client.get(`${base}/slow`)).rejects.toMatchObject({
      name: 'NetworkError',
      kind: 'timeout'
    })
  })

  it('refuses a body over the size limit', async () => {
    nock(base).get('/big').reply(200, Buffer.alloc(2048))
    const client = new HttpClient(noSleep)
    await expect(client.get(`${base}/big`, { maxBytes: 1024 })).rejects.toMatchObject({
      kind: 'too-large'
    })
  })

  it('stops when the budget is spent', async () => {
    let now = 0
    const budget = new Budget(1000, () => now)
    now = 2000
    const client = new HttpClient({ ...noSleep, budget })
    await expect(client.get(`${base}/any`)).rejects.toMatchObject({ kind: 'budget' })
  })

  it('redacts URLs quoted inside an error message', async () => {
    const failing = async (): Promise<Response> => {
      throw new TypeError(
        'Request cannot be constructed from a URL that includes credentials: http://u:SECRETPW@h.test/x?token=Q'
      )
    }
    const client = new HttpClient({ ...noSleep, retries: 0, fetch: failing })
    const err = (await client.get('http://h.test/x').catch((e: unknown) => e)) as Error
    expect(err.message).not.toContain('SECRETPW')
    expect(err.message).not.toContain('token=Q')
    expect(err.message).toContain('http://h.test/x?…')
  })

  it('reports connection failures as NetworkError', async () => {
    nock(base)
      .get('/reset')
      .times(2)
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
    const client = new HttpClient({ ...noSleep, retries: 1 })
    const err = await client.get(`${base}/reset`).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NetworkError)
    expect((err as NetworkError).kind).toBe('network')
  })
})

describe('helpers', () => {
  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('5')).toBe(5000)
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))
    ).toBe(10_000)
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(parseRetryAfter(null)).toBeUndefined()
  })
  it('removes credentials and queries from URLs', () => {
    expect(redactUrl('https://user:pw@h.test/p?token=abc')).toBe('https://h.test/p?…')
  })
})

import { afterEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { Budget, HttpClient, HttpError, NetworkError } from '../../src/net/http.js'

const base = 'https://post.example.test'
const noSleep = { sleep: async () => undefined, random: () => 0.5 }

afterEach(() => {
  nock.cleanAll()
})

describe('HttpClient.postJson', () => {
  it('sends the body as JSON with content-type and parses the answer', async () => {
    let seen: unknown
    const scope = nock(base, {
      reqheaders: { 'content-type': 'application/json', accept: 'application/json' }
    })
      .post('/v1/querybatch', (body) => {
        seen = body
        return true
      })
      .reply(200, { results: [{}] })
    const client = new HttpClient(noSleep)
    const answer = await client.postJson(`${base}/v1/querybatch`, { queries: [{ version: '1' }] })
    expect(answer).toMatchObject({ status: 200, json: { results: [{}] } })
    expect(seen).toEqual({ queries: [{ version: '1' }] })
    expect(scope.isDone()).toBe(true)
  })

  it('returns a 400 without retrying and without a body', async () => {
    const scope = nock(base).post('/bad').reply(400, { error: 'bad query' })
    const answer = await new HttpClient(noSleep).postJson(`${base}/bad`, {})
    expect(answer.status).toBe(400)
    expect(answer.json).toBeUndefined()
    expect(scope.isDone()).toBe(true)
  })

  it('retries 429 honouring Retry-After, resending the same body', async () => {
    const bodies: unknown[] = []
    nock(base)
      .post('/q', (body) => bodies.push(body) > 0)
      .reply(429, '', { 'Retry-After': '3' })
      .post('/q', (body) => bodies.push(body) > 0)
      .reply(503)
      .post('/q', (body) => bodies.push(body) > 0)
      .reply(200, { ok: true })
    const waits: number[] = []
    const client = new HttpClient({
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.5,
      backoffMs: 100
    })
    const answer = await client.postJson(`${base}/q`, { a: 1 })
    expect(answer.json).toEqual({ ok: true })
    expect(waits).toEqual([3000, 150])
    expect(bodies).toEqual([{ a: 1 }, { a: 1 }, { a: 1 }])
  })

  it('throws HttpError naming POST when a retryable status persists', async () => {
    nock(base).post('/down').times(2).reply(502)
    const client = new HttpClient({ ...noSleep, retries: 1 })
    const error = await client.postJson(`${base}/down`, {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).status).toBe(502)
    expect((error as HttpError).message).toBe(`POST ${base}/down answered 502`)
  })

  it('enforces the size limit and the budget', async () => {
    nock(base).post('/big').reply(200, 'x'.repeat(2000))
    const client = new HttpClient(noSleep)
    await expect(client.postJson(`${base}/big`, {}, { maxBytes: 100 })).rejects.toMatchObject({
      name: 'NetworkError',
      kind: 'too-large'
    })
    const spent = new HttpClient({ ...noSleep, budget: new Budget(0) })
    await expect(spent.postJson(`${base}/any`, {})).rejects.toBeInstanceOf(NetworkError)
  })

  it('keeps credentials out of error messages', async () => {
    nock(base).post('/secret').query(true).reply(200, 'not json')
    const client = new HttpClient(noSleep)
    const error = await client
      .postJson(`${base}/secret?token=ghp_abcdefghijklmnopqrstuvwxyz0123456789`, {})
      .catch((e: Error) => e)
    expect(error).toBeInstanceOf(SyntaxError)
    expect((error as Error).message).toContain('POST')
    expect((error as Error).message).not.toContain('ghp_')
  })

  it('refuses a body that is not JSON-serialisable', async () => {
    await expect(new HttpClient(noSleep).postJson(`${base}/x`, undefined)).rejects.toBeInstanceOf(
      TypeError
    )
  })
})

/**
 * Issue 6 scope 2, the transport: `HttpClient` (src/net/http.ts) against servers that time out,
 * reset, rate-limit, fail, trickle, truncate or flood (served by nock; no network). For every
 * fault: what it is reported as, how many requests were made (retries are bounded), and how long
 * the client waited between them (backoff, `Retry-After` honoured but capped). Then the total
 * time budget on the real clock, and a seeded property over random fault sequences.
 */
import { Readable } from 'node:stream'
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import nock from 'nock'
import {
  Budget,
  HttpClient,
  HttpError,
  NetworkError,
  parseRetryAfter,
  type FetchLike,
  type HttpClientOptions
} from '../../src/net/http.js'
import { trickle } from '../support/slow-body.js'

const ORIGIN = 'https://faults.test'
const URL_ = `${ORIGIN}/thing`
const RETRIES = 2
/** Waits of the exponential backoff with `backoffMs: 100`, `random: () => 0.5` (see `#backoff`). */
const BACKOFF = [75, 150]

let requests = 0
/** The global fetch (nock intercepts it), counting every request. */
const countingFetch: FetchLike = (input, init) => {
  requests += 1
  return fetch(input, init)
}

/** A client with recorded waits instead of real sleeps. */
function client(options: HttpClientOptions = {}): { http: HttpClient; waits: number[] } {
  const waits: number[] = []
  const http = new HttpClient({
    fetch: countingFetch,
    retries: RETRIES,
    timeoutMs: 150,
    backoffMs: 100,
    random: () => 0.5,
    sleep: async (ms) => void waits.push(ms),
    ...options
  })
  return { http, waits }
}

/** A body that starts as JSON, then the connection is reset. */
function resetMidBody(): Readable {
  let sent = false
  const stream: Readable = new Readable({
    read() {
      if (!sent) {
        sent = true
        stream.push('{"versions": {')
        return
      }
      stream.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
    }
  })
  return stream
}

/** An HTTP-date `seconds` from now (RFC 9110 IMF-fixdate). */
function httpDateIn(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toUTCString()
}

beforeAll(() => {
  nock.disableNetConnect()
})
afterEach(() => {
  nock.abortPendingRequests()
  nock.cleanAll()
  requests = 0
})
afterAll(() => {
  nock.enableNetConnect()
})

/** What one fault must end as. */
interface Expected {
  /** The error (`toMatchObject`), or `null` when the client returns an answer. */
  error: Record<string, unknown> | null
  requests: number
  /** The waits between attempts, or a predicate on them. */
  waits: number[] | ((waits: number[]) => boolean)
}

interface FaultRow {
  name: string
  /** Register the fault on the interceptor of `GET /thing`. */
  serve: (get: () => nock.Interceptor) => void
  /** `getJson` rather than `get`. */
  json?: boolean
  /** `maxBytes` of the request (default the client's 10 MiB). */
  maxBytes?: number
  expected: Expected
}

const timeout = (waits = BACKOFF): Expected => ({
  error: { name: 'NetworkError', kind: 'timeout' },
  requests: RETRIES + 1,
  waits
})
const status = (code: number, waits: Expected['waits'] = BACKOFF): Expected => ({
  error: { name: 'HttpError', status: code },
  requests: RETRIES + 1,
  waits
})

const FAULTS: FaultRow[] = [
  {
    name: 'an answer delayed past the per-attempt timeout',
    serve: (get) => void get().times(3).delay(2_000).reply(200, {}),
    expected: timeout()
  },
  {
    name: 'a connection that hangs before the headers',
    serve: (get) => void get().times(3).delayConnection(2_000).reply(200, {}),
    expected: timeout()
  },
  {
    name: 'headers at once, then a body that trickles past the timeout',
    serve: (get) => void get().times(3).reply(200, trickle(1_000, 20)),
    expected: timeout()
  },
  {
    name: 'a connection reset (ECONNRESET)',
    serve: (get) =>
      void get().times(3).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }),
    expected: {
      error: {
        name: 'NetworkError',
        kind: 'network',
        message: expect.stringContaining('ECONNRESET')
      },
      requests: RETRIES + 1,
      waits: BACKOFF
    }
  },
  {
    name: 'a connection reset in the middle of the body',
    serve: (get) => void get().times(3).reply(200, resetMidBody),
    expected: {
      error: { name: 'NetworkError', kind: 'network' },
      requests: RETRIES + 1,
      waits: BACKOFF
    }
  },
  {
    name: '429 without Retry-After: exponential backoff',
    serve: (get) => void get().times(3).reply(429, 'slow down'),
    expected: status(429)
  },
  {
    name: '429 with Retry-After in seconds: waits that long',
    serve: (get) => void get().times(3).reply(429, '', { 'Retry-After': '1' }),
    expected: status(429, [1_000, 1_000])
  },
  {
    name: '429 with Retry-After as an HTTP-date: waits until then',
    serve: (get) =>
      void get()
        .times(3)
        .reply(429, '', { 'Retry-After': () => httpDateIn(3) }),
    // The date has whole seconds and the clock moves: between 2 and 3 s.
    expected: status(
      429,
      (waits) => waits.length === 2 && waits.every((w) => w > 1_000 && w <= 3_000)
    )
  },
  {
    name: '429 with Retry-After as an HTTP-date in the past: retries at once',
    serve: (get) =>
      void get().times(3).reply(429, '', { 'Retry-After': 'Thu, 01 Jan 1970 00:00:00 GMT' }),
    expected: status(429, [0, 0])
  },
  {
    name: '429 with Retry-After longer than the cap: fails at once, no wait',
    serve: (get) => void get().reply(429, '', { 'Retry-After': '3600' }),
    expected: {
      error: { name: 'HttpError', status: 429, retryAfterMs: 3_600_000 },
      requests: 1,
      waits: []
    }
  },
  {
    name: '429 with Retry-After as a date in 2999: fails at once, no wait',
    serve: (get) => void get().reply(429, '', { 'Retry-After': 'Tue, 01 Jan 2999 00:00:00 GMT' }),
    expected: { error: { name: 'HttpError', status: 429 }, requests: 1, waits: [] }
  },
  {
    name: '429 with a Retry-After that is neither seconds nor an HTTP-date: own backoff',
    // `Date.parse('-5')` is a date in 2001: read as a date, this was a wait of 0 ms.
    serve: (get) => void get().times(3).reply(429, '', { 'Retry-After': '-5' }),
    expected: status(429)
  },
  {
    name: '503 with Retry-After: 0 (the same wait every time)',
    serve: (get) => void get().times(3).reply(503, '', { 'Retry-After': '0' }),
    expected: status(503, [0, 0])
  },
  ...[500, 502, 503, 504, 408].map((code): FaultRow => ({
    name: `${code} on every attempt`,
    serve: (get) => void get().times(3).reply(code, '<html>error</html>'),
    expected: status(code)
  })),
  {
    name: 'a 500, then an answer: one retry',
    serve: (get) => void get().reply(500).get('/thing').reply(200, { ok: true }),
    json: true,
    expected: { error: null, requests: 2, waits: [75] }
  },
  {
    name: 'truncated JSON: not retried, a SyntaxError naming the URL',
    serve: (get) => void get().reply(200, '{"versions": {"1.0.0": {"name": "x", "ver'),
    json: true,
    expected: {
      error: { name: 'SyntaxError', message: expect.stringContaining(`GET ${URL_}`) },
      requests: 1,
      waits: []
    }
  },
  {
    name: 'a body over the 10 MiB default limit, streamed without a length',
    serve: (get) =>
      void get().reply(200, () => Readable.from([Buffer.alloc(10 * 1024 * 1024 + 1, 0x20)])),
    expected: { error: { name: 'NetworkError', kind: 'too-large' }, requests: 1, waits: [] }
  },
  {
    name: 'a declared Content-Length over the limit: refused before reading the body',
    serve: (get) => void get().reply(200, '{}', { 'Content-Length': '104857600' }),
    maxBytes: 1_024,
    expected: { error: { name: 'NetworkError', kind: 'too-large' }, requests: 1, waits: [] }
  }
]

describe('HttpClient under faults (nock, recorded waits)', () => {
  it.each(FAULTS)('$name', async ({ serve, json, maxBytes, expected }) => {
    serve(() => nock(ORIGIN).get('/thing'))
    const { http, waits } = client()
    const call = json ? http.getJson(URL_, { maxBytes }) : http.get(URL_, { maxBytes })
    const outcome = await call.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error })
    )
    if (expected.error === null) {
      expect(outcome.ok).toBe(true)
    } else {
      expect(outcome.ok).toBe(false)
      if (!outcome.ok) {
        expect(outcome.error).toMatchObject(expected.error)
        // Only the gate's own error kinds (or a SyntaxError for non-JSON) ever come out.
        expect(
          outcome.error instanceof HttpError ||
            outcome.error instanceof NetworkError ||
            outcome.error instanceof SyntaxError
        ).toBe(true)
      }
    }
    expect(requests).toBe(expected.requests)
    if (typeof expected.waits === 'function') expect(expected.waits(waits)).toBe(true)
    else expect(waits).toEqual(expected.waits)
  })
})

describe('Retry-After forms (RFC 9110 §10.2.3, §5.6.7)', () => {
  const now = Date.parse('2026-11-21T10:00:00Z')
  it.each([
    ['120', 120_000],
    ['0', 0],
    ['Sat, 21 Nov 2026 10:00:30 GMT', 30_000],
    ['Saturday, 21-Nov-26 10:00:30 GMT', 30_000],
    ['Sat Nov 21 10:00:30 2026', 30_000],
    ['Thu, 01 Jan 1970 00:00:00 GMT', 0]
  ])('reads %j as a wait of %d ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms)
  })

  it.each(['-5', '5.5', '1e3', ' 12 13 ', 'soon', '2026-11-21T10:00:30Z', '', 'Sat, 99 Nov 2026'])(
    'ignores %j (the client falls back to its own backoff)',
    (value) => {
      expect(parseRetryAfter(value, now)).toBeUndefined()
    }
  )
})

describe('the total time budget, on the real clock', () => {
  it('a server slower than the budget: the client gives up when the budget is spent', async () => {
    nock(ORIGIN).get('/thing').times(10).delay(5_000).reply(200, {})
    const http = new HttpClient({
      fetch: countingFetch,
      timeoutMs: 10_000,
      retries: 5,
      budget: new Budget(300)
    })
    const started = Date.now()
    const error = await http.get(URL_).catch((e: unknown) => e)
    const elapsed = Date.now() - started
    expect(error).toBeInstanceOf(NetworkError)
    expect(['timeout', 'budget']).toContain((error as NetworkError).kind)
    expect(elapsed).toBeGreaterThanOrEqual(250)
    expect(elapsed).toBeLessThan(300 + 1_000)
    expect(requests).toBeLessThanOrEqual(2)
  })

  it('5xx with real backoff: retries stop before the budget, not after the retry count', async () => {
    nock(ORIGIN).get('/thing').times(20).reply(503)
    const http = new HttpClient({
      fetch: countingFetch,
      retries: 10,
      backoffMs: 60,
      budget: new Budget(400)
    })
    const started = Date.now()
    const error = await http.get(URL_).catch((e: unknown) => e)
    const elapsed = Date.now() - started
    expect(error).toBeInstanceOf(Error)
    expect(['HttpError', 'NetworkError']).toContain((error as Error).name)
    expect(elapsed).toBeLessThan(400 + 1_000)
    // 60, 120, 240 ms of backoff (± jitter) fit at most 3 retries into 400 ms.
    expect(requests).toBeGreaterThanOrEqual(2)
    expect(requests).toBeLessThanOrEqual(4)
  })

  it('a Retry-After longer than the budget left fails at once instead of sleeping', async () => {
    nock(ORIGIN).get('/thing').reply(429, '', { 'Retry-After': '5' })
    const http = new HttpClient({ fetch: countingFetch, budget: new Budget(2_000) })
    const started = Date.now()
    await expect(http.get(URL_)).rejects.toMatchObject({ name: 'HttpError', status: 429 })
    expect(Date.now() - started).toBeLessThan(1_500)
    expect(requests).toBe(1)
  })

  it('a spent budget makes no request at all', async () => {
    const http = new HttpClient({ fetch: countingFetch, budget: new Budget(0) })
    await expect(http.get(URL_)).rejects.toMatchObject({ name: 'NetworkError', kind: 'budget' })
    expect(requests).toBe(0)
  })
})

/** One attempt's answer in the property below. */
type Answer =
  { kind: 'reset' } | { kind: 'status'; status: number; retryAfter: string | null; body: string }

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504])
/** Fixed so a failure reproduces; fast-check prints it (with the path) when the property fails. */
const SEED = 0x6_2026

describe('property: any fault sequence ends bounded (seeded)', () => {
  const answer: fc.Arbitrary<Answer> = fc.oneof(
    fc.constant<Answer>({ kind: 'reset' }),
    fc.record({
      kind: fc.constant('status' as const),
      status: fc.constantFrom(200, 204, 400, 401, 404, 408, 425, 429, 500, 502, 503, 504),
      retryAfter: fc.oneof(
        fc.constant(null),
        fc.integer({ min: 0, max: 7_200 }).map(String),
        fc.constantFrom(
          'Thu, 01 Jan 1970 00:00:00 GMT',
          'Tue, 01 Jan 2999 00:00:00 GMT',
          '-1',
          '2.5',
          'later'
        )
      ),
      body: fc.constantFrom('', '{}', '{"trunc', 'x'.repeat(300))
    })
  )

  it('requests ≤ retries + 1, every wait within the cap and the budget, only known errors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(answer, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 1, max: 120_000 }),
        async (answers, retries, maxRetryAfterMs, budgetMs) => {
          let clock = 0
          let attempts = 0
          const waits: number[] = []
          const stub: FetchLike = async () => {
            const next = answers[Math.min(attempts, answers.length - 1)]!
            attempts += 1
            if (next.kind === 'reset') {
              throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } })
            }
            const headers =
              next.retryAfter === null ? undefined : { 'retry-after': next.retryAfter }
            const noBody = next.status === 204
            return new Response(noBody ? null : next.body, { status: next.status, headers })
          }
          const http = new HttpClient({
            fetch: stub,
            retries,
            maxRetryAfterMs,
            budget: new Budget(budgetMs, () => clock),
            random: () => 0.5,
            sleep: async (ms) => {
              waits.push(ms)
              clock += ms
            }
          })
          const outcome = await http.get(URL_).then(
            (res) => ({ ok: true as const, status: res.status }),
            (error: unknown) => ({ ok: false as const, error })
          )
          expect(attempts).toBeLessThanOrEqual(retries + 1)
          expect(waits).toHaveLength(attempts - 1)
          // Never slept past the budget, nor longer than the Retry-After cap or the backoff.
          expect(waits.reduce((a, b) => a + b, 0)).toBeLessThan(budgetMs)
          for (const wait of waits) {
            expect(wait).toBeLessThanOrEqual(Math.max(maxRetryAfterMs, 500 * 2 ** retries))
          }
          const last = answers[Math.min(attempts - 1, answers.length - 1)]!
          if (outcome.ok) {
            // An answer is never a retryable status, and it is what the server said last.
            expect(RETRYABLE.has(outcome.status)).toBe(false)
            expect(last).toMatchObject({ kind: 'status', status: outcome.status })
          } else if (outcome.error instanceof HttpError) {
            expect(RETRYABLE.has(outcome.error.status)).toBe(true)
            expect(last).toMatchObject({ kind: 'status', status: outcome.error.status })
          } else {
            expect(outcome.error).toBeInstanceOf(NetworkError)
          }
        }
      ),
      { seed: SEED, numRuns: 300 }
    )
  })
})

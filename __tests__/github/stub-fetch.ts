/**
 * A recording `fetch` stub for Octokit tests (not a test file itself): every request is recorded
 * and answered by a handler, so tests never touch the network.
 */
import type { Logger } from '../../src/log.js'

export interface RecordedRequest {
  method: string
  url: string
  body: unknown
  headers: Record<string, string>
}

export interface StubAnswer {
  status?: number
  body?: unknown
  headers?: Record<string, string>
}

export interface FetchStub {
  fetch: typeof fetch
  calls: RecordedRequest[]
}

/** A fetch that records each request and answers with `handler(request)`. */
export function stubFetch(handler: (req: RecordedRequest) => StubAnswer): FetchStub {
  const calls: RecordedRequest[] = []
  const fn = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const headers: Record<string, string> = {}
    new Headers(init?.headers).forEach((v, k) => {
      headers[k] = v
    })
    const text = typeof init?.body === 'string' ? init.body : undefined
    const req: RecordedRequest = {
      method: (init?.method ?? 'GET').toUpperCase(),
      url,
      body: text ? (JSON.parse(text) as unknown) : undefined,
      headers
    }
    calls.push(req)
    const answer = handler(req)
    const status = answer.status ?? 200
    return new Response(status === 204 ? null : JSON.stringify(answer.body ?? {}), {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...answer.headers }
    })
  }
  return { fetch: fn, calls }
}

/** A logger that keeps what it is told. */
export function recordingLogger(): Logger & { warnings: string[]; debugs: string[] } {
  const warnings: string[] = []
  const debugs: string[] = []
  return {
    warnings,
    debugs,
    debug: (m) => void debugs.push(m),
    info: (m) => void debugs.push(m),
    warning: (m) => void warnings.push(m)
  }
}

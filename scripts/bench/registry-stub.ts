/**
 * A local npm registry for benchmarks: an HTTP server on 127.0.0.1 (a random port) answering GETs
 * from a `RegistrySource`, counting requests. The source gets each request's `Accept` (npm asks
 * for abbreviated packuments with it). Tarball URLs inside JSON answers are rewritten from the
 * source's origin to the stub, so that the CLI downloads tarballs from it too.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One answer of a source. */
export interface SourceAnswer {
  /** HTTP status (200, 404, …). */
  status: number
  body: Buffer
  contentType: string
}

/** Where the stub's answers come from. */
export interface RegistrySource {
  /** What it serves, for printouts. */
  description: string
  /**
   * The origin written in the source's packuments (e.g. `https://registry.npmjs.org`): replaced
   * by the stub's own URL in JSON answers.
   */
  origin: string
  /**
   * The answer to `GET <requestPath>` (path and query as received) with `Accept: accept`
   * (undefined when the request had none). May reject (→ 502).
   */
  answer(requestPath: string, accept: string | undefined): Promise<SourceAnswer>
  /** Whether JSON answers of this source may be kept in memory once rewritten (immutable). */
  immutable: boolean
}

/** A running stub. */
export interface RegistryStub {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string
  description: string
  /** Requests received so far. */
  requests(): number
  /** Requests answered 404 so far. */
  notFound(): number
  close(): Promise<void>
}

/** Options of `startRegistryStub`. */
export interface RegistryStubOptions {
  /** Time to wait before answering each request, in ms (a registry across a network); default 0. */
  latencyMs?: number
}

/**
 * Start a stub serving `source` (see the module doc). Non-GET requests are 405; a rejected answer
 * is a 502 with the reason.
 */
export async function startRegistryStub(
  source: RegistrySource,
  options: RegistryStubOptions = {}
): Promise<RegistryStub> {
  const latencyMs = options.latencyMs ?? 0
  const origin = source.origin.replace(/\/+$/, '')
  const rewritten = new Map<string, Buffer>()
  let requests = 0
  let notFound = 0
  let base = ''

  /** The answer's body, rewritten; remembered by `Accept` and path (they pick the answer). */
  const body = (request: string, answer: SourceAnswer): Buffer => {
    if (!answer.contentType.includes('json') || answer.status !== 200) return answer.body
    const known = rewritten.get(request)
    if (known !== undefined) return known
    const text = answer.body.toString('utf8').replaceAll(`${origin}/`, `${base}/`)
    const result = Buffer.from(text, 'utf8')
    if (source.immutable) rewritten.set(request, result)
    return result
  }

  const server = createServer((req, res) => {
    requests += 1
    const requestPath = req.url ?? '/'
    const accept = req.headers.accept
    const respond = async (): Promise<void> => {
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs))
      if (req.method !== 'GET') {
        res.writeHead(405).end()
        return
      }
      const answer = await source.answer(requestPath, accept)
      if (answer.status === 404) notFound += 1
      res
        .writeHead(answer.status, { 'content-type': answer.contentType })
        .end(body(`${accept ?? ''}\n${requestPath}`, answer))
    }
    respond().catch((error: unknown) => {
      res.writeHead(502).end(error instanceof Error ? error.message : String(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: base,
    description: source.description + (latencyMs > 0 ? `, ${latencyMs} ms per answer` : ''),
    requests: () => requests,
    notFound: () => notFound,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

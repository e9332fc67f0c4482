/**
 * The osv.dev API as an `AdvisorySource` (API reference: https://google.github.io/osv.dev/api/):
 *
 * 1. `POST {base}/v1/querybatch` with up to 1000 queries per request (the API's batch limit),
 *    following `next_page_token` for queries whose answer was paged;
 * 2. `GET {base}/v1/vulns/{id}` for each distinct id, with bounded concurrency and memoised for
 *    the run (several packages share advisories);
 * 3. each record is validated (`parseOsvRecord`) and re-checked locally with `matchAffected`:
 *    the API is trusted for which ids to fetch, not for the final verdict.
 *
 * Every request goes through the gate's `HttpClient` (timeouts, retries, budget, size limits).
 * Any failure rejects with an `AdvisoryLookupError` whose message holds no secret.
 */
import pLimit from 'p-limit'
import { z } from 'zod'
import { type Logger, silentLogger } from '../../../log.js'
import { type HttpClient, redactUrl } from '../../../net/http.js'
import { matchAffected } from './affected.js'
import { type OsvRecord, OsvRecordError, parseOsvRecord } from './osv-record.js'
import { AdvisoryLookupError, type AdvisorySource, type PackageQuery } from './source.js'

/** The public osv.dev API. */
export const DEFAULT_OSV_API = 'https://api.osv.dev'

/** Queries per `querybatch` request (osv.dev's documented limit). */
export const OSV_BATCH_SIZE = 1000

/** Rounds of `next_page_token` followed before giving up (a runaway pager). */
const MAX_PAGE_ROUNDS = 20

/** Largest `querybatch` answer accepted, in bytes. */
const MAX_BATCH_BYTES = 32 * 1024 * 1024
/** Largest single record accepted, in bytes. */
const MAX_RECORD_BYTES = 4 * 1024 * 1024

/** `querybatch` answer: one result per query, each with ids and maybe a page token. */
const QueryBatchAnswerSchema = z.looseObject({
  results: z.array(
    z.looseObject({
      vulns: z
        .array(z.looseObject({ id: z.string().min(1).max(200) }))
        .optional()
        .default([]),
      next_page_token: z.string().min(1).optional()
    })
  )
})

export interface OsvApiSourceOptions {
  http: HttpClient
  /** API base URL (no trailing slash needed). Default `https://api.osv.dev`. */
  baseUrl?: string
  logger?: Logger
  /** Parallel `GET /v1/vulns/{id}` requests. Default 8. */
  concurrency?: number
}

/**
 * An `AdvisorySource` backed by the osv.dev API (see the module doc).
 * @returns a source whose `lookup` rejects only with `AdvisoryLookupError`.
 */
export function createOsvApiSource(options: OsvApiSourceOptions): AdvisorySource {
  const base = (options.baseUrl ?? DEFAULT_OSV_API).replace(/\/+$/, '')
  const logger = options.logger ?? silentLogger
  const http = options.http
  const limit = pLimit(options.concurrency ?? 8)
  const records = new Map<string, Promise<OsvRecord | null>>()

  function record(id: string): Promise<OsvRecord | null> {
    let pending = records.get(id)
    if (!pending) {
      pending = limit(() => fetchRecord(http, base, id, logger))
      // A failed fetch is not memoised, so a later lookup can try again.
      pending.catch(() => records.delete(id))
      records.set(id, pending)
    }
    return pending
  }

  return {
    name: `osv.dev API (${redactUrl(base).replace(/\/$/, '')})`,
    async lookup(queries: PackageQuery[]): Promise<OsvRecord[][]> {
      try {
        const ids = await queryIds(http, base, queries)
        const distinct = [...new Set(ids.flat())]
        const fetched = await Promise.all(distinct.map((id) => record(id)))
        const byId = new Map(distinct.map((id, i) => [id, fetched[i] ?? null]))
        return queries.map((query, i) => {
          const kept: OsvRecord[] = []
          for (const id of ids[i] ?? []) {
            const found = byId.get(id)
            if (!found) continue
            if (matchAffected(found, query.ecosystem, query.name, query.version)) kept.push(found)
            else {
              logger.debug(
                `osv.dev listed ${id} for ${query.name}@${query.version}, but its ranges do not cover that version; ignored`
              )
            }
          }
          return kept
        })
      } catch (error) {
        if (error instanceof AdvisoryLookupError) throw error
        throw new AdvisoryLookupError(`osv.dev lookup failed: ${messageOf(error)}`, {
          cause: error
        })
      }
    }
  }
}

/** The advisory ids osv.dev lists for each query (paged answers followed). */
async function queryIds(
  http: HttpClient,
  base: string,
  queries: PackageQuery[]
): Promise<string[][]> {
  const ids: string[][] = queries.map(() => [])
  for (let start = 0; start < queries.length; start += OSV_BATCH_SIZE) {
    let pending = queries.slice(start, start + OSV_BATCH_SIZE).map((query, offset) => ({
      index: start + offset,
      query,
      pageToken: undefined as string | undefined
    }))
    for (let round = 0; pending.length > 0; round += 1) {
      if (round >= MAX_PAGE_ROUNDS) {
        throw new AdvisoryLookupError(
          `osv.dev kept paging after ${MAX_PAGE_ROUNDS} rounds; the answer is incomplete`
        )
      }
      const results = await queryBatch(http, base, pending)
      const next: typeof pending = []
      results.forEach((result, i) => {
        const item = pending[i]
        if (!item) return
        for (const vuln of result.vulns) ids[item.index]?.push(vuln.id)
        if (result.next_page_token) next.push({ ...item, pageToken: result.next_page_token })
      })
      pending = next
    }
  }
  return ids.map((list) => [...new Set(list)])
}

/** One `querybatch` request; the answer has exactly one result per query. */
async function queryBatch(
  http: HttpClient,
  base: string,
  items: { query: PackageQuery; pageToken: string | undefined }[]
): Promise<z.infer<typeof QueryBatchAnswerSchema>['results']> {
  const url = `${base}/v1/querybatch`
  const body = {
    queries: items.map(({ query, pageToken }) => ({
      package: { ecosystem: query.ecosystem, name: query.name },
      version: query.version,
      ...(pageToken ? { page_token: pageToken } : {})
    }))
  }
  const answer = await http.postJson(url, body, { maxBytes: MAX_BATCH_BYTES })
  if (answer.status < 200 || answer.status >= 300) {
    throw new AdvisoryLookupError(`POST ${redactUrl(url)} answered ${answer.status}`)
  }
  const parsed = QueryBatchAnswerSchema.safeParse(answer.json)
  if (!parsed.success) {
    throw new AdvisoryLookupError(
      `POST ${redactUrl(url)} did not answer a querybatch result: ${z.prettifyError(parsed.error)}`
    )
  }
  if (parsed.data.results.length !== items.length) {
    throw new AdvisoryLookupError(
      `POST ${redactUrl(url)} answered ${parsed.data.results.length} results for ${items.length} queries`
    )
  }
  return parsed.data.results
}

/**
 * One record by id; null (with a warning) when osv.dev no longer has it (404).
 * @throws AdvisoryLookupError on any other failure or an invalid record.
 */
async function fetchRecord(
  http: HttpClient,
  base: string,
  id: string,
  logger: Logger
): Promise<OsvRecord | null> {
  const url = `${base}/v1/vulns/${encodeURIComponent(id)}`
  const answer = await http.getJson(url, { maxBytes: MAX_RECORD_BYTES })
  if (answer.status === 404) {
    logger.warning(`osv.dev listed ${id} but has no record for it (404); skipped`)
    return null
  }
  if (answer.status < 200 || answer.status >= 300) {
    throw new AdvisoryLookupError(`GET ${redactUrl(url)} answered ${answer.status}`)
  }
  try {
    const record = parseOsvRecord(answer.json, `osv.dev ${redactUrl(url)}`)
    if (record.id !== id) {
      throw new AdvisoryLookupError(
        `GET ${redactUrl(url)} answered record ${record.id.slice(0, 200)}`
      )
    }
    return record
  } catch (error) {
    if (error instanceof OsvRecordError) throw new AdvisoryLookupError(error.message)
    throw error
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Recorded npm registry data for tests (not a test file itself): `__tests__/fixtures/` holds real
 * packuments and tarballs recorded from the registry, and nock serves them under the registry's
 * URL paths (npm registry API: `GET /{name}` with a scoped name's `/` escaped as `%2f`, and the
 * tarball at `dist.tarball`).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import nock from 'nock'

/** The public npm registry (what the gate asks by default; tests nock it). */
export const REGISTRY = 'https://registry.npmjs.org'

/** Absolute path of `__tests__/fixtures/`, with a trailing separator. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))

/** The bytes of `__tests__/fixtures/<file>` (e.g. `packuments/tavily-mcp.json`); throws if absent. */
export function fixture(file: string): Buffer {
  return readFileSync(path.join(FIXTURES, file))
}

/** Registry paths answered from a recording: URL path → fixture file. */
export const RECORDED_NPM = {
  '/@modelcontextprotocol%2fserver-filesystem': 'packuments/server-filesystem.json',
  '/@modelcontextprotocol/server-filesystem/-/server-filesystem-2026.8.31.tgz':
    'tarballs/server-filesystem-2026.8.31.tgz',
  '/tavily-mcp': 'packuments/tavily-mcp.json',
  '/tavily-mcp/-/tavily-mcp-0.2.22.tgz': 'tarballs/tavily-mcp-0.2.22.tgz',
  '/@modelcontextprotocol%2fsdk': 'packuments/modelcontextprotocol-sdk.json',
  '/figma-developer-mcp': 'packuments/figma-developer-mcp.json',
  '/figma-developer-mcp/-/figma-developer-mcp-0.13.2.tgz': 'tarballs/figma-developer-mcp-0.13.2.tgz'
} as const

/** A registry path with a recording (a key of `RECORDED_NPM`). */
export type RecordedNpmPath = keyof typeof RECORDED_NPM

/**
 * The packuments and tarballs of the two pinned packages most tests use:
 * `@modelcontextprotocol/server-filesystem@2026.8.31` and `tavily-mcp@0.2.22`.
 */
export const PINNED_PACKAGES: readonly RecordedNpmPath[] = [
  '/@modelcontextprotocol%2fserver-filesystem',
  '/@modelcontextprotocol/server-filesystem/-/server-filesystem-2026.8.31.tgz',
  '/tavily-mcp',
  '/tavily-mcp/-/tavily-mcp-0.2.22.tgz'
]

/**
 * Add to `scope` (a nock scope on `REGISTRY`) a `GET` answered 200 with the recording for each
 * of `paths`, in order; returns the scope for more interceptors.
 */
export function answerFromRecordings(
  scope: nock.Scope,
  paths: readonly RecordedNpmPath[]
): nock.Scope {
  for (const p of paths) scope.get(p).reply(200, fixture(RECORDED_NPM[p]))
  return scope
}

/**
 * `@modelcontextprotocol/server-filesystem@2026.8.31` (packument, tarball) and the MCP SDK's
 * packument it reads, on `REGISTRY`, answered as often as asked; returns the scope.
 */
export function serveFilesystem(): nock.Scope {
  return answerFromRecordings(nock(REGISTRY).persist(), [
    '/@modelcontextprotocol%2fserver-filesystem',
    '/@modelcontextprotocol%2fsdk',
    '/@modelcontextprotocol/server-filesystem/-/server-filesystem-2026.8.31.tgz'
  ])
}

/**
 * The three pinned servers of `fixtures/org-repo` (server-filesystem with the SDK, tavily-mcp,
 * figma-developer-mcp) on `REGISTRY`, answered as often as asked; returns the scope.
 */
export function serveOrgRepo(): nock.Scope {
  return answerFromRecordings(serveFilesystem(), [
    '/tavily-mcp',
    '/tavily-mcp/-/tavily-mcp-0.2.22.tgz',
    '/figma-developer-mcp',
    '/figma-developer-mcp/-/figma-developer-mcp-0.13.2.tgz'
  ])
}

/**
 * Grade cache keys (only exact versions; everything a value depends on is named; no secret in a
 * key) and the advisory source identity that built-in keys carry.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { zipSync } from 'fflate'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { loadOsvDatabase } from '../../../src/grade/builtin/advisories/osv-db.js'
import { advisorySourceIdentity } from '../../../src/grade/cache/advisory-identity.js'
import {
  apiGradeKey,
  builtinAssessmentKey,
  CACHE_KEY_SCHEMA,
  commandContext,
  commandGradeKey,
  exactPackage
} from '../../../src/grade/cache/keys.js'
import { RUBRIC_VERSION } from '../../../src/grade/builtin/scoring.js'
import { DEFAULT_SCALE } from '../../../src/policy/grades.js'
import { TOOL_VERSION } from '../../../src/version.js'

const FS = 'pkg:npm/%40modelcontextprotocol/server-filesystem@2026.8.31'
const SOURCES = {
  npmRegistry: 'https://registry.npmjs.org',
  pypiUrl: 'https://pypi.org',
  advisories: 'osv-api https://api.osv.dev'
}

describe('exactPackage', () => {
  it.each([
    [FS, 'npm'],
    ['pkg:npm/tavily-mcp@0.2.22', 'npm'],
    ['pkg:npm/x@1.0.0-beta.1', 'npm'],
    ['pkg:pypi/mcp-server-git@0.6.2', 'pypi'],
    ['pkg:pypi/mcp-server-fetch@2025.4.7.post1', 'pypi']
  ])('accepts the exact version %s', (purl, ecosystem) => {
    expect(exactPackage(purl)).toEqual({ purl, ecosystem })
  })

  it.each([
    ['no version', 'pkg:npm/tavily-mcp'],
    ['a range', 'pkg:npm/tavily-mcp@%5E0.2'],
    ['a tag', 'pkg:npm/tavily-mcp@latest'],
    ['a loose semver', 'pkg:npm/tavily-mcp@v0.2.22'],
    ['a PEP 440 specifier', 'pkg:pypi/mcp-server-git@%3E%3D0.6'],
    ['an OCI image', 'pkg:docker/library/nginx@sha256:abc'],
    ['not a purl', 'npm:tavily-mcp@0.2.22'],
    ['a non-canonical purl', 'pkg:npm/@modelcontextprotocol/server-filesystem@2026.8.31'],
    ['nothing', null]
  ])('refuses %s', (_what, purl) => {
    expect(exactPackage(purl)).toBeNull()
  })
})

describe('builtinAssessmentKey', () => {
  it('names the key schema, the grader and tool version, the rubric, the purl and the sources', () => {
    expect(builtinAssessmentKey(FS, SOURCES)).toBe(
      `${CACHE_KEY_SCHEMA} | builtin | mcp-grade-gate/${TOOL_VERSION} | rubric ${RUBRIC_VERSION} | ${FS} | registry https://registry.npmjs.org | advisories osv-api https://api.osv.dev`
    )
  })

  it('uses the PyPI URL for PyPI packages', () => {
    expect(builtinAssessmentKey('pkg:pypi/mcp-server-git@0.6.2', SOURCES)).toContain(
      'registry https://pypi.org |'
    )
  })

  it('differs with the advisory source and the registry', () => {
    const base = builtinAssessmentKey(FS, SOURCES)
    expect(builtinAssessmentKey(FS, { ...SOURCES, advisories: 'off' })).not.toBe(base)
    expect(builtinAssessmentKey(FS, { ...SOURCES, npmRegistry: 'https://mirror.test/npm/' })).toBe(
      base!.replace('https://registry.npmjs.org', 'https://mirror.test/npm')
    )
  })

  it('keeps a token in a registry URL path out of the key, and still tells registries apart', () => {
    const token = 'Xk9fQ2mZp7LwR4tY8vB3nC6h'
    const key = builtinAssessmentKey(FS, {
      ...SOURCES,
      npmRegistry: `https://npm-proxy.fury.io/${token}/acme/`
    })!
    expect(key).not.toContain(token)
    expect(key).toMatch(/\| registry https:\/\/npm-proxy\.fury\.io\/~[0-9a-f]{10}\/acme \|/)
    const other = builtinAssessmentKey(FS, {
      ...SOURCES,
      npmRegistry: 'https://npm-proxy.fury.io/Qw8eR5tY2uI9oP4aS7dF1gH3/acme/'
    })
    expect(other).not.toBe(key)
  })

  it('is null for anything but an exact version', () => {
    expect(builtinAssessmentKey('pkg:npm/tavily-mcp', SOURCES)).toBeNull()
    expect(builtinAssessmentKey('pkg:npm/tavily-mcp@%5E0.2', SOURCES)).toBeNull()
  })
})

describe('apiGradeKey and commandGradeKey', () => {
  it('names the grading service and the scale', () => {
    expect(apiGradeKey('https://grader.example/v1/', DEFAULT_SCALE, FS)).toBe(
      `${CACHE_KEY_SCHEMA} | api | https://grader.example/v1 | scale A90 B75 C60 D40 | ${FS}`
    )
    expect(apiGradeKey('https://grader.example', { ...DEFAULT_SCALE, A: 95 }, FS)).not.toBe(
      apiGradeKey('https://grader.example', DEFAULT_SCALE, FS)
    )
  })

  it('names a grader command by a digest, so its arguments (maybe a token) stay out', () => {
    const key = commandGradeKey(['grader', '--token', 'hunter2-SECRET'], FS)!
    expect(key).toMatch(new RegExp(`^${CACHE_KEY_SCHEMA} \\| command \\| sha256:[0-9a-f]{64} \\| `))
    expect(key).not.toContain('hunter2')
    expect(commandGradeKey(['grader', '--other'], FS)).not.toBe(key)
  })

  it('a grader command key changes with its script and its passed environment, never holding them', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cmd-key-'))
    try {
      writeFileSync(path.join(dir, 'grade.mjs'), 'export default 1\n')
      const argv = ['node', 'grade.mjs']
      const env = { GRADER_TOKEN: 'tok-SECRET-1' }
      const first = await commandContext(argv, dir, ['GRADER_TOKEN'], env)
      expect(first.join(' ')).not.toContain('tok-SECRET-1')
      const key = commandGradeKey(argv, FS, first)
      expect(
        commandGradeKey(argv, FS, await commandContext(argv, dir, ['GRADER_TOKEN'], env))
      ).toBe(key)
      writeFileSync(path.join(dir, 'grade.mjs'), 'export default 2\n')
      const edited = await commandContext(argv, dir, ['GRADER_TOKEN'], env)
      expect(commandGradeKey(argv, FS, edited)).not.toBe(key)
      const otherToken = await commandContext(argv, dir, ['GRADER_TOKEN'], {
        GRADER_TOKEN: 'tok-2'
      })
      expect(commandGradeKey(argv, FS, otherToken)).not.toBe(commandGradeKey(argv, FS, edited))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('are null for unpinned specs', () => {
    expect(apiGradeKey('https://grader.example', DEFAULT_SCALE, 'pkg:npm/x')).toBeNull()
    expect(commandGradeKey(['g'], 'pkg:npm/x@latest')).toBeNull()
  })
})

describe('advisorySourceIdentity', () => {
  let dir: string
  const osv = fileURLToPath(new URL('../../fixtures/osv/', import.meta.url))
  /** The identity of the database at `location`, as the gate makes it: from the loaded database. */
  const databaseIdentity = async (location: string): Promise<string> =>
    advisorySourceIdentity({ kind: 'osv-db', database: await loadOsvDatabase(location) })
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'advisory-id-'))
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('tells off, the API by URL, and a database by content', async () => {
    expect(advisorySourceIdentity({ kind: 'off' })).toBe('off')
    expect(advisorySourceIdentity({ kind: 'osv-api' })).toBe('osv-api https://api.osv.dev')
    expect(advisorySourceIdentity({ kind: 'osv-api', baseUrl: 'http://127.0.0.1:9/' })).toBe(
      'osv-api http://127.0.0.1:9'
    )
    const db = await databaseIdentity(osv)
    expect(db).toMatch(/^osv-db sha256:[0-9a-f]{64}$/)
  })

  it('gives a copy of a database the same identity, and a changed record another', async () => {
    const copy = path.join(dir, 'copy')
    cpSync(osv, copy, { recursive: true })
    const original = await databaseIdentity(osv)
    expect(await databaseIdentity(copy)).toBe(original)
    writeFileSync(path.join(copy, 'GHSA-new.json'), '{"id":"GHSA-new"}')
    expect(await databaseIdentity(copy)).not.toBe(original)
  })

  it('tells apart a record moved to another path, and an edited record', async () => {
    const copy = path.join(dir, 'copy')
    cpSync(osv, copy, { recursive: true })
    const original = await databaseIdentity(copy)
    mkdirSync(path.join(copy, 'moved'))
    writeFileSync(path.join(copy, 'moved', 'GHSA-x.json'), '{"id":"GHSA-x"}')
    const withMoved = await databaseIdentity(copy)
    expect(withMoved).not.toBe(original)
    rmSync(path.join(copy, 'moved'), { recursive: true })
    writeFileSync(path.join(copy, 'GHSA-x.json'), '{"id":"GHSA-x"}')
    const atTop = await databaseIdentity(copy)
    expect(atTop).not.toBe(withMoved)
    writeFileSync(path.join(copy, 'GHSA-x.json'), '{"id":"GHSA-y"}')
    expect(await databaseIdentity(copy)).not.toBe(atTop)
  })

  it('identifies a zip by its bytes', async () => {
    const zip = path.join(dir, 'all.zip')
    writeFileSync(zip, zipSync({ 'a.json': new TextEncoder().encode('{"id":"A"}') }))
    const first = await databaseIdentity(zip)
    expect(await databaseIdentity(zip)).toBe(first)
    writeFileSync(zip, zipSync({ 'a.json': new TextEncoder().encode('{"id":"B"}') }))
    expect(await databaseIdentity(zip)).not.toBe(first)
  })

  it('rejects when the database cannot be read (loading it fails first)', async () => {
    await expect(databaseIdentity(path.join(dir, 'missing'))).rejects.toThrow(/ENOENT/)
  })
})

import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { HttpClient } from '../../../../src/net/http.js'
import {
  chooseDistribution,
  DistributionError,
  fetchDistributionFiles,
  isPureWheel
} from '../../../../src/grade/builtin/python/pypi-distribution.js'
import { readWheelFiles } from '../../../../src/grade/builtin/python/wheel-files.js'
import {
  DistributionFileSchema,
  type DistributionFile
} from '../../../../src/resolve/pypi-registry.js'
import { tarOf } from '../helpers.js'
import { coreMetadata, wheelOf } from './helpers.js'

const files = 'https://files.pythonhosted.org'
const http = new HttpClient({ retries: 0, sleep: async () => undefined })

afterEach(() => {
  nock.cleanAll()
})

/** A release file entry as the PyPI JSON API shows it, for `body`. */
function fileEntry(
  filename: string,
  body: Buffer,
  overrides: Partial<DistributionFile> = {}
): DistributionFile {
  const wheel = filename.endsWith('.whl')
  return DistributionFileSchema.parse({
    comment_text: null,
    digests: {
      blake2b_256: createHash('blake2b512').update(body).digest('hex').slice(0, 64),
      md5: createHash('md5').update(body).digest('hex'),
      sha256: createHash('sha256').update(body).digest('hex')
    },
    downloads: -1,
    filename,
    has_sig: false,
    md5_digest: createHash('md5').update(body).digest('hex'),
    packagetype: wheel ? 'bdist_wheel' : 'sdist',
    python_version: wheel ? 'py3' : 'source',
    requires_python: '>=3.10',
    size: body.length,
    upload_time: '2026-03-02T10:11:12',
    upload_time_iso_8601: '2026-03-02T10:11:12.345678Z',
    url: `${files}/packages/ab/cd/${filename}`,
    yanked: false,
    yanked_reason: null,
    ...overrides
  })
}

const wheel = wheelOf([
  { path: 'demo_mcp/__init__.py', content: '' },
  { path: 'demo_mcp/server.py', content: 'print("hi")\n' },
  { path: 'demo_mcp-1.2.0.dist-info/METADATA', content: coreMetadata('demo-mcp', '1.2.0') },
  { path: 'demo_mcp-1.2.0.dist-info/WHEEL', content: 'Wheel-Version: 1.0\nTag: py3-none-any\n' }
])
const sdist = tarOf([
  { path: 'demo_mcp-1.2.0/PKG-INFO', content: coreMetadata('demo-mcp', '1.2.0') },
  { path: 'demo_mcp-1.2.0/src/demo_mcp/server.py', content: 'print("hi")\n' }
])

describe('choosing a distribution', () => {
  it('recognises pure Python 3 wheels (PEP 427/425 tags)', () => {
    expect(isPureWheel('demo_mcp-1.2.0-py3-none-any.whl')).toBe(true)
    expect(isPureWheel('demo_mcp-1.2.0-1-py2.py3-none-any.whl')).toBe(true)
    expect(isPureWheel('demo_mcp-1.2.0-cp312-cp312-manylinux_2_17_x86_64.whl')).toBe(false)
    expect(isPureWheel('demo_mcp-1.2.0-py2-none-any.whl')).toBe(false)
  })

  it('prefers the pure wheel, then the .tar.gz sdist, and has nothing for binaries only', () => {
    const w = fileEntry('demo_mcp-1.2.0-py3-none-any.whl', wheel)
    const s = fileEntry('demo_mcp-1.2.0.tar.gz', sdist)
    const binary = fileEntry('demo_mcp-1.2.0-cp312-cp312-win_amd64.whl', wheel)
    expect(chooseDistribution([s, w])).toEqual({ file: w, kind: 'wheel' })
    expect(chooseDistribution([binary, s])).toEqual({ file: s, kind: 'sdist' })
    expect(chooseDistribution([binary])).toBeNull()
  })
})

describe('fetchDistributionFiles', () => {
  it('downloads, verifies and reads a wheel', async () => {
    const entry = fileEntry('demo_mcp-1.2.0-py3-none-any.whl', wheel)
    nock(files).get('/packages/ab/cd/demo_mcp-1.2.0-py3-none-any.whl').reply(200, wheel)
    const read = await fetchDistributionFiles(http, [entry])
    expect(read.kind).toBe('wheel')
    expect([...read.files.files.keys()].sort()).toEqual([
      'demo_mcp-1.2.0.dist-info/METADATA',
      'demo_mcp-1.2.0.dist-info/WHEEL',
      'demo_mcp/__init__.py',
      'demo_mcp/server.py'
    ])
    expect(read.files.files.get('demo_mcp/server.py')?.toString()).toBe('print("hi")\n')
  })

  it('reads an sdist without its top folder', async () => {
    const entry = fileEntry('demo_mcp-1.2.0.tar.gz', sdist)
    nock(files).get('/packages/ab/cd/demo_mcp-1.2.0.tar.gz').reply(200, sdist)
    const read = await fetchDistributionFiles(http, [entry])
    expect(read.kind).toBe('sdist')
    expect([...read.files.files.keys()]).toEqual(['PKG-INFO', 'src/demo_mcp/server.py'])
  })

  it('refuses a digest mismatch and a file with no sha256, before reading', async () => {
    const entry = fileEntry('demo_mcp-1.2.0-py3-none-any.whl', wheel)
    nock(files).get('/packages/ab/cd/demo_mcp-1.2.0-py3-none-any.whl').reply(200, sdist)
    await expect(fetchDistributionFiles(http, [entry])).rejects.toMatchObject({
      kind: 'integrity',
      message: expect.stringMatching(/SHA-256 .* does not match/)
    })
    const unsigned = { ...entry, digests: { sha256: null, md5: 'x', blake2b_256: null } }
    await expect(fetchDistributionFiles(http, [unsigned])).rejects.toBeInstanceOf(DistributionError)
  })

  it('fails on a 404, an oversized file, a bad URL and a release with nothing to read', async () => {
    const entry = fileEntry('demo_mcp-1.2.0-py3-none-any.whl', wheel)
    nock(files).get('/packages/ab/cd/demo_mcp-1.2.0-py3-none-any.whl').reply(404, 'gone')
    await expect(fetchDistributionFiles(http, [entry])).rejects.toMatchObject({ kind: 'download' })
    nock(files).get('/packages/ab/cd/demo_mcp-1.2.0-py3-none-any.whl').reply(200, wheel)
    await expect(fetchDistributionFiles(http, [entry], { maxBytes: 100 })).rejects.toMatchObject({
      kind: 'too-large'
    })
    await expect(
      fetchDistributionFiles(http, [{ ...entry, url: 'file:///etc/passwd' }])
    ).rejects.toMatchObject({
      kind: 'download'
    })
    await expect(fetchDistributionFiles(http, [])).rejects.toMatchObject({ kind: 'none' })
  })
})

describe('readWheelFiles', () => {
  it('refuses .. paths, absolute paths and symlinks, and lists too-large files', () => {
    const hostile = wheelOf([
      { path: 'pkg/ok.py', content: 'x = 1\n' },
      { path: '../evil.py', content: 'x = 1\n' },
      { path: '/etc/cron.d/x', content: 'x' },
      { path: 'pkg/link.py', content: '/etc/passwd', mode: 0o120777 },
      { path: 'pkg/big.py', content: 'x'.repeat(2000), mode: 0o100644 }
    ])
    const read = readWheelFiles(hostile, { maxFileBytes: 1000 })
    expect(read.stopped).toBeNull()
    expect([...read.files.keys()]).toEqual(['pkg/ok.py'])
    expect(read.entries.map((e) => [e.path, e.kept])).toEqual([
      ['pkg/ok.py', true],
      ['pkg/big.py', false]
    ])
    expect(read.skipped.map((s) => s.reason).sort()).toEqual([
      'absolute-path',
      'parent-segment',
      'symlink',
      'too-large'
    ])
  })

  it('stops on a zip bomb, too many entries, and garbage', () => {
    const bomb = wheelOf([{ path: 'pkg/zeros.py', content: Buffer.alloc(5 * 1024 * 1024) }])
    expect(readWheelFiles(bomb).stopped?.reason).toBe('decompression-ratio')
    expect(readWheelFiles(bomb, { maxUnpackedBytes: 1024 }).stopped?.reason).toBe('unpacked-size')
    const many = wheelOf(
      Array.from({ length: 30 }, (_, i) => ({ path: `pkg/m${i}.py`, content: 'x' }))
    )
    expect(readWheelFiles(many, { maxEntries: 10 }).stopped?.reason).toBe('entry-count')
    expect(readWheelFiles(Buffer.from('not a zip at all')).stopped?.reason).toBe('corrupt')
    expect(
      readWheelFiles(Buffer.concat([Buffer.alloc(10), wheel.subarray(-22)])).stopped?.reason
    ).toBe('corrupt')
  })
})

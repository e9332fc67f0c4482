import { describe, expect, it } from '@jest/globals'
import { normaliseEntryPath, readPackageFiles } from '../../../src/grade/builtin/package-files.js'
import { gzipBombOf, tarOf } from './helpers.js'

const pkg = JSON.stringify({ name: 'good-mcp', version: '1.0.0' })

describe('readPackageFiles', () => {
  it('keeps regular files of a good package, stripping the package/ folder', async () => {
    const tgz = tarOf([
      { path: 'package/', type: 'Directory' },
      { path: 'package/package.json', content: pkg },
      { path: 'package/README.md', content: '# Good\n' },
      { path: 'package/dist/index.js', content: 'console.log(1)\n' }
    ])
    const files = await readPackageFiles(tgz)
    expect(files.stopped).toBeNull()
    expect(files.skipped).toEqual([])
    expect([...files.files.keys()]).toEqual(['package.json', 'README.md', 'dist/index.js'])
    expect(files.files.get('dist/index.js')?.toString()).toBe('console.log(1)\n')
    expect(files.entries).toEqual([
      { path: 'package.json', size: pkg.length, kept: true },
      { path: 'README.md', size: 7, kept: true },
      { path: 'dist/index.js', size: 15, kept: true }
    ])
    expect(files.unpackedBytes).toBe(pkg.length + 7 + 15)
  })

  it('reads an uncompressed tar too', async () => {
    const files = await readPackageFiles(
      tarOf([{ path: 'package/a.txt', content: 'A' }], { gzip: false })
    )
    expect(files.files.get('a.txt')?.toString()).toBe('A')
  })

  it('refuses ../ and absolute paths with a note, and keeps the rest', async () => {
    const tgz = tarOf([
      { path: 'package/../../etc/evil', content: 'x' },
      { path: '/etc/passwd', content: 'root' },
      { path: 'C:\\Windows\\evil.dll', content: 'mz' },
      { path: 'package/ok.js', content: 'ok' }
    ])
    const files = await readPackageFiles(tgz)
    expect([...files.files.keys()]).toEqual(['ok.js'])
    expect(files.skipped.map((s) => s.reason)).toEqual([
      'parent-segment',
      'absolute-path',
      'absolute-path'
    ])
    expect(files.skipped[0]?.note).toMatch(/"\.\." segment refused/)
    expect(files.skipped[1]?.note).toMatch(/absolute path \/etc\/passwd refused/)
    expect(files.entries.map((e) => e.path)).toEqual(['ok.js'])
  })

  it('skips symbolic and hard links (saying when they point outside) and never reads them', async () => {
    const tgz = tarOf([
      { path: 'package/link-out', type: 'SymbolicLink', linkpath: '../../../../etc/passwd' },
      { path: 'package/abs-link', type: 'SymbolicLink', linkpath: '/etc/shadow' },
      { path: 'package/inside', type: 'SymbolicLink', linkpath: 'dist/index.js' },
      { path: 'package/hard', type: 'Link', linkpath: '/etc/passwd' },
      { path: 'package/index.js', content: 'x' }
    ])
    const files = await readPackageFiles(tgz)
    expect([...files.files.keys()]).toEqual(['index.js'])
    expect(files.skipped.map((s) => [s.reason, s.linkpath])).toEqual([
      ['symlink', '../../../../etc/passwd'],
      ['symlink', '/etc/shadow'],
      ['symlink', 'dist/index.js'],
      ['hardlink', '/etc/passwd']
    ])
    expect(files.skipped[0]?.note).toMatch(/points outside the package/)
    expect(files.skipped[1]?.note).toMatch(/points outside the package/)
    expect(files.skipped[2]?.note).not.toMatch(/outside/)
    expect(files.skipped[3]?.note).toMatch(/hard link .*points outside the package/)
  })

  it('skips device files and FIFOs', async () => {
    const tgz = tarOf([
      { path: 'package/dev-null', type: 'CharacterDevice' },
      { path: 'package/disk', type: 'BlockDevice' },
      { path: 'package/pipe', type: 'FIFO' },
      { path: 'package/ok.txt', content: 'fine' }
    ])
    const files = await readPackageFiles(tgz)
    expect(files.skipped.map((s) => s.reason)).toEqual(['device', 'device', 'fifo'])
    expect([...files.files.keys()]).toEqual(['ok.txt'])
  })

  it('lists a file over the per-file limit without keeping it', async () => {
    const big = Buffer.alloc(4096, 'a')
    const tgz = tarOf([
      { path: 'package/big.js', content: big },
      { path: 'package/small.js', content: 'ok' }
    ])
    const files = await readPackageFiles(tgz, { maxFileBytes: 1024 })
    expect(files.files.has('big.js')).toBe(false)
    expect(files.entries).toContainEqual({ path: 'big.js', size: 4096, kept: false })
    expect(files.skipped).toEqual([
      expect.objectContaining({ path: 'big.js', reason: 'too-large' })
    ])
    expect(files.files.get('small.js')?.toString()).toBe('ok')
    expect(files.unpackedBytes).toBe(4096 + 2)
  })

  it('keeps files within a memory budget, always keeping the root documents', async () => {
    const tgz = tarOf([
      { path: 'package/dist/a.js', content: Buffer.alloc(3000, 'a') },
      { path: 'package/dist/b.js', content: Buffer.alloc(3000, 'b') },
      { path: 'package/README.md', content: Buffer.alloc(3000, 'r') }
    ])
    const files = await readPackageFiles(tgz, { maxKeptBytes: 5000 })
    expect([...files.files.keys()]).toEqual(['dist/a.js', 'README.md'])
    expect(files.skipped).toEqual([
      expect.objectContaining({ path: 'dist/b.js', reason: 'memory-budget' })
    ])
    expect(files.entries.map((e) => [e.path, e.kept])).toEqual([
      ['dist/a.js', true],
      ['dist/b.js', false],
      ['README.md', true]
    ])
  })

  it('skips an entry outside the package folder', async () => {
    const files = await readPackageFiles(tarOf([{ path: 'stray.txt', content: 's' }]))
    expect(files.skipped).toEqual([expect.objectContaining({ reason: 'outside-package-folder' })])
    expect(files.files.size).toBe(0)
  })

  it('keeps the last of duplicate entries, like tar', async () => {
    const files = await readPackageFiles(
      tarOf([
        { path: 'package/a.js', content: 'first' },
        { path: 'package/a.js', content: 'second' }
      ])
    )
    expect(files.files.get('a.js')?.toString()).toBe('second')
    expect(files.entries).toEqual([{ path: 'a.js', size: 6, kept: true }])
  })

  it('stops a gzip bomb at the unpacked-bytes cap (default 100 MiB) with bounded memory', async () => {
    const size = 120 * 1024 * 1024
    const bomb = await gzipBombOf('package/bomb.txt', size)
    expect(bomb.length).toBeLessThan(size / 100) // a real bomb: tiny compressed
    const before = process.memoryUsage().arrayBuffers
    const files = await readPackageFiles(bomb)
    const grown = process.memoryUsage().arrayBuffers - before
    expect(files.stopped?.reason).toBe('unpacked-size')
    expect(files.stopped?.message).toMatch(/gzip bomb/)
    expect(files.unpackedBytes).toBeGreaterThan(100 * 1024 * 1024)
    expect(files.unpackedBytes).toBeLessThan(102 * 1024 * 1024)
    // the bomb's file is over the per-file limit: nothing of it is kept
    expect(files.files.size).toBe(0)
    expect(grown).toBeLessThan(64 * 1024 * 1024)
  })

  it('stops at a lower unpacked-bytes cap when asked', async () => {
    const files = await readPackageFiles(
      tarOf([
        { path: 'package/a.txt', content: Buffer.alloc(3000, 'a') },
        { path: 'package/b.txt', content: Buffer.alloc(3000, 'b') }
      ]),
      { maxUnpackedBytes: 4000 }
    )
    expect(files.stopped?.reason).toBe('unpacked-size')
    expect(files.files.has('b.txt')).toBe(false)
  })

  it('stops when a tar holds more entries than the cap', async () => {
    const entries = Array.from({ length: 30 }, (_, i) => ({
      path: `package/f${i}.txt`,
      content: `${i}`
    }))
    const files = await readPackageFiles(tarOf(entries), { maxEntries: 10 })
    expect(files.stopped?.reason).toBe('entry-count')
    expect(files.files.size).toBe(10)
  })

  it('stops on a decompression ratio beyond 1000:1 (zeros)', async () => {
    const tgz = tarOf([{ path: 'package/zeros', content: Buffer.alloc(8 * 1024 * 1024) }])
    const files = await readPackageFiles(tgz)
    expect(files.stopped?.reason).toBe('decompression-ratio')
  })

  it('reports damaged input instead of throwing', async () => {
    const notTar = await readPackageFiles(Buffer.from('this is not a tarball '.repeat(40)))
    expect(notTar.stopped?.reason).toBe('corrupt')
    const good = tarOf([{ path: 'package/a.txt', content: Buffer.alloc(20000, 'q') }])
    const truncated = await readPackageFiles(good.subarray(0, Math.floor(good.length / 2)))
    expect(truncated.stopped?.reason).toBe('corrupt')
    expect(truncated.files.size).toBe(0)
    const empty = await readPackageFiles(Buffer.alloc(0))
    expect(empty.files.size).toBe(0)
  })
})

describe('normaliseEntryPath', () => {
  it('normalises separators and dot segments', () => {
    expect(normaliseEntryPath('package/./lib//a.js')).toEqual({ ok: true, path: 'lib/a.js' })
    expect(normaliseEntryPath('package\\lib\\a.js')).toEqual({ ok: true, path: 'lib/a.js' })
    expect(normaliseEntryPath('other-root/a.js')).toEqual({ ok: true, path: 'a.js' })
  })

  it('refuses escapes', () => {
    expect(normaliseEntryPath('package/lib/../../x')).toMatchObject({
      ok: false,
      reason: 'parent-segment'
    })
    expect(normaliseEntryPath('\\\\host\\share\\x')).toMatchObject({
      ok: false,
      reason: 'absolute-path'
    })
    expect(normaliseEntryPath('d:/x/y')).toMatchObject({ ok: false, reason: 'absolute-path' })
  })
})

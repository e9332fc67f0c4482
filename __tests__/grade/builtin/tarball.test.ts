import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { IntegrityError, verifyTarball } from '../../../src/grade/builtin/integrity.js'
import { fetchPackageFiles, TarballError } from '../../../src/grade/builtin/tarball.js'
import { HttpClient } from '../../../src/net/http.js'
import { tarOf } from './helpers.js'

const base = 'https://registry.test'
const http = new HttpClient({ retries: 0, sleep: async () => undefined })
const tgz = tarOf([
  { path: 'package/package.json', content: '{"name":"x","version":"1.0.0"}' },
  { path: 'package/README.md', content: '# x' }
])
const sha512 = `sha512-${createHash('sha512').update(tgz).digest('base64')}`
const sha1 = createHash('sha1').update(tgz).digest('hex')

afterEach(() => {
  nock.cleanAll()
})

describe('verifyTarball', () => {
  it('accepts the matching sha512 SRI and picks the strongest of several', () => {
    expect(verifyTarball(tgz, { integrity: sha512 })).toBe('sha512')
    const weakWrong = 'sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA='
    expect(verifyTarball(tgz, { integrity: `${weakWrong} ${sha512}` })).toBe('sha512')
  })

  it('falls back to the hex shasum', () => {
    expect(verifyTarball(tgz, { shasum: sha1.toUpperCase() })).toBe('sha1')
  })

  it('rejects a mismatch and an unverifiable tarball', () => {
    const other = `sha512-${createHash('sha512').update('other').digest('base64')}`
    expect(() => verifyTarball(tgz, { integrity: other })).toThrow(IntegrityError)
    expect(() => verifyTarball(tgz, { shasum: '0'.repeat(40) })).toThrow(/does not match/)
    expect(() => verifyTarball(tgz, {})).toThrow(/cannot be verified/)
    expect(() => verifyTarball(tgz, { integrity: 'md5-abc', shasum: 'nothex' })).toThrow(
      IntegrityError
    )
  })
})

describe('fetchPackageFiles', () => {
  it('downloads, verifies and reads a tarball', async () => {
    nock(base).get('/x/-/x-1.0.0.tgz').reply(200, tgz)
    const files = await fetchPackageFiles(http, {
      tarball: `${base}/x/-/x-1.0.0.tgz`,
      integrity: sha512
    })
    expect([...files.files.keys()]).toEqual(['package.json', 'README.md'])
  })

  it('refuses a tarball whose digest does not match (never read)', async () => {
    const tampered = tarOf([{ path: 'package/package.json', content: '{"evil":true}' }])
    nock(base).get('/x/-/x-1.0.0.tgz').reply(200, tampered)
    const error = await fetchPackageFiles(http, {
      tarball: `${base}/x/-/x-1.0.0.tgz`,
      integrity: sha512
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TarballError)
    expect((error as TarballError).kind).toBe('integrity')
    expect((error as TarballError).message).toMatch(/integrity check failed/)
  })

  it('fails on a non-2xx answer', async () => {
    nock(base).get('/x/-/x-1.0.0.tgz').reply(404, 'no')
    await expect(
      fetchPackageFiles(http, { tarball: `${base}/x/-/x-1.0.0.tgz`, integrity: sha512 })
    ).rejects.toMatchObject({ kind: 'download', message: expect.stringMatching(/404/) })
  })

  it('fails on a tarball over the download limit', async () => {
    nock(base).get('/x/-/x-1.0.0.tgz').reply(200, Buffer.alloc(5000))
    await expect(
      fetchPackageFiles(
        http,
        { tarball: `${base}/x/-/x-1.0.0.tgz`, integrity: sha512 },
        { maxTarballBytes: 1000 }
      )
    ).rejects.toMatchObject({ kind: 'too-large' })
  })

  it('refuses a non-http tarball URL without a request', async () => {
    await expect(
      fetchPackageFiles(http, { tarball: 'file:///etc/passwd', integrity: sha512 })
    ).rejects.toMatchObject({ kind: 'download', message: expect.stringMatching(/file:/) })
  })

  it('turns a network failure into a download error', async () => {
    nock(base).get('/x/-/x-1.0.0.tgz').replyWithError('connection reset')
    await expect(
      fetchPackageFiles(http, { tarball: `${base}/x/-/x-1.0.0.tgz`, integrity: sha512 })
    ).rejects.toMatchObject({ kind: 'download' })
  })
})

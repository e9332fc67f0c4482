import { describe, expect, it } from '@jest/globals'
import { closestName, editDistance } from '../../src/policy/suggest.js'
import {
  clip,
  isImageDigest,
  packageLabel,
  remoteUrlText,
  serverLabel
} from '../../src/policy/wording.js'
import { makeServer } from './make.js'

describe('closestName', () => {
  const keys = ['minGrade', 'floors', 'requirePinned', 'requireGrade']

  it('matches spelling variants, typos, unique prefixes and aliases', () => {
    expect(closestName('min_grade', keys)).toBe('minGrade')
    expect(closestName('minGrde', keys)).toBe('minGrade')
    expect(closestName('flors', keys)).toBe('floors')
    expect(closestName('prod', ['production', 'staging'])).toBe('production')
    expect(
      closestName('credential_exposure', ['credentials'], { credential_exposure: 'credentials' })
    ).toBe('credentials')
  })

  it('suggests nothing for unrelated or ambiguous names', () => {
    expect(closestName('colour', keys)).toBeNull()
    expect(closestName('req', keys)).toBeNull()
  })

  it('computes edit distances', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('', 'abc')).toBe(3)
    expect(editDistance('same', 'same')).toBe(0)
  })
})

describe('wording', () => {
  it('clips untrusted text to one line', () => {
    expect(clip('a\nb\u0000c\u2028d')).toBe('a b c d')
    expect(clip('x'.repeat(300))).toHaveLength(200)
    expect(clip('x'.repeat(300)).endsWith('…')).toBe(true)
  })

  it('labels packages by ecosystem', () => {
    const label = (pkg: Parameters<typeof makeServer>[0]) => packageLabel(makeServer(pkg).package)
    expect(label({})).toBe('npm @example/server-fs@1.4.2')
    expect(label({ ecosystem: 'pypi', name: 'mcp-server-git', version: '0.6.2' })).toBe(
      'PyPI mcp-server-git==0.6.2'
    )
    // A written spec keeps its own operator (no `====`).
    expect(
      label({
        ecosystem: 'pypi',
        name: 'mcp-server-fetch',
        version: null,
        versionSpec: '==2025.4.7'
      })
    ).toBe('PyPI mcp-server-fetch==2025.4.7')
    expect(
      label({ ecosystem: 'oci', name: 'mcp/fetch', version: null, versionSpec: 'latest' })
    ).toBe('image mcp/fetch:latest')
    expect(
      label({ ecosystem: 'oci', name: 'mcp/fetch', version: 'sha256:abc', versionSpec: null })
    ).toBe('image mcp/fetch@sha256:abc')
    expect(
      label({ ecosystem: 'oci', name: 'mcp/fetch', version: `sha512:${'b'.repeat(128)}` })
    ).toBe(`image mcp/fetch@sha512:${'b'.repeat(128)}`)
    expect(
      label({ ecosystem: 'local', name: './server.js', version: null, versionSpec: null })
    ).toBe('local ./server.js')
  })

  it('tells digests of any algorithm from tags', () => {
    expect(isImageDigest(`sha256:${'a'.repeat(64)}`)).toBe(true)
    expect(isImageDigest(`sha512:${'a'.repeat(128)}`)).toBe(true)
    expect(isImageDigest('blake3:abc123')).toBe(true)
    expect(isImageDigest('multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8')).toBe(
      true
    )
    expect(isImageDigest('v1.2.3')).toBe(false)
    expect(isImageDigest('latest')).toBe(false)
    expect(isImageDigest('sha256:')).toBe(false)
  })

  it('masks token-like path segments of remote URLs', () => {
    expect(remoteUrlText('https://mcp.example.com/mcp/sk-ak-0123456789abcdef/sse')).toBe(
      'https://mcp.example.com/mcp/…/sse'
    )
  })

  it('shows visible non-ASCII characters of remote URLs, keeps other escapes', () => {
    expect(remoteUrlText('https://mcp.example.com/café/…/a b?x=1')).toBe(
      'https://mcp.example.com/café/…/a%20b?…'
    )
    // Bidi controls and other invisible characters stay escaped.
    expect(remoteUrlText('https://mcp.example.com/x\u202Ey/\u200B')).toBe(
      'https://mcp.example.com/x%E2%80%AEy/%E2%80%8B'
    )
    expect(remoteUrlText('https://mcp.example.com/%E2%80')).toBe('https://mcp.example.com/%E2%80')
  })

  it('drops user info, query and fragment from remote URLs', () => {
    expect(remoteUrlText('https://user:pw@mcp.example.com/sse?apiKey=s3cr3t#x')).toBe(
      'https://mcp.example.com/sse?…'
    )
    expect(remoteUrlText('not a url')).toBe('not a url')
    const server = makeServer({
      ecosystem: 'remote',
      name: 'https://mcp.example.com/mcp?token=abc',
      version: null,
      versionSpec: null
    })
    expect(serverLabel(server)).toBe('server "fs" (remote https://mcp.example.com/mcp?…)')
  })
})

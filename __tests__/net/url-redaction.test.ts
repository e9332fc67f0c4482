import { describe, expect, it } from '@jest/globals'
import {
  isLoopbackHost,
  looksLikeToken,
  sanitizeUrl,
  stripUserInfo,
  urlCarriesSecrets
} from '../../src/net/url-redaction.js'

describe('sanitizeUrl', () => {
  it.each([
    ['https://user:pw@mcp.example.com/mcp?api_key=abc#x', 'https://mcp.example.com/mcp'],
    [
      'https://actions.zapier.com/mcp/sk-ak-0123456789abcdefABCDEF/sse',
      'https://actions.zapier.com/mcp/…/sse'
    ],
    [
      'https://mcp.example.com/u/6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b/mcp',
      'https://mcp.example.com/u/…/mcp'
    ],
    [
      'https://MCP.Example.com:443/servers/github-mcp-server',
      'https://mcp.example.com/servers/github-mcp-server'
    ],
    [
      'https://npm-proxy.fury.io/Ab12Cd34Ef56Gh78Ij90Kl12/acme/',
      'https://npm-proxy.fury.io/…/acme/'
    ]
  ])('%s → %s', (input, expected) => {
    expect(sanitizeUrl(input)).toBe(expected)
  })

  it('marks a removed query when asked and uses the given mask', () => {
    expect(
      sanitizeUrl('https://h.test/a/ghp_abcdefghij1234567890?t=1', {
        markQuery: true,
        tokenMask: '*'
      })
    ).toBe('https://h.test/a/*?…')
  })

  it('returns null for what is not an absolute URL with a host', () => {
    expect(sanitizeUrl('${GATEWAY}/mcp')).toBeNull()
    expect(sanitizeUrl('not a url')).toBeNull()
    expect(sanitizeUrl('file:///etc/passwd')).toBeNull()
  })
})

describe('hostile paths and user info', () => {
  it('masks base64 tokens and matrix parameters in paths', () => {
    expect(
      sanitizeUrl('https://mcp.example.com/mcp/dGhpc2lzYXNlY3JldFBBU1MxMjM0NTY3OA==/sse')
    ).toBe('https://mcp.example.com/mcp/…/sse')
    expect(sanitizeUrl('https://mcp.example.com/mcp;apikey=SUPERSECRET/sse')).toBe(
      'https://mcp.example.com/…/sse'
    )
  })

  it('cuts user info at the last @, also where new URL() cannot parse', () => {
    expect(stripUserInfo('https://admin:p@ssPARTLEAK@${HOST}/mcp')).toBe('https://${HOST}/mcp')
    expect(stripUserInfo('git+ssh://git@github.com/a/b')).toBe('git+ssh://git@github.com/a/b')
    expect(stripUserInfo('https://host/p@x')).toBe('https://host/p@x')
    expect(stripUserInfo('not a url')).toBe('not a url')
  })
})

describe('looksLikeToken and urlCarriesSecrets', () => {
  it('tells names from tokens', () => {
    expect(looksLikeToken('github-mcp-server')).toBe(false)
    expect(looksLikeToken('v1')).toBe(false)
    expect(looksLikeToken('sse')).toBe(false)
    expect(looksLikeToken('deadbeefdeadbeef')).toBe(true)
    expect(looksLikeToken('xoxb-1234567890-abc')).toBe(true)
  })
  it('says when a URL holds something secret-looking', () => {
    expect(urlCarriesSecrets('https://h.test/mcp')).toBe(false)
    expect(urlCarriesSecrets('https://h.test/mcp?key=1')).toBe(true)
    expect(urlCarriesSecrets('https://u:p@h.test/')).toBe(true)
    expect(urlCarriesSecrets('https://h.test/sk-ak-0123456789abcdef/sse')).toBe(true)
  })
})

describe('isLoopbackHost', () => {
  it.each([
    'localhost',
    'api.localhost',
    '127.0.0.1',
    '127.1.2.3',
    '[::1]',
    '::1',
    '0.0.0.0',
    '[::]'
  ])('%s is loopback', (h) => expect(isLoopbackHost(h)).toBe(true))
  it.each(['example.com', '10.0.0.1', '128.0.0.1', 'localhost.example.com'])('%s is not', (h) =>
    expect(isLoopbackHost(h)).toBe(false)
  )
})

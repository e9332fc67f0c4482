import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import {
  isLoopbackHost,
  looksLikeToken,
  readableEscapes,
  sanitizeUrl,
  stripUserInfo,
  tokenDigest,
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

  it.each([
    'github-readonly-mcp-v2-2024',
    'postgres-admin-write-v3-2025',
    'McpServerGithubReadonlyV2',
    'HTTPServerForMCPProtocolV2',
    'mcp-server-sequential-thinking-2025-01',
    'k8s-cluster-eu-west-2-mcp-gw3',
    'ipv6-gateway-x86-64-arm64-v2',
    'team42-ai-tools-v2-beta3-rc1',
    '2024-01-15-12-30-45',
    'sk-learn-mcp-server',
    'api-gateway-v2-production',
    'token-exchange-service'
  ])('keeps the name %s (words and short numbers are not tokens, review issue 3)', (name) => {
    expect(looksLikeToken(name)).toBe(false)
    expect(sanitizeUrl(`https://gw.example.com/servers/${name}/mcp`)).toBe(
      `https://gw.example.com/servers/${name}/mcp`
    )
  })

  it.each([
    ['a UUID', '6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b'],
    ['32 hex digits', '0123456789abcdef0123456789abcdef'],
    ['Zapier sk-ak-', 'sk-ak-0123456789abcdef'],
    ['an OpenAI-style sk- key', 'sk-Zq3xV9mP2kL8wN4rT6yB1cD5'],
    ['a GitHub token', `ghp_${'aB3dE5gH7j'.repeat(3)}abcdef`],
    ['a Slack token', 'xoxb-1234567890-abc'],
    ['base64 with padding', 'dGhpc2lzYXNlY3JldA=='],
    ['base64 without padding', 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA'],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV'],
    ['a Telegram bot token', 'bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw'],
    ['matrix parameters', 'mcp;apikey=SUPERSECRET'],
    ['an encoded matrix parameter', 'mcp%3Bapikey%3DSUPERSECRET']
  ])('masks %s', (_what, token) => {
    expect(looksLikeToken(token)).toBe(true)
  })

  it('masks random tokens: at least 99% of 24- and 32-character base62 and base64url ones', () => {
    // Seeded, so the count is the same on every run; the bound leaves room for the rare random
    // string that reads as words (about 0.3% of 24-char base62 ones, 1.3% of base64url).
    let state = 20240601
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0)
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'
    const token = (length: number, size: number) =>
      Array.from({ length }, () => alphabet[(next() >>> 8) % size]).join('')
    for (const [length, size, bound] of [
      [24, 62, 0.99],
      [32, 62, 0.995],
      [24, 64, 0.97],
      [32, 64, 0.99]
    ] as const) {
      const tokens = Array.from({ length: 2000 }, () => token(length, size))
      const masked = tokens.filter((t) => looksLikeToken(t)).length
      expect(masked / tokens.length).toBeGreaterThanOrEqual(bound)
    }
  })

  it('says when a URL holds something secret-looking', () => {
    expect(urlCarriesSecrets('https://h.test/mcp')).toBe(false)
    expect(urlCarriesSecrets('https://h.test/mcp?key=1')).toBe(true)
    expect(urlCarriesSecrets('https://u:p@h.test/')).toBe(true)
    expect(urlCarriesSecrets('https://h.test/sk-ak-0123456789abcdef/sse')).toBe(true)
  })
})

describe('tokenDigest: telling token-like segments apart without keeping them', () => {
  it('is ~ and the first 10 hex digits of the SHA-256 of the decoded segment', () => {
    const segment = 'sk-ak-0123456789abcdef'
    const sha = createHash('sha256').update(segment).digest('hex')
    expect(tokenDigest(segment)).toBe(`~${sha.slice(0, 10)}`)
    expect(tokenDigest('a%3Bb')).toBe(tokenDigest('a;b'))
    expect(tokenDigest('sk-ak-0123456789abcdef')).not.toBe(tokenDigest('sk-ak-0123456789abcdeF'))
  })

  it('replaces token-like segments when given as the mask; display keeps …', () => {
    const url = 'https://mcp.example.com/mcp/sk-ak-0123456789abcdef/sse?key=1'
    const keyed = sanitizeUrl(url, { tokenMask: tokenDigest })!
    expect(keyed).toBe(`https://mcp.example.com/mcp/${tokenDigest('sk-ak-0123456789abcdef')}/sse`)
    expect(keyed).not.toContain('0123456789abcdef')
    expect(sanitizeUrl(url)).toBe('https://mcp.example.com/mcp/…/sse')
    // The digest itself is not token-like: a keyed URL read again keeps it.
    expect(sanitizeUrl(keyed, { tokenMask: tokenDigest })).toBe(keyed)
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

describe('readableEscapes: percent-escapes shown for people', () => {
  it('decodes visible non-ASCII characters and keeps ASCII, invisible and broken escapes', () => {
    expect(readableEscapes('https://h.test/caf%C3%A9/%E2%80%A6/a%20b%2Fc')).toBe(
      'https://h.test/café/…/a%20b%2Fc'
    )
    // Bidi overrides and zero-width characters stay escaped, so they cannot hide text.
    expect(readableEscapes('https://h.test/x%E2%80%AEy/%E2%80%8B')).toBe(
      'https://h.test/x%E2%80%AEy/%E2%80%8B'
    )
    // A run that is not UTF-8 is kept as written; lower-case hex is decoded too, and unreserved
    // ASCII (RFC 3986 §2.3) comes out as encodeURIComponent writes it.
    expect(readableEscapes('https://h.test/%E2%80')).toBe('https://h.test/%E2%80')
    expect(readableEscapes('https://h.test/%c3%a9%41%7E%2f')).toBe('https://h.test/éA~%2F')
  })
})

/**
 * Secrets inside URLs (SPEC §3, §8): tokens written as a path segment (`/mcp/sk-ak-…/sse`) and
 * passwords that themselves contain `@` (`https://user:p@ssw0rd@host`). URLs are looked at in
 * every field — `url`, args (also `mcp-remote URL`), env values and header values.
 */
import { describe, expect, it } from '@jest/globals'
import {
  findLiteralSecrets,
  maskSecretsInText,
  OWN_SECRET_RULE,
  SECRET_DETECTION_RULES
} from '../../src/config/secrets.js'
import type { RawLaunch, ServerEntry } from '../../src/config/types.js'

/** Seeded fake credentials, assembled at run time (no realistic token is written in the repo). */
const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789'
function fake(seed: number, length: number, alphabet = ALNUM): string {
  let state = seed >>> 0 || 1
  let out = ''
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    out += alphabet[state % alphabet.length]
  }
  return out
}

function entry(launch: Partial<RawLaunch>, extra: Partial<ServerEntry> = {}): ServerEntry {
  return {
    config: '.mcp.json',
    format: 'claude-code',
    name: 'server',
    location: { line: 3, column: 5 },
    launch: { args: [], env: {}, headers: {}, ...launch },
    flags: { disabled: false, autoApprove: [], trust: false },
    fieldLocations: {},
    notes: [],
    ...extra
  }
}

function expectNoLeak(found: unknown, raw: string): void {
  const text = JSON.stringify(found)
  expect(text).not.toContain(raw)
  expect(text).not.toContain(raw.slice(-8))
}

/** The Zapier-style key from the review: a known prefix (`sk-`) in a path segment. */
const ZAPIER_KEY = 'sk-ak-0123456789abcdefABCDEFghij'
const ZAPIER_URL = `https://actions.zapier.com/mcp/${ZAPIER_KEY}/sse`
/** A prefix-less random key (mixed case and digits, 40 characters) as a path segment. */
const GENERIC_KEY = fake(901, 40)

describe('findLiteralSecrets — tokens in URL paths', () => {
  it('reports a prefixed token in the remote URL, masked, at the url field', async () => {
    const found = await findLiteralSecrets(
      entry({ url: ZAPIER_URL }, { fieldLocations: { url: { line: 7, column: 14 } } })
    )
    expect(found).toEqual([
      {
        field: 'url',
        kind: 'token in a URL path',
        masked: 'sk-…(32 chars)',
        rule: OWN_SECRET_RULE.urlPathToken,
        location: { line: 7, column: 14 }
      }
    ])
    expectNoLeak(found, ZAPIER_KEY)
  })

  it('reports the same URL given to mcp-remote as an arg', async () => {
    const found = await findLiteralSecrets(
      entry({ command: 'npx', args: ['-y', 'mcp-remote', ZAPIER_URL] })
    )
    expect(found.map((s) => [s.field, s.rule, s.masked])).toEqual([
      ['args.2', OWN_SECRET_RULE.urlPathToken, 'sk-…(32 chars)']
    ])
  })

  it('finds path tokens in env values, header values, `--url=` flags and JSON args', async () => {
    const found = await findLiteralSecrets(
      entry({
        command: 'npx',
        args: [
          '-y',
          'some-bridge',
          `--url=https://hooks.example.com/services/${GENERIC_KEY}`,
          JSON.stringify({ endpoint: ZAPIER_URL })
        ],
        env: { UPSTREAM: `https://hooks.example.com/services/${GENERIC_KEY}/run` },
        headers: { 'X-Forward-To': ZAPIER_URL }
      })
    )
    expect(found.map((s) => [s.field, s.rule, s.masked])).toEqual([
      ['args.2', OWN_SECRET_RULE.urlPathToken, '…(40 chars)'],
      ['args.3', OWN_SECRET_RULE.urlPathToken, 'sk-…(32 chars)'],
      ['env.UPSTREAM', OWN_SECRET_RULE.urlPathToken, '…(40 chars)'],
      ['headers.X-Forward-To', OWN_SECRET_RULE.urlPathToken, 'sk-…(32 chars)']
    ])
    expectNoLeak(found, GENERIC_KEY)
    expectNoLeak(found, ZAPIER_KEY)
  })

  it('reports a percent-encoded token segment and reports each field once', async () => {
    const found = await findLiteralSecrets(
      entry({ url: `https://a.example.com/k/${GENERIC_KEY}/x/${GENERIC_KEY}%2D` })
    )
    expect(found.map((s) => s.field)).toEqual(['url'])
  })

  it('keeps the more specific vendor-token kind when a path segment is a known token', async () => {
    const token = `ghp_${fake(902, 36)}`
    const found = await findLiteralSecrets(entry({ url: `https://proxy.example.com/${token}/mcp` }))
    expect(found).toHaveLength(1)
    expect(found[0]?.rule).toMatch(/github|vendor-token/)
    expect(found[0]?.masked).toBe('ghp_…(40 chars)')
  })

  it.each([
    [
      'a UUID (public resource id)',
      'https://mcp.composio.dev/server/3f2b9c1e-8d4a-4b7e-9f10-2c6d5e8a7b31/mcp'
    ],
    ['a hex session id', 'http://127.0.0.1:8770/mcp/f9d78941af06cbc11c45ba292f06c26c'],
    [
      'a git commit sha',
      'https://raw.githubusercontent.com/o/r/4c1f0b8e2d9a7c3b5e6f1a2d3c4b5a6978e9d0c1/x.json'
    ],
    [
      'a 1Password secret reference',
      'op://Personal/elpvl2jyy2ltlzrspt4pgemewe/4gu4tenem7kc3mz56qpquajj2a'
    ],
    [
      'a camelCase name with a version digit',
      'https://api.example.com/v2/GetUserProfileByIdV2Endpoint'
    ],
    [
      'a model name with a date',
      'https://api.example.com/models/claude-3-5-sonnet-20241022/invoke'
    ],
    [
      'a smithery server path',
      'https://server.smithery.ai/@smithery-ai/server-sequential-thinking/mcp'
    ],
    ['a GitHub tree path', 'https://github.com/modelcontextprotocol/servers/tree/main/src/github'],
    ['a placeholder key', 'https://actions.zapier.com/mcp/YOUR_ZAPIER_MCP_KEY_HERE/sse'],
    ['a masked key', 'https://actions.zapier.com/mcp/sk-ak-xxxxxxxxxxxxxxxxxxxxxxxxxx/sse'],
    ['an ellipsis', 'https://actions.zapier.com/mcp/sk-ak-.../sse'],
    ['a reference', 'https://actions.zapier.com/mcp/${env:ZAPIER_MCP_KEY}/sse'],
    ['a prefix followed by words', 'https://docs.example.com/sk-learn-getting-started-guide-2024/'],
    ['a lower-case word run', 'https://example.com/a/averyveryverylongpathsegmentwithoutdigits']
  ])('does not report %s', async (_what, url) => {
    expect(await findLiteralSecrets(entry({ url, args: [url], env: { ENDPOINT: url } }))).toEqual(
      []
    )
  })

  it('is documented as a detection rule', () => {
    expect(SECRET_DETECTION_RULES.map((r) => r.id)).toContain(OWN_SECRET_RULE.urlPathToken)
  })
})

describe('findLiteralSecrets — URL passwords containing @', () => {
  it('reports the whole password, split at the last @ before the host', async () => {
    const found = await findLiteralSecrets(entry({ url: 'https://user:p@ssw0rdSecret@host/x' }))
    expect(found).toEqual([
      {
        field: 'url',
        kind: 'password in a URL',
        masked: '…(14 chars)',
        rule: OWN_SECRET_RULE.urlPassword
      }
    ])
  })

  it('works in args and env values, with several @ and with a user that holds an @', async () => {
    const password = `${fake(903, 8)}@${fake(904, 8)}@x`
    const found = await findLiteralSecrets(
      entry({
        command: 'npx',
        args: [
          '-y',
          '@modelcontextprotocol/server-postgres',
          `postgresql://app:${password}@db:5432/a`
        ],
        env: { MONGO: `mongodb://me@corp.com:${password}@cluster0.example.net/db` }
      })
    )
    // secretlint's database rules name the kind more precisely; either way the whole password.
    expect(found.map((s) => [s.field, s.masked])).toEqual([
      ['args.2', `…(${password.length} chars)`],
      ['env.MONGO', `…(${password.length} chars)`]
    ])
    for (const s of found) expect(s.kind).toMatch(/password in a (URL|\w+ connection string)/)
    expectNoLeak(found, password)
    for (const part of password.split('@')) expect(JSON.stringify(found)).not.toContain(part)
  })

  it('does not take a path or query @ for user info', async () => {
    const found = await findLiteralSecrets(
      entry({
        args: [
          'git+ssh://git@github.com:org/repo.git',
          'https://registry.example.com/@scope/pkg:1.0@latest',
          'https://host.example.com:8443/path?email=a@b.com'
        ]
      })
    )
    expect(found).toEqual([])
  })
})

describe('maskSecretsInText — URLs', () => {
  it('masks a path token and an @-password', () => {
    const text = `connect ${ZAPIER_URL} and https://user:p@ssw0rdSecret@host/x`
    const masked = maskSecretsInText(text)
    expect(masked).toBe(
      'connect https://actions.zapier.com/mcp/sk-…(32 chars)/sse and https://user:…(14 chars)@host/x'
    )
  })
})

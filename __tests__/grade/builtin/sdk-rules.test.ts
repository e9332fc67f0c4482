import { describe, expect, it, jest } from '@jest/globals'
import { checkMcpSdk } from '../../../src/grade/builtin/sdk-rules.js'
import type { Packument } from '../../../src/resolve/npm-registry.js'
import { ids, manifestOf, packageFilesOf, packumentOf } from './helpers.js'

const sdk = packumentOf({
  name: '@modelcontextprotocol/sdk',
  'dist-tags': { latest: '1.32.2', next: '2.0.0-beta.1' },
  versions: Object.fromEntries(
    ['0.6.0', '1.0.0', '1.26.0', '1.29.0', '1.31.0', '1.32.2', '2.0.0-beta.1'].map((v) => [v, {}])
  )
})
const server = packumentOf({
  name: '@modelcontextprotocol/server',
  'dist-tags': { latest: '2.4.0' },
  versions: { '2.0.0': {}, '2.4.0': {} }
})
const registry = jest.fn(async (name: string): Promise<Packument> => {
  if (name === sdk.name) return sdk
  if (name === server.name) return server
  throw new Error(`unexpected ${name}`)
})
const noFiles = packageFilesOf({})

async function check(fields: Record<string, unknown>, files = noFiles) {
  return checkMcpSdk(manifestOf(fields), files, registry)
}

describe('checkMcpSdk', () => {
  it('accepts a range that reaches the current SDK', async () => {
    expect(await check({ dependencies: { '@modelcontextprotocol/sdk': '^1.30.0' } })).toEqual([])
    expect(await check({ peerDependencies: { '@modelcontextprotocol/sdk': '>=1' } })).toEqual([])
  })

  it('deducts for a range stuck below the current minor, with the numbers', async () => {
    const findings = await check({ dependencies: { '@modelcontextprotocol/sdk': '1.26.0' } })
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'mcp.sdk-behind-minor',
        axis: 'compatibility',
        deduction: 5,
        evidence: {
          file: 'package.json',
          snippet:
            '@modelcontextprotocol/sdk "1.26.0" allows at most 1.26.0; @modelcontextprotocol/sdk latest is 1.32.2'
        }
      })
    ])
  })

  it('deducts more for a range stuck below the current major', async () => {
    const findings = await check({ dependencies: { '@modelcontextprotocol/sdk': '^0.6.0' } })
    expect(ids(findings)).toEqual(['mcp.sdk-behind-major'])
    expect(findings[0]?.evidence?.snippet).toMatch(/allows at most 0\.6\.0/)
  })

  it('checks the v2 split server package against its own latest', async () => {
    const findings = await check({ dependencies: { '@modelcontextprotocol/server': '2.0.0' } })
    expect(findings[0]?.evidence?.snippet).toBe(
      '@modelcontextprotocol/server "2.0.0" allows at most 2.0.0; @modelcontextprotocol/server latest is 2.4.0'
    )
  })

  it('follows a dist-tag and reports a range that matches nothing', async () => {
    expect(await check({ dependencies: { '@modelcontextprotocol/sdk': 'latest' } })).toEqual([])
    expect(ids(await check({ dependencies: { '@modelcontextprotocol/sdk': '^9.0.0' } }))).toEqual([
      'mcp.sdk-range-unresolvable'
    ])
    expect(
      ids(await check({ dependencies: { '@modelcontextprotocol/sdk': 'github:x/y' } }))
    ).toEqual(['mcp.sdk-range-unresolvable'])
  })

  it('says the SDK is not declared, and when it is bundled', async () => {
    const plain = await check({ dependencies: { express: '^5' } })
    expect(plain[0]?.evidence?.snippet).toMatch(/bundles the SDK or implements the protocol itself/)
    const bundled = await check(
      {},
      packageFilesOf({ 'node_modules/@modelcontextprotocol/sdk/package.json': '{}' })
    )
    expect(bundled[0]).toMatchObject({
      ruleId: 'mcp.sdk-not-declared',
      evidence: {
        snippet: expect.stringMatching(/bundles node_modules\/@modelcontextprotocol\/sdk/)
      }
    })
    // the SDK itself is exempt
    expect(await check({ name: '@modelcontextprotocol/sdk' })).toEqual([])
  })

  it('does not deduct when the SDK packument cannot be fetched', async () => {
    const failing = jest.fn(async (): Promise<Packument> => {
      throw new Error('npm registry: GET https://registry.test/… timed out')
    })
    const findings = await checkMcpSdk(
      manifestOf({ dependencies: { '@modelcontextprotocol/sdk': '1.0.0' } }),
      noFiles,
      failing
    )
    expect(findings).toEqual([
      expect.objectContaining({ ruleId: 'mcp.sdk-currency-unknown', severity: 'info' })
    ])
    expect(findings[0]?.deduction).toBeUndefined()
  })
})

import { describe, expect, it } from '@jest/globals'
import { identityGap, remoteUrlIdentity, serverIdentity } from '../../src/grade/identity.js'
import type { ResolvedServer } from '../../src/resolve/types.js'
import {
  localServer,
  npmServer,
  remoteServer,
  unresolvedNpmServer
} from '../fixtures/graders/servers.js'

function withPackage(
  server: ResolvedServer,
  pkg: Partial<ResolvedServer['package']>
): ResolvedServer {
  return { ...server, package: { ...server.package, ...pkg } }
}

describe('serverIdentity', () => {
  it('is the purl of an exact npm version', () => {
    const server = npmServer('@scope/name', '1.2.3')
    expect(serverIdentity(server)).toBe('pkg:npm/%40scope/name@1.2.3')
    expect(identityGap(server)).toBeNull()
  })

  it('is the purl for PyPI and OCI too', () => {
    const base = npmServer('x', '1.0.0')
    expect(
      serverIdentity(
        withPackage(base, { ecosystem: 'pypi', purl: 'pkg:pypi/mcp-server-git@0.6.2' })
      )
    ).toBe('pkg:pypi/mcp-server-git@0.6.2')
    const digest = 'sha256:' + 'a'.repeat(64)
    expect(
      serverIdentity(
        withPackage(base, {
          ecosystem: 'oci',
          purl: `pkg:docker/mcp/github@${encodeURIComponent(digest)}`
        })
      )
    ).toBe(`pkg:docker/mcp/github@${encodeURIComponent(digest)}`)
  })

  it('is null for a package without an exact version, and says why', () => {
    const server = unresolvedNpmServer('some-mcp')
    expect(serverIdentity(server)).toBeNull()
    expect(identityGap(server)).toBe(
      'no exact version of some-mcp is known (unpinned and not resolved: the run is offline), so there is nothing to grade'
    )
  })

  it('refuses a purl that has no version', () => {
    const server = withPackage(npmServer('x', '1.0.0'), { purl: 'pkg:npm/x' })
    expect(serverIdentity(server)).toBeNull()
    expect(identityGap(server)).toMatch(/no exact version of x/)
  })

  it('refuses a malformed purl', () => {
    expect(serverIdentity(withPackage(npmServer('x', '1.0.0'), { purl: 'not a purl' }))).toBeNull()
  })

  it('is null for local and unknown servers', () => {
    expect(serverIdentity(localServer())).toBeNull()
    expect(identityGap(localServer())).toMatch(/runs local code/)
    const unknown = withPackage(localServer(), { ecosystem: 'unknown', name: null })
    expect(serverIdentity(unknown)).toBeNull()
    expect(identityGap(unknown)).toMatch(/could not be identified/)
  })

  it('is the URL of a remote server without user info, query or fragment', () => {
    expect(
      serverIdentity(remoteServer('https://u:p@MCP.Example.com:8443/v1/mcp?key=abc#frag'))
    ).toBe('https://mcp.example.com:8443/v1/mcp')
  })

  it('falls back to the entry URL when the package has no name', () => {
    const server = withPackage(remoteServer('https://mcp.notion.so/sse'), { name: null })
    expect(serverIdentity(server)).toBe('https://mcp.notion.so/sse')
  })

  it('is null for a remote URL that no outside grader can look up, and says why', () => {
    for (const url of [
      'http://localhost:3000/mcp',
      'http://127.0.0.1:9999/sse',
      'http://[::1]:8080/mcp',
      'http://app.localhost/mcp',
      '${GATEWAY_URL}/mcp',
      'file:///etc/passwd'
    ]) {
      expect(serverIdentity(remoteServer(url))).toBeNull()
      expect(identityGap(remoteServer(url))).toMatch(/no public URL/)
    }
  })
})

describe('remoteUrlIdentity', () => {
  it.each([
    ['https://mcp.context7.com/mcp', 'https://mcp.context7.com/mcp'],
    [
      'https://mcp.sentry.dev/mcp/kairo-digital/javascript-nextjs',
      'https://mcp.sentry.dev/mcp/kairo-digital/javascript-nextjs'
    ],
    ['https://api.githubcopilot.com/mcp/', 'https://api.githubcopilot.com/mcp/'],
    [
      'https://mcp.example.com/mcp/f9d78941af06cbc11c45ba292f06c26c',
      'https://mcp.example.com/mcp/*'
    ],
    [
      'https://mcp.example.com/t/123e4567-e89b-12d3-a456-426614174000/sse',
      'https://mcp.example.com/t/*/sse'
    ],
    [
      'https://actions.zapier.com/mcp/sk-ak-AbCdEf123456/sse',
      'https://actions.zapier.com/mcp/*/sse'
    ],
    ['https://x.example/aB3dE5gH7jK9mN1pQ3sT5vW7yZ', 'https://x.example/*'],
    ['https://x.example/mcp/ghu_abcdefgh12/sse', 'https://x.example/mcp/*/sse'],
    ['https://gitlab.example/mcp/glpat-abcdefgh12', 'https://gitlab.example/mcp/*'],
    ['http://[::]/mcp', null],
    ['http://0x7f000001/mcp', null],
    ['ftp://x.example/mcp', null],
    ['https://x.example/2024-11-05/mcp', 'https://x.example/2024-11-05/mcp'],
    ['wss://x.example/ws', 'wss://x.example/ws']
  ])('%s → %s', (url, identity) => {
    expect(remoteUrlIdentity(url)).toBe(identity)
  })
})

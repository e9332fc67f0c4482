import { describe, expect, it } from '@jest/globals'
import { describePackage } from '../../src/resolve/describe.js'
import { identifyServer } from '../../src/resolve/identify.js'
import type { PackageIdentity } from '../../src/resolve/types.js'
import { commandEntry, entry } from './server-entry.js'

const DIGEST = `sha256:${'ab'.repeat(32)}`

function described(command: string, args: string[]): string {
  return describePackage(identifyServer(commandEntry(command, args)).package)
}

function resolvedNpm(name: string, versionSpec: string | null, version: string): PackageIdentity {
  return {
    ecosystem: 'npm',
    name,
    versionSpec,
    version,
    pinned: false,
    purl: `pkg:npm/${name}@${version}`,
    launcher: 'npx',
    resolution: { status: 'registry', message: `unpinned (resolves to ${version})` }
  }
}

describe('describePackage', () => {
  it.each([
    [['npx', ['-y', '@scope/pkg@1.2.3']], '@scope/pkg@1.2.3'],
    [['npx', ['-y', '@scope/pkg@latest']], '@scope/pkg@latest (unpinned)'],
    [['npx', ['-y', '@scope/pkg']], '@scope/pkg (unpinned)'],
    [['npx', ['pkg@^1.2']], 'pkg@^1.2 (unpinned)'],
    [['npx', ['github:o/r#main']], 'github:o/r#main'],
    [['uvx', ['mcp-server-fetch==1.2.0']], 'mcp-server-fetch==1.2.0'],
    [['uvx', ['markitdown-mcp@0.0.1a4']], 'markitdown-mcp==0.0.1a4'],
    [['uvx', ['pkg>=1,<2']], 'pkg>=1,<2 (unpinned)'],
    [
      ['uvx', ['awslabs.aws-documentation-mcp-server@latest']],
      'awslabs.aws-documentation-mcp-server@latest (unpinned)'
    ],
    [
      ['uvx', ['--from', 'serena @ git+https://github.com/oraios/serena', 'serena']],
      'serena @ git+https://github.com/oraios/serena'
    ],
    [['docker', ['run', '-i', 'ghcr.io/x/y:1.0']], 'ghcr.io/x/y:1.0'],
    [['docker', ['run', '-i', 'mcp/git']], 'mcp/git:latest'],
    [['docker', ['run', '-i', `ghcr.io/x/y:1.0@${DIGEST}`]], `ghcr.io/x/y:1.0@${DIGEST}`],
    [['docker', ['run', '-i', `ghcr.io/x/y@${DIGEST}`]], `ghcr.io/x/y@${DIGEST}`],
    [['node', ['./server.js']], 'local: ./server.js'],
    [['python', ['-m', 'my.server']], 'local: my.server'],
    [['mcp-server-foo', []], 'unknown: mcp-server-foo'],
    [
      ['uvx', ['--from', 'git+https://github.com/a/b@main', 'b']],
      'git+https://github.com/a/b@main'
    ],
    [['npx', ['--registry', 'https://r.example/', 'pkg@1.2.3']], 'pkg@1.2.3 (not graded)'],
    [['uvx', ['-i', 'https://i.example/simple', 'pkg==1.0']], 'pkg==1.0 (not graded)'],
    // Review round 2 (c2): a withheld PyPI spec is written once, never `====`.
    [
      [
        'uvx',
        ['--index-url', 'https://u:x@pypi.evil.example/simple', 'mcp-server-fetch==2025.4.7']
      ],
      'mcp-server-fetch==2025.4.7 (not graded)'
    ],
    [['docker', ['--context', 'x', 'run', `mcp/fetch@${DIGEST}`]], 'mcp/fetch (not graded)'],
    [['bash', ['-c', 'npx a; npx b']], 'unknown: npx']
  ] as const)('%j → %s', ([command, args], expected) => {
    expect(described(command, [...args])).toBe(expected)
  })

  it('shows what an unpinned npm spec resolves to', () => {
    expect(describePackage(resolvedNpm('@scope/pkg', 'latest', '1.4.2'))).toBe(
      '@scope/pkg@latest (unpinned, resolves to 1.4.2)'
    )
    expect(describePackage(resolvedNpm('@scope/pkg', null, '1.4.2'))).toBe(
      '@scope/pkg (unpinned, resolves to 1.4.2)'
    )
  })

  it('shows a remote server by its URL identity', () => {
    const p = identifyServer(
      entry({ url: 'https://u:p@host.example/path?k=v', type: 'http' })
    ).package
    expect(describePackage(p)).toBe('https://host.example/path')
  })

  it('says when nothing was identified', () => {
    expect(describePackage(identifyServer(entry({})).package)).toBe('unknown: (no command)')
  })
})

import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import type { ServerEntry } from '../../src/config/types.js'
import { tokenDigest } from '../../src/net/url-redaction.js'
import { identifyServer } from '../../src/resolve/identify.js'
import {
  formatServerKey,
  MAX_SERVER_ID_LENGTH,
  parseServerId,
  readServerId,
  sameServer,
  sameVersion,
  serverKeysOf
} from '../../src/resolve/server-id.js'
import type { ServerKey } from '../../src/resolve/server-key.js'
import type { ResolvedServer } from '../../src/resolve/types.js'
import { isWithheld } from '../../src/resolve/withholding.js'
import { commandEntry, entry } from './server-entry.js'

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`
const OTHER_DIGEST = `sha256:${'fedcba9876543210'.repeat(4)}`
const COMMIT = '0123456789abcdef0123456789abcdef01234567'
const FS = '@modelcontextprotocol/server-filesystem'
const TOKEN = 'sk-ak-1234567890abcdef'
/** The key form of the token-like segment TOKEN (`tokenDigest`). */
const TOKEN_DIGEST = tokenDigest(TOKEN)

/** `e` as written in a config file at `config` (relative to the workspace), maybe with a `cwd`. */
function inConfig(e: ServerEntry, config: string, cwd?: string): ServerEntry {
  return { ...e, config, launch: cwd === undefined ? e.launch : { ...e.launch, cwd } }
}

/** A `server_id` as written in a registry row, or a config entry the gate resolves. */
type Spelling = string | ServerEntry

function label(spelling: Spelling): string {
  if (typeof spelling === 'string') return JSON.stringify(spelling)
  const { command, args, url, type } = spelling.launch
  if (url !== undefined) return `config ${type ?? ''} url ${url}`.replace(/ +/g, ' ')
  return `config \`${[command, ...args].join(' ')}\``
}

/** The key of a spelling: `parseServerId` for text, `serverKeysOf(identifyServer(…))` else. */
function keyOf(spelling: Spelling): ServerKey | null {
  if (typeof spelling === 'string') return parseServerId(spelling)
  const keys = serverKeysOf(identifyServer(spelling))
  expect(keys.length).toBeLessThanOrEqual(1)
  return keys[0] ?? null
}

function resolved(e: ServerEntry): ResolvedServer {
  return identifyServer(e)
}

interface Group {
  what: string
  key: ServerKey
  spellings: Spelling[]
}

/** Spellings of one server (and version) that must all give the same key (issue 3 acceptance). */
const SAME: Group[] = [
  {
    what: 'an npm package at an exact version',
    key: { kind: 'npm', id: `npm:${FS}`, version: '2026.8.31' },
    spellings: [
      `pkg:npm/%40modelcontextprotocol/server-filesystem@2026.8.31`,
      `npm:${FS}@2026.8.31`,
      `${FS}@2026.8.31`,
      '  NPM:@ModelContextProtocol/Server-Filesystem@v2026.8.31  ',
      `npm:fs-alias@npm:${FS}@2026.8.31`,
      `https://www.npmjs.com/package/${FS}/v/2026.8.31`,
      commandEntry('npx', ['-y', `${FS}@2026.8.31`, '/tmp']),
      commandEntry('cmd', ['/c', 'npx', '-y', `${FS}@2026.8.31`, 'C:\\data']),
      commandEntry('npx', ['-y', '-p', `${FS}@2026.8.31`, 'mcp-server-filesystem', '/tmp'])
    ]
  },
  {
    what: 'a PyPI project at an exact version',
    key: { kind: 'pypi', id: 'pypi:mcp-server-fetch', version: '2025.4.7' },
    spellings: [
      'pypi:mcp_server_fetch==2025.4.7',
      'pkg:pypi/mcp-server-fetch@2025.4.7',
      'pkg:pypi/Mcp_Server_Fetch@2025.04.07',
      'mcp-server-fetch==2025.04.07',
      'pypi:Mcp.Server.Fetch@2025.4.7',
      'pypi:mcp-server-fetch == 2025.4.7',
      'pypi:mcp-server-fetch[cli]==2025.4.7',
      'pypi:mcp-server-fetch===2025.4.7',
      'https://pypi.org/project/mcp-server-fetch/2025.4.7/',
      commandEntry('uvx', ['mcp-server-fetch==2025.4.7']),
      commandEntry('uvx', ['mcp_server_fetch@2025.4.7']),
      commandEntry('uvx', ['--from', 'mcp-server-fetch==2025.4.7', 'mcp-server-fetch'])
    ]
  },
  {
    what: 'a container image by digest',
    key: { kind: 'oci', id: 'oci:ghcr.io/github/github-mcp-server', version: DIGEST },
    spellings: [
      `ghcr.io/github/github-mcp-server@${DIGEST}`,
      `pkg:docker/github/github-mcp-server@${DIGEST}?repository_url=ghcr.io`,
      `pkg:docker/github/github-mcp-server@${DIGEST.replace(':', '%3A')}?repository_url=ghcr.io`,
      `pkg:oci/github-mcp-server@${DIGEST}?repository_url=ghcr.io/github/github-mcp-server`,
      `pkg:oci/github-mcp-server@${DIGEST}?repository_url=https://ghcr.io/github`,
      `oci:GHCR.io/GitHub/github-mcp-server:v0.5.0@${DIGEST.toUpperCase().replace('SHA', 'sha')}`,
      `docker:ghcr.io/github/github-mcp-server@${DIGEST}`,
      commandEntry('docker', [
        'run',
        '-i',
        '--rm',
        '-e',
        'GITHUB_PERSONAL_ACCESS_TOKEN',
        `ghcr.io/github/github-mcp-server@${DIGEST}`
      ]),
      commandEntry('podman', ['run', '-i', `ghcr.io/github/github-mcp-server:v0.5.0@${DIGEST}`])
    ]
  },
  {
    what: 'a Docker Hub image by tag',
    key: { kind: 'oci', id: 'oci:docker.io/mcp/github', version: 'latest' },
    spellings: [
      'mcp/github:latest',
      'docker.io/mcp/github:latest',
      'oci:index.docker.io/mcp/github:latest',
      'pkg:docker/mcp/github@latest',
      commandEntry('docker', ['run', '-i', '--rm', 'mcp/github']),
      commandEntry('docker', ['run', '-i', '--rm', 'docker.io/mcp/github:latest'])
    ]
  },
  {
    what: 'a Docker Hub official image without a version',
    key: { kind: 'oci', id: 'oci:docker.io/library/nginx', version: null },
    spellings: [
      'oci:nginx',
      'docker:library/nginx',
      'docker.io/library/nginx',
      'docker.io/nginx',
      'registry-1.docker.io/library/nginx',
      'pkg:docker/nginx',
      'pkg:docker/library/nginx'
    ]
  },
  {
    what: 'a GitHub repository',
    key: { kind: 'github', id: 'github:org/repo', version: null },
    spellings: [
      'https://GitHub.com/Org/Repo.git',
      'https://github.com/org/repo',
      'https://www.github.com/org/repo/',
      'https://github.com/org/repo/tree/main',
      'github:org/repo',
      'github:Org/Repo.git',
      'github.com/Org/repo',
      'git+https://github.com/org/repo.git',
      'git+ssh://git@github.com/org/repo.git',
      'git@github.com:Org/Repo.git',
      'git://github.com/org/repo.git',
      'pkg:github/org/repo',
      commandEntry('npx', ['-y', 'github:Org/Repo']),
      commandEntry('npx', ['-y', 'Org/Repo']),
      commandEntry('npx', ['-y', 'git+https://github.com/org/repo.git'])
    ]
  },
  {
    what: 'a GitHub repository at a commit',
    key: { kind: 'github', id: 'github:org/repo', version: COMMIT },
    spellings: [
      `github:org/repo#${COMMIT}`,
      `git+https://github.com/org/repo.git#${COMMIT}`,
      `https://github.com/Org/Repo/commit/${COMMIT}`,
      `pkg:github/org/repo@${COMMIT}`,
      `git+https://github.com/Org/Repo@${COMMIT}`,
      commandEntry('npx', ['-y', `github:org/repo#${COMMIT}`]),
      commandEntry('uvx', ['--from', `git+https://github.com/org/repo@${COMMIT}`, 'repo']),
      commandEntry('uvx', [
        '--from',
        `repo-server @ git+https://github.com/org/repo.git@${COMMIT}`,
        'repo-server'
      ])
    ]
  },
  {
    what: 'a directory of a GitHub monorepo',
    key: {
      kind: 'github',
      id: 'github:modelcontextprotocol/servers/src/filesystem',
      version: null
    },
    spellings: [
      'https://github.com/modelcontextprotocol/servers/tree/main/src/filesystem',
      'https://github.com/modelcontextprotocol/servers/tree/main/src/filesystem/',
      'github:modelcontextprotocol/servers/src/filesystem',
      'pkg:github/modelcontextprotocol/servers#src/filesystem',
      'git+https://github.com/modelcontextprotocol/servers#egg=x&subdirectory=src/filesystem',
      'github:modelcontextprotocol/servers#path:src/filesystem',
      commandEntry('npx', ['-y', 'github:modelcontextprotocol/servers#path:src/filesystem'])
    ]
  },
  {
    what: 'a remote server',
    key: { kind: 'remote', id: 'remote:https://mcp.example.com/mcp', version: null },
    spellings: [
      'https://mcp.example.com/mcp/',
      'https://MCP.example.com/mcp',
      'https://mcp.example.com:443/mcp',
      'remote:https://mcp.example.com/mcp',
      'https://user:s3cret@mcp.example.com/mcp?api_key=abc#frag',
      entry({ url: 'https://MCP.example.com/mcp/' }),
      entry({ type: 'http', url: 'https://mcp.example.com/mcp' }),
      commandEntry('npx', ['-y', 'mcp-remote', 'https://mcp.example.com/mcp/']),
      commandEntry('npx', ['-y', 'mcp-remote@0.1.18', 'https://mcp.example.com/mcp'])
    ]
  },
  {
    what: 'a remote server whose path holds a token (a digest of it in the key, never the token)',
    key: {
      kind: 'remote',
      id: `remote:https://mcp.example.com/mcp/${TOKEN_DIGEST}/sse`,
      version: null
    },
    spellings: [
      `https://mcp.example.com/mcp/${TOKEN}/sse`,
      `remote:https://user:pw@mcp.example.com/mcp/${TOKEN}/sse/?api_key=1`,
      `remote:https://mcp.example.com/mcp/${TOKEN_DIGEST}/sse`,
      entry({ url: `https://mcp.example.com/mcp/${TOKEN}/sse/` }),
      commandEntry('npx', ['-y', 'mcp-remote', `https://mcp.example.com/mcp/${TOKEN}/sse`]),
      commandEntry('npx', ['-y', 'supergateway', `--sse=https://mcp.example.com/mcp/${TOKEN}/sse`])
    ]
  },
  {
    what: 'a remote server whose path holds a name with a version (not a token, kept)',
    key: {
      kind: 'remote',
      id: 'remote:https://gw.example.com/servers/github-readonly-mcp-v2-2024/mcp',
      version: null
    },
    spellings: [
      'https://gw.example.com/servers/github-readonly-mcp-v2-2024/mcp',
      entry({ url: 'https://gw.example.com/servers/github-readonly-mcp-v2-2024/mcp' })
    ]
  },
  {
    what: 'local code in the workspace root (found from the config file directory)',
    key: { kind: 'local', id: 'local:server.js', version: null },
    spellings: [
      'local:server.js',
      'local:./server.js',
      ' local: ./server.js ',
      'local:.\\server.js',
      'local:lib/../server.js',
      commandEntry('node', ['./server.js']),
      commandEntry('node', ['server.js']),
      inConfig(commandEntry('node', ['server.js']), './.mcp.json')
    ]
  },
  {
    what: 'local code in a directory (a config there, or a cwd)',
    key: { kind: 'local', id: 'local:tools/server.js', version: null },
    spellings: [
      'local:tools/server.js',
      'local:./tools/server.js',
      'local:tools\\server.js',
      inConfig(commandEntry('node', ['server.js']), 'tools/.mcp.json'),
      inConfig(commandEntry('node', ['./server.js']), 'tools/.mcp.json'),
      inConfig(commandEntry('node', ['../tools/server.js']), 'other/.mcp.json'),
      inConfig(commandEntry('node', ['server.js']), '.mcp.json', 'tools'),
      inConfig(commandEntry('node', ['server.js']), 'tools/sub/mcp.json', '..')
    ]
  },
  {
    what: 'local code at an absolute path (kept as written)',
    key: { kind: 'local', id: 'local:/opt/mcp/server.js', version: null },
    spellings: [
      'local:/opt/mcp/server.js',
      'local:/opt/mcp/./lib/../server.js',
      inConfig(commandEntry('node', ['/opt/mcp/server.js']), 'tools/.mcp.json'),
      inConfig(commandEntry('node', ['server.js']), 'tools/.mcp.json', '/opt/mcp')
    ]
  }
]

describe('server identity: mixed spellings that must match', () => {
  for (const group of SAME) {
    describe(group.what, () => {
      it.each(group.spellings.map((s) => [label(s), s] as const))('%s', (_label, spelling) => {
        expect(keyOf(spelling)).toEqual(group.key)
      })

      it('every pair is the same server at the same version', () => {
        const keys = group.spellings.map(keyOf)
        for (const a of keys) {
          for (const b of keys) {
            expect(sameServer(a!, b!)).toBe(true)
            expect(sameVersion(a!, b!)).toBe(group.key.version === null ? null : true)
          }
        }
      })
    })
  }
})

describe('server identity: spellings that must NOT match', () => {
  const different: [string, Spelling, Spelling][] = [
    ['another npm scope', `npm:${FS}`, 'npm:@evil/server-filesystem'],
    ['scoped vs unscoped npm name', `npm:${FS}`, 'npm:server-filesystem'],
    ['a typo-squatted npm name', `npm:${FS}`, 'npm:@modelcontextprotocol/server-filesytem'],
    ['the same name on npm and PyPI', 'npm:mcp-server-fetch', 'pypi:mcp-server-fetch'],
    [
      'another registry host',
      'ghcr.io/github/github-mcp-server',
      'docker.io/github/github-mcp-server:1'
    ],
    ['another registry host (quay)', 'oci:ghcr.io/org/img', 'oci:quay.io/org/img'],
    ['an official image vs a namespaced one', 'oci:nginx', 'oci:nginxinc/nginx'],
    ['http vs https', 'https://mcp.example.com/mcp', 'http://mcp.example.com/mcp'],
    ['ws vs wss', 'wss://mcp.example.com/mcp', 'ws://mcp.example.com/mcp'],
    ['another port', 'https://mcp.example.com/mcp', 'https://mcp.example.com:8443/mcp'],
    ['another path', 'https://mcp.example.com/mcp', 'https://mcp.example.com/sse'],
    [
      'a path in another case (paths are case-sensitive)',
      'https://x.example/MCP',
      'https://x.example/mcp'
    ],
    ['a sub-domain', 'https://mcp.example.com/mcp', 'https://mcp.example.com.evil.io/mcp'],
    ['a fork', 'github:org/repo', 'github:fork/repo'],
    [
      'a monorepo vs one of its directories',
      'github:modelcontextprotocol/servers',
      'https://github.com/modelcontextprotocol/servers/tree/main/src/filesystem'
    ],
    ['two directories of a monorepo', 'github:org/repo/src/a', 'github:org/repo/src/b'],
    [
      'a GitHub link under remote: is a remote server',
      'remote:https://github.com/org/repo',
      'github:org/repo'
    ],
    [
      'an npm package vs its source repository',
      `npm:${FS}`,
      'github:modelcontextprotocol/servers/src/filesystem'
    ],
    ['another local script', 'local:./server.js', 'local:./other.js'],
    [
      'the same script name in another directory (review issue 3)',
      commandEntry('node', ['server.js']),
      inConfig(commandEntry('node', ['server.js']), 'tools/.mcp.json')
    ],
    [
      'the same module run from two directories',
      inConfig(commandEntry('python', ['-m', 'my_server']), 'a/.mcp.json'),
      inConfig(commandEntry('python', ['-m', 'my_server']), 'b/.mcp.json')
    ],
    [
      'a path relative to the config vs the same path under a home directory',
      'local:~/server.js',
      commandEntry('node', ['server.js'])
    ],
    [
      'two gateway servers named in the path (review issue 3)',
      'https://gw.example.com/servers/github-readonly-mcp-v2-2024/mcp',
      'https://gw.example.com/servers/postgres-admin-write-v3-2025/mcp'
    ],
    [
      'two servers told apart only by a UUID in the path',
      'https://gw.example.com/u/6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b/mcp',
      entry({ url: 'https://gw.example.com/u/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d/mcp' })
    ],
    [
      'two tokens in the same place of the path',
      `https://mcp.example.com/mcp/${TOKEN}/sse`,
      entry({ url: 'https://mcp.example.com/mcp/sk-ak-abcdef1234567890/sse' })
    ],
    [
      'a PyPI name installed from git is not the PyPI project',
      'pypi:mcp-server-fetch',
      commandEntry('uvx', [
        '--from',
        'mcp-server-fetch @ git+https://github.com/evil/fetch',
        'mcp-server-fetch'
      ])
    ],
    [
      'a remote server vs its bridge package',
      'npm:mcp-remote',
      commandEntry('npx', ['-y', 'mcp-remote', 'https://mcp.example.com/mcp'])
    ]
  ]
  it.each(different.map(([what, a, b]) => [what, label(a), label(b), a, b] as const))(
    '%s: %s ≠ %s',
    (_what, _la, _lb, a, b) => {
      const [x, y] = [keyOf(a), keyOf(b)]
      expect(x).not.toBeNull()
      expect(y).not.toBeNull()
      expect(sameServer(x!, y!)).toBe(false)
      expect(sameVersion(x!, y!)).toBeNull()
    }
  )

  it('another version of the same server is the same server at another version', () => {
    const row = parseServerId(`npm:${FS}@2026.8.31`)!
    const config = keyOf(commandEntry('npx', ['-y', `${FS}@2026.9.1`]))!
    expect(sameServer(row, config)).toBe(true)
    expect(sameVersion(row, config)).toBe(false)
    expect([row.version, config.version]).toEqual(['2026.8.31', '2026.9.1'])
  })
})

describe('readServerId: versions that are not exact are not versions', () => {
  it.each([
    ['npm:pkg@^1', 'npm:pkg', '^1'],
    ['pkg@latest', 'npm:pkg', 'latest'],
    ['@scope/pkg@~1.2', 'npm:@scope/pkg', '~1.2'],
    ['pkg:npm/pkg@%5E1', 'npm:pkg', '^1'],
    ['pypi:mcp-server-fetch>=1,<2', 'pypi:mcp-server-fetch', '>=1,<2'],
    ['mcp-server-fetch ~= 1.0', 'pypi:mcp-server-fetch', '~= 1.0'],
    ['pypi:mcp-server-fetch==1.*', 'pypi:mcp-server-fetch', '==1.*'],
    ['pypi:mcp-server-fetch@latest', 'pypi:mcp-server-fetch', 'latest'],
    ['github:org/repo#semver:^1.0', 'github:org/repo', 'semver:^1.0']
  ])('%s → %s, not pinned (%s)', (text, id, spec) => {
    const reading = readServerId(text)
    expect(reading.key).toEqual({ kind: expect.any(String), id, version: null })
    expect(reading.unpinnedSpec).toBe(spec)
    expect(reading.problem).toBeNull()
  })

  it.each([
    ['npm:pkg', 'npm:pkg'],
    ['@scope/pkg', 'npm:@scope/pkg'],
    ['pypi:mcp-server-fetch', 'pypi:mcp-server-fetch'],
    ['oci:ghcr.io/org/img', 'oci:ghcr.io/org/img']
  ])('%s names no version and no spec', (text, id) => {
    expect(readServerId(text)).toEqual({
      key: { kind: expect.any(String), id, version: null },
      unpinnedSpec: null,
      problem: null
    })
  })

  it('keeps the tag of an image and prefers the digest when both are written', () => {
    expect(parseServerId('ghcr.io/org/img:v1.2')?.version).toBe('v1.2')
    expect(parseServerId(`ghcr.io/org/img:v1.2@${DIGEST}`)?.version).toBe(DIGEST)
  })

  it('reads a GitHub release tag as the version, but not the ref of a browse link', () => {
    expect(parseServerId('https://github.com/org/repo/releases/tag/v1.2')).toEqual({
      kind: 'github',
      id: 'github:org/repo',
      version: 'v1.2'
    })
    expect(parseServerId('https://github.com/org/repo/tree/v1.2/src/x')?.version).toBeNull()
  })
})

describe('readServerId: text it cannot read gives a problem, never a throw', () => {
  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['nginx', /ambiguous.*npm:NAME, pypi:NAME or oci:NAME/],
    ['mcp-server-fetch', /ambiguous/],
    ['org/repo', /ambiguous/],
    ['nginx:1.27', /ambiguous/],
    ['git-server (.cursor/mcp.json)', /spaces/],
    ['pkg:gem/rails@7.1.0', /purl type "gem"/],
    [`pkg:oci/img@${DIGEST}`, /repository_url/],
    ['pkg:npm', /not a valid package URL/],
    ['pkg:github/repo-only', /OWNER\/REPO/],
    ['npm:', /npm package spec|npm:NAME/],
    ['npm:./local-dir', /not a registry package/],
    ['npm:https://example.com/x.tgz', /not a registry package/],
    ['npm:gitlab:org/repo', /not a registry package/],
    ['pypi:', /PyPI requirement/],
    ['pypi:mcp-server-fetch==not-a-version', /PEP 440/],
    ['pypi:mcp-server-fetch@!!', /PEP 440/],
    ['pypi:mcp-server-fetch extra', /PEP 440 specifier/],
    ['pypi:x @ https://example.com/x.whl', /GitHub/],
    ['oci:${IMAGE}', /image reference/],
    ['oci:ghcr.io/org/img:bad tag', /image reference/],
    ['docker:', /image reference/],
    ['https://${HOST}/mcp', /variable/],
    ['remote:ftp://files.example.com/x', /http\(s\)/],
    ['ftp://files.example.com/x', /scheme/],
    ['git+https://gitlab.com/org/repo', /GitHub/],
    ['https://github.com/org', /OWNER\/REPO/],
    ['https://github.com/org/repo/blob/main/README.md', /a GitHub link should name/],
    ['https://github.com/org/repo/issues', /a GitHub link should name/],
    ['github:org', /OWNER\/REPO/],
    ['github:org/repo/../../x', /\.\./],
    ['github:-bad-/repo', /OWNER\/REPO/],
    ['https://www.npmjs.com/package/pkg/versions', /npmjs\.com link/],
    ['https://pypi.org/project/a/b/c', /pypi\.org link/],
    ['local:', /no path/],
    ['https://mcp.example.com/mcp/…/sse', /masked/],
    ['remote:https://mcp.example.com/mcp/%E2%80%A6/sse', /masked/],
    ['npm:pkg\u0000', /control characters/],
    [`npm:${'a'.repeat(MAX_SERVER_ID_LENGTH)}`, /longer than 2048/]
  ])('%j', (text, problem) => {
    const reading = readServerId(text)
    expect(reading.key).toBeNull()
    expect(reading.problem).toMatch(problem)
    expect(parseServerId(text)).toBeNull()
  })

  it('never quotes the text, which may hold a secret', () => {
    const secret = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB'
    for (const text of [
      `${secret}`,
      `oci:${secret}:bad tag`,
      `pypi:x==${secret}`,
      `https://github.com/org/repo/blob/${secret}`,
      `pkg:gem/${secret}`
    ]) {
      const reading = readServerId(text)
      expect(reading.key).toBeNull()
      expect(reading.problem).not.toContain(secret)
      expect(reading.problem!.toLowerCase()).not.toContain('ghp_')
    }
  })

  it('keeps no credential of a URL in the key', () => {
    const key = parseServerId(
      'https://admin:hunter2@mcp.example.com/v1/sk-ak-abcdef1234567890/mcp?api_key=abc123#t=1'
    )!
    expect(key.id).toMatch(/^remote:https:\/\/mcp\.example\.com\/v1\/~[0-9a-f]{10}\/mcp$/)
    expect(JSON.stringify(key)).not.toMatch(/hunter2|admin|abc123|sk-ak|1234567890/)
    const github = parseServerId('https://x-access-token:ghs_secret1234567890@github.com/org/repo')!
    expect(github).toEqual({ kind: 'github', id: 'github:org/repo', version: null })
  })

  it('never throws and answers exactly one of key and problem, for any text', () => {
    const prefixed = fc
      .tuple(
        fc.constantFrom(
          '',
          'pkg:',
          'npm:',
          'pypi:',
          'oci:',
          'docker:',
          'github:',
          'local:',
          'remote:',
          'https://',
          'git+https://github.com/',
          '@',
          'git@github.com:'
        ),
        fc.string({ maxLength: 60 })
      )
      .map(([p, s]) => p + s)
    fc.assert(
      fc.property(fc.oneof(fc.string(), prefixed, fc.webUrl()), (text) => {
        const reading = readServerId(text)
        expect((reading.key === null) !== (reading.problem === null)).toBe(true)
        if (reading.key !== null) {
          expect(reading.key.id.startsWith(`${reading.key.kind}:`)).toBe(true)
        }
      }),
      { numRuns: 400 }
    )
  })
})

describe('formatServerKey: a spelling read back to the same key', () => {
  const keys = SAME.flatMap((g) => g.spellings.map(keyOf)).filter((k) => k !== null)
  it.each(keys.map((k) => [formatServerKey(k), k] as const))('%s', (text, key) => {
    expect(parseServerId(text)).toEqual(key)
  })

  it('reads back generated npm and PyPI keys', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9]{0,8}(?:-[a-z0-9]{1,8}){0,2}$/)
    const version = fc
      .tuple(fc.nat(999), fc.nat(999), fc.nat(999))
      .map(([a, b, c]) => `${a}.${b}.${c}`)
    fc.assert(
      fc.property(fc.boolean(), name, name, version, (scoped, scope, bare, v) => {
        const npm: ServerKey = {
          kind: 'npm',
          id: `npm:${scoped ? `@${scope}/` : ''}${bare}`,
          version: v
        }
        const pypi: ServerKey = { kind: 'pypi', id: `pypi:${bare}`, version: v }
        expect(parseServerId(formatServerKey(npm))).toEqual(npm)
        expect(parseServerId(formatServerKey(pypi))).toEqual(pypi)
      }),
      { numRuns: 200 }
    )
  })
})

describe('serverKeysOf: the keys a config server is matched by', () => {
  it('gives an unpinned npm package its name and no version until it is resolved', () => {
    const server = resolved(commandEntry('npx', ['-y', FS, '/tmp']))
    expect(serverKeysOf(server)).toEqual([{ kind: 'npm', id: `npm:${FS}`, version: null }])
    // What `resolveServers` does when the registry answers: the resolved version runs.
    const fromRegistry: ResolvedServer = {
      ...server,
      package: { ...server.package, version: '2026.8.31', resolution: { status: 'registry' } }
    }
    expect(serverKeysOf(fromRegistry)).toEqual([
      { kind: 'npm', id: `npm:${FS}`, version: '2026.8.31' }
    ])
  })

  it.each([
    [
      'npm from another registry',
      commandEntry('npx', ['--registry', 'https://npm.evil.example', '-y', `${FS}@2026.8.31`]),
      { kind: 'npm', id: `npm:${FS}`, version: null }
    ],
    [
      'PyPI from another index',
      commandEntry('uvx', [
        '--index-url',
        'https://pypi.evil.example/simple',
        'mcp-server-fetch==2025.4.7'
      ]),
      { kind: 'pypi', id: 'pypi:mcp-server-fetch', version: null }
    ],
    [
      'an image on another daemon',
      commandEntry('docker', [
        '--context',
        'remote',
        'run',
        '-i',
        'ghcr.io/github/github-mcp-server:v0.5.0'
      ]),
      { kind: 'oci', id: 'oci:ghcr.io/github/github-mcp-server', version: null }
    ]
  ])('keeps the name but no version of a withheld identity: %s', (_what, e, key) => {
    const server = resolved(e)
    expect(isWithheld(server.package)).toBe(true)
    expect(serverKeysOf(server)).toEqual([key])
  })

  it.each([
    ['an image by tag', ['run', '-i', 'ghcr.io/github/github-mcp-server:v0.5.0'], 'v0.5.0'],
    [
      'an image without a tag (the engine pulls latest)',
      ['run', '-i', 'ghcr.io/github/github-mcp-server'],
      'latest'
    ],
    [
      'an image by tag and digest',
      ['run', '-i', `ghcr.io/github/github-mcp-server:v0.5.0@${DIGEST}`],
      DIGEST
    ]
  ])('gives %s its version', (_what, args, version) => {
    expect(serverKeysOf(resolved(commandEntry('docker', args)))).toEqual([
      { kind: 'oci', id: 'oci:ghcr.io/github/github-mcp-server', version }
    ])
  })

  it('gives a named PyPI requirement from GitHub only its github: key', () => {
    const server = resolved(
      commandEntry('uvx', [
        '--from',
        `mcp-server-fetch @ git+https://github.com/Org/Fetch.git@${COMMIT}`,
        'mcp-server-fetch'
      ])
    )
    expect(server.package.name).toBe('mcp-server-fetch')
    expect(serverKeysOf(server)).toEqual([
      { kind: 'github', id: 'github:org/fetch', version: COMMIT }
    ])
  })

  it('names a local Python module from the directory it runs in', () => {
    expect(serverKeysOf(resolved(commandEntry('python', ['-m', 'my_server'])))).toEqual([
      { kind: 'local', id: 'local:my_server', version: null }
    ])
    const nested = inConfig(commandEntry('python', ['-m', 'my_server']), 'svc/.vscode/mcp.json')
    expect(serverKeysOf(resolved(nested))).toEqual([
      { kind: 'local', id: 'local:svc/.vscode/my_server', version: null }
    ])
  })

  it.each([
    ['a Windows path', 'C:\\mcp\\..\\tools\\server.js', 'local:C:/tools/server.js'],
    ['a home path', '~/mcp/server.js', 'local:~/mcp/server.js'],
    ['a VS Code variable', '${workspaceFolder}/server.js', 'local:${workspaceFolder}/server.js'],
    ['a variable followed by ..', '$HOME/../x/server.js', 'local:$HOME/x/server.js']
  ])('keeps %s anchored, not under the config directory', (_what, path, id) => {
    const server = resolved(inConfig(commandEntry('node', [path]), 'tools/.mcp.json'))
    expect(serverKeysOf(server)).toEqual([{ kind: 'local', id, version: null }])
  })

  it('gives the key of the written URL a bridge names, not of another URL in its arguments', () => {
    const server = resolved(
      commandEntry('npx', [
        '-y',
        'mcp-remote',
        `https://mcp.example.com/mcp/${TOKEN}/sse`,
        '--header',
        'Referer: https://app.example.com/6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b/'
      ])
    )
    expect(server.package.name).toBe('https://mcp.example.com/mcp/…/sse')
    expect(serverKeysOf(server)).toEqual([
      {
        kind: 'remote',
        id: `remote:https://mcp.example.com/mcp/${TOKEN_DIGEST}/sse`,
        version: null
      }
    ])
  })

  it('gives no key when two written URLs show alike but key apart (which runs is unclear)', () => {
    const server = resolved(
      commandEntry('npx', [
        '-y',
        'mcp-remote',
        `https://mcp.example.com/mcp/${TOKEN}/sse`,
        '--header',
        'X-Fallback:https://mcp.example.com/mcp/sk-ak-abcdef1234567890/sse'
      ])
    )
    expect(server.package.ecosystem).toBe('remote')
    expect(serverKeysOf(server)).toEqual([])
  })

  it('gives no key to a masked remote name whose written URL it cannot find', () => {
    const server = resolved(entry({ url: `https://mcp.example.com/mcp/${TOKEN}/sse` }))
    const lost: ResolvedServer = {
      ...server,
      entry: {
        ...server.entry,
        launch: { ...server.entry.launch, url: 'https://mcp.example.com/other' }
      }
    }
    expect(serverKeysOf(lost)).toEqual([])
    const plain = resolved(entry({ url: 'https://mcp.example.com/mcp' }))
    const moved: ResolvedServer = {
      ...plain,
      entry: { ...plain.entry, launch: { ...plain.entry.launch, url: undefined } }
    }
    expect(serverKeysOf(moved)).toEqual([
      { kind: 'remote', id: 'remote:https://mcp.example.com/mcp', version: null }
    ])
  })

  it.each([
    ['an unknown command', commandEntry('mcp-server-foo', ['--stdio'])],
    ['an image named by a variable', commandEntry('docker', ['run', '-i', '${IMAGE}'])],
    ['an npm tarball URL', commandEntry('npx', ['-y', 'https://example.com/pkg-1.0.0.tgz'])],
    ['an npm package from a local path', commandEntry('npx', ['-y', './packages/server'])],
    ['a package from another git host', commandEntry('npx', ['-y', 'gitlab:org/repo'])],
    ['a remote URL built from a variable', entry({ url: '${MCP_URL}/mcp' })],
    ['a remote URL with a variable host', entry({ url: 'https://${HOST}/mcp' })],
    ['inline node code (its name says nothing of the code)', commandEntry('node', ['-e', 'x()'])],
    ['inline Python code', commandEntry('python', ['-c', 'import srv; srv.run()'])]
  ])('gives no key to %s', (_what, e) => {
    expect(serverKeysOf(resolved(e))).toEqual([])
  })

  it('never throws, even for an identity it has never seen', () => {
    const server = resolved(commandEntry('npx', ['-y', FS]))
    const odd: ResolvedServer = {
      ...server,
      package: { ...server.package, ecosystem: 'oci', name: ':::', versionSpec: '@@' }
    }
    expect(serverKeysOf(odd)).toEqual([])
    expect(serverKeysOf({ ...server, package: { ...server.package, name: null } })).toEqual([])
  })
})

describe('sameVersion', () => {
  const k = (kind: ServerKey['kind'], version: string | null, id = `${kind}:x`): ServerKey => ({
    kind,
    id,
    version
  })
  it.each([
    ['npm, equal', k('npm', '1.2.3'), k('npm', '1.2.3'), true],
    ['npm, build metadata ignored (SemVer)', k('npm', '1.2.3+build.5'), k('npm', '1.2.3'), true],
    ['npm, another patch', k('npm', '1.2.3'), k('npm', '1.2.4'), false],
    ['npm, prerelease', k('npm', '1.2.3-rc.1'), k('npm', '1.2.3'), false],
    ['PyPI, 1.0 = 1.0.0 (PEP 440)', k('pypi', '1.0'), k('pypi', '1.0.0'), true],
    ['PyPI, another version', k('pypi', '1.0'), k('pypi', '1.1'), false],
    ['PyPI, post release', k('pypi', '1.0'), k('pypi', '1.0.post1'), false],
    ['OCI, digests in another case', k('oci', DIGEST), k('oci', DIGEST.toUpperCase()), true],
    ['OCI, another digest', k('oci', DIGEST), k('oci', OTHER_DIGEST), false],
    ['OCI, another tag', k('oci', 'v1'), k('oci', 'v2'), false],
    ['OCI, a tag vs a digest cannot be told', k('oci', 'v1'), k('oci', DIGEST), null],
    [
      'GitHub, a commit in another case',
      k('github', COMMIT.toUpperCase()),
      k('github', COMMIT),
      true
    ],
    ['GitHub, another commit', k('github', 'f'.repeat(40)), k('github', COMMIT), false],
    [
      'GitHub, an abbreviated commit is a ref, never a prefix match (review issue 3)',
      k('github', COMMIT.slice(0, 7)),
      k('github', COMMIT),
      null
    ],
    [
      'GitHub, a hex ref is not a prefix of a longer one',
      k('github', 'deadbeef'),
      k('github', 'deadbeef00'),
      false
    ],
    ['GitHub, hex refs compare exactly', k('github', 'abc1234'), k('github', 'ABC1234'), false],
    ['GitHub, the same short hex ref', k('github', 'abc1234'), k('github', 'abc1234'), true],
    ['GitHub, a tag vs a commit cannot be told', k('github', 'v1.0'), k('github', COMMIT), null],
    ['GitHub, another tag', k('github', 'v1.0'), k('github', 'v1.1'), false],
    ['no version on one side', k('npm', null), k('npm', '1.2.3'), null],
    ['no version on either side', k('remote', null), k('remote', null), null],
    ['different servers', k('npm', '1.2.3', 'npm:a'), k('npm', '1.2.3', 'npm:b'), null]
  ])('%s', (_what, a, b, expected) => {
    expect(sameVersion(a, b)).toBe(expected)
    expect(sameVersion(b, a)).toBe(expected)
  })
})

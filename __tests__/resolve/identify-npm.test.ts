import { describe, expect, it } from '@jest/globals'
import { identifyServer } from '../../src/resolve/identify.js'
import type { RawLaunch } from '../../src/config/types.js'
import type { PackageIdentity } from '../../src/resolve/types.js'
import { commandEntry, entry } from './server-entry.js'

const FS = '@modelcontextprotocol/server-filesystem'
const FS_PURL = 'pkg:npm/%40modelcontextprotocol/server-filesystem@2026.8.31'

function unpinned(name: string, versionSpec: string | null, launcher = 'npx'): PackageIdentity {
  return {
    ecosystem: 'npm',
    name,
    versionSpec,
    version: null,
    pinned: false,
    purl: null,
    launcher,
    resolution: { status: 'offline' }
  }
}

/** A withheld identity (`withholding.ts`): named, no version or purl, `pinned` as written. */
function withheldNpm(
  name: string,
  versionSpec: string | null,
  pinnedAsWritten: boolean,
  why: string,
  launcher = 'npx'
): PackageIdentity {
  return {
    ecosystem: 'npm',
    name,
    versionSpec,
    version: null,
    pinned: pinnedAsWritten,
    purl: null,
    launcher,
    resolution: { status: 'n/a', message: `not graded: ${why}` }
  }
}

function pinned(
  name: string,
  version: string,
  purl: string,
  launcher = 'npx',
  versionSpec = version
): PackageIdentity {
  return {
    ecosystem: 'npm',
    name,
    versionSpec,
    version,
    pinned: true,
    purl,
    launcher,
    resolution: { status: 'exact' }
  }
}

interface Case {
  source: string
  command: string
  args: string[]
  expected: PackageIdentity
}

const cases: Case[] = [
  {
    source: 'corpus: npx -y server-filesystem with roots (unpinned)',
    command: 'npx',
    args: ['-y', FS, '/Users/phatblat'],
    expected: unpinned(FS, null)
  },
  {
    source: 'synthetic: npx -y server-filesystem@2026.8.31 (pinned)',
    command: 'npx',
    args: ['-y', `${FS}@2026.8.31`, '.'],
    expected: pinned(FS, '2026.8.31', FS_PURL)
  },
  {
    source: 'corpus: npx @upstash/context7-mcp@1.0.31',
    command: 'npx',
    args: ['@upstash/context7-mcp@1.0.31'],
    expected: pinned('@upstash/context7-mcp', '1.0.31', 'pkg:npm/%40upstash/context7-mcp@1.0.31')
  },
  {
    source: 'corpus: npx --registry URL chrome-devtools-mcp@0.18.1',
    command: 'npx',
    args: ['--registry', 'https://registry.npmjs.org', 'chrome-devtools-mcp@0.18.1'],
    expected: pinned('chrome-devtools-mcp', '0.18.1', 'pkg:npm/chrome-devtools-mcp@0.18.1')
  },
  {
    source: 'corpus: npx @playwright/mcp@latest (a tag)',
    command: 'npx',
    args: ['@playwright/mcp@latest', '--extension'],
    expected: unpinned('@playwright/mcp', 'latest')
  },
  {
    source: 'corpus: /usr/local/bin/npx -y repomix --mcp',
    command: '/usr/local/bin/npx',
    args: ['-y', 'repomix', '--mcp'],
    expected: unpinned('repomix', null)
  },
  {
    source: 'corpus: ~/.bun/bin/bunx -y @upstash/context7-mcp@latest',
    command: '~/.bun/bin/bunx',
    args: ['-y', '@upstash/context7-mcp@latest'],
    expected: unpinned('@upstash/context7-mcp', 'latest', 'bunx')
  },
  {
    source: 'corpus: pnpx @browsermcp/mcp',
    command: 'pnpx',
    args: ['@browsermcp/mcp'],
    expected: unpinned('@browsermcp/mcp', null, 'pnpx')
  },
  {
    source: 'corpus: /Users/…/.asdf/shims/npx',
    command: '/Users/abdullahhashim/.asdf/shims/npx',
    args: ['-y', FS, '/Users/abdullahhashim'],
    expected: unpinned(FS, null)
  },
  {
    source: 'synthetic: a range',
    command: 'npx',
    args: ['-y', 'pkg@^1.2'],
    expected: unpinned('pkg', '^1.2')
  },
  {
    source: 'synthetic: npx -p pkg@1.2.3 bin',
    command: 'npx',
    args: ['-p', '@scope/pkg@1.2.3', 'pkg-bin', '--stdio'],
    expected: pinned('@scope/pkg', '1.2.3', 'pkg:npm/%40scope/pkg@1.2.3')
  },
  {
    source: 'synthetic: npx --package=pkg@next bin',
    command: 'npx',
    args: ['--yes', '--package=mcp-thing@next', 'mcp-thing'],
    expected: unpinned('mcp-thing', 'next')
  },
  {
    source: 'synthetic: options before the package (all on the allow-list)',
    command: 'npx',
    args: [
      '-q',
      '--prefer-offline',
      '--no-audit',
      '--loglevel',
      'error',
      '--fetch-timeout=60000',
      '-y',
      'pkg@1.0.0'
    ],
    expected: pinned('pkg', '1.0.0', 'pkg:npm/pkg@1.0.0')
  },
  {
    source: 'synthetic: npx.cmd',
    command: 'npx.cmd',
    args: ['-y', 'pkg@1.0.0'],
    expected: pinned('pkg', '1.0.0', 'pkg:npm/pkg@1.0.0')
  },
  {
    source: 'synthetic: C:\\Program Files\\nodejs\\npx.cmd',
    command: 'C:\\Program Files\\nodejs\\npx.cmd',
    args: ['-y', '@scope/pkg'],
    expected: unpinned('@scope/pkg', null)
  },
  {
    source: 'synthetic: pnpm dlx with global options',
    command: 'pnpm',
    args: ['--silent', 'dlx', '--package', 'pkg@3.1.4', 'pkg'],
    expected: pinned('pkg', '3.1.4', 'pkg:npm/pkg@3.1.4', 'pnpm dlx')
  },
  {
    source: 'synthetic: yarn dlx -p',
    command: 'yarn',
    args: ['dlx', '-q', '-p', 'pkg@0.9.0', 'pkg'],
    expected: pinned('pkg', '0.9.0', 'pkg:npm/pkg@0.9.0', 'yarn dlx')
  },
  {
    source: 'synthetic: bun x',
    command: 'bun',
    args: ['x', '--bun', 'pkg@latest'],
    expected: unpinned('pkg', 'latest', 'bunx')
  },
  {
    source: 'synthetic: npm exec -- pkg',
    command: 'npm',
    args: ['exec', '--yes', '--', 'pkg@2.0.0', '--flag'],
    expected: pinned('pkg', '2.0.0', 'pkg:npm/pkg@2.0.0', 'npm exec')
  },
  {
    source: 'synthetic: npm x --package=… -- bin',
    command: 'npm',
    args: ['--registry=https://registry.npmjs.org/', 'x', '--package=@s/p@1.0.0', '--', 'p'],
    expected: pinned('@s/p', '1.0.0', 'pkg:npm/%40s/p@1.0.0', 'npm exec')
  },
  {
    source: 'synthetic: v-prefixed exact version is cleaned',
    command: 'npx',
    args: ['pkg@v1.2.3'],
    expected: pinned('pkg', '1.2.3', 'pkg:npm/pkg@1.2.3', 'npx', 'v1.2.3')
  },
  {
    source: 'synthetic: alias spec',
    command: 'npx',
    args: ['-y', 'short@npm:@real/pkg@4.0.0'],
    expected: pinned('@real/pkg', '4.0.0', 'pkg:npm/%40real/pkg@4.0.0')
  },
  {
    source: 'synthetic: deno run npm:',
    command: 'deno',
    args: ['run', '-A', 'npm:@scope/pkg@1.2.3'],
    expected: pinned('@scope/pkg', '1.2.3', 'pkg:npm/%40scope/pkg@1.2.3', 'deno')
  },
  {
    source: 'corpus (wrapped): bash -c "npx -y tavily-mcp@0.1.3"',
    command: 'bash',
    args: ['-c', 'npx -y tavily-mcp@0.1.3'],
    expected: pinned('tavily-mcp', '0.1.3', 'pkg:npm/tavily-mcp@0.1.3')
  },
  {
    source: 'corpus (wrapped): mise exec bun@1 -- bunx -y @arrow2nd/vv-mcp@latest',
    command: 'mise',
    args: ['exec', 'bun@1', '--', 'bunx', '-y', '@arrow2nd/vv-mcp@latest'],
    expected: unpinned('@arrow2nd/vv-mcp', 'latest', 'bunx')
  }
]

describe('identifyServer: npm', () => {
  it.each(cases)('$source', ({ command, args, expected }) => {
    expect(identifyServer(commandEntry(command, args)).package).toEqual(expected)
  })

  it('notes a custom registry without its credentials', () => {
    const r = identifyServer(
      commandEntry('npx', ['--registry', 'https://me:s3cretpw@npm.corp.example/', 'pkg@1.0.0'])
    )
    const notes = r.notes.join('\n')
    expect(notes).toContain('https://npm.corp.example/')
    expect(JSON.stringify(r.package) + notes).not.toContain('s3cretpw')
  })

  it('identifies git specs as npm, not pinned, with a note on an exact commit', () => {
    const sha = 'a'.repeat(40)
    const r = identifyServer(commandEntry('npx', ['-y', `github:owner/repo#${sha}`]))
    expect(r.package).toEqual({
      ecosystem: 'npm',
      name: `github:owner/repo#${sha}`,
      versionSpec: sha,
      version: null,
      pinned: false,
      purl: null,
      launcher: 'npx',
      resolution: { status: 'n/a', message: 'a git dependency is not a registry version' }
    })
    expect(r.notes).toContain(
      'installs from git at a fixed commit: exact, but not a registry version, so not pinned'
    )
  })

  it('removes credentials from git and tarball URLs', () => {
    const git = identifyServer(
      commandEntry('npx', ['git+https://ghp_secretTOKEN123@github.com/o/r.git#v1.0.0'])
    )
    expect(git.package.name).toBe('git+https://github.com/o/r.git#v1.0.0')
    expect(git.package.pinned).toBe(false)
    const tarball = identifyServer(
      commandEntry('npx', ['https://cdn.example.com/pkg-1.0.0.tgz?token=abcdef123456'])
    )
    expect(tarball.package).toMatchObject({
      ecosystem: 'npm',
      name: 'https://cdn.example.com/pkg-1.0.0.tgz',
      pinned: false,
      resolution: { status: 'n/a' }
    })
  })

  it('identifies a local path spec as npm, not pinned', () => {
    const r = identifyServer(commandEntry('npx', ['./packages/server']))
    expect(r.package).toMatchObject({
      ecosystem: 'npm',
      name: './packages/server',
      pinned: false,
      purl: null,
      resolution: { status: 'n/a' }
    })
  })

  it('keeps an invalid spec (a variable reference) with a note, nothing to resolve', () => {
    const r = identifyServer(commandEntry('npx', ['-y', '${input:package}']))
    expect(r.package).toMatchObject({
      ecosystem: 'npm',
      name: '${input:package}',
      pinned: false,
      resolution: { status: 'n/a' }
    })
    expect(r.notes.join('\n')).toContain('not a valid npm package spec')
  })

  it('treats npx without a package as unknown', () => {
    const r = identifyServer(commandEntry('npx', ['-y']))
    expect(r.package).toMatchObject({ ecosystem: 'unknown', name: null, launcher: 'npx' })
  })

  it('treats npx tsx ./file.ts (corpus) as local code', () => {
    const r = identifyServer(
      commandEntry('npx', ['tsx', '/Users/hanyoungwook/2025-2/Boj_coach/mcp-server.ts'])
    )
    expect(r.package).toMatchObject({
      ecosystem: 'local',
      name: '/Users/hanyoungwook/2025-2/Boj_coach/mcp-server.ts',
      launcher: 'npx tsx'
    })
  })

  it('withholds the Smithery CLI running another server (corpus), without copying its key', () => {
    const key = '59471dca-eaa5-b434-9445-34f22c775065'
    const r = identifyServer(
      commandEntry('cmd', [
        '/c',
        'npx',
        '-y',
        '@smithery/cli@latest',
        'run',
        '@bunasQ/fs',
        '--key',
        key
      ])
    )
    expect(r.package).toEqual(
      withheldNpm(
        '@smithery/cli',
        'latest',
        false,
        '@smithery/cli runs another program or server named in its arguments, which is not what is graded'
      )
    )
    expect(JSON.stringify(r.package) + r.notes.join('\n')).not.toContain(key)
    // Without `run` it is the CLI itself.
    const cli = identifyServer(commandEntry('npx', ['-y', '@smithery/cli@1.0.0', 'list']))
    expect(cli.package).toEqual(pinned('@smithery/cli', '1.0.0', 'pkg:npm/%40smithery/cli@1.0.0'))
  })
})

describe('identifyServer: npm bridges to remote servers', () => {
  it.each([
    {
      source: 'corpus: npx -y mcp-remote URL --header "Authorization: Bearer ${X}"',
      command: 'npx',
      args: [
        '-y',
        'mcp-remote',
        'https://mcp.socialdatax.com/douyin/mcp',
        '--header',
        'Authorization: Bearer ${SOCIALDATAX_API_KEY}'
      ],
      name: 'https://mcp.socialdatax.com/douyin/mcp',
      launcher: 'mcp-remote'
    },
    {
      source: 'corpus: /opt/homebrew/bin/npx mcp-remote https://main.insightfulmcp.com',
      command: '/opt/homebrew/bin/npx',
      args: ['mcp-remote', 'https://main.insightfulmcp.com'],
      name: 'https://main.insightfulmcp.com/',
      launcher: 'mcp-remote'
    },
    {
      source: 'synthetic: credentials and query removed',
      command: 'npx',
      args: [
        'mcp-remote@0.1.38',
        'https://user:hunter2pass@mcp.example.com:8443/mcp?api_key=sk-live-123456'
      ],
      name: 'https://mcp.example.com:8443/mcp',
      launcher: 'mcp-remote'
    },
    {
      source: 'synthetic: supergateway --sse URL',
      command: 'npx',
      args: ['-y', 'supergateway', '--sse', 'https://gw.example.com/sse'],
      name: 'https://gw.example.com/sse',
      launcher: 'supergateway'
    }
  ])('$source', ({ command, args, name, launcher }) => {
    const r = identifyServer(commandEntry(command, args))
    expect(r.package).toEqual({
      ecosystem: 'remote',
      name,
      versionSpec: null,
      version: null,
      pinned: false,
      purl: null,
      launcher,
      resolution: { status: 'n/a' }
    })
    const text = JSON.stringify(r.package) + r.notes.join('\n')
    expect(text).not.toContain('hunter2pass')
    expect(text).not.toContain('sk-live')
    expect(
      r.notes.some((n) => n.startsWith('bridged to the remote server by the npm package'))
    ).toBe(true)
  })

  it('runs mcp-remote without a URL as an ordinary package', () => {
    const r = identifyServer(commandEntry('npx', ['mcp-remote@0.1.38', '--help']))
    expect(r.package).toEqual(pinned('mcp-remote', '0.1.38', 'pkg:npm/mcp-remote@0.1.38'))
  })
})

/** The identity of a registry spec installed from another registry: ungradeable. */
function otherRegistry(
  name: string,
  versionSpec: string | null,
  url: string,
  setting: string,
  launcher = 'npx'
): PackageIdentity {
  return withheldNpm(
    name,
    versionSpec,
    versionSpec !== null && /^\d/.test(versionSpec),
    `${setting} installs packages from ${url}, not the public registry`,
    launcher
  )
}

describe('identifyServer: npm from another registry', () => {
  it.each<{
    source: string
    launch: Partial<RawLaunch>
    expected: PackageIdentity
    setting: string
  }>([
    {
      source: 'review: npx --registry https://evil/ pkg@1.2.3',
      launch: { command: 'npx', args: ['--registry', 'https://evil/', 'pkg@1.2.3'] },
      expected: otherRegistry('pkg', '1.2.3', 'https://evil/', '--registry'),
      setting: '--registry'
    },
    {
      source: 'synthetic: --registry=URL, unpinned',
      launch: { command: 'npx', args: ['-y', '--registry=https://npm.corp.example', 'pkg'] },
      expected: otherRegistry('pkg', null, 'https://npm.corp.example/', '--registry'),
      setting: '--registry'
    },
    {
      source: 'synthetic: --@scope:registry URL (value in the next argument)',
      launch: {
        command: 'npx',
        args: ['--@acme:registry', 'https://npm.acme.example/', '@acme/mcp@2.0.0']
      },
      expected: otherRegistry(
        '@acme/mcp',
        '2.0.0',
        'https://npm.acme.example/',
        '--@acme:registry'
      ),
      setting: '--@acme:registry'
    },
    {
      source: 'synthetic: npm --registry … exec',
      launch: {
        command: 'npm',
        args: ['--registry', 'https://evil.example/', 'exec', '--', 'pkg@1.0.0']
      },
      expected: otherRegistry('pkg', '1.0.0', 'https://evil.example/', '--registry', 'npm exec'),
      setting: '--registry'
    },
    {
      source: 'review: npm_config_registry in env',
      launch: {
        command: 'npx',
        args: ['-y', 'pkg@1.2.3'],
        env: { npm_config_registry: 'https://evil.example/npm/' }
      },
      expected: otherRegistry(
        'pkg',
        '1.2.3',
        'https://evil.example/npm/',
        'env npm_config_registry'
      ),
      setting: 'env npm_config_registry'
    },
    {
      source: 'review: NPM_CONFIG_REGISTRY in env, for pnpm dlx too',
      launch: {
        command: 'pnpm',
        args: ['dlx', 'pkg@1.2.3'],
        env: { NPM_CONFIG_REGISTRY: 'https://evil.example' }
      },
      expected: otherRegistry(
        'pkg',
        '1.2.3',
        'https://evil.example/',
        'env NPM_CONFIG_REGISTRY',
        'pnpm dlx'
      ),
      setting: 'env NPM_CONFIG_REGISTRY'
    },
    {
      source: 'synthetic: the registry set by the launch itself (export in bash -c)',
      launch: {
        command: 'bash',
        args: ['-c', 'export NPM_CONFIG_REGISTRY=https://evil.example/ && npx -y pkg@1.2.3']
      },
      expected: otherRegistry('pkg', '1.2.3', 'https://evil.example/', 'env NPM_CONFIG_REGISTRY'),
      setting: 'env NPM_CONFIG_REGISTRY'
    },
    {
      source: 'synthetic: the registry set before a command line written into `command`',
      launch: { command: 'npm_config_registry=https://evil.example/ npx -y pkg@1.2.3' },
      expected: otherRegistry('pkg', '1.2.3', 'https://evil.example/', 'env npm_config_registry'),
      setting: 'env npm_config_registry'
    },
    {
      source: 'synthetic: an override wins over a bridge (the bridge code comes from there)',
      launch: {
        command: 'npx',
        args: ['--registry', 'https://evil.example/', 'mcp-remote@0.1.38', 'https://mcp.example/']
      },
      expected: otherRegistry('mcp-remote', '0.1.38', 'https://evil.example/', '--registry'),
      setting: '--registry'
    },
    {
      source: 'synthetic: deno run npm: reads NPM_CONFIG_REGISTRY too',
      launch: {
        command: 'deno',
        args: ['run', 'npm:pkg@1.0.0'],
        env: { NPM_CONFIG_REGISTRY: 'https://evil.example/' }
      },
      expected: otherRegistry(
        'pkg',
        '1.0.0',
        'https://evil.example/',
        'env NPM_CONFIG_REGISTRY',
        'deno'
      ),
      setting: 'env NPM_CONFIG_REGISTRY'
    }
  ])('$source', ({ launch, expected, setting }) => {
    const r = identifyServer(entry(launch))
    expect(r.package).toEqual(expected)
    expect(r.notes.some((n) => n.startsWith(`${setting} installs packages from `))).toBe(true)
  })

  it('uses credentials for a private registry as a reason not to grade', () => {
    for (const key of [
      'npm_config__authToken',
      'NPM_CONFIG__AUTH',
      'npm_config_//npm.pkg.github.com/:_authToken'
    ]) {
      const r = identifyServer(
        entry({ command: 'npx', args: ['-y', 'pkg@1.2.3'], env: { [key]: 'not-a-real-token' } })
      )
      expect(r.package).toMatchObject({ version: null, purl: null, pinned: true })
      expect(r.package.resolution).toEqual({
        status: 'n/a',
        message: `not graded: env ${key} sets credentials for a private registry, so the package may not come from the public registry`
      })
      expect(JSON.stringify(r.package) + r.notes.join('\n')).not.toContain('not-a-real-token')
    }
  })

  it('keeps grading the default public registry, however it is written', () => {
    for (const url of [
      'https://registry.npmjs.org',
      'https://registry.npmjs.org/',
      'HTTPS://REGISTRY.NPMJS.ORG:443/'
    ]) {
      const r = identifyServer(
        entry({
          command: 'npx',
          args: ['--registry', url, 'pkg@1.2.3'],
          env: { npm_config_registry: url }
        })
      )
      expect(r.package).toEqual(pinned('pkg', '1.2.3', 'pkg:npm/pkg@1.2.3'))
    }
    // Plain http is not the default registry: anyone on the path can change the package.
    const http = identifyServer(
      entry({ command: 'npx', args: ['--registry', 'http://registry.npmjs.org', 'pkg@1.2.3'] })
    )
    expect(http.package.version).toBeNull()
  })

  it('masks a token in the registry URL (Gemfury-style) and drops user info and query', () => {
    const token = 'AbCdEf0123456789xyzQWEabcd'
    const r = identifyServer(
      entry({
        command: 'npx',
        args: [
          '--registry',
          `https://me:s3cretpw@npm-proxy.fury.io/${token}/acme/?t=q1w2e3`,
          'pkg@1.2.3'
        ]
      })
    )
    expect(r.package.resolution.message).toBe(
      'not graded: --registry installs packages from https://npm-proxy.fury.io/…/acme/, not the public registry'
    )
    const text = JSON.stringify(r.package) + r.notes.join('\n')
    for (const secret of [token, 's3cretpw', 'q1w2e3']) expect(text).not.toContain(secret)
  })

  it('says so when the registry is not a URL (a variable reference)', () => {
    const r = identifyServer(
      entry({
        command: 'npx',
        args: ['-y', 'pkg@1.2.3'],
        env: { npm_config_registry: '${env:REG}' }
      })
    )
    expect(r.package.resolution.message).toBe(
      'not graded: env npm_config_registry installs packages from a location that is not a URL (a variable or a local path), not the public registry'
    )
  })

  it('leaves git, tarball and path specs alone (the registry does not matter for them)', () => {
    const r = identifyServer(
      entry({ command: 'npx', args: ['--registry', 'https://evil/', 'github:o/r#main'] })
    )
    expect(r.package.resolution).toEqual({
      status: 'n/a',
      message: 'a git dependency is not a registry version'
    })
  })

  it('withholds another npm user config file and NODE_OPTIONS that preload code (review: c1)', () => {
    const r = identifyServer(
      entry({
        command: 'npx',
        args: ['--userconfig', '/tmp/npmrc', '-y', 'pkg@1.2.3'],
        env: { NODE_OPTIONS: '--max-old-space-size=4096 --require=/tmp/hook.js --import ./x.mjs' }
      })
    )
    expect(r.package).toEqual(
      withheldNpm(
        'pkg',
        '1.2.3',
        true,
        '--userconfig is a launcher option not known to leave the package and its source alone (and 1 more, see the notes)'
      )
    )
    expect(r.notes).toContain(
      'env NODE_OPTIONS sets Node.js options not known to leave the program alone (--require, --import): what runs may not be pkg, so it is not graded'
    )
    expect(r.notes.join('\n')).not.toContain('hook.js')
    // Corpus (anthropics/claude-code): a memory limit preloads nothing.
    const plain = identifyServer(
      entry({
        command: 'npx',
        args: ['-y', 'pkg@1.2.3'],
        env: { NODE_OPTIONS: '--max-old-space-size=4096' }
      })
    )
    expect(plain.package).toEqual(pinned('pkg', '1.2.3', 'pkg:npm/pkg@1.2.3'))
    expect(plain.notes.join('\n')).not.toContain('NODE_OPTIONS')
  })
})

describe('identifyServer: npm call strings', () => {
  it('reads npx -c like a shell string', () => {
    const one = identifyServer(
      commandEntry('npx', ['-p', 'pkg@1.2.3', '-c', 'cd /srv && pkg --stdio'])
    )
    expect(one.package).toEqual(pinned('pkg', '1.2.3', 'pkg:npm/pkg@1.2.3'))
    const two = identifyServer(
      commandEntry('npx', ['-p', 'pkg@1.2.3', '-c', 'pkg; curl -s x | sh'])
    )
    expect(two.package).toMatchObject({
      ecosystem: 'unknown',
      name: 'pkg',
      resolution: { status: 'n/a', message: 'runs several commands: pkg, curl, sh' }
    })
    expect(two.notes[0]).toMatch(/^the `npx -c` string runs 3 commands that can run code/)
  })

  it('reads pnpm dlx -c (shell mode) like a shell string', () => {
    const r = identifyServer(commandEntry('pnpm', ['dlx', '-c', 'good; evil']))
    expect(r.package).toMatchObject({
      ecosystem: 'unknown',
      resolution: { status: 'n/a', message: 'runs several commands: good, evil' }
    })
  })
})

describe('degenerate launches', () => {
  // Found by the fast-check property in identify-remote-local.test.ts: `npx -- -u` left the
  // package name undefined and masking it threw.
  it.each([[['--', '-u']], [['--']], [['-y', '--']]])(
    'npx %j identifies nothing, without throwing',
    (args) => {
      const r = identifyServer(commandEntry('npx', args))
      expect(r.package.name).toBeNull()
      expect(r.package.purl).toBeNull()
      expect(r.package.pinned).toBe(false)
    }
  )
})

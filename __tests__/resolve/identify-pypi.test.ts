import { describe, expect, it } from '@jest/globals'
import { describePackage } from '../../src/resolve/describe.js'
import { identifyServer } from '../../src/resolve/identify.js'
import type { RawLaunch } from '../../src/config/types.js'
import type { PackageIdentity } from '../../src/resolve/types.js'
import { commandEntry, entry } from './server-entry.js'

const NOT_RESOLVED = 'PyPI versions are not resolved against the registry'

function unpinned(name: string, versionSpec: string | null, launcher = 'uvx'): PackageIdentity {
  return {
    ecosystem: 'pypi',
    name,
    versionSpec,
    version: null,
    pinned: false,
    purl: null,
    launcher,
    resolution: { status: 'unresolved', message: NOT_RESOLVED }
  }
}

function pinned(
  name: string,
  versionSpec: string,
  version: string,
  purl: string,
  launcher = 'uvx'
): PackageIdentity {
  return {
    ecosystem: 'pypi',
    name,
    versionSpec,
    version,
    pinned: true,
    purl,
    launcher,
    resolution: { status: 'exact' }
  }
}

const cases: { source: string; command: string; args: string[]; expected: PackageIdentity }[] = [
  {
    source: 'corpus: uvx mcp-server-fetch',
    command: 'uvx',
    args: ['mcp-server-fetch'],
    expected: unpinned('mcp-server-fetch', null)
  },
  {
    source: 'corpus: uvx markitdown-mcp@0.0.1a4 (uv @version pin)',
    command: 'uvx',
    args: ['markitdown-mcp@0.0.1a4'],
    expected: pinned('markitdown-mcp', '0.0.1a4', '0.0.1a4', 'pkg:pypi/markitdown-mcp@0.0.1a4')
  },
  {
    source: 'corpus: uvx awslabs.aws-documentation-mcp-server@latest',
    command: 'uvx',
    args: ['awslabs.aws-documentation-mcp-server@latest'],
    expected: unpinned('awslabs.aws-documentation-mcp-server', 'latest')
  },
  {
    source: 'corpus: uvx --upgrade rba-mcp',
    command: 'uvx',
    args: ['--upgrade', 'rba-mcp'],
    expected: unpinned('rba-mcp', null)
  },
  {
    source: 'corpus: uvx mcp-server-time --local-timezone=Asia/Tokyo',
    command: 'uvx',
    args: ['mcp-server-time', '--local-timezone=Asia/Tokyo'],
    expected: unpinned('mcp-server-time', null)
  },
  {
    source: 'corpus: uv tool run arxiv-mcp-server --storage-path .',
    command: 'uv',
    args: ['tool', 'run', 'arxiv-mcp-server', '--storage-path', '.'],
    expected: unpinned('arxiv-mcp-server', null, 'uv tool run')
  },
  {
    source: 'corpus: uv by absolute mise path, tool run mcp-server-git',
    command: '/Users/phatblat/.local/share/mise/installs/uv/0.7.16/uv-aarch64-apple-darwin/uv',
    args: ['tool', 'run', 'mcp-server-git'],
    expected: unpinned('mcp-server-git', null, 'uv tool run')
  },
  {
    source: 'corpus: /Users/…/.local/bin/uvx mcp-server-notion',
    command: '/Users/benknight/.local/bin/uvx',
    args: ['mcp-server-notion'],
    expected: unpinned('mcp-server-notion', null)
  },
  {
    source: "synthetic: uvx --from 'pkg==1.2.3' cmd",
    command: 'uvx',
    args: ['--from', 'mcp-server-fetch==2025.1.17', 'mcp-server-fetch'],
    expected: pinned(
      'mcp-server-fetch',
      '==2025.1.17',
      '2025.1.17',
      'pkg:pypi/mcp-server-fetch@2025.1.17'
    )
  },
  {
    source: 'synthetic: extras, PEP 503 normalisation of the purl name',
    command: 'uvx',
    args: ['Mcp_Server.Fetch[cli,extra]==1.0'],
    expected: pinned('Mcp_Server.Fetch', '==1.0', '1.0', 'pkg:pypi/mcp-server-fetch@1.0')
  },
  {
    source: 'synthetic: a PEP 440 version is normalised',
    command: 'uvx',
    args: ['pkg==1.0.0-alpha1'],
    expected: pinned('pkg', '==1.0.0-alpha1', '1.0.0a1', 'pkg:pypi/pkg@1.0.0a1')
  },
  {
    source: 'synthetic: === arbitrary equality',
    command: 'uvx',
    args: ['pkg===1.0-custom'],
    expected: pinned('pkg', '===1.0-custom', '1.0-custom', 'pkg:pypi/pkg@1.0-custom')
  },
  {
    source: 'synthetic: == with a wildcard is not pinned',
    command: 'uvx',
    args: ['pkg==1.2.*'],
    expected: unpinned('pkg', '==1.2.*')
  },
  {
    source: 'synthetic: a range is not pinned',
    command: 'uvx',
    args: ['pkg>=1,<2'],
    expected: unpinned('pkg', '>=1,<2')
  },
  {
    source: 'synthetic: ~= is not pinned',
    command: 'uvx',
    args: ['--python', '3.12', 'pkg~=1.4'],
    expected: unpinned('pkg', '~=1.4')
  },
  {
    source: 'synthetic: uv options before the package',
    command: 'uvx',
    args: ['-p', '3.11', '--index-url', 'https://pypi.org/simple/', '--isolated', 'pkg@2.0.0'],
    expected: pinned('pkg', '2.0.0', '2.0.0', 'pkg:pypi/pkg@2.0.0')
  },
  {
    source: 'synthetic: pipx run --spec pkg==1.2.3 app',
    command: 'pipx',
    args: ['run', '--spec', 'mcp-server-time==0.6.2', 'mcp-server-time'],
    expected: pinned(
      'mcp-server-time',
      '==0.6.2',
      '0.6.2',
      'pkg:pypi/mcp-server-time@0.6.2',
      'pipx run'
    )
  },
  {
    source: 'synthetic: pipx run app',
    command: 'pipx',
    args: ['run', '--no-cache', 'mcp-server-time'],
    expected: unpinned('mcp-server-time', null, 'pipx run')
  }
]

describe('identifyServer: PyPI', () => {
  it.each(cases)('$source', ({ command, args, expected }) => {
    expect(identifyServer(commandEntry(command, args)).package).toEqual(expected)
  })

  it('identifies uvx --from git+https://… (corpus: serena) as PyPI from git, not pinned', () => {
    const r = identifyServer(
      commandEntry('uvx', [
        '--from',
        'git+https://github.com/oraios/serena',
        'serena',
        'start-mcp-server'
      ])
    )
    expect(r.package).toEqual({
      ecosystem: 'pypi',
      name: 'git+https://github.com/oraios/serena',
      versionSpec: null,
      version: null,
      pinned: false,
      purl: null,
      launcher: 'uvx',
      resolution: { status: 'n/a', message: 'a git or URL source is not a registry version' }
    })
    expect(r.notes).toContain('runs the command `serena` from that package')
  })

  it('notes a git source at an exact commit, and strips credentials from it', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567'
    const r = identifyServer(
      commandEntry('uvx', ['--from', `git+https://oauth2:glpat-SECRET@gitlab.com/g/p@${sha}`, 'p'])
    )
    expect(r.package.name).toBe('git+https://gitlab.com/g/p')
    expect(r.package.versionSpec).toBe(sha)
    expect(r.package.pinned).toBe(false)
    expect(r.notes).toContain(
      'installs from git at a fixed commit: exact, but not a registry version, so not pinned'
    )
    expect(JSON.stringify(r.package) + r.notes.join('\n')).not.toContain('glpat-SECRET')
  })

  it('keeps a git @ref out of the name (review: uvx --from git+https://…@main)', () => {
    const r = identifyServer(
      commandEntry('uvx', ['--from', 'git+https://github.com/a/b@main', 'cmd'])
    )
    expect(r.package).toEqual({
      ecosystem: 'pypi',
      name: 'git+https://github.com/a/b',
      versionSpec: 'main',
      version: null,
      pinned: false,
      purl: null,
      launcher: 'uvx',
      resolution: { status: 'n/a', message: 'a git or URL source is not a registry version' }
    })
    expect(describePackage(r.package)).toBe('git+https://github.com/a/b@main')
    // A `git@` user, a fragment, and a ref with dots.
    const ssh = identifyServer(
      commandEntry('uvx', [
        '--from',
        'git+ssh://git@github.com/a/b.git@v1.2.0#subdirectory=srv',
        'c'
      ])
    ).package
    expect(ssh).toMatchObject({
      name: 'git+ssh://git@github.com/a/b.git#subdirectory=srv',
      versionSpec: 'v1.2.0'
    })
    const noRef = identifyServer(
      commandEntry('uvx', ['--from', 'git+ssh://git@github.com/a/b.git', 'c'])
    ).package
    expect(noRef).toMatchObject({ name: 'git+ssh://git@github.com/a/b.git', versionSpec: null })
  })

  it('reads `name @ url` requirements', () => {
    const r = identifyServer(
      commandEntry('uvx', ['--from', 'serena @ git+https://github.com/oraios/serena', 'serena'])
    )
    expect(r.package).toMatchObject({
      ecosystem: 'pypi',
      name: 'serena',
      versionSpec: 'git+https://github.com/oraios/serena',
      pinned: false
    })
  })

  it('identifies uvx --from a local path (corpus) as not pinned', () => {
    const r = identifyServer(
      commandEntry('uvx', ['--from', '/Users/monty/work/diversio/gemini_cli_mcp', 'gemini-mcp'])
    )
    expect(r.package).toMatchObject({
      ecosystem: 'pypi',
      name: '/Users/monty/work/diversio/gemini_cli_mcp',
      pinned: false,
      resolution: { status: 'n/a' }
    })
  })

  it('keeps an invalid requirement with a note', () => {
    const r = identifyServer(commandEntry('uvx', ['${SERVER_PACKAGE}']))
    expect(r.package).toMatchObject({
      ecosystem: 'pypi',
      pinned: false,
      resolution: { status: 'n/a' }
    })
    expect(r.notes.join('\n')).toContain('not a valid PyPI requirement')
  })

  it('says when a uv @version is not a PEP 440 version', () => {
    const r = identifyServer(commandEntry('uvx', ['pkg@not.a.version!']))
    expect(r.package).toMatchObject({ pinned: false, versionSpec: 'not.a.version!' })
    expect(r.notes).toContain('"not.a.version!" is not a PEP 440 version')
  })

  it('treats uvx mcp-proxy <url> as a bridge to a remote server', () => {
    const r = identifyServer(
      commandEntry('uvx', ['mcp-proxy', 'http://localhost:8080/sse?key=abc'])
    )
    expect(r.package).toMatchObject({
      ecosystem: 'remote',
      name: 'http://localhost:8080/sse',
      launcher: 'mcp-proxy'
    })
  })

  it('treats uvx without a package as unknown', () => {
    expect(identifyServer(commandEntry('uvx', ['--python', '3.12'])).package).toMatchObject({
      ecosystem: 'unknown',
      launcher: 'uvx'
    })
  })
})

describe('identifyServer: PyPI from another index', () => {
  const message = (url: string, setting: string) =>
    `not graded: ${setting} installs packages from ${url}, not the public registry`

  it.each<{ source: string; launch: Partial<RawLaunch>; url: string; setting: string }>([
    {
      source: 'review: uvx --index-url URL',
      launch: { command: 'uvx', args: ['--index-url', 'https://evil.example/simple', 'pkg==1.0'] },
      url: 'https://evil.example/simple',
      setting: '--index-url'
    },
    {
      source: 'review: uvx -i URL',
      launch: { command: 'uvx', args: ['-i', 'https://evil.example/simple', 'pkg@1.0'] },
      url: 'https://evil.example/simple',
      setting: '-i'
    },
    {
      source: 'review: uvx --extra-index-url=URL',
      launch: { command: 'uvx', args: ['--extra-index-url=https://evil.example/simple', 'pkg'] },
      url: 'https://evil.example/simple',
      setting: '--extra-index-url'
    },
    {
      source: 'review: uvx --default-index URL',
      launch: { command: 'uvx', args: ['--default-index', 'https://evil.example/simple', 'pkg'] },
      url: 'https://evil.example/simple',
      setting: '--default-index'
    },
    {
      source: 'review: uvx --find-links URL',
      launch: { command: 'uvx', args: ['--find-links', 'https://evil.example/wheels/', 'pkg'] },
      url: 'https://evil.example/wheels/',
      setting: '--find-links'
    },
    {
      source: 'synthetic: uv --index name=URL tool run (an option before the subcommand)',
      launch: {
        command: 'uv',
        args: ['--index', 'corp=https://corp.example/simple', 'tool', 'run', 'pkg==1.0']
      },
      url: 'https://corp.example/simple',
      setting: '--index'
    },
    {
      source: 'review: pipx run --index-url URL',
      launch: {
        command: 'pipx',
        args: ['run', '--index-url', 'https://evil.example/simple', '--spec', 'pkg==1.0', 'pkg']
      },
      url: 'https://evil.example/simple',
      setting: '--index-url'
    },
    {
      source: 'synthetic: pipx run --pip-args with an index',
      launch: {
        command: 'pipx',
        args: ['run', '--pip-args=--index-url=https://evil.example/simple', 'pkg']
      },
      url: 'https://evil.example/simple',
      setting: '--pip-args --index-url'
    },
    {
      source: 'review: UV_INDEX_URL in env',
      launch: {
        command: 'uvx',
        args: ['pkg==1.0'],
        env: { UV_INDEX_URL: 'https://evil.example/simple' }
      },
      url: 'https://evil.example/simple',
      setting: 'env UV_INDEX_URL'
    },
    {
      source: 'review: PIP_INDEX_URL in env, for pipx',
      launch: {
        command: 'pipx',
        args: ['run', 'pkg'],
        env: { PIP_INDEX_URL: 'https://evil.example/simple' }
      },
      url: 'https://evil.example/simple',
      setting: 'env PIP_INDEX_URL'
    },
    {
      source: 'review: UV_EXTRA_INDEX_URL list (the default one is skipped, credentials removed)',
      launch: {
        command: 'uvx',
        args: ['pkg==1.0'],
        env: {
          UV_EXTRA_INDEX_URL: 'https://pypi.org/simple https://u:p4ssw0rd@evil.example/simple'
        }
      },
      url: 'https://evil.example/simple',
      setting: 'env UV_EXTRA_INDEX_URL'
    },
    {
      source: 'review: PIP_EXTRA_INDEX_URL in env',
      launch: {
        command: 'uvx',
        args: ['pkg==1.0'],
        env: { PIP_EXTRA_INDEX_URL: 'https://evil.example/simple' }
      },
      url: 'https://evil.example/simple',
      setting: 'env PIP_EXTRA_INDEX_URL'
    }
  ])('$source', ({ launch, url, setting }) => {
    const r = identifyServer(entry(launch))
    expect(r.package).toMatchObject({
      ecosystem: 'pypi',
      name: 'pkg',
      version: null,
      // Pinned as written (an exact spec), though the identity is withheld.
      pinned: (launch.args ?? []).some((a) => /^pkg(?:==|@)1\.0$/.test(a)),
      purl: null,
      resolution: { status: 'n/a', message: message(url, setting) }
    })
    expect(r.notes.some((n) => n.startsWith(`${setting} installs packages from ${url}`))).toBe(true)
    expect(JSON.stringify(r.package) + r.notes.join('\n')).not.toContain('p4ssw0rd')
  })

  it('keeps grading with the default index, https://pypi.org/simple', () => {
    const r = identifyServer(
      entry({
        command: 'uvx',
        args: ['--index-url', 'https://pypi.org/simple', 'pkg==1.0'],
        env: { PIP_INDEX_URL: 'https://pypi.org/simple/' }
      })
    )
    expect(r.package).toEqual(pinned('pkg', '==1.0', '1.0', 'pkg:pypi/pkg@1.0'))
  })
})

import { describe, expect, it } from '@jest/globals'
import { identifyServer } from '../../src/resolve/identify.js'
import { parseImageReference } from '../../src/resolve/image-reference.js'
import type { PackageIdentity } from '../../src/resolve/types.js'
import { commandEntry } from './server-entry.js'

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`
const NOT_RESOLVED = 'image tags are not resolved to a digest'

function byTag(name: string, tag: string, launcher = 'docker'): PackageIdentity {
  return {
    ecosystem: 'oci',
    name,
    versionSpec: tag,
    version: null,
    pinned: false,
    purl: null,
    launcher,
    resolution: { status: 'unresolved', message: NOT_RESOLVED }
  }
}

function byDigest(
  name: string,
  tag: string | null,
  purl: string,
  launcher = 'docker'
): PackageIdentity {
  return {
    ecosystem: 'oci',
    name,
    versionSpec: tag,
    version: DIGEST,
    pinned: true,
    purl,
    launcher,
    resolution: { status: 'exact' }
  }
}

const cases: { source: string; command: string; args: string[]; expected: PackageIdentity }[] = [
  {
    source: 'corpus: docker run -i --rm -e … ghcr.io/github/github-mcp-server (no tag)',
    command: 'docker',
    args: [
      'run',
      '-i',
      '--rm',
      '-e',
      'GITHUB_PERSONAL_ACCESS_TOKEN',
      '-e',
      'GITHUB_TOOLSETS',
      '-e',
      'GITHUB_READ_ONLY',
      'ghcr.io/github/github-mcp-server'
    ],
    expected: byTag('ghcr.io/github/github-mcp-server', 'latest')
  },
  {
    source: 'corpus: -p host:port, -e NAME=value, then image:tag',
    command: 'docker',
    args: [
      'run',
      '-i',
      '--rm',
      '-p',
      '127.0.0.1:8085:8085',
      '-e',
      'GITHUB_OAUTH_CALLBACK_PORT=8085',
      '-e',
      'GITHUB_PERSONAL_ACCESS_TOKEN=${input:token}',
      'ghcr.io/github/github-mcp-server:1.10.1'
    ],
    expected: byTag('ghcr.io/github/github-mcp-server', '1.10.1')
  },
  {
    source: 'corpus: --mount type=bind,… mcp/filesystem /Epic-Isolator',
    command: 'docker',
    args: [
      'run',
      '-i',
      '--rm',
      '--mount',
      'type=bind,src=/home/amd/Desktop/Epic-Isolator,dst=/Epic-Isolator',
      'mcp/filesystem',
      '/Epic-Isolator'
    ],
    expected: byTag('mcp/filesystem', 'latest')
  },
  {
    source: 'corpus: -v …, --network, -e, then image:latest',
    command: 'docker',
    args: [
      'run',
      '--rm',
      '-i',
      '-v',
      '${workspaceFolder}/example-config.yaml:/app/config.yaml',
      '--network',
      'mcp-net',
      '-e',
      'MCP_MARIADB_CONFIG=/app/config.yaml',
      'siakhooi/mcp-mariadb:latest'
    ],
    expected: byTag('siakhooi/mcp-mariadb', 'latest')
  },
  {
    source: 'corpus: --network host with many -e values',
    command: 'docker',
    args: [
      'run',
      '-i',
      '--rm',
      '--network',
      'host',
      '-e',
      'MCP_ALLOWED_TARGETS=scanme.nmap.org,testphp.vulnweb.com',
      '-e',
      'MCP_TIMEOUT=300',
      'kali-mcp-server'
    ],
    expected: byTag('kali-mcp-server', 'latest')
  },
  {
    source: 'synthetic: --opt=value forms, clustered -it, boolean flags',
    command: 'docker',
    args: [
      'run',
      '-it',
      '--rm',
      '--init',
      '--privileged',
      '--env=TOKEN',
      '--name=mcp',
      '--platform',
      'linux/amd64',
      '--pull',
      'always',
      '-w',
      '/app',
      '-u',
      '1000:1000',
      '--env-file',
      '.env',
      '-eDEBUG=1',
      'mcp/memory:0.6.2',
      'dist/index.js'
    ],
    expected: byTag('mcp/memory', '0.6.2')
  },
  {
    source: 'synthetic: pinned by digest on ghcr.io',
    command: 'docker',
    args: ['run', '-i', '--rm', `ghcr.io/github/github-mcp-server@${DIGEST}`],
    expected: byDigest(
      'ghcr.io/github/github-mcp-server',
      null,
      `pkg:docker/github/github-mcp-server@${DIGEST}?repository_url=ghcr.io`
    )
  },
  {
    source: 'synthetic: Docker Hub image with tag and digest',
    command: 'docker',
    args: ['run', '-i', `mcp/memory:0.6.2@${DIGEST}`],
    expected: byDigest('mcp/memory', '0.6.2', `pkg:docker/mcp/memory@${DIGEST}`)
  },
  {
    source: 'synthetic: official image gets the library namespace',
    command: 'docker',
    args: ['run', '-i', `nginx@${DIGEST}`],
    expected: byDigest('nginx', null, `pkg:docker/library/nginx@${DIGEST}`)
  },
  {
    source: 'synthetic: docker.io/library/… is Docker Hub',
    command: 'docker',
    args: ['run', '-i', `docker.io/library/nginx:1.27@${DIGEST}`],
    expected: byDigest('docker.io/library/nginx', '1.27', `pkg:docker/library/nginx@${DIGEST}`)
  },
  {
    source: 'synthetic: registry with a port',
    command: 'podman',
    args: ['run', '-i', '--rm', `localhost:5000/team/srv@${DIGEST}`],
    expected: byDigest(
      'localhost:5000/team/srv',
      null,
      `pkg:docker/team/srv@${DIGEST}?repository_url=localhost%3A5000`,
      'podman'
    )
  },
  {
    source: 'synthetic: docker container run',
    command: 'docker',
    args: ['container', 'run', '--rm', '-i', 'mcp/git:1.0'],
    expected: byTag('mcp/git', '1.0')
  },
  {
    source: 'synthetic: global options before run',
    command: 'docker',
    args: ['-D', '--log-level', 'debug', 'run', '-i', 'mcp/git'],
    expected: byTag('mcp/git', 'latest')
  },
  {
    source: 'synthetic: nerdctl',
    command: 'nerdctl',
    args: ['run', '-i', 'mcp/time:2.0'],
    expected: byTag('mcp/time', '2.0', 'nerdctl')
  },
  {
    source: 'synthetic: docker.exe on Windows',
    command: 'C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker.exe',
    args: ['run', '-i', '--rm', 'mcp/fetch'],
    expected: byTag('mcp/fetch', 'latest')
  }
]

describe('identifyServer: OCI', () => {
  it.each(cases)('$source', ({ command, args, expected }) => {
    expect(identifyServer(commandEntry(command, args)).package).toEqual(expected)
  })

  it('notes the implicit latest tag', () => {
    const r = identifyServer(commandEntry('docker', ['run', '-i', '--rm', 'mcp/git']))
    expect(r.notes).toContain('no tag is written: the engine pulls `latest`')
  })

  it('does not pin a malformed digest', () => {
    const r = identifyServer(commandEntry('docker', ['run', '-i', 'mcp/git@sha256:abc']))
    expect(r.package).toMatchObject({ pinned: false, version: null, purl: null })
    expect(r.notes.join('\n')).toContain('not a valid image reference')
  })

  it('reports unrecognised run options it assumed to take no value', () => {
    const r = identifyServer(commandEntry('docker', ['run', '--brand-new-flag', 'mcp/git:1']))
    expect(r.package.name).toBe('mcp/git')
    expect(r.notes.join('\n')).toContain('--brand-new-flag')
  })

  it('keeps an image written as a variable, with a note', () => {
    const r = identifyServer(commandEntry('docker', ['run', '-i', '${IMAGE}']))
    expect(r.package).toMatchObject({
      ecosystem: 'oci',
      name: '${IMAGE}',
      pinned: false,
      purl: null
    })
    expect(r.notes.join('\n')).toContain('not a valid image reference')
  })

  it('treats docker mcp gateway run (corpus) as unknown', () => {
    const r = identifyServer(commandEntry('docker', ['mcp', 'gateway', 'run']))
    expect(r.package).toMatchObject({
      ecosystem: 'unknown',
      name: 'docker mcp gateway',
      launcher: 'docker'
    })
  })

  it('treats docker run without an image as unknown', () => {
    expect(identifyServer(commandEntry('docker', ['run', '-i', '--rm'])).package).toMatchObject({
      ecosystem: 'unknown',
      name: null
    })
  })
})

describe('parseImageReference', () => {
  it.each([
    [
      'nginx',
      { registry: null, path: 'nginx', name: 'nginx', tag: null, digest: null, valid: true }
    ],
    [
      'ghcr.io/a/b:1.0',
      {
        registry: 'ghcr.io',
        path: 'a/b',
        name: 'ghcr.io/a/b',
        tag: '1.0',
        digest: null,
        valid: true
      }
    ],
    [
      'localhost:5000/x',
      {
        registry: 'localhost:5000',
        path: 'x',
        name: 'localhost:5000/x',
        tag: null,
        digest: null,
        valid: true
      }
    ],
    ['Upper/Case', { valid: false }],
    ['a/b:bad tag', { valid: false }]
  ])('%s', (ref, expected) => {
    expect(parseImageReference(ref)).toMatchObject(expected)
  })

  it('is null for an empty reference', () => {
    expect(parseImageReference('  ')).toBeNull()
  })
})

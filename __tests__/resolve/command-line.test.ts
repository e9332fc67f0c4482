import { describe, expect, it } from '@jest/globals'
import {
  guessSyntax,
  MAX_COMMAND_LINE_CHARS,
  pickLaunchingCommand,
  setupCommandLabel,
  splitCommandLine
} from '../../src/resolve/command-line.js'
import { commandName, looksLikePath } from '../../src/resolve/command-name.js'
import { scanOptions } from '../../src/resolve/options.js'

describe('splitCommandLine', () => {
  it.each([
    [
      'posix',
      'cd dir && node x.js',
      [
        ['cd', 'dir'],
        ['node', 'x.js']
      ]
    ],
    ['posix', 'a; b | c || d & e', [['a'], ['b'], ['c'], ['d'], ['e']]],
    ['posix', `node "my server.js" 'it''s'`, [['node', 'my server.js', 'its']]],
    ['posix', 'echo ${HOME}/x "$Y" \'$Z\'', [['echo', '${HOME}/x', '$Y', '$Z']]],
    ['posix', 'X=$(op read "op://v/i") node s.js', [['X=$(op read op://v/i)', 'node', 's.js']]],
    ['posix', 'node s.js 2>&1 >/dev/null # trailing comment', [['node', 's.js']]],
    ['posix', 'node *.js', [['node', '*.js']]],
    [
      'cmd',
      'cd C:\\srv && "C:\\Program Files\\nodejs\\node.exe" index.js',
      [
        ['cd', 'C:\\srv'],
        ['C:\\Program Files\\nodejs\\node.exe', 'index.js']
      ]
    ],
    [
      'cmd',
      '@echo off & set A=1 & node x.js > log.txt 2>&1',
      [
        ['echo', 'off'],
        ['set', 'A=1'],
        ['node', 'x.js']
      ]
    ],
    ['cmd', 'node ^"quoted^" x', [['node', '"quoted"', 'x']]],
    [
      'powershell',
      "& 'C:\\Program Files\\x.exe' --flag; npx -y p",
      [
        ['C:\\Program Files\\x.exe', '--flag'],
        ['npx', '-y', 'p']
      ]
    ],
    [
      'powershell',
      '$env:A = "b" ; node `"x`".js',
      [
        ['$env:A', '=', 'b'],
        ['node', '"x".js']
      ]
    ],
    ['powershell', "node 'it''s.js'", [['node', "it's.js"]]]
  ] as const)('%s: %s', (syntax, line, expected) => {
    expect(splitCommandLine(line, syntax)).toEqual(expected)
  })

  it('refuses lines over the size limit', () => {
    expect(splitCommandLine('x'.repeat(MAX_COMMAND_LINE_CHARS + 1), 'posix')).toBeNull()
  })

  it('guesses the syntax of a command written into `command`', () => {
    expect(guessSyntax('C:\\tools\\node.exe x.js')).toBe('cmd')
    expect(guessSyntax('"C:\\Program Files\\x.exe" y')).toBe('cmd')
    expect(guessSyntax('node.exe x.js')).toBe('cmd')
    expect(guessSyntax('npx -y pkg')).toBe('posix')
  })
})

describe('pickLaunchingCommand', () => {
  it('skips set-up commands and names them', () => {
    expect(
      pickLaunchingCommand([
        ['cd', 'x'],
        ['export', 'A=1'],
        ['A=1'],
        ['node', 'x.js'],
        ['echo', 'done']
      ])
    ).toEqual({ argv: ['node', 'x.js'], skipped: ['cd', 'export', 'environment assignment'] })
  })

  it('falls back to the first command when none launches anything', () => {
    expect(
      pickLaunchingCommand([
        ['cd', 'x'],
        ['echo', 'hi']
      ])
    ).toEqual({
      argv: ['cd', 'x'],
      skipped: ['cd', 'echo']
    })
  })

  it.each([
    [['source', '.venv/bin/activate'], 'source'],
    [['.venv\\Scripts\\activate.bat'], 'activate'],
    [['nvm', 'use', '20'], 'nvm use'],
    [['conda', 'activate', 'mcp'], 'conda activate'],
    [['$x=1'], 'assignment'],
    [['node', 'x.js'], null],
    [['FOO=1', 'node', 'x.js'], null]
  ])('%j → %s', (words, label) => {
    expect(setupCommandLabel(words)).toBe(label)
  })
})

describe('commandName and looksLikePath', () => {
  it.each([
    ['npx', 'npx'],
    ['npx.cmd', 'npx'],
    ['NPX.EXE', 'npx'],
    ['/usr/local/bin/npx', 'npx'],
    ['C:\\Program Files\\nodejs\\npx.cmd', 'npx'],
    ['"C:\\tools\\node.exe"', 'node'],
    ['python3.11', 'python3.11'],
    ['~/.bun/bin/bunx', 'bunx']
  ])('%s → %s', (command, name) => {
    expect(commandName(command)).toBe(name)
  })

  it('tells paths from names on PATH', () => {
    for (const p of ['./x', '../x', '/x', '~/x', 'C:\\x', 'a/b', '${workspaceFolder}/x.js']) {
      expect(looksLikePath(p)).toBe(true)
    }
    for (const n of ['npx', 'mcp-server-foo', 'python3.11']) expect(looksLikePath(n)).toBe(false)
  })
})

describe('scanOptions', () => {
  const grammar = { valueFlags: new Set(['-e', '--env', '-p']), terminalFlags: new Set(['-m']) }

  it('reads values, clusters and the first positional', () => {
    expect(
      scanOptions(['-it', '-e', 'A', '--env=B', '-pX', '--rm', 'image', '-e', 'C'], grammar)
    ).toEqual({
      options: [
        { flag: '-i' },
        { flag: '-t' },
        { flag: '-e', value: 'A' },
        { flag: '--env', value: 'B' },
        { flag: '-p', value: 'X' },
        { flag: '--rm' }
      ],
      positional: ['image', '-e', 'C'],
      doubleDash: false
    })
  })

  it('stops at `--` and at terminal flags', () => {
    expect(scanOptions(['-i', '--', '-e', 'x'], grammar)).toMatchObject({
      positional: ['-e', 'x'],
      doubleDash: true
    })
    expect(scanOptions(['-m', '--x', 'y'], grammar)).toMatchObject({
      positional: ['--x', 'y'],
      terminal: { flag: '-m' }
    })
  })

  it('reads single-dash words when asked (Go style)', () => {
    const go = { valueFlags: new Set(['-tags']), singleDashWords: true }
    expect(scanOptions(['-tags', 'prod', '-race', './cmd'], go)).toMatchObject({
      options: [{ flag: '-tags', value: 'prod' }, { flag: '-race' }],
      positional: ['./cmd']
    })
  })
})

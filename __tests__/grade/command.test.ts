import { afterAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  createCommandGrader,
  GraderCommandSyntaxError,
  graderEnvironment,
  parseGraderCommand,
  type CommandGraderOptions
} from '../../src/grade/command.js'
import { GradeReportSchema, type GradeOutcome } from '../../src/grade/report.js'
import { localServer, npmServer, remoteServer } from '../fixtures/graders/servers.js'

const graders = fileURLToPath(new URL('../fixtures/graders/', import.meta.url))
const SECRET = 'ghp_1234567890abcdefghijABCDEFGHIJ123456'
const PURL = 'pkg:npm/%40modelcontextprotocol/server-github@2025.4.8'
const github = () => npmServer('@modelcontextprotocol/server-github', '2025.4.8')

// Created at load time: `it.concurrent` tests may start before `beforeAll` hooks run.
const scratch = mkdtempSync(join(tmpdir(), 'grader-test-'))
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

function grader(script: string, extra: string[] = [], options: Partial<CommandGraderOptions> = {}) {
  return createCommandGrader({
    command: [process.execPath, join(graders, script), ...extra],
    timeoutMs: 10_000,
    ...options
  })
}

function errorOf(outcome: GradeOutcome): string {
  if (outcome.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(outcome)}`)
  return outcome.message
}

/** True while `pid` runs (a zombie waiting for a reaper counts as dead). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true
  }
}

async function waitUntilDead(pid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs
  while (Date.now() < until) {
    if (!isAlive(pid)) return true
    await new Promise((r) => setTimeout(r, 25))
  }
  return !isAlive(pid)
}

describe('command grader', () => {
  it.concurrent('reads a valid report and fills in source "command"', async () => {
    const outcome = await grader('report.mjs').grade(github())
    if (outcome.kind !== 'graded') throw new Error(JSON.stringify(outcome))
    expect(outcome.report.source).toBe('command')
    expect(outcome.report.grader).toEqual({ name: 'fixture-grader', version: '1.0.0' })
    expect(outcome.report.overall).toEqual({ score: 82, grade: 'B' })
    expect(outcome.report.subScores.permissions).toBeNull()
    expect(outcome.report.subScores.maintenance).toEqual({ score: null, grade: 'B' })
    expect(GradeReportSchema.safeParse(outcome.report).success).toBe(true)
  })

  it.concurrent('accepts a report that says source "command"', async () => {
    const outcome = await grader('report.mjs', ['--source=command']).grade(github())
    expect(outcome.kind).toBe('graded')
  })

  it.concurrent('rejects a report that claims another source', async () => {
    const outcome = await grader('report.mjs', ['--source=builtin']).grade(github())
    expect(errorOf(outcome)).toBe(
      'grader command\'s report is invalid: source: expected "command" (or no source)'
    )
  })

  it('refuses an auditedAt that cannot be true: before MCP existed, or in the future', async () => {
    const now = () => new Date('2026-11-21T10:00:00Z')
    for (const [date, problem] of [
      [
        '1970-01-01T00:00:00Z',
        'auditedAt: 1970-01-01T00:00:00Z is before the first MCP specification'
      ],
      ['2999-01-01T00:00:00Z', 'auditedAt: 2999-01-01T00:00:00Z is in the future'],
      ['2026-11-23T10:00:00Z', 'auditedAt: 2026-11-23T10:00:00Z is in the future']
    ] as const) {
      const outcome = await grader('report.mjs', [`--audited-at=${date}`], { now }).grade(github())
      expect(errorOf(outcome)).toContain(`grader command's report is invalid: ${problem}`)
    }
    // Within a day of the gate's clock is clock skew, not a lie.
    const skewed = await grader('report.mjs', ['--audited-at=2026-11-22T09:00:00Z'], { now }).grade(
      github()
    )
    expect(skewed.kind).toBe('graded')
  })

  it.concurrent(
    'tells the identity through argv (last), env and stdin, and nothing from the config',
    async () => {
      const outcome = await grader('report.mjs', ['--flag']).grade(github())
      if (outcome.kind !== 'graded') throw new Error(JSON.stringify(outcome))
      const title = outcome.report.findings[0]!.title
      expect(title).not.toContain(SECRET)
      expect(title).not.toContain('GITHUB_TOKEN')
      expect(JSON.parse(title)).toEqual({
        argv: ['--flag', PURL],
        env: {
          id: PURL,
          ecosystem: 'npm',
          name: '@modelcontextprotocol/server-github',
          version: '2025.4.8',
          purl: PURL
        },
        stdin: {
          id: PURL,
          ecosystem: 'npm',
          name: '@modelcontextprotocol/server-github',
          version: '2025.4.8',
          pinned: true,
          purl: PURL
        }
      })
    }
  )

  it.concurrent(
    'tells a remote server by its sanitised URL, and empty env values for unknowns',
    async () => {
      const outcome = await grader('report.mjs').grade(
        remoteServer('https://user:hunter2@mcp.example.com/mcp?token=abc')
      )
      if (outcome.kind !== 'graded') throw new Error(JSON.stringify(outcome))
      const title = outcome.report.findings[0]!.title
      expect(title).not.toContain('hunter2')
      expect(title).not.toContain('token=abc')
      const told = JSON.parse(title)
      expect(told.argv).toEqual(['https://mcp.example.com/mcp'])
      expect(told.env).toEqual({
        id: 'https://mcp.example.com/mcp',
        ecosystem: 'remote',
        name: 'https://mcp.example.com/mcp',
        version: '',
        purl: ''
      })
      expect(told.stdin.purl).toBeNull()
    }
  )

  it.concurrent('passes arguments literally: no shell is involved', async () => {
    const marker = join(scratch, 'pwned')
    const hostile = `; touch ${marker}`
    const outcome = await grader('report.mjs', [hostile, `$(touch ${marker})`, '*.mjs']).grade(
      github()
    )
    if (outcome.kind !== 'graded') throw new Error(JSON.stringify(outcome))
    expect(JSON.parse(outcome.report.findings[0]!.title).argv).toEqual([
      hostile,
      `$(touch ${marker})`,
      '*.mjs',
      PURL
    ])
    expect(existsSync(marker)).toBe(false)
  })

  it.concurrent('runs once per identity', async () => {
    const counter = join(scratch, 'count')
    // A grader that appends a line per run, then answers ungraded.
    const g = createCommandGrader({
      command: [
        process.execPath,
        '-e',
        `require('fs').appendFileSync(${JSON.stringify(counter)}, 'x\\n'); process.stdout.write('{"ungraded":"none"}')`
      ]
    })
    const outcomes = await Promise.all([
      g.grade(github()),
      g.grade(npmServer('@modelcontextprotocol/server-github', '2025.4.8', 'other-entry')),
      g.grade(npmServer('other-mcp', '1.0.0'))
    ])
    expect(outcomes.map((o) => o.kind)).toEqual(['ungraded', 'ungraded', 'ungraded'])
    expect(readFileSync(counter, 'utf8')).toBe('x\nx\n')
  })

  it.concurrent('answers ungraded without running anything when there is no identity', async () => {
    const g = createCommandGrader({ command: ['/nonexistent/grader'] })
    const outcome = await g.grade(localServer())
    expect(outcome.kind).toBe('ungraded')
  })

  it.concurrent('maps {"ungraded": reason} with findings', async () => {
    expect(await grader('ungraded.mjs').grade(github())).toEqual({
      kind: 'ungraded',
      reason: `no audit on file for ${PURL}`,
      findings: [
        { ruleId: 'fixture.unknown', axis: 'maintenance', severity: 'low', title: 'never audited' }
      ]
    })
  })

  it.concurrent('rejects an "ungraded" answer with an empty reason', async () => {
    expect(errorOf(await grader('ungraded-invalid.mjs').grade(github()))).toBe(
      'grader command\'s "ungraded" answer is invalid: ungraded: expected a non-empty reason'
    )
  })

  it.concurrent('invalid JSON → error with a sanitised excerpt', async () => {
    const message = errorOf(await grader('not-json.mjs').grade(github()))
    expect(message).toBe(
      'grader command did not print JSON (stdout starts with "Grade: B (looks fine to me) [31mred [0m")'
    )
  })

  it.concurrent('schema violation → error naming the field', async () => {
    expect(errorOf(await grader('schema-violation.mjs').grade(github()))).toMatch(
      /^grader command's report is invalid: subScores\.security\.score: Too big/
    )
  })

  it.concurrent('non-zero exit → error with the code and a tail of stderr', async () => {
    expect(errorOf(await grader('exit-nonzero.mjs').grade(github()))).toBe(
      'grader command exited with code 3: loading rubric | fetching package | fatal: registry unreachable'
    )
  })

  it.concurrent('a program that cannot be started → error', async () => {
    const g = createCommandGrader({ command: [join(scratch, 'no-such-grader')] })
    expect(errorOf(await g.grade(github()))).toMatch(
      /^grader command could not be started: .*ENOENT/
    )
  })

  it.concurrent('time limit → error, and the process is gone', async () => {
    const started = Date.now()
    const outcome = await grader('sleep.mjs', [], { timeoutMs: 500 }).grade(github())
    expect(errorOf(outcome)).toBe('grader command timed out after 0.5 s')
    expect(Date.now() - started).toBeLessThan(3_000)
  })

  // 1.5 s limits: the fixture must have started (and written its pid) before it is stopped.
  it.concurrent('a program ignoring SIGTERM is killed with SIGKILL', async () => {
    const pidFile = join(scratch, 'sleep.pid')
    const outcome = await grader('sleep.mjs', ['--ignore-term', pidFile], {
      timeoutMs: 1_500,
      killGraceMs: 200
    }).grade(github())
    expect(errorOf(outcome)).toBe('grader command timed out after 1.5 s')
    const pid = Number(readFileSync(pidFile, 'utf8'))
    expect(await waitUntilDead(pid, 2_000)).toBe(true)
  })

  it.concurrent('a grandchild holding stdout open is killed with its process group', async () => {
    const pidFile = join(scratch, 'grandchild.pid')
    const outcome = await grader('grandchild.mjs', [pidFile], {
      timeoutMs: 1_500,
      killGraceMs: 200
    }).grade(github())
    expect(errorOf(outcome)).toBe('grader command timed out after 1.5 s')
    const pid = Number(readFileSync(pidFile, 'utf8'))
    expect(await waitUntilDead(pid, 2_000)).toBe(true)
  })

  it.concurrent('huge output → error', async () => {
    const outcome = await grader('huge.mjs', [], { maxOutputBytes: 256 * 1024 }).grade(github())
    expect(errorOf(outcome)).toBe('grader command printed more than 256 KiB on stdout')
  })

  it.concurrent('huge output under the default 5 MiB cap → error', async () => {
    expect(errorOf(await grader('huge.mjs').grade(github()))).toBe(
      'grader command printed more than 5 MiB on stdout'
    )
  })

  it.concurrent('empty stdout → error', async () => {
    const g = createCommandGrader({ command: [process.execPath, '-e', ''] })
    expect(errorOf(await g.grade(github()))).toMatch(/printed nothing on stdout/)
  })

  it.concurrent('JSON that is not an object → error', async () => {
    const g = createCommandGrader({ command: [process.execPath, '-e', 'console.log("[1,2]")'] })
    expect(errorOf(await g.grade(github()))).toMatch(/not an object/)
  })

  it.concurrent.each([
    ['javascript:alert(document.cookie)', 'reportUrl: expected an http(s) URL'],
    ['data:text/html,<script>alert(1)</script>', 'reportUrl: expected an http(s) URL']
  ])('refuses a report URL %s', async (url, expected) => {
    const outcome = await grader('report.mjs', [`--report-url=${url}`]).grade(github())
    expect(errorOf(outcome)).toBe(`grader command's report is invalid: ${expected}`)
  })

  it.concurrent('refuses an advisory link that is not http(s)', async () => {
    const outcome = await grader('report.mjs', ['--advisory-url=javascript:alert(1)']).grade(
      github()
    )
    expect(errorOf(outcome)).toBe(
      "grader command's report is invalid: findings[1].advisory.url: expected an http(s) URL"
    )
  })

  it.concurrent('keeps http(s) report and advisory links', async () => {
    const outcome = await grader('report.mjs', [
      '--report-url=https://grader.example/r/1',
      '--advisory-url=https://github.com/advisories/GHSA-xxxx-xxxx-xxxx'
    ]).grade(github())
    if (outcome.kind !== 'graded') throw new Error(JSON.stringify(outcome))
    expect(outcome.report.reportUrl).toBe('https://grader.example/r/1')
    expect(outcome.report.findings[1]!.advisory?.url).toBe(
      'https://github.com/advisories/GHSA-xxxx-xxxx-xxxx'
    )
  })

  it('rejects unusable options', () => {
    expect(() => createCommandGrader({ command: [] })).toThrow(/empty/)
    expect(() => createCommandGrader({ command: [' '] })).toThrow(/empty/)
    expect(() => createCommandGrader({ command: ['x'], timeoutMs: 0 })).toThrow(/timeoutMs/)
    expect(() => createCommandGrader({ command: ['x'], maxOutputBytes: NaN })).toThrow(
      /maxOutputBytes/
    )
  })
})

/** The variable names and the reversed MY_GRADER_TOKEN the `env.mjs` fixture saw. */
function toldEnvironment(outcome: GradeOutcome): { names: string[]; tokenReversed: string } {
  if (outcome.kind !== 'graded') throw new Error(JSON.stringify(outcome))
  const [names, token] = outcome.report.findings
  return {
    names: JSON.parse(names!.evidence!.snippet!) as string[],
    tokenReversed: token!.title
  }
}

const reversed = (text: string): string => [...text].reverse().join('')
const MY_TOKEN = 'grader-own-credential-7f3a9c'
const IDENTITY_NAMES = [
  'MCP_SERVER_ECOSYSTEM',
  'MCP_SERVER_ID',
  'MCP_SERVER_NAME',
  'MCP_SERVER_PURL',
  'MCP_SERVER_VERSION'
]

describe('command grader environment', () => {
  // The action's own secrets, as the runner and @actions/core put them in the environment.
  const actionEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: '/home/runner',
    TMPDIR: '/tmp',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    GITHUB_TOKEN: SECRET,
    'INPUT_GITHUB-TOKEN': SECRET,
    'INPUT_GRADER-API-KEY': 'sk-grader-key-0123456789abcdef',
    MCP_GRADER_API_KEY: 'sk-grader-key-0123456789abcdef',
    ACTIONS_RUNTIME_TOKEN: 'runtime-token-abcdef0123456789',
    NODE_OPTIONS: '--require ./evil.cjs',
    MCP_SERVER_ID: 'spoofed-by-the-parent',
    MY_GRADER_TOKEN: MY_TOKEN
  }

  it.concurrent('gives the program only the allow-listed variables and its identity', async () => {
    const told = toldEnvironment(await grader('env.mjs', [], { env: actionEnv }).grade(github()))
    expect(told.names).toEqual(
      ['HOME', 'LANG', 'LC_ALL', ...IDENTITY_NAMES, 'PATH', 'TMPDIR'].sort()
    )
    expect(told.tokenReversed).toBe('(unset)')
  })

  it('does not hand on a GITHUB_TOKEN set in the gate process', async () => {
    const saved = process.env.GITHUB_TOKEN
    process.env.GITHUB_TOKEN = SECRET
    try {
      const told = toldEnvironment(await grader('env.mjs').grade(github()))
      expect(told.names).not.toContain('GITHUB_TOKEN')
      expect(told.names).not.toContain('NODE_OPTIONS')
      expect(told.names).toContain('PATH')
      expect(told.names).toContain('MCP_SERVER_ID')
    } finally {
      if (saved === undefined) delete process.env.GITHUB_TOKEN
      else process.env.GITHUB_TOKEN = saved
    }
  })

  it.concurrent('passes the variables named in passEnv, and only those', async () => {
    const told = toldEnvironment(
      await grader('env.mjs', [], {
        env: actionEnv,
        passEnv: ['MY_GRADER_TOKEN', 'NOT_SET_ANYWHERE']
      }).grade(github())
    )
    expect(told.tokenReversed).toBe(reversed(MY_TOKEN))
    expect(told.names).toContain('MY_GRADER_TOKEN')
    expect(told.names).not.toContain('NOT_SET_ANYWHERE')
    expect(told.names).not.toContain('GITHUB_TOKEN')
  })

  it.concurrent('the identity variables cannot be overridden from the environment', async () => {
    const outcome = await grader('report.mjs', [], { env: actionEnv }).grade(github())
    if (outcome.kind !== 'graded') throw new Error(JSON.stringify(outcome))
    expect(JSON.parse(outcome.report.findings[0]!.title).env.id).toBe(PURL)
  })

  it.concurrent('masks tokens and passed-through values in the stderr tail', async () => {
    const message = errorOf(
      await grader('env.mjs', ['--fail'], {
        env: actionEnv,
        passEnv: ['MY_GRADER_TOKEN']
      }).grade(github())
    )
    expect(message).toBe(
      'grader command exited with code 2: starting with token *** | auth failed for ghp_…(40 chars)'
    )
    expect(message).not.toContain(SECRET)
    expect(message).not.toContain(MY_TOKEN)
  })

  it.concurrent('masks a passed-through value the program echoes into its report', async () => {
    const outcome = await grader('env.mjs', ['--echo-token'], {
      env: actionEnv,
      passEnv: ['MY_GRADER_TOKEN']
    }).grade(github())
    if (outcome.kind !== 'graded') throw new Error(JSON.stringify(outcome))
    expect(outcome.report.findings[2]!.title).toBe('token: ***')
    expect(JSON.stringify(outcome.report)).not.toContain(MY_TOKEN)
  })

  it('rejects passEnv names that cannot be variables or that the gate sets', () => {
    expect(() => createCommandGrader({ command: ['x'], passEnv: [''] })).toThrow(/passEnv/)
    expect(() => createCommandGrader({ command: ['x'], passEnv: ['A=B'] })).toThrow(/passEnv/)
    expect(() => createCommandGrader({ command: ['x'], passEnv: ['MCP_SERVER_ID'] })).toThrow(
      /MCP_SERVER_/
    )
  })
})

describe('graderEnvironment', () => {
  const identity = { MCP_SERVER_ID: 'pkg:npm/x@1.0.0' }

  it('matches names case-insensitively on Windows only', () => {
    const base = { Path: 'C:\\Windows', SystemRoot: 'C:\\Windows', comspec: 'cmd.exe', secret: 's' }
    expect(graderEnvironment(base, [], identity, 'win32')).toEqual({
      Path: 'C:\\Windows',
      SystemRoot: 'C:\\Windows',
      comspec: 'cmd.exe',
      ...identity
    })
    expect(graderEnvironment(base, [], identity, 'linux')).toEqual({
      SystemRoot: 'C:\\Windows',
      ...identity
    })
  })

  it('keeps LC_* and TEMP/TMP, drops empty-named and undefined entries', () => {
    const base = { LC_CTYPE: 'C', LC_MESSAGES: 'C', TEMP: '/t', TMP: '/t', X: 'y', PATH: undefined }
    expect(graderEnvironment(base, [], {}, 'linux')).toEqual({
      LC_CTYPE: 'C',
      LC_MESSAGES: 'C',
      TEMP: '/t',
      TMP: '/t'
    })
  })
})

describe('parseGraderCommand', () => {
  it.each([
    ['node grader.js', ['node', 'grader.js']],
    ['  python3 -m my_grader --json  ', ['python3', '-m', 'my_grader', '--json']],
    [`node "my grader.js" 'a b' c\\ d`, ['node', 'my grader.js', 'a b', 'c d']],
    ["node grader.js '$HOME'", ['node', 'grader.js', '$HOME']],
    ['node grader.js *.json', ['node', 'grader.js', '*.json']],
    ['["node", "grader.js", "--x=a b"]', ['node', 'grader.js', '--x=a b']]
  ])('%s', (text, argv) => {
    expect(parseGraderCommand(text)).toEqual(argv)
  })

  it.each([
    ['node a.js | tee out', /shell operator "\|"/],
    ['node a.js; rm -rf /', /shell operator ";"/],
    ['node a.js && echo ok', /shell operator "&&"/],
    ['node a.js > out.json', /shell operator ">"/],
    ['node a.js $TOKEN', /variable \$TOKEN, which is not expanded/],
    ['node a.js "${HOME}/x"', /variable \$HOME/],
    ['node a.js # note', /comment/],
    ['', /empty/],
    ['   ', /empty/],
    ['[]', /expected at least the program/],
    ['["node", 3]', /\[1\]: expected a JSON array of strings|\[1\]/],
    ['[""]', /program \(first item\) is empty/],
    ['["node", ', /not valid JSON/]
  ])('rejects %j', (text, message) => {
    let thrown: unknown
    try {
      parseGraderCommand(text)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(GraderCommandSyntaxError)
    expect((thrown as Error).message).toMatch(message)
  })
})

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { classifyConfig, classifyDeletedConfig } from '../../src/change/classify.js'
import type { ChangeInput, ChangedConfig } from '../../src/change/input.js'
import {
  NOT_BLOCKING_NOTE,
  baseToGrade,
  changeFacts,
  classifyChange,
  exemptFromBlocking,
  readChangedConfigs,
  removedServers,
  runChange
} from '../../src/change/run-change.js'
import type { ServerChange } from '../../src/change/types.js'
import { parseConfig } from '../../src/config/parse.js'
import type { ParsedConfig } from '../../src/config/types.js'
import type { Reason } from '../../src/policy/reasons.js'
import { identifyServer } from '../../src/resolve/identify.js'
import type { ResolvedServer } from '../../src/resolve/types.js'
import { BELOW_MIN, UNPINNED, grade, result } from '../fixtures/report/runs.js'

/** A Claude Code config text with the given servers (name → npx package spec). */
function config(servers: Record<string, string>): string {
  const map = Object.fromEntries(
    Object.entries(servers).map(([name, spec]) => [name, { command: 'npx', args: ['-y', spec] }])
  )
  return `${JSON.stringify({ mcpServers: map }, null, 2)}\n`
}

const changed = (over: Partial<ChangedConfig> & { path: string }): ChangedConfig => ({
  status: 'modified',
  base: { kind: 'absent' },
  head: { kind: 'workspace' },
  ...over
})

let workspace: string
let outside: string

beforeAll(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'run-change-'))
  outside = mkdtempSync(path.join(os.tmpdir(), 'run-change-outside-'))
  writeFileSync(path.join(workspace, '.mcp.json'), config({ fs: 'fs-mcp@1.0.0' }))
  mkdirSync(path.join(workspace, '.vscode'))
  writeFileSync(
    path.join(workspace, '.vscode', 'mcp.json'),
    '{"servers": {"web": {"type": "http", "url": "https://mcp.example.com/mcp"}}}'
  )
  writeFileSync(path.join(outside, 'secret.json'), config({ x: 'x@1.0.0' }))
  symlinkSync(path.join(outside, 'secret.json'), path.join(workspace, 'linked.mcp.json'))
})

afterAll(() => {
  rmSync(workspace, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
})

describe('readChangedConfigs', () => {
  it('reads workspace files, given texts and unreadable heads in order; skips removed files', async () => {
    const change: ChangeInput = {
      configs: [
        changed({ path: '.vscode/mcp.json' }),
        changed({ path: 'gone/mcp.json', status: 'removed', head: { kind: 'none' } }),
        changed({ path: 'api/.mcp.json', head: { kind: 'text', text: config({ a: 'a@2.0.0' }) } }),
        changed({
          path: '.mcp.json',
          head: { kind: 'unreadable', why: 'the file is not on the head commit' }
        })
      ]
    }
    const configs = await readChangedConfigs(change, workspace)
    expect(configs.map((c) => c.path)).toEqual(['.vscode/mcp.json', 'api/.mcp.json', '.mcp.json'])

    const [vscode, text, unreadable] = configs
    expect(vscode!.format).toBe('vscode')
    expect(vscode!.error).toBeNull()
    expect(vscode!.servers.map((s) => s.name)).toEqual(['web'])

    expect(text!.error).toBeNull()
    expect(text!.servers.map((s) => [s.name, s.launch.args])).toEqual([['a', ['-y', 'a@2.0.0']]])

    // The workspace's .mcp.json is NOT read when the head is unreadable.
    expect(unreadable!.servers).toEqual([])
    expect(unreadable!.format).toBe('claude-code')
    expect(unreadable!.error).toEqual({
      message:
        "Could not read this config at the pull request's head: the file is not on the head commit (line 1, column 1)",
      line: 1,
      column: 1
    })
  })

  it('a file missing from the workspace is a located config error naming the path', async () => {
    const configs = await readChangedConfigs(
      { configs: [changed({ path: 'apps/missing/mcp.json', status: 'added' })] },
      workspace
    )
    expect(configs).toHaveLength(1)
    const [missing] = configs
    expect(missing!.path).toBe('apps/missing/mcp.json')
    expect(missing!.servers).toEqual([])
    expect(missing!.error).toMatchObject({ line: 1, column: 1 })
    expect(missing!.error!.message).toMatch(
      /^Could not read this config at the pull request's head: .*apps\/missing\/mcp\.json.* \(line 1, column 1\)$/
    )
  })

  it('a workspace file linking outside the workspace is refused, not read', async () => {
    const [linked] = await readChangedConfigs(
      { configs: [changed({ path: 'linked.mcp.json', status: 'added' })] },
      workspace
    )
    expect(linked!.servers).toEqual([])
    expect(linked!.error?.message).toMatch(/^Not read: /)
  })

  it('a head text that does not parse is a config error at its position', async () => {
    const [broken] = await readChangedConfigs(
      {
        configs: [
          changed({ path: '.mcp.json', head: { kind: 'text', text: '{\n  "mcpServers": [' } })
        ]
      },
      workspace
    )
    expect(broken!.error).not.toBeNull()
    expect(broken!.error!.line).toBe(2)
  })
})

describe('classifyChange', () => {
  const BASE = config({ keep: 'keep@1.0.0', bump: 'bump@1.0.0', old: 'old@1.0.0' })
  const HEAD = config({ keep: 'keep@1.0.0', bump: 'bump@1.1.0', added: 'added@1.0.0' })

  function head(
    pathName: string,
    text: string
  ): { parsed: ParsedConfig; resolved: ResolvedServer[] } {
    const parsed = parseConfig(pathName, text)
    return { parsed, resolved: parsed.servers.map(identifyServer) }
  }

  it('a base text: added, changed, unchanged per head entry, removed in the file', () => {
    const { parsed, resolved } = head('.mcp.json', HEAD)
    const change: ChangeInput = {
      configs: [
        changed({ path: '.mcp.json', base: { kind: 'text', path: '.mcp.json', text: BASE } })
      ]
    }
    const { byEntry, configs } = classifyChange(change, [parsed], resolved)
    expect(configs).toHaveLength(1)
    expect(configs[0]!.status).toBe('modified')
    expect(parsed.servers.map((e) => byEntry.get(e)?.kind)).toEqual([
      'unchanged',
      'changed',
      'added'
    ])
    // The gate's resolved head servers are used as they are.
    expect(byEntry.get(parsed.servers[1]!)!.head).toBe(resolved[1])
    expect(byEntry.get(parsed.servers[1]!)!.versionBump).toBe('1.0.0 → 1.1.0')
    expect(configs[0]!.removed.map((r) => r.name)).toEqual(['old'])
    expect(byEntry.size).toBe(3)
  })

  it('a renamed file reads its base as the base path', () => {
    const { parsed, resolved } = head(
      '.vscode/mcp.json',
      '{"servers": {"a": {"command": "npx", "args": ["-y", "a@1.0.0"]}}}'
    )
    const { configs } = classifyChange(
      {
        configs: [
          changed({
            path: '.vscode/mcp.json',
            base: { kind: 'text', path: '.mcp.json', text: config({ a: 'a@1.0.0' }) }
          })
        ]
      },
      [parsed],
      resolved
    )
    // Parsed as .vscode/mcp.json the base (an mcpServers map) would have no servers.
    expect(configs[0]!.status).toBe('unchanged')
  })

  it('an absent base: the file and every server added', () => {
    const { parsed, resolved } = head('.mcp.json', HEAD)
    const { byEntry, configs } = classifyChange(
      { configs: [changed({ path: '.mcp.json', status: 'added' })] },
      [parsed],
      resolved
    )
    expect(configs[0]!.status).toBe('added')
    expect([...byEntry.values()].map((s) => s.kind)).toEqual(['added', 'added', 'added'])
  })

  it('an unknown base: status unknown, every server added, the reason noted', () => {
    const { parsed, resolved } = head('.mcp.json', HEAD)
    const { byEntry, configs } = classifyChange(
      {
        configs: [
          changed({ path: '.mcp.json', base: { kind: 'unknown', why: 'HTTP 502 from the API' } })
        ]
      },
      [parsed],
      resolved
    )
    expect(configs[0]!.status).toBe('unknown')
    expect([...byEntry.values()].map((s) => s.kind)).toEqual(['added', 'added', 'added'])
    expect(configs[0]!.notes.join('\n')).toContain('HTTP 502 from the API')
  })

  it('a removed file lists its base servers as removed and adds no head entries', () => {
    const { byEntry, configs } = classifyChange(
      {
        configs: [
          changed({
            path: 'gone/.mcp.json',
            status: 'removed',
            base: { kind: 'text', path: 'gone/.mcp.json', text: BASE },
            head: { kind: 'none' }
          })
        ]
      },
      [],
      []
    )
    expect(byEntry.size).toBe(0)
    expect(configs).toHaveLength(1)
    expect(configs[0]!.status).toBe('removed')
    expect(configs[0]!.path).toBe('gone/.mcp.json')
    expect(configs[0]!.removed.map((r) => [r.name, r.kind])).toEqual([
      ['keep', 'removed'],
      ['bump', 'removed'],
      ['old', 'removed']
    ])
  })

  it('a removed file whose base could not be read is recorded with a note, no servers', () => {
    const { configs } = classifyChange(
      {
        configs: [
          changed({
            path: 'gone/.mcp.json',
            status: 'removed',
            base: { kind: 'unknown', why: 'HTTP 500' },
            head: { kind: 'none' }
          })
        ]
      },
      [],
      []
    )
    expect(configs).toEqual([
      {
        path: 'gone/.mcp.json',
        status: 'removed',
        servers: [],
        removed: [],
        notes: ['removed; its servers on the base could not be listed (HTTP 500)']
      }
    ])
  })

  it('a changed file with no parsed head is skipped', () => {
    const { byEntry, configs } = classifyChange(
      { configs: [changed({ path: 'not-read/.mcp.json' })] },
      [parseConfig('other/.mcp.json', HEAD)],
      []
    )
    expect(configs).toEqual([])
    expect(byEntry.size).toBe(0)
  })
})

describe('baseToGrade', () => {
  /** The change of server `name` between two texts of `.mcp.json`. */
  function changeOf(baseText: string, headText: string, name = 's'): ServerChange {
    const result = classifyConfig(parseConfig('.mcp.json', headText), baseText)
    const found = [...result.servers, ...result.removed].find((s) => s.name === name)
    if (!found) throw new Error(`no server ${name}`)
    return found
  }

  it('a changed server whose pinned base ran another version: the base', () => {
    const change = changeOf(config({ s: 'pkg@1.0.0' }), config({ s: 'pkg@1.1.0' }))
    const base = baseToGrade(change)
    expect(base).toBe(change.base)
    expect(base!.package.purl).toBe('pkg:npm/pkg@1.0.0')
  })

  it('a changed server that moved to another pinned package: the base', () => {
    const change = changeOf(config({ s: 'pkg@1.0.0' }), config({ s: 'other-pkg@1.0.0' }))
    expect(baseToGrade(change)?.package.purl).toBe('pkg:npm/pkg@1.0.0')
  })

  it('null for an unpinned base, the same purl, and servers not changed', () => {
    expect(baseToGrade(changeOf(config({ s: 'pkg' }), config({ s: 'pkg@1.1.0' })))).toBeNull()
    // Only the environment changed: same package version, nothing new to grade.
    const envOnly = changeOf(
      config({ s: 'pkg@1.0.0' }),
      JSON.stringify({
        mcpServers: { s: { command: 'npx', args: ['-y', 'pkg@1.0.0'], env: { DEBUG: '1' } } }
      })
    )
    expect(envOnly.kind).toBe('changed')
    expect(baseToGrade(envOnly)).toBeNull()
    expect(baseToGrade(changeOf(config({ s: 'pkg@1.0.0' }), config({ s: 'pkg@1.0.0' })))).toBeNull()
    expect(baseToGrade(changeOf(config({}), config({ s: 'pkg@1.0.0' })))).toBeNull()
    expect(baseToGrade(changeOf(config({ s: 'pkg@1.0.0' }), config({})))).toBeNull()
  })

  it('null for a base without a purl (a local server)', () => {
    const local = (file: string) =>
      JSON.stringify({ mcpServers: { s: { command: 'node', args: [file] } } })
    const change = changeOf(local('a.js'), local('b.js'))
    expect(change.kind).toBe('changed')
    expect(baseToGrade(change)).toBeNull()
  })
})

describe('exemptFromBlocking', () => {
  const WARNING: Reason = {
    code: 'REGISTRY_GRADE_DRIFT',
    severity: 'warning',
    message: 'the registry says A, the grader B'
  }

  it('a failing server warns: error reasons become warnings with the note, others kept', () => {
    const failing = result({ verdict: 'fail', reasons: [BELOW_MIN, WARNING, UNPINNED] })
    const exempt = exemptFromBlocking(failing)
    expect(exempt.verdict).toBe('warn')
    expect(exempt.reasons).toEqual([
      {
        ...BELOW_MIN,
        severity: 'warning',
        message: `${BELOW_MIN.message} (${NOT_BLOCKING_NOTE})`
      },
      WARNING,
      { ...UNPINNED, severity: 'warning', message: `${UNPINNED.message} (${NOT_BLOCKING_NOTE})` }
    ])
    expect(exempt.grade).toBe(failing.grade)
    // The input is not changed.
    expect(failing.verdict).toBe('fail')
    expect(failing.reasons[0]!.severity).toBe('error')
  })

  it('an error verdict (grader failed) warns too', () => {
    const erred = result({
      verdict: 'error',
      grade: null,
      reasons: [{ code: 'GRADER_ERROR', severity: 'error', message: 'grader timed out' }]
    })
    const exempt = exemptFromBlocking(erred)
    expect(exempt.verdict).toBe('warn')
    expect(exempt.reasons.map((r) => r.severity)).toEqual(['warning'])
    expect(exempt.reasons[0]!.message).toContain(NOT_BLOCKING_NOTE)
  })

  it.each(['pass', 'warn', 'excepted'] as const)(
    'a %s verdict is returned untouched',
    (verdict) => {
      const input = result({ verdict, reasons: [WARNING] })
      expect(exemptFromBlocking(input)).toBe(input)
    }
  )
})

describe('changeFacts', () => {
  const change = classifyConfig(
    parseConfig('.mcp.json', config({ s: 'pkg@1.1.0', u: 'u@1.0.0' })),
    config({ s: 'pkg@1.0.0', u: 'u@1.0.0' })
  )
  const [bumped, unchanged] = change.servers

  it('carries the kind, bump and base location, and a drop only with both grades', () => {
    const facts = changeFacts(bumped!, 'all', {
      base: grade({ overall: { score: 92, grade: 'A' } }),
      head: grade({ overall: { score: 65, grade: 'C' } })
    })
    expect(facts.kind).toBe('changed')
    expect(facts.versionBump).toBe('1.0.0 → 1.1.0')
    expect(facts.base).toEqual({ name: 's', line: 3 })
    expect(facts.gradeDrop?.message).toMatch(
      /^grade went down against the base: A \(92\) → C \(65\)/
    )
    expect(facts.blocking).toBe(true)
    expect(changeFacts(bumped!, 'all', { base: null, head: grade() }).gradeDrop).toBeNull()
  })

  it('an unchanged server blocks only with scope all', () => {
    const none = { base: null, head: null }
    expect(changeFacts(unchanged!, 'all', none).blocking).toBe(true)
    expect(changeFacts(unchanged!, 'changed', none).blocking).toBe(false)
  })
})

describe('removedServers and runChange', () => {
  const modified = classifyConfig(
    parseConfig('.mcp.json', config({ a: 'a@1.0.0' })),
    config({ a: 'a@1.0.0', old: '@scope/old-mcp@2.0.0' })
  )
  const deleted = classifyDeletedConfig('legacy/mcp.json', config({ x: 'x-mcp' }))
  const unreadableDeleted = classifyDeletedConfig('broken/mcp.json', '{ "mcpServers": ')

  it('lists each removed server with its base location, package and purl', () => {
    expect(removedServers([modified, deleted, unreadableDeleted])).toEqual([
      {
        name: 'old',
        config: '.mcp.json',
        line: 10,
        column: 5,
        package: '@scope/old-mcp@2.0.0',
        purl: 'pkg:npm/%40scope/old-mcp@2.0.0'
      },
      {
        name: 'x',
        config: 'legacy/mcp.json',
        line: 3,
        column: 5,
        package: 'x-mcp (unpinned)',
        purl: null
      }
    ])
  })

  it('runChange records the scope, each file with its notes, the removed servers and counts', () => {
    const run = runChange('changed', [modified, deleted, unreadableDeleted])
    expect(run.scope).toBe('changed')
    expect(run.configs).toEqual([
      { path: '.mcp.json', status: 'modified', notes: [] },
      { path: 'legacy/mcp.json', status: 'removed', notes: [] },
      { path: 'broken/mcp.json', status: 'removed', notes: [unreadableDeleted.notes[0]] }
    ])
    expect(run.configs[2]!.notes[0]).toMatch(/could not be parsed/)
    expect(run.removed.map((r) => r.name)).toEqual(['old', 'x'])
    expect(run.summary.servers).toEqual({ added: 0, changed: 0, removed: 2, unchanged: 1 })
    expect(run.summary.configs).toEqual({
      added: 0,
      removed: 2,
      modified: 1,
      unchanged: 0,
      unknown: 0
    })
  })

  it('an empty change has no files and zero counts', () => {
    const run = runChange('all', [])
    expect(run).toEqual({
      scope: 'all',
      configs: [],
      removed: [],
      summary: {
        servers: { added: 0, changed: 0, removed: 0, unchanged: 0 },
        configs: { added: 0, removed: 0, modified: 0, unchanged: 0, unknown: 0 }
      }
    })
  })
})
